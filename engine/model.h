/* model.h: the compiled model (internal). Built once by model.c, then
 * immutable: every stage only reads it, from any number of threads. */
#ifndef ATTRIB_MODEL_H
#define ATTRIB_MODEL_H

#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "arena.h"
#include "attrib.h"
#include "lexicon.h"
#include "strmap.h"

/* Gender bits, from first names, titles and pronouns. */
enum { G_MALE = 1, G_FEMALE = 2 };

/* Entry kinds of the gazetteer map. */
typedef struct gaz_entry {
  const char *canonical;
  /* "\x01" and the canonical name: the entity's key among a document's
   * names (entities.c), made once here, with its length and strmap_hash */
  const char *name_key;
  uint32_t name_key_len, name_key_hash;
  uint8_t type;     /* attrib_entity_type */
  uint8_t ntok;     /* tokens in this surface form */
  uint8_t is_alias; /* surface form differs from the canonical name */
} gaz_entry;

/* Word classes of lexicon.txt; one bit each so a word may be in several. */
enum {
  W_PRONOUN_M = 1u << 0, /* he, him, his */
  W_PRONOUN_F = 1u << 1, /* she, her */
  W_PRONOUN_N = 1u << 2, /* it, its */
  W_PRONOUN_P = 1u << 3, /* they, them */
  W_FIRST_PERSON = 1u << 4,
  W_DET = 1u << 5,          /* the, a, an, this */
  W_ORG_SUFFIX = 1u << 6,   /* Inc., Ltd, Lab, Group: closes an organisation name */
  W_ORG_HEAD = 1u << 7,     /* Commission, Parliament, Ministry: head of an organisation name */
  W_ORG_NOUN = 1u << 8,     /* company, agency, bloc: "the company" refers to an organisation */
  W_ROLE = 1u << 9,         /* spokesman, representative, official: a person speaking for a body */
  W_DOC_NOUN = 1u << 10,    /* statement, response, letter: speaks for its author */
  W_CONNECT = 1u << 11,     /* of, for, de, van: may join the words of a name */
  W_AUX = 1u << 12,         /* has, had, was, will, also: between a speaker and its verb */
  W_STOPCAP = 1u << 13,     /* capitalised words that are never names (Related, Copyright) */
  W_BYLINE = 1u << 14,      /* By, Written by: introduces an author */
  W_PERSON_NOUN = 1u << 15, /* the diplomat, the minister: a person referred to by role */
  W_GROUP_NOUN = 1u << 16,  /* officials, sources, analysts: plural speakers */
  W_NOT_NAME = 1u << 17,    /* capitalised function words: The, In, But */
  W_ABBREV = 1u << 18,      /* abbreviations whose period does not end a sentence */
  W_TITLE_WORD = 1u << 19,  /* a role that may precede a name: CEO, MEP, founder */
  W_PREP = 1u << 20,        /* prepositions and time words: "said in a statement" */
  W_ORG_KIND = 1u << 21,    /* agency, union: "the agency" names an organisation called so */
  W_COMMON = 1u << 22,      /* a common lower-case English word (common-words.txt) */
  W_ORG_LEGAL = 1u << 23,   /* a legal form: Inc., Ltd, GmbH (evidence even in headlines) */
  W_FINDING = 1u << 24,     /* study, poll, report: a document that finds rather than speaks */
  W_LEADER = 1u << 25,      /* manager, chairman, mayor: the one person who leads a body */
  W_COMPANY = 1u << 26,     /* company, firm, retailer: a business, never a public body */
  W_NOUN_F = 1u << 27,      /* wife, actress, queen: a woman (any "-woman" too) */
  W_NOUN_M = 1u << 28,      /* husband, actor, king: a man (any "-man" too) */
  W_PUBLIC = 1u << 29,      /* agency, regulator: "the agency" may be any public body */
  W_QUANT = 1u << 30        /* another, some, many: a quantifier that may stand as a subject */
};
/* was, been, is: before a participle, a passive (outside the enum: an
 * enumerator must fit in an int) */
#define W_BE (1u << 31)

typedef struct cue_entry {
  const char *lemma;
  uint8_t flags; /* CUE_* */
} cue_entry;

enum {
  CUE_SPEECH = 1,   /* say, tell, add: introduces quotes and clauses */
  CUE_CLAUSE = 2,   /* may introduce an indirect clause (that ...) */
  CUE_TELL = 4,     /* takes an addressee: told X */
  CUE_NOUN = 8,     /* a multiword cue like "according to" */
  CUE_BARE = 16,    /* reports a clause without "that": said it would */
  CUE_NOUNISH = 32, /* a form mostly used as a noun ("swing state"): a verb only after its subject */
  CUE_NAMING = 64,  /* label, dub, brand: "as 'X'" after them quotes a term */
  CUE_OBJECT = 128  /* criticize, urge: the object is what was said ("urged voters to stay home") */
};

enum { RULE_NEEDS = 8, RULE_SEQ = 12 };
enum { DFA_Q_FIRST = 1, DFA_Q_LAST = 2 };

typedef struct rule {
  const char *name;
  double confidence;
  pcre2_code *code;
  int jit;       /* JIT-compiled: matched through pcre2_jit_match, without pcre2_match's checks */
  unsigned kind; /* RULE_QUOTE or RULE_INDIRECT */
  int needs_cue; /* has a cue group: cannot match where no cue symbol is */
  /* capture groups of each role (GRP_*); a name may be used by several
   * alternatives of a pattern, so up to GRP_ALTS groups each, 0-terminated */
  uint16_t groups[4][4];
  const char *file;
  unsigned line;
  /* symbols every match holds: one of each set (bit c of the pair is
   * symbol c), found by reading the pattern (rulescan.c); a subject that
   * misses one of them is not given to PCRE2 at all */
  uint8_t n_need;
  uint64_t need[RULE_NEEDS][2];
  uint32_t need_w[RULE_NEEDS]; /* the same as symbol words (RULE_ALPHABET), all ones past n_need */
  /* a quote rule's ordered sets before its Q set ([0]) and after it ([1])
   * as symbol words without RULE_OTHER_BIT (no subject has it), those that
   * hold another of their side left out, up to four a side (a looser test
   * past that); RULE_OTHER_BIT alone past them and for a rule with no Q
   * set. A subject whose sides, each with RULE_OTHER_BIT added, meet every
   * word meets the sets before the Q set on the quote's left and those
   * after it on its right (rulescan.c) */
  uint32_t side_w[2][4];
  /* the same sets in pattern order (repeats kept): a match takes one
   * symbol of each, left to right */
  uint8_t n_seq;
  int8_t seq_q; /* the index of the set that is the one symbol Q, or -1 */
  uint64_t seq[RULE_SEQ][2];
  uint32_t seq_w[RULE_SEQ]; /* as symbol words */
  /* the same by byte: bit k of seq_of[c] says whether symbol c is in set k
   * (0 for bytes beyond ASCII), so that a scan needs no test per byte */
  uint16_t seq_of[256];
  /* a DFA of a looser pattern that matches wherever this one does (rulescan.c):
   * dfa[state + dfa_cls[byte]] is the next state, each state a multiple of
   * dfa_ncls; 0 is a match, dfa_ncls no match (neither is ever left); NULL
   * when there is none */
  const uint16_t *dfa;
  const uint8_t *dfa_cls; /* byte -> class */
  const uint8_t *dfa_end; /* by state / dfa_ncls: a match at the subject's end */
  uint16_t dfa_ncls, dfa_states;
  /* 2^32 / dfa_ncls (rdfa_ncls) rounded up: a state over its class count
   * as a multiply (rule_dfa_index), not a division's wait */
  uint64_t dfa_div, rdfa_div;
  uint16_t dfa_start, dfa_start_bol; /* the first state, at a later offset or at 0 */
  uint8_t dfa_q;                     /* DFA_Q_FIRST, DFA_Q_LAST: every match begins, ends with Q */
  /* DFA_Q_LAST: the same of the pattern read right to left, anchored at
   * its start (the Q), or NULL */
  const uint16_t *rdfa;
  const uint8_t *rdfa_cls, *rdfa_end;
  uint16_t rdfa_ncls, rdfa_start;
} rule;

/* The alphabet of models/attribution.rules: symbol k of it is bit k of a
 * symbol word (attrib_model.sym_bit), any other byte bit 31. A set's word
 * shares a bit with another's whenever the sets share a byte (and maybe
 * when they do not): tests on words may let a rule through, never stop one. */
#define RULE_ALPHABET "QqpsNOGPDVvobAaTi+Ww,:;()-.x"
enum { RULE_OTHER_BIT = 31 };
_Static_assert(sizeof RULE_ALPHABET - 1 <= RULE_OTHER_BIT, "a symbol word has a bit for each symbol");

/* st / ncls for a state st (a multiple of ncls, below 2^16), with div
 * rule.dfa_div or rdfa_div: st = q ncls gives q 2^32 + q e with e below
 * ncls, and q e below 2^32. */
static inline unsigned rule_dfa_index(unsigned st, uint64_t div) {
  return (unsigned)(((uint64_t)st * div) >> 32);
}

/* The symbol word of s[0, n), with sym_bit of the model. */
static inline uint32_t rule_symbols(const uint32_t *sym_bit, const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  uint32_t w = 0, w2 = 0; /* two chains of ORs, not one twice as long */
  size_t i = 0;
  for (; i + 8 <= n; i += 8) { /* eight symbols a round: one loop test for them */
    w |= sym_bit[u[i]] | sym_bit[u[i + 2]] | sym_bit[u[i + 4]] | sym_bit[u[i + 6]];
    w2 |= sym_bit[u[i + 1]] | sym_bit[u[i + 3]] | sym_bit[u[i + 5]] | sym_bit[u[i + 7]];
  }
  if (i + 4 <= n) {
    w |= sym_bit[u[i]] | sym_bit[u[i + 2]];
    w2 |= sym_bit[u[i + 1]] | sym_bit[u[i + 3]];
    i += 4;
  }
  if (i + 2 <= n) {
    w |= sym_bit[u[i]];
    w2 |= sym_bit[u[i + 1]];
    i += 2;
  }
  if (i < n)
    w |= sym_bit[u[i]];
  return w | w2;
}
/* Does s[0, n) hold a symbol of each of rule r's ordered sets, left to
 * right? It must for r to match in it (taking each earliest is enough). */
static inline int rule_may_match_seq(const rule *r, const char *s, size_t n) {
  /* seq_of has no bit m or above: once k is m it stays m, and the loop
   * may look at four symbols between tests of k */
  const unsigned char *u = (const unsigned char *)s;
  unsigned k = 0, m = r->n_seq;
  size_t i = 0;
  for (; i + 4 <= n && k < m; i += 4) {
    k += (r->seq_of[u[i]] >> k) & 1;
    k += (r->seq_of[u[i + 1]] >> k) & 1;
    k += (r->seq_of[u[i + 2]] >> k) & 1;
    k += (r->seq_of[u[i + 3]] >> k) & 1;
  }
  for (; i < n && k < m; i++)
    k += (r->seq_of[u[i]] >> k) & 1;
  return k == m;
}
/* Can rule r match s[0, n) from offset from? Not when its DFA rejects it
 * (or, for a rule without one, its ordered sets are not met). */
static inline int rule_may_match_dfa(const rule *r, const char *s, size_t from, size_t n) {
  if (!r->dfa)
    return rule_may_match_seq(r, s + from, n - from);
  const unsigned char *u = (const unsigned char *)s;
  const uint16_t *next = r->dfa;
  const uint8_t *cls = r->dfa_cls;
  unsigned ncls = r->dfa_ncls, st = from ? r->dfa_start : r->dfa_start_bol;
  size_t i = from;
  if (st <= ncls)
    return st == 0;
  /* four symbols a round, with one test of i and one of st: the two ends
   * are never left once reached */
  for (; i + 4 <= n; i += 4) {
    st = next[st + cls[u[i]]];
    st = next[st + cls[u[i + 1]]];
    st = next[st + cls[u[i + 2]]];
    st = next[st + cls[u[i + 3]]];
    if (st <= ncls)
      return st == 0;
  }
  for (; i < n; i++)
    st = next[st + cls[u[i]]];
  if (st <= ncls)
    return st == 0;
  return r->dfa_end[rule_dfa_index(st, r->dfa_div)];
}
/* The answer of rule r's DFA in state st at the subject's end, with no
 * jump: a match (state 0), no match (ncls), or what the end table says of
 * any other state (its entries for the two ends are not set, and read
 * only to be masked; rulescan.c sets them). */
static inline unsigned rule_dfa_answer(const rule *r, unsigned st) {
  unsigned ncls = r->dfa_ncls;
  return (unsigned)(st == 0) | ((unsigned)(st > ncls) & r->dfa_end[rule_dfa_index(st, r->dfa_div)]);
}

/* rule_may_match_dfa of rules a (bit 0) and b (bit 1) on s[from, n): each
 * step of a DFA waits for the table load of the step before, and two
 * chains side by side take little more time than one. The ends (states 0
 * and ncls) are never left: the scans run to the end with no test. */
static inline unsigned rule_may_match_dfa2(const rule *a, const rule *b, const char *s, size_t from,
                                           size_t n) {
  if (!a->dfa || !b->dfa)
    return (unsigned)rule_may_match_dfa(a, s, from, n) | (unsigned)rule_may_match_dfa(b, s, from, n) << 1;
  const unsigned char *u = (const unsigned char *)s;
  const uint16_t *na = a->dfa, *nb = b->dfa;
  const uint8_t *ca = a->dfa_cls, *cb = b->dfa_cls;
  unsigned later = 0u - (unsigned)(from != 0);
  unsigned sa = (a->dfa_start & later) | (a->dfa_start_bol & ~later);
  unsigned sb = (b->dfa_start & later) | (b->dfa_start_bol & ~later);
  for (size_t i = from; i < n; i++) {
    unsigned c = u[i];
    sa = na[sa + ca[c]];
    sb = nb[sb + cb[c]];
  }
  return rule_dfa_answer(a, sa) | rule_dfa_answer(b, sb) << 1;
}

/* Can quote rule r match s[0, n), whose one Q is s[k]? A match beginning
 * with Q starts at k, and the scan from there may stop once it is back in
 * the start state (2, see rulescan_dfa): the threads begun at Q are dead,
 * and those begun later wait for a second Q. A match ending with Q ends
 * at k + 1, and its reversed DFA reads from there leftwards. */
static inline int rule_may_match_quote(const rule *r, const char *s, size_t k, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  if (r->rdfa) { /* from Q leftwards: it dies where no match can begin further left */
    const uint16_t *next = r->rdfa;
    const uint8_t *cls = r->rdfa_cls;
    unsigned ncls = r->rdfa_ncls, st = r->rdfa_start;
    if (st <= ncls)
      return st == 0;
    size_t i = k + 1;
    for (; i >= 4; i -= 4) { /* as in rule_may_match_dfa */
      st = next[st + cls[u[i - 1]]];
      st = next[st + cls[u[i - 2]]];
      st = next[st + cls[u[i - 3]]];
      st = next[st + cls[u[i - 4]]];
      if (st <= ncls)
        return st == 0;
    }
    while (i-- > 0)
      st = next[st + cls[u[i]]];
    if (st <= ncls)
      return st == 0;
    return r->rdfa_end[rule_dfa_index(st, r->rdfa_div)];
  }
  if (r->dfa_q != DFA_Q_FIRST)
    return rule_may_match_dfa(r, s, 0, r->dfa_q == DFA_Q_LAST ? k + 1 : n);
  const uint16_t *next = r->dfa;
  const uint8_t *cls = r->dfa_cls;
  unsigned ncls = r->dfa_ncls, st = k ? r->dfa_start : r->dfa_start_bol;
  if (st <= ncls)
    return st == 0;
  st = next[st + cls[u[k]]]; /* the Q */
  for (size_t i = k + 1; i < n; i++) {
    if (st <= 2u * ncls)
      return st == 0;
    st = next[st + cls[u[i]]];
  }
  if (st <= 2u * ncls)
    return st == 0;
  return r->dfa_end[rule_dfa_index(st, r->dfa_div)];
}
/* Can rule r match a subject whose symbol word is pres? */
static inline int rule_may_match(const rule *r, uint32_t pres) {
#if defined(__SSE2__)
  /* all eight words at once (those past n_need meet any pres): a loop of
   * three to five tests a rule cost three times as much */
  _Static_assert(RULE_NEEDS == 8, "two vectors of four words");
  __m128i p = _mm_set1_epi32((int)pres), zero = _mm_setzero_si128();
  __m128i lo = _mm_and_si128(_mm_loadu_si128((const __m128i *)r->need_w), p);
  __m128i hi = _mm_and_si128(_mm_loadu_si128((const __m128i *)(r->need_w + 4)), p);
  return _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi32(lo, zero), _mm_cmpeq_epi32(hi, zero))) == 0;
#else
  for (unsigned k = 0; k < r->n_need; k++)
    if (!(r->need_w[k] & pres))
      return 0;
  return 1;
#endif
}

enum { RULE_QUOTE = 1, RULE_INDIRECT = 2 };
/* rule lists: quote rules; indirect rules of body text; indirect rules of
 * headlines (those named headline-...) */
enum { RL_QUOTE, RL_INDIRECT, RL_HEADLINE, RL_LISTS };
enum { GRP_SPK, GRP_CUE, GRP_ADR, GRP_CONTENT, GRP_ALTS = 4 };

/* The span [*start, *end) in the subject of the first set group of role
 * (GRP_*) after a match with rc pairs in ov; 0 when none is set. Inline:
 * attribution asks a few times for each match. */
static inline int rule_group(const rule *r, int role, const PCRE2_SIZE *ov, int rc, size_t *start,
                             size_t *end) {
  for (int k = 0; k < GRP_ALTS && r->groups[role][k]; k++) {
    int g = r->groups[role][k];
    if (g < rc && ov[2 * g] != PCRE2_UNSET) {
      *start = ov[2 * g];
      *end = ov[2 * g + 1];
      return 1;
    }
  }
  return 0;
}

enum { WALK_MORE = 1 << 30 };
/* A walk map's filter has a bit for each top WALK_FILTER_BITS bits of a hash. */
enum { WALK_FILTER_BITS = 15 };
/* The bit of a walk key of hash h in its map's filter: the hash's top bits */
static inline uint32_t walk_filter_bit(uint32_t h) {
  return h >> (32 - WALK_FILTER_BITS);
}
/* Could a walk key of hash h be in the map of filter (its bits set by
 * model.c at load)? 0: it is not */
static inline int walk_filter_may(const uint64_t *filter, uint32_t h) {
  uint32_t b = walk_filter_bit(h);
  return (int)((filter[b >> 6] >> (b & 63)) & 1);
}

struct attrib_model {
  arena mem;  /* every string and array of the model */
  strmap gaz; /* surface form key -> index in gaz_entries */
  gaz_entry *gaz_entries;
  size_t n_gaz;
  unsigned gaz_max_tok;
  strmap titles; /* title key -> index into title_gender (value = gender | 0x100) */
  unsigned title_max_tok;
  /* the keys of gaz and titles and each of their prefixes that a space
   * ends, so that a longest match grows word by word and stops where no
   * key goes on (entities.c): the value of the key in its map + 1 (0 for a
   * prefix only), or WALK_MORE when a longer key continues it */
  strmap gaz_walk, title_walk;
  /* the bits (WALK_FILTER_BITS of the hash) of the walk keys of two words
   * or more: a longer match whose bit is clear is none, told without the
   * map's slot, whose fetch was mostly a wait for memory */
  uint64_t *gaz_walk_filter, *title_walk_filter;
  /* token key -> word classes (case-sensitive as listed), first names,
   * whole titles, and for the first word of a multiword gazetteer entry,
   * title or cue the most words such an entry has (lookups skip every
   * other word at once) */
  lexicon lex;
  strmap cues; /* lowercase form key -> index into cue_entries */
  cue_entry *cue_entries;
  size_t n_cues;
  unsigned cue_max_tok;
  rule *rules;
  size_t n_rules;
  /* indices into rules by where they are tried (RL_*), in file order: a
   * sentence's loop need not skip the others one by one */
  uint16_t *rule_list[RL_LISTS];
  uint32_t n_rule_list[RL_LISTS];
  /* the same lists without the rules that need a cue, for subjects with none */
  uint16_t *rule_list_nocue[RL_LISTS];
  uint32_t n_rule_list_nocue[RL_LISTS];
  /* may a rule of the list match a paragraph with no quotation, no cue and
   * no colon? When not, attribution need not symbolise such paragraphs */
  uint8_t plain_may_match[RL_LISTS];
  uint32_t plain_not_syms; /* the symbols that make a paragraph or sentence not plain: Q q p s : */
  /* strmap_hash of the lower-case words attribution's word_sym asks about
   * by name ("that", the conjunctions: LEX_SYM's named words), the last
   * repeated to fill the eight */
  uint32_t sym_word_hash[8];
  uint32_t sym_bit[256];     /* byte -> its bit in a symbol word (RULE_ALPHABET) */
  uint32_t cue_syms;         /* the symbol word of the cues: V v o b A */
  pcre2_match_context *mctx; /* shared: read-only after load */
  uint32_t match_limit, depth_limit;
  uint64_t seed; /* random, made at load: keys a document's maps (doc_seed) */
};

/* Token key normalisation shared by the model loader and the pipeline:
 * NFKC (ICU), curly apostrophes to "'". Writes into buf (cap bytes) and
 * returns the length, or 0 if it does not fit. */
size_t model_norm_key(const char *s, size_t n, char *buf, size_t cap);

#endif
