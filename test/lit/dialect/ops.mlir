// RUN: weft-opt %s | weft-opt | FileCheck %s
// Every op parses, verifies and prints back; defaults are not printed.

// CHECK-LABEL: func @col2im
// CHECK: weft.col2im_1d %{{.*}} {channels = 512 : i64, schedule = #weft.schedule<parallel = time, gather = sweep, vector = 8, tile = [128]>, stride = 8 : i64}
func.func @col2im(%x: tensor<2048x8192xf32>) -> tensor<512x16392xf32> {
  %y = weft.col2im_1d %x {stride = 8, channels = 512, schedule = #weft.schedule<parallel = time, gather = sweep, vector = 8, tile = [128]>} : tensor<2048x8192xf32> -> tensor<512x16392xf32>
  return %y : tensor<512x16392xf32>
}

// CHECK-LABEL: func @col2im_dynamic
// CHECK: weft.col2im_1d %{{.*}} : tensor<?x48xbf16> -> tensor<3x?xbf16>
func.func @col2im_dynamic(%x: tensor<?x48xbf16>) -> tensor<3x?xbf16> {
  %y = weft.col2im_1d %x {stride = 8, channels = 3, padding = 0} : tensor<?x48xbf16> -> tensor<3x?xbf16>
  return %y : tensor<3x?xbf16>
}

// CHECK-LABEL: func @col2im_batched
func.func @col2im_batched(%x: tensor<2x7x12xf16>) -> tensor<2x3x16xf16> {
  %y = weft.col2im_1d %x {stride = 2, channels = 3} : tensor<2x7x12xf16> -> tensor<2x3x16xf16>
  return %y : tensor<2x3x16xf16>
}

// CHECK-LABEL: func @im2col
// CHECK: weft.im2col_1d %{{.*}} {kernel = 3 : i64, padding = 1 : i64, stride = 1 : i64} : tensor<1x128x3000xf32> -> tensor<1x3000x384xf16>
func.func @im2col(%x: tensor<1x128x3000xf32>) -> tensor<1x3000x384xf16> {
  %y = weft.im2col_1d %x {kernel = 3, stride = 1, padding = 1} : tensor<1x128x3000xf32> -> tensor<1x3000x384xf16>
  return %y : tensor<1x3000x384xf16>
}

// CHECK-LABEL: func @concat
// CHECK: weft.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : tensor<4x?xi8>, tensor<4x5xi8> -> tensor<4x?xi8>
func.func @concat(%a: tensor<4x?xi8>, %b: tensor<4x5xi8>) -> tensor<4x?xi8> {
  %y = weft.concat %a, %b {axis = 1} : tensor<4x?xi8>, tensor<4x5xi8> -> tensor<4x?xi8>
  return %y : tensor<4x?xi8>
}

// CHECK-LABEL: func @matmul
// CHECK: weft.matmul %{{.*}}, %{{.*}} {transpose_b = true} : tensor<2x3x8x16xf16>, tensor<3x32x16xf32> -> tensor<2x3x8x32xf32>
func.func @matmul(%a: tensor<2x3x8x16xf16>, %b: tensor<3x32x16xf32>) -> tensor<2x3x8x32xf32> {
  %c = weft.matmul %a, %b {transpose_b = true} : tensor<2x3x8x16xf16>, tensor<3x32x16xf32> -> tensor<2x3x8x32xf32>
  return %c : tensor<2x3x8x32xf32>
}

// CHECK-LABEL: func @matmul_i8
func.func @matmul_i8(%a: tensor<8x16xi8>, %b: tensor<16x4xi8>) -> tensor<8x4xi32> {
  %c = weft.matmul %a, %b : tensor<8x16xi8>, tensor<16x4xi8> -> tensor<8x4xi32>
  return %c : tensor<8x4xi32>
}

// CHECK-LABEL: func @conv1d
// CHECK: weft.conv1d %{{.*}}, %{{.*}} {padding = 1 : i64} : tensor<2x4x10xf32>, tensor<6x4x3xf32> -> tensor<2x6x10xf32>
func.func @conv1d(%x: tensor<2x4x10xf32>, %w: tensor<6x4x3xf32>) -> tensor<2x6x10xf32> {
  %y = weft.conv1d %x, %w {padding = 1} : tensor<2x4x10xf32>, tensor<6x4x3xf32> -> tensor<2x6x10xf32>
  return %y : tensor<2x6x10xf32>
}

// CHECK-LABEL: func @conv_transpose
// CHECK: weft.conv_transpose_1d %{{.*}}, %{{.*}} {padding = 4 : i64, stride = 8 : i64} : tensor<64x100xf16>, tensor<64x32x16xf16> -> tensor<32x800xf16>
func.func @conv_transpose(%x: tensor<64x100xf16>, %w: tensor<64x32x16xf16>) -> tensor<32x800xf16> {
  %y = weft.conv_transpose_1d %x, %w {stride = 8, padding = 4} : tensor<64x100xf16>, tensor<64x32x16xf16> -> tensor<32x800xf16>
  return %y : tensor<32x800xf16>
}
