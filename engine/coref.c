/* coref.c: stage 6. Mentions that are not names: pronouns (he, she, it,
 * they), descriptions that speak for a named body ("a representative for
 * the European Commission", "the response from the Commission", "the
 * company's spokesman"), definite references ("the company", "the
 * Commission", "the diplomat") and unnamed groups ("officials", "a
 * source"). Each resolves to the nearest compatible entity outside
 * quotations, preferring one that was the subject of a reporting verb. */
#include <string.h>

#include "doc.h"

static int is_word(const token *t) {
  return t->kind == TK_WORD;
}

/* The hashes of "who", "that" and "which" (a token's hash is its key's):
 * a word's is asked first, so that the bytes of its key (in the text,
 * another cache line) are read only for those words */
#define HASH_WHO STRMAP_HASH8('w' | 'h' << 8 | 'o' << 16, 3)
#define HASH_THAT STRMAP_HASH8('t' | 'h' << 8 | 'a' << 16 | (uint32_t)'t' << 24, 4)
#define HASH_WHICH STRMAP_HASH8('w' | 'h' << 8 | 'i' << 16 | (uint32_t)'c' << 24 | (uint64_t)'h' << 32, 5)

/* Is t "who" (exactly)? */
static int is_who(const token *t) {
  return t->hash == HASH_WHO && tok_is(t, "who");
}

/* Is t "who", "that" or "which" (exactly)? */
static int is_relative(const token *t) {
  uint32_t h = t->hash;
  return ((h == HASH_WHO) | (h == HASH_THAT) | (h == HASH_WHICH)) &&
         (tok_is(t, "who") || tok_is(t, "that") || tok_is(t, "which"));
}

/* Is mention m the subject of a reporting verb: "X said", "X has said",
 * "said X"? Such entities are what later pronouns most often mean. */
static int subject_of_cue(attrib_doc *d, const mention *m) {
  uint32_t n = NTOK(d);
  for (uint32_t i = m->tok_end; i < n && i < m->tok_end + 3; i++) {
    token *t = &TOK(d, i);
    if (t->para != TOK(d, m->tok_first).para)
      break;
    if (t->cue >= 0)
      return 1;
    if (!(t->words & W_AUX) && !(t->key_len > 4 && memcmp(t->key + t->key_len - 2, "ly", 2) == 0))
      break;
  }
  /* "said Jones." but not "said Jones's team would" */
  if (m->tok_first > 0 && TOK(d, m->tok_first - 1).cue >= 0 &&
      TOK(d, m->tok_first - 1).para == TOK(d, m->tok_first).para &&
      (m->tok_end >= n || TOK(d, m->tok_end).kind == TK_PUNCT))
    return 1;
  return 0;
}

/* The entity of mention mi: its own, or a new one named by its text and
 * holding it in its list (a description that speaks for no entity yet);
 * -2 when out of memory. */
int32_t mention_own_entity(attrib_doc *d, int32_t mi) {
  mention *m = &MENTION(d, mi);
  if (m->entity >= 0)
    return m->entity;
  const char *name = doc_name_text(d, m->tok_first, m->tok_end);
  int32_t ent = name ? doc_new_entity(d, m->type, name, m->tok_end - m->tok_first, NULL) : -1;
  int32_t *slot = ent >= 0 ? vec_push(&ENTITY(d, ent).mentions, &d->mem) : NULL;
  if (!slot)
    return -2;
  *slot = mi;
  ENTITY(d, ent).gender = MENTION(d, mi).gender;
  MENTION(d, mi).entity = ent;
  return ent;
}

/* "43-year-old": an age that can head a description. */
static int age_word(const token *t) {
  return t->key_len > 9 && memcmp(t->key + t->key_len - 9, "-year-old", 9) == 0;
}

/* Gender a person noun implies: spokeswoman, wife; spokesman, husband. */
static uint8_t noun_gender(const token *h) {
  if ((h->key_len >= 5 && memcmp(h->key + h->key_len - 5, "woman", 5) == 0) || (h->words & W_NOUN_F))
    return G_FEMALE;
  if ((h->key_len >= 3 && memcmp(h->key + h->key_len - 3, "man", 3) == 0) || (h->words & W_NOUN_M))
    return G_MALE;
  return 0;
}

/* Is token t a word before which a mention is no subject ("Asked by one
 * man": after a verb, no subject): not a determiner, preposition or
 * never-a-name word, or a cue? */
static inline int subject_rival(const token *t) {
  return t->kind == TK_WORD && (!(t->words & (W_DET | W_NOT_NAME | W_PREP)) || t->cue >= 0);
}

/* Is mention m the first thing its sentence names (its likely subject)?
 * Not when a mention or a rival word comes before it in its sentence: the
 * mentions by d->mentioned's bits (caught up here), the words by the
 * first of the sentence, found once (a walk back from each candidate was
 * quadratic in a long sentence; it stays for when memory runs out). */
static int sentence_subject(attrib_doc *d, const mention *m) {
  uint32_t s = TOK(d, m->tok_first).sent;
  const sentence *se = &VEC_AT(d->sents, sentence, s);
  if (!d->sent_word)
    d->sent_word = arena_array(&d->mem, d->sents.len + 1, sizeof(uint32_t));
  if (!d->sent_word ||
      ((!d->mentioned || d->mentioned_upto != d->mentions.len) && doc_mentioned_sync(d) != 0)) {
    for (uint32_t k = m->tok_first; k > se->tok_first; k--)
      if (TOK(d, k - 1).mention >= 0 || subject_rival(&TOK(d, k - 1)))
        return 0;
    return 1;
  }
  if (!d->sent_word[s]) { /* its first rival word + 1, or tok_end + 1 for none */
    uint32_t w = se->tok_first;
    while (w < se->tok_end && !subject_rival(&TOK(d, w)))
      w++;
    d->sent_word[s] = w + 1;
  }
  if (d->sent_word[s] - 1 < m->tok_first)
    return 0;
  return tokbits_last(d->mentioned, se->tok_first, m->tok_first) == 0;
}

/* The person named in apposition right after a description: "the
 * institute's director, Dr Emeka Nwosu,". NULL when there is none. */
static mention *appositive_name(attrib_doc *d, const mention *m) {
  uint32_t e = m->tok_end, n = NTOK(d);
  if (m->kind != M_DESC || e + 2 >= n || TOK(d, e).key[0] != ',' || TOK(d, e + 1).mention < 0)
    return NULL;
  mention *x = &MENTION(d, TOK(d, e + 1).mention);
  if (x->kind != M_NAME || x->type != ATTRIB_PERSON || x->tok_end >= n || TOK(d, x->tok_end).key[0] != ',')
    return NULL;
  return x;
}

/* A word for someone who speaks for a body: spokesman, spokeswoman,
 * spokesperson, representative. */
static int spokes_word(const token *t) {
  return (t->key_len > 6 && memcmp(t->key, "spokes", 6) == 0) || tok_is(t, "representative") ||
         tok_is(t, "representatives");
}

/* Does a description speak for its body ("a spokeswoman for the
 * ministry")? Other roles ("Fiji's prime minister") are people of their own. */
static int spokes(attrib_doc *d, const mention *m) {
  for (uint32_t k = m->tok_first; k < m->tok_end; k++)
    if (spokes_word(&TOK(d, k)))
      return 1;
  return 0;
}

/* In antecedent()'s types: a company, so no public body ("Authority",
 * "Ministry", "Court") will do. */
#define ANT_COMPANY (1u << 8)
/* ... or a body described ("the campaign") whatever its entity's type */
#define ANT_BODY (1u << 9)
/* ... or a public body only ("the agency" for the Transit Authority) */
#define ANT_PUBLIC (1u << 10)
/* ... and one person: "the diplomat" is never "officials" */
#define ANT_SINGULAR (1u << 11)
/* ... or people described in the plural: "protesters ... they chanted" */
#define ANT_GROUP (1u << 12)

/* Is entity e a public body: its first name mention ends in an
 * organisation head (Belgian Competition Authority, Ministry of Health)?
 * The mentions passed once are not asked again (x->body_upto): a person
 * with many mentions and organisation ones among them ("Smith's campaign")
 * was asked of all of them at each look back. */
static int public_body(attrib_doc *d, int32_t e) {
  entity *x = &ENTITY(d, e);
  if (x->body >= 0)
    return x->body;
  for (size_t k = x->body_upto; k < x->mentions.len; k++) {
    mention *m = &MENTION(d, VEC_AT(x->mentions, int32_t, k));
    if (m->kind != M_NAME || m->type != ATTRIB_ORG)
      continue;
    x->body = 0;
    for (uint32_t t = m->tok_first; t < m->tok_end; t++)
      if ((TOK(d, t).words & W_ORG_HEAD) && !(TOK(d, t).words & W_ORG_SUFFIX))
        x->body = 1;
    return x->body;
  }
  x->body_upto = (uint32_t)x->mentions.len;
  return 0;
}

/* The antecedent types for an organisation noun: "the company" wants a company. */
static unsigned org_kind(uint32_t hw) {
  return (1u << ATTRIB_ORG) | ((hw & W_COMPANY) ? ANT_COMPANY : 0);
}

/* doc_new_mention, with d->mentioned caught up (the stage keeps it so from
 * its start, for its look backs): the new mention's index, or -2 when out
 * of memory. */
static int32_t add_mention(attrib_doc *d, uint32_t a, uint32_t b, int32_t ent, uint8_t kind, uint8_t type,
                           uint8_t gender, uint8_t plural) {
  int32_t mi = doc_new_mention(d, a, b, ent, kind, type, gender, plural);
  return mi >= 0 && doc_mentioned_sync(d) != 0 ? -2 : mi;
}

/* The nearest token before t and not before lo that is in a mention, or
 * NULL: by d->mentioned's bits (caught up), a word of 64 tokens at a time,
 * and no jump at each mention met (a loop over the tokens mispredicted its
 * exit at most). */
static const token *prev_in_mention(const attrib_doc *d, const token *t, const token *lo) {
  const token *toks = d->toks.data;
  uint32_t j = tokbits_last(d->mentioned, (uint32_t)(lo - toks), (uint32_t)(t - toks));
  return j ? &toks[j - 1] : NULL;
}

/* The most mentions an antecedent's look back asks. News needs far fewer
 * (at most 75 in PolNeAR's 924 articles); a text of nothing but pronouns
 * ("he he he ...") had each ask every one within MAX_BACK tokens, 3000
 * mentions a pronoun (0.5 MB: 7.6 s). */
enum { MAX_BACK_MENTIONS = 128 };

/* The first token a look back from token i may reach: MAX_BACK tokens
 * back at most (the loops' k > 0 && k + MAX_BACK > i over token k - 1). */
static const token *back_stop(const attrib_doc *d, uint32_t i) {
  return &TOK(d, i >= MAX_BACK ? i - MAX_BACK : 0);
}

/* back_stop, or the first token of paragraph p (at most token i's) when
 * that is later: tokens lie in their paragraphs in order, so a look back
 * over whole paragraphs needs one bound, not a test at each token. */
static const token *back_stop_para(const attrib_doc *d, uint32_t i, uint32_t p) {
  const token *lo = back_stop(d, i), *first = &TOK(d, VEC_AT(d->paras, paragraph, p).tok_first);
  return first > lo ? first : lo;
}

/* Best entity of one of the wanted types before token i, within `paras`
 * paragraphs, outside quotations. Nearer is better, counted in sentences;
 * the subject of a reporting verb or of its sentence is worth getting
 * closer: "it said" means the body that was speaking. gender 0 = any. */
/* The look back starts at token start (i, or where an earlier one over
 * fewer paragraphs ended: see antecedent_or). *walked gets the token where
 * the look back ended when it met no mention that could be the one, else
 * UINT32_MAX. (It goes by token index: d->mentioned's search answers one,
 * and a pointer each way cost a conversion at each step.) */
static int32_t antecedent_walk(attrib_doc *d, uint32_t i, uint32_t start, unsigned types, uint8_t gender,
                               uint32_t paras, uint32_t *walked) {
  uint32_t p0 = TOK(d, i).para, s0 = TOK(d, i).sent;
  uint32_t lo_para = p0 > paras ? p0 - paras : 0;
  int32_t best = -1, last_m = -1, best_m = -1;
  unsigned asked = 0; /* mentions, up to MAX_BACK_MENTIONS */
  double best_score = 1e9;
  /* the sentence distance beyond which nothing can beat best_score: a
   * score is at least its distance - 1.5, and only a lower one wins */
  uint32_t far = 1000000002u;
  /* most tokens are in no mention, and give nothing: they are passed
   * before the limit is tested. It only tightens going back (sentences
   * grow with the index, far changes only at a candidate), so the next
   * mention stops the loop as any of them would have. */
  const token *toks = d->toks.data;
  uint32_t lo = (uint32_t)(back_stop_para(d, i, lo_para) - toks);
  /* token j - 1: the last in a mention before from, and at lo or after */
  for (uint32_t from = start, j; (j = tokbits_last(d->mentioned, lo, from)) != 0;) {
    const token *t = &toks[j - 1];
    from = j - 1;
    if (s0 - t->sent > far)
      break;
    if (t->quote >= 0) {
      /* the quotation's words before t are all quoted, and give nothing:
       * passed at once (far is the same after them, so a break at one of
       * them comes at the next mention as well) */
      uint32_t q = QUOTE(d, t->quote).tok_first;
      from = q > lo ? q : lo;
      continue;
    }
    if (t->mention == last_m)
      continue;
    if (++asked > MAX_BACK_MENTIONS)
      break;
    last_m = t->mention;
    /* the mention's words before t give nothing (last_m): passed at once */
    while (from > lo && toks[from - 1].mention == last_m)
      from--;
    mention *m = &MENTION(d, t->mention);
    /* most are names, which none of the description cases below is */
    int person_desc = 0, group_desc = 0, body_desc = 0;
    if (m->kind == M_DESC) {
      /* "England's head coach, Gavin Rourke," : the name is who "he" means */
      mention *named = appositive_name(d, m);
      if (named) {
        m = named;
      } else {
        /* a spokeswoman for a body, or a person only described ("Scott's wife") */
        /* "he"/"she" is one person: plural descriptions ("doctors") never */
        int unnamed = m->person && m->entity < 0 && !(gender && m->plural);
        person_desc = m->person && (spokes(d, m) || unnamed) && (types & (1u << ATTRIB_PERSON));
        /* "Trump's campaign ... it said": a body described is an "it" whoever it belongs to */
        group_desc = (types & ANT_GROUP) && m->type == ATTRIB_PERSON && m->plural;
        body_desc = (types & ANT_BODY) && m->entity >= 0 &&
                    (TOK(d, m->tok_end - 1).words & (W_ORG_NOUN | W_ORG_KIND)) &&
                    (TOK(d, m->tok_end - 1).flags & T_LOWER);
      }
    }
    if ((m->entity < 0 && !person_desc && !group_desc) ||
        (!person_desc && !body_desc && !group_desc && !((1u << m->type) & types)))
      continue;
    if ((types & ANT_COMPANY) && m->entity >= 0 && public_body(d, m->entity))
      continue; /* "the company" is not the competition authority */
    if ((types & ANT_PUBLIC) && (m->entity < 0 || !public_body(d, m->entity)))
      continue;
    if ((types & ANT_SINGULAR) && m->plural)
      continue;
    uint8_t g = person_desc || m->entity < 0 ? m->gender : ENTITY(d, m->entity).gender;
    if ((gender && g && !(g & gender)) || (m->entity >= 0 && ENTITY(d, m->entity).byline))
      continue; /* the author is not "he" in the story */
    uint32_t dist = s0 - t->sent;
    double score = (double)dist;
    /* reach: how much farther than dist a mention may still beat score */
    int reach = 1;
    if (subject_of_cue(d, m)) {
      score -= 1.5;
      reach = -1;
    } else if (score - 0.5 < best_score && sentence_subject(d, m)) { /* else it cannot win */
      score -= 0.5;
      reach = 0;
    }
    if (score < best_score) {
      best_score = score;
      best = m->entity;
      best_m = (int32_t)(m - (mention *)d->mentions.data);
      /* within dist + reach a score can be below this one: none beyond,
       * and none at all below a subject's here (the rest are no nearer) */
      if (reach < 0)
        break;
      far = dist + (uint32_t)reach;
      /* tokens before sentence s0 - far are all beyond far: the look back
       * ends at its first token, not at the next mention before it */
      if (far <= s0) {
        uint32_t f = VEC_AT(d->sents, sentence, s0 - far).tok_first;
        if (f > lo)
          lo = f;
      }
    }
  }
  *walked =
      best_m < 0 ? lo : UINT32_MAX; /* with no mention that could be it, the look back went down to lo */
  if (best < 0 && best_m >= 0)      /* the described person becomes an entity of its own */
    best = mention_own_entity(d, best_m);
  return best < 0 ? -1 : best;
}

static int32_t antecedent(attrib_doc *d, uint32_t i, unsigned types, uint8_t gender, uint32_t paras) {
  uint32_t walked;
  return antecedent_walk(d, i, i, types, gender, paras, &walked);
}

/* antecedent within near paragraphs, else within far ones (more). When the
 * first look back met no mention that could be it, the second goes on from
 * where it ended: its tests find none again in the nearer paragraphs (they
 * ask the mention, not where the look back met it). */
static int32_t antecedent_or(attrib_doc *d, uint32_t i, unsigned types, uint8_t gender, uint32_t near,
                             uint32_t far) {
  uint32_t walked;
  int32_t e = antecedent_walk(d, i, i, types, gender, near, &walked);
  if (e < 0)
    e = antecedent_walk(d, i, walked != UINT32_MAX ? walked : i, types, gender, far, &walked);
  return e;
}

/* Is w[0, n) ASCII letters only? */
static int is_letters(const char *w, size_t n) {
  for (size_t q = 0; q < n; q++)
    if ((w[q] | 0x20) < 'a' || (w[q] | 0x20) > 'z')
      return 0;
  return 1;
}

/* Can some entity's name hold the word key[0, kl) (ASCII letters compared
 * without case)? Most often none does ("the union" with no union named),
 * and the few names tell so sooner than doc_recent_named's look back over
 * the tokens. Only keys of ASCII letters are checked (a name spells them
 * as a key does); any other may be held. */
static int some_name_holds(const attrib_doc *d, const char *key, size_t kl, size_t e0) {
  if (!is_letters(key, kl))
    return 1;
  for (size_t e = e0; e < d->entities.len; e++) {
    for (const char *w = VEC_AT(d->entities, entity, e).name; w; w = strchr(w, ' ')) {
      while (*w == ' ')
        w++;
      /* at the start of a word */
      size_t q = 0;
      while (q < kl && (w[q] | 0x20) == (key[q] | 0x20))
        q++;
      if (q == kl && (w[kl] == ' ' || w[kl] == '\0'))
        return 1;
    }
  }
  return 0;
}

/* What some_name_holds found for the words coref_stage asked of it ("the
 * campaign" comes back often). In the stage entities are only added, and
 * none renamed: a word held stays held, and one not held needs asking
 * only of the entities added since. A document that asks of more words
 * (a long one) gets the set of all name words instead: asking every name
 * anew for each was quadratic in its length. */
typedef struct held_word {
  const char *key;
  size_t kl;
  size_t checked; /* entities [0, checked) hold it not, unless holds */
  int holds;
} held_word;
enum { HELD_WORDS = 8 };
typedef struct held_words {
  held_word w[HELD_WORDS];
  unsigned n;
  strmap words; /* the words of the names of entities [0, upto), lower-cased */
  size_t upto;
} held_words;

/* Adds to held->words the words of ASCII letters (the only ones a key
 * some_name_holds asks about can be) of the names of entities [upto,
 * len). 0, or -1 when out of memory. */
static int name_words_catch_up(attrib_doc *d, held_words *held) {
  for (; held->upto < d->entities.len; held->upto++) {
    const char *w = ENTITY(d, held->upto).name;
    while (w && *w) {
      while (*w == ' ')
        w++;
      size_t n = strcspn(w, " ");
      if (n && is_letters(w, n)) {
        char *c = arena_alloc_raw(&d->mem, n);
        if (!c)
          return -1;
        for (size_t q = 0; q < n; q++)
          c[q] = (char)(w[q] | 0x20);
        if (strmap_put_borrowed(&held->words, c, n, 1) != 0)
          return -1;
      }
      w += n;
    }
  }
  return 0;
}

/* some_name_holds for key[0, kl) from the set of name words. Out of
 * memory, it says "may": a filter before doc_recent_named, which asks the
 * same of each name it meets, so the look back decides. */
static int name_words_hold(attrib_doc *d, held_words *held, const char *key, size_t kl) {
  if (!is_letters(key, kl))
    return 1;
  char buf[64];
  char *k = kl <= sizeof buf ? buf : arena_alloc_raw(&d->mem, kl);
  if (!k || name_words_catch_up(d, held) != 0)
    return 1;
  for (size_t q = 0; q < kl; q++)
    k[q] = (char)(key[q] | 0x20);
  return strmap_get(&held->words, k, kl) >= 0;
}

/* some_name_holds for the word of token h, remembered in held. */
static int name_holds(attrib_doc *d, held_words *held, const token *h) {
  held_word *x = NULL;
  for (unsigned k = 0; k < held->n && !x; k++)
    if (held->w[k].kl == h->key_len && memcmp(held->w[k].key, h->key, h->key_len) == 0)
      x = &held->w[k];
  if (!x) {
    if (held->n == HELD_WORDS) /* full */
      return name_words_hold(d, held, h->key, h->key_len);
    x = &held->w[held->n++];
    *x = (held_word){.key = h->key, .kl = h->key_len, .checked = 0, .holds = 0};
  }
  if (!x->holds) {
    x->holds = some_name_holds(d, h->key, h->key_len, x->checked);
    x->checked = d->entities.len;
  }
  return x->holds;
}

/* Nearest earlier organisation whose name holds the word of token h. */
static int32_t named_like(attrib_doc *d, held_words *held, uint32_t i, const token *h) {
  if (!name_holds(d, held, h))
    return -1;
  return doc_recent_named(d, i, h->key, h->key_len, ~0u, 1u << ATTRIB_ORG, 1);
}

/* The author of an earlier description with the same document noun
 * ("the response from the Commission"), within ten paragraphs, or -1. */
/* The first person or organisation named in the sentence of token k
 * before it, or -1. */
static int32_t first_named_before(attrib_doc *d, uint32_t k) {
  int32_t subj = -1;
  uint32_t s = TOK(d, k).sent, asked = 0;
  for (uint32_t x = k; x > 0 && x + MAX_BACK > k && TOK(d, x - 1).sent == s; x--) {
    token *u = &TOK(d, x - 1);
    if (u->mention < 0 || u->quote >= 0)
      continue;
    /* at most MAX_BACK_MENTIONS (news: at most 20 in PolNeAR's articles;
     * a sentence of nothing but "a study a study ..." had each ask all) */
    if (++asked > MAX_BACK_MENTIONS)
      break;
    mention *m = &MENTION(d, u->mention);
    if (m->entity >= 0 && (m->type == ATTRIB_PERSON || m->type == ATTRIB_ORG))
      subj = m->entity;
    x = m->tok_first + 1;
  }
  return subj;
}

/* The first person or organisation named after token k in its sentence,
 * or -1. */
static int32_t first_named_after(attrib_doc *d, uint32_t k) {
  uint32_t s = TOK(d, k).sent, n = NTOK(d);
  for (uint32_t x = k + 1; x < n && x < k + MAX_BACK && TOK(d, x).sent == s; x++) {
    token *u = &TOK(d, x);
    if (u->mention < 0 || u->quote >= 0)
      continue;
    mention *m = &MENTION(d, u->mention);
    if (m->entity >= 0 && (m->type == ATTRIB_PERSON || m->type == ATTRIB_ORG))
      return m->entity;
    x = m->tok_end - 1;
  }
  return -1;
}

static int32_t same_document(attrib_doc *d, uint32_t i, const token *h) {
  /* "Obama released a statement condemning ...": a new document is the
   * subject's, never one named before */
  if (tok_is_lower(&TOK(d, i), "a") || tok_is_lower(&TOK(d, i), "an"))
    return first_named_before(d, i);
  /* back over ten paragraphs at most */
  uint32_t p0 = TOK(d, i).para;
  const token *lo = back_stop_para(d, i, p0 >= 10 ? p0 - 10 : 0);
  /* one pass back over the words with the document's key (the hash tells
   * most others at once): the nearest description of it gives its author;
   * else the nearest mention of it outside quotations and any mention is
   * looked at below */
  const token *t = NULL;
  for (const token *u = &TOK(d, i); u > lo;) {
    u--;
    if (u->hash != h->hash || u->key_len != h->key_len || memcmp(u->key, h->key, h->key_len) != 0)
      continue;
    if (u->mention >= 0) {
      mention *m = &MENTION(d, u->mention);
      if (m->kind == M_DESC && m->entity >= 0)
        return m->entity;
    } else if (!t && u->quote < 0) {
      t = u;
    }
  }
  /* "Fox News said in a statement ... the statement said": the subject of
   * the sentence that brought the document up, or "a letter from X" */
  if (t) {
    uint32_t k = (uint32_t)(t - &TOK(d, 0)) + 1, n = NTOK(d);
    for (uint32_t x = k; x < n && x < k + 4 && TOK(d, x).sent == t->sent; x++)
      if ((tok_is(&TOK(d, x), "by") || tok_is(&TOK(d, x), "from")) && x + 1 < n) {
        uint32_t y = x + 1 + ((TOK(d, x + 1).words & W_DET) != 0);
        if (y < n && TOK(d, y).mention >= 0 && MENTION(d, TOK(d, y).mention).entity >= 0)
          return MENTION(d, TOK(d, y).mention).entity;
        break;
      }
    /* "In a document published today, the European Commission revealed":
     * else the subject after a fronted phrase */
    int32_t s = first_named_before(d, k);
    return s >= 0 ? s : first_named_after(d, k);
  }
  /* "a motion the European Parliament voted ... The document advised": a
   * definite document opening its sentence is the previous sentence's */
  const sentence *se = &VEC_AT(d->sents, sentence, TOK(d, i).sent);
  if (tok_is_lower(&TOK(d, i), "the") && se->tok_first == i && i > 0 && TOK(d, i - 1).para == TOK(d, i).para)
    return first_named_before(d, i - 1);
  return -1;
}

/* Description starting at token i ("a|the [adj] role (for|of|at|from) X",
 * "X's spokesman", "the company", "officials"): its end and entity. */
#define HEAD_NOUNS (W_ROLE | W_DOC_NOUN | W_ORG_NOUN | W_ORG_KIND | W_PERSON_NOUN | W_GROUP_NOUN)

/* The hashes of the words that open an anonymous source's post-modifier
 * (head_end): a word's is asked first, so that most words need one test
 * (not six of their length and bytes) and no read of their key's bytes */
#define HASH_FAMILIAR                                                                                        \
  STRMAP_HASH8('f' | (uint64_t)'a' << 8 | (uint64_t)'m' << 16 | (uint64_t)'i' << 24 | (uint64_t)'l' << 32 |  \
                   (uint64_t)'i' << 40 | (uint64_t)'a' << 48 | (uint64_t)'r' << 56,                          \
               8)
#define HASH_CLOSE                                                                                           \
  STRMAP_HASH8('c' | (uint64_t)'l' << 8 | (uint64_t)'o' << 16 | (uint64_t)'s' << 24 | (uint64_t)'e' << 32, 5)
#define HASH_BRIEFED                                                                                         \
  STRMAP_HASH8('b' | (uint64_t)'r' << 8 | (uint64_t)'i' << 16 | (uint64_t)'e' << 24 | (uint64_t)'f' << 32 |  \
                   (uint64_t)'e' << 40 | (uint64_t)'d' << 48,                                                \
               7)
#define HASH_KNOWLEDGEABLE                                                                                   \
  STRMAP_HASH_LAST(                                                                                          \
      STRMAP_S0,                                                                                             \
      'k' | (uint64_t)'n' << 8 | (uint64_t)'o' << 16 | (uint64_t)'w' << 24 | (uint64_t)'l' << 32 |           \
          (uint64_t)'e' << 40 | (uint64_t)'d' << 48 | (uint64_t)'g' << 56,                                   \
      'e' | (uint64_t)'a' << 8 | (uint64_t)'b' << 16 | (uint64_t)'l' << 24 | (uint64_t)'e' << 32, 13)
#define HASH_INVOLVED                                                                                        \
  STRMAP_HASH8('i' | (uint64_t)'n' << 8 | (uint64_t)'v' << 16 | (uint64_t)'o' << 24 | (uint64_t)'l' << 32 |  \
                   (uint64_t)'v' << 40 | (uint64_t)'e' << 48 | (uint64_t)'d' << 56,                          \
               8)
#define HASH_SPEAKING                                                                                        \
  STRMAP_HASH8('s' | (uint64_t)'p' << 8 | (uint64_t)'e' << 16 | (uint64_t)'a' << 24 | (uint64_t)'k' << 32 |  \
                   (uint64_t)'i' << 40 | (uint64_t)'n' << 48 | (uint64_t)'g' << 56,                          \
               8)

/* Is t "familiar", "close", "briefed", "knowledgeable", "involved" or
 * "speaking" (exactly)? */
static int post_modifier(const token *t) {
  /* one bit of 64 for each of the six hashes: most other words have none */
#define POST_BIT(h) (1ull << ((h)&63))
  const uint64_t post_bits = POST_BIT(HASH_FAMILIAR) | POST_BIT(HASH_CLOSE) | POST_BIT(HASH_BRIEFED) |
                             POST_BIT(HASH_KNOWLEDGEABLE) | POST_BIT(HASH_INVOLVED) | POST_BIT(HASH_SPEAKING);
#undef POST_BIT
  return ((post_bits >> (t->hash & 63)) & 1) &&
         (tok_is(t, "familiar") || tok_is(t, "close") || tok_is(t, "briefed") || tok_is(t, "knowledgeable") ||
          tok_is(t, "involved") || tok_is(t, "speaking"));
}

/* the words of a compound head looked at past its first (describe's, and
 * head_end's: a run of head nouns with no end made a description, and the
 * name of its entity, of half a text, written out for each of its quotes) */
enum { COMPOUND_MAX = 8 };

/* Past a head noun: compound heads ("party chairwoman", "veteran
 * diplomat") and the post-modifiers of anonymous sources ("familiar with
 * the matter", "close to the campaign", "briefed on the talks"). */
static uint32_t head_end(attrib_doc *d, uint32_t k, uint32_t end) {
  uint32_t e = k + 1, stop = end < k + 1 + COMPOUND_MAX ? end : k + 1 + COMPOUND_MAX;
  /* "party chairwoman", and in title case "Secretary General" */
  while (e < stop && is_word(&TOK(d, e)) &&
         ((TOK(d, e).flags & T_LOWER) ||
          ((TOK(d, e - 1).flags & T_CAP) && (TOK(d, e).flags & T_CAP) && TOK(d, e).mention < 0)) &&
         (TOK(d, e).words & HEAD_NOUNS) && TOK(d, e).cue < 0)
    e++;
  if (e < end && post_modifier(&TOK(d, e))) {
    uint32_t x = e + 1;
    while (x < end && x < e + 9 && TOK(d, x).cue < 0 && TOK(d, x).kind != TK_PUNCT &&
           TOK(d, x).kind != TK_QUOTE)
      x++;
    if (x < end && TOK(d, x).cue >= 0)
      e = x;
  }
  return e;
}

/* Does a lower-case head noun follow within two more modifiers ("presidential
 * candidate")? Then the capitalised role before it is a modifier. */
static int head_follows(attrib_doc *d, uint32_t k, uint32_t end) {
  for (uint32_t x = k; x < end && x < k + 3; x++) {
    const token *t = &TOK(d, x);
    if (!is_word(t) || !(t->flags & T_LOWER) || t->cue >= 0 ||
        (t->words & (W_PREP | W_CONNECT | W_AUX | W_DET)))
      return 0;
    if (t->words & HEAD_NOUNS)
      return 1;
  }
  return 0;
}

/* "her campaign", "his office": a possessive pronoun before a body noun */
static int possessive_body(attrib_doc *d, uint32_t i, uint32_t end) {
  const token *h = i + 1 < end ? &TOK(d, i + 1) : NULL;
  return h && (h->flags & T_LOWER) && (h->words & HEAD_NOUNS) && h->cue < 0;
}

/* "X's [adj] spokesman", "Trump's campaign", "Clinton's aides": the
 * description speaks for X. j is the token after X. */
static int possessive_head(attrib_doc *d, uint32_t j, uint32_t end, uint32_t *out_end) {
  if (j + 1 >= end || !(TOK(d, j).flags & T_POSSESSIVE))
    return 0;
  uint32_t k = j + 1, mods = 0;
  while (k < end && mods < 2 && is_word(&TOK(d, k)) && (TOK(d, k).flags & T_LOWER) &&
         !(TOK(d, k).words & HEAD_NOUNS) && TOK(d, k).cue < 0 && TOK(d, k).mention < 0) {
    k++;
    mods++;
  }
  if (k >= end || !(TOK(d, k).flags & T_LOWER) || !(TOK(d, k).words & HEAD_NOUNS) || TOK(d, k).mention >= 0)
    return 0;
  *out_end = head_end(d, k, end);
  return 1;
}

/* "the Rovers manager" is the manager named before, not the club: a
 * definite leader of a body is the person it refers back to, when there
 * is one. -1 otherwise. */
static int32_t leader_ref(attrib_doc *d, uint32_t i, const token *h) {
  if (!tok_is_lower(&TOK(d, i), "the") || !(h->words & W_LEADER) || !(h->flags & T_LOWER))
    return -1;
  return antecedent(d, i, (1u << ATTRIB_PERSON) | ANT_SINGULAR, 0, 3);
}

/* Is t "for", "of", "at", "from", "with" or "in" (exactly)? One test of the
 * length first: six tok_is calls cost more. */
static int body_prep(const token *t) {
  const char *k = t->key;
  switch (t->key_len) {
  case 2:
    return (k[0] == 'o' && k[1] == 'f') || (k[0] == 'a' && k[1] == 't') || (k[0] == 'i' && k[1] == 'n');
  case 3:
    return memcmp(k, "for", 3) == 0;
  case 4:
    return memcmp(k, "from", 4) == 0 || memcmp(k, "with", 4) == 0;
  default:
    return 0;
  }
}

/* Description starting at token i ("a|the [adj] role (for|of|at|from) X",
 * "X's spokesman", "the company", "officials", "74 percent of voters"):
 * its end and entity. */
static int describe(attrib_doc *d, held_words *held, uint32_t i, uint32_t end, uint32_t *out_end,
                    int32_t *ent, uint8_t *type, uint8_t *plural) {
  uint32_t k = i;
  token *t = &TOK(d, k);
  *ent = -1;
  *plural = 0;
  /* X's spokesman / X's statement / X's campaign speak for X; X's wife is
   * someone of her own */
  if (t->mention >= 0 && MENTION(d, t->mention).kind == M_NAME) {
    mention *m = &MENTION(d, t->mention);
    /* most names have no 's: possessive_head's first test, here without a call */
    if (m->entity >= 0 && m->tok_end + 1 < end && (TOK(d, m->tok_end).flags & T_POSSESSIVE) &&
        possessive_head(d, m->tok_end, end, out_end)) {
      token *head = &TOK(d, *out_end - 1);
      if ((head->words & W_PERSON_NOUN) && !(head->words & (W_ROLE | W_GROUP_NOUN))) {
        *type = ATTRIB_PERSON;
        return 1;
      }
      *ent = m->entity;
      *type = m->type;
      return 1;
    }
    return 0;
  }
  /* "74 percent (of Democratic voters)": poll figures report what people said */
  if (t->kind == TK_NUM && i + 1 < end &&
      (tok_is(&TOK(d, i + 1), "percent") || tok_is(&TOK(d, i + 1), "%"))) {
    uint32_t e = i + 2;
    if (e + 1 < end && tok_is(&TOK(d, e), "of")) {
      uint32_t x = e + 1;
      while (x < end && x < e + 6 && TOK(d, x).cue < 0 && TOK(d, x).kind == TK_WORD)
        x++;
      e = x;
    }
    *out_end = e;
    *type = ATTRIB_PERSON;
    *plural = 1;
    return 1;
  }
  int det = (t->words & W_DET) != 0;
  /* '"...," another said', "Some said they would": the quantifier speaks */
  if ((t->words & W_QUANT) && i + 1 < end && TOK(d, i + 1).cue >= 0 &&
      (VEC_AT(d->cues, cue, TOK(d, i + 1).cue).entry->flags & CUE_SPEECH)) {
    *out_end = i + 1;
    *type = ATTRIB_PERSON;
    *plural = !(tok_is_lower(t, "another") || tok_is_lower(t, "one"));
    return 1;
  }
  if (det)
    k++;
  /* "Health economists", "Security researchers": a bare plural keeps its modifiers */
  if (!det) {
    /* what follows returns 0 unless the head is here or a group noun one
     * or two words on: most words are neither, and need no more tests */
    if (!(t->words & HEAD_NOUNS) && !(k + 1 < end && (TOK(d, k + 1).words & W_GROUP_NOUN)) &&
        !(k + 2 < end && (TOK(d, k + 2).words & W_GROUP_NOUN)))
      return 0;
    uint32_t x = k, mods0 = 0;
    while (x < end && mods0 < 2 && is_word(&TOK(d, x)) && TOK(d, x).mention < 0 && TOK(d, x).cue < 0 &&
           !(TOK(d, x).words & (HEAD_NOUNS | W_NOT_NAME | W_DET | W_PREP | W_CONNECT | W_AUX | W_STOPCAP)) &&
           !(TOK(d, x).flags & T_POSSESSIVE) && !tok_is_lower(&TOK(d, x), "that") &&
           !tok_is_lower(&TOK(d, x), "which") && !tok_is_lower(&TOK(d, x), "who") &&
           !tok_is_lower(&TOK(d, x), "as") && !tok_is_lower(&TOK(d, x), "when") &&
           !tok_is_lower(&TOK(d, x), "if") && !tok_is_lower(&TOK(d, x), "than")) {
      x++;
      mods0++;
    }
    if (mods0 && x < end && (TOK(d, x).words & W_GROUP_NOUN) && (TOK(d, x).flags & T_LOWER) &&
        TOK(d, x).mention < 0)
      k = x;
  }
  /* "a Kremlin spokesman", "a State Department official": a name, then the role */
  if (det && k < end && TOK(d, k).mention >= 0 && MENTION(d, TOK(d, k).mention).kind == M_NAME) {
    mention *m = &MENTION(d, TOK(d, k).mention);
    uint32_t r = m->tok_end;
    /* "a Nevada Democrat": the role may be capitalised when it is no name */
    if (m->entity >= 0 && r < end && is_word(&TOK(d, r)) &&
        ((TOK(d, r).flags & T_LOWER) || TOK(d, r).mention < 0) &&
        (TOK(d, r).words & (W_ROLE | W_GROUP_NOUN)) && TOK(d, r).cue < 0) {
      *out_end = head_end(d, r, end);
      *plural = (TOK(d, r).words & W_GROUP_NOUN) != 0;
      int32_t p = *plural ? -1 : leader_ref(d, i, &TOK(d, *out_end - 1));
      if (p >= 0) {
        *ent = p;
        *type = ATTRIB_PERSON;
      } else if (m->type == ATTRIB_ORG) { /* an official of the body speaks for it */
        *ent = m->entity;
        *type = m->type;
      } else { /* a place's resident or party member is a person of their own */
        *type = ATTRIB_PERSON;
      }
      return 1;
    }
  }
  /* modifiers, at most one of them a name: "the former Florida governor",
   * "the Republican presidential candidate", "a Clinton campaign official",
   * "the 71-year-old diplomat" */
  uint32_t mods = 0;
  int32_t mod_ent = -1;
  uint8_t mod_type = 0;
  while (det && k < end && mods < 5) {
    token *x = &TOK(d, k);
    if (x->cue >= 0 || x->quote >= 0)
      break;
    if (x->mention >= 0) {
      mention *mm = &MENTION(d, x->mention);
      if (mm->kind != M_NAME || mm->entity < 0 || mod_ent >= 0 || mm->tok_first != k)
        break;
      mod_ent = mm->entity;
      mod_type = mm->type;
      k = mm->tok_end;
      mods++;
      continue;
    }
    if (age_word(x) && k + 1 < end && is_word(&TOK(d, k + 1)) &&
        ((TOK(d, k + 1).flags & T_CAP) || (TOK(d, k + 1).words & HEAD_NOUNS))) {
      k++; /* "a 29-year-old Berlin woman" */
      mods++;
      continue;
    }
    if (x->kind == TK_NUM || age_word(x))
      break; /* "the 43-year-old" is its own head */
    if (!is_word(x) || (x->flags & T_POSSESSIVE))
      break;
    if ((x->flags & T_LOWER) ? (x->words & (HEAD_NOUNS | W_PREP | W_CONNECT | W_AUX | W_DET | W_PRONOUN_M |
                                            W_PRONOUN_F | W_PRONOUN_N | W_PRONOUN_P | W_FIRST_PERSON)) ||
                                   is_relative(x)
                             : !(x->flags & T_CAP) || (x->words & (W_NOT_NAME | W_STOPCAP)) ||
                                   ((x->words & HEAD_NOUNS) && !head_follows(d, k + 1, end)))
      break; /* "the Republican presidential candidate", but "the Republican said",
              * "a Republican familiar with the talks" */
    k++;
    mods++;
  }
  if (k < end && mods < 5 && det && (age_word(&TOK(d, k)) || TOK(d, k).kind == TK_NUM) &&
      TOK(d, k).mention < 0 && age_word(&TOK(d, k))) {
    /* "the 43-year-old said": an age names a person */
    *out_end = k + 1;
    *type = ATTRIB_PERSON;
    if (tok_is_lower(t, "the"))
      *ent = antecedent(d, i, (1u << ATTRIB_PERSON) | ANT_SINGULAR, 0, 3);
    return 1;
  }
  if (k >= end || TOK(d, k).mention >= 0)
    return 0;
  /* a compound head is classed by its last word: "agency official" is a
   * person. Of a few words: the stage tries again from the next token when
   * this one describes nothing, so an unbounded run was quadratic */
  for (uint32_t k0 = k; k + 1 < end && k < k0 + COMPOUND_MAX && (TOK(d, k).words & HEAD_NOUNS) &&
                        is_word(&TOK(d, k + 1)) && (TOK(d, k + 1).flags & T_LOWER) &&
                        (TOK(d, k + 1).words & HEAD_NOUNS) && TOK(d, k + 1).cue < 0 &&
                        TOK(d, k + 1).mention < 0;)
    k++;
  token *h = &TOK(d, k);
  uint32_t hw = h->words;
  if (!(hw & HEAD_NOUNS))
    return 0;
  if (!det && !(hw & W_GROUP_NOUN))
    return 0; /* bare "officials", "sources" only */
  /* "her campaign said", "his spokesman", "their statement": the one the
   * possessive pronoun means speaks, as "Clinton's campaign" is Clinton's;
   * "his wife", "her colleague" are someone of their own; "its authors",
   * "their supporters" are an unnamed group no body stands for: no one */
  if ((t->words & (W_PRONOUN_M | W_PRONOUN_F | W_PRONOUN_P | W_PRONOUN_N)) && k == i + 1) {
    *out_end = head_end(d, k, end);
    *plural = (hw & W_GROUP_NOUN) != 0;
    if ((hw & W_GROUP_NOUN) && !(hw & W_ROLE))
      return 0;
    if ((hw & W_PERSON_NOUN) && !(hw & W_ROLE)) {
      *type = ATTRIB_PERSON;
      return 1;
    }
    uint8_t g = (t->words & W_PRONOUN_M) ? G_MALE : (t->words & W_PRONOUN_F) ? G_FEMALE : 0;
    *ent = g ? antecedent(d, i, 1u << ATTRIB_PERSON, g, 4)
             : antecedent(d, i,
                          (t->words & W_PRONOUN_P) ? (1u << ATTRIB_ORG) | (1u << ATTRIB_PERSON)
                                                   : (1u << ATTRIB_ORG) | ANT_BODY,
                          0, 3);
    if (*ent < 0)
      return 0;
    *type = ENTITY(d, *ent).type;
    return 1;
  }
  *plural = (hw & W_GROUP_NOUN) != 0;
  /* "welcomed the verdict", "in an AP interview": an object, not a speaker */
  int object = i > 0 && (TOK(d, i - 1).cue >= 0 || (TOK(d, i - 1).words & W_PREP));
  if ((hw & W_DOC_NOUN) && !(hw & (W_ROLE | W_PERSON_NOUN | W_GROUP_NOUN | W_ORG_NOUN | W_ORG_KIND)) &&
      object)
    return 0;
  if (mod_ent >= 0) {
    /* "the Clinton campaign", "the French government", "a Kremlin aide",
     * "the Fox News statement": the body, or its person, speaks for the
     * name; "the Florida senator" is a person of their own */
    *out_end = head_end(d, k, end);
    int body = (hw & (W_ORG_NOUN | W_ORG_KIND | W_DOC_NOUN)) || mod_type == ATTRIB_ORG;
    for (uint32_t x = i; x < k && !body; x++)
      body = (TOK(d, x).words & (W_ORG_NOUN | W_ORG_KIND)) && (TOK(d, x).flags & T_LOWER);
    int32_t p = *plural ? -1 : leader_ref(d, i, h);
    if (p >= 0) {
      *ent = p;
      *type = ATTRIB_PERSON;
      return 1;
    }
    if (body && !((hw & W_PERSON_NOUN) && !(hw & (W_ROLE | W_GROUP_NOUN)))) {
      *ent = mod_ent;
      *type = ENTITY(d, mod_ent).type;
      return 1;
    }
    if (!(hw & (W_ROLE | W_PERSON_NOUN | W_GROUP_NOUN)))
      return 0;
    *type = ATTRIB_PERSON;
    if (tok_is_lower(t, "the") && !*plural)
      *ent = antecedent(d, i, (1u << ATTRIB_PERSON) | ANT_SINGULAR, 0, 3);
    return 1;
  }
  /* "the authority's regional manager": the organisation's person */
  if ((hw & (W_ORG_NOUN | W_ORG_KIND)) && tok_is_lower(t, "the") && possessive_head(d, k + 1, end, out_end)) {
    *ent = (hw & W_ORG_NOUN) ? antecedent(d, i, org_kind(hw), 0, 3) : named_like(d, held, i, h);
    *type = ATTRIB_ORG;
    return 1;
  }
  uint32_t e = head_end(d, k, end);
  /* for|of|at|from|with [the] X */
  if (e + 1 < end && is_word(&TOK(d, e)) && body_prep(&TOK(d, e))) {
    uint32_t x = e + 1;
    if (x < end && (TOK(d, x).words & W_DET))
      x++;
    if (x < end && TOK(d, x).mention >= 0) {
      mention *m = &MENTION(d, TOK(d, x).mention);
      if (m->entity >= 0 && m->kind == M_NAME && (hw & (W_ROLE | W_DOC_NOUN | W_GROUP_NOUN))) {
        *out_end = m->tok_end;
        *ent = m->entity;
        *type = m->type;
        return 1;
      }
    }
  }
  /* "the chief executive of one of the largest builders, Hollis Kemp Group,":
   * a role whose tail is named in apposition speaks for that body */
  if ((hw & W_ROLE) && e + 3 < end && (tok_is(&TOK(d, e), "of") || tok_is(&TOK(d, e), "at"))) {
    for (uint32_t x = e + 1; x + 2 < end && x < e + 12; x++) {
      token *u = &TOK(d, x);
      if (u->cue >= 0 || u->quote >= 0 || (u->kind == TK_PUNCT && u->key[0] != ','))
        break;
      if (u->key[0] != ',' || u->kind != TK_PUNCT || TOK(d, x + 1).mention < 0)
        continue;
      mention *m = &MENTION(d, TOK(d, x + 1).mention);
      if (m->kind == M_NAME && m->type == ATTRIB_ORG && m->entity >= 0 && m->tok_end < end &&
          TOK(d, m->tok_end).key[0] == ',') {
        *out_end = m->tok_end;
        *ent = m->entity;
        *type = ATTRIB_ORG;
        return 1;
      }
      break;
    }
  }
  *out_end = e;
  /* bare "police say": people, not a body (that would need "the") */
  if ((hw & (W_ORG_NOUN | W_ORG_KIND)) && !(!det && (hw & W_GROUP_NOUN))) {
    if (!tok_is_lower(t, "the"))
      return 0;
    *type = ATTRIB_ORG;
    if (hw & W_ORG_NOUN) {
      /* a feature names its company once */
      *ent = (hw & W_COMPANY) ? antecedent_or(d, i, org_kind(hw), 0, 3, 12)
                              : antecedent(d, i, org_kind(hw), 0, 3);
    } else {
      /* "the union" is not the company named last: only an organisation
       * whose name holds the word, else an unnamed one of its own */
      *ent = named_like(d, held, i, h);
      /* "the agency" for the Transit Authority: any public body named
       * just before, when none is called an agency */
      if (*ent < 0 && (hw & W_PUBLIC))
        *ent = antecedent(d, i, (1u << ATTRIB_ORG) | ANT_PUBLIC, 0, 3);
      /* "the editorial board said" with no board named: a body of its own
       * when it is quoted (what it reports stays unattributed, see
       * speaker_of) */
    }
    if (*ent >= 0 || !(hw & (W_ROLE | W_GROUP_NOUN)))
      return 1;
    *type = ATTRIB_PERSON; /* "the police said", no force named: people */
  }
  if ((hw & W_PERSON_NOUN) && tok_is_lower(t, "the")) {
    *ent = antecedent(d, i, (1u << ATTRIB_PERSON) | ANT_SINGULAR, 0, 3);
    *type = ATTRIB_PERSON;
    return 1;
  }
  /* "a spokesman said" right after a body spoke: its spokesman */
  if (!*plural && spokes_word(h)) {
    int32_t body = antecedent(d, i, 1u << ATTRIB_ORG, 0, 1);
    if (body >= 0) {
      *ent = body;
      *type = ATTRIB_ORG;
      return 1;
    }
  }
  if (hw & (W_ROLE | W_GROUP_NOUN | W_PERSON_NOUN)) {
    *type = ATTRIB_PERSON; /* an unnamed speaker: becomes its own entity if it speaks */
    return 1;
  }
  if ((hw & W_DOC_NOUN) && det && !object) {
    /* "the response" after "the response from the Commission": the same
     * document, so the same author */
    *ent = same_document(d, i, h);
    /* no author: "the lawsuit says" makes the document a speaker of its
     * own, but "the study found" reports no one's words */
    if (*ent < 0 && (hw & W_FINDING))
      return 0;
    *type = *ent >= 0 ? ENTITY(d, *ent).type : ATTRIB_ORG;
    return 1;
  }
  return 0;
}

/* The person a description is in apposition with: "the former captain
 * Nomvula Dube", "the commissioner for oceans, Henrik Lindqvist,",
 * "Comfort Adjei, a community health nurse". -1 when none. */
static int32_t apposed_person(attrib_doc *d, uint32_t i, uint32_t e, uint32_t first, uint32_t end) {
  const mention *x = NULL;
  /* a short tail: "the commissioner for oceans, Henrik Lindqvist," */
  if (e < end && (TOK(d, e).words & W_PREP) && (TOK(d, e).flags & T_LOWER)) {
    uint32_t y = e + 1;
    while (y < end && y < e + 5 && TOK(d, y).kind == TK_WORD && TOK(d, y).mention < 0 && TOK(d, y).cue < 0)
      y++;
    if (y < end && TOK(d, y).key[0] == ',')
      e = y;
  }
  if (e < end && TOK(d, e).mention >= 0)
    x = &MENTION(d, TOK(d, e).mention);
  else if (e + 1 < end && TOK(d, e).key[0] == ',' && TOK(d, e + 1).mention >= 0) {
    x = &MENTION(d, TOK(d, e + 1).mention);
    if (x->tok_end < end && TOK(d, x->tok_end).key[0] != ',' && !(TOK(d, x->tok_end).flags & T_SENT_END))
      x = NULL;
  } else if (i >= first + 2 && TOK(d, i - 1).key[0] == ',' && TOK(d, i - 2).mention >= 0)
    x = &MENTION(d, TOK(d, i - 2).mention);
  if (!x || x->kind != M_NAME || x->type != ATTRIB_PERSON || x->entity < 0)
    return -1;
  return x->entity;
}

/* "the Commission": a capitalised organisation head after "the" names the
 * latest organisation ending in that word. */
static int32_t head_reference(attrib_doc *d, uint32_t i) {
  token *h = &TOK(d, i);
  const token *lo = back_stop(d, i);
  for (const token *t = &TOK(d, i); (t = prev_in_mention(d, t, lo)) != NULL;) {
    mention *m = &MENTION(d, t->mention);
    if (m->kind != M_NAME || m->entity < 0 || m->type != ATTRIB_ORG)
      continue;
    token *last = &TOK(d, m->tok_end - 1);
    entity *e = &ENTITY(d, m->entity);
    size_t nl = strlen(e->name);
    if ((last->key_len == h->key_len && memcmp(last->key, h->key, h->key_len) == 0) ||
        (nl > h->key_len && memcmp(e->name + nl - h->key_len, h->key, h->key_len) == 0 &&
         e->name[nl - h->key_len - 1] == ' '))
      return m->entity;
    t = &TOK(d, m->tok_first); /* on before the mention */
  }
  return -1;
}

/* Is token t a word coref_stage looks at for a group noun one or two
 * words on? */
static int before_group(const token *t) {
  return t->quote < 0 && t->kind == TK_WORD;
}

/* LEX_COREF for a number (describe's "74 percent"), by token kind */
static const uint8_t kind_coref[256] = {[TK_NUM] = LEX_COREF};
_Static_assert(LEX_COREF == 8, "LEX_COREF is bit 3");

/* The tokens coref_stage has anything to do for, as a bitmap of the
 * document's tokens, so that the stage goes from one to the next with no
 * jump per token (a skip loop's exit at each of them, one token in
 * seven, was a mispredicted jump). They are the unquoted tokens that are
 * a number or a word of the classes its tests look for (organisation
 * head, pronoun, determiner, quantifier, head noun) or "who", in no
 * mention; the unquoted words and numbers of a mention whose words may
 * start something (live: see candidates_init; at the others the stage
 * does nothing);
 * and the two unquoted words in no mention before a group noun in their
 * paragraph (describe asks first whether a group noun follows). The
 * words of live mentions are set first; the rest a word of bits (64
 * tokens) at a time, one word ahead of the stage, whose tokens are then
 * still in the cache (the two words before a group noun may be in the
 * word before). */
typedef struct candidates {
  uint64_t *bits; /* words [0, built) done */
  uint32_t built, nw;
  uint32_t refill; /* the first word whose look needs more words done (UINT32_MAX: all are) */
} candidates;

/* cands->bits for the live mentions' words, the rest to be done (zero);
 * 0, or -1 when out of memory. A mention is live when its words may start
 * anything here: only a name with an entity and an 's after it may
 * (describe's possessive case); at the others the stage does nothing
 * (described), so that the candidates leave them out. In one pass over the
 * mentions, with no array of them. */
static int candidates_init(attrib_doc *d, candidates *cands) {
  const token *toks = d->toks.data;
  uint32_t n = NTOK(d);
  cands->nw = n / 64 + 1;
  cands->built = 0;
  cands->refill = 0;
  cands->bits = arena_array(&d->mem, cands->nw, sizeof(uint64_t));
  if (!cands->bits)
    return -1;
  for (size_t k = 0; k < d->mentions.len; k++) {
    const mention *m = &MENTION(d, k);
    /* (the rare 's first) */
    if (m->tok_end < n && (toks[m->tok_end].flags & T_POSSESSIVE) && m->kind == M_NAME && m->entity >= 0)
      for (uint32_t x = m->tok_first; x < m->tok_end; x++)
        if (toks[x].quote < 0 && (toks[x].kind == TK_WORD || toks[x].kind == TK_NUM))
          cands->bits[x >> 6] |= 1ull << (x & 63);
  }
  return 0;
}

/* Bit k: token t[k] has LEX_COREF or is a number, for k < 8. Each token's
 * flag as bit 3 of its byte, eight tokens to a 64-bit word, then the eight
 * bits gathered into one byte by a multiply (byte k's lowest bit lands on
 * bit 56 + k, with no carries): no mask and shift of its own per token. */
static inline uint64_t coref_bits8(const token *t) {
  uint64_t v = 0;
  for (unsigned k = 0; k < 8; k++)
    v |= (uint64_t)(t[k].lex | kind_coref[t[k].kind]) << (8 * k);
  return (((v >> 3) & 0x0101010101010101ull) * 0x0102040810204080ull) >> 56;
}

/* Word w of cands->bits (words before it done): the words with LEX_COREF
 * (a superset of those classes; every group noun has it) or numbers,
 * eight tokens a round with no jump (coref_bits8), then each asked whether
 * it is quoted or in a mention, also with no jump. A word with LEX_COREF but none of
 * those classes and not "who" ("Who", say: its lower-case key's flag)
 * stays a candidate: the stage does nothing at it. */
static void candidates_word(const attrib_doc *d, candidates *cands, uint32_t w) {
  const token *toks = d->toks.data;
  uint32_t n = NTOK(d), m = n - 64 * w < 64 ? n - 64 * w : 64, j = 0;
  const token *t0 = toks + 64 * (size_t)w;
  _Static_assert(TK_WORD == 0 && TK_NUM == 1, "words and numbers are the kinds up to TK_NUM");
  uint64_t found = 0, kept = 0, marks = 0;
  if (m == 64) { /* (all but a document's last word: no loop exit to mispredict) */
#pragma GCC unroll 8
    for (j = 0; j < 64; j += 8)
      found |= coref_bits8(t0 + j) << j;
  } else {
    for (; j + 8 <= m; j += 8)
      found |= coref_bits8(t0 + j) << j;
    for (; j < m; j++)
      found |= (uint64_t)((t0[j].lex | kind_coref[t0[j].kind]) & LEX_COREF) >> 3 << j;
  }
  for (uint64_t bits = found; bits; bits &= bits - 1) {
    uint32_t b = (uint32_t)__builtin_ctzll(bits), x = 64 * w + b;
    const token *t = t0 + b;
    if (t->words & W_GROUP_NOUN) /* quoted or not */
      for (uint32_t k = 1; k <= 2 && k <= x; k++) {
        const token *u = t - k;
        if (u->para == t->para && before_group(u) && u->mention < 0) {
          if (k <= b)
            marks |= 1ull << (b - k);
          else /* in the word before, done */
            cands->bits[w - 1] |= 1ull << (64 + b - k);
        }
      }
    /* unquoted words and numbers in no mention stay (words of a mention
     * are a live mention's, set); a mark of a group noun is one of them */
    unsigned keep = ((t->quote & t->mention) < 0) & (t->kind <= TK_NUM);
    kept |= (uint64_t)keep << b;
  }
  cands->bits[w] |= kept | marks;
}

/* cands->bits done up to word w + 1 (or the last) */
static void candidates_upto(const attrib_doc *d, candidates *cands, uint32_t w) {
  while (cands->built <= w + 1 && cands->built < cands->nw)
    candidates_word(d, cands, cands->built++);
  cands->refill = cands->built < cands->nw ? cands->built - 1 : UINT32_MAX;
}

/* The first token of [i, end) that coref_stage has anything to do for,
 * or end; the bits done up to the word after i's. */
static uint32_t next_candidate(const attrib_doc *d, candidates *cands, uint32_t i, uint32_t end) {
  uint32_t w = i >> 6;
  if (w >= cands->refill) /* once a word of bits: one test, not two, at each candidate */
    candidates_upto(d, cands, w);
  uint64_t bits = cands->bits[w] & (~0ull << (i & 63));
  while (!bits) {
    if ((++w << 6) >= end)
      return end;
    if (w >= cands->refill)
      candidates_upto(d, cands, w);
    bits = cands->bits[w];
  }
  uint32_t x = (w << 6) + (uint32_t)__builtin_ctzll(bits);
  return x < end ? x : end;
}

static attrib_status coref_run(attrib_doc *d, held_words *held, attrib_error *err) {
  candidates cands;
  if (candidates_init(d, &cands) != 0 || doc_mentioned_sync(d) != 0)
    return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
  for (uint32_t p = 0; p < d->paras.len; p++) {
    paragraph *pa = &VEC_AT(d->paras, paragraph, p);
    if (pa->headline || pa->boilerplate)
      continue;
    /* a mention whose first word described nothing: what describe asks of
     * a name (its 's and what follows it) is the same at its other words,
     * and nothing between them changes it */
    int32_t described = -1;
    for (uint32_t i = pa->tok_first; i < pa->tok_end; i++) {
      i = next_candidate(d, &cands, i, pa->tok_end);
      if (i >= pa->tok_end)
        break;
      token *t = &TOK(d, i);
      if (t->mention >= 0 && t->mention == described)
        continue;
      /* "the Commission" (the rare head first: capitals are common, and
       * testing one first was a mispredicted branch) */
      if ((t->words & W_ORG_HEAD) && (t->flags & T_CAP) && t->mention < 0 && i > pa->tok_first &&
          tok_is_lower(&TOK(d, i - 1), "the")) {
        int32_t e = head_reference(d, i);
        if (e >= 0) {
          if (add_mention(d, i, i + 1, e, M_NAME, ATTRIB_ORG, 0, 0) == -2)
            return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
          continue;
        }
      }
      /* "Jones, who added that ...": the relative pronoun is Jones speaking */
      if (t->mention < 0 && is_who(t) && i >= pa->tok_first + 2 && TOK(d, i - 1).key[0] == ',') {
        /* the person right before, or the one an apposition describes:
         * "Sen. Dianne Feinstein, the ranking Democrat on the committee, who said" */
        const mention *a = NULL;
        for (uint32_t k = i - 1; k > pa->tok_first && k + 16 > i && !a; k--) {
          const token *u = &TOK(d, k - 1);
          if (u->cue >= 0 || u->quote >= 0 || (u->kind == TK_PUNCT && u->key[0] != ','))
            break;
          if (u->mention < 0)
            continue;
          const mention *x = &MENTION(d, u->mention);
          if (x->kind == M_NAME && x->type == ATTRIB_PERSON) {
            /* its apposition opens right after it, or after a short "of X" */
            uint32_t c = x->tok_end;
            if (c < i && (TOK(d, c).words & W_PREP) && (TOK(d, c).flags & T_LOWER))
              while (c < i && c < x->tok_end + 5 && TOK(d, c).key[0] != ',')
                c++;
            if (c < i && TOK(d, c).key[0] == ',')
              a = x;
            else
              break;
          } else if (k == i - 1 && x->kind != M_NAME)
            a = x; /* "a spokesman, who" */
          k = x->tok_first + 1;
        }
        if (a && a->entity >= 0 && a->type == ATTRIB_PERSON && !a->plural) {
          if (add_mention(d, i, i + 1, a->entity, M_PRONOUN, ATTRIB_PERSON, a->gender, 0) == -2)
            return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
          continue;
        }
      }
      uint32_t w = t->words;
      if (t->mention < 0 && (w & (W_PRONOUN_M | W_PRONOUN_F | W_PRONOUN_N | W_PRONOUN_P)) &&
          !(t->flags & (T_POSSESSIVE | T_ALLCAP)) &&              /* "IT" is information technology */
          !((w & W_DET) && possessive_body(d, i, pa->tok_end))) { /* "her campaign": a description */
        /* only subject and object forms: he, she, it, they */
        if (!(tok_is_lower(t, "he") || tok_is_lower(t, "she") || tok_is_lower(t, "it") ||
              tok_is_lower(t, "they")))
          continue;
        int32_t e = -1;
        uint8_t type = ATTRIB_PERSON, gender = 0, plural = 0;
        /* he/she look back four paragraphs, then further for the last
         * person of that gender: features often name someone once */
        if (w & W_PRONOUN_M) {
          gender = G_MALE;
          e = antecedent_or(d, i, 1u << ATTRIB_PERSON, G_MALE, 4, 12);
        } else if (w & W_PRONOUN_F) {
          gender = G_FEMALE;
          e = antecedent_or(d, i, 1u << ATTRIB_PERSON, G_FEMALE, 4, 12);
        } else if (w & W_PRONOUN_N) {
          type = ATTRIB_ORG;
          e = antecedent(d, i, (1u << ATTRIB_ORG) | ANT_BODY, 0, 3);
        } else {
          plural = 1;
          type = ATTRIB_ORG;
          e = antecedent(d, i, 1u << ATTRIB_ORG, 0, 2);
          if (e < 0) /* no body named: people described ("protesters ... they chanted") */
            e = antecedent(d, i, ANT_GROUP, 0, 1);
        }
        if (e >= 0 && gender && !ENTITY(d, e).gender)
          ENTITY(d, e).gender = gender; /* "he" fixes the gender for later */
        if (add_mention(d, i, i + 1, e, M_PRONOUN, type, gender, plural) == -2)
          return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
        continue;
      }
      uint32_t e_end;
      int32_t ent;
      uint8_t type, plural;
      if ((t->mention < 0 || MENTION(d, t->mention).kind == M_NAME) &&
          describe(d, held, i, pa->tok_end, &e_end, &ent, &type, &plural)) {
        if (type == ATTRIB_PERSON && !plural) {
          int32_t named = apposed_person(d, i, e_end, pa->tok_first, pa->tok_end);
          if (named >= 0)
            ent = named;
        }
        int32_t mi = add_mention(d, i, e_end, ent, M_DESC, type, 0, plural);
        if (mi == -2)
          return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
        /* "a spokeswoman for the ministry" is a woman: later "she" may be her */
        for (uint32_t k = i; k < e_end; k++) {
          token *h = &TOK(d, k);
          if ((h->words & (W_ROLE | W_PERSON_NOUN)) && (h->flags & T_LOWER) && !(h->words & W_DOC_NOUN)) {
            mention *m = &MENTION(d, mi);
            m->person = 1;
            m->gender = noun_gender(h);
            break;
          }
        }
        i = e_end - 1;
      } else if (t->mention >= 0) {
        described = t->mention;
      }
    }
  }
  return ATTRIB_OK;
}

attrib_status coref_stage(attrib_doc *d, attrib_error *err) {
  held_words held = {.n = 0, .upto = 0};
  strmap_init_keyed(&held.words, d->seed);
  attrib_status st = coref_run(d, &held, err);
  strmap_free(&held.words);
  return st;
}
