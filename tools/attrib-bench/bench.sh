#!/usr/bin/env bash
# Runs attrib-bench (see README.md): builds a Release build in build-bench/
# when needed, installs the peer (npm package compromise) when --peer is asked
# and it is missing, then benchmarks the corpus given as arguments.
#
#   tools/attrib-bench/bench.sh [attrib-bench options] [FILE|DIR...]
#
# Without FILE|DIR it uses /work/shared/corpora/polnear/train/text when that
# exists (a corpus for our own measurements only), and fails otherwise.
# ATTRIB_BENCH_BUILD overrides the build directory.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${ATTRIB_BENCH_BUILD:-$root/build-bench}
default_corpus=/work/shared/corpora/polnear/train/text
peer_dir=$here/peer

# Split the arguments: options (and the values of those that take one) pass
# through; anything else is the corpus.
opts=()
corpus=()
peer=0
while [ $# -gt 0 ]; do
  case $1 in
    -r | -n | -j | --single | --sizes | --peer-script | --node)
      [ $# -ge 2 ] || { echo "bench.sh: $1 needs an argument" >&2; exit 2; }
      opts+=("$1" "$2"); shift 2 ;;
    --peer) peer=1; opts+=("$1"); shift ;;
    -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; corpus+=("$@"); break ;;
    -*) opts+=("$1"); shift ;;
    *) corpus+=("$1"); shift ;;
  esac
done

if [ ${#corpus[@]} -eq 0 ]; then
  if [ -d "$default_corpus" ]; then
    corpus=("$default_corpus")
    echo "bench.sh: no corpus given; using the default $default_corpus" >&2
  else
    echo "bench.sh: no corpus given and the default $default_corpus is absent;" >&2
    echo "bench.sh: pass files or directories of .txt articles, e.g. bench.sh examples/" >&2
    exit 2
  fi
else
  echo "bench.sh: corpus: ${corpus[*]}" >&2
fi

# 1. a Release build of the library and of attrib-bench
if [ ! -f "$build/CMakeCache.txt" ] || ! grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$build/CMakeCache.txt"; then
  echo "bench.sh: configuring a Release build in $build" >&2
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DATTRIB_TESTS=OFF >/dev/null
fi
jobs=$(nproc 2>/dev/null || echo 2)
if grep -q 'add_subdirectory(tools/attrib-bench)' "$root/CMakeLists.txt"; then
  cmake --build "$build" -j"$jobs" --target attrib-bench >/dev/null
  bench=$build/tools/attrib-bench/attrib-bench
else
  # Not (yet) part of the top-level build: build it standalone against the library.
  cmake --build "$build" -j"$jobs" --target attrib_static >/dev/null
  if [ ! -f "$build/attrib-bench/CMakeCache.txt" ]; then
    cmake -S "$here" -B "$build/attrib-bench" -DCMAKE_BUILD_TYPE=Release -DATTRIB_BUILD_DIR="$build" >/dev/null
  fi
  cmake --build "$build/attrib-bench" >/dev/null
  bench=$build/attrib-bench/attrib-bench
fi

# 2. the peer, only when asked and missing
if [ $peer -eq 1 ]; then
  command -v node >/dev/null || { echo "bench.sh: --peer needs node on PATH" >&2; exit 1; }
  if [ ! -f "$peer_dir/node_modules/compromise/package.json" ]; then
    command -v npm >/dev/null || { echo "bench.sh: --peer needs npm on PATH to install compromise" >&2; exit 1; }
    version=$(node -p "require('$peer_dir/package.json').dependencies.compromise")
    echo "bench.sh: installing compromise@$version into $peer_dir/node_modules" >&2
    npm install --prefix "$peer_dir" --no-audit --no-fund --save-exact "compromise@$version" >&2
  fi
fi

echo "bench.sh: $bench ${opts[*]} ${corpus[*]}" >&2
exec "$bench" "${opts[@]}" "${corpus[@]}"
