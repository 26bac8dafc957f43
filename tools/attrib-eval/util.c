/* util.c: memory, strings, directory listing, UTF-8 and JSON helpers for attrib-eval. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "eval.h"

_Noreturn void ae_die(const char *fmt, ...) {
  va_list ap;
  fputs("attrib-eval: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(2);
}

void *ae_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p)
    ae_die("out of memory");
  return p;
}

void *ae_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q)
    ae_die("out of memory");
  return q;
}

char *ae_xstrndup(const char *s, size_t n) {
  char *d = ae_xmalloc(n + 1);
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *ae_xstrdup(const char *s) {
  return ae_xstrndup(s, strlen(s));
}

static char *xvasprintf(const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0)
    ae_die("bad format");
  char *s = ae_xmalloc((size_t)n + 1);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  return s;
}

char *ae_xasprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = xvasprintf(fmt, ap);
  va_end(ap);
  return s;
}

void ae_sb_add(sbuf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1)
      cap *= 2;
    b->s = ae_xrealloc(b->s, cap);
    b->cap = cap;
  }
  if (n)
    memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void ae_sb_puts(sbuf *b, const char *s) {
  ae_sb_add(b, s, strlen(s));
}

void ae_sb_printf(sbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = xvasprintf(fmt, ap);
  va_end(ap);
  ae_sb_puts(b, s);
  free(s);
}

char *ae_sb_take(sbuf *b) {
  char *s = b->s ? b->s : ae_xstrdup("");
  b->s = NULL;
  b->len = b->cap = 0;
  return s;
}

void ae_sl_push(strlist *l, char *owned) {
  if (l->n == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 8;
    l->v = ae_xrealloc(l->v, l->cap * sizeof *l->v);
  }
  l->v[l->n++] = owned;
}

int ae_sl_has(const strlist *l, const char *s) {
  for (size_t i = 0; i < l->n; i++)
    if (strcmp(l->v[i], s) == 0)
      return 1;
  return 0;
}

void ae_sl_add_unique(strlist *l, char *owned) {
  if (ae_sl_has(l, owned))
    free(owned);
  else
    ae_sl_push(l, owned);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void ae_sl_sort(strlist *l) {
  if (l->n > 1)
    qsort(l->v, l->n, sizeof *l->v, cmp_str);
}

void ae_sl_free(strlist *l) {
  for (size_t i = 0; i < l->n; i++)
    free(l->v[i]);
  free(l->v);
  l->v = NULL;
  l->n = l->cap = 0;
}

char *ae_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  sbuf b = {0};
  char chunk[65536];
  size_t k;
  while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
    ae_sb_add(&b, chunk, k);
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(b.s);
    errno = EIO;
    return NULL;
  }
  *len = b.len;
  return ae_sb_take(&b);
}

char *ae_path_join(const char *dir, const char *name) {
  size_t n = strlen(dir);
  return ae_xasprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
}

int ae_is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int ae_same_dir(const char *a, const char *b) {
  struct stat sa, sb;
  return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int ae_list_dir(const char *dir, int (*keep)(const char *, const void *), const void *arg, strlist *out) {
  DIR *d = opendir(dir);
  if (!d)
    return -1;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    if (keep(e->d_name, arg))
      ae_sl_push(out, ae_xstrdup(e->d_name));
  }
  closedir(d);
  ae_sl_sort(out);
  return 0;
}

/* ---- UTF-8 -------------------------------------------------------------- */

int ae_utf8_decode(const char *s, size_t len, uint32_t **cps, size_t *n) {
  const unsigned char *u = (const unsigned char *)s;
  uint32_t *out = ae_xmalloc((len + 1) * sizeof *out);
  size_t k = 0;
  for (size_t i = 0; i < len;) {
    unsigned c = u[i];
    uint32_t cp;
    size_t need;
    unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c < 0x80) {
      out[k++] = c;
      i++;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      need = 1, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      need = 2, cp = c & 0x0F;
      if (c == 0xE0)
        lo = 0xA0; /* overlong */
      if (c == 0xED)
        hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
      need = 3, cp = c & 0x07;
      if (c == 0xF0)
        lo = 0x90;
      if (c == 0xF4)
        hi = 0x8F; /* > U+10FFFF */
    } else {
      goto bad;
    }
    if (i + need >= len)
      goto bad; /* truncated sequence */
    for (size_t j = 1; j <= need; j++) {
      unsigned cc = u[i + j];
      if (j == 1 ? (cc < lo || cc > hi) : (cc < 0x80 || cc > 0xBF))
        goto bad;
      cp = (cp << 6) | (cc & 0x3F);
    }
    out[k++] = cp;
    i += need + 1;
  }
  *cps = out;
  *n = k;
  return 0;
bad:
  free(out);
  return -1;
}

size_t ae_utf8_encode(uint32_t cp, char o[4]) {
  if (cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  } else if (cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  } else if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | (cp >> 18));
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

char *ae_utf8_from_cps(const uint32_t *cp, size_t n) {
  sbuf b = {0};
  char o[4];
  ae_sb_add(&b, "", 0);
  for (size_t i = 0; i < n; i++)
    ae_sb_add(&b, o, ae_utf8_encode(cp[i], o));
  return ae_sb_take(&b);
}

size_t ae_utf8_prefix(const char *s, size_t ncp) {
  size_t i = 0;
  while (s[i] && ncp) {
    i++;
    while (((unsigned char)s[i] & 0xC0) == 0x80)
      i++;
    ncp--;
  }
  return i;
}

/* ---- JSON --------------------------------------------------------------- */

/* A validator for the grammar Python's json module accepts (strict mode), so that a file
 * the reference scripts treat as unreadable is unreadable here too; cJSON is laxer. */
typedef struct jv {
  const char *p, *end;
  int depth;
} jv;

static void jv_ws(jv *v) {
  while (v->p < v->end && (*v->p == ' ' || *v->p == '\t' || *v->p == '\n' || *v->p == '\r'))
    v->p++;
}

static int jv_lit(jv *v, const char *lit) {
  size_t n = strlen(lit);
  if ((size_t)(v->end - v->p) < n || memcmp(v->p, lit, n) != 0)
    return 0;
  v->p += n;
  return 1;
}

static int jv_digit(const jv *v) {
  return v->p < v->end && *v->p >= '0' && *v->p <= '9';
}

static int jv_value(jv *v);

static int jv_string(jv *v) {
  v->p++; /* opening quote */
  while (v->p < v->end) {
    unsigned char c = (unsigned char)*v->p++;
    if (c == '"')
      return 1;
    if (c < 0x20)
      return 0;
    if (c == '\\') {
      if (v->p >= v->end)
        return 0;
      c = (unsigned char)*v->p++;
      if (c == 'u') {
        for (int i = 0; i < 4; i++, v->p++)
          if (v->p >= v->end || !strchr("0123456789abcdefABCDEF", *v->p) || !*v->p)
            return 0;
      } else if (!strchr("\"\\/bfnrt", c) || !c) {
        return 0;
      }
    }
  }
  return 0;
}

static int jv_number(jv *v) {
  if (jv_lit(v, "-Infinity"))
    return 1;
  if (v->p < v->end && *v->p == '-')
    v->p++;
  if (!jv_digit(v))
    return 0;
  if (*v->p == '0')
    v->p++;
  else
    while (jv_digit(v))
      v->p++;
  if (v->p < v->end && *v->p == '.' && v->p + 1 < v->end && v->p[1] >= '0' && v->p[1] <= '9') {
    v->p++;
    while (jv_digit(v))
      v->p++;
  }
  if (v->p < v->end && (*v->p == 'e' || *v->p == 'E')) {
    const char *save = v->p++;
    if (v->p < v->end && (*v->p == '+' || *v->p == '-'))
      v->p++;
    if (!jv_digit(v)) {
      v->p = save; /* Python leaves a bare 'e' unconsumed, then fails on it */
      return 1;
    }
    while (jv_digit(v))
      v->p++;
  }
  return 1;
}

static int jv_container(jv *v, char close, int object) {
  if (++v->depth > 900)
    return 0;
  v->p++;
  jv_ws(v);
  if (v->p < v->end && *v->p == close) {
    v->p++;
    v->depth--;
    return 1;
  }
  for (;;) {
    jv_ws(v);
    if (object) {
      if (v->p >= v->end || *v->p != '"' || !jv_string(v))
        return 0;
      jv_ws(v);
      if (v->p >= v->end || *v->p++ != ':')
        return 0;
      jv_ws(v);
    }
    if (!jv_value(v))
      return 0;
    jv_ws(v);
    if (v->p >= v->end)
      return 0;
    char c = *v->p++;
    if (c == close)
      break;
    if (c != ',')
      return 0;
  }
  v->depth--;
  return 1;
}

static int jv_value(jv *v) {
  if (v->p >= v->end)
    return 0;
  switch (*v->p) {
  case '"':
    return jv_string(v);
  case '{':
    return jv_container(v, '}', 1);
  case '[':
    return jv_container(v, ']', 0);
  case 't':
    return jv_lit(v, "true");
  case 'f':
    return jv_lit(v, "false");
  case 'n':
    return jv_lit(v, "null");
  case 'N':
    return jv_lit(v, "NaN");
  case 'I':
    return jv_lit(v, "Infinity");
  default:
    return jv_number(v);
  }
}

cJSON *ae_json_parse_strict(const char *buf, size_t len, const char **why) {
  uint32_t *cps;
  size_t n;
  if (ae_utf8_decode(buf, len, &cps, &n) != 0) {
    *why = "invalid UTF-8";
    return NULL;
  }
  free(cps);
  if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
    *why = "unexpected UTF-8 BOM";
    return NULL;
  }
  jv v = {buf, buf + len, 0};
  jv_ws(&v);
  int ok = jv_value(&v);
  jv_ws(&v);
  if (!ok || v.p != v.end) {
    *why = "invalid JSON";
    return NULL;
  }
  /* buf is NUL-terminated, so cJSON may check there is nothing after the value */
  cJSON *j = cJSON_ParseWithLengthOpts(buf, len + 1, NULL, 1);
  if (!j)
    *why = "JSON that cJSON cannot represent (NaN, Infinity, lone surrogate or NUL)";
  return j;
}

const cJSON *ae_jget(const cJSON *obj, const char *key) {
  const cJSON *hit = NULL;
  if (!cJSON_IsObject(obj))
    return NULL;
  for (const cJSON *c = obj->child; c; c = c->next)
    if (c->string && strcmp(c->string, key) == 0)
      hit = c;
  return hit;
}

int ae_jtruthy(const cJSON *v) {
  if (!v || cJSON_IsNull(v) || cJSON_IsFalse(v))
    return 0;
  if (cJSON_IsNumber(v))
    return v->valuedouble != 0;
  if (cJSON_IsString(v))
    return v->valuestring && v->valuestring[0];
  if (cJSON_IsArray(v) || cJSON_IsObject(v))
    return v->child != NULL;
  return 1;
}

const char *ae_jstr(const cJSON *obj, const char *key) {
  const cJSON *v = ae_jget(obj, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

double ae_jnum(const cJSON *obj, const char *key, double dflt) {
  const cJSON *v = ae_jget(obj, key);
  if (cJSON_IsNumber(v))
    return v->valuedouble;
  if (cJSON_IsTrue(v))
    return 1; /* Python's True is 1 in arithmetic */
  if (cJSON_IsFalse(v))
    return 0;
  return dflt; /* absent; a null or string would crash the scripts */
}
