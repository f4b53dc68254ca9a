// RUN: not weft-translate --weft-to-glsl %s --split-input-file 2>&1 | FileCheck %s
// RUN: not weft-opt %s --split-input-file --weft-lower-to-loops=target=gpu 2>&1 | FileCheck %s --check-prefix=TARGET
// What the GLSL printer refuses, naming the kernel and the rule.

// CHECK: kernel 'wide' reads parameter slot 20; Vulkan's push constants hold slots 0 to 15 (128 bytes): give the op static shapes
// TARGET: weft-lower-to-loops: target = 'gpu' is not one of cpu, vulkan, cuda, metal
module attributes {weft.programs = {w = #weft.program<concat {axis = 0}, inputs = [tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>], outputs = [tensor<?x?x?x?xf32>], launches = [@wide(1 / 1) group 64 items 64]>}} {
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
module attributes {weft.programs = {n = #weft.program<concat {axis = 0}, inputs = [tensor<4xf32>, tensor<4xf32>], outputs = [tensor<8xf32>], launches = [@nomap(1 / 1)]>}} {
  func.func @nomap(%a: memref<?xf32>, %b: memref<?xf32>, %o: memref<?xf32>, %p: memref<?xi64>) attributes {weft.kernel} {
    return
  }
}
