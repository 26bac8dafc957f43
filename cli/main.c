/* attrib: command line front end of the library.
 * Reads articles (files or stdin), prints the JSON of each. Every input is
 * processed even when others fail; the exit status is then non-zero. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attrib.h"

static const char usage[] = "usage: attrib [OPTIONS] FILE...\n"
                            "Finds quotations, reported speech, their speakers and the people,\n"
                            "organisations, countries and places of English news articles; prints JSON.\n"
                            "\n"
                            "  FILE               an article (UTF-8 text); '-' reads standard input\n"
                            "  -p, --pretty       indented JSON (default: one line per article)\n"
                            "  -m, --model DIR    load rules and word lists from DIR (default: built in)\n"
                            "  -o, --output-dir DIR  write DIR/NAME.json for each input instead of stdout\n"
                            "      --max-bytes N  refuse inputs larger than N bytes (default 64 MiB)\n"
                            "      --no-indirect  do not report indirect speech\n"
                            "  -h, --help         this help\n"
                            "  -V, --version      version\n"
                            "\n"
                            "Exit status: 0 when every input was analysed, 1 when any failed (each\n"
                            "failure is one line on stderr), 2 on bad usage or an unreadable model.\n";

typedef struct buf {
  char *data;
  size_t len;
} buf;

/* Reads all of f; returns 0, or an errno value. */
static int read_all(FILE *f, size_t max, buf *out, int *too_large) {
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
  out->data = data;
  out->len = len;
  return 0;
}

static const char *base_name(const char *p) {
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

/* Writes data to dir/name.json through a temporary file and a rename, so
 * an interrupted run never leaves a truncated result. */
static int write_result(const char *dir, const char *input, const char *data, size_t len) {
  char name[4096], tmp[4200], path[4200];
  snprintf(name, sizeof name, "%s", strcmp(input, "-") == 0 ? "stdin" : base_name(input));
  size_t nl = strlen(name);
  if (nl > 4 && strcmp(name + nl - 4, ".txt") == 0)
    name[nl - 4] = '\0';
  snprintf(path, sizeof path, "%s/%s.json", dir, name);
  snprintf(tmp, sizeof tmp, "%s/.%s.json.%ld.tmp", dir, name, (long)getpid());
  FILE *f = fopen(tmp, "wb");
  if (!f)
    return errno;
  int ok = fwrite(data, 1, len, f) == len && fputc('\n', f) != EOF;
  ok = (fclose(f) == 0) && ok;
  if (!ok || rename(tmp, path) != 0) {
    int e = errno ? errno : EIO;
    remove(tmp);
    return e;
  }
  return 0;
}

typedef struct cfg {
  const attrib_model *model;
  attrib_options opts;
  unsigned json_flags;
  const char *out_dir;
} cfg;

/* Analyses one input; prints its JSON or one error line. 0 on success. */
static int run_one(const cfg *c, const char *path) {
  FILE *f;
  int is_stdin = strcmp(path, "-") == 0;
  const char *label = is_stdin ? "<stdin>" : path;
  if (is_stdin) {
    f = stdin;
  } else {
    struct stat st;
    if (stat(path, &st) != 0) {
      fprintf(stderr, "attrib: %s: %s\n", label, strerror(errno));
      return 1;
    }
    if (S_ISDIR(st.st_mode)) {
      fprintf(stderr, "attrib: %s: is a directory\n", label);
      return 1;
    }
    f = fopen(path, "rb");
    if (!f) {
      fprintf(stderr, "attrib: %s: %s\n", label, strerror(errno));
      return 1;
    }
  }
  buf in = {0};
  int too_large;
  int e = read_all(f, c->opts.max_input_bytes, &in, &too_large);
  if (!is_stdin)
    fclose(f);
  if (e) {
    fprintf(stderr, "attrib: %s: %s\n", label, strerror(e));
    return 1;
  }
  if (too_large) {
    fprintf(stderr, "attrib: %s: larger than the limit of %zu bytes (see --max-bytes)\n", label,
            c->opts.max_input_bytes);
    return 1;
  }
  if (in.len == 0) {
    fprintf(stderr, "attrib: %s: empty file\n", label);
    free(in.data);
    return 1;
  }
  attrib_doc *doc = NULL;
  attrib_error err;
  attrib_status st = attrib_analyze(c->model, in.data, in.len, &c->opts, &doc, &err);
  free(in.data);
  if (st != ATTRIB_OK) {
    fprintf(stderr, "attrib: %s: %s\n", label, err.message);
    return 1;
  }
  char *json = NULL;
  size_t len = 0;
  st = attrib_doc_to_json(doc, is_stdin ? "-" : path, c->json_flags, &json, &len, &err);
  attrib_doc_free(doc);
  if (st != ATTRIB_OK) {
    fprintf(stderr, "attrib: %s: %s\n", label, err.message);
    return 1;
  }
  int rc = 0;
  if (c->out_dir) {
    e = write_result(c->out_dir, path, json, len);
    if (e) {
      fprintf(stderr, "attrib: %s: cannot write result: %s\n", label, strerror(e));
      rc = 1;
    }
  } else if (fwrite(json, 1, len, stdout) != len || fputc('\n', stdout) == EOF) {
    fprintf(stderr, "attrib: %s: cannot write output: %s\n", label, strerror(errno));
    rc = 1;
  }
  attrib_free(json);
  return rc;
}

int main(int argc, char **argv) {
  cfg c;
  memset(&c, 0, sizeof c);
  attrib_options_init(&c.opts);
  const char *model_dir = NULL;
  int nfiles = 0, only_files = 0;
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
    } else if ((strcmp(a, "-m") == 0 || strcmp(a, "--model") == 0 || strcmp(a, "-o") == 0 ||
                strcmp(a, "--output-dir") == 0 || strcmp(a, "--max-bytes") == 0)) {
      if (i + 1 >= argc) {
        fprintf(stderr, "attrib: %s needs a value\n%s", a, usage);
        free(files);
        return 2;
      }
      const char *v = argv[++i];
      if (a[1] == 'm' || strcmp(a, "--model") == 0) {
        model_dir = v;
      } else if (a[1] == 'o' || strcmp(a, "--output-dir") == 0) {
        c.out_dir = v;
      } else {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(v, &end, 10);
        if (errno || *end || n == 0 || v[0] == '-') {
          fprintf(stderr, "attrib: --max-bytes needs a positive number, not '%s'\n", v);
          free(files);
          return 2;
        }
        c.opts.max_input_bytes = (size_t)n;
      }
    } else {
      fprintf(stderr, "attrib: unknown option '%s'\n%s", a, usage);
      free(files);
      return 2;
    }
  }
  if (nfiles == 0) {
    fprintf(stderr, "attrib: no input files (use '-' for standard input)\n%s", usage);
    free(files);
    return 2;
  }
  attrib_model *model = NULL;
  attrib_error err;
  if (attrib_model_load(model_dir, &model, &err) != ATTRIB_OK) {
    fprintf(stderr, "attrib: model: %s\n", err.message);
    free(files);
    return 2;
  }
  c.model = model;
  int failed = 0;
  for (int i = 0; i < nfiles; i++)
    failed |= run_one(&c, files[i]);
  if (fflush(stdout) != 0) {
    fprintf(stderr, "attrib: cannot write output: %s\n", strerror(errno));
    failed = 1;
  }
  attrib_model_free(model);
  free(files);
  return failed ? 1 : 0;
}
