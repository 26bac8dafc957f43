/* Internal interface of the attrib command (not installed).
 *   main.c   options, the list of input files (directories expanded), file inputs
 *   batch.c  worker threads, the in-order writer, progress
 *   jsonl.c  JSON Lines on standard input (--jsonl)
 *   tsv.c    --format tsv: one line per quote
 *   html.c   --format html: one self-contained page per article
 *   buf.c    the growable buffer both build their output in
 */
#ifndef ATTRIB_CLI_H
#define ATTRIB_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "attrib.h"

/* --format */
typedef enum cli_format { CLI_FORMAT_JSON = 0, CLI_FORMAT_TSV, CLI_FORMAT_HTML } cli_format;

/* Settings shared read-only by every thread. */
typedef struct cli_cfg {
  const attrib_model *model;
  attrib_options opts;
  unsigned json_flags;
  cli_format format;
  const char *out_dir; /* -o: write DIR/NAME.json (.tsv, .html) per input instead of stdout */
  unsigned jobs;       /* worker threads, >= 1 */
  int quiet;           /* --quiet: no progress line */
} cli_cfg;

/* One input on its way through the pipeline. The producer fills the first
 * group, one worker the second, then the writer prints it and clears it.
 * Every pointer is owned by the item unless marked borrowed. */
typedef struct cli_item {
  /* producer */
  const char *path;   /* file input: its name (borrowed from the input list) */
  unsigned long line; /* JSONL input: its line number, from 1 */
  char *text;         /* preloaded input (standard input, JSONL text) */
  size_t text_len;
  int has_text;
  char *id;         /* JSONL: the raw JSON of the record's id ("null" when absent) */
  const char *code; /* an error the producer already found: static code, ... */
  char *msg;        /* ... and its message */
  size_t bytes;     /* input size, for the progress line */
  /* worker */
  char *out; /* what to write: JSON (result or JSONL error record) without
              * its final newline, or TSV/HTML text ending in one */
  size_t out_len;
  char *err; /* the one stderr line for a failure, without newline */
  int failed;
} cli_item;

/* Fills *it with the next input: 1, or 0 when there is none. Called from one
 * thread only, in input order. */
typedef int (*cli_next_fn)(void *ctx, cli_item *it);
/* Analyses an item: sets out/err/failed. Called from any worker thread. */
typedef void (*cli_work_fn)(void *ctx, cli_item *it);

/*
 * Runs every input the producer gives through c->jobs worker threads and
 * writes the results in input order (stdout, or c->out_dir). At most
 * 4 * jobs inputs are in memory at once. total: the number of inputs when
 * known (for the progress line), 0 when not; total_bytes likewise.
 * Returns 1 when any input failed or output could not be written, else 0;
 * -1 when the threads could not be started (nothing was processed).
 */
int cli_batch_run(const cli_cfg *c, cli_next_fn next, cli_work_fn work, void *ctx, unsigned long total,
                  unsigned long long total_bytes, const char *unit);

/* Frees what an item owns and zeroes it. */
void cli_item_clear(cli_item *it);

/* malloc'd printf; NULL when out of memory. */
char *cli_strf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Reads all of f into a new buffer. Returns 0, or an errno value; sets
 * *too_large instead when f holds more than max bytes. */
int cli_read_all(FILE *f, size_t max, char **data, size_t *len, int *too_large);

/* Runs --jsonl: records on standard input, results on standard output. */
int cli_jsonl_run(const cli_cfg *c);

/* ---- renderers (tsv.c, html.c) ----------------------------------------- */

/* A growable string; oom is set (and stays set) when an append fails. */
typedef struct cli_buf {
  char *s;
  size_t len, cap;
  int oom;
} cli_buf;

void cli_buf_add(cli_buf *b, const char *s, size_t n);
void cli_buf_puts(cli_buf *b, const char *s);
void cli_buf_printf(cli_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Hands the NUL-terminated contents to the caller (0), or frees them and
 * returns -1 when any append ran out of memory. */
int cli_buf_finish(cli_buf *b, char **out, size_t *len);

/* A confidence as the JSON writes it: "0", "0.9", "0.95", "1". */
void cli_confidence(char out[8], double c);

/* The TSV header line, with its newline: printed once per run (once per
 * file with -o). */
extern const char cli_tsv_header[];

/* One TSV line per quote of doc, each ending in a newline ("" when there
 * are none). source: the file column ("-" when NULL). On success (0) *out
 * is the caller's to free(); -1 when out of memory. Thread-safe. */
int cli_render_tsv(const attrib_doc *doc, const char *source, char **out, size_t *out_len);

/* The HTML page of doc, which was analysed from text[0, len). source: the
 * name in the title. Ownership and return as cli_render_tsv(). */
int cli_render_html(const attrib_doc *doc, const char *text, size_t len, const char *source, char **out,
                    size_t *out_len);

#endif
