#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang and runs each for SECONDS.
# usage: tests/fuzz/run.sh [SECONDS]        (default 30 per harness)
# env:   ATTRIB_FUZZ_BUILD  build directory (default build-fuzz/ at the top)
#        ATTRIB_FUZZ_ONLY   run one harness only: analyze or model
#        ATTRIB_FUZZ_ARGS   extra libFuzzer flags (e.g. -jobs=2 -workers=2)
# The corpus grows in BUILD/fuzz-corpus/HARNESS across runs; seeds are the
# gold articles, the examples, the model files and tests/fuzz/regressions/.
# Exit status 1 when any harness found a crash, leak, timeout or OOM; the
# input is then copied to tests/fuzz/regressions/HARNESS/ for ctest to replay.
set -u
secs=${1:-30}
case $secs in '' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;; esac
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${ATTRIB_FUZZ_BUILD:-$root/build-fuzz}
regress=$root/tests/fuzz/regressions

cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DATTRIB_FUZZ=ON -DATTRIB_TESTS=OFF >"$build.configure.log" 2>&1 ||
  { cat "$build.configure.log" >&2; echo "fuzz: configure failed" >&2; exit 2; }
cmake --build "$build" --target fuzz_analyze fuzz_model -j "$(nproc 2>/dev/null || echo 2)" >/dev/null ||
  { echo "fuzz: build failed" >&2; exit 2; }
fuzzdir=$(dirname "$(find "$build" -name fuzz_analyze -type f -perm -u+x | head -1)")
[ -x "$fuzzdir/fuzz_analyze" ] || { echo "fuzz: harness not built" >&2; exit 2; }

# Seeds, rebuilt on every run.
seeds=$build/fuzz-seeds
rm -rf "$seeds"
mkdir -p "$seeds/analyze" "$seeds/model"
for f in "$root"/tests/gold/articles/*.txt "$root"/examples/*.txt; do
  [ -f "$f" ] && cp "$f" "$seeds/analyze/"
done
i=0
for m in attribution.rules lexicon.txt cues.txt titles.txt countries.txt; do
  # the harness picks the file from the first byte: index in this list
  { printf "\\$(printf '%03o' "$i")"; cat "$root/models/$m"; } >"$seeds/model/$m"
  i=$((i + 1))
done
for h in analyze model; do
  for f in "$regress/$h"/*; do
    case $(basename "$f") in README* | .*) continue ;; esac
    [ -f "$f" ] && cp "$f" "$seeds/$h/regression-$(basename "$f")"
  done
done

status=0
for h in analyze model; do
  [ -n "${ATTRIB_FUZZ_ONLY:-}" ] && [ "$ATTRIB_FUZZ_ONLY" != "$h" ] && continue
  corpus=$build/fuzz-corpus/$h
  artifacts=$build/fuzz-artifacts/$h/
  mkdir -p "$corpus" "$artifacts"
  echo "fuzz: $h for ${secs}s"
  # shellcheck disable=SC2086
  ATTRIB_FUZZ_MODELS=$root/models "$fuzzdir/fuzz_$h" -max_len=65536 -timeout=10 -max_total_time="$secs" \
    -print_final_stats=1 -artifact_prefix="$artifacts" ${ATTRIB_FUZZ_ARGS:-} "$corpus" "$seeds/$h" \
    >"$build/fuzz-$h.log" 2>&1
  rc=$?
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$build/fuzz-$h.log" | sed "s/^/fuzz: $h: /"
  found=0
  for a in "$artifacts"crash-* "$artifacts"leak-* "$artifacts"timeout-* "$artifacts"oom-* "$artifacts"slow-unit-*; do
    [ -f "$a" ] || continue
    case $(basename "$a") in slow-unit-*) continue ;; esac
    mkdir -p "$regress/$h"
    cp "$a" "$regress/$h/"
    echo "fuzz: $h: saved $(basename "$a") to tests/fuzz/regressions/$h/"
    rm -f "$a"
    found=1
  done
  if [ "$rc" != 0 ] || [ "$found" = 1 ]; then
    echo "fuzz: $h FAILED (exit $rc); log: $build/fuzz-$h.log" >&2
    grep -m1 -A30 -E '^==[0-9]+==ERROR|runtime error|^SUMMARY|deadly signal|ALARM' "$build/fuzz-$h.log" >&2
    status=1
  else
    echo "fuzz: $h ok"
  fi
done
exit $status
