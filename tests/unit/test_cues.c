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

int main(void) {
  Suite *s = suite_create("cues");
  TCase *tc = tcase_create("cues");
  tcase_add_unchecked_fixture(tc, test_model_setup, test_model_teardown);
  tcase_add_test(tc, inflections_map_to_lemmas);
  tcase_add_test(tc, multiword_cues);
  tcase_add_test(tc, cue_classes);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
