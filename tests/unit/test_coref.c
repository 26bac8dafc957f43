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

START_TEST(definite_references_in_a_long_document) {
  /* Past MAX_BACK tokens the look back for "the bank"'s name reads a bitmap
   * of mentioned tokens and name signatures, and past eight such words the
   * words are asked of a set of all name words: the same answers as at the
   * start of a short article. */
  static const char *const kinds[] = {"Union",  "University", "Bank",       "Hospital", "Council",
                                      "Agency", "Institute",  "Foundation", "Museum",   "Library"};
  enum { NKINDS = sizeof kinds / sizeof *kinds };
  const char *filler = "Mayor Ellen Voss spoke to reporters at the hall on Tuesday.\n\n";
  size_t cap = 400 * strlen(filler) + NKINDS * 256 + 256, n = 0;
  char *text = malloc(cap);
  ck_assert_ptr_nonnull(text);
  for (int k = 0; k < 400; k++) /* 4,800 tokens */
    n += (size_t)snprintf(text + n, cap - n, "%s", filler);
  for (int k = 0; k < NKINDS; k++) {
    char lower[32];
    size_t l = strlen(kinds[k]);
    for (size_t c = 0; c <= l; c++)
      lower[c] = (char)(c == 0 ? kinds[k][c] - 'A' + 'a' : kinds[k][c]);
    n += (size_t)snprintf(
        text + n, cap - n,
        "The Halbrook %s opposed the plan on Monday.\n\nMayor Ellen Voss spoke at the hall.\n\n"
        "The %s said it would act next week.\n\n",
        kinds[k], lower);
  }
  /* no theatre is named: the description stays nobody's */
  n += (size_t)snprintf(text + n, cap - n, "The theatre said it would close.\n");
  ck_assert_uint_lt(n, cap);
  attrib_doc *d = analyze(text);
  for (int k = 0; k < NKINDS; k++) {
    char mention[64], name[64];
    snprintf(mention, sizeof mention, "The %c%s", kinds[k][0] - 'A' + 'a', kinds[k] + 1);
    snprintf(name, sizeof name, "Halbrook %s", kinds[k]);
    const char *got = entity_of_mention(d, mention, 0);
    ck_assert_msg(got && strcmp(got, name) == 0, "%s: %s, not %s", mention, got ? got : "(none)", name);
  }
  ck_assert_ptr_null(entity_of_mention(d, "The theatre", 0));
  const attrib_quote *q = find_quote(d, "it would close");
  ck_assert_ptr_nonnull(q);
  ck_assert_ptr_null(speaker_name(d, q));
  attrib_doc_free(d);
  free(text);
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
  tcase_add_test(tc, definite_references_in_a_long_document);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
