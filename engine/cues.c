/* cues.c: reporting cues, found a few paragraphs at a time as segmentation
 * finishes them (segment.c calls cues_find while their tokens are in the
 * cache): every inflection of the verbs in models/cues.txt
 * (say, tell, add, state, warn, ...) and multiword cues such as "according
 * to". Matching is on lower-cased keys, longest first. */
#include <string.h>

#include "doc.h"

/* "another tweeted", "some said", "one wrote": after a quantifier a past
 * form is the verb of the quantifier standing as subject ("some reports"
 * and "one claim" stay nouns). */
static int quantifier_subject(const token *q, const token *t, const char *lemma) {
  if (!(q->words & W_QUANT) || t->key_len < 3 || t->key[t->key_len - 1] == 's')
    return 0;
  size_t ll = strlen(lemma);
  return !(t->key_len == ll && memcmp(t->lkey, lemma, ll) == 0);
}

/* The first of tokens [i, n) that may start a cue, or n: most words start
 * none (segment_stage looked up cue_first of each), and are passed in a
 * loop of their own. */
static uint32_t next_cue_start(const token *toks, uint32_t i, uint32_t n) {
  const token *t = toks + i, *end = toks + n;
  /* four at a time while none starts one: fewer branches per token */
  while (end - t >= 4 && !(t[0].cue_first | t[1].cue_first | t[2].cue_first | t[3].cue_first))
    t += 4;
  if (end - t >= 4) {
    /* one of the four does: which one from their bits, not from a loop
     * whose exit the text decides */
    uint32_t in = (uint32_t)(t[0].cue_first != 0) | (uint32_t)(t[1].cue_first != 0) << 1 |
                  (uint32_t)(t[2].cue_first != 0) << 2 | 8u;
    return (uint32_t)(t - toks) + (uint32_t)__builtin_ctz(in);
  }
  while (t < end && !t->cue_first)
    t++;
  return (uint32_t)(t - toks);
}

int cues_find(attrib_doc *d, uint32_t a, uint32_t n) {
  const attrib_model *m = d->model;
  for (uint32_t i = a; (i = next_cue_start(d->toks.data, i, n)) < n; i++) {
    token *t = &TOK(d, i);
    int32_t longest = t->cue_first;
    if (t->kind != TK_WORD || (t->flags & T_ALLCAP))
      continue;
    /* a key too long for the buffers cannot be a cue */
    if (t->key_len + 2 >= 128)
      continue;
    char buf[256];
    const char *key = buf;
    size_t off[129];
    uint32_t hash[129], fit = 0;
    /* a word that starts one-word cue forms only (most cues): the model
     * put its entry in cue_first (LEX_CUE1), no map lookup */
    int32_t one = -1;
    if (t->lex & LEX_CUE1) {
      one = longest - 1;
      longest = 1;
    } else if (longest == 1) { /* a one-word cue: the word's own lower-case key */
      key = t->lkey;
      off[1] = t->key_len;
      hash[1] = tok_lhash(t);
      fit = 1;
    } else {
      fit = doc_join_prefixes(d, i, (uint32_t)longest < 128 ? (uint32_t)longest : 128, 1, buf, sizeof buf,
                              off, hash);
    }
    for (uint32_t len = (uint32_t)longest; len >= 1; len--) {
      int32_t e = one;
      if (e < 0) {
        if (i + len > n || TOK(d, i + len - 1).para != t->para || len > fit)
          continue;
        e = strmap_get_hashed(&m->cues, key, off[len], hash[len]);
        if (e < 0)
          continue;
      }
      /* "the state party chairman", "Trump's claims", "secretary of state":
       * after a determiner, a possessive or "of" the word is a noun, not a
       * reporting verb */
      if (i > 0 && TOK(d, i - 1).para == t->para &&
          ((TOK(d, i - 1).words & W_DET) ||
           ((TOK(d, i - 1).flags & T_POSSESSIVE) && !tok_contraction((const token *)d->toks.data, i - 1)) ||
           tok_is(&TOK(d, i - 1), "of")) &&
          !(m->cue_entries[e].flags & CUE_NOUN) &&
          !quantifier_subject(&TOK(d, i - 1), t, m->cue_entries[e].lemma))
        break;
      /* "says praise from Putin helps": right after a reporting verb, a noun */
      if (i > 0 && TOK(d, i - 1).para == t->para && TOK(d, i - 1).cue >= 0)
        break;
      /* "who was told that ...", "were asked", "was criticized for": the
       * subject heard or was judged, it did not speak (the word before
       * first: it is seldom "was", while whether the verb tells is the
       * text's choice, and a jump on that first was mispredicted) */
      if (i > 0 && TOK(d, i - 1).para == t->para && (TOK(d, i - 1).words & W_BE) &&
          (m->cue_entries[e].flags & (CUE_TELL | CUE_OBJECT)) && (TOK(d, i - 1).flags & T_LOWER) &&
          t->key_len > 2 && (memcmp(t->key + t->key_len - 2, "ed", 2) == 0 || tok_is_lower(t, "told")))
        break;
      if (m->cue_entries[e].flags & CUE_NOUNISH) {
        const token *p = i > 0 && TOK(d, i - 1).para == t->para ? &TOK(d, i - 1) : NULL;
        int subject = p && (t->flags & T_LOWER) &&
                      ((p->words & (W_PRONOUN_M | W_PRONOUN_F | W_PRONOUN_N | W_PRONOUN_P | W_AUX)) ||
                       tok_is(p, "to") || ((p->flags & T_CAP) && !(p->flags & T_INITIAL)));
        /* and what follows is reported: "states that", "states:", "states, '...'" */
        const token *x = i + 1 < n && TOK(d, i + 1).para == t->para ? &TOK(d, i + 1) : NULL;
        int reports = x && (tok_is(x, "that") || x->kind == TK_QUOTE ||
                            (x->kind == TK_PUNCT && (x->key[0] == ',' || x->key[0] == ':')));
        if (!subject || !reports)
          break;
      }
      cue *c = vec_push(&d->cues, &d->mem);
      if (!c)
        return -1;
      c->tok_first = i;
      c->tok_end = i + len;
      c->entry = &m->cue_entries[e];
      t->cue = (int32_t)(d->cues.len - 1);
      i += len - 1;
      break;
    }
  }
  return 0;
}
