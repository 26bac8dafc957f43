/* model.c: loads and compiles the model: word lists and rules from
 * models/ (or the copy embedded at build time) into hash maps and PCRE2
 * patterns. The result is immutable; see models/README.md for the syntax. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__has_include)
#if __has_include(<sys/random.h>)
#include <sys/random.h>
#define HAVE_GETRANDOM 1
#endif
#endif

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "doc.h"
#include "embedded.h"
#include "rulescan.h"

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
  vec cue_words;         /* const char *: the keys of one-word cue forms (NUL-terminated, in model arena) */
  vec rules;             /* rule */
  char defs[32][2][512]; /* rule macros: name, body */
  int ndefs;
  arena scratch; /* form_key's tokens, reset for each form */
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
static size_t form_key(loader *L, const char *s, size_t n, char *buf, size_t cap, unsigned *ntok,
                       size_t *first_len) {
  arena *tmp = &L->scratch;
  arena_reset(tmp); /* the last form's tokens: no malloc and free a form */
  vec toks;
  vec_init(&toks, sizeof(token));
  size_t out = 0;
  *ntok = 0;
  uint32_t quote_first;
  if (segment_tokenize(L->m, s, 0, (uint32_t)n, 0, &toks, tmp, &quote_first) < 0)
    return 0;
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

/* The LEX_* flags a key's W_* words give it (LEX_COREF, LEX_SYM), set
 * with them. */
static uint8_t lex_words_flags(uint32_t words) {
  return (uint8_t)(((words & LEX_COREF_WORDS) ? LEX_COREF : 0) | ((words & (W_PREP | W_AUX)) ? LEX_SYM : 0));
}

/* Sets the derived LEX_* flags that are not of a key's words, once all
 * keys are in: the words the stages' tests name (added when new, so that
 * a key that is none of the lexicon's still says what it is), and
 * LEX_CUE1. 0, or -1 when out of memory. */
static int lex_derive(loader *L) {
  attrib_model *m = L->m;
  /* coref_stage's "who"; word_sym's "that" (in any case: a token with a
   * capital has its lower-case record's too) and conjunctions */
  static const struct {
    const char *w;
    uint8_t flag;
  } named[] = {{"who", LEX_COREF}, {"that", LEX_SYM},   {"and", LEX_SYM},     {"but", LEX_SYM},
               {"while", LEX_SYM}, {"though", LEX_SYM}, {"whereas", LEX_SYM}, {"although", LEX_SYM}};
  size_t nsym = 0;
  for (size_t k = 0; k < sizeof named / sizeof named[0]; k++) {
    size_t n = strlen(named[k].w);
    lex_rec *r = lex_entry(m, named[k].w, n); /* may move the slots: used at once */
    if (!r)
      return -1;
    r->flags |= named[k].flag;
    if (named[k].flag == LEX_SYM)
      m->sym_word_hash[nsym++] = strmap_hash(named[k].w, n);
  }
  while (nsym < sizeof m->sym_word_hash / sizeof m->sym_word_hash[0]) {
    m->sym_word_hash[nsym] = m->sym_word_hash[nsym - 1];
    nsym++;
  }
  /* a key that starts one-word cue forms only: its entry, found here once */
  for (size_t k = 0; k < L->cue_words.len; k++) {
    const char *key = VEC_AT(L->cue_words, const char *, k);
    size_t n = strlen(key), capital = 0;
    for (size_t c = 0; c < n; c++)
      capital |= key[c] >= 'A' && key[c] <= 'Z';
    lex_rec *r = capital ? NULL : lex_entry(m, key, n); /* in already (first_word) */
    if (!r || r->cue_first != 1 || (r->flags & LEX_CUE1))
      continue;
    int32_t e = strmap_get(&m->cues, key, n);
    if (e >= 0 && e < 255) {
      r->cue_first = (uint8_t)(e + 1);
      r->flags |= LEX_CUE1;
    }
  }
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

/* The end of the line from a: its '\n', or len */
static size_t line_end(const char *data, size_t a, size_t len) {
  const char *nl = memchr(data + a, '\n', len - a);
  return nl ? (size_t)(nl - data) : len;
}

/* Calls fn on each line of data that is not blank or a comment. keys: the
 * lines are (nearly always) their lexicon keys, a word list's */
static attrib_status each_line(loader *L, const char *data, size_t len, line_fn fn, void *ctx, int keys) {
  size_t i = 0;
  L->line = 0;
  char buf[4096];
  /* with keys, the lexicon slot of the line PREFETCH_LINES on is on its
   * way while this one goes in (each key's slot is a cache miss of its own
   * in the large table; a line that is not its key only fetches a slot for
   * nothing). The ends of the lines between, found on the way, wait in a
   * ring. */
  enum { PREFETCH_LINES = 8 };
  size_t ends[PREFETCH_LINES], ahead = 0; /* ahead: the first line not in ends */
  unsigned head = 0;
  int prefetch = keys;
  for (unsigned k = 0; prefetch && k < PREFETCH_LINES && ahead < len; k++) {
    ends[k] = line_end(data, ahead, len);
    ahead = ends[k] < len ? ends[k] + 1 : len;
  }
  while (i < len) {
    size_t a = i, b;
    if (prefetch) {
      b = ends[head];
      if (ahead < len) {
        size_t e = line_end(data, ahead, len), k = e;
        if (k > ahead && data[k - 1] == '\r')
          k--;
        lexicon_prefetch(&L->m->lex, strmap_hash(data + ahead, k - ahead));
        ends[head] = e;
        ahead = e < len ? e + 1 : len;
      }
      head = (head + 1) % PREFETCH_LINES;
    } else {
      b = line_end(data, i, len);
    }
    i = b < len ? b + 1 : len;
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
    size_t kl = form_key(L, f[k], strlen(f[k]), key, sizeof key, &ntok, &fl);
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
  size_t kl = form_key(L, f[0], strlen(f[0]), key, sizeof key, &ntok, &fl);
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
    r->flags |= lex_words_flags(bit);
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
    size_t kl = form_key(L, f[k], strlen(f[k]), key, sizeof key, &ntok, &fl);
    if (!kl)
      return lerr(L, ATTRIB_ERR_MODEL, "bad cue form '%s'", f[k]);
    if (first_word(m, offsetof(lex_rec, cue_first), key, fl, ntok) != 0)
      return lerr(L, ATTRIB_ERR_NOMEM, "out of memory", NULL);
    if (strmap_put(&m->cues, &m->mem, key, kl, idx, NULL) != 0)
      return lerr(L, ATTRIB_ERR_NOMEM, "out of memory", NULL);
    if (ntok == 1) { /* for lex_derive */
      const char **w = vec_push(&L->cue_words, &m->mem);
      if (!w || !(*w = arena_strndup(&m->mem, key, kl)))
        return lerr(L, ATTRIB_ERR_NOMEM, "out of memory", NULL);
    }
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
  rulescan_needs(r, pat);
  for (unsigned k = 0; k < RULE_NEEDS; k++)
    r->need_w[k] = k < r->n_need ? symbol_word(m, r->need[k]) : UINT32_MAX;
  for (unsigned k = 0; k < r->n_seq; k++)
    r->seq_w[k] = symbol_word(m, r->seq[k]);
  if (rulescan_dfa(&m->mem, r, pat) != 0)
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

/* ---- files ------------------------------------------------------------ */

typedef struct model_file {
  const char *name;
  line_fn fn;
  uintptr_t arg;
  int keys; /* each line is its lexicon key (each_line) */
} model_file;

/* Load order matters: abbreviations (lexicon) before anything that is
 * tokenised; gazetteers from most to least specific. */
static const model_file files[] = {
    {"lexicon.txt", word_line, 0, 0},
    {"common-words.txt", common_line, 0, 1},
    {"titles.txt", title_line, 0, 0},
    {"names-male.txt", name_line, G_MALE, 1},
    {"names-female.txt", name_line, G_FEMALE, 1},
    {"countries.txt", gaz_line, ATTRIB_COUNTRY, 0},
    {"demonyms.txt", gaz_line, ATTRIB_COUNTRY, 0},
    {"orgs.txt", gaz_line, ATTRIB_ORG, 0},
    {"locations.txt", gaz_line, ATTRIB_LOCATION, 0},
    {"cues.txt", cue_line, 0, 0},
    {"attribution.rules", rule_line, 0, 0},
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

/* Sets the bit of key[0, n) in a walk map's filter. */
static void walk_filter_set(uint64_t *filter, const char *key, size_t n) {
  uint32_t b = walk_filter_bit(strmap_hash(key, n));
  filter[b >> 6] |= (uint64_t)1 << (b & 63);
}

/* Fills walk (see gaz_walk in model.h) from the keys of from, borrowing
 * them, and *filter (made in a) with its keys of two words or more: 0, or
 * -1 when out of memory. */
static int walk_map(strmap *walk, uint64_t **filter, arena *a, const strmap *from) {
  uint64_t *fl = arena_array(a, ((size_t)1 << WALK_FILTER_BITS) / 64, sizeof *fl);
  if (!fl)
    return -1;
  *filter = fl;
  for (size_t k = 0; k < from->cap; k++) {
    const strmap_slot *s = &from->slots[k];
    if (!s->key)
      continue;
    int32_t v = strmap_get(walk, s->key, s->len);
    if (s->value < 0 || s->value >= WALK_MORE - 1 ||
        strmap_put_borrowed(walk, s->key, s->len, (v < 0 ? 0 : v) | (s->value + 1)) != 0)
      return -1;
    /* the filter holds every key with a space in it, as every longer
     * match is (words joined by spaces) */
    int spaced = s->len && s->key[0] == ' ';
    for (uint32_t p = 1; p < s->len; p++) {
      if (s->key[p] != ' ')
        continue;
      if (spaced)
        walk_filter_set(fl, s->key, p);
      spaced = 1;
      v = strmap_get(walk, s->key, p);
      if (strmap_put_borrowed(walk, s->key, p, (v < 0 ? 0 : v) | WALK_MORE) != 0)
        return -1;
    }
    if (spaced)
      walk_filter_set(fl, s->key, s->len);
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

/* The random seed of the documents' maps (strmap_home): from the kernel,
 * or else from the clock and the model's address */
static uint64_t model_seed(const attrib_model *m) {
  uint64_t s = 0;
#ifdef HAVE_GETRANDOM
  if (getrandom(&s, sizeof s, GRND_NONBLOCK) == (ssize_t)sizeof s)
    return s;
#endif
  struct timespec ts = {0, 0};
  (void)timespec_get(&ts, TIME_UTC);
  return strmap_mix64(((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) ^ (uint64_t)(uintptr_t)m);
}

attrib_status attrib_model_load(const char *dir, attrib_model **out, attrib_error *err) {
  if (!out)
    return doc_error(err, ATTRIB_ERR_ARG, 0, "attrib_model_load: out is NULL");
  *out = NULL;
  attrib_model *m = calloc(1, sizeof *m);
  if (!m)
    return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
  arena_init(&m->mem);
  m->seed = model_seed(m);
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
  arena_init(&L->scratch);
  vec_init(&L->gaz, sizeof(gaz_entry));
  vec_init(&L->cues, sizeof(cue_entry));
  vec_init(&L->cue_words, sizeof(const char *));
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
    st = each_line(L, data, len, files[k].fn, ctx, files[k].keys);
    /* the function words and the other hand-listed classes, the words
     * texts ask for most, ahead of the long lists in the table's walks */
    if (files[k].fn == word_line)
      lexicon_next_tier(&m->lex);
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
    if (walk_map(&m->gaz_walk, &m->gaz_walk_filter, &m->mem, &m->gaz) != 0 ||
        walk_map(&m->title_walk, &m->title_walk_filter, &m->mem, &m->titles) != 0 || lex_derive(L) != 0 ||
        lexicon_link_lower(&m->lex) != 0)
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
    m->plain_not_syms =
        m->sym_bit['Q'] | m->sym_bit['q'] | m->sym_bit['p'] | m->sym_bit['s'] | m->sym_bit[':'];
    uint32_t plain = ~(m->cue_syms | m->plain_not_syms);
    for (uint32_t r = 0; r < m->n_rule_list_nocue[k]; r++)
      if (rule_may_match(&m->rules[m->rule_list_nocue[k][r]], plain))
        m->plain_may_match[k] = 1;
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
  arena_release(&L->scratch);
  free(L);
  if (st != ATTRIB_OK) {
    attrib_model_free(m);
    return st;
  }
  *out = m;
  return ATTRIB_OK;
}
