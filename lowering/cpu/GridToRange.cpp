// weft-cpu-grid-to-range: on the CPU a kernel runs a chunk [begin, end) of its grid per call, so
// the runtime's thread pool can split the grid (docs/abi.md, "The CPU entry point"). The kernel's
// top-level scf.parallel over the grid becomes an scf.for over the chunk, clamped to the grid.
// Nested scf.parallel loops stay: convert-scf-to-cf lowers them to serial loops.
#include "lowering/Passes.h"

#include "mlir/IR/Builders.h"

namespace weft {
#define GEN_PASS_DEF_WEFTCPUGRIDTORANGE
#include "lowering/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

struct GridToRange : impl::WeftCpuGridToRangeBase<GridToRange> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    if (!fn->hasAttr("weft.kernel"))
      return;
    FailureOr<scf::ParallelOp> found = gridLoop(fn);
    if (failed(found))
      return signalPassFailure();
    scf::ParallelOp grid = *found;

    Location loc = grid.getLoc();
    MLIRContext *ctx = fn.getContext();
    Type indexTy = IndexType::get(ctx);
    unsigned n = fn.getNumArguments();
    if (failed(fn.insertArguments({n, n}, {indexTy, indexTy}, {DictionaryAttr(), DictionaryAttr()},
                                  {fn.getLoc(), fn.getLoc()})))
      return signalPassFailure();
    Value begin = fn.getArgument(n), end = fn.getArgument(n + 1);

    // Clamped so that a chunk past either end of the grid runs nothing rather than stray items.
    OpBuilder b(grid);
    Value gridEnd = grid.getUpperBound()[0];
    Value lo = arith::MaxSIOp::create(b, loc, begin, grid.getLowerBound()[0]);
    Value hi = arith::MinSIOp::create(b, loc, end, gridEnd);
    auto loop = scf::ForOp::create(b, loc, lo, hi, grid.getStep()[0]);

    // Move the body over; scf.parallel ends in scf.reduce, scf.for keeps its own scf.yield.
    Block &from = grid.getRegion().front();
    from.getTerminator()->erase();
    Block *to = loop.getBody();
    to->getOperations().splice(to->begin(), from.getOperations());
    grid.getInductionVars()[0].replaceAllUsesWith(loop.getInductionVar());
    grid.erase();

    // Scratch tiles move to the entry block: an alloca inside a loop grows the stack on every
    // iteration (LLVM allocates it anew each time), and a chunk of the grid runs on one thread, so
    // one tile per call serves all its items. Builders initialise scratch per item (the contract).
    Block &entry = fn.front();
    fn.walk([&](memref::AllocaOp alloca) {
      if (alloca->getBlock() != &entry && alloca.getType().hasStaticShape() && alloca->getNumOperands() == 0)
        alloca->moveBefore(&entry, entry.begin());
    });
  }
};

} // namespace
} // namespace weft
