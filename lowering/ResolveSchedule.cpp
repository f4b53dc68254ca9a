// weft-resolve-schedule: every weft op gets a schedule with the target's defaults filled in.
#include "lowering/Passes.h"
#include "lowering/KernelOp.h"

namespace weft {
#define GEN_PASS_DEF_WEFTRESOLVESCHEDULE
#include "lowering/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {
struct ResolveSchedulePass : impl::WeftResolveScheduleBase<ResolveSchedulePass> {
  using Base::Base;
  void runOnOperation() override {
    FailureOr<TargetAttr> target = TargetAttr::of(getOperation());
    if (failed(target)) return signalPassFailure();
    WalkResult r = getOperation().walk([&](Operation *op) {
      // Composites are scheduled through the ops weft-decompose-composites makes of them.
      auto kernelOp = dyn_cast<lowering::KernelOpInterface>(op);
      if (!kernelOp) return WalkResult::advance();
      ScheduleAttr s = kernelOp.resolveSchedule(*target, op->getAttrOfType<ScheduleAttr>("schedule"));
      std::string err = checkScheduleFor(ruleName(op), s);
      if (err.empty() && target->isGpu()) err = lowering::checkGpuSchedule(s, *target);
      if (!err.empty()) {
        op->emitOpError() << err;
        return WalkResult::interrupt();
      }
      op->setAttr("schedule", s);
      return WalkResult::advance();
    });
    if (r.wasInterrupted()) signalPassFailure();
  }
};
} // namespace
} // namespace weft
