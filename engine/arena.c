/* arena.c: per-document bump allocator. */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE /* madvise */
#endif
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

struct arena_block {
  arena_block *next;
  size_t cap;
  max_align_t data[]; /* aligned storage */
};

enum { ARENA_MIN_BLOCK = 64 * 1024 };

void arena_init(arena *a) {
  a->head = NULL;
  a->total = 0;
  a->next = a->limit = NULL;
}

void arena_release(arena *a) {
  arena_block *b = a->head;
  while (b) {
    arena_block *n = b->next;
    free(b);
    b = n;
  }
  a->head = NULL;
  a->total = 0;
  a->next = a->limit = NULL;
}

void arena_reset(arena *a) {
  arena_block *b = a->head;
  if (!b)
    return;
  for (arena_block *x = b->next; x;) {
    arena_block *n = x->next;
    free(x);
    x = n;
  }
  b->next = NULL;
  a->total = b->cap;
  a->next = (char *)b->data;
  a->limit = a->next + b->cap;
}

/* A block of cap bytes. Large ones (long documents) are aligned to and
 * advised as transparent huge pages where Linux offers them: a 10 MB
 * article touches some 300 MB, and with 4 KB pages a fifth of its time
 * went to page faults and TLB misses. */
void *big_malloc(size_t n) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  enum { HUGE = 2u << 20 };
  if (n >= 4 * (size_t)HUGE && n <= SIZE_MAX - HUGE) {
    size_t total = (n + HUGE - 1) & ~(size_t)(HUGE - 1);
    void *p = aligned_alloc(HUGE, total);
    if (p)
      madvise(p, total, MADV_HUGEPAGE); /* a hint: failure changes nothing */
    return p;
  }
#endif
  return malloc(n);
}

static arena_block *new_block(size_t cap) {
  return cap <= SIZE_MAX - sizeof(arena_block) ? big_malloc(sizeof(arena_block) + cap) : NULL;
}

void *arena_alloc_slow(arena *a, size_t n) {
  if (n == 0)
    n = 1;
  if (n > SIZE_MAX / 2)
    return NULL;
  n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
  if ((size_t)(a->limit - a->next) < n) {
    /* Blocks double with the total so a large document needs few mallocs;
     * the rest of the old head is left unused. */
    size_t cap = ARENA_MIN_BLOCK;
    if (a->total / 2 > cap)
      cap = a->total / 2;
    if (cap < n)
      cap = n;
    arena_block *b = new_block(cap);
    if (!b)
      return NULL;
    b->cap = cap;
    b->next = a->head;
    a->head = b;
    a->total += cap;
    a->next = (char *)b->data;
    a->limit = a->next + cap;
  }
  void *p = a->next;
  a->next += n;
  return p;
}

void *arena_array(arena *a, size_t n, size_t sz) {
  if (sz && n > SIZE_MAX / sz)
    return NULL;
  return arena_alloc(a, n * sz);
}

void *arena_array_raw(arena *a, size_t n, size_t sz) {
  if (sz && n > SIZE_MAX / sz)
    return NULL;
  return arena_alloc_raw(a, n * sz);
}

void vec_init(vec *v, size_t elem) {
  v->data = NULL;
  v->len = v->cap = 0;
  v->elem = elem;
}

int vec_reserve(vec *v, arena *a, size_t cap) {
  if (cap <= v->cap)
    return 0;
  if (cap > SIZE_MAX / v->elem)
    return -1;
  void *d = arena_alloc_raw(a, cap * v->elem);
  if (!d)
    return -1;
  if (v->len)
    memcpy(d, v->data, v->len * v->elem);
  v->data = d;
  v->cap = cap;
  return 0;
}

void *vec_push_grow(vec *v, arena *a) {
  if (v->len == v->cap) {
    /* the old storage stays in the arena until the document is freed */
    size_t cap = v->cap ? v->cap * 2 : 16;
    if (cap > SIZE_MAX / v->elem)
      return NULL;
    void *d = arena_alloc_raw(a, cap * v->elem);
    if (!d)
      return NULL;
    if (v->len)
      memcpy(d, v->data, v->len * v->elem);
    v->data = d;
    v->cap = cap;
  }
  void *p = (char *)v->data + v->len * v->elem;
  arena_clear(p, v->elem);
  v->len++;
  return p;
}
