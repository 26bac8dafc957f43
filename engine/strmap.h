/* strmap.h: open-addressing hash map from byte strings to int32 values.
 * Built once while a model loads, then only read: lookups are thread-safe.
 * A document's maps are keyed (strmap_init_keyed): see strmap_home. */
#ifndef ATTRIB_STRMAP_H
#define ATTRIB_STRMAP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"

typedef struct strmap_slot {
  const char *key; /* NULL when empty; owned by the map's arena */
  uint32_t len;
  uint32_t hash;
  int32_t value;
} strmap_slot;

typedef struct strmap {
  strmap_slot *slots;
  size_t cap, count; /* cap is a power of two */
  uint64_t seed;     /* 0: a key's slot is its hash's low bits; else strmap_home's key */
} strmap;

/* The key hash of every map (model maps, lexicon, tokens, joined keys):
 * the key taken 16 bytes at a time as two little-endian words, the last
 * chunk (1 to 16 bytes, none for an empty key) zero-padded and folded with
 * the length. Each chunk is one 64x64->128-bit multiply whose two halves
 * are xor-ed (wyhash's "mum"): a word of up to 16 bytes costs one
 * multiply, where FNV-1a took one per byte in a chain of 4-cycle
 * dependencies. The low bits (a table's slot) depend on every byte. */
#define STRMAP_S0 0xa0761d6478bd642full /* the start state */
#define STRMAP_S1 0xe7037ed1a0b428dbull /* with the second word of a chunk before the last */
#define STRMAP_S2 0x8ebc6af09c88c6e3ull /* with the second word of the last chunk, and the length */
#if defined(__SIZEOF_INT128__)
#define STRMAP_MUL128(a, b) ((unsigned __int128)(uint64_t)(a) * (uint64_t)(b))
#define STRMAP_MUM(a, b) ((uint64_t)STRMAP_MUL128(a, b) ^ (uint64_t)(STRMAP_MUL128(a, b) >> 64))
#else /* the same value from four 32x32->64-bit products */
#define STRMAP_LO32(x) ((uint64_t)(x)&0xffffffffu)
#define STRMAP_HI32(x) ((uint64_t)(x) >> 32)
#define STRMAP_MID(a, b)                                                                                     \
  ((STRMAP_LO32(a) * STRMAP_LO32(b) >> 32) + STRMAP_LO32(STRMAP_LO32(a) * STRMAP_HI32(b)) +                  \
   STRMAP_LO32(STRMAP_HI32(a) * STRMAP_LO32(b)))
#define STRMAP_MUM(a, b)                                                                                     \
  (((STRMAP_MID(a, b) << 32) | STRMAP_LO32(STRMAP_LO32(a) * STRMAP_LO32(b))) ^                               \
   (STRMAP_HI32(a) * STRMAP_HI32(b) + (STRMAP_LO32(a) * STRMAP_HI32(b) >> 32) +                              \
    (STRMAP_HI32(a) * STRMAP_LO32(b) >> 32) + (STRMAP_MID(a, b) >> 32)))
#endif
/* The hash's last step: the last chunk lo, hi (zero-padded) of a key of n
 * bytes, x the state after the chunks before it (STRMAP_S0 when none). A
 * constant expression for constant arguments (keys known at compile time). */
#define STRMAP_HASH_LAST(x, lo, hi, n)                                                                       \
  ((uint32_t)STRMAP_MUM((uint64_t)(lo) ^ (uint64_t)(x), (uint64_t)(hi) ^ STRMAP_S2 ^ (uint64_t)(n)))
/* The hash of a key of n <= 8 bytes whose little-endian value is lo */
#define STRMAP_HASH8(lo, n) STRMAP_HASH_LAST(STRMAP_S0, lo, 0, n)

/* The state after one more chunk lo, hi that is not the last */
static inline uint64_t strmap_hash_chunk(uint64_t x, uint64_t lo, uint64_t hi) {
  return STRMAP_MUM(lo ^ x, hi ^ STRMAP_S1);
}
/* The 8 or 4 bytes at p as a little-endian word (the hash's value is the
 * same on every host: the constant keys' hashes depend on it) */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define STRMAP_LE64(v) __builtin_bswap64(v)
#define STRMAP_LE32(v) __builtin_bswap32(v)
#else
#define STRMAP_LE64(v) (v)
#define STRMAP_LE32(v) (v)
#endif
static inline uint64_t strmap_le64(const char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return STRMAP_LE64(v);
}
static inline uint32_t strmap_le32(const char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return STRMAP_LE32(v);
}
/* The last 0 to 16 bytes p[0, m) of a key, zero-padded, as two
 * little-endian words: overlapping loads, no byte loop, nothing read
 * outside p[0, m). */
static inline void strmap_load_tail(const char *p, size_t m, uint64_t *lo, uint64_t *hi) {
  const unsigned char *u = (const unsigned char *)p;
  if (m > 8) {
    *lo = strmap_le64(p);
    *hi = strmap_le64(p + m - 8) >> (8 * (16 - m)); /* without the bytes lo holds */
  } else if (m >= 4) {
    uint32_t a = strmap_le32(p), b = strmap_le32(p + m - 4);
    *lo = a | (uint64_t)b << (8 * (m - 4)); /* the bytes both hold are the same */
    *hi = 0;
  } else {
    *lo = m ? u[0] | (uint64_t)u[m / 2] << (8 * (m / 2)) | (uint64_t)u[m - 1] << (8 * (m - 1)) : 0;
    *hi = 0;
  }
}
/* Hashing a key as it grows in a buffer (a join of token keys): the
 * chunks absorbed so far, which no longer change. */
typedef struct strmap_stream {
  uint64_t x;  /* the state after chunks [0, done) */
  size_t done; /* a multiple of 16 */
} strmap_stream;
#define STRMAP_STREAM_INIT                                                                                   \
  { STRMAP_S0, 0 }
/* Absorbs into st the whole chunks of buf[0, n) before its last 1 to 16
 * bytes (none for an empty key), those not absorbed yet. */
static inline void strmap_stream_absorb(strmap_stream *st, const char *buf, size_t n) {
  uint64_t x = st->x;
  size_t done = st->done;
  for (; n - done > 16; done += 16)
    x = strmap_hash_chunk(x, strmap_le64(buf + done), strmap_le64(buf + done + 8));
  st->x = x;
  st->done = done;
}
/* strmap_hash(buf, n), with st's chunks of buf absorbed once: n must not
 * shrink between calls on st, nor buf[0, n) change. */
static inline uint32_t strmap_hash_upto(strmap_stream *st, const char *buf, size_t n) {
  uint64_t lo, hi;
  strmap_stream_absorb(st, buf, n);
  strmap_load_tail(buf + st->done, n - st->done, &lo, &hi);
  return STRMAP_HASH_LAST(st->x, lo, hi, n);
}
/* The hash of key s[0, n). Not inline: the tokenizer hashes most words
 * itself (segment.c), and an inline copy in each of the other callers
 * took them registers (0.3% more instructions in all). */
uint32_t strmap_hash(const char *s, size_t n);
void strmap_init(strmap *m);
/* An empty map whose slots are keyed by seed (strmap_home): a document's */
void strmap_init_keyed(strmap *m, uint64_t seed);
void strmap_free(strmap *m);
/* Most keys are a short word or two: two overlapping word loads (first
 * and last 4 or 8 bytes) beat both a byte loop and a call to memcmp, and
 * read nothing outside the keys. One compare per width, for n within it. */
#define STRMAP_SAME_OVERLAP(name, type)                                                                      \
  static inline int name(const char *a, const char *b, size_t n) {                                           \
    type x, y, u, v;                                                                                         \
    memcpy(&x, a, sizeof x);                                                                                 \
    memcpy(&y, b, sizeof y);                                                                                 \
    memcpy(&u, a + n - sizeof u, sizeof u);                                                                  \
    memcpy(&v, b + n - sizeof v, sizeof v);                                                                  \
    return ((x ^ y) | (u ^ v)) == 0;                                                                         \
  }
STRMAP_SAME_OVERLAP(strmap_same_8to16, uint64_t) /* 8 <= n <= 16 */
STRMAP_SAME_OVERLAP(strmap_same_4to8, uint32_t)  /* 4 <= n <= 8 */
#undef STRMAP_SAME_OVERLAP

static inline int strmap_same_bytes(const char *a, const char *b, size_t n) {
  if (n > 16)
    return memcmp(a, b, n) == 0;
  if (n >= 8)
    return strmap_same_8to16(a, b, n);
  if (n >= 4)
    return strmap_same_4to8(a, b, n);
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i])
      return 0;
  return 1;
}
/* splitmix64's finalizer: a bijection of 64 bits whose every output bit
 * depends on every input bit (seeds are made with it) */
static inline uint64_t strmap_mix64(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
/* The first slot to probe for hash h in a table of cap (a power of two)
 * slots, under seed. The key hash is the same in every process (constant
 * keys' hashes are compiled in), so a text could be made of many words
 * whose hashes share their low bits: in a document's map they would fill
 * one run of slots, and each look-up would walk it (2 MB of such words
 * took 12 s). A document's maps take their slot from the hash keyed with
 * a seed the text cannot know (the model's random seed and the document):
 * strmap_keyed, the hash times the seed (odd), bits 32 and up of the
 * 64-bit product. Keys that differ make products that differ from their
 * lowest differing bit (under 32) up, by bits the seed decides. One
 * multiply: a set of entities.c puts every word (the sets and chains of
 * entities.c and attribution.c key theirs with it too). The model's maps
 * (seed 0) keep the low bits: their keys are the model's, and a look-up
 * of a text's word walks at most a run those keys made. */
static inline uint32_t strmap_keyed(uint32_t h, uint64_t seed) {
  return (uint32_t)(h * seed >> 32);
}
static inline size_t strmap_home(uint32_t h, uint64_t seed, size_t cap) {
  return (seed ? strmap_keyed(h, seed) : h) & (cap - 1);
}
/* The slot holding key, or the empty slot where it would go. */
static inline strmap_slot *strmap_find(strmap_slot *slots, size_t cap, uint64_t seed, const char *key,
                                       size_t n, uint32_t h) {
  size_t i = strmap_home(h, seed, cap);
  for (;;) {
    strmap_slot *s = &slots[i];
    if (!s->key || (s->hash == h && s->len == n && strmap_same_bytes(s->key, key, n)))
      return s;
    i = (i + 1) & (cap - 1);
  }
}
/* Inserts or replaces; the key is copied into a. Returns 0, or -1 when out
 * of memory. *old (may be NULL) gets the previous value or -1. */
int strmap_put(strmap *m, arena *a, const char *key, size_t n, int32_t value, int32_t *old);
/* As strmap_put, but the key is not copied: it must outlive the map. */
int strmap_put_borrowed(strmap *m, const char *key, size_t n, int32_t value);
/* Doubles the capacity. 0, or -1 when out of memory. */
int strmap_grow(strmap *m);
/* As strmap_put_borrowed with h == strmap_hash(key, n) already known.
 * Inline: per-document sets put every token. */
static inline int strmap_put_borrowed_hashed(strmap *m, const char *key, size_t n, uint32_t h,
                                             int32_t value) {
  if ((m->count + 1) * 4 >= m->cap * 3 && strmap_grow(m) != 0)
    return -1;
  strmap_slot *s = strmap_find(m->slots, m->cap, m->seed, key, n, h);
  if (!s->key) {
    s->key = key;
    s->len = (uint32_t)n;
    s->hash = h;
    m->count++;
  }
  s->value = value;
  return 0;
}
/* Makes room for n keys at once (no rehash while they are added). 0 or -1. */
int strmap_reserve(strmap *m, size_t n);
/* The value for key, or -1 when absent. */
int32_t strmap_get(const strmap *m, const char *key, size_t n);
/* Hints that the key of hash h will be looked up soon: a lookup in a big
 * map (the 64k common words) is mostly a wait for memory, and a batch of
 * lookups prefetched first overlaps those waits. */
static inline void strmap_prefetch(const strmap *m, uint32_t h) {
#if defined(__GNUC__)
  if (m->cap)
    __builtin_prefetch(&m->slots[strmap_home(h, m->seed, m->cap)]);
#else
  (void)m, (void)h;
#endif
}
/* As strmap_get with h == strmap_hash(key, n) already known (tokens carry
 * the hash of their key, computed once). */
static inline int32_t strmap_get_hashed(const strmap *m, const char *key, size_t n, uint32_t h) {
  if (!m->cap)
    return -1;
  strmap_slot *s = strmap_find(m->slots, m->cap, m->seed, key, n, h);
  return s->key ? s->value : -1;
}

#endif
