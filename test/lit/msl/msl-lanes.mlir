// RUN: weft-opt %s --weft-pipeline-msl | weft-translate --weft-to-msl | FileCheck %s
// RUN: weft-opt %s --weft-pipeline-msl | weft-translate --weft-to-msl > %t.metal
// RUN: %cxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -Wno-attributes -Wno-unused-parameter \
// RUN:   -I %weft_src/templates/metal/emulation -I %weft_src/templates/common -x c++ %t.metal
// The MSL printer on a lane schedule. Four times per thread (vector = 4; stride and kernel multiples of 4, so the lanes' accesses
// declare 8-byte alignment): the cols runs are one half4 load through the buffer's pointer cast
// to half4 pointers, widened as a float4; a whole vector of y is one half4 store; at a row's end
// each lane is stored under its own guard.
// CHECK-LABEL: // ---- kernel fold_lanes (requires) ----
// CHECK: const half4 [[V:v[0-9]+]] = ((device const half4 *)b0)[(t{{[0-9]+}}) >> 2];
// CHECK-NEXT: const float4 v{{[0-9]+}} = float4([[V]]);
// CHECK: ((device half4 *)b1)[(t{{[0-9]+}}) >> 2] = v{{[0-9]+}};
// CHECK: b1[t{{[0-9]+}}] = t{{[0-9]+}};
func.func @fold_lanes(%x: tensor<16x64xf16>) -> tensor<8x68xf16> {
  %y = weft.col2im_1d %x {stride = 4 : i64, channels = 8 : i64, schedule = #weft.schedule<vector = 4>} : tensor<16x64xf16> -> tensor<8x68xf16>
  return %y : tensor<8x68xf16>
}
