// RUN: weft-opt %s -split-input-file --weft-attach-target --weft-resolve-schedule --weft-lower-to-loops -verify-diagnostics | FileCheck %s
// The program structure weft-lower-to-loops builds: buffers, the parameter block, temporaries
// sized from argument/result extents, launches. The per-op loop nests have their own tests.

// Dynamic extents are read from the parameter block: cols is buffer 0 (slots 0-1 extents,
// 2-3 strides), y is buffer 1 (slots 4-5, 6-7); the grid's time factor reads y's T_out, slot 5.
// CHECK: weft.programs = {dyn = #weft.program<col2im_1d {channels = 3, padding = 0, stride = 8}, inputs = [tensor<?x48xf32>], outputs = [tensor<3x?xf32>], launches = [@dyn({{.*}}params[5] / {{[0-9]+}})]>}
// CHECK-LABEL: func.func @dyn(
// CHECK-SAME: %{{.*}}: memref<?xf32>, %{{.*}}: memref<?xf32>, %[[P:.*]]: memref<?xi64>) attributes {weft.kernel}
// CHECK: memref.load %[[P]][%c0]
// CHECK: memref.load %[[P]][%c5]
// CHECK: scf.parallel
func.func @dyn(%x: tensor<?x48xf32>) -> tensor<3x?xf32> {
  %y = weft.col2im_1d %x {stride = 8, channels = 3, schedule = #weft.schedule<parallel = time, gather = sweep, vector = 8>} : tensor<?x48xf32> -> tensor<3x?xf32>
  return %y : tensor<3x?xf32>
}

// -----
// A composite after decomposition: the weights are viewed through collapse_shape (no copy), the
// matmul result is a temporary whose dynamic T_in is sized from the input's slot 1, and the
// program keeps the composite's name and attributes.
// CHECK: #weft.program<conv_transpose_1d {padding = 0, stride = 2}, inputs = [tensor<4x?xf32>, tensor<4x3x2xf32>], outputs = [tensor<3x?xf32>], temps = ["t3" : f32[params[1], 6]], launches = [@ct_matmul(
// CHECK-SAME: @ct_col2im(
// CHECK-LABEL: func.func @ct_matmul(
// CHECK-SAME: memref<?xf32>, %{{.*}}: memref<?xf32>, %{{.*}}: memref<?xf32>, %{{.*}}: memref<?xf32>, %{{.*}}: memref<?xi64>)
// CHECK-LABEL: func.func @ct_col2im(
func.func @ct(%x: tensor<4x?xf32>, %w: tensor<4x3x2xf32>) -> tensor<3x?xf32> attributes {weft.op = "conv_transpose_1d", weft.op_attrs = {stride = 2 : i64, padding = 0 : i64}} {
  %w2 = tensor.collapse_shape %w [[0], [1, 2]] : tensor<4x3x2xf32> into tensor<4x6xf32>
  %cols = weft.matmul %x, %w2 {transpose_a = true} : tensor<4x?xf32>, tensor<4x6xf32> -> tensor<?x6xf32>
  %y = weft.col2im_1d %cols {stride = 2, channels = 3} : tensor<?x6xf32> -> tensor<3x?xf32>
  return %y : tensor<3x?xf32>
}

// -----
// expected-error @+1 {{weft-lower-to-loops: a weft function holds one op (or one composite); 'two_ops' holds more}}
func.func @two_ops(%x: tensor<7x12xf32>) -> tensor<3x16xf32> {
  %a = weft.col2im_1d %x {stride = 2, channels = 3} : tensor<7x12xf32> -> tensor<3x16xf32>
  %b = weft.col2im_1d %x {stride = 2, channels = 3} : tensor<7x12xf32> -> tensor<3x16xf32>
  return %b : tensor<3x16xf32>
}

// -----
// expected-error @+1 {{weft-lower-to-loops: each result must be computed by a weft op of the function}}
func.func @passthrough(%x: tensor<7x12xf32>) -> tensor<7x12xf32> {
  return %x : tensor<7x12xf32>
}

// -----
func.func @foreign(%x: tensor<7x12xf32>) -> tensor<14x12xf32> {
  // expected-error @+1 {{weft-lower-to-loops: 'tensor.empty' cannot appear in a weft function}}
  %e = tensor.empty() : tensor<7x12xf32>
  %y = weft.concat %x, %e {axis = 0} : tensor<7x12xf32>, tensor<7x12xf32> -> tensor<14x12xf32>
  return %y : tensor<14x12xf32>
}
