/* output.c: stage 8. The JSON of the output contract (docs/output.md),
 * written straight into one growing buffer: a tree of cJSON nodes cost a
 * malloc per value and a printf per number, a third of the whole run.
 * The compact form (the one batch users ask for) writes each record with
 * one room check; the pretty form goes member by member. */
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
  int depth;
  int first; /* no member written yet at this level (pretty) */
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
  /* the first block of a long document's output on huge pages, as its
   * arena's: 4 KB pages were a fault per 4 KB written */
  char *b = w->buf ? realloc(w->buf, cap) : big_malloc(cap);
  if (!b) {
    w->failed = 1;
    return;
  }
  w->buf = b;
  w->cap = cap;
}

/* Room for n more bytes and the final NUL at buf + len; 0 when out of
 * memory (then nothing more is written). */
static inline int room(writer *w, size_t n) {
  if (w->len + n + 1 > w->cap)
    reserve(w, n);
  return !w->failed;
}

/* Inline: a document is written in a few thousand small pieces. */
static inline void put(writer *w, const char *s, size_t n) {
  if (!room(w, n))
    return;
  memcpy(w->buf + w->len, s, n);
  w->len += n;
}

static inline void putc_(writer *w, char c) {
  if (!room(w, 1))
    return;
  w->buf[w->len++] = c;
}

/* s[0, n) at o (a literal when n is KEY's); returns its end. */
static inline char *lit_at(char *o, const char *s, size_t n) {
  memcpy(o, s, n);
  return o + n;
}

/* Two decimal digits a pair, 00 to 99. */
static const char digit_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* The digits of x < 10000 at o, without leading zeros; returns their end. */
static inline char *small_at(char *o, uint32_t x) {
  if (x < 100) {
    if (x < 10) {
      *o = (char)('0' + x);
      return o + 1;
    }
    memcpy(o, digit_pairs + 2 * x, 2);
    return o + 2;
  }
  uint32_t hi = x / 100, lo = x % 100;
  if (hi < 10) {
    *o = (char)('0' + hi);
    memcpy(o + 1, digit_pairs + 2 * lo, 2);
    return o + 3;
  }
  memcpy(o, digit_pairs + 2 * hi, 2);
  memcpy(o + 2, digit_pairs + 2 * lo, 2);
  return o + 4;
}

/* The decimal digits of v at o; returns their end. At most 20 bytes.
 * Offsets and counts have up to eight digits: two groups of four in
 * 32-bit arithmetic, no loop. */
static inline char *u64_at(char *o, uint64_t v) {
  if (v < 10000)
    return small_at(o, (uint32_t)v);
  if (v < 100000000) {
    uint32_t hi = (uint32_t)v / 10000, lo = (uint32_t)v % 10000;
    o = small_at(o, hi);
    memcpy(o, digit_pairs + 2 * (lo / 100), 2);
    memcpy(o + 2, digit_pairs + 2 * (lo % 100), 2);
    return o + 4;
  }
  char tmp[20];
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
  memcpy(o, tmp + i, (size_t)(20 - i));
  return o + (20 - i);
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

/* Copies the prefix of s[0, n) that needs no escape to o and returns its
 * length; writes nothing past o + n (bytes after the prefix may be written:
 * what comes next overwrites them). One pass that scans and copies. */
static size_t copy_plain(char *o, const char *s, size_t n) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i dquote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1F);
#define BAD_MASK(x)                                                                                          \
  (unsigned)_mm_movemask_epi8(                                                                               \
      _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, dquote), _mm_cmpeq_epi8(x, bslash)),                       \
                   _mm_cmpeq_epi8(_mm_max_epu8(x, ctl), ctl)))
  for (; i + 16 <= n; i += 16) {
    /* x <= 0x1F unsigned: max(x, 0x1F) == 0x1F */
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    _mm_storeu_si128((__m128i *)(void *)(o + i), x);
    unsigned mask = BAD_MASK(x);
    if (mask)
      return i + (size_t)__builtin_ctz(mask);
  }
  if (i < n && n >= 16) { /* the tail: the last 16 bytes, those before i masked off */
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
    _mm_storeu_si128((__m128i *)(void *)(o + n - 16), x);
    unsigned mask = BAD_MASK(x) >> (i - (n - 16));
    return mask ? i + (size_t)__builtin_ctz(mask) : n;
  }
#undef BAD_MASK
  if (n >= 8) { /* a short string: its first and last eight bytes */
    uint64_t x, y;
    memcpy(&x, s, 8);
    memcpy(&y, s + n - 8, 8);
    if (!bad_bytes(x) && !bad_bytes(y)) {
      memcpy(o, &x, 8);
      memcpy(o + n - 8, &y, 8);
      return n;
    }
  }
#else
  /* eight bytes at a time while none needs an escape */
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    memcpy(&x, s + i, 8);
    if (bad_bytes(x))
      break;
    memcpy(o + i, &x, 8);
  }
#endif
  for (; i < n && !needs_escape[(unsigned char)s[i]]; i++)
    o[i] = s[i];
  return i;
}

/* Does the 4-byte word x hold a byte below 0x20, a '"' or a '\\'? (exact) */
static inline int bad_bytes32(uint32_t x) {
  const uint32_t ones = 0x01010101u, highs = 0x80808080u;
  uint32_t q = x ^ ('"' * ones), b = x ^ ('\\' * ones);
  uint32_t lt = (x - 0x20 * ones) & ~x & highs;
  uint32_t zq = (q - ones) & ~q & highs, zb = (b - ones) & ~b & highs;
  return (lt | zq | zb) != 0;
}

/* A string of at most 16 bytes that needs no escape (ids, types, kinds,
 * names, most mention texts), quoted at o: overlapping word copies, no
 * call. 0 when it needs an escape (nothing written). */
static inline int short_plain_at(char *o, const char *s, size_t n) {
  if (n >= 8) {
    uint64_t x, y;
    memcpy(&x, s, 8);
    memcpy(&y, s + n - 8, 8);
    if (bad_bytes(x) || bad_bytes(y))
      return 0;
    o[0] = '"';
    memcpy(o + 1, &x, 8);
    memcpy(o + 1 + n - 8, &y, 8);
  } else if (n >= 4) {
    uint32_t x, y;
    memcpy(&x, s, 4);
    memcpy(&y, s + n - 4, 4);
    if (bad_bytes32(x) || bad_bytes32(y))
      return 0;
    o[0] = '"';
    memcpy(o + 1, &x, 4);
    memcpy(o + 1 + n - 4, &y, 4);
  } else {
    for (size_t k = 0; k < n; k++)
      if (needs_escape[(unsigned char)s[k]])
        return 0;
    o[0] = '"';
    for (size_t k = 0; k < n; k++)
      o[1 + k] = s[k];
  }
  o[n + 1] = '"';
  return 1;
}

/* The room a string of n bytes may take: its quotes and \u00XX for each
 * byte at worst (and "null" for no string). */
static inline size_t str_room(size_t n) {
#if SIZE_MAX > 0xFFFFFFFFu
  return 6 * n + 4; /* no string comes near 2^61 bytes */
#else
  return n < SIZE_MAX / 8 ? 6 * n + 4 : SIZE_MAX / 2; /* too much: reserve fails */
#endif
}

/* The escape of byte c (one that needs_escape) at o; returns its end. */
static char *escape_at(char *o, unsigned char c) {
  static const char hex[] = "0123456789abcdef";
  *o++ = '\\';
  switch (c) {
  case '"':
  case '\\':
    *o++ = (char)c;
    break;
  case '\n':
    *o++ = 'n';
    break;
  case '\r':
    *o++ = 'r';
    break;
  case '\t':
    *o++ = 't';
    break;
  default:
    memcpy(o, "u00", 3);
    o[3] = hex[c >> 4];
    o[4] = hex[c & 15];
    o += 5;
  }
  return o;
}

static char *str_at_slow(char *o, const char *s, size_t n) {
  *o++ = '"';
  for (;;) {
    size_t k = copy_plain(o, s, n);
    o += k;
    s += k;
    n -= k;
    if (!n)
      break;
    o = escape_at(o, (unsigned char)*s++);
    n--;
  }
  *o++ = '"';
  return o;
}

/* The JSON string of s[0, n) at o, with str_room(n) bytes of room; returns
 * its end. The input is valid UTF-8, so only quotes, backslashes and
 * control bytes need escapes; nearly every string has none. */
static inline char *str_at(char *o, const char *s, size_t n) {
  if (n <= 16 && short_plain_at(o, s, n))
    return o + n + 2;
  return str_at_slow(o, s, n);
}

/* s (length n), or null when s is NULL. */
static inline char *opt_str_at(char *o, const char *s, size_t n) {
  return s ? str_at(o, s, n) : lit_at(o, KEY("null"));
}

/* The JSON string of s[0, n) at o, as str_at, for a string with 16
 * readable (and initialised) bytes from s whatever n is: the texts of
 * spans and the ids, which api.c's set_span and id_seq give that room.
 * One 16-byte load and store when the first n <= 16 bytes need no escape,
 * with no jump on n (short_plain_at's jumps on it were mispredicted one
 * time in five); 16 more bytes of room than str_room(n), which every
 * record's room has to spare after the string. */
static inline char *text_at(char *o, const char *s, size_t n) {
#if defined(__SSE2__)
  if (n <= 16) {
    const __m128i dquote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1F);
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
    unsigned bad = (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, dquote), _mm_cmpeq_epi8(x, bslash)),
                     _mm_cmpeq_epi8(_mm_max_epu8(x, ctl), ctl)));
    if (!(bad & ((1u << n) - 1))) {
      o[0] = '"';
      _mm_storeu_si128((__m128i *)(void *)(o + 1), x);
      o[n + 1] = '"';
      return o + n + 2;
    }
  }
  return str_at_slow(o, s, n);
#else
  return str_at(o, s, n);
#endif
}

/* text_at, or null when s is NULL. */
static inline char *opt_text_at(char *o, const char *s, size_t n) {
  return s ? text_at(o, s, n) : lit_at(o, KEY("null"));
}

static inline size_t opt_strlen(const char *s) {
  return s ? strlen(s) : 0;
}

/* The most bytes an id has: a letter and the digits of a count (api.c's
 * id_seq). */
enum { ID_MAX = 24 };
/* The room id_at takes (text_at's 16 bytes to spare included). */
#define ID_ROOM (str_room(ID_MAX) + 16)

/* An id ("e12", "q3") as a JSON string at o, or null for NULL: with 16
 * readable bytes from it (id_seq's), its length is where the first byte to
 * escape is a NUL, found with the escapes in one load: no strlen. */
static inline char *id_at(char *o, const char *s) {
#if defined(__SSE2__)
  if (s) {
    const __m128i dquote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1F);
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
    unsigned bad = (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, dquote), _mm_cmpeq_epi8(x, bslash)),
                     _mm_cmpeq_epi8(_mm_max_epu8(x, ctl), ctl)));
    unsigned nul = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_setzero_si128()));
    unsigned n = (unsigned)__builtin_ctz(bad | 0x10000u);
    if ((nul >> n) & 1) {
      o[0] = '"';
      _mm_storeu_si128((__m128i *)(void *)(o + 1), x);
      o[n + 1] = '"';
      return o + n + 2;
    }
  }
#endif
  return opt_str_at(o, s, opt_strlen(s));
}

/* A confidence is a rule's estimate: two decimals say all it knows: "0",
 * "1", or "0.d" or "0.dd" between. Four bytes written, with no jump: the
 * jumps on the value were mispredicted as the rules came. */
static inline char *confidence_at(char *o, double c) {
  long v = (long)(c * 100 + 0.5);
  v = v < 0 ? 0 : v;
  v = v > 100 ? 100 : v;
  unsigned u = (unsigned)v, tens = u / 10, ones = u % 10;
  o[0] = (char)('0' + (u == 100)); /* "1" for 100 */
  o[1] = '.';
  o[2] = (char)('0' + tens);
  o[3] = (char)('0' + ones);
  /* 0 and 100 take their first byte only; the last digit when not 0 */
  size_t n = 1 + (size_t)(u - 1 < 99) * (2 + (size_t)(ones != 0));
  return o + n;
}

/* The names of entity types and quote kinds (attrib_entity_type_str,
 * attrib_quote_kind_str) as JSON strings, quotes included, and their
 * lengths: written with no strlen and no escape scan, as one fixed-size
 * copy (json_lit_at). */
typedef struct json_lit {
  char s[16];
  size_t n;
} json_lit;
#define LIT(x)                                                                                               \
  { "\"" x "\"", sizeof(x) + 1 }
static const json_lit entity_type_json[5] = {LIT("PERSON"), LIT("ORG"), LIT("COUNTRY"), LIT("LOCATION"),
                                             LIT("UNKNOWN")};
static const json_lit quote_kind_json[5] = {LIT("direct"), LIT("partial"), LIT("scare"), LIT("indirect"),
                                            LIT("unknown")};
#undef LIT

static inline const json_lit *entity_type_lit(attrib_entity_type t) {
  return &entity_type_json[(unsigned)t < 4 ? t : 4];
}
static inline const json_lit *quote_kind_lit(attrib_quote_kind k) {
  return &quote_kind_json[(unsigned)k < 4 ? k : 4];
}

/* v at o, with 16 bytes of room; returns its end. */
static inline char *json_lit_at(char *o, const json_lit *v) {
  memcpy(o, v->s, sizeof v->s);
  return o + v->n;
}

/* ---- pretty: member by member ------------------------------------------- */

static void put_str(writer *w, const char *s, size_t n) {
  if (room(w, str_room(n)))
    w->len = (size_t)(str_at(w->buf + w->len, s, n) - w->buf);
}

static void put_cstr(writer *w, const char *s) {
  if (s)
    put_str(w, s, strlen(s));
  else
    put(w, "null", 4);
}

static void put_u64(writer *w, uint64_t v) {
  if (room(w, 20))
    w->len = (size_t)(u64_at(w->buf + w->len, v) - w->buf);
}

static void newline(writer *w) {
  putc_(w, '\n');
  for (int i = 0; i < w->depth; i++)
    put(w, "  ", 2);
}

/* The separator and the key of the next member ("key": ); key NULL in arrays. */
static void member(writer *w, const char *key, size_t kl) {
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

static void open_(writer *w, const char *key, size_t kl, char c) {
  member(w, key, kl);
  putc_(w, c);
  w->depth++;
  w->first = 1;
}

static void close_(writer *w, char c) {
  w->depth--;
  if (!w->first)
    newline(w);
  putc_(w, c);
  w->first = 0;
}

static void kv_str(writer *w, const char *key, size_t kl, const char *v) {
  member(w, key, kl);
  put_cstr(w, v);
}

static void kv_u64(writer *w, const char *key, size_t kl, uint64_t v) {
  member(w, key, kl);
  put_u64(w, v);
}

static void kv_lit(writer *w, const char *key, size_t kl, const json_lit *v) {
  member(w, key, kl);
  put(w, v->s, v->n);
}

static void span_obj(writer *w, const char *key, size_t kl, const attrib_span *s, const char *lemma) {
  open_(w, key, kl, '{');
  kv_u64(w, KEY("start"), s->start);
  kv_u64(w, KEY("end"), s->end);
  member(w, KEY("text"));
  if (s->text) /* the text of [start, end), NUL-free (set_span): its length known */
    put_str(w, s->text, s->end - s->start);
  else
    put(w, "null", 4);
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

static void write_pretty(writer *w, const attrib_doc *d, const char *source) {
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
    kv_lit(w, KEY("type"), entity_type_lit(e->type));
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
    kv_lit(w, KEY("kind"), quote_kind_lit(q->kind));
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
    member(w, KEY("confidence"));
    if (room(w, 4))
      w->len = (size_t)(confidence_at(w->buf + w->len, q->confidence) - w->buf);
    kv_str(w, KEY("rule"), q->rule);
    close_(w, '}');
  }
  close_(w, ']');
  w->depth = 0;
  putc_(w, '\n');
  putc_(w, '}');
}

/* ---- compact: one room check per record --------------------------------- */

static inline size_t span_len(const attrib_span *s) {
  return s->text ? s->end - s->start : 0;
}

/* The room span_at takes for a span of text of n bytes and a lemma of ll */
static inline size_t span_room_n(size_t n, size_t ll) {
  return 96 + str_room(n) + str_room(ll);
}
/* The same for span s */
static inline size_t span_room(const attrib_span *s, size_t ll) {
  return span_room_n(span_len(s), ll);
}

/* {"start":S,"end":E,"text":T}, with ,"lemma":L before the brace when
 * lemma (ll bytes) is not NULL. */
static inline char *span_at(char *o, const attrib_span *s, const char *lemma, size_t ll) {
  o = lit_at(o, KEY("{\"start\":"));
  o = u64_at(o, s->start);
  o = lit_at(o, KEY(",\"end\":"));
  o = u64_at(o, s->end);
  o = lit_at(o, KEY(",\"text\":"));
  /* the text of [start, end), NUL-free (set_span): its length known */
  o = opt_text_at(o, s->text, span_len(s));
  if (lemma) {
    o = lit_at(o, KEY(",\"lemma\":"));
    o = str_at(o, lemma, ll);
  }
  *o++ = '}';
  return o;
}

static inline void set_end(writer *w, const char *o) {
  w->len = (size_t)(o - w->buf);
}

/* o (a writing place in w->buf) with room for n more bytes and the final
 * NUL after it, or where the grown buffer has it; NULL when out of memory.
 * The test alone while there is room. */
static inline char *room_at(writer *w, char *o, size_t n) {
  if (n < (size_t)(w->buf + w->cap - o))
    return o;
  set_end(w, o);
  return room(w, n) ? w->buf + w->len : NULL;
}

static void entity_compact(writer *w, const attrib_entity *e, int comma) {
  size_t nl = opt_strlen(e->name);
  char *o = room_at(w, w->buf + w->len, 80 + ID_ROOM + str_room(nl));
  if (!o)
    return;
  *o = ','; /* the first entity's is written over */
  o += comma != 0;
  o = lit_at(o, KEY("{\"id\":"));
  o = id_at(o, e->id);
  o = lit_at(o, KEY(",\"type\":"));
  o = json_lit_at(o, entity_type_lit(e->type));
  o = lit_at(o, KEY(",\"name\":"));
  o = opt_str_at(o, e->name, nl);
  o = lit_at(o, KEY(",\"mentions\":["));
  /* a room check a mention, as it is written (and one for the closing
   * "]}"): a pass over the mentions to add up their room first ended in a
   * mispredicted jump an entity */
  for (size_t k = 0; k < e->n_mentions; k++) {
    const attrib_span *m = &e->mentions[k];
    /* span_room(m, 0) without its test of m->text: "null" takes less */
    if (!(o = room_at(w, o, 1 + span_room_n(m->end - m->start, 0))))
      return;
    *o = ','; /* the first mention's is written over */
    o += k != 0;
    o = span_at(o, m, NULL, 0);
  }
  if ((o = room_at(w, o, 2)))
    set_end(w, lit_at(o, KEY("]}")));
}

static inline const attrib_entity *pub_entity(const attrib_doc *d, long idx) {
  return idx < 0 || (size_t)idx >= d->n_pub_entities ? NULL : &d->pub_entities[idx];
}

/* A quote in sections, each with its own room check (one compare while
 * there is room) and one jump on whether it is there: the speaker, the cue
 * and the addressee each asked once (sizing the whole record first asked
 * each of them again). A section's room covers the keys and "null"s that
 * follow it up to the next check. */
static void quote_compact(writer *w, const attrib_doc *d, const attrib_quote *q, int comma) {
  size_t tl = span_len(&q->span);
  char *o = room_at(w, w->buf + w->len, 256 + ID_ROOM + str_room(tl));
  if (!o)
    return;
  *o = ','; /* the first quote's is written over */
  o += comma != 0;
  o = lit_at(o, KEY("{\"id\":"));
  o = id_at(o, q->id);
  o = lit_at(o, KEY(",\"kind\":"));
  o = json_lit_at(o, quote_kind_lit(q->kind));
  o = lit_at(o, KEY(",\"start\":"));
  o = u64_at(o, q->span.start);
  o = lit_at(o, KEY(",\"end\":"));
  o = u64_at(o, q->span.end);
  o = lit_at(o, KEY(",\"text\":"));
  o = opt_text_at(o, q->span.text, tl); /* as in span_at */
  o = lit_at(o, KEY(",\"speaker\":"));
  const attrib_entity *sp = pub_entity(d, q->speaker);
  if (sp) {
    size_t spn = opt_strlen(sp->name);
    if (!(o = room_at(w, o, 128 + ID_ROOM + str_room(spn) + span_room(&q->speaker_mention, 0))))
      return;
    o = lit_at(o, KEY("{\"entity\":"));
    o = id_at(o, sp->id);
    o = lit_at(o, KEY(",\"name\":"));
    o = opt_str_at(o, sp->name, spn);
    o = lit_at(o, KEY(",\"mention\":"));
    o = span_at(o, &q->speaker_mention, NULL, 0);
    *o++ = '}';
  } else {
    o = lit_at(o, KEY("null"));
  }
  o = lit_at(o, KEY(",\"cue\":"));
  if (q->has_cue) {
    size_t ll = opt_strlen(q->cue_lemma);
    if (!(o = room_at(w, o, 64 + span_room(&q->cue, ll))))
      return;
    o = span_at(o, &q->cue, q->cue_lemma, ll);
  } else {
    o = lit_at(o, KEY("null"));
  }
  o = lit_at(o, KEY(",\"addressee\":"));
  const attrib_entity *ad = pub_entity(d, q->addressee);
  if (ad) {
    size_t adn = opt_strlen(ad->name);
    if (!(o = room_at(w, o, 64 + ID_ROOM + str_room(adn))))
      return;
    o = lit_at(o, KEY("{\"entity\":"));
    o = id_at(o, ad->id);
    o = lit_at(o, KEY(",\"name\":"));
    o = opt_str_at(o, ad->name, adn);
    *o++ = '}';
  } else {
    o = lit_at(o, KEY("null"));
  }
  size_t rl = opt_strlen(q->rule);
  if (!(o = room_at(w, o, 64 + str_room(rl))))
    return;
  o = lit_at(o, KEY(",\"confidence\":"));
  o = confidence_at(o, q->confidence);
  o = lit_at(o, KEY(",\"rule\":"));
  o = opt_str_at(o, q->rule, rl);
  *o++ = '}';
  set_end(w, o);
}

static void write_compact(writer *w, const attrib_doc *d, const char *source) {
  size_t sl = opt_strlen(source);
  /* the keys, four numbers of up to 20 digits, the version and the source */
  if (!room(w, 192 + sizeof ATTRIB_VERSION_STRING + str_room(sl)))
    return;
  /* the version is ours: nothing in it to escape */
  char *o =
      lit_at(w->buf + w->len, KEY("{\"attrib\":{\"version\":\"" ATTRIB_VERSION_STRING "\",\"schema\":"));
  o = u64_at(o, ATTRIB_SCHEMA);
  o = lit_at(o, KEY("},\"document\":{\"source\":"));
  o = opt_str_at(o, source, sl);
  o = lit_at(o, KEY(",\"bytes\":"));
  o = u64_at(o, d->len);
  o = lit_at(o, KEY(",\"paragraphs\":"));
  o = u64_at(o, d->paras.len);
  o = lit_at(o, KEY(",\"sentences\":"));
  o = u64_at(o, d->sents.len);
  set_end(w, lit_at(o, KEY("},\"entities\":[")));
  for (size_t i = 0; i < d->n_pub_entities; i++)
    entity_compact(w, &d->pub_entities[i], i != 0);
  put(w, KEY("],\"quotes\":["));
  for (size_t i = 0; i < d->n_pub_quotes; i++)
    quote_compact(w, d, &d->pub_quotes[i], i != 0);
  put(w, KEY("]}"));
}

attrib_status attrib_doc_to_json(const attrib_doc *d, const char *source, unsigned flags, char **out,
                                 size_t *out_len, attrib_error *err) {
  if (!d || !out)
    return doc_error(err, ATTRIB_ERR_ARG, 0, "attrib_doc_to_json: doc and out are required");
  *out = NULL;
  writer w;
  memset(&w, 0, sizeof w);
  /* about 300 bytes a quote and 80 a mention, and their texts, which
   * together are seldom longer than the document: one allocation for
   * nearly every document (a realloc copies all written so far) */
  reserve(&w, 512 + d->n_pub_quotes * 320 + d->mentions.len * 96 + d->len);
  if (flags & ATTRIB_JSON_PRETTY)
    write_pretty(&w, d, source);
  else
    write_compact(&w, d, source);
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
