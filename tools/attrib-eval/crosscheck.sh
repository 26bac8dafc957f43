#!/usr/bin/env bash
# crosscheck.sh ARTICLES GOLD PRED [brat]
# Runs attrib-eval and the reference python scorer on the same saved outputs and diffs their
# numbers (every summary line) and, for the gold format, their error listings.
# Exit 0 when identical, 1 on a difference, 2 on bad usage.
#   ATTRIB_EVAL  the attrib-eval binary (default: build/tools/attrib-eval/attrib-eval, then PATH)
#   SCORE_TOOLS  directory of score.py and score_polnear.py (default: ../shared/tools next to the repo)
set -u
usage() { echo "usage: crosscheck.sh ARTICLES GOLD PRED [brat]" >&2; exit 2; }
[ $# -eq 3 ] || [ $# -eq 4 ] || usage
arts=$1 gold=$2 pred=$3 fmt=${4:-gold}
[ "$fmt" = gold ] || [ "$fmt" = brat ] || usage
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
tools=${SCORE_TOOLS:-$(cd "$root/.." && pwd)/shared/tools}
bin=${ATTRIB_EVAL:-}
if [ -z "$bin" ]; then
  for c in "$root/build/tools/attrib-eval/attrib-eval" "$root/build/attrib-eval"; do
    [ -x "$c" ] && { bin=$c; break; }
  done
  [ -n "$bin" ] || bin=$(command -v attrib-eval) || { echo "crosscheck: attrib-eval not found; set ATTRIB_EVAL" >&2; exit 2; }
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

if [ "$fmt" = brat ]; then
  python3 "$tools/score_polnear.py" "$arts" "$pred" >"$tmp/py.out" 2>"$tmp/py.err" || { cat "$tmp/py.err" >&2; exit 2; }
  "$bin" --format brat "$arts" "$pred" >"$tmp/c.out" 2>"$tmp/c.err" || { cat "$tmp/c.err" >&2; exit 2; }
  cp "$tmp/py.out" "$tmp/py.num"; cp "$tmp/c.out" "$tmp/c.num"
else
  python3 "$tools/score.py" "$arts" "$gold" "$pred" >"$tmp/py.out" 2>"$tmp/py.err" || { cat "$tmp/py.err" >&2; exit 2; }
  "$bin" "$arts" "$gold" "$pred" >"$tmp/c.num" 2>"$tmp/c.err" || { cat "$tmp/c.err" >&2; exit 2; }
  "$bin" --errors "$arts" "$gold" "$pred" >"$tmp/c.out" 2>"$tmp/c.err" || { cat "$tmp/c.err" >&2; exit 2; }
  # score.py always lists errors first (a quote text may span lines); its summary is the last 7 lines
  tail -n 7 "$tmp/py.out" >"$tmp/py.num"
  grep -v '^LOCATION ' "$tmp/c.num" >"$tmp/c.num2" && mv "$tmp/c.num2" "$tmp/c.num"  # our extra row
  # error lines: python's exception texts differ by nature; LOCATION and indirect-speaker lines are extras
  head -n -7 "$tmp/py.out" | grep -v ': no readable output (' >"$tmp/py.errs"
  head -n -8 "$tmp/c.out" | grep -v ': no readable output (' | grep -v -e ': extra LOCATION ' \
    -e ': missed LOCATION ' -e ': speaker of indirect ' >"$tmp/c.errs"
fi

status=0
if diff -u --label score-python "$tmp/py.num" --label attrib-eval "$tmp/c.num"; then
  echo "numbers identical ($(wc -l <"$tmp/py.num") lines)"
else
  status=1
fi
if [ "$fmt" = gold ]; then
  if diff -u --label score-python "$tmp/py.errs" --label attrib-eval "$tmp/c.errs" >"$tmp/errs.diff"; then
    echo "error listings identical ($(grep -c '^  ' "$tmp/py.errs") entries)"
  else
    head -40 "$tmp/errs.diff"; status=1
  fi
fi
exit $status
