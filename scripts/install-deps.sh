#!/usr/bin/env bash
# Installs what baton needs to build and test, from Debian 12's packages. Skips apt-get when
# everything is already there, so repeated runs are quick.
set -euo pipefail

packages=(g++ cmake ninja-build pkg-config libgtest-dev libgmock-dev libbenchmark-dev
          libcli11-dev nlohmann-json3-dev clang-format
          libasio-dev libprotobuf-dev protobuf-compiler libtomlplusplus-dev libcpp-httplib-dev)

# promtool (`promtool check metrics` judges GET /metrics in tests/process) comes out of Debian's
# prometheus package, unpacked into .deps/ rather than installed: installing it would also enable
# a Prometheus server on the developer's machine.
install_promtool() {
  local root
  root="$(cd "$(dirname "$0")/.." && pwd)"
  [[ -x "$root/.deps/bin/promtool" ]] && return 0
  command -v promtool > /dev/null && return 0
  local work
  work="$(mktemp -d)"
  if ! (cd "$work" && apt-get download prometheus > /dev/null 2>&1); then
    "${sudo_cmd[@]}" apt-get update -qq
    (cd "$work" && apt-get download prometheus > /dev/null)
  fi
  dpkg-deb -x "$work"/prometheus_*.deb "$work/root"
  mkdir -p "$root/.deps/bin"
  cp "$work/root/usr/bin/promtool" "$root/.deps/bin/promtool"
  rm -rf "$work"
  echo "promtool unpacked into .deps/bin"
}

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  install_promtool
  exit 0
fi

echo "installing: ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}"
install_promtool
