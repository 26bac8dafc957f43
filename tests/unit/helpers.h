/* helpers.h: shared fixtures of the unit tests. One default model per test
 * process, loaded in an unchecked fixture before Check forks. */
#ifndef ATTRIB_TEST_HELPERS_H
#define ATTRIB_TEST_HELPERS_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"

extern attrib_model *test_model;

void test_model_setup(void);
void test_model_teardown(void);

/* Analyses a NUL-terminated text with the default model; fails the test
 * on error. Free with attrib_doc_free(). */
attrib_doc *analyze(const char *text);

/* The first quote whose text starts with prefix, or NULL. */
const attrib_quote *find_quote(const attrib_doc *d, const char *prefix);

/* The entity with that canonical name, or NULL. */
const attrib_entity *find_entity(const attrib_doc *d, const char *name);

/* Canonical name of the quote's speaker, or NULL. */
const char *speaker_name(const attrib_doc *d, const attrib_quote *q);

/* Runs the suite; returns the process exit status. */
int run_suite(Suite *s);

#endif
