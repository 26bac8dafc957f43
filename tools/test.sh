#!/usr/bin/env bash
# The whole test suite, in five phases:
#   release   release build: unit tests, CLI tests, gold-corpus regression
#             thresholds, threads, install, Python (ctest)
#   asan      the same tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   tsan      ThreadSanitizer build (build-tsan/): the threads test (eight
#             threads sharing one model) and unit.api
#   valgrind  memcheck over the CLI (gold articles, examples/article.txt) and
#             the unit test binaries of the release build
#   fuzz      libFuzzer, tests/fuzz/run.sh for 30 s per harness; skipped when
#             clang has no libFuzzer
# Every phase runs even when an earlier one failed (valgrind needs the
# release build); each announces itself on stderr ("== PHASE: ..."), and a
# summary with each phase's result and time closes the run. Exit status 0
# when no phase failed, 1 otherwise.
# env: ATTRIB_TEST_PHASES   the phases to run (default: all five, in order)
#      ATTRIB_FUZZ_SECONDS  seconds per fuzz harness (default 30)
set -u
cd "$(dirname "$0")/.." || exit 2
root=$PWD
tools/deps.sh || { echo "tools/test.sh: installing the dependencies failed" >&2; exit 1; }
jobs=$(nproc 2>/dev/null || echo 2)
phases=${ATTRIB_TEST_PHASES:-release asan tsan valgrind fuzz}
fuzz_secs=${ATTRIB_FUZZ_SECONDS:-30}
release_ok=""
release_ran=""

# build DIR "TARGETS" CMAKE_ARGS...: configures and builds (all targets when
# TARGETS is empty); the logs stay in DIR/ and are printed when a step fails.
build() {
  local dir=$1 targets=$2 t
  shift 2
  mkdir -p "$dir"
  if ! cmake -S . -B "$dir" "$@" >"$dir/configure.log" 2>&1; then
    cat "$dir/configure.log" >&2
    echo "$dir: configure failed (log: $dir/configure.log)" >&2
    return 1
  fi
  local args=()
  for t in $targets; do args+=(--target "$t"); done
  if ! cmake --build "$dir" -j"$jobs" "${args[@]}" >"$dir/build.log" 2>&1; then
    grep -E -B2 -A8 'error|Error' "$dir/build.log" | head -200 >&2
    echo "$dir: build failed (log: $dir/build.log)" >&2
    return 1
  fi
}

phase_release() {
  release_ran=1
  build build "" -DCMAKE_BUILD_TYPE=Release || return 1
  release_ok=1
  (cd build && ctest --output-on-failure -j"$jobs")
}

phase_asan() {
  build build-asan "" -DCMAKE_BUILD_TYPE=Debug -DATTRIB_SANITIZE=ON || return 1
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --output-on-failure -j"$jobs")
}

phase_tsan() {
  local cc=gcc
  command -v clang >/dev/null 2>&1 && cc=clang
  build build-tsan "test_threads test_api" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DATTRIB_TSAN=ON || return 1
  local -x TSAN_OPTIONS="halt_on_error=1:exitcode=66:second_deadlock_stack=1"
  # A deliberate race first: a TSan that reports nothing proves nothing.
  # Older TSan runtimes cannot map their shadow memory on kernels with more
  # address randomisation; they then run with randomisation off.
  local prefix=() out rc
  out=$(ATTRIB_THREADS_CANARY=1 build-tsan/tests/threads/test_threads 2>&1)
  rc=$?
  if [ "$rc" != 66 ] && grep -q "unexpected memory mapping" <<<"$out" &&
    setarch "$(uname -m)" -R true 2>/dev/null; then
    prefix=(setarch "$(uname -m)" -R)
    out=$(ATTRIB_THREADS_CANARY=1 "${prefix[@]}" build-tsan/tests/threads/test_threads 2>&1)
    rc=$?
  fi
  if [ "$rc" != 66 ]; then
    printf '%s\n' "$out" | tail -20 >&2
    echo "tsan: ThreadSanitizer ($cc) did not fail on a deliberate data race (exit $rc, want 66)" >&2
    return 1
  fi
  echo "tsan: ThreadSanitizer ($cc) fails a deliberate data race with exit 66: ok" >&2
  (cd build-tsan && "${prefix[@]}" ctest -R '^threads$|^unit\.api$' --output-on-failure -j"$jobs")
}

# valgrind memcheck. PCRE2's JIT compiler is switched off by a preloaded
# pcre2_jit_compile_8() that fails (the engine then uses the interpreter, as
# on a CPU without JIT): the machine code it generates reads ahead with SIMD
# loads, which memcheck reports as uses of uninitialised values with no
# stack (false positives). The interpreter's reads of the subject are
# checked instead.
phase_valgrind() {
  if [ -z "$release_ok" ]; then
    [ -z "$release_ran" ] || { echo "valgrind: the release build failed; nothing to check" >&2; return 1; }
    build build "" -DCMAKE_BUILD_TYPE=Release || return 1
  fi
  command -v valgrind >/dev/null 2>&1 || { echo "valgrind: not installed" >&2; return 1; }
  local dir=$root/build/valgrind
  rm -rf "$dir"
  mkdir -p "$dir/out"
  printf '%s\n' 'int pcre2_jit_compile_8(void *code, unsigned options);' \
    'int pcre2_jit_compile_8(void *code, unsigned options) { (void)code; (void)options; return -45; }' |
    cc -shared -fPIC -O2 -o "$dir/nojit.so" -x c - || { echo "valgrind: cannot build the no-JIT shim" >&2; return 1; }
  local bin=$root/build/attrib tests=$root/build/tests gold=$root/tests/gold/articles example=$root/examples/article.txt
  local runs=0 failed=0

  # vg NAME WANT_EXIT COMMAND...: runs COMMAND under memcheck (stdout in
  # out/NAME.out, the program's stderr in out/NAME.err, memcheck's in NAME.log)
  vg() {
    local name=$1 want=$2 t0=$SECONDS rc
    shift 2
    runs=$((runs + 1))
    CK_FORK=no LD_PRELOAD="$dir/nojit.so" timeout --kill-after=10 900 \
      valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
      --num-callers=40 --track-origins=yes --log-file="$dir/$name.log" \
      "$@" >"$dir/out/$name.out" 2>"$dir/out/$name.err"
    rc=$?
    if [ "$rc" = "$want" ]; then
      echo "valgrind: $name ok ($((SECONDS - t0))s)"
      return 0
    fi
    failed=$((failed + 1))
    case $rc in
      99)
        echo "valgrind: $name FAILED: memcheck errors (log: build/valgrind/$name.log):"
        # the errors, without the banner and the closing summaries
        sed -e '1,/== Parent PID/d' -e '/== HEAP SUMMARY/,$d' "$dir/$name.log" | head -80
        grep -E 'definitely lost|indirectly lost|ERROR SUMMARY' "$dir/$name.log"
        ;;
      124 | 137) echo "valgrind: $name FAILED: timed out after 900 s" ;;
      *) echo "valgrind: $name FAILED: exit $rc, want $want; its stderr ends:" ;;
    esac
    tail -20 "$dir/out/$name.err"
    return 1
  }

  # the CLI: every gold article and the example in one process; standard
  # input; -o; the model from disk; inputs that fail among good ones
  vg cli.articles 0 "$bin" --pretty "$gold"/*.txt "$example"
  # nothing lost: the same bytes as without valgrind
  if "$bin" --pretty "$gold"/*.txt "$example" >"$dir/out/cli.native.out" 2>/dev/null &&
    cmp -s "$dir/out/cli.native.out" "$dir/out/cli.articles.out"; then
    echo "valgrind: cli.articles output identical to the native run"
  else
    echo "valgrind: cli.articles FAILED: output differs from the native run"
    failed=$((failed + 1))
  fi
  # worker threads: results in input order, the same bytes
  vg cli.jobs 0 "$bin" -j 4 --pretty "$gold"/*.txt "$example"
  if cmp -s "$dir/out/cli.native.out" "$dir/out/cli.jobs.out"; then
    echo "valgrind: cli.jobs output identical to the native single-thread run"
  else
    echo "valgrind: cli.jobs FAILED: output differs from the native single-thread run"
    failed=$((failed + 1))
  fi
  vg cli.stdin 0 "$bin" - <"$example"
  mkdir -p "$dir/out/json"
  vg cli.output-dir 0 "$bin" -o "$dir/out/json" "$gold"/*.txt "$example"
  local want_files n_files
  want_files=$(($(find "$gold" -name '*.txt' | wc -l) + 1))
  n_files=$(find "$dir/out/json" -name '*.json' 2>/dev/null | wc -l)
  if [ "$n_files" != "$want_files" ]; then
    echo "valgrind: cli.output-dir FAILED: $n_files JSON files, want $want_files"
    failed=$((failed + 1))
  fi
  vg cli.model-dir 0 "$bin" --model "$root/models" "$example"
  vg cli.bad-inputs 1 "$bin" "$example" "$dir/missing.txt" "$gold" /dev/null
  # the unit tests (Check without fork, so that memcheck sees the tests)
  local suite
  for suite in text segment quotes cues entities coref attribution api; do
    vg "unit.$suite" 0 "$tests/test_$suite"
  done
  # pathological: the small cases only (the megabyte ones take too long)
  CK_RUN_CASE=small vg pathological.small 0 "$tests/pathological/test_pathological"
  ATTRIB_THREADS_ROUNDS=1 vg threads 0 "$tests/threads/test_threads"
  vg fuzz.replay.analyze 0 "$tests/fuzz_replay_analyze" "$root/tests/fuzz/regressions/analyze"
  vg fuzz.replay.model 0 "$tests/fuzz_replay_model" "$root/tests/fuzz/regressions/model"

  echo "valgrind: $runs runs under memcheck, $failed failed (logs: build/valgrind/)"
  [ "$failed" = 0 ]
}

phase_fuzz() {
  local probe
  probe=$(mktemp -d)
  if ! command -v clang >/dev/null 2>&1 ||
    ! printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' |
    clang -fsanitize=fuzzer,address -x c - -o "$probe/probe" >/dev/null 2>&1; then
    rm -rf "$probe"
    echo "fuzz: skipped: no libFuzzer (install clang and libclang-rt-14-dev)" >&2
    return 77
  fi
  rm -rf "$probe"
  timeout --kill-after=30 $((2 * fuzz_secs + 1200)) tests/fuzz/run.sh "$fuzz_secs"
}

summary=()
any_failed=0
total0=$SECONDS
for phase in $phases; do
  case $phase in
    release) what="release build, ctest" ;;
    asan) what="ASan + UBSan build, ctest" ;;
    tsan) what="ThreadSanitizer build, ctest -R '^threads\$|^unit\\.api\$'" ;;
    valgrind) what="valgrind memcheck over the CLI and the unit tests (release build)" ;;
    fuzz) what="libFuzzer, ${fuzz_secs}s per harness" ;;
    *) echo "tools/test.sh: unknown phase $phase (release asan tsan valgrind fuzz)" >&2; exit 2 ;;
  esac
  echo "== $phase: $what" >&2
  t0=$SECONDS
  "phase_$phase"
  rc=$?
  case $rc in
    0) result=passed ;;
    77) result=skipped ;;
    *) result=FAILED; any_failed=1 ;;
  esac
  echo "== $phase: $result ($((SECONDS - t0))s)" >&2
  summary+=("$(printf '%-9s %-8s %5ss' "$phase" "$result" "$((SECONDS - t0))")")
done
{
  echo "== summary"
  printf '   %s\n' "${summary[@]}"
  printf '   %-18s %5ss\n' total "$((SECONDS - total0))"
} >&2
if [ "$any_failed" = 1 ]; then
  echo "tools/test.sh: FAILED" >&2
  exit 1
fi
echo "tools/test.sh: all phases passed" >&2
