#!/usr/bin/env bash
# The README's test command: install what is missing, build everything, run every test
# (lit/FileCheck, GoogleTest execution suites on the CPU and on lavapipe where present, Vulkan
# under the validation layer), then the
# hardening runs (docs/hardening.md): the runtime's tests under AddressSanitizer and
# UndefinedBehaviorSanitizer, and each fuzzer (the runtime's parsers, the compiler) for a short
# while, built with clang in a tree of their own. `bash scripts/test.sh hardening` runs only those;
# WEFT_FUZZ_SECONDS sets the fuzzers' time (default 20 each).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=${WEFT_JOBS:-2}

if [ "${1:-}" != hardening ]; then
  build=${WEFT_BUILD_DIR:-build}
  cmake -G Ninja -S . -B "$build" -DCMAKE_BUILD_TYPE=Release
  ninja -C "$build" -j"$jobs"
  # Every test that opens Vulkan (lavapipe here) runs under Khronos' validation layer: any error,
  # warning or performance message stops that test (test/vk_layer_settings.txt).
  VK_INSTANCE_LAYERS=VK_LAYER_KHRONOS_validation VK_LAYER_SETTINGS_PATH="$PWD/test/vk_layer_settings.txt" \
    ctest --test-dir "$build" --output-on-failure -j"$jobs"
fi

san=${WEFT_SANITIZE_DIR:-build-hardening}
mkdir -p "$san"
CC=clang-22 CXX=clang++-22 cmake -G Ninja -S . -B "$san" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DWEFT_SANITIZE=ON -DWEFT_FUZZ=ON -DWEFT_BUILD_BENCH=OFF > "$san/configure.log"
ninja -C "$san" -j"$jobs" weft-runtime-tests weft-vulkan-tests weft-fuzz-npy weft-fuzz-program weft-fuzz-artifact \
  weft-fuzz-compile
# Leaks count too; an allocation too large for the machine returns null, as the runtime expects
# of malloc.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd "$san" && ./bin/weft-runtime-tests --gtest_brief=1 --gtest_filter='-Device.*')
# Tests that open Vulkan: the loader unloads Mesa's lavapipe with a few of its allocations still
# live (384 bytes, in a library gone by the time LeakSanitizer names it), so there only leaks do
# not count; every other check stays on.
(cd "$san" && ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 ./bin/weft-runtime-tests --gtest_brief=1 --gtest_filter='Device.*')
(cd "$san" && ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 ./bin/weft-vulkan-tests --gtest_brief=1)
(cd "$san" && WEFT_VULKAN_MEMORY=staged ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 ./bin/weft-vulkan-tests --gtest_brief=1)
for f in npy program artifact compile; do
  scratch=$(mktemp -d)
  # The compiler's target links Debian's uninstrumented LLVM and MLIR: they keep process-wide
  # singletons (options, registries, the JIT's) alive to the end, so leaks do not count; and
  # LLVM's allocators inlined into weft's instrumented code poison the free part of slabs that the
  # uninstrumented library then fills (a false use-after-poison), so manual poisoning is off.
  options=$ASAN_OPTIONS
  [ "$f" != compile ] || options=$options:detect_leaks=0:allow_user_poisoning=0
  ASAN_OPTIONS=$options "$san/bin/weft-fuzz-$f" -max_total_time="${WEFT_FUZZ_SECONDS:-20}" \
    -dict="test/fuzz/corpus/$f.dict" -artifact_prefix="$scratch/" -print_final_stats=1 "$scratch" \
    "test/fuzz/corpus/$f" > "$scratch.log" 2>&1 || { tail -60 "$scratch.log"; exit 1; }
  tail -4 "$scratch.log"
  rm -rf "$scratch" "$scratch.log"
done
