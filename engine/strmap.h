/* strmap.h: open-addressing hash map from byte strings to int32 values.
 * Built once while a model loads, then only read: lookups are thread-safe. */
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
} strmap;

uint32_t strmap_hash(const char *s, size_t n);
/* A switch case that runs on into the next */
#if defined(__GNUC__) && __GNUC__ >= 7
#define STRMAP_FALL_THROUGH __attribute__((fallthrough))
#else
#define STRMAP_FALL_THROUGH ((void)0)
#endif
/* The hash of a key that continues one whose hash is h with s[0, n):
 * strmap_hash_more(strmap_hash(a), b) == strmap_hash(ab), so joined keys
 * hash word by word. */
static inline uint32_t strmap_hash_more(uint32_t h, const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s, *e = p + n;
  for (; e - p >= 8; p += 8) {  /* eight bytes a round: an eighth of the loop's own instructions */
    h = (h ^ p[0]) * 16777619u; /* FNV-1a */
    h = (h ^ p[1]) * 16777619u;
    h = (h ^ p[2]) * 16777619u;
    h = (h ^ p[3]) * 16777619u;
    h = (h ^ p[4]) * 16777619u;
    h = (h ^ p[5]) * 16777619u;
    h = (h ^ p[6]) * 16777619u;
    h = (h ^ p[7]) * 16777619u;
  }
  /* the last 0 to 7 bytes: one jump into a run of rounds, no loop test */
  switch (e - p) {
  case 7:
    h = (h ^ e[-7]) * 16777619u;
    STRMAP_FALL_THROUGH;
  case 6:
    h = (h ^ e[-6]) * 16777619u;
    STRMAP_FALL_THROUGH;
  case 5:
    h = (h ^ e[-5]) * 16777619u;
    STRMAP_FALL_THROUGH;
  case 4:
    h = (h ^ e[-4]) * 16777619u;
    STRMAP_FALL_THROUGH;
  case 3:
    h = (h ^ e[-3]) * 16777619u;
    STRMAP_FALL_THROUGH;
  case 2:
    h = (h ^ e[-2]) * 16777619u;
    STRMAP_FALL_THROUGH;
  case 1:
    h = (h ^ e[-1]) * 16777619u;
    STRMAP_FALL_THROUGH;
  default:
    break;
  }
  return h;
}
#define STRMAP_HASH_INIT 2166136261u
void strmap_init(strmap *m);
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
STRMAP_SAME_OVERLAP(strmap_same_2to4, uint16_t)  /* 2 <= n <= 4 */
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
/* The slot holding key, or the empty slot where it would go. */
static inline strmap_slot *strmap_find(strmap_slot *slots, size_t cap, const char *key, size_t n,
                                       uint32_t h) {
  size_t i = h & (cap - 1);
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
  strmap_slot *s = strmap_find(m->slots, m->cap, key, n, h);
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
    __builtin_prefetch(&m->slots[h & (m->cap - 1)]);
#else
  (void)m, (void)h;
#endif
}
/* As strmap_get with h == strmap_hash(key, n) already known (tokens carry
 * the hash of their key, computed once). */
static inline int32_t strmap_get_hashed(const strmap *m, const char *key, size_t n, uint32_t h) {
  if (!m->cap)
    return -1;
  strmap_slot *s = strmap_find(m->slots, m->cap, key, n, h);
  return s->key ? s->value : -1;
}

#endif
