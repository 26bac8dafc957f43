/* The public API, through include/attrib.h only: arguments, errors, model
 * loading, JSON output against the contract, threads sharing a model. */
#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

#ifndef MODELS_DIR
#error "MODELS_DIR must point at the project's models/"
#endif

static const char *article =
    "Harbour deal collapses\nBy Marit Solberg-Aune\n\n"
    "Port Authority of Kelder chief Jonas Abara said on Monday that the merger was dead.\n\n"
    "“We tried everything,” Abara told reporters. “The numbers never worked.”\n\n"
    "A spokeswoman for Velder Shipping Ltd said the company “regrets the decision” and would "
    "look for other partners.\n";

START_TEST(null_arguments) {
  attrib_doc *d = (attrib_doc *)1;
  attrib_error err;
  ck_assert_int_eq(attrib_analyze(NULL, "x", 1, NULL, &d, &err), ATTRIB_ERR_ARG);
  ck_assert_ptr_null(d);
  ck_assert_int_eq(err.code, ATTRIB_ERR_ARG);
  ck_assert_int_eq(attrib_analyze(test_model, NULL, 3, NULL, &d, NULL), ATTRIB_ERR_ARG);
  ck_assert_int_eq(attrib_analyze(test_model, "x", 1, NULL, NULL, NULL), ATTRIB_ERR_ARG);
  ck_assert_int_eq(attrib_model_load(NULL, NULL, NULL), ATTRIB_ERR_ARG);
  ck_assert_int_eq(attrib_doc_to_json(NULL, NULL, 0, NULL, NULL, NULL), ATTRIB_ERR_ARG);
  attrib_doc_free(NULL);
  attrib_model_free(NULL);
  attrib_free(NULL);
  ck_assert_uint_eq(attrib_doc_quote_count(NULL), 0);
  ck_assert_ptr_null(attrib_doc_entity(NULL, 0));
}
END_TEST

START_TEST(status_strings_and_version) {
  for (int c = ATTRIB_OK; c <= ATTRIB_ERR_LIMIT; c++)
    ck_assert(strlen(attrib_status_str((attrib_status)c)) > 0);
  ck_assert_str_eq(attrib_version(), ATTRIB_VERSION_STRING);
  ck_assert_str_eq(attrib_entity_type_str(ATTRIB_COUNTRY), "COUNTRY");
  ck_assert_str_eq(attrib_quote_kind_str(ATTRIB_INDIRECT), "indirect");
}
END_TEST

START_TEST(model_from_directory_equals_embedded) {
  attrib_model *m = NULL;
  attrib_error err;
  ck_assert_int_eq(attrib_model_load(MODELS_DIR, &m, &err), ATTRIB_OK);
  attrib_doc *a = NULL, *b = NULL;
  ck_assert_int_eq(attrib_analyze(m, article, strlen(article), NULL, &a, NULL), ATTRIB_OK);
  ck_assert_int_eq(attrib_analyze(test_model, article, strlen(article), NULL, &b, NULL), ATTRIB_OK);
  char *ja, *jb;
  ck_assert_int_eq(attrib_doc_to_json(a, "x", 0, &ja, NULL, NULL), ATTRIB_OK);
  ck_assert_int_eq(attrib_doc_to_json(b, "x", 0, &jb, NULL, NULL), ATTRIB_OK);
  ck_assert_str_eq(ja, jb);
  attrib_free(ja);
  attrib_free(jb);
  attrib_doc_free(a);
  attrib_doc_free(b);
  attrib_model_free(m);
}
END_TEST

START_TEST(missing_model_directory) {
  attrib_model *m = (attrib_model *)1;
  attrib_error err;
  ck_assert_int_eq(attrib_model_load("/nonexistent/attrib-models", &m, &err), ATTRIB_ERR_IO);
  ck_assert_ptr_null(m);
  ck_assert_str_eq(err.file, "lexicon.txt");
  ck_assert_ptr_nonnull(strstr(err.message, "lexicon.txt"));
}
END_TEST

/* A copy of models/ with one file replaced. */
static void model_copy_with(const char *dir, const char *file, const char *content) {
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -r '%s' '%s'", dir, MODELS_DIR, dir);
  ck_assert_int_eq(system(cmd), 0);
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(content, f);
  fclose(f);
}

START_TEST(malformed_model_names_file_and_line) {
  char dir[256];
  snprintf(dir, sizeof dir, "/tmp/attrib-test-model-%ld", (long)getpid());
  attrib_model *m = NULL;
  attrib_error err;
  model_copy_with(dir, "attribution.rules", "# comment\ndefine SPK [NOP]\nquote bad 0.5 (?<spk>{SPK}) ( Q\n");
  ck_assert_int_eq(attrib_model_load(dir, &m, &err), ATTRIB_ERR_MODEL);
  ck_assert_ptr_null(m);
  ck_assert_str_eq(err.file, "attribution.rules");
  ck_assert_uint_eq(err.line, 3);
  model_copy_with(dir, "attribution.rules", "quote x 1.5 (?<spk>N) Q\n");
  ck_assert_int_eq(attrib_model_load(dir, &m, &err), ATTRIB_ERR_MODEL);
  ck_assert_ptr_nonnull(strstr(err.message, "confidence"));
  model_copy_with(dir, "lexicon.txt", "det|the\nnonsense-class|word\n");
  ck_assert_int_eq(attrib_model_load(dir, &m, &err), ATTRIB_ERR_MODEL);
  ck_assert_str_eq(err.file, "lexicon.txt");
  ck_assert_uint_eq(err.line, 2);
  model_copy_with(dir, "titles.txt", "Dr.|x\n");
  ck_assert_int_eq(attrib_model_load(dir, &m, &err), ATTRIB_ERR_MODEL);
  ck_assert_uint_eq(err.line, 1);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}
END_TEST

static void check_span(const cJSON *o, const char *text) {
  const cJSON *s = cJSON_GetObjectItem(o, "start"), *e = cJSON_GetObjectItem(o, "end"),
              *t = cJSON_GetObjectItem(o, "text");
  ck_assert(cJSON_IsNumber(s) && cJSON_IsNumber(e) && cJSON_IsString(t));
  size_t a = (size_t)s->valuedouble, b = (size_t)e->valuedouble;
  ck_assert_uint_le(a, b);
  ck_assert_uint_le(b, strlen(text));
  ck_assert_uint_eq(strlen(t->valuestring), b - a);
  ck_assert_int_eq(memcmp(text + a, t->valuestring, b - a), 0);
}

START_TEST(json_follows_the_contract) {
  attrib_doc *d = analyze(article);
  char *json = NULL;
  size_t len = 0;
  ck_assert_int_eq(attrib_doc_to_json(d, "harbour.txt", ATTRIB_JSON_PRETTY, &json, &len, NULL), ATTRIB_OK);
  ck_assert_uint_eq(strlen(json), len);
  cJSON *root = cJSON_Parse(json);
  ck_assert_ptr_nonnull(root);
  const cJSON *ver = cJSON_GetObjectItem(root, "attrib");
  ck_assert_str_eq(cJSON_GetObjectItem(ver, "version")->valuestring, ATTRIB_VERSION_STRING);
  ck_assert_int_eq(cJSON_GetObjectItem(ver, "schema")->valueint, 1);
  const cJSON *doc = cJSON_GetObjectItem(root, "document");
  ck_assert_str_eq(cJSON_GetObjectItem(doc, "source")->valuestring, "harbour.txt");
  ck_assert_int_eq(cJSON_GetObjectItem(doc, "bytes")->valueint, (int)strlen(article));
  ck_assert_int_eq(cJSON_GetObjectItem(doc, "paragraphs")->valueint, 5);
  const cJSON *ents = cJSON_GetObjectItem(root, "entities");
  ck_assert_int_eq(cJSON_GetArraySize(ents), (int)attrib_doc_entity_count(d));
  const cJSON *e;
  int i = 1;
  cJSON_ArrayForEach(e, ents) {
    char id[16];
    snprintf(id, sizeof id, "e%d", i++);
    ck_assert_str_eq(cJSON_GetObjectItem(e, "id")->valuestring, id);
    const char *type = cJSON_GetObjectItem(e, "type")->valuestring;
    ck_assert(!strcmp(type, "PERSON") || !strcmp(type, "ORG") || !strcmp(type, "COUNTRY") ||
              !strcmp(type, "LOCATION"));
    const cJSON *m;
    ck_assert_int_gt(cJSON_GetArraySize(cJSON_GetObjectItem(e, "mentions")), 0);
    cJSON_ArrayForEach(m, cJSON_GetObjectItem(e, "mentions")) check_span(m, article);
  }
  const cJSON *q;
  int nq = 0, with_speaker = 0;
  cJSON_ArrayForEach(q, cJSON_GetObjectItem(root, "quotes")) {
    nq++;
    check_span(q, article);
    const char *kind = cJSON_GetObjectItem(q, "kind")->valuestring;
    ck_assert(!strcmp(kind, "direct") || !strcmp(kind, "partial") || !strcmp(kind, "scare") ||
              !strcmp(kind, "indirect"));
    double conf = cJSON_GetObjectItem(q, "confidence")->valuedouble;
    ck_assert(conf >= 0 && conf <= 1);
    ck_assert(cJSON_IsString(cJSON_GetObjectItem(q, "rule")));
    const cJSON *sp = cJSON_GetObjectItem(q, "speaker");
    ck_assert(cJSON_IsNull(sp) || cJSON_IsObject(sp));
    if (cJSON_IsObject(sp)) {
      with_speaker++;
      const char *ref = cJSON_GetObjectItem(sp, "entity")->valuestring;
      int found = 0;
      cJSON_ArrayForEach(e, ents) found |= !strcmp(cJSON_GetObjectItem(e, "id")->valuestring, ref);
      ck_assert_msg(found, "speaker %s is no entity", ref);
      check_span(cJSON_GetObjectItem(sp, "mention"), article);
    }
    const cJSON *cue = cJSON_GetObjectItem(q, "cue");
    ck_assert(cJSON_IsNull(cue) || cJSON_IsObject(cue));
    if (cJSON_IsObject(cue)) {
      check_span(cue, article);
      ck_assert(cJSON_IsString(cJSON_GetObjectItem(cue, "lemma")));
    }
    ck_assert(cJSON_HasObjectItem(q, "addressee"));
  }
  ck_assert_int_eq(nq, (int)attrib_doc_quote_count(d));
  ck_assert_int_ge(nq, 4);
  ck_assert_int_ge(with_speaker, 3);
  cJSON_Delete(root);
  attrib_free(json);
  /* compact output parses to the same thing */
  ck_assert_int_eq(attrib_doc_to_json(d, NULL, 0, &json, NULL, NULL), ATTRIB_OK);
  ck_assert_ptr_null(strchr(json, '\n'));
  root = cJSON_Parse(json);
  ck_assert(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "document"), "source")));
  cJSON_Delete(root);
  attrib_free(json);
  attrib_doc_free(d);
}
END_TEST

/* Threads share one model; each output must equal the single-thread one. */
typedef struct job {
  const char *text;
  const char *expect;
  int ok;
} job;

/* The compact and the pretty JSON come from two writers (the compact one
 * writes a record at a time): they must say the same thing, escapes,
 * empty arrays and long strings included. */
START_TEST(compact_and_pretty_agree) {
  static const char *texts[] = {
      NULL, /* the article above */
      "Tabs\tand back\\slashes \"inside\" a headline\n\n"
      "“A quote with a \\ backslash, a tab\tand a “nested” mark that runs on for well over sixteen bytes,” "
      "Minister Anna Berg said in Oslo on Tuesday.\n\n"
      "The Ministry of Finance said it would “review the figures” and report to the United Nations.\n",
      "no entities and no quotes here\n", "Ünïcode names: José Müller-Łukasz said “ça va” to Zoë.\n"};
  for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
    const char *text = texts[k] ? texts[k] : article;
    attrib_doc *d = analyze(text);
    char *compact = NULL, *pretty = NULL;
    size_t clen = 0, plen = 0;
    ck_assert_int_eq(attrib_doc_to_json(d, "a \"source\"\\name.txt", 0, &compact, &clen, NULL), ATTRIB_OK);
    ck_assert_int_eq(
        attrib_doc_to_json(d, "a \"source\"\\name.txt", ATTRIB_JSON_PRETTY, &pretty, &plen, NULL), ATTRIB_OK);
    ck_assert_uint_eq(strlen(compact), clen);
    ck_assert_uint_lt(clen, plen);
    cJSON *a = cJSON_Parse(compact), *b = cJSON_Parse(pretty);
    ck_assert_msg(a && b, "text %zu: the JSON does not parse", k);
    ck_assert_msg(cJSON_Compare(a, b, 1), "text %zu: compact and pretty JSON differ", k);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(a, "entities")), (int)attrib_doc_entity_count(d));
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(a, "quotes")), (int)attrib_doc_quote_count(d));
    cJSON_Delete(a);
    cJSON_Delete(b);
    attrib_free(compact);
    attrib_free(pretty);
    attrib_doc_free(d);
  }
}
END_TEST

static void *worker(void *arg) {
  job *j = arg;
  j->ok = 1;
  for (int r = 0; r < 20 && j->ok; r++) {
    attrib_doc *d = NULL;
    char *json = NULL;
    if (attrib_analyze(test_model, j->text, strlen(j->text), NULL, &d, NULL) != ATTRIB_OK ||
        attrib_doc_to_json(d, "t", 0, &json, NULL, NULL) != ATTRIB_OK || strcmp(json, j->expect) != 0)
      j->ok = 0;
    attrib_free(json);
    attrib_doc_free(d);
  }
  return NULL;
}

START_TEST(threads_share_one_model) {
  attrib_doc *d = analyze(article);
  char *expect = NULL;
  ck_assert_int_eq(attrib_doc_to_json(d, "t", 0, &expect, NULL, NULL), ATTRIB_OK);
  attrib_doc_free(d);
  enum { N = 8 };
  pthread_t th[N];
  job jobs[N];
  for (int i = 0; i < N; i++) {
    jobs[i].text = article;
    jobs[i].expect = expect;
    ck_assert_int_eq(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
  }
  for (int i = 0; i < N; i++) {
    pthread_join(th[i], NULL);
    ck_assert(jobs[i].ok);
  }
  attrib_free(expect);
}
END_TEST

int main(void) {
  Suite *s = suite_create("api");
  TCase *tc = tcase_create("api");
  tcase_add_unchecked_fixture(tc, test_model_setup, test_model_teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, null_arguments);
  tcase_add_test(tc, status_strings_and_version);
  tcase_add_test(tc, model_from_directory_equals_embedded);
  tcase_add_test(tc, missing_model_directory);
  tcase_add_test(tc, malformed_model_names_file_and_line);
  tcase_add_test(tc, json_follows_the_contract);
  tcase_add_test(tc, compact_and_pretty_agree);
  tcase_add_test(tc, threads_share_one_model);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
