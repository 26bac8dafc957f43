#!/usr/bin/env bash
# Installs a build into a temporary prefix and uses it the ways a user would:
# the CLI, the man page and models, a C program built through pkg-config
# (shared with rpath, shared with LD_LIBRARY_PATH, static) and through
# find_package(attrib) (attrib::attrib and attrib::attrib_static), and a
# DESTDIR install.
#
#   tests/install/test_install.sh SOURCE_DIR BUILD_DIR
#
# Exit 0 when everything works, 1 otherwise (each problem on stderr), 2 on
# bad usage. Needs cc (or $CC), cmake and pkg-config.
set -u

if [ $# -ne 2 ] || [ ! -d "$1" ] || [ ! -d "$2" ]; then
  echo "usage: $0 SOURCE_DIR BUILD_DIR" >&2
  exit 2
fi
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
here="$src/tests/install"
cc=${CC:-cc}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/attrib-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
failures=0

fail() {
  echo "test_install: FAIL: $*" >&2
  failures=$((failures + 1))
}
ok() { echo "test_install: ok: $*"; }
# Runs a command quietly; on failure shows its output and records the step.
step() {
  local what=$1
  shift
  if "$@" >"$tmp/log" 2>&1; then
    ok "$what"
    return 0
  fi
  fail "$what: $*"
  sed 's/^/    /' "$tmp/log" >&2
  return 1
}

# ---- install ----------------------------------------------------------------
if ! step "cmake --install into a temporary prefix" cmake --install "$build" --prefix "$prefix"; then
  exit 1
fi

# ---- files --------------------------------------------------------------------
for f in bin/attrib include/attrib.h share/man/man1/attrib.1 share/attrib/models/attribution.rules \
  share/attrib/models/lexicon.txt; do
  [ -f "$prefix/$f" ] || fail "not installed: $f"
done
pc=$(find "$prefix" -name attrib.pc -path '*/pkgconfig/*' | head -n 1)
cfg=$(find "$prefix" -name attribConfig.cmake | head -n 1)
[ -n "$pc" ] || fail "not installed: LIBDIR/pkgconfig/attrib.pc"
[ -n "$cfg" ] || fail "not installed: LIBDIR/cmake/attrib/attribConfig.cmake"
for m in "$src"/models/*.txt "$src"/models/*.rules; do
  case $(basename "$m") in README*) continue ;; esac
  [ -f "$prefix/share/attrib/models/$(basename "$m")" ] ||
    echo "test_install: note: models/$(basename "$m") is not installed (not in ATTRIB_MODEL_FILES?)" >&2
done
if command -v groff >/dev/null 2>&1 && [ -f "$prefix/share/man/man1/attrib.1" ]; then
  warnings=$(groff -man -ww -z "$prefix/share/man/man1/attrib.1" 2>&1)
  [ -z "$warnings" ] && ok "man page renders without warnings" || fail "man page: $warnings"
fi

# ---- CLI ----------------------------------------------------------------------
version=$(sed -n 's/^project(attrib VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
out=$("$prefix/bin/attrib" --version 2>&1)
case $out in
  "attrib $version "*) ok "bin/attrib --version: $out" ;;
  *) fail "bin/attrib --version printed '$out', expected 'attrib $version ...'" ;;
esac
article="$src/examples/article.txt"
if "$prefix/bin/attrib" "$article" >"$tmp/builtin.json" 2>"$tmp/log" &&
  "$prefix/bin/attrib" --model "$prefix/share/attrib/models" "$article" >"$tmp/installed.json" 2>>"$tmp/log"; then
  if cmp -s "$tmp/builtin.json" "$tmp/installed.json" && grep -q '"quotes"' "$tmp/builtin.json"; then
    ok "bin/attrib: the installed models give the built-in model's output"
  else
    fail "bin/attrib --model PREFIX/share/attrib/models differs from the built-in model"
  fi
else
  fail "bin/attrib on examples/article.txt (with and without --model of the installed models)"
  sed 's/^/    /' "$tmp/log" >&2
fi

# ---- pkg-config -----------------------------------------------------------------
if [ -n "$pc" ]; then
  export PKG_CONFIG_PATH
  PKG_CONFIG_PATH=$(dirname "$pc")
  pcv=$(pkg-config --modversion attrib 2>&1)
  [ "$pcv" = "$version" ] && ok "pkg-config --modversion attrib: $pcv" ||
    fail "pkg-config --modversion attrib: '$pcv', expected '$version'"
  libdir=$(pkg-config --variable=libdir attrib)
  cflags=$(pkg-config --cflags attrib)
  libs=$(pkg-config --libs attrib)
  # --static lists the private dependencies; -l:libattrib.a makes the linker
  # take the archive although libattrib.so sits next to it.
  slibs=$(pkg-config --static --libs attrib | sed 's/-lattrib\( \|$\)/-l:libattrib.a\1/')

  # shellcheck disable=SC2086
  if step "pkg-config: build against the shared library (rpath)" \
    "$cc" -std=c11 -Wall -Werror $cflags "$here/example.c" -o "$tmp/ex-shared" $libs -Wl,-rpath,"$libdir"; then
    step "pkg-config: run the shared build" "$tmp/ex-shared" &&
      sed 's/^/    /' "$tmp/log"
    ldd "$tmp/ex-shared" | grep -q "$libdir/libattrib.so" ||
      fail "ex-shared does not load libattrib.so from $libdir: $(ldd "$tmp/ex-shared" | grep attrib)"
  fi
  # shellcheck disable=SC2086
  if step "pkg-config: build against the shared library (no rpath)" \
    "$cc" -std=c11 -Wall -Werror $cflags "$here/example.c" -o "$tmp/ex-shared-norpath" $libs; then
    step "pkg-config: run it with LD_LIBRARY_PATH" env LD_LIBRARY_PATH="$libdir" "$tmp/ex-shared-norpath"
  fi
  # shellcheck disable=SC2086
  if step "pkg-config --static: build against libattrib.a" \
    "$cc" -std=c11 -Wall -Werror $cflags "$here/example.c" -o "$tmp/ex-static" $slibs; then
    step "pkg-config --static: run the static build" "$tmp/ex-static"
    if readelf -d "$tmp/ex-static" | grep -q 'NEEDED.*libattrib'; then
      fail "ex-static still needs libattrib.so"
    fi
  fi
fi

# ---- CMake package ----------------------------------------------------------------
if [ -n "$cfg" ]; then
  mkdir -p "$tmp/consumer"
  cp "$here/example.c" "$tmp/consumer/"
  cat >"$tmp/consumer/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.16)
project(attrib_consumer LANGUAGES C)
find_package(attrib $version REQUIRED COMPONENTS static)
if(NOT TARGET attrib::attrib OR NOT TARGET attrib::attrib_static)
  message(FATAL_ERROR "attrib::attrib or attrib::attrib_static missing")
endif()
if(NOT EXISTS "\${attrib_MODEL_DIR}/attribution.rules")
  message(FATAL_ERROR "attrib_MODEL_DIR is wrong: \${attrib_MODEL_DIR}")
endif()
add_executable(example_shared example.c)
target_link_libraries(example_shared PRIVATE attrib::attrib)
add_executable(example_static example.c)
target_link_libraries(example_static PRIVATE attrib::attrib_static)
EOF
  if step "find_package(attrib): configure" \
    cmake -S "$tmp/consumer" -B "$tmp/consumer/build" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_C_COMPILER="$cc" &&
    step "find_package(attrib): build" cmake --build "$tmp/consumer/build"; then
    step "find_package(attrib): run attrib::attrib" "$tmp/consumer/build/example_shared"
    step "find_package(attrib): run attrib::attrib_static" "$tmp/consumer/build/example_static"
    if readelf -d "$tmp/consumer/build/example_static" | grep -q 'NEEDED.*libattrib'; then
      fail "example_static (attrib::attrib_static) needs libattrib.so"
    fi
  fi
  # A version the package does not have is refused.
  sed -i "s/find_package(attrib $version REQUIRED/find_package(attrib 99.0 REQUIRED/" \
    "$tmp/consumer/CMakeLists.txt"
  if cmake -S "$tmp/consumer" -B "$tmp/consumer/build99" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null 2>&1; then
    fail "find_package(attrib 99.0) accepted version $version"
  else
    ok "find_package(attrib 99.0) rejects version $version"
  fi
fi

# ---- DESTDIR ------------------------------------------------------------------
if step "DESTDIR install" env DESTDIR="$tmp/dest" cmake --install "$build" --prefix /opt/attrib; then
  dpc=$(find "$tmp/dest/opt/attrib" -name attrib.pc | head -n 1)
  if [ -f "$tmp/dest/opt/attrib/bin/attrib" ] && [ -n "$dpc" ] && grep -qx 'prefix=/opt/attrib' "$dpc"; then
    ok "DESTDIR: files under DESTDIR, attrib.pc says prefix=/opt/attrib"
  else
    fail "DESTDIR install: files or attrib.pc prefix wrong"
  fi
fi

if [ "$failures" -ne 0 ]; then
  echo "test_install: $failures failure(s)" >&2
  exit 1
fi
echo "test_install: all passed"
exit 0
