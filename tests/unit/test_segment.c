/* Stage 2: tokens and sentences. */
#include "doc.h"
#include "helpers.h"

/* Token texts joined by '|'. */
static void tokens_of(attrib_doc *d, char *out, size_t cap) {
  size_t o = 0;
  for (uint32_t i = 0; i < NTOK(d) && o + 1 < cap; i++) {
    token *t = &TOK(d, i);
    if (i)
      out[o++] = '|';
    for (uint32_t k = t->start; k < t->end && o + 1 < cap; k++)
      out[o++] = d->copy[k];
  }
  out[o] = '\0';
}

START_TEST(abbreviations_keep_their_period) {
  attrib_doc *d = analyze("Mr. Smith left the U.K. for Washington, D.C. on Sept. 3.");
  char buf[512];
  tokens_of(d, buf, sizeof buf);
  ck_assert_str_eq(buf, "Mr.|Smith|left|the|U.K.|for|Washington|,|D.C.|on|Sept.|3|.");
  ck_assert_uint_eq(attrib_doc_sentence_count(d), 1);
  attrib_doc_free(d);
}
END_TEST

START_TEST(sentences_split_at_terminals) {
  attrib_doc *d = analyze(
      "Dr. Jones arrived at 10.30 a.m. on Monday. She spoke first! Was it late? \"Yes.\" Then silence.");
  ck_assert_uint_eq(attrib_doc_sentence_count(d), 5);
  attrib_doc_free(d);
}
END_TEST

/* A run of points ends the sentence by what follows the whole run: ". . .
 * and" goes on, ". . . The" ends (the run is looked at once, at its first
 * point; each point scanning the rest was quadratic in a long run). */
START_TEST(runs_of_points) {
  attrib_doc *d = analyze("He paused . . . and went on. Then . . . ! . . . He left . . . .");
  ck_assert_uint_eq(attrib_doc_sentence_count(d), 3);
  attrib_doc_free(d);
  d = analyze("Wait..... and see.");
  ck_assert_uint_eq(attrib_doc_sentence_count(d), 1);
  attrib_doc_free(d);
}
END_TEST

START_TEST(acronym_at_sentence_end) {
  attrib_doc *d = analyze("The firm moved to the U.S. The move cost $11.5 million.");
  ck_assert_uint_eq(attrib_doc_sentence_count(d), 2);
  attrib_doc_free(d);
}
END_TEST

START_TEST(possessives_split_contractions_kept) {
  attrib_doc *d = analyze("Kaspersky Lab’s chief didn't call O'Rourke's EU-wide plan.");
  char buf[512];
  tokens_of(d, buf, sizeof buf);
  ck_assert_str_eq(buf, "Kaspersky|Lab|’s|chief|didn't|call|O'Rourke|'s|EU-wide|plan|.");
  /* the key of the curly possessive is normalised */
  ck_assert_int_eq(TOK(d, 2).key_len, 2);
  ck_assert_int_eq(memcmp(TOK(d, 2).key, "'s", 2), 0);
  ck_assert(TOK(d, 2).flags & T_POSSESSIVE);
  attrib_doc_free(d);
}
END_TEST

START_TEST(case_flags) {
  attrib_doc *d = analyze("NATO warned Élodie and the BBC's editor.");
  ck_assert(TOK(d, 0).flags & T_ALLCAP);
  ck_assert(TOK(d, 0).flags & T_INITIAL);
  ck_assert(TOK(d, 1).flags & T_LOWER);
  ck_assert(TOK(d, 2).flags & T_CAP);
  ck_assert(!(TOK(d, 2).flags & T_INITIAL));
  attrib_doc_free(d);
}
END_TEST

/* Every token's key, hashes and case, whichever way it was finished (the
 * tokenizer's scan, a whole vector for a short split or joined word, a
 * byte loop for a long one, ICU beyond ASCII), agree with the definitions:
 * hash of the key, lkey the key with A-Z lower-cased (the key itself when
 * it has none), case flags from the letters. */
START_TEST(finished_keys_agree) {
  attrib_doc *d = analyze("NASA's FBI-led probe of McDonald's, O'Brien-Smith and Sen. Lee's U.S. firm "
                          "(@NASA, #MeToo) quoted the Anti-Establishment-Candidate's aide, Élodie's AI "
                          "and x's, don't, EU-wide IBM's 3.5 A.B.C. plan.");
  ck_assert_uint_gt(NTOK(d), 30);
  for (uint32_t i = 0; i < NTOK(d); i++) {
    const token *t = &TOK(d, i);
    ck_assert_uint_eq(t->hash, strmap_hash(t->key, t->key_len));
    int upper = 0, ascii = 1;
    for (uint32_t k = 0; k < t->key_len; k++) {
      unsigned char c = (unsigned char)t->key[k];
      upper |= c >= 'A' && c <= 'Z';
      ascii &= c < 0x80;
      ck_assert_int_eq((unsigned char)t->lkey[k], c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    ck_assert_int_eq(t->lkey != t->key, upper);
    ck_assert_uint_eq(tok_lhash(t), strmap_hash(t->lkey, t->key_len));
    if (!ascii || (t->kind != TK_WORD && t->kind != TK_HANDLE))
      continue;
    unsigned letters = 0, caps = 0, first = 0;
    for (uint32_t k = t->start; k < t->end; k++) {
      char c = d->copy[k];
      int up = c >= 'A' && c <= 'Z', lo = c >= 'a' && c <= 'z';
      if (!(up | lo))
        continue;
      if (!letters++)
        first = up ? T_CAP : T_LOWER;
      caps += (unsigned)up;
    }
    ck_assert_uint_eq(t->flags & (T_CAP | T_LOWER), first);
    ck_assert_int_eq((t->flags & T_ALLCAP) != 0, letters >= 2 && caps == letters);
  }
  attrib_doc_free(d);
  /* a capitalised word finished after the scan ("TOLD" split from its 's)
   * whose exact key is none of the model's takes its lower-case key's
   * record, looked up by the lower-case hash it was given */
  d = analyze("Aides TOLD's reporters what they told us.");
  ck_assert(tok_is(&TOK(d, 1), "TOLD") && tok_is(&TOK(d, 6), "told"));
  ck_assert_uint_ne(TOK(d, 6).cue_first, 0);
  ck_assert_uint_eq(TOK(d, 1).cue_first, TOK(d, 6).cue_first);
  attrib_doc_free(d);
}
END_TEST

/* A token has T_SPACE_BEFORE when it opens its paragraph or a byte lies
 * between it and the token before, T_SPACE_AFTER when it ends its
 * paragraph or a byte lies between it and the next: whatever the bytes
 * (blanks, tabs, spaces beyond ASCII) and whichever way the tokenizer
 * passed them (after a word, a mark, a curly mark, a joined word). */
START_TEST(space_flags_follow_the_gaps) {
  attrib_doc *d = analyze("\"We won,\" she said\u2014twice. \u201cU.S.-led\u201d talks (Sen.  Lee\u2019s)\t"
                          "ended\u00a0at 3.5%... O'Brien-Smith's @NASA #MeToo 1,000 x ''y'' \u2018a\u2019!\n"
                          "Second,paragraph:ok?Yes \u2013 no .");
  ck_assert_uint_gt(NTOK(d), 40);
  for (size_t p = 0; p < d->paras.len; p++) {
    const paragraph *pa = &VEC_AT(d->paras, paragraph, p);
    for (uint32_t i = pa->tok_first; i < pa->tok_end; i++) {
      const token *t = &TOK(d, i);
      int before = i == pa->tok_first || TOK(d, i - 1).end < t->start;
      int after = i + 1 == pa->tok_end || t->end < TOK(d, i + 1).start;
      ck_assert_msg(((t->flags & T_SPACE_BEFORE) != 0) == before, "token %u: space before", i);
      ck_assert_msg(((t->flags & T_SPACE_AFTER) != 0) == after, "token %u: space after", i);
    }
  }
  attrib_doc_free(d);
}
END_TEST

START_TEST(handles_and_numbers) {
  attrib_doc *d = analyze("Follow @Europol & #NoMoreRansom: 1,000 cases, 3.5% up.");
  char buf[512];
  tokens_of(d, buf, sizeof buf);
  ck_assert_str_eq(buf, "Follow|@Europol|&|#NoMoreRansom|:|1,000|cases|,|3.5|%|up|.");
  ck_assert_int_eq(TOK(d, 1).kind, TK_HANDLE);
  ck_assert_int_eq(TOK(d, 5).kind, TK_NUM);
  attrib_doc_free(d);
}
END_TEST

START_TEST(headline_detection) {
  attrib_doc *d =
      analyze("European Parliament Votes to Ban Security Products\n\nThe parliament voted on Tuesday.");
  ck_assert(VEC_AT(d->paras, paragraph, 0).headline);
  ck_assert(!VEC_AT(d->paras, paragraph, 1).headline);
  attrib_doc_free(d);
}
END_TEST

/* The key of full slot s */
static const char *slot_key(const lex_slot *s) {
  return s->len > LEX_INLINE ? lex_long_key(s) : s->key;
}

/* Checks every full slot's link (lexicon_link_lower): its own slot with no
 * capital, else the slot a lookup of its lower-case form finds, or
 * LEX_NO_LOWER when that form is none. Counts the keys with a capital,
 * and those of them whose form is a key. */
static void check_links(const lexicon *x, size_t *with_capital, size_t *to_form) {
  *with_capital = *to_form = 0;
  for (size_t i = 0; i < x->cap; i++) {
    const lex_slot *s = &x->slots[i];
    if (!s->len)
      continue;
    char low[64];
    int capital = 0;
    ck_assert_uint_lt(s->len, sizeof low);
    for (size_t k = 0; k < s->len; k++) {
      char c = slot_key(s)[k];
      capital |= c >= 'A' && c <= 'Z';
      low[k] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    if (!capital) { /* its own form */
      ck_assert_uint_eq(s->lower, (uint32_t)i);
      continue;
    }
    (*with_capital)++;
    const lex_slot *f = lexicon_find(x->slots, x->cap, low, s->len, strmap_hash(low, s->len));
    if (f->len) {
      (*to_form)++;
      ck_assert_uint_eq(s->lower, (uint32_t)(f - x->slots));
    } else {
      ck_assert_uint_eq(s->lower, LEX_NO_LOWER);
    }
  }
}

/* A capitalised token takes its lower-case form's record through its
 * slot's link (lexicon_link_lower): each link must be the slot a lookup of
 * that form finds, and a key whose form is none must say so. */
START_TEST(lexicon_links_lower_case_forms) {
  lexicon x;
  lexicon_init(&x);
  arena a;
  arena_init(&a);
  static const char *keys[] = {"The",
                               "the",
                               "NASA",
                               "Obama",
                               "said",
                               "SAID",
                               "Said",
                               "McDonald's",
                               "mcdonald's",
                               "Abracadabra-Longer-Than-Inline",
                               "abracadabra-longer-than-inline"};
  enum { NKEYS = sizeof keys / sizeof keys[0] };
  for (size_t k = 0; k < NKEYS; k++)
    ck_assert_ptr_nonnull(
        lexicon_add(&x, &a, keys[k], strlen(keys[k]), strmap_hash(keys[k], strlen(keys[k]))));
  ck_assert_int_eq(lexicon_link_lower(&x), 0);
  ck_assert(x.linked);
  size_t with_capital, to_form;
  check_links(&x, &with_capital, &to_form);
  /* The, SAID, Said, McDonald's and the long key have their forms; NASA and Obama none */
  ck_assert_uint_eq(with_capital, 7);
  ck_assert_uint_eq(to_form, 5);
  /* a key added later may be the form of a linked one: the links no longer hold */
  ck_assert_ptr_nonnull(lexicon_add(&x, &a, "nasa", 4, strmap_hash("nasa", 4)));
  ck_assert(!x.linked);
  lexicon_free(&x);
  arena_release(&a);
}
END_TEST

/* Along each run of full slots the keys lie by rank (lexicon_add): of an
 * earlier tier first, then shorter first, whatever order they were added
 * in; so every slot between a key's home slot and its own holds a key
 * ranking no later, and a lookup of a short function word stops early.
 * Moving keys keeps every key findable and every link right. */
START_TEST(lexicon_runs_hold_keys_by_rank) {
  lexicon x;
  lexicon_init(&x);
  arena a;
  arena_init(&a);
  enum { NKEYS = 600, TIER0 = 150 };
  static char keys[NKEYS][24];
  for (size_t k = 0; k < NKEYS; k++) {
    size_t n = 1 + (k * 7) % 19; /* 1 to 19 bytes: some longer than LEX_INLINE */
    for (size_t c = 0; c < n; c++)
      keys[k][c] = (char)('a' + (k * 31 + c * 17 + k / 26) % 26);
    keys[k][n] = '\0';
    if (k % 3 == 0) /* capitalised, its lower-case form a key or not */
      keys[k][0] = (char)(keys[k][0] - 32);
  }
  /* each tier's keys in a scrambled order, most long before short */
  for (size_t t = 0; t < 2; t++) {
    size_t lo = t ? TIER0 : 0, hi = t ? NKEYS : TIER0;
    for (size_t j = 0; j < hi - lo; j++) {
      const char *key = keys[lo + (j * 97) % (hi - lo)];
      ck_assert_ptr_nonnull(lexicon_add(&x, &a, key, strlen(key), strmap_hash(key, strlen(key))));
    }
    lexicon_next_tier(&x);
  }
  size_t distinct = 0, capitalised = 0;
  for (size_t k = 0; k < NKEYS; k++) {
    size_t j = 0;
    while (j < k && strcmp(keys[j], keys[k]) != 0)
      j++;
    distinct += j == k;
    capitalised += j == k && k % 3 == 0;
  }
  ck_assert_uint_eq(x.count, distinct);
  size_t mask = x.cap - 1, walked = 0;
  for (size_t i = 0; i < x.cap; i++) {
    const lex_slot *s = &x.slots[i];
    if (!s->len)
      continue;
    uint32_t rank = (uint32_t)s->tier << 16 | s->len;
    for (size_t j = s->hash & mask; j != i; j = (j + 1) & mask, walked++) {
      ck_assert_uint_ne(x.slots[j].len, 0);
      ck_assert_uint_le((uint32_t)x.slots[j].tier << 16 | x.slots[j].len, rank);
    }
  }
  ck_assert_uint_gt(walked, 0); /* some keys did not get their home slot */
  for (size_t k = 0; k < NKEYS; k++) {
    size_t n = strlen(keys[k]);
    char padded[32] = {0};
    memcpy(padded, keys[k], n);
    const lex_slot *f = lexicon_find(x.slots, x.cap, padded, n, strmap_hash(padded, n));
    ck_assert_uint_eq(f->len, n);
    ck_assert_uint_le(f->tier, k < TIER0 ? 0 : 1); /* a repeat keeps its first tier */
  }
  ck_assert_int_eq(lexicon_link_lower(&x), 0);
  size_t with_capital, to_form;
  check_links(&x, &with_capital, &to_form);
  ck_assert_uint_eq(with_capital, capitalised);
  lexicon_free(&x);
  arena_release(&a);
}
END_TEST

/* The fast path of token_lex needs the default model's lexicon linked:
 * a key added after the links were made would silently undo it. */
START_TEST(default_model_lexicon_is_linked) {
  ck_assert(test_model->lex.linked);
  attrib_doc *d = analyze("The Mayor Said that SAID was said.");
  /* "The" takes the determiner class of "the", "Said" and "SAID" the cue of "said" */
  ck_assert(TOK(d, 0).words & W_DET);
  ck_assert_uint_eq(TOK(d, 2).cue_first, TOK(d, 6).cue_first);
  ck_assert_uint_eq(TOK(d, 4).cue_first, TOK(d, 6).cue_first);
  ck_assert_uint_ne(TOK(d, 6).cue_first, 0);
  attrib_doc_free(d);
}
END_TEST

int main(void) {
  Suite *s = suite_create("segment");
  TCase *tc = tcase_create("segment");
  tcase_add_unchecked_fixture(tc, test_model_setup, test_model_teardown);
  tcase_add_test(tc, abbreviations_keep_their_period);
  tcase_add_test(tc, sentences_split_at_terminals);
  tcase_add_test(tc, acronym_at_sentence_end);
  tcase_add_test(tc, runs_of_points);
  tcase_add_test(tc, possessives_split_contractions_kept);
  tcase_add_test(tc, case_flags);
  tcase_add_test(tc, handles_and_numbers);
  tcase_add_test(tc, finished_keys_agree);
  tcase_add_test(tc, space_flags_follow_the_gaps);
  tcase_add_test(tc, headline_detection);
  tcase_add_test(tc, lexicon_links_lower_case_forms);
  tcase_add_test(tc, default_model_lexicon_is_linked);
  tcase_add_test(tc, lexicon_runs_hold_keys_by_rank);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
