/* fuzz_analyze.c: libFuzzer harness for attrib_analyze(). The input bytes
 * are analysed with the default (embedded) model, loaded once, and the doc
 * is rendered as JSON, so every stage and the output run on each input.
 * The same entry point is replayed by regress.c without the fuzzer runtime. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static attrib_model *model;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  attrib_error err;
  if (attrib_model_load(NULL, &model, &err) != ATTRIB_OK) {
    fprintf(stderr, "fuzz_analyze: cannot load the default model: %s\n", err.message);
    abort();
  }
  return 0;
}

/* Every view the API hands out must stay inside the input and agree with
 * it; a violation is a bug, reported as a crash so that it is kept. */
static void check_span(const attrib_span *s, const uint8_t *data, size_t size) {
  if (s->start > s->end || s->end > size || !s->text || strlen(s->text) != s->end - s->start ||
      memcmp(s->text, data + s->start, s->end - s->start) != 0) {
    fprintf(stderr, "fuzz_analyze: bad span [%zu, %zu) for input of %zu bytes\n", s->start, s->end, size);
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  attrib_doc *doc = NULL;
  attrib_error err;
  attrib_status st = attrib_analyze(model, (const char *)data, size, NULL, &doc, &err);
  if (st != ATTRIB_OK) {
    if (doc || err.code != st || strlen(err.message) == 0 ||
        ((st == ATTRIB_ERR_UTF8 || st == ATTRIB_ERR_BINARY) && err.offset >= size)) {
      fprintf(stderr, "fuzz_analyze: inconsistent failure %d (offset %zu of %zu)\n", (int)st, err.offset,
              size);
      abort();
    }
    return 0;
  }
  size_t ne = attrib_doc_entity_count(doc), nq = attrib_doc_quote_count(doc);
  for (size_t i = 0; i < ne; i++) {
    const attrib_entity *e = attrib_doc_entity(doc, i);
    for (size_t k = 0; k < e->n_mentions; k++)
      check_span(&e->mentions[k], data, size);
  }
  for (size_t i = 0; i < nq; i++) {
    const attrib_quote *q = attrib_doc_quote(doc, i);
    check_span(&q->span, data, size);
    if (q->speaker >= (long)ne || q->addressee >= (long)ne || q->confidence < 0 || q->confidence > 1) {
      fprintf(stderr, "fuzz_analyze: quote %zu has speaker %ld / addressee %ld of %zu entities\n", i,
              q->speaker, q->addressee, ne);
      abort();
    }
    if (q->speaker >= 0)
      check_span(&q->speaker_mention, data, size);
    if (q->has_cue)
      check_span(&q->cue, data, size);
  }
  if (attrib_doc_entity(doc, ne) || attrib_doc_quote(doc, nq))
    abort();
  char *json = NULL;
  size_t json_len = 0;
  st = attrib_doc_to_json(doc, "fuzz", (unsigned)(size & 1 ? ATTRIB_JSON_PRETTY : 0), &json, &json_len, &err);
  if (st == ATTRIB_OK && (!json || strlen(json) != json_len)) {
    fprintf(stderr, "fuzz_analyze: JSON length mismatch\n");
    abort();
  }
  attrib_free(json);
  attrib_doc_free(doc);
  return 0;
}
