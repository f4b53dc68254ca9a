// weft-resolve-schedule: every weft op gets a schedule with the target's defaults filled in.
#include "lowering/Passes.h"
#include "lowering/ScheduleDefaults.h"

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
    auto t = lowering::parseTarget(target);
    int64_t bytes = vectorBytes;
    if (bytes != 16 && bytes != 32 && bytes != 64) {
      getOperation().emitError() << "weft-resolve-schedule: vector-bytes = " << bytes
                                 << " is not one of 16, 32, 64";
      return signalPassFailure();
    }
    if (!t) {
      getOperation().emitError() << "weft-resolve-schedule: target = '" << target
                                 << "' is not one of cpu, vulkan, cuda, metal";
      return signalPassFailure();
    }
    WalkResult r = getOperation().walk([&](Operation *op) {
      // Composites are scheduled through the ops weft-decompose-composites makes of them.
      if (op->getDialect() != op->getContext()->getLoadedDialect("weft") || isa<Conv1dOp, ConvTranspose1dOp>(op))
        return WalkResult::advance();
      auto given = op->getAttrOfType<ScheduleAttr>("schedule");
      ScheduleAttr s = lowering::defaultSchedule(op, *t, given, bytes);
      std::string err = checkScheduleFor(ruleName(op), s);
      if (err.empty() && *t != lowering::Target::cpu) err = lowering::checkGpuSchedule(s, target);
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
