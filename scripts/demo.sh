#!/usr/bin/env bash
# The main job: install, build, start a real 5-process cluster on 127.0.0.1, watch it elect a
# leader, SIGKILL the leader, watch a survivor take over, restart the killed node and see it
# follow. Then the same story in the simulator, over 100 seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
baton=build/src/cli/baton
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

echo
echo "== a real cluster: 5 baton node processes on 127.0.0.1 (data, logs, cluster.json in $dir) =="
"$baton" cluster up --nodes 5 --dir "$dir" --crash-leader --duration 6 --refresh-ms 200

scenario=tests/scenarios/leader-crash.scn
echo
echo "== the same failover in the simulator, $scenario over 100 seeds =="
"$baton" sim --scenario "$scenario" --seeds 100
