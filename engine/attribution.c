/* attribution.c: stage 7. Finds who said each quote, and reported speech.
 *
 * Each paragraph is rewritten as a string of symbols, one per unit: a whole
 * quotation, a mention, a cue, a word or a punctuation mark (the alphabet is
 * documented in models/attribution.rules). The rules are PCRE2 patterns
 * over that string, tried from the most to the least precise; named groups
 * (spk, cue, adr, content) point back to the units. Quotes no rule
 * attributes inherit the speaker of their multi-paragraph run, or of the
 * quote before them when no other speaker came in between. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"

typedef struct unit {
  uint32_t tok_first, tok_end;
  int32_t ref; /* mention, quote or cue index, or -1 */
} unit;

typedef struct para_syms {
  char *s;
  unit *u;
  uint32_t n;
  uint32_t nquote;   /* units that are quotations (q, p or s) */
  uint32_t npartial; /* of them partial or scare quotes (p or s) */
} para_syms;

/* Is symbol c one of set's (never the NUL)? strchr without the call: the
 * sets are literals, which the compiler turns into a few compares. */
static inline int sym_in(char c, const char *set) {
  for (; *set; set++)
    if (*set == c)
      return 1;
  return 0;
}

/* The mention symbols (N O G P D) and of them those that name or describe
 * (N O G D: not a pronoun), by a table: speaker_of and object_unit ask
 * of the text's symbols, and sym_in's compares were mispredicted jumps. */
enum { SYM_MENTION = 1, SYM_NOT_PRONOUN = 2 };
static const uint8_t sym_kind[128] = {['N'] = SYM_MENTION | SYM_NOT_PRONOUN,
                                      ['O'] = SYM_MENTION | SYM_NOT_PRONOUN,
                                      ['G'] = SYM_MENTION | SYM_NOT_PRONOUN,
                                      ['D'] = SYM_MENTION | SYM_NOT_PRONOUN,
                                      ['P'] = SYM_MENTION};
/* Is symbol c (ASCII) one of N O G P D? */
static inline int mention_symbol(char c) {
  return sym_kind[(unsigned char)c & 127] & SYM_MENTION;
}
/* Is symbol c (ASCII) one of N O G D? */
static inline int named_symbol(char c) {
  return (sym_kind[(unsigned char)c & 127] & SYM_NOT_PRONOUN) != 0;
}

/* Is t a word in lower case of more than four bytes ending in "ly"? The
 * answer depends on the text, so it is computed with no jump (a jump on it
 * was mispredicted one time in six). A shorter key's last two bytes are
 * not read: its first two are (a word has a byte, and the NUL after it). */
static inline int is_adverb(const token *t) {
  uint32_t n = t->key_len, long_ = n > 4;
  uint16_t e; /* the key's last two bytes, or its first two */
  memcpy(&e, t->key + ((n - 2) & (0u - long_)), 2);
  uint16_t ly_here; /* "ly" as it is in memory, whatever the byte order */
  memcpy(&ly_here, "ly", 2);
  return (int)((unsigned)(t->kind == TK_WORD) & (unsigned)((t->flags & T_LOWER) != 0) & long_ &
               (unsigned)(e == ly_here));
}

/* The symbols of the ASCII punctuation marks by their byte, when they end
 * no sentence ([0]) and when they do ([1]); 0 for 'x'. */
static const char punct_ascii[2][128] = {
    {[','] = ',', [':'] = ':', [';'] = ';', ['('] = '(', ['['] = '(', [')'] = ')', [']'] = ')', ['-'] = '-'},
    {[','] = ',',
     [':'] = ':',
     [';'] = ';',
     ['('] = '(',
     ['['] = '(',
     [')'] = ')',
     [']'] = ')',
     ['-'] = '-',
     ['.'] = '.',
     ['!'] = '.',
     ['?'] = '.'}};

/* By a table, not a switch: the marks come in no order that a jump
 * through a table of cases, or a jump on T_SENT_END, could foresee. */
static char punct_sym(const token *t) {
  unsigned char c = (unsigned char)t->key[0];
  if (c >= 0x80) {
    if (t->key_len == 3 && c == 0xE2 && (unsigned char)t->key[1] == 0x80) {
      unsigned char c3 = (unsigned char)t->key[2];
      if (c3 == 0x93 || c3 == 0x94 || c3 == 0x95) /* en dash, em dash, horizontal bar */
        return '-';
      if (c3 == 0xA6)
        return (t->flags & T_SENT_END) ? '.' : 'x';
    }
    return 'x';
  }
  char s = punct_ascii[(t->flags & T_SENT_END) != 0][c];
  return s ? s : 'x';
}

/* The symbol of a mention by its kind and type ([M_NAME] by type: person,
 * organisation, other), from a table: they come as the text has them. */
static const char mention_syms[3][3] = {{'N', 'O', 'G'}, {'P', 'P', 'P'}, {'D', 'D', 'D'}};
static char mention_sym(const mention *m) {
  unsigned k = m->kind, ty = m->type;
  return mention_syms[k < 3 ? k : M_NAME][ty < 2 ? ty : 2];
}

static int32_t root_quote(attrib_doc *d, int32_t q) {
  while (q >= 0 && QUOTE(d, q).parent >= 0)
    q = QUOTE(d, q).parent;
  return q;
}

/* The symbol of a quote by its kind, from a table: the kinds come as the
 * text has them, and a switch's jumps on them were mispredicted. */
static char quote_sym(const quote *q) {
  _Static_assert(ATTRIB_DIRECT == 0 && ATTRIB_PARTIAL == 1, "q and p first");
  return "qpss"[q->kind < 3 ? q->kind : 3];
}

/* The symbol of a cue by its entry's flags, from a table of the four that
 * decide it (a noun, "according to": A; not speech: b; speech that is bare:
 * V, that takes an object: o, else v): the cues come as the text has them,
 * and the chain of tests on the flags was mispredicted. */
static char cue_sym(uint8_t f) {
  unsigned k = (unsigned)((f & CUE_NOUN) != 0) << 3 | (unsigned)((f & CUE_SPEECH) != 0) << 2 |
               (unsigned)((f & CUE_BARE) != 0) << 1 | (unsigned)((f & CUE_OBJECT) != 0);
  return "bbbbvoVVAAAAAAAA"[k];
}

/* The symbol of a word starting in lower case that is "that" (T) or a
 * conjunction (+), in *c; 0 when it is neither. By length first: most
 * words are none of them. */
static int lower_sym(const token *t, char *c) {
  switch (t->key_len) {
  case 3:
    *c = '+';
    return tok_is(t, "and") || tok_is(t, "but");
  case 4:
    *c = 'T';
    return tok_is_lower(t, "that");
  case 5:
    *c = '+';
    return tok_is(t, "while");
  case 6:
    *c = '+';
    return tok_is(t, "though");
  case 7:
    *c = '+';
    return tok_is(t, "whereas");
  case 8:
    *c = '+';
    return tok_is(t, "although");
  default:
    return 0;
  }
}

/* The hashes (strmap_hash) of the words lower_sym knows, as the model
 * holds them (sym_word_hash): a key with another hash is none of them.
 * Held in registers by symbolise, whose stores through char pointers
 * would make the compiler load them again from memory for every word. */
#if defined(__SSE2__)
typedef struct sym_hashes {
  __m128i lo, hi;
} sym_hashes;
#else
typedef struct sym_hashes {
  uint32_t h[8];
} sym_hashes;
#endif
static sym_hashes sym_hashes_of(const attrib_model *m) {
  _Static_assert(sizeof m->sym_word_hash == 8 * sizeof(uint32_t), "two vectors of four");
  sym_hashes sh;
#if defined(__SSE2__)
  sh.lo = _mm_loadu_si128((const __m128i *)(const void *)m->sym_word_hash);
  sh.hi = _mm_loadu_si128((const __m128i *)(const void *)(m->sym_word_hash + 4));
#else
  memcpy(sh.h, m->sym_word_hash, sizeof sh.h);
#endif
  return sh;
}
/* Is h one of sh's? With no jump. */
static inline unsigned sym_hash_in(sym_hashes sh, uint32_t h) {
#if defined(__SSE2__)
  __m128i x = _mm_set1_epi32((int)h);
  return _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi32(sh.lo, x), _mm_cmpeq_epi32(sh.hi, x))) != 0;
#else
  unsigned in = 0;
  for (int k = 0; k < 8; k++)
    in |= sh.h[k] == h;
  return in;
#endif
}

/* The symbol of token i, a word, number or handle in no quotation that
 * starts no mention and no cue. */
static char word_sym(const token *toks, uint32_t i, sym_hashes sh) {
  const token *t = &toks[i];
  char c;
  /* the tests in their order, split by T_LOWER, which three of them want:
   * a word in lower case (most) is decided in a few steps. T_LOWER and
   * T_CAP describe the first letter, never both: no 'W' in lower case. */
  if (t->flags & T_LOWER) {
    /* "that", a conjunction, W_PREP or W_AUX only when LEX_SYM (set on
     * their keys at model load) says it may be; "that" or a conjunction
     * only when its hash is one of theirs, or its key has capitals
     * ("tHat": lkey is key when it has none). Those few take the tests in
     * order; the others (most) no jump: whether a word is LEX_SYM is the
     * text's choice, and the jump on it was mispredicted one time in three */
    unsigned lsym = (t->lex & LEX_SYM) != 0;
    if (lsym & (sym_hash_in(sh, t->hash) | (t->lkey != t->key))) {
      if (lower_sym(t, &c))
        return c; /* "that", or a conjunction */
      if (t->words & W_PREP)
        return 'i';
      return (t->words & W_AUX) || (is_adverb(t) | tok_contraction(toks, i)) ? 'a' : 'w';
    }
    uint32_t w = t->words & (0u - lsym); /* W_PREP and W_AUX count only then */
    unsigned a = ((w & W_AUX) != 0) | (unsigned)is_adverb(t) | (unsigned)tok_contraction(toks, i);
    return "waii"[(unsigned)((w & W_PREP) != 0) << 1 | a];
  }
  if ((t->words & W_PREP) && (t->flags & T_INITIAL))
    return 'i'; /* "In Washington, Obama said": a sentence may open with one */
  if ((t->words & W_AUX) || tok_contraction(toks, i)) /* not an adverb: that is lower case */
    return 'a';
  if (t->kind == TK_WORD && (t->flags & T_CAP) && !(t->flags & T_INITIAL))
    return 'W';
  return 'w';
}

/* Bytes a symbol buffer holds past its final NUL, initialised (zeroed by
 * arena_alloc, or left from an earlier paragraph): window_symbols reads
 * that far past a window's end. */
enum { SYM_SLACK = 8 };

/* rule_symbols of a window of a symbol buffer (s[0, n) with SYM_SLACK
 * bytes after it), with no jump on n's last bits: whole rounds of eight,
 * then the last eight bytes read at once, those past n replaced by the
 * round's first (in the window, and a symbol twice adds nothing). The
 * windows' lengths are the text's, and rule_symbols' tests of them (the
 * loop's end, then four, two, one) were mispredicted twice a call. */
static inline uint32_t window_symbols(const uint32_t *sym_bit, const char *s, size_t n) {
  static const unsigned char ones[16] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  const unsigned char *u = (const unsigned char *)s;
  uint32_t w = 0, w2 = 0;
  size_t i = 0;
  for (; n - i > 8; i += 8) {
    w |= sym_bit[u[i]] | sym_bit[u[i + 2]] | sym_bit[u[i + 4]] | sym_bit[u[i + 6]];
    w2 |= sym_bit[u[i + 1]] | sym_bit[u[i + 3]] | sym_bit[u[i + 5]] | sym_bit[u[i + 7]];
  }
  uint64_t x, keep; /* keep: 0xFF for the bytes of the window (n - i, 0 to 8) */
  memcpy(&x, u + i, 8);
  memcpy(&keep, ones + 8 - (n - i), 8);
  x = (x & keep) | ((uint64_t)u[i] * 0x0101010101010101u & ~keep);
  unsigned char b[8];
  memcpy(b, &x, 8);
  w |= sym_bit[b[0]] | sym_bit[b[2]] | sym_bit[b[4]] | sym_bit[b[6]];
  w2 |= sym_bit[b[1]] | sym_bit[b[3]] | sym_bit[b[5]] | sym_bit[b[7]];
  return (w | w2) & (0u - (uint32_t)(n != 0)); /* an empty window: u[0] is not in it */
}

/* Storage for the symbols of a paragraph, reused from one paragraph to
 * the next: fresh arrays for each came to a sixth of all the memory a long
 * document takes. */
typedef struct sym_buf {
  char *s;
  unit *u;
  uint32_t cap; /* units (and symbols, with the final NUL) s and u hold */
} sym_buf;

/* The symbols of paragraph p, in buf (NULL: in fresh arena memory). */
static int symbolise(attrib_doc *d, uint32_t p, para_syms *ps, sym_buf *buf, sym_hashes sh) {
  paragraph *pa = &VEC_AT(d->paras, paragraph, p);
  uint32_t n = pa->tok_end - pa->tok_first;
  if (!buf || buf->cap < n + 1) {
    /* grown by half again: a run of ever longer paragraphs allocates
     * O(log) times, not once per paragraph; and made for SYM_MIN_UNITS at
     * least, which few paragraphs pass (growing a buffer paragraph by
     * paragraph, as the text's lengths have it, was a mispredicted jump
     * per growth) */
    enum { SYM_MIN_UNITS = 128 };
    uint32_t cap = n + 1 + (buf ? (n + 1) / 2 : 0);
    if (buf && cap < SYM_MIN_UNITS)
      cap = SYM_MIN_UNITS;
    /* cleared, the symbols: PCRE2's JIT may look at bytes past a subject
     * (not for its result, but memcheck would see uninitialised bytes
     * decide a jump); not the units, each written whole before it is read */
    ps->s = arena_alloc(&d->mem, cap + SYM_SLACK);
    ps->u = arena_array_raw(&d->mem, cap, sizeof(unit));
    if (!ps->s || !ps->u)
      return -1;
    if (buf) {
      buf->s = ps->s;
      buf->u = ps->u;
      buf->cap = cap;
    }
  } else { /* reused as they are: nothing past the final NUL is read */
    ps->s = buf->s;
    ps->u = buf->u;
  }
  /* locals, not ps and d: every symbol stored through a char pointer
   * would make the compiler load them all again */
  const token *toks = (const token *)d->toks.data;
  const quote *quotes = (const quote *)d->quotes.data;
  char *syms = ps->s;
  unit *units = ps->u;
  uint32_t nu = 0, nquote = 0, npartial = 0, end = pa->tok_end;
  for (uint32_t i = pa->tok_first; i < end;) {
    const token *t = &toks[i];
    unit *u = &units[nu];
    char c;
    u->tok_first = i;
    u->ref = -1;
    uint32_t next = i + 1;
    /* most tokens are in no quotation and start no mention or cue (all
     * three indices negative, so their AND is too): a word or punctuation
     * symbol of their own */
    if ((t->quote & t->mention & t->cue) < 0 && t->kind != TK_QUOTE) {
      c = t->kind == TK_PUNCT ? punct_sym(t) : word_sym(toks, i, sh);
    } else {
      int32_t rq = t->kind == TK_QUOTE && t->qm == QM_OPEN ? -1 : root_quote(d, t->quote);
      if (t->kind == TK_QUOTE && t->qm == QM_OPEN) {
        /* the opening mark of a root quote: its content starts right after
         * it (an empty "" opens nothing, and looking further would be quadratic) */
        if (i + 1 < end && toks[i + 1].quote >= 0) {
          int32_t r = root_quote(d, toks[i + 1].quote);
          if (quotes[r].open_tok == i)
            rq = r;
        }
      }
      if (rq >= 0) {
        const quote *q = &quotes[rq];
        c = quote_sym(q);
        u->ref = rq;
        nquote++;
        npartial += c != 'q';
        next = q->close_tok == UINT32_MAX ? q->tok_end : q->close_tok + 1;
        if (next <= i)
          next = i + 1;
      } else if (t->mention >= 0) {
        mention *m = &MENTION(d, t->mention);
        c = mention_sym(m);
        u->ref = t->mention;
        next = m->tok_end > i ? m->tok_end : i + 1;
        /* "Wierzbicki's suspension": a possessor neither speaks nor is
         * told (one test of the three answers: the names come as the text
         * has them; the token looked at is i's own at the end) */
        unsigned poss = (unsigned)(m->kind == M_NAME) & (unsigned)(next < end) &
                        (unsigned)((toks[next < end ? next : i].flags & T_POSSESSIVE) != 0);
        if (poss) {
          c = 'W';
          u->ref = -1;
          next++;
        }
      } else if (t->cue >= 0) {
        cue *cu = &VEC_AT(d->cues, cue, t->cue);
        c = cue_sym(cu->entry->flags);
        u->ref = t->cue;
        next = cu->tok_end;
      } else {
        c = 'x'; /* a quotation mark that opens no quote: all else went above */
      }
      if (next > end)
        next = end;
    }
    u->tok_end = next;
    syms[nu++] = c;
    i = next;
  }
  syms[nu] = '\0';
  ps->n = nu;
  ps->nquote = nquote;
  ps->npartial = npartial;
  return 0;
}

/* A rule's confidence for speaker mention mi: 0 when it names no entity;
 * a pronoun speaker is right only if its resolution is too, which on
 * tests/gold holds about 95% of the time. */
static double rule_confidence(attrib_doc *d, const rule *ru, int32_t mi) {
  if (mi < 0 || MENTION(d, mi).entity < 0)
    return 0;
  return ru->confidence;
}

/* Is mention unit k an object: after a preposition ("to the Observer",
 * "with reporters"), or after a verb of telling in -ing ("telling
 * reporters")? Such a mention does not speak. */
static int object_unit(attrib_doc *d, const para_syms *ps, size_t k) {
  /* "Washington (AFP) - Clinton said": a dateline names where, not who */
  if (ps->s[k] == 'G' && (k == 0 || ps->s[k - 1] == '.') && (ps->s[k + 1] == '(' || ps->s[k + 1] == '-'))
    return 1;
  if (k == 0 || !named_symbol(ps->s[k]))
    return 0;
  size_t v = k + 1; /* the unit after the name, past auxiliaries */
  while (v < ps->n && ps->s[v] == 'a')
    v++;
  /* "in an AP interview": past a determiner */
  if (k >= 2 && ps->s[k - 1] == 'w' && (TOK(d, ps->u[k - 1].tok_first).words & W_DET) &&
      !(TOK(d, ps->u[k - 1].tok_first).flags & T_POSSESSIVE))
    k--;
  const unit *p = &ps->u[k - 1];
  const token *t = &TOK(d, p->tok_end - 1);
  /* "a spokesman for the union said": the body a description speaks for */
  if (ps->s[k - 1] == 'i' && k >= 2 && (ps->s[k - 2] == 'D' || ps->s[k - 2] == 'N') &&
      (tok_is(t, "for") || tok_is(t, "of") || tok_is(t, "at") || tok_is(t, "from")))
    return 0;
  /* "after", "before", "since", "until" also open clauses: "after Trump told";
   * and "with Sen. John McCain calling it", "as the crowd chanted", "footage
   * of Trump saying": a verb right after the name makes it its subject (not
   * after "to": "wrote in a statement to Wired explaining") */
  if (ps->s[k - 1] == 'i' && v < ps->n && sym_in(ps->s[v], "Vvo") &&
      (tok_is(t, "with") || tok_is(t, "as") || tok_is(t, "of")))
    return 0;
  if (ps->s[k - 1] == 'i')
    return (t->flags & (T_LOWER | T_INITIAL)) && !(t->words & (W_AUX | W_DET)) && !tok_is(t, "yesterday") &&
           !tok_is(t, "today") && !tok_is(t, "tonight") && !tok_is(t, "tomorrow") && !tok_is(t, "by") &&
           !tok_is_lower(t, "after") && !tok_is_lower(t, "before") && !tok_is_lower(t, "since") &&
           !tok_is_lower(t, "until");
  if ((ps->s[k - 1] == 'V' || ps->s[k - 1] == 'v' || ps->s[k - 1] == 'o') && p->ref >= 0 &&
      (VEC_AT(d->cues, cue, p->ref).entry->flags & CUE_TELL))
    return t->key_len > 4 && memcmp(t->key + t->key_len - 3, "ing", 3) == 0;
  return 0;
}

/* Speaker mention of unit k, creating an entity for an unnamed description
 * that speaks ("a source", "officials"). -1 when it names no one. */
static int32_t speaker_of(attrib_doc *d, para_syms *ps, uint32_t k, uint32_t kend, int indirect) {
  /* a source span ("the latest Quinnipiac University poll"): its first mention speaks */
  while (k + 1 < kend && !mention_symbol(ps->s[k]))
    k++;
  /* "its leader, Ruth Ekwueme," / "the company's spokesman, Jon Ek,": the name speaks */
  if (ps->s[k] == 'D' && k + 3 < ps->n && ps->s[k + 1] == ',' && ps->s[k + 2] == 'N' && ps->s[k + 3] == ',')
    k += 2;
  /* only mention units refer to mentions (quotes and cues refer to their own tables) */
  if (!mention_symbol(ps->s[k]))
    return -1;
  int32_t mi = ps->u[k].ref;
  if (mi < 0)
    return -1;
  mention *m = &MENTION(d, mi);
  if (m->entity >= 0 || m->kind != M_DESC)
    return mi;
  /* a document with no author quotes ("the lawsuit says"), but what it
   * reports in its own words ("the study found") is left unattributed */
  if (indirect && !m->person && m->type == ATTRIB_ORG)
    return -3;
  return mention_own_entity(d, mi) == -2 ? -2 : mi;
}

/* Index of the unit holding byte offset off of the symbol string. */
static void set_cue(attrib_doc *d, quote *q, para_syms *ps, uint32_t k) {
  unit *u = &ps->u[k];
  q->cue_tok_first = (int32_t)u->tok_first;
  q->cue_tok_end = (int32_t)u->tok_end;
  q->cue_lemma = u->ref >= 0 ? VEC_AT(d->cues, cue, u->ref).entry->lemma : NULL;
}

/* Runs rule r on subject s[0, n); fills ov (pairs). Returns the number of
 * pairs, 0 for no match, -1 when a limit stopped it. */
/* Is there a reporting cue in symbol word pres (rule_symbols)? Rules with
 * a cue need one. */
static int has_cue_symbol(const attrib_model *m, uint32_t pres) {
  return (pres & m->cue_syms) != 0;
}

/* Runs rule r on s[w0, w1) from offset from (relative to w0) and shifts
 * the match offsets back into s. Returns the number of pairs, 0 for no
 * match or a limit reached. */
static int run_rule(attrib_doc *d, const rule *r, const char *s, size_t w0, size_t w1, size_t from) {
  /* the subject is ASCII symbols: pcre2_match's checks before it calls the
   * JIT code are a fifth of the matching time */
  int rc = r->jit ? pcre2_jit_match(r->code, (PCRE2_SPTR)(s + w0), w1 - w0, from, 0, d->md, d->model->mctx)
                  : pcre2_match(r->code, (PCRE2_SPTR)(s + w0), w1 - w0, from, 0, d->md, d->model->mctx);
  if (rc <= 0)
    return 0; /* no match, or the match limit: a rule that cannot decide quickly does not decide */
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(d->md);
  /* with no jump on whether a group is set: the rules' alternatives set
   * some groups and not others, as the text has them */
  for (int g = 0; g < rc; g++) {
    PCRE2_SIZE add = w0 & ((PCRE2_SIZE)0 - (PCRE2_SIZE)(ov[2 * g] != PCRE2_UNSET));
    ov[2 * g] += add;
    ov[2 * g + 1] += add;
  }
  return rc;
}

/* Cue and addressee of a matched rule. */
static void set_cue_adr(attrib_doc *d, quote *q, para_syms *ps, const rule *ru, const PCRE2_SIZE *ov,
                        int rc) {
  size_t a, b;
  if (rule_group(ru, GRP_CUE, ov, rc, &a, &b))
    set_cue(d, q, ps, (uint32_t)a);
  if (rule_group(ru, GRP_ADR, ov, rc, &a, &b) && named_symbol(ps->s[a])) {
    int32_t am = ps->u[a].ref;
    if (am >= 0 && MENTION(d, am).entity >= 0)
      q->addressee_mention = am;
  }
}

/* Does q, a partial or scare quote ending in a full stop ("called it
 * 'arbitrary.' Jones said"), end its sentence? */
static int short_quote_ends_sentence(const attrib_doc *d, const quote *q) {
  return q->kind != ATTRIB_DIRECT && q->end > q->start && d->copy[q->end - 1] == '.';
}

/* The offset after the last '.' of s[lo, hi), or lo when it has none:
 * where a sentence ending at hi begins, looking back no further than lo.
 * The dots are found forwards by memchr: a few a window. */
static size_t after_last_dot(const char *s, size_t lo, size_t hi) {
  size_t w = lo;
  for (const char *dot; w < hi && (dot = memchr(s + w, '.', hi - w)) != NULL;)
    w = (size_t)(dot - s) + 1;
  return w;
}

/* rule_may_match(r, pres), and r's sets before its Q set met on the
 * quote's left (the symbol word before) and those after it on its right
 * (after), of quote rule r, from its sides' words (side_w) alone, with one
 * jump: which sets a window meets is the text's choice, and the tests one
 * by one, in loops of the rules' lengths, were mispredicted. Every set a rule needs
 * is one of its ordered sets, and the Q set is met (pres has Q): the
 * sides' words ask all of it while a side has four or fewer and the
 * pattern RULE_SEQ sets or fewer, as every rule of models/ (else the test
 * is looser, and the DFA and PCRE2 still decide). */
static inline int quote_rule_may_match(const rule *r, uint32_t before, uint32_t after) {
  const uint32_t other = 1u << RULE_OTHER_BIT; /* meets the words past a side's */
#if defined(__SSE2__)
  _Static_assert(sizeof r->side_w[0] == 4 * sizeof(uint32_t), "a vector of four words a side");
  const __m128i zero = _mm_setzero_si128();
  __m128i b = _mm_and_si128(_mm_loadu_si128((const __m128i *)(const void *)r->side_w[0]),
                            _mm_set1_epi32((int)(before | other)));
  __m128i a = _mm_and_si128(_mm_loadu_si128((const __m128i *)(const void *)r->side_w[1]),
                            _mm_set1_epi32((int)(after | other)));
  return _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi32(b, zero), _mm_cmpeq_epi32(a, zero))) == 0;
#else
  unsigned bad = 0;
  for (int k = 0; k < 4; k++)
    bad |= !(r->side_w[0][k] & (before | other)) | !(r->side_w[1][k] & (after | other));
  return !bad;
#endif
}

static int apply_quote_rules(attrib_doc *d, para_syms *ps, uint32_t k) {
  const attrib_model *m = d->model;
  quote *q = &QUOTE(d, ps->u[k].ref);
  char saved = ps->s[k];
  ps->s[k] = 'Q';
  /* the rules look at the quote's own sentence (at most QUOTE_REACH units
   * each way), so a paragraph of many quotes costs linear time */
  enum { QUOTE_REACH = 60 };
  size_t w0 = after_last_dot(ps->s, k > QUOTE_REACH ? k - QUOTE_REACH : 0, k);
  /* up to the first '.' from Q on (Q itself is none) */
  size_t lim = k + QUOTE_REACH < ps->n ? k + QUOTE_REACH : ps->n;
  const char *dot = memchr(ps->s + k, '.', lim - k);
  size_t w1 = dot ? (size_t)(dot - ps->s) + 1 : lim;
  /* a quote opening its sentence also sees the sentence before it: "X said
   * in a statement. 'Q'" (the rules themselves never cross a '.' unless
   * they name it) */
  if (w0 == k && k > 0 && ps->s[k - 1] == '.')
    w0 = after_last_dot(ps->s, k > QUOTE_REACH ? k - QUOTE_REACH : 0, k - 1);
  /* the next sentence's "X said" is about something else */
  if (short_quote_ends_sentence(d, q))
    w1 = k + 1;
  int found = 0;
  /* the symbols of the window, and of each side of Q: rules needing others are not tried */
  uint32_t before = window_symbols(m->sym_bit, ps->s + w0, k - w0);
  uint32_t after = window_symbols(m->sym_bit, ps->s + k + 1, w1 - k - 1);
  uint32_t pres = before | after | m->sym_bit['Q'];
  int cue_near = has_cue_symbol(m, pres);
  /* objects found on the way are masked as plain words for this quote's
   * rules, so that a rule may still find the speaker after them */
  enum { MAX_MASKED = 8 };
  size_t masked[MAX_MASKED];
  char masked_sym[MAX_MASKED];
  size_t nmasked = 0;
  int oom = 0;
  const uint16_t *list = cue_near ? m->rule_list[RL_QUOTE] : m->rule_list_nocue[RL_QUOTE];
  size_t nlist = cue_near ? m->n_rule_list[RL_QUOTE] : m->n_rule_list_nocue[RL_QUOTE];
  const rule *rules = m->rules;
  const char *win = ps->s + w0; /* the window */
  for (size_t r = 0; r < nlist && !found; r++) {
    const rule *ru = &rules[list[r]];
    /* the window's symbols on the sides of Q, then the rule's DFA */
    if (!quote_rule_may_match(ru, before, after))
      continue;
    if (!rule_may_match_quote(ru, win, k - w0, w1 - w0))
      continue;
    int rc = run_rule(d, ru, ps->s, w0, w1, 0);
    if (rc <= 0)
      continue;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(d->md);
    size_t sk, se;
    if (!rule_group(ru, GRP_SPK, ov, rc, &sk, &se))
      continue;
    if (object_unit(d, ps, sk)) {
      /* "in a statement to the Observer", "telling reporters": not a speaker */
      if (nmasked < MAX_MASKED && sk != k) {
        masked[nmasked] = sk;
        masked_sym[nmasked++] = ps->s[sk];
        ps->s[sk] = 'w';
        pres |= m->sym_bit['w'];
        before |= m->sym_bit['w'];
        after |= m->sym_bit['w'];
        r--; /* the same rule once more */
      }
      continue;
    }
    int32_t mi = speaker_of(d, ps, (uint32_t)sk, (uint32_t)se, 0);
    if (mi == -2) {
      oom = 1; /* restore the symbols, then fail */
      break;
    }
    q->speaker_mention = mi;
    q->confidence = rule_confidence(d, ru, mi);
    q->rule = ru->name;
    set_cue_adr(d, q, ps, ru, ov, rc);
    found = 1;
  }
  while (nmasked > 0) {
    nmasked--;
    ps->s[masked[nmasked]] = masked_sym[nmasked];
  }
  ps->s[k] = saved;
  return oom ? -1 : 0;
}

/* The reported clause in tokens [a, b) with "that" and punctuation trimmed;
 * NULL when it is too short to be a statement (fewer than three words). */
static quote *new_statement(attrib_doc *d, uint32_t a, uint32_t b, uint32_t para, int *oom) {
  *oom = 0;
  while (a < b && (tok_is_lower(&TOK(d, a), "that") || TOK(d, a).kind == TK_PUNCT))
    a++;
  while (b > a && TOK(d, b - 1).kind == TK_PUNCT)
    b--;
  unsigned words = 0; /* up to three: all the test below needs */
  for (uint32_t i = a; i < b && words < 3; i++)
    words += TOK(d, i).kind == TK_WORD;
  if (words < 3)
    return NULL;
  quote *q = vec_push(&d->quotes, &d->mem);
  if (!q) {
    *oom = 1;
    return NULL;
  }
  q->kind = ATTRIB_INDIRECT;
  q->tok_first = a;
  q->tok_end = b;
  q->start = TOK(d, a).start;
  q->end = TOK(d, b - 1).end;
  q->open_tok = q->close_tok = UINT32_MAX;
  q->para = para;
  q->parent = -1;
  q->group = (int32_t)(d->quotes.len - 1);
  q->speaker_mention = q->addressee_mention = -1;
  q->cue_tok_first = q->cue_tok_end = -1;
  return q;
}

/* 1: the match stands (a statement was added, or the clause was too short
 * for one); 0: the match is no statement and the next rule may try; -1:
 * out of memory. */
static int add_indirect(attrib_doc *d, para_syms *ps, const rule *ru, PCRE2_SIZE *ov, int rc, uint32_t para) {
  size_t c0, c1, sk, se;
  if (!rule_group(ru, GRP_CONTENT, ov, rc, &c0, &c1) || c1 <= c0)
    return 1;
  size_t v0, v1;
  /* rules named asked-... report what someone was asked or told: their cue
   * is a telling verb ("Asked about X,"), not any ("Responding to X,") */
  if (ru->name[0] == 'a' && strncmp(ru->name, "asked-", 6) == 0 && /* no call for other names */
      !(rule_group(ru, GRP_CUE, ov, rc, &v0, &v1) && ps->u[v0].ref >= 0 &&
        (VEC_AT(d->cues, cue, ps->u[v0].ref).entry->flags & CUE_TELL)))
    return 0;
  /* "the loopholes he cited are ...": an object never opens with "be" (the
   * verb's object stood before it); the next rule may try */
  if (rule_group(ru, GRP_CUE, ov, rc, &v0, &v1) && ps->s[v0] == 'o' &&
      (TOK(d, ps->u[c0].tok_first).words & W_BE))
    return 0;
  int32_t mi = -1;
  if (rule_group(ru, GRP_SPK, ov, rc, &sk, &se)) {
    mi = speaker_of(d, ps, (uint32_t)sk, (uint32_t)se, 1);
    if (mi == -2)
      return -1;
    if (mi == -3)
      mi = -1;
  }
  int oom;
  quote *q = new_statement(d, ps->u[c0].tok_first, ps->u[c1 - 1].tok_end, para, &oom);
  if (!q)
    return oom ? -1 : 1;
  q->speaker_mention = mi;
  q->confidence = rule_confidence(d, ru, mi);
  q->rule = ru->name;
  set_cue_adr(d, q, ps, ru, ov, rc);
  return 1;
}

/* Another reported clause of the statement at index prev: cue unit c,
 * content units [a, b). */
static int continue_clause(attrib_doc *d, para_syms *ps, size_t prev, size_t c, size_t a, size_t b,
                           uint32_t para) {
  if (b <= a + 1)
    return 0;
  int oom;
  quote *q = new_statement(d, ps->u[a].tok_first, ps->u[b - 1].tok_end, para, &oom);
  if (!q)
    return oom ? -1 : 0;
  quote *o = &QUOTE(d, prev); /* after the push: the vector may have moved */
  q->speaker_mention = o->speaker_mention;
  q->confidence = o->confidence * 0.95;
  q->rule = "and-cue-clause";
  set_cue(d, q, ps, (uint32_t)c);
  return 0;
}

/* Does unit k, a partial or scare quote ending in a full stop ("said
 * Pyongyang must 'stop its escapades.' The agency"), end its sentence? */
static int quote_ends_sentence(const attrib_doc *d, const para_syms *ps, size_t k) {
  if ((ps->s[k] != 'p' && ps->s[k] != 's') || k + 1 >= ps->n || ps->u[k].ref < 0)
    return 0;
  return short_quote_ends_sentence(d, &QUOTE(d, ps->u[k].ref));
}

/* Bit r of the answer: can rule list[r] match a subject whose symbol word
 * is pres (rule_may_match)? For the first 64 rules of the list (n of them). */
static uint64_t may_match_mask(const rule *rules, const uint16_t *list, size_t n, uint32_t pres) {
  uint64_t may = 0;
  n = n < 64 ? n : 64;
  for (size_t r = 0; r < n; r++)
    may |= (uint64_t)rule_may_match(&rules[list[r]], pres) << r;
  return may;
}

/* Tries indirect rule ru, whose DFA may match, on sentence s[s0, s1) from
 * offset *from (relative to s0): 1 when it matched (a statement was added,
 * or the clause was too short for one), *from then past the match and the
 * clauses that continue it; 0 when not; -1 when out of memory. */
static int try_indirect(attrib_doc *d, para_syms *ps, const rule *ru, size_t s0, size_t s1, size_t *from,
                        uint32_t para) {
  int rc = run_rule(d, ru, ps->s, s0, s1, *from);
  if (rc <= 0)
    return 0;
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(d->md);
  size_t nq = d->quotes.len;
  int added = add_indirect(d, ps, ru, ov, rc, para);
  if (added < 0)
    return -1;
  if (added == 0)
    return 0;
  /* more reported clauses may follow in the same sentence */
  *from = ov[1] - s0 > *from ? ov[1] - s0 : *from + 1;
  /* "X said A and said B": the same speaker's next clause */
  if (d->quotes.len > nq) {
    size_t at = s0 + *from;
    while (at + 2 < s1 && ps->s[at] == '+') {
      size_t c = at + 1;
      while (c < s1 && ps->s[c] == 'a')
        c++;
      if (c + 2 >= s1 || (ps->s[c] != 'V' && ps->s[c] != 'b'))
        break;
      size_t e = c + 1;
      if (ps->s[e] == 'T')
        e++;
      size_t x = e;
      while (x < s1 && ps->s[x] != '.' && ps->s[x] != ':' && ps->s[x] != 'q' && ps->s[x] != 'Q' &&
             !(ps->s[x] == '+' && x + 1 < s1 &&
               (ps->s[x + 1] == 'V' || ps->s[x + 1] == 'b' || ps->s[x + 1] == 'a')))
        x++;
      if (continue_clause(d, ps, nq, c, e, x, para) != 0)
        return -1;
      *from = x - s0;
      at = x;
    }
  }
  return 1;
}

/* Reported speech: rules run on each sentence of the paragraph, where a
 * sentence is the run of symbols up to a '.' outside quotations. */
/* Reported speech in paragraph para; a headline ("Trump Says Praise Helps
 * the U.S.") only by the rules named headline-..., which see nothing else */
static int apply_indirect_rules(attrib_doc *d, para_syms *ps, uint32_t para, int headline) {
  const attrib_model *m = d->model;
  uint32_t s0 = 0;
  uint32_t stop = 0; /* the first of ".ps" at or after where it was last asked from */
  int asked = 0;
  /* until the sentence that ends the paragraph (an empty one after its
   * last '.' has nothing to match: no pass for it) */
  for (uint32_t k = 0; s0 < ps->n; k++) {
    /* sentences end at '.'; an endless one is cut so that work stays linear */
    if (!ps->npartial && k < ps->n) {
      /* no partial or scare quote to end one: the next '.' */
      uint32_t lim = s0 + 400 < ps->n ? s0 + 400 : ps->n;
      const char *dot = k < lim ? memchr(ps->s + k, '.', lim - k) : NULL;
      k = dot ? (uint32_t)(dot - ps->s) : lim;
    } else if (k < ps->n) {
      /* the next '.', or partial or scare quote ending in one (strcspn:
       * no NUL before the end). Where the last strcspn stopped is kept: it
       * went on to the paragraph's end, past lim, and asking it again
       * from each cut was quadratic in a paragraph of many cuts */
      uint32_t lim = s0 + 400 < ps->n ? s0 + 400 : ps->n;
      while (k < lim) {
        if (!asked || stop < k) { /* (k only grows: a kept stop at k or after is the first) */
          stop = k + (uint32_t)strcspn(ps->s + k, ".ps");
          asked = 1;
        }
        k = stop;
        if (k >= lim) {
          k = lim;
          break;
        }
        if (ps->s[k] == '.' || quote_ends_sentence(d, ps, k))
          break;
        k++;
      }
    }
    uint32_t s1 = k < ps->n ? k + 1 : k;
    /* a sentence holding a direct quotation is that quotation's frame:
     * reported speech may only follow the frame's own verb ("Q," Trump
     * said, after Quick said the billionaire had ...) */
    size_t from = 0;
    /* the sentence's symbols: rules needing others are not tried */
    uint32_t pres = window_symbols(m->sym_bit, ps->s + s0, s1 - s0);
    int rl = headline ? RL_HEADLINE : RL_INDIRECT;
    int cue_in = has_cue_symbol(m, pres); /* else only cue-less rules can match */
    /* a sentence with no quotation, cue or colon: the model knows whether
     * any rule of the list may match one (as for whole paragraphs) */
    if (!cue_in && !(pres & m->plain_not_syms) && !m->plain_may_match[rl]) {
      s0 = s1;
      continue;
    }
    const char *lastq = NULL;
    for (const char *c = ps->s + s1; c > ps->s + s0 && (pres & m->sym_bit['q']) && !lastq; c--)
      if (c[-1] == 'q')
        lastq = c - 1;
    if (lastq) {
      const char *v = lastq;
      while (v < ps->s + s1 && *v != 'V' && *v != 'v' && *v != 'o')
        v++;
      /* "X said A but added, 'Q'": with no verb after the quote, its frame
       * is before it and the clauses before the frame still count */
      from = v < ps->s + s1 ? (size_t)(v - (ps->s + s0)) + 1 : 0;
    }
    const uint16_t *list = cue_in ? m->rule_list[rl] : m->rule_list_nocue[rl];
    size_t nlist = cue_in ? m->n_rule_list[rl] : m->n_rule_list_nocue[rl];
    const rule *rules = m->rules;
    /* the first 64 rules whose symbols the sentence has, once for all the
     * tries below; then each of them in order (a jump on each rule's
     * answer was mispredicted) */
    uint64_t may0 = may_match_mask(rules, list, nlist, pres);
    while (s1 > s0 && from < s1 - s0) {
      int matched = 0;
      const char *sub = ps->s + s0; /* the sentence */
      size_t subn = s1 - s0;
      for (size_t base = 0; base < nlist && !matched; base += 64)
        for (uint64_t may = base ? may_match_mask(rules, list + base, nlist - base, pres) : may0;
             may && !matched;) {
          const rule *ra = &rules[list[base + (size_t)__builtin_ctzll(may)]];
          may &= may - 1;
          int t = 0;
          if (!may) { /* the last rule, alone */
            if (rule_may_match_dfa(ra, sub, from, subn))
              t = try_indirect(d, ps, ra, s0, s1, &from, para);
          } else { /* its DFA and the next rule's, side by side */
            const rule *rb = &rules[list[base + (size_t)__builtin_ctzll(may)]];
            may &= may - 1;
            unsigned ok = rule_may_match_dfa2(ra, rb, sub, from, subn);
            if (ok & 1)
              t = try_indirect(d, ps, ra, s0, s1, &from, para);
            if (t == 0 && (ok & 2))
              t = try_indirect(d, ps, rb, s0, s1, &from, para);
          }
          if (t < 0)
            return -1;
          matched = t;
        }
      if (!matched)
        break;
    }
    s0 = s1;
  }
  return 0;
}

/* Sorts the distinct keys a[0, n), with tmp (n keys) for room. They come
 * in a few runs already in order (the quotes, then the reported clauses
 * paragraph by paragraph), so runs found as they are get merged in pairs
 * until one is left: no pass at all when sorted, and no function call per
 * comparison as with qsort. */
static void sort_keys(uint64_t *a, size_t n, uint64_t *tmp) {
  for (;;) {
    size_t merged = 0; /* runs out of this pass */
    for (size_t lo = 0; lo < n; merged++) {
      size_t mid = lo + 1;
      while (mid < n && a[mid - 1] < a[mid])
        mid++;
      if (lo == 0 && mid == n)
        return; /* one run: sorted */
      size_t hi = mid;
      while (hi < n && (hi == mid || a[hi - 1] < a[hi]))
        hi++;
      size_t x = lo, y = mid, out = lo;
      while (x < mid && y < hi)
        tmp[out++] = a[y] < a[x] ? a[y++] : a[x++];
      while (x < mid)
        tmp[out++] = a[x++];
      while (y < hi)
        tmp[out++] = a[y++];
      lo = hi;
    }
    memcpy(a, tmp, n * sizeof *a);
    if (merged <= 1)
      return;
  }
}

/* The first of the n ascending positions at or after x. */
static size_t first_at_or_after(const uint32_t *pos, size_t n, uint32_t x) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (pos[mid] < x)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* The tokens where a reporting verb of speech stands outside quotations
 * ("which he thinks" frames nothing), ascending, into pos (room for every
 * cue); their number. */
static size_t speech_cues(const attrib_doc *d, uint32_t *pos) {
  size_t n = 0;
  for (size_t c = 0; c < d->cues.len; c++) {
    uint32_t i = VEC_AT(d->cues, cue, c).tok_first;
    const token *t = &TOK(d, i);
    /* (a cue its token gave up, as "Read" a name, is none) */
    if (t->cue >= 0 && t->quote < 0 && (VEC_AT(d->cues, cue, t->cue).entry->flags & CUE_SPEECH))
      pos[n++] = i;
  }
  return n;
}

/* Does a reporting verb stand outside quotations in the sentences the
 * quote spans? Then the quote has an attribution of its own, found or not.
 * By the speech cues' positions (speech_cues): a walk of the sentences for
 * each quote was quadratic in a long sentence of many quotes. */
static int framed_by_cue(attrib_doc *d, const quote *q, const uint32_t *pos, size_t n) {
  uint32_t s0 = TOK(d, q->open_tok).sent;
  uint32_t last = q->close_tok == UINT32_MAX ? q->tok_end - 1 : q->close_tok;
  uint32_t s1 = TOK(d, last).sent;
  uint32_t a = VEC_AT(d->sents, sentence, s0).tok_first, b = VEC_AT(d->sents, sentence, s1).tok_end;
  /* one in [a, open_tok), or in (last, b) */
  size_t k = first_at_or_after(pos, n, a);
  if (k < n && pos[k] < q->open_tok && pos[k] < b)
    return 1;
  k = first_at_or_after(pos, n, last + 1);
  return k < n && pos[k] >= a && pos[k] < b;
}

/* Quotes with no rule: the speaker of their multi-paragraph run, else of
 * the statement just before them (a quote or a reported clause) when the
 * quote stands as a sentence of its own and no one else was named in
 * between. */
static int inherit(attrib_doc *d, uint32_t nquotes) {
  size_t n = d->quotes.len;
  /* not cleared: each is written before it is read */
  int32_t *group_speaker = arena_array_raw(&d->mem, n + 1, sizeof(int32_t));
  uint64_t *order = arena_array_raw(&d->mem, n + 1, sizeof(uint64_t));
  uint64_t *tmp = arena_array_raw(&d->mem, n + 1, sizeof(uint64_t));
  uint32_t *speech = arena_array_raw(&d->mem, d->cues.len + 1, sizeof(uint32_t));
  if (!group_speaker || !order || !tmp || !speech)
    return -1;
  size_t nspeech = speech_cues(d, speech);
  for (size_t k = 0; k < n; k++)
    group_speaker[k] = -1;
  for (uint32_t k = 0; k < nquotes; k++) {
    quote *q = &QUOTE(d, k);
    if (q->speaker_mention >= 0 && group_speaker[q->group] < 0)
      group_speaker[q->group] = (int32_t)k;
  }
  for (uint32_t k = 0; k < nquotes; k++) {
    quote *q = &QUOTE(d, k);
    int32_t g = group_speaker[q->group];
    if (q->speaker_mention >= 0 || q->parent >= 0 || q->kind == ATTRIB_SCARE || g < 0)
      continue;
    q->speaker_mention = QUOTE(d, g).speaker_mention;
    q->confidence = QUOTE(d, g).confidence * 0.95;
    q->rule = "multi-paragraph";
  }
  /* statements in text order */
  size_t m = 0;
  for (size_t k = 0; k < n; k++) {
    quote *q = &QUOTE(d, k);
    if (q->parent < 0 && q->kind != ATTRIB_SCARE)
      order[m++] = ((uint64_t)q->start << 32) | k;
  }
  sort_keys(order, m, tmp);
  for (size_t j = 1; j < m; j++) {
    quote *q = &QUOTE(d, (uint32_t)order[j]);
    quote *o = &QUOTE(d, (uint32_t)order[j - 1]);
    if (q->speaker_mention >= 0 || q->kind != ATTRIB_DIRECT || q->transcript || o->speaker_mention < 0 ||
        q->para > o->para + 2 || (uint32_t)order[j] >= nquotes)
      continue;
    if (framed_by_cue(d, q, speech, nspeech))
      continue;
    int32_t ent = MENTION(d, o->speaker_mention).entity;
    /* someone else named outside quotes in between ends the run; the rest
     * of the sentence that framed the previous quote does not count
     * (", said Alan Cobb, a senior Trump adviser.") */
    uint32_t from = o->close_tok != UINT32_MAX ? o->close_tok + 1 : o->tok_end;
    uint32_t frame = from < NTOK(d) ? TOK(d, from).sent : UINT32_MAX;
    int other = 0;
    for (uint32_t i = from; i < q->open_tok && !other; i++) {
      token *t = &TOK(d, i);
      if (t->quote >= 0 || t->mention < 0 || t->sent == frame)
        continue;
      mention *mm = &MENTION(d, t->mention);
      if (mm->entity != ent && (mm->type == ATTRIB_PERSON || mm->kind == M_PRONOUN) && mm->kind != M_DESC)
        other = 1;
    }
    if (other)
      continue;
    q->speaker_mention = o->speaker_mention;
    /* measured: a floating quote is about as often right as its anchor */
    q->confidence = o->confidence;
    q->rule = "floating";
  }
  return 0;
}

void attribution_symbols(attrib_doc *d, uint32_t p, char *out, size_t cap) {
  para_syms ps;
  out[0] = '\0';
  if (cap && symbolise(d, p, &ps, NULL, sym_hashes_of(d->model)) == 0)
    snprintf(out, cap, "%s", ps.s);
}

/* A partial quote no rule placed, in a sentence whose subject is someone:
 * "Eric Trump knocked a statement by the actor that an 'obscene amount'
 * was raised" quotes the subject's words more often than not. */
static int subject_partial(attrib_doc *d, para_syms *ps, size_t k) {
  size_t s0 = k;
  while (s0 > 0 && ps->s[s0 - 1] != '.' && ps->s[s0 - 1] != ':' && k - s0 < 40)
    s0--;
  size_t j = s0;
  while (j < k && j < s0 + 6 && sym_in(ps->s[j], "wWia,"))
    j++;
  if (j >= k || !sym_in(ps->s[j], "NOPD") || object_unit(d, ps, j))
    return 0;
  for (size_t x = j + 1; x < k; x++)
    if (sym_in(ps->s[x], "qQ.") ||
        (mention_symbol(ps->s[x]) && !object_unit(d, ps, x) && !(x > 0 && ps->s[x - 1] == 'i')))
      return 0; /* another quote, or someone else who might speak, before it */
  int32_t mi = speaker_of(d, ps, (uint32_t)j, (uint32_t)j + 1, 0);
  if (mi == -2)
    return -1;
  if (mi < 0 || MENTION(d, mi).entity < 0)
    return 0;
  quote *q = &QUOTE(d, ps->u[k].ref);
  q->speaker_mention = mi;
  q->confidence = 0.7; /* 17 of 24 right on PolNeAR train */
  q->rule = "subject-partial";
  return 0;
}

/* A title in quotation marks (''The Big Short,'' "Fareed Zakaria GPS"):
 * every word capitalised but the small words of titles, none ending a
 * sentence. A direct quote no rule attributed and that reads so is a
 * name, not speech. */
static int title_case(const attrib_doc *d, const quote *q) {
  int caps = 0;
  uint32_t end = q->tok_end;
  while (end > q->tok_first && TOK(d, end - 1).kind != TK_WORD) /* "Shark Tank." ends a sentence outside */
    end--;
  for (uint32_t i = q->tok_first; i < end; i++) {
    const token *t = &TOK(d, i);
    if (t->kind == TK_PUNCT && (t->key[0] == '.' || t->key[0] == '!' || t->key[0] == '?'))
      return 0;
    if (t->kind != TK_WORD)
      continue;
    if (t->flags & T_CAP)
      caps++;
    else if (i == q->tok_first || !(t->words & (W_DET | W_CONNECT | W_PREP)))
      return 0;
  }
  return caps >= 1;
}

/* A term named, not words spoken: "labelled as 'malicious'" (a scare
 * quote's few words right after "as"). */
static int naming_term(attrib_doc *d, const quote *q) {
  unsigned words = 0;
  for (uint32_t i = q->tok_first; i < q->tok_end; i++)
    words += TOK(d, i).kind == TK_WORD;
  if (words > 3 || q->open_tok == 0 || !tok_is_lower(&TOK(d, q->open_tok - 1), "as"))
    return 0;
  /* "described the plan as 'reckless'" quotes the speaker's word; "named",
   * "labelled ... as 'malicious'" a term */
  const token *c = q->cue_tok_first >= 0 ? &TOK(d, (uint32_t)q->cue_tok_first) : NULL;
  return !c || c->cue < 0 || (VEC_AT(d->cues, cue, c->cue).entry->flags & CUE_NAMING);
}

/* "Cruz continued:" closing one paragraph, the quotation opening the
 * next: the rules see the lead-in and the quote as one string. */
static int lead_in(attrib_doc *d, const para_syms *prev, para_syms *ps) {
  if (!prev->n || prev->s[prev->n - 1] != ':' || !ps->n || (ps->s[0] != 'q' && ps->s[0] != 'p'))
    return 0;
  if (QUOTE(d, ps->u[0].ref).speaker_mention >= 0)
    return 0;
  para_syms both;
  both.n = prev->n + 1;
  both.nquote = prev->nquote + 1;
  both.npartial = prev->npartial + (ps->s[0] != 'q');
  both.s = arena_alloc(&d->mem, both.n + 1 + SYM_SLACK);
  both.u = arena_array_raw(&d->mem, both.n, sizeof(unit));
  if (!both.s || !both.u)
    return -1;
  memcpy(both.s, prev->s, prev->n);
  memcpy(both.u, prev->u, prev->n * sizeof(unit));
  both.s[prev->n] = ps->s[0];
  both.u[prev->n] = ps->u[0];
  both.s[both.n] = '\0';
  return apply_quote_rules(d, &both, prev->n);
}

/* Transcript labels, looked up by index: a long interview would otherwise
 * scan every entity (and every token) once per answer. */
typedef struct label_index {
  int32_t question; /* the first person with a byline, or -1 */
  int32_t answer;   /* the person without one most mentioned (the first of equals), or -1 */
  /* each tail of a person's name that starts a word ("smith", "john
   * smith"), ASCII case folded (| 0x20) -> the person a label so spelled
   * names: of the names it ends, the one of the most words, the first of
   * equals. One look-up a label: a walk of the persons of the label's
   * last word, for each label new, was quadratic in a transcript of many
   * labels and many persons of one surname */
  strmap tails;
  int tokens_built;
  /* capitalised words by folded key (index_tokens): open addressing,
   * wcap a power of two, 0 until built */
  struct word_slot *words;
  uint32_t wcap, wcount;
  uint64_t seed; /* the document's: keys the slots of words and of the maps */
} label_index;

/* A folded key of index_tokens: its first token, and the first after that
 * in another paragraph (label_entity wants the first outside the label's
 * paragraph: one of the two). */
typedef struct word_slot {
  uint32_t hash; /* folded_hash; 0 when the slot is empty */
  int32_t first, second;
  uint32_t first_para;
  const char *key; /* the first token's key, key_len bytes */
  uint32_t key_len;
} word_slot;

/* A copy of s[0, n) with every byte | 0x20, the case folding of the label
 * comparisons below. */
static char *fold(attrib_doc *d, const char *s, size_t n) {
  char *f = arena_strndup(&d->mem, s, n);
  if (f)
    for (size_t k = 0; k < n; k++)
      f[k] = (char)(f[k] | 0x20);
  return f;
}

/* Indexes entity e (a new one, the last so far) by the tails of its name
 * (keys borrowed: the fold lives in the arena). 0, or -1 when out of memory. */
static int index_entity(attrib_doc *d, label_index *x, int32_t e) {
  const entity *en = &ENTITY(d, e);
  if (en->type != ATTRIB_PERSON)
    return 0;
  size_t nl = strlen(en->name);
  char *f = fold(d, en->name, nl);
  if (!f)
    return -1;
  for (size_t p = 0; p < nl; p++) {
    if (p > 0 && en->name[p - 1] != ' ')
      continue;
    int32_t cur = strmap_get(&x->tails, f + p, nl - p);
    if ((cur < 0 || en->name_ntok > ENTITY(d, cur).name_ntok) &&
        strmap_put_borrowed(&x->tails, f + p, nl - p, e) != 0)
      return -1;
  }
  return 0;
}

/* Entity e got a mention: it may now be the most mentioned. */
static void note_mention(attrib_doc *d, label_index *x, int32_t e) {
  entity *en = &ENTITY(d, e);
  if (en->type != ATTRIB_PERSON || en->byline || !en->mentions.len)
    return;
  size_t c = en->mentions.len, bc = x->answer >= 0 ? ENTITY(d, x->answer).mentions.len : 0;
  if (x->answer < 0 || c > bc || (c == bc && e < x->answer))
    x->answer = e;
}

static int index_init(attrib_doc *d, label_index *x) {
  memset(x, 0, sizeof *x);
  x->question = x->answer = -1;
  x->seed = d->seed;
  strmap_init_keyed(&x->tails, d->seed);
  for (size_t e = 0; e < d->entities.len; e++) {
    entity *en = &ENTITY(d, e);
    if (x->question < 0 && en->type == ATTRIB_PERSON && en->byline)
      x->question = (int32_t)e;
    note_mention(d, x, (int32_t)e);
    if (index_entity(d, x, (int32_t)e) != 0)
      return -1;
  }
  return 0;
}

/* Are s and t, n bytes each, the same folded (fold)? */
static int same_folded(const char *s, const char *t, size_t n) {
  for (size_t k = 0; k < n; k++)
    if ((s[k] | 0x20) != (t[k] | 0x20))
      return 0;
  return 1;
}

/* fold(s, n) for a look-up: into buf (cap bytes) when it fits, else an
 * arena copy; NULL when out of memory */
static const char *fold_in(attrib_doc *d, const char *s, size_t n, char *buf, size_t cap) {
  if (n > cap)
    return fold(d, s, n);
  for (size_t k = 0; k < n; k++)
    buf[k] = (char)(s[k] | 0x20);
  return buf;
}

/* strmap_hash of fold(s, n), nonzero (an empty slot's is 0); 0 when out of
 * memory. */
static uint32_t folded_hash(attrib_doc *d, const char *s, size_t n) {
  char buf[128];
  const char *f = fold_in(d, s, n, buf, sizeof buf);
  return f ? strmap_hash(f, n) | 0x80000000u : 0;
}

/* The slot of key (n bytes, hash h) in x->words, or the empty one where
 * it would go. */
static word_slot *word_slot_of(const label_index *x, const char *key, size_t n, uint32_t h) {
  uint32_t mask = x->wcap - 1;
  for (uint32_t e = (uint32_t)strmap_home(h, x->seed, x->wcap);; e = (e + 1) & mask) {
    word_slot *w = &x->words[e];
    if (!w->hash || (w->hash == h && w->key_len == n && same_folded(w->key, key, n)))
      return w;
  }
}

/* x->words with room for twice as many keys; 0, or -1 when out of memory. */
static int words_grow(attrib_doc *d, label_index *x) {
  word_slot *old = x->words;
  uint32_t oc = x->wcap, cap = oc ? oc * 2 : 1024;
  if (cap > UINT32_MAX / 2 || !(x->words = arena_array(&d->mem, cap, sizeof(word_slot))))
    return -1;
  x->wcap = cap;
  for (uint32_t k = 0; k < oc; k++)
    if (old[k].hash) {
      uint32_t e = (uint32_t)strmap_home(old[k].hash, x->seed, cap);
      while (x->words[e].hash)
        e = (e + 1) & (cap - 1);
      x->words[e] = old[k];
    }
  return 0;
}

/* Capitalised words (not all capitals) by folded key, for labels that name
 * no entity yet; built the first time one is needed. A slot a key, with
 * the two tokens label_entity may want: no copy of the keys, no chain of
 * every token (a long transcript's index had cost it more than the rest
 * of the attribution). */
static int index_tokens(attrib_doc *d, label_index *x) {
  x->tokens_built = 1;
  if (words_grow(d, x) != 0)
    return -1;
  for (uint32_t i = 0; i < NTOK(d); i++) {
    token *u = &TOK(d, i);
    if (u->kind != TK_WORD || !(u->flags & T_CAP) || (u->flags & T_ALLCAP))
      continue;
    uint32_t h = folded_hash(d, u->key, u->key_len);
    if (!h)
      return -1;
    word_slot *w = word_slot_of(x, u->key, u->key_len, h);
    if (w->hash) {
      if (w->second < 0 && w->first_para != u->para)
        w->second = (int32_t)i;
      continue;
    }
    *w = (word_slot){.hash = h,
                     .first = (int32_t)i,
                     .second = -1,
                     .first_para = u->para,
                     .key = u->key,
                     .key_len = u->key_len};
    if (++x->wcount > x->wcap / 4 * 3 && words_grow(d, x) != 0)
      return -1;
  }
  return 0;
}

static void index_free(label_index *x) {
  strmap_free(&x->tails);
}

/* The entity a transcript label names: "Q" the author, "A" the person the
 * article is about, "HOLMBERG" the person of that surname. -1 if none. */
static int32_t label_entity(attrib_doc *d, label_index *x, uint32_t a, uint32_t b) {
  token *t = &TOK(d, a);
  int question = b == a + 1 && (tok_is(t, "Q") || tok_is(t, "Question"));
  int answer = b == a + 1 && (tok_is(t, "A") || tok_is(t, "Answer"));
  if (question)
    return x->question;
  if (answer)
    return x->answer;
  /* the label is the surname or the full name, in any case; the fullest
   * name wins (tails) */
  const char *lab = d->copy + t->start;
  size_t ll = TOK(d, b - 1).end - t->start;
  char buf[128];
  const char *fl = fold_in(d, lab, ll, buf, sizeof buf);
  if (!fl)
    return -2;
  int32_t best = strmap_get(&x->tails, fl, ll);
  if (best >= 0)
    return best;
  /* "KAMAU-LINDQVIST:" with nobody of that name yet: the person the text
   * names so, "Wanjiru Kamau-Lindqvist", is the speaker */
  if (!x->tokens_built && index_tokens(d, x) != 0)
    return -2;
  token *last = &TOK(d, b - 1);
  uint32_t h = folded_hash(d, last->key, last->key_len);
  if (!h)
    return -2;
  /* the first token of the word outside the label's paragraph */
  const word_slot *w = word_slot_of(x, last->key, last->key_len, h);
  int32_t i = !w->hash ? -1 : w->first_para != last->para ? w->first : w->second;
  if (i < 0)
    return -1;
  const token *u = &TOK(d, i);
  uint32_t s = (uint32_t)i;
  while (s > 0 && s + 3 > (uint32_t)i && TOK(d, s - 1).kind == TK_WORD && (TOK(d, s - 1).flags & T_CAP) &&
         !(TOK(d, s - 1).words & (W_NOT_NAME | W_STOPCAP | W_DET)) && TOK(d, s - 1).para == u->para)
    s--;
  /* a person named by just these words already (by the text, or made
   * here for another label of the word) is that person, not one more of
   * the same name and mention */
  const mention *um = u->mention >= 0 ? &MENTION(d, u->mention) : NULL;
  if (um && um->kind == M_NAME && um->tok_first == s && um->tok_end == (uint32_t)i + 1 && um->entity >= 0 &&
      ENTITY(d, um->entity).type == ATTRIB_PERSON)
    return um->entity;
  const char *name = doc_name_text(d, s, (uint32_t)i + 1);
  int32_t ent = name ? doc_new_entity(d, ATTRIB_PERSON, name, (uint32_t)i + 1 - s, NULL) : -1;
  if (ent < 0 || doc_new_mention(d, s, (uint32_t)i + 1, ent, M_NAME, ATTRIB_PERSON, 0, 0) < 0 ||
      index_entity(d, x, ent) != 0)
    return -2;
  note_mention(d, x, ent);
  return ent;
}

/* Speakers of interview transcripts, from their labels. */
static int attribute_transcript(attrib_doc *d, uint32_t nquotes) {
  label_index x;
  int built = 0, rc = 0;
  for (uint32_t k = 0; k < nquotes && rc == 0; k++) {
    quote *q = &QUOTE(d, k);
    if (!q->transcript || q->speaker_mention >= 0)
      continue;
    if (!built) {
      built = 1;
      if (index_init(d, &x) != 0) {
        rc = -1;
        break;
      }
    }
    paragraph *pa = &VEC_AT(d->paras, paragraph, q->para);
    int32_t ent = label_entity(d, &x, pa->tok_first, q->open_tok);
    if (ent == -2) {
      rc = -1;
      break;
    }
    if (ent < 0)
      continue;
    /* the label is a mention of its speaker */
    int32_t mi = doc_new_mention(d, pa->tok_first, q->open_tok, ent, M_DESC, ATTRIB_PERSON, 0, 0);
    if (mi < 0) {
      rc = -1;
      break;
    }
    note_mention(d, &x, ent);
    q = &QUOTE(d, k);
    q->speaker_mention = mi;
    q->confidence = 0.9;
    q->rule = "transcript-label";
  }
  if (built)
    index_free(&x);
  return rc;
}

/* Does paragraph pa hold a ':' (its symbol: a lead-in, or name-colon-clause)? */
static int para_has_colon(const attrib_doc *d, const paragraph *pa) {
  const token *toks = (const token *)d->toks.data;
  /* one jump a token, on the two tests' answer (nearly always no): a jump
   * on the kind alone was mispredicted at every punctuation mark */
  for (uint32_t i = pa->tok_first; i < pa->tok_end; i++)
    if ((unsigned)(toks[i].kind == TK_PUNCT) & (unsigned)(toks[i].key[0] == ':'))
      return 1;
  return 0;
}

attrib_status attribution_stage(attrib_doc *d, attrib_error *err) {
  uint32_t nquotes = (uint32_t)d->quotes.len;
  para_syms prev = {0};
  /* two buffers, in turn: a paragraph's symbols are kept while the next
   * paragraph's are used (lead_in) */
  sym_buf bufs[2] = {{0}};
  unsigned cur = 0;
  const sym_hashes sh = sym_hashes_of(d->model);
  /* paragraphs with no quotation, no cue and no colon, where no rule can
   * match (most of them), are not symbolised at all: quoted[p] says
   * whether p has a quotation or a cue */
  uint8_t *quoted = arena_alloc(&d->mem, d->paras.len + 1); /* zeroed */
  if (!quoted)
    return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
  for (uint32_t k = 0; k < nquotes; k++)
    quoted[QUOTE(d, k).para] = 1;
  /* and those with a cue, by its first token's paragraph: no walk of the
   * cues beside the paragraphs, whose stops (how many cues a paragraph
   * has) were mispredicted */
  const cue *cues = (const cue *)d->cues.data;
  const token *toks = (const token *)d->toks.data;
  for (size_t c = 0; c < d->cues.len; c++)
    quoted[toks[cues[c].tok_first].para] = 1;
  const uint8_t *plain_may = d->model->plain_may_match;
  for (uint32_t p = 0; p < d->paras.len; p++) {
    paragraph *pa = &VEC_AT(d->paras, paragraph, p);
    if (pa->tok_first == pa->tok_end)
      continue;
    if (!quoted[p] &&
        !(d->opts.indirect && !pa->boilerplate && plain_may[pa->headline ? RL_HEADLINE : RL_INDIRECT]) &&
        !para_has_colon(d, pa)) {
      prev.n = 0; /* a lead-in ends in a colon */
      continue;
    }
    para_syms ps;
    if (symbolise(d, p, &ps, &bufs[cur], sh) != 0)
      return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
    uint32_t left = ps.nquote; /* quotation units still to come */
    /* the symbols hold no NUL before their end: strpbrk finds each unit */
    for (const char *at = ps.s; left && (at = strpbrk(at, "qps")) != NULL; at++) {
      uint32_t k = (uint32_t)(at - ps.s);
      char c = *at;
      left--;
      if (QUOTE(d, ps.u[k].ref).transcript)
        continue;
      if (apply_quote_rules(d, &ps, k) != 0)
        return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
      /* a few quoted words a reporting sentence gives to a speaker are
       * their words ("called the plan 'reckless'"): a partial quote */
      quote *q = &QUOTE(d, ps.u[k].ref);
      if (c == 'p' && q->speaker_mention < 0 && subject_partial(d, &ps, k) != 0)
        return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
      if (c == 'q' && q->speaker_mention < 0 && !q->continued && q->parent < 0 && title_case(d, q)) {
        q->kind = ATTRIB_SCARE;
        ps.s[k] = 's'; /* the rules of the quotes after it see a title */
        ps.npartial++;
      }
      if (c == 's' && q->speaker_mention >= 0 && q->cue_tok_first >= 0 && !naming_term(d, q))
        q->kind = ATTRIB_PARTIAL;
      else if (c == 's') {
        q->speaker_mention = -1;
        q->rule = "none";
      }
    }
    if (lead_in(d, &prev, &ps) != 0)
      return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
    prev = ps;
    cur ^= 1;
    if (d->opts.indirect && !pa->boilerplate && apply_indirect_rules(d, &ps, p, pa->headline) != 0)
      return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
  }
  if (attribute_transcript(d, nquotes) != 0)
    return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
  if (inherit(d, nquotes) != 0)
    return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
  return ATTRIB_OK;
}
