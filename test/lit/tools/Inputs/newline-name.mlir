// A function name with a newline, which would inject a line into the program description.
func.func @"two\nlines"(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<8xf32> {
  %c = weft.concat %a, %b {axis = 0} : tensor<4xf32>, tensor<4xf32> -> tensor<8xf32>
  return %c : tensor<8xf32>
}
