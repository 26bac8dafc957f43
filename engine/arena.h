/* arena.h: bump allocator owning all per-document memory, freed at once. */
#ifndef ATTRIB_ARENA_H
#define ATTRIB_ARENA_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct arena_block arena_block;

typedef struct arena {
  arena_block *head;
  size_t total;       /* bytes in all blocks: a new one takes at least half as many */
  char *next, *limit; /* the free room of head: [next, limit) */
} arena;

/* The alignment of every allocation: any type's. */
#define ARENA_ALIGN (sizeof(max_align_t))

/* malloc; a large block (8 MB or more) aligned to and advised as
 * transparent huge pages where Linux offers them. free() frees it. */
void *big_malloc(size_t n);

void arena_init(arena *a);
void arena_release(arena *a);
/* Everything allocated is given up, but the newest block is kept for
 * what comes next: a scratch arena used again and again stops allocating
 * once it has grown. */
void arena_reset(arena *a);
/* arena_alloc_raw when the head block has no room (a new block). */
void *arena_alloc_slow(arena *a, size_t n);
/* Uninitialised memory aligned for any type, for storage about to be
 * overwritten anyway; NULL when out of memory. Inline: a document makes
 * tens of thousands of small allocations, nearly all a bump of next. */
static inline void *arena_alloc_raw(arena *a, size_t n) {
  size_t r = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
  /* r <= room in one test: r - 1 wraps for n == 0 and for an n so large
   * that r wrapped to 0, and those go to the slow path */
  if (r - 1 < (size_t)(a->limit - a->next)) {
    void *p = a->next;
    a->next += r;
    return p;
  }
  return arena_alloc_slow(a, n);
}
/* Zeroed memory aligned for any type, or NULL when out of memory. */
static inline void *arena_alloc(arena *a, size_t n) {
  void *p = arena_alloc_raw(a, n);
  if (p)
    memset(p, 0, n);
  return p;
}
/* Zeroed array of n elements of size sz, NULL on overflow or out of memory. */
void *arena_array(arena *a, size_t n, size_t sz);
/* The same uninitialised, for arrays written whole before they are read. */
void *arena_array_raw(arena *a, size_t n, size_t sz);
/* Copies s[0, n) to dst (the two apart). Nearly every copy is a word, a
 * name or a mention of at most 16 bytes: no call to memcpy for those, and
 * one of 4 to 16 bytes takes four overlapping 4-byte words (at 0, 4 and 8
 * or less, and n - 4) with no jump on its length, whose class the text
 * decides (jumps on n >= 8 and n >= 4 were mispredicted one copy in four). */
static inline void arena_copy_bytes(char *dst, const char *s, size_t n) {
  if (n - 4 <= 12) {
    size_t m = n - 4, b = m < 4 ? m : 4, c = m < 8 ? m : 8;
    uint32_t w0, w1, w2, w3;
    memcpy(&w0, s, 4);
    memcpy(&w1, s + b, 4);
    memcpy(&w2, s + c, 4);
    memcpy(&w3, s + m, 4);
    memcpy(dst, &w0, 4);
    memcpy(dst + b, &w1, 4);
    memcpy(dst + c, &w2, 4);
    memcpy(dst + m, &w3, 4);
  } else if (n > 16) {
    memcpy(dst, s, n);
  } else if (n) { /* 1 to 3 bytes: first, middle and last */
    dst[0] = s[0];
    dst[n / 2] = s[n / 2];
    dst[n - 1] = s[n - 1];
  }
}

/* NUL-terminated copy of s[0, n), NULL when out of memory. */
static inline char *arena_strndup(arena *a, const char *s, size_t n) {
  char *p = arena_alloc_raw(a, n + 1);
  if (!p)
    return NULL;
  arena_copy_bytes(p, s, n);
  p[n] = '\0';
  return p;
}

/* A growable array whose storage lives in an arena (old storage is simply
 * left behind on growth; the arena frees it with everything else). */
typedef struct vec {
  void *data;
  size_t len, cap, elem;
} vec;

void vec_init(vec *v, size_t elem);
/* Makes room for cap elements at once (no copy on later growth). 0 or -1. */
int vec_reserve(vec *v, arena *a, size_t cap);
/* Appends one zeroed element and returns it, or NULL when out of memory.
 * Inline while there is room: every token, mention and cue is pushed. */
void *vec_push_grow(vec *v, arena *a);
/* Clears n bytes at p. The elements pushed most (mentions, chunks, cues,
 * indices: 4 to 32 bytes) take a few overlapping word stores, not a call
 * to memset. */
static inline void arena_clear(void *p, size_t n) {
  char *c = (char *)p;
  const uint64_t z = 0;
  if (n >= 8 && n <= 32) {
    memcpy(c, &z, 8);
    memcpy(c + n - 8, &z, 8);
    if (n > 16) {
      memcpy(c + 8, &z, 8);
      memcpy(c + n - 16, &z, 8);
    }
  } else if (n >= 4 && n < 8) {
    memcpy(c, &z, 4);
    memcpy(c + n - 4, &z, 4);
  } else {
    memset(p, 0, n);
  }
}
static inline void *vec_push(vec *v, arena *a) {
  if (v->len == v->cap)
    return vec_push_grow(v, a);
  void *p = (char *)v->data + v->len * v->elem;
  arena_clear(p, v->elem);
  v->len++;
  return p;
}
/* vec_push for callers that write every field of the element at once: no
 * clearing while there is room. */
static inline void *vec_push_raw(vec *v, arena *a) {
  if (v->len == v->cap)
    return vec_push_grow(v, a);
  void *p = (char *)v->data + v->len * v->elem;
  v->len++;
  return p;
}
#define VEC_AT(v, T, i) (((T *)(v).data)[i])

#endif
