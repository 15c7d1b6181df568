#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# compare-with-cpython.sh [BUILD_DIR] [ROUNDS]
#
# Runs CPython's json.loads (cpython_reference.py), bench_ingest (parse, parse+store) and bench_risk
# (parse+score) alternately on one saved input, ROUNDS times, and prints the best of each as events/s
# and as a multiple of json.loads measured in the same minutes. The issues set their targets next to
# json.loads on the same events (~80k/s): 600k parse is 7.5x, 400k parse+score 5.0x, 150k parse+store
# 1.9x. On a VM whose speed drifts, the multiples are what stays comparable between sessions.
# Single-thread figures run on CPU 0 (taskset), parse+store on any CPU (raw blocks are compressed on a
# second thread).
set -euo pipefail
build="${1:-build}"
rounds="${2:-3}"
here="$(cd "$(dirname "$0")" && pwd)"
input="${BENCH_INPUT:-/tmp/vigil-bench-200k.ndjson}"
pin=()
command -v taskset > /dev/null && pin=(taskset -c 0)

if [[ ! -s "$input" ]]; then
    "$build/tests/bench/bench_ingest" 200000 5000 --parse-only --write "$input" > /dev/null
fi

best() { sort -n | tail -1; }
rate() { sed -n "s/^$1.* = \([0-9]*\) events\/s.*/\1/p"; }
py=() parse=() score=() store=()
for ((r = 1; r <= rounds; r++)); do
    py+=("$("${pin[@]}" python3 "$here/cpython_reference.py" "$input" --runs 1 | rate 'json.loads:')")
    parse+=("$("${pin[@]}" "$build/tests/bench/bench_ingest" 1 1 --read "$input" --parse-only | rate 'parse:')")
    score+=("$("${pin[@]}" "$build/tests/bench/bench_risk" 1 1 --read "$input" --no-score-only | rate 'parse+score:')")
    store+=("$("$build/tests/bench/bench_ingest" 1 1 --read "$input" --runs 1 2> /dev/null | rate 'parse+store:')")
    echo "round $r: json.loads ${py[-1]}  parse ${parse[-1]}  parse+score ${score[-1]}  parse+store ${store[-1]} events/s"
done

ref=$(printf '%s\n' "${py[@]}" | best)
report() {
    local name=$1 target=$2 b
    b=$(printf '%s\n' "${@:3}" | best)
    awk -v n="$name" -v b="$b" -v r="$ref" -v t="$target" 'BEGIN {
        printf "%-12s best %7d events/s = %.2fx json.loads  (target %dk = %.2fx of the issue'"'"'s 80k)\n", n, b, b / r, t / 1000, t / 80000 }'
}
echo "json.loads   best $ref events/s (the issues quote ~80000 on their machine)"
report parse 600000 "${parse[@]}"
report parse+score 400000 "${score[@]}"
report parse+store 150000 "${store[@]}"
