// A hand-written program in the loop-level contract form (lowering/ProgramBuilder.h): concat of
// two strided 1-D views, read through the parameter block (extent, stride per buffer).
module attributes {weft.programs = {cat = #weft.program<concat {axis = 0}, inputs = [tensor<?xf32>, tensor<?xf32>], outputs = [tensor<?xf32>], launches = [@cat(params[4] / 1)]>}} {
  func.func @cat(%a: memref<?xf32>, %b: memref<?xf32>, %out: memref<?xf32>, %params: memref<?xi64>) attributes {weft.kernel} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c3 = arith.constant 3 : index
    %c4 = arith.constant 4 : index
    %na = memref.load %params[%c0] : memref<?xi64>
    %sa = memref.load %params[%c1] : memref<?xi64>
    %sb = memref.load %params[%c3] : memref<?xi64>
    %n = memref.load %params[%c4] : memref<?xi64>
    %nai = arith.index_cast %na : i64 to index
    %sai = arith.index_cast %sa : i64 to index
    %sbi = arith.index_cast %sb : i64 to index
    %grid = arith.index_cast %n : i64 to index
    scf.parallel (%g) = (%c0) to (%grid) step (%c1) {
      %inA = arith.cmpi slt, %g, %nai : index
      %v = scf.if %inA -> f32 {
        %i = arith.muli %g, %sai : index
        %x = memref.load %a[%i] : memref<?xf32>
        scf.yield %x : f32
      } else {
        %j = arith.subi %g, %nai : index
        %i = arith.muli %j, %sbi : index
        %x = memref.load %b[%i] : memref<?xf32>
        scf.yield %x : f32
      }
      memref.store %v, %out[%g] : memref<?xf32>
      scf.reduce
    }
    return
  }
}
