/* doc.h: the per-document data the pipeline stages hand on (internal).
 * Everything lives in the doc's arena; stages fill it in order:
 * text -> segment (and cues) -> quotes -> entities -> coref -> attribution. */
#ifndef ATTRIB_DOC_H
#define ATTRIB_DOC_H

#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "attrib.h"
#include "model.h"
#include "strmap.h"

typedef struct paragraph {
  uint32_t start, end;         /* bytes, without the line break */
  uint32_t tok_first, tok_end; /* tokens [first, end) */
  uint8_t headline;            /* title-case line without final punctuation */
  uint8_t boilerplate;         /* web furniture: Related, Latest News, Copyright */
  uint32_t label_end;          /* interview transcripts: the token after "Q:" or "SMITH:", else 0 */
  uint32_t quote_first;        /* its first quote mark (TK_QUOTE), or tok_end when none (segment.c) */
  uint32_t colon;              /* the colon of a label ("SMITH:", "Q:") opening it, or 0 (segment.c) */
} paragraph;

typedef struct sentence {
  uint32_t tok_first, tok_end;
  uint32_t para;
} sentence;

enum token_kind { TK_WORD, TK_NUM, TK_PUNCT, TK_QUOTE, TK_HANDLE };

/* Quote-mark roles decided by the quotes stage. */
enum { QM_NONE, QM_OPEN, QM_CLOSE, QM_APOS };

enum {
  T_CAP = 1u << 0,     /* first letter upper or title case */
  T_ALLCAP = 1u << 1,  /* two or more letters, all upper case */
  T_LOWER = 1u << 2,   /* first letter lower case */
  T_INITIAL = 1u << 3, /* first word of a sentence or of a quotation */
  T_SPACE_BEFORE = 1u << 4,
  T_SPACE_AFTER = 1u << 5,
  T_POSSESSIVE = 1u << 6, /* the "'s" token split off a word */
  T_IN_HEADLINE = 1u << 7,
  T_ABBREV = 1u << 8,   /* ends in a period that is part of the word */
  T_SENT_END = 1u << 9, /* punctuation that ended a sentence */
  T_NAME = 1u << 10,    /* a word that may be (part of) a name; set by the entities stage */
  /* a token where an entry, a name or a title may start (entities.c: a
   * name token but "The", "But", an all-capital word, a title word, the
   * first word of a gazetteer entry or a handle); set by the entities stage */
  T_ENT_START = 1u << 11
};

typedef struct token {
  uint32_t start, end;
  const char *key; /* normalised text (model_norm_key); NUL-terminated */
  uint32_t key_len;
  uint32_t hash;    /* strmap_hash of key: every map lookup of the token reuses it */
  const char *lkey; /* key_len bytes: key with ASCII A-Z lower-cased (key itself when it has none) */
  uint32_t para, sent;
  uint16_t flags;
  uint8_t kind;
  uint8_t qm;      /* QM_* for TK_QUOTE */
  int32_t quote;   /* innermost quote whose content holds this token, or -1 */
  int32_t cue;     /* index of the cue starting here, or -1 */
  int32_t mention; /* mention covering this token, or -1 */
  uint32_t words;  /* W_* bits of the word (exact, then lower-cased) */
  /* the rest of the token's lexicon records (segment.c), so that later
   * stages look nothing up: first words of entries (exact key, cues by
   * the lower-case key) and LEX_* flags of the exact key */
  uint8_t gaz_first, title_first, cue_first, lex;
} token; /* 64 bytes: one cache line; every stage walks the tokens */

typedef struct quote {
  uint32_t start, end;          /* content bytes */
  uint32_t open_tok, close_tok; /* marks; close_tok == UINT32_MAX when the paragraph left it open */
  uint32_t tok_first, tok_end;  /* content tokens */
  uint32_t para;
  int32_t parent;     /* enclosing quote, or -1 */
  int32_t group;      /* first quote of a multi-paragraph run, or its own index */
  uint8_t kind;       /* attrib_quote_kind */
  uint8_t continued;  /* the next paragraph continues it */
  uint8_t transcript; /* an answer or question of an interview transcript */
  /* attribution */
  int32_t speaker_mention; /* -1 when unknown */
  int32_t addressee_mention;
  int32_t cue_tok_first, cue_tok_end; /* -1 when none */
  const char *cue_lemma;
  double confidence;
  const char *rule;
} quote;

enum mention_kind { M_NAME, M_PRONOUN, M_DESC };

typedef struct mention {
  uint32_t tok_first, tok_end;
  uint32_t start, end;
  int32_t entity;
  uint8_t kind;   /* mention_kind */
  uint8_t type;   /* attrib_entity_type guess */
  uint8_t gender; /* G_* */
  uint8_t plural;
  uint8_t person; /* a description of a person ("a spokeswoman for X"): he/she may refer to it */
} mention;

typedef struct entity {
  uint8_t type;
  uint8_t gender;
  const char *name; /* canonical */
  uint32_t name_ntok;
  const gaz_entry *gaz;
  vec mentions;   /* int32_t mention indices, text order */
  uint8_t byline; /* named as the article's author */
  /* the words of name as a signature (entities.c's words_sig), worked out
   * when first asked; for the name sig_of, so a new name asks anew */
  const char *sig_of;
  uint64_t sig;
  /* coref.c's public_body: its answer (-1 until known), and how many of
   * mentions it has passed with no answer (the list only grows, so the
   * first name of an organisation, once there, stays its first) */
  int8_t body;
  uint32_t body_upto;
} entity;

typedef struct cue {
  uint32_t tok_first, tok_end;
  const cue_entry *entry;
} cue;

/* The bytes of a document's copy (attrib_doc.copy) readable past its NUL,
 * all cleared: whole chunks are copied from it (api.c's set_span), a token's
 * key is looked up (LEX_KEY_SLACK) and read 16 bytes at a time (segment.c)
 * with no test of where the text ends */
enum { DOC_COPY_SLACK = 32 };

struct attrib_doc {
  arena mem;
  const attrib_model *model;
  const char *text; /* the caller's input, borrowed during analysis only */
  char *copy;       /* NUL-terminated copy for result strings */
  size_t len;
  uint32_t base; /* bytes skipped at the start (BOM) */
  uint64_t seed; /* keys the slots of the document's maps and sets (strmap_home); never 0 */
  attrib_options opts;
  pcre2_match_data *md;
  vec paras, sents, toks, quotes, cues, mentions, entities; /* of the types above */
  /* public views, built at the end */
  attrib_entity *pub_entities;
  size_t n_pub_entities;
  attrib_quote *pub_quotes;
  size_t n_pub_quotes;
  int32_t *entity_pub;   /* internal entity index -> public index or -1 */
  strmap ent_names;      /* entity name and alias keys -> entity and claim strength, packed (entities.c) */
  uint32_t name_key_max; /* the longest key of ent_names, in bytes */
  /* bit k of word k / 64: token k is in one of mentions [0, mentioned_upto)
   * (doc_mentioned_sync): the look backs for a mention (coref's, and
   * doc_recent_named's of MAX_BACK tokens) pass 64 tokens with no mention
   * in one test. Caught up from the mentions added since: none is ever
   * removed, and new mentions alone set tokens' mention. NULL until first
   * synced (coref_stage's start, or a long look back before it). */
  uint64_t *mentioned;
  size_t mentioned_upto;
  /* per sentence, one past its first word that is a likely subject's rival
   * (coref.c's sentence_subject: a word not a determiner, preposition or
   * never-a-name word, or a cue), tok_end + 1 when none; 0 until asked.
   * NULL until the first is asked */
  uint32_t *sent_word;
  /* bit k of word k / 64: token k is a quotation mark (TK_QUOTE), set by
   * segmentation as each paragraph is done (segment.c's mark_quotes);
   * quote_words words. The pairing (quotes.c) passes the words between
   * marks by these, not token by token */
  uint64_t *quote_bits;
  size_t quote_words;
};

/* Inlining hints for the stages' hot code. NOINLINE keeps a hot loop, or
 * a rare case, out of its caller, whose many live values would spill the
 * loop's registers to the stack; ALWAYS_INLINE puts a function into its few
 * callers where the compiler would not. */
#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define NOINLINE
#define ALWAYS_INLINE inline
#endif

/* Bitmaps of a document's tokens (bit k of word k / 64 is token k), as
 * d->mentioned and the stages' own: a look for the next or the last token
 * with its bit set passes 64 tokens with one test. */
/* The first token from i on, before end, whose bit is set; end when none. */
static inline uint32_t tokbits_next(const uint64_t *set, uint32_t i, uint32_t end) {
  if (i >= end)
    return end;
  uint32_t w = i >> 6;
  uint64_t bits = set[w] & (~(uint64_t)0 << (i & 63));
  while (!bits) {
    if ((++w << 6) >= end)
      return end;
    bits = set[w];
  }
#if defined(__GNUC__)
  uint32_t j = (w << 6) + (uint32_t)__builtin_ctzll(bits);
#else
  uint32_t j = w << 6;
  while (!(bits & 1)) {
    bits >>= 1;
    j++;
  }
#endif
  return j < end ? j : end;
}
/* One past the last token in [lo, end) whose bit is set; 0 when none. */
static inline uint32_t tokbits_last(const uint64_t *set, uint32_t lo, uint32_t end) {
  if (end <= lo)
    return 0;
  uint32_t w = (end - 1) >> 6;
  uint64_t bits = set[w] & (~(uint64_t)0 >> (63 - ((end - 1) & 63))); /* tokens w * 64 .. end - 1 */
  while (!bits) {
    if (w == lo >> 6)
      return 0;
    bits = set[--w];
  }
#if defined(__GNUC__)
  uint32_t j = (w << 6) + 63 - (uint32_t)__builtin_clzll(bits);
#else
  uint32_t j = (w << 6) + 63;
  while (!(bits >> 63)) {
    bits <<= 1;
    j--;
  }
#endif
  return j >= lo ? j + 1 : 0;
}

#define TOK(d, i) VEC_AT((d)->toks, token, i)
#define NTOK(d) ((uint32_t)(d)->toks.len)
#define QUOTE(d, i) VEC_AT((d)->quotes, quote, i)
#define MENTION(d, i) VEC_AT((d)->mentions, mention, i)
#define ENTITY(d, i) VEC_AT((d)->entities, entity, i)

/* Sets err (may be NULL) and returns code. */
attrib_status doc_error(attrib_error *err, attrib_status code, size_t offset, const char *fmt, ...);

/* Stages, in pipeline order. Each returns ATTRIB_OK or an error. */
attrib_status text_stage(attrib_doc *d, attrib_error *err);
attrib_status segment_stage(attrib_doc *d, attrib_error *err);
/* The cues of tokens [a, n), whole paragraphs (cues.c; segment_stage calls
 * it as it goes). 0, or -1 when out of memory. */
int cues_find(attrib_doc *d, uint32_t a, uint32_t n);
attrib_status quotes_stage(attrib_doc *d, attrib_error *err);
attrib_status entities_stage(attrib_doc *d, attrib_error *err);
attrib_status coref_stage(attrib_doc *d, attrib_error *err);
attrib_status attribution_stage(attrib_doc *d, attrib_error *err);

/* The symbol string of paragraph p as the rules see it (attribution.c),
 * for the trace tool; NUL-terminated in out. */
void attribution_symbols(attrib_doc *d, uint32_t p, char *out, size_t cap);

/* How far back (in tokens) a reference looks for what it refers to: a few
 * pages of text, so that a long document costs linear time. */
enum { MAX_BACK = 3000 };

/* The entity of the latest mention before token i (at most MAX_BACK tokens
 * back) whose entity name holds the words key[0, kl), among mentions of the
 * kinds (1 << M_*) and types (1 << attrib_entity_type) asked for; ASCII
 * letters compared without case when icase. -1 when none (entities.c). */
/* Brings d->mentioned up to date with the mentions added since it was last
 * asked (allocated when first asked). 0, or -1 when out of memory. */
int doc_mentioned_sync(attrib_doc *d);
int32_t doc_recent_named(attrib_doc *d, uint32_t i, const char *key, size_t kl, unsigned kinds,
                         unsigned types, int icase);

/* The text of tokens [a, b) as an entity's name: each run of white space
 * (a line break, spaces) one space, so that a name is its words, not the
 * layout between them (a name across 200 KB of spaces was that long, and
 * written out again for each of its quotes). NULL when out of memory. */
const char *doc_name_text(attrib_doc *d, uint32_t a, uint32_t b);
/* A new entity (entities.c): its index, or -1 when out of memory. */
int32_t doc_new_entity(attrib_doc *d, uint8_t type, const char *name, uint32_t name_ntok, const gaz_entry *g);
/* A new mention of tokens [a, b) (ent -1: of no entity yet), recorded on its
 * tokens and in its entity (entities.c): its index, or -2 when out of memory. */
int32_t doc_new_mention(attrib_doc *d, uint32_t a, uint32_t b, int32_t ent, uint8_t kind, uint8_t type,
                        uint8_t gender, uint8_t plural);

/* The entity of mention mi, made for it when it had none ("Scott's wife"
 * speaking): its description becomes its name. -2 when out of memory. */
int32_t mention_own_entity(attrib_doc *d, int32_t mi);

/* Shared helpers, inline so that strlen of a literal word folds away
 * (they run for nearly every token of every stage). */
static inline int tok_is(const token *t, const char *word) { /* exact key match */
  size_t n = strlen(word);
  return t->key_len == n && memcmp(t->key, word, n) == 0;
}
static inline int tok_is_lower(const token *t, const char *word) { /* ASCII case-insensitive */
  size_t n = strlen(word);
  if (t->key_len != n)
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = t->key[i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c + 32);
    if (c != word[i])
      return 0;
  }
  return 1;
}
/* Is the 's split off token i a contraction ("he's", "that's": is or
 * has) rather than a possessive? After a personal pronoun or one of the
 * few words that take it, it is. */
static inline int tok_contraction(const token *toks, uint32_t i) {
  if (!(toks[i].flags & T_POSSESSIVE) || i == 0 || toks[i - 1].end != toks[i].start)
    return 0;
  const token *p = &toks[i - 1];
  return (p->words & (W_PRONOUN_M | W_PRONOUN_F | W_PRONOUN_N | W_PRONOUN_P)) || tok_is_lower(p, "that") ||
         tok_is_lower(p, "there") || tok_is_lower(p, "here") || tok_is_lower(p, "what") ||
         tok_is_lower(p, "who") || tok_is_lower(p, "where");
}

/* Is t a dash: '-', an en or em dash, or a horizontal bar? */
static inline int tok_is_dash(const token *t) {
  const unsigned char *k = (const unsigned char *)t->key;
  return t->kind == TK_PUNCT && (k[0] == '-' || (t->key_len == 3 && k[0] == 0xE2 && k[1] == 0x80 &&
                                                 (k[2] == 0x93 || k[2] == 0x94 || k[2] == 0x95)));
}

/* strmap_hash of t->lkey (tokens keep only the hash of their key: the
 * lower-case one is asked for rarely). */
static inline uint32_t tok_lhash(const token *t) {
  return t->lkey == t->key ? t->hash : strmap_hash(t->lkey, t->key_len);
}
/* The code point of a TK_QUOTE token (its text is one valid one, or ''
 * which stands for "). */
static inline uint32_t tok_cp(const attrib_doc *d, const token *t) {
  const unsigned char *s = (const unsigned char *)d->copy + t->start;
  if (s[0] < 0x80)
    return s[0] == '\'' && t->end - t->start == 2 ? '"' : s[0];
  if (s[0] < 0xE0)
    return ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
  if (s[0] < 0xF0)
    return ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
  return ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
}
/* Joins the keys (lkey when lower) of tokens i, i+1, ... with single
 * spaces into buf, at most max tokens and while the join stays shorter
 * than cap - 2 bytes; for each k fitting, off[k] is the length of the first
 * k keys joined and hash[k] its strmap_hash (so a longest-match lookup
 * joins and hashes once, not once per length). Returns how many tokens
 * fit; off and hash need max + 1 entries (segment.c). */
uint32_t doc_join_prefixes(const attrib_doc *d, uint32_t i, uint32_t max, int lower, char *buf, size_t cap,
                           size_t *off, uint32_t *hash);
/* Tokenises s[start, end) into toks (segment.c); also used by the model
 * loader to key multiword gazetteer entries exactly as documents are.
 * Returns how many tokens it left without a key (finish_token's to do),
 * or -1 when out of memory; *quote_first gets the index of its first quote
 * mark (TK_QUOTE), UINT32_MAX when none. */
int segment_tokenize(const attrib_model *m, const char *s, uint32_t start, uint32_t end, uint32_t para,
                     vec *toks, arena *a, uint32_t *quote_first);

#endif
