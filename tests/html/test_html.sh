#!/usr/bin/env bash
# --format html as a browser sees it: renders pages, loads them in headless
# Chromium (--dump-dom: the DOM after parsing and the page's script) and
# checks the highlights, their speakers and titles, and the speaker list.
# usage: test_html.sh ATTRIB_BINARY ARTICLE. Exit 77 (skip) without Chromium.
set -u
bin=$1; example=$2
chromium=/usr/bin/chromium
if [ ! -x "$chromium" ]; then
  echo "SKIP: chromium not installed"
  exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0

dump() { # page.html -> page.dom
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d -p "$tmp")" --dump-dom "file://$1" >"$2" 2>"$tmp/chromium.err"
}

# a short article with fixed expectations, markup-like text and a nested quote
cat >"$tmp/short.txt" <<'EOF'
Port <Talks> & "Tariffs" Collapse

"We will not give up," said Maria Lindqvist, the union leader. "Not <now>, not ever."

The minister said the plan would go ahead. "It is fair," he added.
EOF

for art in "$tmp/short.txt" "$example"; do
  name=$(basename "$art" .txt)
  "$bin" --format html "$art" >"$tmp/$name.html" 2>"$tmp/err" || { echo "FAIL: attrib --format html $art: $(cat "$tmp/err")"; fail=1; continue; }
  "$bin" "$art" >"$tmp/$name.json" 2>/dev/null
  if ! dump "$tmp/$name.html" "$tmp/$name.dom" || [ ! -s "$tmp/$name.dom" ]; then
    echo "FAIL: chromium could not load $name.html: $(tail -5 "$tmp/chromium.err")"; fail=1; continue
  fi
  python3 - "$tmp/$name.dom" "$tmp/$name.json" "$name" <<'PY' || fail=1
import json, sys
from html.parser import HTMLParser

dom = open(sys.argv[1], encoding="utf-8").read()
doc = json.load(open(sys.argv[2], encoding="utf-8"))
name = sys.argv[3]

class Dom(HTMLParser):
    """Marks in the article and the speaker list, as the browser built them."""
    def __init__(self):
        super().__init__()
        self.marks, self.speakers, self.path, self.body = [], [], [], {}
        self.text = None   # collecting a mark's text, or a speaker's name
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        if tag in ("br", "meta", "link", "img", "hr", "input"):
            return
        self.path.append((tag, a))
        if tag == "mark" and any(t == "article" for t, _ in self.path):
            self.marks.append(dict(a, _text=""))
        if tag == "li" and "speaker" in a.get("class", "").split():
            self.speakers.append({"id": a.get("data-speaker"), "name": "", "quotes": []})
        if self.speakers and tag == "li" and "data-quote" in a:
            self.speakers[-1]["quotes"].append(a["data-quote"])
    def handle_endtag(self, tag):
        while self.path:
            t, _ = self.path.pop()
            if t == tag:
                break
    def handle_data(self, data):
        tags = [t for t, _ in self.path]
        if tags and tags[-1] == "mark" and "article" in tags:
            self.marks[-1]["_text"] += data
        if tags and tags[-1] == "span" and self.path[-1][1].get("class") == "name" and self.speakers:
            self.speakers[-1]["name"] += data

d = Dom(); d.feed(dom); d.close()
errors = []
def check(cond, msg):
    if not cond:
        errors.append(msg)

check(d.body.get("data-ready") == "1", "the page's script did not run")
quotes = {q["id"]: q for q in doc["quotes"]}
firsts = [m for m in d.marks if "id" in m]
check(sorted(m["id"] for m in firsts) == sorted(quotes), "one highlight with its id per quote: %s" % [m.get("id") for m in firsts])
for m in d.marks:
    q = quotes.get(m.get("data-quote"))
    if not q:
        errors.append("a highlight of no quote: %s" % m); continue
    check(q["text"].replace("\n", "").find(m["_text"].replace("\n", "")) >= 0, "%s: highlighted text not in the quote: %r" % (q["id"], m["_text"]))
    title = m.get("title", "")
    who = q["speaker"]["name"] if q["speaker"] else "unknown"
    conf = ("%.2f" % q["confidence"]).rstrip("0").rstrip(".") if q["confidence"] not in (0, 1) else str(int(q["confidence"]))
    want = "speaker: %s; kind: %s; rule: %s; confidence: %s" % (who, q["kind"], q["rule"], conf)
    check(title == want, "%s: title %r, want %r" % (q["id"], title, want))
    if q["speaker"]:
        check(m.get("data-speaker") == q["speaker"]["entity"], "%s: data-speaker %r" % (q["id"], m.get("data-speaker")))
    else:
        check("data-speaker" not in m and "none" in m.get("class", ""), "%s: no speaker, yet %s" % (q["id"], m))
# each highlight's whole text, pieces joined, is its quote
for qid, q in quotes.items():
    got = "".join(m["_text"] for m in d.marks if m.get("data-quote") == qid)
    if got:
        check(len(got) <= len(q["text"]), "%s: more text highlighted than quoted" % qid)

# the speaker list: every speaker once, with exactly their quotes, in order
want = {}
for q in doc["quotes"]:
    key = q["speaker"]["entity"] if q["speaker"] else None
    want.setdefault(key, []).append(q["id"])
got = {s["id"]: s["quotes"] for s in d.speakers}
check(got == want, "speaker list %s, want %s" % (got, want))
names = {e["id"]: e["name"] for e in doc["entities"]}
for s in d.speakers:
    check(s["name"] == (names[s["id"]] if s["id"] else "No speaker"), "speaker list name %r for %s" % (s["name"], s["id"]))

if name == "short":
    # what a reader must see, whatever the rules score
    lind = [m for m in d.marks if m.get("title", "").startswith("speaker: Maria Lindqvist;")]
    check(any(m["_text"] == "We will not give up," for m in lind), "no 'We will not give up,' by Maria Lindqvist: %s" % d.marks)
    check(any(m["_text"] == "Not <now>, not ever." for m in lind), "markup in a quote not shown as text: %s" % d.marks)
    check(any(s["name"] == "Maria Lindqvist" for s in d.speakers), "Maria Lindqvist not in the speaker list")
    import html, re
    check('Port <Talks> & "Tariffs" Collapse' in html.unescape(re.sub(r"<[^>]*>", "", dom)), "headline text lost")
    check("<talks>" not in dom.lower() and "<now>" not in dom.lower(), "article text became elements")
    check(dom.count("<p>") >= 3, "paragraphs lost")

for e in errors:
    print("FAIL: %s: %s" % (name, e))
print("%s: %d highlights, %d speakers%s" % (name, len(d.marks), len(d.speakers), "" if not errors else ", %d problems" % len(errors)))
sys.exit(1 if errors else 0)
PY
done
[ "$fail" = 0 ] && echo "PASS" || echo "FAILED"
exit "$fail"
