#!/usr/bin/env bash
# Reproduces the Raft paper's Figure 16 measurement (time to replace a crashed leader, 5 nodes,
# ~15ms broadcast time) in the simulator, 1000 trials per row, and prints a Markdown table.
# Usage: bench/figure16.sh [BATON_BINARY] [TRIALS]
set -euo pipefail
cd "$(dirname "$0")/.."
baton=${1:-build/src/cli/baton}
trials=${2:-1000}

row() {  # row LABEL SCENARIO [extra flags...]
  local label=$1 scenario=$2
  shift 2
  "$baton" sim --scenario "tests/scenarios/$scenario.scn" --seeds "$trials" --json "$@" |
    python3 -c '
import json, sys
d = json.load(sys.stdin)
f = d["failover_ms"]
print("| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %d |" % (
    sys.argv[1], f["count"], f["mean"], f["p50"], f["p90"], f["p99"], f["max"],
    d["safety_violations"]))' "$label"
}

echo "| setting | trials | mean ms | p50 | p90 | p99 | max | violations |"
echo "|---|---|---|---|---|---|---|---|"
for range in 12-24 150-155 150-200; do
  row "$range, paper's algorithm (no pre-vote)" "figure16-$range"
done
# baton's recommended settings: pre-vote on, and a candidate that waits at least one broadcast
# time before retrying (the paper's 12-24ms range is shorter than one round).
row "12-24, pre-vote + candidate retry 16-32" figure16-12-24 --pre-vote on --candidate-timeout-ms 16-32
row "12-24, same, 0.1ms ticks" figure16-12-24 --pre-vote on --candidate-timeout-ms 16-32 --tick-ms 0.1
row "150-155, pre-vote" figure16-150-155 --pre-vote on
row "150-200, pre-vote" figure16-150-200 --pre-vote on
