#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""json.loads events/s on an NDJSON file: the yardstick the performance issues quote.

The speed targets of bench_ingest and bench_risk were set on "this 2-core machine", next to
"CPython's json.loads alone manages ~80k/s on the same events here". This VM's speed changes from
session to session and from minute to minute, so compare-with-cpython.sh runs this and the benchmarks
alternately on one input and prints each figure as a multiple of json.loads measured at the same time.

Usage: cpython_reference.py FILE [--runs N]   (prints the best of N runs, default 3)
"""
import json
import sys
import time


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    with open(sys.argv[1], "rb") as f:
        lines = [line for line in f.read().split(b"\n") if line.strip()]
    best = float("inf")
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        for line in lines:
            json.loads(line)
        best = min(best, time.perf_counter() - start)
    print(f"json.loads:   {len(lines)} events in {best:.3f} s = {len(lines) / best:.0f} events/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
