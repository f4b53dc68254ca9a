// The C++ printer on hand-written loop-level kernels (the contract of lowering/ProgramBuilder.h,
// after weft-cpu-grid-to-range): signatures and bindings, names, scf, scratch, vectors, f16/bf16.
// REQUIRES: weft-translate
// RUN: weft-translate --weft-to-cpp --split-input-file %s | FileCheck %s

// Buffers bind in ABI order; read-only ones are const, unused ones are not bound, and unused
// parameters keep their names in comments. params[0] read at a constant slot is named p0.
// CHECK-LABEL: extern "C" void copy(void* const* bufs, const int64_t* params, int64_t begin, int64_t end) {
// CHECK-NEXT:    const float* __restrict b0 = static_cast<const float*>(bufs[0]);
// CHECK-NEXT:    float* __restrict b2 = static_cast<float*>(bufs[2]);
// CHECK-NEXT:    const int64_t p0 = params[0];
// CHECK-NEXT:    const int64_t t0 = weft::maxsi<int64_t>(begin, 0);
// CHECK-NEXT:    const int64_t t1 = weft::minsi<int64_t>(end, p0);
// CHECK-NEXT:    // scf.for over this call's grid items
// CHECK-NEXT:    for (int64_t g = t0; g < t1; ++g) {
// CHECK-NEXT:      const float ld0 = b0[g];
// CHECK-NEXT:      b2[g] = ld0;
// CHECK-NEXT:    }
// CHECK-NEXT:  }
func.func @copy(%b0: memref<?xf32>, %b1: memref<?xf32>, %b2: memref<?xf32>, %params: memref<?xi64>,
                %begin: index, %end: index) attributes {weft.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %p = memref.load %params[%c0] : memref<?xi64>
  %n = arith.index_cast %p : i64 to index
  %lo = arith.maxsi %begin, %c0 : index
  %hi = arith.minsi %end, %n : index
  scf.for %g = %lo to %hi step %c1 {
    %dead = memref.load %b1[%g] : memref<?xf32>
    %x = memref.load %b0[%g] : memref<?xf32>
    memref.store %x, %b2[%g] : memref<?xf32>
  }
  return
}

// -----

// Loop-carried values are mutable locals read after the loop; a yield that swaps them copies
// first. Functions without weft.kernel are not printed.
// CHECK-NOT: helper
// CHECK-LABEL: extern "C" void fib(void* const* bufs, const int64_t* /*params*/, int64_t begin, int64_t end) {
// CHECK:         for (int64_t g = begin; g < end; ++g) {
// CHECK-NEXT:      // scf.for
// CHECK-NEXT:      int32_t acc0 = 0;
// CHECK-NEXT:      int32_t acc1 = 1;
// CHECK-NEXT:      for (int64_t i0 = 0; i0 < g; i0 += 2) {
// CHECK-NEXT:        const int32_t t0 = acc0 + acc1;
// CHECK-NEXT:        const int32_t next0 = acc1;
// CHECK-NEXT:        const int32_t next1 = t0;
// CHECK-NEXT:        acc0 = next0;
// CHECK-NEXT:        acc1 = next1;
// CHECK-NEXT:      }
// CHECK-NEXT:      b0[g] = acc0;
func.func @helper() {
  return
}
func.func @fib(%b0: memref<?xi32>, %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %i0 = arith.constant 0 : i32
  %i1 = arith.constant 1 : i32
  scf.for %g = %begin to %end step %c1 {
    %r:2 = scf.for %i = %c0 to %g step %c2 iter_args(%a = %i0, %b = %i1) -> (i32, i32) {
      %s = arith.addi %a, %b : i32
      scf.yield %b, %s : i32, i32
    }
    memref.store %r#0, %b0[%g] : memref<?xi32>
  }
  return
}

// -----

// scf.if with a result, nested scf.parallel as serial loops, and a 2-D scratch tile indexed
// row-major (constant indices folded).
// CHECK-LABEL: extern "C" void tile(
// CHECK:           // memref.alloca: memref<4x8xf32>
// CHECK-NEXT:      alignas(64) float s0[32];
// CHECK-NEXT:      // scf.parallel, run serially
// CHECK-NEXT:      for (int64_t i0 = 0; i0 < 4; ++i0) {
// CHECK-NEXT:        for (int64_t i1 = 0; i1 < 8; ++i1) {
// CHECK-NEXT:          const bool t0 = i0 < i1;
// CHECK-NEXT:          float r0; // scf.if result
// CHECK-NEXT:          if (t0) {
// CHECK-NEXT:            const float ld0 = b0[i1];
// CHECK-NEXT:            r0 = ld0;
// CHECK-NEXT:          } else {
// CHECK-NEXT:            r0 = 0.0f;
// CHECK-NEXT:          }
// CHECK-NEXT:          s0[i0 * 8 + i1] = r0;
// CHECK-NEXT:        }
// CHECK-NEXT:      }
// CHECK-NEXT:      const float ld1 = s0[g + 8];
// CHECK-NEXT:      b1[g] = ld1;
func.func @tile(%b0: memref<?xf32>, %b1: memref<?xf32>, %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  scf.for %g = %begin to %end step %c1 {
    %s = memref.alloca() : memref<4x8xf32>
    scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
      %lt = arith.cmpi slt, %i, %j : index
      %v = scf.if %lt -> (f32) {
        %x = memref.load %b0[%j] : memref<?xf32>
        scf.yield %x : f32
      } else {
        scf.yield %zero : f32
      }
      memref.store %v, %s[%i, %j] : memref<4x8xf32>
      scf.reduce
    }
    %y = memref.load %s[%c1, %g] : memref<4x8xf32>
    memref.store %y, %b1[%g] : memref<?xf32>
  }
  return
}

// -----

// Vectors are weft::Vec; splat constants broadcast; f16/bf16 vectors convert through weft_vec.h.
// CHECK-LABEL: extern "C" void axpy(
// CHECK:         const int64_t p3 = params[3];
// CHECK-NEXT:    const float t0 = (float)p3;
// CHECK:           const int64_t t1 = g * 8;
// CHECK-NEXT:      const weft::Vec<weft::f16, 8> v0 = weft::Vec<weft::f16, 8>::load(b0 + t1);
// CHECK-NEXT:      const weft::Vec<float, 8> v1 = weft::f16_to_f32(v0);
// CHECK-NEXT:      const weft::Vec<float, 8> v2 = weft::Vec<float, 8>::broadcast(t0);
// CHECK-NEXT:      const weft::Vec<float, 8> v3 = weft::fma(v1, v2, weft::Vec<float, 8>::broadcast(0.5f));
// CHECK-NEXT:      const weft::Vec<float, 8> v4 = v3 * v3;
// CHECK-NEXT:      const weft::Vec<weft::bf16, 8> v5 = weft::f32_to_bf16(v4);
// CHECK-NEXT:      v5.store(b1 + t1);
func.func @axpy(%b0: memref<?xf16>, %b1: memref<?xbf16>, %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %half = arith.constant dense<0.5> : vector<8xf32>
  %c3 = arith.constant 3 : index
  %p = memref.load %params[%c3] : memref<?xi64>
  %pf = arith.sitofp %p : i64 to f32
  scf.for %g = %begin to %end step %c1 {
    %base = arith.muli %g, %c8 : index
    %h = vector.load %b0[%base] : memref<?xf16>, vector<8xf16>
    %x = arith.extf %h : vector<8xf16> to vector<8xf32>
    %a = vector.broadcast %pf : f32 to vector<8xf32>
    %y = vector.fma %x, %a, %half : vector<8xf32>
    %z = arith.mulf %y, %y : vector<8xf32>
    %o = arith.truncf %z : vector<8xf32> to vector<8xbf16>
    vector.store %o, %b1[%base] : memref<?xbf16>, vector<8xbf16>
  }
  return
}

// -----

// f16/bf16 scalars are storage types: arithmetic widens to f32 and rounds back, as LLVM does on
// CPUs. Constants of any float type are exact; Inf and NaN are spelled by their bits.
// CHECK-LABEL: extern "C" void halves(
// CHECK:           const weft::f16 ld0 = b0[g];
// CHECK-NEXT:      const weft::f16 t0 = weft::f32_to_f16(weft::f16_to_f32(ld0) * weft::f16_to_f32(ld0));
// CHECK-NEXT:      const weft::f16 t1 = weft::f32_to_f16(weft::f16_to_f32(t0) + weft::f16_to_f32(weft::f32_to_f16(0.099975586f)));
// CHECK-NEXT:      const float t2 = weft::f16_to_f32(t1);
// CHECK-NEXT:      const bool t3 = !(t2 <= weft::bits_to_f32(0x7f800000u));
// CHECK-NEXT:      const float t4 = t3 ? weft::bits_to_f32(0x7fc00000u) : t2;
// CHECK-NEXT:      const weft::bf16 t5 = weft::f32_to_bf16(t4);
// CHECK-NEXT:      const weft::bf16 t6 = weft::f32_to_bf16(-weft::bf16_to_f32(t5));
// CHECK-NEXT:      b1[g] = t6;
func.func @halves(%b0: memref<?xf16>, %b1: memref<?xbf16>, %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  %c1 = arith.constant 1 : index
  %tenth = arith.constant 0.1 : f16
  %inf = arith.constant 0x7F800000 : f32
  %nan = arith.constant 0x7FC00000 : f32
  scf.for %g = %begin to %end step %c1 {
    %x = memref.load %b0[%g] : memref<?xf16>
    %sq = arith.mulf %x, %x : f16
    %s = arith.addf %sq, %tenth : f16
    %f = arith.extf %s : f16 to f32
    %big = arith.cmpf ugt, %f, %inf : f32
    %v = arith.select %big, %nan, %f : f32
    %b = arith.truncf %v : f32 to bf16
    %n = arith.negf %b : bf16
    memref.store %n, %b1[%g] : memref<?xbf16>
  }
  return
}

// -----

// Integers: signless types print signed; unsigned ops cast; i1 extends to 0/1 or 0/-1;
// index <-> i64 casts need no local.
// CHECK-LABEL: extern "C" void ints(
// CHECK:           const int32_t ld0 = b0[g];
// CHECK-NEXT:      const int32_t t0 = weft::floordivsi<int32_t>(ld0, -3);
// CHECK-NEXT:      const int32_t t1 = (int32_t)((uint32_t)ld0 / (uint32_t)t0);
// CHECK-NEXT:      const int32_t t2 = (int32_t)((uint32_t)t1 >> 2);
// CHECK-NEXT:      const bool t3 = (uint32_t)t2 < (uint32_t)ld0;
// CHECK-NEXT:      const int32_t t4 = -(int32_t)t3;
// CHECK-NEXT:      const int64_t t5 = (int64_t)(uint32_t)t4;
// CHECK-NEXT:      const int8_t t6 = (int8_t)t5;
// CHECK-NEXT:      const int64_t t7 = (int64_t)t6;
// CHECK-NEXT:      b1[g] = t7;
// CHECK-NEXT:      const int64_t p2 = params[2];
// CHECK-NEXT:      b1[p2] = INT64_C(4294967296);
func.func @ints(%b0: memref<?xi32>, %b1: memref<?xi64>, %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %m3 = arith.constant -3 : i32
  %two = arith.constant 2 : i32
  %big = arith.constant 4294967296 : i64
  scf.for %g = %begin to %end step %c1 {
    %x = memref.load %b0[%g] : memref<?xi32>
    %q = arith.floordivsi %x, %m3 : i32
    %u = arith.divui %x, %q : i32
    %s = arith.shrui %u, %two : i32
    %lt = arith.cmpi ult, %s, %x : i32
    %e = arith.extsi %lt : i1 to i32
    %w = arith.extui %e : i32 to i64
    %t = arith.trunci %w : i64 to i8
    %t64 = arith.extsi %t : i8 to i64
    memref.store %t64, %b1[%g] : memref<?xi64>
    %p = memref.load %params[%c2] : memref<?xi64>
    %pi = arith.index_cast %p : i64 to index
    memref.store %big, %b1[%pi] : memref<?xi64>
  }
  return
}

// -----

// Integer vectors convert lane by lane (weft::convert, as C converts scalars): an i8 dot product
// accumulated in i32, as matmul does for i8.
// CHECK-LABEL: extern "C" void dot_i8(
// CHECK:           const weft::Vec<int8_t, 8> v0 = weft::Vec<int8_t, 8>::load(b0 + t0);
// CHECK-NEXT:      const weft::Vec<int32_t, 8> v1 = weft::convert<int32_t>(v0);
// CHECK-NEXT:      const weft::Vec<int32_t, 8> v2 = weft::convert<int32_t>(weft::convert<uint8_t>(v0));
// CHECK-NEXT:      const weft::Vec<int32_t, 8> v3 = v1 * v2;
// CHECK-NEXT:      const weft::Vec<float, 8> v4 = weft::convert<float>(v3);
// CHECK-NEXT:      const weft::Vec<weft::f16, 8> v5 = weft::f32_to_f16(weft::convert<float>(v3));
// CHECK-NEXT:      const int64_t t1 = weft::ceildivui<int64_t>(g, 3);
func.func @dot_i8(%b0: memref<?xi8>, %b1: memref<?xf32>, %b2: memref<?xf16>, %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c8 = arith.constant 8 : index
  scf.for %g = %begin to %end step %c1 {
    %base = arith.muli %g, %c8 : index
    %x = vector.load %b0[%base] : memref<?xi8>, vector<8xi8>
    %s = arith.extsi %x : vector<8xi8> to vector<8xi32>
    %u = arith.extui %x : vector<8xi8> to vector<8xi32>
    %p = arith.muli %s, %u : vector<8xi32>
    %f = arith.sitofp %p : vector<8xi32> to vector<8xf32>
    %h = arith.sitofp %p : vector<8xi32> to vector<8xf16>
    %o = arith.ceildivui %g, %c3 : index
    vector.store %f, %b1[%o] : memref<?xf32>, vector<8xf32>
    vector.store %h, %b2[%o] : memref<?xf16>, vector<8xf16>
  }
  return
}

// -----

// Streaming stores: a nontemporal vector store that declares 16 bytes or more of alignment is
// weft::stream of that alignment; one that declares less stores plainly. A buffer's address
// (memref.extract_aligned_pointer_as_index) is its pointer as an integer.
// CHECK-LABEL: extern "C" void stream(
// CHECK:         const int64_t t{{[0-9]+}} = static_cast<int64_t>(reinterpret_cast<uintptr_t>(b1));
// CHECK:         weft::stream<32>(v0, b1 + g);
// CHECK:         v0.store(b1 + g);
func.func @stream(%b0: memref<?xf32>, %b1: memref<?xf32>, %params: memref<?xi64>,
                  %begin: index, %end: index) attributes {weft.kernel} {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c0 = arith.constant 0 : index
  %address = memref.extract_aligned_pointer_as_index %b1 : memref<?xf32> -> index
  %rem = arith.remui %address, %c64 : index
  %aligned = arith.cmpi eq, %rem, %c0 : index
  scf.for %g = %begin to %end step %c1 {
    %v = vector.load %b0[%g] : memref<?xf32>, vector<16xf32>
    scf.if %aligned {
      vector.store %v, %b1[%g] {nontemporal = true, alignment = 32} : memref<?xf32>, vector<16xf32>
    } else {
      vector.store %v, %b1[%g] {nontemporal = true} : memref<?xf32>, vector<16xf32>
    }
  }
  return
}

// -----

// A vector.shuffle that concatenates two vectors (col2im's sweep by phases joins its runs) is
// weft::join; the select of a whole vector by a scalar condition is a conditional expression.
// CHECK-LABEL: extern "C" void join(
// CHECK:         const weft::Vec<weft::f16, 8> v0 = weft::Vec<weft::f16, 8>::load(b0 + g);
// CHECK:         const weft::Vec<weft::f16, 8> v1 = weft::Vec<weft::f16, 8>::load(b0 + t{{[0-9]+}});
// CHECK:         const weft::Vec<weft::f16, 8> v2 = t{{[0-9]+}} ? v1 : weft::Vec<weft::f16, 8>::broadcast(weft::f32_to_f16(0.0f));
// CHECK:         const weft::Vec<weft::f16, 16> v3 = weft::join(v0, v2);
// CHECK:         const weft::Vec<float, 16> v4 = weft::f16_to_f32(v3);
func.func @join(%b0: memref<?xf16>, %b1: memref<?xf32>, %params: memref<?xi64>,
                %begin: index, %end: index) attributes {weft.kernel} {
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant dense<0.0> : vector<8xf16>
  scf.for %g = %begin to %end step %c1 {
    %next = arith.addi %g, %c8 : index
    %inside = arith.cmpi slt, %next, %end : index
    %lo = vector.load %b0[%g] : memref<?xf16>, vector<8xf16>
    %hi = vector.load %b0[%next] : memref<?xf16>, vector<8xf16>
    %kept = arith.select %inside, %hi, %zero : vector<8xf16>
    %both = vector.shuffle %lo, %kept [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] : vector<8xf16>, vector<8xf16>
    %wide = arith.extf %both : vector<16xf16> to vector<16xf32>
    vector.store %wide, %b1[%g] : memref<?xf32>, vector<16xf32>
  }
  return
}

// -----

// Any other shuffle of two vectors of one type is weft::shuffle with the lanes as template
// arguments, vector.interleave (what canonicalization makes of an alternating shuffle) the same
// with its lanes spelled out; memref.prefetch is __builtin_prefetch of the element's address
// (col2im's sweep by whole rows, rowBlockSums).
// CHECK-LABEL: extern "C" void lanes(
// CHECK:         __builtin_prefetch(b0 + t{{[0-9]+}});
// CHECK:         const weft::Vec<float, 4> v2 = weft::shuffle<3, 6, 1, 4>(v0, v1);
// CHECK:         const weft::Vec<float, 8> v3 = weft::shuffle<0, 4, 1, 5, 2, 6, 3, 7>(v0, v2);
func.func @lanes(%b0: memref<?xf32>, %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  scf.for %g = %begin to %end step %c1 {
    %ahead = arith.addi %g, %c64 : index
    memref.prefetch %b0[%ahead], read, locality<3>, data : memref<?xf32>
    %next = arith.addi %g, %c4 : index
    %v = vector.load %b0[%g] : memref<?xf32>, vector<4xf32>
    %w = vector.load %b0[%next] : memref<?xf32>, vector<4xf32>
    %r = vector.shuffle %v, %w [3, 6, 1, 4] : vector<4xf32>, vector<4xf32>
    %i = vector.interleave %v, %r : vector<4xf32> -> vector<8xf32>
    vector.store %i, %b0[%g] : memref<?xf32>, vector<8xf32>
  }
  return
}
