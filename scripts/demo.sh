#!/usr/bin/env bash
# The main job: install, build, and show a simulated 5-node Raft cluster electing a leader,
# losing it, and failing over — a readable timeline, then a summary of 100 seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
scenario=tests/scenarios/leader-crash.scn
echo
echo "== one seed, traced: $scenario =="
./build/src/cli/baton sim --scenario "$scenario" --seed 7 --trace --duration 5s |
  grep -vE ' (heartbeat|heartbeat_response) ' | head -n 80
echo
echo "== the same scenario over 100 seeds =="
./build/src/cli/baton sim --scenario "$scenario" --seeds 100
