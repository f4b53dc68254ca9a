// RUN: not weft-translate --weft-to-glsl %s --split-input-file 2>&1 | FileCheck %s
// What the GLSL printer refuses, naming the kernel and the rule.

// CHECK: kernel 'wide' reads parameter slot 20; Vulkan's push constants hold slots 0 to 15 (128 bytes): give the op static shapes
module attributes {weft.target = #weft.target<kind = "vulkan", vector_bytes = 16, max_threads = 1024, param_slots = 16>, weft.programs = {w = #weft.program<concat {axis = 0}, inputs = [tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>], outputs = [tensor<?x?x?x?xf32>], launches = [@wide(1 / 1) group 64 items 64]>}} {
  func.func @wide(%a: memref<?xf32>, %b: memref<?xf32>, %o: memref<?xf32>, %p: memref<?xi64>) attributes {weft.kernel, weft.workgroup = 64 : i64} {
    %c20 = arith.constant 20 : index
    %s = memref.load %p[%c20] : memref<?xi64>
    %i = arith.index_cast %s : i64 to index
    %v = memref.load %a[%i] : memref<?xf32>
    memref.store %v, %o[%i] : memref<?xf32>
    return
  }
}

// -----

// CHECK: kernel 'nomap' has no weft.workgroup: run weft-gpu-map-grid first
module attributes {weft.target = #weft.target<kind = "vulkan", vector_bytes = 16, max_threads = 1024, param_slots = 16>, weft.programs = {n = #weft.program<concat {axis = 0}, inputs = [tensor<4xf32>, tensor<4xf32>], outputs = [tensor<8xf32>], launches = [@nomap(1 / 1)]>}} {
  func.func @nomap(%a: memref<?xf32>, %b: memref<?xf32>, %o: memref<?xf32>, %p: memref<?xi64>) attributes {weft.kernel} {
    return
  }
}

// -----

// CHECK: the module has no 'weft.target' (#weft.target<...>): run weft-attach-target first, or set it
module attributes {weft.programs = {n = #weft.program<concat {axis = 0}, inputs = [tensor<4xf32>, tensor<4xf32>], outputs = [tensor<8xf32>], launches = [@k(1 / 1)]>}} {
  func.func @k(%a: memref<?xf32>, %b: memref<?xf32>, %o: memref<?xf32>, %p: memref<?xi64>) attributes {weft.kernel, weft.workgroup = 64 : i64} {
    return
  }
}
