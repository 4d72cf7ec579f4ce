#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/*_fuzzer.cpp) with clang in build-fuzz/ and runs each for
# BATON_FUZZ_SECONDS seconds (default 20) on a scratch copy of its seed corpus
# (fuzz/corpus/<target>/, left untouched). Fails if any fuzzer finds a crash, a sanitizer report,
# a leak or a timeout; the reproducer is kept in build-fuzz/fuzz-artifacts/<target>/ and the log in
# build-fuzz/fuzz-logs/<target>.log. Replay one with: build-fuzz/fuzz/<target> <reproducer>.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${BATON_FUZZ_SECONDS:-20}
jobs=${BATON_JOBS:-2}

scripts/install-deps.sh
# On top of the build dependencies: clang, and libFuzzer with the sanitizer runtimes, which Debian
# ships apart from the compiler.
packages=(clang libclang-rt-14-dev)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  echo "installing: ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then
    sudo_cmd=(sudo)
  fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
fi

# -O1 -g1, the optimisation level of libFuzzer's own examples: crash reports keep file:line
# and the build, most of this script's time on 2 cores, is quicker.
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" -DBATON_FUZZ=ON -DBATON_BUILD_TESTS=OFF -DBATON_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz --target baton_fuzzers --parallel "$jobs"

failed=()
mkdir -p build-fuzz/fuzz-logs
for source in fuzz/*_fuzzer.cpp; do
  name=$(basename "$source" .cpp)
  corpus=build-fuzz/fuzz-corpus/$name
  artifacts=build-fuzz/fuzz-artifacts/$name
  log=build-fuzz/fuzz-logs/$name.log
  rm -rf "$corpus" "$artifacts"
  mkdir -p "$corpus" "$artifacts"
  if [[ -d fuzz/corpus/$name ]]; then
    cp fuzz/corpus/"$name"/* "$corpus"/
  fi
  echo "== $name: ${seconds}s on $(find "$corpus" -type f | wc -l) seeds"
  if "build-fuzz/fuzz/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1; then
    # The last status line and libFuzzer's final statistics.
    grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -n 1 || true
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" || true
  else
    tail -n 40 "$log"
    echo "FAILED: $name; reproducer: $(find "$artifacts" -type f | head -n 1)"
    failed+=("$name")
  fi
done

if ((${#failed[@]} > 0)); then
  echo "fuzzing found problems in: ${failed[*]}"
  exit 1
fi
echo "fuzzing ok: no crash in ${seconds}s per target"
