#!/usr/bin/env bash
# Fresh-machine set-up for tockemu on Debian 12: installs missing Debian packages (apt-get runs
# only when something is missing), configures and builds everything, then either runs the demo
# scenario (`demo`) or the whole test suite (`test`).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-demo}
build=${TOCKEMU_BUILD_DIR:-build}
packages=(cmake ninja-build g++ pkg-config libunicorn-dev libcapstone-dev libboost-program-options-dev
  libspdlog-dev libfmt-dev libgtest-dev libyaml-cpp-dev gcc-arm-none-eabi libnewlib-arm-none-eabi
  libstdc++-arm-none-eabi-newlib gdb-multiarch qemu-system-arm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "tockemu: installing missing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

jobs=$(nproc)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build" -j "$jobs"

case "$mode" in
  demo)
    fw="$build/firmware"
    echo "== tockemu boot: the Hail kernel with the hello and blink apps, 2 s of virtual time =="
    "$build/emu/tockemu" boot --kernel "$fw/kernel/hail_kernel.elf" \
      --app "$fw/apps/hello.tbf" --app "$fw/apps/blink.tbf" --time 2s
    echo
    echo "== tockemu run: the demo scenario (scenarios/hello.yaml) =="
    "$build/emu/tockemu" run scenarios/hello.yaml --summary
    ;;
  test)
    # stdin from /dev/null: `tockemu boot` reads piped stdin as console input, and the suite
    # must not depend on what the CI runner connects there.
    ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 600 < /dev/null
    ;;
  *)
    echo "usage: tools/bootstrap.sh [demo|test]" >&2
    exit 2
    ;;
esac
