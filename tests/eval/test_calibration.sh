#!/bin/sh
# attrib-eval --calibration must fail on confidences that mislead and pass
# on ones that hold. Articles, gold and predictions are generated here.
# usage: test_calibration.sh ATTRIB_EVAL
set -eu
EVAL=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/articles" "$T/gold" "$T/good" "$T/bad"

# one article of 60 quotes, each "Qn," Ann Lee said. (speaker Ann Lee)
python3 - "$T" <<'PY'
import json, sys
t = sys.argv[1]
text, quotes = "", []
for k in range(60):
    q = f"Statement number {k} is here,"
    start = len(text.encode()) + 1
    text += f'"{q}" Ann Lee said.\n\n'
    quotes.append((q, start))
open(f"{t}/articles/001_cal.txt", "w").write(text)
json.dump({"article": "001_cal.txt",
           "entities": [{"type": "PERSON", "name": "Ann Lee", "aliases": []},
                        {"type": "PERSON", "name": "Bo Park", "aliases": []}],
           "quotes": [{"kind": "direct", "speaker": "Ann Lee", "cue": "said", "text": q} for q, _ in quotes]},
          open(f"{t}/gold/001_cal.json", "w"))
def pred(conf_of):
    qs = []
    for k, (q, s) in enumerate(quotes):
        conf, right = conf_of(k)
        name = "Ann Lee" if right else "Bo Park"
        qs.append({"kind": "direct", "start": s, "end": s + len(q.encode()), "text": q,
                   "speaker": {"entity": "e1" if right else "e2", "name": name,
                               "mention": {"start": 0, "end": 0, "text": name}},
                   "cue": None, "addressee": None, "confidence": conf, "rule": "test"})
    return {"document": {"source": "001_cal.txt"},
            "entities": [{"id": "e1", "type": "PERSON", "name": "Ann Lee", "mentions": []},
                         {"id": "e2", "type": "PERSON", "name": "Bo Park", "mentions": []}],
            "quotes": qs}
# good: 40 at 0.95 (38 right), 20 at 0.8 (17 right)
json.dump(pred(lambda k: (0.95, k % 20 != 0) if k < 40 else (0.8, k % 7 != 0)), open(f"{t}/good/001_cal.json", "w"))
# bad: 40 at 0.95 (24 right), 20 at 0.8 (all right)
json.dump(pred(lambda k: (0.95, k % 5 >= 2) if k < 40 else (0.8, True)), open(f"{t}/bad/001_cal.json", "w"))
PY

"$EVAL" --calibration "$T/articles" "$T/gold" "$T/good" >/dev/null || { echo "FAIL: honest confidences rejected"; exit 1; }
if "$EVAL" --calibration "$T/articles" "$T/gold" "$T/bad" >/dev/null 2>"$T/err"; then
  echo "FAIL: misleading confidences accepted"; exit 1
fi
grep -q "confidence >= 0.90 is right only" "$T/err" || { echo "FAIL: no precision message"; cat "$T/err"; exit 1; }
grep -q "more often right" "$T/err" || { echo "FAIL: no ordering message"; cat "$T/err"; exit 1; }
echo "calibration check: ok"
