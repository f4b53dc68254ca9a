// Runs emitted kernels: f32 -> f16/bf16 -> f32, scalar and 8-lane vector forms, built as shared
// objects with and without the x86 extensions, called through the C entry point of docs/abi.md
// on split [begin, end) ranges, and compared with round-to-nearest-even computed independently
// (Inputs/run_convert.cpp).
// REQUIRES: weft-translate
// RUN: weft-translate --weft-to-cpp %s > %t.cpp
// RUN: %cxx -std=c++17 -O2 -Wall -Wextra -Werror -ffp-contract=off -fwrapv -mavx2 -mfma -mf16c -fPIC -shared %t.cpp -o %t.simd.so
// RUN: %cxx -std=c++17 -O2 -Wall -Wextra -Werror -ffp-contract=off -fwrapv -fPIC -shared %t.cpp -o %t.generic.so
// RUN: %cxx -std=c++17 -O2 -Wall -Wextra %S/Inputs/run_convert.cpp -o %t.run -ldl
// RUN: %t.run %t.simd.so | FileCheck %s
// RUN: %t.run %t.generic.so | FileCheck %s

// CHECK: inputs: [[N:[0-9]+]]
// CHECK-NEXT: f16 scalar: 0 mismatches of [[N]]
// CHECK-NEXT: bf16 scalar: 0 mismatches of [[N]]
// CHECK-NEXT: f16 -> f32 scalar: 0 mismatches of [[N]]
// CHECK-NEXT: f16 vector: 0 mismatches of [[N]]
// CHECK-NEXT: bf16 vector: 0 mismatches of [[N]]
// CHECK-NEXT: bf16 -> f32 vector: 0 mismatches of [[N]]

// Buffers: x (f32), h (f16), b (bf16), hx (f32, h widened), vh (f16), vb (bf16), vbx (f32, vb
// widened). params[0] = number of elements.
func.func @convert_scalar(%x: memref<?xf32>, %h: memref<?xf16>, %b: memref<?xbf16>, %hx: memref<?xf32>,
                          %vh: memref<?xf16>, %vb: memref<?xbf16>, %vbx: memref<?xf32>,
                          %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %p0 = memref.load %params[%c0] : memref<?xi64>
  %n = arith.index_cast %p0 : i64 to index
  %lo = arith.maxsi %begin, %c0 : index
  %hi = arith.minsi %end, %n : index
  scf.for %g = %lo to %hi step %c1 {
    %v = memref.load %x[%g] : memref<?xf32>
    %vh1 = arith.truncf %v : f32 to f16
    memref.store %vh1, %h[%g] : memref<?xf16>
    %vb1 = arith.truncf %v : f32 to bf16
    memref.store %vb1, %b[%g] : memref<?xbf16>
    %w = arith.extf %vh1 : f16 to f32
    memref.store %w, %hx[%g] : memref<?xf32>
  }
  return
}

func.func @convert_vector(%x: memref<?xf32>, %h: memref<?xf16>, %b: memref<?xbf16>, %hx: memref<?xf32>,
                          %vh: memref<?xf16>, %vb: memref<?xbf16>, %vbx: memref<?xf32>,
                          %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %p0 = memref.load %params[%c0] : memref<?xi64>
  %n = arith.index_cast %p0 : i64 to index
  %grid = arith.ceildivsi %n, %c8 : index
  %lo = arith.maxsi %begin, %c0 : index
  %hi = arith.minsi %end, %grid : index
  scf.for %g = %lo to %hi step %c1 {
    %i = arith.muli %g, %c8 : index
    %v = vector.load %x[%i] : memref<?xf32>, vector<8xf32>
    %v16 = arith.truncf %v : vector<8xf32> to vector<8xf16>
    vector.store %v16, %vh[%i] : memref<?xf16>, vector<8xf16>
    %vb16 = arith.truncf %v : vector<8xf32> to vector<8xbf16>
    vector.store %vb16, %vb[%i] : memref<?xbf16>, vector<8xbf16>
    %w = arith.extf %vb16 : vector<8xbf16> to vector<8xf32>
    vector.store %w, %vbx[%i] : memref<?xf32>, vector<8xf32>
  }
  return
}
