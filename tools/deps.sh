#!/usr/bin/env bash
# Installs the Debian packages attrib needs to build and test, when missing.
# clang and libclang-rt-14-dev (libFuzzer, ThreadSanitizer) are for the test
# suite; a release without libclang-rt-14-dev skips it (the fuzz phase of
# tools/test.sh then says it was skipped).
set -eu
pkgs="build-essential cmake pkg-config libpcre2-dev libicu-dev libcjson-dev check python3 python3-pytest python3-distributed valgrind chromium clang libclang-rt-14-dev"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "attrib: installing$missing" >&2
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
$sudo apt-get update -qq >"$log" 2>&1 || { cat "$log" >&2; echo "attrib: apt-get update failed" >&2; exit 1; }
case $missing in
  *libclang-rt-14-dev*)
    apt-cache show libclang-rt-14-dev >/dev/null 2>&1 || {
      echo "attrib: libclang-rt-14-dev is not available here; fuzzing will be skipped" >&2
      missing=$(printf '%s' "$missing" | sed 's/ libclang-rt-14-dev//')
    } ;;
esac
[ -z "$missing" ] && exit 0
# shellcheck disable=SC2086 # one word per package
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >"$log" 2>&1 ||
  { cat "$log" >&2; echo "attrib: apt-get install failed:$missing" >&2; exit 1; }
