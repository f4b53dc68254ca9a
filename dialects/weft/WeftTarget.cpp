// #weft.target<...>: each device kind's description, and where passes find it (the module's
// `weft.target`).
#include "dialects/weft/WeftOps.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace weft {

TargetAttr TargetAttr::forKind(MLIRContext *ctx, StringRef kind, int64_t vectorBytes) {
  // GPUs: 4 x 32-bit lanes (GLSL/MSL vectors, PTX v4 loads), 1024 threads per workgroup (every
  // Vulkan, CUDA and Metal device weft targets has at least that much). Vulkan passes the
  // parameter block in push constants: 128 bytes, the minimum every device guarantees, 16 slots.
  if (kind == "cpu") return get(ctx, kind, vectorBytes, 1, 0);
  if (kind == "vulkan") return get(ctx, kind, 16, 1024, 16);
  if (kind == "cuda" || kind == "metal") return get(ctx, kind, 16, 1024, 0);
  return {};
}

FailureOr<TargetAttr> TargetAttr::of(Operation *op) {
  auto module = isa<ModuleOp>(op) ? cast<ModuleOp>(op) : op->getParentOfType<ModuleOp>();
  if (auto t = module ? module->getAttrOfType<TargetAttr>(kTargetAttrName) : TargetAttr())
    return t;
  return op->emitError() << "the module has no '" << kTargetAttrName
                         << "' (#weft.target<...>): run weft-attach-target first, or set it";
}

LogicalResult TargetAttr::verify(function_ref<InFlightDiagnostic()> emitError, StringRef kind, int64_t vectorBytes,
                                 int64_t maxThreads, int64_t paramSlots) {
  if (kind != "cpu" && kind != "vulkan" && kind != "cuda" && kind != "metal")
    return emitError() << "#weft.target kind = \"" << kind << "\" is not one of cpu, vulkan, cuda, metal";
  if (vectorBytes != 4 && vectorBytes != 8 && vectorBytes != 16 && vectorBytes != 32 && vectorBytes != 64)
    return emitError() << "#weft.target vector_bytes = " << vectorBytes << " is not one of 4, 8, 16, 32, 64";
  if (maxThreads < 1 || maxThreads > 1024)
    return emitError() << "#weft.target max_threads = " << maxThreads << " must be in [1, 1024]";
  if (paramSlots < 0)
    return emitError() << "#weft.target param_slots = " << paramSlots << " must be >= 0 (0: no limit)";
  return success();
}

} // namespace weft
