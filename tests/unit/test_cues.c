/* Stage 4: reporting cues. */
#include "doc.h"
#include "helpers.h"

static const char *lemma_at(attrib_doc *d, const char *word) {
  for (size_t i = 0; i < d->cues.len; i++) {
    cue *c = &VEC_AT(d->cues, cue, i);
    token *t = &TOK(d, c->tok_first);
    if (strncmp(d->copy + t->start, word, strlen(word)) == 0)
      return c->entry->lemma;
  }
  return NULL;
}

START_TEST(inflections_map_to_lemmas) {
  attrib_doc *d = analyze("She says it. He said it. They are saying it. It told us. We tell them. "
                          "He warned. She Added. Officials confirmed it. The memo reads well.");
  ck_assert_str_eq(lemma_at(d, "says"), "say");
  ck_assert_str_eq(lemma_at(d, "said"), "say");
  ck_assert_str_eq(lemma_at(d, "saying"), "say");
  ck_assert_str_eq(lemma_at(d, "told"), "tell");
  ck_assert_str_eq(lemma_at(d, "tell"), "tell");
  ck_assert_str_eq(lemma_at(d, "warned"), "warn");
  ck_assert_str_eq(lemma_at(d, "Added"), "add");
  ck_assert_str_eq(lemma_at(d, "confirmed"), "confirm");
  ck_assert_str_eq(lemma_at(d, "reads"), "read");
  attrib_doc_free(d);
}
END_TEST

START_TEST(multiword_cues) {
  attrib_doc *d = analyze("According to the ministry, the talks failed. She pointed out that nobody came.");
  ck_assert_str_eq(lemma_at(d, "According"), "according to");
  ck_assert_str_eq(lemma_at(d, "pointed"), "point out");
  cue *c = &VEC_AT(d->cues, cue, 0);
  ck_assert_uint_eq(c->tok_end - c->tok_first, 2);
  ck_assert(c->entry->flags & CUE_NOUN);
  attrib_doc_free(d);
}
END_TEST

START_TEST(cue_classes) {
  attrib_doc *d = analyze("He said it. He denied it. He believes it.");
  for (size_t i = 0; i < d->cues.len; i++) {
    const cue_entry *e = VEC_AT(d->cues, cue, i).entry;
    if (strcmp(e->lemma, "say") == 0)
      ck_assert((e->flags & CUE_SPEECH) && (e->flags & CUE_BARE));
    else if (strcmp(e->lemma, "deny") == 0)
      ck_assert((e->flags & CUE_SPEECH) && !(e->flags & CUE_BARE));
    else if (strcmp(e->lemma, "believe") == 0)
      ck_assert(!(e->flags & CUE_SPEECH));
  }
  ck_assert_uint_eq(d->cues.len, 3);
  attrib_doc_free(d);
}
END_TEST

/* A word that starts one-word cue forms only carries its cue entry
 * (LEX_CUE1, made at load), and cues_find takes it without a map lookup:
 * each such entry must be the one the cue map gives for the word. */
START_TEST(one_word_cue_entries_made_at_load) {
  const attrib_model *m = test_model;
  size_t marked = 0;
  for (size_t i = 0; i < m->lex.cap; i++) {
    const lex_slot *s = &m->lex.slots[i];
    if (!s->len || !(s->rec.flags & LEX_CUE1))
      continue;
    marked++;
    const char *key = s->len > LEX_INLINE ? lex_long_key(s) : s->key;
    ck_assert_uint_gt(s->rec.cue_first, 0);
    int32_t e = strmap_get(&m->cues, key, s->len);
    ck_assert_int_eq(e, (int32_t)s->rec.cue_first - 1);
    for (size_t k = 0; k < s->len; k++)
      ck_assert(!(key[k] >= 'A' && key[k] <= 'Z'));
  }
  /* the reporting verbs' forms: said, says, told, added, warned, ... */
  ck_assert_uint_gt(marked, 100);
  attrib_doc *d = analyze("He said it. She Said so.");
  ck_assert_str_eq(lemma_at(d, "said"), "say");
  ck_assert_str_eq(lemma_at(d, "Said"), "say");
  attrib_doc_free(d);
}
END_TEST

int main(void) {
  Suite *s = suite_create("cues");
  TCase *tc = tcase_create("cues");
  tcase_add_unchecked_fixture(tc, test_model_setup, test_model_teardown);
  tcase_add_test(tc, inflections_map_to_lemmas);
  tcase_add_test(tc, multiword_cues);
  tcase_add_test(tc, cue_classes);
  tcase_add_test(tc, one_word_cue_entries_made_at_load);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
