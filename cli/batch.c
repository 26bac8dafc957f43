/* Batch processing: N worker threads share the one model; a window of at
 * most 4*N inputs is in flight, and results are printed in input order, so
 * the output does not depend on N or on timing. The calling thread is the
 * producer (it reads the input list or stdin). There is no writer thread:
 * the worker that finishes the oldest unprinted input prints it and every
 * finished one after it, holding the "writer" token meanwhile. With one
 * job everything runs on the calling thread. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

char *cli_strf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return NULL;
  char *s = malloc((size_t)n + 1);
  if (!s)
    return NULL;
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return s;
}

void cli_item_clear(cli_item *it) {
  free(it->text);
  free(it->id);
  free(it->msg);
  free(it->out);
  free(it->err);
  memset(it, 0, sizeof *it);
}

typedef struct slot {
  cli_item item;
  int done; /* the worker has finished it */
} slot;

typedef struct batch {
  const cli_cfg *c;
  cli_work_fn work;
  void *ctx;
  pthread_mutex_t mu;
  pthread_cond_t has_work;  /* workers: claimed < produced, or eof */
  pthread_cond_t has_space; /* producer: the window has drained to half */
  slot *ring;
  size_t cap;
  /* sequence numbers, only ever growing: written <= claimed <= produced */
  unsigned long produced, claimed, written;
  int eof;
  int writing;          /* a worker holds the writer token */
  int producer_waiting; /* the producer waits for space */
  /* only touched by the holder of the writer token (or after the join) */
  int failed, flush_failed;
  int progress;
  unsigned long total, done;
  unsigned long long total_bytes, done_bytes;
  const char *unit;
  struct timespec start, last_draw;
  int drawn, ever_drawn, stdout_tty;
} batch;

static double since(const struct timespec *a, const struct timespec *b) {
  return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void fmt_duration(char *out, size_t n, double s) {
  unsigned long t = (unsigned long)(s + 0.5);
  if (s < 10)
    snprintf(out, n, "%.1fs", s);
  else if (t >= 3600)
    snprintf(out, n, "%luh%02lum", t / 3600, t / 60 % 60);
  else if (t >= 60)
    snprintf(out, n, "%lum%02lus", t / 60, t % 60);
  else
    snprintf(out, n, "%lus", t);
}

/* The progress line: "12/840 files  1.8 MB/s  3m05s left". Rewritten in
 * place with \r; final adds the newline and the elapsed time. */
static void progress_draw(batch *b, int final) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (!final && b->ever_drawn && since(&b->last_draw, &now) < 0.25)
    return;
  /* one input: nothing to follow */
  if (b->total == 1 || (b->total == 0 && b->done < 2))
    return;
  if (final && !b->ever_drawn)
    return;
  b->last_draw = now;
  double el = since(&b->start, &now);
  double mbs = el > 0 ? (double)b->done_bytes / 1e6 / el : 0;
  char count[64], left[64] = "";
  if (b->total)
    snprintf(count, sizeof count, "%lu/%lu %s", b->done, b->total, b->unit);
  else
    snprintf(count, sizeof count, "%lu %s", b->done, b->unit);
  if (final) {
    char d[32];
    fmt_duration(d, sizeof d, el);
    snprintf(left, sizeof left, "  in %s", d);
  } else if (b->done > 0 && el > 0) {
    double frac = 0;
    if (b->total)
      frac = (double)b->done / (double)b->total;
    else if (b->total_bytes)
      frac = (double)b->done_bytes / (double)b->total_bytes;
    if (frac > 0 && frac <= 1) {
      char d[32];
      fmt_duration(d, sizeof d, el / frac - el);
      snprintf(left, sizeof left, "  %s left", d);
    }
  }
  fprintf(stderr, "\rattrib: %s  %.2f MB/s%s\033[K%s", count, mbs, left, final ? "\n" : "");
  fflush(stderr);
  b->drawn = !final;
  b->ever_drawn = 1;
}

static void progress_erase(batch *b) {
  if (b->drawn) {
    fputs("\r\033[K", stderr);
    b->drawn = 0;
  }
}

static const char *base_name(const char *p) {
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

/* Writes data to dir/NAME.json (.tsv, .html) through a temporary file and a
 * rename, so an interrupted run never leaves a truncated result. A TSV file
 * starts with its own header. Only the writer thread calls it, so the
 * temporary name needs no more than the pid. */
static int write_result(const cli_cfg *c, const char *input, const char *data, size_t len) {
  const char *ext = c->format == CLI_FORMAT_TSV ? "tsv" : c->format == CLI_FORMAT_HTML ? "html" : "json";
  char name[4096], tmp[4200], path[4200];
  snprintf(name, sizeof name, "%s", strcmp(input, "-") == 0 ? "stdin" : base_name(input));
  size_t nl = strlen(name);
  if (nl > 4 && strcmp(name + nl - 4, ".txt") == 0)
    name[nl - 4] = '\0';
  snprintf(path, sizeof path, "%s/%s.%s", c->out_dir, name, ext);
  snprintf(tmp, sizeof tmp, "%s/.%s.%s.%ld.tmp", c->out_dir, name, ext, (long)getpid());
  FILE *f = fopen(tmp, "wb");
  if (!f)
    return errno;
  int ok = c->format != CLI_FORMAT_TSV || fputs(cli_tsv_header, f) != EOF;
  ok = ok && fwrite(data, 1, len, f) == len;
  if (c->format == CLI_FORMAT_JSON) /* TSV and HTML end in their own newline */
    ok = ok && fputc('\n', f) != EOF;
  ok = (fclose(f) == 0) && ok;
  if (!ok || rename(tmp, path) != 0) {
    int e = errno ? errno : EIO;
    remove(tmp);
    return e;
  }
  return 0;
}

static void flush_out(batch *b) {
  if (fflush(stdout) != 0 && !b->flush_failed) {
    progress_erase(b);
    fprintf(stderr, "attrib: cannot write output: %s\n", strerror(errno));
    b->failed = b->flush_failed = 1;
  }
}

/* Prints one finished item: its stderr line, then its result. */
static void emit(batch *b, cli_item *it) {
  if (it->err || (b->drawn && b->c->out_dir == NULL && b->stdout_tty))
    progress_erase(b);
  if (it->failed)
    b->failed = 1;
  if (it->err)
    fprintf(stderr, "%s\n", it->err);
  if (it->out) {
    if (b->c->out_dir && it->path) {
      int e = write_result(b->c, it->path, it->out, it->out_len);
      if (e) {
        progress_erase(b);
        fprintf(stderr, "attrib: %s: cannot write result: %s\n",
                strcmp(it->path, "-") == 0 ? "<stdin>" : it->path, strerror(e));
        b->failed = 1;
      }
    } else if (fwrite(it->out, 1, it->out_len, stdout) != it->out_len ||
               (b->c->format == CLI_FORMAT_JSON && fputc('\n', stdout) == EOF)) {
      progress_erase(b);
      fprintf(stderr, "attrib: cannot write output: %s\n", strerror(errno));
      b->failed = 1;
    }
  }
  b->done_bytes += it->bytes;
  b->done++;
  if (b->progress)
    progress_draw(b, 0);
}

/* Called with the mutex held by a worker that has just finished an item:
 * when no one else is writing, prints every finished item at the head of
 * the window, in order. Returns with the mutex held. */
static void drain(batch *b) {
  if (b->writing)
    return;
  b->writing = 1;
  while (b->written < b->produced && b->ring[b->written % b->cap].done) {
    slot *s = &b->ring[b->written % b->cap];
    pthread_mutex_unlock(&b->mu);
    emit(b, &s->item);
    cli_item_clear(&s->item);
    pthread_mutex_lock(&b->mu);
    s->done = 0;
    b->written++;
    if (b->producer_waiting && b->produced - b->written <= b->cap / 2)
      pthread_cond_signal(&b->has_space);
    if (!(b->written < b->produced && b->ring[b->written % b->cap].done)) {
      /* nothing more to print now: hand over what there is (a filter's
       * caller may be waiting for it) */
      pthread_mutex_unlock(&b->mu);
      flush_out(b);
      pthread_mutex_lock(&b->mu);
    }
  }
  b->writing = 0;
}

static void *worker_main(void *arg) {
  batch *b = arg;
  pthread_mutex_lock(&b->mu);
  for (;;) {
    while (b->claimed == b->produced && !b->eof)
      pthread_cond_wait(&b->has_work, &b->mu);
    if (b->claimed == b->produced)
      break; /* eof and nothing left */
    slot *s = &b->ring[b->claimed++ % b->cap];
    pthread_mutex_unlock(&b->mu);
    b->work(b->ctx, &s->item);
    pthread_mutex_lock(&b->mu);
    s->done = 1;
    drain(b);
  }
  pthread_mutex_unlock(&b->mu);
  return NULL;
}

/* -j 1: no threads, no handoffs. */
static void run_inline(batch *b, cli_next_fn next) {
  cli_item it;
  memset(&it, 0, sizeof it);
  while (next(b->ctx, &it)) {
    b->work(b->ctx, &it);
    emit(b, &it);
    cli_item_clear(&it);
    flush_out(b);
  }
}

int cli_batch_run(const cli_cfg *c, cli_next_fn next, cli_work_fn work, void *ctx, unsigned long total,
                  unsigned long long total_bytes, const char *unit) {
  batch b;
  memset(&b, 0, sizeof b);
  b.c = c;
  b.work = work;
  b.ctx = ctx;
  b.total = total;
  b.total_bytes = total_bytes;
  b.unit = unit;
  b.progress = !c->quiet && isatty(STDERR_FILENO);
  b.stdout_tty = b.progress && isatty(STDOUT_FILENO);
  clock_gettime(CLOCK_MONOTONIC, &b.start);
  unsigned jobs = c->jobs ? c->jobs : 1;
  if (jobs == 1) {
    run_inline(&b, next);
    if (b.progress)
      progress_draw(&b, 1);
    return b.failed;
  }
  unsigned nworkers = jobs;
  if (total && nworkers > total)
    nworkers = (unsigned)total;
  b.cap = 4 * (size_t)jobs;
  b.ring = calloc(b.cap, sizeof *b.ring);
  pthread_t *tids = calloc(nworkers, sizeof *tids);
  if (!b.ring || !tids) {
    free(b.ring);
    free(tids);
    fprintf(stderr, "attrib: out of memory\n");
    return -1;
  }
  pthread_mutex_init(&b.mu, NULL);
  pthread_cond_init(&b.has_work, NULL);
  pthread_cond_init(&b.has_space, NULL);

  unsigned started = 0;
  int e = 0;
  for (; started < nworkers; started++)
    if ((e = pthread_create(&tids[started], NULL, worker_main, &b)) != 0)
      break;
  if (started > 0) {
    for (;;) {
      pthread_mutex_lock(&b.mu);
      while (b.produced - b.written >= b.cap) {
        b.producer_waiting = 1;
        pthread_cond_wait(&b.has_space, &b.mu);
      }
      b.producer_waiting = 0;
      pthread_mutex_unlock(&b.mu);
      /* this slot is free: it has been printed, and no worker takes a slot
       * before it is produced */
      cli_item *it = &b.ring[b.produced % b.cap].item;
      if (!next(ctx, it))
        break;
      pthread_mutex_lock(&b.mu);
      b.produced++;
      pthread_cond_signal(&b.has_work);
      pthread_mutex_unlock(&b.mu);
    }
  }
  pthread_mutex_lock(&b.mu);
  b.eof = 1;
  pthread_cond_broadcast(&b.has_work);
  pthread_mutex_unlock(&b.mu);
  for (unsigned i = 0; i < started; i++)
    pthread_join(tids[i], NULL);
  int rc = b.failed;
  if (started == 0) {
    fprintf(stderr, "attrib: cannot start threads: %s\n", strerror(e));
    rc = -1;
  } else if (b.progress) {
    progress_draw(&b, 1);
  }
  pthread_cond_destroy(&b.has_space);
  pthread_cond_destroy(&b.has_work);
  pthread_mutex_destroy(&b.mu);
  free(tids);
  free(b.ring);
  return rc;
}
