/* Threads sharing one model, through include/attrib.h only.
 *
 * Loads the default model once, renders every article of the gold corpus
 * to JSON (compact and pretty) on one thread, then runs THREADS threads
 * that each analyse every article ROUNDS times, each thread starting at a
 * different article, and compares every output byte for byte with the
 * single-threaded one. Built normally it checks determinism under
 * contention; built with -fsanitize=thread (ATTRIB_TSAN=ON) ThreadSanitizer
 * also checks that sharing the model involves no data race.
 *
 * usage: test_threads [ARTICLES_DIR]    (default: the gold articles)
 * env:   ATTRIB_THREADS_ROUNDS  rounds over the corpus per thread (default 4)
 *        ATTRIB_THREADS_CANARY  =1: race on purpose and exit; tools/test.sh
 *                               uses it to prove that TSan reports fail.
 * Exit status 0 when every output matched, 1 otherwise. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"

#ifndef ATTRIB_GOLD_ARTICLES
#error "ATTRIB_GOLD_ARTICLES must point at tests/gold/articles"
#endif

enum { THREADS = 8, MAX_ARTICLES = 4096 };

typedef struct article {
  char *name;
  char *text;
  size_t len;
  char *json[2]; /* flags 0 and ATTRIB_JSON_PRETTY, from the single-threaded run */
  size_t json_len[2];
} article;

static article articles[MAX_ARTICLES];
static size_t n_articles;
static attrib_model *model;
static attrib_options options;
static int rounds = 4;
static pthread_barrier_t start;

typedef struct worker_state {
  int id;
  size_t analysed;
  size_t mismatches;
  char first_error[512];
} worker_state;

static int by_name(const void *a, const void *b) {
  return strcmp(((const article *)a)->name, ((const article *)b)->name);
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 16, n = 0;
  char *data = malloc(cap);
  for (;;) {
    if (!data)
      break;
    if (n == cap) {
      char *nd = realloc(data, cap * 2);
      if (!nd) {
        free(data);
        data = NULL;
        break;
      }
      data = nd;
      cap *= 2;
    }
    size_t r = fread(data + n, 1, cap - n, f);
    n += r;
    if (r == 0)
      break;
  }
  if (data && ferror(f)) {
    free(data);
    data = NULL;
  }
  fclose(f);
  *len = n;
  return data;
}

static int load_articles(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "threads: cannot open %s\n", dir);
    return 0;
  }
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t nl = strlen(e->d_name);
    if (nl < 5 || strcmp(e->d_name + nl - 4, ".txt") != 0)
      continue;
    if (n_articles == MAX_ARTICLES) {
      fprintf(stderr, "threads: more than %d articles in %s\n", MAX_ARTICLES, dir);
      break;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    article *a = &articles[n_articles];
    a->text = read_file(path, &a->len);
    if (!a->text) {
      fprintf(stderr, "threads: cannot read %s\n", path);
      closedir(d);
      return 0;
    }
    a->name = strdup(e->d_name);
    n_articles++;
  }
  closedir(d);
  qsort(articles, n_articles, sizeof articles[0], by_name);
  return n_articles > 0;
}

/* Analyses a and renders it with flags; returns NULL and fills why on error. */
static char *render(const article *a, unsigned flags, size_t *len, char *why, size_t why_size) {
  attrib_doc *doc = NULL;
  attrib_error err;
  char *json = NULL;
  attrib_status st = attrib_analyze(model, a->text, a->len, &options, &doc, &err);
  if (st != ATTRIB_OK) {
    snprintf(why, why_size, "%s: analysis failed: %s: %s", a->name, attrib_status_str(st), err.message);
    return NULL;
  }
  st = attrib_doc_to_json(doc, a->name, flags, &json, len, &err);
  attrib_doc_free(doc);
  if (st != ATTRIB_OK) {
    snprintf(why, why_size, "%s: JSON failed: %s: %s", a->name, attrib_status_str(st), err.message);
    return NULL;
  }
  return json;
}

static void *worker(void *arg) {
  worker_state *w = arg;
  pthread_barrier_wait(&start);
  for (int r = 0; r < rounds; r++) {
    for (size_t k = 0; k < n_articles; k++) {
      /* each thread walks the corpus from its own starting point */
      const article *a = &articles[(k + (size_t)w->id * n_articles / THREADS) % n_articles];
      unsigned flags = (unsigned)((k + (size_t)r + (size_t)w->id) % 2);
      char why[400] = "";
      size_t len = 0;
      char *json = render(a, flags, &len, why, sizeof why);
      w->analysed++;
      if (!json || len != a->json_len[flags] || memcmp(json, a->json[flags], len) != 0) {
        if (!w->mismatches++) {
          if (json) {
            size_t i = 0, m = len < a->json_len[flags] ? len : a->json_len[flags];
            while (i < m && json[i] == a->json[flags][i])
              i++;
            snprintf(why, sizeof why, "%s (%s): %zu bytes, want %zu; first difference at byte %zu", a->name,
                     flags ? "pretty" : "compact", len, a->json_len[flags], i);
          }
          snprintf(w->first_error, sizeof w->first_error, "thread %d, round %d: %s", w->id, r, why);
        }
      }
      attrib_free(json);
    }
  }
  return NULL;
}

/* A deliberate data race, to prove that the sanitizer reports fail. */
static int canary_counter;
static void *canary(void *arg) {
  (void)arg;
  for (int i = 0; i < 1000; i++)
    canary_counter++;
  return NULL;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : ATTRIB_GOLD_ARTICLES;
  const char *env = getenv("ATTRIB_THREADS_ROUNDS");
  if (env && atoi(env) > 0)
    rounds = atoi(env);
  env = getenv("ATTRIB_THREADS_CANARY");
  if (env && strcmp(env, "1") == 0) {
    pthread_t a, b;
    pthread_create(&a, NULL, canary, NULL);
    pthread_create(&b, NULL, canary, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("threads: canary counter %d\n", canary_counter);
    return 0;
  }

  attrib_error err;
  if (attrib_model_load(NULL, &model, &err) != ATTRIB_OK) {
    fprintf(stderr, "threads: cannot load the default model: %s\n", err.message);
    return 1;
  }
  attrib_options_init(&options);
  if (!load_articles(dir)) {
    fprintf(stderr, "threads: no articles in %s\n", dir);
    return 1;
  }

  /* the reference: one thread */
  for (size_t i = 0; i < n_articles; i++) {
    for (unsigned flags = 0; flags < 2; flags++) {
      char why[400];
      articles[i].json[flags] = render(&articles[i], flags, &articles[i].json_len[flags], why, sizeof why);
      if (!articles[i].json[flags]) {
        fprintf(stderr, "threads: single-threaded run: %s\n", why);
        return 1;
      }
    }
  }

  pthread_t th[THREADS];
  worker_state ws[THREADS];
  pthread_barrier_init(&start, NULL, THREADS);
  for (int t = 0; t < THREADS; t++) {
    memset(&ws[t], 0, sizeof ws[t]);
    ws[t].id = t;
    if (pthread_create(&th[t], NULL, worker, &ws[t]) != 0) {
      fprintf(stderr, "threads: cannot create thread %d\n", t);
      return 1;
    }
  }
  size_t analysed = 0, mismatches = 0;
  for (int t = 0; t < THREADS; t++) {
    pthread_join(th[t], NULL);
    analysed += ws[t].analysed;
    mismatches += ws[t].mismatches;
    if (ws[t].mismatches)
      fprintf(stderr, "threads: FAIL: %zu mismatches; first: %s\n", ws[t].mismatches, ws[t].first_error);
  }
  pthread_barrier_destroy(&start);

  for (size_t i = 0; i < n_articles; i++) {
    free(articles[i].name);
    free(articles[i].text);
    attrib_free(articles[i].json[0]);
    attrib_free(articles[i].json[1]);
  }
  attrib_model_free(model);

  if (mismatches || analysed != (size_t)THREADS * (size_t)rounds * n_articles) {
    fprintf(stderr, "threads: FAIL: %zu of %zu analyses differ from the single-threaded run\n", mismatches,
            analysed);
    return 1;
  }
  printf("threads: %d threads x %d rounds x %zu articles: all %zu outputs identical to the single-threaded "
         "run\n",
         THREADS, rounds, n_articles, analysed);
  return 0;
}
