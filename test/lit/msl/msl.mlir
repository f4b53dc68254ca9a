// RUN: weft-opt %s --weft-pipeline-msl | weft-translate --weft-to-msl | FileCheck %s
// RUN: weft-opt %s --weft-pipeline-msl | weft-translate --weft-to-msl > %t.metal
// RUN: %cxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -Wno-attributes -Wno-unused-parameter \
// RUN:   -I %weft_src/templates/metal/emulation -I %weft_src/templates/common -x c++ %t.metal
// The MSL printer through target msl's own stage list: a Metal kernel per launch, every program
// buffer a `device` pointer at [[buffer(b)]] (const where only read), the parameter block last,
// the ids as attributed uint3 arguments, f16/bf16 as half/bfloat widened to float for
// arithmetic and rounded back with a conversion, bf16 kernels requiring bfloat. The output
// compiles as C++ against the emulated Metal standard library the execution tests run it with.

// CHECK-LABEL: // ---- kernel fold (requires) ----
// CHECK: #include <metal_stdlib>
// CHECK: using namespace metal;
// CHECK: inline long weft_floordivsi(long a, long b)
// CHECK: kernel void fold(
// CHECK-NEXT: device const half *b0 {{\[\[}}buffer(0){{\]\]}},
// CHECK-NEXT: device half *b1 {{\[\[}}buffer(1){{\]\]}},
// CHECK-NEXT: device const long *params {{\[\[}}buffer(2){{\]\]}},
// CHECK-NEXT: uint3 weft_thread {{\[\[}}thread_position_in_threadgroup{{\]\]}},
// CHECK-NEXT: uint3 weft_group {{\[\[}}threadgroup_position_in_grid{{\]\]}},
// CHECK-NEXT: uint3 weft_groups {{\[\[}}threadgroups_per_grid{{\]\]}},
// CHECK-NEXT: uint3 weft_group_size {{\[\[}}threads_per_threadgroup{{\]\]}}) {
// CHECK: const long t0 = long(weft_thread.x);
// CHECK: float acc0 = 0.0f;
// CHECK: float(ld0)
// CHECK: const half [[R:t[0-9]+]] = half(acc0);
// CHECK: b1[t{{[0-9]+}}] = [[R]];
func.func @fold(%x: tensor<16x64xf16>) -> tensor<8x38xf16> {
  %y = weft.col2im_1d %x {stride = 2 : i64, channels = 8 : i64} : tensor<16x64xf16> -> tensor<8x38xf16>
  return %y : tensor<8x38xf16>
}

// CHECK-LABEL: // ---- kernel join (requires bfloat) ----
// CHECK: kernel void join(
// CHECK-NEXT: device const bfloat *b0 {{\[\[}}buffer(0){{\]\]}},
// CHECK-NEXT: device const bfloat *b1 {{\[\[}}buffer(1){{\]\]}},
// CHECK-NEXT: device bfloat *b2 {{\[\[}}buffer(2){{\]\]}},
func.func @join(%a: tensor<4x5xbf16>, %b: tensor<4x3xbf16>) -> tensor<4x8xbf16> {
  %c = weft.concat %a, %b {axis = 1 : i64} : tensor<4x5xbf16>, tensor<4x3xbf16> -> tensor<4x8xbf16>
  return %c : tensor<4x8xbf16>
}
