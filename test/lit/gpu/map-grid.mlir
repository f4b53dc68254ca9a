// RUN: weft-opt %s --weft-attach-target=kind=vulkan --weft-gpu-map-grid --split-input-file --verify-diagnostics | FileCheck %s
// weft-gpu-map-grid: a grid with an inner parallel loop runs an item per workgroup, the inner
// loop round-robin over its threads; a grid without runs an item per thread. Both return past
// the grid, numbering workgroups y * x_count + x; the launches record group= and items=.

// CHECK: @wg_item(40 / 1) group 64 items 1
// CHECK: @thread_item(1000 / 1) group 128 items 128
// CHECK-LABEL: func.func @wg_item
// CHECK-DAG: %[[T:.*]] = gpu.thread_id x
// CHECK-DAG: %[[NX:.*]] = gpu.grid_dim x
// CHECK-DAG: %[[BX:.*]] = gpu.block_id x
// CHECK-DAG: %[[BY:.*]] = gpu.block_id y
// CHECK: %[[ROW:.*]] = arith.muli %[[BY]], %[[NX]]
// CHECK: %[[G:.*]] = arith.addi %[[ROW]], %[[BX]]
// CHECK: %[[IN:.*]] = arith.cmpi slt, %[[G]], %{{.*}}
// CHECK: scf.if %[[IN]]
// CHECK: %[[LO:.*]] = arith.addi %{{.*}}, %[[T]]
// CHECK: scf.for %[[I:.*]] = %[[LO]] to %{{.*}} step %c64
// CHECK: memref.store %{{.*}}, %arg1[%[[I]]]
// CHECK-NOT: scf.parallel
// CHECK-LABEL: func.func @thread_item
// CHECK: %[[ITEM:.*]] = arith.addi %{{.*}}, %thread_id_x : index
// CHECK: arith.cmpi slt, %[[ITEM]], %c1000
// CHECK: memref.store %{{.*}}, %arg1[%[[ITEM]]]
module attributes {weft.programs = {a = #weft.program<concat {axis = 0}, inputs = [tensor<10xf32>, tensor<10xf32>], outputs = [tensor<20xf32>], launches = [@wg_item(40 / 1)]>, b = #weft.program<concat {axis = 0}, inputs = [tensor<10xf32>, tensor<10xf32>], outputs = [tensor<20xf32>], launches = [@thread_item(1000 / 1)]>}} {
  func.func @wg_item(%a: memref<?xf32>, %o: memref<?xf32>, %p: memref<?xi64>) attributes {weft.kernel, weft.workgroup = 64 : i64} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c40 = arith.constant 40 : index
    %c100 = arith.constant 100 : index
    scf.parallel (%g) = (%c0) to (%c40) step (%c1) {
      %lo = arith.muli %g, %c100 : index
      %hi = arith.addi %lo, %c100 : index
      scf.parallel (%i) = (%lo) to (%hi) step (%c1) {
        %v = memref.load %a[%i] : memref<?xf32>
        memref.store %v, %o[%i] : memref<?xf32>
        scf.reduce
      }
      scf.reduce
    }
    return
  }
  func.func @thread_item(%a: memref<?xf32>, %o: memref<?xf32>, %p: memref<?xi64>) attributes {weft.kernel, weft.workgroup = 128 : i64} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c1000 = arith.constant 1000 : index
    scf.parallel (%g) = (%c0) to (%c1000) step (%c1) {
      %v = memref.load %a[%g] : memref<?xf32>
      memref.store %v, %o[%g] : memref<?xf32>
      scf.reduce
    }
    return
  }
}

// -----

// A 2-D inner loop is dealt out over its linear iteration space, the last dim fastest.
// CHECK-LABEL: func.func @tile
// CHECK: scf.for %[[L:.*]] = %{{.*}} to %c12 step %c256
// CHECK-DAG: arith.remsi %[[L]], %c4
// CHECK-DAG: arith.divsi %[[L]], %c4
module attributes {weft.programs = {t = #weft.program<concat {axis = 0}, inputs = [tensor<10xf32>, tensor<10xf32>], outputs = [tensor<20xf32>], launches = [@tile(2 / 1)]>}} {
  func.func @tile(%a: memref<?xf32>, %o: memref<?xf32>, %p: memref<?xi64>) attributes {weft.kernel, weft.workgroup = 256 : i64} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c3 = arith.constant 3 : index
    %c4 = arith.constant 4 : index
    scf.parallel (%g) = (%c0) to (%c2) step (%c1) {
      scf.parallel (%i, %j) = (%c0, %c0) to (%c3, %c4) step (%c1, %c1) {
        %k = arith.muli %i, %c4 : index
        %at = arith.addi %k, %j : index
        %v = memref.load %a[%at] : memref<?xf32>
        memref.store %v, %o[%at] : memref<?xf32>
        scf.reduce
      }
      scf.reduce
    }
    return
  }
}

// -----

// An inner loop bounded statically (weft.max_trip = 200, 64 threads): 4 rounds of a constant-trip
// loop, each guarded by the loop's own bound.
// CHECK-LABEL: func.func @bounded
// CHECK: %[[G:.*]] = arith.constant 64 : index
// CHECK: %[[FIRST:.*]] = arith.addi %{{.*}}, %thread_id_x : index
// CHECK: %[[FOUR:.*]] = arith.constant 4 : index
// CHECK: scf.for %[[R:.*]] = %{{.*}} to %[[FOUR]] step %{{.*}} {
// CHECK: %[[OFF:.*]] = arith.muli %[[R]], %[[G]] : index
// CHECK: %[[I:.*]] = arith.addi %[[FIRST]], %[[OFF]] : index
// CHECK: %[[IN:.*]] = arith.cmpi slt, %[[I]], %{{.*}} : index
// CHECK: scf.if %[[IN]] {
// CHECK: memref.store %{{.*}}, %arg1[%[[I]]]
module attributes {weft.programs = {m = #weft.program<concat {axis = 0}, inputs = [tensor<10xf32>, tensor<10xf32>], outputs = [tensor<20xf32>], launches = [@bounded(5 / 1)]>}} {
  func.func @bounded(%a: memref<?xf32>, %o: memref<?xf32>, %p: memref<?xi64>) attributes {weft.kernel, weft.workgroup = 64 : i64} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c5 = arith.constant 5 : index
    %c200 = arith.constant 200 : index
    %c900 = arith.constant 900 : index
    scf.parallel (%g) = (%c0) to (%c5) step (%c1) {
      %lo = arith.muli %g, %c200 : index
      %end = arith.addi %lo, %c200 : index
      %hi = arith.minsi %end, %c900 : index
      scf.parallel (%i) = (%lo) to (%hi) step (%c1) {
        %v = memref.load %a[%i] : memref<?xf32>
        memref.store %v, %o[%i] : memref<?xf32>
        scf.reduce
      } {weft.max_trip = 200 : i64}
      scf.reduce
    }
    return
  }
}

// -----

module attributes {weft.programs = {n = #weft.program<concat {axis = 0}, inputs = [tensor<10xf32>, tensor<10xf32>], outputs = [tensor<20xf32>], launches = [@nowg(2 / 1)]>}} {
  // expected-error@+1 {{kernel 'nowg' has no weft.workgroup in [1, 1024]}}
  func.func @nowg(%a: memref<?xf32>, %o: memref<?xf32>, %p: memref<?xi64>) attributes {weft.kernel} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    scf.parallel (%g) = (%c0) to (%c2) step (%c1) {
      scf.reduce
    }
    return
  }
}

// -----

// Inner loops that follow one another: a barrier after each but the item's last; the item's
// array moves to workgroup memory, a thread's own array (inside an inner loop) does not.
// CHECK-LABEL: func.func @staged
// CHECK: %[[W:.*]] = memref.alloca() : memref<64xf32, #gpu.address_space<workgroup>>
// CHECK: scf.for
// CHECK: memref.store %{{.*}}, %[[W]]
// CHECK: gpu.barrier
// CHECK: scf.for
// CHECK: memref.alloca() : memref<2xf32>
// CHECK: memref.load %[[W]]
// CHECK-NOT: gpu.barrier
// CHECK: return
module attributes {weft.programs = {s = #weft.program<concat {axis = 0}, inputs = [tensor<10xf32>, tensor<10xf32>], outputs = [tensor<20xf32>], launches = [@staged(4 / 1)]>}} {
  func.func @staged(%a: memref<?xf32>, %o: memref<?xf32>, %p: memref<?xi64>) attributes {weft.kernel, weft.workgroup = 32 : i64} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %c64 = arith.constant 64 : index
    scf.parallel (%g) = (%c0) to (%c4) step (%c1) {
      %w = memref.alloca() : memref<64xf32>
      %base = arith.muli %g, %c64 : index
      scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
        %at = arith.addi %base, %i : index
        %v = memref.load %a[%at] : memref<?xf32>
        memref.store %v, %w[%i] : memref<64xf32>
        scf.reduce
      }
      scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
        %own = memref.alloca() : memref<2xf32>
        %r = arith.subi %c64, %i : index
        %j = arith.subi %r, %c1 : index
        %v = memref.load %w[%j] : memref<64xf32>
        memref.store %v, %own[%c0] : memref<2xf32>
        %u = memref.load %own[%c0] : memref<2xf32>
        %at = arith.addi %base, %i : index
        memref.store %u, %o[%at] : memref<?xf32>
        scf.reduce
      }
      scf.reduce
    }
    return
  }
}
