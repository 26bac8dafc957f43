/* Stage 7: speakers of quotes and reported speech. */
#include "doc.h"
#include "helpers.h"

static void expect_speaker(const char *text, const char *quote_prefix, const char *speaker,
                           const char *rule) {
  attrib_doc *d = analyze(text);
  const attrib_quote *q = find_quote(d, quote_prefix);
  ck_assert_msg(q != NULL, "no quote «%s» in «%s»", quote_prefix, text);
  const char *got = speaker_name(d, q);
  if (!speaker) {
    ck_assert_msg(got == NULL, "speaker of «%s» is %s, want none", quote_prefix, got);
    ck_assert_str_eq(q->rule, "none");
    ck_assert(q->confidence == 0);
  } else {
    ck_assert_msg(got && strcmp(got, speaker) == 0, "speaker of «%s» is %s, want %s (rule %s)", quote_prefix,
                  got ? got : "none", speaker, q->rule);
    ck_assert(q->confidence > 0 && q->confidence <= 1);
  }
  if (rule)
    ck_assert_str_eq(q->rule, rule);
  attrib_doc_free(d);
}

START_TEST(basic_patterns) {
  expect_speaker("“We lost the vote,” said Mariam Haddad.", "We lost", "Mariam Haddad", "quote-cue-speaker");
  expect_speaker("“We lost the vote,” Mariam Haddad said.", "We lost", "Mariam Haddad", "quote-speaker-cue");
  expect_speaker("Mariam Haddad said: “We lost the vote.”", "We lost", "Mariam Haddad", "speaker-cue-colon");
  expect_speaker("Mariam Haddad said that “we lost the vote because nobody turned up”.", "we lost",
                 "Mariam Haddad", "speaker-cue-quote");
  expect_speaker("According to Mariam Haddad, “the vote was lost before it began.”", "the vote",
                 "Mariam Haddad", "according-to-quote");
}
END_TEST

START_TEST(pronoun_speakers) {
  expect_speaker("Senator Ruth Abernathy-Cole spoke first. “The bill is dead,” she said.", "The bill",
                 "Ruth Abernathy-Cole", NULL);
  expect_speaker("Mr. Desmond Fairweather spoke first. “The bill is dead,” he added.", "The bill",
                 "Desmond Fairweather", NULL);
  expect_speaker("Corvane Holdings issued a statement. “Sales will recover,” it said.", "Sales",
                 "Corvane Holdings", NULL);
}
END_TEST

START_TEST(description_speakers) {
  expect_speaker("“No decision has been taken,” a spokeswoman for the European Commission said.",
                 "No decision", "European Commission", NULL);
  expect_speaker("“No decision has been taken,” the response from the European Commission reads.",
                 "No decision", "European Commission", NULL);
}
END_TEST

START_TEST(addressee) {
  attrib_doc *d = analyze("Harriet Okoye wrote to the board. “We see no evidence,” a representative for the "
                          "European Commission told Okoye in a reply.");
  const attrib_quote *q = find_quote(d, "We see");
  ck_assert_str_eq(speaker_name(d, q), "European Commission");
  ck_assert_int_ge(q->addressee, 0);
  ck_assert_str_eq(attrib_doc_entity(d, (size_t)q->addressee)->name, "Harriet Okoye");
  ck_assert_str_eq(q->cue_lemma, "tell");
  attrib_doc_free(d);
}
END_TEST

START_TEST(split_and_floating_quotes) {
  const char *text = "“The figures are wrong,” said Aurelio Benedetti. “Nobody checked them.”\n\n"
                     "“We will appeal.”\n\nThe hearing resumes in May.";
  expect_speaker(text, "The figures", "Aurelio Benedetti", NULL);
  expect_speaker(text, "Nobody checked", "Aurelio Benedetti", "floating");
  expect_speaker(text, "We will appeal", "Aurelio Benedetti", "floating");
}
END_TEST

START_TEST(multi_paragraph_run_shares_speaker) {
  const char *text = "Chief executive Ingrid Vasquez-Lund said: “The results are poor.\n\n"
                     "“We expected more from the spring.\n\n“But we will recover,” she added.";
  expect_speaker(text, "The results", "Ingrid Vasquez-Lund", NULL);
  expect_speaker(text, "We expected", "Ingrid Vasquez-Lund", "multi-paragraph");
  expect_speaker(text, "But we will", "Ingrid Vasquez-Lund", NULL);
}
END_TEST

START_TEST(another_speaker_ends_the_run) {
  const char *text = "“Prices will rise,” said Alma Rautio. Her rival Kwame Mensah disagreed sharply.\n\n"
                     "“That is nonsense.”";
  expect_speaker(text, "Prices", "Alma Rautio", NULL);
  attrib_doc *d = analyze(text);
  const attrib_quote *q = find_quote(d, "That is nonsense");
  ck_assert(speaker_name(d, q) == NULL || strcmp(speaker_name(d, q), "Alma Rautio") != 0);
  attrib_doc_free(d);
}
END_TEST

START_TEST(no_speaker_beats_a_wrong_one) {
  expect_speaker("The sign read “Closed for repairs until further notice”. Nobody knew why.", "Closed", NULL,
                 NULL);
}
END_TEST

START_TEST(scare_quotes_have_no_speaker) {
  attrib_doc *d = analyze("The report called the scheme “reckless” on Monday.");
  const attrib_quote *q = find_quote(d, "reckless");
  ck_assert_int_eq(q->kind, ATTRIB_SCARE);
  attrib_doc_free(d);
}
END_TEST

START_TEST(indirect_speech) {
  attrib_doc *d = analyze("Corvane Holdings said it would close two plants next year. The cuts were "
                          "unavoidable, Chief Executive Lotte Brandt said. According to the union, "
                          "300 workers will lose their jobs.");
  const attrib_quote *q = find_quote(d, "it would close");
  ck_assert_ptr_nonnull(q);
  ck_assert_int_eq(q->kind, ATTRIB_INDIRECT);
  ck_assert_str_eq(q->span.text, "it would close two plants next year");
  ck_assert_str_eq(speaker_name(d, q), "Corvane Holdings");
  q = find_quote(d, "The cuts were");
  ck_assert_ptr_nonnull(q);
  ck_assert_str_eq(q->span.text, "The cuts were unavoidable");
  ck_assert_str_eq(speaker_name(d, q), "Lotte Brandt");
  /* reported, but "the union" names no union of the text: no speaker
   * rather than the company named last */
  q = find_quote(d, "300 workers");
  ck_assert_ptr_nonnull(q);
  ck_assert_int_eq(q->kind, ATTRIB_INDIRECT);
  ck_assert_ptr_null(speaker_name(d, q));
  attrib_doc_free(d);
}
END_TEST

/* A quote a verb of speech frames outside quotations, before it or after,
 * is attributed by its own sentence or not at all: it floats to the quote
 * before only with no such verb around it */
START_TEST(framed_quotes_do_not_float) {
  const char *lead = "Mariam Haddad said: \"We lost the vote.\"\n\n";
  char text[256];
  snprintf(text, sizeof text, "%s\"Nobody came to the hall,\" the wind whispered.\n", lead);
  expect_speaker(text, "Nobody came", NULL, NULL);
  snprintf(text, sizeof text, "%sThe wind whispered: \"Nobody came to the hall.\"\n", lead);
  expect_speaker(text, "Nobody came", NULL, NULL);
  snprintf(text, sizeof text, "%s\"Nobody came to the hall.\"\n", lead);
  expect_speaker(text, "Nobody came", "Mariam Haddad", "floating");
}
END_TEST

START_TEST(interview_transcripts) {
  const char *text =
      "By Inga Sorvik\n\nTomas Berglund-Ruiz has sailed alone around the world twice.\n\n"
      "SORVIK: Why go a second time?\n\nBERGLUND-RUIZ: Because the first time I was too scared "
      "to look around.\n\nSORVIK: And now?\n\nBERGLUND-RUIZ: Now I only miss the silence.\n";
  expect_speaker(text, "Why go", "Inga Sorvik", "transcript-label");
  expect_speaker(text, "Because the first", "Tomas Berglund-Ruiz", "transcript-label");
  expect_speaker(text, "Now I only", "Tomas Berglund-Ruiz", "transcript-label");
  const char *qa = "By Inga Sorvik\n\nThe chemist Halima Osei-Tutu left her lab last year. Osei-Tutu now "
                   "plays in a band.\n\nQ: Do you miss the lab?\n\nA: Every day, a little.\n\n"
                   "Q: Would you go back?\n\nA: Never.\n";
  expect_speaker(qa, "Do you miss", "Inga Sorvik", "transcript-label");
  expect_speaker(qa, "Every day", "Halima Osei-Tutu", "transcript-label");
  /* a label naming nobody yet: the person the text names so, by the
   * label's word outside the label's own paragraph (not "Veenstra Lines"
   * there, but the headline-like line after it), and in a headline */
  const char *later = "\"The sea was kind to me,\" Marit Holloway-Brask wrote last winter.\n\nVEENSTRA: "
                      "Why did you stay? Veenstra Lines ran the route before you.\n\nHOLLOWAY-BRASK: "
                      "Because the island needed a ferry.\n\nMore Talks With Pieter Veenstra About The "
                      "Sea\n\nVEENSTRA: Will you retire?\n\nHOLLOWAY-BRASK: Not while the boat still "
                      "floats.\n";
  expect_speaker(later, "Why did you stay", "Pieter Veenstra", "transcript-label");
  expect_speaker(later, "Will you retire", "Pieter Veenstra", "transcript-label");
  const char *headline = "Ferry Captain Talks To Pieter Veenstra About The Sea\n\n\"The sea was kind to "
                         "me,\" Marit Holloway-Brask wrote last winter.\n\nHOLLOWAY-BRASK: I never planned "
                         "to stay.\n\nVEENSTRA: Why did you stay?\n\nHOLLOWAY-BRASK: Because the island "
                         "needed a ferry.\n\nVEENSTRA: Will you retire?\n";
  expect_speaker(headline, "Why did you stay", "Pieter Veenstra", "transcript-label");
  /* a label asked again meets the persons named since it was last asked
   * (each tail of a new person's name goes into the labels' index): the
   * fuller name found for "JAN VEENSTRA" wins the second "VEENSTRA" */
  const char *again = "More Talks With Pieter Jan Veenstra About The Sea\n\nAnneke Veenstra said the ferry "
                      "was late again.\n\nVEENSTRA: Why did you stay?\n\nQ: Was it hard?\n\nJAN "
                      "VEENSTRA: Will you retire?\n\nQ: When?\n\nJAN VEENSTRA: And your boat?\n\n"
                      "VEENSTRA: And then what?\n";
  expect_speaker(again, "Why did you stay", "Anneke Veenstra", "transcript-label");
  expect_speaker(again, "Will you retire", "Pieter Jan Veenstra", "transcript-label");
  expect_speaker(again, "And then what", "Pieter Jan Veenstra", "transcript-label");
  /* of equal names, the first named: "BERG" is Anna Berg, not Olle */
  const char *berg = "Anna Berg and Olle Berg run the farm.\n\nBERG: We started in 1990.\n\nQ: Was it "
                     "hard?\n\nBERG: Every winter.\n\nQ: And now?\n\nBERG: Better.\n";
  expect_speaker(berg, "Every winter", "Anna Berg", "transcript-label");
  /* labels that name nobody yet, each new but of one word the text
   * names a person by: that person for all of them, named there already
   * or made once (not one more person of the same name for each label) */
  const char *kin[2] = {"Liisa Koskela opened the school in 1990.\n\n",
                        "More Talks With Liisa Koskela About The School\n\nThe school opened in 1990.\n\n"};
  for (int k = 0; k < 2; k++) {
    char text[512];
    snprintf(text, sizeof text,
             "%sAARO KOSKELA: Why here?\n\nBEA KOSKELA: Why now?\n\nAARO KOSKELA: And then?\n\n"
             "BEA KOSKELA: Was it hard?\n",
             kin[k]);
    expect_speaker(text, "Why here", "Liisa Koskela", "transcript-label");
    expect_speaker(text, "Was it hard", "Liisa Koskela", "transcript-label");
    attrib_doc *dk = analyze(text);
    size_t named = 0;
    for (size_t e = 0; e < attrib_doc_entity_count(dk); e++)
      named += strcmp(attrib_doc_entity(dk, e)->name, "Liisa Koskela") == 0;
    ck_assert_msg(named == 1, "%zu persons named Liisa Koskela in «%s»", named, text);
    attrib_doc_free(dk);
  }
  /* one "Update:" is no interview */
  attrib_doc *d = analyze("Update: the road has reopened.\n\nPolice said the crash was minor.\n");
  ck_assert_ptr_null(find_quote(d, "the road has"));
  attrib_doc_free(d);
}
END_TEST

/* A paragraph with partial quotes is cut into sentences at each '.' and
 * at partial quotes ending one; an endless run is cut every 400 symbols,
 * and the sentences after the cuts are found as before them */
START_TEST(sentences_after_long_cuts) {
  static char text[4096];
  int n = snprintf(text, sizeof text, "Smith said");
  for (int k = 0; k < 1000; k++)
    n += snprintf(text + n, sizeof text - (size_t)n, ",");
  snprintf(text + n, sizeof text - (size_t)n,
           " he called it \"a very bad deal.\" Jones said the plan would fail. Lee said the vote \"was "
           "rigged.\" Kim said it was fair.\n");
  expect_speaker(text, "a very bad deal", "Smith", NULL);
  expect_speaker(text, "the plan would fail", "Jones", NULL);
  expect_speaker(text, "it was fair", "Kim", NULL);
  attrib_doc *d = analyze(text);
  const attrib_quote *q = find_quote(d, "the vote");
  ck_assert_ptr_nonnull(q);
  ck_assert_str_eq(q->span.text, "the vote \"was rigged.\""); /* its sentence ends with the quote */
  attrib_doc_free(d);
}
END_TEST

START_TEST(no_indirect_option) {
  attrib_options o;
  attrib_options_init(&o);
  o.indirect = 0;
  const char *text = "Corvane Holdings said it would close two plants next year.";
  attrib_doc *d = NULL;
  ck_assert_int_eq(attrib_analyze(test_model, text, strlen(text), &o, &d, NULL), ATTRIB_OK);
  ck_assert_uint_eq(attrib_doc_quote_count(d), 0);
  attrib_doc_free(d);
}
END_TEST

START_TEST(descriptions_documents_and_objects) {
  /* a one-word title after a first name is the surname */
  expect_speaker("“We will not back down,” Amy Pope said.", "We will", "Amy Pope", "quote-speaker-cue");
  /* a description in apposition is the person it describes */
  expect_speaker("Tilde Marsh spoke first. “The roads are closed,” the harbour master, Jonas Brekke, said.",
                 "The roads", "Jonas Brekke", NULL);
  /* a definite leader of a body is the person named before */
  expect_speaker("Paula Ortega said the club would appeal. “We were robbed,” the Ashby Town manager said.",
                 "We were", "Paula Ortega", NULL);
  /* a document speaks for the subject that brought it up */
  expect_speaker("Norvik Freight Ltd said in a statement on Monday that it had cut 40 jobs. “The market has "
                 "changed,” the statement said.",
                 "The market", "Norvik Freight Ltd", NULL);
  /* a possessor is not told anything */
  expect_speaker("Ines Vaca spoke at noon. Ines Vaca said Karl Oddsen's plan would “never work”. “It is "
                 "over,” she said.",
                 "It is over", "Ines Vaca", NULL);
  /* a mention after a preposition does not speak; the speaker after it does */
  expect_speaker("In a statement to the Harbour Gazette, Mara Lind said: “The pier stays open.”", "The pier",
                 "Mara Lind", NULL);
  /* "X said, adding" */
  expect_speaker("Oskar Dahl said on Friday, adding: “The pier stays open.”", "The pier", "Oskar Dahl",
                 "speaker-cue-participle");
}
END_TEST

START_TEST(verbs_that_are_not_speech) {
  /* "a swing state, said": the noun hides no verb */
  expect_speaker("“We will win it,” Ada Brunner, a senator from a swing state, said.", "We will",
                 "Ada Brunner", NULL);
  /* a passive telling verb makes its subject a listener */
  attrib_doc *d = analyze("Oskar Lind, 71, a retired driver, was told in October that he needed a new knee.");
  for (size_t i = 0; i < attrib_doc_quote_count(d); i++)
    ck_assert_msg(speaker_name(d, attrib_doc_quote(d, i)) == NULL, "a listener speaks: %s",
                  speaker_name(d, attrib_doc_quote(d, i)));
  attrib_doc_free(d);
  /* "who" after an apposition is the person described */
  expect_speaker(
      "Mara Holt of Leeds, the party's housing spokeswoman, who said the plan “will not add a single "
      "home”, voted against it.",
      "will not add", "Mara Holt", NULL);
}
END_TEST

START_TEST(study_findings_have_no_speaker) {
  /* a finding document with no author names no one */
  attrib_doc *d = analyze("Larvae from the warm reefs grew faster than others, the study found.");
  for (size_t i = 0; i < attrib_doc_quote_count(d); i++) {
    const attrib_quote *q = attrib_doc_quote(d, i);
    ck_assert_msg(speaker_name(d, q) == NULL, "a study found something and speaks: %s", speaker_name(d, q));
  }
  ck_assert_ptr_null(find_entity(d, "the study"));
  attrib_doc_free(d);
}
END_TEST

/* The statement of an object verb, its speaker, or none; NULL want: no statement at all. */
static void expect_statement(const char *text, const char *want, const char *speaker) {
  attrib_doc *d = analyze(text);
  const attrib_quote *q = NULL;
  for (size_t i = 0; i < attrib_doc_quote_count(d) && !q; i++)
    if (attrib_doc_quote(d, i)->kind == ATTRIB_INDIRECT)
      q = attrib_doc_quote(d, i);
  if (!want) {
    ck_assert_msg(q == NULL, "statement «%s» in «%s»", q ? q->span.text : "", text);
  } else {
    ck_assert_msg(q != NULL, "no statement in «%s»", text);
    ck_assert_str_eq(q->span.text, want);
    const char *got = speaker_name(d, q);
    if (speaker)
      ck_assert_msg(got && strcmp(got, speaker) == 0, "speaker %s, want %s", got ? got : "none", speaker);
    else
      ck_assert_msg(got == NULL, "speaker %s, want none", got);
  }
  attrib_doc_free(d);
}

START_TEST(statements_by_their_object) {
  /* the object of an evaluating or advocating verb is what was said */
  expect_statement("Senator Ilse Varga criticized the ministry for closing the rural clinics.",
                   "the ministry for closing the rural clinics", "Ilse Varga");
  expect_statement("Ilse Varga urged voters to reject the budget.", "voters to reject the budget",
                   "Ilse Varga");
  /* a passive judges its subject: it did not speak */
  expect_statement("Ilse Varga was criticized for closing the rural clinics.", NULL, NULL);
  /* "the loopholes he cited are": the object stood before the verb */
  expect_statement("Ilse Varga spoke. The two loopholes she cited are hard to close.", NULL, NULL);
  /* a question asked, its asker unnamed */
  expect_statement("Asked about the closures on Monday, Ilse Varga said nothing.",
                   "about the closures on Monday", NULL);
}
END_TEST

START_TEST(subjects_of_reports) {
  /* he's: a contraction, so "predicting" is the verb */
  expect_statement("Ilse Varga spoke on Monday. And she's predicting that the budget will fail.",
                   "the budget will fail", "Ilse Varga");
  /* a name closing an apposition speaks */
  expect_statement("Her lawyer, Tomas Brenner, wrote in a filing that the request was futile.",
                   "the request was futile", "Tomas Brenner");
  /* a name with an age, after the verb */
  expect_speaker("“We need the clinic,” says Misha Orlov, 32, of Leeds.", "We need", "Misha Orlov", NULL);
  /* a quote credited after a dash (a horizontal bar here) */
  expect_speaker("The clinic closed.\n\n“We need the clinic, and we need it now.” ― Maria Orlov.", "We need",
                 "Maria Orlov", "quote-dash-name");
  /* a credit line with no full stop is no headline; an unknown name after the dash is a person */
  expect_speaker("The clinic closed.\n\n“It matters to us.” ― Zeynep Okafor", "It matters", "Zeynep Okafor",
                 "quote-dash-name");
  /* "they" with no body named: the people described before */
  expect_speaker("Protesters gathered outside the hall.\n\nThey chanted “stop the cuts now” for an hour.",
                 "stop the cuts", "Protesters", NULL);
  /* "her campaign" speaks for the one "her" means */
  expect_statement("Ilse Varga spoke in Leeds on Monday. Her campaign said the event drew 2,000 people.",
                   "the event drew 2,000 people", "Ilse Varga");
  /* a sentence-opening preposition makes an object */
  expect_speaker("In Washington, Tomas Brenner released a statement calling the ruling “a disgrace.”",
                 "a disgrace", "Tomas Brenner", NULL);
}
END_TEST

/* A rule's DFA (rulescan.c) reads a looser pattern: it must accept every
 * subject the rule matches, or a rule would be skipped where it fires.
 * Checked on subjects the rules met in news text and on each of their
 * one-symbol variants; and the paired scan (rule_may_match_dfa2) must
 * answer for each of its two rules as the single one does. */
START_TEST(rule_dfa_accepts_every_match) {
  /* space-separated */
  static const char seeds[] =
      "wwwwwP,wwwaiP-Vwiwiw. wPViD,Q Pawwww+wwPV,Qw,N,+wwiwwaaaww. w,NVwiwWWWW. PbTwwwawwwoww;TawwwiiwW. "
      "-NowiP: w,Pww:Q O:GWvWWWiO. AD,Q NV,QPV,qD,iw,wiwwwwwwiwiow. Dwww,+aVw-www. www,Pbiw. "
      "NaawwOw,wwwTaawwwwwiwwiwwaw,AwwwiO. N,wwiw,DiWw,Vw,Q wDwVwwiwiDiwwiwOw,PaVPbNias+owwiDwQ "
      "wa,Nwwwiw,VO,Q NavwOViww,V,Q G,wiwwQoNip iwwwiwOw,NV,wawwaawiww. NwiWww,VTPawwp AN,waawiwww,+aaQ "
      "Qwwiwwww,NV. PVTNap+QwPaiwiwwwww. iWQW,PV,qVwPawPawwiwww,NV,q wWWWWVWWWWWW NQ "
      "iwaw,DV,iwawiwwiwwww,wiwwwiwaa. Q,-N N:Q wNV(wW),Q wNVNTPVwwwwq. N,wD,aVPwww.";
  static const char alphabet[] = "QqpsNOGPDVvobAaTi+Ww,:;()-.x";
  const attrib_model *m = test_model;
  pcre2_match_data *md = pcre2_match_data_create(32, NULL);
  ck_assert_ptr_nonnull(md);
  size_t matches = 0;
  for (size_t r = 0; r < m->n_rules; r++) {
    const rule *ru = &m->rules[r];
    for (const char *seed = seeds; *seed;) {
      size_t n = strcspn(seed, " ");
      char buf[64];
      ck_assert_uint_lt(n, sizeof buf);
      /* variant (at, a): symbol at replaced by alphabet[a]; at == n: the seed
       * itself, also from later offsets */
      for (size_t at = 0; at <= n; at++)
        for (size_t a = 0; a < (at < n ? sizeof alphabet - 1 : 1); a++) {
          memcpy(buf, seed, n);
          buf[n] = '\0';
          if (at < n)
            buf[at] = alphabet[a];
          for (size_t from = 0; from < (at < n ? 1 : 3) && from <= n; from++) {
            int rc = ru->jit ? pcre2_jit_match(ru->code, (PCRE2_SPTR)buf, n, from, 0, md, m->mctx)
                             : pcre2_match(ru->code, (PCRE2_SPTR)buf, n, from, 0, md, m->mctx);
            matches += rc > 0;
            int may = rule_may_match_dfa(ru, buf, from, n);
            ck_assert_msg(rc <= 0 || may, "rule %s matches «%s» from %zu, its DFA does not", ru->name, buf,
                          from);
            /* two rules' DFAs run side by side answer as each alone */
            const rule *rb = &m->rules[(r + 1 + at) % m->n_rules];
            ck_assert_uint_eq(rule_may_match_dfa2(ru, rb, buf, from, n),
                              (unsigned)may | (unsigned)rule_may_match_dfa(rb, buf, from, n) << 1);
            /* a quote rule's window has one Q: the scan may start or stop there */
            const char *q = strchr(buf, 'Q');
            if (rc > 0 && q && !strchr(q + 1, 'Q') && from == 0) {
              size_t k = (size_t)(q - buf);
              ck_assert_msg(rule_may_match_quote(ru, buf, k, n),
                            "rule %s matches «%s», its DFA from Q at %zu not", ru->name, buf, k);
            }
          }
        }
      seed += n + (seed[n] == ' ');
    }
  }
  ck_assert_uint_gt(matches, 1000);
  /* and it does rule out: the symbols of speaker-cue-clause, not next to each other */
  for (size_t r = 0; r < m->n_rules; r++)
    if (strcmp(m->rules[r].name, "speaker-cue-clause") == 0)
      ck_assert(!rule_may_match_dfa(&m->rules[r], "NwwwVTwwww.", 0, 11));
  pcre2_match_data_free(md);
}
END_TEST

int main(void) {
  Suite *s = suite_create("attribution");
  TCase *tc = tcase_create("attribution");
  tcase_add_unchecked_fixture(tc, test_model_setup, test_model_teardown);
  /* rule_dfa_accepts_every_match makes about a million PCRE2 calls: over
   * Check's default 4 s under the sanitizers */
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, basic_patterns);
  tcase_add_test(tc, rule_dfa_accepts_every_match);
  tcase_add_test(tc, statements_by_their_object);
  tcase_add_test(tc, subjects_of_reports);
  tcase_add_test(tc, pronoun_speakers);
  tcase_add_test(tc, description_speakers);
  tcase_add_test(tc, addressee);
  tcase_add_test(tc, split_and_floating_quotes);
  tcase_add_test(tc, framed_quotes_do_not_float);
  tcase_add_test(tc, multi_paragraph_run_shares_speaker);
  tcase_add_test(tc, another_speaker_ends_the_run);
  tcase_add_test(tc, no_speaker_beats_a_wrong_one);
  tcase_add_test(tc, scare_quotes_have_no_speaker);
  tcase_add_test(tc, indirect_speech);
  tcase_add_test(tc, no_indirect_option);
  tcase_add_test(tc, interview_transcripts);
  tcase_add_test(tc, descriptions_documents_and_objects);
  tcase_add_test(tc, study_findings_have_no_speaker);
  tcase_add_test(tc, sentences_after_long_cuts);
  tcase_add_test(tc, verbs_that_are_not_speech);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
