// RUN: weft-opt %s -split-input-file --weft-attach-target --weft-lower-to-loops -verify-diagnostics
// The loop builders read complete schedules and take no defaults of their own: without
// weft-resolve-schedule the lowering names the first field missing.

func.func @no_schedule(%x: tensor<7x12xf32>) -> tensor<3x16xf32> {
  // expected-error @+1 {{weft-lower-to-loops: the schedule sets no parallel; run weft-resolve-schedule first}}
  %y = weft.col2im_1d %x {stride = 2, channels = 3} : tensor<7x12xf32> -> tensor<3x16xf32>
  return %y : tensor<3x16xf32>
}

// -----

func.func @no_tile(%x: tensor<7x12xf32>) -> tensor<3x16xf32> {
  // expected-error @+1 {{the schedule sets no tile; run weft-resolve-schedule first}}
  %y = weft.col2im_1d %x {stride = 2, channels = 3, schedule = #weft.schedule<parallel = time, gather = sweep, vector = 8>} : tensor<7x12xf32> -> tensor<3x16xf32>
  return %y : tensor<3x16xf32>
}

// -----

func.func @no_unroll(%a: tensor<4x8xf32>, %b: tensor<8x5xf32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{the schedule sets no unroll; run weft-resolve-schedule first}}
  %c = weft.matmul %a, %b {schedule = #weft.schedule<parallel = rows, vector = 8, tile = [6, 16, 8]>} : tensor<4x8xf32>, tensor<8x5xf32> -> tensor<4x5xf32>
  return %c : tensor<4x5xf32>
}

// -----

func.func @composite(%x: tensor<2x4x10xf32>, %w: tensor<6x4x3xf32>) -> tensor<2x6x8xf32> {
  // expected-error @+1 {{'weft.conv1d' has no loop builder (composites: run weft-decompose-composites first)}}
  %y = weft.conv1d %x, %w : tensor<2x4x10xf32>, tensor<6x4x3xf32> -> tensor<2x6x8xf32>
  return %y : tensor<2x6x8xf32>
}
