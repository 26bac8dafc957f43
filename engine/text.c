/* text.c: stage 1. Validates the input as UTF-8 text and splits it into
 * paragraphs. Nothing is rewritten: offsets stay those of the input, and
 * normalisation (NFKC, apostrophes) happens per token key in segment.c. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "doc.h"

attrib_status doc_error(attrib_error *err, attrib_status code, size_t offset, const char *fmt, ...) {
  if (err) {
    memset(err, 0, sizeof *err);
    err->code = code;
    err->offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
  }
  return code;
}

/* Returns the length of a valid UTF-8 sequence at s[0..n), or 0. Rejects
 * overlong forms, surrogates and code points above U+10FFFF. */
static size_t utf8_valid_seq(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  if (c < 0x80)
    return 1;
  if (c < 0xC2)
    return 0;
  if (c < 0xE0)
    return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
  if (c < 0xF0) {
    if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
      return 0;
    if (c == 0xE0 && s[1] < 0xA0)
      return 0; /* overlong */
    if (c == 0xED && s[1] >= 0xA0)
      return 0; /* surrogate */
    return 3;
  }
  if (c < 0xF5) {
    if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
      return 0;
    if (c == 0xF0 && s[1] < 0x90)
      return 0; /* overlong */
    if (c == 0xF4 && s[1] >= 0x90)
      return 0; /* above U+10FFFF */
    return 4;
  }
  return 0;
}

/* Checks the text and lists the offsets of its line break bytes ('\n' and
 * '\r', which the scan stops at anyway) in breaks (uint32_t), so that the
 * line splitter need not search for them again. */
static attrib_status validate(attrib_doc *d, vec *breaks, attrib_error *err) {
  const unsigned char *s = (const unsigned char *)d->text;
  size_t n = d->len, controls = 0;
  for (size_t i = 0; i < n;) {
    int at_byte = 0; /* i is at a byte that needs a look */
#if defined(__SSE2__)
    /* sixteen bytes at a time while they are all printable ASCII: a byte
     * below 0x20, or one from 0x80 (negative as signed), is below 0x20 as
     * a signed byte: one compare finds both */
    while (i + 32 <= n) { /* two loads a round: half the loop's own instructions */
      __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
      __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 16));
      unsigned bad = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20))) |
                     (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(y, _mm_set1_epi8(0x20))) << 16;
      if (bad) {
        i += (size_t)__builtin_ctz(bad);
        at_byte = 1;
        break;
      }
      i += 32;
    }
    while (!at_byte && i + 16 <= n) {
      __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
      unsigned bad = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));
      if (bad) {
        i += (size_t)__builtin_ctz(bad); /* straight to that byte */
        at_byte = 1;
        break;
      }
      i += 16;
    }
#endif
    if (!at_byte) {
      /* eight bytes at a time while they are all printable ASCII */
      while (i + 8 <= n) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
        /* a byte >= 0x80, or one below 0x20 (w - 0x20 borrows into its high bit) */
        if ((w & highs) || ((w - 0x20 * ones) & ~w & highs))
          break;
        i += 8;
      }
      if (i >= n)
        break;
    }
    unsigned char c = s[i];
    if (c >= 0x20 && c < 0x80) { /* printable ASCII: nothing to check */
      i++;
      continue;
    }
    if (c == '\n' || c == '\r') {
      if (breaks->len == breaks->cap && vec_reserve(breaks, &d->mem, breaks->cap ? breaks->cap * 2 : 64) != 0)
        return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
      VEC_AT(*breaks, uint32_t, breaks->len++) = (uint32_t)i; /* not vec_push: no memset call */
      i++;
      continue;
    }
    if (c == 0)
      return doc_error(err, ATTRIB_ERR_BINARY, i, "binary data (NUL byte) at byte %zu", i);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') {
      /* A few stray controls occur in scraped text; many mean binary. */
      if (++controls > 8 && controls * 100 > i + 1)
        return doc_error(err, ATTRIB_ERR_BINARY, i, "binary data (control byte 0x%02x) at byte %zu", c, i);
    }
    size_t k = utf8_valid_seq(s + i, n - i);
    if (!k)
      return doc_error(err, ATTRIB_ERR_UTF8, i, "invalid UTF-8 at byte %zu", i);
    i += k;
  }
  return ATTRIB_OK;
}

static int is_blank(const char *s, size_t a, size_t b) {
  for (size_t i = a; i < b; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\f' && s[i] != '\v')
      return 0;
  return 1;
}

/* A line that does not end a sentence, followed by one starting in lower
 * case, is a hard-wrapped continuation of the same paragraph. */
static int soft_wrapped(const char *s, size_t line_end, size_t next_start, size_t next_end) {
  size_t e = line_end;
  while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t'))
    e--;
  if (e == 0)
    return 0;
  char last = s[e - 1];
  if (strchr(".!?:;\"')]", last) || (unsigned char)last >= 0x80)
    return 0;
  size_t k = next_start;
  while (k < next_end && (s[k] == ' ' || s[k] == '\t'))
    k++;
  return k < next_end && s[k] >= 'a' && s[k] <= 'z';
}

attrib_status text_stage(attrib_doc *d, attrib_error *err) {
  vec breaks;
  vec_init(&breaks, sizeof(uint32_t));
  attrib_status st = validate(d, &breaks, err);
  if (st != ATTRIB_OK)
    return st;
  const uint32_t *brk = breaks.data;
  size_t nbrk = breaks.len, k = 0;
  const char *s = d->text;
  size_t n = d->len, i = 0;
  if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
    i = d->base = 3;
  paragraph *cur = NULL;
  while (i < n) {
    size_t a = i;
    while (k < nbrk && brk[k] < i) /* the first '\r' or '\n' from i */
      k++;
    i = k < nbrk ? brk[k] : n;
    size_t b = i; /* line [a, b) */
    if (i < n && s[i] == '\r') {
      i++;
      if (i < n && s[i] == '\n')
        i++;
    } else if (i < n) {
      i++; /* '\n' */
    }
    /* trim */
    while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\f' || s[a] == '\v'))
      a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\f' || s[b - 1] == '\v'))
      b--;
    if (is_blank(s, a, b)) {
      cur = NULL;
      continue;
    }
    if (cur && soft_wrapped(s, cur->end, a, b)) {
      cur->end = (uint32_t)b;
      continue;
    }
    /* [a, b) ends before a blank, a line break or the text's end (the
     * copy's NUL): segment.c's tokenizer relies on that byte being no
     * letter or digit (a word's run stops there by itself) */
    cur = vec_push(&d->paras, &d->mem);
    if (!cur)
      return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
    cur->start = (uint32_t)a;
    cur->end = (uint32_t)b;
  }
  return ATTRIB_OK;
}
