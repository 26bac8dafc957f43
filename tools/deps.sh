#!/usr/bin/env bash
# Installs the Debian packages attrib needs to build and test, when missing.
set -eu
pkgs="build-essential cmake pkg-config libpcre2-dev libicu-dev libcjson-dev check python3 python3-pytest valgrind clang"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "attrib: installing$missing" >&2
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
