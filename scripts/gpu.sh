#!/usr/bin/env bash
# The GPU targets on the lent NVIDIA GPU (issues 3 and 4), in two halves, since the GPU machine
# gets the runtime alone (LLVM/MLIR are too large to carry; docs/vulkan.md, docs/cuda.md):
#   bash scripts/gpu.sh prepare   here: builds the runtime-only runners, exports the execution
#                                 cases (their spirv and ptx artifacts, inputs, reference outputs)
#                                 and compiles the bench kernels for both targets into .device/gpu;
#                                 fetches Debian's Vulkan loader into .gl
#   bash scripts/gpu.sh run [cuda] there (device tool, carry .device and .gl): installs the loader,
#                                 runs the execution cases on CUDA (ptx) and on Vulkan (spirv; in
#                                 the default memory, then in staged memory), then weft's bench
#                                 kernels the same three ways beside PyTorch's peers; prints the
#                                 tables for docs/cuda.md and docs/vulkan.md. With `cuda`, the CUDA
#                                 device alone (a shorter call)
set -euo pipefail
cd "$(dirname "$0")/.."
out=.device/gpu

case "${1:-}" in
prepare)
  build=${WEFT_BUILD_DIR:-build}
  ninja -C "$build" weft-exec-tests weftc weft-gpu-suite weft-bench-gpu
  rm -rf "$out"
  mkdir -p "$out/bin" "$out/cases" "$out/bench"
  # No GPU device while exporting: only compile and write the cases (lavapipe runs them in CI).
  VK_DRIVER_FILES=/nonexistent.json WEFT_EXPORT_DIR="$PWD/$out/cases" "$build/bin/weft-exec-tests" \
    > "$out/export.log" 2>&1
  # The device tool carries 64 MiB at most: the cases go packed (about a third of their size).
  tar czf "$out/cases.tgz" -C "$out" cases && rm -rf "$out/cases"
  "$build/bin/weftc" bench/gpu/kernels.mlir --target=spirv,ptx -o "$out/bench"
  cp "$build/bin/weft-gpu-suite" "$build/bin/weft-bench-gpu" "$out/bin/"
  if ! ls .gl/libglx0_*.deb > /dev/null 2>&1; then
    mkdir -p .gl
    # The loader, and the GL dispatch libraries NVIDIA's Vulkan ICD links against.
    (cd .gl && apt-get download libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libopengl0 libgles2)
  fi
  echo "prepared: $(tar tzf "$out/cases.tgz" | grep -c '^cases/[^/]*/$') cases, $(du -sh "$out" | cut -f1) in $out"
  ;;
run)
  [ -d "$out/cases" ] || tar xzf "$out/cases.tgz" -C "$out"
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
  logs=${OUT:-/tmp}
  failed=0
  # Vulkan twice: in the device's default memory, then in staged memory (docs/vulkan.md, "Memory").
  runs="cuda:cuda vulkan:vulkan vulkan-staged:vulkan"
  [ "${2:-}" = cuda ] && runs="cuda:cuda"
  for run in $runs; do
    name=${run%%:*} device=${run#*:}
    mode=$([ "$name" = vulkan-staged ] && echo staged || echo "")
    WEFT_VULKAN_MEMORY=$mode "$out/bin/weft-gpu-suite" "$device" "$out/cases" > "$logs/suite-$name.log" 2>&1 || failed=1
    grep -E "^(device|FAIL|weft-gpu-suite)" "$logs/suite-$name.log" | head -20
  done
  python3 bench/gpu/torch_peers.py > "$logs/torch.tsv"
  for run in $runs; do
    name=${run%%:*} device=${run#*:}
    mode=$([ "$name" = vulkan-staged ] && echo staged || echo "")
    WEFT_VULKAN_MEMORY=$mode "$out/bin/weft-bench-gpu" "$device" "$out/bench" 100 > "$logs/weft-$name.tsv" || failed=1
    python3 bench/gpu/report.py "$logs/weft-$name.tsv" "$logs/torch.tsv" "$name" | tee "$logs/table-$name.md"
  done
  exit "$failed"
  ;;
*)
  echo "usage: bash scripts/gpu.sh prepare | run [cuda]" >&2
  exit 2
  ;;
esac
