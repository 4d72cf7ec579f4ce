#!/usr/bin/env bash
# The whole test suite: install, build (Release, -Werror), run every test with CTest. The scenario
# sweeps run BATON_SWEEP_SEEDS seeds per scenario (default 500).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
export BATON_SWEEP_SEEDS=${BATON_SWEEP_SEEDS:-500}
ctest --test-dir build --output-on-failure --parallel "$(nproc)" --timeout 900
