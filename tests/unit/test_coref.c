/* Stage 6: pronouns, descriptions and definite references. */
#include "doc.h"
#include "helpers.h"

static const char *entity_of_mention(attrib_doc *d, const char *text, int nth) {
  for (size_t i = 0; i < attrib_doc_entity_count(d); i++) {
    const attrib_entity *e = attrib_doc_entity(d, i);
    for (size_t k = 0; k < e->n_mentions; k++)
      if (strcmp(e->mentions[k].text, text) == 0 && nth-- == 0)
        return e->name;
  }
  return NULL;
}

START_TEST(pronouns_follow_gender_and_type) {
  attrib_doc *d = analyze("Mrs. Halvorsen met Mr. Okonkwo at Pellucid Systems. She said the firm was fine. "
                          "He disagreed. It declined to comment.");
  ck_assert_str_eq(entity_of_mention(d, "She", 0), "Halvorsen");
  ck_assert_str_eq(entity_of_mention(d, "He", 0), "Okonkwo");
  ck_assert_str_eq(entity_of_mention(d, "It", 0), "Pellucid Systems");
  attrib_doc_free(d);
}
END_TEST

START_TEST(speaker_subjects_win) {
  /* "it" means the body that was reporting, not the last organisation named */
  attrib_doc *d = analyze("The European Commission admitted there was no evidence against Velder Lab.\n\n"
                          "It said the review was closed.");
  ck_assert_str_eq(entity_of_mention(d, "It", 0), "European Commission");
  attrib_doc_free(d);
}
END_TEST

START_TEST(descriptions_speak_for_their_body) {
  attrib_doc *d = analyze("The European Commission replied. A representative for the European Commission "
                          "wrote back. The company's spokesman was silent. The response from the Commission "
                          "was short.");
  ck_assert_str_eq(entity_of_mention(d, "A representative for the European Commission", 0),
                   "European Commission");
  ck_assert_str_eq(entity_of_mention(d, "The response from the Commission", 0), "European Commission");
  attrib_doc_free(d);
}
END_TEST

START_TEST(definite_references) {
  attrib_doc *d = analyze("Corvane Holdings cut 300 jobs. The company said sales fell. The Commission "
                          "was not told. The European Commission later asked. The Commission wrote again.");
  ck_assert_str_eq(entity_of_mention(d, "The company", 0), "Corvane Holdings");
  /* "The Commission" before any commission is named refers to nothing yet */
  ck_assert_str_eq(entity_of_mention(d, "Commission", 0), "European Commission");
  attrib_doc_free(d);
}
END_TEST

int main(void) {
  Suite *s = suite_create("coref");
  TCase *tc = tcase_create("coref");
  tcase_add_unchecked_fixture(tc, test_model_setup, test_model_teardown);
  tcase_add_test(tc, pronouns_follow_gender_and_type);
  tcase_add_test(tc, speaker_subjects_win);
  tcase_add_test(tc, descriptions_speak_for_their_body);
  tcase_add_test(tc, definite_references);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
