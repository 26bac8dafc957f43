/* rulescan.c: reads a rule's expanded pattern, when the model loads, for
 * the two prefilters that spare most PCRE2 calls (see rule in model.h). */
#include "rulescan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/* The opening of a group at x->p ("(", "(?:", a lookaround, a named group,
 * and "(?>" when atomic is set), stepped past; 1 for a lookaround, else 0.
 * Anything else sets x->bad. */
static int rx_group_open(rx *x, int atomic) {
  const char *p = x->p;
  if (p[1] != '?') {
    x->p = p + 1;
    return 0;
  }
  if (p[2] == ':' || (atomic && p[2] == '>')) {
    x->p = p + 3;
    return 0;
  }
  if (p[2] == '!' || p[2] == '=') {
    x->p = p + 3;
    return 1;
  }
  if (p[2] == '<' && (p[3] == '!' || p[3] == '=')) {
    x->p = p + 4;
    return 1;
  }
  if (p[2] == '<' && (rx_alnum((unsigned char)p[3]) || p[3] == '_')) {
    p += 3;
    while (rx_alnum((unsigned char)*p) || *p == '_')
      p++;
    if (*p == '>') {
      x->p = p + 1;
      return 0;
    }
  }
  x->bad = 1;
  return 0;
}

enum { RX_UNBOUNDED = 0xFFFF }; /* a repeat with no maximum */

/* The quantifier after an atom, at x->p, stepped past with its lazy or
 * possessive mark (which match no other strings): its minimum and maximum
 * in *min and *max (1 and 1 when there is none). Counts of 1000 or more,
 * a maximum below the minimum, and a quantifier after space (one PCRE2's
 * extended syntax reads apart) set x->bad: they are left to PCRE2.
 * Returns whether there was a quantifier. */
static int rx_quantifier(rx *x, unsigned *min, unsigned *max) {
  *min = *max = 1;
  int quantified = 1;
  if (*x->p == '*' || *x->p == '?' || *x->p == '+') {
    *min = *x->p == '+';
    *max = *x->p == '?' ? 1 : RX_UNBOUNDED;
    x->p++;
  } else if (*x->p == '{') {
    const char *q = x->p + 1;
    if (*q < '0' || *q > '9') {
      x->bad = 1;
      return 1;
    }
    *min = 0;
    while (*q >= '0' && *q <= '9' && *min < 1000)
      *min = *min * 10 + (unsigned)(*q++ - '0');
    *max = *min;
    if (*q == ',') {
      q++;
      *max = RX_UNBOUNDED;
      if (*q >= '0' && *q <= '9') {
        *max = 0;
        while (*q >= '0' && *q <= '9' && *max < 1000)
          *max = *max * 10 + (unsigned)(*q++ - '0');
      }
    }
    if (*q != '}' || *max < *min) {
      x->bad = 1;
      return 1;
    }
    x->p = q + 1;
  } else {
    quantified = 0;
  }
  if (quantified && (*x->p == '?' || *x->p == '+'))
    x->p++;
  rx_space(x);
  if (*x->p == '*' || *x->p == '+' || *x->p == '?' || *x->p == '{')
    x->bad = 1;
  return quantified;
}

/* A character class [...] at x->p, as the set of bytes it names (bit c of
 * set[c >> 6]) before any negation; returns whether it is negated. */
static int rx_class_bytes(rx *x, uint64_t set[4]) {
  x->p++;
  int neg = *x->p == '^';
  if (neg)
    x->p++;
  memset(set, 0, 4 * sizeof set[0]);
  for (int first = 1;; first = 0) {
    unsigned c = (unsigned char)*x->p;
    if (c == ']' && !first) {
      x->p++;
      break;
    }
    if (!c || c == '[' || c >= 0x80) {
      x->bad = 1;
      return neg;
    }
    if (c == '\\') {
      c = rx_escape(x);
      if (x->bad)
        return neg;
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
          return neg;
      } else if (hi == '[' || hi >= 0x80) {
        x->bad = 1;
        return neg;
      } else {
        x->p++;
      }
      if (hi < c) {
        x->bad = 1;
        return neg;
      }
    }
    for (unsigned k = c; k <= hi; k++)
      set[k >> 6] |= (uint64_t)1 << (k & 63);
  }
  return neg;
}

/* A character class [...] at x->p: a set a match needs, unless negated
 * (a negated class says little). Its bytes are ASCII: set[2] and set[3]
 * stay empty. */
static void rx_class(rx *x, needs *out) {
  uint64_t set[4];
  int neg = rx_class_bytes(x, set);
  if (!x->bad && !neg)
    needs_add(out, (symset){{set[0], set[1]}});
}

/* One item (an atom and its quantifier) into out. */
static void rx_item(rx *x, needs *out, int depth) {
  needs a = {0};
  unsigned c = (unsigned char)*x->p;
  if (c == '(') {
    int look = rx_group_open(x, 0);
    if (x->bad)
      return;
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
  unsigned min, max;
  rx_quantifier(x, &min, &max);
  if (x->bad)
    return;
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

/* The symbol word of byte set set (RULE_ALPHABET: symbol k is bit k), as
 * the model's sym_bit makes it but for the bytes beyond the alphabet (its
 * RULE_OTHER_BIT), which no symbol string holds. */
static uint32_t set_word(const uint64_t set[2]) {
  uint32_t w = 0;
  for (unsigned k = 0; k < sizeof RULE_ALPHABET - 1; k++) {
    unsigned c = (unsigned char)RULE_ALPHABET[k];
    if ((set[c >> 6] >> (c & 63)) & 1)
      w |= 1u << k;
  }
  return w;
}

/* r's side_w from its ordered sets: those before the Q set, then those
 * after it, each side's words fewest bits first, a word that holds an
 * earlier one left out (a side meeting the smaller meets it too). */
static void side_words(rule *r) {
  for (unsigned side = 0; side < 2; side++)
    for (unsigned k = 0; k < 4; k++)
      r->side_w[side][k] = 1u << RULE_OTHER_BIT;
  if (r->seq_q < 0)
    return;
  for (unsigned side = 0; side < 2; side++) {
    unsigned lo = side ? (unsigned)r->seq_q + 1 : 0, hi = side ? r->n_seq : (unsigned)r->seq_q;
    uint32_t w[RULE_SEQ];
    unsigned n = 0;
    for (unsigned k = lo; k < hi; k++)
      w[n++] = set_word(r->seq[k]);
    for (unsigned kept = 0; kept < 4 && n;) {
      unsigned best = 0;
      for (unsigned k = 1; k < n; k++)
        if (__builtin_popcount(w[k]) < __builtin_popcount(w[best]))
          best = k;
      uint32_t b = w[best];
      r->side_w[side][kept++] = b;
      unsigned m = 0; /* the rest, without the words that hold b */
      for (unsigned k = 0; k < n; k++)
        if ((w[k] & b) != b)
          w[m++] = w[k];
      n = m;
    }
  }
}

/* The needed symbol sets of rule r from its expanded pattern: in pattern
 * order, and without repeats the most selective first; none when the
 * pattern is beyond the reader. */
_Static_assert(RULE_SEQ <= 16, "rule.seq_of holds one bit per ordered set");

void rulescan_needs(rule *r, const char *pat) {
  rx x = {pat, 0};
  needs a;
  rx_alt(&x, &a, 0);
  r->n_need = 0;
  r->n_seq = 0;
  r->seq_q = -1;
  memset(r->seq_of, 0, sizeof r->seq_of);
  side_words(r); /* none yet: every side passes */
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
  side_words(r);
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
enum { RX_NODES = 512, RX_EXACT = 4 };

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
  if (rx_class_bytes(&t->x, set) && !t->x.bad)
    for (int w = 0; w < 4; w++)
      set[w] = ~set[w];
}

/* One atom and its quantifier. */
static int tr_item(rxtree *t, int depth) {
  rx *x = &t->x;
  unsigned c = (unsigned char)*x->p;
  int k;
  if (c == '(') {
    int look = rx_group_open(x, 1);
    if (x->bad)
      return 0;
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
  unsigned min, max;
  int quantified = rx_quantifier(x, &min, &max);
  if (x->bad)
    return 0;
  if (!quantified)
    return k;
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
  int rev; /* of the pattern read right to left: ^ and $ swap */
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
    return nf_new(f, (r->op == RX_BOL) != f->rev ? NF_BOL : NF_EOL, cont, -1);
  case RX_CAT:
    if (f->rev)
      return nf_build(f, t, r->b, nf_build(f, t, r->a, cont));
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

/* A DFA built by dfa_make: tab NULL when there is none. */
typedef struct dfa_out {
  uint16_t *tab;
  uint8_t *ctab; /* byte -> class, then by state: a match at the end */
  unsigned ncls, nst;
  int s_any, s_bol, q_first, q_last;
} dfa_out;

/* The DFA of pat's looser pattern, searched from any offset; with rev, of
 * the pattern read right to left and anchored where the scan starts. */
static int dfa_make(arena *mem, const char *pat, int rev, dfa_out *o) {
  o->tab = NULL;
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
  f->rev = rev;
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
  /* states 0 and 1 (matched, failed) end the walk: their end entries are
   * read only to be masked (attribution.c's dfa_answer), but set */
  b->end[0] = b->end[1] = 0;
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
  /* s_any first: state 2 when it is neither end (rule_may_match_quote) */
  int s_any = dfa_state(b, inject), s_bol = dfa_state(b, set);
  if (s_bol < 0 || s_any < 0)
    goto done;
  if (rev) /* anchored: no match starts later */
    memset(inject, 0, sizeof inject);
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
  for (unsigned c = 0; c < 2 * ncls; c++)      /* the two ends are never left: a scan may test for them */
    next[c] = (uint16_t)(c < ncls ? 0 : ncls); /* only every few steps */
  uint16_t *tab = arena_array(mem, b->nst * ncls, sizeof *tab);
  uint8_t *ctab = arena_alloc(mem, 256 + b->nst);
  if (!tab || !ctab) {
    rc = -1;
    goto done;
  }
  memcpy(tab, next, b->nst * ncls * sizeof *tab);
  memcpy(ctab, cls, 256);
  memcpy(ctab + 256, b->end, b->nst);
  *o = (dfa_out){tab, ctab, ncls, b->nst, s_any, s_bol, q_first, q_last};
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

int rulescan_dfa(arena *mem, rule *r, const char *pat) {
  r->dfa = NULL;
  r->dfa_q = 0;
  r->rdfa = NULL;
  dfa_out o;
  if (dfa_make(mem, pat, 0, &o) != 0)
    return -1;
  if (!o.tab)
    return 0;
  r->dfa = o.tab;
  r->dfa_cls = o.ctab;
  r->dfa_end = o.ctab + 256;
  r->dfa_ncls = (uint16_t)o.ncls;
  r->dfa_div = (((uint64_t)1 << 32) + o.ncls - 1) / o.ncls;
  r->dfa_start = (uint16_t)((unsigned)o.s_any * o.ncls);
  r->dfa_start_bol = (uint16_t)((unsigned)o.s_bol * o.ncls);
  r->dfa_states = (uint16_t)o.nst;
  r->dfa_q = o.q_first && o.s_any == 2 ? DFA_Q_FIRST : o.q_last ? DFA_Q_LAST : 0;
  if (r->dfa_q == DFA_Q_LAST) {
    /* a match ends at the one Q: read leftwards from it, the scan stops
     * as soon as no match can begin further left */
    dfa_out v;
    if (dfa_make(mem, pat, 1, &v) != 0)
      return -1;
    if (v.tab) {
      r->rdfa = v.tab;
      r->rdfa_cls = v.ctab;
      r->rdfa_end = v.ctab + 256;
      r->rdfa_ncls = (uint16_t)v.ncls;
      r->rdfa_div = (((uint64_t)1 << 32) + v.ncls - 1) / v.ncls;
      r->rdfa_start = (uint16_t)((unsigned)v.s_bol * v.ncls);
    }
  }
  return 0;
}
