// An op the dialect does not have.
func.func @f(%x: tensor<4x12xf32>) -> tensor<3x9xf32> {
  %0 = weft.col2im %x : tensor<4x12xf32> -> tensor<3x9xf32>
  return %0 : tensor<3x9xf32>
}
