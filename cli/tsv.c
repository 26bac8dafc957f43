/* --format tsv: one line per quote, built from the public API. Fields are
 * escaped (\t \n \r \\) so that every record is exactly one line whatever
 * the article holds, and cut/awk/sort/join can be used on the output. */
#include <string.h>

#include "cli.h"

const char cli_tsv_header[] = "file\tid\tkind\tspeaker\tcue\tconfidence\trule\ttext\n";

static void field(cli_buf *b, const char *s) {
  if (!s)
    return;
  const char *run = s;
  for (; *s; s++) {
    const char *esc = *s == '\t'   ? "\\t"
                      : *s == '\n' ? "\\n"
                      : *s == '\r' ? "\\r"
                      : *s == '\\' ? "\\\\"
                                   : NULL;
    if (!esc)
      continue;
    cli_buf_add(b, run, (size_t)(s - run));
    cli_buf_add(b, esc, 2);
    run = s + 1;
  }
  cli_buf_add(b, run, (size_t)(s - run));
}

int cli_render_tsv(const attrib_doc *doc, const char *source, char **out, size_t *out_len) {
  cli_buf b = {0};
  size_t n = attrib_doc_quote_count(doc);
  for (size_t i = 0; i < n; i++) {
    const attrib_quote *q = attrib_doc_quote(doc, i);
    const attrib_entity *who = q->speaker >= 0 ? attrib_doc_entity(doc, (size_t)q->speaker) : NULL;
    char conf[8];
    cli_confidence(conf, q->confidence);
    field(&b, source ? source : "-");
    cli_buf_add(&b, "\t", 1);
    field(&b, q->id);
    cli_buf_add(&b, "\t", 1);
    field(&b, attrib_quote_kind_str(q->kind));
    cli_buf_add(&b, "\t", 1);
    field(&b, who ? who->name : NULL);
    cli_buf_add(&b, "\t", 1);
    field(&b, q->has_cue ? q->cue.text : NULL);
    cli_buf_add(&b, "\t", 1);
    cli_buf_puts(&b, conf);
    cli_buf_add(&b, "\t", 1);
    field(&b, q->rule);
    cli_buf_add(&b, "\t", 1);
    field(&b, q->span.text);
    cli_buf_add(&b, "\n", 1);
  }
  return cli_buf_finish(&b, out, out_len);
}
