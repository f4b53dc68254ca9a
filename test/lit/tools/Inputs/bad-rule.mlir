// Parses, but breaks col2im_1d's stride rule.
func.func @f(%x: tensor<4x12xf32>) -> tensor<3x9xf32> {
  %0 = weft.col2im_1d %x {stride = 0 : i64, channels = 3 : i64} : tensor<4x12xf32> -> tensor<3x9xf32>
  return %0 : tensor<3x9xf32>
}
