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

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
