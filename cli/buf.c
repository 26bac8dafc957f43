/* A growable output buffer for the TSV and HTML renderers. Out of memory is
 * sticky: later appends do nothing and the caller checks b->oom once. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int buf_reserve(cli_buf *b, size_t more) {
  if (b->oom)
    return -1;
  if (b->len + more + 1 <= b->cap)
    return 0;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap < b->len + more + 1) {
    if (cap > (size_t)-1 / 2) {
      b->oom = 1;
      return -1;
    }
    cap *= 2;
  }
  char *s = realloc(b->s, cap);
  if (!s) {
    b->oom = 1;
    return -1;
  }
  b->s = s;
  b->cap = cap;
  return 0;
}

void cli_buf_add(cli_buf *b, const char *s, size_t n) {
  if (n == 0 || buf_reserve(b, n) != 0)
    return;
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void cli_buf_puts(cli_buf *b, const char *s) {
  cli_buf_add(b, s, strlen(s));
}

void cli_buf_printf(cli_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->oom = 1;
    return;
  }
  if (buf_reserve(b, (size_t)n) != 0)
    return;
  va_start(ap, fmt);
  vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

int cli_buf_finish(cli_buf *b, char **out, size_t *len) {
  if (!b->oom && buf_reserve(b, 0) == 0) { /* an empty result is "" */
    b->s[b->len] = '\0';
    *out = b->s;
    *len = b->len;
    return 0;
  }
  free(b->s);
  memset(b, 0, sizeof *b);
  return -1;
}

void cli_confidence(char out[8], double c) {
  /* as the JSON writes it (engine/output.c): two decimals, no trailing 0 */
  long v = (long)(c * 100 + 0.5);
  if (v <= 0)
    strcpy(out, "0");
  else if (v >= 100)
    strcpy(out, "1");
  else if (v % 10)
    snprintf(out, 8, "0.%02ld", v);
  else
    snprintf(out, 8, "0.%ld", v / 10);
}
