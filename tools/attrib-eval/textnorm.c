/* textnorm.c: the reference scripts' string normalisations, code point for code point.
 * Python's str operations (NFKC, casefold, isspace, \w, repr) are reproduced with ICU. */
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "eval.h"

/* Python's str.isspace() / re \s (unicodeobject.c's _Py_ascii_whitespace and friends). */
int ae_py_isspace(uint32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

/* re's \w on str patterns: str.isalnum() (letters, and Numeric_Type Decimal/Digit/Numeric) or '_'.
 */
int ae_py_isword(uint32_t c) {
  if (c == '_')
    return 1;
  if (u_isalpha((UChar32)c))
    return 1;
  return u_getIntPropertyValue((UChar32)c, UCHAR_NUMERIC_TYPE) != U_NT_NONE;
}

int ae_py_decimal(uint32_t c) {
  if (c >= '0' && c <= '9')
    return (int)(c - '0');
  if (u_charType((UChar32)c) != U_DECIMAL_DIGIT_NUMBER)
    return -1;
  return u_charDigitValue((UChar32)c);
}

void ae_textnorm_check(void) {
  UErrorCode e = U_ZERO_ERROR;
  unorm2_getNFKCInstance(&e);
  if (U_FAILURE(e))
    ae_die("ICU NFKC normaliser unavailable: %s", u_errorName(e));
}

static UChar *to_u16(const uint32_t *cp, size_t n, int32_t *len) {
  UChar *u = ae_xmalloc((2 * n + 1) * sizeof *u);
  int32_t k = 0;
  for (size_t i = 0; i < n; i++) {
    UBool err = 0;
    U16_APPEND((UChar *)u, k, (int32_t)(2 * n + 1), (UChar32)cp[i], err);
    (void)err;
  }
  *len = k;
  return u;
}

static uint32_t *from_u16(const UChar *u, int32_t len, size_t *n) {
  uint32_t *cp = ae_xmalloc(((size_t)len + 1) * sizeof *cp);
  size_t k = 0;
  for (int32_t i = 0; i < len; i++) {
    uint32_t c = u[i];
    if (U16_IS_LEAD(c) && i + 1 < len && U16_IS_TRAIL(u[i + 1]))
      c = (uint32_t)U16_GET_SUPPLEMENTARY(c, u[++i]);
    cp[k++] = c;
  }
  *n = k;
  return cp;
}

static uint32_t *utf8_to_cps(const char *s, size_t *n) {
  uint32_t *cp;
  if (ae_utf8_decode(s, strlen(s), &cp, n) != 0)
    ae_die("internal: invalid UTF-8 reached the normaliser");
  return cp;
}

/* Python str.casefold(): full case folding (CaseFolding.txt C+F), as ICU's default. */
static uint32_t *casefold(uint32_t *cp, size_t *n) {
  int32_t len;
  UChar *u = to_u16(cp, *n, &len);
  UErrorCode e = U_ZERO_ERROR;
  int32_t need = u_strFoldCase(NULL, 0, u, len, U_FOLD_CASE_DEFAULT, &e);
  e = U_ZERO_ERROR;
  UChar *f = ae_xmalloc(((size_t)need + 1) * sizeof *f);
  u_strFoldCase(f, need + 1, u, len, U_FOLD_CASE_DEFAULT, &e);
  if (U_FAILURE(e))
    ae_die("ICU case folding failed: %s", u_errorName(e));
  free(u);
  free(cp);
  cp = from_u16(f, need, n);
  free(f);
  return cp;
}

static uint32_t *nfkc(uint32_t *cp, size_t *n) {
  UErrorCode e = U_ZERO_ERROR;
  const UNormalizer2 *nf = unorm2_getNFKCInstance(&e);
  if (U_FAILURE(e))
    ae_die("ICU NFKC normaliser unavailable: %s", u_errorName(e));
  int32_t len;
  UChar *u = to_u16(cp, *n, &len);
  int32_t need = unorm2_normalize(nf, u, len, NULL, 0, &e);
  e = U_ZERO_ERROR;
  UChar *d = ae_xmalloc(((size_t)need + 1) * sizeof *d);
  unorm2_normalize(nf, u, len, d, need + 1, &e);
  if (U_FAILURE(e))
    ae_die("ICU NFKC failed: %s", u_errorName(e));
  free(u);
  free(cp);
  cp = from_u16(d, need, n);
  free(d);
  return cp;
}

static int lower_is(uint32_t c, char want) {
  return c < 0x80 && (c | 0x20) == (uint32_t)want;
}

/* Mirrors score.py norm():
 *   NFKC; curly apostrophes -> '; strip(); drop one leading the/a/an + whitespace (any case);
 *   drop a trailing 's; collapse whitespace runs to one space; strip " .,@#"; casefold. */
char *ae_norm_gold(const char *s) {
  size_t n;
  uint32_t *cp = nfkc(utf8_to_cps(s ? s : "", &n), &n);
  for (size_t i = 0; i < n; i++)
    if (cp[i] == 0x2019 || cp[i] == 0x2018)
      cp[i] = '\'';
  size_t a = 0, z = n;
  while (a < z && ae_py_isspace(cp[a]))
    a++;
  while (z > a && ae_py_isspace(cp[z - 1]))
    z--;
  /* ^(the|a|an)\s+ tried in that order; \s+ is greedy */
  size_t w = 0;
  if (z - a >= 4 && lower_is(cp[a], 't') && lower_is(cp[a + 1], 'h') && lower_is(cp[a + 2], 'e') &&
      ae_py_isspace(cp[a + 3]))
    w = 3;
  else if (z - a >= 2 && lower_is(cp[a], 'a') && ae_py_isspace(cp[a + 1]))
    w = 1;
  else if (z - a >= 3 && lower_is(cp[a], 'a') && lower_is(cp[a + 1], 'n') && ae_py_isspace(cp[a + 2]))
    w = 2;
  if (w) {
    a += w;
    while (a < z && ae_py_isspace(cp[a]))
      a++;
  }
  /* '$' also matches before a final newline, but the string ends stripped here */
  if (z - a >= 2 && cp[z - 2] == '\'' && cp[z - 1] == 's')
    z -= 2;
  size_t k = 0;
  for (size_t i = a; i < z; i++) {
    if (ae_py_isspace(cp[i])) {
      while (i + 1 < z && ae_py_isspace(cp[i + 1]))
        i++;
      cp[k++] = ' ';
    } else {
      cp[k++] = cp[i];
    }
  }
  a = 0, z = k;
  while (a < z && cp[a] < 0x80 && strchr(" .,@#", (int)cp[a]))
    a++;
  while (z > a && cp[z - 1] < 0x80 && strchr(" .,@#", (int)cp[z - 1]))
    z--;
  memmove(cp, cp + a, (z - a) * sizeof *cp);
  n = z - a;
  cp = casefold(cp, &n);
  char *out = ae_utf8_from_cps(cp, n);
  free(cp);
  return out;
}

/* Mirrors score_polnear.py norm(): ’ -> '; casefold; runs of \W -> one space; strip(). */
char *ae_norm_polnear(const char *s) {
  size_t n;
  uint32_t *cp = utf8_to_cps(s ? s : "", &n);
  for (size_t i = 0; i < n; i++)
    if (cp[i] == 0x2019)
      cp[i] = '\'';
  cp = casefold(cp, &n);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (!ae_py_isword(cp[i])) {
      while (i + 1 < n && !ae_py_isword(cp[i + 1]))
        i++;
      cp[k++] = ' ';
    } else {
      cp[k++] = cp[i];
    }
  }
  size_t a = 0, z = k;
  while (a < z && ae_py_isspace(cp[a]))
    a++;
  while (z > a && ae_py_isspace(cp[z - 1]))
    z--;
  char *out = ae_utf8_from_cps(cp + a, z - a);
  free(cp);
  return out;
}

/* Python's str.isprintable() per character: everything but Cc Cf Cs Co Cn Zl Zp Zs, space kept. */
static int py_isprintable(uint32_t c) {
  if (c == ' ')
    return 1;
  switch (u_charType((UChar32)c)) {
  case U_CONTROL_CHAR:
  case U_FORMAT_CHAR:
  case U_SURROGATE:
  case U_PRIVATE_USE_CHAR:
  case U_UNASSIGNED:
  case U_LINE_SEPARATOR:
  case U_PARAGRAPH_SEPARATOR:
  case U_SPACE_SEPARATOR:
    return 0;
  default:
    return 1;
  }
}

void ae_py_repr(sbuf *b, const char *s) {
  if (!s) {
    ae_sb_puts(b, "None");
    return;
  }
  size_t n;
  uint32_t *cp = utf8_to_cps(s, &n);
  char q = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
  ae_sb_add(b, &q, 1);
  for (size_t i = 0; i < n; i++) {
    uint32_t c = cp[i];
    char o[4];
    if (c == (uint32_t)q || c == '\\') {
      ae_sb_add(b, "\\", 1);
      ae_sb_add(b, o, ae_utf8_encode(c, o));
    } else if (c == '\t') {
      ae_sb_puts(b, "\\t");
    } else if (c == '\n') {
      ae_sb_puts(b, "\\n");
    } else if (c == '\r') {
      ae_sb_puts(b, "\\r");
    } else if (c < 0x20 || c == 0x7F || (c >= 0x80 && !py_isprintable(c))) {
      if (c < 0x100)
        ae_sb_printf(b, "\\x%02x", (unsigned)c);
      else if (c < 0x10000)
        ae_sb_printf(b, "\\u%04x", (unsigned)c);
      else
        ae_sb_printf(b, "\\U%08x", (unsigned)c);
    } else {
      ae_sb_add(b, o, ae_utf8_encode(c, o));
    }
  }
  ae_sb_add(b, &q, 1);
  free(cp);
}
