#!/usr/bin/env bash
# CLI behaviour: exit codes, one clear stderr line per bad input, other
# inputs unaffected. usage: test_cli.sh ATTRIB_BINARY EXAMPLE_ARTICLE
set -u
bin=$1; example=$2
tmp=$(mktemp -d); trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
expect() { # name, want-exit, got-exit
  if [ "$2" = "$3" ]; then ok; else bad "$1: exit $3, want $2"; fi
}
grep_err() { # name, pattern
  if grep -q -- "$2" "$tmp/err"; then ok; else bad "$1: stderr lacks '$2': $(cat "$tmp/err")"; fi
}

"$bin" --help >"$tmp/out" 2>"$tmp/err"; expect help 0 $?
grep -q "usage: attrib" "$tmp/out" && ok || bad "help text"
"$bin" --version >"$tmp/out" 2>&1; expect version 0 $?
grep -q "^attrib [0-9]" "$tmp/out" && ok || bad "version text"
"$bin" >/dev/null 2>"$tmp/err"; expect no-args 2 $?
"$bin" --bogus "$example" >/dev/null 2>"$tmp/err"; expect bad-option 2 $?

"$bin" "$example" >"$tmp/out" 2>"$tmp/err"; expect example 0 $?
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["quotes"] and d["entities"]' "$tmp/out" && ok || bad "example JSON"
[ "$(wc -l <"$tmp/out")" = 1 ] && ok || bad "compact output is one line"
"$bin" --pretty "$example" >"$tmp/out" 2>/dev/null; expect pretty 0 $?
[ "$(wc -l <"$tmp/out")" -gt 10 ] && ok || bad "pretty output"
"$bin" - <"$example" >"$tmp/out" 2>/dev/null; expect stdin 0 $?
grep -q '"source":"-"' "$tmp/out" && ok || bad "stdin source"

"$bin" "$tmp/missing.txt" >/dev/null 2>"$tmp/err"; expect missing 1 $?
grep_err missing "missing.txt: No such file"
[ "$(wc -l <"$tmp/err")" = 1 ] && ok || bad "one stderr line"
"$bin" "$tmp" >/dev/null 2>"$tmp/err"; expect directory 1 $?
grep_err directory "is a directory"
: >"$tmp/empty.txt"
"$bin" "$tmp/empty.txt" >/dev/null 2>"$tmp/err"; expect empty 1 $?
grep_err empty "empty file"
printf 'Caf\xc3\xa9 ok \xff\xfe bad' >"$tmp/latin.txt"
"$bin" "$tmp/latin.txt" >/dev/null 2>"$tmp/err"; expect utf8 1 $?
grep_err utf8 "invalid UTF-8 at byte 9"
head -c 3000 /bin/sh >"$tmp/binary.txt"
"$bin" "$tmp/binary.txt" >/dev/null 2>"$tmp/err"; expect binary 1 $?
grep_err binary "binary data"
if [ "$(id -u)" != 0 ]; then
  cp "$example" "$tmp/locked.txt"; chmod 000 "$tmp/locked.txt"
  "$bin" "$tmp/locked.txt" >/dev/null 2>"$tmp/err"; expect unreadable 1 $?
  grep_err unreadable "Permission denied"
fi
"$bin" --max-bytes 100 "$example" >/dev/null 2>"$tmp/err"; expect too-large 1 $?
grep_err too-large "larger than the limit"

# batch: one bad file costs the others nothing
"$bin" "$example" "$tmp/missing.txt" "$example" >"$tmp/out" 2>"$tmp/err"; expect batch 1 $?
[ "$(wc -l <"$tmp/out")" = 2 ] && ok || bad "batch keeps the good outputs"
mkdir "$tmp/outdir"
"$bin" -o "$tmp/outdir" "$example" "$tmp/latin.txt" 2>/dev/null; expect outdir 1 $?
[ -s "$tmp/outdir/article.json" ] && ok || bad "output dir result"
ls -A "$tmp/outdir" | grep -q tmp && bad "temporary file left behind" || ok
printf 'Unbalanced “quote that never ends\n\nAnd a "straight one\n' >"$tmp/unbalanced.txt"
"$bin" "$tmp/unbalanced.txt" >/dev/null 2>"$tmp/err"; expect unbalanced 0 $?

# ---- batch: -j N, directories ------------------------------------------------
mkdir "$tmp/corpus"
cp "$example" "$tmp/corpus/a-example.txt"
printf '"We will not give up," said Maria Lindqvist, the union leader.\n' >"$tmp/corpus/b-union.txt"
printf 'The minister said the plan would go ahead.\n\n\xe2\x80\x9cIt is fair,\xe2\x80\x9d he added.\n' >"$tmp/corpus/c-minister.txt"
printf '"Prices will fall," the company said in a statement on Monday.\n' >"$tmp/corpus/d-company.txt"
cp "$example" "$tmp/corpus/e-again.txt"
printf 'A spokeswoman for the ministry told reporters that talks would resume.\n' >"$tmp/corpus/f-spokes.txt"
printf 'not an article\n' >"$tmp/corpus/notes.md"
printf 'hidden\n' >"$tmp/corpus/.hidden.txt"
files=("$tmp"/corpus/[a-f]-*.txt)
"$bin" -j 1 "${files[@]}" >"$tmp/j1" 2>"$tmp/err"; expect j1 0 $?
[ -s "$tmp/err" ] && bad "j1: stderr not empty (no progress off a terminal): $(cat "$tmp/err")" || ok
"$bin" -j 2 "${files[@]}" >"$tmp/j2" 2>"$tmp/err"; expect j2 0 $?
cmp -s "$tmp/j1" "$tmp/j2" && ok || bad "-j 2 output differs from -j 1"
[ "$(wc -l <"$tmp/j2")" = 6 ] && ok || bad "-j 2: $(wc -l <"$tmp/j2") lines, want 6"
python3 - "$tmp/j2" "${files[@]}" <<'PY' && ok || bad "-j 2: results not in argument order"
import json, sys
src = [json.loads(l)["document"]["source"] for l in open(sys.argv[1])]
assert src == sys.argv[2:], src
PY
"$bin" -j 8 "${files[@]}" "${files[@]}" >"$tmp/j8" 2>/dev/null; expect j8 0 $?
cat "$tmp/j1" "$tmp/j1" | cmp -s - "$tmp/j8" && ok || bad "-j 8 over 12 inputs differs from -j 1"
"$bin" -j4 --pretty "${files[@]}" >"$tmp/j4p" 2>/dev/null; expect j4-attached-pretty 0 $?
"$bin" --pretty "${files[@]}" | cmp -s - "$tmp/j4p" && ok || bad "-j4 --pretty differs from --pretty"
"$bin" -j 0 "$example" >/dev/null 2>&1; expect j0 0 $?
"$bin" -j auto "$example" >/dev/null 2>&1; expect j-auto 0 $?
"$bin" --jobs 2 "$example" >/dev/null 2>&1; expect jobs-long 0 $?
"$bin" -j two "$example" >/dev/null 2>"$tmp/err"; expect j-bad 2 $?
grep_err j-bad "-j needs a number"
"$bin" -j -1 "$example" >/dev/null 2>&1; expect j-negative 2 $?
"$bin" "$example" -j >/dev/null 2>&1; expect j-no-value 2 $?

# a directory means its *.txt files in name order (not notes.md, not .hidden.txt)
"$bin" -j 2 "$tmp/corpus" >"$tmp/dir" 2>"$tmp/err"; expect dir 0 $?
cmp -s "$tmp/j1" "$tmp/dir" && ok || bad "DIR differs from its sorted *.txt files: $(head -c 300 "$tmp/dir")"
"$bin" "$tmp/corpus/" >"$tmp/dir2" 2>/dev/null; expect dir-slash 0 $?
grep -q '"source":"'"$tmp"'/corpus/a-example.txt"' "$tmp/dir2" && ok || bad "DIR/ source names"
mkdir "$tmp/emptydir"
"$bin" "$tmp/emptydir" "$example" >"$tmp/out" 2>"$tmp/err"; expect empty-dir 1 $?
grep_err empty-dir "emptydir: is a directory without .txt files"
[ "$(wc -l <"$tmp/out")" = 1 ] && ok || bad "empty dir costs the other input"

# a bad file among good ones with -j 3: exit 1, the others present and in order
"$bin" -j 3 "${files[0]}" "$tmp/missing.txt" "${files[1]}" "$tmp/latin.txt" "${files[2]}" "$tmp/empty.txt" \
  "${files[3]}" >"$tmp/out" 2>"$tmp/err"; expect j3-bad 1 $?
python3 - "$tmp/out" "${files[0]}" "${files[1]}" "${files[2]}" "${files[3]}" <<'PY' && ok || bad "j3-bad: good results missing or out of order"
import json, sys
src = [json.loads(l)["document"]["source"] for l in open(sys.argv[1])]
assert src == sys.argv[2:], src
PY
[ "$(wc -l <"$tmp/err")" = 3 ] && ok || bad "j3-bad: want 3 stderr lines: $(cat "$tmp/err")"
[ "$(sed -n 1p "$tmp/err" | grep -c missing.txt)$(sed -n 2p "$tmp/err" | grep -c latin.txt)$(sed -n 3p "$tmp/err" | grep -c empty.txt)" = 111 ] &&
  ok || bad "j3-bad: stderr lines not in input order: $(cat "$tmp/err")"

# -o with threads: every result written whole, nothing temporary left
mkdir "$tmp/jout"
"$bin" -j 3 -o "$tmp/jout" "$tmp/corpus" 2>"$tmp/err"; expect j3-outdir 0 $?
[ "$(ls "$tmp/jout" | wc -l)" = 6 ] && ok || bad "j3-outdir: $(ls -A "$tmp/jout")"
ls -A "$tmp/jout" | grep -q tmp && bad "j3-outdir: temporary file left behind" || ok
for f in "$tmp"/jout/*.json; do cat "$f"; done | cmp -s - "$tmp/j1" && ok || bad "j3-outdir: files differ from stdout results"

"$bin" --quiet -j 2 "${files[@]}" >"$tmp/out" 2>"$tmp/err"; expect quiet 0 $?
cmp -s "$tmp/out" "$tmp/j1" && ok || bad "--quiet changes the results"
[ -s "$tmp/err" ] && bad "--quiet: stderr: $(cat "$tmp/err")" || ok
"$bin" -q "$example" >/dev/null 2>&1; expect quiet-short 0 $?

# progress: only on a terminal (util-linux script gives one), never with --quiet
if command -v script >/dev/null 2>&1; then
  script -qec "'$bin' -j 2 -o '$tmp/jout' ${files[*]} >/dev/null" /dev/null >"$tmp/tty" 2>&1 </dev/null
  grep -q "6/6 files" "$tmp/tty" && ok || bad "no progress line on a terminal: $(cat -v "$tmp/tty")"
  script -qec "'$bin' -q -j 2 -o '$tmp/jout' ${files[*]} >/dev/null" /dev/null >"$tmp/tty" 2>&1 </dev/null
  grep -q "files" "$tmp/tty" && bad "--quiet still shows progress: $(cat -v "$tmp/tty")" || ok
else
  echo "SKIP: progress on a terminal (no script(1))"
fi

# ---- --format tsv -------------------------------------------------------------
"$bin" --format tsv "$example" >"$tmp/tsv" 2>"$tmp/err"; expect tsv 0 $?
[ "$(head -1 "$tmp/tsv")" = "$(printf 'file\tid\tkind\tspeaker\tcue\tconfidence\trule\ttext')" ] && ok ||
  bad "tsv header: $(head -1 "$tmp/tsv")"
"$bin" "$example" >"$tmp/json" 2>/dev/null
python3 - "$tmp/tsv" "$tmp/json" "$example" <<'PY' && ok || bad "tsv records differ from the JSON quotes"
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[-1] == "", "no final newline"
recs = [l.split("\t") for l in lines[1:-1]]
q = json.load(open(sys.argv[2], encoding="utf-8"))["quotes"]
assert len(recs) == len(q), (len(recs), len(q))
for r, j in zip(recs, q):
    assert len(r) == 8, r
    def num(x): return ("%.2f" % x).rstrip("0").rstrip(".") if x not in (0, 1) else str(int(x))
    want = [sys.argv[3], j["id"], j["kind"], j["speaker"]["name"] if j["speaker"] else "",
            j["cue"]["text"] if j["cue"] else "", num(j["confidence"]), j["rule"], j["text"]]
    assert r == want, (r, want)
PY
# escaping: a tab, a backslash and a line break inside a quote stay on one line
printf '"Tabs\there, a back\\\\slash and\na break," said Maria Lindqvist.\n\n"Fine," she added.\n' >"$tmp/esc.txt"
"$bin" --format tsv "$tmp/esc.txt" >"$tmp/tsv" 2>"$tmp/err"; expect tsv-escape 0 $?
"$bin" "$tmp/esc.txt" >"$tmp/json" 2>/dev/null
python3 - "$tmp/tsv" "$tmp/json" <<'PY' && ok || bad "tsv escaping: $(cat "$tmp/tsv")"
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")[1:-1]
q = json.load(open(sys.argv[2], encoding="utf-8"))["quotes"]
assert len(lines) == len(q) and q, (lines, q)
def unesc(f):
    out, i = [], 0
    while i < len(f):
        if f[i] == "\\":
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}[f[i + 1]]); i += 2
        else:
            out.append(f[i]); i += 1
    return "".join(out)
texts = [l.split("\t")[7] for l in lines]
assert all(len(l.split("\t")) == 8 for l in lines)
assert [unesc(t) for t in texts] == [x["text"] for x in q], (texts, q)
assert any("\\t" in t and "\\\\" in t for t in texts), texts
PY
# several files, -j: one header, records in input order, as with one thread
"$bin" --format tsv "${files[@]}" >"$tmp/tsv1" 2>/dev/null; expect tsv-batch 0 $?
"$bin" --format tsv -j 3 "${files[@]}" >"$tmp/tsv3" 2>/dev/null; expect tsv-j3 0 $?
cmp -s "$tmp/tsv1" "$tmp/tsv3" && ok || bad "tsv -j 3 differs from -j 1"
[ "$(grep -c '^file	id	' "$tmp/tsv1")" = 1 ] && ok || bad "tsv: want one header line"
python3 - "$tmp/tsv1" "$tmp/j1" "${files[@]}" <<'PY' && ok || bad "tsv batch: records or order differ from JSON"
import json, sys
recs = [l.split("\t") for l in open(sys.argv[1], encoding="utf-8").read().split("\n")[1:-1]]
want = [(json.loads(l)["document"]["source"], q["id"]) for l in open(sys.argv[2]) for q in json.loads(l)["quotes"]]
assert [(r[0], r[1]) for r in recs] == want, (recs[:3], want[:3])
PY
"$bin" --format tsv - <"$example" 2>/dev/null | sed -n 2p | grep -q "^-	q1	" && ok || bad "tsv: '-' for standard input"
mkdir "$tmp/tsvout"
"$bin" --format tsv -j 2 -o "$tmp/tsvout" "$tmp/corpus" 2>/dev/null; expect tsv-outdir 0 $?
[ "$(ls "$tmp/tsvout" | grep -c '\.tsv$')" = 6 ] && ok || bad "tsv -o: $(ls -A "$tmp/tsvout")"
[ "$(head -1 "$tmp/tsvout/b-union.tsv")" = "$(head -1 "$tmp/tsv1")" ] && ok || bad "tsv -o: each file has a header"
for f in "$tmp"/tsvout/*.tsv; do sed 1d "$f"; done | sed "s#^[^	]*/corpus/#corpus/#" >"$tmp/a"
sed 1d "$tmp/tsv1" | sed "s#^[^	]*/corpus/#corpus/#" | cmp -s - "$tmp/a" && ok || bad "tsv -o files differ from stdout"
"$bin" --format tsv --pretty "$example" >/dev/null 2>"$tmp/err"; expect tsv-pretty 2 $?
grep_err tsv-pretty "does not apply"
"$bin" --format xml "$example" >/dev/null 2>"$tmp/err"; expect format-bad 2 $?
grep_err format-bad "json, tsv or html"
"$bin" --format >/dev/null 2>&1; expect format-no-value 2 $?
"$bin" --format json "$example" >"$tmp/a" 2>/dev/null; "$bin" "$example" | cmp -s - "$tmp/a" && ok || bad "--format json differs from the default"
"$bin" --jsonl --format tsv </dev/null >/dev/null 2>&1; expect jsonl-tsv 2 $?

# ---- --format html ------------------------------------------------------------
printf '%s\n\n%s\n\n%s\n' \
  '"We will not <give> up & go home," said Maria Lindqvist, the union leader.' \
  'The <script>alert(1)</script> plan, which critics call a "Trojan horse", was shelved.' \
  'The minister said the plan would go ahead. "It is fair," he added.' >"$tmp/html.txt"
"$bin" --format html "$tmp/html.txt" >"$tmp/page.html" 2>"$tmp/err"; expect html 0 $?
"$bin" "$tmp/html.txt" >"$tmp/json" 2>/dev/null
python3 - "$tmp/page.html" "$tmp/json" <<'PY' && ok || bad "html page"
import json, re, sys
from html.parser import HTMLParser
page = open(sys.argv[1], encoding="utf-8").read()
doc = json.load(open(sys.argv[2], encoding="utf-8"))
assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
assert "<give>" not in page and "<script>alert" not in page and "& go" not in page, "raw article markup"
assert "&lt;give&gt;" in page and "&amp; go" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
assert not re.search(r'(src|href)="(https?:)?//', page), "external resource"
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.marks = []; self.stack = []; self.paras = 0
    def handle_starttag(self, tag, attrs):
        if tag not in ("br", "meta"):
            self.stack.append(tag)
        if tag == "mark": self.marks.append(dict(attrs))
        if tag == "p": self.paras += 1
    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
        self.stack.pop()
p = P(); p.feed(page); p.close()
assert not p.stack, p.stack
ents = {e["id"]: e["name"] for e in doc["entities"]}
spoken = {q["id"]: q for q in doc["quotes"] if q["speaker"]}
first = [m for m in p.marks if "id" in m]
# one mark with the quote's id per quote; each carries its speaker and title
assert sorted(m["id"] for m in first) == sorted(q["id"] for q in doc["quotes"]), first
assert sorted(m["id"] for m in first if "data-speaker" in m) == sorted(spoken), first
for m in p.marks:
    q = next(q for q in doc["quotes"] if q["id"] == m["data-quote"])
    if q["speaker"]:
        assert m["data-speaker"] == q["speaker"]["entity"], m
        assert m["title"].startswith("speaker: " + q["speaker"]["name"] + ";"), m
    assert ("kind: %s;" % q["kind"]) in m["title"] and ("rule: %s;" % q["rule"]) in m["title"], m
assert any(m.get("data-speaker") and "Maria Lindqvist" in m["title"] for m in p.marks), p.marks
assert p.paras >= 3 + 1, p.paras   # three article paragraphs (+ the header's)
PY
"$bin" --format html "$example" "$example" >/dev/null 2>"$tmp/err"; expect html-two-inputs 2 $?
grep_err html-two-inputs "use -o DIR"
"$bin" --format html "$tmp/corpus" >/dev/null 2>"$tmp/err"; expect html-dir 2 $?
grep_err html-dir "use -o DIR"
mkdir "$tmp/htmlout"
"$bin" --format html -j 2 -o "$tmp/htmlout" "$tmp/corpus" - <"$tmp/html.txt" 2>/dev/null; expect html-outdir 0 $?
[ "$(ls "$tmp/htmlout" | grep -c '\.html$')" = 7 ] && [ -s "$tmp/htmlout/stdin.html" ] && ok ||
  bad "html -o: $(ls -A "$tmp/htmlout")"
cmp -s "$tmp/htmlout/stdin.html" "$tmp/page.html" && bad "html -o: stdin page should be titled 'standard input'" || ok
grep -q "<title>attrib: standard input</title>" "$tmp/htmlout/stdin.html" && ok || bad "html stdin title"
"$bin" --format html --pretty "$example" >/dev/null 2>&1; expect html-pretty 2 $?

# ---- --jsonl ------------------------------------------------------------------
python3 - "$example" >"$tmp/in.jsonl" <<'PY'
import json, sys
art = open(sys.argv[1], encoding="utf-8").read()
print(json.dumps({"id": 1, "text": art}))
print(json.dumps({"id": "doc-2", "text": '"We will not give up," said Maria Lindqvist, the union leader.'}))
print('{"id": 3, "text": "unterminated')                                  # malformed JSON
print(json.dumps({"id": 4.50, "body": "no text member"}).replace("4.5", "4.50"))  # missing text, id kept verbatim
print('{"id": 12345678901234567890, "text": "Big ids keep their digits, she said."}')
print(json.dumps({"id": None, "text": "The minister said the plan would go ahead."}))
print(json.dumps({"id": True, "text": 42}))                               # text not a string
print(json.dumps({"text": "No id at all."}))
print(json.dumps({"id": "nul", "text": "a\u0000b"}))                        # NUL: binary
print(json.dumps({"id": "bad-utf8", "text": "ok"}).replace("ok", "\\udc00"))  # lone surrogate: invalid JSON
print(json.dumps({"id": "long", "text": art * 40}, ensure_ascii=False))      # a line far over 64 KiB
print(json.dumps({"id": "last", "text": art}))
PY
"$bin" --jsonl <"$tmp/in.jsonl" >"$tmp/jl1" 2>"$tmp/err"; expect jsonl 1 $?
"$bin" --jsonl -j 2 <"$tmp/in.jsonl" >"$tmp/jl2" 2>/dev/null; expect jsonl-j2 1 $?
cmp -s "$tmp/jl1" "$tmp/jl2" && ok || bad "--jsonl -j 2 differs from -j 1"
[ "$(wc -l <"$tmp/err")" = 5 ] && ok || bad "--jsonl: want one stderr line per bad record: $(cat "$tmp/err")"
grep_err jsonl-line-number "line 3: invalid JSON"
python3 - "$tmp/jl1" "$tmp/in.jsonl" "$bin" "$example" <<'PY' && ok || bad "--jsonl records"
import json, subprocess, sys
out = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert out[-1] == "" and len(out) - 1 == 12, len(out)
raw = out[:-1]
rows = [json.loads(l) for l in raw]
# ids echoed verbatim, first member
want_ids = ['1', '"doc-2"', 'null', '4.50', '12345678901234567890', 'null', 'true', 'null', '"nul"', 'null',
            '"long"', '"last"']
for line, want in zip(raw, want_ids):
    assert line.startswith('{"id":' + want + ','), (line[:60], want)
codes = [r.get("error", {}).get("code") for r in rows]
assert codes == [None, None, "invalid_json", "missing_text", None, None, "text_not_string", None, "binary",
                 "invalid_json", None, None], codes
for r in rows:
    assert list(r)[0] == "id"
    if "error" in r:
        assert set(r) == {"id", "error"} and r["error"]["message"], r
    else:
        assert r["attrib"]["schema"] == 1 and r["document"]["source"] is None, r
assert rows[1]["quotes"][0]["speaker"]["name"] == "Maria Lindqvist", rows[1]
assert rows[4]["quotes"], rows[4]
assert "byte 1" in rows[8]["error"]["message"], rows[8]
# the same analysis as the file: only id and source differ
f = json.loads(subprocess.run([sys.argv[3], sys.argv[4]], capture_output=True, check=True).stdout)
for r in (rows[0], rows[11]):
    r = dict(r); del r["id"]; r["document"]["source"] = sys.argv[4]
    assert r == f
assert rows[10]["document"]["bytes"] == 40 * f["document"]["bytes"]
PY
"$bin" --jsonl <"$tmp/in.jsonl" -j 3 --max-bytes 5000 >"$tmp/out" 2>/dev/null; expect jsonl-max-bytes 1 $?
python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 12 and rows[10]["error"]["code"] == "too_large" and "error" not in rows[1], rows[10]' "$tmp/out" &&
  ok || bad "--jsonl: a text over --max-bytes is a too_large record"
sed -n '1,2p;5,6p' "$tmp/in.jsonl" | "$bin" --jsonl -j 2 >"$tmp/out" 2>"$tmp/err"; expect jsonl-all-good 0 $?
[ "$(wc -l <"$tmp/out")" = 4 ] && ok || bad "--jsonl all good: $(wc -l <"$tmp/out") lines"
[ -s "$tmp/err" ] && bad "--jsonl all good: stderr: $(cat "$tmp/err")" || ok
printf '{"id":7,"text":"No newline at the end."}' | "$bin" --jsonl >"$tmp/out" 2>/dev/null; expect jsonl-no-final-newline 0 $?
grep -q '^{"id":7,' "$tmp/out" && ok || bad "--jsonl: last line without a newline"
"$bin" --jsonl </dev/null >"$tmp/out" 2>&1; expect jsonl-empty-input 0 $?
[ -s "$tmp/out" ] && bad "--jsonl: output for no input" || ok
# a co-process: each answer comes before the next record is sent
for j in 1 3; do
  python3 - "$bin" "$j" <<'PY' && ok || bad "--jsonl -j $j as a co-process: no answer before the next line"
import json, select, subprocess, sys
p = subprocess.Popen([sys.argv[1], "--jsonl", "-j", sys.argv[2]], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
for i in range(3):
    p.stdin.write((json.dumps({"id": i, "text": '"Yes," said Ann Lee.'}) + "\n").encode())
    p.stdin.flush()
    assert select.select([p.stdout], [], [], 10)[0], "no answer"
    assert json.loads(p.stdout.readline())["id"] == i
p.stdin.close()
assert p.wait() == 0
PY
done
"$bin" --jsonl "$example" </dev/null >/dev/null 2>&1; expect jsonl-with-file 2 $?
"$bin" --jsonl --pretty </dev/null >/dev/null 2>&1; expect jsonl-pretty 2 $?
"$bin" --jsonl -o "$tmp" </dev/null >/dev/null 2>&1; expect jsonl-outdir 2 $?

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
