// weft-lower-to-loops: each tensor-level function becomes a program over flat buffers.
//
// Buffers are numbered as docs/abi.md says: the function's arguments, then its results, then the
// temporaries between its ops. tensor.collapse_shape is a view of its source buffer. A temporary's
// dynamic extents are tied to argument or result extents through the ops' shape equalities, so the
// runtime can size it from the parameter block alone.
#include "lowering/Passes.h"
#include "lowering/KernelOp.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h" // gpu.subgroup_mma_* (matmul, mma = subgroup)
#include "llvm/ADT/EquivalenceClasses.h"

namespace weft {
#define GEN_PASS_DEF_WEFTLOWERTOLOOPS
#include "lowering/Passes.h.inc"
} // namespace weft

using namespace mlir;
using namespace weft::lowering;

namespace weft {
namespace {

// (value, dim) pairs known to have equal extents.
using DimKey = std::pair<void *, unsigned>;
DimKey dimOf(Value v, unsigned d) { return {v.getAsOpaquePointer(), d}; }

void recordEqualities(Operation *op, llvm::EquivalenceClasses<DimKey> &eq) {
  auto same = [&](Value a, unsigned da, Value b, unsigned db) { eq.unionSets(dimOf(a, da), dimOf(b, db)); };
  if (auto k = dyn_cast<KernelOpInterface>(op)) k.recordEqualities(same);
  else if (auto cs = dyn_cast<tensor::CollapseShapeOp>(op))
    for (auto [d, group] : llvm::enumerate(cs.getReassociationIndices()))
      if (group.size() == 1) same(cs.getSrc(), group[0], cs.getResult(), d);
}

struct Lowering {
  Lowering(ModuleOp module, func::FuncOp fn) : module(module), fn(fn) {}
  ModuleOp module;
  func::FuncOp fn;
  ProgramDesc desc;
  std::vector<TensorType> bufferTypes;
  DenseMap<Value, View> views;
  SmallVector<Value> tempValues;

  LogicalResult assignBuffers();
  LogicalResult sizeTemporaries();
  LogicalResult describeOp();
  LogicalResult buildKernels(ProgramBuilder &pb);
};

LogicalResult Lowering::assignBuffers() {
  auto typeOf = [&](Value v, StringRef what) -> std::optional<TensorType> {
    auto t = tensorTypeOf(v.getType());
    if (!t || !isa<RankedTensorType>(v.getType()))
      fn.emitError() << "weft-lower-to-loops: " << what << " of type " << v.getType()
                     << " is not a ranked tensor of a weft dtype";
    return t;
  };
  for (BlockArgument arg : fn.getArguments()) {
    auto t = typeOf(arg, "argument");
    if (!t) return failure();
    views[arg] = View{unsigned(bufferTypes.size()), *t, {}};
    bufferTypes.push_back(*t);
    desc.inputs.push_back(*t);
  }
  auto ret = cast<func::ReturnOp>(fn.front().getTerminator());
  for (Value r : ret.getOperands()) {
    if (views.count(r) || !r.getDefiningOp() || isa<tensor::CollapseShapeOp>(r.getDefiningOp()))
      return fn.emitError() << "weft-lower-to-loops: each result must be computed by a weft op of the function "
                               "(not an argument, a view or a repeated value)";
    auto t = typeOf(r, "result");
    if (!t) return failure();
    views[r] = View{unsigned(bufferTypes.size()), *t, {}};
    bufferTypes.push_back(*t);
    desc.outputs.push_back(*t);
  }
  for (Operation &op : fn.front().without_terminator()) {
    if (auto cs = dyn_cast<tensor::CollapseShapeOp>(op)) {
      auto src = views.find(cs.getSrc());
      if (src == views.end() || !src->second.groups.empty())
        return cs.emitError() << "weft-lower-to-loops: collapse_shape must view an argument or an op result directly";
      auto t = typeOf(cs.getResult(), "view");
      if (!t) return failure();
      View v{src->second.buffer, *t, {}};
      for (auto group : cs.getReassociationIndices()) v.groups.emplace_back(group.begin(), group.end());
      views[cs.getResult()] = v;
      continue;
    }
    if (op.getDialect() != op.getContext()->getLoadedDialect("weft"))
      return op.emitError() << "weft-lower-to-loops: '" << op.getName()
                            << "' cannot appear in a weft function (only weft ops and tensor.collapse_shape)";
    for (Value r : op.getResults()) {
      if (views.count(r)) continue; // a function result
      auto t = typeOf(r, "temporary");
      if (!t) return failure();
      views[r] = View{unsigned(bufferTypes.size()), *t, {}};
      bufferTypes.push_back(*t);
      tempValues.push_back(r);
    }
  }
  return success();
}

LogicalResult Lowering::sizeTemporaries() {
  llvm::EquivalenceClasses<DimKey> eq;
  for (Operation &op : fn.front().without_terminator()) recordEqualities(&op, eq);
  // Extents the runtime knows: every dim of an argument or result buffer.
  DenseMap<DimKey, int64_t> known;
  ProgramDesc layout = desc; // arguments only, for slot numbers
  auto addKnown = [&](Value v) {
    const View &view = views[v];
    for (unsigned d = 0; d < view.rank(); ++d) known[dimOf(v, d)] = layout.paramOffset(view.buffer) + d;
  };
  for (BlockArgument a : fn.getArguments()) addKnown(a);
  for (Value r : fn.front().getTerminator()->getOperands()) addKnown(r);

  for (Value t : tempValues) {
    const View &view = views[t];
    TempDesc temp{"t" + std::to_string(view.buffer), view.type.dtype, {}};
    for (unsigned d = 0; d < view.rank(); ++d) {
      if (view.type.shape[d] != kDynamic) {
        temp.dims.push_back(Extent::constant(view.type.shape[d]));
        continue;
      }
      std::optional<int64_t> slot;
      auto leader = eq.findLeader(dimOf(t, d));
      if (leader != eq.member_end())
        for (auto it = leader; it != eq.member_end() && !slot; ++it)
          if (auto k = known.find(*it); k != known.end()) slot = k->second;
      if (!slot)
        return t.getDefiningOp()->emitError() << "weft-lower-to-loops: cannot size dim " << d
                                              << " of this temporary from the function's argument or result extents; "
                                                 "make it static";
      temp.dims.push_back(Extent::slot(*slot));
    }
    desc.temps.push_back(temp);
  }
  return success();
}

LogicalResult Lowering::describeOp() {
  if (auto name = fn->getAttrOfType<StringAttr>("weft.op")) {
    desc.op = name.getValue().str();
    if (auto attrs = fn->getAttrOfType<DictionaryAttr>("weft.op_attrs"))
      for (NamedAttribute na : attrs) {
        if (auto b = dyn_cast<BoolAttr>(na.getValue())) desc.attrs.set(na.getName().str(), b.getValue());
        else if (auto i = dyn_cast<IntegerAttr>(na.getValue())) desc.attrs.set(na.getName().str(), i.getInt());
      }
    desc.attrs = withDefaults(desc.op, desc.attrs);
    return success();
  }
  Operation *only = nullptr;
  for (Operation &op : fn.front().without_terminator()) {
    if (isa<tensor::CollapseShapeOp>(op)) continue;
    if (only)
      return fn.emitError() << "weft-lower-to-loops: a weft function holds one op (or one composite); '" << fn.getName()
                            << "' holds more";
    only = &op;
  }
  if (!only) return fn.emitError() << "weft-lower-to-loops: function '" << fn.getName() << "' holds no weft op";
  desc.op = ruleName(only).str();
  desc.attrs = ruleAttrs(only);
  return success();
}

LogicalResult Lowering::buildKernels(ProgramBuilder &pb) {
  auto isPart = [](Operation &op) { return !isa<tensor::CollapseShapeOp>(op); };
  bool severalParts = llvm::count_if(fn.front().without_terminator(), isPart) > 1;
  for (Operation &op : fn.front().without_terminator()) {
    if (!isPart(op)) continue;
    // A composite's kernels are named after their parts: up_matmul, up_col2im.
    if (severalParts) pb.setPart(ruleName(&op).split('_').first);
    std::string origin = op.getName().getStringRef().str();
    if (ScheduleAttr s = scheduleOf(&op)) llvm::raw_string_ostream(origin) << " " << s;
    pb.setOrigin(NameLoc::get(StringAttr::get(op.getContext(), origin), op.getLoc()));
    auto kernelOp = dyn_cast<KernelOpInterface>(op);
    if (!kernelOp)
      return op.emitError() << "weft-lower-to-loops: '" << op.getName()
                            << "' has no loop builder (composites: run weft-decompose-composites first)";
    FailureOr<ScheduleAttr> s = resolvedSchedule(kernelOp, pb.target());
    if (failed(s)) return failure();
    pb.setThreads(ScheduleFields::of(*s).threads());
    SmallVector<View> operands;
    for (Value x : op.getOperands()) operands.push_back(views[x]);
    LogicalResult r = kernelOp.buildLoops(pb, operands, views[op.getResult(0)]);
    if (failed(r)) return failure();
  }
  return success();
}

struct LowerToLoopsPass : impl::WeftLowerToLoopsBase<LowerToLoopsPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> sources;
    for (auto fn : module.getOps<func::FuncOp>())
      if (!fn->hasAttr("weft.kernel") && !fn.isExternal()) sources.push_back(fn);
    // Loop-level input (no source functions) needs no target.
    FailureOr<TargetAttr> target = sources.empty() ? FailureOr<TargetAttr>(TargetAttr()) : TargetAttr::of(module);
    if (failed(target)) return signalPassFailure();
    SmallVector<NamedAttribute> programs;
    if (auto existing = module->getAttrOfType<DictionaryAttr>(kProgramsAttrName))
      programs.append(existing.begin(), existing.end());
    for (func::FuncOp fn : sources) {
      if (!fn.getBody().hasOneBlock()) {
        fn.emitError() << "weft-lower-to-loops: function '" << fn.getName() << "' must have a single block";
        return signalPassFailure();
      }
      Lowering l(module, fn);
      if (failed(l.assignBuffers()) || failed(l.describeOp()) || failed(l.sizeTemporaries()))
        return signalPassFailure();
      std::string name = fn.getName().str();
      // The source function's name moves to its kernels.
      fn.setName((name + ".source").c_str());
      ProgramBuilder pb(module, name, l.desc, l.bufferTypes, *target);
      if (failed(l.buildKernels(pb))) return signalPassFailure();
      programs.emplace_back(StringAttr::get(&getContext(), name), ProgramAttr::get(&getContext(), l.desc));
      fn.erase();
    }
    module->setAttr(kProgramsAttrName, DictionaryAttr::get(&getContext(), programs));
  }
};

} // namespace

} // namespace weft
