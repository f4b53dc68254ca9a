#include "lowering/ProgramBuilder.h"
#include "lowering/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace weft::lowering {

KernelBuilder::KernelBuilder(ProgramBuilder &pb, func::FuncOp fn, OpBuilder &b)
    : pb(pb), fn(fn), b(b), location(fn.getLoc()) {}

Value KernelBuilder::buffer(const View &v) { return fn.getArgument(v.buffer); }

Value KernelBuilder::index(int64_t c) { return arith::ConstantIndexOp::create(b, location, c); }

Type KernelBuilder::elementType(const View &v) { return elementTypeOf(fn.getContext(), v.type.dtype); }

namespace {
SmallVector<int64_t, 2> sourceDims(const View &v, unsigned d) {
  if (v.groups.empty()) return {int64_t(d)};
  return v.groups[d];
}
} // namespace

// Extents and strides are materialised in the kernel's prologue, in creation order, so every
// use dominates whatever loop it sits in.
OpBuilder KernelBuilder::prologue() {
  OpBuilder p(fn.getContext());
  if (lastPrologueOp) p.setInsertionPointAfter(lastPrologueOp);
  else p.setInsertionPointToStart(&fn.front());
  return p;
}

Value KernelBuilder::prologueConstant(int64_t c) {
  OpBuilder p = prologue();
  Value v = arith::ConstantIndexOp::create(p, location, c);
  lastPrologueOp = v.getDefiningOp();
  return v;
}

Value KernelBuilder::prologueParam(int64_t slot) {
  OpBuilder p = prologue();
  Value idx = arith::ConstantIndexOp::create(p, location, slot);
  Value raw = memref::LoadOp::create(p, location, fn.getArguments().back(), ValueRange{idx});
  Value v = arith::IndexCastOp::create(p, location, p.getIndexType(), raw);
  lastPrologueOp = v.getDefiningOp();
  return v;
}

Value KernelBuilder::extent(const View &v, unsigned d) {
  auto key = std::make_pair(v.buffer, d);
  // Only identity views are cached: a merged view's extent depends on its groups.
  if (v.groups.empty())
    if (auto it = extents.find(key); it != extents.end()) return it->second;
  const TensorType &src = pb.bufferType(v.buffer);
  Value result;
  if (v.type.shape[d] != kDynamic) {
    result = prologueConstant(v.type.shape[d]);
  } else {
    // A dynamic logical extent is the product of its source dims' extents.
    for (int64_t sd : sourceDims(v, d)) {
      Value e = src.shape[sd] != kDynamic ? prologueConstant(src.shape[sd]) : prologueParam(pb.extentSlot(v.buffer, sd));
      if (result) {
        OpBuilder p = prologue();
        e = arith::MulIOp::create(p, location, result, e);
        lastPrologueOp = e.getDefiningOp();
      }
      result = e;
    }
  }
  if (v.groups.empty()) extents[key] = result;
  return result;
}

Value KernelBuilder::stride(const View &v, unsigned d) {
  assert(v.groups.empty() && "strided access goes through identity views of arguments");
  auto key = std::make_pair(v.buffer, d);
  if (auto it = strides.find(key); it != strides.end()) return it->second;
  Value s = prologueParam(pb.strideSlot(v.buffer, d));
  strides[key] = s;
  return s;
}

SmallVector<Value> KernelBuilder::contiguousStrides(const View &v) {
  SmallVector<Value> out(v.rank());
  Value acc;
  for (int64_t d = v.rank() - 1; d >= 0; --d) {
    out[d] = acc ? acc : index(1);
    Value e = extent(v, d);
    acc = acc ? arith::MulIOp::create(b, location, acc, e).getResult() : e;
  }
  return out;
}

void KernelBuilder::parallelGrid(ArrayRef<GridDim> dims,
                                 function_ref<void(OpBuilder &, Location, ValueRange)> body) {
  assert(!gridEmitted && "one grid per kernel");
  gridEmitted = true;
  SmallVector<Value> counts;
  for (const GridDim &g : dims) {
    Value e;
    Extent recorded;
    if (!g.view) {
      e = index(g.constant);
      recorded = Extent::constant(g.constant);
    } else {
      e = extent(*g.view, g.dim);
      int64_t stat = g.view->type.shape[g.dim];
      auto src = sourceDims(*g.view, g.dim);
      if (stat != kDynamic)
        recorded = Extent::constant(stat);
      else if (src.size() == 1)
        recorded = Extent::slot(pb.extentSlot(g.view->buffer, src[0]));
      else
        gridError = true; // a merged dynamic extent has no single slot; reported by addKernel
    }
    grid.push_back(GridFactor{recorded, g.tile});
    counts.push_back(g.tile == 1 ? e : arith::CeilDivSIOp::create(b, location, e, index(g.tile)).getResult());
  }
  assert(!counts.empty() && "a grid has at least one factor");
  Value total = counts[0];
  for (size_t i = 1; i < counts.size(); ++i) total = arith::MulIOp::create(b, location, total, counts[i]);
  Value zero = index(0), one = index(1);
  auto par = scf::ParallelOp::create(b, location, ValueRange{zero}, ValueRange{total}, ValueRange{one});
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(par.getBody());
  // Delinearise row-major: the first factor varies slowest.
  SmallVector<Value> ids(counts.size());
  Value rest = par.getInductionVars()[0];
  for (int64_t i = counts.size() - 1; i > 0; --i) {
    ids[i] = arith::RemSIOp::create(b, location, rest, counts[i]);
    rest = arith::DivSIOp::create(b, location, rest, counts[i]);
  }
  ids[0] = rest;
  body(b, location, ids);
}

ProgramBuilder::ProgramBuilder(ModuleOp module, StringRef name, ProgramDesc &desc, ArrayRef<TensorType> bufferTypes,
                               TargetAttr target)
    : module(module), name(name.str()), targetDesc(target), program(desc), types(bufferTypes.begin(), bufferTypes.end()) {}

int64_t ProgramBuilder::extentSlot(unsigned b, unsigned d) const { return program.paramOffset(b) + d; }
int64_t ProgramBuilder::strideSlot(unsigned b, unsigned d) const {
  return program.paramOffset(b) + program.bufferRank(b) + d;
}

LogicalResult ProgramBuilder::addKernel(StringRef suffix, function_ref<LogicalResult(KernelBuilder &)> build) {
  MLIRContext *ctx = module.getContext();
  std::string base = partName.empty() ? name : name + "_" + partName;
  std::string kname = suffix.empty() ? base : base + "_" + suffix.str();
  for (int n = 2; module.lookupSymbol(kname); ++n) kname = base + "_" + suffix.str() + std::to_string(n);

  SmallVector<Type> args;
  for (const TensorType &t : types)
    args.push_back(MemRefType::get({ShapedType::kDynamic}, elementTypeOf(ctx, t.dtype)));
  args.push_back(MemRefType::get({ShapedType::kDynamic}, IntegerType::get(ctx, 64)));
  OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
  auto fn = func::FuncOp::create(mb, origin ? *origin : module.getLoc(), kname, FunctionType::get(ctx, args, {}));
  fn->setAttr("weft.kernel", UnitAttr::get(ctx));
  if (gpu()) fn->setAttr("weft.workgroup", IntegerAttr::get(IntegerType::get(ctx, 64), workgroupThreads));
  Block *entry = fn.addEntryBlock();
  OpBuilder b = OpBuilder::atBlockEnd(entry);
  func::ReturnOp::create(b, fn.getLoc());
  b.setInsertionPoint(entry->getTerminator());

  KernelBuilder kb(*this, fn, b);
  if (failed(build(kb))) return failure();
  if (!kb.gridEmitted) return fn.emitError() << "kernel " << kname << " emitted no grid";
  if (kb.gridError)
    return fn.emitError() << "kernel " << kname << ": a grid factor is a dynamic merged extent; grid factors must be "
                                                     "static or a single argument dim";
  program.launches.push_back(LaunchDesc{kname, kb.grid});
  return success();
}

Value toF32(OpBuilder &b, Location loc, Value v) {
  Type f32 = b.getF32Type();
  Type elem = getElementTypeOrSelf(v.getType());
  if (elem == f32) return v;
  Type target = f32;
  if (auto vt = dyn_cast<VectorType>(v.getType())) target = VectorType::get(vt.getShape(), f32);
  return arith::ExtFOp::create(b, loc, target, v);
}

Value fromF32(OpBuilder &b, Location loc, Value v, Type elemType) {
  if (elemType.isF32()) return v;
  Type target = elemType;
  if (auto vt = dyn_cast<VectorType>(v.getType())) target = VectorType::get(vt.getShape(), elemType);
  return arith::TruncFOp::create(b, loc, target, v); // round to nearest even, the default
}

ScheduleAttr scheduleOf(Operation *op) { return op->getAttrOfType<ScheduleAttr>("schedule"); }

} // namespace weft::lowering

namespace weft {
static bool isConstantIndex(Value v, int64_t expected) {
  auto c = v.getDefiningOp<arith::ConstantIndexOp>();
  return c && c.value() == expected;
}

/// The kernel's one top-level grid loop, or an error naming the kernel and the rule it breaks
/// (the loop-level contract of lowering/ProgramBuilder.h).
FailureOr<scf::ParallelOp> gridLoop(func::FuncOp fn) {
  if (fn.isExternal())
    return fn.emitError() << "kernel '" << fn.getName() << "' has no body";
  auto loops = llvm::to_vector(fn.getBody().front().getOps<scf::ParallelOp>());
  if (loops.size() != 1)
    return fn.emitError() << "kernel '" << fn.getName() << "' has " << loops.size()
                          << " top-level scf.parallel loops (rule: exactly one, over the grid)";
  scf::ParallelOp grid = loops.front();
  if (grid.getNumLoops() != 1 || grid.getNumResults() != 0 ||
      !isConstantIndex(grid.getLowerBound()[0], 0) || !isConstantIndex(grid.getStep()[0], 1))
    return grid.emitError() << "kernel '" << fn.getName()
                            << "': the grid loop must be a 1-D scf.parallel from 0 with step 1 "
                               "and no reductions";
  return grid;
}

} // namespace weft
