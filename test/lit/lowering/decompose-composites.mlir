// RUN: weft-opt %s -split-input-file --weft-decompose-composites | FileCheck %s
// Composites become the ops that define them; the function keeps the composite's name and
// attributes for the program description.

// conv1d: im2col in the weights' dtype, weights viewed as [OC][IC*K], a matmul with transpose_b
// whose unbatched weights broadcast over N. The schedule is split: parallel = rows, the 3-extent
// tile and unroll go to the matmul; vector to both.
// CHECK-LABEL: func.func @conv1d(
// CHECK-SAME: %[[X:.*]]: tensor<2x128x3000xf32>, %[[W:.*]]: tensor<384x128x3xf32>)
// CHECK-SAME: attributes {weft.op = "conv1d", weft.op_attrs = {dilation = 1 : i64, padding = 1 : i64, stride = 1 : i64}}
// CHECK: %[[COLS:.*]] = weft.im2col_1d %[[X]] {kernel = 3 : i64, padding = 1 : i64, schedule = #weft.schedule<vector = 8>, stride = 1 : i64} : tensor<2x128x3000xf32> -> tensor<2x3000x384xf32>
// CHECK: %[[W2:.*]] = tensor.collapse_shape %[[W]] {{\[\[}}0], [1, 2]] : tensor<384x128x3xf32> into tensor<384x384xf32>
// CHECK: %[[Y:.*]] = weft.matmul %[[W2]], %[[COLS]] {schedule = #weft.schedule<parallel = rows, vector = 8, tile = [64, 256, 128], unroll = 8>, transpose_b = true} : tensor<384x384xf32>, tensor<2x3000x384xf32> -> tensor<2x384x3000xf32>
// CHECK: return %[[Y]]
// CHECK-NOT: weft.conv1d
func.func @conv1d(%x: tensor<2x128x3000xf32>, %w: tensor<384x128x3xf32>) -> tensor<2x384x3000xf32> {
  %y = weft.conv1d %x, %w {stride = 1, padding = 1, dilation = 1, schedule = #weft.schedule<parallel = rows, vector = 8, tile = [64, 256, 128], unroll = 8>} : tensor<2x128x3000xf32>, tensor<384x128x3xf32> -> tensor<2x384x3000xf32>
  return %y : tensor<2x384x3000xf32>
}

// -----

// f32 input, f16 weights, f16 result: cols are f16 (the weights' dtype), so the matmul pairs
// equal dtypes and returns f16. A time-parallel schedule belongs to im2col only.
// CHECK-LABEL: func.func @conv1d_f16(
// CHECK: weft.im2col_1d %{{.*}} {kernel = 5 : i64, schedule = #weft.schedule<parallel = time>, stride = 2 : i64} : tensor<1x80x?xf32> -> tensor<1x?x400xf16>
// CHECK: tensor.collapse_shape %{{.*}} : tensor<64x80x5xf16> into tensor<64x400xf16>
// CHECK: weft.matmul %{{.*}}, %{{.*}} {transpose_b = true} : tensor<64x400xf16>, tensor<1x?x400xf16> -> tensor<1x64x?xf16>
func.func @conv1d_f16(%x: tensor<1x80x?xf32>, %w: tensor<64x80x5xf16>) -> tensor<1x64x?xf16> {
  %y = weft.conv1d %x, %w {stride = 2, schedule = #weft.schedule<parallel = time>} : tensor<1x80x?xf32>, tensor<64x80x5xf16> -> tensor<1x64x?xf16>
  return %y : tensor<1x64x?xf16>
}

// -----

// conv_transpose_1d: cols[T_in][OC*K] = x^T . w' (transpose_a), in the result's dtype, then
// col2im_1d with channels = OC. f32 x with f16 weights may return f16: the matmul's narrow side
// decides its result dtype. The 1-extent tile and parallel = time go to col2im.
// CHECK-LABEL: func.func @convt(
// CHECK-SAME: %[[X:.*]]: tensor<1024x2048xf32>, %[[W:.*]]: tensor<1024x512x16xf16>)
// CHECK-SAME: attributes {weft.op = "conv_transpose_1d", weft.op_attrs = {padding = 0 : i64, stride = 8 : i64}}
// CHECK: %[[W2:.*]] = tensor.collapse_shape %[[W]] {{\[\[}}0], [1, 2]] : tensor<1024x512x16xf16> into tensor<1024x8192xf16>
// CHECK: %[[COLS:.*]] = weft.matmul %[[X]], %[[W2]] {transpose_a = true} : tensor<1024x2048xf32>, tensor<1024x8192xf16> -> tensor<2048x8192xf16>
// CHECK: %[[Y:.*]] = weft.col2im_1d %[[COLS]] {channels = 512 : i64, schedule = #weft.schedule<parallel = time, tile = [128]>, stride = 8 : i64} : tensor<2048x8192xf16> -> tensor<512x16392xf16>
// CHECK: return %[[Y]]
func.func @convt(%x: tensor<1024x2048xf32>, %w: tensor<1024x512x16xf16>) -> tensor<512x16392xf16> {
  %y = weft.conv_transpose_1d %x, %w {stride = 8, schedule = #weft.schedule<parallel = time, tile = [128]>} : tensor<1024x2048xf32>, tensor<1024x512x16xf16> -> tensor<512x16392xf16>
  return %y : tensor<512x16392xf16>
}

// -----

// Batched and dynamic: cols keep the batch; col2im of rank 3 folds each batch item.
// CHECK-LABEL: func.func @convt_batched(
// CHECK: weft.matmul %{{.*}}, %{{.*}} {transpose_a = true} : tensor<?x256x?xbf16>, tensor<256x512xbf16> -> tensor<?x?x512xf32>
// CHECK: weft.col2im_1d %{{.*}} {channels = 128 : i64, padding = 1 : i64, stride = 2 : i64} : tensor<?x?x512xf32> -> tensor<?x128x?xf32>
func.func @convt_batched(%x: tensor<?x256x?xbf16>, %w: tensor<256x128x4xbf16>) -> tensor<?x128x?xf32> {
  %y = weft.conv_transpose_1d %x, %w {stride = 2, padding = 1} : tensor<?x256x?xbf16>, tensor<256x128x4xbf16> -> tensor<?x128x?xf32>
  return %y : tensor<?x128x?xf32>
}

// -----

// Functions without composites are left alone.
// CHECK-LABEL: func.func @plain(
// CHECK-NOT: weft.op
// CHECK: weft.matmul
func.func @plain(%a: tensor<8x16xf32>, %b: tensor<16x4xf32>) -> tensor<8x4xf32> {
  %c = weft.matmul %a, %b : tensor<8x16xf32>, tensor<16x4xf32> -> tensor<8x4xf32>
  return %c : tensor<8x4xf32>
}
