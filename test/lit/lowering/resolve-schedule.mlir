// RUN: weft-opt %s -split-input-file --weft-attach-target --weft-resolve-schedule | FileCheck %s --check-prefix=CPU
// RUN: weft-opt %s -split-input-file --weft-attach-target=kind=vulkan --weft-resolve-schedule | FileCheck %s --check-prefix=GPU
// RUN: weft-opt %s -split-input-file --weft-attach-target="vector-bytes=64" --weft-resolve-schedule | FileCheck %s --check-prefix=AVX512
// RUN: not weft-opt %s -split-input-file --weft-resolve-schedule 2>&1 | FileCheck %s --check-prefix=NOTARGET

// Every field the op's loops read is set: the user's as given, the rest the target's defaults,
// tiles included (the loop builders take no defaults of their own). T_out = 28 is too short for a
// time tile of whole cols rows, so the sweep takes 256 times; the GPU's row fits 256 threads,
// each taking an 8-byte group of times (f32 x 2: s, K and T_out are even). At stride 2 Vulkan
// stages the rows (gather = stage, its tile the row rounded up to 32 times).
// CPU-LABEL: func @col2im
// CPU: schedule = #weft.schedule<parallel = time, gather = sweep, vector = 8, tile = [256]>
// CPU: schedule = #weft.schedule<parallel = channel, gather = bounded, vector = 8, tile = [64]>
// CPU: schedule = #weft.schedule<parallel = time, gather = sweep, vector = 8, tile = [256]>
// GPU-LABEL: func @col2im
// GPU: schedule = #weft.schedule<parallel = time, gather = bounded, vector = 2, tile = [256], workgroup = [256]>
// GPU: schedule = #weft.schedule<parallel = channel, gather = bounded, vector = 1, tile = [64], workgroup = [256]>
// GPU: schedule = #weft.schedule<parallel = time, gather = stage, vector = 1, tile = [32], workgroup = [256]>
// NOTARGET: the module has no 'weft.target' (#weft.target<...>): run weft-attach-target first, or set it
// With 64-byte vector registers (AVX-512) the CPU widths double.
// AVX512-LABEL: func @col2im
// AVX512: schedule = #weft.schedule<parallel = time, gather = sweep, vector = 16, tile = [256]>
func.func @col2im(%x: tensor<7x12xf32>) -> (tensor<3x28xf32>, tensor<3x28xf32>, tensor<3x16xf32>) {
  %a = weft.col2im_1d %x {stride = 4, channels = 3} : tensor<7x12xf32> -> tensor<3x28xf32>
  %b = weft.col2im_1d %x {stride = 4, channels = 3, schedule = #weft.schedule<parallel = channel, gather = bounded, tile = [64]>} : tensor<7x12xf32> -> tensor<3x28xf32>
  %c = weft.col2im_1d %x {stride = 2, channels = 3} : tensor<7x12xf32> -> tensor<3x16xf32>
  return %a, %b, %c : tensor<3x28xf32>, tensor<3x28xf32>, tensor<3x16xf32>
}

// -----
// A copy's vector width is counted in bytes: 32 bytes of i8 are 32 lanes, of i64 four. Rows of 3
// elements: 10922 rows make an item of 32 Ki elements.
// CPU-LABEL: func @concat
// CPU: schedule = #weft.schedule<parallel = rows, copy = row, vector = 32, tile = [10922]>
// CPU: schedule = #weft.schedule<parallel = rows, copy = row, vector = 4, tile = [10922]>
// GPU-LABEL: func @concat
// GPU: schedule = #weft.schedule<parallel = rows, copy = row, vector = 1, tile = [1024], workgroup = [256]>
// AVX512-LABEL: func @concat
// AVX512: schedule = #weft.schedule<parallel = rows, copy = row, vector = 64, tile = [10922]>
func.func @concat(%a: tensor<4x3xi8>, %b: tensor<4x3xi64>) -> (tensor<8x3xi8>, tensor<8x3xi64>) {
  %x = weft.concat %a, %a {axis = 0} : tensor<4x3xi8>, tensor<4x3xi8> -> tensor<8x3xi8>
  %y = weft.concat %b, %b {axis = 0} : tensor<4x3xi64>, tensor<4x3xi64> -> tensor<8x3xi64>
  return %x, %y : tensor<8x3xi8>, tensor<8x3xi64>
}

// -----
// im2col: 16 Ki elements per item, whole rows of 12; the GPU's is the staged window of 16 rows,
// each thread writing 4-lane groups of a row.
// CPU-LABEL: func @im2col
// CPU: schedule = #weft.schedule<parallel = time, vector = 8, tile = [1365]>
// GPU-LABEL: func @im2col
// GPU: schedule = #weft.schedule<parallel = time, gather = stage, vector = 4, tile = [16], workgroup = [256]>
func.func @im2col(%x: tensor<2x4x10xf16>) -> tensor<2x8x12xf16> {
  %y = weft.im2col_1d %x {kernel = 3, stride = 1} : tensor<2x4x10xf16> -> tensor<2x8x12xf16>
  return %y : tensor<2x8x12xf16>
}

// -----
// matmul's CPU tile is [MT, NT, KC] in whole micro-panels (6 rows, 2 vectors of columns) and
// unrolls of K: M = 100 in one item of 102 rows, N = 700 in items of 512 columns, K = 64 in one
// block. The GPU's is a 64 x 64 tile of C per workgroup, a 4 x 4 block per thread, K not blocked.
// CPU-LABEL: func @matmul
// CPU: schedule = #weft.schedule<parallel = rows, vector = 8, tile = [102, 512, 64], unroll = 4>
// GPU-LABEL: func @matmul
// GPU: schedule = #weft.schedule<parallel = rows, mma = none, vector = 1, tile = [64, 64, 1], workgroup = [256], unroll = 2>
// AVX512-LABEL: func @matmul
// AVX512: schedule = #weft.schedule<parallel = rows, vector = 16, tile = [102, 512, 64], unroll = 4>
func.func @matmul(%a: tensor<100x64xf32>, %b: tensor<64x700xf32>) -> tensor<100x700xf32> {
  %c = weft.matmul %a, %b : tensor<100x64xf32>, tensor<64x700xf32> -> tensor<100x700xf32>
  return %c : tensor<100x700xf32>
}

// -----
// Composites are scheduled through the ops they decompose into.
// CPU-LABEL: func @conv
// CPU-NOT: schedule
func.func @conv(%x: tensor<2x4x10xf32>, %w: tensor<6x4x3xf32>) -> tensor<2x6x10xf32> {
  %y = weft.conv1d %x, %w {padding = 1} : tensor<2x4x10xf32>, tensor<6x4x3xf32> -> tensor<2x6x10xf32>
  return %y : tensor<2x6x10xf32>
}
