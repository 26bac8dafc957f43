/* model.c: loads and compiles the model: word lists and rules from
 * models/ (or the copy embedded at build time) into hash maps and PCRE2
 * patterns. The result is immutable; see models/README.md for the syntax. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "doc.h"
#include "embedded.h"

/* ---- key normalisation ------------------------------------------------ */

size_t model_norm_key(const char *s, size_t n, char *buf, size_t cap) {
  size_t a = 0;
  while (a < n && (unsigned char)s[a] < 0x80)
    a++;
  if (a == n) { /* ASCII is its own NFKC form */
    if (n >= cap)
      return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return n;
  }
  /* ASCII with the curly quotes and dashes of news text ("Trump’s", “):
   * each character is its own NFKC form and composes with none of the
   * others, so no need to ask ICU */
  size_t o = 0, j = 0;
  while (j < n && o + 4 < cap) {
    unsigned char c = (unsigned char)s[j];
    if (c < 0x80) {
      buf[o++] = (char)c;
      j++;
      continue;
    }
    if (c != 0xE2 || j + 2 >= n || (unsigned char)s[j + 1] != 0x80)
      break;
    unsigned char c3 = (unsigned char)s[j + 2];
    if (c3 == 0x98 || c3 == 0x99) { /* ‘ ’ */
      buf[o++] = '\'';
    } else if (c3 == 0x9C || c3 == 0x9D || c3 == 0x93 || c3 == 0x94) { /* “ ” – — */
      memcpy(buf + o, s + j, 3);
      o += 3;
    } else {
      break;
    }
    j += 3;
  }
  if (j == n) {
    buf[o] = '\0';
    return o;
  }
  UChar src[256], dst[512];
  int32_t sl = 0, dl;
  UErrorCode ec = U_ZERO_ERROR;
  if (n >= 256)
    return 0;
  u_strFromUTF8(src, 256, &sl, s, (int32_t)n, &ec);
  if (U_FAILURE(ec))
    return 0;
  const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&ec);
  if (U_FAILURE(ec))
    return 0;
  dl = unorm2_normalize(nfkc, src, sl, dst, 512, &ec);
  if (U_FAILURE(ec))
    return 0;
  for (int32_t i = 0; i < dl; i++)
    if (dst[i] == 0x2019 || dst[i] == 0x2018 || dst[i] == 0x02BC)
      dst[i] = '\'';
  int32_t out = 0;
  u_strToUTF8(buf, (int32_t)cap, &out, dst, dl, &ec);
  if (U_FAILURE(ec) || ec == U_STRING_NOT_TERMINATED_WARNING || (size_t)out >= cap)
    return 0;
  return (size_t)out;
}

/* ---- loading ---------------------------------------------------------- */

typedef struct loader {
  attrib_model *m;
  attrib_error *err;
  const char *file;
  unsigned line;
  vec gaz;               /* gaz_entry, in model arena */
  vec cues;              /* cue_entry */
  vec rules;             /* rule */
  char defs[32][2][512]; /* rule macros: name, body */
  int ndefs;
} loader;

static attrib_status lerr(loader *L, attrib_status code, const char *fmt, const char *arg) {
  if (L->err) {
    memset(L->err, 0, sizeof *L->err);
    L->err->code = code;
    char msg[200];
    snprintf(msg, sizeof msg, fmt, arg ? arg : "");
    if (L->line)
      snprintf(L->err->message, sizeof L->err->message, "%s:%u: %s", L->file, L->line, msg);
    else
      snprintf(L->err->message, sizeof L->err->message, "%s: %s", L->file, msg);
    snprintf(L->err->file, sizeof L->err->file, "%s", L->file);
    L->err->line = L->line;
  }
  return code;
}

/* Key of a surface form: its tokens' keys joined by single spaces. */
static size_t form_key(const attrib_model *m, const char *s, size_t n, char *buf, size_t cap, unsigned *ntok,
                       size_t *first_len) {
  arena tmp;
  arena_init(&tmp);
  vec toks;
  vec_init(&toks, sizeof(token));
  size_t out = 0;
  *ntok = 0;
  uint32_t quote_first;
  if (segment_tokenize(m, s, 0, (uint32_t)n, 0, &toks, &tmp, &quote_first) < 0) {
    arena_release(&tmp);
    return 0;
  }
  for (size_t i = 0; i < toks.len; i++) {
    token *t = &VEC_AT(toks, token, i);
    char kb[256];
    size_t kl = model_norm_key(s + t->start, t->end - t->start, kb, sizeof kb);
    if (kl == 0 || out + kl + 1 >= cap) {
      out = 0;
      break;
    }
    if (i)
      buf[out++] = ' ';
    memcpy(buf + out, kb, kl);
    out += kl;
    if (i == 0 && first_len)
      *first_len = kl;
  }
  *ntok = (unsigned)toks.len;
  arena_release(&tmp);
  if (out < cap)
    buf[out] = '\0';
  return out;
}

/* The lexicon record of key[0, n), added when new; NULL when out of memory. */
static lex_rec *lex_entry(attrib_model *m, const char *key, size_t n) {
  return lexicon_add(&m->lex, &m->mem, key, n, strmap_hash(key, n));
}

/* Records that an entry of ntok words starts with key[0, n) in *most (the
 * gaz_first, title_first or cue_first of its record): entries are at most
 * 255 tokens long, so a larger count says no more. */
static int first_word(attrib_model *m, size_t field, const char *key, size_t n, unsigned ntok) {
  lex_rec *r = lex_entry(m, key, n);
  if (!r)
    return -1;
  uint8_t *most = (uint8_t *)r + field;
  uint8_t v = (uint8_t)(ntok > 255 ? 255 : ntok);
  if (v > *most)
    *most = v;
  return 0;
}

/* Splits line at '|' into at most max fields (trimmed, in place). */
static int split_fields(char *line, char **f, int max) {
  int n = 0;
  char *p = line;
  while (n < max) {
    char *bar = strchr(p, '|');
    if (bar)
      *bar = '\0';
    while (*p == ' ' || *p == '\t')
      p++;
    char *e = p + strlen(p);
    while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
      *--e = '\0';
    f[n++] = p;
    if (!bar)
      break;
    p = bar + 1;
  }
  return n;
}

typedef attrib_status (*line_fn)(loader *L, char *line, void *ctx);

static attrib_status each_line(loader *L, const char *data, size_t len, line_fn fn, void *ctx) {
  size_t i = 0;
  L->line = 0;
  char buf[4096];
  while (i < len) {
    size_t a = i;
    while (i < len && data[i] != '\n')
      i++;
    size_t b = i;
    if (i < len)
      i++;
    L->line++;
    if (b > a && data[b - 1] == '\r')
      b--;
    if (b - a >= sizeof buf)
      return lerr(L, ATTRIB_ERR_MODEL, "line too long", NULL);
    memcpy(buf, data + a, b - a);
    buf[b - a] = '\0';
    char *p = buf;
    while (*p == ' ' || *p == '\t')
      p++;
    if (!*p || *p == '#')
      continue;
    attrib_status st = fn(L, p, ctx);
    if (st != ATTRIB_OK)
      return st;
  }
  L->line = 0;
  return ATTRIB_OK;
}

/* gazetteers: canonical|alias|alias */
static attrib_status gaz_line(loader *L, char *line, void *ctx) {
  attrib_model *m = L->m;
  uint8_t type = (uint8_t)(uintptr_t)ctx;
  char *f[64];
  int n = split_fields(line, f, 64);
  if (!*f[0])
    return lerr(L, ATTRIB_ERR_MODEL, "empty canonical name", NULL);
  size_t cl = strlen(f[0]);
  const char *canon = arena_strndup(&m->mem, f[0], cl);
  char *nkey = arena_alloc(&m->mem, cl + 2);
  if (!canon || !nkey || cl + 1 > UINT32_MAX)
    return lerr(L, ATTRIB_ERR_NOMEM, "out of memory", NULL);
  nkey[0] = '\x01';
  memcpy(nkey + 1, canon, cl + 1);
  for (int k = 0; k < n; k++) {
    if (!*f[k])
      continue;
    char key[1024];
    unsigned ntok;
    size_t fl = 0;
    size_t kl = form_key(m, f[k], strlen(f[k]), key, sizeof key, &ntok, &fl);
    if (!kl || ntok > 255)
      return lerr(L, ATTRIB_ERR_MODEL, "cannot use surface form '%s'", f[k]);
    if (first_word(m, offsetof(lex_rec, gaz_first), key, fl, ntok) != 0)
      return lerr(L, ATTRIB_ERR_NOMEM, "out of memory", NULL);
    if (strmap_get(&m->gaz, key, kl) >= 0)
      continue; /* first listing wins: files load from most to least specific */
    gaz_entry *e = vec_push(&L->gaz, &m->mem);
    if (!e || strmap_put(&m->gaz, &m->mem, key, kl, (int32_t)(L->gaz.len - 1), NULL) != 0)
      return lerr(L, ATTRIB_ERR_NOMEM, "out of memory", NULL);
    e->canonical = canon;
    e->name_key = nkey;
    e->name_key_len = (uint32_t)(cl + 1);
    e->name_key_hash = strmap_hash(nkey, cl + 1);
    e->type = type;
    e->ntok = (uint8_t)ntok;
    e->is_alias = k > 0;
    if (ntok > m->gaz_max_tok)
      m->gaz_max_tok = ntok;
  }
  return ATTRIB_OK;
}

/* first names: one per line */
static attrib_status name_line(loader *L, char *line, void *ctx) {
  int32_t g = (int32_t)(uintptr_t)ctx;
  size_t n = strlen(line);
  char key[256];
  size_t kl = model_norm_key(line, n, key, sizeof key);
  if (!kl || strchr(line, '|'))
    return lerr(L, ATTRIB_ERR_MODEL, "bad name '%s'", line);
  lex_rec *r = lex_entry(L->m, key, kl);
  if (!r)
    return lerr(L, ATTRIB_ERR_NOMEM, "out of memory", NULL);
  r->flags |= (uint8_t)g;
  return ATTRIB_OK;
}

/* common words: one a line */
static attrib_status common_line(loader *L, char *line, void *ctx) {
  (void)ctx;
  size_t n = strlen(line);
  if (strchr(line, '|'))
    return lerr(L, ATTRIB_ERR_MODEL, "bad word '%s'", line);
  lex_rec *r = lex_entry(L->m, line, n);
  if (!r)
    return lerr(L, ATTRIB_ERR_NOMEM, "out of memory", NULL);
  r->words |= W_COMMON;
  return ATTRIB_OK;
}

/* titles: Title|m, Title|f, Title| */
static attrib_status title_line(loader *L, char *line, void *ctx) {
  (void)ctx;
  char *f[3];
  int n = split_fields(line, f, 3);
  int32_t g = 0;
  if (n >= 2 && f[1][0] == 'm')
    g = G_MALE;
  else if (n >= 2 && f[1][0] == 'f')
    g = G_FEMALE;
  else if (n >= 2 && f[1][0])
    return lerr(L, ATTRIB_ERR_MODEL, "title gender must be m, f or empty, not '%s'", f[1]);
  char key[512];
  unsigned ntok;
  size_t fl = 0;
  size_t kl = form_key(L->m, f[0], strlen(f[0]), key, sizeof key, &ntok, &fl);
  if (!kl)
    return lerr(L, ATTRIB_ERR_MODEL, "bad title '%s'", f[0]);
  if (first_word(L->m, offsetof(lex_rec, title_first), key, fl, ntok) != 0)
    return lerr(L, ATTRIB_ERR_NOMEM, "out of memory", NULL);
  lex_rec *r = lex_entry(L->m, key, kl);
  if (!r || strmap_put(&L->m->titles, &L->m->mem, key, kl, g | 0x100, NULL) != 0)
    return lerr(L, ATTRIB_ERR_NOMEM, "out of memory", NULL);
  r->flags |= LEX_TITLE;
  if (ntok > L->m->title_max_tok)
    L->m->title_max_tok = ntok;
  return ATTRIB_OK;
}

static const struct {
  const char *name;
  uint32_t bit;
} word_classes[] = {
    {"pronoun-m", W_PRONOUN_M},
    {"pronoun-f", W_PRONOUN_F},
    {"pronoun-n", W_PRONOUN_N},
    {"pronoun-p", W_PRONOUN_P},
    {"first-person", W_FIRST_PERSON},
    {"det", W_DET},
    {"org-suffix", W_ORG_SUFFIX},
    {"org-head", W_ORG_HEAD},
    {"org-noun", W_ORG_NOUN},
    {"role", W_ROLE},
    {"doc-noun", W_DOC_NOUN},
    {"connect", W_CONNECT},
    {"aux", W_AUX},
    {"stopcap", W_STOPCAP},
    {"byline", W_BYLINE},
    {"person-noun", W_PERSON_NOUN},
    {"group-noun", W_GROUP_NOUN},
    {"not-name", W_NOT_NAME},
    {"abbrev", W_ABBREV},
    {"title-word", W_TITLE_WORD},
    {"prep", W_PREP},
    {"org-kind", W_ORG_KIND},
    {"org-legal", W_ORG_LEGAL},
    {"finding-noun", W_FINDING},
    {"leader", W_LEADER},
    {"company-noun", W_COMPANY},
    {"noun-f", W_NOUN_F},
    {"noun-m", W_NOUN_M},
    {"public-noun", W_PUBLIC},
    {"quantifier", W_QUANT},
    {"be", W_BE},
};

/* lexicon: class|word|word */
static attrib_status word_line(loader *L, char *line, void *ctx) {
  (void)ctx;
  char *f[512];
  int n = split_fields(line, f, 512);
  uint32_t bit = 0;
  for (size_t k = 0; k < sizeof word_classes / sizeof word_classes[0]; k++)
    if (strcmp(f[0], word_classes[k].name) == 0)
      bit = word_classes[k].bit;
  if (!bit)
    return lerr(L, ATTRIB_ERR_MODEL, "unknown word class '%s'", f[0]);
  for (int k = 1; k < n; k++) {
    if (!*f[k])
      continue;
    char key[256];
    size_t kl = model_norm_key(f[k], strlen(f[k]), key, sizeof key);
    if (!kl)
      return lerr(L, ATTRIB_ERR_MODEL, "bad word '%s'", f[k]);
    lex_rec *r = lex_entry(L->m, key, kl);
    if (!r)
      return lerr(L, ATTRIB_ERR_NOMEM, "out of memory", NULL);
    r->words |= bit;
  }
  return ATTRIB_OK;
}

/* cues: "@flags speech clause tell" sets flags for the lines below;
 * "lemma|form|form" (lower case; multiword forms allowed) */
static attrib_status cue_line(loader *L, char *line, void *ctx) {
  uint8_t *flags = ctx;
  attrib_model *m = L->m;
  if (line[0] == '@') {
    if (strncmp(line, "@flags", 6) != 0)
      return lerr(L, ATTRIB_ERR_MODEL, "unknown directive '%s'", line);
    *flags = 0;
    /* words separated by blanks (no strtok: loading must be thread-safe) */
    for (char *p = line + 6; *p;) {
      while (*p == ' ' || *p == '\t')
        p++;
      char *tok = p;
      while (*p && *p != ' ' && *p != '\t')
        p++;
      if (*p)
        *p++ = '\0';
      if (!*tok)
        break;
      if (strcmp(tok, "speech") == 0)
        *flags |= CUE_SPEECH;
      else if (strcmp(tok, "clause") == 0)
        *flags |= CUE_CLAUSE;
      else if (strcmp(tok, "tell") == 0)
        *flags |= CUE_TELL;
      else if (strcmp(tok, "noun") == 0)
        *flags |= CUE_NOUN;
      else if (strcmp(tok, "bare") == 0)
        *flags |= CUE_BARE;
      else if (strcmp(tok, "nounish") == 0)
        *flags |= CUE_NOUNISH;
      else if (strcmp(tok, "naming") == 0)
        *flags |= CUE_NAMING;
      else if (strcmp(tok, "object") == 0)
        *flags |= CUE_OBJECT;
      else
        return lerr(L, ATTRIB_ERR_MODEL, "unknown cue flag '%s'", tok);
    }
    return ATTRIB_OK;
  }
  char *f[64];
  int n = split_fields(line, f, 64);
  const char *lemma = arena_strndup(&m->mem, f[0], strlen(f[0]));
  cue_entry *e = vec_push(&L->cues, &m->mem);
  if (!lemma || !e)
    return lerr(L, ATTRIB_ERR_NOMEM, "out of memory", NULL);
  e->lemma = lemma;
  e->flags = *flags;
  int32_t idx = (int32_t)(L->cues.len - 1);
  for (int k = 0; k < n; k++) {
    char key[512];
    unsigned ntok;
    size_t fl = 0;
    size_t kl = form_key(m, f[k], strlen(f[k]), key, sizeof key, &ntok, &fl);
    if (!kl)
      return lerr(L, ATTRIB_ERR_MODEL, "bad cue form '%s'", f[k]);
    if (first_word(m, offsetof(lex_rec, cue_first), key, fl, ntok) != 0)
      return lerr(L, ATTRIB_ERR_NOMEM, "out of memory", NULL);
    if (strmap_put(&m->cues, &m->mem, key, kl, idx, NULL) != 0)
      return lerr(L, ATTRIB_ERR_NOMEM, "out of memory", NULL);
    if (ntok > m->cue_max_tok)
      m->cue_max_tok = ntok;
  }
  return ATTRIB_OK;
}

/* Expands {NAME} macros of a rule pattern. */
static int expand(loader *L, const char *in, char *out, size_t cap) {
  size_t o = 0;
  for (const char *p = in; *p;) {
    if (*p == '{' && p[1] >= 'A' && p[1] <= 'Z') {
      const char *e = strchr(p, '}');
      if (!e)
        return -1;
      int found = 0;
      for (int k = 0; k < L->ndefs; k++) {
        if (strlen(L->defs[k][0]) == (size_t)(e - p - 1) &&
            strncmp(L->defs[k][0], p + 1, (size_t)(e - p - 1)) == 0) {
          size_t bl = strlen(L->defs[k][1]);
          if (o + bl + 4 >= cap)
            return -1;
          out[o++] = '(';
          out[o++] = '?';
          out[o++] = ':';
          memcpy(out + o, L->defs[k][1], bl);
          o += bl;
          out[o++] = ')';
          found = 1;
        }
      }
      if (!found)
        return -2;
      p = e + 1;
      continue;
    }
    if (o + 2 >= cap)
      return -1;
    out[o++] = *p++;
  }
  out[o] = '\0';
  return 0;
}

/* ---- what every match of a rule holds -------------------------------------
 * A rule tried on a sentence that lacks a symbol it must match costs a
 * PCRE2 call for nothing, and most tries are such. The expanded pattern is
 * read here for the symbol sets each match must take one symbol from
 * (a mandatory literal or class, a set per alternation). Anything the
 * reader does not know makes it give up: the rule is then always tried.
 * Fewer sets than the truth is always safe. */

typedef struct symset {
  uint64_t w[2]; /* bit c of w[c >> 6]: ASCII symbol c */
} symset;

enum { NEED_MAX = 16 };
typedef struct needs {
  unsigned n;
  symset s[NEED_MAX];
} needs;

typedef struct rx {
  const char *p;
  int bad; /* met something it does not read */
} rx;

static void needs_add(needs *a, symset s) {
  if (a->n < NEED_MAX && (~s.w[0] | ~s.w[1])) /* the set of all symbols says nothing */
    a->s[a->n++] = s;
}
static void set_add(symset *s, unsigned c) {
  s->w[c >> 6] |= (uint64_t)1 << (c & 63);
}
static unsigned set_count(const symset *s) {
  return (unsigned)(__builtin_popcountll(s->w[0]) + __builtin_popcountll(s->w[1]));
}
static void rx_space(rx *x) {
  while (*x->p == ' ' || *x->p == '\t' || *x->p == '\n' || *x->p == '\r' || *x->p == '\f' || *x->p == '\v')
    x->p++;
}
static int rx_alnum(unsigned c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
/* The character of an escape at x->p ('\\'): only \ and punctuation. */
static unsigned rx_escape(rx *x) {
  unsigned c = (unsigned char)x->p[1];
  if (!c || c >= 0x80 || rx_alnum(c)) {
    x->bad = 1;
    return 0;
  }
  x->p += 2;
  return c;
}

static void rx_alt(rx *x, needs *out, int depth);

/* A character class [...] at x->p. */
static void rx_class(rx *x, needs *out) {
  x->p++;
  int neg = *x->p == '^';
  if (neg)
    x->p++;
  symset s = {{0, 0}};
  for (int first = 1;; first = 0) {
    unsigned c = (unsigned char)*x->p;
    if (c == ']' && !first) {
      x->p++;
      break;
    }
    if (!c || c == '[' || c >= 0x80) {
      x->bad = 1;
      return;
    }
    if (c == '\\') {
      c = rx_escape(x);
      if (x->bad)
        return;
    } else {
      x->p++;
    }
    unsigned hi = c;
    if (x->p[0] == '-' && x->p[1] && x->p[1] != ']') {
      x->p++;
      hi = (unsigned char)*x->p;
      if (hi == '\\') {
        hi = rx_escape(x);
        if (x->bad)
          return;
      } else if (hi == '[' || hi >= 0x80) {
        x->bad = 1;
        return;
      } else {
        x->p++;
      }
      if (hi < c) {
        x->bad = 1;
        return;
      }
    }
    for (unsigned k = c; k <= hi; k++)
      set_add(&s, k);
  }
  if (!neg)
    needs_add(out, s);
}

/* One item (an atom and its quantifier) into out. */
static void rx_item(rx *x, needs *out, int depth) {
  needs a = {0};
  unsigned c = (unsigned char)*x->p;
  if (c == '(') {
    int look = 0;
    if (x->p[1] == '?') {
      if (x->p[2] == ':') {
        x->p += 3;
      } else if (x->p[2] == '!' || x->p[2] == '=') {
        look = 1;
        x->p += 3;
      } else if (x->p[2] == '<' && (x->p[3] == '!' || x->p[3] == '=')) {
        look = 1;
        x->p += 4;
      } else if (x->p[2] == '<' && (rx_alnum((unsigned char)x->p[3]) || x->p[3] == '_')) {
        x->p += 3;
        while (rx_alnum((unsigned char)*x->p) || *x->p == '_')
          x->p++;
        if (*x->p != '>') {
          x->bad = 1;
          return;
        }
        x->p++;
      } else {
        x->bad = 1;
        return;
      }
    } else {
      x->p++;
    }
    if (depth > 32) {
      x->bad = 1;
      return;
    }
    rx_alt(x, &a, depth + 1);
    if (x->bad || *x->p != ')') {
      x->bad = 1;
      return;
    }
    x->p++;
    if (look)
      a.n = 0; /* a lookaround consumes nothing */
  } else if (c == '[') {
    rx_class(x, &a);
  } else if (c == '\\') {
    c = rx_escape(x);
    if (!x->bad) {
      symset s = {{0, 0}};
      set_add(&s, c);
      needs_add(&a, s);
    }
  } else if (c == '^' || c == '$' || c == '.') {
    x->p++;
  } else if (!c || c >= 0x80 || c == '*' || c == '+' || c == '?' || c == '{' || c == '#') {
    x->bad = 1;
  } else {
    x->p++;
    symset s = {{0, 0}};
    set_add(&s, c);
    needs_add(&a, s);
  }
  if (x->bad)
    return;
  /* the quantifier, right after the atom */
  unsigned min = 1;
  int quantified = 1;
  if (*x->p == '*' || *x->p == '?') {
    min = 0;
    x->p++;
  } else if (*x->p == '+') {
    x->p++;
  } else if (*x->p == '{') {
    const char *q = x->p + 1;
    if (*q < '0' || *q > '9') {
      x->bad = 1;
      return;
    }
    min = 0;
    while (*q >= '0' && *q <= '9' && min < 100000)
      min = min * 10 + (unsigned)(*q++ - '0');
    if (*q == ',') {
      q++;
      while (*q >= '0' && *q <= '9')
        q++;
    }
    if (*q != '}') {
      x->bad = 1;
      return;
    }
    x->p = q + 1;
  } else {
    quantified = 0;
  }
  if (quantified && (*x->p == '?' || *x->p == '+'))
    x->p++; /* lazy or possessive: the same minimum */
  rx_space(x);
  if (*x->p == '*' || *x->p == '+' || *x->p == '?' || *x->p == '{') {
    x->bad = 1; /* a quantifier after space: leave it to PCRE2 */
    return;
  }
  if (min > 0)
    for (unsigned k = 0; k < a.n; k++)
      needs_add(out, a.s[k]);
}

/* A sequence of items, up to '|', ')' or the end. */
static void rx_seq(rx *x, needs *out, int depth) {
  out->n = 0;
  for (;;) {
    rx_space(x);
    if (!*x->p || *x->p == '|' || *x->p == ')' || x->bad)
      return;
    rx_item(x, out, depth);
  }
}

/* The most selective set of a: the one with the fewest symbols. */
static symset needs_narrowest(const needs *a) {
  unsigned best = 0;
  for (unsigned k = 1; k < a->n; k++)
    if (set_count(&a->s[k]) < set_count(&a->s[best]))
      best = k;
  return a->s[best];
}

/* Alternatives: a match holds one of the sets, one from each. */
static void rx_alt(rx *x, needs *out, int depth) {
  rx_seq(x, out, depth);
  if (*x->p != '|')
    return;
  int all = out->n > 0;
  symset u = all ? needs_narrowest(out) : (symset){{0, 0}};
  while (*x->p == '|' && !x->bad) {
    x->p++;
    needs alt;
    rx_seq(x, &alt, depth);
    if (!alt.n) {
      all = 0;
    } else {
      symset s = needs_narrowest(&alt);
      u.w[0] |= s.w[0];
      u.w[1] |= s.w[1];
    }
  }
  out->n = 0;
  if (all)
    needs_add(out, u);
}

/* The needed symbol sets of rule r from its expanded pattern: in pattern
 * order, and without repeats the most selective first; none when the
 * pattern is beyond the reader. */
_Static_assert(RULE_SEQ <= 16, "rule.seq_of holds one bit per ordered set");

static void rule_needs(rule *r, const char *pat) {
  rx x = {pat, 0};
  needs a;
  rx_alt(&x, &a, 0);
  r->n_need = 0;
  r->n_seq = 0;
  r->seq_q = -1;
  memset(r->seq_of, 0, sizeof r->seq_of);
  if (x.bad || *x.p)
    return;
  /* the sets come in pattern order, and the symbols a match takes from
   * them stand in that order in the subject */
  r->seq_q = -1;
  for (unsigned k = 0; k < a.n && r->n_seq < RULE_SEQ; k++) {
    r->seq[r->n_seq][0] = a.s[k].w[0];
    r->seq[r->n_seq][1] = a.s[k].w[1];
    if (r->seq_q < 0 && !a.s[k].w[0] && a.s[k].w[1] == (uint64_t)1 << ('Q' - 64))
      r->seq_q = (int8_t)r->n_seq;
    r->n_seq++;
  }
  for (unsigned c = 0; c < 128; c++)
    for (unsigned k = 0; k < r->n_seq; k++)
      if ((r->seq[k][c >> 6] >> (c & 63)) & 1)
        r->seq_of[c] |= (uint16_t)(1u << k);
  while (a.n && r->n_need < RULE_NEEDS) {
    unsigned best = 0;
    for (unsigned k = 1; k < a.n; k++)
      if (set_count(&a.s[k]) < set_count(&a.s[best]))
        best = k;
    int dup = 0; /* "Q , [^,]+ , N": the same set twice asks nothing more */
    for (unsigned k = 0; k < r->n_need; k++)
      dup |= r->need[k][0] == a.s[best].w[0] && r->need[k][1] == a.s[best].w[1];
    if (!dup) {
      r->need[r->n_need][0] = a.s[best].w[0];
      r->need[r->n_need][1] = a.s[best].w[1];
      r->n_need++;
    }
    a.s[best] = a.s[--a.n];
  }
}

/* ---- a DFA that rules a subject out before PCRE2 ----------------------------
 * Most rule tries still fail after the symbol checks above, each after a
 * PCRE2 call of several hundred instructions (the symbols are there, but
 * not next to each other). So each pattern is also read into a looser one
 * that matches wherever the rule does and maybe elsewhere: lookarounds are
 * dropped (they only forbid), atomic groups are plain groups, and a repeat
 * with a maximum over RX_EXACT keeps its minimum (at most RX_EXACT copies)
 * and loses its maximum. The loose pattern, searched anywhere from the
 * start offset, becomes a DFA over bytes: a few instructions a symbol, and
 * a subject it rejects cannot match the rule. A pattern beyond this reader,
 * or one whose DFA grows too large, gets none (its ordered sets still
 * rule subjects out). */

enum { RX_SET, RX_CAT, RX_ALT, RX_REP, RX_BOL, RX_EOL, RX_EMPTY };
enum { RX_NODES = 512, RX_EXACT = 4, RX_UNBOUNDED = 0xFFFF };

typedef struct rxnode {
  uint8_t op;
  uint16_t min, max; /* RX_REP */
  int a, b;          /* children: RX_CAT, RX_ALT (a, b), RX_REP (a) */
  uint64_t set[4];   /* RX_SET: bit c of set[c >> 6] */
} rxnode;

typedef struct rxtree {
  rxnode n[RX_NODES];
  int len;
  rx x; /* the reader's position and its give-up flag */
} rxtree;

static int tr_new(rxtree *t, uint8_t op) {
  if (t->len >= RX_NODES) {
    t->x.bad = 1;
    return 0;
  }
  memset(&t->n[t->len], 0, sizeof t->n[0]);
  t->n[t->len].op = op;
  return t->len++;
}

static int tr_pair(rxtree *t, uint8_t op, int a, int b) {
  int k = tr_new(t, op);
  t->n[k].a = a;
  t->n[k].b = b;
  return k;
}

static int tr_alt(rxtree *t, int depth);

/* A character class [...] at the reader's position, into set. */
static void tr_class(rxtree *t, uint64_t set[4]) {
  rx *x = &t->x;
  x->p++;
  int neg = *x->p == '^';
  if (neg)
    x->p++;
  for (int first = 1;; first = 0) {
    unsigned c = (unsigned char)*x->p;
    if (c == ']' && !first) {
      x->p++;
      break;
    }
    if (!c || c == '[' || c >= 0x80) {
      x->bad = 1;
      return;
    }
    if (c == '\\') {
      c = rx_escape(x);
      if (x->bad)
        return;
    } else {
      x->p++;
    }
    unsigned hi = c;
    if (x->p[0] == '-' && x->p[1] && x->p[1] != ']') {
      x->p++;
      hi = (unsigned char)*x->p;
      if (hi == '\\') {
        hi = rx_escape(x);
        if (x->bad)
          return;
      } else if (hi == '[' || hi >= 0x80) {
        x->bad = 1;
        return;
      } else {
        x->p++;
      }
      if (hi < c) {
        x->bad = 1;
        return;
      }
    }
    for (unsigned k = c; k <= hi; k++)
      set[k >> 6] |= (uint64_t)1 << (k & 63);
  }
  if (neg)
    for (int w = 0; w < 4; w++)
      set[w] = ~set[w];
}

/* One atom and its quantifier. */
static int tr_item(rxtree *t, int depth) {
  rx *x = &t->x;
  unsigned c = (unsigned char)*x->p;
  int k;
  if (c == '(') {
    int look = 0;
    if (x->p[1] == '?') {
      if (x->p[2] == ':' || x->p[2] == '>') {
        x->p += 3;
      } else if (x->p[2] == '!' || x->p[2] == '=') {
        look = 1;
        x->p += 3;
      } else if (x->p[2] == '<' && (x->p[3] == '!' || x->p[3] == '=')) {
        look = 1;
        x->p += 4;
      } else if (x->p[2] == '<' && (rx_alnum((unsigned char)x->p[3]) || x->p[3] == '_')) {
        x->p += 3;
        while (rx_alnum((unsigned char)*x->p) || *x->p == '_')
          x->p++;
        if (*x->p != '>') {
          x->bad = 1;
          return 0;
        }
        x->p++;
      } else {
        x->bad = 1;
        return 0;
      }
    } else {
      x->p++;
    }
    if (depth > 32) {
      x->bad = 1;
      return 0;
    }
    k = tr_alt(t, depth + 1);
    if (x->bad || *x->p != ')') {
      x->bad = 1;
      return 0;
    }
    x->p++;
    if (look)
      k = tr_new(t, RX_EMPTY); /* a lookaround consumes nothing and is taken to hold */
  } else if (c == '[') {
    k = tr_new(t, RX_SET);
    tr_class(t, t->n[k].set);
  } else if (c == '\\') {
    c = rx_escape(x);
    k = tr_new(t, RX_SET);
    t->n[k].set[c >> 6] |= (uint64_t)1 << (c & 63);
  } else if (c == '^' || c == '$') {
    x->p++;
    k = tr_new(t, c == '^' ? RX_BOL : RX_EOL);
  } else if (c == '.') {
    x->p++;
    k = tr_new(t, RX_SET);
    memset(t->n[k].set, 0xFF, sizeof t->n[k].set);
  } else if (!c || c >= 0x80 || c == '*' || c == '+' || c == '?' || c == '{' || c == '#') {
    x->bad = 1;
    return 0;
  } else {
    x->p++;
    k = tr_new(t, RX_SET);
    t->n[k].set[c >> 6] |= (uint64_t)1 << (c & 63);
  }
  if (x->bad)
    return 0;
  unsigned min = 1, max = 1;
  if (*x->p == '*' || *x->p == '?' || *x->p == '+') {
    min = *x->p == '+';
    max = *x->p == '?' ? 1 : RX_UNBOUNDED;
    x->p++;
  } else if (*x->p == '{') {
    const char *q = x->p + 1;
    if (*q < '0' || *q > '9') {
      x->bad = 1;
      return 0;
    }
    min = 0;
    while (*q >= '0' && *q <= '9' && min < 1000)
      min = min * 10 + (unsigned)(*q++ - '0');
    max = min;
    if (*q == ',') {
      q++;
      max = RX_UNBOUNDED;
      if (*q >= '0' && *q <= '9') {
        max = 0;
        while (*q >= '0' && *q <= '9' && max < 1000)
          max = max * 10 + (unsigned)(*q++ - '0');
      }
    }
    if (*q != '}' || max < min) {
      x->bad = 1;
      return 0;
    }
    x->p = q + 1;
  } else {
    return k;
  }
  if (*x->p == '?' || *x->p == '+')
    x->p++; /* lazy or possessive: no other strings */
  rx_space(x);
  if (*x->p == '*' || *x->p == '+' || *x->p == '?' || *x->p == '{') {
    x->bad = 1; /* a quantifier after space: leave it to PCRE2 */
    return 0;
  }
  int r = tr_pair(t, RX_REP, k, 0);
  t->n[r].min = (uint16_t)min;
  t->n[r].max = (uint16_t)max;
  return r;
}

/* A sequence of items, up to '|', ')' or the end. */
static int tr_seq(rxtree *t, int depth) {
  int k = tr_new(t, RX_EMPTY);
  for (;;) {
    rx_space(&t->x);
    if (!*t->x.p || *t->x.p == '|' || *t->x.p == ')' || t->x.bad)
      return k;
    int item = tr_item(t, depth);
    k = tr_pair(t, RX_CAT, k, item);
  }
}

static int tr_alt(rxtree *t, int depth) {
  int k = tr_seq(t, depth);
  while (*t->x.p == '|' && !t->x.bad) {
    t->x.p++;
    int b = tr_seq(t, depth);
    k = tr_pair(t, RX_ALT, k, b);
  }
  return k;
}

/* The loose pattern as a Thompson NFA, built from the end backwards:
 * nf_build returns the entry of node's strings followed by cont. */
enum { NF_SET, NF_SPLIT, NF_BOL, NF_EOL, NF_MATCH };
enum { NF_NODES = 1024, NF_WORDS = NF_NODES / 64, DFA_STATES = 256 };

typedef struct nfnode {
  uint8_t op;
  int out, out2;
  const uint64_t *set; /* NF_SET */
} nfnode;

typedef struct nfa {
  nfnode n[NF_NODES];
  int len, bad;
} nfa;

static int nf_new(nfa *f, uint8_t op, int out, int out2) {
  if (f->len >= NF_NODES) {
    f->bad = 1;
    return 0;
  }
  f->n[f->len] = (nfnode){op, out, out2, NULL};
  return f->len++;
}

static int nf_build(nfa *f, const rxtree *t, int node, int cont) {
  const rxnode *r = &t->n[node];
  if (f->bad)
    return 0;
  switch (r->op) {
  case RX_SET: {
    int k = nf_new(f, NF_SET, cont, -1);
    f->n[k].set = r->set;
    return k;
  }
  case RX_BOL:
  case RX_EOL:
    return nf_new(f, r->op == RX_BOL ? NF_BOL : NF_EOL, cont, -1);
  case RX_CAT:
    return nf_build(f, t, r->a, nf_build(f, t, r->b, cont));
  case RX_ALT: {
    int a = nf_build(f, t, r->a, cont);
    return nf_new(f, NF_SPLIT, a, nf_build(f, t, r->b, cont));
  }
  case RX_REP: {
    unsigned min = r->min;
    int e = cont;
    if (r->max <= RX_EXACT) {
      for (unsigned i = min; i < r->max; i++) /* an optional copy: X then e, or cont */
        e = nf_new(f, NF_SPLIT, nf_build(f, t, r->a, e), cont);
    } else if (r->max > min) {
      int loop = nf_new(f, NF_SPLIT, -1, cont);
      int body = nf_build(f, t, r->a, loop);
      if (!f->bad)
        f->n[loop].out = body;
      e = loop;
      if (min > RX_EXACT)
        min = RX_EXACT;
    }
    for (unsigned i = 0; i < min; i++)
      e = nf_build(f, t, r->a, e);
    return e;
  }
  default:
    return cont;
  }
}

/* Adds the nodes reached from k without reading a byte to set (one bit per
 * node); ^ is passed when bol, $ when eol. */
static void nf_close(const nfa *f, int k, int bol, int eol, uint64_t *set) {
  while (k >= 0 && !((set[k >> 6] >> (k & 63)) & 1)) {
    set[k >> 6] |= (uint64_t)1 << (k & 63);
    const nfnode *n = &f->n[k];
    if (n->op == NF_SPLIT) {
      nf_close(f, n->out2, bol, eol, set);
      k = n->out;
    } else if ((n->op == NF_BOL && bol) || (n->op == NF_EOL && eol)) {
      k = n->out;
    } else {
      return;
    }
  }
}

static int nf_has(const uint64_t *set, int k) {
  return (int)((set[k >> 6] >> (k & 63)) & 1);
}

enum { DFA_HASH = 2 * DFA_STATES };

typedef struct dfa_build {
  const nfa *f;
  int match, words;
  unsigned nst;
  uint64_t (*st)[NF_WORDS]; /* node set of each state */
  int16_t slot[DFA_HASH];   /* open addressing: state, or -1 */
  uint8_t end[DFA_STATES];  /* the subject's end matches the state */
  uint64_t reads[NF_WORDS]; /* the nodes that read a byte */
  uint64_t marks[NF_WORDS]; /* the ^ and $ nodes */
} dfa_build;

/* The state of node set set: 0 when it holds the match, 1 when no byte can
 * move it and the subject's end does not match it either, else its index
 * (a new state when it is new); -1 when there would be too many. */
static int dfa_state(dfa_build *b, const uint64_t *set) {
  if (nf_has(set, b->match))
    return 0;
  size_t bytes = (size_t)b->words * sizeof(uint64_t);
  uint64_t h = 0;
  for (int w = 0; w < b->words; w++)
    h = (h ^ set[w]) * 0x9E3779B97F4A7C15u;
  unsigned at = (unsigned)(h >> 40) % DFA_HASH;
  for (; b->slot[at] >= 0; at = (at + 1) % DFA_HASH) {
    const uint64_t *o = b->st[b->slot[at]];
    int w = 0; /* a few words: no memcmp call */
    while (w < b->words && o[w] == set[w])
      w++;
    if (w == b->words)
      return b->slot[at];
  }
  /* a set is closed but for ^ and $: at the end, only they lead further */
  uint64_t reads = 0, at_end[NF_WORDS] = {0};
  for (int w = 0; w < b->words; w++) {
    reads |= set[w] & b->reads[w];
    for (uint64_t bits = set[w] & b->marks[w]; bits; bits &= bits - 1)
      nf_close(b->f, w * 64 + __builtin_ctzll(bits), 1, 1, at_end);
  }
  int ends = nf_has(at_end, b->match);
  if (!reads && !ends)
    return 1;
  if (b->nst >= DFA_STATES)
    return -1;
  memcpy(b->st[b->nst], set, bytes);
  b->end[b->nst] = (uint8_t)ends;
  b->slot[at] = (int16_t)b->nst;
  return (int)b->nst++;
}

/* The DFA of rule r's loose pattern pat, in m's arena; r->dfa stays NULL
 * when it cannot be built. -1: out of memory. */
static int rule_dfa(attrib_model *m, rule *r, const char *pat) {
  r->dfa = NULL;
  r->dfa_q = 0;
  rxtree *t = malloc(sizeof *t);
  nfa *f = malloc(sizeof *f);
  dfa_build *b = malloc(sizeof *b);
  uint64_t(*st)[NF_WORDS] = malloc(DFA_STATES * sizeof *st);
  uint64_t(*after)[NF_WORDS] = malloc(NF_NODES * sizeof *after);  /* of a set node: the closure of its out */
  uint64_t(*takes)[NF_WORDS] = malloc(256 * sizeof *takes);       /* of a class: the set nodes taking it */
  uint64_t(*inj_move)[NF_WORDS] = malloc(256 * sizeof *inj_move); /* of a class: inject and where it goes */
  uint16_t *next = malloc(DFA_STATES * 256 * sizeof *next);
  int rc = -1;
  if (!t || !f || !b || !st || !after || !takes || !inj_move || !next)
    goto done;
  rc = 0;
  t->len = 0;
  t->x = (rx){pat, 0};
  int root = tr_alt(t, 0);
  if (t->x.bad || *t->x.p)
    goto done;
  f->len = f->bad = 0;
  int match = nf_new(f, NF_MATCH, -1, -1);
  int start = nf_build(f, t, root, match);
  if (f->bad)
    goto done;
  memset(b, 0, sizeof *b);
  memset(b->slot, -1, sizeof b->slot);
  b->f = f;
  b->match = match;
  b->words = (f->len + 63) / 64;
  for (int k = 0; k < f->len; k++) {
    uint8_t op = f->n[k].op;
    if (op == NF_SET)
      b->reads[k >> 6] |= (uint64_t)1 << (k & 63);
    if (op == NF_BOL || op == NF_EOL)
      b->marks[k >> 6] |= (uint64_t)1 << (k & 63);
  }
  b->nst = 2;
  b->st = st;
  /* byte classes: bytes that every set of the pattern takes or leaves
   * alike; a newline has its own ('$' also matches before a final one) */
  uint64_t part[256][4]; /* the classes as byte sets, split by each set in turn */
  unsigned ncls = 1;
  memset(part[0], 0xFF, sizeof part[0]);
  static const uint64_t newline[4] = {(uint64_t)1 << '\n', 0, 0, 0};
  for (int k = -1; k < f->len; k++) {
    const uint64_t *set = k < 0 ? newline : f->n[k].op == NF_SET ? f->n[k].set : NULL;
    for (unsigned c = 0, n0 = ncls; set && c < n0; c++) {
      uint64_t in[4], out[4], any_in = 0, any_out = 0;
      for (int w = 0; w < 4; w++) {
        in[w] = part[c][w] & set[w];
        out[w] = part[c][w] & ~set[w];
        any_in |= in[w];
        any_out |= out[w];
      }
      if (any_in && any_out) {
        memcpy(part[c], in, sizeof in);
        memcpy(part[ncls++], out, sizeof out);
      }
    }
  }
  uint8_t cls[256], repr[256];
  for (unsigned x = 0; x < ncls; x++)
    for (int w = 0; w < 4; w++)
      for (uint64_t bits = part[x][w]; bits; bits &= bits - 1) {
        unsigned c = (unsigned)(w * 64 + __builtin_ctzll(bits));
        cls[c] = (uint8_t)x;
        repr[x] = (uint8_t)c;
      }
  memset(takes, 0, ncls * sizeof *takes);
  for (int k = 0; k < f->len; k++) {
    if (f->n[k].op != NF_SET)
      continue;
    memset(after[k], 0, sizeof after[k]);
    nf_close(f, f->n[k].out, 0, 0, after[k]);
    for (unsigned c = 0; c < ncls; c++)
      if ((f->n[k].set[repr[c] >> 6] >> (repr[c] & 63)) & 1)
        takes[c][k >> 6] |= (uint64_t)1 << (k & 63);
  }
  /* a scan starts at the start offset, where ^ holds when it is 0; every
   * later offset may start a match too, so each step adds inject */
  uint64_t inject[NF_WORDS] = {0}, set[NF_WORDS] = {0};
  nf_close(f, start, 0, 0, inject);
  nf_close(f, start, 1, 0, set);
  int s_bol = dfa_state(b, set), s_any = dfa_state(b, inject);
  if (s_bol < 0 || s_any < 0)
    goto done;
  /* does every match begin, or end, with a Q (a quote rule's window has
   * one)? Then a scan need only start, or stop, there. ^ and $ are let
   * through here, which only finds more ways to begin or end. */
  static const uint64_t only_q[4] = {0, (uint64_t)1 << ('Q' - 64), 0, 0};
  uint64_t first[NF_WORDS] = {0};
  nf_close(f, start, 1, 1, first);
  int q_first = !nf_has(first, match), q_last = q_first;
  for (int k = 0; k < f->len; k++) {
    if (f->n[k].op != NF_SET || memcmp(f->n[k].set, only_q, sizeof only_q) == 0)
      continue;
    q_first &= !nf_has(first, k);
    uint64_t tail[NF_WORDS] = {0};
    nf_close(f, f->n[k].out, 1, 1, tail);
    q_last &= !nf_has(tail, match);
  }
  /* every state holds inject: what inject's nodes reach on each class,
   * and the state that alone makes, are worked out once; takes[c] keeps
   * only the other nodes */
  int inj_to[256];
  for (unsigned c = 0; c < ncls; c++) {
    for (int w = 0; w < b->words; w++)
      inj_move[c][w] = inject[w];
    for (int w = 0; w < b->words; w++)
      for (uint64_t bits = inject[w] & takes[c][w]; bits; bits &= bits - 1) {
        int k = w * 64 + __builtin_ctzll(bits);
        for (int v = 0; v < b->words; v++)
          inj_move[c][v] |= after[k][v];
      }
    for (int w = 0; w < b->words; w++)
      takes[c][w] &= ~inject[w];
    inj_to[c] = -2; /* not known yet */
  }
  for (unsigned s = 2; s < b->nst; s++)
    for (unsigned c = 0; c < ncls; c++) {
      int moves = 0;
      for (int w = 0; w < b->words; w++)
        set[w] = inj_move[c][w];
      for (int w = 0; w < b->words; w++)
        for (uint64_t bits = st[s][w] & takes[c][w]; bits; bits &= bits - 1) {
          int k = w * 64 + __builtin_ctzll(bits);
          moves = 1;
          for (int v = 0; v < b->words; v++)
            set[v] |= after[k][v];
        }
      int to;
      if (c == cls['\n'])
        to = 0;
      else if (moves)
        to = dfa_state(b, set);
      else /* only inject's nodes move on c */
        to = inj_to[c] != -2 ? inj_to[c] : (inj_to[c] = dfa_state(b, set));
      if (to < 0)
        goto done;
      next[s * ncls + c] = (uint16_t)((unsigned)to * ncls);
    }
  if (b->nst * ncls > UINT16_MAX)
    goto done;
  for (unsigned c = 0; c < 2 * ncls; c++)
    next[c] = 0; /* the two ends are never left */
  uint16_t *tab = arena_array(&m->mem, b->nst * ncls, sizeof *tab);
  uint8_t *ctab = arena_alloc(&m->mem, 256 + b->nst);
  if (!tab || !ctab) {
    rc = -1;
    goto done;
  }
  memcpy(tab, next, b->nst * ncls * sizeof *tab);
  memcpy(ctab, cls, 256);
  memcpy(ctab + 256, b->end, b->nst);
  r->dfa = tab;
  r->dfa_cls = ctab;
  r->dfa_end = ctab + 256;
  r->dfa_ncls = (uint16_t)ncls;
  r->dfa_start = (uint16_t)((unsigned)s_any * ncls);
  r->dfa_start_bol = (uint16_t)((unsigned)s_bol * ncls);
  r->dfa_states = (uint16_t)b->nst;
  r->dfa_q = q_first ? DFA_Q_FIRST : q_last ? DFA_Q_LAST : 0;
done:
  free(t);
  free(f);
  free(b);
  free(st);
  free(after);
  free(takes);
  free(inj_move);
  free(next);
  return rc;
}

/* The symbol word of the byte set set (bit c of set[c >> 6]). */
static uint32_t symbol_word(const attrib_model *m, const uint64_t set[2]) {
  uint32_t w = 0;
  for (unsigned h = 0; h < 2; h++)
    for (uint64_t bits = set[h]; bits; bits &= bits - 1)
      w |= m->sym_bit[h * 64 + (unsigned)__builtin_ctzll(bits)];
  return w;
}

/* rules: "define NAME BODY" or "quote|indirect NAME CONFIDENCE PATTERN" */
static attrib_status rule_line(loader *L, char *line, void *ctx) {
  (void)ctx;
  attrib_model *m = L->m;
  char kind[32], name[96];
  int used = 0;
  if (sscanf(line, "%31s %95s %n", kind, name, &used) < 2)
    return lerr(L, ATTRIB_ERR_MODEL, "expected 'define NAME BODY' or 'KIND NAME CONFIDENCE PATTERN'", NULL);
  const char *rest = line + used;
  if (strcmp(kind, "define") == 0) {
    if (L->ndefs >= 32 || strlen(name) >= 512 || strlen(rest) >= 512)
      return lerr(L, ATTRIB_ERR_MODEL, "too many or too long macros", NULL);
    char body[512];
    if (expand(L, rest, body, sizeof body) != 0)
      return lerr(L, ATTRIB_ERR_MODEL, "bad macro body", NULL);
    snprintf(L->defs[L->ndefs][0], 512, "%s", name);
    snprintf(L->defs[L->ndefs][1], 512, "%s", body);
    L->ndefs++;
    return ATTRIB_OK;
  }
  unsigned rk = strcmp(kind, "quote") == 0 ? RULE_QUOTE : strcmp(kind, "indirect") == 0 ? RULE_INDIRECT : 0;
  if (!rk)
    return lerr(L, ATTRIB_ERR_MODEL, "unknown rule kind '%s'", kind);
  char *endp;
  errno = 0;
  double conf = strtod(rest, &endp);
  if (endp == rest || errno || conf < 0 || conf > 1)
    return lerr(L, ATTRIB_ERR_MODEL, "confidence must be a number in [0, 1]", NULL);
  char pat[2048];
  int ex = expand(L, endp, pat, sizeof pat);
  if (ex == -2)
    return lerr(L, ATTRIB_ERR_MODEL, "unknown macro in '%s'", endp);
  if (ex != 0)
    return lerr(L, ATTRIB_ERR_MODEL, "pattern too long", NULL);
  int ec;
  PCRE2_SIZE eo;
  pcre2_code *code =
      pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_EXTENDED | PCRE2_DUPNAMES, &ec, &eo, NULL);
  if (!code) {
    char msg[160];
    pcre2_get_error_message(ec, (PCRE2_UCHAR *)msg, sizeof msg);
    return lerr(L, ATTRIB_ERR_MODEL, "bad pattern: %s", msg);
  }
  rule *r = vec_push(&L->rules, &m->mem);
  if (!r) {
    pcre2_code_free(code);
    return lerr(L, ATTRIB_ERR_NOMEM, "out of memory", NULL);
  }
  /* JIT is an optimisation: without it (unsupported CPU) matching still works. */
  r->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  r->code = code;
  r->name = arena_strndup(&m->mem, name, strlen(name));
  r->confidence = conf;
  r->kind = rk;
  /* role names -> group numbers, from the name table (duplicates allowed) */
  static const char *roles[4] = {"spk", "cue", "adr", "content"};
  uint32_t count = 0, size = 0;
  PCRE2_SPTR table = NULL;
  pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &count);
  pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &size);
  pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table);
  for (uint32_t e = 0; e < count; e++) {
    PCRE2_SPTR ent = table + (size_t)e * size;
    uint16_t num = (uint16_t)((ent[0] << 8) | ent[1]);
    int role = -1;
    for (int k = 0; k < 4; k++)
      if (strcmp((const char *)ent + 2, roles[k]) == 0)
        role = k;
    if (role < 0) {
      snprintf(name, sizeof name, "%s", (const char *)ent + 2);
      return lerr(L, ATTRIB_ERR_MODEL, "unknown group name '%s' (spk, cue, adr, content)", name);
    }
    int slot = 0;
    while (slot < GRP_ALTS - 1 && r->groups[role][slot])
      slot++;
    if (r->groups[role][slot])
      return lerr(L, ATTRIB_ERR_MODEL, "too many groups named '%s'", roles[role]);
    r->groups[role][slot] = num;
  }
  r->file = "attribution.rules";
  r->line = L->line;
  if (!r->name)
    return lerr(L, ATTRIB_ERR_NOMEM, "out of memory", NULL);
  r->needs_cue = r->groups[GRP_CUE][0] != 0;
  rule_needs(r, pat);
  for (unsigned k = 0; k < r->n_need; k++)
    r->need_w[k] = symbol_word(m, r->need[k]);
  for (unsigned k = 0; k < r->n_seq; k++)
    r->seq_w[k] = symbol_word(m, r->seq[k]);
  if (rule_dfa(m, r, pat) != 0)
    return lerr(L, ATTRIB_ERR_NOMEM, "out of memory", NULL);
  uint32_t captures = 0;
  pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &captures);
  if (captures >= 32) /* documents bring match data for 32 pairs */
    return lerr(L, ATTRIB_ERR_MODEL, "too many capture groups (31 at most)", NULL);
  /* an indirect rule without one reports a statement with no speaker */
  if (rk == RULE_QUOTE && !r->groups[GRP_SPK][0])
    return lerr(L, ATTRIB_ERR_MODEL, "a quote rule needs a (?<spk>...) group", NULL);
  if (rk == RULE_INDIRECT && !r->groups[GRP_CONTENT][0])
    return lerr(L, ATTRIB_ERR_MODEL, "indirect rule needs a (?<content>...) group", NULL);
  return ATTRIB_OK;
}

int rule_group(const rule *r, int role, const PCRE2_SIZE *ov, int rc, size_t *start, size_t *end) {
  for (int k = 0; k < GRP_ALTS && r->groups[role][k]; k++) {
    int g = r->groups[role][k];
    if (g < rc && ov[2 * g] != PCRE2_UNSET) {
      *start = ov[2 * g];
      *end = ov[2 * g + 1];
      return 1;
    }
  }
  return 0;
}

/* ---- files ------------------------------------------------------------ */

typedef struct model_file {
  const char *name;
  line_fn fn;
  uintptr_t arg;
} model_file;

/* Load order matters: abbreviations (lexicon) before anything that is
 * tokenised; gazetteers from most to least specific. */
static const model_file files[] = {
    {"lexicon.txt", word_line, 0},
    {"common-words.txt", common_line, 0},
    {"titles.txt", title_line, 0},
    {"names-male.txt", name_line, G_MALE},
    {"names-female.txt", name_line, G_FEMALE},
    {"countries.txt", gaz_line, ATTRIB_COUNTRY},
    {"demonyms.txt", gaz_line, ATTRIB_COUNTRY},
    {"orgs.txt", gaz_line, ATTRIB_ORG},
    {"locations.txt", gaz_line, ATTRIB_LOCATION},
    {"cues.txt", cue_line, 0},
    {"attribution.rules", rule_line, 0},
};

static attrib_status read_file(loader *L, const char *dir, const char *name, char **data, size_t *len) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (!f)
    return lerr(L, ATTRIB_ERR_IO, "cannot open: %s", strerror(errno));
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    size_t r = fread(buf + n, 1, cap - n, f);
    n += r;
    if (n < cap)
      break;
    char *nb = realloc(buf, cap * 2);
    if (!nb) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = nb;
    cap *= 2;
  }
  int bad = ferror(f);
  fclose(f);
  if (!buf)
    return lerr(L, ATTRIB_ERR_NOMEM, "out of memory", NULL);
  if (bad) {
    free(buf);
    return lerr(L, ATTRIB_ERR_IO, "read error", NULL);
  }
  *data = buf;
  *len = n;
  return ATTRIB_OK;
}

/* Fills walk (see gaz_walk in model.h) from the keys of from, borrowing
 * them: 0, or -1 when out of memory. */
static int walk_map(strmap *walk, const strmap *from) {
  for (size_t k = 0; k < from->cap; k++) {
    const strmap_slot *s = &from->slots[k];
    if (!s->key)
      continue;
    int32_t v = strmap_get(walk, s->key, s->len);
    if (s->value < 0 || s->value >= WALK_MORE - 1 ||
        strmap_put_borrowed(walk, s->key, s->len, (v < 0 ? 0 : v) | (s->value + 1)) != 0)
      return -1;
    for (uint32_t p = 1; p < s->len; p++) {
      if (s->key[p] != ' ')
        continue;
      v = strmap_get(walk, s->key, p);
      if (strmap_put_borrowed(walk, s->key, p, (v < 0 ? 0 : v) | WALK_MORE) != 0)
        return -1;
    }
  }
  return 0;
}

void attrib_model_free(attrib_model *m) {
  if (!m)
    return;
  for (size_t i = 0; i < m->n_rules; i++)
    pcre2_code_free(m->rules[i].code);
  pcre2_match_context_free(m->mctx);
  strmap_free(&m->gaz);
  strmap_free(&m->titles);
  strmap_free(&m->gaz_walk);
  strmap_free(&m->title_walk);
  strmap_free(&m->cues);
  lexicon_free(&m->lex);
  arena_release(&m->mem);
  free(m);
}

attrib_status attrib_model_load(const char *dir, attrib_model **out, attrib_error *err) {
  if (!out)
    return doc_error(err, ATTRIB_ERR_ARG, 0, "attrib_model_load: out is NULL");
  *out = NULL;
  attrib_model *m = calloc(1, sizeof *m);
  if (!m)
    return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
  arena_init(&m->mem);
  loader *L = calloc(1, sizeof *L);
  if (!L) {
    free(m);
    return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
  }
  L->m = m;
  L->err = err;
  for (unsigned c = 0; c < 256; c++)
    m->sym_bit[c] = 1u << RULE_OTHER_BIT;
  for (unsigned k = 0; k < sizeof RULE_ALPHABET - 1; k++)
    m->sym_bit[(unsigned char)RULE_ALPHABET[k]] = 1u << k;
  for (const char *c = "VvobA"; *c; c++)
    m->cue_syms |= m->sym_bit[(unsigned char)*c];
  /* room for the built-in model's 80,000 keys at once: no rehash */
  lexicon_init(&m->lex);
  if (lexicon_reserve(&m->lex, 1u << 16) != 0) {
    free(L);
    free(m);
    return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
  }
  vec_init(&L->gaz, sizeof(gaz_entry));
  vec_init(&L->cues, sizeof(cue_entry));
  vec_init(&L->rules, sizeof(rule));
  attrib_status st = ATTRIB_OK;
  for (size_t k = 0; k < sizeof files / sizeof files[0] && st == ATTRIB_OK; k++) {
    L->file = files[k].name;
    L->line = 0;
    char *data = NULL;
    size_t len = 0;
    if (dir) {
      st = read_file(L, dir, files[k].name, &data, &len);
      if (st != ATTRIB_OK)
        break;
    } else {
      const embedded_file *ef = embedded_find(files[k].name);
      if (!ef) {
        st = lerr(L, ATTRIB_ERR_IO, "not embedded in this build", NULL);
        break;
      }
      data = (char *)ef->data;
      len = ef->len;
    }
    uint8_t cue_flags = CUE_SPEECH | CUE_CLAUSE;
    void *ctx = files[k].fn == cue_line ? (void *)&cue_flags : (void *)files[k].arg;
    st = each_line(L, data, len, files[k].fn, ctx);
    if (dir)
      free(data);
    /* rules were pushed into the vec; publish them as we go so that
     * attrib_model_free() can release the compiled patterns on failure */
    m->rules = L->rules.data;
    m->n_rules = L->rules.len;
  }
  if (st == ATTRIB_OK) {
    m->gaz_entries = L->gaz.data;
    m->n_gaz = L->gaz.len;
    m->cue_entries = L->cues.data;
    m->n_cues = L->cues.len;
    /* Most lookups in these maps miss (a token that starts no cue, a word
     * that goes on no gazetteer entry or title), and a miss probes until an
     * empty slot: the cues at most a quarter full, that is one or two slots
     * instead of up to eight; the walk maps, whose first look-up always
     * hits, a third. Documents seldom ask gaz and titles themselves
     * (datelines, handles): they keep the size they grew to. */
    if (walk_map(&m->gaz_walk, &m->gaz) != 0 || walk_map(&m->title_walk, &m->titles) != 0)
      st = doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
    strmap *sparse[] = {&m->cues, &m->gaz_walk, &m->title_walk};
    for (size_t k = 0; k < sizeof sparse / sizeof sparse[0] && st == ATTRIB_OK; k++)
      if (strmap_reserve(sparse[k], sparse[k]->count * (k == 0 ? 3 : 2)) != 0)
        st = doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
  }
  for (int k = 0; k < RL_LISTS && st == ATTRIB_OK; k++) {
    m->rule_list[k] = arena_array(&m->mem, m->n_rules + 1, sizeof(uint16_t));
    m->rule_list_nocue[k] = arena_array(&m->mem, m->n_rules + 1, sizeof(uint16_t));
    if (!m->rule_list[k] || !m->rule_list_nocue[k] || m->n_rules > UINT16_MAX) {
      st = doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
      break;
    }
    for (size_t r = 0; r < m->n_rules; r++) {
      const rule *ru = &m->rules[r];
      int list = ru->kind == RULE_QUOTE                   ? RL_QUOTE
                 : strncmp(ru->name, "headline-", 9) == 0 ? RL_HEADLINE
                                                          : RL_INDIRECT;
      if (list == k)
        m->rule_list[k][m->n_rule_list[k]++] = (uint16_t)r;
      if (list == k && !ru->needs_cue)
        m->rule_list_nocue[k][m->n_rule_list_nocue[k]++] = (uint16_t)r;
    }
  }
  if (st == ATTRIB_OK) {
    m->match_limit = 100000;
    m->depth_limit = 1000;
    m->mctx = pcre2_match_context_create(NULL);
    if (!m->mctx)
      st = doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
    else {
      pcre2_set_match_limit(m->mctx, m->match_limit);
      pcre2_set_depth_limit(m->mctx, m->depth_limit);
    }
  }
  free(L);
  if (st != ATTRIB_OK) {
    attrib_model_free(m);
    return st;
  }
  *out = m;
  return ATTRIB_OK;
}
