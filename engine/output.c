/* output.c: stage 8. The JSON of the output contract (docs/output.md),
 * written straight into one growing buffer: a tree of cJSON nodes cost a
 * malloc per value and a printf per number, a third of the whole run. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "doc.h"

/* A member key and its length, for the writers below. */
#define KEY(k) k, sizeof(k) - 1

typedef struct writer {
  char *buf;
  size_t len, cap;
  int failed; /* out of memory: everything after is dropped */
  int pretty;
  int depth;
  int first; /* no member written yet at this level */
} writer;

static void reserve(writer *w, size_t n) {
  if (w->failed || w->len + n + 1 <= w->cap)
    return;
  size_t cap = w->cap ? w->cap : 4096;
  while (cap < w->len + n + 1) {
    if (cap > SIZE_MAX / 2) {
      w->failed = 1;
      return;
    }
    cap *= 2;
  }
  char *b = realloc(w->buf, cap);
  if (!b) {
    w->failed = 1;
    return;
  }
  w->buf = b;
  w->cap = cap;
}

/* Inline: a document is written in a few thousand small pieces. */
static inline void put(writer *w, const char *s, size_t n) {
  if (w->len + n + 1 > w->cap) {
    reserve(w, n);
    if (w->failed)
      return;
  }
  memcpy(w->buf + w->len, s, n);
  w->len += n;
}

static inline void putc_(writer *w, char c) {
  if (w->len + 2 > w->cap) {
    reserve(w, 1);
    if (w->failed)
      return;
  }
  w->buf[w->len++] = c;
}

static void put_u64(writer *w, uint64_t v) {
  /* two digits a step: offsets and lengths have up to seven */
  static const char pairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  char tmp[24];
  int i = (int)sizeof tmp;
  while (v >= 100) {
    unsigned r = (unsigned)(v % 100);
    v /= 100;
    tmp[--i] = pairs[2 * r + 1];
    tmp[--i] = pairs[2 * r];
  }
  if (v >= 10) {
    tmp[--i] = pairs[2 * v + 1];
    tmp[--i] = pairs[2 * v];
  } else {
    tmp[--i] = (char)('0' + v);
  }
  put(w, tmp + i, sizeof tmp - (size_t)i);
}

/* Bytes a JSON string must escape: below 0x20, '"' and '\\'. */
static const uint8_t needs_escape[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
};

/* Does the word x hold a byte below 0x20, a '"' or a '\\'? (exact) */
static inline int bad_bytes(uint64_t x) {
  const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
  uint64_t q = x ^ ('"' * ones), b = x ^ ('\\' * ones);
  uint64_t lt = (x - 0x20 * ones) & ~x & highs;
  uint64_t zq = (q - ones) & ~q & highs, zb = (b - ones) & ~b & highs;
  return (lt | zq | zb) != 0;
}

/* The length of the prefix of s[0, n) that needs no escape. */
static size_t plain_prefix(const char *s, size_t n) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i dquote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1F);
#define BAD_MASK(x)                                                                                          \
  (unsigned)_mm_movemask_epi8(                                                                               \
      _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, dquote), _mm_cmpeq_epi8(x, bslash)),                       \
                   _mm_cmpeq_epi8(_mm_max_epu8(x, ctl), ctl)))
  for (; i + 16 <= n; i += 16) {
    /* x <= 0x1F unsigned: max(x, 0x1F) == 0x1F */
    unsigned mask = BAD_MASK(_mm_loadu_si128((const __m128i *)(const void *)(s + i)));
    if (mask)
      return i + (size_t)__builtin_ctz(mask);
  }
  if (i < n && n >= 16) { /* the tail: the last 16 bytes, those before i masked off */
    unsigned mask = BAD_MASK(_mm_loadu_si128((const __m128i *)(const void *)(s + n - 16))) >> (i - (n - 16));
    return mask ? i + (size_t)__builtin_ctz(mask) : n;
  }
#undef BAD_MASK
  if (n >= 8) { /* a short string: its first and last eight bytes */
    uint64_t x, y;
    memcpy(&x, s, 8);
    memcpy(&y, s + n - 8, 8);
    if (!bad_bytes(x) && !bad_bytes(y))
      return n;
  }
#else
  /* eight bytes at a time while none needs an escape */
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    memcpy(&x, s + i, 8);
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t q = x ^ ('"' * ones), b = x ^ ('\\' * ones);
    /* a byte below 0x20, a '"' or a '\\' among them (the tests are exact
     * about whether there is any) */
    uint64_t lt = (x - 0x20 * ones) & ~x & highs;
    uint64_t zq = (q - ones) & ~q & highs, zb = (b - ones) & ~b & highs;
    if (lt | zq | zb)
      break;
  }
#endif
  while (i < n && !needs_escape[(unsigned char)s[i]])
    i++;
  return i;
}

/* A JSON string; the input is valid UTF-8, so only quotes, backslashes
 * and control bytes need escapes. Nearly every string has none: one scan,
 * one copy. */
/* Does the 4-byte word x hold a byte below 0x20, a '"' or a '\\'? (exact) */
static inline int bad_bytes32(uint32_t x) {
  const uint32_t ones = 0x01010101u, highs = 0x80808080u;
  uint32_t q = x ^ ('"' * ones), b = x ^ ('\\' * ones);
  uint32_t lt = (x - 0x20 * ones) & ~x & highs;
  uint32_t zq = (q - ones) & ~q & highs, zb = (b - ones) & ~b & highs;
  return (lt | zq | zb) != 0;
}

/* A string of at most 16 bytes that needs no escape (ids, types, kinds,
 * names, most mention texts), quoted at the end of w: overlapping word
 * copies, no call. 0 when it needs an escape (nothing written). */
static inline int put_short_plain(writer *w, const char *s, size_t n) {
  if (n >= 8) {
    uint64_t x, y;
    memcpy(&x, s, 8);
    memcpy(&y, s + n - 8, 8);
    if (bad_bytes(x) || bad_bytes(y))
      return 0;
    char *o = w->buf + w->len;
    o[0] = '"';
    memcpy(o + 1, &x, 8);
    memcpy(o + 1 + n - 8, &y, 8);
    o[n + 1] = '"';
  } else if (n >= 4) {
    uint32_t x, y;
    memcpy(&x, s, 4);
    memcpy(&y, s + n - 4, 4);
    if (bad_bytes32(x) || bad_bytes32(y))
      return 0;
    char *o = w->buf + w->len;
    o[0] = '"';
    memcpy(o + 1, &x, 4);
    memcpy(o + 1 + n - 4, &y, 4);
    o[n + 1] = '"';
  } else {
    for (size_t k = 0; k < n; k++)
      if (needs_escape[(unsigned char)s[k]])
        return 0;
    char *o = w->buf + w->len;
    o[0] = '"';
    for (size_t k = 0; k < n; k++)
      o[1 + k] = s[k];
    o[n + 1] = '"';
  }
  w->len += n + 2;
  return 1;
}

static void put_str_slow(writer *w, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  reserve(w, n + 2);
  if (w->failed)
    return;
  if (n <= 16 && put_short_plain(w, s, n))
    return;
  size_t i = plain_prefix(s, n);
  if (i == n) { /* room reserved: no checks */
    char *o = w->buf + w->len;
    *o++ = '"';
    memcpy(o, s, n);
    o[n] = '"';
    w->len += n + 2;
    return;
  }
  putc_(w, '"');
  size_t run = 0;
  for (; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!needs_escape[c])
      continue;
    put(w, s + run, i - run);
    run = i + 1;
    switch (c) {
    case '"':
      put(w, "\\\"", 2);
      break;
    case '\\':
      put(w, "\\\\", 2);
      break;
    case '\n':
      put(w, "\\n", 2);
      break;
    case '\r':
      put(w, "\\r", 2);
      break;
    case '\t':
      put(w, "\\t", 2);
      break;
    default: {
      char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      put(w, u, 6);
    }
    }
  }
  put(w, s + run, n - run);
  putc_(w, '"');
}

/* Inline: most strings are short and need no escape, and the room for
 * them is there; the rest go to put_str_slow. */
static inline void put_str(writer *w, const char *s, size_t n) {
  if (n <= 16 && w->len + n + 3 <= w->cap && put_short_plain(w, s, n))
    return;
  put_str_slow(w, s, n);
}

static void put_cstr(writer *w, const char *s) {
  put_str(w, s, strlen(s));
}

static inline void newline(writer *w) {
  if (!w->pretty)
    return;
  putc_(w, '\n');
  for (int i = 0; i < w->depth; i++)
    put(w, "  ", 2);
}

/* The separator and the key of the next member ("key": ); key NULL in arrays. */
static void member_pretty(writer *w, const char *key, size_t kl) {
  if (!w->first)
    putc_(w, ',');
  w->first = 0;
  newline(w);
  if (key) {
    /* keys are this file's own literals (KEY): nothing to escape, length known */
    putc_(w, '"');
    put(w, key, kl);
    put(w, "\": ", 3);
  }
}

static inline void member(writer *w, const char *key, size_t kl) {
  if (w->pretty) {
    member_pretty(w, key, kl);
    return;
  }
  /* compact: one room check for the separator and the whole key */
  if (w->len + kl + 5 > w->cap) {
    reserve(w, kl + 4);
    if (w->failed)
      return;
  }
  char *o = w->buf + w->len;
  if (!w->first)
    *o++ = ',';
  w->first = 0;
  if (key) {
    *o++ = '"';
    memcpy(o, key, kl);
    o += kl;
    *o++ = '"';
    *o++ = ':';
  }
  w->len = (size_t)(o - w->buf);
}

static inline void open_(writer *w, const char *key, size_t kl, char c) {
  member(w, key, kl);
  putc_(w, c);
  w->depth++;
  w->first = 1;
}

static inline void close_(writer *w, char c) {
  w->depth--;
  if (!w->first)
    newline(w);
  putc_(w, c);
  w->first = 0;
}

static inline void kv_str(writer *w, const char *key, size_t kl, const char *v) {
  member(w, key, kl);
  if (v)
    put_cstr(w, v);
  else
    put(w, "null", 4);
}

static inline void kv_u64(writer *w, const char *key, size_t kl, uint64_t v) {
  member(w, key, kl);
  put_u64(w, v);
}

/* Two decimal digits a pair, 00 to 99. */
static const char digit_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* The decimal digits of v at o; returns their end. Writes 20 bytes at o
 * whatever the number of digits (one fixed-size copy). */
static inline char *u64_at(char *o, uint64_t v) {
  char tmp[40];
  int i = 20;
  while (v >= 100) {
    unsigned r = (unsigned)(v % 100);
    v /= 100;
    i -= 2;
    memcpy(tmp + i, digit_pairs + 2 * r, 2);
  }
  if (v >= 10) {
    i -= 2;
    memcpy(tmp + i, digit_pairs + 2 * v, 2);
  } else {
    tmp[--i] = (char)('0' + v);
  }
  memcpy(o, tmp + i, 20);
  return o + (20 - i);
}

static inline void span_obj(writer *w, const char *key, size_t kl, const attrib_span *s, const char *lemma) {
  if (!w->pretty) { /* compact: the fixed parts and both numbers in one room check */
    member(w, key, kl);
    if (w->len + 80 > w->cap) {
      reserve(w, 80);
      if (w->failed)
        return;
    }
    char *o = w->buf + w->len;
    memcpy(o, "{\"start\":", 9);
    o = u64_at(o + 9, s->start);
    memcpy(o, ",\"end\":", 7);
    o = u64_at(o + 7, s->end);
    memcpy(o, ",\"text\":", 8);
    w->len = (size_t)(o + 8 - w->buf);
    if (s->text) /* the text of [start, end), NUL-free (set_span): its length known */
      put_str(w, s->text, s->end - s->start);
    else
      put(w, "null", 4);
    if (lemma) {
      put(w, ",\"lemma\":", 9);
      put_cstr(w, lemma);
    }
    putc_(w, '}');
    w->first = 0;
    return;
  }
  open_(w, key, kl, '{');
  kv_u64(w, KEY("start"), s->start);
  kv_u64(w, KEY("end"), s->end);
  kv_str(w, KEY("text"), s->text);
  if (lemma)
    kv_str(w, KEY("lemma"), lemma);
  close_(w, '}');
}

static void entity_ref(writer *w, const attrib_doc *d, const char *key, size_t kl, long idx,
                       const attrib_span *at) {
  if (idx < 0 || (size_t)idx >= d->n_pub_entities) {
    member(w, key, kl);
    put(w, "null", 4);
    return;
  }
  const attrib_entity *e = &d->pub_entities[idx];
  open_(w, key, kl, '{');
  kv_str(w, KEY("entity"), e->id);
  kv_str(w, KEY("name"), e->name);
  if (at)
    span_obj(w, KEY("mention"), at, NULL);
  close_(w, '}');
}

/* A confidence is a rule's estimate: two decimals say all it knows. */
static void kv_confidence(writer *w, double c) {
  member(w, KEY("confidence"));
  long v = (long)(c * 100 + 0.5);
  if (v <= 0) {
    putc_(w, '0');
  } else if (v >= 100) {
    putc_(w, '1');
  } else {
    char s[5] = {'0', '.', (char)('0' + v / 10), (char)('0' + v % 10), 0};
    put(w, s, v % 10 ? 4 : 3);
  }
}

/* The names of entity types and quote kinds (attrib_entity_type_str,
 * attrib_quote_kind_str) as JSON strings, quotes included, and their
 * lengths: written with no strlen and no escape scan. */
typedef struct json_lit {
  const char *s;
  size_t n;
} json_lit;
#define LIT(x)                                                                                               \
  { "\"" x "\"", sizeof(x) + 1 }
static const json_lit entity_type_json[5] = {LIT("PERSON"), LIT("ORG"), LIT("COUNTRY"), LIT("LOCATION"),
                                             LIT("UNKNOWN")};
static const json_lit quote_kind_json[5] = {LIT("direct"), LIT("partial"), LIT("scare"), LIT("indirect"),
                                            LIT("unknown")};
#undef LIT

static inline void kv_lit(writer *w, const char *key, size_t kl, json_lit v) {
  member(w, key, kl);
  put(w, v.s, v.n);
}

static void write_doc(writer *w, const attrib_doc *d, const char *source) {
  w->first = 1;
  putc_(w, '{');
  w->depth = 1;
  open_(w, KEY("attrib"), '{');
  kv_str(w, KEY("version"), ATTRIB_VERSION_STRING);
  kv_u64(w, KEY("schema"), ATTRIB_SCHEMA);
  close_(w, '}');
  open_(w, KEY("document"), '{');
  kv_str(w, KEY("source"), source);
  kv_u64(w, KEY("bytes"), d->len);
  kv_u64(w, KEY("paragraphs"), d->paras.len);
  kv_u64(w, KEY("sentences"), d->sents.len);
  close_(w, '}');
  open_(w, KEY("entities"), '[');
  for (size_t i = 0; i < d->n_pub_entities; i++) {
    const attrib_entity *e = &d->pub_entities[i];
    open_(w, NULL, 0, '{');
    kv_str(w, KEY("id"), e->id);
    kv_lit(w, KEY("type"), entity_type_json[(unsigned)e->type < 4 ? e->type : 4]);
    kv_str(w, KEY("name"), e->name);
    open_(w, KEY("mentions"), '[');
    for (size_t k = 0; k < e->n_mentions; k++)
      span_obj(w, NULL, 0, &e->mentions[k], NULL);
    close_(w, ']');
    close_(w, '}');
  }
  close_(w, ']');
  open_(w, KEY("quotes"), '[');
  for (size_t i = 0; i < d->n_pub_quotes; i++) {
    const attrib_quote *q = &d->pub_quotes[i];
    open_(w, NULL, 0, '{');
    kv_str(w, KEY("id"), q->id);
    kv_lit(w, KEY("kind"), quote_kind_json[(unsigned)q->kind < 4 ? q->kind : 4]);
    kv_u64(w, KEY("start"), q->span.start);
    kv_u64(w, KEY("end"), q->span.end);
    member(w, KEY("text"));
    if (q->span.text) /* as in span_obj: its length is that of the span */
      put_str(w, q->span.text, q->span.end - q->span.start);
    else
      put(w, "null", 4);
    entity_ref(w, d, KEY("speaker"), q->speaker, &q->speaker_mention);
    if (q->has_cue) {
      span_obj(w, KEY("cue"), &q->cue, q->cue_lemma);
    } else {
      member(w, KEY("cue"));
      put(w, "null", 4);
    }
    entity_ref(w, d, KEY("addressee"), q->addressee, NULL);
    kv_confidence(w, q->confidence);
    kv_str(w, KEY("rule"), q->rule);
    close_(w, '}');
  }
  close_(w, ']');
  w->depth = 0;
  if (w->pretty)
    putc_(w, '\n');
  putc_(w, '}');
}

attrib_status attrib_doc_to_json(const attrib_doc *d, const char *source, unsigned flags, char **out,
                                 size_t *out_len, attrib_error *err) {
  if (!d || !out)
    return doc_error(err, ATTRIB_ERR_ARG, 0, "attrib_doc_to_json: doc and out are required");
  *out = NULL;
  writer w;
  memset(&w, 0, sizeof w);
  w.pretty = (flags & ATTRIB_JSON_PRETTY) != 0;
  /* about 300 bytes a quote and 80 a mention: one allocation for most documents */
  reserve(&w, 512 + d->n_pub_quotes * 320 + d->mentions.len * 96);
  write_doc(&w, d, source);
  if (w.failed) {
    free(w.buf);
    return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
  }
  w.buf[w.len] = '\0';
  *out = w.buf;
  if (out_len)
    *out_len = w.len;
  return ATTRIB_OK;
}
