// RUN: weft-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(weft-cpu-grid-to-range))' | FileCheck %s

// The grid loop becomes a loop over [max(begin, 0), min(end, grid)); the body moves unchanged.
// CHECK-LABEL: func.func @copy(
// CHECK-SAME:    %[[IN:[^:]*]]: memref<?xf32>, %[[OUT:[^:]*]]: memref<?xf32>, %[[P:[^:]*]]: memref<?xi64>,
// CHECK-SAME:    %[[BEGIN:[^:]*]]: index, %[[END:[^:]*]]: index) attributes {weft.kernel}
// CHECK-DAG:   %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:   %[[C1:.*]] = arith.constant 1 : index
// CHECK:       %[[GRID:.*]] = arith.index_cast
// CHECK:       %[[LO:.*]] = arith.maxsi %[[BEGIN]], %[[C0]] : index
// CHECK:       %[[HI:.*]] = arith.minsi %[[END]], %[[GRID]] : index
// CHECK:       scf.for %[[G:.*]] = %[[LO]] to %[[HI]] step %[[C1]] {
// CHECK-NEXT:    %[[X:.*]] = memref.load %[[IN]][%[[G]]]
// CHECK-NEXT:    memref.store %[[X]], %[[OUT]][%[[G]]]
// CHECK-NEXT:  }
// CHECK-NOT:   scf.parallel
func.func @copy(%in: memref<?xf32>, %out: memref<?xf32>, %params: memref<?xi64>) attributes {weft.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.load %params[%c0] : memref<?xi64>
  %grid = arith.index_cast %n : i64 to index
  scf.parallel (%g) = (%c0) to (%grid) step (%c1) {
    %x = memref.load %in[%g] : memref<?xf32>
    memref.store %x, %out[%g] : memref<?xf32>
    scf.reduce
  }
  return
}

// -----

// Nested scf.parallel loops stay (convert-scf-to-cf makes them serial); so do functions that are
// not kernels.
// CHECK-LABEL: func.func @nested(
// CHECK-SAME:    %{{.*}}: index, %{{.*}}: index) attributes {weft.kernel}
// CHECK:       scf.for
// CHECK:         scf.parallel
// CHECK-LABEL: func.func @helper(%{{[^,]*}}: memref<?xf32>) {
// CHECK:       scf.parallel
func.func @nested(%buf: memref<?xf32>, %params: memref<?xi64>) attributes {weft.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %f = arith.constant 1.0 : f32
  scf.parallel (%g) = (%c0) to (%c16) step (%c1) {
    scf.parallel (%t) = (%c0) to (%c4) step (%c1) {
      %i = arith.addi %g, %t : index
      memref.store %f, %buf[%i] : memref<?xf32>
      scf.reduce
    }
    scf.reduce
  }
  return
}
func.func @helper(%buf: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %f = arith.constant 1.0 : f32
  scf.parallel (%g) = (%c0) to (%c1) step (%c1) {
    memref.store %f, %buf[%g] : memref<?xf32>
    scf.reduce
  }
  return
}

// -----

// expected-error @+1 {{kernel 'two' has 2 top-level scf.parallel loops (rule: exactly one, over the grid)}}
func.func @two(%buf: memref<?xf32>, %params: memref<?xi64>) attributes {weft.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.parallel (%g) = (%c0) to (%c1) step (%c1) {
    scf.reduce
  }
  scf.parallel (%g) = (%c0) to (%c1) step (%c1) {
    scf.reduce
  }
  return
}

// -----

// expected-error @+1 {{kernel 'none' has 0 top-level scf.parallel loops (rule: exactly one, over the grid)}}
func.func @none(%buf: memref<?xf32>, %params: memref<?xi64>) attributes {weft.kernel} {
  return
}

// -----

func.func @twod(%buf: memref<?xf32>, %params: memref<?xi64>) attributes {weft.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{kernel 'twod': the grid loop must be a 1-D scf.parallel from 0 with step 1 and no reductions}}
  scf.parallel (%g, %h) = (%c0, %c0) to (%c1, %c1) step (%c1, %c1) {
    scf.reduce
  }
  return
}

// -----

func.func @offset(%buf: memref<?xf32>, %params: memref<?xi64>) attributes {weft.kernel} {
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  // expected-error @+1 {{kernel 'offset': the grid loop must be a 1-D scf.parallel from 0 with step 1 and no reductions}}
  scf.parallel (%g) = (%c1) to (%c8) step (%c1) {
    scf.reduce
  }
  return
}

// -----

// Scratch tiles move to the entry block: one per call, not one stack allocation per grid item.
// CHECK-LABEL: func.func @scratch(
// CHECK-NEXT:    %[[TILE:.*]] = memref.alloca() : memref<64xf32>
// CHECK:         scf.for
// CHECK-NOT:     memref.alloca
// CHECK:         memref.store %{{.*}}, %[[TILE]]
func.func @scratch(%in: memref<?xf32>, %params: memref<?xi64>) attributes {weft.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.load %params[%c0] : memref<?xi64>
  %grid = arith.index_cast %n : i64 to index
  scf.parallel (%g) = (%c0) to (%grid) step (%c1) {
    %tile = memref.alloca() : memref<64xf32>
    %x = memref.load %in[%g] : memref<?xf32>
    memref.store %x, %tile[%c0] : memref<64xf32>
    scf.reduce
  }
  return
}
