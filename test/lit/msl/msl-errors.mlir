// RUN: not weft-translate --weft-to-msl %s --split-input-file 2>&1 | FileCheck %s
// What the MSL printer refuses, naming the kernel or the type and the rule.

// CHECK: MSL printer: unsupported buffer element type 'f64'
module attributes {weft.programs = {d = #weft.program<concat {axis = 0}, inputs = [tensor<4xf32>, tensor<4xf32>], outputs = [tensor<8xf32>], launches = [@dbl(1 / 1) group 64 items 64]>}} {
  func.func @dbl(%a: memref<?xf64>, %b: memref<?xf32>, %o: memref<?xf32>, %p: memref<?xi64>) attributes {weft.kernel, weft.workgroup = 64 : i64} {
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
