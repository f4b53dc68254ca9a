#!/usr/bin/env bash
# The README's test command: install what is missing, build everything, run every test
# (lit/FileCheck, GoogleTest execution suites on the CPU and on lavapipe where present).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
build=${WEFT_BUILD_DIR:-build}
cmake -G Ninja -S . -B "$build" -DCMAKE_BUILD_TYPE=Release
ninja -C "$build" -j"${WEFT_JOBS:-2}"
ctest --test-dir "$build" --output-on-failure -j"${WEFT_JOBS:-2}"
