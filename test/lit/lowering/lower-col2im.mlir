// RUN: weft-opt %s --split-input-file --weft-attach-target --weft-resolve-schedule --weft-lower-to-loops | FileCheck %s
// col2im_1d: one kernel per schedule form; the grid is the only top-level scf.parallel.

// Row sweep over time tiles, by phases (K = 16 = 2s, p = 0): per vector of 8 outputs and
// channel, the two cols runs that reach it (row g-1 at taps 8..15, then row g at taps 0..7) are
// loaded, widened and summed in registers, the sums stored to an f32 scratch tile (no zeroing,
// no read-modify-write), which is rounded to f16 once and streamed out (nontemporal stores: a
// 16 MiB output). Where both rows lie inside cols (scf.if) the loads are plain and the next
// vector's row is prefetched; at T_out's ends a row outside cols reads as +0 through a select.
// (The sums would go straight to y four vectors of 8 at a time, whole cache lines, but a tile of
// 264 times is not a whole number of such steps.) Grid: 5 blocks of 103 channels x
// ceil(16392/264) time tiles; tile rows of 296 floats (16 lead columns, 264 times, 15 halo,
// padded to an odd multiple of 8).
// CHECK: @sweep_time(512 / 103, 16392 / 264)
// CHECK-LABEL: func.func @sweep_time(
// CHECK-SAME: %[[COLS:.*]]: memref<?xf16>, %[[Y:.*]]: memref<?xf16>, %{{.*}}: memref<?xi64>) attributes {weft.kernel}
// CHECK: scf.parallel
// CHECK: %[[TILE:.*]] = memref.alloca() {alignment = 64 : i64} : memref<30488xf32>
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c8
// CHECK: arith.divui %{{.*}}, %c8
// CHECK: scf.if
// CHECK: scf.for
// CHECK-NOT: %[[TILE]]
// CHECK: memref.prefetch %[[COLS]][%{{.*}}], read, locality<3>, data
// CHECK: vector.load %[[COLS]][%{{.*}}] : memref<?xf16>, vector<8xf16>
// CHECK-NEXT: arith.extf %{{.*}} : vector<8xf16> to vector<8xf32>
// CHECK: } else {
// CHECK-NOT: memref.prefetch
// CHECK: scf.for
// CHECK-NOT: %[[TILE]]
// CHECK: vector.load %[[COLS]][%{{.*}}] : memref<?xf16>, vector<8xf16>
// CHECK-NEXT: arith.select
// CHECK-NEXT: arith.extf %{{.*}} : vector<8xf16> to vector<8xf32>
// CHECK-NOT: %[[TILE]]
// CHECK: vector.load %[[COLS]][%{{.*}}] : memref<?xf16>, vector<8xf16>
// CHECK-NOT: %[[TILE]]
// CHECK: arith.addf %{{.*}} : vector<8xf32>
// CHECK: vector.store %{{.*}}, %[[TILE]]
// CHECK: vector.load %[[TILE]]
// CHECK: arith.truncf %{{.*}} : vector<8xf32> to vector<8xf16>
// CHECK: vector.store %{{.*}}, %[[Y]][%{{.*}}] {alignment = 16 : i64, nontemporal = true} : memref<?xf16>, vector<8xf16>
// CHECK-NOT: arith.remsi
func.func @sweep_time(%x: tensor<2048x8192xf16>) -> tensor<512x16392xf16> {
  %y = weft.col2im_1d %x {stride = 8, channels = 512, schedule = #weft.schedule<parallel = time, gather = sweep, vector = 8, tile = [264]>} : tensor<2048x8192xf16> -> tensor<512x16392xf16>
  return %y : tensor<512x16392xf16>
}

// -----

// By phases with two runs per vector (vector = 16, s = 8): each q's two 8-element runs (rows g-q
// and g+1-q) are concatenated, widened once as 16 lanes and added.
// CHECK-LABEL: func.func @sweep_phases_two_runs(
// CHECK: vector.load %{{.*}} : memref<?xbf16>, vector<8xbf16>
// CHECK: vector.load %{{.*}} : memref<?xbf16>, vector<8xbf16>
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] : vector<8xbf16>, vector<8xbf16>
// CHECK-NEXT: arith.extf %{{.*}} : vector<16xbf16> to vector<16xf32>
// CHECK-NEXT: arith.addf %{{.*}} : vector<16xf32>
func.func @sweep_phases_two_runs(%x: tensor<64x256xbf16>) -> tensor<16x520xbf16> {
  %y = weft.col2im_1d %x {stride = 8, channels = 16, schedule = #weft.schedule<parallel = time, gather = sweep, vector = 16, tile = [256]>} : tensor<64x256xbf16> -> tensor<16x520xbf16>
  return %y : tensor<16x520xbf16>
}

// -----

// The same shape in f32 with vectors of 16: each vector spans a cache line and y's rows start on
// 32 bytes wherever y does, so the sums go straight to y (no tile): a whole vector streamed,
// declaring the alignment where y's start passed the test, else without; the last, partial
// vector of a row lane by lane.
// CHECK-LABEL: func.func @sweep_direct(
// CHECK-SAME: %[[COLS:.*]]: memref<?xf32>, %[[Y:.*]]: memref<?xf32>
// CHECK-NOT: memref.alloca
// CHECK: memref.extract_aligned_pointer_as_index %[[Y]]
// CHECK: vector.store %{{.*}}, %[[Y]][%{{.*}}] {alignment = 32 : i64, nontemporal = true} : memref<?xf32>, vector<16xf32>
// CHECK: vector.store %{{.*}}, %[[Y]][%{{.*}}] {nontemporal = true} : memref<?xf32>, vector<16xf32>
// CHECK: vector.extract %{{.*}}[0] : f32 from vector<16xf32>
// CHECK-NEXT: memref.store %{{.*}}, %[[Y]]
func.func @sweep_direct(%x: tensor<2048x8192xf32>) -> tensor<512x16392xf32> {
  %y = weft.col2im_1d %x {stride = 8, channels = 512, schedule = #weft.schedule<parallel = time, gather = sweep, vector = 16, tile = [256]>} : tensor<2048x8192xf32> -> tensor<512x16392xf32>
  return %y : tensor<512x16392xf32>
}

// -----

// The same shape in f16: a vector of 16 is half a cache line, so each channel sums and stores
// two vectors of 16 back to back (the step of the time loop is 32, the next two vectors' four
// rows prefetched) and the lines fill whole; y's rows start on 16 bytes.
// CHECK-LABEL: func.func @sweep_direct_two_vectors(
// CHECK-SAME: %[[COLS:.*]]: memref<?xf16>, %[[Y:.*]]: memref<?xf16>
// CHECK-NOT: memref.alloca
// CHECK: scf.for %{{.*}} step %c32
// CHECK-COUNT-4: memref.prefetch %[[COLS]]
// CHECK-COUNT-2: vector.store %{{.*}}, %[[Y]][%{{.*}}] {alignment = 16 : i64, nontemporal = true} : memref<?xf16>, vector<16xf16>
func.func @sweep_direct_two_vectors(%x: tensor<2048x8192xf16>) -> tensor<512x16392xf16> {
  %y = weft.col2im_1d %x {stride = 8, channels = 512, schedule = #weft.schedule<parallel = time, gather = sweep, vector = 16, tile = [256]>} : tensor<2048x8192xf16> -> tensor<512x16392xf16>
  return %y : tensor<512x16392xf16>
}

// -----

// Row sweep over channel blocks: each item loops over the time tiles of its channels; K = 5
// gives a vector<4> and a scalar piece.
// CHECK: @sweep_channel(128 / 16)
// CHECK-LABEL: func.func @sweep_channel(
// CHECK: scf.parallel
// CHECK: memref.alloca() {alignment = 64 : i64} : memref<32640xf32>
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %{{.*}} step %c2024
// CHECK: vector.load %{{.*}} : memref<?xf32>, vector<4xf32>
// CHECK: vector.store %{{.*}} : memref<32640xf32>, vector<4xf32>
// CHECK: memref.load %{{.*}} : memref<?xf32>
// CHECK: memref.store %{{.*}} : memref<32640xf32>
func.func @sweep_channel(%x: tensor<?x640xf32>) -> tensor<128x?xf32> {
  %y = weft.col2im_1d %x {stride = 2, channels = 128, schedule = #weft.schedule<parallel = channel, gather = sweep, tile = [16]>} : tensor<?x640xf32> -> tensor<128x?xf32>
  return %y : tensor<128x?xf32>
}

// -----

// No tile given and all 128 channels fit a tile of 232 times (rows of 248 floats: 8 lead columns,
// 232 times, 3 halo columns, padded): one block of whole cols rows per tile, read contiguously.
// K = 2s and a vector<8> holds two channels' K-runs: away from T_out's ends (scf.if) each block
// of two channels prefetches the next vector's four rows, loads five rows whole, takes taps
// [s, K) of rows g-1, g and [0, s) of rows g, g+1 per pair of rows, and transposes the two
// channels' 4-lane blocks; the other channels (all of them at T_out's ends) go one by one,
// joining 2-float runs of rows read through a select. y's rows start off every 16 bytes, where
// no vector streaming store fits: the tile is rounded to y per channel lane by lane up to y's next
// cache line, then in aligned streaming vectors read from the tile at that offset, then the tail.
// CHECK: @sweep_whole_rows(128 / 128, 131074 / 232)
// CHECK-LABEL: func.func @sweep_whole_rows(
// CHECK-SAME: %[[Y:[^:]*]]: memref<?xf32>, %{{[^:]*}}: memref<?xi64>)
// CHECK: memref.alloca() {alignment = 64 : i64} : memref<31744xf32>
// CHECK-NOT: nontemporal
// CHECK: scf.if
// CHECK: scf.for %{{.*}} step %c2
// CHECK-COUNT-4: memref.prefetch %{{.*}}, read, locality<3>, data : memref<?xf32>
// CHECK-COUNT-5: vector.load %{{.*}} : memref<?xf32>, vector<8xf32>
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [2, 3, 10, 11, 6, 7, 14, 15] : vector<8xf32>, vector<8xf32>
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 8, 9, 4, 5, 12, 13] : vector<8xf32>, vector<8xf32>
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3, 8, 9, 10, 11] : vector<8xf32>, vector<8xf32>
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [4, 5, 6, 7, 12, 13, 14, 15] : vector<8xf32>, vector<8xf32>
// CHECK: %[[FROM:.*]] = arith.select %{{.*}}, %{{.*}}, %{{.*}} : index
// CHECK: scf.for %{{.*}} = %[[FROM]] to
// CHECK: arith.select %{{.*}} : vector<2xf32>
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3] : vector<2xf32>, vector<2xf32>
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3, 4, 5, 6, 7] : vector<4xf32>, vector<4xf32>
// CHECK-NOT: nontemporal
// CHECK: %[[START:.*]] = memref.extract_aligned_pointer_as_index %[[Y]]
// CHECK: scf.for
// CHECK: arith.remui %{{.*}}, %c64
// CHECK: arith.remui %{{.*}}, %c64
// CHECK: %[[HEAD:.*]] = arith.minsi
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %[[HEAD]] step %c1
// CHECK: memref.store %{{.*}}, %[[Y]][%{{.*}}] : memref<?xf32>
// CHECK: scf.for %{{.*}} = %[[HEAD]] to %[[BODY:[^ ]*]] step %c8
// CHECK: vector.store %{{.*}}, %[[Y]][%{{.*}}] {alignment = 32 : i64, nontemporal = true} : memref<?xf32>, vector<8xf32>
// CHECK: scf.for %{{.*}} = %[[BODY]] to
// CHECK: memref.store %{{.*}}, %[[Y]][%{{.*}}] : memref<?xf32>
// CHECK: return
func.func @sweep_whole_rows(%x: tensor<65536x512xf32>) -> tensor<128x131074xf32> {
  %y = weft.col2im_1d %x {stride = 2, channels = 128, schedule = #weft.schedule<parallel = time, gather = sweep, vector = 8>} : tensor<65536x512xf32> -> tensor<128x131074xf32>
  return %y : tensor<128x131074xf32>
}

// -----

// Bounded gather: per output, t_in over a computed range (no modulo); one output per inner thread.
// CHECK: @bounded_time(4 / 1, 34 / 8)
// CHECK-LABEL: func.func @bounded_time(
// CHECK: scf.parallel
// CHECK: scf.parallel
// CHECK: arith.ceildivsi
// CHECK: arith.floordivsi
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (f32)
// CHECK: memref.load
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: arith.addf
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK-NOT: arith.remsi
// CHECK-NOT: memref.alloca
func.func @bounded_time(%x: tensor<11x24xbf16>) -> tensor<4x34xbf16> {
  %y = weft.col2im_1d %x {stride = 3, channels = 4, padding = 1, schedule = #weft.schedule<parallel = time, gather = bounded, tile = [8]>} : tensor<11x24xbf16> -> tensor<4x34xbf16>
  return %y : tensor<4x34xbf16>
}

// -----

// Full-K scan over channel blocks, batched: taps K-1 down to 0, kept when s divides a - k; the
// K = 4 taps are unrolled (straight-line, the running sum threaded through).
// CHECK: @scan_channel(2 / 1, 3 / 2)
// CHECK-LABEL: func.func @scan_channel(
// CHECK: scf.parallel
// CHECK: scf.parallel
// CHECK: scf.for
// CHECK-NOT: scf.for
// CHECK: arith.remsi
// CHECK: %[[S3:.*]] = scf.if %{{.*}} -> (f32)
// CHECK: arith.remsi
// CHECK: %[[S2:.*]] = scf.if %{{.*}} -> (f32)
// CHECK: scf.yield %[[S3]] : f32
// CHECK: arith.remsi
// CHECK: scf.if %{{.*}} -> (f32)
// CHECK: arith.remsi
// CHECK: scf.if %{{.*}} -> (f32)
// CHECK-NOT: scf.if
// CHECK: memref.store
func.func @scan_channel(%x: tensor<2x7x12xf32>) -> tensor<2x3x16xf32> {
  %y = weft.col2im_1d %x {stride = 2, channels = 3, schedule = #weft.schedule<parallel = channel, gather = scan, tile = [2]>} : tensor<2x7x12xf32> -> tensor<2x3x16xf32>
  return %y : tensor<2x3x16xf32>
}
