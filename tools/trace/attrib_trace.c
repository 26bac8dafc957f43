/* attrib-trace: shows what the rules see. For each paragraph of a text it
 * prints the paragraph, its symbol string (models/attribution.rules) and
 * the quotes found in it with their speaker and rule. A developer tool: it
 * reads the engine's internal structures. usage: attrib-trace FILE [PARA] */
#include <stdio.h>
#include <stdlib.h>

#include "doc.h"

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: attrib-trace FILE [PARAGRAPH]\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  static char text[1 << 22];
  size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  long only = argc > 2 ? atol(argv[2]) : -1;
  attrib_model *m;
  attrib_error err;
  if (attrib_model_load(getenv("ATTRIB_MODEL"), &m, &err) != ATTRIB_OK) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  attrib_doc *d;
  if (attrib_analyze(m, text, n, NULL, &d, &err) != ATTRIB_OK) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  static char syms[1 << 20];
  for (uint32_t p = 0; p < d->paras.len; p++) {
    if (only >= 0 && (long)p != only)
      continue;
    paragraph *pa = &VEC_AT(d->paras, paragraph, p);
    attribution_symbols(d, p, syms, sizeof syms);
    printf("[%u]%s %.*s\n     %s\n", p, pa->headline ? " (headline)" : "", (int)(pa->end - pa->start),
           d->copy + pa->start, syms);
    for (size_t k = 0; k < d->quotes.len; k++) {
      quote *q = &QUOTE(d, k);
      if (q->para != p)
        continue;
      const char *who = "-";
      if (q->speaker_mention >= 0 && MENTION(d, q->speaker_mention).entity >= 0)
        who = ENTITY(d, MENTION(d, q->speaker_mention).entity).name;
      int len = (int)(q->end - q->start), show = len > 70 ? 70 : len;
      while (show < len && ((unsigned char)d->copy[q->start + (uint32_t)show] & 0xC0) == 0x80)
        show--; /* never cut a character in two */
      printf("     %s %s <%s> «%.*s%s»\n", attrib_quote_kind_str((attrib_quote_kind)q->kind), q->rule, who,
             show, d->copy + q->start, len > 70 ? "..." : "");
    }
  }
  attrib_doc_free(d);
  attrib_model_free(m);
  return 0;
}
