// RUN: weft-opt %s --weft-attach-target=kind=vulkan | FileCheck %s
// RUN: not weft-opt %s --weft-attach-target=kind=cpu 2>&1 | FileCheck %s --check-prefix=OTHER
// A module's own #weft.target (here fewer threads per workgroup) stays when the pipeline is for
// the same kind; for another kind it is an error.

// CHECK: module attributes {weft.target = #weft.target<kind = "vulkan", vector_bytes = 16, max_threads = 256, param_slots = 16>}
// OTHER: error: the module's #weft.target is for vulkan, the pipeline for cpu
module attributes {weft.target = #weft.target<kind = "vulkan", vector_bytes = 16, max_threads = 256, param_slots = 16>} {
}
