/*
 * eval.h: internal interfaces of attrib-eval, the regression scorer.
 * Nothing here is public API; the engine is reached only through attrib.h.
 */
#ifndef ATTRIB_EVAL_H
#define ATTRIB_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#if defined(__GNUC__)
#define AE_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define AE_PRINTF(f, a)
#endif

/* ---- util.c: memory, strings, files, JSON access ------------------------ */

/* Prints "attrib-eval: MESSAGE" on stderr and exits 2 (bad usage or input). */
_Noreturn void ae_die(const char *fmt, ...) AE_PRINTF(1, 2);
void *ae_xmalloc(size_t n);
void *ae_xrealloc(void *p, size_t n);
char *ae_xstrdup(const char *s);
char *ae_xstrndup(const char *s, size_t n);
char *ae_xasprintf(const char *fmt, ...) AE_PRINTF(1, 2);

/* Growable NUL-terminated byte string. */
typedef struct sbuf {
  char *s;
  size_t len, cap;
} sbuf;
void ae_sb_add(sbuf *b, const char *s, size_t n);
void ae_sb_puts(sbuf *b, const char *s);
void ae_sb_printf(sbuf *b, const char *fmt, ...) AE_PRINTF(2, 3);
char *ae_sb_take(sbuf *b); /* returns the string (never NULL), resets b */

/* List of owned strings; also used as a small set (linear, documents are small). */
typedef struct strlist {
  char **v;
  size_t n, cap;
} strlist;
void ae_sl_push(strlist *l, char *owned);
int ae_sl_has(const strlist *l, const char *s);
void ae_sl_add_unique(strlist *l, char *owned); /* frees owned when already there */
void ae_sl_sort(strlist *l);
void ae_sl_free(strlist *l);

/* Whole file, NUL-terminated (len excludes the NUL); NULL with errno on failure. */
char *ae_read_file(const char *path, size_t *len);
char *ae_path_join(const char *dir, const char *name);
int ae_is_dir(const char *path);
int ae_same_dir(const char *a, const char *b);
/* Sorted names in dir (byte order == Python's str order) that keep(name) accepts. -1 if unreadable.
 */
int ae_list_dir(const char *dir, int (*keep)(const char *name, const void *arg), const void *arg,
                strlist *out);

/* Strict UTF-8 decode (Python's "utf-8" codec rules). 0 on success, -1 if invalid. */
int ae_utf8_decode(const char *s, size_t len, uint32_t **cps, size_t *n);
size_t ae_utf8_encode(uint32_t cp, char out[4]);
/* Code points cp[0, n) as a new UTF-8 string (never NULL). */
char *ae_utf8_from_cps(const uint32_t *cp, size_t n);
/* Byte length of the first ncp code points of a valid UTF-8 string. */
size_t ae_utf8_prefix(const char *s, size_t ncp);

/* Parses like Python's json.load on a file opened as UTF-8: rejects invalid UTF-8, a BOM,
 * control characters in strings and trailing data. NULL with *why (static) on failure. */
cJSON *ae_json_parse_strict(const char *buf, size_t len, const char **why);
/* obj[key] as Python's dict sees it (last duplicate wins); NULL if absent or obj not an object. */
const cJSON *ae_jget(const cJSON *obj, const char *key);
int ae_jtruthy(const cJSON *v);                                 /* Python truthiness */
const char *ae_jstr(const cJSON *obj, const char *key);         /* string value or NULL */
double ae_jnum(const cJSON *obj, const char *key, double dflt); /* obj.get(key, dflt) as a number */

/* ---- textnorm.c: the scripts' string normalisations ----------------------- */

char *ae_norm_gold(const char *s);       /* score.py norm(); NULL is "" */
char *ae_norm_polnear(const char *s);    /* score_polnear.py norm(); NULL is "" */
void ae_py_repr(sbuf *b, const char *s); /* Python repr() of a str; NULL gives None */
int ae_py_isspace(uint32_t cp);
int ae_py_isword(uint32_t cp);  /* re's \w on str patterns */
int ae_py_decimal(uint32_t cp); /* digit value of re's \d, or -1 */
void ae_textnorm_check(void);   /* dies when ICU's normaliser is unavailable */

/* ---- scores ------------------------------------------------------------- */

typedef struct counts {
  long tp, fp, fn;
} counts;

void ae_prf(counts c, double *p, double *r, double *f); /* same arithmetic as the scripts' f1() */

enum { ENT_PERSON, ENT_ORG, ENT_COUNTRY, ENT_LOCATION, ENT_N };
extern const char *const ae_ent_names[ENT_N];

typedef struct gold_scores {
  long docs;
  counts quote, indirect, ent[ENT_N];
  counts attrib_raw; /* before the wrong-speaker correction, as C["attrib"] in score.py */
  long spk_ok, spk_n;
  /* found statements with a gold and a predicted speaker, by confidence:
   * [0] >= 0.9, [1] >= 0.75, [2] below */
  long cal_right[3], cal_n[3];
} gold_scores;

typedef struct brat_scores {
  long docs;
  counts content[2], attrib[2]; /* [0] all, [1] quoted */
  long srcok[2], withsrc[2];
} brat_scores;

/* ---- score_gold.c ------------------------------------------------------- */

/* Loads and checks one gold file; dies (exit 2) on anything score.py would crash on. */
cJSON *ae_gold_load(const char *path);
/* Scores one document into S; appends error lines to errors (NULL: none kept). */
void ae_gold_score_doc(gold_scores *S, const char *gf, const cJSON *gold, const char *art, size_t art_len,
                       const cJSON *pred, strlist *errors);
counts ae_gold_attrib(const gold_scores *S);

/* ---- score_brat.c ------------------------------------------------------- */

typedef struct brat_doc brat_doc;
/* Loads an article's first .ann; dies on what score_polnear.py would crash on. */
brat_doc *ae_brat_load(const char *txt_path, const char *text, size_t len, const char *ann_path);
void ae_brat_score_doc(brat_scores *S, const brat_doc *g, const cJSON *pred, const char *name,
                       strlist *errors);
void ae_brat_free(brat_doc *g);

/* ---- predict.c ---------------------------------------------------------- */

typedef struct predictor predictor;
/* pred_dir != NULL: saved outputs; else the engine in-process with model_dir (NULL: built-in). */
predictor *ae_predictor_new(const char *pred_dir, const char *model_dir);
/* The prediction for article NAME (file name src_name, bytes text[0,len)); NULL with *why
 * (owned, free it) when there is none, which the caller scores as an empty prediction. */
cJSON *ae_predictor_get(predictor *pr, const char *name, const char *src_name, const char *text, size_t len,
                        char **why);
void ae_predictor_free(predictor *pr);

#endif
