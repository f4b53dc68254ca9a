// The C-family printer's structure: the kernel signature, which ops are printed, statements and
// scopes for scf, and memory accesses. Expressions of single ops are in CFamilyExpr.cpp.
#include "lowering/cfamily/CFamilyPrinter.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Iterators.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cstdio>

using namespace mlir;

namespace weft::cfamily {

InFlightDiagnostic unsupported(Operation *op) {
  return op->emitError() << "C-family printer: unsupported ";
}

StringRef builtinName(Builtin b) {
  switch (b) {
  case Builtin::Fma: return "fma";
  case Builtin::RemF: return "remf";
  case Builtin::MaximumF: return "maximumf";
  case Builtin::MinimumF: return "minimumf";
  case Builtin::MaxNumF: return "maxnumf";
  case Builtin::MinNumF: return "minnumf";
  case Builtin::MaxSI: return "maxsi";
  case Builtin::MinSI: return "minsi";
  case Builtin::MaxUI: return "maxui";
  case Builtin::MinUI: return "minui";
  case Builtin::CeilDivSI: return "ceildivsi";
  case Builtin::FloorDivSI: return "floordivsi";
  case Builtin::CeilDivUI: return "ceildivui";
  }
  llvm_unreachable("unknown builtin");
}

CFamilyDialect::~CFamilyDialect() = default;

std::string CFamilyDialect::intLiteral(Type t, const APInt &v) {
  if (t.isInteger(1))
    return v.isZero() ? "false" : "true";
  int64_t x = v.getSExtValue();
  if (x > INT32_MIN && x <= INT32_MAX)
    return std::to_string(x);
  if (x == INT64_MIN) // its digits alone overflow: C has no literal for it
    return "INT64_MIN";
  return "INT64_C(" + std::to_string(x) + ")";
}

LogicalResult CFamilyDialect::printParallel(scf::ParallelOp op, CFamilyPrinter &p) {
  return p.printSerialLoops(op);
}

std::string cFloatLiteral(const APFloat &v, StringRef suffix) {
  if (!v.isFinite())
    return "";
  bool lost = false;
  APFloat d = v;
  d.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost); // exact: f32 or f64
  char buf[40];
  for (int digits = 1; digits <= 17; ++digits) { // the shortest that reads back exactly
    std::snprintf(buf, sizeof buf, "%.*g", digits, d.convertToDouble());
    APFloat back(v.getSemantics(), buf);
    if (back.bitwiseIsEqual(v))
      break;
  }
  std::string s = buf;
  if (s.find_first_of(".e") == std::string::npos)
    s += ".0"; // "1" would be an integer literal
  return s + suffix.str();
}

//===----------------------------------------------------------------------===//
// Kernels, names and liveness
//===----------------------------------------------------------------------===//

std::string CFamilyPrinter::fresh(StringRef prefix) {
  for (unsigned n = 0;; ++n) {
    std::string name = (prefix + Twine(n)).str();
    if (taken.insert(name).second)
      return name;
  }
}

std::string CFamilyPrinter::bindFresh(Value v, StringRef prefix) { return names[v] = fresh(prefix); }

std::string CFamilyPrinter::bindPreferred(Value v, StringRef name) {
  return names[v] = taken.insert(name).second ? name.str() : fresh((name + "_").str());
}

FailureOr<std::string> CFamilyPrinter::typeName(Type t, Operation *at) {
  std::string name;
  if (auto vt = dyn_cast<VectorType>(t))
    name = vt.getRank() == 1 && !vt.isScalable() ? dialect.vectorType(vt) : "";
  else
    name = dialect.scalarType(t);
  if (name.empty())
    return unsupported(at) << "type " << t;
  return name;
}

// Pure ops and loads whose results only dead ops read are not printed: C compilers warn about
// unused locals, and generated code must compile with -Werror.
void CFamilyPrinter::findDeadOps(func::FuncOp fn) {
  dead.clear();
  auto removable = [](Operation *op) {
    return op->getNumResults() > 0 && op->getNumRegions() == 0 &&
           (isMemoryEffectFree(op) || isa<memref::LoadOp, vector::LoadOp>(op));
  };
  // Scratch that is only written is dead with its stores (compilers warn "set but not used").
  fn.walk([&](memref::AllocaOp alloca) {
    auto storesInto = [&](Operation *u) {
      if (auto s = dyn_cast<memref::StoreOp>(u))
        return s.getMemRef() == alloca.getResult();
      auto v = dyn_cast<vector::StoreOp>(u);
      return v && v.getBase() == alloca.getResult();
    };
    if (llvm::all_of(alloca->getUsers(), storesInto)) {
      dead.insert(alloca);
      dead.insert(alloca->user_begin(), alloca->user_end());
    }
  });
  for (bool changed = true; changed;) {
    changed = false;
    fn.walk<WalkOrder::PostOrder, ReverseIterator>([&](Operation *op) {
      if (!dead.contains(op) && removable(op) &&
          llvm::all_of(op->getUsers(), [&](Operation *u) { return dead.contains(u); })) {
        dead.insert(op);
        changed = true;
      }
    });
  }
}

bool CFamilyPrinter::isLive(Value v) const {
  return llvm::any_of(v.getUsers(), [&](Operation *u) { return !dead.contains(u); });
}

FailureOr<KernelSignature> CFamilyPrinter::signature(func::FuncOp fn) {
  auto bad = [&](const Twine &why) {
    return fn.emitError() << "kernel '" << fn.getName() << "': " << why
                          << " (expected: one memref<?xT> per buffer, the parameter block "
                             "memref<?xi64>, then index arguments)";
  };
  ArrayRef<Type> types = fn.getArgumentTypes();
  auto lastMemref = llvm::find_if(llvm::reverse(types), [](Type t) { return isa<MemRefType>(t); });
  if (lastMemref == types.rend())
    return bad("no parameter block");
  unsigned paramsPos = types.rend() - lastMemref - 1;
  unsigned numIndex = types.size() - paramsPos - 1;

  KernelSignature k;
  k.name = fn.getSymName().str();
  for (auto [i, t] : llvm::enumerate(types)) {
    KernelArg a;
    a.position = i;
    auto mt = dyn_cast<MemRefType>(t);
    if (i < paramsPos) {
      if (!mt || mt.getRank() != 1 || !mt.getLayout().isIdentity() || mt.getMemorySpace())
        return bad("argument " + Twine(i) + " is not a buffer");
      a.kind = KernelArg::Buffer;
      a.elementType = mt.getElementType();
      a.name = "b" + std::to_string(i);
    } else if (i == paramsPos) {
      if (mt.getRank() != 1 || !mt.getElementType().isInteger(64))
        return bad("the parameter block is not memref<?xi64>");
      a.kind = KernelArg::Params;
      a.elementType = mt.getElementType();
      a.name = "params";
    } else {
      if (!t.isIndex())
        return bad("argument " + Twine(i) + " after the parameter block is not an index");
      a.kind = KernelArg::Index;
      a.elementType = t;
      a.name = numIndex == 2 ? (i == paramsPos + 1 ? "begin" : "end") : "n" + std::to_string(i);
    }
    BlockArgument arg = fn.getArgument(i);
    a.used = isLive(arg);
    a.written = llvm::any_of(arg.getUsers(), [&](Operation *u) {
      if (auto s = dyn_cast<memref::StoreOp>(u))
        return s.getMemRef() == arg;
      if (auto s = dyn_cast<vector::StoreOp>(u))
        return s.getBase() == arg;
      return false;
    });
    k.args.push_back(a);
  }
  return k;
}

std::optional<std::string> provenance(Location loc) {
  std::optional<std::string> found;
  loc->walk([&](Location l) {
    auto name = dyn_cast<NameLoc>(l);
    if (!name || !name.getName().getValue().starts_with("weft.")) return WalkResult::advance();
    found = name.getName().str();
    return WalkResult::interrupt();
  });
  return found;
}

LogicalResult CFamilyPrinter::printKernel(func::FuncOp fn) {
  names.clear();
  taken.clear();
  if (fn.isExternal() || !fn.getBody().hasOneBlock() || fn.getNumResults() != 0)
    return fn.emitError() << "kernel '" << fn.getName()
                          << "' must have one block and no results (loop-level IR contract)";
  findDeadOps(fn);
  FailureOr<KernelSignature> k = signature(fn);
  if (failed(k))
    return failure();
  for (const KernelArg &a : k->args) {
    names[fn.getArgument(a.position)] = a.name;
    taken.insert(a.name);
    if (a.kind == KernelArg::Params)
      params = fn.getArgument(a.position);
  }
  if (failed(findWorkgroupArrays(fn, *k)) || failed(dialect.printKernelBegin(fn, *k, os)))
    return failure();
  os.indent();
  // Each top-level loop nest under a comment naming the weft op and schedule it was built for.
  LogicalResult result = success();
  for (Operation &op : fn.getBody().front().without_terminator()) {
    if (dead.contains(&op))
      continue;
    if (std::optional<std::string> origin = op.getNumRegions() ? provenance(op.getLoc()) : std::nullopt)
      os << "// " << *origin << "\n";
    if (failed(printOp(&op))) {
      result = failure();
      break;
    }
  }
  os.unindent();
  dialect.printKernelEnd(os);
  return result;
}

LogicalResult CFamilyPrinter::printBlock(Block &block) {
  for (Operation &op : block.without_terminator())
    if (!dead.contains(&op) && failed(printOp(&op)))
      return failure();
  return success();
}

LogicalResult CFamilyPrinter::printOp(Operation *op) {
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](scf::ForOp o) { return printFor(o); })
      .Case([&](scf::IfOp o) { return printIf(o); })
      .Case([&](scf::ParallelOp o) { return dialect.printParallel(o, *this); })
      .Case([&](memref::AllocaOp o) { return printAlloca(o); })
      .Case([&](gpu::BarrierOp o) { return printBarrier(o); })
      .Case([&](memref::PrefetchOp o) { return printPrefetch(o); })
      .Case([&](memref::LoadOp o) { return printLoad(o, o.getMemRef(), o.getIndices()); })
      .Case([&](vector::LoadOp o) { return printLoad(o, o.getBase(), o.getIndices()); })
      .Case([&](memref::StoreOp o) {
        return printStore(o, o.getValueToStore(), o.getMemRef(), o.getIndices());
      })
      .Case([&](vector::StoreOp o) {
        // Streamed only where the store also declares an alignment of 16 bytes or more (the
        // languages' streaming stores need aligned addresses); other nontemporal ones store plainly.
        uint64_t align = o.getNontemporal() && o.getAlignment() && *o.getAlignment() >= 16 ? *o.getAlignment() : 0;
        return printStore(o, o.getValueToStore(), o.getBase(), o.getIndices(), align);
      })
      .Default([&](Operation *o) { return printValueOp(o); });
}

LogicalResult CFamilyPrinter::define(Operation *op, const std::string &name, const std::string &rhs) {
  FailureOr<std::string> type = typeName(op->getResult(0).getType(), op);
  if (failed(type))
    return failure();
  os << "const " << *type << " " << name << " = " << rhs << ";\n";
  return success();
}

//===----------------------------------------------------------------------===//
// scf
//===----------------------------------------------------------------------===//

static std::string loopHeader(StringRef type, StringRef iv, StringRef lb, StringRef ub, Value step,
                              StringRef stepExpr) {
  std::optional<int64_t> s = getConstantIntValue(step);
  std::string inc = s == 1 ? ("++" + iv).str() : (iv + " += " + stepExpr).str();
  return ("for (" + type + " " + iv + " = " + lb + "; " + iv + " < " + ub + "; " + inc + ") {\n").str();
}

// Yielded values go to `targets` (the loop's or the if's mutable locals; "" for a result nothing
// reads). The assignment is parallel: if a yielded value is another target, all are copied first.
LogicalResult CFamilyPrinter::printYield(scf::YieldOp yield, ArrayRef<std::string> targets) {
  SmallVector<std::string> values;
  for (Value v : yield.getOperands())
    values.push_back(expr(v));
  bool clash = false;
  for (auto [i, v] : llvm::enumerate(values))
    for (auto [j, t] : llvm::enumerate(targets))
      clash |= i != j && !t.empty() && v == t;
  for (auto [i, t] : llvm::enumerate(targets)) {
    if (t.empty() || values[i] == t)
      continue;
    if (clash) {
      std::string copy = fresh("next");
      FailureOr<std::string> type = typeName(yield.getOperand(i).getType(), yield);
      if (failed(type))
        return failure();
      os << "const " << *type << " " << copy << " = " << values[i] << ";\n";
      values[i] = copy;
    }
  }
  for (auto [t, v] : llvm::zip(targets, values))
    if (!t.empty() && v != t)
      os << t << " = " << v << ";\n";
  return success();
}

LogicalResult CFamilyPrinter::printFor(scf::ForOp op) {
  if (op.getUnsignedCmp())
    return unsupported(op) << "scf.for with an unsigned comparison";
  Value iv = op.getInductionVar();
  FailureOr<std::string> ivType = typeName(iv.getType(), op);
  if (failed(ivType))
    return failure();
  bool grid = isa<func::FuncOp>(op->getParentOp());
  os << (grid ? "// scf.for over this call's grid items\n" : "// scf.for\n");
  // Loop-carried values are mutable locals, declared before the loop and read after it as the
  // loop's results.
  SmallVector<std::string> locals;
  for (auto [init, arg, result] : llvm::zip(op.getInitArgs(), op.getRegionIterArgs(), op.getResults())) {
    FailureOr<std::string> type = typeName(arg.getType(), op);
    if (failed(type))
      return failure();
    std::string name = bindFresh(arg, "acc");
    names[result] = name;
    locals.push_back(name);
    os << *type << " " << name << " = " << expr(init) << ";\n";
  }
  std::string ivName = grid ? bindPreferred(iv, "g") : bindFresh(iv, "i");
  os << loopHeader(*ivType, ivName, expr(op.getLowerBound()), expr(op.getUpperBound()), op.getStep(),
                   expr(op.getStep()));
  os.indent();
  LogicalResult body = printBlock(*op.getBody());
  if (succeeded(body))
    body = printYield(cast<scf::YieldOp>(op.getBody()->getTerminator()), locals);
  os.unindent();
  os << "}\n";
  return body;
}

LogicalResult CFamilyPrinter::printIf(scf::IfOp op) {
  SmallVector<std::string> results;
  for (Value r : op.getResults()) {
    if (!isLive(r)) {
      results.push_back("");
      continue;
    }
    FailureOr<std::string> type = typeName(r.getType(), op);
    if (failed(type))
      return failure();
    results.push_back(bindFresh(r, "r"));
    os << *type << " " << results.back() << "; // scf.if result\n";
  }
  auto branch = [&](Region &region) {
    os.indent();
    LogicalResult r = printBlock(region.front());
    if (succeeded(r))
      r = printYield(cast<scf::YieldOp>(region.front().getTerminator()), results);
    os.unindent();
    return r;
  };
  os << "if (" << expr(op.getCondition()) << ") {\n";
  if (failed(branch(op.getThenRegion())))
    return failure();
  Region &otherwise = op.getElseRegion();
  bool anyResult = llvm::any_of(results, [](const std::string &r) { return !r.empty(); });
  if (!otherwise.empty() && (anyResult || !otherwise.front().without_terminator().empty())) {
    os << "} else {\n";
    if (failed(branch(otherwise)))
      return failure();
  }
  os << "}\n";
  return success();
}

LogicalResult CFamilyPrinter::printSerialLoops(scf::ParallelOp op) {
  if (op.getNumResults() != 0)
    return unsupported(op) << "scf.parallel with reductions";
  os << "// scf.parallel, run serially\n";
  for (auto [iv, lb, ub, step] :
       llvm::zip(op.getInductionVars(), op.getLowerBound(), op.getUpperBound(), op.getStep())) {
    FailureOr<std::string> type = typeName(iv.getType(), op);
    if (failed(type))
      return failure();
    os << loopHeader(*type, bindFresh(iv, "i"), expr(lb), expr(ub), step, expr(step));
    os.indent();
  }
  LogicalResult body = printBlock(*op.getBody());
  for (unsigned d = 0; d < op.getNumLoops(); ++d) {
    os.unindent();
    os << "}\n";
  }
  return body;
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

bool inWorkgroupMemory(MemRefType t) {
  auto space = dyn_cast_if_present<gpu::AddressSpaceAttr>(t.getMemorySpace());
  return space && space.getValue() == gpu::AddressSpace::Workgroup;
}

LogicalResult CFamilyPrinter::findWorkgroupArrays(func::FuncOp fn, KernelSignature &k) {
  WalkResult walk = fn.walk([&](memref::AllocaOp op) {
    MemRefType type = op.getType();
    if (dead.contains(op) || !inWorkgroupMemory(type)) return WalkResult::advance();
    if (!type.hasStaticShape() || !type.getLayout().isIdentity()) {
      unsupported(op) << "memref.alloca: a workgroup array needs a static shape and no layout";
      return WalkResult::interrupt();
    }
    if (failed(typeName(type.getElementType(), op))) return WalkResult::interrupt();
    k.workgroupArrays.push_back({type.getElementType(), type.getNumElements(), bindFresh(op.getResult(), "w")});
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

LogicalResult CFamilyPrinter::printBarrier(Operation *op) {
  std::string b = dialect.barrier();
  if (b.empty())
    return unsupported(op) << "gpu.barrier: the language has no workgroup";
  os << b << ";\n";
  return success();
}

LogicalResult CFamilyPrinter::printPrefetch(Operation *op) {
  auto prefetch = cast<memref::PrefetchOp>(op);
  std::string base, index;
  Space space;
  if (failed(access(op, prefetch.getMemref(), prefetch.getIndices(), base, space, index)))
    return failure();
  if (std::string p = dialect.prefetch(base, index); !p.empty())
    os << p << ";\n";
  return success();
}

LogicalResult CFamilyPrinter::printAlloca(Operation *op) {
  auto type = cast<memref::AllocaOp>(op).getType();
  if (inWorkgroupMemory(type))
    return success(); // declared with the kernel (findWorkgroupArrays)
  if (!type.hasStaticShape() || !type.getLayout().isIdentity() || type.getMemorySpace())
    return unsupported(op) << "memref.alloca: scratch needs a static shape, no layout and no memory space";
  if (failed(typeName(type.getElementType(), op)))
    return failure();
  std::string name = bindFresh(op->getResult(0), "s");
  os << "// memref.alloca: " << type << "\n";
  os << dialect.scratchArray(type.getElementType(), type.getNumElements(), name) << ";\n";
  return success();
}

LogicalResult CFamilyPrinter::access(Operation *op, Value memref, ValueRange indices, std::string &base,
                                     Space &space, std::string &index) {
  auto arg = dyn_cast<BlockArgument>(memref);
  if (arg && isa<func::FuncOp>(arg.getOwner()->getParentOp()))
    space = Space::Buffer;
  else if (memref.getDefiningOp<memref::AllocaOp>())
    space = Space::Scratch;
  else
    return unsupported(op) << "access to a memref that is neither a kernel buffer nor a memref.alloca";
  base = expr(memref);
  // Row-major: buffers are 1-D, scratch arrays have static shapes. Constant indices are summed.
  auto type = cast<MemRefType>(memref.getType());
  int64_t stride = 1, offset = 0;
  SmallVector<std::string> terms;
  for (int d = type.getRank() - 1; d >= 0; --d) {
    if (std::optional<int64_t> c = getConstantIntValue(indices[d]))
      offset += *c * stride;
    else
      terms.push_back(stride == 1 ? expr(indices[d]) : expr(indices[d]) + " * " + std::to_string(stride));
    stride *= d > 0 ? type.getDimSize(d) : 1;
  }
  std::reverse(terms.begin(), terms.end());
  if (offset != 0 || terms.empty())
    terms.push_back(std::to_string(offset));
  index = llvm::join(terms, " + ");
  return success();
}

LogicalResult CFamilyPrinter::printLoad(Operation *op, Value memref, ValueRange indices) {
  std::string base, index;
  Space space;
  if (failed(access(op, memref, indices, base, space, index)))
    return failure();
  Value result = op->getResult(0);
  if (auto vt = dyn_cast<VectorType>(result.getType())) {
    if (failed(typeName(vt, op)))
      return failure();
    uint64_t align = 0;
    if (auto load = dyn_cast<vector::LoadOp>(op)) align = load.getAlignment().value_or(0);
    return define(op, bindFresh(result, "v"), dialect.vectorLoad(vt, space, base, index, align));
  }
  // A parameter-block slot read at a constant index is named after it: p3 for params[3].
  std::optional<int64_t> slot = indices.size() == 1 ? getConstantIntValue(indices[0]) : std::nullopt;
  std::string name = memref == params && slot ? bindPreferred(result, "p" + std::to_string(*slot))
                                              : bindFresh(result, "ld");
  return define(op, name, dialect.element(base, index));
}

LogicalResult CFamilyPrinter::printStore(Operation *op, Value value, Value memref, ValueRange indices,
                                         uint64_t streamAlign) {
  std::string base, index;
  Space space;
  if (failed(access(op, memref, indices, base, space, index)))
    return failure();
  if (auto vt = dyn_cast<VectorType>(value.getType())) {
    if (failed(typeName(vt, op)))
      return failure();
    uint64_t align = 0;
    if (auto store = dyn_cast<vector::StoreOp>(op)) align = store.getAlignment().value_or(0);
    os << (streamAlign ? dialect.vectorStreamStore(vt, expr(value), space, base, index, streamAlign)
                       : dialect.vectorStore(vt, expr(value), space, base, index, align))
       << ";\n";
  } else {
    os << dialect.element(base, index) << " = " << expr(value) << ";\n";
  }
  return success();
}

} // namespace weft::cfamily
