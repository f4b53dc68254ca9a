// RUN: weft-opt %s --weft-ptx-outline-kernels --split-input-file --verify-diagnostics | FileCheck %s
// weft-ptx-outline-kernels: weft.kernel functions become gpu.func kernels of one gpu.module, with
// the workgroup as known_block_size and every buffer retyped to a static extent (so that NVVM
// passes it as one bare pointer), noalias, and readonly where the kernel never stores to it;
// other functions stay where they are.

// CHECK: module attributes {gpu.container_module
// CHECK: func.func @helper
// CHECK: gpu.module @weft_kernels
// CHECK: gpu.func @copy(%[[A:.*]]: memref<4611686018427387904xf32> {llvm.noalias, llvm.readonly}, %[[O:.*]]: memref<4611686018427387904xf32> {llvm.noalias}, %{{.*}}: memref<4611686018427387904xi64> {llvm.noalias, llvm.readonly}) kernel attributes {known_block_size = array<i32: 128, 1, 1>}
// CHECK: %[[V:.*]] = memref.load %[[A]][%{{.*}}] : memref<4611686018427387904xf32>
// CHECK: memref.store %[[V]], %[[O]][%{{.*}}] : memref<4611686018427387904xf32>
// CHECK: gpu.return
// CHECK-NOT: func.func @copy
module {
  func.func @copy(%a: memref<?xf32>, %o: memref<?xf32>, %p: memref<?xi64>) attributes {weft.kernel, weft.workgroup = 128 : i64} {
    %t = gpu.thread_id x
    %v = memref.load %a[%t] : memref<?xf32>
    memref.store %v, %o[%t] : memref<?xf32>
    return
  }
  func.func @helper() {
    return
  }
}

// -----

module {
  // expected-error @+1 {{kernel 'nogroup' has no weft.workgroup (run weft-gpu-map-grid first)}}
  func.func @nogroup(%a: memref<?xf32>) attributes {weft.kernel} {
    return
  }
}

// -----

module {
  // expected-error @+1 {{kernel 'scalar' argument 1 is 'index' (rule: every kernel argument is a flat memref<?xT>)}}
  func.func @scalar(%a: memref<?xf32>, %n: index) attributes {weft.kernel, weft.workgroup = 64 : i64} {
    return
  }
}
