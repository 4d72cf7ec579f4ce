#!/usr/bin/env bash
# `baton sim` (and the benches' --set checks) from the outside: exit statuses (0 ok, 1
# invariant/expectation broke, 2 bad usage or bad scenario), error messages that name what was
# wrong, the JSON keys, and a byte-identical trace for the same seed. Usage: baton_sim_cli_test.sh
# BATON SCENARIO_DIR
set -uo pipefail
baton=$1
scenarios=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
passes=0

check() {  # check NAME EXPECTED_STATUS COMMAND... ; stderr+stdout go to $work/out
  local name=$1 expected=$2
  shift 2
  "$@" >"$work/out" 2>&1
  local status=$?
  if [[ $status -ne $expected ]]; then
    echo "FAIL $name: exit $status, expected $expected"; sed 's/^/    /' "$work/out" | head -20
    failures=$((failures + 1))
  else
    passes=$((passes + 1))
  fi
}
expect_output() {  # expect_output NAME PATTERN
  if ! grep -qE -- "$2" "$work/out"; then
    echo "FAIL $1: output lacks /$2/"; sed 's/^/    /' "$work/out" | head -20
    failures=$((failures + 1))
  else
    passes=$((passes + 1))
  fi
}

check "default mix" 0 "$baton" sim --seeds 5
expect_output "summary" "^result: OK"
check "scenario sweep" 0 "$baton" sim --scenario "$scenarios/leader-crash.scn" --seeds 5
check "json" 0 "$baton" sim --scenario "$scenarios/leader-crash.scn" --seeds 3 --json
for key in algorithm nodes seeds simulated_seconds safety_violations violations \
           stale_writes_accepted elections time_to_first_leader_ms failover_ms p50 p90 p99 max \
           mean messages_per_election events_per_second; do
  expect_output "json key $key" "\"$key\""
done
check "violation exits 1" 1 "$baton" sim --seeds 20 --unsafe-multiple-votes on
expect_output "violation reported" "election-safety"
check "failed expectation exits 1" 1 "$baton" sim --scenario "$scenarios/check-quorum.scn" \
  --seeds 10 --check-quorum off
check "bad flag value exits 2" 2 "$baton" sim --election-timeout-ms abc
expect_output "bad flag named" "--election-timeout-ms: expected MIN-MAX"
printf 'nodes 3\n\nat 1s crsh leader\n' >"$work/bad.scn"
check "bad scenario exits 2" 2 "$baton" sim --scenario "$work/bad.scn"
expect_output "file and line named" "bad.scn:3: unknown action 'crsh'"
check "unknown algorithm exits 2" 2 "$baton" sim --algorithm nope
check "missing file exits 2" 2 "$baton" sim --scenario "$work/missing.scn"
check "seed and seeds exit 2" 2 "$baton" sim --seed 1 --seeds 2

# Same seed, same trace, byte for byte (all but the summary's wall-clock speed line).
"$baton" sim --scenario "$scenarios/leader-crash.scn" --seed 9 --trace --loss 0.05 |
  grep -v ' wall (' >"$work/t1"
"$baton" sim --scenario "$scenarios/leader-crash.scn" --seed 9 --trace --loss 0.05 |
  grep -v ' wall (' >"$work/t2"
if cmp -s "$work/t1" "$work/t2" && [[ $(wc -l <"$work/t1") -gt 100 ]]; then
  passes=$((passes + 1))
else
  echo "FAIL trace not reproducible"; failures=$((failures + 1))
fi
cp "$work/t1" "$work/out"
expect_output "trace shows the crash" "FAULT crash"
expect_output "trace shows votes" "voted for n[0-9]+ in term"
expect_output "trace shows a new leader" "became LEADER of term"

# baton sim compare: a table, JSON, charts; bad options exit 2.
check "compare runs" 0 "$baton" sim compare --algorithms raft,lease --seeds 2 --sizes 3,5 \
  --size-seeds 1 --svg "$work/charts"
expect_output "compare table lists the algorithms" "^lease +[0-9]"
expect_output "compare table lists the faults" "store-outage"
expect_output "compare wrote charts" "wrote .*failover.svg"
if [[ -s "$work/charts/failover.svg" && -s "$work/charts/messages-per-election.svg" ]]; then
  passes=$((passes + 1))
else
  echo "FAIL compare charts missing"; failures=$((failures + 1))
fi
check "compare json" 0 "$baton" sim compare --algorithms bully --seeds 2 --no-sizes --json --quiet
expect_output "compare json has algorithms" '"algorithms": \['
expect_output "compare json has scenarios" '"scenarios": \['
check "compare unknown algorithm exits 2" 2 "$baton" sim compare --algorithms nope
expect_output "compare names the bad algorithm" "unknown algorithm 'nope'"

# The benches check their --set flags as a node would, before any node starts (no process is
# started for these).
check "bench idle bad setting exits 2" 2 "$baton" bench idle --nodes 3 --set heartbeat-ms=fast
expect_output "bench idle names the flag" "baton bench idle: --set heartbeat-ms: expected a number"
check "bench failover simulator-only setting exits 2" 2 "$baton" bench failover --set loss=0.1
expect_output "bench failover names the setting" "baton bench failover: --set .*'loss'"

echo "$passes passed, $failures failed"
[[ $failures -eq 0 ]]
