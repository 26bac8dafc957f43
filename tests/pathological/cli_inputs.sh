#!/usr/bin/env bash
# The attrib command on bad inputs: the exit status, and exactly one stderr
# line that names the file and the problem; in a batch, the good inputs
# still produce their output.   usage: cli_inputs.sh ATTRIB_BINARY
set -u
bin=${1:?usage: cli_inputs.sh ATTRIB_BINARY}
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

printf '"We will not give up," said Maria Lindqvist, the union leader.\n' >"$tmp/good1.txt"
printf 'The minister said the plan would go ahead.\n\n\xe2\x80\x9cIt is fair,\xe2\x80\x9d he added.\n' >"$tmp/good2.txt"

# run NAME WANT_EXIT FILE [PATTERN]: one input; checks the exit status, that
# stderr is one line naming FILE (and matching PATTERN when given), and
# that a failed input writes nothing to stdout.
run() {
  local name=$1 want=$2 file=$3 pattern=${4:-}
  "$bin" "$file" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  [ "$got" = "$want" ] && ok || bad "$name: exit $got, want $want"
  if [ "$want" = 0 ]; then
    [ -s "$tmp/err" ] && bad "$name: unexpected stderr: $(cat "$tmp/err")" || ok
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out" 2>/dev/null && ok ||
      bad "$name: output is not JSON"
    return
  fi
  [ "$(wc -l <"$tmp/err")" = 1 ] && ok || bad "$name: $(wc -l <"$tmp/err") stderr lines, want 1: $(cat "$tmp/err")"
  grep -qF -- "$file" "$tmp/err" && ok || bad "$name: stderr does not name $file: $(cat "$tmp/err")"
  if [ -n "$pattern" ]; then
    grep -qE -- "$pattern" "$tmp/err" && ok || bad "$name: stderr lacks /$pattern/: $(cat "$tmp/err")"
  fi
  [ -s "$tmp/out" ] && bad "$name: output for a failed input" || ok
}

run good 0 "$tmp/good1.txt"
mkdir "$tmp/adir"
run directory 1 "$tmp/adir" "is a directory"
run missing 1 "$tmp/nope.txt" "No such file"
: >"$tmp/empty.txt"
run empty 1 "$tmp/empty.txt" "empty"
printf 'a' >"$tmp/one.txt"
run one-byte 0 "$tmp/one.txt"
printf '"' >"$tmp/quote.txt"
run one-quote-mark 0 "$tmp/quote.txt"
printf '\n' >"$tmp/newline.txt"
run one-newline 0 "$tmp/newline.txt"
printf '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00' >"$tmp/binary.bin"
run binary-nul 1 "$tmp/binary.bin" "binary.*byte 7"
printf 'x\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12' >"$tmp/controls.bin"
run binary-controls 1 "$tmp/controls.bin" "binary"
printf 'Caf\xc3\xa9 \xc0\xaf overlong' >"$tmp/overlong.txt"
run utf8-overlong 1 "$tmp/overlong.txt" "invalid UTF-8 at byte 6"
printf 'ok \xed\xa0\x80 surrogate' >"$tmp/surrogate.txt"
run utf8-surrogate 1 "$tmp/surrogate.txt" "invalid UTF-8 at byte 3"
printf 'truncated \xe2\x80' >"$tmp/truncated.txt"
run utf8-truncated 1 "$tmp/truncated.txt" "invalid UTF-8 at byte 10"
printf '\x80 lone continuation' >"$tmp/lone.txt"
run utf8-lone 1 "$tmp/lone.txt" "invalid UTF-8 at byte 0"
printf 'Latin-1 caf\xe9\n' >"$tmp/latin1.txt"
run utf8-latin1 1 "$tmp/latin1.txt" "invalid UTF-8 at byte 11"
printf '\xef\xbb\xbf"Hello there," she said.\n' >"$tmp/bom.txt"
run bom 0 "$tmp/bom.txt"
# a file name with spaces and a newline-free odd name is still named
printf '\xff' >"$tmp/odd name.txt"
run odd-name 1 "$tmp/odd name.txt" "invalid UTF-8 at byte 0"

if [ "$(id -u)" = 0 ]; then
  echo "SKIP: unreadable file (running as root, permissions do not apply)"
else
  cp "$tmp/good1.txt" "$tmp/locked.txt"
  chmod 000 "$tmp/locked.txt"
  run unreadable 1 "$tmp/locked.txt" "Permission denied"
fi

# batch: good and bad inputs; every good one still gives its result line
"$bin" "$tmp/good1.txt" "$tmp/adir" "$tmp/empty.txt" "$tmp/good2.txt" "$tmp/binary.bin" "$tmp/latin1.txt" \
  "$tmp/nope.txt" "$tmp/one.txt" >"$tmp/out" 2>"$tmp/err"
got=$?
[ "$got" = 1 ] && ok || bad "batch: exit $got, want 1"
[ "$(wc -l <"$tmp/out")" = 3 ] && ok || bad "batch: $(wc -l <"$tmp/out") result lines, want 3"
[ "$(wc -l <"$tmp/err")" = 5 ] && ok || bad "batch: $(wc -l <"$tmp/err") stderr lines, want 5: $(cat "$tmp/err")"
for f in adir empty.txt binary.bin latin1.txt nope.txt; do
  grep -qF "$tmp/$f" "$tmp/err" && ok || bad "batch: stderr does not name $f"
done
python3 - "$tmp/out" "$tmp" <<'PY' && ok || bad "batch: results are not the good inputs, in order"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
src = [r["document"]["source"] for r in rows]
want = [sys.argv[2] + "/" + n for n in ("good1.txt", "good2.txt", "one.txt")]
assert src == want, src
assert rows[0]["quotes"] and rows[0]["quotes"][0]["speaker"]["name"] == "Maria Lindqvist", rows[0]["quotes"]
PY
# the same batch into an output directory: the good ones are written
mkdir "$tmp/results"
"$bin" -o "$tmp/results" "$tmp/good1.txt" "$tmp/latin1.txt" "$tmp/good2.txt" 2>"$tmp/err"
got=$?
[ "$got" = 1 ] && ok || bad "batch -o: exit $got, want 1"
[ -s "$tmp/results/good1.json" ] && [ -s "$tmp/results/good2.json" ] && ok || bad "batch -o: results missing"
[ -e "$tmp/results/latin1.json" ] && bad "batch -o: result for a failed input" || ok
[ "$(wc -l <"$tmp/err")" = 1 ] && ok || bad "batch -o: stderr: $(cat "$tmp/err")"
# an all-bad batch
"$bin" "$tmp/adir" "$tmp/empty.txt" >"$tmp/out" 2>"$tmp/err"
got=$?
[ "$got" = 1 ] && ok || bad "all bad: exit $got, want 1"
[ -s "$tmp/out" ] && bad "all bad: output" || ok

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
