/* A program that uses an installed attrib: built by test_install.sh through
 * pkg-config (shared and static) and through find_package(attrib).
 * Loads the built-in model, analyses a short article, prints each quote with
 * its speaker and checks the results. Exit 0 when they are as expected. */
#include <attrib.h>
#include <stdio.h>
#include <string.h>

static const char text[] =
    "Ferry strike ends after nine days\n\n"
    "Harbour workers returned on Friday after the union accepted a new pay offer.\n\n"
    "\xe2\x80\x9cThis is a fair deal and our members can live with it,\xe2\x80\x9d said Ruth "
    "Ekwueme, the union's leader. \xe2\x80\x9cNow the ferries can sail again.\xe2\x80\x9d\n";

int main(void) {
  attrib_model *model = NULL;
  attrib_error err;
  if (attrib_model_load(NULL, &model, &err) != ATTRIB_OK) {
    fprintf(stderr, "example: model: %s\n", err.message);
    return 1;
  }
  attrib_doc *doc = NULL;
  if (attrib_analyze(model, text, sizeof text - 1, NULL, &doc, &err) != ATTRIB_OK) {
    fprintf(stderr, "example: %s (byte %zu)\n", err.message, err.offset);
    attrib_model_free(model);
    return 1;
  }
  int failures = 0, found = 0;
  for (size_t i = 0; i < attrib_doc_quote_count(doc); i++) {
    const attrib_quote *q = attrib_doc_quote(doc, i);
    const attrib_entity *who = q->speaker >= 0 ? attrib_doc_entity(doc, (size_t)q->speaker) : NULL;
    printf("%s [%s]: %s\n", who ? who->name : "?", attrib_quote_kind_str(q->kind), q->span.text);
    if (q->span.end > sizeof text - 1 || q->span.start > q->span.end ||
        memcmp(text + q->span.start, q->span.text, q->span.end - q->span.start) != 0 ||
        strlen(q->span.text) != q->span.end - q->span.start) {
      fprintf(stderr, "example: quote %s: span [%zu, %zu) does not match its text\n", q->id, q->span.start,
              q->span.end);
      failures++;
    }
    if (strcmp(q->span.text, "This is a fair deal and our members can live with it,") == 0) {
      found++;
      if (!who || strcmp(who->name, "Ruth Ekwueme") != 0 || q->kind != ATTRIB_DIRECT) {
        fprintf(stderr, "example: expected a direct quote by Ruth Ekwueme, got %s by %s\n",
                attrib_quote_kind_str(q->kind), who ? who->name : "nobody");
        failures++;
      }
    }
  }
  if (found != 1) {
    fprintf(stderr, "example: the quote of Ruth Ekwueme was found %d times, not once\n", found);
    failures++;
  }
  char *json = NULL;
  if (attrib_doc_to_json(doc, "example", 0, &json, NULL, &err) != ATTRIB_OK ||
      !strstr(json, "\"Ruth Ekwueme\"")) {
    fprintf(stderr, "example: JSON output failed or lacks the speaker\n");
    failures++;
  }
  attrib_free(json);
  if (strcmp(attrib_version(), ATTRIB_VERSION_STRING) != 0) {
    fprintf(stderr, "example: library %s, header %s\n", attrib_version(), ATTRIB_VERSION_STRING);
    failures++;
  }
  attrib_doc_free(doc);
  attrib_model_free(model);
  return failures ? 1 : 0;
}
