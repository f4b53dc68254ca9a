// weft-gpu-map-grid: a kernel's grid and its inner parallel loops -> GPU workgroups and threads
// (docs/abi.md, "GPU launches"), shared by every GPU target (GLSL, PTX, MSL).
//
// The top-level scf.parallel over the grid goes one of two ways:
//  - it holds an inner scf.parallel: one item per workgroup. The item is the linear workgroup
//    number; the inner loop's iterations are dealt to the workgroup's threads round-robin
//    (thread l runs l, l + G, ...: consecutive threads on consecutive iterations, so the loop
//    builders' innermost dimension is the coalesced one), in a loop of constant trip count when
//    the builder bounded it (weft.max_trip); a loop of exactly G iterations from 0 is one body
//    per thread, with no loop around it, so a GPU-only form may put barriers in it (matmul's
//    mma = subgroup). Parallel loops deeper than that run serially in each thread.
//  - it holds none: one item per thread, numbered workgroup * G + thread.
// Either way the kernel returns past the grid, so the runtime may round the launch up and fold
// it into a 2-D grid of workgroups (a device's x count may be as small as 65535).
//
// In the workgroup form an item's inner loops run in order (scf semantics), each spread over all
// the threads: a gpu.barrier follows every inner loop that is not the item's last work, so no
// thread starts a loop before all have finished the one before. An item-level memref.alloca is
// the item's, so shared by its threads: it moves to workgroup memory. That is how a loop builder
// stages data (lowering/Col2ImLoops.cpp, gather = stage): one inner loop copies into the array,
// the next reads it. An item is uniform across its workgroup (no thread id reaches item-level
// code), so every barrier is reached by all its threads.
#include "lowering/LoopHelpers.h"
#include "lowering/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

namespace weft {
#define GEN_PASS_DEF_WEFTGPUMAPGRID
#include "lowering/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

/// Replaces `par` by its body, moved before `at` in `into`, with its induction variables replaced
/// by `ivs`.
void inlineBody(scf::ParallelOp par, Block *into, Block::iterator at, ValueRange ivs) {
  Block *body = par.getBody();
  body->getTerminator()->erase(); // scf.reduce with no operands
  into->getOperations().splice(at, body->getOperations());
  for (auto [from, to] : llvm::zip(par.getInductionVars(), ivs)) from.replaceAllUsesWith(to);
  par.erase();
}

/// inlineBody at the end of `into` (before a terminator there, if any).
void inlineBody(scf::ParallelOp par, Block *into, ValueRange ivs) {
  Block::iterator at = into->empty() || !into->back().hasTrait<OpTrait::IsTerminator>()
                           ? into->end()
                           : Block::iterator(into->getTerminator());
  inlineBody(par, into, at, ivs);
}

/// scf.parallel -> serial scf.for nest (same bounds and steps), body moved in.
void serialize(scf::ParallelOp par) {
  OpBuilder b(par);
  Location loc = par.getLoc();
  SmallVector<Value> ivs;
  for (auto [lb, ub, step] : llvm::zip(par.getLowerBound(), par.getUpperBound(), par.getStep())) {
    auto loop = scf::ForOp::create(b, loc, lb, ub, step);
    ivs.push_back(loop.getInductionVar());
    b.setInsertionPoint(loop.getBody()->getTerminator());
  }
  inlineBody(par, b.getInsertionBlock(), ivs);
}

/// An inner scf.parallel -> a loop of this thread's iterations: thread l of G runs linear
/// iterations l, l + G, ... of the loop's space, delinearised row-major (the last dim fastest).
void distribute(scf::ParallelOp par, Value thread, int64_t threads) {
  OpBuilder b(par);
  Location loc = par.getLoc();
  Value G = arith::ConstantIndexOp::create(b, loc, threads);
  // A 1-D loop with step 1 walks its own indices (no division per iteration). With a static
  // bound on its trip count it becomes a loop of constant trip count with a guard, which shader
  // compilers unroll: the thread's iterations are independent, so their loads overlap.
  unsigned n = par.getNumLoops();
  bool direct = n == 1 && matchPattern(par.getStep()[0], m_One());
  // A loop of exactly the workgroup's threads is a body per thread: it runs once, as thread l,
  // with no loop or guard around it, so that a GPU-only form may put barriers in it (every
  // thread reaches them; lowering/MatmulMmaLoops.cpp).
  llvm::APInt lb, ub;
  if (direct && matchPattern(par.getLowerBound()[0], m_ConstantInt(&lb)) && lb.isZero() &&
      matchPattern(par.getUpperBound()[0], m_ConstantInt(&ub)) && ub.getSExtValue() == threads) {
    inlineBody(par, par->getBlock(), Block::iterator(par), thread);
    return;
  }
  if (auto maxTrip = par->getAttrOfType<IntegerAttr>(lowering::kMaxTripAttr); direct && maxTrip) {
    int64_t rounds = (maxTrip.getInt() + threads - 1) / threads;
    Value first = b.createOrFold<arith::AddIOp>(loc, par.getLowerBound()[0], thread);
    auto loop = scf::ForOp::create(b, loc, arith::ConstantIndexOp::create(b, loc, 0),
                                   arith::ConstantIndexOp::create(b, loc, rounds),
                                   arith::ConstantIndexOp::create(b, loc, 1));
    b.setInsertionPoint(loop.getBody()->getTerminator());
    Value iv = b.createOrFold<arith::AddIOp>(loc, first, b.createOrFold<arith::MulIOp>(loc, loop.getInductionVar(), G));
    Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, iv, par.getUpperBound()[0]);
    auto guard = scf::IfOp::create(b, loc, inside, /*withElseRegion=*/false);
    inlineBody(par, guard.thenBlock(), iv);
    return;
  }
  SmallVector<Value> trips;
  Value total;
  for (unsigned d = 0; d < n; ++d) {
    Value span = b.createOrFold<arith::SubIOp>(loc, par.getUpperBound()[d], par.getLowerBound()[d]);
    Value trip = b.createOrFold<arith::CeilDivSIOp>(loc, span, par.getStep()[d]);
    trips.push_back(trip);
    total = total ? b.createOrFold<arith::MulIOp>(loc, total, trip) : trip;
  }
  Value from = direct ? b.createOrFold<arith::AddIOp>(loc, par.getLowerBound()[0], thread) : thread;
  Value to = direct ? par.getUpperBound()[0] : total;
  auto loop = scf::ForOp::create(b, loc, from, to, G);
  b.setInsertionPoint(loop.getBody()->getTerminator());
  SmallVector<Value> ivs(n);
  if (direct) {
    ivs[0] = loop.getInductionVar();
  } else {
    Value rest = loop.getInductionVar();
    for (int d = int(n) - 1; d >= 0; --d) {
      Value i = d ? b.createOrFold<arith::RemSIOp>(loc, rest, trips[d]) : rest;
      if (d) rest = b.createOrFold<arith::DivSIOp>(loc, rest, trips[d]);
      ivs[d] = b.createOrFold<arith::AddIOp>(loc, par.getLowerBound()[d],
                                             b.createOrFold<arith::MulIOp>(loc, i, par.getStep()[d]));
    }
  }
  inlineBody(par, loop.getBody(), ivs);
}

struct MapGrid : impl::WeftGpuMapGridBase<MapGrid> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<TargetAttr> target = TargetAttr::of(module);
    if (failed(target)) return signalPassFailure();
    if (!target->isGpu()) {
      module.emitError() << "weft-gpu-map-grid: the module's #weft.target is for " << target->getKind()
                         << ", not a GPU";
      return signalPassFailure();
    }
    const int64_t maxThreads = target->getMaxThreads();
    auto programs = readPrograms(module);
    if (failed(programs)) return signalPassFailure();
    llvm::StringMap<std::pair<int64_t, int64_t>> shapes; // kernel -> (group, items)
    for (auto fn : module.getOps<func::FuncOp>()) {
      if (!fn->hasAttr("weft.kernel")) continue;
      auto wg = fn->getAttrOfType<IntegerAttr>("weft.workgroup");
      if (!wg || wg.getInt() < 1 || wg.getInt() > maxThreads) {
        fn.emitError() << "kernel '" << fn.getName() << "' has no weft.workgroup in [1, " << maxThreads
                       << "] (rule: weft-lower-to-loops for a GPU target sets it; max_threads of #weft.target)";
        return signalPassFailure();
      }
      FailureOr<scf::ParallelOp> grid = gridLoop(fn);
      if (failed(grid)) return signalPassFailure();
      shapes[fn.getName()] = {wg.getInt(), map(*grid, wg.getInt())};
    }
    for (auto &[name, program] : *programs)
      for (LaunchDesc &launch : program.launches) {
        auto it = shapes.find(launch.entry);
        if (it == shapes.end()) {
          module.emitError() << "program '" << name << "' launches '" << launch.entry << "', which is no kernel";
          return signalPassFailure();
        }
        std::tie(launch.group, launch.items) = it->second;
      }
    writePrograms(module, *programs);
  }

  /// Maps `grid` onto workgroups of `threads` threads; returns the items per workgroup.
  int64_t map(scf::ParallelOp grid, int64_t threads) {
    SmallVector<scf::ParallelOp> inner; // outermost nested parallels first
    grid.getBody()->walk<WalkOrder::PreOrder>([&](scf::ParallelOp p) {
      if (p->getParentOfType<scf::ParallelOp>() == grid) inner.push_back(p);
    });
    SmallVector<scf::ParallelOp> deeper;
    for (scf::ParallelOp p : inner)
      p.getBody()->walk([&](scf::ParallelOp q) { deeper.push_back(q); });

    OpBuilder b(grid);
    Location loc = grid.getLoc();
    Value thread = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
    Value xCount = gpu::GridDimOp::create(b, loc, gpu::Dimension::x);
    Value group = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, gpu::BlockIdOp::create(b, loc, gpu::Dimension::y), xCount),
        gpu::BlockIdOp::create(b, loc, gpu::Dimension::x));
    int64_t items = inner.empty() ? threads : 1;
    Value item = inner.empty() ? arith::AddIOp::create(b, loc,
                                                       arith::MulIOp::create(b, loc, group,
                                                                             arith::ConstantIndexOp::create(b, loc, threads)),
                                                       thread)
                               : group;
    Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, item, grid.getUpperBound()[0]);
    auto guard = scf::IfOp::create(b, loc, inside, /*withElseRegion=*/false);
    inlineBody(grid, guard.thenBlock(), item);

    for (scf::ParallelOp q : llvm::reverse(deeper)) serialize(q);
    if (!inner.empty()) shareItemArrays(guard);
    for (scf::ParallelOp p : inner) {
      if (!isItemsLastWork(p, guard)) {
        OpBuilder after(p->getContext());
        after.setInsertionPointAfter(p);
        gpu::BarrierOp::create(after, p.getLoc());
      }
      distribute(p, thread, threads);
    }
    return items;
  }

  /// Whether nothing of the item runs after inner loop `p`: it is the last op of its block, and
  /// that block is the item's body or the last op of an scf.if that is itself last (not a loop).
  static bool isItemsLastWork(Operation *p, scf::IfOp item) {
    for (Operation *op = p; op != item.getOperation(); op = op->getParentOp()) {
      if (op != op->getBlock()->getTerminator()->getPrevNode()) return false;
      if (op->getParentOp() != item.getOperation() && !isa<scf::IfOp>(op->getParentOp())) return false;
    }
    return true;
  }

  /// The item's scratch arrays (memref.alloca outside its inner loops) -> workgroup memory.
  static void shareItemArrays(scf::IfOp item) {
    auto workgroup = gpu::AddressSpaceAttr::get(item.getContext(), gpu::AddressSpace::Workgroup);
    item.getThenRegion().walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (isa<scf::ParallelOp>(op)) return WalkResult::skip(); // a thread's own
      if (auto alloca = dyn_cast<memref::AllocaOp>(op)) {
        MemRefType t = alloca.getType();
        alloca.getResult().setType(MemRefType::get(t.getShape(), t.getElementType(), t.getLayout(), workgroup));
      }
      return WalkResult::advance();
    });
  }
};

} // namespace
} // namespace weft
