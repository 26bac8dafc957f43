/* lexicon.c: the merged per-token model table (linear probing). */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE /* madvise */
#endif
#include "lexicon.h"

#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

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
  x->linked = 0;
  x->caps = NULL;
  x->ncaps = x->caps_room = 0;
  x->tier = 0;
}

void lexicon_free(lexicon *x) {
  free(x->mem);
  free(x->caps);
  lexicon_init(x);
}

static inline const char *slot_key(const lex_slot *s) {
  return s->len <= LEX_INLINE ? s->key : lex_long_key(s);
}

/* Do the eight bytes w hold an ASCII capital? A byte b is one when its
 * low seven bits v are at least 'A' (v + 0x3F carries into bit 7) and
 * below 'Z' + 1 (v + 0x25 does not), and b is ASCII; no sum carries out
 * of its byte. */
static inline uint64_t capitals8(uint64_t w) {
  const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
  uint64_t v = w & ~high;
  return (v + ones * 0x3F) & ~(v + ones * 0x25) & ~w & high;
}

/* Does key[0, n) hold an ASCII capital? A word at a time (most keys have
 * none), the last one overlapping, as strmap_same_bytes reads. */
static int has_capital(const char *key, size_t n) {
  uint64_t w;
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      memcpy(&w, key + i, 8);
      if (capitals8(w))
        return 1;
    }
    memcpy(&w, key + n - 8, 8);
    return capitals8(w) != 0;
  }
  if (n >= 4) {
    uint32_t lo, hi;
    memcpy(&lo, key, 4);
    memcpy(&hi, key + n - 4, 4);
    return capitals8(lo | (uint64_t)hi << 32) != 0;
  }
  w = 0; /* a NUL is no capital */
  for (size_t k = 0; k < n; k++)
    w |= (uint64_t)(unsigned char)key[k] << (8 * k);
  return capitals8(w) != 0;
}

/* Where a key of that tier and length goes in its run: by tier, then
 * shorter first */
static inline uint32_t lex_rank(uint8_t tier, size_t len) {
  return (uint32_t)tier << 16 | (uint32_t)len;
}
static inline uint32_t slot_rank(const lex_slot *s) {
  return lex_rank(s->tier, s->len);
}

/* Keeps the lower field of the key that moved to slot i right: its own
 * slot with no capital, else the caps entry it names says where it is */
static inline void settle(lex_slot *slots, uint32_t *caps, size_t i) {
  if (slots[i].capital)
    caps[slots[i].lower] = (uint32_t)i;
  else
    slots[i].lower = (uint32_t)i;
}

/* The slot, emptied (zeroed), that a new key of hash h and rank r takes:
 * the first on its walk from its home slot that is empty or holds a key
 * ranking after it. That key moves on the same way, taking the slot of
 * the next key on its walk that ranks after it, and so on to an empty
 * slot. */
static lex_slot *slot_for(lex_slot *slots, size_t mask, uint32_t *caps, uint32_t h, uint32_t r) {
  size_t i = h & mask;
  while (slots[i].len && slot_rank(&slots[i]) <= r)
    i = (i + 1) & mask;
  lex_slot *s = &slots[i];
  if (s->len) { /* seldom: the moves */
    lex_slot carry = *s;
    for (size_t j = (i + 1) & mask;; j = (j + 1) & mask) {
      if (slots[j].len && slot_rank(&slots[j]) <= slot_rank(&carry))
        continue;
      lex_slot t = slots[j];
      slots[j] = carry;
      settle(slots, caps, j);
      if (!t.len)
        break;
      carry = t;
    }
    memset(s, 0, sizeof *s);
  }
  return s;
}

/* Zeroed memory for slots of n bytes, *slots on a cache line in it.
 * A big table (the built-in model's: 8 MB) is in transparent huge pages
 * on Linux: the lookups of a paragraph hit slots all over the table, each
 * in a page of its own with 4 KB pages, and the TLB misses of their
 * prefetches held up the tokenizer (perf: a quarter of its time just
 * after the prefetch, half that with huge pages). NULL when out of
 * memory. */
static void *new_slots(size_t n, lex_slot **slots) {
  /* calloc, not aligned_alloc: fresh pages come zeroed, no memset */
  size_t align = 64;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  enum { HUGE = 2u << 20 };
  if (n >= HUGE)
    align = HUGE;
#endif
  void *mem = calloc(n + align, 1);
  if (!mem)
    return NULL;
  *slots = (lex_slot *)(((uintptr_t)mem + align - 1) & ~(uintptr_t)(align - 1));
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (align == HUGE) /* whole huge pages inside mem: n is a power of two */
    madvise(*slots, n & ~(size_t)(HUGE - 1), MADV_HUGEPAGE); /* a hint: failure changes nothing */
#endif
  return mem;
}

int lexicon_reserve(lexicon *x, size_t n) {
  /* at most a third full (the built-in model: 80,000 keys in 256k slots,
   * 8 MB, every page of it touched): a miss, which most capitalised words are
   * in their exact form, probes about half as far as at two thirds full
   * (-0.9% instructions and about 1.5% faster on the train texts; model
   * load unchanged) */
  size_t cap = 64;
  while (cap < n * 3)
    cap *= 2;
  if (cap <= x->cap)
    return 0;
  /* slots of half a cache line, aligned: a lookup touches one line */
  lex_slot *slots;
  void *mem = new_slots(cap * sizeof(lex_slot), &slots);
  if (!mem)
    return -1;
  x->ncaps = 0; /* their slots move: the list anew, as long as it was */
  for (size_t i = 0; i < x->cap; i++) {
    const lex_slot *s = &x->slots[i];
    if (!s->len)
      continue;
    lex_slot *t = slot_for(slots, cap - 1, x->caps, s->hash, slot_rank(s));
    *t = *s;
    uint32_t j = (uint32_t)(t - slots);
    /* with a capital, its entry in the list */
    t->lower = t->capital ? (uint32_t)x->ncaps : j;
    x->caps[x->ncaps] = j;
    x->ncaps += t->capital;
  }
  free(x->mem);
  x->mem = mem;
  x->slots = slots;
  x->cap = cap;
  x->linked = 0; /* the slots moved */
  return 0;
}

lex_rec *lexicon_add(lexicon *x, arena *a, const char *key, size_t n, uint32_t h) {
  if (!n || n > LEX_MAX_KEY)
    return NULL;
  if ((x->count + 1) * 4 >= x->cap * 3 && lexicon_reserve(x, x->count * 2 + 1) != 0)
    return NULL;
  /* a short key from anywhere: in a buffer with the slack lexicon_find reads */
  char padded[LEX_KEY_SLACK] = {0};
  if (n <= LEX_INLINE) {
    memcpy(padded, key, n);
    key = padded;
  }
  lex_slot *s = lexicon_find(x->slots, x->cap, key, n, h);
  if (!s->len) {
    if (x->linked) /* the capitalised keys' lower fields name their caps entries again */
      for (size_t c = 0; c < x->ncaps; c++)
        x->slots[x->caps[c]].lower = (uint32_t)c;
    x->linked = 0; /* a new key may be the lower-case form of a linked one */
    /* room for one more in the list, whether the key goes in it or not:
     * which it does is the key's choice, no branch */
    if (x->ncaps == x->caps_room) {
      size_t room = x->caps_room ? x->caps_room * 2 : 1024;
      uint32_t *caps = realloc(x->caps, room * sizeof *caps);
      if (!caps)
        return NULL;
      x->caps = caps;
      x->caps_room = room;
    }
    /* a long key's copy first: once slot_for has moved keys, the slot
     * must be filled */
    char *long_key = NULL;
    if (n > LEX_INLINE && !(long_key = arena_strndup(a, key, n)))
      return NULL;
    s = slot_for(x->slots, x->cap - 1, x->caps, h, lex_rank(x->tier, n));
    int capital;
    if (n <= LEX_INLINE) {
      /* all twelve bytes of the padded copy (above), 0 past n: no call
       * for a copy of n bytes, and all twelve tested at once, none past n
       * a capital */
      memcpy(s->key, key, LEX_INLINE);
      uint64_t lo;
      memcpy(&lo, s->key, 8);
      capital = capitals8(lo | (uint64_t)lex_load32(s->key + 8) << 32) != 0;
    } else {
      memcpy(s->key, &long_key, sizeof long_key);
      capital = has_capital(key, n);
    }
    s->hash = h;
    s->len = (uint16_t)n;
    s->capital = (uint8_t)capital;
    s->tier = x->tier;
    /* its own lower-case form when it has no capital; else linked by
     * lexicon_link_lower, from the list: until then its entry there.
     * Which it is is the key's choice, no branch */
    uint32_t i = (uint32_t)(s - x->slots);
    s->lower = capital ? (uint32_t)x->ncaps : i;
    x->caps[x->ncaps] = i;
    x->ncaps += (size_t)capital;
    x->count++;
    if (key[n - 1] == '.')
      x->dots[(h % LEX_DOT_BITS) / 64] |= (uint64_t)1 << (h % 64);
  }
  return &s->rec;
}

void lexicon_next_tier(lexicon *x) {
  if (x->tier < UINT8_MAX)
    x->tier++;
}

/* The lower-case form of slot s's key in buf (or a malloc'd copy, when
 * longer than cap; the caller frees what is not buf); NULL when out of
 * memory */
static char *lower_of(const lex_slot *s, char *buf, size_t cap) {
  const char *key = slot_key(s);
  size_t n = s->len;
  char *l = n <= cap ? buf : malloc(n);
  if (!l)
    return NULL;
  if (n <= LEX_INLINE) {
    /* most keys: the slot's twelve bytes (0 past the key) at once, each
     * capital's bit 0x80 of capitals8 moved to 0x20; no loop on n */
    uint64_t lo;
    uint32_t hi = lex_load32(key + 8);
    memcpy(&lo, key, 8);
    lo |= capitals8(lo) >> 2;
    hi |= (uint32_t)(capitals8(hi) >> 2);
    memcpy(l, &lo, 8);
    memcpy(l + 8, &hi, 4);
  } else {
    for (size_t k = 0; k < n; k++)
      l[k] = (char)(key[k] >= 'A' && key[k] <= 'Z' ? key[k] + 32 : key[k]);
  }
  return l;
}

int lexicon_link_lower(lexicon *x) {
  char buf[256];
  lex_slot *slots = x->slots; /* in locals: the stores to lower could alias x */
  size_t cap = x->cap, nc = x->ncaps;
  /* the keys with no capital link to their own slots since they were added.
   * The capitalised keys' slots, and their lower-case forms', are all over
   * the table: first the forms' hashes, the slot LINK_AHEAD on fetched
   * while one is hashed, then the look-ups, the slots of the key and the
   * form LINK_AHEAD on fetched while one is looked up (a slot index is its
   * own hash for lexicon_prefetch_slot) */
  enum { LINK_AHEAD = 16 };
  uint32_t *lh = malloc((nc + 1) * sizeof *lh);
  if (!lh)
    return -1;
  for (size_t c = 0; c < nc; c++) {
    if (c + LINK_AHEAD < nc)
      lexicon_prefetch_slot(slots, cap - 1, x->caps[c + LINK_AHEAD]);
    const lex_slot *s = &slots[x->caps[c]];
    char *l = lower_of(s, buf, sizeof buf);
    if (!l) {
      free(lh);
      return -1;
    }
    lh[c] = strmap_hash(l, s->len);
    if (l != buf)
      free(l);
  }
  for (size_t c = 0; c < nc; c++) {
    if (c + LINK_AHEAD < nc) {
      lexicon_prefetch_slot(slots, cap - 1, x->caps[c + LINK_AHEAD]);
      lexicon_prefetch_slot(slots, cap - 1, lh[c + LINK_AHEAD]);
    }
    lex_slot *s = &slots[x->caps[c]];
    char *l = lower_of(s, buf, sizeof buf);
    if (!l) {
      free(lh);
      return -1;
    }
    const lex_slot *f = lexicon_find(slots, cap, l, s->len, lh[c]);
    s->lower = f->len ? (uint32_t)(f - slots) : LEX_NO_LOWER;
    if (l != buf)
      free(l);
  }
  free(lh);
  x->linked = 1;
  return 0;
}
