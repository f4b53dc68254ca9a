// RUN: weft-opt %s -split-input-file -verify-diagnostics
// Every rule of shared/ops.md, each reported with the op, the parameter, its value and the rule.

func.func @col2im_stride_zero(%x: tensor<7x12xf32>) -> tensor<3x?xf32> {
  // expected-error @+1 {{'weft.col2im_1d' op stride = 0 must be > 0}}
  %y = weft.col2im_1d %x {stride = 0, channels = 3} : tensor<7x12xf32> -> tensor<3x?xf32>
  return %y : tensor<3x?xf32>
}

// -----
func.func @col2im_width(%x: tensor<7x10xf32>) -> tensor<3x?xf32> {
  // expected-error @+1 {{'weft.col2im_1d' op input cols row width 10 is not a multiple of channels = 3 (rule: width = channels * K)}}
  %y = weft.col2im_1d %x {stride = 2, channels = 3} : tensor<7x10xf32> -> tensor<3x?xf32>
  return %y : tensor<3x?xf32>
}

// -----
func.func @col2im_tout(%x: tensor<1x6xf32>) -> tensor<3x?xf32> {
  // expected-error @+1 {{T_out = (T_in - 1)*s + K - 2p = (1 - 1)*2 + 2 - 2*1 = 0 must be > 0}}
  %y = weft.col2im_1d %x {stride = 2, channels = 3, padding = 1} : tensor<1x6xf32> -> tensor<3x?xf32>
  return %y : tensor<3x?xf32>
}

// -----
func.func @col2im_negative_padding(%x: tensor<7x12xf32>) -> tensor<3x?xf32> {
  // expected-error @+1 {{padding = -1 must be >= 0}}
  %y = weft.col2im_1d %x {stride = 2, channels = 3, padding = -1} : tensor<7x12xf32> -> tensor<3x?xf32>
  return %y : tensor<3x?xf32>
}

// -----
func.func @col2im_int(%x: tensor<7x12xi32>) -> tensor<3x16xi32> {
  // expected-error @+1 {{input cols dtype i32 is not supported (rule: f32, f16 or bf16)}}
  %y = weft.col2im_1d %x {stride = 2, channels = 3} : tensor<7x12xi32> -> tensor<3x16xi32>
  return %y : tensor<3x16xi32>
}

// -----
func.func @col2im_result(%x: tensor<7x12xf32>) -> tensor<3x15xf32> {
  // expected-error @+1 {{result shape [3, 15] must be [3, 16]}}
  %y = weft.col2im_1d %x {stride = 2, channels = 3} : tensor<7x12xf32> -> tensor<3x15xf32>
  return %y : tensor<3x15xf32>
}

// -----
func.func @col2im_result_dtype(%x: tensor<7x12xf32>) -> tensor<3x16xf16> {
  // expected-error @+1 {{result dtype f16 is not allowed here (rule: one of f32)}}
  %y = weft.col2im_1d %x {stride = 2, channels = 3} : tensor<7x12xf32> -> tensor<3x16xf16>
  return %y : tensor<3x16xf16>
}

// -----
func.func @im2col_kernel_zero(%x: tensor<1x2x20xf32>) -> tensor<1x?x0xf32> {
  // expected-error @+1 {{kernel = 0 must be > 0}}
  %y = weft.im2col_1d %x {kernel = 0, stride = 1} : tensor<1x2x20xf32> -> tensor<1x?x0xf32>
  return %y : tensor<1x?x0xf32>
}

// -----
func.func @im2col_dilation_zero(%x: tensor<1x2x20xf32>) -> tensor<1x?x6xf32> {
  // expected-error @+1 {{dilation = 0 must be > 0}}
  %y = weft.im2col_1d %x {kernel = 3, stride = 1, dilation = 0} : tensor<1x2x20xf32> -> tensor<1x?x6xf32>
  return %y : tensor<1x?x6xf32>
}

// -----
func.func @im2col_too_wide(%x: tensor<1x2x5xf32>) -> tensor<1x?x6xf32> {
  // expected-error @+1 {{dilated kernel d*(K-1)+1 = 7 is wider than the padded input IW+2p = 5 (rule: IW + 2p >= d(K-1) + 1)}}
  %y = weft.im2col_1d %x {kernel = 3, stride = 1, dilation = 3} : tensor<1x2x5xf32> -> tensor<1x?x6xf32>
  return %y : tensor<1x?x6xf32>
}

// -----
func.func @im2col_rank(%x: tensor<2x20xf32>) -> tensor<1x18x6xf32> {
  // expected-error @+1 {{input x has rank 2 [2, 20], must be rank 3}}
  %y = weft.im2col_1d %x {kernel = 3, stride = 1} : tensor<2x20xf32> -> tensor<1x18x6xf32>
  return %y : tensor<1x18x6xf32>
}

// -----
func.func @im2col_missing(%x: tensor<1x2x20xf32>) -> tensor<1x18x6xf32> {
  // expected-error @+1 {{requires attribute 'stride'}}
  %y = weft.im2col_1d %x {kernel = 3} : tensor<1x2x20xf32> -> tensor<1x18x6xf32>
  return %y : tensor<1x18x6xf32>
}

// -----
func.func @concat_dtype(%a: tensor<4x3xf32>, %b: tensor<4x5xf16>) -> tensor<4x8xf32> {
  // expected-error @+1 {{inputs a (f32) and b (f16) must have equal dtype}}
  %y = weft.concat %a, %b {axis = 1} : tensor<4x3xf32>, tensor<4x5xf16> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----
func.func @concat_extent(%a: tensor<4x3xf32>, %b: tensor<5x5xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{inputs a [4, 3] and b [5, 5] differ in dim 0 (4 vs 5), which is not the axis 1}}
  %y = weft.concat %a, %b {axis = 1} : tensor<4x3xf32>, tensor<5x5xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----
func.func @concat_axis(%a: tensor<4x3xf32>, %b: tensor<4x5xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{axis = 2 must be in [0, 2)}}
  %y = weft.concat %a, %b {axis = 2} : tensor<4x3xf32>, tensor<4x5xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----
func.func @concat_rank(%a: tensor<1x1x1x1x3xf32>, %b: tensor<1x1x1x1x3xf32>) -> tensor<1x1x1x1x6xf32> {
  // expected-error @+1 {{input a has rank 5 [1, 1, 1, 1, 3], must be rank 1 to 4}}
  %y = weft.concat %a, %b {axis = 4} : tensor<1x1x1x1x3xf32>, tensor<1x1x1x1x3xf32> -> tensor<1x1x1x1x6xf32>
  return %y : tensor<1x1x1x1x6xf32>
}

// -----
func.func @matmul_k(%a: tensor<8x16xf32>, %b: tensor<15x4xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{contraction extents differ: A [8, 16] has K = 16, B [15, 4] has K = 15 (rule: equal K)}}
  %c = weft.matmul %a, %b : tensor<8x16xf32>, tensor<15x4xf32> -> tensor<8x4xf32>
  return %c : tensor<8x4xf32>
}

// -----
func.func @matmul_batch(%a: tensor<3x8x16xf32>, %b: tensor<2x16x4xf32>) -> tensor<3x8x4xf32> {
  // expected-error @+1 {{batch extents of A [3] and B [2] do not broadcast in dim 0 (3 vs 2; rule: the smaller must divide the larger)}}
  %c = weft.matmul %a, %b : tensor<3x8x16xf32>, tensor<2x16x4xf32> -> tensor<3x8x4xf32>
  return %c : tensor<3x8x4xf32>
}

// -----
func.func @matmul_dtypes(%a: tensor<8x16xf16>, %b: tensor<16x4xbf16>) -> tensor<8x4xf32> {
  // expected-error @+1 {{operand dtypes A f16 x B bf16 are not supported}}
  %c = weft.matmul %a, %b : tensor<8x16xf16>, tensor<16x4xbf16> -> tensor<8x4xf32>
  return %c : tensor<8x4xf32>
}

// -----
func.func @matmul_i8_result(%a: tensor<8x16xi8>, %b: tensor<16x4xi8>) -> tensor<8x4xf32> {
  // expected-error @+1 {{result dtype f32 is not allowed here (rule: one of i32)}}
  %c = weft.matmul %a, %b : tensor<8x16xi8>, tensor<16x4xi8> -> tensor<8x4xf32>
  return %c : tensor<8x4xf32>
}

// -----
func.func @conv1d_channels(%x: tensor<2x4x10xf32>, %w: tensor<6x5x3xf32>) -> tensor<2x6x8xf32> {
  // expected-error @+1 {{input channels differ: x [2, 4, 10] has IC = 4, w [6, 5, 3] has IC = 5 (rule: equal IC)}}
  %y = weft.conv1d %x, %w : tensor<2x4x10xf32>, tensor<6x5x3xf32> -> tensor<2x6x8xf32>
  return %y : tensor<2x6x8xf32>
}

// -----
func.func @conv_transpose_tout(%x: tensor<4x1xf32>, %w: tensor<4x2x2xf32>) -> tensor<2x?xf32> {
  // expected-error @+1 {{T_out = (T_in - 1)*s + K - 2p = (1 - 1)*2 + 2 - 2*1 = 0 must be > 0}}
  %y = weft.conv_transpose_1d %x, %w {stride = 2, padding = 1} : tensor<4x1xf32>, tensor<4x2x2xf32> -> tensor<2x?xf32>
  return %y : tensor<2x?xf32>
}

// -----
func.func @element_type(%x: tensor<7x12xf64>) -> tensor<3x16xf64> {
  // expected-error @+1 {{operand #0 has type tensor<7x12xf64>, whose element type is not supported}}
  %y = weft.col2im_1d %x {stride = 2, channels = 3} : tensor<7x12xf64> -> tensor<3x16xf64>
  return %y : tensor<3x16xf64>
}

// -----
func.func @schedule_field(%x: tensor<7x12xf32>) -> tensor<3x16xf32> {
  // expected-error @+1 {{schedule gather = bounded does not apply to concat}}
  %y = weft.concat %x, %x {axis = 0, schedule = #weft.schedule<gather = bounded>} : tensor<7x12xf32>, tensor<7x12xf32> -> tensor<14x12xf32>
  return %x : tensor<7x12xf32>
}

// -----
func.func @schedule_value(%x: tensor<7x12xf32>) -> tensor<3x16xf32> {
  // expected-error @+1 {{schedule gather = modulo is not one of bounded | scan | sweep}}
  %y = weft.col2im_1d %x {stride = 2, channels = 3, schedule = #weft.schedule<gather = modulo>} : tensor<7x12xf32> -> tensor<3x16xf32>
  return %y : tensor<3x16xf32>
}

// -----
func.func @schedule_vector(%x: tensor<7x12xf32>) -> tensor<3x16xf32> {
  // expected-error @+1 {{schedule vector = 6 must be a power of two from 1 to 64 (0 = default)}}
  %y = weft.col2im_1d %x {stride = 2, channels = 3, schedule = #weft.schedule<vector = 6>} : tensor<7x12xf32> -> tensor<3x16xf32>
  return %y : tensor<3x16xf32>
}

// -----
func.func @schedule_unknown(%x: tensor<7x12xf32>) -> tensor<3x16xf32> {
  // expected-error @+1 {{unknown schedule field 'threads' (fields: parallel, gather, copy, mma, vector, tile, workgroup, unroll)}}
  %y = weft.col2im_1d %x {stride = 2, channels = 3, schedule = #weft.schedule<threads = 4>} : tensor<7x12xf32> -> tensor<3x16xf32>
  return %y : tensor<3x16xf32>
}

// -----

// An attribute the op does not take is refused, as --op refuses it (issue 13 item 8).
func.func @col2im_unknown_attribute(%x: tensor<7x12xf32>) -> tensor<3x16xf32> {
  // expected-error @+1 {{'weft.col2im_1d' op has no attribute 'kernel' (it takes: stride, channels, padding, schedule)}}
  %y = weft.col2im_1d %x {stride = 2, channels = 3, kernel = 4} : tensor<7x12xf32> -> tensor<3x16xf32>
  return %y : tensor<3x16xf32>
}
