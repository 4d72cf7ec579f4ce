#!/usr/bin/env bash
# The main job: install, build, and show a simulated 5-node Raft cluster electing a leader,
# losing it to a crash, and failing over — a readable timeline of one seed, then the same scenario
# over 100 seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
baton=build/src/cli/baton
scenario=tests/scenarios/leader-crash.scn

echo
echo "== $scenario, seed 7: the election story =="
echo "   (heartbeats, individual messages and writes left out; the full trace:"
echo "    $baton sim --scenario $scenario --seed 7 --trace)"
trace=$(mktemp)
trap 'rm -f "$trace"' EXIT
"$baton" sim --scenario "$scenario" --seed 7 --trace >"$trace"
grep -E "timeout|pre-vote for|campaign|vote|LEADER|learned leader|FAULT|acknowledged|failover took|stepped down" "$trace" |
  grep -vE "ignored a message| -> n|persisted" || true
echo
echo "== the same scenario over 100 seeds =="
"$baton" sim --scenario "$scenario" --seeds 100
