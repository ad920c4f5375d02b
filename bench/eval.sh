#!/usr/bin/env bash
# Offline accuracy of every algorithm on the development data sets (not part of the project:
# set MAGPIE_DATA to the folder holding gowalla/ and ml-latest-small/; default ../shared/data).
# Prints the eval tables and writes their JSON reports to bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${MAGPIE_DATA:-../shared/data}
OUT=bench/results
mkdir -p "$OUT"
npm run build --silent
node --version

if [ -f "$DATA/gowalla/tune-train.txt" ]; then
  echo "== Gowalla tune split (LightGCN/BARS protocol, full ranking) =="
  node bin/magpie.js eval --train "$DATA/gowalla/tune-train.txt" --test "$DATA/gowalla/tune-test.txt" \
    --algo all --k 20 --json "$OUT/gowalla-tune.json"
else
  echo "skipped Gowalla: $DATA/gowalla/tune-train.txt not found (set MAGPIE_DATA)"
fi

if [ -f "$DATA/ml-latest-small/ratings.csv" ]; then
  echo "== ml-latest-small, time split (newest 20% of events held out) =="
  node bin/magpie.js eval --events "$DATA/ml-latest-small/ratings.csv" --split time --test-fraction 0.2 \
    --algo all --k 10,20 --json "$OUT/ml-latest-small-time.json"
else
  echo "skipped ml-latest-small: $DATA/ml-latest-small/ratings.csv not found (set MAGPIE_DATA)"
fi
