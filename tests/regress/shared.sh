#!/usr/bin/env bash
# Regression thresholds on the shared reference sets. They are not part of
# the project: when ../shared is absent this test is skipped (exit 77).
# usage: shared.sh ATTRIB_EVAL SOURCE_DIR seeds|polnear-dev
set -u
eval_bin=$1; src=$2; set_name=$3
shared=$(cd "$src/.." && pwd)/shared
case $set_name in
  seeds)
    [ -d "$shared/gold/seeds" ] || { echo "SKIP: $shared/gold/seeds not found"; exit 77; }
    exec "$eval_bin" --thresholds "$src/tests/regress/thresholds-seeds.txt" "$shared/seeds" "$shared/gold/seeds" ;;
  polnear-dev)
    [ -d "$shared/corpora/polnear/dev" ] || { echo "SKIP: $shared/corpora/polnear/dev not found"; exit 77; }
    exec "$eval_bin" --format brat --thresholds "$src/tests/regress/thresholds-polnear-dev.txt" "$shared/corpora/polnear/dev" ;;
esac
echo "unknown set $set_name"; exit 2
