#!/usr/bin/env bash
# The Vulkan target on the lent NVIDIA GPU (issue 3), in two halves, since the GPU machine gets
# the runtime alone (LLVM/MLIR are too large to carry; docs/vulkan.md):
#   bash scripts/gpu-vulkan.sh prepare   here: builds the runtime-only runners, exports the
#                                        execution cases (SPIR-V, inputs, reference outputs) and
#                                        compiles the bench kernels into .device/vulkan; fetches
#                                        Debian's Vulkan loader into .gl
#   bash scripts/gpu-vulkan.sh run       there (device tool, carry .device and .gl): installs the
#                                        loader, runs the execution cases on the NVIDIA driver,
#                                        then weft's bench kernels and PyTorch's peers; prints the
#                                        table for docs/vulkan.md
set -euo pipefail
cd "$(dirname "$0")/.."
out=.device/vulkan

case "${1:-}" in
prepare)
  build=${WEFT_BUILD_DIR:-build}
  ninja -C "$build" weft-exec-tests weftc weft-vulkan-suite weft-bench-vulkan
  rm -rf "$out"
  mkdir -p "$out/bin" "$out/cases" "$out/bench"
  # No Vulkan device while exporting: only compile and write the cases (lavapipe runs them in CI).
  VK_DRIVER_FILES=/nonexistent.json WEFT_EXPORT_DIR="$PWD/$out/cases" "$build/bin/weft-exec-tests" \
    > "$out/export.log" 2>&1
  "$build/bin/weftc" bench/gpu/kernels.mlir --target=spirv -o "$out/bench"
  cp "$build/bin/weft-vulkan-suite" "$build/bin/weft-bench-vulkan" "$out/bin/"
  if ! ls .gl/libglx0_*.deb > /dev/null 2>&1; then
    mkdir -p .gl
    # The loader, and the GL dispatch libraries NVIDIA's Vulkan ICD links against.
    (cd .gl && apt-get download libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libopengl0 libgles2)
  fi
  echo "prepared: $(ls "$out/cases" | wc -l) cases, $(du -sh "$out" | cut -f1) in $out"
  ;;
run)
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
  logs=${OUT:-/tmp}
  "$out/bin/weft-vulkan-suite" "$out/cases" > "$logs/suite.log" 2>&1 || suite=$?
  grep -E "^(device|FAIL|weft-vulkan-suite)" "$logs/suite.log" | head -20
  "$out/bin/weft-bench-vulkan" "$out/bench" 100 > "$logs/weft.tsv"
  python3 bench/gpu/torch_peers.py > "$logs/torch.tsv"
  python3 bench/gpu/report.py "$logs/weft.tsv" "$logs/torch.tsv" | tee "$logs/table.md"
  exit "${suite:-0}"
  ;;
*)
  echo "usage: bash scripts/gpu-vulkan.sh prepare|run" >&2
  exit 2
  ;;
esac
