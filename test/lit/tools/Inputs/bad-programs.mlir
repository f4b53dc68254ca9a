// weft.programs names a launch whose kernel the module lacks.
module attributes {weft.programs = {cat = #weft.program<concat, inputs = [tensor<4xf32>, tensor<4xf32>], outputs = [tensor<8xf32>], launches = [@missing(8 / 1)]>}} {
}
