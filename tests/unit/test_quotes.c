/* Stage 3: pairing quotation marks, continuation, classification. */
#include "doc.h"
#include "helpers.h"

static void expect_quotes(const char *text, const char **want, size_t n) {
  attrib_doc *d = analyze(text);
  size_t got = 0;
  for (size_t i = 0; i < attrib_doc_quote_count(d); i++) {
    const attrib_quote *q = attrib_doc_quote(d, i);
    if (q->kind == ATTRIB_INDIRECT)
      continue;
    ck_assert_msg(got < n, "unexpected quote «%s» in «%s»", q->span.text, text);
    ck_assert_str_eq(q->span.text, want[got]);
    /* text is exactly the bytes of the span */
    ck_assert_int_eq(memcmp(text + q->span.start, q->span.text, q->span.end - q->span.start), 0);
    got++;
  }
  ck_assert_msg(got == n, "%zu quotes in «%s», want %zu", got, text, n);
  attrib_doc_free(d);
}

START_TEST(every_convention) {
  const char *a[] = {"We will win,"};
  expect_quotes("\"We will win,\" she said.", a, 1);
  expect_quotes("“We will win,” she said.", a, 1);
  expect_quotes("‘We will win,’ she said.", a, 1);
  expect_quotes("'We will win,' she said.", a, 1);
  expect_quotes("«We will win,» she said.", a, 1);
  expect_quotes("„We will win,“ she said.", a, 1);
  /* two apostrophes stand for one double mark; the single ones inside stay apostrophes or marks */
  expect_quotes("''We will win,'' she said.", a, 1);
  const char *b[] = {"Get 'em out of here,", "It's 'over,' he said", "over,"};
  expect_quotes("''Get 'em out of here,'' they chanted. ''It's 'over,' he said''", b, 3);
}
END_TEST

/* Marks are paired by the bits segmentation sets (quote_bits): in text
 * denser than its first guess (a token in two bytes, where it made room
 * for one in four), and past many words of bits, each mark is still found. */
START_TEST(marks_found_in_dense_text) {
  enum { WORDS = 6000 };
  const char *first = "“Yes,” he said.\n\n";
  size_t fl = strlen(first);
  char *text = malloc(fl + WORDS * 2 + 128);
  ck_assert_ptr_nonnull(text);
  memcpy(text, first, fl);
  for (size_t i = 0; i < WORDS; i++)
    memcpy(text + fl + 2 * i, "x ", 2);
  strcpy(text + fl + 2 * WORDS, "\n\n“The plan is sound,” she said. “It is ‘late,’ and it is ours.”\n");
  const char *a[] = {"Yes,", "The plan is sound,", "It is ‘late,’ and it is ours.", "late,"};
  expect_quotes(text, a, 4);
  free(text);
}
END_TEST

START_TEST(apostrophes_are_not_quotes) {
  expect_quotes("O'Rourke didn't join the Supporters' club in the '90s, rock 'n' roll's heyday.", NULL, 0);
  expect_quotes("Kaspersky’s chief said the players’ union isn’t happy.", NULL, 0);
  const char *a[] = {"It's the players' money, not ours,"};
  expect_quotes("'It's the players' money, not ours,' he said.", a, 1);
  /* after a plural, a mark is an apostrophe while a later mark can still
   * close, and closes when none can: the last in the paragraph */
  const char *b[] = {"The boys' cats and the girls' dogs,", "old boys"};
  expect_quotes("'The boys' cats and the girls' dogs,' she said, praising the 'old boys' network.", b, 2);
}
END_TEST

START_TEST(nested_quotes) {
  const char *a[] = {"any reason that justifies the labelling of it as ‘dangerous’ or ‘malicious’.",
                     "dangerous", "malicious"};
  expect_quotes(
      "He asked about “any reason that justifies the labelling of it as ‘dangerous’ or ‘malicious’.”", a, 3);
  attrib_doc *d = analyze("“He told me, ‘Make the numbers work,’ and then he walked out,” she said.");
  const attrib_quote *inner = find_quote(d, "Make the numbers");
  const attrib_quote *outer = find_quote(d, "He told me");
  ck_assert_ptr_nonnull(inner);
  ck_assert_ptr_nonnull(outer);
  ck_assert_uint_lt(outer->span.start, inner->span.start);
  ck_assert_uint_gt(outer->span.end, inner->span.end);
  attrib_doc_free(d);
}
END_TEST

START_TEST(multi_paragraph_quote) {
  const char *text = "The minister said: “We have done our part. The rest is up to them.\n\n"
                     "“We will keep talking,” she added.\n\nThe talks resume on Monday.";
  const char *a[] = {"We have done our part. The rest is up to them.", "We will keep talking,"};
  expect_quotes(text, a, 2);
  attrib_doc *d = analyze(text);
  ck_assert_int_eq(attrib_doc_quote(d, 0)->kind, ATTRIB_DIRECT);
  attrib_doc_free(d);
}
END_TEST

START_TEST(mismatched_and_stray_marks_stay_local) {
  const char *a[] = {"malicious,"};
  expect_quotes("It labelled the firm as ‘malicious,” especially since no state saw problems.", a, 1);
  /* a stray opening mark does not swallow the next paragraphs */
  attrib_doc *d = analyze("He said “this never ends.\n\nA second paragraph.\n\n“A real quote,” she said.");
  const attrib_quote *q = find_quote(d, "A real quote");
  ck_assert_ptr_nonnull(q);
  ck_assert_ptr_null(find_quote(d, "A second"));
  attrib_doc_free(d);
}
END_TEST

START_TEST(unbalanced_straight_quotes) {
  attrib_doc *d = analyze("He said \"yes and left.\nShe said \"no,\" firmly.");
  const attrib_quote *q = find_quote(d, "no,");
  ck_assert_ptr_nonnull(q);
  ck_assert_ptr_null(find_quote(d, "yes"));
  attrib_doc_free(d);
}
END_TEST

START_TEST(classification) {
  attrib_doc *d = analyze("“The plan is sound,” he said. She labelled it as “fantasy” and asked "
                          "whether the ministry had “any evidence of a funding gap at all”.");
  ck_assert_int_eq(find_quote(d, "The plan")->kind, ATTRIB_DIRECT);
  /* after a naming verb, a few words after "as" are a term */
  ck_assert_int_eq(find_quote(d, "fantasy")->kind, ATTRIB_SCARE);
  ck_assert_int_eq(find_quote(d, "any evidence")->kind, ATTRIB_PARTIAL);
  attrib_doc_free(d);
  /* after a reporting verb they are the speaker's own words */
  d = analyze("Marta Quist spoke first. She described it as “fantasy arithmetic” on Monday.");
  ck_assert_int_eq(find_quote(d, "fantasy")->kind, ATTRIB_PARTIAL);
  attrib_doc_free(d);
}
END_TEST

int main(void) {
  Suite *s = suite_create("quotes");
  TCase *tc = tcase_create("quotes");
  tcase_add_unchecked_fixture(tc, test_model_setup, test_model_teardown);
  tcase_add_test(tc, every_convention);
  tcase_add_test(tc, apostrophes_are_not_quotes);
  tcase_add_test(tc, marks_found_in_dense_text);
  tcase_add_test(tc, nested_quotes);
  tcase_add_test(tc, multi_paragraph_quote);
  tcase_add_test(tc, mismatched_and_stray_marks_stay_local);
  tcase_add_test(tc, unbalanced_straight_quotes);
  tcase_add_test(tc, classification);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
