/* Pathological inputs, through the public API only: huge, deep, degenerate
 * and malformed texts. Each must end with a status code (never a crash or a
 * hang: Check's per-test timeout is the hang guard, no timing is asserted)
 * and, when analysed, with results that stay inside the input and agree
 * with it. Inputs are generated here, not committed.
 *
 * Two test cases: "small" (fast enough for valgrind:
 *   CK_FORK=no CK_RUN_CASE=small valgrind ./test_pathological)
 * and "large" (megabytes; run natively or under ASan). */
#include <cjson/cJSON.h>
#include <stdint.h>

#include "helpers.h"

/* ---- helpers -------------------------------------------------------------- */

/* A growable byte buffer for building inputs. */
typedef struct buf {
  char *p;
  size_t len, cap;
} buf;

static void buf_add(buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1)
      cap *= 2;
    b->p = realloc(b->p, cap);
    ck_assert_ptr_nonnull(b->p);
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void buf_str(buf *b, const char *s) {
  buf_add(b, s, strlen(s));
}

/* Appends s until the buffer holds at least n bytes. */
static void buf_fill(buf *b, const char *s, size_t n) {
  size_t k = strlen(s);
  while (b->len < n)
    buf_add(b, s, k);
}

static void buf_free(buf *b) {
  free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
}

/* Copies text to a heap block of exactly len bytes, so that a read past the
 * end of the input is caught by ASan and valgrind. */
static char *exact_copy(const char *text, size_t len) {
  char *p = malloc(len ? len : 1);
  ck_assert_ptr_nonnull(p);
  if (len)
    memcpy(p, text, len);
  return p;
}

static void check_span(const attrib_span *s, const char *text, size_t len, const char *what, size_t i) {
  ck_assert_msg(s->start <= s->end && s->end <= len, "%s %zu: span [%zu, %zu) outside input of %zu bytes",
                what, i, s->start, s->end, len);
  ck_assert_msg(s->text != NULL, "%s %zu: no text", what, i);
  ck_assert_msg(strlen(s->text) == s->end - s->start, "%s %zu: text of %zu bytes for span [%zu, %zu)", what,
                i, strlen(s->text), s->start, s->end);
  ck_assert_msg(memcmp(s->text, text + s->start, s->end - s->start) == 0,
                "%s %zu: text differs from input[%zu, %zu)", what, i, s->start, s->end);
}

/* Every view of d is inside text[0, len) and consistent. Returns the number
 * of quotes that are not indirect speech. */
static size_t check_views(const attrib_doc *d, const char *text, size_t len) {
  size_t ne = attrib_doc_entity_count(d), nq = attrib_doc_quote_count(d), marked = 0;
  for (size_t i = 0; i < ne; i++) {
    const attrib_entity *e = attrib_doc_entity(d, i);
    ck_assert_ptr_nonnull(e);
    ck_assert_ptr_nonnull(e->name);
    ck_assert_int_le(e->type, ATTRIB_LOCATION);
    for (size_t k = 0; k < e->n_mentions; k++)
      check_span(&e->mentions[k], text, len, "mention", k);
  }
  ck_assert_ptr_null(attrib_doc_entity(d, ne));
  size_t prev_start = 0;
  for (size_t i = 0; i < nq; i++) {
    const attrib_quote *q = attrib_doc_quote(d, i);
    ck_assert_ptr_nonnull(q);
    check_span(&q->span, text, len, "quote", i);
    ck_assert_msg(q->span.start >= prev_start, "quote %zu out of text order", i);
    prev_start = q->span.start;
    ck_assert_int_le(q->kind, ATTRIB_INDIRECT);
    ck_assert(q->speaker >= -1 && q->speaker < (long)ne);
    ck_assert(q->addressee >= -1 && q->addressee < (long)ne);
    ck_assert(q->confidence >= 0 && q->confidence <= 1);
    ck_assert_ptr_nonnull(q->rule);
    if (q->speaker >= 0)
      check_span(&q->speaker_mention, text, len, "speaker", i);
    if (q->has_cue)
      check_span(&q->cue, text, len, "cue", i);
    if (q->kind != ATTRIB_INDIRECT) {
      marked++;
      /* content sits between quotation marks, never at the very edges */
      ck_assert_msg(q->span.start > 0, "quote %zu starts at byte 0 without an opening mark", i);
    }
  }
  ck_assert_ptr_null(attrib_doc_quote(d, nq));
  return marked;
}

/* JSON renders and, when parse is set, parses with the right counts. */
static void check_json(const attrib_doc *d, int parse) {
  char *json = NULL;
  size_t n = 0;
  attrib_error err;
  ck_assert_int_eq(attrib_doc_to_json(d, "pathological", 0, &json, &n, &err), ATTRIB_OK);
  ck_assert_ptr_nonnull(json);
  ck_assert_uint_eq(strlen(json), n);
  if (parse) {
    cJSON *root = cJSON_Parse(json);
    ck_assert_msg(root != NULL, "JSON does not parse");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(root, "quotes")), (int)attrib_doc_quote_count(d));
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(root, "entities")),
                     (int)attrib_doc_entity_count(d));
    cJSON_Delete(root);
  }
  attrib_free(json);
}

/* Analyses an exact copy of text[0, len); expects ATTRIB_OK and valid views. */
static attrib_doc *analyze_ok(const char *text, size_t len, size_t *marked) {
  char *copy = exact_copy(text, len);
  attrib_doc *d = NULL;
  attrib_error err;
  memset(&err, 0, sizeof err);
  attrib_status st = attrib_analyze(test_model, copy, len, NULL, &d, &err);
  ck_assert_msg(st == ATTRIB_OK, "status %d (%s) at byte %zu for %zu bytes", (int)st, err.message, err.offset,
                len);
  ck_assert_ptr_nonnull(d);
  /* the doc must not keep pointers into the caller's buffer */
  memset(copy, 'X', len);
  free(copy);
  size_t m = check_views(d, text, len);
  if (marked)
    *marked = m;
  return d;
}

/* Expects failure code with err.offset == offset. */
static void expect_fail(const char *text, size_t len, attrib_status code, size_t offset) {
  char *copy = exact_copy(text, len);
  attrib_doc *d = (attrib_doc *)&d; /* must be reset to NULL */
  attrib_error err;
  memset(&err, 0, sizeof err);
  attrib_status st = attrib_analyze(test_model, copy, len, NULL, &d, &err);
  free(copy);
  ck_assert_msg(st == code, "status %d (%s), want %d", (int)st, err.message, (int)code);
  ck_assert_ptr_null(d);
  ck_assert_int_eq(err.code, code);
  ck_assert_msg(err.offset == offset, "offset %zu, want %zu (%s)", err.offset, offset, err.message);
  char num[32];
  snprintf(num, sizeof num, "byte %zu", offset);
  ck_assert_msg(strstr(err.message, num) != NULL, "message '%s' lacks '%s'", err.message, num);
}

/* Realistic news paragraphs, with every kind of quote and attribution. */
static const char *const paragraphs[] = {
    "Harbour deal collapses after months of talks",
    "Port Authority of Kelder chief Jonas Abara said on Monday that the merger was dead.",
    "\xE2\x80\x9CWe tried everything,\xE2\x80\x9D Abara told reporters. \xE2\x80\x9CThe numbers never "
    "worked.\xE2\x80\x9D",
    "A spokeswoman for Velder Shipping Ltd said the company \xE2\x80\x9Cregrets the decision\xE2\x80\x9D "
    "and would look for other partners.",
    "\"This is a sad day for the port,\" said Maria Lindqvist, who chairs the workers' union. \"Our members "
    "were never asked.\"",
    "According to the ministry, the government of Norway will review the case. Officials declined to "
    "comment on the 'final offer' before the vote.",
    "Mr. Abara, 54, added: \xE2\x80\x98It isn\xE2\x80\x99t over until the board says so.\xE2\x80\x99",
};
enum { NPARAS = sizeof paragraphs / sizeof paragraphs[0] };

/* One article: the paragraphs separated by blank lines (eol: line end). */
static void add_article(buf *b, const char *eol) {
  for (int i = 0; i < NPARAS; i++) {
    buf_str(b, paragraphs[i]);
    buf_str(b, eol);
    buf_str(b, eol);
  }
}

/* ---- small ------------------------------------------------------------------ */

START_TEST(empty_input) {
  attrib_doc *d = analyze_ok("", 0, NULL);
  ck_assert_uint_eq(attrib_doc_paragraph_count(d), 0);
  ck_assert_uint_eq(attrib_doc_sentence_count(d), 0);
  ck_assert_uint_eq(attrib_doc_quote_count(d), 0);
  ck_assert_uint_eq(attrib_doc_entity_count(d), 0);
  check_json(d, 1);
  attrib_doc_free(d);
  /* NULL text with length 0 is the empty text too */
  d = NULL;
  ck_assert_int_eq(attrib_analyze(test_model, NULL, 0, NULL, &d, NULL), ATTRIB_OK);
  ck_assert_uint_eq(attrib_doc_paragraph_count(d), 0);
  check_json(d, 1);
  attrib_doc_free(d);
}
END_TEST

START_TEST(one_byte_inputs) {
  static const struct {
    char c;
    size_t paras;
  } ok[] = {{'a', 1}, {'Z', 1},  {'"', 1},  {'\'', 1}, {'.', 1},  {'@', 1},  {'#', 1},    {'-', 1},
            {' ', 0}, {'\n', 0}, {'\r', 0}, {'\t', 0}, {'\f', 0}, {'\v', 0}, {'\x01', 1}, {'\x1b', 1}};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    attrib_doc *d = analyze_ok(&ok[i].c, 1, NULL);
    ck_assert_msg(attrib_doc_paragraph_count(d) == ok[i].paras, "byte 0x%02x: %zu paragraphs, want %zu",
                  (unsigned char)ok[i].c, attrib_doc_paragraph_count(d), ok[i].paras);
    ck_assert_uint_eq(attrib_doc_quote_count(d), 0);
    check_json(d, 1);
    attrib_doc_free(d);
  }
  expect_fail("\0", 1, ATTRIB_ERR_BINARY, 0);
  expect_fail("\x80", 1, ATTRIB_ERR_UTF8, 0);
  expect_fail("\xC3", 1, ATTRIB_ERR_UTF8, 0);
  expect_fail("\xFF", 1, ATTRIB_ERR_UTF8, 0);
}
END_TEST

START_TEST(nul_bytes) {
  expect_fail("\0abc", 4, ATTRIB_ERR_BINARY, 0);
  expect_fail("The minister\0 said", 18, ATTRIB_ERR_BINARY, 12);
  expect_fail("ends with a NUL\0", 16, ATTRIB_ERR_BINARY, 15);
  expect_fail("Caf\xC3\xA9\0", 6, ATTRIB_ERR_BINARY, 5);
  expect_fail("\xE2\x80\x9C\0\xE2\x80\x9D", 7, ATTRIB_ERR_BINARY, 3);
  /* the first of several */
  expect_fail("a\0b\0c\0", 6, ATTRIB_ERR_BINARY, 1);
  /* a NUL is binary even after invalid-looking bytes are ruled out: NUL first */
  expect_fail("ab\0\xFF", 4, ATTRIB_ERR_BINARY, 2);
  expect_fail("ab\xFF\0", 4, ATTRIB_ERR_UTF8, 2);
}
END_TEST

START_TEST(invalid_utf8_every_kind) {
  static const struct {
    const char *name, *bad;
    size_t len;
  } cases[] = {
      {"overlong 2-byte C0", "\xC0\x80", 2},
      {"overlong 2-byte C1", "\xC1\xBF", 2},
      {"overlong 3-byte", "\xE0\x80\x80", 3},
      {"overlong 3-byte max", "\xE0\x9F\xBF", 3},
      {"overlong 4-byte", "\xF0\x80\x80\x80", 4},
      {"overlong 4-byte max", "\xF0\x8F\xBF\xBF", 4},
      {"surrogate high", "\xED\xA0\x80", 3},
      {"surrogate low", "\xED\xBF\xBF", 3},
      {"above U+10FFFF", "\xF4\x90\x80\x80", 4},
      {"lone continuation 80", "\x80", 1},
      {"lone continuation BF", "\xBF", 1},
      {"two continuations", "\x80\x80", 2},
      {"2-byte lead then ASCII",
       "\xC3"
       "A",
       2},
      {"3-byte lead, one continuation, ASCII",
       "\xE2\x82"
       "A",
       3},
      {"4-byte lead, two continuations, ASCII",
       "\xF0\x9F\x98"
       "A",
       4},
      {"F5", "\xF5\x80\x80\x80", 4},
      {"F7", "\xF7\xBF\xBF\xBF", 4},
      {"F8 (5-byte form)", "\xF8\x88\x80\x80\x80", 5},
      {"FC (6-byte form)", "\xFC\x84\x80\x80\x80\x80", 6},
      {"FE", "\xFE", 1},
      {"FF", "\xFF", 1},
      {"UTF-16 BOM", "\xFF\xFE", 2},
  };
  const char *prefix = "Caf\xC3\xA9 \xE2\x80\x9Cok\xE2\x80\x9D "; /* 15 bytes of valid text */
  size_t pl = strlen(prefix);
  ck_assert_uint_eq(pl, 15);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char in[64];
    /* in the middle of a text */
    memcpy(in, prefix, pl);
    memcpy(in + pl, cases[i].bad, cases[i].len);
    memcpy(in + pl + cases[i].len, " tail.", 6);
    expect_fail(in, pl + cases[i].len + 6, ATTRIB_ERR_UTF8, pl);
    /* at the very start */
    expect_fail(cases[i].bad, cases[i].len, ATTRIB_ERR_UTF8, 0);
  }
  /* truncated at the end of the input */
  static const struct {
    const char *bad;
    size_t len;
  } cut[] = {{"\xC3", 1}, {"\xE2", 1}, {"\xE2\x80", 2}, {"\xF0", 1}, {"\xF0\x9F", 2}, {"\xF0\x9F\x98", 3}};
  for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
    char in[64];
    memcpy(in, prefix, pl);
    memcpy(in + pl, cut[i].bad, cut[i].len);
    expect_fail(in, pl + cut[i].len, ATTRIB_ERR_UTF8, pl);
  }
  /* the boundaries themselves are valid */
  static const char *valid[] = {"\xC2\x80",     "\xDF\xBF",     "\xE0\xA0\x80",     "\xED\x9F\xBF",
                                "\xEE\x80\x80", "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF"};
  for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
    attrib_doc *d = analyze_ok(valid[i], strlen(valid[i]), NULL);
    attrib_doc_free(d);
  }
}
END_TEST

START_TEST(bom_keeps_original_offsets) {
  const char *s = "\xEF\xBB\xBF\xE2\x80\x9CWe won,\xE2\x80\x9D said Jonas Abara.\n\n\"Again,\" he added.";
  size_t marked;
  attrib_doc *d = analyze_ok(s, strlen(s), &marked);
  ck_assert_uint_eq(marked, 2);
  const attrib_quote *q = attrib_doc_quote(d, 0);
  ck_assert_uint_eq(q->span.start, 6);
  ck_assert_str_eq(q->span.text, "We won,");
  ck_assert_uint_eq(attrib_doc_paragraph_count(d), 2);
  const attrib_entity *e = find_entity(d, "Jonas Abara");
  ck_assert_ptr_nonnull(e);
  ck_assert_uint_eq(e->mentions[0].start, (size_t)(strstr(s, "Jonas") - s));
  check_json(d, 1);
  attrib_doc_free(d);
  /* a BOM alone, a BOM and a blank line, a BOM inside the text */
  d = analyze_ok("\xEF\xBB\xBF", 3, NULL);
  ck_assert_uint_eq(attrib_doc_paragraph_count(d), 0);
  attrib_doc_free(d);
  d = analyze_ok("\xEF\xBB\xBF\r\n\r\n", 7, NULL);
  ck_assert_uint_eq(attrib_doc_paragraph_count(d), 0);
  attrib_doc_free(d);
  const char *two = "\xEF\xBB\xBF\xEF\xBB\xBF\"Hi there,\" she said.";
  d = analyze_ok(two, strlen(two), &marked);
  ck_assert_uint_eq(marked, 1);
  ck_assert_uint_eq(attrib_doc_quote(d, 0)->span.start, 7);
  attrib_doc_free(d);
}
END_TEST

START_TEST(line_ends_crlf_and_cr) {
  buf lf = {0}, crlf = {0}, cr = {0}, mixed = {0};
  add_article(&lf, "\n");
  add_article(&crlf, "\r\n");
  add_article(&cr, "\r");
  for (int i = 0; i < NPARAS; i++) {
    static const char *const ends[] = {"\n\n", "\r\n\r\n", "\r\r", "\n\r\n", "\r\n\n"};
    buf_str(&mixed, paragraphs[i]);
    buf_str(&mixed, ends[i % 5]);
  }
  size_t m_lf, m_crlf, m_cr, m_mixed;
  attrib_doc *a = analyze_ok(lf.p, lf.len, &m_lf);
  attrib_doc *b = analyze_ok(crlf.p, crlf.len, &m_crlf);
  attrib_doc *c = analyze_ok(cr.p, cr.len, &m_cr);
  attrib_doc *x = analyze_ok(mixed.p, mixed.len, &m_mixed);
  ck_assert_uint_eq(attrib_doc_paragraph_count(a), NPARAS);
  ck_assert_uint_eq(attrib_doc_paragraph_count(b), NPARAS);
  ck_assert_uint_eq(attrib_doc_paragraph_count(c), NPARAS);
  ck_assert_uint_eq(attrib_doc_paragraph_count(x), NPARAS);
  ck_assert_uint_eq(attrib_doc_sentence_count(b), attrib_doc_sentence_count(a));
  ck_assert_uint_eq(attrib_doc_sentence_count(c), attrib_doc_sentence_count(a));
  ck_assert_uint_eq(attrib_doc_sentence_count(x), attrib_doc_sentence_count(a));
  ck_assert_uint_ge(m_lf, 6);
  ck_assert_uint_eq(m_crlf, m_lf);
  ck_assert_uint_eq(m_cr, m_lf);
  ck_assert_uint_eq(m_mixed, m_lf);
  ck_assert_uint_eq(attrib_doc_quote_count(b), attrib_doc_quote_count(a));
  ck_assert_uint_eq(attrib_doc_quote_count(c), attrib_doc_quote_count(a));
  ck_assert_uint_eq(attrib_doc_entity_count(b), attrib_doc_entity_count(a));
  ck_assert_uint_eq(attrib_doc_entity_count(c), attrib_doc_entity_count(a));
  /* the same quotes, with the same text and the same speakers */
  for (size_t i = 0; i < attrib_doc_quote_count(a); i++) {
    const attrib_quote *qa = attrib_doc_quote(a, i), *qb = attrib_doc_quote(b, i),
                       *qc = attrib_doc_quote(c, i);
    ck_assert_str_eq(qb->span.text, qa->span.text);
    ck_assert_str_eq(qc->span.text, qa->span.text);
    ck_assert_msg(!strchr(qb->span.text, '\r') && !strchr(qc->span.text, '\r'), "CR inside quote %zu", i);
    const char *sa = speaker_name(a, qa), *sb = speaker_name(b, qb), *sc = speaker_name(c, qc);
    ck_assert_str_eq(sb ? sb : "-", sa ? sa : "-");
    ck_assert_str_eq(sc ? sc : "-", sa ? sa : "-");
  }
  /* soft-wrapped lines join with every line end */
  static const char *const wraps[] = {"The minister said the plan would\nnot be ready.\n",
                                      "The minister said the plan would\r\nnot be ready.\r\n",
                                      "The minister said the plan would\rnot be ready.\r"};
  for (int i = 0; i < 3; i++) {
    attrib_doc *w = analyze_ok(wraps[i], strlen(wraps[i]), NULL);
    ck_assert_msg(attrib_doc_paragraph_count(w) == 1, "wrap %d: %zu paragraphs", i,
                  attrib_doc_paragraph_count(w));
    attrib_doc_free(w);
  }
  attrib_doc_free(a);
  attrib_doc_free(b);
  attrib_doc_free(c);
  attrib_doc_free(x);
  buf_free(&lf);
  buf_free(&crlf);
  buf_free(&cr);
  buf_free(&mixed);
}
END_TEST

START_TEST(only_apostrophes) {
  static const char *const marks[] = {"'", "\xE2\x80\x99", "\xE2\x80\x98", "\xCA\xBC", "' ", "\xE2\x80\x99 "};
  for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++) {
    buf b = {0};
    buf_fill(&b, marks[k], 64 * 1024);
    attrib_doc *d = analyze_ok(b.p, b.len, NULL);
    ck_assert_uint_eq(attrib_doc_paragraph_count(d), 1);
    ck_assert_msg(attrib_doc_quote_count(d) == 0, "mark %zu: %zu quotes of nothing", k,
                  attrib_doc_quote_count(d));
    ck_assert_uint_eq(attrib_doc_entity_count(d), 0);
    check_json(d, 1);
    attrib_doc_free(d);
    buf_free(&b);
  }
}
END_TEST

/* Regression: an empty "" opens no quote, and finding what an opening mark
 * opens once scanned to the end of the paragraph: 200,000 of them in one
 * paragraph took quadratic time. Now linear (the Check timeout guards it). */
START_TEST(many_empty_quotes) {
  buf b = {0};
  buf_fill(&b, "\"\" ", 200000 * 3);
  buf_str(&b, "\n\n\"We are fine,\" said Maria Lindqvist.\n");
  attrib_doc *d = analyze_ok(b.p, b.len, NULL);
  ck_assert_uint_eq(attrib_doc_paragraph_count(d), 2);
  ck_assert_uint_eq(attrib_doc_quote_count(d), 1);
  const attrib_quote *q = attrib_doc_quote(d, 0);
  ck_assert_str_eq(q->span.text, "We are fine,");
  ck_assert_int_ge(q->speaker, 0);
  ck_assert_str_eq(attrib_doc_entity(d, (size_t)q->speaker)->name, "Maria Lindqvist");
  attrib_doc_free(d);
  buf_free(&b);
}
END_TEST

/* 10,000-deep “‘“‘ … ’”’” with words at the bottom. Only so many levels
 * are tracked; beyond them the marks must still give a bounded, consistent
 * result, and the next paragraph must not suffer. */
static void nested(buf *b, int depth) {
  buf_str(b, "He said ");
  for (int i = 0; i < depth; i++)
    buf_str(b, i % 2 ? "\xE2\x80\x98" : "\xE2\x80\x9C");
  buf_str(b, "Deep words here");
  for (int i = depth - 1; i >= 0; i--)
    buf_str(b, i % 2 ? "\xE2\x80\x99" : "\xE2\x80\x9D");
  buf_str(b, " and left.\n\n\"We will keep the normal quote,\" said Maria Lindqvist.\n");
}

START_TEST(deep_nesting) {
  enum { DEPTH = 10000 };
  /* shallow: every level is a quote, each inside the one before */
  buf b = {0};
  nested(&b, 4);
  size_t marked;
  attrib_doc *d = analyze_ok(b.p, b.len, &marked);
  ck_assert_uint_eq(marked, 5);
  ck_assert_str_eq(attrib_doc_quote(d, 3)->span.text, "Deep words here");
  for (size_t i = 1; i < 4; i++) {
    ck_assert_uint_gt(attrib_doc_quote(d, i)->span.start, attrib_doc_quote(d, i - 1)->span.start);
    ck_assert_uint_lt(attrib_doc_quote(d, i)->span.end, attrib_doc_quote(d, i - 1)->span.end);
  }
  attrib_doc_free(d);
  buf_free(&b);
  /* deep */
  nested(&b, DEPTH);
  d = analyze_ok(b.p, b.len, &marked);
  ck_assert_uint_eq(attrib_doc_paragraph_count(d), 2);
  ck_assert_uint_ge(marked, 2);
  ck_assert_uint_le(marked, DEPTH + 1); /* never more quotes than pairs of marks */
  const attrib_quote *q = find_quote(d, "We will keep the normal quote,");
  ck_assert_ptr_nonnull(q);
  ck_assert_str_eq(speaker_name(d, q), "Maria Lindqvist");
  check_json(d, 1);
  attrib_doc_free(d);
  buf_free(&b);
  /* opened but never closed, and closed but never opened */
  for (int i = 0; i < DEPTH; i++)
    buf_str(&b, i % 2 ? "\xE2\x80\x98 word " : "\xE2\x80\x9C word ");
  d = analyze_ok(b.p, b.len, NULL);
  attrib_doc_free(d);
  buf_free(&b);
  for (int i = 0; i < DEPTH; i++)
    buf_str(&b, i % 2 ? " word\xE2\x80\x99" : " word\xE2\x80\x9D");
  d = analyze_ok(b.p, b.len, &marked);
  ck_assert_uint_eq(marked, 0);
  attrib_doc_free(d);
  buf_free(&b);
}
END_TEST

/* ---- large ------------------------------------------------------------------ */

START_TEST(ten_mb_single_line) {
  enum { SIZE = 10 << 20 };
  const char *unit = "The minister said on Tuesday that the budget would be cut by 4.5 per cent. "
                     "\"We have no choice,\" said Jonas Abara, the finance chief of Kelder. "
                     "Critics called it a \xE2\x80\x9C"
                     "betrayal of the poor\xE2\x80\x9D and vowed to fight. ";
  buf b = {0};
  buf_fill(&b, unit, SIZE);
  size_t reps = b.len / strlen(unit), marked;
  attrib_doc *d = analyze_ok(b.p, b.len, &marked);
  ck_assert_uint_eq(attrib_doc_paragraph_count(d), 1);
  ck_assert_uint_eq(attrib_doc_sentence_count(d), 3 * reps);
  ck_assert_msg(marked == 2 * reps, "%zu quotes for %zu repetitions of two", marked, reps);
  ck_assert_ptr_nonnull(find_entity(d, "Jonas Abara"));
  check_json(d, 0);
  attrib_doc_free(d);
  buf_free(&b);
}
END_TEST

START_TEST(hundred_k_quote_marks) {
  static const char *const marks[] = {"\"",           "'",
                                      "\xE2\x80\x9C", "\xE2\x80\x9D",
                                      "\xE2\x80\x98", "\xE2\x80\x99",
                                      "\xC2\xAB",     "\xC2\xBB",
                                      "\xE2\x80\x9E", "\xE2\x80\x9A",
                                      "\xE2\x80\xB9", "\xE2\x80\xBA",
                                      "\xE2\x80\x9F", "\xE2\x80\x9B",
                                      "\xE2\x80\xB2", "\xE2\x80\xB3"};
  enum { NMARKS = sizeof marks / sizeof marks[0], COUNT = 100000 };
  /* 1: marks alone, glued; 2: marks between words, spaced at random */
  for (int variant = 0; variant < 2; variant++) {
    buf b = {0};
    uint32_t seed = 12345;
    for (int i = 0; i < COUNT; i++) {
      seed = seed * 1103515245u + 12345u;
      buf_str(&b, marks[(seed >> 16) % NMARKS]);
      if (variant == 1) {
        static const char *const fill[] = {"word ", " ", "", "Abara ", " said ", ", ", ". "};
        buf_str(&b, fill[(seed >> 8) % 7]);
      }
    }
    size_t marked;
    attrib_doc *d = analyze_ok(b.p, b.len, &marked);
    ck_assert_uint_eq(attrib_doc_paragraph_count(d), 1);
    ck_assert_uint_le(marked, COUNT / 2);
    check_json(d, 1);
    attrib_doc_free(d);
    buf_free(&b);
  }
  /* 3: 50,000 well-formed pairs in one paragraph, every convention */
  static const char *const pairs[][2] = {{"\"", "\""},
                                         {"\xE2\x80\x9C", "\xE2\x80\x9D"},
                                         {"\xE2\x80\x98", "\xE2\x80\x99"},
                                         {"\xC2\xAB", "\xC2\xBB"},
                                         {"\xE2\x80\x9E", "\xE2\x80\x9C"},
                                         {"'", "'"}};
  buf b = {0};
  for (int i = 0; i < COUNT / 2; i++) {
    buf_str(&b, pairs[i % 6][0]);
    buf_str(&b, "We will win this fight");
    buf_str(&b, pairs[i % 6][1]);
    buf_str(&b, " she said. ");
  }
  size_t marked;
  attrib_doc *d = analyze_ok(b.p, b.len, &marked);
  ck_assert_msg(marked == COUNT / 2, "%zu quotes of %d pairs", marked, COUNT / 2);
  for (size_t i = 0; i < attrib_doc_quote_count(d); i++)
    if (attrib_doc_quote(d, i)->kind != ATTRIB_INDIRECT)
      ck_assert_str_eq(attrib_doc_quote(d, i)->span.text, "We will win this fight");
  check_json(d, 0);
  attrib_doc_free(d);
  buf_free(&b);
}
END_TEST

START_TEST(one_mb_without_spaces) {
  static const char *const units[] = {
      "abcdefghij",                /* one ASCII word of 1 MB */
      "Word,word.word;",           /* punctuation, no spaces */
      "\xC3\xA9t\xC3\xA9\xC3\xA0", /* one non-ASCII word */
      "\xE2\x80\x9Cq\xE2\x80\x9D", /* glued quotation marks */
      "U.K.",                      /* abbreviations */
      "@handle#tag",               /* handles and tags */
      "12.5,",                     /* numbers */
      "O'Neil-Smith's",            /* apostrophes and hyphens inside words */
      "\xE4\xB8\xAD\xE6\x96\x87",  /* CJK */
      "\xE2\x80\x94",              /* dashes */
  };
  for (size_t k = 0; k < sizeof units / sizeof units[0]; k++) {
    buf b = {0};
    buf_fill(&b, units[k], 1 << 20);
    attrib_doc *d = analyze_ok(b.p, b.len, NULL);
    ck_assert_uint_eq(attrib_doc_paragraph_count(d), 1);
    check_json(d, 0);
    attrib_doc_free(d);
    buf_free(&b);
  }
}
END_TEST

START_TEST(two_hundred_k_paragraphs) {
  enum { N = 200000 };
  static const char *const forms[] = {"Word\n\n", "word.\n", "Hello\r\n\r\n", "\"Yes\"\n\n"};
  for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
    buf b = {0};
    for (int i = 0; i < N; i++)
      buf_str(&b, forms[k]);
    size_t marked;
    attrib_doc *d = analyze_ok(b.p, b.len, &marked);
    ck_assert_msg(attrib_doc_paragraph_count(d) == N, "form %zu: %zu paragraphs", k,
                  attrib_doc_paragraph_count(d));
    ck_assert_uint_eq(attrib_doc_sentence_count(d), N);
    ck_assert_uint_eq(marked, k == 3 ? N : 0);
    check_json(d, 0);
    attrib_doc_free(d);
    buf_free(&b);
  }
}
END_TEST

/* 100,000 one-paragraph quotations that no rule attributes (3.4 MB): each
 * may only look a bounded way back for a speaker. */
START_TEST(hundred_k_unattributed_quotes) {
  enum { N = 100000 };
  buf b = {0};
  for (int i = 0; i < N; i++)
    buf_str(&b, "\"We will win this fight tonight.\"\n\n");
  size_t marked;
  attrib_doc *d = analyze_ok(b.p, b.len, &marked);
  ck_assert_uint_eq(attrib_doc_paragraph_count(d), N);
  ck_assert_uint_eq(marked, N);
  for (size_t i = 0; i < N; i++) {
    const attrib_quote *q = attrib_doc_quote(d, i);
    ck_assert_uint_eq(q->kind, ATTRIB_DIRECT);
    ck_assert_int_eq(q->speaker, -1);
    ck_assert_str_eq(q->rule, "none");
  }
  check_json(d, 0);
  attrib_doc_free(d);
  buf_free(&b);
}
END_TEST

/* An interview of 40,000 answers whose labels name no one in the text:
 * each label once scanned every entity and every token (quadratic, some
 * 20 s here); now an index answers each. */
START_TEST(long_transcript_unknown_labels) {
  enum { N = 40000 };
  buf b = {0};
  for (int i = 0; i < N; i++)
    buf_str(&b, i % 2 ? "BRANDT: We expect the first ships on Monday, weather permitting.\n\n"
                      : "HOLMBERG: The harbour will stay open and the ferries will run.\n\n");
  size_t marked;
  attrib_doc *d = analyze_ok(b.p, b.len, &marked);
  ck_assert_uint_eq(attrib_doc_paragraph_count(d), N);
  ck_assert_uint_eq(marked, N);
  for (size_t i = 0; i < N; i++)
    ck_assert_int_eq(attrib_doc_quote(d, i)->speaker, -1);
  check_json(d, 0);
  attrib_doc_free(d);
  buf_free(&b);
}
END_TEST

/* A 5 MB article of ten times the paragraphs of a 0.5 MB one: both must
 * complete (the test timeout guards against quadratic work), with ten
 * times the quotes. */
START_TEST(five_mb_article) {
  buf small = {0}, big = {0};
  size_t reps = 0;
  while (small.len < (512u << 10)) {
    add_article(&small, "\n");
    reps++;
  }
  for (int i = 0; i < 10; i++)
    buf_add(&big, small.p, small.len);
  size_t m_small, m_big;
  attrib_doc *a = analyze_ok(small.p, small.len, &m_small);
  size_t q_small = attrib_doc_quote_count(a), p_small = attrib_doc_paragraph_count(a);
  ck_assert_uint_eq(p_small, reps * NPARAS);
  ck_assert_uint_gt(m_small, 0);
  attrib_doc_free(a);
  attrib_doc *b = analyze_ok(big.p, big.len, &m_big);
  ck_assert_uint_eq(attrib_doc_paragraph_count(b), 10 * p_small);
  ck_assert_uint_eq(m_big, 10 * m_small);
  ck_assert_uint_eq(attrib_doc_quote_count(b), 10 * q_small);
  /* repeated paragraphs: the speakers repeat too */
  const attrib_quote *q = find_quote(b, "This is a sad day for the port,");
  ck_assert_ptr_nonnull(q);
  ck_assert_str_eq(speaker_name(b, q), "Maria Lindqvist");
  const attrib_quote *last = attrib_doc_quote(b, attrib_doc_quote_count(b) - 1);
  ck_assert_uint_gt(last->span.start, big.len - small.len);
  check_json(b, 0);
  attrib_doc_free(b);
  buf_free(&small);
  buf_free(&big);
}
END_TEST

int main(void) {
  Suite *s = suite_create("pathological");
  TCase *small = tcase_create("small");
  tcase_add_unchecked_fixture(small, test_model_setup, test_model_teardown);
  tcase_set_timeout(small, 60);
  tcase_add_test(small, empty_input);
  tcase_add_test(small, many_empty_quotes);
  tcase_add_test(small, one_byte_inputs);
  tcase_add_test(small, nul_bytes);
  tcase_add_test(small, invalid_utf8_every_kind);
  tcase_add_test(small, bom_keeps_original_offsets);
  tcase_add_test(small, line_ends_crlf_and_cr);
  tcase_add_test(small, only_apostrophes);
  tcase_add_test(small, deep_nesting);
  suite_add_tcase(s, small);
  TCase *large = tcase_create("large");
  tcase_add_unchecked_fixture(large, test_model_setup, test_model_teardown);
  tcase_set_timeout(large, 120);
  tcase_add_test(large, ten_mb_single_line);
  tcase_add_test(large, hundred_k_quote_marks);
  tcase_add_test(large, one_mb_without_spaces);
  tcase_add_test(large, two_hundred_k_paragraphs);
  tcase_add_test(large, hundred_k_unattributed_quotes);
  tcase_add_test(large, five_mb_article);
  tcase_add_test(large, long_transcript_unknown_labels);
  suite_add_tcase(s, large);
  return run_suite(s);
}
