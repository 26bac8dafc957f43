/* lexicon.h: everything the model knows about one token key, in one place.
 * The per-token model maps (word classes, first words of gazetteer entries,
 * titles and cues, first names, one-token titles) merged into a single
 * open-addressing table, so that a token costs one lookup instead of six
 * (its lower-case form's record, when that differs, is linked from its
 * slot; a second lookup only when the token's own key is none). Short
 * keys sit inside their slot: a hit touches one cache line, not a second
 * one for the key bytes. Along a run of full slots the keys lie by rank
 * (lexicon_add): a lookup of a word that texts ask for often mostly stops
 * at its home slot, with no walk (each further slot is a mispredicted
 * branch).
 * Built once at model load, then only read: lookups are thread-safe. */
#ifndef ATTRIB_LEXICON_H
#define ATTRIB_LEXICON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "strmap.h"

/* What a key is in the model; all zero when it is nothing. */
typedef struct lex_rec {
  uint32_t words;      /* W_* bits of the key as listed */
  uint8_t gaz_first;   /* most tokens of a gazetteer entry starting with it (at most 255), else 0 */
  uint8_t title_first; /* likewise for titles */
  uint8_t cue_first;   /* likewise for cue forms (lower case); with LEX_CUE1, its cue entry + 1 */
  uint8_t flags;       /* LEX_* */
} lex_rec;

enum {
  LEX_NAME_M = 1, /* a male first name (G_MALE) */
  LEX_NAME_F = 2, /* a female first name (G_FEMALE) */
  LEX_TITLE = 4,  /* a whole title of the titles map */
  /* Derived at model load (model.c) from the key and its words, so that
   * the stages that walk every token pass most of them with one test;
   * segment.c's token_lex adds a capitalised token's lower-case record's
   * to its own (a superset, as its words are). */
  LEX_COREF = 8, /* words in LEX_COREF_WORDS, or "who": coref_stage may start at it */
  LEX_SYM = 16,  /* in lower case, "that", a conjunction, W_PREP or W_AUX: attribution.c's word_sym
                  * asks what it is (else 'a' for an adverb or contraction, or 'w') */
  /* a key with no ASCII capital that starts one-word cue forms only (of
   * fewer than 255 entries): its cue_first is that form's cue entry + 1,
   * not a count of tokens */
  LEX_CUE1 = 32
};
/* The word classes (model.h's W_*) that coref_stage may start at */
#define LEX_COREF_WORDS                                                                                      \
  (W_ORG_HEAD | W_PRONOUN_M | W_PRONOUN_F | W_PRONOUN_N | W_PRONOUN_P | W_DET | W_QUANT | W_ROLE |           \
   W_DOC_NOUN | W_ORG_NOUN | W_ORG_KIND | W_PERSON_NOUN | W_GROUP_NOUN)

enum { LEX_INLINE = 12, LEX_MAX_KEY = 0xFFFF };
/* The bytes a looked-up key of up to LEX_INLINE bytes must have readable
 * from its start (lexicon_find) */
#define LEX_KEY_SLACK LEX_INLINE

typedef struct lex_slot {
  uint32_t hash; /* strmap_hash of the key */
  lex_rec rec;
  uint16_t len;    /* 0: empty */
  uint8_t capital; /* 1: the key holds an ASCII capital */
  uint8_t tier;    /* the lexicon's tier when the key was added (lexicon_next_tier) */
  /* the index of the slot of the key's lower-case form: its own for a key
   * with no ASCII capital (kept as it moves), once linked
   * (lexicon_link_lower) for the others, or LEX_NO_LOWER: a capitalised
   * token's second record needs no second lookup, and no key's link is
   * left unset. Until then a capitalised key's entry in the caps list,
   * which its moves keep right. */
  uint32_t lower;
  char key[LEX_INLINE]; /* keys of up to LEX_INLINE bytes; longer ones: a
                         * pointer to them in the model's arena (lex_long_key) */
} lex_slot;
_Static_assert(sizeof(lex_slot) == 32, "a slot is half a cache line");

/* The key of a slot whose len is over LEX_INLINE */
static inline const char *lex_long_key(const lex_slot *s) {
  const char *p;
  memcpy(&p, s->key, sizeof p);
  return p;
}

enum { LEX_DOT_BITS = 4096 };
#define LEX_NO_LOWER UINT32_MAX

typedef struct lexicon {
  lex_slot *slots; /* in mem, aligned to a cache line (a static empty slot until a key is added) */
  void *mem;
  size_t cap, count; /* cap is a power of two, at least 1 */
  /* bit h % LEX_DOT_BITS set for the hash h of each key ending in a
   * period (abbreviations, a few entry words): most words before a period
   * are none, and this says so without a miss in the big table */
  uint64_t dots[LEX_DOT_BITS / 64];
  int linked; /* the slots' lower fields hold (lexicon_link_lower; an add undoes it) */
  /* the slots of the keys with an ASCII capital, which lexicon_link_lower
   * links: a third of the keys, not a walk of every slot (8 MB) with a
   * test on each whose answer is the key's */
  uint32_t *caps;
  size_t ncaps, caps_room;
  uint8_t tier; /* of the keys added now */
} lexicon;

void lexicon_init(lexicon *x);
void lexicon_free(lexicon *x);
/* Makes room for n keys. 0, or -1 when out of memory. */
int lexicon_reserve(lexicon *x, size_t n);
/* The record of key[0, n) (hash h = strmap_hash(key, n)), added zeroed when
 * absent (a long key is copied into a). NULL when the key is empty or too
 * long, or out of memory. A new key takes the slot of the first key on its
 * walk that ranks after it (of a later tier, or of the same and longer:
 * the words texts ask for most are short), which moves on the same way:
 * each run of full slots holds its keys as if added by rank, whatever
 * order they come in, and a record pointer holds until the next add. */
lex_rec *lexicon_add(lexicon *x, arena *a, const char *key, size_t n, uint32_t h);
/* The keys added from now on rank after those added so far (a model adds
 * its function words first) */
void lexicon_next_tier(lexicon *x);
/* Links each key to the slot of its lower-case form (ASCII A-Z
 * lower-cased, as a token's lkey; itself when it has no capital), once
 * every key is in. 0, or
 * -1 when out of memory. */
int lexicon_link_lower(lexicon *x);
/* The 4 bytes at p, as they lie in memory (no alignment asked) */
static inline uint32_t lex_load32(const char *p) {
  uint32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}
/* Is the key of full slot s (of len n >= 1) b[0, n)? A key of up to
 * LEX_INLINE bytes with no branch on its length (the text's choice, each
 * test of it mispredicted): b's first twelve bytes, its bytes past n
 * masked off, against the slot's, which are 0 past its key. So b must
 * have LEX_INLINE bytes readable (LEX_KEY_SLACK). A longer key (rare) is
 * compared through its pointer. */
static inline int lexicon_same(const lex_slot *s, const char *b, size_t n) {
  if (n > LEX_INLINE)
    return memcmp(lex_long_key(s), b, n) == 0;
  /* the masks of a key's first n bytes in its first eight and next four */
  static const uint64_t lo[LEX_INLINE + 1] = {0,          0xFF,         0xFFFF,         0xFFFFFF,
                                              0xFFFFFFFF, 0xFFFFFFFFFF, 0xFFFFFFFFFFFF, 0xFFFFFFFFFFFFFF,
                                              UINT64_MAX, UINT64_MAX,   UINT64_MAX,     UINT64_MAX,
                                              UINT64_MAX};
  static const uint32_t hi[LEX_INLINE + 1] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFFFF, 0xFFFFFF, 0xFFFFFFFF};
  uint64_t a0, b0;
  memcpy(&a0, s->key, 8);
  memcpy(&b0, b, 8);
  return ((a0 ^ (b0 & lo[n])) | (lex_load32(s->key + 8) ^ (lex_load32(b + 8) & hi[n]))) == 0;
}

/* The slot of key[0, n) (hash h), or the empty slot where it would go.
 * A key of up to LEX_INLINE bytes must have that many readable (its bytes
 * past n are read and ignored): a token's key does (the document's copy
 * has slack after its end, the tokenizer's copies and static keys are
 * padded), lexicon_add copies a key from elsewhere. Such a key's probe
 * asks one question of each slot, found or empty, with no branch on
 * which: that is the text's choice (a word in the model or not). */
static inline lex_slot *lexicon_find(lex_slot *slots, size_t cap, const char *key, size_t n, uint32_t h) {
  size_t i = h & (cap - 1);
  for (;;) {
    lex_slot *s = &slots[i];
    if (!s->len)
      return s;
    if (s->hash == h && s->len == n) {
      if (lexicon_same(s, key, n))
        return s;
    }
    i = (i + 1) & (cap - 1);
  }
}
/* lexicon_get, with the table and capacity of the lexicon at hand, kept in
 * registers by a loop that stores through other pointers */
static inline const lex_rec *lexicon_get_in(lex_slot *slots, size_t cap, const char *key, size_t n,
                                            uint32_t h) {
  const lex_slot *s = lexicon_find(slots, cap, key, n, h);
  return s->len ? &s->rec : NULL;
}
/* The record of key[0, n), or NULL when the key is none of the model's.
 * Inline: every token asks. */
static inline const lex_rec *lexicon_get(const lexicon *x, const char *key, size_t n, uint32_t h) {
  /* no test of cap (at least 1, an empty table included) or of n: an empty
   * or too long key matches no slot (every key held is 1 to LEX_MAX_KEY
   * bytes), and the probe ends at an empty slot */
  return lexicon_get_in(x->slots, x->cap, key, n, h);
}
/* Could a key ending in a period, of hash h, be in the lexicon? 0: it is not. */
static inline int lexicon_may_have_dotted(const lexicon *x, uint32_t h) {
  return (x->dots[(h % LEX_DOT_BITS) / 64] >> (h % 64)) & 1;
}
/* lexicon_prefetch with the table and cap - 1 of the lexicon at hand, kept
 * in registers by a loop that stores through other pointers */
static inline void lexicon_prefetch_slot(const lex_slot *slots, size_t mask, uint32_t h) {
#if defined(__GNUC__)
  __builtin_prefetch(&slots[h & mask]);
#else
  (void)slots, (void)mask, (void)h;
#endif
}
static inline void lexicon_prefetch(const lexicon *x, uint32_t h) {
#if defined(__GNUC__)
  __builtin_prefetch(&x->slots[h & (x->cap - 1)]);
#else
  (void)x, (void)h;
#endif
}

#endif
