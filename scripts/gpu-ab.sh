#!/usr/bin/env bash
# Schedule variants side by side on the lent GPU (docs/cuda.md, "Trying a schedule on the GPU"),
# in two halves like scripts/gpu.sh:
#   bash scripts/gpu-ab.sh prepare [VARIANTS]   here: weftc compiles each line of VARIANTS
#                                               (default bench/gpu/variants.txt) for target ptx
#                                               into .device/ab/NAME
#   bash scripts/gpu-ab.sh run [PASSES]         there (device tool, carry .device): times every
#                                               variant with weft-bench-gpu cuda (median of 100),
#                                               the variants alternated, PASSES passes (default 3);
#                                               one line per pass and variant (the runner's
#                                               messages go to $OUT/gpu-ab.err)
# The runner is the one scripts/gpu.sh prepare puts into .device/gpu/bin: run that first.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.device/ab

case "${1:-}" in
prepare)
  build=${WEFT_BUILD_DIR:-build}
  list=${2:-bench/gpu/variants.txt}
  ninja -C "$build" weftc
  rm -rf "$out"
  mkdir -p "$out"
  grep -v '^#' "$list" | while read -r name args; do
    [ -n "$name" ] || continue
    # shellcheck disable=SC2086  # the arguments are words; schedules in the list carry no spaces
    "$build/bin/weftc" $args --target=ptx -o "$out/$name" > /dev/null
    echo "$name" >> "$out/order"
  done
  echo "prepared: $(wc -l < "$out/order") variants in $out"
  ;;
run)
  passes=${2:-3}
  bench=.device/gpu/bin/weft-bench-gpu
  [ -x "$bench" ] || { echo "gpu-ab.sh: no $bench: run scripts/gpu.sh prepare first" >&2; exit 2; }
  # The runner's own messages (the device line, a variant that fails to load or run), apart.
  errors=${OUT:-/tmp}/gpu-ab.err
  for pass in $(seq "$passes"); do
    while read -r name; do
      printf 'pass %s\t%-12s\t' "$pass" "$name"
      "$bench" cuda "$out/$name" 100 2>> "$errors" | tr '\n' '\t' || printf 'failed (%s)' "$errors"
      echo
    done < "$out/order"
  done
  ;;
*)
  echo "usage: bash scripts/gpu-ab.sh prepare [VARIANTS] | run [PASSES]" >&2
  exit 2
  ;;
esac
