/* attrib: command line front end of the library.
 * Reads articles (files, directories of .txt files, stdin, or JSON Lines
 * records), prints the JSON (or TSV, or an HTML page) of each in input
 * order, with N worker threads
 * sharing the one model. Every input is processed even when others fail;
 * the exit status is then non-zero. */
#define _DEFAULT_SOURCE /* sysconf(_SC_NPROCESSORS_ONLN) */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
    "usage: attrib [OPTIONS] FILE|DIR...\n"
    "       attrib [OPTIONS] --jsonl < records.jsonl\n"
    "Finds quotations, reported speech, their speakers and the people,\n"
    "organisations, countries and places of English news articles; prints JSON,\n"
    "TSV or HTML.\n"
    "\n"
    "  FILE               an article (UTF-8 text); '-' reads standard input\n"
    "  DIR                every *.txt file in DIR, in name order\n"
    "      --format F     json (default): one JSON object per article;\n"
    "                     tsv: a header line, then one line per quote (file, id,\n"
    "                     kind, speaker, cue, confidence, rule, text);\n"
    "                     html: a page per article with the quotes highlighted in\n"
    "                     their speakers' colours (more than one input needs -o)\n"
    "  -p, --pretty       indented JSON (default: one line per article)\n"
    "  -m, --model DIR    load rules and word lists from DIR (default: built in)\n"
    "  -o, --output-dir DIR  write DIR/NAME.json (.tsv, .html) for each input\n"
    "                     instead of stdout\n"
    "  -j, --jobs N       analyse with N threads (0: 1; 'auto': one per CPU);\n"
    "                     results still come in input order\n"
    "      --jsonl        read {\"id\": ..., \"text\": \"...\"} lines on stdin and write\n"
    "                     one result (with \"id\") or error record per line\n"
    "  -q, --quiet        no progress line on a terminal\n"
    "      --max-bytes N  refuse inputs larger than N bytes (default 64 MiB)\n"
    "      --no-indirect  do not report indirect speech\n"
    "  -h, --help         this help\n"
    "  -V, --version      version\n"
    "\n"
    "Exit status: 0 when every input was analysed, 1 when any failed (each\n"
    "failure is one line on stderr), 2 on bad usage or an unreadable model.\n";

/* Reads all of f; returns 0, or an errno value. */
int cli_read_all(FILE *f, size_t max, char **out, size_t *out_len, int *too_large) {
  size_t cap = 1 << 16, len = 0;
  char *data = malloc(cap);
  *too_large = 0;
  if (!data)
    return ENOMEM;
  for (;;) {
    if (len == cap) {
      if (cap > max + 1) {
        *too_large = 1;
        free(data);
        return 0;
      }
      char *nd = realloc(data, cap * 2);
      if (!nd) {
        free(data);
        return ENOMEM;
      }
      data = nd;
      cap *= 2;
    }
    size_t r = fread(data + len, 1, cap - len, f);
    len += r;
    if (r == 0) {
      if (ferror(f)) {
        int e = errno ? errno : EIO;
        free(data);
        return e;
      }
      break;
    }
  }
  if (len > max) {
    *too_large = 1;
    free(data);
    return 0;
  }
  *out = data;
  *out_len = len;
  return 0;
}

/* ---- the input list --------------------------------------------------- */

/* One input file: an argument, or a file found in a directory argument.
 * err: a problem found while listing (a directory that cannot be read). */
typedef struct input {
  char *path; /* owned when owned */
  int owned;
  char *err;
} input;

typedef struct inputs {
  input *v;
  size_t n, cap;
  size_t next; /* the producer's position */
  const cli_cfg *c;
} inputs;

static int inputs_add(inputs *in, char *path, int owned, char *err) {
  if (in->n == in->cap) {
    size_t cap = in->cap ? in->cap * 2 : 64;
    input *v = realloc(in->v, cap * sizeof *v);
    if (!v)
      return -1;
    in->v = v;
    in->cap = cap;
  }
  in->v[in->n++] = (input){path, owned, err};
  return 0;
}

static void inputs_free(inputs *in) {
  for (size_t i = 0; i < in->n; i++) {
    if (in->v[i].owned)
      free(in->v[i].path);
    free(in->v[i].err);
  }
  free(in->v);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the *.txt files of dir (not hidden ones, not recursing), sorted by
 * name in byte order so that runs are reproducible. A directory that cannot
 * be read or holds no .txt file becomes one failed input. Returns -1 when
 * out of memory. */
static int inputs_add_dir(inputs *in, char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    char *e = cli_strf("%s", strerror(errno));
    return e ? inputs_add(in, dir, 0, e) : -1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  struct dirent *de;
  errno = 0;
  while ((de = readdir(d)) != NULL) {
    size_t len = strlen(de->d_name);
    if (de->d_name[0] == '.' || len <= 4 || strcmp(de->d_name + len - 4, ".txt") != 0)
      continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char **nn = realloc(names, cap * sizeof *nn);
      if (!nn) {
        rc = -1;
        break;
      }
      names = nn;
    }
    size_t dl = strlen(dir);
    if (!(names[n] = cli_strf("%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", de->d_name))) {
      rc = -1;
      break;
    }
    n++;
  }
  int read_errno = errno;
  closedir(d);
  if (rc == 0 && read_errno) {
    char *e = cli_strf("%s", strerror(read_errno));
    rc = e ? inputs_add(in, dir, 0, e) : -1;
  } else if (rc == 0 && n == 0) {
    char *e = cli_strf("is a directory without .txt files");
    rc = e ? inputs_add(in, dir, 0, e) : -1;
  } else if (rc == 0) {
    qsort(names, n, sizeof *names, cmp_str);
  }
  size_t i = 0;
  for (; rc == 0 && i < n; i++)
    if (inputs_add(in, names[i], 1, NULL) != 0)
      rc = -1;
  for (; i < n; i++)
    free(names[i]);
  free(names);
  return rc;
}

/* ---- file inputs ------------------------------------------------------ */

/* Producer: the next input. Standard input is read here, in order, so that
 * '-' given twice behaves as it does without threads. */
static int next_file(void *ctx, cli_item *it) {
  inputs *in = ctx;
  if (in->next == in->n)
    return 0;
  input *p = &in->v[in->next++];
  it->path = p->path;
  if (p->err) {
    it->msg = cli_strf("%s", p->err);
    it->code = "input";
    return 1;
  }
  if (strcmp(p->path, "-") == 0) {
    int too_large;
    int e = cli_read_all(stdin, in->c->opts.max_input_bytes, &it->text, &it->text_len, &too_large);
    if (e)
      it->msg = cli_strf("%s", strerror(e));
    else if (too_large)
      it->msg = cli_strf("larger than the limit of %zu bytes (see --max-bytes)", in->c->opts.max_input_bytes);
    else
      it->has_text = 1;
    if (!it->has_text)
      it->code = "input";
  }
  return 1;
}

/* Worker: reads, analyses and renders one file. */
static void work_file(void *ctx, cli_item *it) {
  const inputs *in = ctx;
  const cli_cfg *c = in->c;
  int is_stdin = strcmp(it->path, "-") == 0;
  const char *label = is_stdin ? "<stdin>" : it->path;
  char *msg = NULL;
  if (it->code) {
    msg = it->msg;
    it->msg = NULL;
    goto fail;
  }
  if (!it->has_text) {
    struct stat st;
    if (stat(it->path, &st) != 0) {
      msg = cli_strf("%s", strerror(errno));
      goto fail;
    }
    if (S_ISDIR(st.st_mode)) {
      msg = cli_strf("is a directory");
      goto fail;
    }
    FILE *f = fopen(it->path, "rb");
    if (!f) {
      msg = cli_strf("%s", strerror(errno));
      goto fail;
    }
    int too_large;
    int e = cli_read_all(f, c->opts.max_input_bytes, &it->text, &it->text_len, &too_large);
    fclose(f);
    if (e) {
      msg = cli_strf("%s", strerror(e));
      goto fail;
    }
    if (too_large) {
      msg = cli_strf("larger than the limit of %zu bytes (see --max-bytes)", c->opts.max_input_bytes);
      goto fail;
    }
  }
  it->bytes = it->text_len;
  if (it->text_len == 0) {
    msg = cli_strf("empty file");
    goto fail;
  }
  attrib_doc *doc = NULL;
  attrib_error err;
  attrib_status st = attrib_analyze(c->model, it->text, it->text_len, &c->opts, &doc, &err);
  if (st == ATTRIB_OK) {
    const char *source = is_stdin ? "-" : it->path;
    if (c->format == CLI_FORMAT_JSON) {
      st = attrib_doc_to_json(doc, source, c->json_flags, &it->out, &it->out_len, &err);
    } else if ((c->format == CLI_FORMAT_TSV
                    ? cli_render_tsv(doc, source, &it->out, &it->out_len)
                    : cli_render_html(doc, it->text, it->text_len, source, &it->out, &it->out_len)) != 0) {
      st = ATTRIB_ERR_NOMEM;
      snprintf(err.message, sizeof err.message, "out of memory");
    }
    attrib_doc_free(doc);
  }
  free(it->text); /* the HTML page quotes the article around the quotes */
  it->text = NULL;
  if (st != ATTRIB_OK) {
    msg = cli_strf("%s", err.message);
    goto fail;
  }
  return;
fail:
  it->failed = 1;
  it->err = cli_strf("attrib: %s: %s", label, msg ? msg : "out of memory");
  free(msg);
}

/* ---- options ------------------------------------------------------------ */

/* -j value: a number (0 means 1) or "auto" (the online CPUs). */
static int parse_jobs(const char *v, unsigned *out) {
  if (strcmp(v, "auto") == 0) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    *out = n < 1 ? 1 : n > 1024 ? 1024 : (unsigned)n;
    return 0;
  }
  char *end;
  errno = 0;
  unsigned long n = strtoul(v, &end, 10);
  if (errno || *end || !*v || v[0] == '-' || n > 1024)
    return -1;
  *out = n == 0 ? 1 : (unsigned)n;
  return 0;
}

static const char html_one_page[] =
    "--format html writes one page per input: with more than one, use -o DIR (DIR/NAME.html each)";

static int usage_error(char **files, const char *fmt, const char *arg) {
  fputs("attrib: ", stderr);
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n%s", usage);
  free(files);
  return 2;
}

int main(int argc, char **argv) {
  cli_cfg c;
  memset(&c, 0, sizeof c);
  attrib_options_init(&c.opts);
  c.jobs = 1;
  const char *model_dir = NULL;
  int nfiles = 0, only_files = 0, jsonl = 0;
  char **files = calloc((size_t)argc + 1, sizeof *files);
  if (!files) {
    fprintf(stderr, "attrib: out of memory\n");
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
      files[nfiles++] = argv[i];
    } else if (strcmp(a, "--") == 0) {
      only_files = 1;
    } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(usage, stdout);
      free(files);
      return 0;
    } else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
      printf("attrib %s (output schema %d)\n", attrib_version(), ATTRIB_SCHEMA);
      free(files);
      return 0;
    } else if (strcmp(a, "-p") == 0 || strcmp(a, "--pretty") == 0) {
      c.json_flags |= ATTRIB_JSON_PRETTY;
    } else if (strcmp(a, "--no-indirect") == 0) {
      c.opts.indirect = 0;
    } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
      c.quiet = 1;
    } else if (strcmp(a, "--jsonl") == 0) {
      jsonl = 1;
    } else if (strncmp(a, "-j", 2) == 0 && a[2] != '\0') { /* -j4 */
      if (parse_jobs(a + 2, &c.jobs) != 0)
        return usage_error(files, "-j needs a number from 0 to 1024 or 'auto', not '%s'", a + 2);
    } else if ((strcmp(a, "-m") == 0 || strcmp(a, "--model") == 0 || strcmp(a, "-o") == 0 ||
                strcmp(a, "--output-dir") == 0 || strcmp(a, "--max-bytes") == 0 || strcmp(a, "-j") == 0 ||
                strcmp(a, "--jobs") == 0 || strcmp(a, "--format") == 0)) {
      if (i + 1 >= argc)
        return usage_error(files, "%s needs a value", a);
      const char *v = argv[++i];
      if (strcmp(a, "--format") == 0) {
        if (strcmp(v, "json") == 0)
          c.format = CLI_FORMAT_JSON;
        else if (strcmp(v, "tsv") == 0)
          c.format = CLI_FORMAT_TSV;
        else if (strcmp(v, "html") == 0)
          c.format = CLI_FORMAT_HTML;
        else
          return usage_error(files, "--format is json, tsv or html, not '%s'", v);
      } else if (a[1] == 'm' || strcmp(a, "--model") == 0) {
        model_dir = v;
      } else if (a[1] == 'o' || strcmp(a, "--output-dir") == 0) {
        c.out_dir = v;
      } else if (a[1] == 'j' || strcmp(a, "--jobs") == 0) {
        if (parse_jobs(v, &c.jobs) != 0)
          return usage_error(files, "-j needs a number from 0 to 1024 or 'auto', not '%s'", v);
      } else {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(v, &end, 10);
        if (errno || *end || n == 0 || v[0] == '-')
          return usage_error(files, "--max-bytes needs a positive number, not '%s'", v);
        c.opts.max_input_bytes = (size_t)n;
      }
    } else {
      return usage_error(files, "unknown option '%s'", a);
    }
  }
  if (jsonl) {
    /* one record per line in, one per line out */
    if (nfiles > 0)
      return usage_error(files, "--jsonl reads standard input and takes no FILE ('%s')", files[0]);
    if (c.out_dir)
      return usage_error(files, "%s", "--jsonl writes to standard output; -o does not apply");
    if (c.json_flags & ATTRIB_JSON_PRETTY)
      return usage_error(files, "%s", "--jsonl writes one line per record; --pretty does not apply");
    if (c.format != CLI_FORMAT_JSON)
      return usage_error(files, "%s", "--jsonl writes JSON records; only --format json applies");
  } else if (nfiles == 0) {
    return usage_error(files, "%s", "no input files (use '-' for standard input)");
  }
  if (c.format != CLI_FORMAT_JSON && (c.json_flags & ATTRIB_JSON_PRETTY))
    return usage_error(files, "%s", "--pretty indents JSON; it does not apply to --format tsv or html");
  if (c.format == CLI_FORMAT_HTML && !c.out_dir && nfiles > 1)
    return usage_error(files, "%s", html_one_page);
  attrib_model *model = NULL;
  attrib_error err;
  if (attrib_model_load(model_dir, &model, &err) != ATTRIB_OK) {
    fprintf(stderr, "attrib: model: %s\n", err.message);
    free(files);
    return 2;
  }
  c.model = model;
  int failed = 0;
  if (jsonl) {
    failed = cli_jsonl_run(&c);
  } else {
    inputs in;
    memset(&in, 0, sizeof in);
    in.c = &c;
    for (int i = 0; i < nfiles && failed == 0; i++) {
      struct stat st;
      int is_dir = strcmp(files[i], "-") != 0 && stat(files[i], &st) == 0 && S_ISDIR(st.st_mode);
      if ((is_dir ? inputs_add_dir(&in, files[i]) : inputs_add(&in, files[i], 0, NULL)) != 0) {
        fprintf(stderr, "attrib: out of memory\n");
        failed = -1;
      }
    }
    if (failed == 0 && c.format == CLI_FORMAT_HTML && !c.out_dir && in.n > 1) {
      /* a directory argument holding several files */
      inputs_free(&in);
      attrib_model_free(model);
      return usage_error(files, "%s", html_one_page);
    }
    if (failed == 0 && c.format == CLI_FORMAT_TSV && !c.out_dir)
      fputs(cli_tsv_header, stdout); /* once per run: the records of every input follow */
    if (failed == 0)
      failed = cli_batch_run(&c, next_file, work_file, &in, in.n, 0, "files");
    inputs_free(&in);
  }
  if (fflush(stdout) != 0) {
    fprintf(stderr, "attrib: cannot write output: %s\n", strerror(errno));
    failed = 1;
  }
  attrib_model_free(model);
  free(files);
  return failed ? 1 : 0;
}
