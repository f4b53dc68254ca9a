// Two tensor-level functions: weftc writes one artifact per function.
func.func @fold(%cols: tensor<7x12xf32>) -> tensor<3x16xf32> {
  %0 = weft.col2im_1d %cols {stride = 2 : i64, channels = 3 : i64} : tensor<7x12xf32> -> tensor<3x16xf32>
  return %0 : tensor<3x16xf32>
}
func.func @join(%a: tensor<2x5xf16>, %b: tensor<2x3xf16>) -> tensor<2x8xf16> {
  %0 = weft.concat %a, %b {axis = 1 : i64} : tensor<2x5xf16>, tensor<2x3xf16> -> tensor<2x8xf16>
  return %0 : tensor<2x8xf16>
}
