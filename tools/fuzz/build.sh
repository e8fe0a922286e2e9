#!/usr/bin/env bash
# Builds every fuzz target, OSS-Fuzz / ClusterFuzzLite style: one script, one binary per target
# in $OUT (fuzz_<target>), with <binary>_seed_corpus.zip, <binary>.dict and <binary>.options
# beside it. Under OSS-Fuzz $CC, $CXX, $CFLAGS, $CXXFLAGS, $LIB_FUZZING_ENGINE, $OUT and $WORK
# come from the environment; locally they default to Debian's clang with ASan + UBSan and
# libFuzzer, $OUT = build-fuzz/out. The firmware (seed ELFs, TBFs, TABs, flash images) is built
# with arm-none-eabi-gcc when it is installed; without it the seeds are the YAML and GDB ones.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
: "${CC:=clang}"
: "${CXX:=clang++}"
: "${CFLAGS:=-O1 -g $san -fsanitize=fuzzer-no-link}"
: "${CXXFLAGS:=$CFLAGS}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${WORK:=$src/build-fuzz}"
: "${OUT:=$WORK/out}"
export CC CXX

# TOCKEMU_FUZZ_FIRMWARE_DIR=<build>/firmware takes the seeds from a normal build's firmware
# instead of building it again here.
firmware=OFF
if [ -z "${TOCKEMU_FUZZ_FIRMWARE_DIR:-}" ] && command -v arm-none-eabi-gcc > /dev/null; then
  firmware=ON
fi
cmake -S "$src" -B "$WORK/cmake" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="" \
  -DTOCKEMU_FUZZ=ON -DTOCKEMU_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" -DTOCKEMU_BUILD_TESTS=OFF \
  -DTOCKEMU_BUILD_FIRMWARE=$firmware ${TOCKEMU_FUZZ_CMAKE_ARGS:-}
targets=(elf tbf tab scenario gdb machine)
cmake --build "$WORK/cmake" -j "${TOCKEMU_FUZZ_JOBS:-$(nproc)}" --target "${targets[@]/#/fuzz_}"

mkdir -p "$OUT"
seeds="$WORK/cmake/fuzz/seeds"
if [ -n "${TOCKEMU_FUZZ_FIRMWARE_DIR:-}" ]; then
  cmake -DFW="$TOCKEMU_FUZZ_FIRMWARE_DIR" -DOUT="$seeds" -DOBJCOPY="$(command -v arm-none-eabi-objcopy)" \
    -P "$src/tools/fuzz/make_seeds.cmake"
fi
here="$src/tools/fuzz"
zip_dir() {  # zip_dir ZIP DIR...: the regular files below the DIRs, flat
  local zip=$1 tmp
  shift
  tmp=$(mktemp -d)
  for d in "$@"; do [ -e "$d" ] && find "$d" -type f -exec cp {} "$tmp/" \;; done
  rm -f "$zip"
  if [ -n "$(ls -A "$tmp")" ]; then (cd "$tmp" && cmake -E tar cf "$zip" --format=zip -- *); fi
  rm -rf "$tmp"
}
for t in "${targets[@]}"; do
  cp "$WORK/cmake/fuzz/fuzz_$t" "$OUT/"
  case $t in
    scenario) dirs=("$src/scenarios" "$src/tests/scenario" "$src/docs/lab") ;;
    gdb) dirs=("$here/seeds/gdb") ;;
    *) dirs=("$seeds/$t") ;;
  esac
  zip_dir "$OUT/fuzz_${t}_seed_corpus.zip" "${dirs[@]}" "$here/regressions/$t"
  [ -f "$here/$t.dict" ] && cp "$here/$t.dict" "$OUT/fuzz_$t.dict"
  [ -f "$here/$t.options" ] && cp "$here/$t.options" "$OUT/fuzz_$t.options"
done
echo "fuzz targets in $OUT: $(cd "$OUT" && ls fuzz_* | grep -v '\.' | tr '\n' ' ')"
