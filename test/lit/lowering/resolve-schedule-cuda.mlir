// RUN: weft-opt %s -split-input-file --weft-attach-target=kind=cuda --weft-resolve-schedule | FileCheck %s
// CUDA's col2im and im2col defaults: the staged gather along time, its tile the longest (up to 256) whose
// rows take at most 16 KiB (col2im of 16-bit elements at strides of 8 or more: 16-byte lanes of the
// bounded gather instead); the plain forms where the schedule gives a tile or a vector, and the bounded
// gather where not even 32 times of rows fit.

// CHECK-LABEL: func.func @vocoder
// CHECK: schedule = #weft.schedule<parallel = time, gather = stage, vector = 1, tile = [256], workgroup = [256]>
func.func @vocoder(%x: tensor<2048x8192xf32>) -> tensor<512x16392xf32> {
  %y = weft.col2im_1d %x {stride = 8, channels = 512} : tensor<2048x8192xf32> -> tensor<512x16392xf32>
  return %y : tensor<512x16392xf32>
}

// -----

// 16-bit elements at strides of 8 or more: the bounded gather in 16-byte lanes, where whole ones
// fit every row; otherwise staged as f32 (a row of 16388 times is not whole 8-lane groups).
// CHECK-LABEL: func.func @vocoder_f16
// CHECK: weft.col2im_1d {{.*}}schedule = #weft.schedule<parallel = time, gather = bounded, vector = 8, tile = [2048], workgroup = [256]>
// CHECK: weft.col2im_1d {{.*}}schedule = #weft.schedule<parallel = time, gather = bounded, vector = 8, tile = [2048], workgroup = [256]>
// CHECK: weft.col2im_1d {{.*}}schedule = #weft.schedule<parallel = time, gather = stage,
func.func @vocoder_f16(%x: tensor<2048x8192xf16>, %b: tensor<2048x8192xbf16>, %u: tensor<2048x8192xf16>)
    -> (tensor<512x16392xf16>, tensor<512x16392xbf16>, tensor<512x16388xf16>) {
  %y = weft.col2im_1d %x {stride = 8, channels = 512} : tensor<2048x8192xf16> -> tensor<512x16392xf16>
  %z = weft.col2im_1d %b {stride = 8, channels = 512} : tensor<2048x8192xbf16> -> tensor<512x16392xbf16>
  %w = weft.col2im_1d %u {stride = 8, channels = 512, padding = 2} : tensor<2048x8192xf16> -> tensor<512x16388xf16>
  return %y, %z, %w : tensor<512x16392xf16>, tensor<512x16392xbf16>, tensor<512x16388xf16>
}

// -----

// K = 4, s = 2: 256 times take 130 rows (33 KiB), 64 take 34 (8.8 KiB).
// CHECK-LABEL: func.func @k4
// CHECK: schedule = #weft.schedule<parallel = time, gather = stage, vector = 1, tile = [64], workgroup = [256]>
func.func @k4(%x: tensor<65536x512xf16>) -> tensor<128x131074xf16> {
  %y = weft.col2im_1d %x {stride = 2, channels = 128} : tensor<65536x512xf16> -> tensor<128x131074xf16>
  return %y : tensor<128x131074xf16>
}

// -----

// CHECK-LABEL: func.func @lanes
// CHECK: schedule = #weft.schedule<parallel = time, gather = bounded, vector = 2,
func.func @lanes(%x: tensor<2048x8192xf32>) -> tensor<512x16392xf32> {
  %y = weft.col2im_1d %x {stride = 8, channels = 512, schedule = #weft.schedule<vector = 2>} : tensor<2048x8192xf32> -> tensor<512x16392xf32>
  return %y : tensor<512x16392xf32>
}

// -----

// K = 4096 f32, s = 1: 32 times need 4127 rows of 16 KiB.
// CHECK-LABEL: func.func @wide
// CHECK: schedule = #weft.schedule<parallel = time, gather = bounded,
func.func @wide(%x: tensor<8x4096xf32>) -> tensor<1x4103xf32> {
  %y = weft.col2im_1d %x {stride = 1, channels = 1} : tensor<8x4096xf32> -> tensor<1x4103xf32>
  return %y : tensor<1x4103xf32>
}

// -----

// im2col along time on CUDA: the staged windows, 16 rows, 16-byte lanes.
// CHECK-LABEL: func.func @unfold
// CHECK: schedule = #weft.schedule<parallel = time, gather = stage, vector = 8, tile = [16], workgroup = [256]>
func.func @unfold(%x: tensor<1x512x8192xf16>) -> tensor<1x8192x3584xf16> {
  %y = weft.im2col_1d %x {kernel = 7, stride = 1, padding = 3, dilation = 1} : tensor<1x512x8192xf16> -> tensor<1x8192x3584xf16>
  return %y : tensor<1x8192x3584xf16>
}

// -----

// A channel's 16-row window past 16 KiB (stride 1000, f32): the plain gather, in lanes.
// CHECK-LABEL: func.func @wide_window
// CHECK: schedule = #weft.schedule<parallel = time, vector = 4,
func.func @wide_window(%x: tensor<1x4x100000xf32>) -> tensor<1x100x12xf32> {
  %y = weft.im2col_1d %x {kernel = 3, stride = 1000, padding = 0, dilation = 1} : tensor<1x4x100000xf32> -> tensor<1x100x12xf32>
  return %y : tensor<1x100x12xf32>
}

// -----

// A given tile keeps the plain forms' meaning (elements of a row; times of the bounded gather).
// CHECK-LABEL: func.func @given_tile
// CHECK: weft.im2col_1d {{.*}}schedule = #weft.schedule<parallel = time, vector = 4, tile = [8], workgroup = [256]>
// CHECK: weft.col2im_1d {{.*}}schedule = #weft.schedule<parallel = time, gather = bounded, vector = 2, tile = [2048], workgroup = [256]>
func.func @given_tile(%x: tensor<1x512x8192xf32>, %c: tensor<2048x8192xf32>) -> (tensor<1x8192x3584xf32>, tensor<512x16392xf32>) {
  %y = weft.im2col_1d %x {kernel = 7, stride = 1, padding = 3, dilation = 1, schedule = #weft.schedule<tile = [8]>} : tensor<1x512x8192xf32> -> tensor<1x8192x3584xf32>
  %z = weft.col2im_1d %c {stride = 8, channels = 512, schedule = #weft.schedule<tile = [2048]>} : tensor<2048x8192xf32> -> tensor<512x16392xf32>
  return %y, %z : tensor<1x8192x3584xf32>, tensor<512x16392xf32>
}
