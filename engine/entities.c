/* entities.c: stage 5. People, organisations, countries and places.
 * Gazetteer matches (longest first) and capitalised chunks typed by their
 * context: titles (Dr., MEP, CEO), organisation heads and suffixes (Lab,
 * Commission, Ministry of X), first names, bylines, apposition and
 * reporting verbs. Headlines and web furniture only ever mention entities
 * the body has established. Each referent becomes one entity; surnames,
 * first tokens of organisation names, head words ("the Commission") and
 * acronyms defined in the text link to it. */
#include <string.h>

#include "doc.h"

typedef struct chunk {
  uint32_t a, b;  /* tokens [a, b) */
  uint32_t title; /* first token of the title before it, when after_title */
  uint8_t after_title;
  uint8_t title_gender;
  uint8_t byline;
  uint8_t link_only; /* headline or boilerplate: may only name known entities */
  uint8_t org;       /* an organisation run (org_run): its words are all its name */
} chunk;

/* Does key[0, n) hold a '-'? Most words have none: word loads inside the
 * key (a zero byte of x ^ "----" found by the borrow trick), not a loop
 * over its bytes. */
static inline int has_hyphen(const char *k, size_t n) {
  if (n >= 8) {
    const uint64_t ones = 0x0101010101010101u, dash = ones * '-';
    for (size_t p = 0;; p += 8) {
      if (p + 8 > n)
        p = n - 8; /* the last eight bytes, overlapping */
      uint64_t x;
      memcpy(&x, k + p, 8);
      x ^= dash;
      if ((x - ones) & ~x & (ones << 7))
        return 1;
      if (p + 8 == n)
        return 0;
    }
  }
  if (n >= 4) {
    const uint32_t ones = 0x01010101u, dash = ones * '-';
    uint32_t x, y;
    memcpy(&x, k, 4);
    memcpy(&y, k + n - 4, 4);
    x ^= dash;
    y ^= dash;
    return (((x - ones) & ~x) | ((y - ones) & ~y)) & (ones << 7) ? 1 : 0;
  }
  for (size_t p = 0; p < n; p++) /* three bytes at most */
    if (k[p] == '-')
      return 1;
  return 0;
}

/* Does key[0, n) hold a byte below '.' (an apostrophe, a hyphen, an
 * ampersand)? Word loads, a byte below found by the borrow trick (exact
 * for whether there is one; bytes of 0x80 and up never count). A key of
 * up to 16 bytes (nearly every word) takes two 8-byte loads and no branch
 * on its length: of 8 bytes on, its first and last eight (overlapping);
 * under 8 (The, Mr, US, Obama), twice its first eight, those past n set
 * to 0xFF, which never count. That reads 8 bytes of a shorter key, which a
 * token's key has readable (LEX_KEY_SLACK: segment.c pads them for its
 * lexicon lookups). A branch on each length class was a mispredict one
 * name in four. */
_Static_assert(LEX_KEY_SLACK >= 8, "a token's key has 8 bytes readable");
static inline int has_byte_below_dot(const char *k, size_t n) {
  const uint64_t ones = 0x0101010101010101u, dots = ones * '.';
  if (n > 16) { /* rare */
    for (size_t p = 0;; p += 8) {
      if (p + 8 > n)
        p = n - 8; /* the last eight bytes, overlapping */
      uint64_t v;
      memcpy(&v, k + p, 8);
      if ((v - dots) & ~v & (ones << 7))
        return 1;
      if (p + 8 == n)
        return 0;
    }
  }
  /* the bytes past a key of n < 8 bytes, in its first eight as a
   * little-endian word */
  static const uint64_t past[9] = {UINT64_MAX,       UINT64_MAX << 8,  UINT64_MAX << 16,
                                   UINT64_MAX << 24, UINT64_MAX << 32, UINT64_MAX << 40,
                                   UINT64_MAX << 48, UINT64_MAX << 56, 0};
  uint64_t pad = past[n < 8 ? n : 8];
  uint64_t x = strmap_le64(k) | pad, y = strmap_le64(k + (n > 8 ? n - 8 : 0)) | pad;
  return (((x - dots) & ~x) | ((y - dots) & ~y)) & (ones << 7) ? 1 : 0;
}

static int name_tok_test(const token *t) {
  if (t->kind != TK_WORD || !(t->flags & (T_CAP | T_ALLCAP)) || (t->flags & T_POSSESSIVE))
    return 0;
  const char *k = t->key;
  uint32_t n = t->key_len;
  /* most names have neither an apostrophe nor a hyphen, the only bytes the
   * tests below look for: one scan of the key for both */
  if (!has_byte_below_dot(k, n))
    return 1;
  /* You've, We'll, Don't, I'd: contractions are never names (Fusitu'a is one) */
  if (n > 2) { /* the apostrophe second from the end, or else third: two loads for most words */
    if (k[n - 2] == '\'') {
      if (strchr("sdm", k[n - 1] | 0x20) || (n > 3 && k[n - 3] == 'n' && k[n - 1] == 't'))
        return 0;
    } else if (k[n - 3] == '\'' && (memcmp(k + n - 2, "ve", 2) == 0 || memcmp(k + n - 2, "ll", 2) == 0 ||
                                    memcmp(k + n - 2, "re", 2) == 0 || memcmp(k + n - 2, "VE", 2) == 0 ||
                                    memcmp(k + n - 2, "LL", 2) == 0 || memcmp(k + n - 2, "RE", 2) == 0)) {
      return 0;
    }
  }
  /* Dakar-based, EU-wide, Trump-backed: an adjective, not a name (Hyun-woo
   * is one); the words with their lengths, not a strlen of each per name */
#define ADJ(w)                                                                                               \
  { sizeof w - 1, w }
  static const struct {
    uint8_t n;
    char w[15];
  } adj[] = {ADJ("based"),    ADJ("wide"),    ADJ("led"),        ADJ("backed"),     ADJ("owned"),
             ADJ("born"),     ADJ("run"),     ADJ("style"),      ADJ("like"),       ADJ("era"),
             ADJ("made"),     ADJ("funded"),  ADJ("controlled"), ADJ("linked"),     ADJ("affiliated"),
             ADJ("friendly"), ADJ("bound"),   ADJ("leaning"),    ADJ("sponsored"),  ADJ("centric"),
             ADJ("specific"), ADJ("level"),   ADJ("listed"),     ADJ("registered"), ADJ("headquartered"),
             ADJ("allied"),   ADJ("aligned"), ADJ("supporting")};
#undef ADJ
  if (!has_hyphen(k, n))
    return 1;
  const char *h = k + n;
  while (h > k && h[-1] != '-')
    h--;
  if (h > k) {
    size_t rest = (size_t)(k + n - h);
    for (size_t a = 0; a < sizeof adj / sizeof adj[0]; a++)
      if (adj[a].n == rest && memcmp(h, adj[a].w, rest) == 0)
        return 0;
  }
  return 1;
}

/* The test above, made once per token by build_sets (it is asked many
 * times of each capitalised word). */
static int is_name_tok(const token *t) {
  return (t->flags & T_NAME) != 0;
}

/* The keys of tokens [a, b) joined by spaces into buf, and in *hash their
 * strmap_hash: the length, or 0
 * when they do not fit in cap - 1 bytes. *key gets the joined key: buf, or
 * for one token its own key, uncopied. Inline: most joins are of one token,
 * which a call and its register saves cost more than. */
static inline size_t join_keys(attrib_doc *d, uint32_t a, uint32_t b, char *buf, size_t cap, const char **key,
                               uint32_t *hash) {
  if (b == a + 1) {
    const token *t = &TOK(d, a);
    *key = t->key;
    *hash = t->hash;
    return t->key_len + 2 < cap ? t->key_len : 0;
  }
  size_t o = 0;
  for (uint32_t i = a; i < b; i++) {
    token *t = &TOK(d, i);
    if (o + t->key_len + 2 >= cap)
      return 0;
    if (i > a)
      buf[o++] = ' ';
    arena_copy_bytes(buf + o, t->key, t->key_len);
    o += t->key_len;
  }
  buf[o] = '\0';
  *key = buf;
  *hash = strmap_hash(buf, o);
  return o;
}

/* Copies token key k[0, n) to dst, which has 16 bytes of room past n. A
 * key of up to 16 bytes (nearly every word) takes two 8-byte loads and
 * stores and no jump on its length (arena_copy_bytes' jumps on its length
 * class were the text's, and mispredicted): its first and last eight
 * bytes, or for under 8 its first eight twice, read past n as a token's
 * key allows (LEX_KEY_SLACK); the bytes stored past n are left for the
 * next key to overwrite, and key_hash_upto masks them off. */
static inline void put_key(char *dst, const char *k, size_t n) {
  if (n > 16) { /* rare */
    memcpy(dst, k, n);
    return;
  }
  size_t b = n > 8 ? n - 8 : 0;
  uint64_t x, y;
  memcpy(&x, k, 8);
  memcpy(&y, k + b, 8);
  memcpy(dst, &x, 8);
  memcpy(dst + b, &y, 8);
}

/* strmap_hash_upto(st, buf, n) for a buffer with 16 bytes readable past
 * n (longest_entry's): the last 1 to 16 bytes loaded as two whole words
 * and masked to their length (the bytes past n are garbage), where
 * strmap_load_tail jumps on the length class (the text's: a mispredict
 * about one key in three). */
static inline uint32_t key_hash_upto(strmap_stream *st, const char *buf, size_t n) {
  /* the low m bytes of a word, for m = 0 to 8 */
  static const uint64_t low[9] = {0,
                                  UINT64_MAX >> 56,
                                  UINT64_MAX >> 48,
                                  UINT64_MAX >> 40,
                                  UINT64_MAX >> 32,
                                  UINT64_MAX >> 24,
                                  UINT64_MAX >> 16,
                                  UINT64_MAX >> 8,
                                  UINT64_MAX};
  strmap_stream_absorb(st, buf, n);
  size_t done = st->done, m = n - done; /* 1 to 16 */
  uint64_t lo = strmap_le64(buf + done) & low[m < 8 ? m : 8];
  uint64_t hi = strmap_le64(buf + done + 8) & low[m > 8 ? m - 8 : 0];
  return STRMAP_HASH_LAST(st->x, lo, hi, n);
}

/* The longest entry that the tokens from i spell (exact keys), at most
 * `longest` tokens and within the paragraph ending at end, by the walk
 * map of its map (gaz_walk, title_walk): its value in that map, with its
 * length in *ntok; -1 when none. In both its callers (gazetteer and
 * titles): the call and its register saves were a fifth of a look-up. */
static ALWAYS_INLINE int32_t longest_entry(attrib_doc *d, uint32_t i, uint32_t end, int32_t longest,
                                           const strmap *walk, const uint64_t *filter, uint32_t *ntok) {
  const token *t = &TOK(d, i);
  enum { KEY_CAP = 1024 };
  char key[KEY_CAP + 32]; /* room for put_key's and key_hash_upto's 16 bytes past a key */
  if (longest <= 0 || i >= end || t->key_len + 2 >= KEY_CAP)
    return -1;
  uint32_t max = (uint32_t)longest < 255 ? (uint32_t)longest : 255; /* entries have at most 255 tokens */
  if (max > end - i)
    max = end - i;
  /* the first word by its own key; the buffer only for those that go on */
  int32_t v = strmap_get_hashed(walk, t->key, t->key_len, t->hash);
  if (v < 0)
    return -1;
  /* the longest entry so far and its length by selects, not a jump on
   * whether the words so far are one (the text's, and mispredicted one
   * look-up in two); *ntok written once, when there is one */
  int32_t best = (v & (WALK_MORE - 1)) - 1;
  uint32_t nt = 1;
  size_t o = t->key_len;
  if ((v & WALK_MORE) && max >= 2) {
    /* each longer key hashed on from the chunks of the shorter ones */
    strmap_stream st = STRMAP_STREAM_INIT;
    put_key(key, t->key, o);
    for (uint32_t n = 2; n <= max; n++) {
      t = &TOK(d, i + n - 1);
      if (o + t->key_len + 2 >= KEY_CAP)
        break;
      key[o++] = ' ';
      put_key(key + o, t->key, t->key_len);
      o += t->key_len;
      /* most longer keys are none (Trump said): the filter tells it
       * without the map's slot, which is mostly a wait for memory */
      uint32_t h = key_hash_upto(&st, key, o);
      if (!walk_filter_may(filter, h))
        break;
      v = strmap_get_hashed(walk, key, o, h);
      if (v < 0)
        break;
      int32_t e = (v & (WALK_MORE - 1)) - 1;
      nt = e >= 0 ? n : nt;
      best = e >= 0 ? e : best;
      if (!(v & WALK_MORE))
        break;
    }
  }
  if (best >= 0)
    *ntok = nt;
  return best;
}

/* Longest gazetteer entry starting at token i, within the paragraph. */
static const gaz_entry *gaz_at_slow(attrib_doc *d, uint32_t i, uint32_t end, uint32_t *ntok) {
  const attrib_model *m = d->model;
  token *t = &TOK(d, i);
  if (t->kind == TK_HANDLE) {
    int32_t e = strmap_get(&m->gaz, t->key + 1, t->key_len - 1);
    if (e < 0)
      return NULL;
    *ntok = 1;
    return &m->gaz_entries[e];
  }
  if (t->kind != TK_WORD || !(t->flags & (T_CAP | T_ALLCAP)))
    return NULL;
  int32_t e = longest_entry(d, i, end, t->gaz_first, &m->gaz_walk, m->gaz_walk_filter, ntok);
  return e < 0 ? NULL : &m->gaz_entries[e];
}

/* Asked of nearly every token, and nearly every token starts no entry:
 * the answer from the token itself, inline. */
static inline const gaz_entry *gaz_at(attrib_doc *d, uint32_t i, uint32_t end, uint32_t *ntok) {
  const token *t = &TOK(d, i);
  if (t->kind == TK_WORD ? !t->gaz_first : t->kind != TK_HANDLE)
    return NULL;
  return gaz_at_slow(d, i, end, ntok);
}

/* A title (Dr., Prime Minister, CEO) starting at token i: its length, and
 * its gender in *g. 0 when none. */
static uint32_t title_at_slow(attrib_doc *d, uint32_t i, uint32_t end, uint8_t *g) {
  uint32_t n;
  int32_t v =
      longest_entry(d, i, end, TOK(d, i).title_first, &d->model->title_walk, d->model->title_walk_filter, &n);
  if (v < 0)
    return 0;
  *g = (uint8_t)(v & 3);
  return n;
}

/* "OTTAWA —", "CAPE TOWN (Reuters) -": a dateline in capitals names a
 * place the gazetteer knows in title case. NULL when it does not. */
static const gaz_entry *dateline_gaz(attrib_doc *d, const paragraph *pa, uint32_t i, uint32_t *ntok) {
  if (i != pa->tok_first)
    return NULL;
  char key[256];
  size_t kl = 0;
  for (uint32_t n = 1; n <= 3 && i + n < pa->tok_end; n++) {
    const token *t = &TOK(d, i + n - 1);
    if (t->kind != TK_WORD || !(t->flags & T_ALLCAP) || kl + t->key_len + 2 > sizeof key)
      return NULL;
    if (kl)
      key[kl++] = ' ';
    memcpy(key + kl, t->lkey, t->key_len);
    if (key[kl] >= 'a' && key[kl] <= 'z')
      key[kl] = (char)(key[kl] - 32);
    kl += t->key_len;
    const token *x = &TOK(d, i + n);
    if (!(x->kind == TK_PUNCT &&
          (x->key[0] == '-' || x->key[0] == '(' || x->key[0] == ',' || (unsigned char)x->key[0] == 0xE2)))
      continue;
    int32_t e = strmap_get(&d->model->gaz, key, kl);
    if (e < 0)
      return NULL;
    const gaz_entry *g = &d->model->gaz_entries[e];
    if (g->type != ATTRIB_LOCATION && g->type != ATTRIB_COUNTRY)
      return NULL;
    *ntok = n;
    return g;
  }
  return NULL;
}

static inline uint32_t title_at(attrib_doc *d, uint32_t i, uint32_t end, uint8_t *g) {
  return TOK(d, i).title_first ? title_at_slow(d, i, end, g) : 0;
}

static int first_name_gender(attrib_doc *d, const token *t) {
  int v = t->lex & (LEX_NAME_M | LEX_NAME_F);
  if (!v) { /* Marc-André, Anne-Marie: the first part decides */
    const char *h = memchr(t->key, '-', t->key_len);
    if (h && h > t->key) {
      size_t n = (size_t)(h - t->key);
      const lex_rec *r = lexicon_get(&d->model->lex, t->key, n, strmap_hash(t->key, n));
      v = r ? r->flags & (LEX_NAME_M | LEX_NAME_F) : 0;
    }
  }
  return v ? v : -1;
}

static int ends_with(const token *t, const char *suf) {
  size_t n = strlen(suf);
  return t->key_len > n + 2 && memcmp(t->key + t->key_len - n, suf, n) == 0;
}

/* A set of token keys for one document, in its arena: the keys' hashes,
 * keyed by the document's seed (strmap_home says why), with the top bit
 * set (0: an empty slot), and beside them, uncleared,
 * the index of a token with that key: half the memory to clear of slots
 * holding both. A key goes in unless its hash is in already: tokens repeat
 * words, and a hash compared is cheaper than a key (a slot and its token
 * apart). Two keys of one hash are rare, and a look-up that meets one
 * asks a map of the set's whole keys, made the first time (tokset_has). */
typedef struct tokset_keys {
  strmap map; /* key -> 1, its slots on the heap (tokset_free) */
  int made;
} tokset_keys;

typedef struct tokset {
  uint32_t *hash, *tok;
  uint32_t cap, count; /* cap is a power of two */
  tokset_keys *keys;   /* made by tokset_has, when a look-up meets another key of its hash */
} tokset;

static int tokset_alloc(tokset *s, arena *a, uint32_t cap) {
  s->hash = arena_alloc(a, (size_t)cap * sizeof *s->hash);
  s->tok = arena_alloc_raw(a, (size_t)cap * sizeof *s->tok);
  s->cap = cap;
  s->count = 0;
  return s->hash && s->tok ? 0 : -1;
}

/* Room for n keys without growing. 0, or -1 when out of memory. */
static int tokset_init(tokset *s, attrib_doc *d, size_t n) {
  uint32_t cap = 64;
  while ((n + 1) * 4 >= (size_t)cap * 3)
    cap *= 2;
  s->keys = arena_alloc(&d->mem, sizeof *s->keys); /* zeroed: not made */
  if (!s->keys)
    return -1;
  strmap_init_keyed(&s->keys->map, d->seed);
  return tokset_alloc(s, &d->mem, cap);
}

static void tokset_free(tokset *s) {
  if (s->keys)
    strmap_free(&s->keys->map);
}

/* Key hash h as the set keeps it: keyed by seed, never 0 (one OR, where
 * h ? h : 1 took a test and a conditional move; the slot is its low bits,
 * which the OR leaves). */
static inline uint32_t tokset_hash(uint32_t h, uint64_t seed) {
  return strmap_keyed(h, seed) | 0x80000000u;
}

/* The slot of kept hash h in the table hash (mask: its size - 1), or the
 * empty one where it would go. Most keys are in already or new in their
 * first slot, and which of the two (the text decides) takes no branch:
 * (v ^ h) * v, a product of two 32-bit values in 64 bits, is 0 just when v
 * is h or empty. A compiler made two branches of v != h && v. */
static inline uint32_t tokset_probe(const uint32_t *hash, uint32_t h, uint32_t mask) {
  uint32_t e = h & mask, v = hash[e];
  if ((uint64_t)(v ^ h) * v != 0) {
    do
      e = (e + 1) & mask;
    while (hash[e] && hash[e] != h);
  }
  return e;
}
/* tokset_probe of set s */
static inline uint32_t tokset_slot(const tokset *s, uint32_t h) {
  return tokset_probe(s->hash, h, s->cap - 1);
}

/* Doubles the set's room (tokset_put's rare case, out of its loop). 0, or
 * -1 when out of memory. */
static int tokset_grow(tokset *s, attrib_doc *d) {
  tokset old = *s;
  if (old.cap > UINT32_MAX / 4 || tokset_alloc(s, &d->mem, old.cap * 2) != 0)
    return -1;
  s->keys = old.keys;
  for (uint32_t k = 0; k < old.cap; k++)
    if (old.hash[k]) {
      uint32_t e = tokset_slot(s, old.hash[k]);
      s->hash[e] = old.hash[k];
      s->tok[e] = old.tok[k];
    }
  s->count = old.count;
  return 0;
}

/* Adds the key of token t, index i, when its hash is not in yet; grows
 * when that leaves the set three quarters full (so that a look-up always
 * meets an empty slot). 0, or -1 when out of memory. */
static inline int tokset_put(tokset *s, attrib_doc *d, const token *t, uint32_t i) {
  uint32_t h = tokset_hash(t->hash, d->seed), e = tokset_probe(s->hash, h, s->cap - 1), v = s->hash[e];
  /* both cases stored alike: h in its slot, and the token (for a key in
   * already the last token of that hash, which tokset_has reads as well as
   * the first) */
  s->hash[e] = h;
  s->tok[e] = i;
  s->count += v == 0;
  return s->count * 4 >= s->cap * 3 ? tokset_grow(s, d) : 0;
}

/* Which set of build_sets the word t outside quotations goes in. */
enum { SET_NONE, SET_CAP_MID, SET_LOWER };
static inline int token_set(const token *t) {
  uint16_t f = t->flags;
  return (f & T_CAP) && !(f & (T_INITIAL | T_IN_HEADLINE)) ? SET_CAP_MID
         : (f & T_LOWER)                                   ? SET_LOWER
                                                           : SET_NONE;
}

/* Is token t's key one of set which's (as build_sets puts them)? */
static inline int in_set(const token *t, int which) {
  return t->kind == TK_WORD && t->quote < 0 && token_set(t) == which;
}

/* Does set s (SET_*, which) hold key[0, n) (hash h)? The token of its slot
 * tells, unless it has another key of the same hash: then the map of the
 * set's keys does, made once from the tokens (a look at every token for
 * each such look-up was quadratic in a text made of two keys of one hash;
 * it is still how the set answers when memory for the map runs out). */
static int tokset_has(const tokset *s, int which, const attrib_doc *d, const char *key, uint32_t n,
                      uint32_t h) {
  h = tokset_hash(h, d->seed);
  uint32_t e = tokset_slot(s, h);
  if (!s->hash[e])
    return 0;
  const token *t = &TOK(d, s->tok[e]);
  if (t->key_len == n && strmap_same_bytes(t->key, key, n))
    return 1;
  tokset_keys *k = s->keys;
  if (!k->made) {
    k->made = 1;
    for (uint32_t i = 0; i < NTOK(d) && k->made > 0; i++) {
      t = &TOK(d, i);
      if (in_set(t, which) && strmap_put_borrowed(&k->map, t->key, t->key_len, 1) != 0) {
        strmap_free(&k->map);
        k->made = -1;
      }
    }
  }
  if (k->made > 0)
    return strmap_get(&k->map, key, n) >= 0;
  for (uint32_t i = 0; i < NTOK(d); i++) {
    t = &TOK(d, i);
    if (tokset_hash(t->hash, d->seed) == h && in_set(t, which) && t->key_len == n &&
        strmap_same_bytes(t->key, key, n))
      return 1;
  }
  return 0;
}

typedef struct ctx {
  attrib_doc *d;
  tokset cap_mid; /* capitalised words seen inside sentences */
  tokset lower;   /* words seen in lower case */
  vec chunks;
  /* one bit a token: T_ENT_START, so that collect skips the tokens between
   * starts 64 at a time without touching them */
  uint64_t *starts;
  /* for each paragraph, one past its last name token that is an
   * organisation head or suffix (Commission, Ltd), or 0 when none, so that
   * org_run gives up at once on a paragraph rest without one, as most are
   * (build_sets writes it as it passes the heads: no search per paragraph,
   * whose loop over words of a bitmap was mispredicted) */
  uint32_t *para_heads_end;
  /* org_run_slow's walk from a start found no head before this token */
  uint32_t org_none_until;
  /* a bit for each first word of the name keys of two words or more
   * (their bytes up to the first space), by its hash (fw_mask + 1 bits):
   * link_known joins and looks up the spans from a token only when a
   * key may start with its word, as few do */
  uint64_t *first_words;
  uint32_t fw_mask;
  /* persons not of the gazetteer by the first and the last word of their
   * name (of two words or more), for same_person: nodes chained per bucket
   * of the two words' hash (surnames_*). A renamed person gets a node for
   * its new name; the old one stays and fails same_person's test of the
   * name. Entities [0, surname_upto) are in. */
  int32_t *surname_heads; /* bucket -> its first node, or -1 */
  uint32_t surname_mask;  /* buckets - 1 */
  uint32_t surname_upto;
  vec surname_nodes; /* of surname_node */
} ctx;

typedef struct surname_node {
  uint32_t hash;
  int32_t ent, next;
} surname_node;

/* The hash of token t's key up to its first space (the key's own hash,
 * t->hash, when it has none, as nearly every key has none), and in *space
 * whether it has one. */
static inline uint32_t tok_first_word(const token *t, int *space) {
  const char *sp = NULL;
  if (has_byte_below_dot(t->key, t->key_len)) /* rare: a space is a byte below '.' */
    sp = memchr(t->key, ' ', t->key_len);
  *space = sp != NULL;
  return sp ? strmap_hash(t->key, (size_t)(sp - t->key)) : t->hash;
}

/* Notes first word hash h in c->first_words when on (0 or 1): no jump */
static inline void note_first_word(ctx *c, uint32_t h, uint32_t on) {
  c->first_words[(h & c->fw_mask) >> 6] |= (uint64_t)on << (h & 63);
}

/* Notes the first word of a name key of token t alone, or of the keys of
 * t and the tokens after it when multi (0 or 1): one with a space (a
 * token's key has one only when normalised, rarely) or of two words. */
static inline void note_tok_key(ctx *c, const token *t, uint32_t multi) {
  int space;
  uint32_t h = tok_first_word(t, &space);
  note_first_word(c, h, multi | (uint32_t)space);
}

/* Notes the first word of key[0, n) when it has a space. */
static inline void note_key(ctx *c, const char *key, size_t n) {
  const char *sp = memchr(key, ' ', n);
  if (sp)
    note_first_word(c, strmap_hash(key, (size_t)(sp - key)), 1);
}

/* May a name key of two words or more start with a first word of hash h? */
static inline int may_start_name(const ctx *c, uint32_t h) {
  return (int)((c->first_words[(h & c->fw_mask) >> 6] >> (h & 63)) & 1);
}

/* One past the last organisation head or suffix of paragraph p, whose
 * first token is first; first when none. */
static inline uint32_t heads_end(const ctx *c, uint32_t p, uint32_t first) {
  uint32_t j = c->para_heads_end[p];
  return j ? j : first;
}

/* The first token from i on, before end, that may start an entry (the
 * T_ENT_START bit in c->starts); end when none. */
static inline uint32_t next_start(const ctx *c, uint32_t i, uint32_t end) {
  return tokbits_next(c->starts, i, end);
}

static attrib_status oom(attrib_error *err) {
  return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
}

/* ---- entities and mentions ------------------------------------------- */

int32_t doc_new_entity(attrib_doc *d, uint8_t type, const char *name, uint32_t name_ntok,
                       const gaz_entry *g) {
  /* room for the first 16 mentions (vec_push_grow's first size): nearly
   * every entity gets one at once, and the push then grows nothing */
  int32_t *ms = arena_alloc_raw(&d->mem, 16 * sizeof(int32_t));
  entity *e = ms ? vec_push_raw(&d->entities, &d->mem) : NULL;
  if (!e)
    return -1;
  /* every field written, one by one: no clearing first (a compound
   * literal of it was cleared by a rep stos, 11 words, whose start-up
   * costs more than the stores) */
  e->type = type;
  e->gender = 0;
  e->name = name;
  e->name_ntok = name_ntok;
  e->gaz = g;
  e->mentions.data = ms;
  e->mentions.len = 0;
  e->mentions.cap = 16;
  e->mentions.elem = sizeof(int32_t);
  e->byline = 0;
  e->sig_of = NULL;
  e->sig = 0;
  e->body = -1;
  e->body_upto = 0;
  return (int32_t)(d->entities.len - 1);
}

/* doc_new_mention, inline for this file's many mentions. */
static inline int32_t new_mention(attrib_doc *d, uint32_t a, uint32_t b, int32_t ent, uint8_t kind,
                                  uint8_t type, uint8_t gender, uint8_t plural) {
  mention *m = vec_push_raw(&d->mentions, &d->mem); /* every field written below */
  if (!m)
    return -2;
  int32_t mi = (int32_t)(d->mentions.len - 1);
  m->tok_first = a;
  m->tok_end = b;
  m->start = TOK(d, a).start;
  m->end = TOK(d, b - 1).end;
  m->entity = ent;
  m->kind = kind;
  m->type = type;
  m->gender = gender;
  m->plural = plural;
  m->person = 0;
  /* a mention of one or two tokens (most) without a loop, whose trip count
   * was a mispredict one mention in five: its first and last token (the
   * same one for one token; a < b, as for m->end), then any between */
  TOK(d, a).mention = mi;
  TOK(d, b - 1).mention = mi;
  for (uint32_t k = a + 1; k + 1 < b; k++)
    TOK(d, k).mention = mi;
  if (ent >= 0) {
    int32_t *slot = vec_push_raw(&ENTITY(d, ent).mentions, &d->mem);
    if (!slot)
      return -2;
    *slot = mi;
  }
  return mi;
}

int32_t doc_new_mention(attrib_doc *d, uint32_t a, uint32_t b, int32_t ent, uint8_t kind, uint8_t type,
                        uint8_t gender, uint8_t plural) {
  return new_mention(d, a, b, ent, kind, type, gender, plural);
}

/* Registers key -> entity; a key claimed by two entities becomes ambiguous
 * (-2) unless strong, which overrides weak claims. */
/* Alias strengths: a full name beats a surname, which beats a first name
 * or the first word of a company ("Trump" is Donald Trump before it is
 * Trump University). Equal claims by two entities make the key ambiguous. */
enum { CLAIM_WEAK = 1, CLAIM_SURNAME = 2, CLAIM_FULL = 3 };

/* ent_names holds both the entity of a key (-2: ambiguous) and the
 * strength of its claim, in one value: one lookup instead of two maps. */
enum { NAME_PRIO_SHIFT = 29, NAME_ENT_MASK = (1 << NAME_PRIO_SHIFT) - 1 };

static int32_t name_ent(int32_t v) {
  return v < 0 ? -1 : (v & NAME_ENT_MASK) - 2;
}

/* The entity a name key (hash h) refers to: -1 none, -2 ambiguous. */
static int32_t names_get(attrib_doc *d, const char *key, size_t kl, uint32_t h) {
  return name_ent(strmap_get_hashed(&d->ent_names, key, kl, h));
}

static int name_key(attrib_doc *d, const char *key, size_t kl, uint32_t h, int32_t ent, int prio) {
  /* one hash and one probe serve both the look-up and the update */
  strmap *map = &d->ent_names;
  if ((map->count + 1) * 4 >= map->cap * 3 && strmap_grow(map) != 0)
    return -1;
  strmap_slot *sl = strmap_find(map->slots, map->cap, map->seed, key, kl, h);
  int32_t v = sl->key ? sl->value : -1;
  int32_t cur = name_ent(v), cp = v < 0 ? -1 : v >> NAME_PRIO_SHIFT;
  int32_t nc = cur, np;
  if (cur == ent || (cur != -1 && prio < cp)) {
    if (prio <= cp)
      return 0;
    np = prio;
  } else {
    np = prio > cp ? prio : cp;
    nc = cur == -1 || prio > cp ? ent : -2;
  }
  if (nc + 2 > NAME_ENT_MASK)
    return -1; /* half a billion entities */
  if (!sl->key) {
    char *k = arena_alloc_raw(&d->mem, kl + 1); /* arena_strndup, by arena_copy_bytes */
    if (!k)
      return -1;
    arena_copy_bytes(k, key, kl);
    k[kl] = '\0';
    sl->key = k;
    sl->len = (uint32_t)kl;
    sl->hash = h;
    map->count++;
    if (kl > d->name_key_max)
      d->name_key_max = (uint32_t)kl;
  }
  sl->value = (np << NAME_PRIO_SHIFT) | (nc + 2);
  return 0;
}

/* Inline: each of its few callers pushes many mentions (a call cost a
 * third of it), and 1.4 KB of code in all. */
static inline int add_mention(attrib_doc *d, uint32_t a, uint32_t b, int32_t ent, uint8_t kind) {
  entity *e = &ENTITY(d, ent);
  return new_mention(d, a, b, ent, kind, e->type, e->gender, 0) < 0 ? -1 : 0;
}

/* Aliases by which later text refers to an entity named by tokens [a, b).
 * joined (may be NULL) is their keys as join_keys joined them, with
 * joined_len and joined_hash: the caller's join, not made twice. */
static int register_aliases_joined(ctx *c, int32_t ent, uint32_t a, uint32_t b, int from_gaz,
                                   const char *joined, size_t joined_len, uint32_t joined_hash) {
  attrib_doc *d = c->d;
  entity *e = &ENTITY(d, ent);
  char buf[1024];
  const char *key = joined;
  uint32_t h = joined_hash;
  size_t kl = joined ? joined_len : join_keys(d, a, b, buf, sizeof buf, &key, &h);
  if (kl && name_key(d, key, kl, h, ent, CLAIM_FULL) != 0)
    return -1;
  /* every key noted, whether it is new or not (a bit set again), with
   * the first words of the keys below */
  note_tok_key(c, &TOK(d, a), b - a >= 2);
  if (b - a < 2)
    return 0;
  token *first = &TOK(d, a), *last = &TOK(d, b - 1);
  if (e->type == ATTRIB_PERSON) {
    if (name_key(d, last->key, last->key_len, last->hash, ent, CLAIM_SURNAME) != 0)
      return -1;
    note_tok_key(c, last, 0);
    if (first_name_gender(d, first) >= 0 &&
        name_key(d, first->key, first->key_len, first->hash, ent, CLAIM_WEAK) != 0)
      return -1; /* first: noted above */
  } else if (e->type == ATTRIB_ORG) {
    if (!from_gaz && !(first->words & (W_NOT_NAME | W_DET)) && !(TOK(d, a + 1).words & W_CONNECT) &&
        name_key(d, first->key, first->key_len, first->hash, ent, CLAIM_WEAK) != 0)
      return -1; /* first: noted above */
    if ((last->words & (W_ORG_HEAD | W_ORG_SUFFIX)) &&
        name_key(d, last->key, last->key_len, last->hash, ent, CLAIM_WEAK) != 0)
      return -1;
    note_tok_key(c, last, 0);
    /* the prefixes below: of two words or more, from first (noted above) */
    /* "Van der Linde Logistics Group" -> "Van der Linde": the name's
     * distinctive words, before the generic ones */
    for (uint32_t p = a + 2; !from_gaz && p < b && p < a + 6; p++) {
      if (TOK(d, p - 1).words & (W_ORG_HEAD | W_ORG_SUFFIX | W_NOT_NAME | W_DET))
        break;
      if (TOK(d, p - 1).words & W_CONNECT)
        continue;
      kl = join_keys(d, a, p, buf, sizeof buf, &key, &h);
      if (kl && name_key(d, key, kl, h, ent, CLAIM_WEAK) != 0)
        return -1;
    }
    /* initials: National Security Agency -> NSA */
    char ini[16];
    size_t n = 0;
    for (uint32_t i = a; i < b && n + 1 < sizeof ini; i++)
      if (TOK(d, i).flags & T_CAP)
        ini[n++] = TOK(d, i).key[0];
    if (n >= 3 && name_key(d, ini, n, strmap_hash(ini, n), ent, CLAIM_WEAK) != 0)
      return -1;
    if (n >= 3)
      note_key(c, ini, n);
  }
  return 0;
}

static int register_aliases(ctx *c, int32_t ent, uint32_t a, uint32_t b, int from_gaz) {
  return register_aliases_joined(c, ent, a, b, from_gaz, NULL, 0, 0);
}

/* The entity for a gazetteer match: one per canonical name. */
static int32_t gaz_entity(ctx *c, const gaz_entry *g, uint32_t a, uint32_t b) {
  attrib_doc *d = c->d;
  if (g->name_key_len >= 512)
    return -1; /* as it always was: no entity for a canonical name of 511 bytes or more */
  int32_t ent = names_get(d, g->name_key, g->name_key_len, g->name_key_hash);
  if (ent >= 0)
    return ent;
  ent = doc_new_entity(d, g->type, g->canonical, 0, g);
  if (ent < 0 || name_key(d, g->name_key, g->name_key_len, g->name_key_hash, ent, CLAIM_FULL) != 0)
    return -1;
  note_key(c, g->name_key, g->name_key_len);
  /* the canonical's own words name it too: "Commission" for European Commission */
  if (register_aliases(c, ent, a, b, 1) != 0)
    return -1;
  return ent;
}

/* ---- typing chunks ----------------------------------------------------- */

static int seen(const ctx *c, const tokset *m, const token *t, int lower) {
  if (!lower)
    return tokset_has(m, SET_CAP_MID, c->d, t->key, t->key_len, t->hash);
  return t->key_len < 128 && tokset_has(m, SET_LOWER, c->d, t->lkey, t->key_len, tok_lhash(t));
}

/* Words that head descriptions ("Police", "Officials") are no first names. */
#define HEAD_NOUNS_E                                                                                         \
  (W_ROLE | W_DOC_NOUN | W_ORG_NOUN | W_ORG_KIND | W_PERSON_NOUN | W_GROUP_NOUN | W_ORG_HEAD)

static int apposition_role(attrib_doc *d, uint32_t b, uint32_t end);
static int followed_by_cue(attrib_doc *d, uint32_t b, uint32_t end);

/* "Comfort Adjei, a nurse," / "Mere Hohaia, who runs a daycare, said": a
 * sentence-initial common word is a first name when an unknown surname
 * follows and a role or a reporting verb shows the pair is a person. */
static int initial_first_name(ctx *c, const chunk *ch, uint32_t end) {
  attrib_doc *d = c->d;
  const token *t = &TOK(d, ch->a), *s = &TOK(d, ch->a + 1);
  if (ch->b != ch->a + 2 || (t->words & (W_AUX | W_PREP | W_NOT_NAME | W_CONNECT | HEAD_NOUNS_E)) ||
      seen(c, &c->lower, t, 1) || ends_with(t, "ly") || ends_with(t, "ing") || ends_with(t, "ed"))
    return 0;
  if (!(s->flags & T_CAP) || (s->flags & T_ALLCAP) || (s->words & (W_COMMON | W_TITLE_WORD | HEAD_NOUNS_E)) ||
      seen(c, &c->lower, s, 1) || gaz_at(d, ch->a + 1, end, &(uint32_t){0}))
    return 0;
  return apposition_role(d, ch->b, end) || followed_by_cue(d, ch->b, end);
}

/* Drops leading words that are not part of a name: The, Related, and
 * sentence-initial words that the document also uses in lower case. */
static void strip(ctx *c, chunk *ch, uint32_t end) {
  attrib_doc *d = c->d;
  while (ch->a < ch->b) {
    token *t = &TOK(d, ch->a);
    /* "Van der Linde" keeps its capitalised particle; "of", "and" never
     * lead; an organisation opening with a place keeps it ("New York ...") */
    if (((t->words & (W_NOT_NAME | W_STOPCAP | W_DET)) &&
         !(ch->org && gaz_at(d, ch->a, ch->b, &(uint32_t){0}))) ||
        ((t->words & W_CONNECT) && (t->flags & T_LOWER)) ||
        ((t->words & W_TITLE_WORD) && ch->b - ch->a > 1 && first_name_gender(d, t) < 0)) {
      ch->a++;
      continue;
    }
    /* an organisation's own first word may be a common one ("National
     * Republican Senatorial Committee", "Cricket South Africa") */
    if ((t->flags & T_INITIAL) && !ch->after_title && first_name_gender(d, t) < 0 &&
        !seen(c, &c->cap_mid, t, 0) && !initial_first_name(c, ch, end) &&
        (((t->words & W_COMMON) && !ch->org) || seen(c, &c->lower, t, 1) || ends_with(t, "ing") ||
         ends_with(t, "ed") || ends_with(t, "ly"))) {
      ch->a++;
      continue;
    }
    break;
  }
  while (!ch->org && ch->b > ch->a && (TOK(d, ch->b - 1).words & (W_CONNECT | W_STOPCAP)))
    ch->b--;
}

/* Is the chunk followed by ", (a|the)? ... role," (apposition)? */
static int apposition_role(attrib_doc *d, uint32_t b, uint32_t end) {
  if (b >= end || TOK(d, b).kind != TK_PUNCT || TOK(d, b).key[0] != ',')
    return 0;
  /* "Misha Shah, 32, of Chicago": an age */
  if (b + 2 < end && TOK(d, b + 1).kind == TK_NUM && TOK(d, b + 1).key_len <= 3 &&
      TOK(d, b + 2).kind == TK_PUNCT && (TOK(d, b + 2).key[0] == ',' || TOK(d, b + 2).key[0] == '.'))
    return 1;
  for (uint32_t i = b + 1; i < end && i < b + 9; i++) {
    token *t = &TOK(d, i);
    if (t->kind == TK_PUNCT)
      return 0;
    if (t->words & (W_ROLE | W_PERSON_NOUN | W_TITLE_WORD))
      return 1;
    uint8_t g;
    if (title_at(d, i, end, &g))
      return 1;
  }
  return 0;
}

/* Followed by a reporting verb (optionally after auxiliaries, or after a
 * parenthetical ", who runs a cafe in the town,")? */
static int followed_by_cue(attrib_doc *d, uint32_t b, uint32_t end) {
  if (b < end && TOK(d, b).kind == TK_PUNCT && TOK(d, b).key[0] == ',') {
    for (uint32_t k = b + 1; k < end && k < b + 24; k++) {
      token *t = &TOK(d, k);
      if (t->kind == TK_PUNCT && t->key[0] == ',') {
        b = k + 1;
        break;
      }
      if (t->kind == TK_PUNCT && t->key[0] != '-' && t->key[0] != '\'')
        return 0;
    }
  }
  for (uint32_t i = b; i < end && i < b + 3; i++) {
    token *t = &TOK(d, i);
    if (t->cue >= 0) /* said, told; not "the survey shows" */
      return (VEC_AT(d->cues, cue, t->cue).entry->flags & CUE_SPEECH) != 0;
    if (!(t->words & W_AUX) && !ends_with(t, "ly"))
      return 0;
  }
  return 0;
}

/* "..., said Baron." : the name right after a speech verb, closing its clause. */
static int after_cue(attrib_doc *d, uint32_t a, uint32_t b, uint32_t end) {
  if (a == 0 || TOK(d, a - 1).cue < 0 || TOK(d, a - 1).para != TOK(d, a).para)
    return 0;
  if (!(VEC_AT(d->cues, cue, TOK(d, a - 1).cue).entry->flags & CUE_SPEECH))
    return 0;
  /* "said Meenakshi Ganguly of Human Rights Watch": an affiliation may follow */
  if (b + 1 < end && tok_is_lower(&TOK(d, b), "of") && (TOK(d, b).flags & T_LOWER) &&
      (TOK(d, b + 1).flags & T_CAP))
    return 1;
  return b >= end || (TOK(d, b).kind == TK_PUNCT && (TOK(d, b).key[0] == '.' || TOK(d, b).key[0] == ','));
}

/* '"..." ― Ariana Huichapa': a name credited after a quote and a dash,
 * closing its paragraph */
static int quote_credit(attrib_doc *d, uint32_t a, uint32_t b, const paragraph *pa) {
  if (a < pa->tok_first + 2 || TOK(d, a - 2).kind != TK_QUOTE)
    return 0;
  return tok_is_dash(&TOK(d, a - 1)) &&
         (b == pa->tok_end || (b + 1 == pa->tok_end && TOK(d, b).key[0] == '.'));
}

/* "LONDON (Reuters) -", "KELDERHAVEN —": a capitalised place opening a
 * paragraph before a dash or a bracket is a dateline, not a name. */
static int dateline(attrib_doc *d, const paragraph *pa, uint32_t a, uint32_t b) {
  if (a != pa->tok_first || b >= pa->tok_end)
    return 0;
  for (uint32_t i = a; i < b; i++)
    if (!(TOK(d, i).flags & T_ALLCAP))
      return 0;
  token *n = &TOK(d, b);
  return n->kind == TK_PUNCT &&
         (n->key[0] == '-' || n->key[0] == '(' || n->key[0] == ',' || (unsigned char)n->key[0] == 0xE2);
}

/* Type of a chunk from its context, or -1 when the context says nothing. */
static int chunk_type(ctx *c, chunk *ch, uint8_t *gender) {
  attrib_doc *d = c->d;
  uint32_t a = ch->a, b = ch->b, n = b - a;
  paragraph *pa = &VEC_AT(d->paras, paragraph, TOK(d, a).para);
  *gender = 0;
  /* two words or more with an organisation head or suffix: their classes
   * or-ed, the first and last without a loop (most chunks have one or two
   * words: a loop's trip count was a mispredict), then any between */
  if (n >= 2) {
    uint32_t w = TOK(d, a).words | TOK(d, b - 1).words;
    for (uint32_t i = a + 1; i + 1 < b; i++)
      w |= TOK(d, i).words;
    if (ch->org || (w & (W_ORG_SUFFIX | W_ORG_HEAD)))
      return ATTRIB_ORG;
  }
  /* "the Honourable Member": a title before a common noun names no one */
  if (n == 1 && ch->after_title && !ch->byline && !ch->title_gender && /* "Mr. King" is a surname */
      ((TOK(d, a).words & (W_ROLE | W_PERSON_NOUN | W_GROUP_NOUN | W_ORG_NOUN)) ||
       seen(c, &c->lower, &TOK(d, a), 1)))
    return -1;
  /* "More from Sport", "More from Technology": a section, not an author */
  if (ch->byline && !ch->after_title && n == 1 && (TOK(d, a).words & W_COMMON))
    return -1;
  if (ch->after_title || ch->byline) {
    *gender = ch->title_gender;
    return ATTRIB_PERSON;
  }
  int fg = first_name_gender(d, &TOK(d, a));
  if (fg >= 0 && (n >= 2 || followed_by_cue(d, b, pa->tok_end))) {
    /* "Clinton said": a lone name that could be a first name is a surname
     * here, and tells no gender */
    *gender = n >= 2 && fg != (G_MALE | G_FEMALE) ? (uint8_t)fg : 0;
    return ATTRIB_PERSON;
  }
  token *t = &TOK(d, a);
  if (dateline(d, pa, a, b))
    return -1;
  /* "a daycare centre in Gonville.", "near Paarl,": a place the gazetteer
   * does not know, by its preposition */
  if (n == 1 && a > pa->tok_first && (tok_is(&TOK(d, a - 1), "in") || tok_is(&TOK(d, a - 1), "near")) &&
      !(t->flags & (T_INITIAL | T_ALLCAP)) && !(t->words & (W_COMMON | HEAD_NOUNS_E | W_TITLE_WORD)) &&
      !memchr(t->key, '-', t->key_len) && first_name_gender(d, t) < 0 && !seen(c, &c->lower, t, 1) &&
      names_get(d, t->key, t->key_len, t->hash) == -1 &&
      (b >= pa->tok_end || TOK(d, b).kind == TK_PUNCT || (TOK(d, b).flags & T_LOWER)) &&
      !(b < pa->tok_end && (TOK(d, b).flags & T_POSSESSIVE)))
    return ATTRIB_LOCATION;
  if (n == 1 && (t->flags & T_ALLCAP) && t->key_len >= 2 && t->key_len <= 6 &&
      !(t->words & (W_STOPCAP | W_COMMON)))
    return ATTRIB_ORG;
  if (a > pa->tok_first) {
    token *p = &TOK(d, a - 1);
    if ((p->flags & T_LOWER) && (p->words & (W_ROLE | W_PERSON_NOUN | W_TITLE_WORD)))
      return ATTRIB_PERSON;
  }
  if (n >= 2 && n <= 4 && (apposition_role(d, b, pa->tok_end) || followed_by_cue(d, b, pa->tok_end)))
    return ATTRIB_PERSON;
  if (n >= 2 && n <= 4 && quote_credit(d, a, b, pa))
    return ATTRIB_PERSON;
  /* '"...," said Hayati Camlica, who owns a repair shop': a speaker named
   * right after the quote and its verb */
  if (n >= 2 && n <= 4 && after_cue(d, a, b, pa->tok_end) && a >= pa->tok_first + 2 &&
      (TOK(d, a - 2).kind == TK_QUOTE || TOK(d, a - 2).key[0] == ',')) {
    int plain = 1;
    for (uint32_t i = a; i < b && plain; i++)
      plain = !(TOK(d, i).words & (W_COMMON | HEAD_NOUNS_E | W_ORG_SUFFIX));
    if (plain)
      return ATTRIB_PERSON;
  }
  /* "The Secretary General of the Forum, Taniela Fusitu'a, said": a name in
   * apposition right before the verb (not "in the Upper East Region, said") */
  if (n >= 2 && n <= 4 && a > pa->tok_first && TOK(d, a - 1).key[0] == ',' && b + 1 < pa->tok_end &&
      TOK(d, b).key[0] == ',' && TOK(d, b + 1).cue >= 0 &&
      (VEC_AT(d->cues, cue, TOK(d, b + 1).cue).entry->flags & CUE_SPEECH) &&
      !(TOK(d, b - 1).words & W_ORG_HEAD))
    return ATTRIB_PERSON;
  /* "Bunmi Adeyinka spent nine years ... Her second album": a subject of
   * uncommon capitalised words that the next sentence calls he or she */
  /* (also after an opening phrase: "At the hospital, Nirosha Perera sat
   * beside her son. She said", with his/her in the sentence) */
  int opener = (t->flags & T_INITIAL) != 0;
  if (!opener && n >= 2 && n <= 3 && a > pa->tok_first && TOK(d, a - 1).key[0] == ',' && b < pa->tok_end &&
      (TOK(d, b).flags & T_LOWER) && TOK(d, b).kind == TK_WORD) {
    const sentence *se = &VEC_AT(d->sents, sentence, t->sent);
    for (uint32_t i = b; i < se->tok_end && i < b + 8 && !opener; i++)
      opener = (TOK(d, i).words & (W_PRONOUN_M | W_PRONOUN_F)) && (TOK(d, i).flags & T_LOWER);
  }
  if (n >= 2 && n <= 3 && opener && t->sent + 1 < d->sents.len) {
    int plain = 1;
    for (uint32_t i = a; i < b && plain; i++)
      plain = !(TOK(d, i).words & (W_COMMON | HEAD_NOUNS_E | W_TITLE_WORD)) &&
              !(TOK(d, i).flags & T_ALLCAP) && !seen(c, &c->lower, &TOK(d, i), 1);
    const token *nx = &TOK(d, VEC_AT(d->sents, sentence, t->sent + 1).tok_first);
    if (plain && (nx->words & (W_PRONOUN_M | W_PRONOUN_F)) && (nx->flags & T_CAP) &&
        !(nx->flags & T_ALLCAP)) {
      *gender = (nx->words & W_PRONOUN_M) ? G_MALE : G_FEMALE;
      return ATTRIB_PERSON;
    }
  }
  /* "The party's finance critic, Marc Thibault," */
  if (n >= 2 && n <= 4 && a >= pa->tok_first + 2 && TOK(d, a - 1).key[0] == ',' && b < pa->tok_end &&
      (TOK(d, b).key[0] == ',' || TOK(d, b).cue >= 0 || TOK(d, b).key[0] == '.')) {
    for (uint32_t k = a - 1; k > pa->tok_first && k + 6 > a; k--) {
      token *p = &TOK(d, k - 1);
      if (p->kind == TK_PUNCT)
        break;
      if ((p->flags & T_LOWER) && (p->words & (W_ROLE | W_PERSON_NOUN | W_TITLE_WORD)))
        return ATTRIB_PERSON;
    }
  }
  return -1;
}

const char *doc_name_text(attrib_doc *d, uint32_t a, uint32_t b) {
  const char *s = d->copy + TOK(d, a).start;
  size_t n = TOK(d, b - 1).end - TOK(d, a).start;
  /* most names: words one space apart (or none), the text as it is */
  uint32_t k = a + 1;
  for (; k < b; k++) {
    uint32_t gap = TOK(d, k - 1).end, next = TOK(d, k).start;
    if (next > gap + 1 || (next == gap + 1 && d->copy[gap] != ' '))
      break;
  }
  if (k == b)
    return arena_strndup(&d->mem, s, n);
  char *out = arena_alloc_raw(&d->mem, n + 1);
  if (!out)
    return NULL;
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    size_t r = i;
    while (r < n && (s[r] == ' ' || (s[r] >= '\t' && s[r] <= '\r')))
      r++;
    if (r > i) { /* a run of white space: one space */
      out[o++] = ' ';
      i = r;
    } else {
      out[o++] = s[i++];
    }
  }
  out[o] = '\0';
  return out;
}

/* Name bytes from p that spell key, as token keys spell them (a curly
 * apostrophe is a straight one: "O’Brien" is key "O'Brien"); 0 if none. */
static size_t spelled_at(const char *name, size_t nl, size_t p, const char *key, size_t kl, int icase) {
  size_t q = 0;
  while (q < kl && p < nl) {
    char c = name[p];
    size_t w = 1;
    if ((unsigned char)c == 0xE2 && p + 2 < nl && (unsigned char)name[p + 1] == 0x80 &&
        ((unsigned char)name[p + 2] == 0x98 || (unsigned char)name[p + 2] == 0x99)) {
      c = '\'';
      w = 3;
    }
    if (icase ? (c | 0x20) != (key[q] | 0x20) : c != key[q])
      return 0;
    p += w;
    q++;
  }
  return q == kl ? p : 0;
}

/* Does name end with the word key[0, kl) (as token keys spell it)? */
static int name_ends_with(const char *name, const char *key, size_t kl) {
  size_t nl = strlen(name), p = nl;
  while (p > 0 && name[p - 1] != ' ')
    p--;
  return spelled_at(name, nl, p, key, kl, 0) == nl;
}

/* Does name start with the word key[0, kl) (as token keys spell it)? */
static int name_starts_with(const char *name, const char *key, size_t kl) {
  size_t e = spelled_at(name, strlen(name), 0, key, kl, 0);
  return e && name[e] == ' ';
}

/* strmap_hash of the word w[0, n) as token keys spell it (a curly
 * apostrophe is a straight one), in *h: a name's last word hashes as the
 * key it ends with (a token's hash). 0, or -1 when out of memory. */
static int surname_hash(attrib_doc *d, const char *w, size_t n, uint32_t *h) {
  if (!memchr(w, 0xE2, n)) { /* nearly every name */
    *h = strmap_hash(w, n);
    return 0;
  }
  char buf[256], *f = n <= sizeof buf ? buf : arena_alloc_raw(&d->mem, n);
  if (!f)
    return -1;
  size_t m = 0;
  for (size_t p = 0; p < n; p++) {
    if ((unsigned char)w[p] == 0xE2 && p + 2 < n && (unsigned char)w[p + 1] == 0x80 &&
        ((unsigned char)w[p + 2] == 0x98 || (unsigned char)w[p + 2] == 0x99)) {
      f[m++] = '\'';
      p += 2;
    } else {
      f[m++] = w[p];
    }
  }
  *h = strmap_hash(f, m);
  return 0;
}

/* The hash of a name's first and last words, from theirs (surname_hash). */
static inline uint32_t first_last_hash(uint32_t first, uint32_t last) {
  return first * 0x9E3779B1u ^ last;
}

/* A node for person e under the first and last words of its name now; 0,
 * or -1 when out of memory. A name of one word gets none: same_person_named
 * asks for a first name before the last. */
static int surnames_add(ctx *c, int32_t e) {
  attrib_doc *d = c->d;
  const entity *x = &ENTITY(d, e);
  if (x->type != ATTRIB_PERSON || x->gaz)
    return 0;
  if (c->surname_nodes.len >= c->surname_mask) { /* more nodes than buckets: twice the buckets */
    uint32_t mask = c->surname_mask ? c->surname_mask * 2 + 1 : 255;
    int32_t *heads = arena_array_raw(&d->mem, (size_t)mask + 1, sizeof *heads);
    if (!heads)
      return -1;
    memset(heads, 0xFF, ((size_t)mask + 1) * sizeof *heads); /* all -1 */
    for (size_t k = 0; k < c->surname_nodes.len; k++) {
      surname_node *nd = &VEC_AT(c->surname_nodes, surname_node, k);
      size_t b = strmap_home(nd->hash, d->seed, (size_t)mask + 1);
      nd->next = heads[b];
      heads[b] = (int32_t)k;
    }
    c->surname_heads = heads;
    c->surname_mask = mask;
  }
  const char *sp = strchr(x->name, ' ');
  if (!sp)
    return 0;
  size_t nl = strlen(x->name), p = nl;
  while (p > 0 && x->name[p - 1] != ' ')
    p--;
  uint32_t hf, hl;
  surname_node *nd = surname_hash(d, x->name, (size_t)(sp - x->name), &hf) == 0 &&
                             surname_hash(d, x->name + p, nl - p, &hl) == 0
                         ? vec_push_raw(&c->surname_nodes, &d->mem)
                         : NULL;
  if (!nd)
    return -1;
  nd->hash = first_last_hash(hf, hl);
  nd->ent = e;
  size_t b = strmap_home(nd->hash, d->seed, (size_t)c->surname_mask + 1);
  nd->next = c->surname_heads[b];
  c->surname_heads[b] = (int32_t)(c->surname_nodes.len - 1);
  return 0;
}

/* Person e was renamed: a node under its new name, once it is in */
static int surnames_renamed(ctx *c, int32_t e) {
  return (uint32_t)e < c->surname_upto ? surnames_add(c, e) : 0;
}

/* The latest person named first ... last, from the persons under the
 * hash of first and last (a long document has thousands of entities:
 * asking each, for each such name, was quadratic, and so was asking every
 * person of one surname where thousands share it). -1 when there is none,
 * -2 when out of memory. Out of line: an ambiguous surname is rare. */
static NOINLINE int32_t same_person_named(ctx *c, const token *first, const token *last) {
  attrib_doc *d = c->d;
  for (; c->surname_upto < d->entities.len; c->surname_upto++)
    if (surnames_add(c, (int32_t)c->surname_upto) != 0)
      return -2;
  if (!c->surname_heads)
    return -1;
  uint32_t h = first_last_hash(first->hash, last->hash); /* (strmap_hash of their keys) */
  int32_t best = -1;
  for (int32_t k = c->surname_heads[strmap_home(h, d->seed, (size_t)c->surname_mask + 1)]; k >= 0;) {
    const surname_node *nd = &VEC_AT(c->surname_nodes, surname_node, k);
    const entity *x = &ENTITY(d, nd->ent);
    if (nd->ent > best && nd->hash == h && name_starts_with(x->name, first->key, first->key_len) &&
        name_ends_with(x->name, last->key, last->key_len))
      best = nd->ent;
    k = nd->next;
  }
  return best;
}

/* An existing person that tokens [a, b) name again: same surname, and the
 * same first name or none known. -1 when there is none, -2 when out of
 * memory. */
static int32_t same_person(ctx *c, uint32_t a, uint32_t b) {
  attrib_doc *d = c->d;
  token *first = &TOK(d, a), *last = &TOK(d, b - 1);
  int32_t e = names_get(d, last->key, last->key_len, last->hash);
  if (e == -2) /* ambiguous surname: the one with this first name */
    return same_person_named(c, first, last);
  if (e < 0 || ENTITY(d, e).type != ATTRIB_PERSON || ENTITY(d, e).gaz)
    return -1;
  entity *x = &ENTITY(d, e);
  if (x->name_ntok == 1)
    return e;
  return name_starts_with(x->name, first->key, first->key_len) ? e : -1;
}

/* Does name hold the words key[0, kl) (on word boundaries; ASCII letters
 * compared without case when icase)? */
static int name_has_words(const char *name, const char *key, size_t kl, int icase) {
  size_t nl = strlen(name);
  for (size_t p = 0; p < nl; p++) {
    if (p > 0 && name[p - 1] != ' ')
      continue;
    size_t e = spelled_at(name, nl, p, key, kl, icase);
    if (e && (e == nl || name[e] == ' '))
      return 1;
  }
  return 0;
}

int doc_mentioned_sync(attrib_doc *d) {
  if (!d->mentioned) {
    d->mentioned = arena_array(&d->mem, NTOK(d) / 64 + 1, sizeof(uint64_t));
    if (!d->mentioned)
      return -1;
  }
  uint64_t *bits = d->mentioned;
  size_t k = d->mentioned_upto, n = d->mentions.len;
  for (; k < n; k++) {
    const mention *m = &MENTION(d, k);         /* (no pointer to mention 0 of a document with none) */
    uint32_t a = m->tok_first, b = m->tok_end; /* a < b */
    if (a >> 6 == (b - 1) >> 6)                /* in one word of bits (nearly every mention) */
      bits[a >> 6] |= (~0ull >> (64 - (b - a))) << (a & 63);
    else
      for (uint32_t x = a; x < b; x++)
        bits[x >> 6] |= 1ull << (x & 63);
  }
  d->mentioned_upto = n;
  return 0;
}

/* A signature of the words of s[0, n) (split at spaces): one bit of 64 for
 * each, from its bytes as spelled_at compares them without case (OR 0x20;
 * a name's curly apostrophe as a straight one). Every word of a key that
 * name_has_words finds in a name is a word of the name, so a key's bits
 * all in a name's or the name lacks it: a long look back passes most
 * names with one test, not a walk of their bytes. */
static uint64_t words_sig(const char *s, size_t n, int name) {
  uint64_t sig = 0, h = 0;
  for (size_t p = 0; p <= n; p++) {
    if (p == n || s[p] == ' ') {
      if (h)
        sig |= 1ull << ((h * 0x9E3779B97F4A7C15ull) >> 58);
      h = 0;
      continue;
    }
    unsigned char c = (unsigned char)s[p];
    if (name && c == 0xE2 && p + 2 < n && (unsigned char)s[p + 1] == 0x80 &&
        ((unsigned char)s[p + 2] == 0x98 || (unsigned char)s[p + 2] == 0x99)) {
      c = '\'';
      p += 2;
    }
    h = (h ^ (c | 0x20u)) * 0x100000001B3ull + 1; /* + 1: no word hashes to 0 */
  }
  return sig;
}

/* words_sig of entity e's name */
static uint64_t entity_sig(attrib_doc *d, int32_t e) {
  entity *x = &ENTITY(d, e);
  if (x->sig_of != x->name) {
    x->sig = words_sig(x->name, strlen(x->name), 1);
    x->sig_of = x->name;
  }
  return x->sig;
}

/* Does mention m answer doc_recent_named's question? sig: words_sig of
 * the key, or 0 to ask the name itself at once. */
static inline int named_as(attrib_doc *d, const mention *m, const char *key, size_t kl, unsigned kinds,
                           unsigned types, int icase, uint64_t sig) {
  return m->entity >= 0 && ((1u << m->kind) & kinds) && ((1u << m->type) & types) &&
         (!sig || (entity_sig(d, m->entity) & sig) == sig) &&
         name_has_words(ENTITY(d, m->entity).name, key, kl, icase);
}

/* how far ahead (in tokens) doc_recent_named's long look back fetches the
 * tokens in mentions: some ten mentions */
enum { RECENT_AHEAD = 128 };
/* the most mentions doc_recent_named asks: news has at most some 500 in
 * its MAX_BACK tokens (PolNeAR's train articles in one text), and a text
 * made of names ("Kim met Kim. ...") 2000 */
enum { RECENT_MAX_MENTIONS = 1024 };

int32_t doc_recent_named(attrib_doc *d, uint32_t i, const char *key, size_t kl, unsigned kinds,
                         unsigned types, int icase) {
  /* token k - 1 for k from i down to lo, while k > 0 && k + MAX_BACK > i */
  uint32_t lo = i >= MAX_BACK ? i - MAX_BACK + 1 : 1;
  const token *toks = &TOK(d, 0);
  uint32_t k = i;
  if (i >= MAX_BACK && doc_mentioned_sync(d) == 0) {
    /* a look back of MAX_BACK tokens (in a long document, all of them): by
     * the bits, and the names by their signatures. A shorter one (most news
     * articles' all) reads the tokens and names, which costs less than the
     * bits' catching up with every mention */
    uint64_t sig = words_sig(key, kl, 0);
    /* In a long document these tokens are far behind the stage's pass,
     * out of the caches, and each step's address waits for the last
     * step's mention: the bits tell the tokens to come, fetched ahead. */
    const uint64_t *bits = d->mentioned;
#if defined(__GNUC__)
    /* the tokens of the bits' words from pw on are fetched, a word at a
     * time (its set bits one after another, with no search) */
    uint32_t pw = ((k - 1) >> 6) + 1, lw = (lo - 1) >> 6;
#endif
    /* token k - 1: the last in a mention before k, and at lo - 1 or after */
    for (unsigned asked = 0; asked < RECENT_MAX_MENTIONS && (k = tokbits_last(bits, lo - 1, k)) != 0;
         asked++) {
#if defined(__GNUC__)
      while (pw > lw && pw * 64 + RECENT_AHEAD > k)
        for (uint64_t b = bits[--pw]; b; b &= b - 1)
          __builtin_prefetch(&toks[pw * 64 + (uint32_t)__builtin_ctzll(b)]);
#endif
      const mention *m = &MENTION(d, toks[k - 1].mention);
      if (named_as(d, m, key, kl, kinds, types, icase, sig))
        return m->entity;
      k = m->tok_first; /* on before the mention */
    }
    return -1;
  }
  for (unsigned asked = 0; asked < RECENT_MAX_MENTIONS; asked++) {
    /* most tokens are in no mention: four at a time while none is (-1 in all
     * four leaves the sign bit in their AND), then one by one to the token
     * that has one */
    while (k >= lo + 3 &&
           (toks[k - 1].mention & toks[k - 2].mention & toks[k - 3].mention & toks[k - 4].mention) < 0)
      k -= 4;
    while (k >= lo && toks[k - 1].mention < 0)
      k--;
    if (k < lo)
      break;
    const mention *m = &MENTION(d, toks[k - 1].mention);
    if (named_as(d, m, key, kl, kinds, types, icase, 0))
      return m->entity;
    k = m->tok_first; /* on before the mention */
  }
  return -1;
}

/* Links the longest sub-span of [a, b) naming a known entity, repeatedly. */
static int link_known(ctx *c, uint32_t a, uint32_t b) {
  attrib_doc *d = c->d;
  for (uint32_t i = a; i < b;) {
    uint32_t best = 0;
    int32_t ent = -1;
    /* the spans from i joined and hashed once; 1024 bytes hold at most
     * 512 keys and their spaces */
    char buf[1024];
    size_t off[513];
    uint32_t hash[513], fit;
    const char *key = buf;
    const token *t = &TOK(d, i);
    int space;
    /* one word (the most common span), or the first of a span whose
     * longer keys no name key may be (may_start_name: most): its own
     * key, as joined */
    if (b - i == 1 || !may_start_name(c, tok_first_word(t, &space))) {
      key = t->key;
      off[1] = t->key_len;
      hash[1] = t->hash;
      fit = t->key_len + 2 < sizeof buf;
    } else {
      /* no longer than the longest name key (doc_join_prefixes joins a
       * key of n bytes when n + 2 <= cap): a run of name words ("Jo Jo
       * Jo ...") had each of its words join 512 */
      size_t cap = d->name_key_max + 2 < sizeof buf ? d->name_key_max + 2 : sizeof buf;
      fit = doc_join_prefixes(d, i, b - i < 512 ? b - i : 512, 0, buf, cap, off, hash);
    }
    for (uint32_t j = i + fit; j > i; j--) {
      size_t kl = off[j - i];
      int32_t e = names_get(d, key, kl, hash[j - i]);
      if (e == -2)
        e = doc_recent_named(d, i, key, kl, 1u << M_NAME, ~0u, 0);
      if (e >= 0) {
        best = j;
        ent = e;
        break;
      }
    }
    if (ent >= 0) {
      if (add_mention(d, i, best, ent, M_NAME) != 0)
        return -1;
      /* the fullest name seen: "Eugene Kaspersky" over "Kaspersky" */
      entity *e = &ENTITY(d, ent);
      if (!e->gaz && best - i > e->name_ntok && e->type == ATTRIB_PERSON) {
        e->name = doc_name_text(d, i, best);
        e->name_ntok = best - i;
        if (!e->name || surnames_renamed(c, ent) != 0 || register_aliases(c, ent, i, best, 0) != 0)
          return -1;
      }
      i = best;
    } else {
      i++;
    }
  }
  return 0;
}

/* ---- chunking ------------------------------------------------------------ */

static int byline_before(attrib_doc *d, paragraph *pa, uint32_t a) {
  /* "By X" opening a paragraph; "Written by X", "More from X", "(Reporting by X;
   * Editing by Y)" anywhere */
  uint32_t k = a - pa->tok_first;
  if (k == 0)
    return 0;
  token *p = &TOK(d, a - 1);
  if (!(tok_is_lower(p, "by") || tok_is_lower(p, "from")))
    return 0;
  if (k == 1)
    return tok_is_lower(p, "by");
  return (TOK(d, a - 2).words & W_BYLINE) && (TOK(d, a - 2).flags & T_CAP);
}

static int is_boilerplate(attrib_doc *d, paragraph *pa) {
  if (pa->tok_first == pa->tok_end)
    return 0;
  token *t = &TOK(d, pa->tok_first);
  if (!(t->words & W_STOPCAP) || !(t->flags & (T_CAP | T_ALLCAP)))
    return 0;
  /* "More than 2 million workers would ... ." is a sentence: six words or
   * more ending in a full stop are no furniture */
  unsigned words = 0;
  for (uint32_t i = pa->tok_first; i < pa->tok_end; i++)
    words += TOK(d, i).kind == TK_WORD;
  const token *last = &TOK(d, pa->tok_end - 1);
  if (last->kind == TK_QUOTE && pa->tok_end - pa->tok_first >= 2)
    last--;
  return !(words >= 6 && (last->flags & T_SENT_END) && last->kind == TK_PUNCT && last->key[0] != ':');
}

/* A run of capitalised words ending in an organisation head or suffix,
 * read as one name even across place names and demonyms the gazetteer
 * knows: "Dutch Competition Board", "Riverside Medical Center",
 * "Footballers' Welfare Union", "Office of the Budget Officer". Returns
 * its end (exclusive), or 0. gaz_here: a gazetteer entry starts at i
 * (gaz_at), and tn is the length of the title there (title_at): the
 * caller asked both already. */
static uint32_t org_run_slow(ctx *c, uint32_t i, uint32_t end, int gaz_here, uint32_t tn) {
  attrib_doc *d = c->d;
  token *t = &TOK(d, i);
  /* inside a run a start before found no head in: none from here either
   * (the walk takes the same steps from here; "Minister Minister ...", each
   * a title that collect passes one by one, was quadratic) */
  if (i < c->org_none_until)
    return 0;
  /* "New" opens no name, but "New York Police Department" opens with a place */
  if ((t->words & (W_NOT_NAME | W_DET | W_STOPCAP)) && !gaz_here)
    return 0;
  /* a title may open a name only when a longer name follows: "Lady Ridgeway Hospital" */
  if (tn > 0 && (i + tn + 1 >= end || !is_name_tok(&TOK(d, i + tn)) || !is_name_tok(&TOK(d, i + tn + 1))))
    return 0;
  uint32_t last_head = 0, k = i + 1;
  int tail = 0; /* "Commission for Data Protection": what follows of/for is its name too */
  if (t->words & (W_ORG_HEAD | W_ORG_SUFFIX))
    last_head = i + 1;
  while (k < end) {
    token *u = &TOK(d, k);
    if (is_name_tok(u)) {
      if (u->words & (W_ORG_HEAD | W_ORG_SUFFIX))
        last_head = k + 1;
      k++;
      if (tail)
        last_head = k;
      continue;
    }
    int next_cap = k + 1 < end && is_name_tok(&TOK(d, k + 1));
    /* "U.S. Attorney's Office": a possessive inside the name, not after a place */
    uint32_t pn;
    if ((u->flags & T_POSSESSIVE) && next_cap && (TOK(d, k + 1).words & (W_ORG_HEAD | W_ORG_SUFFIX)) &&
        !gaz_at(d, k - 1, end, &pn)) {
      k++;
      continue;
    }
    if (u->kind == TK_QUOTE && u->qm == QM_APOS && next_cap &&
        TOK(d, k - 1).key[TOK(d, k - 1).key_len - 1] == 's' &&
        !(TOK(d, k - 1).words & (W_ORG_HEAD | W_ORG_SUFFIX))) {
      k++; /* Workers' Union; but "Human Services' Office" is two organisations */
      continue;
    }
    /* of/for right after a head: "Ministry of Defence", "Office of the Budget Officer" */
    if ((tok_is(u, "of") || tok_is(u, "for") || tok_is(u, "on")) && (last_head == k || tail) &&
        (next_cap || (k + 2 < end && tok_is(&TOK(d, k + 1), "the") && is_name_tok(&TOK(d, k + 2)))) &&
        !(next_cap && (TOK(d, k + 1).words & W_NOT_NAME))) { /* not "Department for Transport on Tuesday" */
      tail = 1;
      k += next_cap ? 1 : 2;
      continue;
    }
    /* "Union of Shop, Distributive and Retail Staff": a list inside the name */
    if (tail && u->key[0] == ',' && next_cap) {
      uint32_t x = k + 1;
      while (x < end && x < k + 5 && is_name_tok(&TOK(d, x)))
        x++;
      if (x + 1 < end && tok_is(&TOK(d, x), "and") && is_name_tok(&TOK(d, x + 1))) {
        k++;
        continue;
      }
    }
    /* "Ellwood & Partners", "Department for Work and Pensions", "Van der Linde" */
    if (next_cap && (tok_is(u, "&") || (tail && tok_is(u, "and")) ||
                     ((u->words & W_CONNECT) && (u->flags & T_LOWER) && !tok_is(u, "and") &&
                      !tok_is(u, "of") && !tok_is(u, "for")))) {
      k++;
      continue;
    }
    break;
  }
  if (!last_head)
    c->org_none_until = k;
  if (!last_head || last_head - i < 2 || (tn && last_head - i < tn + 2))
    return 0;
  /* a title ends it: "Velder Shipping chief executive" is not in the run anyway */
  return last_head;
}

/* Asked of every token, and most open no name: that answer inline. A run
 * ends after a head or a suffix (a name token, i's own or one the run
 * reaches), or is none: none starts at or after heads_end, one past the
 * paragraph's last head or suffix (heads_end()). */
static inline uint32_t org_run(ctx *c, uint32_t i, uint32_t end, uint32_t heads_end, int gaz_here,
                               uint32_t tn) {
  const token *t = &TOK(c->d, i);
  if (i >= heads_end || !is_name_tok(t) || (t->flags & T_IN_HEADLINE))
    return 0;
  return org_run_slow(c, i, end, gaz_here, tn);
}

/* Out of line (it has one caller): entities_stage inlines its helpers
 * as the compiler's budget allows, and this keeps chunk_type and
 * link_known in it. */
static NOINLINE int collect(ctx *c) {
  attrib_doc *d = c->d;
  token *toks = &TOK(d, 0); /* the tokens stay where they are: no reload of d->toks per token */
  for (uint32_t p = 0; p < d->paras.len; p++) {
    paragraph *pa = &VEC_AT(d->paras, paragraph, p);
    const uint32_t end = pa->tok_end; /* in a register: the stores below might alias pa for the compiler */
    pa->boilerplate = (uint8_t)is_boilerplate(d, pa);
    const uint32_t hend = heads_end(c, p, pa->tok_first);
    uint8_t pending_title = 0, pending_g = 0;
    uint32_t title_start = 0;
    uint32_t i = pa->tok_first;
    for (;;) {
      /* most tokens start no entry, no name and no title: but after a
       * title (which they may end), on to the next token that may start
       * one, by its bit (no jump on whether the token after an entry or a
       * name is one: the text's, and mispredicted) */
      if (!pending_title)
        i = next_start(c, i, end);
      if (i >= end)
        break;
      token *t = &toks[i];
      if (pending_title && !(t->flags & T_ENT_START)) {
        /* "Dr .", but a title stays pending over "The" (see build_sets) */
        if (!(is_name_tok(t) && (t->words & (W_NOT_NAME | W_DET | W_STOPCAP))))
          pending_title = t->kind == TK_PUNCT && t->key[0] == '.';
        i++;
        continue;
      }
      uint32_t n = 0;
      const gaz_entry *g = NULL;
      uint8_t tg = 0;
      uint32_t tn = 0;
      int gaz_here = 0; /* a gazetteer entry here (org_run asks it too) */
      /* a word that starts no entry and no title and is not in capitals
       * (a plain name, most starts): none of the look-ups below, by one
       * jump on the bytes and flag they ask */
      if ((t->gaz_first | t->title_first) || (t->flags & T_ALLCAP) || t->kind != TK_WORD) {
        g = gaz_at(d, i, end, &n);
        gaz_here = g != NULL;
        if (!g && (t->flags & T_ALLCAP))
          g = dateline_gaz(d, pa, i, &n);
        /* the title here, asked once for org_run and the tests below */
        tn = is_name_tok(t) || (t->words & W_TITLE_WORD) ? title_at(d, i, end, &tg) : 0;
      }
      uint32_t run = org_run(c, i, end, hend, gaz_here, tn);
      if (run && (!g || i + n < run)) {
        chunk *ch = vec_push_raw(&c->chunks, &d->mem); /* all of it written here */
        if (!ch)
          return -1;
        *ch = (chunk){.a = i, .b = run, .org = 1, .link_only = pa->headline || pa->boilerplate};
        i = run;
        pending_title = 0;
        continue;
      }
      /* "Senate Majority Leader Mitch McConnell": a longer title before a
       * name beats the organisation at its start */
      if (g && is_name_tok(t) && tn > n && i + tn < end && is_name_tok(&toks[i + tn]))
        g = NULL;
      /* "Takes Leader's Jersey": in a headline a common word is no place */
      if (g && n == 1 && pa->headline && (t->words & W_COMMON))
        g = NULL;
      if (g && !(n == 1 && (t->words & W_NOT_NAME) && (t->flags & T_INITIAL))) {
        int32_t ent = gaz_entity(c, g, i, i + n);
        if (ent < 0 || add_mention(d, i, i + n, ent, M_NAME) != 0)
          return -1;
        i += n;
        pending_title = 0;
        continue;
      }
      if (tn) {
        if (!pending_title)
          title_start = i; /* "Chief Executive", "former Prime Minister" */
        pending_title = 1;
        pending_g = tg;
        i += tn;
        continue;
      }
      if (!is_name_tok(t)) {
        pending_title = (t->kind == TK_PUNCT && t->key[0] == '.' && pending_title); /* "Dr ." */
        i++;
        continue;
      }
      /* "The", "Related": never the start of a name, and a name may follow */
      if (t->words & (W_NOT_NAME | W_DET | W_STOPCAP)) {
        i++;
        continue;
      }
      chunk *ch = vec_push_raw(&c->chunks, &d->mem); /* all of it written here */
      if (!ch)
        return -1;
      /* headlines, furniture and transcript labels ("SORVIK:") only name known entities */
      *ch = (chunk){.a = i,
                    .title = title_start,
                    .after_title = pending_title,
                    .title_gender = pending_g,
                    .link_only = pa->headline || pa->boilerplate || i < pa->label_end};
      pending_title = 0;
      i++;
      while (i < end) {
        token *u = &toks[i];
        uint32_t gn;
        uint8_t g2;
        if (is_name_tok(u)) {
          /* most names' later words start no entry and no title: then
           * none of the tests below holds, and one jump on both bytes
           * tells it (a name token is a word: gaz_at's test of its kind
           * is moot) */
          if (!(u->gaz_first | u->title_first)) {
            i++;
            continue;
          }
          const gaz_entry *ge = u->gaz_first ? gaz_at_slow(d, i, end, &gn) : NULL;
          /* "Sarah Bellingham", "Lucía Montenegro": a first name, then a
           * place name for a surname */
          if (ge && gn == 1 && i == ch->a + 1 && ge->type != ATTRIB_ORG &&
              first_name_gender(d, &toks[ch->a]) >= 0 && !(toks[ch->a].words & W_COMMON) &&
              !gaz_at(d, ch->a, end, &gn)) {
            i++;
            continue;
          }
          /* "Amy Pope said", "Howard Dean, the governor": after a first name, a
           * one-word title that opens no name of its own is the surname */
          uint32_t tn2 = ge ? 0 : title_at(d, i, end, &g2);
          if (tn2 == 1 && i == ch->a + 1 && !ch->after_title && first_name_gender(d, &toks[ch->a]) >= 0 &&
              !(toks[ch->a].words & W_COMMON) && (u->flags & T_CAP) && !(u->flags & T_ALLCAP) &&
              (i + 1 >= end || !is_name_tok(&toks[i + 1]))) {
            i++;
            continue;
          }
          /* "Cricket South Africa said", "NHS England said": a body named
           * for its country, when the whole name is what reports */
          if (ge && (ge->type == ATTRIB_COUNTRY || ge->type == ATTRIB_LOCATION) && i - ch->a <= 2 &&
              !ch->after_title && first_name_gender(d, &toks[ch->a]) < 0 && i + gn < end &&
              toks[i + gn].cue >= 0 && (VEC_AT(d->cues, cue, toks[i + gn].cue).entry->flags & CUE_SPEECH) &&
              !gaz_at(d, ch->a, i, &(uint32_t){0}) &&
              !((toks[ch->a].flags & T_INITIAL) &&
                (ends_with(&toks[ch->a], "ing") || ends_with(&toks[ch->a], "ed") ||
                 ends_with(&toks[ch->a], "ly") || seen(c, &c->lower, &toks[ch->a], 1)))) {
            i += gn;
            ch->org = 1;
            break;
          }
          if (ge || tn2)
            break;
          i++;
          continue;
        }
        /* "Ministry of Defence", "Commission for Data Protection", "van
         * Dijk": a word that connects two names; the rare head before it
         * tested first, as the word's key (its length is the text's: the
         * tests were mispredicted) is only asked of a connecting word */
        uint32_t org = toks[i - 1].words & (W_ORG_HEAD | W_ORG_SUFFIX);
        if (!(u->words & W_CONNECT) && !org)
          break;
        if (org && (tok_is(u, "of") || tok_is(u, "for")) && i + 2 < end && tok_is(&toks[i + 1], "the") &&
            is_name_tok(&toks[i + 2])) {
          i += 2; /* "Office of the Budget Officer" */
          continue;
        }
        if ((u->words & W_CONNECT) && i + 1 < end && is_name_tok(&toks[i + 1]) &&
            (org || (!tok_is(u, "of") && !tok_is(u, "for") && !tok_is(u, "and") && !tok_is(u, "&")))) {
          i++;
          continue;
        }
        break;
      }
      ch->b = i;
    }
  }
  return 0;
}

static NOINLINE int build_sets(ctx *c) {
  attrib_doc *d = c->d;
  /* token keys live as long as the document: the sets borrow them */
  /* sized for a news article; a long document repeats its vocabulary, and
   * a set sized by its tokens would be mostly empty memory to clear */
  size_t n = NTOK(d);
  if (tokset_init(&c->cap_mid, d, (n < 65536 ? n : 65536) / 8 + 16) != 0 ||
      tokset_init(&c->lower, d, (n < 196608 ? n : 196608) * 2 / 3 + 16) != 0 ||
      !(c->starts = arena_alloc(&d->mem, (n / 64 + 1) * sizeof *c->starts)) ||
      !(c->para_heads_end = arena_alloc(&d->mem, (d->paras.len + 1) * sizeof *c->para_heads_end)))
    return -1;
  token *toks = &TOK(d, 0);
  uint64_t *starts = c->starts;
  uint32_t *lh = c->lower.hash, *lt = c->lower.tok, lmask = c->lower.cap - 1;
  /* new keys until tokset_put would grow it (one register, not a count
   * and its limit: the loop has few to spare) */
  uint32_t lleft = c->lower.cap / 4 * 3 - c->lower.count;
  const uint64_t seed = d->seed;
  token *t = toks; /* walks beside i: no index scaled per token */
  /* i a size_t, as n is: no 32-bit counter zero-extended per token */
  for (size_t i = 0; i < n; i++, t++) {
    uint16_t f = t->flags;
    if (t->kind != TK_WORD) { /* no name token (name_tok_test) and in no set */
      if ((f & T_ALLCAP) || (t->words & W_TITLE_WORD) || t->kind == TK_HANDLE) {
        t->flags = f | T_ENT_START;
        starts[i >> 6] |= (uint64_t)1 << (i & 63);
      }
      continue;
    }
    if (f & (T_CAP | T_ALLCAP)) {
      if (name_tok_test(t))
        f |= T_NAME;
      /* a name token of a word that opens no name ("The", "But", "Related":
       * collect steps over it, and past a title too) starts nothing, unless
       * an entry or a title may */
      /* (whether it does is the text's, and a jump on it was mispredicted
       * one capital in three: the bit is set by its value) */
      uint32_t w = t->words, tf = t->title_first != 0, name = (f & T_NAME) != 0;
      uint32_t start = ((f & T_ALLCAP) != 0) | (t->gaz_first != 0) |
                       (tf & (((w & W_TITLE_WORD) != 0) | name)) |
                       (name & ((w & (W_NOT_NAME | W_DET | W_STOPCAP)) == 0));
      f |= (uint16_t)(start * T_ENT_START);
      starts[i >> 6] |= (uint64_t)start << (i & 63);
      if ((f & T_NAME) && (w & (W_ORG_HEAD | W_ORG_SUFFIX)))
        c->para_heads_end[t->para] = (uint32_t)i + 1; /* the tokens come in order */
      t->flags = f;
      /* token_set, by f */
      if ((f & T_CAP) && !(f & (T_INITIAL | T_IN_HEADLINE))) {
        /* the set in place, not in four locals: registers go to the
         * lower-case words' path, which is taken three times as often */
        if (t->quote < 0 && tokset_put(&c->cap_mid, d, t, (uint32_t)i) != 0)
          return -1;
        continue;
      }
    } else if ((t->words & W_TITLE_WORD) || t->gaz_first) {
      /* most words: not capitalised, so no name token and not in cap_mid;
       * and a title word opening no title ("minister") starts nothing */
      if (t->gaz_first || t->title_first) {
        t->flags = f |= T_ENT_START;
        starts[i >> 6] |= (uint64_t)1 << (i & 63);
      }
    }
    /* T_LOWER (bit 2) and a negative quote (its sign bit) in one test and
     * one jump, for every word that gets here */
    if (!(((uint32_t)f << 29) & (uint32_t)t->quote & 0x80000000u))
      continue;
    /* token_set is SET_LOWER: tokset_put, with the set in locals (the compiler reloads fields
     * after each store of a slot, as a slot may be a field) */
    uint32_t h = tokset_hash(t->hash, seed), e = tokset_probe(lh, h, lmask), v = lh[e];
    lh[e] = h; /* as tokset_put: no branch on whether it was in */
    lt[e] = (uint32_t)i;
    lleft -= v == 0;
    if (!lleft) {
      c->lower.count = c->lower.cap / 4 * 3;
      if (tokset_grow(&c->lower, d) != 0)
        return -1;
      lh = c->lower.hash;
      lt = c->lower.tok;
      lmask = c->lower.cap - 1;
      lleft = c->lower.cap / 4 * 3 - c->lower.count;
    }
  }
  c->lower.count = c->lower.cap / 4 * 3 - lleft;
  return 0;
}

/* Pass 3 of entities_stage at token i, next to a cue's first token, unless
 * it comes before *next (visited or passed already; *next then moves past
 * it): a known surname that is also a function word or a verb ("George
 * Will ... Will said", "Ian Read ... said Read"), a capital inside its
 * sentence, becomes a mention. 0, or -1 when out of memory. */
static inline int surname_next_to_cue(attrib_doc *d, token *toks, uint32_t i, uint32_t *next) {
  if (i < *next)
    return 0;
  *next = i + 1;
  token *t = &toks[i];
  if ((t->flags & (T_CAP | T_INITIAL | T_ALLCAP)) != T_CAP || t->kind != TK_WORD ||
      (!(t->words & (W_NOT_NAME | W_AUX)) && t->cue < 0) || t->mention >= 0)
    return 0;
  int32_t e = names_get(d, t->key, t->key_len, t->hash);
  if (e < 0 || ENTITY(d, e).type != ATTRIB_PERSON || ENTITY(d, e).name_ntok < 2)
    return 0;
  paragraph *tp = &VEC_AT(d->paras, paragraph, t->para);
  if ((i + 1 < tp->tok_end && toks[i + 1].cue >= 0) ||
      (i > tp->tok_first && toks[i - 1].cue >= 0 && t->cue < 0)) {
    if (t->cue >= 0)
      t->cue = -1; /* the name, not the verb "read" */
    if (add_mention(d, i, i + 1, e, M_NAME) != 0)
      return -1;
  }
  return 0;
}

/* surname_next_to_cue at the tokens before and after each cue's first
 * token (cues come in text order; nothing before pass 3 changes a cue),
 * in text order and each once, as a cue it clears is the next token's
 * condition. The one after a cue waits for the next cue's, which may come
 * before it (cues at 5 and 6: 4, 5, 6, 7). (A list of candidates made by
 * build_sets from every capital was a mispredicted jump one capital in
 * four.) 0, or -1 when out of memory. */
static NOINLINE int surnames_next_to_cues(attrib_doc *d) {
  size_t nc = d->cues.len;
  if (!nc)
    return 0;
  const cue *cues = &VEC_AT(d->cues, cue, 0);
  token *toks = &TOK(d, 0);
  uint32_t n = NTOK(d), next = 0;
  uint32_t after = UINT32_MAX; /* the token after the last cue's first, or none */
  for (size_t k = 0; k < nc; k++) {
    uint32_t j = cues[k].tok_first;
    if ((after != UINT32_MAX && after + 1 < j && surname_next_to_cue(d, toks, after, &next) != 0) ||
        (j > 0 && surname_next_to_cue(d, toks, j - 1, &next) != 0) ||
        (after != UINT32_MAX && surname_next_to_cue(d, toks, after, &next) != 0))
      return -1;
    after = j + 1 < n ? j + 1 : UINT32_MAX;
  }
  return after != UINT32_MAX ? surname_next_to_cue(d, toks, after, &next) : 0;
}

attrib_status entities_stage(attrib_doc *d, attrib_error *err) {
  ctx c;
  memset(&c, 0, sizeof c);
  c.d = d;
  vec_init(&c.chunks, sizeof(chunk));
  vec_init(&c.surname_nodes, sizeof(surname_node));
  /* news has a mention in about 10 tokens and a chunk in 17 (PolNeAR
   * train): room for one in 8 and one in 12 at once, not the doublings,
   * whose copies a long document's memory holds to its end */
  if (vec_reserve(&d->mentions, &d->mem, NTOK(d) / 8 + 16) != 0 ||
      vec_reserve(&c.chunks, &d->mem, NTOK(d) / 12 + 16) != 0)
    return oom(err);
  attrib_status st = ATTRIB_OK;
  /* about one name key in 20 tokens on news text: the map's size at once,
   * not its doublings and their rehashes. Room for three times that: in a
   * map up to 3/4 full, many look-ups (hits and misses, as the text has
   * them) went on past another key's slot, and the jumps of the probes
   * were mispredicted a third more often (a long document repeats its
   * names: there, the room of one in 20) */
  if (strmap_reserve(&d->ent_names, d->toks.len < 65536 ? d->toks.len / 6 : d->toks.len / 20) != 0)
    return oom(err);
  /* the first words' bits: 4096, or one a token for a long document */
  c.fw_mask = 4095;
  while (c.fw_mask < d->toks.len && c.fw_mask < UINT32_MAX / 4)
    c.fw_mask = c.fw_mask * 2 + 1;
  if (!(c.first_words = arena_alloc(&d->mem, ((size_t)c.fw_mask + 1) / 8)))
    return oom(err);
  if (build_sets(&c) != 0 || collect(&c) != 0) {
    st = oom(err);
    goto done;
  }
  /* Pass 1: chunks whose context types them make entities. */
  for (size_t k = 0; k < c.chunks.len; k++) {
    chunk *ch = &VEC_AT(c.chunks, chunk, k);
    if (ch->a >= ch->b)
      continue;
    paragraph *cpa = &VEC_AT(d->paras, paragraph, TOK(d, ch->a).para);
    strip(&c, ch, cpa->tok_end);
    if (ch->a >= ch->b)
      continue;
    if (byline_before(d, cpa, ch->a)) {
      ch->byline = 1;
      ch->link_only = 0; /* "More from X" under a headline-like line */
    }
    /* headlines and furniture name only known entities, or companies by
     * their legal suffix ("Copyright Acme Limited") */
    if (ch->link_only && !(ch->b - ch->a >= 2 && (TOK(d, ch->b - 1).words & W_ORG_LEGAL)))
      continue;
    char buf[1024];
    const char *key;
    uint32_t h;
    size_t kl = join_keys(d, ch->a, ch->b, buf, sizeof buf, &key, &h);
    if (!kl)
      continue;
    int32_t known = names_get(d, key, kl, h);
    if (known >= 0) {
      if (add_mention(d, ch->a, ch->b, known, M_NAME) != 0) {
        st = oom(err);
        goto done;
      }
      ch->a = ch->b; /* done */
      continue;
    }
    uint8_t g;
    int type = chunk_type(&c, ch, &g);
    if (type < 0)
      continue;
    /* "boss O'Brien" or "Loretta Lynch" first, "Declan O'Brien" or
     * "Loretta E. Lynch" later: one person, under the fuller name */
    if (type == ATTRIB_PERSON && ch->b - ch->a >= 2) {
      int32_t e = same_person(&c, ch->a, ch->b);
      if (e == -2) {
        st = oom(err);
        goto done;
      }
      if (e >= 0) {
        if (ch->b - ch->a > ENTITY(d, e).name_ntok) {
          ENTITY(d, e).name = doc_name_text(d, ch->a, ch->b);
          ENTITY(d, e).name_ntok = ch->b - ch->a;
          if (ENTITY(d, e).name && surnames_renamed(&c, e) != 0) {
            st = oom(err);
            goto done;
          }
        }
        if (!ENTITY(d, e).name || register_aliases_joined(&c, e, ch->a, ch->b, 0, key, kl, h) != 0 ||
            add_mention(d, ch->after_title ? ch->title : ch->a, ch->b, e, M_NAME) != 0) {
          st = oom(err);
          goto done;
        }
        ch->a = ch->b;
        continue;
      }
    }
    const char *name = doc_name_text(d, ch->a, ch->b);
    int32_t ent = name ? doc_new_entity(d, (uint8_t)type, name, ch->b - ch->a, NULL) : -1;
    if (ent < 0 || register_aliases_joined(&c, ent, ch->a, ch->b, 0, key, kl, h) != 0) {
      st = oom(err);
      goto done;
    }
    /* a lone "Clinton" is a surname: only a first name before another word tells */
    if (!g && type == ATTRIB_PERSON && ch->b - ch->a >= 2) {
      int fg = first_name_gender(d, &TOK(d, ch->a));
      if (fg == G_MALE || fg == G_FEMALE)
        g = (uint8_t)fg;
    }
    ENTITY(d, ent).gender = g;
    ENTITY(d, ent).byline = ch->byline;
    /* the mention keeps its title: "Chief Executive Lotte Brandt said" */
    if (add_mention(d, ch->after_title ? ch->title : ch->a, ch->b, ent, M_NAME) != 0) {
      st = oom(err);
      goto done;
    }
    /* "National Commission for Data Protection (CNPD)" defines CNPD */
    if (ch->b + 2 < NTOK(d) && TOK(d, ch->b).key[0] == '(' && (TOK(d, ch->b + 1).flags & T_ALLCAP) &&
        TOK(d, ch->b + 2).key[0] == ')') {
      token *ac = &TOK(d, ch->b + 1);
      if (name_key(d, ac->key, ac->key_len, ac->hash, ent, CLAIM_FULL) != 0) {
        st = oom(err);
        goto done;
      }
      note_tok_key(&c, ac, 0);
    }
    ch->a = ch->b;
  }
  /* The chunks pass 1 left, in order at the front: each copied, and the
   * count moved on by whether it is left (pass 1 decided that, as the
   * text has it, and a jump on it here was mispredicted) */
  size_t left = 0;
  for (size_t k = 0; k < c.chunks.len; k++) {
    VEC_AT(c.chunks, chunk, left) = VEC_AT(c.chunks, chunk, k);
    left += VEC_AT(c.chunks, chunk, k).a < VEC_AT(c.chunks, chunk, k).b;
  }
  /* Pass 2: the rest may only name what pass 1 established. */
  for (size_t k = 0; k < left; k++) {
    chunk *ch = &VEC_AT(c.chunks, chunk, k);
    size_t before = d->mentions.len;
    if (link_known(&c, ch->a, ch->b) != 0) {
      st = oom(err);
      goto done;
    }
    /* "Okafor said" or "said Baron." with no other clue: a person */
    paragraph *cpa = &VEC_AT(d->paras, paragraph, TOK(d, ch->a).para);
    token *t = &TOK(d, ch->a);
    if (d->mentions.len == before && ch->b - ch->a == 1 && !ch->link_only && !(t->flags & T_ALLCAP) &&
        !(t->words & (W_NOT_NAME | W_STOPCAP | W_ORG_HEAD | W_ORG_SUFFIX | W_ROLE)) &&
        !((t->words & W_COMMON) && (t->flags & T_INITIAL)) && !seen(&c, &c.lower, t, 1) &&
        (followed_by_cue(d, ch->b, cpa->tok_end) || after_cue(d, ch->a, ch->b, cpa->tok_end))) {
      int32_t ent = doc_new_entity(d, ATTRIB_PERSON, doc_name_text(d, ch->a, ch->b), 1, NULL);
      if (ent < 0 || !ENTITY(d, ent).name || register_aliases(&c, ent, ch->a, ch->b, 0) != 0 ||
          add_mention(d, ch->a, ch->b, ent, M_NAME) != 0) {
        st = oom(err);
        goto done;
      }
    }
  }
  if (surnames_next_to_cues(d) != 0) /* pass 3 */
    st = oom(err);
done:
  tokset_free(&c.cap_mid);
  tokset_free(&c.lower);
  return st;
}
