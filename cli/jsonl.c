/* --jsonl: attrib as a filter. Each line of standard input is a record
 * {"id": ..., "text": "..."}; each gives one line out, in the same order:
 * the result object with "id" first, or {"id": ..., "error": {"code",
 * "message"}}. A bad line costs the others nothing.
 *
 * Lines are parsed by the producer thread alone: cJSON records its last
 * error in a global, so parsing on the workers would race. The raw bytes of
 * the id are echoed, not cJSON's rendering of them, so 1.50 stays 1.50 and
 * integers beyond 2^53 keep their digits. */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* ---- lines of any length, memory bounded -------------------------------- */

/* read(2) rather than stdio: a caller that writes one line and waits for
 * its answer must get it, so nothing may wait for a full buffer. */
typedef struct reader {
  int fd;
  char buf[1 << 16];
  size_t pos, len;
  int eof;
} reader;

/* Reads the next line (without its '\n'; the last line needs none) into a
 * new NUL-terminated *line of *len bytes. A line longer than max is
 * consumed but not kept: *line is NULL and *too_long set. *raw is the
 * number of bytes consumed. Returns 1, 0 at the end of input, or -1 with
 * errno on a read error. */
static int read_line(reader *r, size_t max, char **line, size_t *len, int *too_long, size_t *raw) {
  char *s = NULL;
  size_t n = 0, cap = 0;
  int any = 0;
  *too_long = 0;
  *raw = 0;
  for (;;) {
    if (r->pos == r->len) {
      if (r->eof)
        break;
      ssize_t got = read(r->fd, r->buf, sizeof r->buf);
      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0) {
        free(s);
        return -1;
      }
      r->pos = 0;
      r->len = (size_t)got;
      if (got == 0) {
        r->eof = 1;
        break;
      }
    }
    any = 1;
    const char *p = r->buf + r->pos;
    size_t avail = r->len - r->pos;
    const char *nl = memchr(p, '\n', avail);
    size_t take = nl ? (size_t)(nl - p) : avail;
    *raw += take + (nl != NULL);
    r->pos += take + (nl != NULL);
    if (!*too_long && n + take > max) {
      *too_long = 1;
      free(s);
      s = NULL;
      n = cap = 0;
    }
    if (!*too_long) {
      if (n + take + 1 > cap) {
        size_t nc = cap ? cap : 256;
        while (nc < n + take + 1)
          nc *= 2;
        char *ns = realloc(s, nc);
        if (!ns) {
          free(s);
          errno = ENOMEM;
          return -1;
        }
        s = ns;
        cap = nc;
      }
      memcpy(s + n, p, take);
      n += take;
    }
    if (nl)
      break;
  }
  if (!any)
    return 0;
  if (!*too_long && !s && !(s = malloc(1))) {
    errno = ENOMEM;
    return -1;
  }
  if (s)
    s[n] = '\0';
  *line = s;
  *len = n;
  return 1;
}

/* ---- raw spans of a parsed line ---------------------------------------- */
/* cJSON has parsed the line already; these only find where a top-level
 * member's value is, and stay within [0, n) whatever the input. */

static size_t skip_ws(const char *s, size_t n, size_t i) {
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
    i++;
  return i;
}

static size_t skip_string(const char *s, size_t n, size_t i) {
  for (i++; i < n && s[i] != '"'; i++)
    if (s[i] == '\\')
      i++;
  return i < n ? i + 1 : n;
}

static size_t skip_value(const char *s, size_t n, size_t i) {
  if (i < n && s[i] == '"')
    return skip_string(s, n, i);
  if (i < n && (s[i] == '{' || s[i] == '[')) {
    size_t depth = 0;
    while (i < n) {
      if (s[i] == '"') {
        i = skip_string(s, n, i);
        continue;
      }
      if (s[i] == '{' || s[i] == '[')
        depth++;
      else if ((s[i] == '}' || s[i] == ']') && --depth == 0)
        return i + 1;
      i++;
    }
    return n;
  }
  while (i < n && !strchr(",}] \t\r\n", s[i]))
    i++;
  return i;
}

/* Whether the JSON string token tok[0, len) means key (as cJSON compares
 * keys: the first of duplicates, exact case). */
static int key_is(const char *tok, size_t len, const char *key) {
  size_t kl = strlen(key);
  if (!memchr(tok, '\\', len))
    return len == kl + 2 && memcmp(tok + 1, key, kl) == 0;
  cJSON *k = cJSON_ParseWithLength(tok, len);
  int eq = cJSON_IsString(k) && strcmp(k->valuestring, key) == 0;
  cJSON_Delete(k);
  return eq;
}

/* Finds the value of the first top-level member key of the object s[0, n). */
static int find_member(const char *s, size_t n, const char *key, size_t *vs, size_t *ve) {
  size_t i = skip_ws(s, n, 0);
  if (i >= n || s[i] != '{')
    return 0;
  i = skip_ws(s, n, i + 1);
  while (i < n && s[i] == '"') {
    size_t ks = i;
    i = skip_string(s, n, i);
    size_t ke = i;
    i = skip_ws(s, n, i);
    if (i >= n || s[i] != ':')
      return 0;
    i = skip_ws(s, n, i + 1);
    size_t v0 = i;
    i = skip_value(s, n, i);
    if (key_is(s + ks, ke - ks, key)) {
      *vs = v0;
      *ve = i;
      return 1;
    }
    i = skip_ws(s, n, i);
    if (i >= n || s[i] != ',')
      return 0;
    i = skip_ws(s, n, i + 1);
  }
  return 0;
}

/* Whether the string token s[0, n) holds the escape \u0000: cJSON decodes it
 * into a NUL that would silently cut the text short. */
static int has_nul_escape(const char *s, size_t n) {
  for (size_t i = 0; i + 1 < n; i++) {
    if (s[i] != '\\')
      continue;
    if (s[i + 1] == 'u' && i + 6 <= n && memcmp(s + i + 2, "0000", 4) == 0)
      return 1;
    i++;
  }
  return 0;
}

static int valid_utf8(const unsigned char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    unsigned c = s[i];
    size_t k;
    unsigned cp;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      k = 1, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      k = 2, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      k = 3, cp = c & 0x07;
    } else {
      return 0;
    }
    for (size_t j = 1; j <= k; j++) {
      if (i + j >= n || (s[i + j] & 0xC0) != 0x80)
        return 0;
      cp = cp << 6 | (s[i + j] & 0x3Fu);
    }
    if ((k == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
      return 0;
    i += k + 1;
  }
  return 1;
}

/* ---- records ------------------------------------------------------------ */

typedef struct jsonl {
  const cli_cfg *c;
  reader rd;
  size_t max_line;
  unsigned long lineno;
  int read_errno;
} jsonl;

static const char *type_name(const cJSON *v) {
  return cJSON_IsObject(v)   ? "an object"
         : cJSON_IsArray(v)  ? "an array"
         : cJSON_IsString(v) ? "a string"
         : cJSON_IsNumber(v) ? "a number"
         : cJSON_IsBool(v)   ? "a boolean"
                             : "null";
}

/* Fills it from the record line[0, len) (NUL-terminated): its raw id, and
 * its text or the problem with it. */
static void parse_record(cli_item *it, const char *line, size_t len) {
  cJSON *root = NULL;
  size_t i = skip_ws(line, len, 0);
  const char *nul = memchr(line, '\0', len);
  if (nul) {
    it->code = "invalid_json";
    it->msg = cli_strf("invalid JSON: NUL byte at byte %zu", (size_t)(nul - line));
    goto done;
  }
  if (i == len) {
    it->code = "invalid_json";
    it->msg = cli_strf("empty line");
    goto done;
  }
  const char *end = NULL;
  root = cJSON_ParseWithLengthOpts(line, len + 1, &end, 1);
  if (!root) {
    it->code = "invalid_json";
    it->msg = cli_strf("invalid JSON at byte %zu", end && end >= line ? (size_t)(end - line) : (size_t)0);
    goto done;
  }
  if (!cJSON_IsObject(root)) {
    it->code = "not_object";
    it->msg = cli_strf("a record is a JSON object, not %s", type_name(root));
    goto done;
  }
  size_t vs, ve;
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "id");
  if (id && (cJSON_IsObject(id) || cJSON_IsArray(id))) {
    it->code = "invalid_id";
    it->msg = cli_strf("\"id\" is %s; it must be a string, number, boolean or null", type_name(id));
  } else if (id && find_member(line, len, "id", &vs, &ve) && ve > vs) {
    if (!valid_utf8((const unsigned char *)line + vs, ve - vs)) {
      it->code = "invalid_id";
      it->msg = cli_strf("\"id\" is not valid UTF-8");
    } else if ((it->id = malloc(ve - vs + 1)) != NULL) {
      memcpy(it->id, line + vs, ve - vs);
      it->id[ve - vs] = '\0';
    }
  }
  if (it->code)
    goto done;
  const cJSON *text = cJSON_GetObjectItemCaseSensitive(root, "text");
  if (!text) {
    it->code = "missing_text";
    it->msg = cli_strf("no \"text\" member");
  } else if (!cJSON_IsString(text)) {
    it->code = "text_not_string";
    it->msg = cli_strf("\"text\" is %s, not a string", type_name(text));
  } else if (find_member(line, len, "text", &vs, &ve) && has_nul_escape(line + vs, ve - vs)) {
    /* cJSON stopped the string at the NUL, so its length is the offset */
    it->code = "binary";
    it->msg = cli_strf("binary data (NUL byte) at byte %zu", strlen(text->valuestring));
  } else {
    it->text_len = strlen(text->valuestring);
    if ((it->text = malloc(it->text_len + 1)) != NULL) {
      memcpy(it->text, text->valuestring, it->text_len + 1);
      it->has_text = 1;
    } else {
      it->code = "out_of_memory";
    }
  }
done:
  cJSON_Delete(root);
}

static int next_record(void *ctx, cli_item *it) {
  jsonl *j = ctx;
  char *line = NULL;
  size_t len, raw;
  int too_long;
  int r = read_line(&j->rd, j->max_line, &line, &len, &too_long, &raw);
  if (r < 0)
    j->read_errno = errno ? errno : EIO;
  if (r <= 0)
    return 0;
  it->line = ++j->lineno;
  it->bytes = raw;
  if (too_long) {
    it->code = "too_large";
    it->msg = cli_strf("line longer than %zu bytes (see --max-bytes)", j->max_line);
  } else {
    parse_record(it, line, len);
  }
  free(line);
  return 1;
}

/* s as a JSON string literal (it is UTF-8 or our own ASCII). */
static char *json_string(const char *s) {
  size_t n = 2;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    n += *p == '"' || *p == '\\' ? 2 : *p < 0x20 ? 6 : 1;
  char *out = malloc(n + 1), *o = out;
  if (!out)
    return NULL;
  *o++ = '"';
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') {
      *o++ = '\\';
      *o++ = (char)*p;
    } else if (*p < 0x20) {
      snprintf(o, 7, "\\u%04x", *p);
      o += 6;
    } else {
      *o++ = (char)*p;
    }
  }
  *o++ = '"';
  *o = '\0';
  return out;
}

static const char *status_code(attrib_status st) {
  switch (st) {
  case ATTRIB_ERR_NOMEM:
    return "out_of_memory";
  case ATTRIB_ERR_UTF8:
    return "invalid_utf8";
  case ATTRIB_ERR_BINARY:
    return "binary";
  case ATTRIB_ERR_TOO_LARGE:
    return "too_large";
  case ATTRIB_ERR_LIMIT:
    return "limit";
  default:
    return "error";
  }
}

static void work_record(void *ctx, cli_item *it) {
  const cli_cfg *c = ((const jsonl *)ctx)->c;
  const char *id = it->id ? it->id : "null";
  const char *code = it->code;
  char *msg = it->msg;
  it->msg = NULL;
  attrib_error err;
  if (!code) {
    attrib_doc *doc = NULL;
    char *json = NULL;
    size_t len = 0;
    attrib_status st = attrib_analyze(c->model, it->text, it->text_len, &c->opts, &doc, &err);
    if (st == ATTRIB_OK) {
      st = attrib_doc_to_json(doc, NULL, 0, &json, &len, &err);
      attrib_doc_free(doc);
    }
    if (st == ATTRIB_OK && len >= 2 && json[0] == '{') {
      /* the id goes first: {"id":ID,"attrib":...} */
      it->out = cli_strf("{\"id\":%s%s%s", id, json[1] == '}' ? "" : ",", json + 1);
      it->out_len = it->out ? strlen(it->out) : 0;
      attrib_free(json);
      if (it->out)
        return;
      st = ATTRIB_ERR_NOMEM;
      snprintf(err.message, sizeof err.message, "out of memory");
    } else {
      attrib_free(json);
    }
    code = status_code(st);
    msg = cli_strf("%s", err.message);
  }
  it->failed = 1;
  char *m = json_string(msg ? msg : "out of memory");
  if (m) {
    it->out = cli_strf("{\"id\":%s,\"error\":{\"code\":\"%s\",\"message\":%s}}", id, code, m);
    it->out_len = it->out ? strlen(it->out) : 0;
  }
  it->err = cli_strf("attrib: <stdin> line %lu: %s", it->line, msg ? msg : "out of memory");
  free(m);
  free(msg);
}

int cli_jsonl_run(const cli_cfg *c) {
  jsonl *j = calloc(1, sizeof *j);
  if (!j) {
    fprintf(stderr, "attrib: out of memory\n");
    return 1;
  }
  j->c = c;
  j->rd.fd = STDIN_FILENO;
  /* the longest line that can hold a text within the limit: every byte
   * may be written as a six-byte \u escape */
  size_t max = c->opts.max_input_bytes;
  j->max_line = max > ((size_t)-1 - 65536) / 6 ? (size_t)-1 - 1 : max * 6 + 65536;
  struct stat st;
  unsigned long long total = 0;
  if (fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode)) {
    off_t pos = lseek(STDIN_FILENO, 0, SEEK_CUR);
    if (pos >= 0 && pos <= st.st_size)
      total = (unsigned long long)(st.st_size - pos);
  }
  int rc = cli_batch_run(c, next_record, work_record, j, 0, total, "lines");
  if (j->read_errno) {
    fprintf(stderr, "attrib: <stdin>: %s\n", strerror(j->read_errno));
    rc = 1;
  }
  free(j);
  return rc != 0;
}
