#!/usr/bin/env bash
# One command on a fresh Debian machine: install dependencies, build, and
# run attrib on the bundled example article.
set -eu
cd "$(dirname "$0")/.."
tools/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "built build/attrib; running it on examples/article.txt:" >&2
build/attrib --pretty examples/article.txt
