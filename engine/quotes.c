/* quotes.c: stage 3. Pairs quotation marks into quotes and classifies
 * them direct, partial or scare. Every convention: "…", '…', “…”, ‘…’,
 * «…», „…“. Marks are paired within a paragraph; a paragraph that leaves
 * a quotation open continues into the next one when that one opens again.
 * Apostrophes (O'Rourke, Supporters') are never quotes, and stray or
 * mismatched marks never reach past their paragraph. */
#include <string.h>

#include "doc.h"

enum { F_DOUBLE, F_SINGLE, F_GUIL, F_SGUIL };
enum { SHAPE_OPEN = 1, SHAPE_CLOSE = 2, SHAPE_BOTH = 3 };

/* A mark's family (bits 0-1) and the roles the character itself allows
 * (bits 2-3), by a table for U+2018 to U+203A (the curly marks), and for
 * Latin-1 by '"' and the guillemets; any other mark is a single one that
 * may open or close (MK_OTHER). Tables, not switches: the marks of a text
 * come in any order, and the switches' compares on the code point were
 * mispredicted. The table holds each entry XOR MK_OTHER, so that the
 * entries not named are MK_OTHER. */
#define MK(fam, shape) ((fam) | (shape) << 2)
enum { MK_OTHER = MK(F_SINGLE, SHAPE_BOTH) };
#define CURLY(cp, fam, shape) [(cp)-0x2018] = MK(fam, shape) ^ MK_OTHER
static const uint8_t mark_curly[0x203B - 0x2018] = {
    CURLY(0x2018, F_SINGLE, SHAPE_OPEN),  CURLY(0x2019, F_SINGLE, SHAPE_CLOSE),
    CURLY(0x201A, F_SINGLE, SHAPE_OPEN),  CURLY(0x201B, F_SINGLE, SHAPE_OPEN),
    CURLY(0x201C, F_DOUBLE, SHAPE_BOTH), /* “ opens, but closes „ */
    CURLY(0x201D, F_DOUBLE, SHAPE_CLOSE), CURLY(0x201E, F_DOUBLE, SHAPE_OPEN),
    CURLY(0x201F, F_DOUBLE, SHAPE_OPEN),  CURLY(0x2033, F_DOUBLE, SHAPE_BOTH),
    CURLY(0x2039, F_SGUIL, SHAPE_OPEN),   CURLY(0x203A, F_SGUIL, SHAPE_CLOSE)};
#undef CURLY
static inline unsigned mark_bits(uint32_t cp) {
  if (cp < 0x100) /* a text's marks are mostly of one script: foreseen */
    return cp == '"'    ? MK(F_DOUBLE, SHAPE_BOTH)
           : cp == 0xAB ? MK(F_GUIL, SHAPE_OPEN)
           : cp == 0xBB ? MK(F_GUIL, SHAPE_CLOSE)
                        : MK_OTHER;
  uint32_t k = cp - 0x2018;
  return k < sizeof mark_curly ? mark_curly[k] ^ (unsigned)MK_OTHER : MK_OTHER;
}
#undef MK

static int family(uint32_t cp) {
  return (int)(mark_bits(cp) & 3);
}

/* Which roles the character itself allows. */
static int char_shape(uint32_t cp) {
  return (int)(mark_bits(cp) >> 2);
}

static int is_open_bracket(const token *t) {
  return t->kind == TK_PUNCT && (t->key[0] == '(' || t->key[0] == '[' || t->key[0] == '{');
}

/* Roles the context allows for mark i of paragraph [first, end). */
static int context_shape(attrib_doc *d, uint32_t i, uint32_t first, uint32_t end) {
  token *t = &TOK(d, i);
  int before_space = (t->flags & T_SPACE_BEFORE) || i == first;
  int after_space = (t->flags & T_SPACE_AFTER) || i + 1 == end;
  int shape = 0;
  if (!before_space && i > first) {
    token *p = &TOK(d, i - 1);
    if (is_open_bracket(p) || tok_is_dash(p) || (p->kind == TK_QUOTE && p->qm == QM_OPEN))
      before_space = 1;
  }
  if (!after_space && i + 1 < end) {
    token *n = &TOK(d, i + 1);
    if (n->kind == TK_PUNCT && !is_open_bracket(n) && !tok_is_dash(n))
      after_space = 1; /* ", ." and the like follow a closing mark */
    if (n->kind == TK_QUOTE)
      after_space = 1;
  }
  if (before_space && !after_space)
    shape = SHAPE_OPEN;
  else if (!before_space && after_space)
    shape = SHAPE_CLOSE;
  else if (before_space && after_space)
    shape = SHAPE_BOTH; /* a mark standing alone: let pairing decide */
  else
    shape = SHAPE_BOTH; /* glued on both sides: "word"word */
  return shape;
}

typedef struct open_mark {
  uint32_t tok;
  int fam;
} open_mark;

typedef struct raw_quote {
  uint32_t open_tok, close_tok; /* close_tok UINT32_MAX: runs to paragraph end */
  uint32_t para;
  uint8_t continued;
} raw_quote;

static int push_raw(vec *raw, arena *a, uint32_t o, uint32_t c, uint32_t para, int cont) {
  raw_quote *r = vec_push(raw, a);
  if (!r)
    return -1;
  r->open_tok = o;
  r->close_tok = c;
  r->para = para;
  r->continued = (uint8_t)cont;
  return 0;
}

/* First token of paragraph p is an opening mark of family fam? */
static int para_opens_with(attrib_doc *d, uint32_t p, int fam) {
  if (p >= d->paras.len)
    return 0;
  paragraph *pa = &VEC_AT(d->paras, paragraph, p);
  if (pa->tok_first == pa->tok_end)
    return 0;
  token *t = &TOK(d, pa->tok_first);
  return t->kind == TK_QUOTE && family(tok_cp(d, t)) == fam && (char_shape(tok_cp(d, t)) & SHAPE_OPEN);
}

/* One past the last single quotation mark with no space before it in
 * paragraph p (one that can close), 0 when none: by the marks' bits, from
 * the paragraph's end */
static uint32_t last_tight_single(attrib_doc *d, const paragraph *pa) {
  for (uint32_t hi = pa->tok_end, j; (j = tokbits_last(d->quote_bits, pa->tok_first, hi)) != 0; hi = j - 1) {
    const token *t = &TOK(d, j - 1);
    if (family(tok_cp(d, t)) == F_SINGLE && !(t->flags & T_SPACE_BEFORE))
      return j;
  }
  return 0;
}

/* Is the single mark at token i of paragraph pa a plural's possessive
 * apostrophe? *tight is last_tight_single of pa, found at the first ask
 * (UINT32_MAX until then): a walk to the paragraph's end from each mark
 * was quadratic in a paragraph of "boys ' cats ' ..." */
static int plural_possessive(attrib_doc *d, uint32_t i, const paragraph *pa, uint32_t *tight) {
  uint32_t end = pa->tok_end;
  token *p = &TOK(d, i - 1), *n = i + 1 < end ? &TOK(d, i + 1) : NULL;
  if (p->kind != TK_WORD || p->key[p->key_len - 1] != 's' || !n || n->kind != TK_WORD ||
      !(TOK(d, i).flags & T_SPACE_AFTER))
    return 0;
  /* ‘dangerous’ or ‘malicious’: a function word after it means a closing mark */
  if ((n->words & (W_PREP | W_CONNECT | W_AUX | W_DET)) || tok_is(n, "or") || tok_is(n, "but") ||
      tok_is(n, "nor") || tok_is(n, "that") || tok_is(n, "as"))
    return 0;
  /* and a later mark can close: one with no space before it */
  if (*tight == UINT32_MAX)
    *tight = last_tight_single(d, pa);
  return *tight >= i + 3; /* its mark at i + 2 or later */
}

static int pair_paragraph(attrib_doc *d, uint32_t p, vec *raw, open_mark *stack, size_t cap) {
  paragraph *pa = &VEC_AT(d->paras, paragraph, p);
  size_t sp = 0;
  uint32_t tight = UINT32_MAX; /* plural_possessive's */
  /* from its first mark: a paragraph without one is passed over */
  /* the marks by their bits (segment.c): the words between are passed 64 at a time */
  for (uint32_t i = pa->quote_first; (i = tokbits_next(d->quote_bits, i, pa->tok_end)) < pa->tok_end; i++) {
    token *t = &TOK(d, i);
    int fam = family(tok_cp(d, t));
    int shape = char_shape(tok_cp(d, t)) & context_shape(d, i, pa->tok_first, pa->tok_end);
    if (!shape)
      shape = char_shape(tok_cp(d, t)); /* the character wins over odd spacing */
    /* the nearest open mark of the same family */
    size_t k = sp;
    while (k > 0 && stack[k - 1].fam != fam)
      k--;
    int can_close = shape & SHAPE_CLOSE;
    /* “ closes „ (German style) but otherwise opens */
    if (tok_cp(d, t) == 0x201C && !(k > 0 && tok_cp(d, &TOK(d, stack[k - 1].tok)) == 0x201E))
      can_close = 0;
    /* rock 'n' roll: a one-letter "quotation" in single marks is two apostrophes */
    if (can_close && k > 0 && fam == F_SINGLE && i == stack[k - 1].tok + 2 && TOK(d, i - 1).key_len <= 2) {
      TOK(d, stack[k - 1].tok).qm = QM_APOS;
      t->qm = QM_APOS;
      sp = k - 1;
      continue;
    }
    /* 'the players' money,' : after a plural the mark is a possessive
     * apostrophe when a word follows and a later mark can still close */
    if (can_close && k > 0 && fam == F_SINGLE && plural_possessive(d, i, pa, &tight)) {
      t->qm = QM_APOS;
      continue;
    }
    if (can_close && k > 0) {
      /* close it; marks opened inside and left open were apostrophes or strays */
      for (size_t j = k; j < sp; j++)
        TOK(d, stack[j].tok).qm = stack[j].fam == F_SINGLE ? QM_APOS : QM_NONE;
      sp = k - 1;
      TOK(d, stack[sp].tok).qm = QM_OPEN;
      t->qm = QM_CLOSE;
      if (push_raw(raw, &d->mem, stack[sp].tok, i, p, 0) != 0)
        return -1;
      continue;
    }
    if (can_close && fam != F_SINGLE && char_shape(tok_cp(d, t)) == SHAPE_CLOSE && sp > 0 &&
        stack[sp - 1].fam == F_SINGLE) {
      /* mismatched pair: ‘malicious,” */
      sp--;
      TOK(d, stack[sp].tok).qm = QM_OPEN;
      t->qm = QM_CLOSE;
      if (push_raw(raw, &d->mem, stack[sp].tok, i, p, 0) != 0)
        return -1;
      continue;
    }
    if (fam == F_SINGLE && !(shape & SHAPE_OPEN)) {
      t->qm = QM_APOS; /* Supporters' union, the '90s */
      continue;
    }
    if (shape & SHAPE_OPEN) {
      if (fam == F_SINGLE && i > pa->tok_first && !(t->flags & T_SPACE_BEFORE) &&
          TOK(d, i - 1).kind == TK_WORD) {
        t->qm = QM_APOS;
        continue;
      }
      if (sp < cap) {
        stack[sp].tok = i;
        stack[sp].fam = fam;
        sp++;
        t->qm = QM_OPEN;
      }
      continue;
    }
    t->qm = fam == F_SINGLE ? QM_APOS : QM_NONE; /* stray closer */
  }
  /* Marks left open at the end of the paragraph. */
  for (size_t j = 0; j < sp; j++) {
    token *t = &TOK(d, stack[j].tok);
    int keep = 0, cont = 0;
    if (j == 0 && stack[j].fam != F_SINGLE) {
      cont = para_opens_with(d, p + 1, stack[j].fam);
      /* a paragraph that opens with a mark and never closes it is a quote
       * to its end even when the writer forgot the next one */
      keep = cont || stack[j].tok == pa->tok_first;
    } else if (j == 0 && stack[j].fam == F_SINGLE && stack[j].tok == pa->tok_first) {
      cont = para_opens_with(d, p + 1, F_SINGLE);
      keep = cont;
    }
    if (keep && stack[j].tok + 1 < pa->tok_end) {
      if (push_raw(raw, &d->mem, stack[j].tok, UINT32_MAX, p, cont) != 0)
        return -1;
      t->qm = QM_OPEN;
      /* anything opened inside it stays unpaired */
      for (size_t m = j + 1; m < sp; m++)
        TOK(d, stack[m].tok).qm = stack[m].fam == F_SINGLE ? QM_APOS : QM_NONE;
      break;
    }
    t->qm = stack[j].fam == F_SINGLE ? QM_APOS : QM_NONE;
  }
  return 0;
}

/* Sorts raw quotes by opening mark (qsort's calls and buffer cost more).
 * They come nearly in order: paragraph by paragraph, and within one only an
 * outer quote (pushed when it closes, after those inside it; the stack of
 * open marks is at most STACK deep), a mark left open or a transcript
 * label comes late, so an insertion sort is all but linear. Each mark
 * opens one quote: no two keys are equal, so the order is qsort's. */
static void sort_raw(raw_quote *r, size_t n) {
  for (size_t i = 1; i < n; i++) {
    raw_quote x = r[i];
    size_t j = i;
    for (; j > 0 && r[j - 1].open_tok > x.open_tok; j--)
      r[j] = r[j - 1];
    r[j] = x;
  }
}

/* The words of tokens [a, b), counted up to max: classify asks only
 * whether there are more than three. */
static int count_words(attrib_doc *d, uint32_t a, uint32_t b, int max) {
  int w = 0;
  for (uint32_t i = a; i < b && w < max; i++) {
    token *t = &TOK(d, i);
    if (t->kind == TK_WORD || t->kind == TK_NUM || t->kind == TK_HANDLE)
      w += !(t->flags & T_POSSESSIVE);
  }
  return w;
}

/* Does a sentence end inside tokens [a, b), before the last two? */
static int inner_sentence_end(attrib_doc *d, uint32_t a, uint32_t b) {
  for (uint32_t i = a; i + 2 < b; i++)
    if (TOK(d, i).flags & T_SENT_END)
      return 1;
  return 0;
}

static int is_terminal_tok(const token *t) {
  return t->kind == TK_PUNCT && (t->key[0] == '.' || t->key[0] == '!' || t->key[0] == '?');
}

static void classify(attrib_doc *d, quote *q) {
  if (q->transcript) {
    q->kind = ATTRIB_DIRECT;
    return;
  }
  int words = count_words(d, q->tok_first, q->tok_end, 4);
  token *first = NULL;
  for (uint32_t i = q->tok_first; i < q->tok_end; i++)
    if (TOK(d, i).kind == TK_WORD || TOK(d, i).kind == TK_NUM) {
      first = &TOK(d, i);
      break;
    }
  /* a quotation ending in punctuation of its own is a sentence or a clause */
  int ends_terminal = 0;
  for (uint32_t i = q->tok_end; i > q->tok_first; i--) {
    token *t = &TOK(d, i - 1);
    if (t->kind == TK_QUOTE)
      continue;
    ends_terminal = is_terminal_tok(t) || (t->kind == TK_PUNCT && t->key[0] == ',');
    break;
  }
  int capital = first && (first->flags & T_CAP);
  /* What stands before the opening mark: a colon or a sentence start makes
   * even a lower-case quotation speech of its own. */
  int sentence_start = 1;
  if (q->open_tok > VEC_AT(d->paras, paragraph, q->para).tok_first) {
    token *p = &TOK(d, q->open_tok - 1);
    sentence_start = (p->flags & T_SENT_END) || (p->kind == TK_PUNCT && p->key[0] == ':');
  }
  if (words <= 3 && !(capital && ends_terminal) && !q->continued &&
      q->group == (int32_t)(q - (quote *)d->quotes.data)) {
    q->kind = ATTRIB_SCARE;
  } else if (capital || q->continued || sentence_start ||
             q->group != (int32_t)(q - (quote *)d->quotes.data) ||
             inner_sentence_end(d, q->tok_first, q->tok_end)) {
    q->kind = ATTRIB_DIRECT;
  } else {
    q->kind = ATTRIB_PARTIAL;
  }
  if (q->kind != ATTRIB_SCARE && q->parent >= 0 && words <= 3)
    q->kind = ATTRIB_SCARE;
}

/* Interview transcripts: paragraphs opened by labels that recur (at least
 * two labels, each at least twice) are the labelled person's words. */
static int find_transcript(attrib_doc *d) {
  /* two labels twice each take four labelled paragraphs: most documents
   * have fewer, and need no count of them */
  uint32_t labelled = 0;
  for (uint32_t p = 0; p < d->paras.len && labelled < 4; p++)
    labelled += VEC_AT(d->paras, paragraph, p).colon != 0;
  if (labelled < 4)
    return 0;
  strmap counts;
  strmap_init_keyed(&counts, d->seed);
  int rc = 0;
  for (int pass = 0; pass < 2 && rc == 0; pass++) {
    for (uint32_t p = 0; p < d->paras.len; p++) {
      paragraph *pa = &VEC_AT(d->paras, paragraph, p);
      uint32_t c = pa->colon;
      if (!c)
        continue;
      token *a = &TOK(d, pa->tok_first), *b = &TOK(d, c - 1);
      const char *key = d->copy + a->start;
      size_t kl = b->end - a->start;
      int32_t n = strmap_get(&counts, key, kl);
      if (pass == 0) {
        if (strmap_put(&counts, &d->mem, key, kl, n < 0 ? 1 : n + 1, NULL) != 0)
          rc = -1;
      } else if (n >= 2) {
        pa->label_end = c + 1;
      }
    }
    if (pass == 0) {
      size_t distinct = 0;
      for (size_t k = 0; k < counts.cap; k++)
        distinct += counts.slots[k].key && counts.slots[k].value >= 2;
      if (distinct < 2) /* "Update:" twice is not an interview: no second pass (label_end stays 0) */
        break;
    }
  }
  strmap_free(&counts);
  return rc;
}

attrib_status quotes_stage(attrib_doc *d, attrib_error *err) {
  if (find_transcript(d) != 0)
    return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
  vec raw;
  vec_init(&raw, sizeof(raw_quote));
  /* quotes and statements come about one in 45 tokens in news (PolNeAR
   * train): room for one in 32 at once, not the doublings, whose copies a
   * long document's memory holds to its end */
  if (vec_reserve(&raw, &d->mem, NTOK(d) / 32 + 16) != 0 ||
      vec_reserve(&d->quotes, &d->mem, NTOK(d) / 32 + 16) != 0)
    return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
  enum { STACK = 64 };
  open_mark stack[STACK];
  for (uint32_t p = 0; p < d->paras.len; p++) {
    if (pair_paragraph(d, p, &raw, stack, STACK) != 0)
      return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
    paragraph *pa = &VEC_AT(d->paras, paragraph, p);
    /* a transcript paragraph: everything after its label, marks and all */
    if (pa->label_end && push_raw(&raw, &d->mem, pa->label_end - 1, UINT32_MAX, p, 0) != 0)
      return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
  }
  if (raw.len > 1)
    sort_raw(raw.data, raw.len);
  int32_t prev_continued = -1;
  int32_t open_q[STACK];
  size_t open_n = 0;
  for (size_t k = 0; k < raw.len; k++) {
    raw_quote *r = &VEC_AT(raw, raw_quote, k);
    paragraph *pa = &VEC_AT(d->paras, paragraph, r->para);
    uint32_t a = r->open_tok + 1;
    uint32_t b = r->close_tok == UINT32_MAX ? pa->tok_end : r->close_tok;
    if (b <= a)
      continue;                                   /* "" */
    quote *q = vec_push_raw(&d->quotes, &d->mem); /* every field written below: no memset call */
    if (!q)
      return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
    int32_t qi = (int32_t)(d->quotes.len - 1);
    q->open_tok = r->open_tok;
    q->close_tok = r->close_tok;
    q->tok_first = a;
    q->tok_end = b;
    q->para = r->para;
    q->start = TOK(d, a).start;
    q->end = TOK(d, b - 1).end;
    q->continued = r->continued;
    q->transcript = TOK(d, r->open_tok).kind == TK_PUNCT;
    q->parent = -1;
    q->speaker_mention = q->addressee_mention = -1;
    q->cue_tok_first = q->cue_tok_end = -1;
    q->cue_lemma = NULL;
    q->confidence = 0;
    q->rule = "none";
    q->kind = 0; /* classify's */
    /* a quote opening its paragraph right after a continued one joins it */
    q->group = qi;
    if (prev_continued >= 0 && QUOTE(d, prev_continued).para + 1 == r->para && r->open_tok == pa->tok_first)
      q->group = QUOTE(d, prev_continued).group;
    if (q->group != qi || r->continued)
      prev_continued = r->continued ? qi : -1;
    /* parent: the innermost quote still open here (quotes come in order of
     * their opening marks, so the open ones form a stack) */
    while (open_n > 0) {
      quote *o = &QUOTE(d, open_q[open_n - 1]);
      if (o->para == q->para && o->tok_end >= q->tok_end)
        break;
      open_n--;
    }
    if (open_n > 0)
      q->parent = open_q[open_n - 1];
    if (open_n < STACK)
      open_q[open_n++] = qi;
  }
  /* innermost quote of each token: outer quotes come first */
  for (size_t k = 0; k < d->quotes.len; k++) {
    quote *q = &QUOTE(d, k);
    for (uint32_t i = q->tok_first; i < q->tok_end; i++)
      TOK(d, i).quote = (int32_t)k;
    if (q->close_tok != UINT32_MAX)
      TOK(d, q->close_tok).quote = TOK(d, q->open_tok).quote = q->parent;
  }
  for (size_t k = 0; k < d->quotes.len; k++)
    classify(d, &QUOTE(d, k));
  return ATTRIB_OK;
}
