// RUN: weft-opt %s --weft-expand-bf16 --canonicalize | FileCheck %s
// f32 <-> bf16 as integer arithmetic: nearest-even rounding, NaN kept (quieted), widening a shift.

// CHECK-LABEL: func @narrow
// CHECK-NOT: arith.truncf
// CHECK: %[[BITS:.*]] = arith.bitcast %{{.*}} : f32 to i32
// CHECK: arith.andi
// CHECK: arith.addi
// CHECK: arith.cmpf uno
// CHECK: arith.select
// CHECK: arith.trunci %{{.*}} : i32 to i16
// CHECK: arith.bitcast %{{.*}} : i16 to bf16
func.func @narrow(%x: f32) -> bf16 {
  %y = arith.truncf %x : f32 to bf16
  return %y : bf16
}

// CHECK-LABEL: func @narrow_vector
// CHECK: arith.bitcast %{{.*}} : vector<8xf32> to vector<8xi32>
// CHECK: arith.bitcast %{{.*}} : vector<8xi16> to vector<8xbf16>
func.func @narrow_vector(%x: vector<8xf32>) -> vector<8xbf16> {
  %y = arith.truncf %x : vector<8xf32> to vector<8xbf16>
  return %y : vector<8xbf16>
}

// CHECK-LABEL: func @widen
// CHECK: arith.bitcast %{{.*}} : bf16 to i16
// CHECK: arith.extui %{{.*}} : i16 to i32
// CHECK: arith.shli
// CHECK: arith.bitcast %{{.*}} : i32 to f32
func.func @widen(%x: bf16) -> f32 {
  %y = arith.extf %x : bf16 to f32
  return %y : f32
}

// CHECK-LABEL: func @choose
// CHECK: arith.select %{{.*}}, %{{.*}}, %{{.*}} : i16
func.func @choose(%c: i1, %x: bf16) -> bf16 {
  %z = arith.constant 0.0 : bf16
  %y = arith.select %c, %x, %z : bf16
  return %y : bf16
}

// f16 is left alone (F16C and the LLVM back end convert it).
// CHECK-LABEL: func @half
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @half(%x: f32) -> f16 {
  %y = arith.truncf %x : f32 to f16
  return %y : f16
}

// bf16 buffers and scratch hold i16 bits; loads and stores bitcast.
// CHECK-LABEL: func @copy(
// CHECK-SAME: %[[A:.*]]: memref<?xi16>, %[[B:.*]]: memref<?xi16>)
// CHECK: %[[S:.*]] = memref.alloca() : memref<8xi16>
// CHECK: %[[V:.*]] = vector.load %[[A]][%{{.*}}] : memref<?xi16>, vector<8xi16>
// CHECK: vector.store %[[V]], %[[S]]
// CHECK: %[[X:.*]] = memref.load %[[S]]
// CHECK: memref.store %[[X]], %[[B]]
func.func @copy(%a: memref<?xbf16>, %b: memref<?xbf16>) {
  %c0 = arith.constant 0 : index
  %s = memref.alloca() : memref<8xbf16>
  %v = vector.load %a[%c0] : memref<?xbf16>, vector<8xbf16>
  vector.store %v, %s[%c0] : memref<8xbf16>, vector<8xbf16>
  %x = memref.load %s[%c0] : memref<8xbf16>
  memref.store %x, %b[%c0] : memref<?xbf16>
  return
}
