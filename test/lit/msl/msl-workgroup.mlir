// RUN: weft-opt %s --weft-pipeline-msl | weft-translate --weft-to-msl | FileCheck %s
// RUN: weft-opt %s --weft-pipeline-msl | weft-translate --weft-to-msl > %t.metal
// RUN: %cxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -Wno-attributes -Wno-unused-parameter \
// RUN:   -I %weft_src/templates/metal/emulation -I %weft_src/templates/common -x c++ %t.metal
// Workgroup memory in MSL (one kernel per file: the helpers pasted into each would repeat).
// The staged gather: a threadgroup array in the kernel's outermost scope, filled, then a
// threadgroup barrier, then read.
// CHECK-LABEL: // ---- kernel staged (requires) ----
// CHECK: uint3 weft_group_size {{\[\[}}threads_per_threadgroup{{\]\]}}) {
// CHECK-NEXT: threadgroup half w0[{{[0-9]+}}];
// CHECK: w0[t{{[0-9]+}}] = ld{{[0-9]+}};
// CHECK: threadgroup_barrier(mem_flags::mem_threadgroup);
// CHECK: const half ld{{[0-9]+}} = w0[t{{[0-9]+}}];
func.func @staged(%x: tensor<16x64xf16>) -> tensor<8x38xf16> {
  %y = weft.col2im_1d %x {stride = 2 : i64, channels = 8 : i64, schedule = #weft.schedule<gather = stage>} : tensor<16x64xf16> -> tensor<8x38xf16>
  return %y : tensor<8x38xf16>
}
