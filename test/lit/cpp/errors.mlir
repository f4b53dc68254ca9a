// What the C++ printer refuses, each with a diagnostic naming the op or rule, never a crash.
// REQUIRES: weft-translate
// RUN: weft-translate --weft-to-cpp --split-input-file --verify-diagnostics %s

// expected-error @+1 {{kernel 'no_range' has no [begin, end) arguments: run weft-cpu-grid-to-range first}}
func.func @no_range(%b0: memref<?xf32>, %params: memref<?xi64>) attributes {weft.kernel} {
  return
}

// -----

// expected-error @+1 {{kernel 'strided': argument 0 is not a buffer}}
func.func @strided(%b0: memref<?x4xf32>, %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  return
}

// -----

func.func @bitcast(%b0: memref<?xi32>, %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  %c1 = arith.constant 1 : index
  scf.for %g = %begin to %end step %c1 {
    %x = memref.load %b0[%g] : memref<?xi32>
    // expected-error @+1 {{C-family printer: unsupported op 'arith.bitcast'}}
    %f = arith.bitcast %x : i32 to f32
    %y = arith.fptosi %f : f32 to i32
    memref.store %y, %b0[%g] : memref<?xi32>
  }
  return
}

// -----

func.func @vector_compare(%b0: memref<?xf32>, %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  %c1 = arith.constant 1 : index
  scf.for %g = %begin to %end step %c1 {
    %v = vector.load %b0[%g] : memref<?xf32>, vector<8xf32>
    // expected-error @+1 {{C-family printer: unsupported op 'arith.cmpf' on vectors}}
    %m = arith.cmpf olt, %v, %v : vector<8xf32>
    %s = arith.select %m, %v, %v : vector<8xi1>, vector<8xf32>
    vector.store %s, %b0[%g] : memref<?xf32>, vector<8xf32>
  }
  return
}

// -----

func.func @fast_math(%b0: memref<?xf32>, %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  %c1 = arith.constant 1 : index
  scf.for %g = %begin to %end step %c1 {
    %x = memref.load %b0[%g] : memref<?xf32>
    // expected-error @+1 {{C-family printer: unsupported fast-math flags on op 'arith.mulf'}}
    %y = arith.mulf %x, %x fastmath<contract> : f32
    memref.store %y, %b0[%g] : memref<?xf32>
  }
  return
}

// -----

func.func @sitofp_bf16(%b0: memref<?xi32>, %b1: memref<?xbf16>, %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  %c1 = arith.constant 1 : index
  scf.for %g = %begin to %end step %c1 {
    %x = memref.load %b0[%g] : memref<?xi32>
    // expected-error @+1 {{C-family printer: unsupported op 'arith.sitofp' to 'bf16' (it would round twice)}}
    %y = arith.sitofp %x : i32 to bf16
    memref.store %y, %b1[%g] : memref<?xbf16>
  }
  return
}

// -----

func.func @rounding(%b0: memref<?xf32>, %b1: memref<?xf16>, %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  %c1 = arith.constant 1 : index
  scf.for %g = %begin to %end step %c1 {
    %x = memref.load %b0[%g] : memref<?xf32>
    // expected-error @+1 {{C-family printer: unsupported rounding mode toward_zero}}
    %y = arith.truncf %x toward_zero : f32 to f16
    memref.store %y, %b1[%g] : memref<?xf16>
  }
  return
}

// -----

func.func @odd_vector(%b0: memref<?xf32>, %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  %c1 = arith.constant 1 : index
  scf.for %g = %begin to %end step %c1 {
    // expected-error @+1 {{C-family printer: unsupported type 'vector<3xf32>'}}
    %v = vector.load %b0[%g] : memref<?xf32>, vector<3xf32>
    vector.store %v, %b0[%g] : memref<?xf32>, vector<3xf32>
  }
  return
}

// -----

func.func @non_splat(%b0: memref<?xf32>, %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{C-family printer: unsupported vector constant that is not a splat}}
  %k = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : vector<4xf32>
  scf.for %g = %begin to %end step %c1 {
    vector.store %k, %b0[%g] : memref<?xf32>, vector<4xf32>
  }
  return
}

// -----

func.func @reduction(%b0: memref<?xf32>, %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  scf.for %g = %begin to %end step %c1 {
    // expected-error @+1 {{C-family printer: unsupported scf.parallel with reductions}}
    %s = scf.parallel (%i) = (%c0) to (%g) step (%c1) init (%zero) -> f32 {
      %x = memref.load %b0[%i] : memref<?xf32>
      scf.reduce(%x : f32) {
      ^bb0(%l: f32, %r: f32):
        %a = arith.addf %l, %r : f32
        scf.reduce.return %a : f32
      }
    }
    memref.store %s, %b0[%g] : memref<?xf32>
  }
  return
}

// -----

func.func @subview(%b0: memref<?xf32>, %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %g = %begin to %end step %c1 {
    // expected-error @+1 {{C-family printer: unsupported op 'memref.subview'}}
    %v = memref.subview %b0[%g][4][1] : memref<?xf32> to memref<4xf32, strided<[1], offset: ?>>
    %x = memref.load %v[%c0] : memref<4xf32, strided<[1], offset: ?>>
    memref.store %x, %b0[%g] : memref<?xf32>
  }
  return
}

// -----

// Workgroup memory and barriers are GPU kernels' (weft-gpu-map-grid makes them).
// expected-error @+1 {{kernel 'shared' uses workgroup memory, which only GPU kernels have}}
func.func @shared(%b0: memref<?xf32>, %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  %c0 = arith.constant 0 : index
  %w = memref.alloca() : memref<4xf32, #gpu.address_space<workgroup>>
  %x = memref.load %b0[%c0] : memref<?xf32>
  memref.store %x, %w[%c0] : memref<4xf32, #gpu.address_space<workgroup>>
  %y = memref.load %w[%c0] : memref<4xf32, #gpu.address_space<workgroup>>
  memref.store %y, %b0[%c0] : memref<?xf32>
  return
}

// -----

func.func @barrier(%b0: memref<?xf32>, %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  // expected-error @+1 {{C-family printer: unsupported gpu.barrier: the language has no workgroup}}
  gpu.barrier
  return
}

// -----

func.func @shuffle(%b0: memref<?xf32>, %params: memref<?xi64>, %begin: index, %end: index) attributes {weft.kernel} {
  %c1 = arith.constant 1 : index
  scf.for %g = %begin to %end step %c1 {
    %v = vector.load %b0[%g] : memref<?xf32>, vector<4xf32>
    %w = vector.load %b0[%g] : memref<?xf32>, vector<2xf32>
    // expected-error @+1 {{C-family printer: unsupported vector.shuffle of two vectors that are not 1-D of one type}}
    %r = vector.shuffle %v, %w [5, 2, 1, 0] : vector<4xf32>, vector<2xf32>
    vector.store %r, %b0[%g] : memref<?xf32>, vector<4xf32>
  }
  return
}
