// A function name that is a path: refused before any file is written (issue 13 item 6).
func.func @"../escaped"(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<8xf32> {
  %c = weft.concat %a, %b {axis = 0} : tensor<4xf32>, tensor<4xf32> -> tensor<8xf32>
  return %c : tensor<8xf32>
}
