/* attrib-bench: speed and memory benchmark of the attrib library.
 *
 * A benchmark, not a test: it measures and prints, it never fails on a slow
 * number. Uses the library through include/attrib.h only. Every input is
 * read into memory before any clock starts, so disk time is never counted.
 * The cost of one document is end to end: attrib_analyze() + attrib_doc_to_json()
 * + freeing both, because producing the JSON is what a user pays for.
 *
 * Memory of one article is measured in a fresh process (this program run
 * again with the hidden --child option) so that the corpus held by the parent
 * and the parent's own peak do not leak into the figure. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "attrib.h"

#ifndef ATTRIB_BENCH_PEER_DIR
#define ATTRIB_BENCH_PEER_DIR "tools/attrib-bench/peer"
#endif

static const char usage[] =
    "usage: attrib-bench [OPTIONS] FILE|DIR...\n"
    "Measures model load time, per-document latency, throughput, peak RSS and\n"
    "thread scaling of attrib on the given texts (a directory means its *.txt).\n"
    "\n"
    "  -r N            repetitions of the corpus run; the best is reported (default 3)\n"
    "  -n N            model loads; the median is reported (default 11)\n"
    "  -j N            also run N threads sharing one model (default 1: no thread run)\n"
    "      --single FILE  peak RSS of analysing FILE alone in a fresh process\n"
    "                  (default: the largest input; --no-single to skip)\n"
    "      --no-single skip the fresh-process single-article measurement\n"
    "      --scaling   synthetic articles made by concatenating the inputs, by default\n"
    "                  to 0.4 MB and 10 MB: time ratio (target <= 25x) and RSS of each\n"
    "      --sizes A,B,...  sizes in MB for --scaling (first and last give the ratio)\n"
    "      --peer      also run the npm package compromise on the same texts\n"
    "      --peer-script FILE  the peer's node script (default " ATTRIB_BENCH_PEER_DIR
    "/compromise-bench.js)\n"
    "      --node CMD  node executable (default: node from PATH)\n"
    "      --json      one JSON object on stdout instead of the table\n"
    "  -q, --quiet     no progress on stderr\n"
    "  -h, --help      this help\n";

/* ---- small utilities ------------------------------------------------------ */

static int quiet;

static void progress(const char *fmt, ...) {
  if (quiet)
    return;
  va_list ap;
  va_start(ap, fmt);
  fputs("attrib-bench: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("attrib-bench: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p)
    die("out of memory (%zu bytes)", n);
  return p;
}

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q)
    die("out of memory (%zu bytes)", n);
  return q;
}

static char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(xmalloc(n), s, n);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of the whole process (every thread), seconds. */
static double cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double percentile(const double *sorted, size_t n, double p) {
  if (n == 0)
    return 0;
  size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);
  if (rank < 1)
    rank = 1;
  if (rank > n)
    rank = n;
  return sorted[rank - 1];
}

static double median_of(double *v, size_t n) {
  qsort(v, n, sizeof *v, cmp_double);
  if (n == 0)
    return 0;
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Peak RSS of this process in KiB, from getrusage (Linux: ru_maxrss is KiB). */
static long maxrss_kb(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0)
    return -1;
  return ru.ru_maxrss;
}

/* A "VmHWM:"/"VmRSS:" field of /proc/self/status in KiB, or -1. Unlike
 * ru_maxrss, VmHWM belongs to the current address space only, so it does not
 * inherit the peak of the process image that exec'd us. */
static long proc_status_kb(const char *field) {
  FILE *f = fopen("/proc/self/status", "r");
  if (!f)
    return -1;
  char line[256];
  long v = -1;
  size_t fl = strlen(field);
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, field, fl) == 0) {
      v = strtol(line + fl, NULL, 10);
      break;
    }
  }
  fclose(f);
  return v;
}

/* s as a JSON string literal on stdout. */
static void print_json_str(const char *s) {
  putchar('"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      printf("\\%c", *p);
    else if (*p < 0x20)
      printf("\\u%04x", *p);
    else
      putchar(*p);
  }
  putchar('"');
}

static double mb(size_t bytes) {
  return (double)bytes / 1e6;
}

/* Words are whitespace-separated tokens (ASCII whitespace). */
static size_t count_words(const char *s, size_t n) {
  size_t w = 0;
  int in = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    int sp = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
    if (!sp && !in)
      w++;
    in = !sp;
  }
  return w;
}

/* ---- inputs --------------------------------------------------------------- */

typedef struct text {
  char *path;
  char *data;
  size_t len;
  size_t words;
} text;

typedef struct corpus {
  text *t;
  size_t n, cap;
  size_t bytes, words;
} corpus;

static int read_file(const char *path, char **out, size_t *out_len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return errno ? errno : EIO;
  size_t cap = 1 << 16, len = 0;
  char *d = xmalloc(cap);
  for (;;) {
    if (len == cap) {
      cap *= 2;
      d = xrealloc(d, cap);
    }
    size_t r = fread(d + len, 1, cap - len, f);
    len += r;
    if (r == 0)
      break;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(d);
    return EIO;
  }
  *out = d;
  *out_len = len;
  return 0;
}

static void corpus_add_file(corpus *c, const char *path) {
  char *d;
  size_t len;
  int e = read_file(path, &d, &len);
  if (e)
    die("%s: %s", path, strerror(e));
  if (c->n == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 256;
    c->t = xrealloc(c->t, c->cap * sizeof *c->t);
  }
  text *t = &c->t[c->n++];
  t->path = xstrdup(path);
  t->data = d;
  t->len = len;
  t->words = count_words(d, len);
  c->bytes += len;
  c->words += t->words;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void corpus_add(corpus *c, const char *path) {
  struct stat st;
  if (stat(path, &st) != 0)
    die("%s: %s", path, strerror(errno));
  if (!S_ISDIR(st.st_mode)) {
    corpus_add_file(c, path);
    return;
  }
  DIR *dir = opendir(path);
  if (!dir)
    die("%s: %s", path, strerror(errno));
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *de;
  while ((de = readdir(dir))) {
    size_t l = strlen(de->d_name);
    if (l < 5 || strcmp(de->d_name + l - 4, ".txt") != 0)
      continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 256;
      names = xrealloc(names, cap * sizeof *names);
    }
    size_t pl = strlen(path);
    char *full = xmalloc(pl + l + 2);
    snprintf(full, pl + l + 2, "%s/%s", path, de->d_name);
    names[n++] = full;
  }
  closedir(dir);
  qsort(names, n, sizeof *names, cmp_str); /* a stable order across runs */
  for (size_t i = 0; i < n; i++) {
    corpus_add_file(c, names[i]);
    free(names[i]);
  }
  free(names);
  if (n == 0)
    die("%s: no *.txt files", path);
}

/* ---- one document, end to end --------------------------------------------- */

typedef struct doc_cost {
  double total, analyze, json;
  size_t json_bytes;
  int ok;
} doc_cost;

static doc_cost run_doc(const attrib_model *model, const text *t) {
  doc_cost c = {0, 0, 0, 0, 0};
  attrib_doc *doc = NULL;
  char *json = NULL;
  size_t json_len = 0;
  double t0 = now_s();
  attrib_status st = attrib_analyze(model, t->data, t->len, NULL, &doc, NULL);
  double t1 = now_s();
  if (st == ATTRIB_OK)
    st = attrib_doc_to_json(doc, t->path, 0, &json, &json_len, NULL);
  double t2 = now_s();
  attrib_free(json);
  attrib_doc_free(doc);
  double t3 = now_s();
  c.analyze = t1 - t0;
  c.json = t2 - t1;
  c.total = t3 - t0;
  c.json_bytes = json_len;
  c.ok = st == ATTRIB_OK;
  return c;
}

/* ---- corpus runs (1 or N threads) ----------------------------------------- */

typedef struct run_ctx {
  const attrib_model *model;
  const corpus *c;
  doc_cost *costs; /* one per document, written by whichever thread took it */
  atomic_size_t next;
} run_ctx;

static void *worker(void *arg) {
  run_ctx *r = arg;
  for (;;) {
    size_t i = atomic_fetch_add(&r->next, 1);
    if (i >= r->c->n)
      break;
    r->costs[i] = run_doc(r->model, &r->c->t[i]);
  }
  return NULL;
}

/* Runs the whole corpus once with nthreads threads (each document goes to
 * exactly one thread, taken from a shared counter); returns the wall time and
 * sets *cpu to the CPU time all threads used. */
static double run_corpus(const attrib_model *model, const corpus *c, unsigned nthreads, doc_cost *costs,
                         double *cpu) {
  run_ctx r;
  r.model = model;
  r.c = c;
  r.costs = costs;
  atomic_init(&r.next, 0);
  double c0 = cpu_s();
  double t0 = now_s();
  if (nthreads <= 1) {
    worker(&r);
  } else {
    pthread_t *th = xmalloc(nthreads * sizeof *th);
    for (unsigned i = 0; i < nthreads; i++)
      if (pthread_create(&th[i], NULL, worker, &r) != 0)
        die("pthread_create failed");
    for (unsigned i = 0; i < nthreads; i++)
      pthread_join(th[i], NULL);
    free(th);
  }
  double wall = now_s() - t0;
  *cpu = cpu_s() - c0;
  return wall;
}

typedef struct corpus_result {
  unsigned threads;
  double wall;               /* best repetition */
  double cpu;                /* CPU seconds of the repetition with the least CPU */
  double mbps, wps, docs_ps; /* from the best wall time */
  double p50, p99, max;      /* per-document latency, seconds */
  double analyze_s, json_s;  /* sums over documents (best per document) */
  size_t json_bytes, failed;
  const char *slowest;
} corpus_result;

static corpus_result bench_corpus(const attrib_model *model, const corpus *c, unsigned nthreads,
                                  unsigned reps) {
  corpus_result res;
  memset(&res, 0, sizeof res);
  res.threads = nthreads;
  doc_cost *costs = xmalloc(c->n * sizeof *costs);
  doc_cost *best = xmalloc(c->n * sizeof *best);
  double best_wall = 0, best_cpu = 0;
  for (unsigned rep = 0; rep < reps; rep++) {
    double cpu;
    double wall = run_corpus(model, c, nthreads, costs, &cpu);
    progress("%u thread%s, repetition %u/%u: %.3f s wall, %.3f s CPU", nthreads, nthreads == 1 ? "" : "s",
             rep + 1, reps, wall, cpu);
    if (rep == 0 || wall < best_wall)
      best_wall = wall;
    if (rep == 0 || cpu < best_cpu)
      best_cpu = cpu;
    for (size_t i = 0; i < c->n; i++)
      if (rep == 0 || costs[i].total < best[i].total)
        best[i] = costs[i];
  }
  double *lat = xmalloc(c->n * sizeof *lat);
  size_t nl = 0, slowest = 0;
  for (size_t i = 0; i < c->n; i++) {
    if (!best[i].ok) {
      res.failed++;
      continue;
    }
    lat[nl++] = best[i].total;
    res.analyze_s += best[i].analyze;
    res.json_s += best[i].json;
    res.json_bytes += best[i].json_bytes;
    if (best[i].total > best[slowest].total || !best[slowest].ok)
      slowest = i;
  }
  qsort(lat, nl, sizeof *lat, cmp_double);
  res.wall = best_wall;
  res.cpu = best_cpu;
  res.mbps = mb(c->bytes) / best_wall;
  res.wps = (double)c->words / best_wall;
  res.docs_ps = (double)c->n / best_wall;
  res.p50 = percentile(lat, nl, 50);
  res.p99 = percentile(lat, nl, 99);
  res.max = nl ? lat[nl - 1] : 0;
  res.slowest = c->n ? c->t[slowest].path : "";
  free(lat);
  free(costs);
  free(best);
  return res;
}

/* ---- fresh-process measurements ------------------------------------------- */

/* What the child reports about one article analysed alone. */
typedef struct single_result {
  int ok;
  size_t bytes, words;
  double best_s;     /* best of reps, end to end with JSON */
  long rss_start_kb; /* VmRSS before the model is loaded */
  long rss_model_kb; /* VmRSS after the model load and reading the text */
  long hwm_kb;       /* VmHWM at the end: peak RSS of the child */
  long maxrss_kb;    /* the child's ru_maxrss (may include its parent image) */
  char status[64];
} single_result;

/* Hidden mode: --child FILE REPS. Prints one line of numbers for the parent. */
static int child_main(const char *path, unsigned reps) {
  long rss_start = proc_status_kb("VmRSS:");
  attrib_model *model;
  attrib_error err;
  if (attrib_model_load(NULL, &model, &err) != ATTRIB_OK) {
    printf("error model %s\n", err.message);
    return 1;
  }
  text t;
  if (read_file(path, &t.data, &t.len) != 0) {
    printf("error read\n");
    return 1;
  }
  t.path = (char *)path;
  t.words = count_words(t.data, t.len);
  long rss_model = proc_status_kb("VmRSS:");
  double best = 0;
  attrib_status st = ATTRIB_OK;
  for (unsigned r = 0; r < reps; r++) {
    attrib_doc *doc = NULL;
    char *json = NULL;
    double t0 = now_s();
    st = attrib_analyze(model, t.data, t.len, NULL, &doc, &err);
    if (st == ATTRIB_OK)
      st = attrib_doc_to_json(doc, path, 0, &json, NULL, &err);
    attrib_free(json);
    attrib_doc_free(doc);
    double dt = now_s() - t0;
    if (r == 0 || dt < best)
      best = dt;
    if (st != ATTRIB_OK)
      break;
  }
  printf("ok %d %zu %zu %.9f %ld %ld %ld %ld %s\n", st == ATTRIB_OK, t.len, t.words, best, rss_start,
         rss_model, proc_status_kb("VmHWM:"), maxrss_kb(), attrib_status_str(st));
  free(t.data);
  attrib_model_free(model);
  return 0;
}

static const char *self_path;

/* Runs argv with stdin from /dev/null; returns its whole stdout
 * (NUL-terminated, caller frees); *status gets the wait status. */
static char *run_capture(char *const argv[], int *status) {
  int p[2];
  if (pipe(p) != 0)
    die("pipe: %s", strerror(errno));
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0)
    die("fork: %s", strerror(errno));
  if (pid == 0) {
    dup2(p[1], STDOUT_FILENO);
    close(p[0]);
    close(p[1]);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
      dup2(devnull, STDIN_FILENO);
      close(devnull);
    }
    execvp(argv[0], argv);
    fprintf(stderr, "attrib-bench: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  close(p[1]);
  size_t cap = 4096, len = 0;
  char *out = xmalloc(cap);
  for (;;) {
    if (len + 1 >= cap) {
      cap *= 2;
      out = xrealloc(out, cap);
    }
    ssize_t r = read(p[0], out + len, cap - len - 1);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    len += (size_t)r;
  }
  out[len] = 0;
  close(p[0]);
  while (waitpid(pid, status, 0) < 0 && errno == EINTR)
    ;
  return out;
}

static single_result measure_single(const char *path, unsigned reps) {
  single_result s;
  memset(&s, 0, sizeof s);
  char repbuf[32];
  snprintf(repbuf, sizeof repbuf, "%u", reps);
  char *argv[] = {(char *)self_path, "--child", (char *)path, repbuf, NULL};
  int status = 0;
  char *out = run_capture(argv, &status);
  int ok = 0;
  if (sscanf(out, "ok %d %zu %zu %lf %ld %ld %ld %ld %63s", &ok, &s.bytes, &s.words, &s.best_s,
             &s.rss_start_kb, &s.rss_model_kb, &s.hwm_kb, &s.maxrss_kb, s.status) == 9) {
    s.ok = ok;
  } else {
    snprintf(s.status, sizeof s.status, "child failed");
    fprintf(stderr, "attrib-bench: measuring %s in a fresh process failed: %s", path, out);
  }
  free(out);
  return s;
}

/* ---- scaling: synthetic long articles ------------------------------------- */

/* Writes a synthetic article of about target bytes (cut at a line break so
 * UTF-8 stays valid) made of the corpus texts one after another, as a
 * temporary file; returns its path (caller unlinks and frees). */
static char *make_synthetic(const corpus *c, size_t target) {
  const char *tmpdir = getenv("TMPDIR");
  if (!tmpdir || !*tmpdir)
    tmpdir = "/tmp";
  size_t pl = strlen(tmpdir) + 40;
  char *path = xmalloc(pl);
  snprintf(path, pl, "%s/attrib-bench-XXXXXX", tmpdir);
  int fd = mkstemp(path);
  if (fd < 0)
    die("mkstemp in %s: %s", tmpdir, strerror(errno));
  char *buf = xmalloc(target + 2);
  size_t len = 0;
  for (size_t i = 0; len < target; i = (i + 1) % c->n) {
    const text *t = &c->t[i];
    size_t take = t->len;
    if (len + take > target)
      take = target - len;
    memcpy(buf + len, t->data, take);
    len += take;
    if (len < target) /* an article break: a blank line */
      buf[len++] = '\n';
    if (len < target)
      buf[len++] = '\n';
  }
  while (len > 0 && buf[len - 1] != '\n') /* never cut a character or a word */
    len--;
  size_t off = 0;
  while (off < len) {
    ssize_t w = write(fd, buf + off, len - off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      die("writing %s: %s", path, strerror(errno));
    off += (size_t)w;
  }
  close(fd);
  free(buf);
  return path;
}

/* ---- peer: compromise under node ------------------------------------------ */

typedef struct peer_result {
  int ok;
  char version[64];
  double load_s, wall, cpu, mbps, wps, p50, p99, max;
  long maxrss_kb;
  double docs;
} peer_result;

/* The number after "key": in the peer's flat JSON object, or -1. */
static double json_num(const char *js, const char *key) {
  char pat[80];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *p = strstr(js, pat);
  if (!p)
    return -1;
  return strtod(p + strlen(pat), NULL);
}

static void json_str(const char *js, const char *key, char *out, size_t cap) {
  char pat[80];
  snprintf(pat, sizeof pat, "\"%s\":\"", key);
  const char *p = strstr(js, pat);
  out[0] = 0;
  if (!p)
    return;
  p += strlen(pat);
  size_t n = 0;
  while (p[n] && p[n] != '"' && n + 1 < cap) {
    out[n] = p[n];
    n++;
  }
  out[n] = 0;
}

static peer_result run_peer(const corpus *c, const char *node, const char *script, unsigned reps) {
  peer_result pr;
  memset(&pr, 0, sizeof pr);
  /* The file list goes through a temporary file: a big corpus would not fit
   * on a command line. */
  const char *tmpdir = getenv("TMPDIR");
  if (!tmpdir || !*tmpdir)
    tmpdir = "/tmp";
  char list[512];
  snprintf(list, sizeof list, "%s/attrib-bench-list-XXXXXX", tmpdir);
  int fd = mkstemp(list);
  if (fd < 0)
    die("mkstemp: %s", strerror(errno));
  FILE *f = fdopen(fd, "w");
  for (size_t i = 0; i < c->n; i++)
    fprintf(f, "%s\n", c->t[i].path);
  fclose(f);
  char repbuf[32];
  snprintf(repbuf, sizeof repbuf, "%u", reps);
  char *argv[] = {(char *)node, (char *)script, "-r", repbuf, "--list", list, NULL};
  progress("peer: %s %s -r %s --list %s", node, script, repbuf, list);
  int status = 0;
  char *out = run_capture(argv, &status);
  unlink(list);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !strchr(out, '{')) {
    fprintf(stderr,
            "attrib-bench: the peer failed (status %d); is it installed? (bench.sh --peer installs it)\n",
            WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    free(out);
    return pr;
  }
  const char *js = strchr(out, '{');
  json_str(js, "version", pr.version, sizeof pr.version);
  pr.load_s = json_num(js, "load_s");
  pr.wall = json_num(js, "wall_s");
  pr.cpu = json_num(js, "cpu_s");
  pr.mbps = json_num(js, "mb_per_s");
  pr.wps = json_num(js, "words_per_s");
  pr.p50 = json_num(js, "p50_s");
  pr.p99 = json_num(js, "p99_s");
  pr.max = json_num(js, "max_s");
  pr.maxrss_kb = (long)json_num(js, "peak_rss_kb");
  pr.docs = json_num(js, "docs");
  pr.ok = pr.wall > 0;
  free(out);
  return pr;
}

/* ---- main ----------------------------------------------------------------- */

static unsigned parse_uint(const char *opt, const char *s, unsigned min) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || *end || end == s || v < min || v > 100000) {
    fprintf(stderr, "attrib-bench: %s: bad number '%s'\n", opt, s);
    exit(2);
  }
  return (unsigned)v;
}

#define MAX_SIZES 8

int main(int argc, char **argv) {
  unsigned reps = 3, loads = 11, threads = 1;
  int json = 0, peer = 0, scaling = 0, no_single = 0;
  const char *single = NULL, *node = "node", *peer_script = ATTRIB_BENCH_PEER_DIR "/compromise-bench.js";
  double sizes_mb[MAX_SIZES] = {0.4, 10};
  size_t n_sizes = 2;
  corpus c;
  memset(&c, 0, sizeof c);
  self_path = argv[0];
  if (strchr(self_path, '/') == NULL) {
    /* Run via PATH: re-exec through /proc so the child is this very binary. */
    static char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n > 0) {
      buf[n] = 0;
      self_path = buf;
    }
  }

  if (argc == 4 && strcmp(argv[1], "--child") == 0)
    return child_main(argv[2], parse_uint("--child", argv[3], 1));

  const char **inputs = xmalloc((size_t)argc * sizeof *inputs);
  size_t n_inputs = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
#define NEED_ARG()                                                                                           \
  do {                                                                                                       \
    if (i + 1 >= argc) {                                                                                     \
      fprintf(stderr, "attrib-bench: %s needs an argument\n%s", a, usage);                                   \
      return 2;                                                                                              \
    }                                                                                                        \
  } while (0)
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(usage, stdout);
      return 0;
    } else if (strcmp(a, "-r") == 0) {
      NEED_ARG();
      reps = parse_uint(a, argv[++i], 1);
    } else if (strcmp(a, "-n") == 0) {
      NEED_ARG();
      loads = parse_uint(a, argv[++i], 1);
    } else if (strcmp(a, "-j") == 0) {
      NEED_ARG();
      threads = parse_uint(a, argv[++i], 1);
    } else if (strcmp(a, "--single") == 0) {
      NEED_ARG();
      single = argv[++i];
    } else if (strcmp(a, "--no-single") == 0) {
      no_single = 1;
    } else if (strcmp(a, "--scaling") == 0) {
      scaling = 1;
    } else if (strcmp(a, "--sizes") == 0) {
      NEED_ARG();
      const char *s = argv[++i];
      n_sizes = 0;
      while (*s) {
        char *end;
        double v = strtod(s, &end);
        if (end == s || v <= 0 || v > 60 || n_sizes == MAX_SIZES) {
          fprintf(stderr, "attrib-bench: --sizes: bad list '%s' (MB, comma-separated, each <= 60)\n",
                  argv[i]);
          return 2;
        }
        sizes_mb[n_sizes++] = v;
        s = *end == ',' ? end + 1 : end;
        if (*end && *end != ',') {
          fprintf(stderr, "attrib-bench: --sizes: bad list '%s'\n", argv[i]);
          return 2;
        }
      }
      if (n_sizes < 2) {
        fprintf(stderr, "attrib-bench: --sizes needs at least two sizes\n");
        return 2;
      }
      scaling = 1;
    } else if (strcmp(a, "--peer") == 0) {
      peer = 1;
    } else if (strcmp(a, "--peer-script") == 0) {
      NEED_ARG();
      peer_script = argv[++i];
    } else if (strcmp(a, "--node") == 0) {
      NEED_ARG();
      node = argv[++i];
    } else if (strcmp(a, "--json") == 0) {
      json = 1;
    } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
      quiet = 1;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "attrib-bench: unknown option %s\n%s", a, usage);
      return 2;
    } else {
      inputs[n_inputs++] = a;
    }
#undef NEED_ARG
  }
  if (n_inputs == 0) {
    fputs(usage, stderr);
    return 2;
  }

  /* 1. every input in memory before any clock starts */
  for (size_t i = 0; i < n_inputs; i++)
    corpus_add(&c, inputs[i]);
  progress("%zu documents, %.2f MB, %zu words", c.n, mb(c.bytes), c.words);

  /* 2. model load: median of `loads` loads */
  double *lt = xmalloc(loads * sizeof *lt);
  attrib_model *model = NULL;
  attrib_error err;
  for (unsigned i = 0; i < loads; i++) {
    attrib_model *m;
    double t0 = now_s();
    if (attrib_model_load(NULL, &m, &err) != ATTRIB_OK)
      die("model: %s", err.message);
    lt[i] = now_s() - t0;
    if (i + 1 < loads)
      attrib_model_free(m);
    else
      model = m;
  }
  double load_min = lt[0];
  for (unsigned i = 1; i < loads; i++)
    if (lt[i] < load_min)
      load_min = lt[i];
  double load_med = median_of(lt, loads);
  double load_max = lt[loads - 1];
  free(lt);
  progress("model load: median %.2f ms", load_med * 1e3);

  /* 3. end-to-end runs, 1 thread then N */
  corpus_result r1 = bench_corpus(model, &c, 1, reps);
  long rss_after_1 = maxrss_kb();
  corpus_result rn;
  memset(&rn, 0, sizeof rn);
  if (threads > 1)
    rn = bench_corpus(model, &c, threads, reps);
  long rss_after_n = maxrss_kb();

  /* 4. one article alone, in a fresh process */
  single_result sr;
  memset(&sr, 0, sizeof sr);
  const char *single_path = single;
  if (!single_path && !no_single) {
    size_t big = 0;
    for (size_t i = 1; i < c.n; i++)
      if (c.t[i].len > c.t[big].len)
        big = i;
    single_path = c.t[big].path;
  }
  if (single_path && !no_single) {
    progress("single article in a fresh process: %s", single_path);
    sr = measure_single(single_path, reps);
  }

  /* 5. scaling: synthetic long articles, each in a fresh process */
  single_result sc[MAX_SIZES];
  memset(sc, 0, sizeof sc);
  /* each round's time ratio, largest to smallest article */
  double *round_ratio = xmalloc(reps * sizeof *round_ratio);
  size_t n_rounds = 0;
  if (scaling) {
    char *paths[MAX_SIZES];
    for (size_t k = 0; k < n_sizes; k++)
      paths[k] = make_synthetic(&c, (size_t)(sizes_mb[k] * 1e6));
    /* the best of reps fresh processes, each its best of reps runs: one
     * process's time of a small article moves by half with the machine's
     * state (page faults of fresh memory, a neighbour's load), and the
     * ratio with it. The sizes take turns, round by round, so that a change
     * of the machine's state during the measurement meets all of them. */
    for (unsigned r = 0; r < reps; r++) {
      single_result s[MAX_SIZES];
      /* smallest first in even rounds, largest first in odd ones: a drift
       * within a round favours neither */
      for (size_t j = 0; j < n_sizes; j++) {
        size_t k = r % 2 ? n_sizes - 1 - j : j;
        progress("scaling: %.1f MB synthetic article, round %u of %u", sizes_mb[k], r + 1, reps);
        s[k] = measure_single(paths[k], reps);
        if (r == 0 || (s[k].ok && (!sc[k].ok || s[k].best_s < sc[k].best_s)))
          sc[k] = s[k];
      }
      if (s[0].ok && s[n_sizes - 1].ok && s[0].best_s > 0)
        round_ratio[n_rounds++] = s[n_sizes - 1].best_s / s[0].best_s;
    }
    for (size_t k = 0; k < n_sizes; k++) {
      unlink(paths[k]);
      free(paths[k]);
    }
  }

  /* 6. the peer */
  peer_result pr;
  memset(&pr, 0, sizeof pr);
  if (peer)
    pr = run_peer(&c, node, peer_script, reps);

  /* ---- report ---- */
  double scal = threads > 1 && r1.mbps > 0 ? rn.mbps / r1.mbps : 0;
  double tratio = 0, sratio = 0, rmed = 0, rmin = 0, rmax = 0;
  if (scaling && sc[0].ok && sc[n_sizes - 1].ok && sc[0].best_s > 0) {
    tratio = sc[n_sizes - 1].best_s / sc[0].best_s;
    sratio = (double)sc[n_sizes - 1].bytes / (double)sc[0].bytes;
  }
  if (n_rounds) {
    qsort(round_ratio, n_rounds, sizeof *round_ratio, cmp_double);
    rmin = round_ratio[0];
    rmax = round_ratio[n_rounds - 1];
    rmed = n_rounds % 2 ? round_ratio[n_rounds / 2]
                        : (round_ratio[n_rounds / 2 - 1] + round_ratio[n_rounds / 2]) / 2;
  }
  if (json) {
    printf("{\"attrib_version\":\"%s\",\"docs\":%zu,\"bytes\":%zu,\"words\":%zu,\"repetitions\":%u,",
           attrib_version(), c.n, c.bytes, c.words, reps);
    printf("\"model_load\":{\"loads\":%u,\"median_ms\":%.4f,\"min_ms\":%.4f,\"max_ms\":%.4f},", loads,
           load_med * 1e3, load_min * 1e3, load_max * 1e3);
    const corpus_result *rs[2] = {&r1, &rn};
    printf("\"runs\":[");
    for (int k = 0; k < (threads > 1 ? 2 : 1); k++) {
      const corpus_result *r = rs[k];
      printf("%s{\"threads\":%u,\"wall_s\":%.6f,\"cpu_s\":%.6f,\"mb_per_s\":%.4f,\"words_per_s\":%.1f,\"docs_"
             "per_s\":%.2f,"
             "\"p50_ms\":%.4f,\"p99_ms\":%.4f,\"max_ms\":%.4f,\"analyze_share\":%.4f,\"json_share\":%.4f,"
             "\"json_bytes\":%zu,\"failed\":%zu}",
             k ? "," : "", r->threads, r->wall, r->cpu, r->mbps, r->wps, r->docs_ps, r->p50 * 1e3,
             r->p99 * 1e3, r->max * 1e3, r->analyze_s / (r->analyze_s + r->json_s + 1e-12),
             r->json_s / (r->analyze_s + r->json_s + 1e-12), r->json_bytes, r->failed);
    }
    printf("],\"thread_scaling\":%.4f,", scal);
    printf("\"peak_rss_kb\":{\"after_1_thread\":%ld,\"after_n_threads\":%ld},", rss_after_1, rss_after_n);
    if (single_path && !no_single) {
      printf("\"single\":{\"file\":");
      print_json_str(single_path);
      printf(",\"ok\":%d,\"bytes\":%zu,\"ms\":%.4f,\"rss_start_kb\":%ld,"
             "\"rss_model_kb\":%ld,\"peak_rss_kb\":%ld,\"growth_kb\":%ld},",
             sr.ok, sr.bytes, sr.best_s * 1e3, sr.rss_start_kb, sr.rss_model_kb, sr.hwm_kb,
             sr.hwm_kb - sr.rss_model_kb);
    }
    if (scaling) {
      printf("\"scaling\":{\"sizes\":[");
      for (size_t k = 0; k < n_sizes; k++)
        printf(
            "%s{\"bytes\":%zu,\"ok\":%d,\"s\":%.6f,\"mb_per_s\":%.4f,\"peak_rss_kb\":%ld,\"growth_kb\":%ld}",
            k ? "," : "", sc[k].bytes, sc[k].ok, sc[k].best_s,
            sc[k].best_s > 0 ? mb(sc[k].bytes) / sc[k].best_s : 0, sc[k].hwm_kb,
            sc[k].hwm_kb - sc[k].rss_model_kb);
      printf("],\"time_ratio\":%.4f,\"size_ratio\":%.4f,\"rounds\":%zu,\"round_ratio_median\":%.4f,"
             "\"round_ratio_min\":%.4f,\"round_ratio_max\":%.4f},",
             tratio, sratio, n_rounds, rmed, rmin, rmax);
    }
    if (peer) {
      printf("\"peer\":{\"name\":\"compromise\",\"version\":");
      print_json_str(pr.version);
      printf(",\"ok\":%d,\"load_ms\":%.3f,\"wall_s\":%.6f,\"cpu_s\":%.6f,"
             "\"mb_per_s\":%.4f,\"words_per_s\":%.1f,\"p50_ms\":%.4f,\"p99_ms\":%.4f,\"max_ms\":%.4f,"
             "\"peak_rss_kb\":%ld,\"throughput_ratio\":%.4f},",
             pr.ok, pr.load_s * 1e3, pr.wall, pr.cpu, pr.mbps, pr.wps, pr.p50 * 1e3, pr.p99 * 1e3,
             pr.max * 1e3, pr.maxrss_kb, pr.ok && pr.mbps > 0 ? r1.mbps / pr.mbps : 0);
    }
    printf("\"targets\":{\"mb_per_s\":50,\"model_load_ms\":20,\"single_rss_mb\":64,\"scaling_ratio\":25}}\n");
  } else {
    printf("attrib %s: %zu documents, %.3f MB, %zu words; best of %u repetitions; end to end incl. JSON\n\n",
           attrib_version(), c.n, mb(c.bytes), c.words, reps);
    printf("model load (median of %u)   %8.2f ms  (min %.2f, max %.2f)   target <= 20 ms\n\n", loads,
           load_med * 1e3, load_min * 1e3, load_max * 1e3);
    printf("%-20s %7s %9s %10s %9s %9s %9s %9s %10s\n", "engine", "threads", "MB/s", "words/s", "docs/s",
           "p50 ms", "p99 ms", "max ms", "peakRSS MB");
    printf("%-20s %7u %9.2f %10.0f %9.1f %9.3f %9.3f %9.3f %10.1f\n", "attrib", 1u, r1.mbps, r1.wps,
           r1.docs_ps, r1.p50 * 1e3, r1.p99 * 1e3, r1.max * 1e3, (double)rss_after_1 / 1024);
    if (threads > 1)
      printf("%-20s %7u %9.2f %10.0f %9.1f %9.3f %9.3f %9.3f %10.1f\n", "attrib", threads, rn.mbps, rn.wps,
             rn.docs_ps, rn.p50 * 1e3, rn.p99 * 1e3, rn.max * 1e3, (double)rss_after_n / 1024);
    if (peer && pr.ok) {
      char name[96];
      snprintf(name, sizeof name, "compromise %s", pr.version);
      printf("%-20s %7u %9.2f %10.0f %9.1f %9.3f %9.3f %9.3f %10.1f\n", name, 1u, pr.mbps, pr.wps,
             pr.docs / pr.wall, pr.p50 * 1e3, pr.p99 * 1e3, pr.max * 1e3, (double)pr.maxrss_kb / 1024);
    } else if (peer) {
      printf("%-20s (failed, see stderr)\n", "compromise");
    }
    printf("\n");
    printf(
        "1 thread: analyse %.0f%%, JSON %.0f%% of document time; %zu failed; slowest %s; target >= 50 MB/s\n",
        100 * r1.analyze_s / (r1.analyze_s + r1.json_s + 1e-12),
        100 * r1.json_s / (r1.analyze_s + r1.json_s + 1e-12), r1.failed, r1.slowest);
    printf("1 thread by CPU time: %.2f MB/s (%.3f s CPU for %.3f s wall; far apart means a busy machine)\n",
           r1.cpu > 0 ? mb(c.bytes) / r1.cpu : 0, r1.cpu, r1.wall);
    if (threads > 1)
      printf("threads: %u threads give %.2fx the 1-thread throughput (%.0f%% efficiency; %ld CPUs online); "
             "CPU time "
             "%.3f s at %u threads vs %.3f s at 1 (more means contention; wall >> CPU/%u means busy CPUs)\n",
             threads, scal, 100 * scal / threads, sysconf(_SC_NPROCESSORS_ONLN), rn.cpu, threads, r1.cpu,
             threads);
    if (peer && pr.ok)
      printf("attrib/compromise: throughput %.1fx (by CPU time %.1fx), p50 latency %.3fx, model load %.2f ms "
             "vs %.1f "
             "ms\n",
             r1.mbps / pr.mbps, pr.cpu > 0 && r1.cpu > 0 ? pr.cpu / r1.cpu : 0,
             pr.p50 > 0 ? r1.p50 / pr.p50 : 0, load_med * 1e3, pr.load_s * 1e3);
    printf("peak RSS of this process (corpus of %.1f MB held in memory): %.1f MB\n", mb(c.bytes),
           (double)rss_after_n / 1024);
    if (single_path && !no_single) {
      if (sr.ok)
        printf(
            "single article (fresh process) %s: %.1f KB, %.3f ms; RSS %.1f MB at start, %.1f MB after model "
            "load, peak %.1f MB (+%.1f MB for the document); target peak <= 64 MB\n",
            single_path, (double)sr.bytes / 1e3, sr.best_s * 1e3, (double)sr.rss_start_kb / 1024,
            (double)sr.rss_model_kb / 1024, (double)sr.hwm_kb / 1024,
            (double)(sr.hwm_kb - sr.rss_model_kb) / 1024);
      else
        printf("single article %s: failed (%s)\n", single_path, sr.status);
    }
    if (scaling) {
      printf("\nscaling (synthetic articles: the inputs concatenated; each in a fresh process)\n");
      printf("%10s %10s %9s %12s %12s %14s\n", "size MB", "time s", "MB/s", "peakRSS MB", "growth MB",
             "growth/input");
      for (size_t k = 0; k < n_sizes; k++) {
        if (!sc[k].ok) {
          printf("%10.2f failed (%s)\n", mb(sc[k].bytes), sc[k].status);
          continue;
        }
        double g = (double)(sc[k].hwm_kb - sc[k].rss_model_kb) / 1024;
        printf("%10.2f %10.3f %9.2f %12.1f %12.1f %13.1fx\n", mb(sc[k].bytes), sc[k].best_s,
               mb(sc[k].bytes) / sc[k].best_s, (double)sc[k].hwm_kb / 1024, g,
               g * 1024 * 1024 / (double)sc[k].bytes);
      }
      if (tratio > 0)
        printf("time(%.1f MB)/time(%.1f MB) = %.1fx for %.1fx the bytes (target <= 25x: %s)\n",
               mb(sc[n_sizes - 1].bytes), mb(sc[0].bytes), tratio, sratio, tratio <= 25 ? "met" : "NOT met");
      if (n_rounds > 1)
        printf("  (best times of %zu rounds, the sizes in turn; each round's own ratio: median %.1fx, %.1fx "
               "to %.1fx)\n",
               n_rounds, rmed, rmin, rmax);
    }
  }

  attrib_model_free(model);
  for (size_t i = 0; i < c.n; i++) {
    free(c.t[i].path);
    free(c.t[i].data);
  }
  free(c.t);
  free(inputs);
  free(round_ratio);
  return 0;
}
