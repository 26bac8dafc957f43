/* Stage 1: UTF-8 validation, binary detection, paragraphs. */
#include "doc.h"
#include "helpers.h"

static attrib_status try_bytes(const char *s, size_t n, attrib_error *err) {
  attrib_doc *d = NULL;
  attrib_status st = attrib_analyze(test_model, s, n, NULL, &d, err);
  attrib_doc_free(d);
  return st;
}

START_TEST(invalid_utf8_reports_offset) {
  static const struct {
    const char *bytes;
    size_t len, offset;
  } cases[] = {
      {"ab\xC0\x80", 4, 2},          /* overlong NUL */
      {"abc\xE0\x80\xAF", 6, 3},     /* overlong 3-byte */
      {"x\xED\xA0\x80y", 5, 1},      /* surrogate */
      {"hello \xE2\x82", 8, 6},      /* truncated */
      {"\xF5\x80\x80\x80", 4, 0},    /* above U+10FFFF */
      {"ok \xF4\x90\x80\x80", 7, 3}, /* above U+10FFFF */
      {"a\x80", 2, 1},               /* lone continuation */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    attrib_error err;
    ck_assert_int_eq(try_bytes(cases[i].bytes, cases[i].len, &err), ATTRIB_ERR_UTF8);
    ck_assert_uint_eq(err.offset, cases[i].offset);
    ck_assert_ptr_nonnull(strstr(err.message, "UTF-8"));
  }
}
END_TEST

START_TEST(binary_is_refused) {
  attrib_error err;
  ck_assert_int_eq(try_bytes("text\0more", 9, &err), ATTRIB_ERR_BINARY);
  ck_assert_uint_eq(err.offset, 4);
  char junk[64];
  for (int i = 0; i < 64; i++)
    junk[i] = (char)(1 + i % 7);
  ck_assert_int_eq(try_bytes(junk, sizeof junk, &err), ATTRIB_ERR_BINARY);
}
END_TEST

START_TEST(valid_multibyte_text_is_accepted) {
  const char *s = "Søren Kjær said “ça va” — 日本 😀.";
  attrib_error err;
  ck_assert_int_eq(try_bytes(s, strlen(s), &err), ATTRIB_OK);
}
END_TEST

START_TEST(paragraphs_by_line_breaks) {
  attrib_doc *d = analyze("One.\nTwo.\r\nThree.\rFour.\n\n\nFive.");
  ck_assert_uint_eq(attrib_doc_paragraph_count(d), 5);
  paragraph *p = &VEC_AT(d->paras, paragraph, 2);
  ck_assert_uint_eq(p->end - p->start, 6);
  ck_assert_int_eq(memcmp(d->copy + p->start, "Three.", 6), 0);
  attrib_doc_free(d);
}
END_TEST

/* Every paragraph ends before a blank, a line break or the copy's NUL,
 * never inside a word: the tokenizer reads a document's copy past a
 * paragraph's end with no test of it (segment.c's tokenize, padded). */
START_TEST(paragraphs_end_before_a_blank) {
  static const char *const texts[] = {
      "One.\nTwo.\r\nThree.\rFour.\n\n\nFive",
      "Trailing blanks \t \f\v\nand tabs\t\t\r\nend",
      "The plan would\nnot be ready,\nsaid Lee\n",
      "\xEF\xBB\xBFNo final break",
      "  Leading blanks\n \t \n\u00a0nbsp\u2009line\u00a0\nx",
      "word",
  };
  for (size_t k = 0; k < sizeof texts / sizeof *texts; k++) {
    attrib_doc *d = analyze(texts[k]);
    ck_assert_uint_gt(d->paras.len, 0);
    for (size_t p = 0; p < d->paras.len; p++) {
      const paragraph *pa = &VEC_AT(d->paras, paragraph, p);
      char c = d->copy[pa->end];
      ck_assert_msg(c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r' || c == '\n' || c == '\0',
                    "text %zu paragraph %zu ends before byte 0x%02x", k, p, (unsigned char)c);
    }
    attrib_doc_free(d);
  }
}
END_TEST

START_TEST(soft_wrapped_lines_join) {
  attrib_doc *d = analyze("The minister said the plan would\nnot be ready before spring.\nA new paragraph.");
  ck_assert_uint_eq(attrib_doc_paragraph_count(d), 2);
  attrib_doc_free(d);
}
END_TEST

START_TEST(bom_is_skipped_offsets_kept) {
  const char *s = "\xEF\xBB\xBF\"We won,\" she said.";
  attrib_doc *d = analyze(s);
  ck_assert_uint_eq(attrib_doc_quote_count(d), 1);
  const attrib_quote *q = attrib_doc_quote(d, 0);
  ck_assert_uint_eq(q->span.start, 4);
  ck_assert_str_eq(q->span.text, "We won,");
  attrib_doc_free(d);
}
END_TEST

START_TEST(empty_and_blank_input) {
  attrib_doc *d = NULL;
  ck_assert_int_eq(attrib_analyze(test_model, "", 0, NULL, &d, NULL), ATTRIB_OK);
  ck_assert_uint_eq(attrib_doc_paragraph_count(d), 0);
  ck_assert_uint_eq(attrib_doc_quote_count(d), 0);
  attrib_doc_free(d);
  d = analyze(" \n\t\n  ");
  ck_assert_uint_eq(attrib_doc_paragraph_count(d), 0);
  attrib_doc_free(d);
}
END_TEST

START_TEST(too_large_is_refused) {
  attrib_options o;
  attrib_options_init(&o);
  o.max_input_bytes = 10;
  attrib_doc *d = NULL;
  attrib_error err;
  ck_assert_int_eq(attrib_analyze(test_model, "0123456789ab", 12, &o, &d, &err), ATTRIB_ERR_TOO_LARGE);
  ck_assert_ptr_null(d);
}
END_TEST

int main(void) {
  Suite *s = suite_create("text");
  TCase *tc = tcase_create("text");
  tcase_add_unchecked_fixture(tc, test_model_setup, test_model_teardown);
  tcase_add_test(tc, invalid_utf8_reports_offset);
  tcase_add_test(tc, binary_is_refused);
  tcase_add_test(tc, valid_multibyte_text_is_accepted);
  tcase_add_test(tc, paragraphs_by_line_breaks);
  tcase_add_test(tc, soft_wrapped_lines_join);
  tcase_add_test(tc, paragraphs_end_before_a_blank);
  tcase_add_test(tc, bom_is_skipped_offsets_kept);
  tcase_add_test(tc, empty_and_blank_input);
  tcase_add_test(tc, too_large_is_refused);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
