/* score_brat.c: scoring against PolNeAR brat standoff, mirroring shared/tools/score_polnear.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"

static const char *const PRON[] = {"he",  "she", "it",  "they", "we", "i",
                                   "you", "him", "her", "them", "us", "who"};

typedef struct bspan {
  double s, e;
} bspan;

typedef struct gattr {
  bspan *content;
  size_t nc;
  char *ctext;
  int quoted; /* ctext holds a quotation mark */
  int has_qpart;
  bspan qpart;   /* from just after the first to the last quotation mark, in bytes */
  bspan *source; /* NULL: no Source */
  size_t ns;
  char *stext;
} gattr;

struct brat_doc {
  gattr *a;
  size_t n;
};

typedef struct tann {
  char *id;
  bspan *spans;
  size_t n;
  char *text;
} tann;

static int is_qm(uint32_t c) {
  return c == '"' || c == 0x201C || c == 0x201D;
}

/* Python's text-mode reading: universal newlines turn \r\n and lone \r into \n. */
static size_t translate_newlines(uint32_t *cp, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (cp[i] == '\r') {
      if (i + 1 < n && cp[i + 1] == '\n')
        i++;
      cp[k++] = '\n';
    } else {
      cp[k++] = cp[i];
    }
  }
  return k;
}

/* \d+ at *i (any Unicode decimal digit, as int() reads them); -1 if none. */
static int read_num(const uint32_t *l, size_t n, size_t *i, unsigned long long *v) {
  size_t s = *i;
  *v = 0;
  while (*i < n && ae_py_decimal(l[*i]) >= 0) {
    if (*v < (1ULL << 60))
      *v = *v * 10 + (unsigned long long)ae_py_decimal(l[*i]);
    (*i)++;
  }
  return *i > s ? 0 : -1;
}

/* The T line regex of load_ann(): ^(T\d+)\t([\w-]+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)
 * Offsets go through b[] (code point -> byte); an offset past the text dies like b[i] would. */
static int parse_t(const uint32_t *l, size_t n, const size_t *b, size_t nb, const char *path, tann *t) {
  size_t i = 1;
  unsigned long long v;
  if (n < 1 || l[0] != 'T' || read_num(l, n, &i, &v) != 0)
    return 0;
  size_t id_end = i;
  if (i >= n || l[i++] != '\t')
    return 0;
  size_t lab = i;
  while (i < n && (ae_py_isword(l[i]) || l[i] == '-'))
    i++;
  if (i == lab || i >= n || l[i++] != ' ')
    return 0;
  bspan *sp = NULL;
  size_t ns = 0;
  for (;;) {
    unsigned long long a, z;
    if (read_num(l, n, &i, &a) != 0 || i >= n || l[i++] != ' ' || read_num(l, n, &i, &z) != 0) {
      free(sp);
      return 0;
    }
    if (a >= nb || z >= nb)
      ae_die("bad gold file %s: offset past the end of the text", path);
    sp = ae_xrealloc(sp, (ns + 1) * sizeof *sp);
    sp[ns].s = (double)b[a], sp[ns].e = (double)b[z];
    ns++;
    if (i < n && l[i] == ';') {
      i++;
      continue;
    }
    break;
  }
  if (i >= n || l[i++] != '\t') {
    free(sp);
    return 0;
  }
  t->id = ae_utf8_from_cps(l, id_end);
  t->spans = sp;
  t->n = ns;
  t->text = ae_utf8_from_cps(l + i, n - i);
  return 1;
}

/* One E line's roles: dict(r.split(":") for r in line.split("\t")[1].split(" ") if ":" in r). */
typedef struct roles {
  char *content, *source;
  int has_content;
} roles;

static roles parse_e(const char *line, const char *path) {
  roles r = {0};
  const char *tab = strchr(line, '\t');
  if (!tab)
    ae_die("bad gold file %s: E line without a tab", path);
  const char *f = tab + 1, *fe = strchr(f, '\t');
  if (!fe)
    fe = f + strlen(f);
  while (f <= fe) {
    const char *sp = memchr(f, ' ', (size_t)(fe - f));
    const char *we = sp ? sp : fe;
    const char *c1 = memchr(f, ':', (size_t)(we - f));
    if (c1) {
      if (memchr(c1 + 1, ':', (size_t)(we - c1 - 1)))
        ae_die("bad gold file %s: role with two colons", path);
      size_t kl = (size_t)(c1 - f);
      char *val = ae_xstrndup(c1 + 1, (size_t)(we - c1 - 1));
      if (kl == 7 && memcmp(f, "Content", 7) == 0) {
        free(r.content);
        r.content = val;
        r.has_content = 1;
      } else if (kl == 6 && memcmp(f, "Source", 6) == 0) {
        free(r.source);
        r.source = val;
      } else {
        free(val);
      }
    }
    f = we + 1;
  }
  return r;
}

static const tann *t_get(const tann *T, size_t nt, const char *id) {
  for (size_t i = nt; id && i-- > 0;) /* the last definition wins, as in a dict */
    if (strcmp(T[i].id, id) == 0)
      return &T[i];
  return NULL;
}

static bspan *dup_spans(const bspan *s, size_t n) {
  bspan *d = ae_xmalloc((n + 1) * sizeof *d);
  memcpy(d, s, n * sizeof *d);
  return d;
}

/* Mirrors score_polnear.py load_ann() plus its reading of the text: code point offsets of the
 * newline-translated text become byte offsets; E lines are resolved after all T lines. */
brat_doc *ae_brat_load(const char *txt_path, const char *text, size_t len, const char *ann_path) {
  uint32_t *cp;
  size_t n;
  if (ae_utf8_decode(text, len, &cp, &n) != 0)
    ae_die("bad article %s: invalid UTF-8", txt_path);
  n = translate_newlines(cp, n);
  size_t *b = ae_xmalloc((n + 1) * sizeof *b);
  b[0] = 0;
  char o[4];
  for (size_t i = 0; i < n; i++)
    b[i + 1] = b[i] + ae_utf8_encode(cp[i], o);
  free(cp);

  size_t alen;
  char *ann = ae_read_file(ann_path, &alen);
  if (!ann)
    ae_die("cannot read %s", ann_path);
  uint32_t *acp;
  size_t an;
  if (ae_utf8_decode(ann, alen, &acp, &an) != 0)
    ae_die("bad gold file %s: invalid UTF-8", ann_path);
  free(ann);
  an = translate_newlines(acp, an);

  tann *T = NULL;
  size_t nt = 0;
  strlist elines = {0};
  for (size_t s = 0; s < an;) {
    size_t e = s;
    while (e < an && acp[e] != '\n')
      e++;
    tann t;
    if (parse_t(acp + s, e - s, b, n + 1, ann_path, &t)) {
      T = ae_xrealloc(T, (nt + 1) * sizeof *T);
      T[nt++] = t;
    } else if (e > s && acp[s] == 'E') {
      ae_sl_push(&elines, ae_utf8_from_cps(acp + s, e - s));
    }
    s = e + 1;
  }
  free(acp);
  free(b);

  brat_doc *d = ae_xmalloc(sizeof *d);
  d->a = ae_xmalloc((elines.n + 1) * sizeof *d->a);
  d->n = 0;
  for (size_t k = 0; k < elines.n; k++) {
    roles r = parse_e(elines.v[k], ann_path);
    const tann *c = r.has_content ? t_get(T, nt, r.content) : NULL;
    const tann *src = t_get(T, nt, r.source);
    if (c) {
      gattr *g = &d->a[d->n++];
      memset(g, 0, sizeof *g);
      g->content = dup_spans(c->spans, c->n);
      g->nc = c->n;
      g->ctext = ae_xstrdup(c->text);
      uint32_t *tc;
      size_t tn;
      if (ae_utf8_decode(c->text, strlen(c->text), &tc, &tn) != 0)
        ae_die("internal: bad UTF-8");
      size_t first = 0, last = 0, nm = 0;
      for (size_t i = 0; i < tn; i++)
        if (is_qm(tc[i])) {
          if (!nm++)
            first = i;
          last = i;
        }
      free(tc);
      g->quoted = nm > 0;
      if (nm >= 2) {
        double base = c->spans[0].s;
        g->has_qpart = 1;
        g->qpart.s = base + (double)ae_utf8_prefix(c->text, first + 1);
        g->qpart.e = base + (double)ae_utf8_prefix(c->text, last);
      }
      if (src) {
        g->source = dup_spans(src->spans, src->n);
        g->ns = src->n;
        g->stext = ae_xstrdup(src->text);
      }
    }
    free(r.content);
    free(r.source);
  }
  ae_sl_free(&elines);
  for (size_t i = 0; i < nt; i++) {
    free(T[i].id);
    free(T[i].spans);
    free(T[i].text);
  }
  free(T);
  return d;
}

void ae_brat_free(brat_doc *d) {
  if (!d)
    return;
  for (size_t i = 0; i < d->n; i++) {
    free(d->a[i].content);
    free(d->a[i].ctext);
    free(d->a[i].source);
    free(d->a[i].stext);
  }
  free(d->a);
  free(d);
}

static double ov(bspan a, bspan b) {
  double o = (a.e < b.e ? a.e : b.e) - (a.s > b.s ? a.s : b.s);
  return o > 0 ? o : 0;
}

static bspan pspan(const cJSON *o) {
  bspan s = {ae_jnum(o, "start", -1), ae_jnum(o, "end", -1)};
  return s;
}

/* ents = {e.get("id"): e ...}: Python dict keys, so 1, 1.0 and true are one key and a
 * missing id equals null. Returns the last entity with that key. */
static int same_key(const cJSON *a, const cJSON *b) {
  int an = !a || cJSON_IsNull(a), bn = !b || cJSON_IsNull(b);
  if (an || bn)
    return an && bn;
  if (cJSON_IsString(a) || cJSON_IsString(b))
    return cJSON_IsString(a) && cJSON_IsString(b) && strcmp(a->valuestring, b->valuestring) == 0;
  if ((cJSON_IsNumber(a) || cJSON_IsBool(a)) && (cJSON_IsNumber(b) || cJSON_IsBool(b))) {
    double x = cJSON_IsBool(a) ? cJSON_IsTrue(a) : a->valuedouble;
    double y = cJSON_IsBool(b) ? cJSON_IsTrue(b) : b->valuedouble;
    return x == y;
  }
  return 0; /* lists and objects are unhashable: the script would crash */
}

static const cJSON *ent_lookup(const cJSON *pred, const cJSON *key) {
  const cJSON *hit = NULL, *es = ae_jget(pred, "entities");
  for (const cJSON *e = cJSON_IsArray(es) ? es->child : NULL; e; e = e->next)
    if (cJSON_IsObject(e) && same_key(ae_jget(e, "id"), key))
      hit = e;
  return hit;
}

/* Mirrors the source check of score_polnear.py: a span of the predicted speaker (its mention
 * or any mention of its entity) overlaps a gold Source piece, or, failing that, the normalised
 * gold source text (not a pronoun) and speaker name contain one another as whole words. */
static int source_right(const gattr *g, const cJSON *q, const cJSON *pred) {
  const cJSON *sp = ae_jget(q, "speaker");
  if (!ae_jtruthy(sp) || !cJSON_IsObject(sp))
    sp = NULL;
  bspan *spans = NULL;
  size_t n = 0;
  const cJSON *m = sp ? ae_jget(sp, "mention") : NULL;
  if (ae_jtruthy(m) && cJSON_IsObject(m)) {
    spans = ae_xrealloc(spans, (n + 1) * sizeof *spans);
    spans[n++] = pspan(m);
  }
  /* no speaker still looks up ents.get(None): an entity without an id answers */
  const cJSON *e = ent_lookup(pred, sp ? ae_jget(sp, "entity") : NULL);
  const cJSON *ms = ae_jtruthy(e) ? ae_jget(e, "mentions") : NULL;
  for (const cJSON *x = cJSON_IsArray(ms) ? ms->child : NULL; x; x = x->next) {
    if (!cJSON_IsObject(x))
      continue;
    spans = ae_xrealloc(spans, (n + 1) * sizeof *spans);
    spans[n++] = pspan(x);
  }
  int right = 0;
  for (size_t i = 0; i < n && !right; i++)
    for (size_t k = 0; k < g->ns && !right; k++)
      right = ov(spans[i], g->source[k]) != 0;
  free(spans);
  const char *name = sp && ae_jtruthy(ae_jget(sp, "name")) ? ae_jstr(sp, "name") : NULL;
  if (!right && name) {
    char *gs = ae_norm_polnear(g->stext);
    int pron = 0;
    for (size_t i = 0; i < sizeof PRON / sizeof *PRON; i++)
      pron |= strcmp(gs, PRON[i]) == 0;
    if (*gs && !pron) {
      char *nm = ae_norm_polnear(name);
      char *a = ae_xasprintf(" %s ", gs), *z = ae_xasprintf(" %s ", nm);
      right = strstr(z, a) != NULL || strstr(a, z) != NULL;
      free(a);
      free(z);
      free(nm);
    }
    free(gs);
  }
  return right;
}

static int overlaps_any_gold(const brat_doc *d, bspan ps) {
  for (size_t i = 0; i < d->n; i++)
    for (size_t k = 0; k < d->a[i].nc; k++)
      if (ov(d->a[i].content[k], ps) != 0)
        return 1;
  return 0;
}

static void err_line(strlist *errors, const char *name, const char *sub, const char *what, const char *text,
                     const char *tail) {
  if (!errors)
    return;
  sbuf b = {0};
  ae_sb_printf(&b, "%s: %s: %s \xC2\xAB", name, sub, what);
  ae_sb_add(&b, text ? text : "None", text ? ae_utf8_prefix(text, 60) : 4);
  ae_sb_puts(&b, "\xC2\xBB");
  if (tail)
    ae_sb_puts(&b, tail);
  ae_sl_push(errors, ae_sb_take(&b));
}

/* Mirrors score_polnear.py main loop for one document, both for 'all' and for 'quoted'
 * (gold content holding a quotation mark): one-to-one matching in gold order, each gold taking
 * the unused prediction (scare quotes excluded) of the largest overlap with one of its pieces
 * that covers >= 50% of the prediction and >= 50% of the piece (for 'quoted', or >= 50% of the
 * qpart). Unmatched predictions overlapping any gold content piece are not false. */
void ae_brat_score_doc(brat_scores *S, const brat_doc *d, const cJSON *pred, const char *name,
                       strlist *errors) {
  const cJSON *qs = ae_jget(pred, "quotes");
  size_t np = 0;
  const cJSON **pq = ae_xmalloc(((size_t)cJSON_GetArraySize(qs) + 1) * sizeof *pq);
  for (const cJSON *q = cJSON_IsArray(qs) ? qs->child : NULL; q; q = q->next) {
    const char *k = ae_jstr(q, "kind");
    if (cJSON_IsObject(q) && !(k && strcmp(k, "scare") == 0))
      pq[np++] = q;
  }
  char *used = ae_xmalloc(np + 1);
  for (int sub = 0; sub < 2; sub++) {
    const char *subn = sub ? "quoted" : "all";
    memset(used, 0, np + 1);
    long tp = 0, srcok = 0, withsrc = 0, nsub = 0, gws = 0;
    for (size_t gi = 0; gi < d->n; gi++) {
      const gattr *g = &d->a[gi];
      if (sub && !g->quoted)
        continue;
      nsub++;
      gws += g->source != NULL;
      double best = 0;
      long bi = -1;
      for (size_t i = 0; i < np; i++) {
        if (used[i])
          continue;
        bspan ps = pspan(pq[i]);
        for (size_t k = 0; k < g->nc; k++) {
          bspan piece = g->content[k];
          double o = ov(piece, ps);
          if (o == 0 || o < 0.5 * (ps.e - ps.s) || o <= best)
            continue;
          int qp = sub && g->has_qpart;
          if (o >= 0.5 * (piece.e - piece.s) ||
              (qp && g->qpart.e > g->qpart.s && ov(g->qpart, ps) >= 0.5 * (g->qpart.e - g->qpart.s)))
            best = o, bi = (long)i;
        }
      }
      if (bi < 0) {
        err_line(errors, name, subn, "missed", g->ctext, NULL);
        continue;
      }
      used[bi] = 1;
      tp++;
      if (!g->source)
        continue;
      withsrc++;
      if (source_right(g, pq[bi], pred)) {
        srcok++;
      } else if (errors) {
        const cJSON *sp = ae_jget(pq[bi], "speaker");
        sbuf t = {0};
        ae_sb_puts(&t, " source is ");
        ae_py_repr(&t, ae_jtruthy(sp) ? ae_jstr(sp, "name") : NULL);
        ae_sb_puts(&t, ", gold ");
        ae_py_repr(&t, g->stext);
        char *tail = ae_sb_take(&t);
        err_line(errors, name, subn, "wrong source of", g->ctext, tail);
        free(tail);
      }
    }
    long fp = 0, pws = 0;
    for (size_t i = 0; i < np; i++) {
      int free_pred = !used[i] && !overlaps_any_gold(d, pspan(pq[i]));
      if (free_pred) {
        fp++;
        const cJSON *t = ae_jget(pq[i], "text");
        err_line(errors, name, subn, "extra", cJSON_IsString(t) ? t->valuestring : NULL, NULL);
      }
      if (ae_jtruthy(ae_jget(pq[i], "speaker")) && (used[i] || free_pred))
        pws++;
    }
    S->content[sub].tp += tp;
    S->content[sub].fp += fp;
    S->content[sub].fn += nsub - tp;
    S->srcok[sub] += srcok;
    S->withsrc[sub] += withsrc;
    S->attrib[sub].tp += srcok;
    S->attrib[sub].fp += pws - srcok;
    S->attrib[sub].fn += gws - srcok;
  }
  free(used);
  free(pq);
  S->docs++;
}
