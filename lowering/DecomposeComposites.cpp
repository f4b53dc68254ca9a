// weft-decompose-composites: the composite ops become the ops that define them (shared/ops.md).
//   conv1d(x, w)            -> y = matmul(collapse(w), im2col_1d(x)) {transpose_b}
//   conv_transpose_1d(x, w) -> y = col2im_1d(matmul(x, collapse(w)) {transpose_a})
// The weights are reshaped with tensor.collapse_shape [[0], [1, 2]], a free view once lowered to
// flat buffers. Every intermediate type comes from the shared rules (weft/OpRules.h), so the new
// ops are what the verifiers accept, and a combination the parts cannot express is reported on
// the composite instead of failing later. The composite's schedule is split: each part gets the
// fields that apply to it; parts left without any are filled by weft-resolve-schedule.
#include "lowering/Passes.h"

#include "dialects/weft/WeftOps.h"

#include "llvm/ADT/TypeSwitch.h"

namespace weft {
#define GEN_PASS_DEF_WEFTDECOMPOSECOMPOSITES
#include "lowering/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

/// The fields of a composite's schedule that apply to its part `part` (a rule op name): matmul
/// takes parallel = rows, mma, a 3-extent tile and unroll; im2col_1d / col2im_1d take parallel = time
/// or channel and a 1-extent tile; both take vector and workgroup. Null when none applies.
ScheduleAttr partSchedule(ScheduleAttr s, StringRef part) {
  if (!s) return {};
  bool mm = part == "matmul";
  std::optional<Parallel> parallel = s.getParallel();
  if (parallel && (*parallel == Parallel::rows) != mm) parallel = std::nullopt;
  ArrayRef<int64_t> tile = s.getTile().size() == (mm ? 3u : 1u) ? s.getTile() : ArrayRef<int64_t>();
  int64_t unroll = mm ? s.getUnroll() : 0;
  std::optional<Mma> mma = mm ? s.getMma() : std::nullopt;
  if (!parallel && tile.empty() && s.getWorkgroup().empty() && !s.getVector() && !unroll && !mma) return {};
  return ScheduleAttr::get(s.getContext(), parallel, std::nullopt, std::nullopt, mma, s.getVector(), tile,
                           s.getWorkgroup(), unroll);
}

/// The result type of rule op `part` on `operands` with `attrs`, its dtype `elem` and, where
/// `declared` is given, its declared extents: inferred and checked by the shared rules; a broken
/// rule is reported on the composite `at`.
FailureOr<RankedTensorType> partType(Operation *at, StringRef part, const Attrs &attrs, ValueRange operands,
                                     Type elem, RankedTensorType declared = {}) {
  std::vector<TensorType> in, out;
  for (Value v : operands) in.push_back(*tensorTypeOf(v.getType()));
  if (declared) out.push_back(*tensorTypeOf(declared));
  std::string err = inferAndCheck(part.str(), attrs, in, out);
  if (err.empty() && !declared) { // shape inferred above; now check the dtype choice
    out[0].dtype = *dtypeOf(elem);
    err = inferAndCheck(part.str(), attrs, in, out);
  }
  if (!err.empty()) return at->emitOpError() << "cannot be decomposed: its " << part << " part breaks a rule: " << err;
  SmallVector<int64_t> shape;
  for (int64_t d : out[0].shape) shape.push_back(d == kDynamic ? ShapedType::kDynamic : d);
  return RankedTensorType::get(shape, elem);
}

/// w[A][B][C] -> [A][B*C]: conv weights as a matrix, taps fastest within each channel.
Value mergeLastTwo(OpBuilder &b, Location loc, Value w) {
  return tensor::CollapseShapeOp::create(b, loc, w, ArrayRef<ReassociationIndices>{{0}, {1, 2}});
}

LogicalResult decompose(Conv1dOp op) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto resultType = cast<RankedTensorType>(op.getType());
  Type wElem = cast<RankedTensorType>(op.getWeight().getType()).getElementType();
  int64_t K = cast<RankedTensorType>(op.getWeight().getType()).getShape()[2];
  int64_t s = op.getStride(), p = op.getPadding(), d = op.getDilation();
  ScheduleAttr sched = op.getScheduleAttr();

  // cols[N][OW][IC*K] in the weights' dtype, so the matmul pairs equal dtypes.
  Attrs im{{"kernel", K}, {"stride", s}, {"padding", p}, {"dilation", d}};
  FailureOr<RankedTensorType> colsType = partType(op, "im2col_1d", im, op.getInput(), wElem);
  if (failed(colsType)) return failure();
  Value cols = Im2Col1dOp::create(b, loc, *colsType, op.getInput(), K, s, p, d, partSchedule(sched, "im2col_1d"));
  Value w = mergeLastTwo(b, loc, op.getWeight());
  // y[N][OC][OW] = w'[OC][IC*K] . cols[N][OW][IC*K]^T; the unbatched w' broadcasts over N.
  Attrs mm{{"transpose_b", 1}};
  if (failed(partType(op, "matmul", mm, {w, cols}, resultType.getElementType(), resultType))) return failure();
  Value y = MatmulOp::create(b, loc, resultType, w, cols, b.getBoolAttr(false), b.getBoolAttr(true),
                             partSchedule(sched, "matmul"));
  op.getResult().replaceAllUsesWith(y);
  op.erase();
  return success();
}

LogicalResult decompose(ConvTranspose1dOp op) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto resultType = cast<RankedTensorType>(op.getType());
  int64_t OC = cast<RankedTensorType>(op.getWeight().getType()).getShape()[1];
  int64_t s = op.getStride(), p = op.getPadding();
  ScheduleAttr sched = op.getScheduleAttr();

  // cols[(N)][T_in][OC*K] = x[(N)][IC][T_in]^T . w'[IC][OC*K], in the result's dtype (col2im_1d
  // keeps its input's dtype).
  Value w = mergeLastTwo(b, loc, op.getWeight());
  Attrs mm{{"transpose_a", 1}};
  FailureOr<RankedTensorType> colsType = partType(op, "matmul", mm, {op.getInput(), w}, resultType.getElementType());
  if (failed(colsType)) return failure();
  Value cols = MatmulOp::create(b, loc, *colsType, op.getInput(), w, b.getBoolAttr(true), b.getBoolAttr(false),
                                partSchedule(sched, "matmul"));
  Attrs fold{{"stride", s}, {"channels", OC}, {"padding", p}};
  if (failed(partType(op, "col2im_1d", fold, cols, resultType.getElementType(), resultType))) return failure();
  Value y = Col2Im1dOp::create(b, loc, resultType, cols, s, OC, p, partSchedule(sched, "col2im_1d"));
  op.getResult().replaceAllUsesWith(y);
  op.erase();
  return success();
}

struct DecomposeCompositesPass : impl::WeftDecomposeCompositesBase<DecomposeCompositesPass> {
  void runOnOperation() override {
    SmallVector<Operation *> composites;
    getOperation().walk([&](Operation *op) {
      if (isa<Conv1dOp, ConvTranspose1dOp>(op)) composites.push_back(op);
    });
    // The program is named after the op the user wrote (one per function; more are rejected by
    // weft-lower-to-loops).
    if (composites.size() == 1) {
      Operation *op = composites.front();
      SmallVector<NamedAttribute> attrs;
      for (NamedAttribute na : op->getAttrs())
        if (isa<IntegerAttr, BoolAttr>(na.getValue())) attrs.push_back(na);
      getOperation()->setAttr("weft.op", StringAttr::get(&getContext(), ruleName(op)));
      getOperation()->setAttr("weft.op_attrs", DictionaryAttr::get(&getContext(), attrs));
    }
    for (Operation *op : composites) {
      LogicalResult done = TypeSwitch<Operation *, LogicalResult>(op)
                               .Case([](Conv1dOp c) { return decompose(c); })
                               .Case([](ConvTranspose1dOp c) { return decompose(c); });
      if (failed(done)) return signalPassFailure();
    }
  }
};

} // namespace
} // namespace weft
