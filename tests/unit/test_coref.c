/* Stage 6: pronouns, descriptions and definite references. */
#include <dirent.h>

#include "doc.h"
#include "helpers.h"

#ifndef GOLD_ARTICLES_DIR
#error "GOLD_ARTICLES_DIR must point at tests/gold/articles"
#endif

static const char *entity_of_mention(attrib_doc *d, const char *text, int nth) {
  for (size_t i = 0; i < attrib_doc_entity_count(d); i++) {
    const attrib_entity *e = attrib_doc_entity(d, i);
    for (size_t k = 0; k < e->n_mentions; k++)
      if (strcmp(e->mentions[k].text, text) == 0 && nth-- == 0)
        return e->name;
  }
  return NULL;
}

/* head, then unit n times, then tail: a new string (free it) */
static char *repeat_text(const char *head, const char *unit, int n, const char *tail) {
  size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
  char *text = malloc(hl + (size_t)n * ul + tl + 1);
  ck_assert_ptr_nonnull(text);
  memcpy(text, head, hl);
  for (int r = 0; r < n; r++)
    memcpy(text + hl + (size_t)r * ul, unit, ul);
  memcpy(text + hl + (size_t)n * ul, tail, tl + 1);
  return text;
}

/* The speaker of the quote that starts with prefix, in head + unit n
 * times + tail, is want (NULL: none) */
static void expect_after_repeats(const char *head, const char *unit, int n, const char *tail,
                                 const char *prefix, const char *want) {
  char *text = repeat_text(head, unit, n, tail);
  attrib_doc *d = analyze(text);
  const attrib_quote *q = find_quote(d, prefix);
  ck_assert_msg(q != NULL, "no quote %s after %d of %s", prefix, n, unit);
  const char *got = speaker_name(d, q);
  ck_assert_msg(want ? got && strcmp(got, want) == 0 : got == NULL, "%s after %d of %s: speaker %s, want %s",
                prefix, n, unit, got ? got : "none", want ? want : "none");
  attrib_doc_free(d);
  free(text);
}

/* "He" passes the mentions that cannot be him (a hundred women named
 * here) to the man before them; but its look back asks at most 128
 * mentions (MAX_BACK_MENTIONS: news needs at most 75), so that a text of
 * nothing but pronouns costs a bounded look back for each */
START_TEST(a_pronoun_asks_a_bounded_number_of_mentions) {
  const char *head = "Senate vote\n\nMr. Smith arrived on Monday.", *tail = " He said the plan was fine.\n";
  expect_after_repeats(head, " Mary Lee met Ann Lee.", 50, tail, "the plan was fine", "Smith");
  expect_after_repeats(head, " Mary Lee met Ann Lee.", 70, tail, "the plan was fine", NULL);
}
END_TEST

/* A description's compound head is a few words ("party chairwoman"): a
 * run of head nouns with no end ("an official official ...") is not all
 * of it, nor then the name of the entity it makes, which the output
 * writes for each of its quotes */
START_TEST(a_run_of_head_nouns_is_a_bounded_description) {
  char text[1024];
  int n = snprintf(text, sizeof text, "\"We will win,\" said an");
  for (int k = 0; k < 60; k++)
    n += snprintf(text + n, sizeof text - (size_t)n, " official");
  snprintf(text + n, sizeof text - (size_t)n, " yesterday.\n\n\"We will keep going,\" he said.\n");
  attrib_doc *d = analyze(text);
  const attrib_quote *q = find_quote(d, "We will keep going");
  ck_assert_ptr_nonnull(q);
  const char *who = speaker_name(d, q);
  ck_assert_ptr_nonnull(who);
  ck_assert_msg(strncmp(who, "an official official", 20) == 0, "speaker %s", who);
  ck_assert_msg(strlen(who) < 200, "a speaker's name of %zu bytes", strlen(who));
  attrib_doc_free(d);
}
END_TEST

/* "X ... released a statement": a new document is its sentence's first
 * named person's, past the others named between (fifty here); but the
 * look back asks at most 128 mentions (news: at most 20), so that a
 * sentence of nothing but descriptions costs a bounded look back each */
START_TEST(a_new_document_asks_a_bounded_number_of_mentions) {
  const char *tail = ", released a statement on Monday. \"We will appeal,\" the statement said.\n";
  expect_after_repeats("Vote set\n\nMara Quill", ", with Olle Berg", 50, tail, "We will appeal",
                       "Mara Quill");
  expect_after_repeats("Vote set\n\nMara Quill", ", with Olle Berg", 150, tail, "We will appeal",
                       "Olle Berg");
}
END_TEST

/* "The union said" is the union named last, past the persons named since
 * (400 here), in a long document's look back of 3000 tokens; but that
 * look back asks at most 1024 mentions (news: some 500), so that a text
 * made of names costs a bounded look back for each */
START_TEST(a_named_body_asks_a_bounded_number_of_mentions) {
  /* 3000 tokens first: the long look back */
  char *head =
      repeat_text("Vote set\n\n", "the plan was fine and the vote was close and the day was long . ", 250,
                  "\n\nThe Farm Union said the plan was fine.\n\nLee Kim said the plan was fine.\n\n");
  const char *tail = "and Kim met.\n\nThe union said the deal was bad.\n";
  expect_after_repeats(head, "Kim, ", 400, tail, "the deal was bad", "Farm Union");
  expect_after_repeats(head, "Kim, ", 1100, tail, "the deal was bad", NULL);
  free(head);
}
END_TEST

START_TEST(pronouns_follow_gender_and_type) {
  attrib_doc *d = analyze("Mrs. Halvorsen met Mr. Okonkwo at Pellucid Systems. She said the firm was fine. "
                          "He disagreed. It declined to comment.");
  ck_assert_str_eq(entity_of_mention(d, "She", 0), "Halvorsen");
  ck_assert_str_eq(entity_of_mention(d, "He", 0), "Okonkwo");
  ck_assert_str_eq(entity_of_mention(d, "It", 0), "Pellucid Systems");
  attrib_doc_free(d);
}
END_TEST

START_TEST(speaker_subjects_win) {
  /* "it" means the body that was reporting, not the last organisation named */
  attrib_doc *d = analyze("The European Commission admitted there was no evidence against Velder Lab.\n\n"
                          "It said the review was closed.");
  ck_assert_str_eq(entity_of_mention(d, "It", 0), "European Commission");
  attrib_doc_free(d);
}
END_TEST

START_TEST(descriptions_speak_for_their_body) {
  attrib_doc *d = analyze("The European Commission replied. A representative for the European Commission "
                          "wrote back. The company's spokesman was silent. The response from the Commission "
                          "was short.");
  ck_assert_str_eq(entity_of_mention(d, "A representative for the European Commission", 0),
                   "European Commission");
  ck_assert_str_eq(entity_of_mention(d, "The response from the Commission", 0), "European Commission");
  attrib_doc_free(d);
}
END_TEST

/* A compound head is classed by its last word, within a few words (the
 * look is bounded: runs of head nouns, each looked at from every word,
 * were quadratic) */
START_TEST(compound_heads) {
  attrib_doc *d = analyze("\"The plan works,\" an agency official said.\n");
  const attrib_quote *q = attrib_doc_quote(d, 0);
  ck_assert_ptr_nonnull(q);
  ck_assert_int_ge(q->speaker, 0);
  ck_assert_str_eq(attrib_doc_entity(d, (size_t)q->speaker)->name, "an agency official");
  ck_assert_int_eq(attrib_doc_entity(d, (size_t)q->speaker)->type, ATTRIB_PERSON);
  attrib_doc_free(d);
}
END_TEST

/* "the agency" wants a public body (a name ending in an organisation
 * head), "the company" one that is not; each entity's answer is kept */
START_TEST(public_bodies) {
  attrib_doc *d =
      analyze("The Velder Transit Authority raised fares on Monday. The agency said costs had grown. "
              "Corvane Holdings cut 300 jobs. The company said sales fell. The agency said no more.");
  ck_assert_str_eq(entity_of_mention(d, "The agency", 0), "Velder Transit Authority");
  ck_assert_str_eq(entity_of_mention(d, "The company", 0), "Corvane Holdings");
  ck_assert_str_eq(entity_of_mention(d, "The agency", 1), "Velder Transit Authority");
  attrib_doc_free(d);
}
END_TEST

START_TEST(definite_references) {
  attrib_doc *d = analyze("Corvane Holdings cut 300 jobs. The company said sales fell. The Commission "
                          "was not told. The European Commission later asked. The Commission wrote again.");
  ck_assert_str_eq(entity_of_mention(d, "The company", 0), "Corvane Holdings");
  /* "The Commission" before any commission is named refers to nothing yet */
  ck_assert_str_eq(entity_of_mention(d, "Commission", 0), "European Commission");
  attrib_doc_free(d);
}
END_TEST

/* Every mention with an entity is in that entity's list, once, and every
 * list holds only its entity's mentions: the public views take a speaker
 * mention's text from its entity's list (api.c). */
static void check_mention_lists(attrib_doc *d, const char *name) {
  size_t nm = d->mentions.len;
  int *seen = calloc(nm + 1, sizeof *seen);
  ck_assert_ptr_nonnull(seen);
  for (size_t e = 0; e < d->entities.len; e++) {
    const entity *x = &ENTITY(d, e);
    for (size_t k = 0; k < x->mentions.len; k++) {
      int32_t mi = VEC_AT(x->mentions, int32_t, k);
      ck_assert_msg(mi >= 0 && (size_t)mi < nm, "%s: entity %zu lists no mention %d", name, e, mi);
      ck_assert_msg(MENTION(d, mi).entity == (int32_t)e, "%s: entity %zu lists mention %d of entity %d", name,
                    e, mi, MENTION(d, mi).entity);
      seen[mi]++;
    }
  }
  for (size_t mi = 0; mi < nm; mi++)
    ck_assert_msg(seen[mi] == (MENTION(d, mi).entity >= 0),
                  "%s: mention %zu of entity %d is in its entity's list %d times", name, mi,
                  MENTION(d, mi).entity, seen[mi]);
  free(seen);
  /* and a quote's speaker mention has the text of its span */
  for (size_t i = 0; i < attrib_doc_quote_count(d); i++) {
    const attrib_quote *q = attrib_doc_quote(d, i);
    if (q->speaker < 0)
      continue;
    const attrib_span *s = &q->speaker_mention;
    ck_assert_ptr_nonnull(s->text);
    ck_assert_msg(strlen(s->text) == s->end - s->start &&
                      memcmp(s->text, d->copy + s->start, strlen(s->text)) == 0,
                  "%s: speaker mention text '%s' is not its span", name, s->text);
  }
}

START_TEST(mentions_and_entity_lists_agree) {
  DIR *dir = opendir(GOLD_ARTICLES_DIR);
  ck_assert_msg(dir != NULL, "cannot open %s", GOLD_ARTICLES_DIR);
  size_t files = 0;
  struct dirent *de;
  while ((de = readdir(dir)) != NULL) {
    size_t l = strlen(de->d_name);
    if (l < 5 || strcmp(de->d_name + l - 4, ".txt") != 0)
      continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", GOLD_ARTICLES_DIR, de->d_name);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    ck_assert_int_ge(size, 0);
    rewind(f);
    char *text = malloc((size_t)size + 1);
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_eq(fread(text, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    text[size] = 0;
    attrib_doc *d = analyze(text);
    check_mention_lists(d, de->d_name);
    attrib_doc_free(d);
    free(text);
    files++;
  }
  closedir(dir);
  ck_assert_uint_ge(files, 10);
}
END_TEST

START_TEST(definite_references_in_a_long_document) {
  /* Past MAX_BACK tokens the look back for "the bank"'s name reads a bitmap
   * of mentioned tokens and name signatures, and past eight such words the
   * words are asked of a set of all name words: the same answers as at the
   * start of a short article. */
  static const char *const kinds[] = {"Union",  "University", "Bank",       "Hospital", "Council",
                                      "Agency", "Institute",  "Foundation", "Museum",   "Library"};
  enum { NKINDS = sizeof kinds / sizeof *kinds };
  const char *filler = "Mayor Ellen Voss spoke to reporters at the hall on Tuesday.\n\n";
  size_t cap = 400 * strlen(filler) + NKINDS * 256 + 256, n = 0;
  char *text = malloc(cap);
  ck_assert_ptr_nonnull(text);
  for (int k = 0; k < 400; k++) /* 4,800 tokens */
    n += (size_t)snprintf(text + n, cap - n, "%s", filler);
  for (int k = 0; k < NKINDS; k++) {
    char lower[32];
    size_t l = strlen(kinds[k]);
    for (size_t c = 0; c <= l; c++)
      lower[c] = (char)(c == 0 ? kinds[k][c] - 'A' + 'a' : kinds[k][c]);
    n += (size_t)snprintf(
        text + n, cap - n,
        "The Halbrook %s opposed the plan on Monday.\n\nMayor Ellen Voss spoke at the hall.\n\n"
        "The %s said it would act next week.\n\n",
        kinds[k], lower);
  }
  /* no theatre is named: the description stays nobody's */
  n += (size_t)snprintf(text + n, cap - n, "The theatre said it would close.\n");
  ck_assert_uint_lt(n, cap);
  attrib_doc *d = analyze(text);
  for (int k = 0; k < NKINDS; k++) {
    char mention[64], name[64];
    snprintf(mention, sizeof mention, "The %c%s", kinds[k][0] - 'A' + 'a', kinds[k] + 1);
    snprintf(name, sizeof name, "Halbrook %s", kinds[k]);
    const char *got = entity_of_mention(d, mention, 0);
    ck_assert_msg(got && strcmp(got, name) == 0, "%s: %s, not %s", mention, got ? got : "(none)", name);
  }
  ck_assert_ptr_null(entity_of_mention(d, "The theatre", 0));
  const attrib_quote *q = find_quote(d, "it would close");
  ck_assert_ptr_nonnull(q);
  ck_assert_ptr_null(speaker_name(d, q));
  attrib_doc_free(d);
  free(text);
}
END_TEST

int main(void) {
  Suite *s = suite_create("coref");
  TCase *tc = tcase_create("coref");
  tcase_add_unchecked_fixture(tc, test_model_setup, test_model_teardown);
  tcase_add_test(tc, pronouns_follow_gender_and_type);
  tcase_add_test(tc, speaker_subjects_win);
  tcase_add_test(tc, descriptions_speak_for_their_body);
  tcase_add_test(tc, definite_references);
  tcase_add_test(tc, compound_heads);
  tcase_add_test(tc, public_bodies);
  tcase_add_test(tc, definite_references_in_a_long_document);
  tcase_add_test(tc, mentions_and_entity_lists_agree);
  tcase_add_test(tc, a_pronoun_asks_a_bounded_number_of_mentions);
  tcase_add_test(tc, a_run_of_head_nouns_is_a_bounded_description);
  tcase_add_test(tc, a_new_document_asks_a_bounded_number_of_mentions);
  tcase_add_test(tc, a_named_body_asks_a_bounded_number_of_mentions);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
