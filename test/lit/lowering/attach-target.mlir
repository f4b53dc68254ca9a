// RUN: weft-opt %s -split-input-file --weft-attach-target | FileCheck %s --check-prefix=CPU
// RUN: weft-opt %s -split-input-file --weft-attach-target="kind=cpu vector-bytes=64" | FileCheck %s --check-prefix=AVX512
// RUN: weft-opt %s -split-input-file --weft-attach-target=kind=vulkan | FileCheck %s --check-prefix=VULKAN
// RUN: weft-opt %s -split-input-file --weft-attach-target=kind=cuda | FileCheck %s --check-prefix=CUDA
// RUN: not weft-opt %s -split-input-file --weft-attach-target=kind=tpu 2>&1 | FileCheck %s --check-prefix=BADKIND
// RUN: not weft-opt %s -split-input-file --weft-attach-target="vector-bytes=48" 2>&1 | FileCheck %s --check-prefix=BADBYTES
// weft-attach-target: the module's #weft.target, each device kind's description
// (attach-target-given.mlir: a module's own).

// CPU: module attributes {weft.target = #weft.target<kind = "cpu", vector_bytes = 32, max_threads = 1>}
// AVX512: module attributes {weft.target = #weft.target<kind = "cpu", vector_bytes = 64, max_threads = 1>}
// VULKAN: module attributes {weft.target = #weft.target<kind = "vulkan", vector_bytes = 16, max_threads = 1024, param_slots = 16>}
// CUDA: module attributes {weft.target = #weft.target<kind = "cuda", vector_bytes = 16, max_threads = 1024>}
// BADKIND: weft-attach-target: kind = 'tpu' is not one of cpu, vulkan, cuda, metal
// BADBYTES: weft-attach-target: #weft.target vector_bytes = 48 is not one of 4, 8, 16, 32, 64
module {
}
