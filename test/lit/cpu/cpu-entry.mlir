// RUN: weft-opt %s --split-input-file --verify-diagnostics --weft-cpu-entry | FileCheck %s

// A kernel of a program with two rank-2 buffers (parameter slots 0-3 and 4-7), as
// the func conversion of convert-to-llvm leaves it: a memref descriptor (allocated, aligned, offset, size, stride)
// per buffer and for the parameter block, then begin and end.
// CHECK-LABEL: llvm.func internal @k.impl(
// CHECK-SAME:    attributes {weft.kernel}
// CHECK:       llvm.func @k(%[[BUFS:.*]]: !llvm.ptr, %[[PARAMS:.*]]: !llvm.ptr, %[[BEGIN:.*]]: i64, %[[END:.*]]: i64) {
// CHECK:         %[[AT0:.*]] = llvm.getelementptr %[[BUFS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK:         %[[B0:.*]] = llvm.load %[[AT0]] {alignment = 8 : i64} : !llvm.ptr -> !llvm.ptr
// Buffer 0's span: 1 + (extent - 1) * stride over its dims, from slots 0 and 2, then 1 and 3.
// CHECK:         llvm.getelementptr %[[PARAMS]][0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK:         llvm.getelementptr %[[PARAMS]][2] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK:         llvm.getelementptr %[[PARAMS]][1] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK:         llvm.getelementptr %[[PARAMS]][3] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK:         %[[SPAN0:.*]] = llvm.select
// CHECK:         %[[AT1:.*]] = llvm.getelementptr %[[BUFS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK:         %[[B1:.*]] = llvm.load %[[AT1]]
// CHECK:         llvm.getelementptr %[[PARAMS]][4] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK:         llvm.getelementptr %[[PARAMS]][6] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK:         %[[SPAN1:.*]] = llvm.select
// CHECK:         %[[NPARAMS:.*]] = llvm.mlir.constant(8 : i64) : i64
// CHECK:         llvm.call @k.impl(%[[B0]], %[[B0]], %{{.*}}, %[[SPAN0]], %{{.*}}, %[[B1]], %[[B1]], %{{.*}}, %[[SPAN1]], %{{.*}}, %[[PARAMS]], %[[PARAMS]], %{{.*}}, %[[NPARAMS]], %{{.*}}, %[[BEGIN]], %[[END]])
// CHECK-NEXT:    llvm.return
module attributes {weft.programs = {f = #weft.program<col2im_1d {stride = 2, channels = 3, padding = 0}, inputs = [tensor<?x12xf32>], outputs = [tensor<3x?xf32>], launches = [@k(params[0] / 1)]>}} {
  llvm.func @k(%a0: !llvm.ptr, %a1: !llvm.ptr, %a2: i64, %a3: i64, %a4: i64,
               %b0: !llvm.ptr, %b1: !llvm.ptr, %b2: i64, %b3: i64, %b4: i64,
               %p0: !llvm.ptr, %p1: !llvm.ptr, %p2: i64, %p3: i64, %p4: i64,
               %begin: i64, %end: i64) attributes {weft.kernel} {
    llvm.return
  }
  // Functions that are not kernels stay as they are.
  // CHECK-LABEL: llvm.func @helper()
  llvm.func @helper() {
    llvm.return
  }
}

// -----

// A module without kernels needs no program descriptions.
// CHECK-LABEL: llvm.func @plain()
// CHECK-NOT:   .impl
module {
  llvm.func @plain() {
    llvm.return
  }
}

// -----

// expected-error @+1 {{the module has no 'weft.programs' dictionary (function name -> #weft.program)}}
module {
  llvm.func @k(%begin: i64, %end: i64) attributes {weft.kernel} {
    llvm.return
  }
}

// -----

module attributes {weft.programs = {f = #weft.program<concat, inputs = [tensor<4xf32>, tensor<4xf32>], outputs = [tensor<8xf32>], launches = [@other(8 / 1)]>}} {
  // expected-error @+1 {{kernel 'k' is not a launch of any program in 'weft.programs'}}
  llvm.func @k(%begin: i64, %end: i64) attributes {weft.kernel} {
    llvm.return
  }
}

// -----

module attributes {weft.programs = {f = #weft.program<concat, inputs = [tensor<4xf32>, tensor<4xf32>], outputs = [tensor<8xf32>], launches = [@k(8 / 1)]>}} {
  // expected-error @+1 {{kernel 'k' has the lowered signature '!llvm.func<void (i64, i64)>'; expected 22 arguments: a 1-D memref descriptor for each of its program's 3 buffers and for the parameter block, then begin and end (i64)}}
  llvm.func @k(%begin: i64, %end: i64) attributes {weft.kernel} {
    llvm.return
  }
}
