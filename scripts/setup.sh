#!/usr/bin/env bash
# Installs everything weft builds, tests and benchmarks with, from Debian bookworm's packages.
# Idempotent: apt-get skips what is already there. Runs as root or through sudo.
set -euo pipefail

packages=(
  # LLVM/MLIR 22 (libMLIR.so, ORC JIT, NVPTX back end), lit and FileCheck
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22
  # SPIR-V: shaderc compiles GLSL in process, SPIRV-Tools optimizes and validates
  spirv-tools glslc libshaderc-dev
  # Vulkan loader and lavapipe (Mesa's CPU Vulkan driver) for tests without a GPU
  libvulkan-dev mesa-vulkan-drivers
  # fmt: generated kernel libraries and messages assembled from pieces (compiler/KernelLibrary.cpp)
  libfmt-dev
  # build: ninja, ccache keeps rebuilds short on 2 cores
  cmake ninja-build ccache g++ python3 python3-numpy
  # tests and benchmarks: GoogleTest, oneDNN and OpenBLAS as peers, Halide 14 beside the JIT's
  # compile latency (weft-bench-jit)
  libgtest-dev libdnnl-dev libopenblas-dev libhalide14-0-dev
  # hardening (docs/hardening.md): clang's sanitizer and libFuzzer runtimes, and Khronos'
  # validation layer over the Vulkan suites
  libclang-rt-22-dev vulkan-validationlayers
  # zlib/zstd/xml2 development links that LLVM's CMake package names
  zlib1g-dev libzstd-dev libxml2-dev libedit-dev libcurl4-openssl-dev
)

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Package lists first, so what is installed is current; offline with everything present is fine.
update_ok=1
$SUDO apt-get update -qq || update_ok=0

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  [ "$update_ok" -eq 1 ] || { echo "weft setup: apt-get update failed and ${missing[*]} are missing" >&2; exit 1; }
  echo "weft setup: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "weft setup: all packages present"
fi
