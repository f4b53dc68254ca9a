// RUN: weft-opt %s --split-input-file --weft-attach-target --weft-resolve-schedule --weft-lower-to-loops | FileCheck %s
// im2col_1d: items own output rows (time) or a channel block of every row (channel); interior
// rows copy each channel's K-run with static vector pieces, padded rows take a clamped load and a
// select. Along time, an item whose rows are all interior copies channel outer, rows inner.

// Time tiles of 16 rows, K = 7 with d = 1: pieces of 4, 2 and 1 elements, f32 -> f16 on the way.
// CHECK: @time(1 / 1, 8192 / 16)
// CHECK-LABEL: func.func @time(
// CHECK-SAME: %[[X:.*]]: memref<?xf32>, %[[COLS:.*]]: memref<?xf16>
// CHECK: scf.parallel
// CHECK: scf.if
// CHECK: scf.for %{{.*}} = %{{.*}} to %c512
// CHECK: scf.for %{{.*}} = %{{.*}} to %c16
// CHECK: %[[V4:.*]] = vector.load %[[X]][%{{.*}}] : memref<?xf32>, vector<4xf32>
// CHECK: %[[H4:.*]] = arith.truncf %[[V4]] : vector<4xf32> to vector<4xf16>
// CHECK: vector.store %[[H4]], %[[COLS]][%{{.*}}] : memref<?xf16>, vector<4xf16>
// CHECK: vector.load %[[X]][%{{.*}}] : memref<?xf32>, vector<2xf32>
// CHECK: memref.load %[[X]]
// CHECK: } else {
// CHECK: scf.parallel
// CHECK: scf.if
// CHECK: vector.load %[[X]][%{{.*}}] : memref<?xf32>, vector<4xf32>
// CHECK: } else {
// CHECK: arith.maxsi
// CHECK: memref.load %[[X]]
// CHECK: arith.select
func.func @time(%x: tensor<1x512x8192xf32>) -> tensor<1x8192x3584xf16> {
  %y = weft.im2col_1d %x {kernel = 7, stride = 1, padding = 3, schedule = #weft.schedule<parallel = time, vector = 8>} : tensor<1x512x8192xf32> -> tensor<1x8192x3584xf16>
  return %y : tensor<1x8192x3584xf16>
}

// -----

// Channel blocks, dilation 3: scalar taps at stride d, bf16 copied as bits when both sides agree.
// CHECK: @channel(2 / 1, 2 / 2)
// CHECK-LABEL: func.func @channel(
// CHECK: scf.parallel
// CHECK: scf.for
// CHECK: scf.if
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c3{{.*}}
// CHECK: arith.muli %{{.*}}, %c3
// CHECK-NOT: arith.extf
// CHECK: memref.load %{{.*}} : memref<?xbf16>
// CHECK-NOT: arith.extf
// CHECK: memref.store %{{.*}} : memref<?xbf16>
func.func @channel(%x: tensor<2x2x20xbf16>) -> tensor<2x7x6xbf16> {
  %y = weft.im2col_1d %x {kernel = 3, stride = 3, padding = 3, dilation = 3, schedule = #weft.schedule<parallel = channel, tile = [2]>} : tensor<2x2x20xbf16> -> tensor<2x7x6xbf16>
  return %y : tensor<2x7x6xbf16>
}
