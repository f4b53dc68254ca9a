// RUN: not weft-translate --weft-to-msl %s --split-input-file 2>&1 | FileCheck %s
// What the MSL printer refuses, naming the kernel or the type and the rule.

// CHECK: MSL printer: unsupported buffer element type 'f64'
module attributes {weft.programs = {d = "weft-program 1\0Aop concat\0Aattr axis 0\0Ainput f32 4\0Ainput f32 4\0Aoutput f32 8\0Alaunch dbl 1/1 group=64 items=64\0A"}} {
  func.func @dbl(%a: memref<?xf64>, %b: memref<?xf32>, %o: memref<?xf32>, %p: memref<?xi64>) attributes {weft.kernel, weft.workgroup = 64 : i64} {
    return
  }
}

// -----

// CHECK: kernel 'nomap' has no weft.workgroup: run weft-gpu-map-grid first
module attributes {weft.programs = {n = "weft-program 1\0Aop concat\0Aattr axis 0\0Ainput f32 4\0Ainput f32 4\0Aoutput f32 8\0Alaunch nomap 1/1\0A"}} {
  func.func @nomap(%a: memref<?xf32>, %b: memref<?xf32>, %o: memref<?xf32>, %p: memref<?xi64>) attributes {weft.kernel} {
    return
  }
}
