/* fuzz_model.c: libFuzzer harness for attrib_model_load(). The first input
 * byte picks one model file, the rest of the input replaces that file in a
 * private copy of models/ (made once, at start-up), and the directory is
 * loaded. A model that loads is used once on a short article, so that
 * odd but accepted rules and word lists reach the pipeline too. The
 * original file is put back after each input, so inputs stay independent.
 *
 * The models directory: $ATTRIB_FUZZ_MODELS, else the ATTRIB_MODELS_DIR
 * compile definition. The copy lives under $TMPDIR (else /dev/shm or /tmp)
 * and is removed at exit. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attrib.h"

#ifndef ATTRIB_MODELS_DIR
#define ATTRIB_MODELS_DIR "models"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const targets[] = {"attribution.rules", "lexicon.txt", "cues.txt", "titles.txt",
                                      "countries.txt"};
enum { NTARGETS = sizeof targets / sizeof targets[0] };

static char tmpdir[4096];
static struct {
  char *data;
  size_t len;
} originals[NTARGETS];

static const char article[] =
    "Talks Collapse Over Fishing Rights\n\n"
    "BRUSSELS - Negotiators from the European Union and Senegal failed to agree on Tuesday, "
    "officials said.\n\n"
    "\"We cannot accept these terms,\" said Fatou Diop, Senegal's fisheries minister. "
    "\"Our boats come first.\"\n\n"
    "A spokesperson for the European Commission told reporters the offer was \xE2\x80\x9C"
    "fair and final\xE2\x80\x9D and said it would not be improved.\n\n"
    "\xE2\x80\x9CIt is a shame,\xE2\x80\x9D she added. Mr. Diop said he would return next month.\n";

static void die(const char *what, const char *path) {
  fprintf(stderr, "fuzz_model: %s %s: %s\n", what, path, strerror(errno));
  abort();
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    die("cannot open", path);
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf)
      die("out of memory reading", path);
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap)
      break;
    buf = realloc(buf, cap *= 2);
  }
  fclose(f);
  *len = n;
  return buf;
}

static void spill(const char *name, const void *data, size_t len) {
  char path[8192];
  snprintf(path, sizeof path, "%s/%s", tmpdir, name);
  FILE *f = fopen(path, "wb");
  if (!f)
    die("cannot create", path);
  if ((len && fwrite(data, 1, len, f) != len) || fclose(f) != 0)
    die("cannot write", path);
}

static void cleanup(void) {
  DIR *dp = opendir(tmpdir);
  if (!dp)
    return;
  struct dirent *de;
  char path[8192];
  while ((de = readdir(dp)) != NULL) {
    if (de->d_name[0] == '.')
      continue;
    snprintf(path, sizeof path, "%s/%s", tmpdir, de->d_name);
    unlink(path);
  }
  closedir(dp);
  rmdir(tmpdir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  const char *src = getenv("ATTRIB_FUZZ_MODELS");
  if (!src || !*src)
    src = ATTRIB_MODELS_DIR;
  const char *base = getenv("TMPDIR");
  struct stat st;
  if (!base || !*base)
    base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0 ? "/dev/shm"
                                                                                              : "/tmp";
  snprintf(tmpdir, sizeof tmpdir, "%s/attrib-fuzz-model.XXXXXX", base);
  if (!mkdtemp(tmpdir))
    die("cannot create a directory like", tmpdir);
  atexit(cleanup);
  DIR *dp = opendir(src);
  if (!dp)
    die("cannot open the models directory", src);
  struct dirent *de;
  char path[8192];
  while ((de = readdir(dp)) != NULL) {
    if (de->d_name[0] == '.')
      continue;
    snprintf(path, sizeof path, "%s/%s", src, de->d_name);
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
      continue;
    size_t len;
    char *data = slurp(path, &len);
    spill(de->d_name, data, len);
    free(data);
  }
  closedir(dp);
  for (int i = 0; i < NTARGETS; i++) {
    snprintf(path, sizeof path, "%s/%s", tmpdir, targets[i]);
    originals[i].data = slurp(path, &originals[i].len);
  }
  /* The untouched copy must load, or every input would fail the same way. */
  attrib_model *m = NULL;
  attrib_error err;
  if (attrib_model_load(tmpdir, &m, &err) != ATTRIB_OK) {
    fprintf(stderr, "fuzz_model: the models in %s do not load: %s\n", src, err.message);
    abort();
  }
  attrib_model_free(m);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  int which = data[0] % NTARGETS;
  spill(targets[which], data + 1, size - 1);
  attrib_model *m = NULL;
  attrib_error err;
  memset(&err, 0, sizeof err);
  attrib_status st = attrib_model_load(tmpdir, &m, &err);
  if (st == ATTRIB_OK) {
    attrib_doc *doc = NULL;
    if (attrib_analyze(m, article, sizeof article - 1, NULL, &doc, &err) == ATTRIB_OK) {
      char *json = NULL;
      (void)attrib_doc_to_json(doc, NULL, 0, &json, NULL, &err);
      attrib_free(json);
    }
    attrib_doc_free(doc);
    attrib_model_free(m);
  } else if (m || err.code != st || !err.message[0]) {
    fprintf(stderr, "fuzz_model: inconsistent failure %d: '%s'\n", (int)st, err.message);
    abort();
  }
  spill(targets[which], originals[which].data, originals[which].len);
  return 0;
}
