// RUN: weft-opt %s --split-input-file --weft-attach-target --weft-resolve-schedule --weft-lower-to-loops | FileCheck %s
// concat: every run of output elements is versioned on its input's innermost stride (read from
// the parameter block): vectors when it is 1, an element loop at that stride otherwise.

// Row copy, axis = last dim: each output row is a's run then b's run; the grid tiles the rows.
// The 128 MiB output takes streaming (nontemporal) vector stores.
// CHECK: @rows(65536 / 64)
// CHECK-LABEL: func.func @rows(
// CHECK-SAME: %[[A:.*]]: memref<?xf32>, %[[B:.*]]: memref<?xf32>, %[[OUT:.*]]: memref<?xf32>, %[[P:.*]]: memref<?xi64>
// CHECK-DAG: %[[SA:.*]] = memref.load %[[P]][%c3]
// CHECK-DAG: %[[SB:.*]] = memref.load %[[P]][%c7]
// CHECK: scf.parallel
// CHECK: scf.for
// CHECK: arith.cmpi eq, %{{.*}}, %c1
// CHECK: scf.if
// CHECK: vector.load %[[A]][%{{.*}}] : memref<?xf32>, vector<8xf32>
// CHECK: vector.store %{{.*}}, %[[OUT]][%{{.*}}] {nontemporal = true} : memref<?xf32>, vector<8xf32>
// CHECK: } else {
// CHECK: memref.load %[[A]]
// CHECK: vector.load %[[B]][%{{.*}}] : memref<?xf32>, vector<8xf32>
func.func @rows(%a: tensor<65536x256xf32>, %b: tensor<65536x256xf32>) -> tensor<65536x512xf32> {
  %y = weft.concat %a, %b {axis = 1, schedule = #weft.schedule<copy = row, vector = 8>} : tensor<65536x256xf32>, tensor<65536x256xf32> -> tensor<65536x512xf32>
  return %y : tensor<65536x512xf32>
}

// -----

// Row copy, axis 1 of rank 3 with dynamic extents: the leading dim is a grid factor, a row comes
// from a or b by its axis index; i8 copies 32 elements per vector.
// CHECK: @rows3(params[12] / 1, params[13] / 16)
// CHECK-LABEL: func.func @rows3(
// CHECK: scf.parallel
// CHECK: arith.cmpi slt
// CHECK: scf.if
// CHECK: vector<32xi8>
// CHECK: } else {
// CHECK: arith.subi
// CHECK: vector<32xi8>
func.func @rows3(%a: tensor<?x3x?xi8>, %b: tensor<?x?x?xi8>) -> tensor<?x?x?xi8> {
  %y = weft.concat %a, %b {axis = 1, schedule = #weft.schedule<copy = row, vector = 32, tile = [16]>} : tensor<?x3x?xi8>, tensor<?x?x?xi8> -> tensor<?x?x?xi8>
  return %y : tensor<?x?x?xi8>
}

// -----

// Flat copy, axis 0: element chunks of the whole output; contiguous inputs (every stride checked)
// copy at most two ranges, otherwise the chunk walks its rows.
// CHECK: @flat(2048 / 1024)
// CHECK-LABEL: func.func @flat(
// CHECK: scf.parallel
// CHECK: arith.andi
// CHECK: scf.if
// CHECK-NOT: nontemporal
// CHECK: vector<16xbf16>
// CHECK: } else {
// CHECK: scf.for
// CHECK: arith.ceildivsi
func.func @flat(%a: tensor<2x512xbf16>, %b: tensor<2x512xbf16>) -> tensor<4x512xbf16> {
  %y = weft.concat %a, %b {axis = 0, schedule = #weft.schedule<copy = flat, vector = 16, tile = [1024]>} : tensor<2x512xbf16>, tensor<2x512xbf16> -> tensor<4x512xbf16>
  return %y : tensor<4x512xbf16>
}

// -----

// Rank 1: one row, split into element chunks.
// CHECK: @vec1(params[4] / 4096)
// CHECK-LABEL: func.func @vec1(
// CHECK: scf.parallel
// CHECK: vector<4xi64>
func.func @vec1(%a: tensor<?xi64>, %b: tensor<7xi64>) -> tensor<?xi64> {
  %y = weft.concat %a, %b {axis = 0, schedule = #weft.schedule<vector = 4, tile = [4096]>} : tensor<?xi64>, tensor<7xi64> -> tensor<?xi64>
  return %y : tensor<?xi64>
}

// -----

// Streamed short rows: where out starts on 32 bytes (tested per item) each 64-element run is eight
// straight-line vector copies whose streaming stores declare 32 bytes; elsewhere the stores
// declare no alignment and go one vector per loop iteration (LLVM makes each such store eight
// 8-byte movntsd, and unrolled blocks of them cost code generation ~30 ms: docs/pipeline.md).
// CHECK-LABEL: func.func @short_rows(
// CHECK: memref.extract_aligned_pointer_as_index
// CHECK: arith.remui %{{.*}}, %c32
// CHECK: scf.if
// CHECK-COUNT-8: vector.store %{{.*}} {alignment = 32 : i64, nontemporal = true} : memref<?xf32>, vector<8xf32>
// CHECK: } else {
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c8{{.*}} {
// CHECK: vector.load
// CHECK-NEXT: arith.addi
// CHECK-NEXT: vector.store %{{.*}} {nontemporal = true} : memref<?xf32>, vector<8xf32>
// CHECK-NEXT: }
func.func @short_rows(%a: tensor<65536x64xf32>, %b: tensor<65536x64xf32>) -> tensor<65536x128xf32> {
  %y = weft.concat %a, %b {axis = 1, schedule = #weft.schedule<copy = row, vector = 8>} : tensor<65536x64xf32>, tensor<65536x64xf32> -> tensor<65536x128xf32>
  return %y : tensor<65536x128xf32>
}
