#!/bin/sh
# Random differential tester: tools/difftest/run.sh SEEDS...  (a seed or a range A-B)
# Each seed is one program (gen.py) built with arm-none-eabi-gcc against the test firmware's
# start-up code, run on qemu-system-arm -M mps2-an386 (semihosting, -icount shift=0) and on
# tockemu (boot --kernel); the printed registers, APSR, scratch memory and fault status must be
# identical. Prints one line per mismatch (with the diff kept in $DIFFTEST_OUT) and a summary;
# exit status 1 when any program differs.
# Environment: TOCKEMU (default build/emu/tockemu), DIFFTEST_OUT (default /tmp/difftest).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tockemu=${TOCKEMU:-$root/build/emu/tockemu}
out=${DIFFTEST_OUT:-/tmp/difftest}
common=$root/tests/firmware/common
mkdir -p "$out"
[ -x "$tockemu" ] || { echo "difftest: no tockemu at $tockemu (set TOCKEMU)" >&2; exit 2; }
command -v qemu-system-arm >/dev/null || { echo "difftest: qemu-system-arm not found" >&2; exit 2; }
command -v arm-none-eabi-gcc >/dev/null || { echo "difftest: arm-none-eabi-gcc not found" >&2; exit 2; }

seeds=""
for a in "$@"; do
  case "$a" in
    *-*) seeds="$seeds $(seq "${a%-*}" "${a#*-}")" ;;
    *) seeds="$seeds $a" ;;
  esac
done

ran=0 bad=0
for s in $seeds; do
  d=$out/$s
  mkdir -p "$d"
  python3 "$here/gen.py" "$s" "$d/test.S"
  arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=soft -Os -g -ffreestanding -fno-builtin \
    -nostartfiles -nostdlib -T"$common/link.ld" -Wl,--gc-sections -I"$common" \
    "$common/startup.c" "$common/semihost.c" "$here/prog.c" "$d/test.S" -lgcc -o "$d/test.elf"
  timeout 20 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none -icount shift=0 \
    -chardev stdio,id=sh0 -semihosting-config enable=on,target=native,chardev=sh0 \
    -kernel "$d/test.elf" > "$d/qemu.txt" 2>/dev/null || true
  "$tockemu" boot --kernel "$d/test.elf" --time 1s < /dev/null > "$d/tockemu.txt" 2>"$d/tockemu.err" || true
  ran=$((ran + 1))
  if ! tail -n 1 "$d/qemu.txt" | grep -qx done; then
    echo "seed $s: QEMU did not finish ($(tail -n 1 "$d/qemu.txt"))"
    bad=$((bad + 1))
  elif ! diff "$d/qemu.txt" "$d/tockemu.txt" > "$d/diff.txt"; then
    echo "seed $s: differs: $(grep -m1 '^[<>]' "$d/diff.txt") ... ($d/diff.txt)"
    bad=$((bad + 1))
  fi
done
echo "difftest: $ran programs, $bad mismatches"
[ "$bad" -eq 0 ]
