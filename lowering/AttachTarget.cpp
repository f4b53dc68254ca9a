// weft-attach-target: the module's #weft.target, from the device kind its pipeline is for.
#include "lowering/Passes.h"

namespace weft {
#define GEN_PASS_DEF_WEFTATTACHTARGET
#include "lowering/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {
struct AttachTargetPass : impl::WeftAttachTargetBase<AttachTargetPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    TargetAttr target = TargetAttr::forKind(&getContext(), kind, vectorBytes);
    if (!target) {
      module.emitError() << "weft-attach-target: kind = '" << kind << "' is not one of cpu, vulkan, cuda, metal";
      return signalPassFailure();
    }
    if (failed(TargetAttr::verifyInvariants([&] { return module.emitError() << "weft-attach-target: "; }, kind,
                                            target.getVectorBytes(), target.getMaxThreads(), target.getParamSlots())))
      return signalPassFailure();
    if (auto given = module->getAttrOfType<TargetAttr>(kTargetAttrName)) {
      if (given.getKind() == target.getKind()) return; // the IR's own limits stand
      module.emitError() << "the module's #weft.target is for " << given.getKind() << ", the pipeline for " << kind;
      return signalPassFailure();
    }
    module->setAttr(kTargetAttrName, target);
  }
};
} // namespace
} // namespace weft
