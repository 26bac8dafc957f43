/* segment.c: stage 2. Tokens and sentences of each paragraph.
 * Abbreviations (U.K., Mr., Inc., Sept.) keep their period and do not end
 * sentences; possessive 's is split off so "Kaspersky Lab's" still holds the
 * name "Kaspersky Lab". Each word gets its normalised key and word classes.
 * The cues (cues.c) are found here too, a batch of paragraphs at a time. */
#include <stddef.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "doc.h"

/* Classes of a byte: one load answers what the per-byte loops ask of
 * nearly every byte (a letter? which case? a digit? not ASCII?). */
/* BC_JOIN: what may continue a word after its first run of letters and
 * digits (a joiner, a period) */
/* BC_NUMSEP: what may continue a number only (a thousands or time
 * separator): a word ends before it */
enum {
  BC_UP = 1u << 0,
  BC_LO = 1u << 1,
  BC_DIG = 1u << 2,
  BC_HI = 1u << 3,
  BC_JOIN = 1u << 4,
  BC_NUMSEP = 1u << 5
};
#define BC_ALNUM (BC_UP | BC_LO | BC_DIG)
static const uint8_t byte_class[256] = {
    0,      0,      0,       0,       0,      0,      0,      0,      0,         0,       0,         0,
    0,      0,      0,       0,       0,      0,      0,      0,      0,         0,       0,         0,
    0,      0,      0,       0,       0,      0,      0,      0,      0,         0,       0,         0,
    0,      0,      BC_JOIN, BC_JOIN, 0,      0,      0,      0,      BC_NUMSEP, BC_JOIN, BC_JOIN,   0,
    BC_DIG, BC_DIG, BC_DIG,  BC_DIG,  BC_DIG, BC_DIG, BC_DIG, BC_DIG, BC_DIG,    BC_DIG,  BC_NUMSEP, 0,
    0,      0,      0,       0,       0,      BC_UP,  BC_UP,  BC_UP,  BC_UP,     BC_UP,   BC_UP,     BC_UP,
    BC_UP,  BC_UP,  BC_UP,   BC_UP,   BC_UP,  BC_UP,  BC_UP,  BC_UP,  BC_UP,     BC_UP,   BC_UP,     BC_UP,
    BC_UP,  BC_UP,  BC_UP,   BC_UP,   BC_UP,  BC_UP,  BC_UP,  0,      0,         0,       0,         0,
    0,      BC_LO,  BC_LO,   BC_LO,   BC_LO,  BC_LO,  BC_LO,  BC_LO,  BC_LO,     BC_LO,   BC_LO,     BC_LO,
    BC_LO,  BC_LO,  BC_LO,   BC_LO,   BC_LO,  BC_LO,  BC_LO,  BC_LO,  BC_LO,     BC_LO,   BC_LO,     BC_LO,
    BC_LO,  BC_LO,  BC_LO,   0,       0,      0,      0,      0,      BC_HI,     BC_HI,   BC_HI,     BC_HI,
    BC_HI,  BC_HI,  BC_HI,   BC_HI,   BC_HI,  BC_HI,  BC_HI,  BC_HI,  BC_HI,     BC_HI,   BC_HI,     BC_HI,
    BC_HI,  BC_HI,  BC_HI,   BC_HI,   BC_HI,  BC_HI,  BC_HI,  BC_HI,  BC_HI,     BC_HI,   BC_HI,     BC_HI,
    BC_HI,  BC_HI,  BC_HI,   BC_HI,   BC_HI,  BC_HI,  BC_HI,  BC_HI,  BC_HI,     BC_HI,   BC_HI,     BC_HI,
    BC_HI,  BC_HI,  BC_HI,   BC_HI,   BC_HI,  BC_HI,  BC_HI,  BC_HI,  BC_HI,     BC_HI,   BC_HI,     BC_HI,
    BC_HI,  BC_HI,  BC_HI,   BC_HI,   BC_HI,  BC_HI,  BC_HI,  BC_HI,  BC_HI,     BC_HI,   BC_HI,     BC_HI,
    BC_HI,  BC_HI,  BC_HI,   BC_HI,   BC_HI,  BC_HI,  BC_HI,  BC_HI,  BC_HI,     BC_HI,   BC_HI,     BC_HI,
    BC_HI,  BC_HI,  BC_HI,   BC_HI,   BC_HI,  BC_HI,  BC_HI,  BC_HI,  BC_HI,     BC_HI,   BC_HI,     BC_HI,
    BC_HI,  BC_HI,  BC_HI,   BC_HI,   BC_HI,  BC_HI,  BC_HI,  BC_HI,  BC_HI,     BC_HI,   BC_HI,     BC_HI,
    BC_HI,  BC_HI,  BC_HI,   BC_HI,   BC_HI,  BC_HI,  BC_HI,  BC_HI,  BC_HI,     BC_HI,   BC_HI,     BC_HI,
    BC_HI,  BC_HI,  BC_HI,   BC_HI,   BC_HI,  BC_HI,  BC_HI,  BC_HI,  BC_HI,     BC_HI,   BC_HI,     BC_HI,
    BC_HI,  BC_HI,  BC_HI,   BC_HI,
};

static inline UChar32 cp_at(const char *s, uint32_t i, uint32_t end, uint32_t *next) {
  unsigned char b = (unsigned char)s[i];
  if (b < 0x80) { /* most of the text: no decoding */
    *next = i + 1;
    return b;
  }
  UChar32 c;
  int32_t k = (int32_t)i;
  U8_NEXT((const uint8_t *)s, k, (int32_t)end, c);
  *next = (uint32_t)k;
  return c;
}

static int is_quote_cp(UChar32 c) {
  switch (c) {
  case '"':
  case '\'':
  case 0x201C: /* “ */
  case 0x201D: /* ” */
  case 0x2018: /* ‘ */
  case 0x2019: /* ’ */
  case 0x00AB: /* « */
  case 0x00BB: /* » */
  case 0x201E: /* „ */
  case 0x201A: /* ‚ */
  case 0x2039: /* ‹ */
  case 0x203A: /* › */
  case 0x201F:
  case 0x201B:
  case 0x2032: /* prime, sometimes used as a quote */
  case 0x2033:
    return 1;
  default:
    return 0;
  }
}

static int is_apos(UChar32 c) {
  return c == '\'' || c == 0x2019 || c == 0x02BC;
}

static int is_word_cp_icu(UChar32 c) {
  int8_t t = u_charType(c);
  return u_isalnum(c) || t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK;
}

static inline int is_word_cp(UChar32 c) {
  if (c < 0)
    return 0;
  if (c < 0x80)
    return (byte_class[c] & BC_ALNUM) != 0;
  return is_word_cp_icu(c); /* the rest of Unicode */
}

static int is_hyphen(UChar32 c) {
  return c == '-' || c == 0x2010 || c == 0x2011;
}

/* What a word's ASCII letters and digits give as they are scanned: the
 * hash of the run, the byte classes seen, the upper-case letters (a count, or
 * after first_run only not 0 when there are some). */
typedef struct run_acc {
  uint32_t h;
  unsigned seen;
  uint32_t upper;
  uint16_t fl; /* case flags of the run (first_run): T_CAP or T_LOWER, and T_ALLCAP */
  /* the run's lower-case key and its hash (first_run): the run itself with
   * no capital; else a copy, or NULL when first_run left it to lower_copy */
  const char *lkey;
  uint32_t lh;
} run_acc;
_Static_assert(T_CAP == 1 && T_LOWER == 4 && T_ALLCAP == 2, "first_run takes the case flags by shifts");

/* The case flags of a run from its first byte's and r's counts */
static inline uint16_t run_case(uint16_t first_case, const run_acc *r) {
  return (uint16_t)(first_case | (r->upper >= 2 && !(r->seen & BC_LO) ? T_ALLCAP : 0));
}

/* The default of a switch on n, 1 <= n <= 15 there: no bounds test before
 * the jump table */
#if defined(__GNUC__)
#define SWITCH_NONE() __builtin_unreachable()
#else
#define SWITCH_NONE() break
#endif

/* Scans the ASCII letters and digits from s[j] (before end) into r's
 * classes and capitals (not its hash) and returns where they stop. Its own
 * loop on locals, so that the compiler keeps them in registers rather
 * than in the tokenizer's stack frame. */
static inline uint32_t ascii_run(const unsigned char *s, uint32_t j, uint32_t end, run_acc *r) {
  uint32_t upper = r->upper;
  unsigned seen = r->seen;
  while (j < end) {
    unsigned cl = byte_class[s[j]];
    if (!(cl & BC_ALNUM))
      break;
    j++;
    seen |= cl;
    upper += cl & BC_UP;
  }
  r->seen = seen;
  r->upper = upper;
  return j;
}

/* Skips the ASCII letters and digits from s[j] (before end): the rest of
 * a word broken by a joiner, whose hash and case finish_token works out. */
static inline uint32_t skip_alnum(const unsigned char *s, uint32_t j, uint32_t end) {
  while (j < end && (byte_class[s[j]] & BC_ALNUM))
    j++;
  return j;
}

#if defined(__SSE2__)
/* 16 bytes 0xFF then 16 bytes 0: at 16 - n, the mask of a vector's first n bytes */
static const unsigned char first_bytes[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                              0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

/* The bytes of x from lo to lo + span, as a mask: x - lo <= span
 * unsigned, that is min(x - lo, span) == x - lo */
static inline __m128i bytes_in(__m128i x, char lo, char span) {
  __m128i d = _mm_sub_epi8(x, _mm_set1_epi8(lo));
  return _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(span)), d);
}

/* strmap_hash of a key of n < 16 bytes held zero-padded in w: its one
 * chunk, no load of its bytes and no loop; its constants xor-ed in the
 * vector (STRMAP_HASH_LAST), not in registers the tokenizer's loop needs */
static inline uint32_t hash_vec(__m128i w, unsigned n) {
  char b[16];
  w = _mm_xor_si128(w, _mm_set_epi64x((long long)STRMAP_S2, (long long)STRMAP_S0));
  _mm_storeu_si128((__m128i *)(void *)b, w);
  return (uint32_t)STRMAP_MUM(strmap_le64(b), strmap_le64(b + 8) ^ n);
}
#endif

/* Is the word s[a, b) (no period; s[b] is one) listed as an abbreviation?
 * Its key with the period is s[a, b + 1), read and hashed in place. Words
 * of 63 bytes and more never are. Not inlined: few words end in a period,
 * and inside the tokenizer's loop its lookup takes registers that every
 * word pays for (0.5% more instructions when GCC inlined it). padded: 16
 * bytes can be read at s[a] (a document's copy, see tokenize), and a key
 * of under 16 bytes is hashed and padded from one vector, not by
 * strmap_hash's loop and a copy. */
NOINLINE static int is_abbrev(const attrib_model *m, const char *s, uint32_t a, uint32_t b, int padded) {
  uint32_t n = b - a + 1, h;
  if (n >= 64)
    return 0;
  /* a short key in a buffer with the slack a lookup reads: s may be any
   * caller's text (segment_tokenize), not a document's padded copy */
  _Static_assert(LEX_KEY_SLACK <= 16, "k has a lookup's slack");
  char k[16];
  const char *key = s + a;
#if defined(__SSE2__)
  if (padded && n < 16) {
    __m128i w = _mm_and_si128(_mm_loadu_si128((const __m128i *)(const void *)key),
                              _mm_loadu_si128((const __m128i *)(const void *)(first_bytes + 16 - n)));
    h = hash_vec(w, n);
    _mm_storeu_si128((__m128i *)(void *)k, w); /* zero-padded */
    key = k;
  } else
#endif
  {
    (void)padded;
    h = strmap_hash(key, n);
    if (n <= LEX_INLINE) {
      memset(k, 0, sizeof k);
      memcpy(k, key, n);
      key = k;
    }
  }
  if (!lexicon_may_have_dotted(&m->lex, h))
    return 0;
  const lex_rec *r = lexicon_get(&m->lex, key, n, h);
  return r && (r->words & W_ABBREV);
}

#if defined(__SSE2__)
/* first_run of a word at s[i] when 16 bytes can be read there, and the
 * run stops at end (s[end] is no letter or digit, or end - i >= 16): the
 * classes of all 16 come at once, and a run shorter than 16 bytes is
 * hashed from the same vector, its bytes masked: no loop, no switch on
 * its length; with a capital, its lower-case copy (in a) is that vector
 * lower-cased. */
static ALWAYS_INLINE uint32_t first_run16(const unsigned char *s, uint32_t i, uint32_t end, run_acc *r,
                                          arena *a) {
  __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
  unsigned md = (unsigned)_mm_movemask_epi8(bytes_in(x, '0', 9));
  unsigned mu = (unsigned)_mm_movemask_epi8(bytes_in(x, 'A', 25));
  unsigned ml = (unsigned)_mm_movemask_epi8(bytes_in(x, 'a', 25));
  /* at most 16: the complement of the 16-bit masks has bit 16 */
  unsigned n = (unsigned)__builtin_ctz(~(md | mu | ml));
  unsigned keep = (1u << n) - 1;
  mu &= keep;
  ml &= keep;
  uint16_t first_case = (uint16_t)(T_LOWER >> ((mu & 1) * 2)); /* T_CAP is 1, T_LOWER 4 */
  if (n == 16) {                                               /* the word goes on: count as ascii_run does */
    r->seen = ml ? BC_LO : 0;                                  /* the only class asked of seen */
    r->upper = (mu != 0) + ((mu & (mu - 1)) != 0);             /* none, one, or more */
    uint32_t j = ascii_run(s, i + 16, end, r);
    r->h = strmap_hash((const char *)s + i, j - i);
    r->fl = run_case(first_case, r);
    r->lkey = r->upper ? NULL : (const char *)s + i;
    r->lh = r->h;
    return j;
  }
  /* all capitals: two upper-case letters or more, no lower-case one */
  r->upper = mu;
  r->fl = (uint16_t)(first_case | (unsigned)((mu & (mu - 1)) != 0 && !ml) << 1);
  __m128i m = _mm_loadu_si128((const __m128i *)(const void *)(first_bytes + 16 - n));
  r->h = r->lh = hash_vec(_mm_and_si128(x, m), n);
  r->lkey = (const char *)s + i;
  if (mu) { /* alnum bytes lower-case by | 0x20; zero-padded, its NUL in */
    __m128i lx = _mm_and_si128(_mm_or_si128(x, _mm_set1_epi8(0x20)), m);
    char *q = arena_alloc_raw(a, 16); /* NULL: lower_copy fails too */
    if (q)
      _mm_storeu_si128((__m128i *)(void *)q, lx);
    r->lkey = q;
    r->lh = hash_vec(lx, n);
  }
  return i + n;
}
#endif

/* The first run of ASCII letters and digits of a word, from s[i] (itself
 * one) before end, into r; returns where it stops. When 16 bytes can be
 * read at s[i] (padded: a document's copy, whose paragraph ends before a
 * byte that is no letter or digit; else 16 bytes before end),
 * first_run16 does it, lower-case copy included (a run of 16 bytes or
 * more with a capital, or one near end, leaves that to lower_copy:
 * r->lkey NULL). */
static inline uint32_t first_run(const unsigned char *s, uint32_t i, uint32_t end, int padded, run_acc *r,
                                 arena *a) {
#if defined(__SSE2__)
  /* one path for a word anywhere (its paragraph's last bytes too, with
   * more text after them): whether the paragraph ends within 16 bytes is
   * the text's choice, and a test of it was mispredicted; its run stops
   * there by itself (s[end]) */
  if (padded || end - i >= 16)
    return first_run16(s, i, end, r, a);
#else
  (void)padded, (void)a;
#endif
  unsigned cl = byte_class[s[i]];
  r->seen = cl;
  r->upper = cl & BC_UP;
  uint32_t j = ascii_run(s, i + 1, end, r);
  r->h = strmap_hash((const char *)s + i, j - i);
  r->fl = run_case((cl & BC_UP) ? T_CAP : T_LOWER, r);
  r->lkey = r->upper ? NULL : (const char *)s + i;
  r->lh = r->h;
  return j;
}

/* The bytes to allocate for a token's key of n bytes and its NUL: at
 * least the LEX_KEY_SLACK that a lexicon lookup reads */
static inline size_t key_room(uint32_t n) {
  return (size_t)n + 1 > LEX_KEY_SLACK ? (size_t)n + 1 : LEX_KEY_SLACK;
}

/* Until mark_sentence gives a token its sentence, its sent field holds the
 * hash of its lower-case key (segment.c only): the lexicon prefetch and
 * lookup of that key need it, and computing it once, while the key is
 * copied, spares two more passes over the word. */
#define LHASH(t) ((t)->sent)

/* Until mark_token gives a token its sentence, its qm field (the quotes
 * stage's, which comes later) holds what the sentence loop asks of it
 * (segment.c only), worked out where its kind and key are at hand (the
 * tokenizer, or the loop that finishes the rest), so that the loop tests
 * none of it with a branch: SC_WORD, a word, number or handle (it takes
 * the initial mark, T_INITIAL, and clears it); SC_KEEP, any other token
 * (it leaves the mark as it is); SC_OPENS, a token after which the next
 * word is an initial one (a quotation mark with a space before it; a
 * colon or a dash, as in "Related: X" or "- Item"); SC_CAND, a token that
 * may end a sentence (a mark is_terminal decides on, E2 an ellipsis, a
 * dash or a curly mark; an abbreviation). SC_QUOTE, a quotation mark,
 * becomes SC_OPENS or nothing once its T_SPACE_BEFORE is known. */
#define SENT_CLASS(t) ((t)->qm)
enum { SC_CAND = 1, SC_OPENS = 2, SC_KEEP = 4, SC_WORD = 8, SC_QUOTE = 16 };
_Static_assert((unsigned)SC_WORD == T_INITIAL && SC_KEEP * 2u == T_INITIAL && SC_OPENS * 4u == T_INITIAL,
               "mark_token moves the class bits to T_INITIAL's");
/* cls with SC_QUOTE made SC_OPENS when flags have T_SPACE_BEFORE, or dropped */
static inline uint8_t sent_class_spaced(unsigned cls, unsigned flags) {
  unsigned q = cls / SC_QUOTE & 1;
  return (uint8_t)((cls & ~(unsigned)SC_QUOTE) | (q & flags / T_SPACE_BEFORE) * SC_OPENS);
}
/* SC_OPENS and SC_CAND of a mark (TK_PUNCT) by its key's first byte;
 * SC_QUOTE of an ASCII quotation mark (the tokenizer's TK_QUOTE) */
static const uint8_t mark_class[256] = {['.'] = SC_CAND,  ['!'] = SC_CAND,  ['?'] = SC_CAND,
                                        [':'] = SC_OPENS, ['-'] = SC_OPENS, [0xE2] = SC_OPENS | SC_CAND,
                                        ['"'] = SC_QUOTE, ['\''] = SC_QUOTE};
/* The sentence class of finished token t */
static inline uint8_t sent_class(const token *t) {
  if (t->kind == TK_QUOTE)
    return sent_class_spaced(SC_KEEP | SC_QUOTE, t->flags);
  if (t->kind == TK_PUNCT)
    return (uint8_t)(SC_KEEP | (mark_class[(unsigned char)t->key[0]] & (SC_OPENS | SC_CAND)));
  return (t->flags & T_ABBREV) ? SC_WORD | SC_CAND : SC_WORD;
}

/* s[0, n) with ASCII A-Z lower-cased, NUL-terminated, in a; its
 * strmap_hash in *h. NULL when out of memory. */
static inline char *lower_copy(arena *a, const char *s, uint32_t n, uint32_t *h) {
  char *p = arena_alloc_raw(a, key_room(n));
  if (!p)
    return NULL;
  for (uint32_t k = 0; k < n; k++) {
    unsigned c = (unsigned char)s[k];
    p[k] = (char)(c + ((byte_class[c] & BC_UP) << 5)); /* BC_UP is 1: + 32 */
  }
  p[n] = '\0';
  *h = strmap_hash(p, n);
  return p;
}

/* The lower-case key of the run s[0, n) that first_run scanned into r,
 * its hash in *h: first_run's, or a lower_copy when it left that (r->lkey
 * NULL). NULL when out of memory. */
static inline const char *run_lkey(arena *a, const char *s, uint32_t n, const run_acc *r, uint32_t *h) {
  if (r->lkey) {
    *h = r->lh;
    return r->lkey;
  }
  return lower_copy(a, s, n, h);
}

/* strmap_hash of the 3-byte key x y z, as a constant expression */
#define HASH_3(x, y, z) STRMAP_HASH8((x) | (y) << 8 | (z) << 16, 3)
/* strmap_hash of each one-byte ASCII key (the marks): a load, not a multiply */
#define HASH_1x4(b)                                                                                          \
  STRMAP_HASH8(b, 1), STRMAP_HASH8((b) + 1, 1), STRMAP_HASH8((b) + 2, 1), STRMAP_HASH8((b) + 3, 1)
#define HASH_1x16(b) HASH_1x4(b), HASH_1x4((b) + 4), HASH_1x4((b) + 8), HASH_1x4((b) + 12)
static const uint32_t byte_hash[128] = {HASH_1x16(0),  HASH_1x16(16), HASH_1x16(32), HASH_1x16(48),
                                        HASH_1x16(64), HASH_1x16(80), HASH_1x16(96), HASH_1x16(112)};
#undef HASH_1x16
#undef HASH_1x4

/* A mark E2 80 xx: its key (model_norm_key's form) and kind. */
typedef struct mark_key {
  char key[LEX_KEY_SLACK]; /* padded: a lexicon lookup reads that much */
  uint32_t hash;
  uint8_t len, kind, cls; /* cls: its sent_class */
} mark_key;
static const mark_key curly_marks[6] = {
    {"'", STRMAP_HASH8('\'', 1), 1, TK_QUOTE, SC_KEEP | SC_QUOTE},                         /* ‘ */
    {"'", STRMAP_HASH8('\'', 1), 1, TK_QUOTE, SC_KEEP | SC_QUOTE},                         /* ’ */
    {"\xE2\x80\x9C", HASH_3(0xE2, 0x80, 0x9C), 3, TK_QUOTE, SC_KEEP | SC_QUOTE},           /* “ */
    {"\xE2\x80\x9D", HASH_3(0xE2, 0x80, 0x9D), 3, TK_QUOTE, SC_KEEP | SC_QUOTE},           /* ” */
    {"\xE2\x80\x93", HASH_3(0xE2, 0x80, 0x93), 3, TK_PUNCT, SC_KEEP | SC_OPENS | SC_CAND}, /* – */
    {"\xE2\x80\x94", HASH_3(0xE2, 0x80, 0x94), 3, TK_PUNCT, SC_KEEP | SC_OPENS | SC_CAND}, /* — */
};
/* The mark E2 80 c3, when it is one of curly_marks. */
static inline const mark_key *curly_mark(unsigned c3) {
  switch (c3) {
  case 0x98:
    return &curly_marks[0];
  case 0x99:
    return &curly_marks[1];
  case 0x9C:
    return &curly_marks[2];
  case 0x9D:
    return &curly_marks[3];
  case 0x93:
    return &curly_marks[4];
  case 0x94:
    return &curly_marks[5];
  default:
    return NULL;
  }
}

/* Could the ASCII byte b after a word's first run continue the word (a
 * joiner, a period, a number's separator after a number), or is it beyond
 * ASCII? When not, the word is that run (a word before a comma too). */
static inline int may_continue(unsigned b, int numeric) {
  return (byte_class[b] & (BC_HI | BC_JOIN | (numeric ? BC_NUMSEP : 0))) != 0;
}

/* Where the tokenizer appends: the next token and the end of the room in
 * locals, so that a push is a compare and a bump, not a reload of the vec
 * through its pointer (-0.5% instructions). The vec's len follows when
 * the tokenizer is done (on failure it is left behind: the caller gives
 * up on the text). */
typedef struct tok_out {
  vec *v;
  token *next, *end; /* NULL while the vec has no storage */
  token *first;      /* the paragraph's first token */
  size_t first_idx;
  /* T_SPACE_BEFORE when bytes were skipped since the last token (or there
   * is none yet): the next token's, with no test of its predecessor's end */
  uint16_t gap;
} tok_out;

static void tok_start(tok_out *o, vec *v) {
  token *base = v->data;
  o->v = v;
  o->first_idx = v->len;
  o->next = o->first = base ? base + v->len : NULL;
  o->end = base ? base + v->cap : NULL;
  o->gap = T_SPACE_BEFORE;
}

/* Bytes between tokens are skipped: the last token has a space after it,
 * and the next one a space before it */
static inline void tok_skip(tok_out *o) {
  if (o->next != o->first)
    o->next[-1].flags |= T_SPACE_AFTER;
  o->gap = T_SPACE_BEFORE;
}

/* The vec's len from o (0 while it has no storage) */
static inline size_t tok_len(const tok_out *o) {
  return o->v->data ? (size_t)(o->next - (token *)o->v->data) : 0;
}

/* A push with no room left: the vec grows (vec_push_grow) and o follows */
NOINLINE static token *tok_grow(tok_out *o, arena *a) {
  vec *v = o->v;
  v->len = tok_len(o);
  token *t = vec_push_grow(v, a);
  if (!t)
    return NULL;
  o->first = (token *)v->data + o->first_idx;
  o->next = t + 1;
  o->end = (token *)v->data + v->cap;
  return t;
}

/* Skips the space at s[i] after the token just pushed, when there is one
 * (", "), with no jump on whether (the text's choice) where s[i] can be
 * read (padded: see tokenize); returns where the next token may start */
static inline uint32_t skip_space_after(tok_out *o, const unsigned char *s, uint32_t i, uint32_t end,
                                        int padded) {
  unsigned sp = (padded || i < end) && s[i] == ' ';
  o->next[-1].flags |= (uint16_t)(sp * T_SPACE_AFTER);
  o->gap = (uint16_t)(sp * T_SPACE_BEFORE);
  return i + sp;
}

/* Appends a token of the paragraph, with its T_SPACE_BEFORE (o->gap: its
 * predecessor's T_SPACE_AFTER was set where the bytes between were
 * skipped, tok_skip; the last token's is left to segment_tokenize); a
 * whole word's key, hashes and case come with it: one store of every
 * field, no patching after. */
static inline int push_word(tok_out *o, arena *a, uint32_t start, uint32_t end, uint8_t kind, uint32_t para,
                            const char *key, uint32_t hash, const char *lkey, uint32_t lhash, uint16_t flags,
                            uint8_t cls) {
  token *t = o->next;
  if (t < o->end)
    o->next = t + 1;
  else if (!(t = tok_grow(o, a)))
    return -1;
  flags |= o->gap;
  o->gap = 0;
  *t = (token){.start = start,
               .end = end,
               .key = key,
               .key_len = end - start,
               .hash = hash,
               .lkey = lkey,
               .sent = lhash, /* LHASH */
               .kind = kind,
               .para = para,
               .flags = flags,
               .qm = sent_class_spaced(cls, flags), /* SENT_CLASS */
               .quote = -1,
               .cue = -1,
               .mention = -1};
  return 0;
}

/* The tokens a paragraph left to finish_token: how many, and the index
 * of the first (when n > 0) */
typedef struct tok_todo {
  int n;
  size_t first;
} tok_todo;

/* Appends a token whose key, hashes and case finish_token works out
 * later (counted in *todo). */
static inline int push_tok(tok_out *o, arena *a, uint32_t start, uint32_t end, uint8_t kind, uint32_t para,
                           tok_todo *todo) {
  if (todo->n++ == 0)
    todo->first = tok_len(o);
  return push_word(o, a, start, end, kind, para, NULL, 0, NULL, 0, 0, 0);
}

/* The keys 's and 'S, padded: a lexicon lookup reads LEX_KEY_SLACK bytes */
static const char key_s[LEX_KEY_SLACK] = "'s", key_S[LEX_KEY_SLACK] = "'S";

/* segment_tokenize, its tokens left to finish_token in *todo. padded (a
 * constant of each caller): s is a document's copy and [start, end) one
 * of its paragraphs (text_stage), so that the copy can be read 16 bytes
 * past any byte of it (DOC_COPY_SLACK) and s[end] is a space, a line
 * break or the copy's NUL: no test of where the paragraph ends before a
 * vector read or the byte after a word. */
static ALWAYS_INLINE int tokenize(const attrib_model *m, const char *s, uint32_t start, uint32_t end,
                                  int padded, uint32_t para, vec *toks, arena *a, uint32_t *quote_first,
                                  tok_todo *todo) {
  const unsigned char *u = (const unsigned char *)s;
  const lex_slot *lslots = m->lex.slots;
  size_t lmask = m->lex.cap - 1;
  uint32_t i = start;
  tok_out out;
  tok_start(&out, toks);
  todo->n = 0;
  uint32_t qf = UINT32_MAX;
#define QUOTE_PUSHED()                                                                                       \
  do {                                                                                                       \
    if (qf == UINT32_MAX)                                                                                    \
      qf = (uint32_t)tok_len(&out) - 1;                                                                      \
  } while (0)
  while (i < end) {
    uint32_t nx;
    UChar32 c;
    unsigned b = u[i];
    if (b < 0x80) { /* dispatch on the byte's class: most are a letter */
      if (!(byte_class[b] & BC_ALNUM)) {
        if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
          tok_skip(&out);
          i++;
          continue;
        }
        if ((b == '@' || b == '#') && i + 1 < end) {
          uint32_t n2;
          UChar32 c2 = cp_at(s, i + 1, end, &n2);
          if (is_word_cp(c2) && !(c2 >= '0' && c2 <= '9' && b == '#')) {
            uint32_t j = i + 1;
            while (j < end) {
              uint32_t n3;
              UChar32 c3 = cp_at(s, j, end, &n3);
              if (!is_word_cp(c3) && c3 != '_')
                break;
              j = n3;
            }
            if (push_tok(&out, a, i, j, TK_HANDLE, para, todo) != 0)
              return -1;
            i = j;
            continue;
          }
        }
        /* '' (two apostrophes) is one double quotation mark in some archives */
        if (b == '\'' && i + 1 < end && u[i + 1] == '\'') {
          if (push_tok(&out, a, i, i + 2, TK_QUOTE, para, todo) != 0)
            return -1;
          QUOTE_PUSHED();
          i += 2;
          continue;
        }
        /* one ASCII mark: its key is itself, finished here */
        uint32_t h = byte_hash[b];
        int is_q = b == '"' || b == '\'';
        if (push_word(&out, a, i, i + 1, is_q ? TK_QUOTE : TK_PUNCT, para, s + i, h, s + i, h, 0,
                      (uint8_t)(SC_KEEP | mark_class[b])) != 0)
          return -1;
        if (is_q)
          QUOTE_PUSHED();
        /* no prefetch: the slots of the ninety-odd one-byte marks stay in
         * cache, read by every paragraph */
        i = skip_space_after(&out, u, i + 1, end, padded); /* ", ", as after a word */
        continue;
      }
      c = (UChar32)b;
      nx = i + 1;
    } else {
      /* the curly quotes and dashes of news text (E2 80 xx) as marks of
       * their own: their key (model_norm_key's) and its hash known here,
       * not left to finish_token_slow and ICU */
      if (b == 0xE2 && end - i >= 3 && u[i + 1] == 0x80) {
        const mark_key *mk = curly_mark(u[i + 2]);
        if (mk) {
          if (push_word(&out, a, i, i + 3, mk->kind, para, mk->key, mk->hash, mk->key, mk->hash, 0,
                        mk->cls) != 0)
            return -1;
          out.next[-1].key_len = mk->len;
          if (mk->kind == TK_QUOTE)
            QUOTE_PUSHED(); /* six keys in all: their slots stay in cache */
          i = skip_space_after(&out, u, i + 3, end, padded);
          continue;
        }
      }
      c = cp_at(s, i, end, &nx);
      if (c >= 0x80 && (u_isUWhiteSpace(c) || c == 0xFEFF || c == 0x200B)) {
        tok_skip(&out);
        i = nx;
        continue;
      }
      if (!is_word_cp(c)) {
        int is_q = is_quote_cp(c);
        if (push_tok(&out, a, i, nx, is_q ? TK_QUOTE : TK_PUNCT, para, todo) != 0)
          return -1;
        if (is_q)
          QUOTE_PUSHED();
        i = nx;
        continue;
      }
    }
    /* A word or number. */
    int numeric = c < 0x80 ? (c >= '0' && c <= '9') : u_isdigit(c);
    uint32_t j, seg_start = i; /* seg_start: start of the part after the last '.' */
    int dotted = 0;
    /* while the word is ASCII letters and digits (nearly every word), its
     * hash and case come with the scan of its first run: finish_token need
     * not read it again. A word (not a number) starts with a letter, which
     * gives its case. */
    run_acc acc = {0, 0, 0, 0, NULL, 0};
    unsigned broken = c >= 0x80, more = broken;
    j = broken ? nx : first_run(u, i, end, padded, &acc, a);
    uint32_t run_end = broken ? 0 : j; /* acc's run ends there (0: none) */
    /* the byte after the run, read once for both tests below (at end: NUL,
     * or in a document's copy the blank or line break after the paragraph:
     * no joiner) */
    unsigned after = !broken && (padded || j < end) ? u[j] : 0;
    /* The word is its first run, done here: when no joiner follows it, or
     * a period that is not its own. A period after a run of two letters
     * or more (a sentence's last word) neither joins it to more (U.K.) nor
     * is split off with 's: only an abbreviation (Sen.) keeps it. */
    if (!broken && (!may_continue(after, numeric) ||
                    (after == '.' && !numeric && j - i >= 2 && !is_abbrev(m, s, i, j, padded)))) {
      uint32_t lhash;
      const char *lkey = run_lkey(a, s + i, j - i, &acc, &lhash);
      if (!lkey)
        return -1;
      /* the space after it (most words) skipped here: its T_SPACE_AFTER
       * and the next token's T_SPACE_BEFORE with no jump */
      unsigned sp = after == ' ';
      uint16_t fl = (uint16_t)((numeric ? 0 : acc.fl) | sp * T_SPACE_AFTER);
      if (push_word(&out, a, i, j, numeric ? TK_NUM : TK_WORD, para, s + i, acc.h, lkey, lhash, fl,
                    SC_WORD) != 0)
        return -1;
      out.gap = (uint16_t)(sp * T_SPACE_BEFORE);
      /* segment_stage looks the word up once its paragraph is done; its
       * lower-case key's slot with no jump on whether it has one (the
       * text's choice): with none, lhash is its hash, the same slot again */
      lexicon_prefetch_slot(lslots, lmask, acc.h);
      lexicon_prefetch_slot(lslots, lmask, lhash);
      i = j + sp;
      continue;
    }
    while (j < end) {
      if (more) /* after a joiner: the rest of the word */
        j = skip_alnum(u, j, end);
      more = 1;
      if (j >= end || s[j] == ' ')
        break; /* most words end at a space: no joiner, no period */
      uint32_t n2;
      UChar32 d = cp_at(s, j, end, &n2);
      if (is_word_cp(d)) {
        j = n2;
        broken = 1;
        continue;
      }
      /* only a joiner or a period can continue the word: most words end
       * at a space, and need not decode what follows it */
      if (!(is_apos(d) || is_hyphen(d) || d == '&' || d == '.' || (numeric && (d == ',' || d == ':'))))
        break;
      UChar32 e = -1;
      uint32_t n3 = n2;
      if (n2 < end)
        e = cp_at(s, n2, end, &n3);
      if ((is_apos(d) || is_hyphen(d) || d == '&') && is_word_cp(e) && !(d == '&' && numeric)) {
        j = n3;
        broken = 1;
        continue;
      }
      if (numeric && (d == '.' || d == ',' || d == ':') && e >= '0' && e <= '9') {
        j = n3;
        broken = 1;
        continue;
      }
      if (d == '.' && !numeric && e >= 0 && u_isalpha(e) && j - seg_start == 1) {
        /* U.K., D.C.: single letters joined by periods */
        dotted = 1;
        seg_start = n2;
        j = n3;
        broken = 1;
        continue;
      }
      break;
    }
    /* A final period that belongs to the word. */
    uint32_t wend = j;
    if (j < end && s[j] == '.' && !numeric) {
      int single_upper = (j - seg_start == 1) && (s[seg_start] >= 'A' && s[seg_start] <= 'Z');
      if (dotted || single_upper || is_abbrev(m, s, i, j, padded))
        wend = j + 1;
    }
    /* Split a possessive or contraction 's off the word. */
    uint32_t split = 0;
    if (!numeric && wend == j && j - i > 2 && (s[j - 1] == 's' || s[j - 1] == 'S')) {
      if (s[j - 2] == '\'')
        split = j - 2;
      else if (j - i > 4 && (unsigned char)s[j - 4] == 0xE2 && (unsigned char)s[j - 3] == 0x80 &&
               (unsigned char)s[j - 2] == 0x99)
        split = j - 4;
    }
    if (split) {
      if (split == run_end) {
        /* the word before 's is acc's run (Trump's, company’s): finished
         * as the fast path's words, not left to finish_token */
        uint32_t lhash;
        const char *lkey = run_lkey(a, s + i, split - i, &acc, &lhash);
        if (!lkey)
          return -1;
        if (push_word(&out, a, i, split, TK_WORD, para, s + i, acc.h, lkey, lhash, acc.fl, SC_WORD) != 0)
          return -1;
        lexicon_prefetch_slot(lslots, lmask, acc.h);
        lexicon_prefetch_slot(lslots, lmask, lhash);
      } else if (push_tok(&out, a, i, split, TK_WORD, para, todo) != 0) {
        return -1;
      }
      { /* 's or ’s: its key 's or 'S known here, as for the marks */
        int up = s[j - 1] == 'S';
        uint32_t hs = STRMAP_HASH8('\'' | 's' << 8, 2), hk = up ? STRMAP_HASH8('\'' | 'S' << 8, 2) : hs;
        if (push_word(&out, a, split, j, TK_WORD, para, up ? key_S : key_s, hk, key_s, hs,
                      up ? T_CAP : T_LOWER, SC_WORD) != 0)
          return -1;
        out.next[-1].key_len = 2; /* ’s: 4 bytes of text */
        lexicon_prefetch_slot(lslots, lmask, hk);
        if (up)
          lexicon_prefetch_slot(lslots, lmask, hs);
      }
      out.next[-1].flags |= T_POSSESSIVE;
    } else {
      if (push_tok(&out, a, i, wend, numeric ? TK_NUM : TK_WORD, para, todo) != 0)
        return -1;
      token *t = &out.next[-1];
      if (wend > j)
        t->flags |= T_ABBREV;
      else if (!broken) { /* one unbroken ASCII run: its key is its text, hashed as scanned */
        todo->n--;
        SENT_CLASS(t) = SC_WORD;
        t->key = s + i;
        t->key_len = wend - i;
        t->hash = acc.h;
        if (!(t->lkey = run_lkey(a, t->key, t->key_len, &acc, &LHASH(t))))
          return -1;
        if (!numeric)
          t->flags |= acc.fl;
      }
    }
    /* the space after the word: no need to decode it in the next round */
    i = skip_space_after(&out, u, wend, end, padded);
  }
#undef QUOTE_PUSHED
  if (out.next != out.first)
    out.next[-1].flags |= T_SPACE_AFTER;
  toks->len = tok_len(&out);
  *quote_first = qf;
  return 0;
}

int segment_tokenize(const attrib_model *m, const char *s, uint32_t start, uint32_t end, uint32_t para,
                     vec *toks, arena *a, uint32_t *quote_first) {
  tok_todo todo;
  return tokenize(m, s, start, end, 0, para, toks, a, quote_first, &todo) != 0 ? -1 : todo.n;
}

/* tokenize of a paragraph of document d (padded) */
NOINLINE static int tokenize_para(attrib_doc *d, const paragraph *pa, uint32_t p, uint32_t *quote_first,
                                  tok_todo *todo) {
  _Static_assert(DOC_COPY_SLACK >= 16, "16 bytes readable past any byte of the copy");
  return tokenize(d->model, d->copy, pa->start, pa->end, 1, p, &d->toks, &d->mem, quote_first, todo);
}

uint32_t doc_join_prefixes(const attrib_doc *d, uint32_t i, uint32_t max, int lower, char *buf, size_t cap,
                           size_t *off, uint32_t *hash) {
  size_t o = 0;
  uint32_t k = 0;
  /* each prefix hashed on from the chunks of the shorter ones: linear in
   * the join, not quadratic; the first key's hash is the token's */
  strmap_stream st = STRMAP_STREAM_INIT;
  off[0] = 0;
  hash[0] = strmap_hash(buf, 0);
  for (; k < max && i + k < NTOK(d); k++) {
    const token *t = &TOK(d, i + k);
    if (o + t->key_len + 2 >= cap)
      break;
    if (k)
      buf[o++] = ' ';
    const char *key = lower ? t->lkey : t->key;
    arena_copy_bytes(buf + o, key, t->key_len);
    o += t->key_len;
    off[k + 1] = o;
    hash[k + 1] = k ? strmap_hash_upto(&st, buf, o) : (lower ? tok_lhash(t) : t->hash);
  }
  return k;
}

/* The lower-case key of token t (key and hash set) and its hash. */
static int lower_key(attrib_doc *d, token *t, int has_upper) {
  t->lkey = t->key;
  LHASH(t) = t->hash;
  if (has_upper && !(t->lkey = lower_copy(&d->mem, t->key, t->key_len, &LHASH(t))))
    return -1;
  return 0;
}

/* Case flags and normalised key of a token that holds a byte beyond ASCII
 * (finish_token sends only those here): NFKC key via the model, ICU case. */
static int finish_token_slow(attrib_doc *d, token *t) {
  const char *s = d->copy;
  char buf[512];
  size_t n = model_norm_key(s + t->start, t->end - t->start, buf, sizeof buf);
  if (n == 0) { /* too long to normalise: keep as is */
    t->key = s + t->start;
    t->key_len = t->end - t->start;
  } else {
    char *k = arena_alloc_raw(&d->mem, key_room((uint32_t)n)); /* with a lookup's slack */
    if (!k)
      return -1;
    memcpy(k, buf, n);
    k[n] = '\0';
    t->key = k;
    t->key_len = (uint32_t)n;
  }
  /* the hash of the key, and whether it has a lower-case form */
  int has_upper = 0;
  for (uint32_t k = 0; k < t->key_len; k++) {
    unsigned char ch = (unsigned char)t->key[k];
    has_upper |= ch >= 'A' && ch <= 'Z';
  }
  t->hash = strmap_hash(t->key, t->key_len);
  if (lower_key(d, t, has_upper) != 0)
    return -1;
  if (t->kind == TK_WORD || t->kind == TK_HANDLE) {
    unsigned letters = 0, upper = 0;
    uint32_t i = t->start, first = 1;
    while (i < t->end) {
      uint32_t nx;
      UChar32 c = cp_at(s, i, t->end, &nx);
      i = nx;
      if ((uint32_t)c < 0x80) { /* ASCII (most of such a word): its class, not ICU */
        unsigned cl = byte_class[c];
        if (!(cl & (BC_UP | BC_LO)))
          continue;
        letters++;
        upper += cl & BC_UP;
        if (first) {
          first = 0;
          t->flags |= (cl & BC_UP) ? T_CAP : T_LOWER;
        }
        continue;
      }
      if (!u_isalpha(c))
        continue;
      letters++;
      if (u_isupper(c) || u_istitle(c))
        upper++;
      if (first) {
        first = 0;
        if (u_isupper(c) || u_istitle(c))
          t->flags |= T_CAP;
        else if (u_islower(c))
          t->flags |= T_LOWER;
      }
    }
    if (letters >= 2 && upper == letters)
      t->flags |= T_ALLCAP;
  }
  return 0;
}

#if defined(__SSE2__)
/* finish_token of a token of n < 16 bytes: the document's copy has 16
 * readable at any token (DOC_COPY_SLACK), so its classes, hashes and
 * lower-case copy come from one vector, with no loop on its length and no
 * jump on its case (the text's choice: a loop's exit and a capital's test
 * were mispredicted about once a token). */
static int finish_token16(attrib_doc *d, token *t, unsigned n) {
  _Static_assert(DOC_COPY_SLACK >= 16, "16 bytes readable at any token of the copy");
  const char *p = d->copy + t->start;
  __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
  unsigned keep = (1u << n) - 1;
  if ((unsigned)_mm_movemask_epi8(x) & keep) /* a byte beyond ASCII */
    return finish_token_slow(d, t);
  __m128i m = _mm_loadu_si128((const __m128i *)(const void *)(first_bytes + 16 - n));
  __m128i isu = bytes_in(x, 'A', 25);
  unsigned mu = (unsigned)_mm_movemask_epi8(isu) & keep;
  unsigned ml = (unsigned)_mm_movemask_epi8(bytes_in(x, 'a', 25)) & keep;
  /* the lower-case copy, zero-padded (its NUL included), stored whether
   * or not it is needed: 16 bytes of the arena */
  char *q = arena_alloc_raw(&d->mem, 16);
  if (!q)
    return -1;
  __m128i lx = _mm_and_si128(_mm_or_si128(x, _mm_and_si128(isu, _mm_set1_epi8(0x20))), m);
  _mm_storeu_si128((__m128i *)(void *)q, lx);
  uint32_t h = hash_vec(_mm_and_si128(x, m), n), lh = hash_vec(lx, n);
  t->key = p;
  t->key_len = n;
  t->hash = h;
  t->lkey = mu ? q : p; /* lkey is key when it has no capital */
  LHASH(t) = mu ? lh : h;
  if (t->kind == TK_WORD || t->kind == TK_HANDLE) {
    unsigned letters = mu | ml, first = letters & (0u - letters);
    uint16_t first_case = (uint16_t)(!first ? 0 : (mu & first) ? T_CAP : T_LOWER);
    int allcap = (letters & (letters - 1)) != 0 && mu == letters; /* two letters or more */
    t->flags = (uint16_t)(t->flags | first_case | (allcap ? T_ALLCAP : 0));
  }
  return 0;
}
#endif

/* Case flags and normalised key of one token. Nearly every token is ASCII,
 * its key its own text: one pass gives the hashes and the case flags. */
static int finish_token(attrib_doc *d, token *t) {
  if (t->key) /* the tokenizer did it all */
    return 0;
#if defined(__SSE2__)
  if (t->end - t->start < 16)
    return finish_token16(d, t, t->end - t->start);
#endif
  const unsigned char *s = (const unsigned char *)d->copy;
  unsigned letters = 0, upper = 0;
  uint16_t first_case = 0;
  for (uint32_t k = t->start; k < t->end; k++) {
    unsigned ch = s[k], cl = byte_class[ch];
    if (cl & BC_HI)
      return finish_token_slow(d, t);
    if (cl & (BC_UP | BC_LO)) {
      unsigned up = cl & BC_UP;
      if (!letters)
        first_case = up ? T_CAP : T_LOWER;
      letters++;
      upper += up;
    }
  }
  t->key = d->copy + t->start;
  t->key_len = t->end - t->start;
  t->hash = strmap_hash(t->key, t->key_len);
  if (lower_key(d, t, upper != 0) != 0) /* the lower-case key, for the few that need one */
    return -1;
  if (t->kind == TK_WORD || t->kind == TK_HANDLE) {
    t->flags |= first_case;
    if (letters >= 2 && upper == letters)
      t->flags |= T_ALLCAP;
  }
  return 0;
}

/* Does the token get word classes, and from its lower-case key too? */
static int wants_words(const token *t) {
  return t->kind == TK_WORD || t->kind == TK_HANDLE;
}
static int wants_lower_words(const token *t) {
  return (t->flags & (T_CAP | T_ALLCAP)) && t->key_len < 128 && t->lkey != t->key;
}

_Static_assert(offsetof(token, gaz_first) == offsetof(token, words) + offsetof(lex_rec, gaz_first) &&
                   offsetof(token, title_first) == offsetof(token, words) + offsetof(lex_rec, title_first) &&
                   offsetof(token, cue_first) == offsetof(token, words) + offsetof(lex_rec, cue_first) &&
                   offsetof(token, lex) == offsetof(token, words) + offsetof(lex_rec, flags) &&
                   sizeof(lex_rec) == 8,
               "a token's lexicon fields are a lex_rec");
/* Word classes and the rest of the lexicon record of one token
 * (finish_token done): one lookup of its key; when that differs from its
 * lower-case key, the record of that too, linked from the key's slot
 * (lexicon_link_lower) or, when the key is none, looked up. */
static void token_lex(lex_slot *slots, size_t cap, int linked, token *t) {
  const lex_slot *s = lexicon_find(slots, cap, t->key, t->key_len, t->hash);
  const lex_rec *r = NULL;
  if (s->len) {
    r = &s->rec;
    /* a word with no capital (most): the whole record, its words on none
     * (push_word left them 0) */
    if (t->lkey == t->key && wants_words(t)) {
      memcpy(&t->words, r, sizeof *r);
      return;
    }
    if (wants_words(t))
      t->words |= r->words;
    t->gaz_first = r->gaz_first;
    t->title_first = r->title_first;
    t->lex = r->flags;
    if (t->lkey == t->key)
      t->cue_first = r->cue_first;
    if (t->lkey == t->key || !wants_words(t))
      return;
    /* the key has a capital, and lkey is its lower-case form: linked to
     * its slot, or to none */
    r = !linked                    ? lexicon_get_in(slots, cap, t->lkey, t->key_len, LHASH(t))
        : s->lower != LEX_NO_LOWER ? &slots[s->lower].rec
                                   : NULL;
  } else if (t->lkey != t->key && wants_words(t)) {
    r = lexicon_get_in(slots, cap, t->lkey, t->key_len, LHASH(t));
  }
  if (r) {
    t->cue_first = r->cue_first;
    /* as its words (a superset), and LEX_CUE1 with its cue_first */
    t->lex |= r->flags & (LEX_COREF | LEX_SYM | LEX_CUE1);
    if (wants_lower_words(t))
      t->words |= r->words & ~(uint32_t)(W_STOPCAP | W_NOT_NAME | W_ABBREV);
  }
}

static int is_terminal(const token *t) {
  return t->kind == TK_PUNCT && t->key_len >= 1 &&
         (t->key[0] == '.' || t->key[0] == '!' || t->key[0] == '?' ||
          (t->key_len == 3 && memcmp(t->key, "\xE2\x80\xA6", 3) == 0));
}

static int is_closer(const token *t) {
  if (t->kind == TK_QUOTE)
    return !(t->flags & T_SPACE_BEFORE);
  return t->kind == TK_PUNCT && (t->key[0] == ')' || t->key[0] == ']');
}

/* Could token t start a new sentence? */
static int starts_sentence(const token *t) {
  if (t->kind == TK_QUOTE || t->kind == TK_NUM || t->kind == TK_HANDLE)
    return 1;
  if (t->kind == TK_PUNCT)
    return t->key[0] == '(' || t->key[0] == '[' || t->key[0] == '-' || (unsigned char)t->key[0] >= 0x80;
  return (t->flags & T_CAP) != 0;
}

/* Does token t count among the words of a headline (headline_word) and
 * is it capitalised? Short lower-case words (of, to, for, and, with) do
 * not count. */
static inline unsigned headline_word(const token *t) {
  return t->kind == TK_WORD && !(t->flags & T_POSSESSIVE) && !((t->flags & T_LOWER) && t->key_len <= 4);
}

/* Title-case lines without final punctuation are headlines: their
 * capitals say nothing about names. */
static int is_headline(attrib_doc *d, paragraph *p) {
  if (p->tok_end == p->tok_first)
    return 0;
  token *last = &TOK(d, p->tok_end - 1);
  if (is_terminal(last))
    return 0;
  if (last->kind == TK_QUOTE && p->tok_end - p->tok_first >= 2 && is_terminal(last - 1))
    return 0;
  /* counted only here: most paragraphs end in a period and never get here */
  unsigned words = 0, caps = 0;
  for (uint32_t i = p->tok_first; i < p->tok_end; i++) {
    const token *t = &TOK(d, i);
    if (headline_word(t)) {
      words++;
      caps += (t->flags & T_CAP) != 0;
    }
  }
  if (!(words >= 2 && words <= 24 && caps * 10 >= words * 7))
    return 0;
  /* '"We need the clinic now." ― Ana Ruiz': a quoted sentence is running text */
  for (uint32_t i = p->tok_first + 1; i < p->tok_end; i++)
    if (TOK(d, i).kind == TK_QUOTE && is_terminal(&TOK(d, i - 1)))
      return 0;
  return 1;
}

/* Sentence index, initial word and headline mark (hl: T_IN_HEADLINE or
 * 0) of token t of sentence sent, done as the sentence loop reaches it (t
 * is in cache then, and a long document need not walk its tokens again).
 * initial (T_INITIAL or 0) says whether the next word opens the sentence,
 * a quotation or a list item. Returns that for the token after t, or-ed
 * with t's SC_CAND: the sentence loop asks no more of most tokens. From
 * its SENT_CLASS, which it clears (qm: QM_NONE), and with no branch: a
 * token's kind and first byte are the text's choice. */
static inline unsigned mark_token(token *t, uint32_t sent, unsigned hl, unsigned initial) {
  unsigned cls = SENT_CLASS(t);
  t->sent = sent;
  SENT_CLASS(t) = QM_NONE;
  t->flags = (uint16_t)(t->flags | hl | (initial & cls)); /* SC_WORD is T_INITIAL */
  /* kept by SC_KEEP, set by SC_OPENS (each moved to T_INITIAL's bit) */
  return (((initial & cls * 2) | cls * 4) & T_INITIAL) | (cls & SC_CAND);
}

/* vec_reserve for the (still empty) token array, its start aligned to a
 * cache line: a token is 64 bytes, and each then takes one line instead
 * of straddling two (every stage walks the tokens) */
static int reserve_tokens(vec *toks, arena *a, size_t cap) {
  if (toks->len || cap <= toks->cap || cap > (SIZE_MAX - 64) / sizeof(token))
    return vec_reserve(toks, a, cap);
  char *p = arena_alloc_raw(a, cap * sizeof(token) + 63); /* no more alignment than malloc's assumed */
  if (!p)
    return -1;
  toks->data = p + ((64 - (uintptr_t)p % 64) % 64);
  toks->cap = cap;
  return 0;
}

/* The label of a transcript paragraph ("Q:", "A:", "HOLMBERG:", "Jane
 * Doe:"): its colon's token index, or 0. Set on the paragraph as it is
 * segmented, whose first tokens are then in the cache: quotes.c's look
 * for transcripts reads it of every paragraph, up to three times. */
static uint32_t label_colon(const attrib_doc *d, const paragraph *pa) {
  /* the colon is the second to fourth token, and not the last: most
   * paragraphs have none there, told by the tokens' hashes with no jump
   * on their words (the loop's exit after a word or two was mispredicted).
   * A mark whose key starts with ':' is ":" or "::=" (U+2A74's NFKC form),
   * and a token's hash is its key's: the loop below gets every paragraph
   * that may have one (a third token is read again when there are three). */
  uint32_t n = pa->tok_end - pa->tok_first;
  if (n < 3)
    return 0;
  const uint32_t c1 = STRMAP_HASH8(':', 1), c3 = STRMAP_HASH8(':' | ':' << 8 | '=' << 16, 3);
  const token *f = &TOK(d, pa->tok_first), *f3 = n > 3 ? f + 3 : f + 2;
  uint32_t h1 = f[1].hash, h2 = f[2].hash, h3 = f3->hash;
  if (!((h1 == c1) | (h1 == c3) | (h2 == c1) | (h2 == c3) | (h3 == c1) | (h3 == c3)))
    return 0;
  for (uint32_t i = pa->tok_first; i < pa->tok_end && i < pa->tok_first + 4; i++) {
    const token *t = &TOK(d, i);
    if (t->kind == TK_PUNCT && t->key[0] == ':')
      return i > pa->tok_first && i + 1 < pa->tok_end ? i : 0;
    if (t->kind != TK_WORD || !(t->flags & (T_CAP | T_ALLCAP)) || (t->words & W_STOPCAP))
      return 0;
  }
  return 0;
}

/* d's quote bits of the marks among tokens [i, end) (a paragraph's, from
 * its first mark), found while the paragraph's tokens are in the cache.
 * 0, or -1 when out of memory. */
static NOINLINE int mark_quotes(attrib_doc *d, uint32_t i, uint32_t end) {
  size_t need = (end - 1) / 64 + 1;
  if (need > d->quote_words) {
    /* room for the tokens reserved (a quarter of the bytes), or twice the
     * words needed now */
    size_t n = d->len / 256 + 2;
    if (n < 2 * need)
      n = 2 * need;
    uint64_t *b = arena_array(&d->mem, n, sizeof(uint64_t));
    if (!b)
      return -1;
    if (d->quote_words)
      memcpy(b, d->quote_bits, d->quote_words * sizeof(uint64_t));
    d->quote_bits = b;
    d->quote_words = n;
  }
  const token *toks = &TOK(d, 0), *t = toks + i, *e = toks + end;
  uint64_t *bits = d->quote_bits;
  for (;;) {
    /* four at a time while none is a mark: fewer branches per token */
    while (e - t >= 4 && t[0].kind != TK_QUOTE && t[1].kind != TK_QUOTE && t[2].kind != TK_QUOTE &&
           t[3].kind != TK_QUOTE)
      t += 4;
    while (t < e && t->kind != TK_QUOTE)
      t++;
    if (t == e)
      return 0;
    size_t k = (size_t)(t - toks);
    bits[k >> 6] |= 1ull << (k & 63);
    t++;
  }
}

enum { CUE_BATCH = 4096 }; /* tokens: 256 KB, in the L2 cache */

attrib_status segment_stage(attrib_doc *d, attrib_error *err) {
  const attrib_model *m = d->model;
  /* news runs at about one token per five or six bytes (a quarter of the
   * bytes leaves room for denser text): one allocation, no regrowth */
  if (reserve_tokens(&d->toks, &d->mem, d->len / 4 + 64) != 0 ||
      vec_reserve(&d->sents, &d->mem, d->len / 64 + 16) != 0 ||
      /* news has a cue in about 150 bytes (28 tokens, PolNeAR train):
       * room for more than twice that at once, not the doublings, whose
       * copies a long document's memory holds to its end */
      vec_reserve(&d->cues, &d->mem, d->len / 64 + 16) != 0)
    return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
  uint32_t cues_from = 0; /* the first token whose cues are not found yet */
  for (uint32_t p = 0; p < d->paras.len; p++) {
    paragraph *pa = &VEC_AT(d->paras, paragraph, p);
    pa->tok_first = NTOK(d);
    uint32_t quote_first;
    tok_todo todo;
    if (tokenize_para(d, pa, p, &quote_first, &todo) != 0)
      return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
    pa = &VEC_AT(d->paras, paragraph, p);
    pa->tok_end = NTOK(d);
    pa->quote_first = quote_first < pa->tok_end ? quote_first : pa->tok_end;
    if (pa->quote_first < pa->tok_end && mark_quotes(d, pa->quote_first, pa->tok_end) != 0)
      return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
    for (size_t i = todo.first; todo.n > 0; i++) {
      token *t = &TOK(d, i);
      if (t->key) /* finished and prefetched by the tokenizer */
        continue;
      todo.n--;
      if (finish_token(d, t) != 0)
        return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
      SENT_CLASS(t) = sent_class(t);
      lexicon_prefetch(&m->lex, t->hash);
      if (t->lkey != t->key && wants_words(t))
        lexicon_prefetch(&m->lex, LHASH(t));
    }
    /* the slots of the whole paragraph are on their way; the table in
     * locals: token_lex's stores could alias the model */
    lex_slot *slots = m->lex.slots;
    size_t cap = m->lex.cap;
    int linked = m->lex.linked;
    token *te = &TOK(d, 0) + pa->tok_end;
    for (token *t = &TOK(d, pa->tok_first); t < te; t++)
      token_lex(slots, cap, linked, t);
    pa->headline = (uint8_t)is_headline(d, pa);
    /* Sentences. Each token is marked (mark_token) as the loop reaches it:
     * what decides where a sentence ends reads none of the marks. */
    /* the paragraph's end in a register: the loop's stores could alias pa */
    const uint32_t tok_end = pa->tok_end;
    uint32_t sent_first = pa->tok_first, sent = (uint32_t)d->sents.len;
    unsigned hl = pa->headline ? T_IN_HEADLINE : 0, initial = T_INITIAL;
    /* the token after the last run of terminals and closers looked at,
     * which did not end the sentence: the run's other terminals do not
     * either (". . . and" scanned again at each point was quadratic) */
    uint32_t run_next = 0;
    for (uint32_t i = pa->tok_first; i < tok_end; i++) {
      token *t = &TOK(d, i);
      unsigned mk = mark_token(t, sent, hl, initial);
      initial = mk & T_INITIAL;
      int end_here = 0;
      uint32_t last = i;
      if (!(mk & SC_CAND)) {
        /* most tokens: only the paragraph's end ends their sentence */
      } else if (i < run_next) {
        last = run_next - 1; /* in the run: end_here stays 0 */
      } else if (is_terminal(t)) {
        while (last + 1 < tok_end && (is_terminal(&TOK(d, last + 1)) || is_closer(&TOK(d, last + 1))))
          last++;
        end_here = last + 1 >= tok_end || starts_sentence(&TOK(d, last + 1));
        /* "D-N.Y.", "e.g.": a point with a letter right after it is inside a word */
        if (last == i && !(t->flags & T_SPACE_AFTER) && last + 1 < tok_end &&
            TOK(d, last + 1).kind == TK_WORD)
          end_here = 0;
        run_next = last + 1;
      } else if ((t->flags & T_ABBREV) && i + 1 < tok_end) {
        /* "in the U.S. The ..." : an abbreviation ends the sentence when a
         * word that is never a name follows, unless it is a title (Mr.). */
        token *n = &TOK(d, i + 1);
        int title = (t->lex & LEX_TITLE) != 0;
        end_here = !title && (n->flags & T_CAP) && (n->words & W_NOT_NAME);
      }
      if (end_here || last + 1 >= tok_end) {
        /* every field written: no vec_push (its memset is a call) while there is room */
        sentence *se = d->sents.len < d->sents.cap ? &VEC_AT(d->sents, sentence, d->sents.len++)
                                                   : vec_push(&d->sents, &d->mem);
        if (!se)
          return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
        *se = (sentence){.tok_first = sent_first, .tok_end = last + 1, .para = p};
        TOK(d, last).flags |= T_SENT_END;
        for (uint32_t k = i + 1; k <= last; k++) /* the marks and closers it took */
          initial = mark_token(&TOK(d, k), sent, hl, initial) & T_INITIAL;
        sent_first = last + 1;
        sent++;
        initial = T_INITIAL;
        i = last;
      }
    }
    pa->colon = label_colon(d, pa);
    /* the cues of the paragraphs done, some 256 KB of tokens at a time,
     * while they are in the cache: a pass of their own over a long
     * document's tokens came from memory */
    if (tok_end - cues_from >= CUE_BATCH) {
      if (cues_find(d, cues_from, tok_end) != 0)
        return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
      cues_from = tok_end;
    }
  }
  if (NTOK(d) > cues_from && cues_find(d, cues_from, NTOK(d)) != 0)
    return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
  return ATTRIB_OK;
}
