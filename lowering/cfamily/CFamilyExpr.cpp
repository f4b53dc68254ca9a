// The C-family printer's expressions: each arith, math or vector op that computes a value becomes
// one `const` local initialised by the expression built here. Operands are always names or
// literals (every op gets its own local), so expressions need no precedence analysis beyond the
// few parentheses below.
#include "lowering/cfamily/CFamilyPrinter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/TypeUtilities.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;

namespace weft::cfamily {

namespace {
std::string paren(const std::string &e) { return "(" + e + ")"; }
std::string binary(const std::string &a, StringRef op, const std::string &b) {
  return a + " " + op.str() + " " + b;
}
// "-x", but "-(-1.5f)" for a negative literal ("--" would be a decrement).
std::string negate(const std::string &e) { return e.front() == '-' ? "-" + paren(e) : "-" + e; }
unsigned bitWidth(Type t) { return t.isIndex() ? 64 : t.getIntOrFloatBitWidth(); }
std::string opName(Operation *op) { return ("op '" + op->getName().getStringRef() + "'").str(); }
} // namespace

bool CFamilyPrinter::isStorageFloat(Type t) {
  auto f = dyn_cast<FloatType>(getElementTypeOrSelf(t));
  return f && !dialect.hasArithmetic(f);
}

Type CFamilyPrinter::widenedType(Type t) {
  if (!isStorageFloat(t))
    return t;
  Type f32 = Float32Type::get(t.getContext());
  if (auto vt = dyn_cast<VectorType>(t))
    return VectorType::get(vt.getShape(), f32);
  return f32;
}

std::string CFamilyPrinter::widened(Value v) {
  if (!isStorageFloat(v.getType()))
    return expr(v);
  return dialect.convertFloat(v.getType(), widenedType(v.getType()), expr(v));
}

std::string CFamilyPrinter::narrowed(Type t, const std::string &e) {
  if (!isStorageFloat(t) || e.empty())
    return e;
  return dialect.convertFloat(widenedType(t), t, e);
}

std::string CFamilyPrinter::unsignedCast(Type t, Value v) {
  return dialect.cast(t, expr(v), /*asUnsigned=*/true);
}

LogicalResult CFamilyPrinter::printValueOp(Operation *op) {
  if (op->getNumResults() != 1 || op->getNumRegions() != 0)
    return unsupported(op) << opName(op);
  if (auto fm = dyn_cast<arith::ArithFastMathInterface>(op)) {
    arith::FastMathFlagsAttr flags = fm.getFastMathFlagsAttr();
    if (flags && flags.getValue() != arith::FastMathFlags::none)
      return unsupported(op) << "fast-math flags on " << opName(op)
                             << " (the source must round as the JIT does)";
  }
  Value result = op->getResult(0);
  FailureOr<std::string> e = expression(op);
  if (failed(e) || failed(typeName(result.getType(), op)))
    return failure();
  if (e->empty())
    return unsupported(op) << opName(op) << " on " << result.getType();
  // A constant, or a cast between types of the same name (index <-> i64), needs no local: uses
  // print the literal or the operand's name.
  if (isa<arith::ConstantOp>(op) || (op->getNumOperands() == 1 && *e == expr(op->getOperand(0)))) {
    names[result] = *e;
    return success();
  }
  return define(op, bindFresh(result, isa<VectorType>(result.getType()) ? "v" : "t"), *e);
}

static unsigned dimNumber(gpu::Dimension d) { return d == gpu::Dimension::x ? 0 : d == gpu::Dimension::y ? 1 : 2; }

FailureOr<std::string> CFamilyPrinter::expression(Operation *op) {
  Type t = op->getResult(0).getType();
  bool onVectors = isa<VectorType>(t) || llvm::any_of(op->getOperandTypes(), llvm::IsaPred<VectorType>);
  bool vectorForm =
      isa<arith::ConstantOp, arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::DivFOp, arith::NegFOp,
          arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp, arith::MinNumFOp, math::FmaOp,
          vector::FMAOp, arith::AddIOp, arith::SubIOp, arith::MulIOp, arith::MaxSIOp, arith::MinSIOp,
          arith::MaxUIOp, arith::MinUIOp, arith::ExtFOp, arith::TruncFOp, arith::ExtSIOp,
          arith::ExtUIOp, arith::TruncIOp, arith::SIToFPOp, arith::UIToFPOp, arith::FPToSIOp,
          arith::FPToUIOp, arith::SelectOp, vector::BroadcastOp, vector::FromElementsOp, vector::ExtractOp,
          vector::ShuffleOp, vector::InterleaveOp>(op);
  if (onVectors && !vectorForm)
    return unsupported(op) << opName(op) << " on vectors";

  using Result = FailureOr<std::string>;
  return llvm::TypeSwitch<Operation *, Result>(op)
      .Case([&](arith::ConstantOp c) { return constant(op, c.getValue(), t); })
      .Case<arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::DivFOp, arith::NegFOp, arith::RemFOp,
            arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp, arith::MinNumFOp, math::FmaOp,
            vector::FMAOp>([&](Operation *) { return floatArith(op); })
      .Case<arith::AddIOp, arith::SubIOp, arith::MulIOp, arith::DivSIOp, arith::RemSIOp, arith::DivUIOp,
            arith::RemUIOp, arith::CeilDivSIOp, arith::FloorDivSIOp, arith::CeilDivUIOp, arith::MaxSIOp,
            arith::MinSIOp, arith::MaxUIOp, arith::MinUIOp, arith::AndIOp, arith::OrIOp, arith::XOrIOp,
            arith::ShLIOp, arith::ShRSIOp, arith::ShRUIOp>([&](Operation *) { return intArith(op); })
      .Case<arith::ExtFOp, arith::TruncFOp, arith::ExtSIOp, arith::ExtUIOp, arith::TruncIOp,
            arith::SIToFPOp, arith::UIToFPOp, arith::FPToSIOp, arith::FPToUIOp, arith::IndexCastOp,
            arith::IndexCastUIOp>([&](Operation *) { return conversion(op); })
      .Case<arith::CmpIOp, arith::CmpFOp>([&](Operation *) { return comparison(op); })
      .Case([&](arith::SelectOp s) -> Result {
        if (isa<VectorType>(s.getCondition().getType()))
          return unsupported(op) << "arith.select with a vector condition";
        return expr(s.getCondition()) + " ? " + expr(s.getTrueValue()) + " : " + expr(s.getFalseValue());
      })
      .Case([&](vector::BroadcastOp b) -> Result {
        if (isa<VectorType>(b.getSourceType()))
          return unsupported(op) << "vector.broadcast of a vector";
        return dialect.broadcast(cast<VectorType>(t), expr(b.getSource()));
      })
      .Case([&](vector::FromElementsOp f) -> Result {
        SmallVector<std::string> lanes;
        for (Value v : f.getElements()) lanes.push_back(expr(v));
        return dialect.fromElements(f.getType(), lanes); // empty: reported as unsupported
      })
      .Case([&](vector::ShuffleOp sh) -> Result {
        auto in = sh.getV1VectorType();
        bool isConcat = in == sh.getV2VectorType() && in.getRank() == 1 &&
                        llvm::equal(sh.getMask(), llvm::seq<int64_t>(0, 2 * in.getNumElements()));
        if (in.getRank() != 1 || in != sh.getV2VectorType())
          return unsupported(op) << "vector.shuffle of two vectors that are not 1-D of one type";
        std::string e = isConcat ? dialect.concat(sh.getResultVectorType(), expr(sh.getV1()), expr(sh.getV2()))
                                 : dialect.shuffle(sh.getResultVectorType(), expr(sh.getV1()), expr(sh.getV2()),
                                                   sh.getMask());
        if (e.empty())
          return unsupported(op) << (isConcat ? "vector.shuffle as a concatenation" : "vector.shuffle");
        return e;
      })
      .Case([&](vector::InterleaveOp i) -> Result {
        // Canonicalization's name for a shuffle that alternates the lanes of two vectors (only 1-D
        // vectors get here: the printer refuses other vector types where they are defined).
        VectorType in = i.getSourceVectorType();
        SmallVector<int64_t> mask;
        for (int64_t l = 0; l < 2 * in.getNumElements(); ++l) mask.push_back(l / 2 + (l % 2) * in.getNumElements());
        std::string e = dialect.shuffle(i.getResultVectorType(), expr(i.getLhs()), expr(i.getRhs()), mask);
        if (e.empty())
          return unsupported(op) << "vector.interleave";
        return e;
      })
      .Case([&](vector::ExtractOp x) -> Result {
        if (x.hasDynamicPosition() || x.getSourceVectorType().getRank() != 1)
          return unsupported(op) << "vector.extract other than a static lane of a 1-D vector";
        return dialect.lane(expr(x.getSource()), x.getStaticPosition()[0]);
      })
      .Case([&](memref::ExtractAlignedPointerAsIndexOp o) -> Result {
        std::string address = dialect.bufferAddress(expr(o.getSource()));
        if (address.empty())
          return unsupported(op) << opName(op);
        return address;
      })
      .Case([&](gpu::ThreadIdOp o) { return dialect.gpuIndex(GpuIndex::Thread, dimNumber(o.getDimension())); })
      .Case([&](gpu::BlockIdOp o) { return dialect.gpuIndex(GpuIndex::Group, dimNumber(o.getDimension())); })
      .Case([&](gpu::GridDimOp o) { return dialect.gpuIndex(GpuIndex::GroupCount, dimNumber(o.getDimension())); })
      .Case([&](gpu::BlockDimOp o) { return dialect.gpuIndex(GpuIndex::GroupSize, dimNumber(o.getDimension())); })
      .Default([&](Operation *) -> Result { return unsupported(op) << opName(op); });
}


FailureOr<std::string> CFamilyPrinter::constant(Operation *op, Attribute value, Type t) {
  if (auto vt = dyn_cast<VectorType>(t)) {
    auto splat = dyn_cast<SplatElementsAttr>(value);
    if (!splat)
      return unsupported(op) << "vector constant that is not a splat";
    FailureOr<std::string> lane = constant(op, splat.getSplatValue<Attribute>(), vt.getElementType());
    if (failed(lane))
      return failure();
    return dialect.broadcast(vt, *lane);
  }
  if (auto i = dyn_cast<IntegerAttr>(value); i && t.isIntOrIndex())
    return dialect.intLiteral(t, i.getValue());
  if (auto f = dyn_cast<FloatAttr>(value)) {
    // A storage-type constant is the f32 literal rounded at run time: exact, and readable.
    auto ft = cast<FloatType>(widenedType(t));
    APFloat v = f.getValue();
    bool lost = false;
    v.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    return narrowed(t, dialect.floatLiteral(ft, v));
  }
  return unsupported(op) << "constant " << value;
}

FailureOr<std::string> CFamilyPrinter::floatArith(Operation *op) {
  Type t = op->getResult(0).getType(), wt = widenedType(t);
  SmallVector<std::string> a;
  for (Value v : op->getOperands()) {
    a.push_back(widened(v));
    if (a.back().empty())
      return unsupported(op) << "arithmetic on " << v.getType();
  }
  auto call = [&](Builtin b) { return dialect.builtin(b, wt, a); };
  std::string e = llvm::TypeSwitch<Operation *, std::string>(op)
                      .Case([&](arith::AddFOp) { return binary(a[0], "+", a[1]); })
                      .Case([&](arith::SubFOp) { return binary(a[0], "-", a[1]); })
                      .Case([&](arith::MulFOp) { return binary(a[0], "*", a[1]); })
                      .Case([&](arith::DivFOp) { return binary(a[0], "/", a[1]); })
                      .Case([&](arith::NegFOp) { return negate(a[0]); })
                      .Case([&](arith::RemFOp) { return call(Builtin::RemF); })
                      .Case([&](arith::MaximumFOp) { return call(Builtin::MaximumF); })
                      .Case([&](arith::MinimumFOp) { return call(Builtin::MinimumF); })
                      .Case([&](arith::MaxNumFOp) { return call(Builtin::MaxNumF); })
                      .Case([&](arith::MinNumFOp) { return call(Builtin::MinNumF); })
                      .Default([&](Operation *) { return call(Builtin::Fma); }); // math.fma, vector.fma
  return narrowed(t, e);
}

FailureOr<std::string> CFamilyPrinter::intArith(Operation *op) {
  Type t = op->getResult(0).getType();
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  if (getElementTypeOrSelf(t).isInteger(1) && !isa<arith::AndIOp, arith::OrIOp, arith::XOrIOp>(op))
    return unsupported(op) << opName(op) << " on i1";
  std::string a = expr(lhs), b = expr(rhs);
  // Unsigned ops compute on the unsigned type and convert back (wrapping, as the IR does).
  auto onUnsigned = [&](StringRef sym, bool shift) {
    std::string r = shift ? b : unsignedCast(t, rhs);
    return dialect.cast(t, paren(binary(unsignedCast(t, lhs), sym, r)));
  };
  auto call = [&](Builtin f) { return dialect.builtin(f, t, {a, b}); };
  // i1 operands are booleans: logical operators, which GLSL requires (C accepts both).
  if (getElementTypeOrSelf(t).isInteger(1))
    return binary(a, isa<arith::AndIOp>(op) ? "&&" : isa<arith::OrIOp>(op) ? "||" : "!=", b);
  return llvm::TypeSwitch<Operation *, std::string>(op)
      .Case([&](arith::AddIOp) { return binary(a, "+", b); })
      .Case([&](arith::SubIOp) { return binary(a, "-", b); })
      .Case([&](arith::MulIOp) { return binary(a, "*", b); })
      .Case([&](arith::DivSIOp) { return binary(a, "/", b); })
      .Case([&](arith::RemSIOp) { return binary(a, "%", b); })
      .Case([&](arith::AndIOp) { return binary(a, "&", b); })
      .Case([&](arith::OrIOp) { return binary(a, "|", b); })
      .Case([&](arith::XOrIOp) { return binary(a, "^", b); })
      .Case([&](arith::ShRSIOp) { return binary(a, ">>", b); })
      .Case([&](arith::DivUIOp) { return onUnsigned("/", false); })
      .Case([&](arith::RemUIOp) { return onUnsigned("%", false); })
      .Case([&](arith::ShLIOp) { return onUnsigned("<<", true); }) // C leaves << of negatives undefined
      .Case([&](arith::ShRUIOp) { return onUnsigned(">>", true); })
      .Case([&](arith::CeilDivSIOp) { return call(Builtin::CeilDivSI); })
      .Case([&](arith::FloorDivSIOp) { return call(Builtin::FloorDivSI); })
      .Case([&](arith::CeilDivUIOp) { return call(Builtin::CeilDivUI); })
      .Case([&](arith::MaxSIOp) { return call(Builtin::MaxSI); })
      .Case([&](arith::MinSIOp) { return call(Builtin::MinSI); })
      .Case([&](arith::MaxUIOp) { return call(Builtin::MaxUI); })
      .Default([&](Operation *) { return call(Builtin::MinUI); });
}

FailureOr<std::string> CFamilyPrinter::conversion(Operation *op) {
  Value in = op->getOperand(0);
  Type from = in.getType(), to = op->getResult(0).getType();
  if (auto rm = dyn_cast<arith::ArithRoundingModeInterface>(op)) {
    arith::RoundingModeAttr mode = rm.getRoundingModeAttr();
    if (mode && mode.getValue() != arith::RoundingMode::to_nearest_even)
      return unsupported(op) << "rounding mode " << arith::stringifyRoundingMode(mode.getValue());
  }
  if (isa<arith::ExtFOp, arith::TruncFOp>(op))
    return dialect.convertFloat(from, to, expr(in));

  // Scalars or vectors (i1 vectors have no C type, so i1 is always a scalar here).
  Type fromElem = getElementTypeOrSelf(from), toElem = getElementTypeOrSelf(to);
  std::string x = expr(in);
  // index <-> i64: the same type in C (not in GLSL with 32-bit indices): no conversion.
  if (fromElem.isIntOrIndex() && toElem.isIntOrIndex() && bitWidth(fromElem) == bitWidth(toElem) &&
      dialect.scalarType(fromElem) == dialect.scalarType(toElem))
    return x;
  auto castTo = [&](const std::string &e) { return dialect.cast(to, e); };
  bool fromBool = fromElem.isInteger(1);
  auto extendSigned = [&] { return fromBool ? negate(castTo(x)) : castTo(x); }; // true -> -1
  auto extendUnsigned = [&] { return fromBool ? castTo(x) : castTo(unsignedCast(from, in)); };
  auto truncate = [&] { return toElem.isInteger(1) ? paren(x + " & 1") + " != 0" : castTo(x); };
  bool widens = fromElem.isIntOrIndex() && toElem.isIntOrIndex() && bitWidth(toElem) > bitWidth(fromElem);
  auto toFloat = [&](const std::string &e) -> FailureOr<std::string> {
    // Converting through f32 rounds twice unless every integer that f32 rounds is out of the
    // target's range anyway (true for f16, not for bf16).
    Type wide = widenedType(to);
    const llvm::fltSemantics &target = cast<FloatType>(toElem).getFloatSemantics();
    const llvm::fltSemantics &via = cast<FloatType>(getElementTypeOrSelf(wide)).getFloatSemantics();
    if (isStorageFloat(to) && APFloat::semanticsMaxExponent(target) >= int(APFloat::semanticsPrecision(via)))
      return unsupported(op) << opName(op) << " to " << to << " (it would round twice)";
    return narrowed(to, dialect.cast(wide, e));
  };
  using Result = FailureOr<std::string>;
  return llvm::TypeSwitch<Operation *, Result>(op)
      .Case([&](arith::ExtSIOp) { return extendSigned(); })
      .Case([&](arith::ExtUIOp) { return extendUnsigned(); })
      .Case([&](arith::TruncIOp) { return truncate(); })
      .Case([&](arith::IndexCastOp) { return widens ? extendSigned() : truncate(); })
      .Case([&](arith::IndexCastUIOp) { return widens ? extendUnsigned() : truncate(); })
      .Case([&](arith::SIToFPOp) -> Result {
        if (fromBool)
          return unsupported(op) << "arith.sitofp of i1";
        return toFloat(x);
      })
      .Case([&](arith::UIToFPOp) { return toFloat(fromBool ? x : unsignedCast(from, in)); })
      .Case([&](arith::FPToSIOp) { return castTo(widened(in)); })
      .Default([&](Operation *) { // arith.fptoui
        return castTo(dialect.cast(to, widened(in), /*asUnsigned=*/true));
      });
}

FailureOr<std::string> CFamilyPrinter::comparison(Operation *op) {
  if (auto c = dyn_cast<arith::CmpIOp>(op)) {
    using P = arith::CmpIPredicate;
    P p = c.getPredicate();
    bool isUnsigned = p == P::ult || p == P::ule || p == P::ugt || p == P::uge;
    if (c.getLhs().getType().isInteger(1) && p != P::eq && p != P::ne)
      return unsupported(op) << "ordered comparison of i1";
    Type t = c.getLhs().getType();
    std::string a = isUnsigned ? unsignedCast(t, c.getLhs()) : expr(c.getLhs());
    std::string b = isUnsigned ? unsignedCast(t, c.getRhs()) : expr(c.getRhs());
    StringRef sym = p == P::eq ? "==" : p == P::ne ? "!=" : p == P::slt || p == P::ult ? "<"
                  : p == P::sle || p == P::ule ? "<=" : p == P::sgt || p == P::ugt ? ">" : ">=";
    return binary(a, sym, b);
  }
  auto c = cast<arith::CmpFOp>(op);
  std::string a = widened(c.getLhs()), b = widened(c.getRhs());
  if (a.empty() || b.empty())
    return unsupported(op) << "comparison of " << c.getLhs().getType();
  // C's < <= > >= == are false on NaN (ordered); != is true on NaN (unordered). The other
  // predicates negate or combine them.
  using P = arith::CmpFPredicate;
  switch (c.getPredicate()) {
  case P::AlwaysFalse: return std::string("false");
  case P::AlwaysTrue: return std::string("true");
  case P::OEQ: return binary(a, "==", b);
  case P::OGT: return binary(a, ">", b);
  case P::OGE: return binary(a, ">=", b);
  case P::OLT: return binary(a, "<", b);
  case P::OLE: return binary(a, "<=", b);
  case P::ONE: return paren(binary(a, "<", b) + " || " + binary(a, ">", b));
  case P::ORD: return paren(binary(a, "==", a) + " && " + binary(b, "==", b));
  case P::UEQ: return "!" + paren(binary(a, "<", b) + " || " + binary(a, ">", b));
  case P::UGT: return "!" + paren(binary(a, "<=", b));
  case P::UGE: return "!" + paren(binary(a, "<", b));
  case P::ULT: return "!" + paren(binary(a, ">=", b));
  case P::ULE: return "!" + paren(binary(a, ">", b));
  case P::UNE: return binary(a, "!=", b);
  case P::UNO: return paren(binary(a, "!=", a) + " || " + binary(b, "!=", b));
  }
  llvm_unreachable("unknown cmpf predicate");
}

} // namespace weft::cfamily
