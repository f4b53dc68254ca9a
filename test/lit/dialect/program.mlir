// RUN: weft-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// #weft.program, the program description weft-lower-to-loops hands the back ends in the module's
// weft.programs: every field round-trips, and the runtime's rules (ProgramDesc::check) verify it.

// CHECK: weft.programs = {ct = #weft.program<conv_transpose_1d {padding = 1, stride = 2},
// CHECK-SAME: inputs = [tensor<4x?xf32>, tensor<4x3x2xf32>], outputs = [tensor<3x?xf32>],
// CHECK-SAME: temps = ["t3" : f32[params[1], 6]],
// CHECK-SAME: launches = [@mm(params[1] / 4, 6 / 1) group 64 items 64, @fold(3 / 1, params[9] / 256)],
// CHECK-SAME: requires = ["int64"], index_bits = 32>}
module attributes {weft.programs = {ct = #weft.program<conv_transpose_1d {padding = 1, stride = 2},
    inputs = [tensor<4x?xf32>, tensor<4x3x2xf32>], outputs = [tensor<3x?xf32>],
    temps = ["t3" : f32[params[1], 6]],
    launches = [@mm(params[1] / 4, 6 / 1) group 64 items 64, @fold(3 / 1, params[9] / 256)],
    requires = ["int64"], index_bits = 32>}} {
}

// -----

// expected-error @+1 {{#weft.program: op 'nonsense' is not a weft op}}
module attributes {weft.programs = {f = #weft.program<nonsense, inputs = [], outputs = [], launches = [@k(1 / 1)]>}} {
}

// -----

// expected-error @+1 {{#weft.program: has no launch}}
module attributes {weft.programs = {f = #weft.program<concat {axis = 0}, inputs = [tensor<4xf32>, tensor<4xf32>], outputs = [tensor<8xf32>], launches = []>}} {
}

// -----

// expected-error @+1 {{#weft.program: launch 'k' reads slot $6 past the parameter block}}
module attributes {weft.programs = {f = #weft.program<concat {axis = 0}, inputs = [tensor<4xf32>, tensor<4xf32>], outputs = [tensor<8xf32>], launches = [@k(params[6] / 1)]>}} {
}

// -----

// expected-error @+1 {{#weft.program: launch 'k': items=32 must be 1 or the group size 64}}
module attributes {weft.programs = {f = #weft.program<concat {axis = 0}, inputs = [tensor<4xf32>, tensor<4xf32>], outputs = [tensor<8xf32>], launches = [@k(8 / 1) group 64 items 32]>}} {
}

// -----

// expected-error @+1 {{#weft.program: launch 'k': tile 0 must be > 0}}
module attributes {weft.programs = {f = #weft.program<concat {axis = 0}, inputs = [tensor<4xf32>, tensor<4xf32>], outputs = [tensor<8xf32>], launches = [@k(8 / 0)]>}} {
}

// -----

// expected-error @+1 {{#weft.program index_bits = 16 must be 32 or 64}}
module attributes {weft.programs = {f = #weft.program<concat {axis = 0}, inputs = [tensor<4xf32>], outputs = [tensor<8xf32>], launches = [@k(8 / 1)], index_bits = 16>}} {
}

// -----

// expected-error @+1 {{#weft.program has no field 'grid' (fields: inputs, outputs, temps, launches, requires, index_bits)}}
module attributes {weft.programs = {f = #weft.program<concat {axis = 0}, grid = [1]>}} {
}

// -----

// expected-error @+1 {{argument type 'memref<4xf32>' is not a ranked tensor of a weft dtype}}
module attributes {weft.programs = {f = #weft.program<concat {axis = 0}, inputs = [memref<4xf32>]>}} {
}

// -----

// expected-error @+1 {{weft.programs['f'] is not a #weft.program}}
module attributes {weft.programs = {f = "weft-program 1\nop concat\n"}} {
}

// -----

// expected-error @+1 {{weft.programs belongs on the module}}
func.func @f() attributes {weft.programs = {}} {
  return
}

// -----

// expected-error @+1 {{#weft.target kind = "tpu" is not one of cpu, vulkan, cuda, metal}}
module attributes {weft.target = #weft.target<kind = "tpu", vector_bytes = 16, max_threads = 1024>} {
}

// -----

// expected-error @+1 {{#weft.target max_threads = 4096 must be in [1, 1024]}}
module attributes {weft.target = #weft.target<kind = "cuda", vector_bytes = 16, max_threads = 4096>} {
}

// -----

// expected-error @+1 {{weft.target must be a #weft.target}}
module attributes {weft.target = "vulkan"} {
}
