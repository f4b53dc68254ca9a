// What col2im_1d's loop forms share: the op's buffers and geometry as a kernel sees them, and the
// form built in a file of its own (Col2ImLoops.cpp holds the gathers, the GPU forms and the
// schedule defaults; Col2ImSweep.cpp the CPU row sweep).
#pragma once

#include "lowering/LoopHelpers.h"
#include "lowering/ProgramBuilder.h"

namespace weft::lowering::col2im {

/// The CPU's time tile where neither the schedule nor the row sweep's whole rows set one.
constexpr int64_t kDefaultTimeTile = 256;

/// cols[(N)][T_in][OC*K] and y[(N)][OC][T_out] inside one kernel, with the index arithmetic every
/// form shares.
struct Col2Im {
  using Value = mlir::Value;
  using ValueRange = mlir::ValueRange;
  Ix ix;
  int64_t K, s, p, OC, vec;
  bool batched;
  mlir::Type elem;
  Value cols, y, Tin, Tout;

  Value zeroF32() { return mlir::arith::ConstantOp::create(ix.b, ix.loc, ix.b.getF32FloatAttr(0.0f)); }
  Value add(Value x, Value y) { return mlir::arith::AddFOp::create(ix.b, ix.loc, x, y); }

  // Linear index of cols[n][t_in][oc*K + k] (k given as `tap`, an index) and of y[n][oc][t].
  Value colsAt(Value n, Value tIn, Value oc, Value tap) {
    Value row = batched ? ix.add(ix.mul(n, Tin), tIn) : tIn;
    return ix.add(ix.mul(row, OC * K), ix.add(ix.mul(oc, K), tap));
  }
  Value yAt(Value n, Value oc, Value t) {
    Value row = batched ? ix.add(ix.mul(n, OC), oc) : oc;
    return ix.add(ix.mul(row, Tout), t);
  }
  void storeY(Value acc, Value n, Value oc, Value t) {
    mlir::memref::StoreOp::create(ix.b, ix.loc, fromF32(ix.b, ix.loc, acc, elem), y, ValueRange{yAt(n, oc, t)});
  }
  Value loadColsF32(Value at) {
    return toF32(ix.b, ix.loc, mlir::memref::LoadOp::create(ix.b, ix.loc, cols, ValueRange{at}));
  }
};

/// The CPU row sweep, gather = sweep (Col2ImSweep.cpp): `g`'s kernel over `grid` (the batch, if
/// any) and the sweep's channel blocks and time tiles; refused, naming the tile, where its
/// scratch tile would not fit a thread's stack.
mlir::LogicalResult buildRowSweep(KernelBuilder &kb, Col2Im1dOp op, const Col2Im &g, llvm::SmallVector<GridDim> grid,
                                  bool byChannel, int64_t tileLen, int64_t staticTout, const View &out);

/// The row sweep's time tile when the schedule sets none (parallel = time): whole cols rows (all
/// channels: one contiguous read per tile) when a tile long enough fits its scratch; otherwise
/// kDefaultTimeTile, in channel blocks.
int64_t defaultSweepTimeTile(int64_t OC, int64_t K, int64_t vec, int64_t staticTout);

} // namespace weft::lowering::col2im
