/* cues.c: stage 4. Marks reporting cues: every inflection of the verbs in
 * models/cues.txt (say, tell, add, state, warn, ...) and multiword cues
 * such as "according to". Matching is on lower-cased keys, longest first. */
#include <string.h>

#include "doc.h"

/* Lower-cased keys of tokens [i, i+n) joined by spaces; 0 if too long. */
static size_t joined_lower(attrib_doc *d, uint32_t i, uint32_t n, char *buf, size_t cap) {
  size_t o = 0;
  for (uint32_t k = 0; k < n; k++) {
    token *t = &TOK(d, i + k);
    if (o + t->key_len + 2 >= cap)
      return 0;
    if (k)
      buf[o++] = ' ';
    for (uint32_t c = 0; c < t->key_len; c++) {
      char ch = t->key[c];
      buf[o++] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
    }
  }
  return o;
}

attrib_status cues_stage(attrib_doc *d, attrib_error *err) {
  const attrib_model *m = d->model;
  uint32_t n = NTOK(d);
  for (uint32_t i = 0; i < n; i++) {
    token *t = &TOK(d, i);
    if (t->kind != TK_WORD || (t->flags & T_ALLCAP))
      continue;
    char first[128];
    size_t fl = joined_lower(d, i, 1, first, sizeof first);
    int32_t longest = fl ? strmap_get(&m->cue_first, first, fl) : -1;
    for (uint32_t len = longest < 0 ? 0 : (uint32_t)longest; len >= 1; len--) {
      if (i + len > n || TOK(d, i + len - 1).para != t->para)
        continue;
      char key[256];
      size_t kl = joined_lower(d, i, len, key, sizeof key);
      if (!kl)
        continue;
      int32_t e = strmap_get(&m->cues, key, kl);
      if (e < 0)
        continue;
      /* "the state party chairman", "Trump's claims", "secretary of state":
       * after a determiner, a possessive or "of" the word is a noun, not a
       * reporting verb */
      if (i > 0 && TOK(d, i - 1).para == t->para &&
          ((TOK(d, i - 1).words & W_DET) || (TOK(d, i - 1).flags & T_POSSESSIVE) ||
           tok_is(&TOK(d, i - 1), "of")) &&
          !(m->cue_entries[e].flags & CUE_NOUN))
        break;
      cue *c = vec_push(&d->cues, &d->mem);
      if (!c)
        return doc_error(err, ATTRIB_ERR_NOMEM, 0, "out of memory");
      c->tok_first = i;
      c->tok_end = i + len;
      c->entry = &m->cue_entries[e];
      t->cue = (int32_t)(d->cues.len - 1);
      i += len - 1;
      break;
    }
  }
  return ATTRIB_OK;
}
