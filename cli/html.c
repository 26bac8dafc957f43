/* --format html: one self-contained page per article (inline CSS and a few
 * lines of inline JS, nothing fetched). The article is shown with every
 * quote highlighted in its speaker's colour, a title on each highlight
 * (speaker, kind, rule, confidence) and after it the speakers, each with
 * their quotes. Built from the public API and the input text.
 *
 * Nested quotes (a scare quote inside a direct one, a partial quote inside
 * reported speech): the highlights never overlap, and the innermost quote
 * wins. Each byte of the article belongs to the shortest quote covering it,
 * so an outer quote is drawn as the pieces around the inner one; every
 * piece carries the outer quote's attributes and only the first has its
 * id. The inner quote is underlined, as its colour may be the outer's. Paragraphs are the blocks between
 * blank lines; a single line break inside a block is kept as <br>. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* &, <, >, " and ' as entities: safe in text and in quoted attributes. */
static void esc(cli_buf *b, const char *s, size_t n) {
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    const char *e = s[i] == '&'    ? "&amp;"
                    : s[i] == '<'  ? "&lt;"
                    : s[i] == '>'  ? "&gt;"
                    : s[i] == '"'  ? "&quot;"
                    : s[i] == '\'' ? "&#39;"
                                   : NULL;
    if (!e)
      continue;
    cli_buf_add(b, s + run, i - run);
    cli_buf_puts(b, e);
    run = i + 1;
  }
  cli_buf_add(b, s + run, n - run);
}

static void esc_str(cli_buf *b, const char *s) {
  if (s)
    esc(b, s, strlen(s));
}

/* A highlighted run of the article: [s, e) belongs to quote q. */
typedef struct piece {
  size_t s, e;
  size_t q;
  int nested; /* inside another quote too: drawn underlined */
} piece;

typedef struct html {
  cli_buf b;
  const attrib_doc *doc;
  const char *text;
  size_t len;
  long *slot;   /* per entity: colour slot of a speaker, or -1 */
  char *marked; /* per quote: its first piece (with the id) is out */
  piece *pieces;
  size_t npieces, next; /* next: the first piece not wholly before the cursor */
} html;

static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

static void clamp(const attrib_quote *q, size_t len, size_t *s, size_t *e) {
  *s = q->span.start < len ? q->span.start : len;
  *e = q->span.end < len ? q->span.end : len;
}

/* Whether quote a lies inside quote b more tightly: shorter, then later. */
static int inner_than(const html *h, size_t a, size_t b) {
  const attrib_quote *qa = attrib_doc_quote(h->doc, a), *qb = attrib_doc_quote(h->doc, b);
  size_t la = qa->span.end - qa->span.start, lb = qb->span.end - qb->span.start;
  if (la != lb)
    return la < lb;
  if (qa->span.start != qb->span.start)
    return qa->span.start > qb->span.start;
  return a > b;
}

typedef struct qspan {
  size_t s, e, q;
} qspan;

static int cmp_qspan(const void *a, const void *b) {
  const qspan *x = a, *y = b;
  if (x->s != y->s)
    return x->s < y->s ? -1 : 1;
  return x->q < y->q ? -1 : x->q > y->q;
}

/* Splits the article at every quote boundary and gives each stretch to
 * the innermost quote covering it; neighbours with the same owner merge.
 * A sweep over the boundaries with the quotes open there, so a long
 * article with many quotes stays linear (quotes nest only a few deep). */
static int build_pieces(html *h) {
  size_t nq = attrib_doc_quote_count(h->doc);
  if (nq == 0)
    return 0;
  size_t *bounds = malloc(2 * nq * sizeof *bounds);
  qspan *spans = malloc(nq * sizeof *spans);
  qspan *active = malloc(nq * sizeof *active);
  h->pieces = malloc(2 * nq * sizeof *h->pieces);
  if (!bounds || !spans || !active || !h->pieces) {
    free(bounds);
    free(spans);
    free(active);
    return -1;
  }
  size_t nb = 0, ns = 0, nact = 0, next = 0;
  for (size_t i = 0; i < nq; i++) {
    size_t s, e;
    clamp(attrib_doc_quote(h->doc, i), h->len, &s, &e);
    if (s < e) {
      bounds[nb++] = s;
      bounds[nb++] = e;
      spans[ns++] = (qspan){s, e, i};
    }
  }
  qsort(bounds, nb, sizeof *bounds, cmp_size);
  qsort(spans, ns, sizeof *spans, cmp_qspan);
  for (size_t k = 0; k + 1 < nb; k++) {
    size_t a = bounds[k], z = bounds[k + 1];
    if (a == z)
      continue;
    /* open at a: started at or before it, not yet ended; every end is a
     * boundary, so each covers all of [a, z) */
    size_t keep = 0;
    for (size_t j = 0; j < nact; j++)
      if (active[j].e > a)
        active[keep++] = active[j];
    nact = keep;
    while (next < ns && spans[next].s <= a)
      if (spans[next++].e > a)
        active[nact++] = spans[next - 1];
    if (nact == 0)
      continue;
    size_t best = active[0].q;
    for (size_t j = 1; j < nact; j++)
      if (inner_than(h, active[j].q, best))
        best = active[j].q;
    piece *last = h->npieces ? &h->pieces[h->npieces - 1] : NULL;
    if (last && last->q == best && last->e == a && last->nested == (nact > 1))
      last->e = z;
    else
      h->pieces[h->npieces++] = (piece){a, z, best, nact > 1};
  }
  free(bounds);
  free(spans);
  free(active);
  return 0;
}

/* The hue of a colour slot, in degrees: steps of the golden angle keep
 * the first few speakers far apart on the colour wheel. */
static unsigned long hue(long slot) {
  return (unsigned long)((40000ull + 137508ull * (unsigned long long)slot) % 360000ull / 1000ull);
}

static void mark_open(html *h, size_t qi, int nested) {
  cli_buf *b = &h->b;
  const attrib_quote *q = attrib_doc_quote(h->doc, qi);
  const attrib_entity *who = q->speaker >= 0 ? attrib_doc_entity(h->doc, (size_t)q->speaker) : NULL;
  char conf[8];
  cli_confidence(conf, q->confidence);
  if (who)
    cli_buf_printf(b, "<mark class=\"q s%ld%s\"", h->slot[q->speaker], nested ? " nested" : "");
  else
    cli_buf_printf(b, "<mark class=\"q none%s\"", nested ? " nested" : "");
  if (!h->marked[qi]) {
    cli_buf_puts(b, " id=\"");
    esc_str(b, q->id);
    cli_buf_puts(b, "\"");
    h->marked[qi] = 1;
  }
  cli_buf_puts(b, " data-quote=\"");
  esc_str(b, q->id);
  if (who) {
    cli_buf_puts(b, "\" data-speaker=\"");
    esc_str(b, who->id);
  }
  cli_buf_printf(b, "\" data-kind=\"%s\" title=\"speaker: ", attrib_quote_kind_str(q->kind));
  esc_str(b, who ? who->name : "unknown");
  cli_buf_printf(b, "; kind: %s; rule: ", attrib_quote_kind_str(q->kind));
  esc_str(b, q->rule);
  cli_buf_printf(b, "; confidence: %s\">", conf);
}

/* Article text [x, y), escaped, line breaks as <br>. */
static void text_run(html *h, size_t x, size_t y) {
  const char *s = h->text;
  size_t run = x;
  for (size_t i = x; i < y; i++) {
    if (s[i] != '\n' && s[i] != '\r')
      continue;
    esc(&h->b, s + run, i - run);
    if (s[i] == '\r' && i + 1 < y && s[i + 1] == '\n')
      i++;
    cli_buf_puts(&h->b, "<br>\n");
    run = i + 1;
  }
  esc(&h->b, s + run, y - run);
}

/* One paragraph [x, y): plain runs and highlighted pieces, cut at its ends. */
static void paragraph(html *h, size_t x, size_t y) {
  cli_buf_puts(&h->b, "<p>");
  while (h->next < h->npieces && h->pieces[h->next].e <= x)
    h->next++;
  size_t pos = x;
  while (pos < y) {
    const piece *p = h->next < h->npieces ? &h->pieces[h->next] : NULL;
    if (p && p->s <= pos) {
      size_t end = p->e < y ? p->e : y;
      mark_open(h, p->q, p->nested);
      text_run(h, pos, end);
      cli_buf_puts(&h->b, "</mark>");
      pos = end;
      if (p->e <= y)
        h->next++;
    } else {
      size_t end = p && p->s < y ? p->s : y;
      text_run(h, pos, end);
      pos = end;
    }
  }
  cli_buf_puts(&h->b, "</p>\n");
}

static int blank_line(const char *s, size_t a, size_t b) {
  for (size_t i = a; i < b; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\f' && s[i] != '\v')
      return 0;
  return 1;
}

/* Paragraphs: maximal runs of non-blank lines (\n, \r\n or \r ends a line). */
static void article(html *h) {
  const char *s = h->text;
  size_t n = h->len, i = 0;
  if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  size_t pstart = 0, pend = 0;
  int open = 0;
  while (i < n) {
    size_t a = i;
    while (i < n && s[i] != '\n' && s[i] != '\r')
      i++;
    size_t b = i;
    if (i < n && s[i] == '\r')
      i++;
    if (i < n && s[i] == '\n' && (i == b || s[i - 1] == '\r'))
      i++;
    if (blank_line(s, a, b)) {
      if (open)
        paragraph(h, pstart, pend);
      open = 0;
      continue;
    }
    if (!open)
      pstart = a;
    open = 1;
    pend = b;
  }
  if (open)
    paragraph(h, pstart, pend);
}

static const char style[] =
    "body{font:17px/1.6 Georgia,'Times New Roman',serif;color:#222;background:#fff;max-width:46em;"
    "margin:2em auto;padding:0 1em}\n"
    "header{font-family:system-ui,sans-serif;color:#555;border-bottom:1px solid #ddd;margin-bottom:1.5em}\n"
    "header h1{font-size:1.1em;margin:0 0 .2em;color:#222;word-break:break-all}\n"
    "mark{color:inherit;border-radius:3px;padding:0 1px;cursor:help;transition:opacity .15s}\n"
    "mark.none,.swatch.none{background:#e2e2e2}\n"
    "mark.nested{box-shadow:inset 0 -2px rgba(0,0,0,.45)}\n"
    "mark.dim{opacity:.25}\n"
    "#speakers{font-family:system-ui,sans-serif;border-top:1px solid #ddd;margin-top:2em}\n"
    "#speakers h2{font-size:1.1em}\n"
    "ul.speakers{list-style:none;padding:0}\n"
    "li.speaker{margin:0 0 1em}\n"
    ".swatch{display:inline-block;width:.9em;height:.9em;border-radius:2px;margin-right:.4em;"
    "vertical-align:-.1em}\n"
    "li.speaker .name{font-weight:bold}\n"
    "li.speaker .info,li.speaker .meta{color:#777;font-size:.85em}\n"
    "li.speaker ol{margin:.3em 0 0;font-family:Georgia,serif;font-size:.95em}\n"
    "li.speaker ol a{color:inherit;text-decoration:none}\n"
    "li.speaker ol a:hover{text-decoration:underline}\n";

/* Hovering a speaker in the list dims every other highlight. */
static const char script[] = "<script>\n"
                             "(function () {\n"
                             "  var marks = document.querySelectorAll('mark.q');\n"
                             "  function focus(id) {\n"
                             "    for (var i = 0; i < marks.length; i++)\n"
                             "      marks[i].classList.toggle('dim', id !== null && "
                             "(marks[i].getAttribute('data-speaker') || '') !== id);\n"
                             "  }\n"
                             "  var items = document.querySelectorAll('li.speaker');\n"
                             "  for (var i = 0; i < items.length; i++) {\n"
                             "    (function (li) {\n"
                             "      var id = li.getAttribute('data-speaker') || '';\n"
                             "      li.addEventListener('mouseenter', function () { focus(id); });\n"
                             "      li.addEventListener('mouseleave', function () { focus(null); });\n"
                             "    })(items[i]);\n"
                             "  }\n"
                             "  document.body.setAttribute('data-ready', '1');\n"
                             "})();\n"
                             "</script>\n";

/* The quotes of one speaker (entity ent, or -1: those without one), the
 * count of them at mine (their indices, in order: a walk of every quote
 * for each speaker was quadratic in a page of many speakers). */
static void speaker_entry(html *h, long ent, const size_t *mine, size_t count) {
  cli_buf *b = &h->b;
  const attrib_entity *e = ent >= 0 ? attrib_doc_entity(h->doc, (size_t)ent) : NULL;
  if (e) {
    cli_buf_puts(b, "<li class=\"speaker\" data-speaker=\"");
    esc_str(b, e->id);
    cli_buf_printf(b, "\"><span class=\"swatch s%ld\"></span><span class=\"name\">", h->slot[ent]);
    esc_str(b, e->name);
    cli_buf_printf(b, "</span> <span class=\"info\">%s, %zu quote%s</span>\n<ol>\n",
                   attrib_entity_type_str(e->type), count, count == 1 ? "" : "s");
  } else {
    cli_buf_printf(b,
                   "<li class=\"speaker nospeaker\"><span class=\"swatch none\"></span>"
                   "<span class=\"name\">No speaker</span> <span class=\"info\">%zu quote%s</span>\n<ol>\n",
                   count, count == 1 ? "" : "s");
  }
  for (size_t k = 0; k < count; k++) {
    size_t i = mine[k];
    const attrib_quote *q = attrib_doc_quote(h->doc, i);
    char conf[8];
    cli_confidence(conf, q->confidence);
    cli_buf_puts(b, "<li data-quote=\"");
    esc_str(b, q->id);
    cli_buf_puts(b, "\">");
    if (h->marked[i]) {
      cli_buf_puts(b, "<a href=\"#");
      esc_str(b, q->id);
      cli_buf_puts(b, "\">");
    }
    esc_str(b, q->span.text);
    cli_buf_puts(b, h->marked[i] ? "</a>" : "");
    cli_buf_printf(b, " <span class=\"meta\">%s", attrib_quote_kind_str(q->kind));
    if (q->has_cue) {
      cli_buf_puts(b, " &middot; ");
      esc_str(b, q->cue.text);
    }
    cli_buf_puts(b, " &middot; ");
    esc_str(b, q->rule);
    cli_buf_printf(b, " &middot; %s</span></li>\n", conf);
  }
  cli_buf_puts(b, "</ol></li>\n");
}

int cli_render_html(const attrib_doc *doc, const char *text, size_t len, const char *source, char **out,
                    size_t *out_len) {
  html h;
  memset(&h, 0, sizeof h);
  h.doc = doc;
  h.text = text;
  h.len = len;
  size_t ne = attrib_doc_entity_count(doc), nq = attrib_doc_quote_count(doc);
  h.slot = malloc((ne ? ne : 1) * sizeof *h.slot);
  h.marked = calloc(nq ? nq : 1, 1);
  size_t *counts = calloc(ne + 1, sizeof *counts); /* [ne]: quotes without speaker */
  long *order = malloc((ne ? ne : 1) * sizeof *order);
  /* the quotes by speaker: speaker k's are by_speaker[first[k], first[k] + counts[k]) */
  size_t *first = malloc((ne + 1) * sizeof *first), *by_speaker = malloc((nq ? nq : 1) * sizeof *by_speaker);
  int rc = -1;
  if (!h.slot || !h.marked || !counts || !order || !first || !by_speaker || build_pieces(&h) != 0)
    goto done;
  /* colours in order of first quote, so a page reads from its first colour */
  long nspk = 0;
  for (size_t i = 0; i < ne; i++)
    h.slot[i] = -1;
  for (size_t i = 0; i < nq; i++) {
    const attrib_quote *q = attrib_doc_quote(doc, i);
    if (q->speaker < 0 || (size_t)q->speaker >= ne) {
      counts[ne]++;
      continue;
    }
    if (h.slot[q->speaker] < 0) {
      order[nspk] = q->speaker;
      h.slot[q->speaker] = nspk++;
    }
    counts[q->speaker]++;
  }
  for (size_t k = 0, at = 0; k <= ne; k++) {
    first[k] = at;
    at += counts[k];
  }
  for (size_t i = 0; i < nq; i++) { /* first[k] moves on to the end of speaker k's */
    const attrib_quote *q = attrib_doc_quote(doc, i);
    size_t k = q->speaker < 0 || (size_t)q->speaker >= ne ? ne : (size_t)q->speaker;
    by_speaker[first[k]++] = i;
  }
  const char *name = source && strcmp(source, "-") != 0 ? source : "standard input";
  cli_buf *b = &h.b;
  cli_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<meta name=\"generator\" content=\"attrib " ATTRIB_VERSION_STRING "\">\n<title>attrib: ");
  esc_str(b, name);
  cli_buf_printf(b, "</title>\n<style>\n%s", style);
  for (long k = 0; k < nspk; k++)
    cli_buf_printf(b, "mark.s%ld,.swatch.s%ld{background:hsl(%lu,80%%,80%%)}\n", k, k, hue(k));
  cli_buf_puts(b, "</style>\n</head>\n<body>\n<header><h1>");
  esc_str(b, name);
  cli_buf_printf(b,
                 "</h1><p>%zu quote%s, %ld speaker%s. Hover a highlight for its speaker, kind, rule and "
                 "confidence.</p></header>\n<article>\n",
                 nq, nq == 1 ? "" : "s", nspk, nspk == 1 ? "" : "s");
  article(&h);
  cli_buf_puts(b, "</article>\n<section id=\"speakers\">\n<h2>Speakers</h2>\n<ul class=\"speakers\">\n");
  for (long k = 0; k < nspk; k++)
    speaker_entry(&h, order[k], by_speaker + first[order[k]] - counts[order[k]], counts[order[k]]);
  if (counts[ne])
    speaker_entry(&h, -1, by_speaker + first[ne] - counts[ne], counts[ne]);
  cli_buf_printf(b, "</ul>\n</section>\n%s</body>\n</html>\n", script);
  rc = cli_buf_finish(b, out, out_len);
  h.b.s = NULL;
done:
  free(h.b.s);
  free(h.slot);
  free(h.marked);
  free(h.pieces);
  free(counts);
  free(order);
  free(first);
  free(by_speaker);
  return rc;
}
