// RUN: weft-opt %s -split-input-file --weft-attach-target --weft-resolve-schedule | FileCheck %s --check-prefix=CPU
// RUN: weft-opt %s -split-input-file --weft-attach-target=kind=vulkan --weft-resolve-schedule | FileCheck %s --check-prefix=GPU
// RUN: weft-opt %s -split-input-file --weft-attach-target="vector-bytes=64" --weft-resolve-schedule | FileCheck %s --check-prefix=AVX512
// RUN: not weft-opt %s -split-input-file --weft-resolve-schedule 2>&1 | FileCheck %s --check-prefix=NOTARGET

// Missing fields get the target's defaults; fields the user set are kept.
// CPU-LABEL: func @col2im
// CPU: schedule = #weft.schedule<parallel = time, gather = sweep, vector = 8>
// CPU: schedule = #weft.schedule<parallel = channel, gather = bounded, vector = 8, tile = [64]>
// GPU-LABEL: func @col2im
// GPU: schedule = #weft.schedule<parallel = time, gather = bounded, vector = 1, workgroup = [256]>
// GPU: schedule = #weft.schedule<parallel = channel, gather = bounded, vector = 1, tile = [64], workgroup = [256]>
// NOTARGET: the module has no 'weft.target' (#weft.target<...>): run weft-attach-target first, or set it
// With 64-byte vector registers (AVX-512) the CPU widths double.
// AVX512-LABEL: func @col2im
// AVX512: schedule = #weft.schedule<parallel = time, gather = sweep, vector = 16>
func.func @col2im(%x: tensor<7x12xf32>) -> (tensor<3x16xf32>, tensor<3x16xf32>) {
  %a = weft.col2im_1d %x {stride = 2, channels = 3} : tensor<7x12xf32> -> tensor<3x16xf32>
  %b = weft.col2im_1d %x {stride = 2, channels = 3, schedule = #weft.schedule<parallel = channel, gather = bounded, tile = [64]>} : tensor<7x12xf32> -> tensor<3x16xf32>
  return %a, %b : tensor<3x16xf32>, tensor<3x16xf32>
}

// -----
// A copy's vector width is counted in bytes: 32 bytes of i8 are 32 lanes, of i64 four.
// CPU-LABEL: func @concat
// CPU: schedule = #weft.schedule<parallel = rows, copy = row, vector = 32>
// CPU: schedule = #weft.schedule<parallel = rows, copy = row, vector = 4>
// AVX512-LABEL: func @concat
// AVX512: schedule = #weft.schedule<parallel = rows, copy = row, vector = 64>
func.func @concat(%a: tensor<4x3xi8>, %b: tensor<4x3xi64>) -> (tensor<8x3xi8>, tensor<8x3xi64>) {
  %x = weft.concat %a, %a {axis = 0} : tensor<4x3xi8>, tensor<4x3xi8> -> tensor<8x3xi8>
  %y = weft.concat %b, %b {axis = 0} : tensor<4x3xi64>, tensor<4x3xi64> -> tensor<8x3xi64>
  return %x, %y : tensor<8x3xi8>, tensor<8x3xi64>
}

// -----
// Composites are scheduled through the ops they decompose into.
// CPU-LABEL: func @conv
// CPU-NOT: schedule
func.func @conv(%x: tensor<2x4x10xf32>, %w: tensor<6x4x3xf32>) -> tensor<2x6x10xf32> {
  %y = weft.conv1d %x, %w {padding = 1} : tensor<2x4x10xf32>, tensor<6x4x3xf32> -> tensor<2x6x10xf32>
  return %y : tensor<2x6x10xf32>
}
