/* api.c: the public entry points. Runs the stages in order and builds the
 * borrowed views (attrib_entity, attrib_quote) that callers read. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "doc.h"

const char *attrib_version(void) {
  return ATTRIB_VERSION_STRING;
}

const char *attrib_status_str(attrib_status code) {
  switch (code) {
  case ATTRIB_OK:
    return "ok";
  case ATTRIB_ERR_NOMEM:
    return "out of memory";
  case ATTRIB_ERR_ARG:
    return "invalid argument";
  case ATTRIB_ERR_UTF8:
    return "invalid UTF-8";
  case ATTRIB_ERR_BINARY:
    return "binary data";
  case ATTRIB_ERR_TOO_LARGE:
    return "input too large";
  case ATTRIB_ERR_MODEL:
    return "malformed model";
  case ATTRIB_ERR_IO:
    return "cannot read model";
  case ATTRIB_ERR_LIMIT:
    return "processing limit reached";
  }
  return "unknown status";
}

const char *attrib_entity_type_str(attrib_entity_type t) {
  static const char *names[] = {"PERSON", "ORG", "COUNTRY", "LOCATION"};
  return (unsigned)t < 4 ? names[t] : "UNKNOWN";
}

const char *attrib_quote_kind_str(attrib_quote_kind k) {
  static const char *names[] = {"direct", "partial", "scare", "indirect"};
  return (unsigned)k < 4 ? names[k] : "unknown";
}

void attrib_options_init(attrib_options *o) {
  if (!o)
    return;
  memset(o, 0, sizeof *o);
  o->max_input_bytes = (size_t)64 << 20;
  o->indirect = 1;
}

void attrib_free(void *p) {
  free(p);
}

void attrib_doc_free(attrib_doc *d) {
  if (!d)
    return;
  pcre2_match_data_free(d->md);
  strmap_free(&d->ent_names);
  arena mem = d->mem; /* d lives in it (attrib_analyze) */
  arena_release(&mem);
}

size_t attrib_doc_paragraph_count(const attrib_doc *d) {
  return d ? d->paras.len : 0;
}
size_t attrib_doc_sentence_count(const attrib_doc *d) {
  return d ? d->sents.len : 0;
}
size_t attrib_doc_entity_count(const attrib_doc *d) {
  return d ? d->n_pub_entities : 0;
}
size_t attrib_doc_quote_count(const attrib_doc *d) {
  return d ? d->n_pub_quotes : 0;
}

const attrib_entity *attrib_doc_entity(const attrib_doc *d, size_t i) {
  return d && i < d->n_pub_entities ? &d->pub_entities[i] : NULL;
}

const attrib_quote *attrib_doc_quote(const attrib_doc *d, size_t i) {
  return d && i < d->n_pub_quotes ? &d->pub_quotes[i] : NULL;
}

/* ---- views -------------------------------------------------------------- */

typedef struct order {
  uint64_t key;
  uint32_t idx;
} order;

static int cmp_order(const void *a, const void *b) {
  const order *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The sorts below are stable (equal keys keep their order) and the lists
 * of entities and quotes come in idx order: the key alone gives the (key,
 * idx) order. Of an entity's mentions, equal keys are equal spans, printed
 * once whichever comes first. */
static inline int order_less(const order *x, const order *y) {
  return x->key < y->key;
}

/* Sorts o[0, n) whose first k are in order, in place. */
static void insertion_sort(order *o, size_t k, size_t n) {
  for (; k < n; k++) {
    order x = o[k];
    size_t j = k;
    for (; j > 0 && order_less(&x, &o[j - 1]); j--)
      o[j] = o[j - 1];
    o[j] = x;
  }
}

/* The end of the run in order that starts at lo in o[0, n). */
static size_t run_end(const order *o, size_t lo, size_t n) {
  size_t e = lo + 1;
  while (e < n && !order_less(&o[e], &o[e - 1]))
    e++;
  return e;
}

/* Sorts o[0, n) with tmp (n elements) for room: the runs already in order
 * are merged in pairs until one is left, with the comparison inline (qsort
 * calls a function for each). The lists come as a few long runs (quotes,
 * then the reported clauses; entities mostly by first mention): one or two
 * passes, where runs of a fixed size took one a doubling. */
static void merge_sort(order *o, size_t n, order *tmp) {
  order *src = o, *dst = tmp;
  size_t runs;
  do {
    runs = 0;
    for (size_t lo = 0; lo < n; runs++) {
      size_t mid = run_end(src, lo, n), hi = mid < n ? run_end(src, mid, n) : n;
      size_t a = lo, b = mid, out = lo;
      /* ties take the left run's first: the sort stays stable */
      while (a < mid && b < hi)
        dst[out++] = order_less(&src[b], &src[a]) ? src[b++] : src[a++];
      while (a < mid)
        dst[out++] = src[a++];
      while (b < hi)
        dst[out++] = src[b++];
      lo = hi;
    }
    order *t = src;
    src = dst;
    dst = t;
  } while (runs > 1);
  if (src != o)
    memcpy(o, src, n * sizeof *o);
}

/* Sorts by (key, idx), a total order: lists mostly come in text order
 * already, and a sorted one needs no qsort. A short one (an entity's
 * mentions) is sorted in place: qsort's buffer and calls cost more. */
static void sort_orders(attrib_doc *d, order *o, size_t n) {
  size_t k = 1;
  while (k < n && o[k - 1].key <= o[k].key)
    k++;
  if (k >= n)
    return;
  if (n > 32) { /* insertion sort is quadratic */
    /* the merge's room from the arena: no malloc and free */
    order *tmp = arena_array_raw(&d->mem, n, sizeof *tmp);
    if (!tmp) {
      qsort(o, n, sizeof(order), cmp_order);
      return;
    }
    merge_sort(o, n, tmp);
    return;
  }
  insertion_sort(o, k, n);
}

/* The bytes of set_span's copies and of d->copy readable past their NUL:
 * a text is copied, and written out as JSON (output.c), in whole chunks,
 * with no jump on its length. */
enum { SPAN_SLACK = DOC_COPY_SLACK };
/* segment.c's lexicon lookups read token keys in d->copy that far too */
_Static_assert((int)SPAN_SLACK >= (int)LEX_KEY_SLACK, "the copy's slack covers a lexicon lookup's reads");

/* s[0, n) and a NUL at dst, which has room for (n + SPAN_SLACK) & -16
 * bytes; s has as many readable. The first 32 bytes at once (nearly every
 * mention and cue has fewer), then 16 at a time: a copy by the length
 * jumped on it, mispredicted one time in five. The bytes after the NUL
 * are s's, all initialised (d->copy's slack is cleared). */
static inline void copy_chunks(char *dst, const char *s, size_t n) {
  char c[32];
  memcpy(c, s, 32);
  memcpy(dst, c, 32);
  for (size_t i = 32; i < n; i += 16) {
    memcpy(c, s + i, 16);
    memcpy(dst + i, c, 16);
  }
  dst[n] = '\0';
}

/* Inline: each caller (mentions, quotes, cues) has its own lengths, so
 * that the jump on them is foreseen. */
static inline int set_span(attrib_doc *d, attrib_span *s, uint32_t start, uint32_t end) {
  size_t n = end - start;
  char *t = arena_alloc_raw(&d->mem, (n + SPAN_SLACK) & ~(size_t)15);
  s->start = start;
  s->end = end;
  s->text = t;
  if (!t)
    return -1;
  copy_chunks(t, d->copy + start, n);
  return 0;
}

/* Ids "e1", "e2", ... in one arena block. They count up one at a time,
 * so each is the last one plus one in its digits: no division, no
 * allocation, and a copy of a fixed size (the block has room past its
 * end for the last one's). */
typedef struct id_seq {
  char *o;      /* where the next id goes */
  size_t len;   /* of cur with its NUL */
  char cur[24]; /* the last id written, "e0" before the first */
} id_seq;

/* Room for ids 1..n; 0, or -1 when out of memory. */
static int id_seq_init(attrib_doc *d, id_seq *s, char prefix, size_t n) {
  size_t total = sizeof s->cur;
  for (uint64_t lo = 1, w = 1; lo <= n; lo *= 10, w++) /* the ids of w digits: lo .. 10 lo - 1 */
    total += (size_t)(((n < lo * 10 - 1 ? n : lo * 10 - 1) - lo + 1) * (w + 2));
  s->o = arena_alloc_raw(&d->mem, total);
  /* "e0" and zeros, in word stores (a memset of it was a rep stos) */
  const char head[8] = {prefix, '0'};
  const uint64_t zero = 0;
  memcpy(s->cur, head, 8);
  memcpy(s->cur + 8, &zero, 8);
  memcpy(s->cur + 16, &zero, 8);
  _Static_assert(sizeof s->cur == 24, "id_seq_init clears cur in three words");
  s->len = 3;
  return s->o ? 0 : -1;
}

static const char *id_seq_next(id_seq *s) {
  size_t k = s->len - 1; /* the NUL */
  while (k > 1 && s->cur[k - 1] == '9')
    s->cur[--k] = '0';
  if (k > 1) {
    s->cur[k - 1]++;
  } else { /* 99 -> 100 */
    memmove(s->cur + 2, s->cur + 1, s->len - 1);
    s->cur[1] = '1';
    s->len++;
  }
  char *id = s->o;
  memcpy(id, s->cur, sizeof s->cur);
  s->o += s->len;
  return id;
}

/* An organisation known to the gazetteer goes by the fullest name the text
 * uses ("NHS" stays "NHS" unless "National Health Service" is written). */
static int shown_name(attrib_doc *d, const entity *e, const char **name) {
  size_t cl = strlen(e->name), best = 0;
  const mention *longest = NULL;
  for (size_t k = 0; k < e->mentions.len; k++) {
    const mention *m = &MENTION(d, VEC_AT(e->mentions, int32_t, k));
    if (m->kind != M_NAME)
      continue;
    size_t n = m->end - m->start;
    if (n == cl && memcmp(d->copy + m->start, e->name, n) == 0)
      return 0; /* the canonical name itself is written */
    if (n > best) {
      best = n;
      longest = m;
    }
  }
  if (!longest)
    return 0;
  *name = doc_name_text(d, longest->tok_first, longest->tok_end);
  return *name ? 0 : -1;
}

/* Sorts an entity's spans ms[0, n) by (start, end) and drops repeats (the
 * same span reached twice: equal spans, equal texts); returns the spans
 * left, which may be in a new array (*msp); SIZE_MAX when out of memory.
 * For the lists that did not come in order (a pronoun linked after a later
 * name): not inline. */
static NOINLINE size_t sort_spans(attrib_doc *d, attrib_span **msp, size_t n) {
  attrib_span *ms = *msp;
  size_t out = 0;
  if (n <= 32) { /* insertion sort in place (quadratic: short lists only) */
    unsigned dup = 0;
    for (size_t k = 1; k < n; k++) {
      attrib_span x = ms[k];
      size_t j = k;
      for (; j > 0 && (x.start < ms[j - 1].start || (x.start == ms[j - 1].start && x.end < ms[j - 1].end));
           j--)
        ms[j] = ms[j - 1];
      ms[j] = x;
      /* a repeat lands just after its equal: noted with no jump (p is j
       * - 1, or j itself when 0, and then not asked) */
      size_t p = j - (j > 0);
      dup |= (unsigned)(j > 0) & (ms[p].start == x.start) & (ms[p].end == x.end);
    }
    if (!dup) /* nearly always: no pass to drop repeats */
      return n;
    for (size_t k = 0; k < n; k++)
      if (!out || ms[k].start != ms[out - 1].start || ms[k].end != ms[out - 1].end)
        ms[out++] = ms[k];
    return out;
  }
  /* by their keys' merge sort, into a new array */
  order *o = arena_array_raw(&d->mem, n, sizeof(order));
  attrib_span *sorted = arena_array_raw(&d->mem, n, sizeof(attrib_span));
  if (!o || !sorted)
    return SIZE_MAX;
  for (size_t k = 0; k < n; k++) {
    o[k].key = ((uint64_t)ms[k].start << 32) | ms[k].end;
    o[k].idx = (uint32_t)k;
  }
  sort_orders(d, o, n);
  for (size_t k = 0; k < n; k++)
    if (!k || o[k].key != o[k - 1].key)
      sorted[out++] = ms[o[k].idx];
  *msp = sorted;
  return out;
}

/* An entity's public mentions, made in build_views' first pass, kept until
 * the entities' order is known. */
typedef struct ent_spans {
  attrib_span *ms;
  size_t n;
} ent_spans;

static int build_views(attrib_doc *d) {
  size_t ne = d->entities.len, nq = d->quotes.len;
  /* An entity is reported when named, or when it speaks or is spoken to. */
  uint8_t *keep = arena_alloc(&d->mem, ne + 1);
  /* not cleared, as the views below: each element is written before it is read */
  d->entity_pub = arena_array_raw(&d->mem, ne + 1, sizeof(int32_t));
  order *ord = arena_array_raw(&d->mem, (ne > nq ? ne : nq) + 1, sizeof(order));
  ent_spans *es = arena_array_raw(&d->mem, ne + 1, sizeof(ent_spans));
  /* a mention's text, for a quote's speaker mention (no second copy) */
  const char **mtext = arena_array_raw(&d->mem, d->mentions.len + 1, sizeof(char *));
  if (!keep || !d->entity_pub || !ord || !es || !mtext)
    return -1;
  for (size_t i = 0; i < nq; i++) {
    quote *q = &QUOTE(d, i);
    if (q->speaker_mention >= 0 && MENTION(d, q->speaker_mention).entity >= 0)
      keep[MENTION(d, q->speaker_mention).entity] = 1;
    if (q->addressee_mention >= 0 && MENTION(d, q->addressee_mention).entity >= 0)
      keep[MENTION(d, q->addressee_mention).entity] = 1;
  }
  /* Each entity's mentions in one pass: their texts copied as they come
   * (nearly every entity is kept), whether one is a name, and whether they
   * come in text order without a repeat (most do: no sort, no second
   * pass). A mention's entity is the one whose list holds it (coref.c,
   * entities.c set both at once). */
  size_t n = 0;
  for (size_t i = 0; i < ne; i++) {
    entity *e = &ENTITY(d, i);
    size_t nm = e->mentions.len;
    const int32_t *mis = e->mentions.data;
    /* not cleared: ms is written up to nm */
    attrib_span *ms = arena_alloc_raw(&d->mem, (nm + 1) * sizeof(attrib_span));
    if (!ms)
      return -1;
    unsigned named = 0, disorder = 0;
    uint64_t last = 0; /* a mention's key is never 0 (end > start): a 0 would only sort */
    for (size_t k = 0; k < nm; k++) {
      const mention *m = &MENTION(d, mis[k]);
      uint64_t key = ((uint64_t)m->start << 32) | m->end;
      named |= m->kind == M_NAME;
      disorder |= key <= last; /* out of order, or the last one again */
      last = key;
      if (set_span(d, &ms[k], m->start, m->end) != 0)
        return -1;
      mtext[mis[k]] = ms[k].text;
    }
    if (disorder && (nm = sort_spans(d, &ms, nm)) == SIZE_MAX)
      return -1;
    d->entity_pub[i] = -1;
    es[i].ms = ms;
    es[i].n = nm;
    if (!(keep[i] | named)) /* one jump: named is a 0 or 1 already there */
      continue;
    /* the first mention in text order gives the entity's place */
    ord[n].key = nm ? ms[0].start : UINT32_MAX;
    ord[n].idx = (uint32_t)i;
    n++;
  }
  sort_orders(d, ord, n);
  d->pub_entities = arena_array_raw(&d->mem, n + 1, sizeof(attrib_entity));
  if (!d->pub_entities)
    return -1;
  d->n_pub_entities = n;
  id_seq ids;
  if (id_seq_init(d, &ids, 'e', n) != 0)
    return -1;
  for (size_t j = 0; j < n; j++) {
    entity *e = &ENTITY(d, ord[j].idx);
    attrib_entity *pe = &d->pub_entities[j];
    d->entity_pub[ord[j].idx] = (int32_t)j;
    pe->id = id_seq_next(&ids);
    pe->type = (attrib_entity_type)e->type;
    pe->name = e->name;
    /* a known organisation: one jump (the gazetteer entry masked by the
     * type, not a jump on each, which gcc made of && and &; each alone was
     * mispredicted) */
    uintptr_t org = (uintptr_t)e->gaz & -(uintptr_t)(e->type == ATTRIB_ORG);
    if (org && shown_name(d, e, &pe->name) != 0)
      return -1;
    pe->mentions = es[ord[j].idx].ms;
    pe->n_mentions = es[ord[j].idx].n;
  }
  /* Quotes in text order: they nearly always come so (then no sort; the
   * sort is stable, so equal keys in order need none either). */
  uint64_t last = 0;
  unsigned disorder = 0;
  for (size_t i = 0; i < nq; i++) {
    uint64_t key = ((uint64_t)QUOTE(d, i).start << 32) | QUOTE(d, i).end;
    disorder |= key < last;
    last = key;
    ord[i].key = key;
    ord[i].idx = (uint32_t)i;
  }
  if (disorder)
    sort_orders(d, ord, nq);
  d->pub_quotes = arena_array_raw(&d->mem, nq + 1, sizeof(attrib_quote));
  if (!d->pub_quotes)
    return -1;
  d->n_pub_quotes = nq;
  if (id_seq_init(d, &ids, 'q', nq) != 0)
    return -1;
  for (size_t j = 0; j < nq; j++) {
    quote *q = &QUOTE(d, ord[j].idx);
    attrib_quote *pq = &d->pub_quotes[j];
    pq->id = id_seq_next(&ids);
    pq->kind = (attrib_quote_kind)q->kind;
    if (set_span(d, &pq->span, q->start, q->end) != 0)
      return -1;
    pq->speaker = -1;
    pq->addressee = -1;
    /* the fields a quote may leave unset read as zero, field by field: a
     * memset of the whole record cost more than the rest of it, and span
     * literals were cleared by a rep stos each (3 words), whose start-up
     * costs more than the stores */
    pq->speaker_mention.start = 0;
    pq->speaker_mention.end = 0;
    pq->speaker_mention.text = NULL;
    pq->has_cue = 0;
    pq->cue.start = 0;
    pq->cue.end = 0;
    pq->cue.text = NULL;
    pq->cue_lemma = NULL;
    pq->confidence = q->confidence;
    pq->rule = q->rule;
    if (q->speaker_mention >= 0) {
      mention *m = &MENTION(d, q->speaker_mention);
      if (m->entity >= 0 && d->entity_pub[m->entity] >= 0) {
        pq->speaker = d->entity_pub[m->entity];
        /* its entity's copy of the text, made above */
        pq->speaker_mention.start = m->start;
        pq->speaker_mention.end = m->end;
        pq->speaker_mention.text = mtext[q->speaker_mention];
      }
    }
    if (pq->speaker < 0) {
      pq->confidence = 0;
      pq->rule = "none";
    }
    if (q->addressee_mention >= 0) {
      mention *m = &MENTION(d, q->addressee_mention);
      if (m->entity >= 0)
        pq->addressee = d->entity_pub[m->entity];
    }
    if (q->cue_tok_first >= 0) {
      pq->has_cue = 1;
      pq->cue_lemma = q->cue_lemma ? q->cue_lemma : "";
      if (set_span(d, &pq->cue, TOK(d, q->cue_tok_first).start, TOK(d, q->cue_tok_end - 1).end) != 0)
        return -1;
    }
  }
  return 0;
}

/* pcre2's memory functions over a document's arena (memory_data): a block
 * is freed with the arena. */
static void *arena_pcre2_malloc(PCRE2_SIZE n, void *mem) {
  return arena_alloc_raw(mem, n);
}
static void arena_pcre2_free(void *p, void *mem) {
  (void)p;
  (void)mem;
}

/* The seed of a document's maps: the model's, mixed with the document's
 * address (documents analysed at once differ), never 0 (strmap_home) */
static uint64_t doc_seed(const attrib_model *m, const attrib_doc *d) {
  return strmap_mix64(m->seed ^ (uint64_t)(uintptr_t)d) | 1;
}

attrib_status attrib_analyze(const attrib_model *model, const char *text, size_t len,
                             const attrib_options *opts, attrib_doc **out, attrib_error *err) {
  if (!out)
    return doc_error(err, ATTRIB_ERR_ARG, 0, "attrib_analyze: out is NULL");
  *out = NULL;
  if (!model || (!text && len))
    return doc_error(err, ATTRIB_ERR_ARG, 0, "attrib_analyze: model and text are required");
  attrib_options defaults;
  attrib_options_init(&defaults);
  if (!opts)
    opts = &defaults;
  size_t max = opts->max_input_bytes ? opts->max_input_bytes : defaults.max_input_bytes;
  if (max > UINT32_MAX - 16)
    max = UINT32_MAX - 16; /* offsets are kept in 32 bits */
  if (len > max)
    return doc_error(err, ATTRIB_ERR_TOO_LARGE, max, "input of %zu bytes exceeds the limit of %zu bytes", len,
                     max);
  /* the doc itself in its arena's first block: a malloc and a free fewer */
  arena mem;
  arena_init(&mem);
  attrib_doc *d = arena_alloc(&mem, sizeof *d);
  if (!d)
    return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
  d->mem = mem;
  d->model = model;
  d->opts = *opts;
  d->text = text ? text : "";
  d->len = len;
  d->seed = doc_seed(model, d);
  strmap_init_keyed(&d->ent_names, d->seed);
  vec_init(&d->paras, sizeof(paragraph));
  vec_init(&d->sents, sizeof(sentence));
  vec_init(&d->toks, sizeof(token));
  vec_init(&d->quotes, sizeof(quote));
  vec_init(&d->cues, sizeof(cue));
  vec_init(&d->mentions, sizeof(mention));
  vec_init(&d->entities, sizeof(entity));
  attrib_status st = ATTRIB_OK;
  /* the match data in the arena too (pcre2's memory functions over it;
   * the context itself is taken from it): no malloc and free */
  pcre2_general_context *gc = pcre2_general_context_create(arena_pcre2_malloc, arena_pcre2_free, &d->mem);
  d->md = gc ? pcre2_match_data_create(32, gc) : NULL;
  /* with SPAN_SLACK cleared bytes after the NUL, for set_span's chunks */
  d->copy = arena_alloc_raw(&d->mem, len + 1 + SPAN_SLACK);
  if (d->copy) {
    if (len)
      memcpy(d->copy, d->text, len);
    memset(d->copy + len, 0, 1 + SPAN_SLACK);
  }
  if (!d->md || !d->copy)
    st = doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
  if (st == ATTRIB_OK)
    st = text_stage(d, err);
  if (st == ATTRIB_OK)
    st = segment_stage(d, err);
  if (st == ATTRIB_OK)
    st = quotes_stage(d, err);
  if (st == ATTRIB_OK)
    st = entities_stage(d, err);
  if (st == ATTRIB_OK)
    st = coref_stage(d, err);
  if (st == ATTRIB_OK)
    st = attribution_stage(d, err);
  if (st == ATTRIB_OK && build_views(d) != 0)
    st = doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
  d->text = NULL; /* the caller's buffer is not ours to keep */
  if (st != ATTRIB_OK) {
    attrib_doc_free(d);
    return st;
  }
  *out = d;
  return ATTRIB_OK;
}
