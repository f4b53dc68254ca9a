// weft-expand-bf16: arith.truncf f32 -> bf16 and arith.extf bf16 -> f32, scalar or vector, as
// integer arithmetic on the bit patterns (see Passes.td for why and for the NaN rule).
#include "lowering/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace weft {
#define GEN_PASS_DEF_WEFTEXPANDBF16
#include "lowering/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

// `elem` shaped like `like` (a vector of the same lanes, or the scalar).
Type shapedLike(Type like, Type elem) {
  if (auto v = dyn_cast<VectorType>(like)) return VectorType::get(v.getShape(), elem);
  return elem;
}

Value intConstant(OpBuilder &b, Location loc, Type type, int64_t value) {
  Type elem = getElementTypeOrSelf(type);
  auto scalar = IntegerAttr::get(elem, value);
  if (auto v = dyn_cast<VectorType>(type))
    return arith::ConstantOp::create(b, loc, type, DenseElementsAttr::get(v, ArrayRef<Attribute>{scalar}));
  return arith::ConstantOp::create(b, loc, type, scalar);
}

bool isF32ToBf16(Type from, Type to) {
  return getElementTypeOrSelf(from).isF32() && getElementTypeOrSelf(to).isBF16();
}

struct TruncToBf16 : OpRewritePattern<arith::TruncFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::TruncFOp op, PatternRewriter &rw) const override {
    Value in = op.getIn();
    if (!isF32ToBf16(in.getType(), op.getType())) return failure();
    Location loc = op.getLoc();
    Type i32 = shapedLike(in.getType(), rw.getI32Type()), i16 = shapedLike(in.getType(), rw.getI16Type());
    auto c = [&](int64_t v) { return intConstant(rw, loc, i32, v); };
    Value bits = arith::BitcastOp::create(rw, loc, i32, in);
    Value high = arith::ShRUIOp::create(rw, loc, bits, c(16));
    // Round to nearest even: add 0x7fff plus the lowest kept bit, then drop the low half.
    Value lsb = arith::AndIOp::create(rw, loc, high, c(1));
    Value bias = arith::AddIOp::create(rw, loc, lsb, c(0x7fff));
    Value rounded = arith::ShRUIOp::create(rw, loc, arith::AddIOp::create(rw, loc, bits, bias), c(16));
    Value quietNan = arith::OrIOp::create(rw, loc, high, c(0x40));
    Value isNan = arith::CmpFOp::create(rw, loc, arith::CmpFPredicate::UNO, in, in);
    Value chosen = arith::SelectOp::create(rw, loc, isNan, quietNan, rounded);
    Value narrow = arith::TruncIOp::create(rw, loc, i16, chosen);
    rw.replaceOpWithNewOp<arith::BitcastOp>(op, op.getType(), narrow);
    return success();
  }
};

struct ExtFromBf16 : OpRewritePattern<arith::ExtFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::ExtFOp op, PatternRewriter &rw) const override {
    Value in = op.getIn();
    if (!isF32ToBf16(op.getType(), in.getType())) return failure();
    Location loc = op.getLoc();
    Type i32 = shapedLike(in.getType(), rw.getI32Type()), i16 = shapedLike(in.getType(), rw.getI16Type());
    Value bits = arith::BitcastOp::create(rw, loc, i16, in);
    Value wide = arith::ExtUIOp::create(rw, loc, i32, bits);
    Value shifted = arith::ShLIOp::create(rw, loc, wide, intConstant(rw, loc, i32, 16));
    rw.replaceOpWithNewOp<arith::BitcastOp>(op, op.getType(), shifted);
    return success();
  }
};

// x86 without AVX512-BF16 has no bf16 registers: LLVM widens a bf16 select to f32 and narrows it
// back through __truncsfbf2. Choosing between bit patterns needs no arithmetic: select on i16.
struct SelectBf16 : OpRewritePattern<arith::SelectOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::SelectOp op, PatternRewriter &rw) const override {
    Type type = op.getType();
    if (!getElementTypeOrSelf(type).isBF16()) return failure();
    Location loc = op.getLoc();
    Type i16 = shapedLike(type, rw.getI16Type());
    Value a = arith::BitcastOp::create(rw, loc, i16, op.getTrueValue());
    Value b = arith::BitcastOp::create(rw, loc, i16, op.getFalseValue());
    Value chosen = arith::SelectOp::create(rw, loc, op.getCondition(), a, b);
    rw.replaceOpWithNewOp<arith::BitcastOp>(op, type, chosen);
    return success();
  }
};

// bf16 buffers become i16 buffers of the same bits (the ABI passes pointers, so nothing changes
// for the caller); loads and stores bitcast their values. LLVM then moves bf16 data as 16-bit
// integers, never through the f32 widening it uses for bf16 vectors it cannot hold.
Type asI16Storage(Type t) {
  auto m = dyn_cast<MemRefType>(t);
  if (!m || !m.getElementType().isBF16()) return t;
  return MemRefType::get(m.getShape(), IntegerType::get(t.getContext(), 16), m.getLayout(), m.getMemorySpace());
}

void retypeBf16Memory(func::FuncOp fn) {
  if (fn.isExternal()) return;
  // Every memref value of the function changes type at once (arguments, scratch, and whatever
  // carries them: selects, branches, scf results), so the IR stays consistent.
  SmallVector<Value> memrefs;
  fn.walk([&](Block *block) {
    for (BlockArgument a : block->getArguments())
      if (asI16Storage(a.getType()) != a.getType()) memrefs.push_back(a);
  });
  fn.walk([&](Operation *op) {
    for (Value r : op->getResults())
      if (asI16Storage(r.getType()) != r.getType()) memrefs.push_back(r);
  });
  SmallVector<Type> inputs;
  for (Type t : fn.getArgumentTypes()) inputs.push_back(asI16Storage(t));
  fn.setType(FunctionType::get(fn.getContext(), inputs, fn.getResultTypes()));

  OpBuilder b(fn.getContext());
  for (Value m : memrefs) {
    m.setType(asI16Storage(m.getType()));
    for (Operation *user : llvm::make_early_inc_range(m.getUsers())) {
      Location loc = user->getLoc();
      b.setInsertionPoint(user);
      auto toBits = [&](Value v) { return arith::BitcastOp::create(b, loc, shapedLike(v.getType(), b.getI16Type()), v); };
      auto fromBits = [&](Value loaded, Type bf16Type) {
        b.setInsertionPointAfterValue(loaded);
        auto cast = arith::BitcastOp::create(b, loc, bf16Type, loaded);
        loaded.replaceAllUsesExcept(cast, cast);
      };
      if (auto ld = dyn_cast<memref::LoadOp>(user)) {
        if (!ld.getType().isBF16() || ld.getMemref() != m) continue;
        Type old = ld.getType();
        ld.getResult().setType(b.getI16Type());
        fromBits(ld.getResult(), old);
      } else if (auto ld = dyn_cast<vector::LoadOp>(user)) {
        if (!getElementTypeOrSelf(ld.getType()).isBF16() || ld.getBase() != m) continue;
        Type old = ld.getType();
        Value(ld.getResult()).setType(shapedLike(old, b.getI16Type()));
        fromBits(ld.getResult(), old);
      } else if (auto st = dyn_cast<memref::StoreOp>(user)) {
        if (st.getValueToStore().getType().isBF16() && st.getMemref() == m)
          st.getValueMutable().assign(toBits(st.getValueToStore()));
      } else if (auto st = dyn_cast<vector::StoreOp>(user)) {
        if (getElementTypeOrSelf(st.getValueToStore().getType()).isBF16() && st.getBase() == m)
          st.getValueToStoreMutable().assign(toBits(st.getValueToStore()));
      }
    }
  }
}

struct ExpandBf16Pass : impl::WeftExpandBf16Base<ExpandBf16Pass> {
  void runOnOperation() override {
    getOperation()->walk([](func::FuncOp fn) { retypeBf16Memory(fn); });
    RewritePatternSet patterns(&getContext());
    patterns.add<TruncToBf16, ExtFromBf16, SelectBf16>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) signalPassFailure();
  }
};

} // namespace
} // namespace weft
