#!/usr/bin/env bash
# Fails if any C++ file differs from what clang-format (with the repo's .clang-format) makes of it.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
clang-format --dry-run --Werror "${files[@]}"
echo "formatting ok (${#files[@]} files)"
