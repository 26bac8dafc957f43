/* helpers.c: shared fixtures of the unit tests. */
#include "helpers.h"

attrib_model *test_model;

void test_model_setup(void) {
  attrib_error err;
  if (attrib_model_load(NULL, &test_model, &err) != ATTRIB_OK) {
    fprintf(stderr, "cannot load the default model: %s\n", err.message);
    exit(1);
  }
}

void test_model_teardown(void) {
  attrib_model_free(test_model);
  test_model = NULL;
}

attrib_doc *analyze(const char *text) {
  attrib_doc *d = NULL;
  attrib_error err;
  attrib_status st = attrib_analyze(test_model, text, strlen(text), NULL, &d, &err);
  ck_assert_msg(st == ATTRIB_OK, "analysis failed: %s", err.message);
  return d;
}

const attrib_quote *find_quote(const attrib_doc *d, const char *prefix) {
  for (size_t i = 0; i < attrib_doc_quote_count(d); i++) {
    const attrib_quote *q = attrib_doc_quote(d, i);
    if (strncmp(q->span.text, prefix, strlen(prefix)) == 0)
      return q;
  }
  return NULL;
}

const attrib_entity *find_entity(const attrib_doc *d, const char *name) {
  for (size_t i = 0; i < attrib_doc_entity_count(d); i++) {
    const attrib_entity *e = attrib_doc_entity(d, i);
    if (strcmp(e->name, name) == 0)
      return e;
  }
  return NULL;
}

const char *speaker_name(const attrib_doc *d, const attrib_quote *q) {
  if (!q || q->speaker < 0)
    return NULL;
  return attrib_doc_entity(d, (size_t)q->speaker)->name;
}

int run_suite(Suite *s) {
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
