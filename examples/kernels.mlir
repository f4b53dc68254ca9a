// The example kernels `scripts/demo.sh` compiles and runs: one of each op at a vocoder or
// Whisper shape (shared/ops.md), schedules left to each target's defaults.

// A vocoder upsampling stage's overlap-add: K = 16, stride 8, 512 channels.
func.func @col2im_vocoder(%cols: tensor<2048x8192xf32>) -> tensor<512x16392xf32> {
  %y = weft.col2im_1d %cols {stride = 8, channels = 512} : tensor<2048x8192xf32> -> tensor<512x16392xf32>
  return %y : tensor<512x16392xf32>
}

// The same in f16 (accumulated in f32, rounded once).
func.func @col2im_vocoder_f16(%cols: tensor<2048x8192xf16>) -> tensor<512x16392xf16> {
  %y = weft.col2im_1d %cols {stride = 8, channels = 512} : tensor<2048x8192xf16> -> tensor<512x16392xf16>
  return %y : tensor<512x16392xf16>
}

// Whisper's encoder front: K = 3, padding 1, f32 in, f16 columns out.
func.func @im2col_whisper(%x: tensor<1x128x3000xf32>) -> tensor<1x3000x384xf16> {
  %c = weft.im2col_1d %x {kernel = 3, stride = 1, padding = 1} : tensor<1x128x3000xf32> -> tensor<1x3000x384xf16>
  return %c : tensor<1x3000x384xf16>
}

// A skip connection: two feature maps joined along channels.
func.func @concat_channels(%a: tensor<256x16384xf32>, %b: tensor<256x16384xf32>) -> tensor<512x16384xf32> {
  %y = weft.concat %a, %b {axis = 0} : tensor<256x16384xf32>, tensor<256x16384xf32> -> tensor<512x16384xf32>
  return %y : tensor<512x16384xf32>
}

// A square GEMM.
func.func @matmul_512(%a: tensor<512x512xf32>, %b: tensor<512x512xf32>) -> tensor<512x512xf32> {
  %c = weft.matmul %a, %b : tensor<512x512xf32>, tensor<512x512xf32> -> tensor<512x512xf32>
  return %c : tensor<512x512xf32>
}

// A small conv1d with a batch of 2.
func.func @conv1d_batch(%x: tensor<2x64x1024xf32>, %w: tensor<128x64x7xf32>) -> tensor<2x128x1024xf32> {
  %y = weft.conv1d %x, %w {padding = 3} : tensor<2x64x1024xf32>, tensor<128x64x7xf32> -> tensor<2x128x1024xf32>
  return %y : tensor<2x128x1024xf32>
}

// A codec decoder's upsampling stage: stride 4, kernel 8, 384 -> 192 channels.
func.func @conv_transpose_codec(%x: tensor<384x512xf32>, %w: tensor<384x192x8xf32>) -> tensor<192x2048xf32> {
  %y = weft.conv_transpose_1d %x, %w {stride = 4, padding = 2} : tensor<384x512xf32>, tensor<384x192x8xf32> -> tensor<192x2048xf32>
  return %y : tensor<192x2048xf32>
}
