/* strmap.c: open-addressing (linear probing) string map. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

uint32_t strmap_hash(const char *s, size_t n) {
  return strmap_hash_more(STRMAP_HASH_INIT, s, n);
}

void strmap_init(strmap *m) {
  m->slots = NULL;
  m->cap = m->count = 0;
}

void strmap_free(strmap *m) {
  free(m->slots);
  strmap_init(m);
}

/* Most keys are a short word: a byte loop beats a call to memcmp. */
static inline int same_bytes(const char *a, const char *b, size_t n) {
  if (n > 16)
    return memcmp(a, b, n) == 0;
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i])
      return 0;
  return 1;
}

static strmap_slot *find(strmap_slot *slots, size_t cap, const char *key, size_t n, uint32_t h) {
  size_t i = h & (cap - 1);
  for (;;) {
    strmap_slot *s = &slots[i];
    if (!s->key || (s->hash == h && s->len == n && same_bytes(s->key, key, n)))
      return s;
    i = (i + 1) & (cap - 1);
  }
}

static int grow_to(strmap *m, size_t cap) {
  strmap_slot *slots = calloc(cap, sizeof *slots);
  if (!slots)
    return -1;
  for (size_t i = 0; i < m->cap; i++) {
    strmap_slot *s = &m->slots[i];
    if (s->key)
      *find(slots, cap, s->key, s->len, s->hash) = *s;
  }
  free(m->slots);
  m->slots = slots;
  m->cap = cap;
  return 0;
}

static int grow(strmap *m) {
  return grow_to(m, m->cap ? m->cap * 2 : 64);
}

int strmap_put(strmap *m, arena *a, const char *key, size_t n, int32_t value, int32_t *old) {
  if (old)
    *old = -1;
  if ((m->count + 1) * 4 >= m->cap * 3 && grow(m) != 0)
    return -1;
  uint32_t h = strmap_hash(key, n);
  strmap_slot *s = find(m->slots, m->cap, key, n, h);
  if (s->key) {
    if (old)
      *old = s->value;
    s->value = value;
    return 0;
  }
  char *k = arena_strndup(a, key, n);
  if (!k)
    return -1;
  s->key = k;
  s->len = (uint32_t)n;
  s->hash = h;
  s->value = value;
  m->count++;
  return 0;
}

int strmap_put_borrowed(strmap *m, const char *key, size_t n, int32_t value) {
  return strmap_put_borrowed_hashed(m, key, n, strmap_hash(key, n), value);
}

int strmap_put_borrowed_hashed(strmap *m, const char *key, size_t n, uint32_t h, int32_t value) {
  if ((m->count + 1) * 4 >= m->cap * 3 && grow(m) != 0)
    return -1;
  strmap_slot *s = find(m->slots, m->cap, key, n, h);
  if (!s->key) {
    s->key = key;
    s->len = (uint32_t)n;
    s->hash = h;
    m->count++;
  }
  s->value = value;
  return 0;
}

int strmap_reserve(strmap *m, size_t n) {
  /* the capacity that many doublings would reach, allocated at once */
  size_t cap = m->cap ? m->cap : 64;
  while ((n + 1) * 4 >= cap * 3)
    cap *= 2;
  return cap > m->cap ? grow_to(m, cap) : 0;
}

int32_t strmap_get(const strmap *m, const char *key, size_t n) {
  return strmap_get_hashed(m, key, n, strmap_hash(key, n));
}

int32_t strmap_get_hashed(const strmap *m, const char *key, size_t n, uint32_t h) {
  if (!m->cap)
    return -1;
  strmap_slot *s = find(m->slots, m->cap, key, n, h);
  return s->key ? s->value : -1;
}
