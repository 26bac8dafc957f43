/* predict.c: where predictions come from: saved outputs, or the engine run in-process
 * through the public API only (attrib.h), its JSON then parsed exactly like a saved file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"
#include "eval.h"

struct predictor {
  char *dir;           /* saved outputs, or NULL */
  attrib_model *model; /* in-process engine when dir is NULL */
};

predictor *ae_predictor_new(const char *pred_dir, const char *model_dir) {
  predictor *pr = ae_xmalloc(sizeof *pr);
  pr->dir = NULL;
  pr->model = NULL;
  if (pred_dir) {
    pr->dir = ae_xstrdup(pred_dir);
    return pr;
  }
  attrib_error err;
  memset(&err, 0, sizeof err);
  attrib_status st = attrib_model_load(model_dir, &pr->model, &err);
  if (st != ATTRIB_OK) {
    free(pr);
    if (err.file[0])
      ae_die("cannot load model %s: %s (%s:%u)", model_dir ? model_dir : "(built-in)",
             err.message[0] ? err.message : attrib_status_str(st), err.file, err.line);
    ae_die("cannot load model %s: %s", model_dir ? model_dir : "(built-in)",
           err.message[0] ? err.message : attrib_status_str(st));
  }
  return pr;
}

/* A prediction must be a JSON object; score.py would crash on anything else, we score it empty. */
static cJSON *object_or_why(cJSON *j, const char *why, const char *what, char **why_out) {
  if (!j) {
    *why_out = ae_xasprintf("%s: %s", what, why);
    return NULL;
  }
  if (!cJSON_IsObject(j)) {
    cJSON_Delete(j);
    *why_out = ae_xasprintf("%s: not a JSON object", what);
    return NULL;
  }
  return j;
}

static cJSON *from_file(const predictor *pr, const char *name, char **why) {
  char *fn = ae_xasprintf("%s.json", name);
  char *path = ae_path_join(pr->dir, fn);
  free(fn);
  size_t len;
  char *buf = ae_read_file(path, &len);
  if (!buf) {
    *why = ae_xasprintf("cannot read %s: %s", path, strerror(errno));
    free(path);
    return NULL;
  }
  const char *w = NULL;
  cJSON *j = ae_json_parse_strict(buf, len, &w);
  free(buf);
  j = object_or_why(j, w, path, why);
  free(path);
  return j;
}

static cJSON *from_engine(const predictor *pr, const char *src_name, const char *text, size_t len,
                          char **why) {
  attrib_options opts;
  attrib_options_init(&opts);
  attrib_error err;
  memset(&err, 0, sizeof err);
  attrib_doc *doc = NULL;
  attrib_status st = attrib_analyze(pr->model, text, len, &opts, &doc, &err);
  if (st != ATTRIB_OK) {
    *why = ae_xasprintf("analysis failed: %s", err.message[0] ? err.message : attrib_status_str(st));
    return NULL;
  }
  char *out = NULL;
  size_t out_len = 0;
  memset(&err, 0, sizeof err);
  st = attrib_doc_to_json(doc, src_name, 0, &out, &out_len, &err);
  attrib_doc_free(doc);
  if (st != ATTRIB_OK) {
    *why = ae_xasprintf("JSON output failed: %s", err.message[0] ? err.message : attrib_status_str(st));
    return NULL;
  }
  const char *w = NULL;
  cJSON *j = ae_json_parse_strict(out, out_len, &w);
  attrib_free(out);
  return object_or_why(j, w, "engine output", why);
}

cJSON *ae_predictor_get(predictor *pr, const char *name, const char *src_name, const char *text, size_t len,
                        char **why) {
  *why = NULL;
  return pr->dir ? from_file(pr, name, why) : from_engine(pr, src_name, text, len, why);
}

void ae_predictor_free(predictor *pr) {
  if (!pr)
    return;
  attrib_model_free(pr->model);
  free(pr->dir);
  free(pr);
}
