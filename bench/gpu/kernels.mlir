// The vocoder shapes of the GPU bench (shared/ops.md; the same shapes as the peers in
// bench/gpu/torch_peers.py). weftc --target=spirv,ptx compiles them for weft-bench-gpu
// (scripts/gpu.sh). The contractions report GB/s over their inputs and output like the rest;
// their column that matters is the ratio to PyTorch (cuDNN, cuBLAS).
func.func @col2im_f32(%x: tensor<2048x8192xf32>) -> tensor<512x16392xf32> {
  %y = weft.col2im_1d %x {stride = 8 : i64, channels = 512 : i64} : tensor<2048x8192xf32> -> tensor<512x16392xf32>
  return %y : tensor<512x16392xf32>
}
func.func @col2im_f16(%x: tensor<2048x8192xf16>) -> tensor<512x16392xf16> {
  %y = weft.col2im_1d %x {stride = 8 : i64, channels = 512 : i64} : tensor<2048x8192xf16> -> tensor<512x16392xf16>
  return %y : tensor<512x16392xf16>
}
func.func @col2im_k4_f16(%x: tensor<65536x512xf16>) -> tensor<128x131074xf16> {
  %y = weft.col2im_1d %x {stride = 2 : i64, channels = 128 : i64} : tensor<65536x512xf16> -> tensor<128x131074xf16>
  return %y : tensor<128x131074xf16>
}
func.func @im2col_f32(%x: tensor<1x512x8192xf32>) -> tensor<1x8192x3584xf32> {
  %y = weft.im2col_1d %x {kernel = 7 : i64, stride = 1 : i64, padding = 3 : i64, dilation = 1 : i64} : tensor<1x512x8192xf32> -> tensor<1x8192x3584xf32>
  return %y : tensor<1x8192x3584xf32>
}
func.func @im2col_f16(%x: tensor<1x512x8192xf16>) -> tensor<1x8192x3584xf16> {
  %y = weft.im2col_1d %x {kernel = 7 : i64, stride = 1 : i64, padding = 3 : i64, dilation = 1 : i64} : tensor<1x512x8192xf16> -> tensor<1x8192x3584xf16>
  return %y : tensor<1x8192x3584xf16>
}
func.func @concat_f32(%a: tensor<256x65536xf32>, %b: tensor<256x65536xf32>) -> tensor<512x65536xf32> {
  %c = weft.concat %a, %b {axis = 0 : i64} : tensor<256x65536xf32>, tensor<256x65536xf32> -> tensor<512x65536xf32>
  return %c : tensor<512x65536xf32>
}
func.func @concat_f16(%a: tensor<256x65536xf16>, %b: tensor<256x65536xf16>) -> tensor<512x65536xf16> {
  %c = weft.concat %a, %b {axis = 0 : i64} : tensor<256x65536xf16>, tensor<256x65536xf16> -> tensor<512x65536xf16>
  return %c : tensor<512x65536xf16>
}
func.func @conv_transpose_f16(%x: tensor<1024x2048xf16>, %w: tensor<1024x512x16xf16>) -> tensor<512x16392xf16> {
  %y = weft.conv_transpose_1d %x, %w {stride = 8, padding = 0} : tensor<1024x2048xf16>, tensor<1024x512x16xf16> -> tensor<512x16392xf16>
  return %y : tensor<512x16392xf16>
}
func.func @matmul_f32(%a: tensor<1024x1024xf32>, %b: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
  %c = weft.matmul %a, %b : tensor<1024x1024xf32>, tensor<1024x1024xf32> -> tensor<1024x1024xf32>
  return %c : tensor<1024x1024xf32>
}
