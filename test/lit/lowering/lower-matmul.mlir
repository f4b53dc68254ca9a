// RUN: weft-opt %s -split-input-file --weft-attach-target --weft-resolve-schedule --weft-lower-to-loops -verify-diagnostics | FileCheck %s
// matmul: one kernel; grid items own a block of rows x columns; per K span the item packs B into
// 16-wide panels, then per block of rows and K block packs A into 6-row panels, and a 6 x 16
// micro-kernel keeps 12 vector<8xf32> accumulators in registers (scf.for iter_args).

// Default blocking for 1000 x 300 . 300 x 2000: four column items of up to 512, so two row items
// of 504 (a multiple of 6 rows) make 8 items; K blocks of 256 in one span of 512.
// CHECK: @f32(1000 / 504, 2000 / 512)
// CHECK-LABEL: func.func @f32(
// CHECK-SAME: %[[A:.*]]: memref<?xf32>, %[[B:.*]]: memref<?xf32>, %[[C:.*]]: memref<?xf32>, %{{.*}}: memref<?xi64>) attributes {weft.kernel}
// CHECK: scf.parallel
// CHECK-DAG: %[[AP:.*]] = memref.alloca() {alignment = 64 : i64} : memref<36864xf32>
// CHECK-DAG: %[[BP:.*]] = memref.alloca() {alignment = 64 : i64} : memref<262144xf32>
// CHECK-DAG: %[[T:.*]] = memref.alloca() {alignment = 64 : i64} : memref<96xf32>
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c512
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c256
// B's rows are contiguous: each read once, full panels copied as vectors.
// CHECK: vector.load %[[B]][%{{.*}}] : memref<?xf32>, vector<8xf32>
// CHECK: vector.store %{{.*}}, %[[BP]][%{{.*}}] : memref<262144xf32>, vector<8xf32>
// A's rows are contiguous in k: packed lane by lane, per block of 144 rows and K block.
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c144
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c256
// CHECK: memref.load %[[A]]
// CHECK: memref.store %{{.*}}, %[[AP]]
// The micro-kernel: 12 accumulators, k unrolled by 4.
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c4{{.*}} iter_args({{.*}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK: vector.load %[[BP]]
// CHECK: vector.load %[[BP]]
// CHECK: memref.load %[[AP]]
// CHECK: vector.broadcast %{{.*}} : f32 to vector<8xf32>
// CHECK: vector.fma
// CHECK: vector.fma
// Full tiles: stored on the first K block, added to C after it.
// CHECK: scf.if
// CHECK: scf.if
// CHECK: vector.store %{{.*}}, %[[C]]
// CHECK: } else {
// CHECK: vector.load %[[C]]
// CHECK: arith.addf %{{.*}} : vector<8xf32>
// CHECK: vector.store %{{.*}}, %[[C]]
// Edge tiles go through the scratch tile, element by element.
// CHECK: } else {
// CHECK: vector.store %{{.*}}, %[[T]]
// CHECK: memref.load %[[T]]
// CHECK: arith.select
// CHECK: memref.store %{{.*}}, %[[C]]
// CHECK-NOT: vector.contract
// CHECK-NOT: vector.transfer_read
func.func @f32(%a: tensor<1000x300xf32>, %b: tensor<300x2000xf32>) -> tensor<1000x2000xf32> {
  %c = weft.matmul %a, %b : tensor<1000x300xf32>, tensor<300x2000xf32> -> tensor<1000x2000xf32>
  return %c : tensor<1000x2000xf32>
}

// -----

// f16 operands, f16 result, both transposed, batch of 2 on A only: B (stored [N][K]) is packed
// lane by lane with f16 -> f32 conversions; sums go to an f32 block (at most 256 x 48) that is
// rounded to f16 once, vector by vector.
// CHECK: @f16_t(2 / 1, 100 / 102, 48 / 48)
// CHECK-LABEL: func.func @f16_t(
// CHECK-SAME: %[[A:.*]]: memref<?xf16>, %[[B:.*]]: memref<?xf16>, %[[C:.*]]: memref<?xf16>
// CHECK: scf.parallel
// CHECK: %[[CS:.*]] = memref.alloca() {alignment = 64 : i64} : memref<4896xf32>
// CHECK: memref.load %[[B]]
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: memref.load %[[A]]
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: vector.fma
// CHECK: vector.store %{{.*}}, %[[CS]]
// CHECK: vector.load %[[CS]]
// CHECK: arith.truncf %{{.*}} : vector<8xf32> to vector<8xf16>
// CHECK: vector.store %{{.*}}, %[[C]]
// CHECK: memref.load %[[CS]]
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @f16_t(%a: tensor<2x30x100xf16>, %b: tensor<48x30xf16>) -> tensor<2x100x48xf16> {
  %c = weft.matmul %a, %b {transpose_a = true, transpose_b = true} : tensor<2x30x100xf16>, tensor<48x30xf16> -> tensor<2x100x48xf16>
  return %c : tensor<2x100x48xf16>
}

// -----

// i8 x i8 -> i32: operands sign-extended while packing (B's as vectors), exact i32 multiply-adds.
// CHECK-LABEL: func.func @i8(
// CHECK: arith.extsi %{{.*}} : vector<8xi8> to vector<8xi32>
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: scf.for {{.*}} -> (vector<8xi32>,
// CHECK: arith.muli %{{.*}} : vector<8xi32>
// CHECK: arith.addi %{{.*}} : vector<8xi32>
// CHECK-NOT: vector.fma
func.func @i8(%a: tensor<20x64xi8>, %b: tensor<64x40xi8>) -> tensor<20x40xi32> {
  %c = weft.matmul %a, %b : tensor<20x64xi8>, tensor<64x40xi8> -> tensor<20x40xi32>
  return %c : tensor<20x40xi32>
}

// -----

// Batch broadcasting: A's batch of 2 under the result's 4 reads A batch i / 2. The grid's first
// factor is the batch.
// CHECK: @bcast(4 / 1, 9 / 12, 20 / 32)
// CHECK-LABEL: func.func @bcast(
// CHECK: scf.parallel
// CHECK: arith.divui %{{.*}}, %c2
func.func @bcast(%a: tensor<2x9x11xf32>, %b: tensor<4x11x20xf32>) -> tensor<4x9x20xf32> {
  %c = weft.matmul %a, %b : tensor<2x9x11xf32>, tensor<4x11x20xf32> -> tensor<4x9x20xf32>
  return %c : tensor<4x9x20xf32>
}

// -----

// An explicit schedule: tile = [rows per item, columns per item, K block], vector width and unroll.
// Scratch: A 12 x 8, B 32 x 96 (panels of 2 x 4 columns, the whole K rounded to blocks of 8),
// tile 6 x 8.
// CHECK: @sched(100 / 12, 70 / 32)
// CHECK-LABEL: func.func @sched(
// CHECK-DAG: memref.alloca() {alignment = 64 : i64} : memref<96xf32>
// CHECK-DAG: memref.alloca() {alignment = 64 : i64} : memref<3072xf32>
// CHECK-DAG: memref.alloca() {alignment = 64 : i64} : memref<48xf32>
// CHECK: scf.for %{{.*}} step %c2{{.*}} iter_args({{.*}}) -> (vector<4xf32>,
// CHECK: vector.fma %{{.*}} : vector<4xf32>
func.func @sched(%a: tensor<100x90xf32>, %b: tensor<90x70xf32>) -> tensor<100x70xf32> {
  %c = weft.matmul %a, %b {schedule = #weft.schedule<parallel = rows, vector = 4, unroll = 2, tile = [12, 32, 8]>} : tensor<100x90xf32>, tensor<90x70xf32> -> tensor<100x70xf32>
  return %c : tensor<100x70xf32>
}

// -----

// Dynamic extents come from the parameter block; the grid factors name their slots.
// CHECK: @dyn(params[8] / 258, params[9] / 512)
// CHECK-LABEL: func.func @dyn(
// CHECK-SAME: %{{.*}}: memref<?xf32>, %{{.*}}: memref<?xf32>, %{{.*}}: memref<?xf32>, %[[P:.*]]: memref<?xi64>
// CHECK: memref.load %[[P]]
// CHECK: scf.parallel
// CHECK: vector.fma
func.func @dyn(%a: tensor<?x?xf32>, %b: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %c = weft.matmul %a, %b : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
  return %c : tensor<?x?xf32>
}

// -----

func.func @too_big(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  // expected-error @+1 {{schedule tile = [1026, 4096, 512] needs}}
  %c = weft.matmul %a, %b {schedule = #weft.schedule<tile = [1024, 4096, 512]>} : tensor<64x64xf32>, tensor<64x64xf32> -> tensor<64x64xf32>
  return %c : tensor<64x64xf32>
}
