/* regress.c: replays saved inputs through a fuzz harness without the
 * libFuzzer runtime, so that ctest keeps every crash found fixed.
 * usage: REPLAY PATH...   (files, or directories whose files are replayed;
 * names starting with '.' and README files are skipped).
 * Links with one of fuzz_analyze.c / fuzz_model.c. Exit status 0 when every
 * input ran; a bug shows as a crash or a sanitizer report. */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return 1;
  }
  size_t cap = 4096, n = 0;
  uint8_t *buf = malloc(cap);
  for (;;) {
    if (!buf) {
      fprintf(stderr, "%s: out of memory\n", path);
      fclose(f);
      return 1;
    }
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap)
      break;
    uint8_t *nb = realloc(buf, cap *= 2);
    if (!nb)
      free(buf);
    buf = nb;
  }
  fclose(f);
  /* An exact-size copy, so that ASan sees reads past the end of the input. */
  uint8_t *exact = malloc(n ? n : 1);
  if (!exact) {
    free(buf);
    return 1;
  }
  if (n)
    memcpy(exact, buf, n);
  free(buf);
  printf("replay %s (%zu bytes)\n", path, n);
  fflush(stdout);
  LLVMFuzzerTestOneInput(exact, n);
  free(exact);
  return 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay(const char *path, size_t *count) {
  struct stat st;
  if (stat(path, &st) != 0) {
    perror(path);
    return 1;
  }
  if (!S_ISDIR(st.st_mode)) {
    (*count)++;
    return replay_file(path);
  }
  DIR *dp = opendir(path);
  if (!dp) {
    perror(path);
    return 1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *de;
  while ((de = readdir(dp)) != NULL) {
    if (de->d_name[0] == '.' || strncmp(de->d_name, "README", 6) == 0)
      continue;
    if (n == cap) {
      char **nn = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof *names);
      if (!nn)
        break;
      names = nn;
    }
    names[n] = malloc(strlen(path) + strlen(de->d_name) + 2);
    if (!names[n])
      break;
    sprintf(names[n], "%s/%s", path, de->d_name);
    n++;
  }
  closedir(dp);
  if (n > 1) /* qsort(NULL, 0, ...) is undefined */
    qsort(names, n, sizeof *names, cmp_str);
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    rc |= replay(names[i], count);
    free(names[i]);
  }
  free(names);
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PATH...\n", argv[0]);
    return 2;
  }
  LLVMFuzzerInitialize(&argc, &argv);
  int rc = 0;
  size_t count = 0;
  for (int i = 1; i < argc; i++)
    rc |= replay(argv[i], &count);
  printf("%zu inputs replayed\n", count);
  return rc;
}
