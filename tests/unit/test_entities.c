/* Stage 5: entities and their mentions. */
#include "doc.h"
#include "helpers.h"

static int has_mention(const attrib_entity *e, const char *text) {
  for (size_t i = 0; i < e->n_mentions; i++)
    if (strcmp(e->mentions[i].text, text) == 0)
      return 1;
  return 0;
}

START_TEST(country_aliases_share_one_entity) {
  attrib_doc *d = analyze("The U.K. and Britain's allies met. The UK said the United Kingdom would act. "
                          "Officials in the U.S. and America agreed.");
  const attrib_entity *uk = find_entity(d, "United Kingdom");
  ck_assert_ptr_nonnull(uk);
  ck_assert_int_eq(uk->type, ATTRIB_COUNTRY);
  ck_assert(has_mention(uk, "U.K.") && has_mention(uk, "Britain") && has_mention(uk, "UK"));
  const attrib_entity *us = find_entity(d, "United States");
  ck_assert_ptr_nonnull(us);
  ck_assert(has_mention(us, "U.S.") && has_mention(us, "America"));
  attrib_doc_free(d);
}
END_TEST

START_TEST(longest_gazetteer_entry_wins) {
  /* matches grow word by word (the model's walk maps): through prefixes
   * that are no entry ("European Court", "New York Stock") to the longest
   * entry, and back to a shorter one where the longer stops ("New York") */
  attrib_doc *d = analyze("The European Court of Human Rights ruled on Monday. Traders at the New York Stock "
                          "Exchange and officials in New York agreed.");
  const attrib_entity *e = find_entity(d, "European Court of Human Rights");
  ck_assert_ptr_nonnull(e);
  ck_assert_int_eq(e->type, ATTRIB_ORG);
  e = find_entity(d, "New York Stock Exchange");
  ck_assert_ptr_nonnull(e);
  ck_assert_int_eq(e->type, ATTRIB_ORG);
  e = find_entity(d, "New York City");
  ck_assert_ptr_nonnull(e);
  ck_assert(has_mention(e, "New York"));
  attrib_doc_free(d);
}
END_TEST

START_TEST(demonyms_name_their_country) {
  attrib_doc *d = analyze("The Dutch government and a Belgian lawmaker disagreed.");
  ck_assert_ptr_nonnull(find_entity(d, "Netherlands"));
  ck_assert_ptr_nonnull(find_entity(d, "Belgium"));
  attrib_doc_free(d);
}
END_TEST

START_TEST(people_from_context) {
  attrib_doc *d = analyze("Belgian MEP Tamsin Oyelaran-Hughes wrote to the board. Later, Ndidi Ekwueme, the "
                          "group's founder, replied. Dr. Wojciech Brzęczyszczykiewicz said little. "
                          "Oyelaran-Hughes then left.");
  const attrib_entity *t = find_entity(d, "Tamsin Oyelaran-Hughes");
  ck_assert_ptr_nonnull(t);
  ck_assert_int_eq(t->type, ATTRIB_PERSON);
  ck_assert(has_mention(t, "Oyelaran-Hughes"));
  ck_assert_ptr_nonnull(find_entity(d, "Ndidi Ekwueme"));
  const attrib_entity *w = find_entity(d, "Wojciech Brzęczyszczykiewicz");
  ck_assert_ptr_nonnull(w);
  ck_assert_int_eq(w->type, ATTRIB_PERSON);
  attrib_doc_free(d);
}
END_TEST

START_TEST(people_from_weaker_evidence) {
  /* a common word opening a sentence is a first name when a role follows;
   * an unknown subject the next sentence calls she is a person */
  attrib_doc *d = analyze("Patience Oduya, a ward nurse, said the clinic was full.\n\n"
                          "Tenzin Dolkar spent ten years as a surveyor. She now runs a bakery.\n\n"
                          "At the depot, Ilse Varga sat beside her son. She said little.");
  const char *want[] = {"Patience Oduya", "Tenzin Dolkar", "Ilse Varga"};
  for (size_t i = 0; i < 3; i++) {
    const attrib_entity *e = find_entity(d, want[i]);
    ck_assert_msg(e != NULL, "no entity %s", want[i]);
    ck_assert_int_eq(e->type, ATTRIB_PERSON);
  }
  attrib_doc_free(d);
}
END_TEST

START_TEST(curly_apostrophes_in_names) {
  /* two O’Briens: the bare surname goes to the latest, curly apostrophes and all */
  attrib_doc *d = analyze("Declan O’Brien said the side had shown character.\n\n"
                          "Later, Mary Ann O’Brien spoke.\n\n“It was a foul,” O’Brien said.");
  const attrib_entity *e = find_entity(d, "Mary Ann O’Brien");
  ck_assert_ptr_nonnull(e);
  ck_assert_int_eq(e->n_mentions, 2);
  ck_assert_ptr_null(find_entity(d, "O’Brien"));
  attrib_doc_free(d);
}
END_TEST

START_TEST(fuller_names_join_the_person_of_that_first_name) {
  /* three Okafors make the surname ambiguous; a fuller name joins the one
   * with its first name, whether that person came before the first such
   * name or after it (same_person's index of surnames) */
  attrib_doc *d = analyze("The village council met on Sunday to talk about the harvest.\n\n"
                          "Chidi Okafor, the mayor, spoke first.\n\nNgozi Okafor, his sister, disagreed.\n\n"
                          "Later, Ngozi A. Okafor said the harvest was poor.\n\n"
                          "Ada Okafor, a nurse, arrived at noon.\n\n"
                          "Ada B. Okafor said the clinic was full, and Chidi E. Okafor said nothing.");
  const char *full[] = {"Chidi E. Okafor", "Ngozi A. Okafor", "Ada B. Okafor"};
  const char *first[] = {"Chidi Okafor", "Ngozi Okafor", "Ada Okafor"};
  for (size_t i = 0; i < 3; i++) {
    const attrib_entity *e = find_entity(d, full[i]);
    ck_assert_msg(e != NULL, "no entity %s", full[i]);
    ck_assert_int_eq(e->type, ATTRIB_PERSON);
    ck_assert_msg(has_mention(e, first[i]) && has_mention(e, full[i]), "%s lacks a mention", full[i]);
    ck_assert_ptr_null(find_entity(d, first[i]));
  }
  attrib_doc_free(d);
  /* a surname with a curly apostrophe is the key's straight one */
  d = analyze("The club met on Sunday to talk about the season.\n\n"
              "Sean O’Leary, the coach, spoke first.\n\nNiamh O’Leary, his sister, disagreed.\n\n"
              "Later, Sean P. O'Leary said the pitch was poor.");
  const attrib_entity *e = find_entity(d, "Sean P. O'Leary");
  ck_assert_ptr_nonnull(e);
  ck_assert(has_mention(e, "Sean O’Leary") && has_mention(e, "Sean P. O'Leary"));
  attrib_doc_free(d);
}
END_TEST

/* Two words of one 31-bit set hash (the entities stage's sets keep hashes,
 * a key per hash): found among made-up words, as a birthday search. */
typedef struct hashed_word {
  uint32_t h;
  char w[8];
} hashed_word;

static int cmp_hashed(const void *a, const void *b) {
  uint32_t x = ((const hashed_word *)a)->h, y = ((const hashed_word *)b)->h;
  return x < y ? -1 : x > y;
}

static int colliding_words(char *a, char *b) {
  enum { N = 300000 };
  hashed_word *v = malloc(N * sizeof *v);
  ck_assert_ptr_nonnull(v);
  uint64_t x = 88172645463325252ull;
  for (size_t i = 0; i < N; i++) {
    for (int k = 0; k < 7; k++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      v[i].w[k] = (char)('a' + x % 26);
    }
    v[i].w[7] = 0;
    v[i].h = strmap_hash(v[i].w, 7) | 0x80000000u;
  }
  qsort(v, N, sizeof *v, cmp_hashed);
  int found = 0;
  for (size_t i = 1; i < N && !found; i++)
    if (v[i].h == v[i - 1].h && strcmp(v[i].w, v[i - 1].w) != 0) {
      strcpy(a, v[i - 1].w);
      strcpy(b, v[i].w);
      found = 1;
    }
  free(v);
  return found;
}

/* A capitalised word never seen in lower case is a name, though a word
 * seen in lower case has its hash: the set's answer is the key's, not the
 * hash's (and a look-up that meets the other key costs one map, not a
 * walk of every token). */
START_TEST(a_hash_shared_with_a_lower_case_word) {
  char a[8], b[8];
  ck_assert(colliding_words(a, b));
  char text[256];
  snprintf(text, sizeof text, "The %s was here again.\n\n%c%s said the plan works.\n", a, b[0] - 'a' + 'A',
           b + 1);
  attrib_doc *d = analyze(text);
  char name[8];
  snprintf(name, sizeof name, "%c%s", b[0] - 'a' + 'A', b + 1);
  const attrib_entity *e = find_entity(d, name);
  ck_assert_msg(e != NULL, "no entity %s in «%s»", name, text);
  ck_assert_int_eq(e->type, ATTRIB_PERSON);
  attrib_doc_free(d);
  /* and a word seen in lower case is no name, though the other key of its
   * hash came after it (the set's slot keeps the last token of a hash) */
  snprintf(text, sizeof text, "The %s and the %s were here.\n\n%c%s said the plan works.\n", b, a,
           b[0] - 'a' + 'A', b + 1);
  d = analyze(text);
  ck_assert_msg(find_entity(d, name) == NULL, "entity %s in «%s»", name, text);
  attrib_doc_free(d);
}
END_TEST

/* A document's maps take their slots from its seed (strmap_home): hashes
 * that share their low bits, which a text can be made of, do not fill one
 * run of slots that every look-up walks. */
START_TEST(keyed_slots_spread_hashes_sharing_low_bits) {
  enum { N = 1000 };
  static char keys[N][8];
  strmap m;
  strmap_init_keyed(&m, strmap_mix64(1) | 1);
  ck_assert_int_eq(strmap_reserve(&m, 4 * N), 0); /* no growth: the runs are the first slots' */
  for (uint32_t i = 0; i < N; i++) {
    snprintf(keys[i], sizeof keys[i], "k%u", i);
    /* every hash ends in the same 16 bits: without the seed, one run */
    ck_assert_int_eq(strmap_put_borrowed_hashed(&m, keys[i], strlen(keys[i]), i << 16 | 0x5a5a, (int32_t)i),
                     0);
  }
  size_t run = 0, longest = 0;
  for (size_t k = 0; k < m.cap; k++) {
    run = m.slots[k].key ? run + 1 : 0;
    longest = run > longest ? run : longest;
  }
  ck_assert_msg(longest < 32, "a run of %zu slots for %d keys in %zu", longest, N, m.cap);
  for (uint32_t i = 0; i < N; i++)
    ck_assert_int_eq(strmap_get_hashed(&m, keys[i], strlen(keys[i]), i << 16 | 0x5a5a), (int32_t)i);
  strmap_free(&m);
  /* the model's maps (seed 0) keep the low bits */
  ck_assert_uint_eq(strmap_home(1u << 16 | 0x5a5a, 0, 1u << 16), strmap_home(2u << 16 | 0x5a5a, 0, 1u << 16));
}
END_TEST

/* Each document has its own seed, and what it finds is the same under any */
START_TEST(output_is_the_same_under_any_seed) {
  const char *text =
      "Senator Mara Quill of Ohio said on Monday that the bill would pass. \"We have the votes,\" "
      "Quill told reporters. The Treasury Department said it would review the plan.\n\n"
      "A spokesman for Acme Corp. declined to comment. Jon Brandt, a lawyer in Boston, said "
      "the deal \"makes no sense\" for Canada or Mexico. He added that Brandt & Sons would sue.\n\n"
      "\"It is over,\" said Quill, who met Brandt in Paris. Officials in France agreed.\n";
  attrib_doc *a = analyze(text), *b = analyze(text);
  ck_assert(a->seed != b->seed && a->seed && b->seed);
  char *ja = NULL, *jb = NULL;
  attrib_error err;
  ck_assert_int_eq(attrib_doc_to_json(a, "x", 0, &ja, NULL, &err), ATTRIB_OK);
  ck_assert_int_eq(attrib_doc_to_json(b, "x", 0, &jb, NULL, &err), ATTRIB_OK);
  ck_assert(strstr(ja, "Mara Quill") && strstr(ja, "Jon Brandt"));
  ck_assert_str_eq(ja, jb);
  attrib_free(ja);
  attrib_free(jb);
  attrib_doc_free(a);
  attrib_doc_free(b);
}
END_TEST

/* An entity's name is its words, one space apart, whatever the layout
 * between them; its mention keeps the text as written */
START_TEST(names_are_words_not_layout) {
  enum { GAP = 10000 };
  static char text[GAP + 256];
  int n = snprintf(text, sizeof text, "On Monday, Mara");
  memset(text + n, ' ', GAP);
  snprintf(text + n + GAP, sizeof text - (size_t)n - GAP,
           "Quill said the plan was fine.\n\nOn Tuesday, Jon \t Brandt said it again.\n");
  attrib_doc *d = analyze(text);
  const attrib_entity *e = find_entity(d, "Mara Quill");
  ck_assert_ptr_nonnull(e);
  ck_assert_uint_eq(e->mentions[0].end - e->mentions[0].start, strlen("Mara") + GAP + strlen("Quill"));
  ck_assert_ptr_nonnull(find_entity(d, "Jon Brandt"));
  attrib_doc_free(d);
}
END_TEST

/* A headline's run of name words links the longest known name in it,
 * however long the run (its joins are no longer than the longest name) */
START_TEST(a_known_name_at_the_end_of_a_run) {
  attrib_doc *d = analyze("Jo Jo Jo Jo Jo Smith Wins Vote\n\nJo Smith said the plan was fine.\n");
  const attrib_entity *e = find_entity(d, "Jo Smith");
  ck_assert_ptr_nonnull(e);
  int found = 0;
  for (size_t k = 0; k < e->n_mentions; k++)
    found |= e->mentions[k].start == 12 && strcmp(e->mentions[k].text, "Jo Smith") == 0;
  ck_assert_msg(found, "no mention 'Jo Smith' in the headline");
  attrib_doc_free(d);
}
END_TEST

/* Titles one after another open no organisation, and the walk that finds
 * so (once for the run, not again from each title) leaves the next run to
 * be one */
START_TEST(titles_before_an_organisation) {
  attrib_doc *d = analyze("He met Minister Minister Rafe Smith, and Ellwood & Partners said the plan works.");
  const attrib_entity *p = find_entity(d, "Rafe Smith");
  ck_assert_ptr_nonnull(p);
  ck_assert_int_eq(p->type, ATTRIB_PERSON);
  const attrib_entity *o = find_entity(d, "Ellwood & Partners");
  ck_assert_ptr_nonnull(o);
  ck_assert_int_eq(o->type, ATTRIB_ORG);
  attrib_doc_free(d);
}
END_TEST

START_TEST(places_from_datelines_and_prepositions) {
  /* a capitalised dateline is the gazetteer's place; an unknown town after
   * "in" is a place; a country inside a body's name that reports is the body */
  attrib_doc *d = analyze("OTTAWA — The budget was tabled.\n\nShe runs a bakery in Kellerby, she said.\n\n"
                          "Athletics Denmark said the race would go ahead.");
  const attrib_entity *o = find_entity(d, "Ottawa");
  ck_assert_ptr_nonnull(o);
  ck_assert_int_eq(o->type, ATTRIB_LOCATION);
  const attrib_entity *k = find_entity(d, "Kellerby");
  ck_assert_ptr_nonnull(k);
  ck_assert_int_eq(k->type, ATTRIB_LOCATION);
  const attrib_entity *r = find_entity(d, "Athletics Denmark");
  ck_assert_ptr_nonnull(r);
  ck_assert_int_eq(r->type, ATTRIB_ORG);
  attrib_doc_free(d);
}
END_TEST

START_TEST(organisations_by_distinctive_words) {
  /* "Van der Linde" later is the company, not a person */
  attrib_doc *d = analyze("Van der Linde Logistics Group bought a rival on Monday.\n\n"
                          "Shares in Van der Linde fell 6 per cent.");
  const attrib_entity *e = find_entity(d, "Van der Linde Logistics Group");
  ck_assert_ptr_nonnull(e);
  ck_assert(has_mention(e, "Van der Linde"));
  ck_assert_ptr_null(find_entity(d, "Van der Linde"));
  attrib_doc_free(d);
}
END_TEST

START_TEST(organisations_by_suffix_head_and_acronym) {
  attrib_doc *d = analyze("Harrowgate Analytics Ltd sued the National Authority for Water Safety (NAWS) "
                          "and the Ministry of Coastal Affairs. NAWS declined to comment. Velder Lab "
                          "also sued. The FBI and NATO were not involved.");
  const attrib_entity *h = find_entity(d, "Harrowgate Analytics Ltd");
  ck_assert_ptr_nonnull(h);
  ck_assert_int_eq(h->type, ATTRIB_ORG);
  const attrib_entity *n = find_entity(d, "National Authority for Water Safety");
  ck_assert_ptr_nonnull(n);
  ck_assert(has_mention(n, "NAWS"));
  ck_assert_ptr_nonnull(find_entity(d, "Ministry of Coastal Affairs"));
  ck_assert_ptr_nonnull(find_entity(d, "Velder Lab"));
  attrib_doc_free(d);
}
END_TEST

START_TEST(headlines_and_boilerplate_make_no_entities) {
  attrib_doc *d = analyze("Regional Council Votes To Close Harbour Depot\n\n"
                          "The regional council voted on Tuesday.\n\nRelated Articles\n\nLatest News\n\n"
                          "- Clinic Data Breach Exposes Patient Records\n\n"
                          "Copyright Tallow Media Holdings Ltd 2024");
  for (size_t i = 0; i < attrib_doc_entity_count(d); i++) {
    const char *name = attrib_doc_entity(d, i)->name;
    ck_assert_msg(strstr(name, "Votes") == NULL && strstr(name, "Related") == NULL &&
                      strstr(name, "Latest") == NULL && strcmp(name, "Harbour Depot") != 0 &&
                      strstr(name, "Records") == NULL,
                  "unexpected entity %s", name);
  }
  /* a legal form is evidence even in furniture */
  ck_assert_ptr_nonnull(find_entity(d, "Tallow Media Holdings Ltd"));
  attrib_doc_free(d);
}
END_TEST

START_TEST(sentence_initial_words_are_not_names) {
  attrib_doc *d = analyze("Responding to questions, the mayor declined. Disappointed by the vote, "
                          "residents left. Speaking on Friday, Oluwaseun Adebayo said he was hopeful.");
  for (size_t i = 0; i < attrib_doc_entity_count(d); i++) {
    const char *name = attrib_doc_entity(d, i)->name;
    ck_assert_msg(strncmp(name, "Responding", 10) && strncmp(name, "Disappointed", 12) &&
                      strncmp(name, "Speaking", 8),
                  "unexpected entity %s", name);
  }
  ck_assert_ptr_nonnull(find_entity(d, "Oluwaseun Adebayo"));
  attrib_doc_free(d);
}
END_TEST

START_TEST(bylines) {
  attrib_doc *d =
      analyze("Harbour plan stalls\nBy Marit Solberg-Aune\n\nThe plan stalled.\n\nMore from Idris Kamau");
  const attrib_entity *m = find_entity(d, "Marit Solberg-Aune");
  ck_assert_ptr_nonnull(m);
  ck_assert_int_eq(m->type, ATTRIB_PERSON);
  ck_assert_ptr_nonnull(find_entity(d, "Idris Kamau"));
  attrib_doc_free(d);
}
END_TEST

START_TEST(surname_resolves_to_person_or_company) {
  attrib_doc *d = analyze("Brannock Labs makes sensors. Teodor Brannock founded it in 2003. "
                          "Brannock Labs denied wrongdoing.");
  const attrib_entity *p = find_entity(d, "Teodor Brannock");
  const attrib_entity *o = find_entity(d, "Brannock Labs");
  ck_assert_ptr_nonnull(p);
  ck_assert_ptr_nonnull(o);
  ck_assert_int_eq(p->type, ATTRIB_PERSON);
  ck_assert_int_eq(o->type, ATTRIB_ORG);
  attrib_doc_free(d);
}
END_TEST

START_TEST(offsets_match_mention_text) {
  const char *text = "Søren Kjær, the bank's economist, met officials of the European Commission.";
  attrib_doc *d = analyze(text);
  for (size_t i = 0; i < attrib_doc_entity_count(d); i++) {
    const attrib_entity *e = attrib_doc_entity(d, i);
    for (size_t k = 0; k < e->n_mentions; k++) {
      const attrib_span *m = &e->mentions[k];
      ck_assert_uint_eq(strlen(m->text), m->end - m->start);
      ck_assert_int_eq(memcmp(text + m->start, m->text, m->end - m->start), 0);
    }
  }
  ck_assert_ptr_nonnull(find_entity(d, "European Commission"));
  attrib_doc_free(d);
}
END_TEST

/* The walk maps' filters (model.h) answer "none" for a longer key without
 * the map: every walk key with a space in it must have its bit, or a
 * gazetteer entry or title of two words or more would go unmatched. */
static void check_walk_filter(const strmap *walk, const uint64_t *filter, size_t *spaced) {
  for (size_t k = 0; k < walk->cap; k++) {
    const strmap_slot *s = &walk->slots[k];
    if (!s->key || !memchr(s->key, ' ', s->len))
      continue;
    ck_assert_msg(walk_filter_may(filter, strmap_hash(s->key, s->len)), "walk key '%.*s' not in the filter",
                  (int)s->len, s->key);
    (*spaced)++;
  }
}

START_TEST(walk_filters_hold_every_longer_key) {
  size_t gaz = 0, titles = 0;
  check_walk_filter(&test_model->gaz_walk, test_model->gaz_walk_filter, &gaz);
  check_walk_filter(&test_model->title_walk, test_model->title_walk_filter, &titles);
  ck_assert_uint_gt(gaz, 1000); /* the built-in gazetteer has thousands of entries of two words or more */
  ck_assert_uint_gt(titles, 10);
  /* and a longer entry is still found through it */
  attrib_doc *d = analyze("Officials at the European Central Bank met the Chief Executive of Tesco.");
  ck_assert_ptr_nonnull(find_entity(d, "European Central Bank"));
  attrib_doc_free(d);
}
END_TEST

int main(void) {
  Suite *s = suite_create("entities");
  TCase *tc = tcase_create("entities");
  tcase_add_unchecked_fixture(tc, test_model_setup, test_model_teardown);
  tcase_add_test(tc, country_aliases_share_one_entity);
  tcase_add_test(tc, longest_gazetteer_entry_wins);
  tcase_add_test(tc, demonyms_name_their_country);
  tcase_add_test(tc, people_from_context);
  tcase_add_test(tc, people_from_weaker_evidence);
  tcase_add_test(tc, organisations_by_distinctive_words);
  tcase_add_test(tc, curly_apostrophes_in_names);
  tcase_add_test(tc, fuller_names_join_the_person_of_that_first_name);
  tcase_add_test(tc, places_from_datelines_and_prepositions);
  tcase_add_test(tc, a_hash_shared_with_a_lower_case_word);
  tcase_add_test(tc, keyed_slots_spread_hashes_sharing_low_bits);
  tcase_add_test(tc, output_is_the_same_under_any_seed);
  tcase_add_test(tc, names_are_words_not_layout);
  tcase_add_test(tc, a_known_name_at_the_end_of_a_run);
  tcase_add_test(tc, titles_before_an_organisation);
  tcase_add_test(tc, organisations_by_suffix_head_and_acronym);
  tcase_add_test(tc, headlines_and_boilerplate_make_no_entities);
  tcase_add_test(tc, sentence_initial_words_are_not_names);
  tcase_add_test(tc, bylines);
  tcase_add_test(tc, surname_resolves_to_person_or_company);
  tcase_add_test(tc, offsets_match_mention_text);
  tcase_add_test(tc, walk_filters_hold_every_longer_key);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
