/* score_gold.c: scoring against project gold JSON, mirroring shared/tools/score.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"

const char *const ae_ent_names[ENT_N] = {"PERSON", "ORG", "COUNTRY", "LOCATION"};

static const char *const PRONOUNS[] = {"he", "she", "it", "they", "we", "i", "him", "her", "them"};

/* Same formula and evaluation order as the scripts' f1(), so the doubles are bit-identical. */
void ae_prf(counts c, double *p, double *r, double *f) {
  *p = c.tp + c.fp ? (double)c.tp / (double)(c.tp + c.fp) : 0.0;
  *r = c.tp + c.fn ? (double)c.tp / (double)(c.tp + c.fn) : 0.0;
  *f = *p + *r != 0.0 ? 2 * *p * *r / (*p + *r) : 0.0;
}

counts ae_gold_attrib(const gold_scores *S) {
  long wrong = S->spk_n - S->spk_ok;
  counts c = {S->attrib_raw.tp, S->attrib_raw.fp + wrong, S->attrib_raw.fn + wrong};
  return c;
}

/* ---- gold file checks ----------------------------------------------------- */

static int str_or_null(const cJSON *v) {
  return !v || cJSON_IsString(v) || cJSON_IsNull(v);
}

static int list_of_str(const cJSON *v, int nulls_ok) {
  if (!v)
    return 1;
  if (!cJSON_IsArray(v))
    return 0;
  for (const cJSON *c = v->child; c; c = c->next)
    if (!(cJSON_IsString(c) || (nulls_ok && cJSON_IsNull(c))))
      return 0;
  return 1;
}

static const char *check_named(const cJSON *arr, int need_type) {
  if (!cJSON_IsArray(arr))
    return "is not a list";
  for (const cJSON *e = arr->child; e; e = e->next) {
    if (!cJSON_IsObject(e))
      return "has an entry that is not an object";
    const cJSON *nm = ae_jget(e, "name");
    if (!nm || !str_or_null(nm))
      return "has an entry without a string \"name\"";
    if (need_type && !ae_jget(e, "type"))
      return "has an entry without \"type\"";
    if (!list_of_str(ae_jget(e, "aliases"), 1))
      return "has \"aliases\" that are not a list of strings";
  }
  return NULL;
}

cJSON *ae_gold_load(const char *path) {
  size_t len;
  char *buf = ae_read_file(path, &len);
  if (!buf)
    ae_die("cannot read gold file %s", path);
  const char *why = NULL;
  cJSON *g = ae_json_parse_strict(buf, len, &why);
  free(buf);
  if (!g)
    ae_die("bad gold file %s: %s", path, why);
  const char *bad = NULL, *what = NULL;
  if (!cJSON_IsObject(g)) {
    bad = "is not a JSON object";
  } else if (!ae_jstr(g, "article")) {
    bad = "has no string \"article\"";
  } else if (!ae_jget(g, "entities")) {
    bad = "has no \"entities\"";
  } else if ((bad = check_named(ae_jget(g, "entities"), 1)) != NULL) {
    what = "entities";
  } else if (ae_jget(g, "speakers") && (bad = check_named(ae_jget(g, "speakers"), 0)) != NULL) {
    what = "speakers";
  } else if (!cJSON_IsArray(ae_jget(g, "quotes"))) {
    bad = "has no \"quotes\" list";
  } else if (!list_of_str(ae_jget(g, "optional_entities"), 1)) {
    bad = "has \"optional_entities\" that are not strings";
  } else if (ae_jget(g, "not_speech") && !cJSON_IsArray(ae_jget(g, "not_speech"))) {
    bad = "has \"not_speech\" that is not a list";
  } else {
    for (const cJSON *t = ae_jget(g, "not_speech") ? ae_jget(g, "not_speech")->child : NULL; t; t = t->next)
      if (ae_jtruthy(t) && !cJSON_IsString(t))
        bad = "has a \"not_speech\" entry that is not a string";
    for (const cJSON *q = ae_jget(g, "quotes")->child; q && !bad; q = q->next) {
      if (!cJSON_IsObject(q) || !ae_jget(q, "kind"))
        bad = "has a quote without \"kind\"";
      else if (!ae_jstr(q, "text"))
        bad = "has a quote without a string \"text\"";
      else if (!str_or_null(ae_jget(q, "speaker")))
        bad = "has a quote whose \"speaker\" is not a string";
      else if (!list_of_str(ae_jget(q, "speaker_alt"), 0))
        bad = "has a quote whose \"speaker_alt\" is not a list of strings";
    }
  }
  if (bad) {
    cJSON_Delete(g);
    ae_die("bad gold file %s: %s%s%s", path, what ? what : "", what ? " " : "", bad);
  }
  return g;
}

/* ---- per-document scoring ------------------------------------------------- */

/* alias: normalised canonical name -> set of normalised names (later entries overwrite). */
typedef struct amap {
  char **key;
  strlist *set;
  size_t n;
} amap;

static strlist *amap_get(const amap *m, const char *k) {
  for (size_t i = 0; i < m->n; i++)
    if (strcmp(m->key[i], k) == 0)
      return &m->set[i];
  return NULL;
}

static void amap_put(amap *m, char *k, strlist set) {
  strlist *old = amap_get(m, k);
  if (old) {
    ae_sl_free(old);
    *old = set;
    free(k);
    return;
  }
  m->key = ae_xrealloc(m->key, (m->n + 1) * sizeof *m->key);
  m->set = ae_xrealloc(m->set, (m->n + 1) * sizeof *m->set);
  m->key[m->n] = k;
  m->set[m->n++] = set;
}

static void amap_free(amap *m) {
  for (size_t i = 0; i < m->n; i++) {
    free(m->key[i]);
    ae_sl_free(&m->set[i]);
  }
  free(m->key);
  free(m->set);
}

static void amap_add_entities(amap *m, const cJSON *arr) {
  for (const cJSON *e = cJSON_IsArray(arr) ? arr->child : NULL; e; e = e->next) {
    strlist set = {0};
    ae_sl_add_unique(&set, ae_norm_gold(ae_jstr(e, "name")));
    const cJSON *al = ae_jget(e, "aliases");
    for (const cJSON *a = al ? al->child : NULL; a; a = a->next)
      ae_sl_add_unique(&set, ae_norm_gold(cJSON_IsString(a) ? a->valuestring : NULL));
    amap_put(m, ae_norm_gold(ae_jstr(e, "name")), set);
  }
}

/* alias.get(norm(n), {norm(n)}) of score.py, added to names. */
static void add_speaker_names(strlist *names, const amap *al, const char *n) {
  char *k = ae_norm_gold(n);
  const strlist *s = amap_get(al, k);
  if (!s) {
    ae_sl_add_unique(names, k);
    return;
  }
  for (size_t i = 0; i < s->n; i++)
    ae_sl_add_unique(names, ae_xstrdup(s->v[i]));
  free(k);
}

/* Mirrors score.py same_speaker(): the gold name's alias set (plus speaker_alt) meets the
 * predicted speaker name or its mention text unless that text is a bare pronoun. */
static int same_speaker(const amap *al, const char *gname, const cJSON *alts, const cJSON *pq) {
  const cJSON *sp = ae_jget(pq, "speaker");
  if (!ae_jtruthy(sp) || !gname || !*gname || !cJSON_IsObject(sp))
    return 0;
  strlist names = {0}, cands = {0};
  add_speaker_names(&names, al, gname);
  for (const cJSON *a = alts ? alts->child : NULL; a; a = a->next)
    add_speaker_names(&names, al, a->valuestring);
  ae_sl_push(&cands, ae_norm_gold(ae_jstr(sp, "name")));
  const cJSON *m = ae_jget(sp, "mention");
  const char *mt = ae_jtruthy(m) ? ae_jstr(m, "text") : NULL;
  if (mt && *mt) {
    char *k = ae_norm_gold(mt);
    int pron = 0;
    for (size_t i = 0; i < sizeof PRONOUNS / sizeof *PRONOUNS; i++)
      pron |= strcmp(k, PRONOUNS[i]) == 0;
    if (pron)
      free(k);
    else
      ae_sl_push(&cands, k);
  }
  int hit = 0;
  for (size_t i = 0; i < cands.n; i++)
    hit |= ae_sl_has(&names, cands.v[i]);
  ae_sl_free(&names);
  ae_sl_free(&cands);
  return hit;
}

typedef struct span {
  double s, e;
  int ok;
} span;

/* score.py spans(): first occurrence of the needle's bytes (an empty needle is found at 0). */
static span find_span(const char *hay, size_t hlen, const char *needle) {
  size_t n = strlen(needle);
  span r = {0, 0, 0};
  for (size_t i = 0; n <= hlen && i <= hlen - n; i++)
    if (memcmp(hay + i, needle, n) == 0) {
      r.s = (double)i, r.e = (double)(i + n), r.ok = 1;
      break;
    }
  return r;
}

static double overlap(double a0, double a1, double b0, double b1) {
  double o = (a1 < b1 ? a1 : b1) - (a0 > b0 ? a0 : b0);
  return o > 0 ? o : 0;
}

/* Python str() / repr() of a JSON value as the script's f-strings show it. */
static void py_show(sbuf *b, const cJSON *v, int repr, size_t max_cp) {
  if (cJSON_IsString(v)) {
    if (!repr) {
      char *t = ae_xstrndup(v->valuestring, ae_utf8_prefix(v->valuestring, max_cp));
      ae_sb_puts(b, t);
      free(t);
    } else {
      ae_py_repr(b, v->valuestring);
    }
  } else if (!v || cJSON_IsNull(v)) {
    ae_sb_puts(b, "None");
  } else if (cJSON_IsBool(v)) {
    ae_sb_puts(b, cJSON_IsTrue(v) ? "True" : "False");
  } else if (cJSON_IsNumber(v) && v->valuedouble == (double)(long long)v->valuedouble) {
    ae_sb_printf(b, "%lld", (long long)v->valuedouble);
  } else {
    char *t = cJSON_PrintUnformatted(v);
    ae_sb_puts(b, t ? t : "?");
    free(t);
  }
}

/* "NAME: speaker of [WHAT]«text» is 'got', gold 'want'", as score.py prints it. */
static void wrong_speaker(sbuf *b, const char *gf, const char *what, const char *text, const cJSON *sp,
                          const char *gspk) {
  ae_sb_printf(b, "%s: speaker of %s\xC2\xAB", gf, what);
  ae_sb_add(b, text, ae_utf8_prefix(text, 50));
  ae_sb_puts(b, "\xC2\xBB is ");
  py_show(b, ae_jtruthy(sp) ? ae_jget(sp, "name") : NULL, 1, 0);
  ae_sb_puts(b, ", gold ");
  ae_py_repr(b, gspk);
}

static void add_err(strlist *errors, sbuf *b) {
  if (errors)
    ae_sl_push(errors, ae_sb_take(b));
  else
    free(ae_sb_take(b));
}

static int kind_in(const cJSON *q, const char *const *kinds) {
  const char *k = ae_jstr(q, "kind");
  for (; k && *kinds; kinds++)
    if (strcmp(k, *kinds) == 0)
      return 1;
  return 0;
}

/* Mirrors score.py's quote loop for one group ("quote": direct+partial, "indirect"):
 * greedy one-to-one matching in gold order, each gold taking the unused prediction of the
 * largest overlap that covers >= 50% of both spans; unmatched predictions overlapping a gold
 * quote of another kind or a not_speech string are ignored, the rest are false alarms. */
static void score_group(gold_scores *S, int is_quote, const char *gf, const cJSON *gold, const amap *al,
                        const char *art, size_t alen, const cJSON **preds, size_t np, strlist *errors) {
  static const char *const qk[] = {"direct", "partial", NULL};
  static const char *const ik[] = {"indirect", NULL};
  const char *const *kinds = is_quote ? qk : ik;
  const cJSON *quotes = ae_jget(gold, "quotes");
  size_t nq = (size_t)cJSON_GetArraySize(quotes);
  const cJSON **pq = ae_xmalloc((np + 1) * sizeof *pq);
  size_t n = 0;
  for (size_t i = 0; i < np; i++)
    if (kind_in(preds[i], kinds))
      pq[n++] = preds[i];
  char *used = calloc(n + 1, 1);
  span *ls = ae_xmalloc((nq + (size_t)cJSON_GetArraySize(ae_jget(gold, "not_speech")) + 1) * sizeof *ls);
  if (!used)
    ae_die("out of memory");
  size_t nl = 0;
  for (const cJSON *g = quotes->child; g; g = g->next)
    if (!kind_in(g, kinds))
      ls[nl++] = find_span(art, alen, ae_jstr(g, "text"));
  const cJSON *ns = ae_jget(gold, "not_speech");
  for (const cJSON *t = ns ? ns->child : NULL; t; t = t->next)
    if (ae_jtruthy(t))
      ls[nl++] = find_span(art, alen, t->valuestring);

  long tp = 0, ngold = 0;
  counts *attrib = &S->attrib_raw;
  for (const cJSON *g = quotes->child; g; g = g->next) {
    if (!kind_in(g, kinds))
      continue;
    ngold++;
    const char *text = ae_jstr(g, "text");
    span s = find_span(art, alen, text);
    double best = 0;
    long bi = -1;
    for (size_t i = 0; i < n && s.ok; i++) {
      if (used[i])
        continue;
      double p0 = ae_jnum(pq[i], "start", -1), p1 = ae_jnum(pq[i], "end", -1);
      double o = overlap(s.s, s.e, p0, p1);
      if (o != 0 && o >= 0.5 * (s.e - s.s) && o >= 0.5 * (p1 - p0) && o > best)
        best = o, bi = (long)i;
    }
    const char *gspk = ae_jtruthy(ae_jget(g, "speaker")) ? ae_jstr(g, "speaker") : NULL;
    const cJSON *alts = ae_jget(g, "speaker_alt");
    sbuf b = {0};
    if (bi >= 0) {
      used[bi] = 1;
      tp++;
      const cJSON *psp = ae_jget(pq[bi], "speaker");
      int right = gspk && same_speaker(al, gspk, alts, pq[bi]);
      if (gspk && ae_jtruthy(psp)) { /* calibration: is a higher confidence more often right? */
        double conf = ae_jnum(pq[bi], "confidence", 0);
        int bin = conf >= 0.9 ? 0 : conf >= 0.75 ? 1 : 2;
        S->cal_n[bin]++;
        S->cal_right[bin] += right;
      }
      if (is_quote && gspk) {
        S->spk_n++;
        if (right) {
          S->spk_ok++;
          attrib->tp++;
        } else {
          wrong_speaker(&b, gf, "", text, psp, gspk);
          add_err(errors, &b);
        }
      }
      if (!is_quote && gspk && !right) {
        tp--; /* a found indirect with the wrong speaker counts as missed */
        /* score.py lists nothing here; this line is attrib-eval's own */
        wrong_speaker(&b, gf, "indirect ", text, psp, gspk);
        add_err(errors, &b);
      }
    } else {
      ae_sb_printf(&b, "%s: missed ", gf);
      py_show(&b, ae_jget(g, "kind"), 0, (size_t)-1);
      ae_sb_puts(&b, " \xC2\xAB");
      ae_sb_add(&b, text, ae_utf8_prefix(text, 60));
      ae_sb_puts(&b, "\xC2\xBB");
      add_err(errors, &b);
      if (is_quote && gspk)
        attrib->fn++;
    }
  }
  long fp = 0;
  for (size_t i = 0; i < n; i++) {
    if (used[i])
      continue;
    double p0 = ae_jnum(pq[i], "start", -1), p1 = ae_jnum(pq[i], "end", -1);
    int lenient = 0;
    for (size_t k = 0; k < nl && !lenient; k++)
      lenient = ls[k].ok && overlap(ls[k].s, ls[k].e, p0, p1) != 0;
    if (lenient)
      continue; /* a scare quote / other kind: neither right nor wrong here */
    fp++;
    sbuf b = {0};
    ae_sb_printf(&b, "%s: extra ", gf);
    py_show(&b, ae_jget(pq[i], "kind"), 0, (size_t)-1);
    ae_sb_puts(&b, " \xC2\xAB");
    py_show(&b, ae_jget(pq[i], "text"), 0, 60);
    ae_sb_puts(&b, "\xC2\xBB");
    add_err(errors, &b);
    if (is_quote && ae_jtruthy(ae_jget(pq[i], "speaker")))
      attrib->fp++;
  }
  counts *c = is_quote ? &S->quote : &S->indirect;
  c->tp += tp, c->fp += fp, c->fn += ngold - tp;
  free(used);
  free(ls);
  free(pq);
}

/* Mirrors score.py's entity loop: a predicted entity of type t is right when its normalised
 * name is in a gold entity's alias set (each gold counted once), ignored when optional or an
 * alias of any gold entity or speaker (of any type), else a false alarm. */
static void score_entities(gold_scores *S, int t, const char *gf, const cJSON *gold, const amap *al,
                           const strlist *opt, const cJSON *pred, strlist *errors) {
  const char *tn = ae_ent_names[t];
  const cJSON *gents = ae_jget(gold, "entities");
  size_t ng = 0;
  const cJSON **ge = ae_xmalloc(((size_t)cJSON_GetArraySize(gents) + 1) * sizeof *ge);
  for (const cJSON *e = gents->child; e; e = e->next) {
    const char *ty = ae_jstr(e, "type");
    if (ty && strcmp(ty, tn) == 0)
      ge[ng++] = e;
  }
  char *found = calloc(ng + 1, 1);
  if (!found)
    ae_die("out of memory");
  long fp = 0;
  const cJSON *pents = ae_jget(pred, "entities");
  for (const cJSON *e = cJSON_IsArray(pents) ? pents->child : NULL; e; e = e->next) {
    const char *ty = ae_jstr(e, "type");
    if (!cJSON_IsObject(e) || !ty || strcmp(ty, tn) != 0)
      continue;
    char *nm = ae_norm_gold(ae_jstr(e, "name"));
    int hit = 0;
    for (size_t i = 0; i < ng; i++) {
      char *k = ae_norm_gold(ae_jstr(ge[i], "name"));
      const strlist *s = amap_get(al, k);
      free(k);
      if (s && ae_sl_has(s, nm))
        found[i] = 1, hit = 1;
    }
    int known = ae_sl_has(opt, nm);
    for (size_t i = 0; i < al->n && !known; i++)
      known = ae_sl_has(&al->set[i], nm);
    if (!hit && !known) {
      fp++;
      sbuf b = {0};
      ae_sb_printf(&b, "%s: extra %s ", gf, tn);
      py_show(&b, ae_jget(e, "name"), 1, 0);
      add_err(errors, &b);
    }
    free(nm);
  }
  long nf = 0;
  for (size_t i = 0; i < ng; i++) {
    if (found[i]) {
      nf++;
      continue;
    }
    sbuf b = {0};
    ae_sb_printf(&b, "%s: missed %s ", gf, tn);
    py_show(&b, ae_jget(ge[i], "name"), 1, 0);
    add_err(errors, &b);
  }
  S->ent[t].tp += nf, S->ent[t].fp += fp, S->ent[t].fn += (long)ng - nf;
  free(found);
  free(ge);
}

void ae_gold_score_doc(gold_scores *S, const char *gf, const cJSON *gold, const char *art, size_t art_len,
                       const cJSON *pred, strlist *errors) {
  amap al = {0};
  amap_add_entities(&al, ae_jget(gold, "entities"));
  amap_add_entities(&al, ae_jget(gold, "speakers"));
  const cJSON *qs = ae_jget(pred, "quotes");
  size_t np = 0;
  const cJSON **preds = ae_xmalloc(((size_t)cJSON_GetArraySize(qs) + 1) * sizeof *preds);
  for (const cJSON *q = cJSON_IsArray(qs) ? qs->child : NULL; q; q = q->next)
    if (cJSON_IsObject(q))
      preds[np++] = q;
  score_group(S, 1, gf, gold, &al, art, art_len, preds, np, errors);
  score_group(S, 0, gf, gold, &al, art, art_len, preds, np, errors);
  strlist opt = {0};
  const cJSON *oe = ae_jget(gold, "optional_entities");
  for (const cJSON *o = oe ? oe->child : NULL; o; o = o->next)
    ae_sl_add_unique(&opt, ae_norm_gold(cJSON_IsString(o) ? o->valuestring : NULL));
  for (int t = 0; t < ENT_N; t++)
    score_entities(S, t, gf, gold, &al, &opt, pred, errors);
  ae_sl_free(&opt);
  free(preds);
  amap_free(&al);
  S->docs++;
}
