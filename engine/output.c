/* output.c: stage 8. The JSON of the output contract (docs/output.md),
 * built with cJSON from the doc's public views. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "doc.h"

static cJSON *span_obj(const attrib_span *s) {
  cJSON *o = cJSON_CreateObject();
  if (!o)
    return NULL;
  cJSON_AddNumberToObject(o, "start", (double)s->start);
  cJSON_AddNumberToObject(o, "end", (double)s->end);
  cJSON_AddStringToObject(o, "text", s->text);
  return o;
}

static cJSON *entity_ref(const attrib_doc *d, long idx, const attrib_span *at) {
  if (idx < 0 || (size_t)idx >= d->n_pub_entities)
    return cJSON_CreateNull();
  const attrib_entity *e = &d->pub_entities[idx];
  cJSON *o = cJSON_CreateObject();
  if (!o)
    return NULL;
  cJSON_AddStringToObject(o, "entity", e->id);
  cJSON_AddStringToObject(o, "name", e->name);
  if (at)
    cJSON_AddItemToObject(o, "mention", span_obj(at));
  return o;
}

static cJSON *build(const attrib_doc *d, const char *source) {
  cJSON *root = cJSON_CreateObject();
  if (!root)
    return NULL;
  cJSON *ver = cJSON_AddObjectToObject(root, "attrib");
  if (ver) {
    cJSON_AddStringToObject(ver, "version", ATTRIB_VERSION_STRING);
    cJSON_AddNumberToObject(ver, "schema", ATTRIB_SCHEMA);
  }
  cJSON *doc = cJSON_AddObjectToObject(root, "document");
  if (doc) {
    if (source)
      cJSON_AddStringToObject(doc, "source", source);
    else
      cJSON_AddNullToObject(doc, "source");
    cJSON_AddNumberToObject(doc, "bytes", (double)d->len);
    cJSON_AddNumberToObject(doc, "paragraphs", (double)d->paras.len);
    cJSON_AddNumberToObject(doc, "sentences", (double)d->sents.len);
  }
  cJSON *ents = cJSON_AddArrayToObject(root, "entities");
  for (size_t i = 0; ents && i < d->n_pub_entities; i++) {
    const attrib_entity *e = &d->pub_entities[i];
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(ents, o)) {
      cJSON_Delete(o);
      break;
    }
    cJSON_AddStringToObject(o, "id", e->id);
    cJSON_AddStringToObject(o, "type", attrib_entity_type_str(e->type));
    cJSON_AddStringToObject(o, "name", e->name);
    cJSON *ms = cJSON_AddArrayToObject(o, "mentions");
    for (size_t k = 0; ms && k < e->n_mentions; k++)
      cJSON_AddItemToArray(ms, span_obj(&e->mentions[k]));
  }
  cJSON *qs = cJSON_AddArrayToObject(root, "quotes");
  for (size_t i = 0; qs && i < d->n_pub_quotes; i++) {
    const attrib_quote *q = &d->pub_quotes[i];
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(qs, o)) {
      cJSON_Delete(o);
      break;
    }
    cJSON_AddStringToObject(o, "id", q->id);
    cJSON_AddStringToObject(o, "kind", attrib_quote_kind_str(q->kind));
    cJSON_AddNumberToObject(o, "start", (double)q->span.start);
    cJSON_AddNumberToObject(o, "end", (double)q->span.end);
    cJSON_AddStringToObject(o, "text", q->span.text);
    cJSON_AddItemToObject(o, "speaker", entity_ref(d, q->speaker, &q->speaker_mention));
    if (q->has_cue) {
      cJSON *c = span_obj(&q->cue);
      if (c)
        cJSON_AddStringToObject(c, "lemma", q->cue_lemma);
      cJSON_AddItemToObject(o, "cue", c);
    } else {
      cJSON_AddNullToObject(o, "cue");
    }
    cJSON_AddItemToObject(o, "addressee", entity_ref(d, q->addressee, NULL));
    /* two decimals: a confidence is a rule's estimate, not a measurement */
    cJSON_AddNumberToObject(o, "confidence", (double)(long)(q->confidence * 100 + 0.5) / 100);
    cJSON_AddStringToObject(o, "rule", q->rule);
  }
  return root;
}

attrib_status attrib_doc_to_json(const attrib_doc *d, const char *source, unsigned flags, char **out,
                                 size_t *out_len, attrib_error *err) {
  if (!d || !out)
    return doc_error(err, ATTRIB_ERR_ARG, 0, "attrib_doc_to_json: doc and out are required");
  *out = NULL;
  cJSON *root = build(d, source);
  char *s = root ? ((flags & ATTRIB_JSON_PRETTY) ? cJSON_Print(root) : cJSON_PrintUnformatted(root)) : NULL;
  cJSON_Delete(root);
  if (!s)
    return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
  *out = s;
  if (out_len)
    *out_len = strlen(s);
  return ATTRIB_OK;
}
