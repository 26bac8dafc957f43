/* strmap.c: open-addressing (linear probing) string map. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

uint32_t strmap_hash(const char *s, size_t n) {
  strmap_stream st = STRMAP_STREAM_INIT;
  return strmap_hash_upto(&st, s, n);
}

void strmap_init(strmap *m) {
  strmap_init_keyed(m, 0);
}

void strmap_init_keyed(strmap *m, uint64_t seed) {
  m->slots = NULL;
  m->cap = m->count = 0;
  m->seed = seed;
}

void strmap_free(strmap *m) {
  free(m->slots);
  m->slots = NULL;
  m->cap = m->count = 0;
}

static int grow_to(strmap *m, size_t cap) {
  strmap_slot *slots = calloc(cap, sizeof *slots);
  if (!slots)
    return -1;
  for (size_t i = 0; i < m->cap; i++) {
    strmap_slot *s = &m->slots[i];
    if (s->key)
      *strmap_find(slots, cap, m->seed, s->key, s->len, s->hash) = *s;
  }
  free(m->slots);
  m->slots = slots;
  m->cap = cap;
  return 0;
}

int strmap_grow(strmap *m) {
  return grow_to(m, m->cap ? m->cap * 2 : 64);
}

int strmap_put(strmap *m, arena *a, const char *key, size_t n, int32_t value, int32_t *old) {
  if (old)
    *old = -1;
  if ((m->count + 1) * 4 >= m->cap * 3 && strmap_grow(m) != 0)
    return -1;
  uint32_t h = strmap_hash(key, n);
  strmap_slot *s = strmap_find(m->slots, m->cap, m->seed, key, n, h);
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
