// The kernels examples/prebuilt generates at build time (weft_add_kernels): one upsampling stage
// of a vocoder and the skip connection after it.

// Upsample 256 frames of 64 channels by 8 into 32 channels: kernel 16, padding 4.
func.func @upsample(%x: tensor<64x256xf32>, %w: tensor<64x32x16xf32>) -> tensor<32x2048xf32> {
  %y = weft.conv_transpose_1d %x, %w {stride = 8, padding = 4} : tensor<64x256xf32>, tensor<64x32x16xf32> -> tensor<32x2048xf32>
  return %y : tensor<32x2048xf32>
}

// Join the upsampled features with a skip branch along channels.
func.func @skip(%a: tensor<32x2048xf32>, %b: tensor<32x2048xf32>) -> tensor<64x2048xf32> {
  %y = weft.concat %a, %b {axis = 0} : tensor<32x2048xf32>, tensor<32x2048xf32> -> tensor<64x2048xf32>
  return %y : tensor<64x2048xf32>
}
