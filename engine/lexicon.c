/* lexicon.c: the merged per-token model table (linear probing). */
#include "lexicon.h"

#include <stdlib.h>
#include <string.h>

/* The table of a lexicon with no keys: one empty slot, so that a lookup
 * needs no test of the capacity (lexicon_add reserves a real table before
 * it writes) */
static lex_slot no_slots[1];

void lexicon_init(lexicon *x) {
  x->slots = no_slots;
  x->mem = NULL;
  x->cap = 1;
  x->count = 0;
  memset(x->dots, 0, sizeof x->dots);
}

void lexicon_free(lexicon *x) {
  free(x->mem);
  lexicon_init(x);
}

static inline const char *slot_key(const lex_slot *s) {
  return s->len <= LEX_INLINE ? s->key.in : s->key.ptr;
}

int lexicon_reserve(lexicon *x, size_t n) {
  /* at most a third full (the built-in model: 80,000 keys in 256k slots,
   * 8 MB, 4 MB more resident): a miss, which most capitalised words are
   * in their exact form, probes about half as far as at two thirds full
   * (-0.9% instructions and about 1.5% faster on the train texts; model
   * load unchanged) */
  size_t cap = 64;
  while (cap < n * 3)
    cap *= 2;
  if (cap <= x->cap)
    return 0;
  /* slots of half a cache line, aligned: a lookup touches one line
   * (calloc, not aligned_alloc: fresh pages come zeroed, no memset) */
  void *mem = calloc(cap * sizeof(lex_slot) + 64, 1);
  if (!mem)
    return -1;
  lex_slot *slots = (lex_slot *)(((uintptr_t)mem + 63) & ~(uintptr_t)63);
  for (size_t i = 0; i < x->cap; i++) {
    lex_slot *s = &x->slots[i];
    if (s->len)
      *lexicon_find(slots, cap, slot_key(s), s->len, s->hash) = *s;
  }
  free(x->mem);
  x->mem = mem;
  x->slots = slots;
  x->cap = cap;
  return 0;
}

lex_rec *lexicon_add(lexicon *x, arena *a, const char *key, size_t n, uint32_t h) {
  if (!n || n > LEX_MAX_KEY)
    return NULL;
  if ((x->count + 1) * 4 >= x->cap * 3 && lexicon_reserve(x, x->count * 2 + 1) != 0)
    return NULL;
  lex_slot *s = lexicon_find(x->slots, x->cap, key, n, h);
  if (!s->len) {
    if (n <= LEX_INLINE) {
      memcpy(s->key.in, key, n);
    } else {
      char *k = arena_strndup(a, key, n);
      if (!k)
        return NULL;
      s->key.ptr = k;
    }
    s->hash = h;
    s->len = (uint16_t)n;
    x->count++;
    if (key[n - 1] == '.')
      x->dots[(h % LEX_DOT_BITS) / 64] |= (uint64_t)1 << (h % 64);
  }
  return &s->rec;
}
