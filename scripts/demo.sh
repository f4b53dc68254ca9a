#!/usr/bin/env bash
# The README's main command: install what is missing, build weft, compile the example kernels
# (examples/kernels.mlir) for every target, run them on every device present and print a table
# of results and where the generated sources are; then the embedding example (examples/codec):
# a neural codec decoder's upsampling stack JIT-compiled for every device present; then kernels
# generated when the build ran (examples/prebuilt, weft_add_kernels) on every device present.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
build=${WEFT_BUILD_DIR:-build}
cmake -G Ninja -S . -B "$build" -DCMAKE_BUILD_TYPE=Release
ninja -C "$build" -j"${WEFT_JOBS:-2}" weft-demo weft-codec weft-prebuilt weftc weft-run
"$build/bin/weft-demo" examples/kernels.mlir "$build/demo"
echo
"$build/bin/weft-codec" 8
echo
"$build/bin/weft-prebuilt"
