// Target msl: after the shared GPU loops, each kernel printed as a Metal compute kernel
// (MslEmitter.h). The artifact holds the sources, which a Metal device compiles into a library
// (on Apple platforms); elsewhere the tests compile them as C++ against an emulation of the Metal
// standard library (templates/metal/emulation) and run them on the CPU.
#include "compiler/targets/TargetBackend.h"
#include "compiler/targets/msl/MslEmitter.h"
#include "lowering/LoopHelpers.h"

#include <algorithm>
#include <set>

namespace weft {

namespace {

bool printMsl(mlir::ModuleOp module, llvm::raw_ostream &os) {
  return mlir::succeeded(lowering::emitMslSources(module, os));
}

class MslTarget final : public TargetBackend {
public:
  std::string name() const override { return "msl"; }
  std::string description() const override { return "Metal Shading Language compute kernels"; }
  DeviceKind deviceKind() const override { return DeviceKind::metal; }
  std::string emitterName() const override { return "msl"; }
  std::string sourceExtension() const override { return "metal"; }
  std::vector<Stage> stages(int) const override { return {gpuLoopsStage()}; }

  std::vector<SourcePrinter> sourcePrinters() const override {
    return {{"weft-to-msl", "print weft kernels (after weft-gpu-map-grid) as Metal compute kernels", printMsl}};
  }

  Status emit(mlir::ModuleOp module, Artifact &artifact, const Emission &emission) const override {
    std::set<std::string> requires;
    for (const LaunchDesc &launch : artifact.program.launches) {
      auto fn = module.lookupSymbol<mlir::func::FuncOp>(launch.entry);
      if (!fn) return Status::error("launch '" + launch.entry + "' names no kernel of the module");
      KernelCode code{launch.entry, {}, {}};
      // Aligned vectors are accessed whole (MslEmitter.cpp): dispatch checks the alignment.
      artifact.program.bufferAlign =
          std::max<int64_t>(artifact.program.bufferAlign, int64_t(lowering::declaredVectorAlign(fn)));
      if (mlir::failed(lowering::emitMslKernel(fn, code.source, requires)))
        return Status::error("kernel '" + launch.entry + "': the MSL printer failed");
      if (emission.stageText) *emission.stageText += "// ---- kernel " + launch.entry + " ----\n" + code.source;
      artifact.kernels.push_back(std::move(code));
    }
    artifact.program.requires.assign(requires.begin(), requires.end());
    return Status();
  }
};

} // namespace

std::unique_ptr<TargetBackend> createMslTarget() { return std::make_unique<MslTarget>(); }

} // namespace weft
