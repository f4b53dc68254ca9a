#include "dialects/weft/WeftOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

#define GET_OP_CLASSES
#include "dialects/weft/WeftOps.cpp.inc"

using namespace mlir;

namespace weft {

llvm::StringRef ruleName(Operation *op) { return op->getName().stripDialect(); }

Attrs ruleAttrs(Operation *op) {
  Attrs attrs;
  for (NamedAttribute na : op->getAttrs()) {
    if (auto b = dyn_cast<BoolAttr>(na.getValue()))
      attrs.set(na.getName().getValue().str(), b.getValue() ? 1 : 0);
    else if (auto i = dyn_cast<IntegerAttr>(na.getValue()))
      attrs.set(na.getName().getValue().str(), i.getValue().getSExtValue());
  }
  return withDefaults(ruleName(op).str(), attrs);
}

std::optional<DType> dtypeOf(Type t) {
  if (t.isF32()) return DType::f32;
  if (t.isF16()) return DType::f16;
  if (t.isBF16()) return DType::bf16;
  if (t.isSignlessInteger(8)) return DType::i8;
  if (t.isSignlessInteger(16)) return DType::i16;
  if (t.isSignlessInteger(32)) return DType::i32;
  if (t.isSignlessInteger(64)) return DType::i64;
  return std::nullopt;
}

Type elementTypeOf(MLIRContext *ctx, DType t) {
  Builder b(ctx);
  switch (t) {
  case DType::f32: return b.getF32Type();
  case DType::f16: return b.getF16Type();
  case DType::bf16: return b.getBF16Type();
  case DType::i8: return b.getI8Type();
  case DType::i16: return b.getI16Type();
  case DType::i32: return b.getI32Type();
  case DType::i64: return b.getI64Type();
  }
  return {};
}

std::optional<TensorType> tensorTypeOf(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasRank()) return std::nullopt;
  auto dt = dtypeOf(shaped.getElementType());
  if (!dt) return std::nullopt;
  TensorType t{*dt, {}};
  for (int64_t d : shaped.getShape()) t.shape.push_back(ShapedType::isDynamic(d) ? kDynamic : d);
  return t;
}

LogicalResult verifyWithRules(Operation *op) {
  auto describe = [](Type t) {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << t;
    return s;
  };
  std::vector<TensorType> operands, results;
  for (auto [i, v] : llvm::enumerate(op->getOperands())) {
    auto t = tensorTypeOf(v.getType());
    if (!t)
      return op->emitOpError() << "operand #" << i << " has type " << describe(v.getType())
                               << ", whose element type is not supported (rule: f32, f16, bf16, i8, i16, i32 or i64)";
    operands.push_back(*t);
  }
  for (auto [i, v] : llvm::enumerate(op->getResults())) {
    auto t = tensorTypeOf(v.getType());
    if (!t)
      return op->emitOpError() << "result #" << i << " has type " << describe(v.getType())
                               << ", whose element type is not supported (rule: f32, f16, bf16, i8, i16, i32 or i64)";
    results.push_back(*t);
  }
  // An attribute the op does not take is an error, as it is for --op (a misspelt `strides = 2`
  // would otherwise leave stride at its default). Dialect-prefixed (discardable) ones pass.
  const OpInfo *info = findOp(ruleName(op));
  std::vector<AttrSpec> specs = info ? info->attrs : std::vector<AttrSpec>();
  for (NamedAttribute a : op->getAttrs()) {
    StringRef name = a.getName().getValue();
    if (name == "schedule" || name.contains('.') ||
        llvm::any_of(specs, [&](const AttrSpec &s) { return s.name == std::string_view(name.data(), name.size()); }))
      continue;
    std::string takes;
    for (const AttrSpec &s : specs) takes += std::string(s.name) + ", ";
    return op->emitOpError() << "has no attribute '" << name << "' (it takes: " << takes << "schedule)";
  }
  std::string err = inferAndCheck(ruleName(op).str(), ruleAttrs(op), operands, results);
  if (!err.empty()) return op->emitOpError() << err;
  if (auto sched = op->getAttrOfType<ScheduleAttr>("schedule")) {
    std::string serr = checkScheduleFor(ruleName(op), sched);
    if (!serr.empty()) return op->emitOpError() << serr;
  }
  return success();
}

} // namespace weft
