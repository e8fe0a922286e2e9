#!/usr/bin/env bash
# tools/fuzz/run.sh TARGET SECONDS [libFuzzer flags...]: a campaign of one target built by
# build.sh (elf, tbf, tab, scenario, gdb, machine). The corpus grows in build-fuzz/corpus/TARGET,
# starting from the seed zip; crashes land in build-fuzz/artifacts/TARGET/ (replay one with
# `build-fuzz/out/fuzz_TARGET FILE`, keep it in tools/fuzz/regressions/TARGET/ once fixed).
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 2 ] || { echo "usage: tools/fuzz/run.sh TARGET SECONDS [libFuzzer flags]" >&2; exit 2; }
t=${1#fuzz_}
secs=$2
shift 2
: "${WORK:=$src/build-fuzz}"
: "${OUT:=$WORK/out}"
bin="$OUT/fuzz_$t"
[ -x "$bin" ] || { echo "no $bin: run tools/fuzz/build.sh first" >&2; exit 2; }
corpus="$WORK/corpus/$t"
artifacts="$WORK/artifacts/$t"
mkdir -p "$corpus" "$artifacts"
if [ -z "$(ls -A "$corpus")" ] && [ -f "$OUT/fuzz_${t}_seed_corpus.zip" ]; then
  (cd "$corpus" && cmake -E tar xf "$OUT/fuzz_${t}_seed_corpus.zip")
fi
flags=(-max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$artifacts/"
  -rss_limit_mb=4096 -timeout=25)
[ -f "$OUT/fuzz_$t.dict" ] && flags+=(-dict="$OUT/fuzz_$t.dict")
if [ -f "$OUT/fuzz_$t.options" ]; then
  while IFS='= ' read -r k v; do
    [[ $k =~ ^[a-z_]+$ ]] && flags+=("-$k=$v")
  done < <(grep -v '^\[' "$OUT/fuzz_$t.options")
fi
export LSAN_OPTIONS="suppressions=$src/tools/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
exec "$bin" "${flags[@]}" "$@" "$corpus"
