/*
 * attrib-eval: regression scorer for attrib.
 *
 *   attrib-eval [options] ARTICLES_DIR GOLD_DIR [PRED_DIR]
 *
 * Scores saved outputs (PRED_DIR/NAME.json) or, without PRED_DIR, the engine run in-process,
 * against project gold JSON (--format gold, as shared/tools/score.py) or PolNeAR brat standoff
 * (--format brat, as shared/tools/score_polnear.py). The numbers equal the scripts' on the same
 * outputs; see README.md for the matching rules.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"
#include "eval.h"

#define EPS 1e-9 /* a printed 0.800 must pass a 0.80 threshold despite rounding */

static const char USAGE[] =
    "usage: attrib-eval [options] ARTICLES_DIR GOLD_DIR [PRED_DIR]\n"
    "       attrib-eval --format brat [options] SPLIT_DIR [SPLIT_DIR] [PRED_DIR]\n"
    "Scores attrib output against gold annotations. Without PRED_DIR the engine runs in-process.\n"
    "  --format gold|brat  gold format: project JSON (default) or PolNeAR brat standoff\n"
    "  --model DIR         model directory for the in-process engine (default: built-in)\n"
    "  --errors            list each miss, false alarm and wrong speaker\n"
    "  --json              print the scores as one JSON object\n"
    "  --thresholds FILE   lines 'metric min_value'; exit 1 if any metric is below its minimum\n"
    "  --calibration       gold format: speaker accuracy by confidence (>= 0.9, >= 0.75, below);\n"
    "                      exit 1 if a bin is right less often than its lower edge, or more\n"
    "                      often than the bin above it beyond chance (z-test, 5%)\n"
    "  -h, --help          this help\n"
    "Metrics: gold: quote indirect PERSON ORG COUNTRY LOCATION attrib; brat: all.content\n"
    "all.attrib quoted.content quoted.attrib; each with .p .r .f1\n"
    "Exit: 0 ok, 1 a threshold failed, 2 bad usage or input.\n";

typedef struct row {
  const char *name;
  counts c;
} row;

typedef struct threshold {
  char *metric;
  double min;
} threshold;

static const char *const GOLD_ROWS[] = {"quote",   "indirect", "PERSON", "ORG",
                                        "COUNTRY", "LOCATION", "attrib", NULL};
static const char *const BRAT_ROWS[] = {"all.content", "all.attrib", "quoted.content", "quoted.attrib", NULL};

static void usage_error(const char *msg) {
  fprintf(stderr, "attrib-eval: %s (try attrib-eval --help)\n", msg);
  exit(2);
}

/* "ROW.FIELD" with FIELD p, r or f1 and ROW a row of the format; 0 if unknown. */
static int metric_known(const char *const *rows, const char *m) {
  const char *dot = strrchr(m, '.');
  if (!dot || (strcmp(dot, ".p") != 0 && strcmp(dot, ".r") != 0 && strcmp(dot, ".f1") != 0))
    return 0;
  for (; *rows; rows++)
    if (strlen(*rows) == (size_t)(dot - m) && memcmp(*rows, m, (size_t)(dot - m)) == 0)
      return 1;
  return 0;
}

static threshold *read_thresholds(const char *path, const char *const *rows, size_t *n) {
  size_t len;
  char *buf = ae_read_file(path, &len);
  if (!buf)
    ae_die("cannot read thresholds file %s: %s", path, strerror(errno));
  threshold *t = NULL;
  *n = 0;
  unsigned lineno = 0;
  for (char *line = buf, *next; line; line = next) {
    next = strchr(line, '\n');
    if (next)
      *next++ = '\0';
    lineno++;
    char *hash = strchr(line, '#');
    if (hash)
      *hash = '\0';
    char *save = NULL;
    char *m = strtok_r(line, " \t\r", &save);
    if (!m)
      continue;
    char *v = strtok_r(NULL, " \t\r", &save);
    char *extra = strtok_r(NULL, " \t\r", &save);
    char *end = NULL;
    double val = v ? strtod(v, &end) : 0;
    if (!v || extra || end == v || *end)
      ae_die("%s:%u: expected 'metric min_value'", path, lineno);
    if (!metric_known(rows, m))
      ae_die("%s:%u: unknown metric '%s'", path, lineno, m);
    t = ae_xrealloc(t, (*n + 1) * sizeof *t);
    t[*n].metric = ae_xstrdup(m);
    t[*n].min = val;
    (*n)++;
  }
  free(buf);
  return t;
}

static double metric_value(const row *rows, size_t nrows, const char *m) {
  const char *dot = strrchr(m, '.');
  for (size_t i = 0; i < nrows; i++) {
    if (strlen(rows[i].name) != (size_t)(dot - m) || memcmp(rows[i].name, m, (size_t)(dot - m)) != 0)
      continue;
    double p, r, f;
    ae_prf(rows[i].c, &p, &r, &f);
    return strcmp(dot, ".p") == 0 ? p : strcmp(dot, ".r") == 0 ? r : f;
  }
  return 0;
}

static int ends_with(const char *s, const char *suf) {
  size_t a = strlen(s), b = strlen(suf);
  return a >= b && strcmp(s + a - b, suf) == 0;
}

/* os.listdir + endswith(".json"): hidden files included, as score.py does. */
static int keep_json(const char *name, const void *arg) {
  (void)arg;
  return ends_with(name, ".json");
}

/* glob("*.txt"): hidden files excluded. */
static int keep_txt(const char *name, const void *arg) {
  (void)arg;
  return name[0] != '.' && ends_with(name, ".txt");
}

static int keep_ann(const char *name, const void *arg) {
  (void)arg;
  return name[0] != '.' && ends_with(name, ".ann");
}

/* glob(NAME + "_*.ann") over the attributions listing; the first in sorted order. */
static const char *first_ann(const strlist *anns, const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < anns->n; i++) {
    const char *a = anns->v[i];
    if (strlen(a) >= n + 5 && strncmp(a, name, n) == 0 && a[n] == '_')
      return a;
  }
  return NULL;
}

static void print_row(const char *label, counts c) {
  double p, r, f;
  ae_prf(c, &p, &r, &f);
  printf("%-9s P=%.3f R=%.3f F1=%.3f  (tp=%ld fp=%ld fn=%ld)\n", label, p, r, f, c.tp, c.fp, c.fn);
}

static cJSON *json_row(counts c) {
  double p, r, f;
  ae_prf(c, &p, &r, &f);
  cJSON *o = cJSON_CreateObject();
  cJSON_AddNumberToObject(o, "p", p);
  cJSON_AddNumberToObject(o, "r", r);
  cJSON_AddNumberToObject(o, "f1", f);
  cJSON_AddNumberToObject(o, "tp", (double)c.tp);
  cJSON_AddNumberToObject(o, "fp", (double)c.fp);
  cJSON_AddNumberToObject(o, "fn", (double)c.fn);
  return o;
}

/* One document's prediction; an unreadable one is scored empty, like the scripts do. */
static cJSON *get_pred(predictor *pr, const char *name, const char *src, const char *text, size_t len,
                       const char *label, strlist *errors) {
  char *why = NULL;
  cJSON *p = ae_predictor_get(pr, name, src, text, len, &why);
  if (!p) {
    if (errors)
      ae_sl_push(errors, ae_xasprintf("%s: no readable output (%s)", label, why));
    free(why);
    p = cJSON_CreateObject();
  }
  return p;
}

static void run_gold(const char *art_dir, const char *gold_dir, predictor *pr, gold_scores *S,
                     strlist *errors) {
  strlist files = {0};
  if (ae_list_dir(gold_dir, keep_json, NULL, &files) != 0)
    ae_die("cannot read gold directory %s: %s", gold_dir, strerror(errno));
  for (size_t i = 0; i < files.n; i++) {
    const char *gf = files.v[i];
    char *gpath = ae_path_join(gold_dir, gf);
    cJSON *gold = ae_gold_load(gpath);
    free(gpath);
    const char *article = ae_jstr(gold, "article");
    char *apath = ae_path_join(art_dir, article);
    size_t alen;
    char *art = ae_read_file(apath, &alen);
    if (!art)
      ae_die("cannot read article %s (named by %s): %s", apath, gf, strerror(errno));
    free(apath);
    char *name = ae_xstrndup(gf, strlen(gf) - 5);
    cJSON *pred = get_pred(pr, name, article, art, alen, gf, errors);
    ae_gold_score_doc(S, gf, gold, art, alen, pred, errors);
    cJSON_Delete(pred);
    cJSON_Delete(gold);
    free(name);
    free(art);
  }
  ae_sl_free(&files);
}

static void run_brat(const char *split, predictor *pr, brat_scores *S, strlist *errors) {
  char *tdir = ae_path_join(split, "text"), *adir = ae_path_join(split, "attributions");
  strlist texts = {0}, anns = {0};
  if (ae_list_dir(tdir, keep_txt, NULL, &texts) != 0)
    ae_die("cannot read %s: %s", tdir, strerror(errno));
  if (ae_list_dir(adir, keep_ann, NULL, &anns) != 0)
    ae_die("cannot read %s: %s", adir, strerror(errno));
  for (size_t i = 0; i < texts.n; i++) {
    char *name = ae_xstrndup(texts.v[i], strlen(texts.v[i]) - 4);
    const char *ann = first_ann(&anns, name);
    if (!ann) {
      free(name);
      continue;
    }
    char *tpath = ae_path_join(tdir, texts.v[i]), *apath = ae_path_join(adir, ann);
    size_t len;
    char *text = ae_read_file(tpath, &len);
    if (!text)
      ae_die("cannot read %s: %s", tpath, strerror(errno));
    brat_doc *g = ae_brat_load(tpath, text, len, apath);
    cJSON *pred = get_pred(pr, name, texts.v[i], text, len, name, errors);
    ae_brat_score_doc(S, g, pred, name, errors);
    cJSON_Delete(pred);
    ae_brat_free(g);
    free(text);
    free(tpath);
    free(apath);
    free(name);
  }
  ae_sl_free(&texts);
  ae_sl_free(&anns);
  free(tdir);
  free(adir);
}

int main(int argc, char **argv) {
  const char *format = "gold", *model = NULL, *thr_path = NULL;
  int want_errors = 0, want_json = 0, want_calibration = 0;
  const char *pos[4];
  int npos = 0, opts_done = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!opts_done && a[0] == '-' && a[1]) {
      const char *val = NULL;
      const char *eq = strchr(a, '=');
      size_t klen = eq ? (size_t)(eq - a) : strlen(a);
      int takes = (klen == 8 && strncmp(a, "--format", 8) == 0) ||
                  (klen == 7 && strncmp(a, "--model", 7) == 0) ||
                  (klen == 12 && strncmp(a, "--thresholds", 12) == 0);
      if (takes) {
        if (eq)
          val = eq + 1;
        else if (i + 1 < argc)
          val = argv[++i];
        else
          usage_error("option needs a value");
      }
      if (strcmp(a, "--") == 0)
        opts_done = 1;
      else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
        fputs(USAGE, stdout);
        return 0;
      } else if (strcmp(a, "--errors") == 0)
        want_errors = 1;
      else if (strcmp(a, "--json") == 0)
        want_json = 1;
      else if (strcmp(a, "--calibration") == 0)
        want_calibration = 1;
      else if (takes && a[2] == 'f')
        format = val;
      else if (takes && a[2] == 'm')
        model = val;
      else if (takes)
        thr_path = val;
      else {
        fprintf(stderr, "attrib-eval: unknown option %s (try attrib-eval --help)\n", a);
        return 2;
      }
      continue;
    }
    if (npos == 3)
      usage_error("too many arguments");
    pos[npos++] = a;
  }
  int brat = strcmp(format, "brat") == 0;
  if (!brat && strcmp(format, "gold") != 0)
    usage_error("--format must be gold or brat");

  const char *art_dir = NULL, *gold_dir = NULL, *pred_dir = NULL;
  if (npos < 1)
    usage_error("missing ARTICLES_DIR");
  art_dir = pos[0];
  if (!ae_is_dir(art_dir))
    ae_die("cannot read directory %s", art_dir);
  if (brat) {
    /* GOLD_DIR is the split itself; a second directory that is not the split is PRED_DIR */
    if (npos == 3) {
      if (!ae_same_dir(pos[1], art_dir))
        usage_error("for --format brat, GOLD_DIR must be ARTICLES_DIR");
      pred_dir = pos[2];
    } else if (npos == 2 && !ae_same_dir(pos[1], art_dir)) {
      pred_dir = pos[1];
    }
  } else {
    if (npos < 2)
      usage_error("missing GOLD_DIR");
    gold_dir = pos[1];
    if (!ae_is_dir(gold_dir))
      ae_die("cannot read directory %s", gold_dir);
    if (npos == 3)
      pred_dir = pos[2];
  }
  if (pred_dir && !ae_is_dir(pred_dir))
    ae_die("cannot read directory %s", pred_dir);
  if (pred_dir && model)
    usage_error("--model applies only when the engine runs (no PRED_DIR)");

  const char *const *rownames = brat ? BRAT_ROWS : GOLD_ROWS;
  size_t nthr = 0;
  threshold *thr = thr_path ? read_thresholds(thr_path, rownames, &nthr) : NULL;
  ae_textnorm_check();

  predictor *pr = ae_predictor_new(pred_dir, model);
  strlist errors = {0};
  strlist *errs = want_errors ? &errors : NULL;
  gold_scores G;
  brat_scores B;
  memset(&G, 0, sizeof G);
  memset(&B, 0, sizeof B);
  row rows[8];
  size_t nrows = 0;
  if (brat) {
    run_brat(art_dir, pr, &B, errs);
    for (int s = 0; s < 2; s++) {
      rows[nrows++] = (row){BRAT_ROWS[2 * s], B.content[s]};
      rows[nrows++] = (row){BRAT_ROWS[2 * s + 1], B.attrib[s]};
    }
  } else {
    run_gold(art_dir, gold_dir, pr, &G, errs);
    rows[nrows++] = (row){"quote", G.quote};
    rows[nrows++] = (row){"indirect", G.indirect};
    for (int t = 0; t < ENT_N; t++)
      rows[nrows++] = (row){ae_ent_names[t], G.ent[t]};
    rows[nrows++] = (row){"attrib", ae_gold_attrib(&G)};
  }
  ae_predictor_free(pr);

  int failed = 0;
  if (want_calibration && !brat) {
    /* Bins of at least ten statements: each is right at least as often as
     * its lower edge says (a confidence is a precision), and none is more
     * often right than the bin above it by more than chance explains (a
     * one-sided two-proportion z-test at 5%: 24 of 24 against 412 of 426
     * is no evidence that lower confidences are better). */
    static const char *const bins[3] = {">= 0.90", "0.75-0.90", "< 0.75"};
    static const double floor_of[3] = {0.90, 0.75, 0};
    long prev_n = 0, prev_r = 0;
    for (int k = 0; k < 3; k++) {
      long n = G.cal_n[k], r = G.cal_right[k];
      double acc = n ? (double)r / (double)n : 0;
      printf("confidence %-9s right %ld/%ld = %.3f\n", bins[k], r, n, acc);
      if (n < 10)
        continue;
      if (acc < floor_of[k] - EPS) {
        fprintf(stderr, "attrib-eval: confidence %s is right only %.3f of the time\n", bins[k], acc);
        failed = 1;
      }
      if (prev_n) {
        double prev = (double)prev_r / (double)prev_n, pool = (double)(r + prev_r) / (double)(n + prev_n);
        double se = sqrt(pool * (1 - pool) * (1.0 / (double)n + 1.0 / (double)prev_n));
        if (acc > prev + EPS && (se == 0 || (acc - prev) / se > 1.645)) {
          fprintf(stderr,
                  "attrib-eval: confidence %s is more often right (%.3f) than the bin above it (%.3f)\n",
                  bins[k], acc, prev);
          failed = 1;
        }
      }
      prev_n = n, prev_r = r;
    }
  }
  cJSON *jfail = cJSON_CreateArray();
  for (size_t i = 0; i < nthr; i++) {
    double v = metric_value(rows, nrows, thr[i].metric);
    if (v >= thr[i].min - EPS)
      continue;
    failed = 1;
    fprintf(stderr, "attrib-eval: %s = %.3f is below %g\n", thr[i].metric, v, thr[i].min);
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "metric", thr[i].metric);
    cJSON_AddNumberToObject(f, "value", v);
    cJSON_AddNumberToObject(f, "min", thr[i].min);
    cJSON_AddItemToArray(jfail, f);
  }

  if (want_json) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "format", format);
    cJSON_AddNumberToObject(o, "documents", (double)(brat ? B.docs : G.docs));
    cJSON *m = cJSON_AddObjectToObject(o, "metrics");
    for (size_t i = 0; i < nrows; i++)
      cJSON_AddItemToObject(m, rows[i].name, json_row(rows[i].c));
    double p, r, f;
    if (brat) {
      cJSON *sr = cJSON_AddObjectToObject(o, "source_right_on_matched");
      for (int s = 0; s < 2; s++) {
        cJSON *x = cJSON_AddObjectToObject(sr, s ? "quoted" : "all");
        cJSON_AddNumberToObject(x, "right", (double)B.srcok[s]);
        cJSON_AddNumberToObject(x, "matched_with_source", (double)B.withsrc[s]);
      }
      ae_prf(B.attrib[1], &p, &r, &f);
      cJSON_AddStringToObject(o, "headline_metric", "quoted.attrib.f1");
    } else {
      cJSON *sa = cJSON_AddObjectToObject(o, "speaker_accuracy");
      cJSON_AddNumberToObject(sa, "right", (double)G.spk_ok);
      cJSON_AddNumberToObject(sa, "found", (double)G.spk_n);
      ae_prf(ae_gold_attrib(&G), &p, &r, &f);
      cJSON_AddStringToObject(o, "headline_metric", "attrib.f1");
    }
    cJSON_AddNumberToObject(o, "headline", f);
    if (thr_path) {
      cJSON_AddItemToObject(o, "thresholds_failed", jfail);
      jfail = NULL;
    }
    if (want_errors) {
      cJSON *e = cJSON_AddArrayToObject(o, "errors");
      for (size_t i = 0; i < errors.n; i++)
        cJSON_AddItemToArray(e, cJSON_CreateString(errors.v[i]));
    }
    char *s = cJSON_Print(o);
    if (!s)
      ae_die("out of memory");
    puts(s);
    free(s);
    cJSON_Delete(o);
  } else {
    for (size_t i = 0; i < errors.n; i++)
      printf("  %s\n", errors.v[i]);
    if (brat) {
      printf("documents: %ld\n", B.docs);
      for (int s = 0; s < 2; s++) {
        const char *sub = s ? "quoted" : "all";
        double p, r, f;
        counts c = B.content[s];
        ae_prf(c, &p, &r, &f);
        printf("%-7s content P=%.3f R=%.3f F1=%.3f (tp=%ld fp=%ld fn=%ld); source right on matched: "
               "%ld/%ld\n",
               sub, p, r, f, c.tp, c.fp, c.fn, B.srcok[s], B.withsrc[s]);
        ae_prf(B.attrib[s], &p, &r, &f);
        printf("%-7s attribution P=%.3f R=%.3f F1=%.3f\n", sub, p, r, f);
      }
      double p, r, f;
      ae_prf(B.attrib[1], &p, &r, &f);
      printf("headline quoted attribution F1=%.3f\n", f);
    } else {
      for (size_t i = 0; i + 1 < nrows; i++)
        print_row(rows[i].name, rows[i].c);
      printf("speaker accuracy on found quotes: %ld/%ld\n", G.spk_ok, G.spk_n);
      double p, r, f;
      ae_prf(ae_gold_attrib(&G), &p, &r, &f);
      printf("attribution P=%.3f R=%.3f F1=%.3f\n", p, r, f);
    }
  }
  cJSON_Delete(jfail);
  ae_sl_free(&errors);
  for (size_t i = 0; i < nthr; i++)
    free(thr[i].metric);
  free(thr);
  if (fflush(stdout) != 0)
    ae_die("cannot write output");
  return failed ? 1 : 0;
}
