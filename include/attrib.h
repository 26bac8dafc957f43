/*
 * attrib.h: quote attribution and entity extraction for English news.
 *
 * The whole public API. Two objects:
 *   attrib_model  compiled rules and word lists; immutable once loaded and
 *                 shared by any number of threads without locking.
 *   attrib_doc    the analysis of one text; owns every result string and
 *                 array (one arena, freed at once by attrib_doc_free()).
 *
 * Results are borrowed views: pointers returned by accessors stay valid
 * until their owner is freed. Every _free function accepts NULL.
 * The library keeps no mutable global state, never prints, never exits and
 * never aborts: every failure comes back as an attrib_status, with details
 * in an optional attrib_error.
 *
 * Offsets are byte offsets into the UTF-8 input as given, half-open
 * [start, end).
 */
#ifndef ATTRIB_H
#define ATTRIB_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(ATTRIB_SHARED)
#define ATTRIB_API __declspec(dllexport)
#elif defined(__GNUC__)
#define ATTRIB_API __attribute__((visibility("default")))
#else
#define ATTRIB_API
#endif

#define ATTRIB_VERSION_MAJOR 0
#define ATTRIB_VERSION_MINOR 1
#define ATTRIB_VERSION_PATCH 0
#define ATTRIB_VERSION_STRING "0.1.0"
/* Version of the JSON output contract. */
#define ATTRIB_SCHEMA 1

/* Status codes. Codes are only ever appended, never renumbered. */
typedef enum attrib_status {
  ATTRIB_OK = 0,
  ATTRIB_ERR_NOMEM = 1,     /* out of memory */
  ATTRIB_ERR_ARG = 2,       /* invalid argument (NULL where not allowed) */
  ATTRIB_ERR_UTF8 = 3,      /* input is not valid UTF-8; offset says where */
  ATTRIB_ERR_BINARY = 4,    /* input holds NUL or control bytes: not text */
  ATTRIB_ERR_TOO_LARGE = 5, /* input exceeds the configured maximum size */
  ATTRIB_ERR_MODEL = 6,     /* a model file is malformed; file and line say where */
  ATTRIB_ERR_IO = 7,        /* a model file or directory could not be read */
  ATTRIB_ERR_LIMIT = 8      /* reserved: a processing limit; today a rule that reaches the PCRE2
                               match or depth limit simply does not match, and analysis goes on */
} attrib_status;

/* Details of a failure. Filled when a non-NULL pointer is passed. */
typedef struct attrib_error {
  attrib_status code;
  char message[256]; /* one line, no trailing newline */
  size_t offset;     /* byte offset in the input, for UTF-8/binary errors */
  char file[256];    /* model file, for model errors; "" otherwise */
  unsigned line;     /* line in that file, 0 if none */
} attrib_error;

/* A static, human-readable name of a status code. Never NULL. */
ATTRIB_API const char *attrib_status_str(attrib_status code);

/* Library version, as ATTRIB_VERSION_STRING of the built library. */
ATTRIB_API const char *attrib_version(void);

/* ---- model ------------------------------------------------------------ */

typedef struct attrib_model attrib_model;

/*
 * Compiles a model. dir == NULL gives the default model embedded in the
 * library at build time (no files needed); otherwise dir is a directory
 * holding the same files as the project's models/ folder.
 * On success *out owns a new model (free with attrib_model_free()).
 * Thread-safe; the model may then be used from any number of threads.
 */
ATTRIB_API attrib_status attrib_model_load(const char *dir, attrib_model **out, attrib_error *err);

/* Frees a model. NULL is accepted. No doc made with it may be used after. */
ATTRIB_API void attrib_model_free(attrib_model *model);

/* ---- options ---------------------------------------------------------- */

/* Options for attrib_analyze(). Initialise with attrib_options_init(). */
typedef struct attrib_options {
  size_t max_input_bytes; /* inputs larger than this fail with ATTRIB_ERR_TOO_LARGE; default 64 MiB */
  int indirect;           /* report indirect speech (default 1) */
} attrib_options;

/* Fills opts with the defaults. */
ATTRIB_API void attrib_options_init(attrib_options *opts);

/* ---- analysis ----------------------------------------------------------- */

typedef struct attrib_doc attrib_doc;

typedef enum attrib_entity_type {
  ATTRIB_PERSON = 0,
  ATTRIB_ORG = 1,
  ATTRIB_COUNTRY = 2,
  ATTRIB_LOCATION = 3
} attrib_entity_type;

typedef enum attrib_quote_kind {
  ATTRIB_DIRECT = 0,  /* quoted speech, one or more sentences */
  ATTRIB_PARTIAL = 1, /* quoted fragment inside the writer's sentence */
  ATTRIB_SCARE = 2,   /* a term or name in quotation marks, no speech */
  ATTRIB_INDIRECT = 3 /* reported speech without quotation marks */
} attrib_quote_kind;

/* A byte span of the input and its text (not NUL-terminated inside the
 * input; text points into the doc's own NUL-terminated copy). */
typedef struct attrib_span {
  size_t start, end;
  const char *text; /* NUL-terminated copy of input[start, end) */
} attrib_span;

typedef struct attrib_entity {
  const char *id; /* "e1", "e2", ... */
  attrib_entity_type type;
  const char *name; /* canonical name */
  size_t n_mentions;
  const attrib_span *mentions; /* in text order */
} attrib_entity;

typedef struct attrib_quote {
  const char *id; /* "q1", ... */
  attrib_quote_kind kind;
  attrib_span span;            /* content, without quotation marks */
  long speaker;                /* index into the doc's entities, or -1 when unknown */
  attrib_span speaker_mention; /* valid when speaker >= 0 */
  int has_cue;
  attrib_span cue;       /* valid when has_cue */
  const char *cue_lemma; /* valid when has_cue */
  long addressee;        /* entity index, or -1 */
  double confidence;     /* in [0, 1] */
  const char *rule;      /* name of the rule that attributed it ("none" if no speaker) */
} attrib_quote;

/*
 * Analyses text[0, len) (UTF-8, never modified, need not be NUL-terminated).
 * model: a loaded model (required). opts: NULL for defaults.
 * On success *out owns a new doc (free with attrib_doc_free()).
 * Fails with ATTRIB_ERR_UTF8 / ATTRIB_ERR_BINARY (err->offset says where),
 * ATTRIB_ERR_TOO_LARGE, ATTRIB_ERR_NOMEM. Empty input is valid and gives
 * an empty analysis. Thread-safe: any number of threads may analyse with
 * one model at once.
 */
ATTRIB_API attrib_status attrib_analyze(const attrib_model *model, const char *text, size_t len,
                                        const attrib_options *opts, attrib_doc **out, attrib_error *err);

/* Frees a doc and everything borrowed from it. NULL is accepted. */
ATTRIB_API void attrib_doc_free(attrib_doc *doc);

ATTRIB_API size_t attrib_doc_paragraph_count(const attrib_doc *doc);
ATTRIB_API size_t attrib_doc_sentence_count(const attrib_doc *doc);

ATTRIB_API size_t attrib_doc_entity_count(const attrib_doc *doc);
/* The i-th entity, or NULL when i is out of range. Borrowed from doc. */
ATTRIB_API const attrib_entity *attrib_doc_entity(const attrib_doc *doc, size_t i);

ATTRIB_API size_t attrib_doc_quote_count(const attrib_doc *doc);
/* The i-th quote in text order, or NULL when i is out of range. */
ATTRIB_API const attrib_quote *attrib_doc_quote(const attrib_doc *doc, size_t i);

/* Names of enum values as used in the JSON output ("PERSON", "direct"). */
ATTRIB_API const char *attrib_entity_type_str(attrib_entity_type type);
ATTRIB_API const char *attrib_quote_kind_str(attrib_quote_kind kind);

/* JSON output flags. */
#define ATTRIB_JSON_PRETTY 1u

/*
 * Renders the doc as the JSON of the output contract (docs/output.md).
 * source: the "document.source" value (may be NULL for null).
 * On success *out is a new NUL-terminated string the caller frees with
 * attrib_free(); *out_len (may be NULL) gets its length.
 */
ATTRIB_API attrib_status attrib_doc_to_json(const attrib_doc *doc, const char *source, unsigned flags,
                                            char **out, size_t *out_len, attrib_error *err);

/* Frees memory returned by the library (attrib_doc_to_json()). NULL is accepted. */
ATTRIB_API void attrib_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* ATTRIB_H */
