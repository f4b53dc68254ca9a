// Target spirv: after the shared GPU loops, each kernel printed as a GLSL compute shader
// (GlslEmitter.h), compiled to SPIR-V by shaderc in process, optimised by SPIRV-Tools and
// validated for Vulkan 1.2 (SpirvCompiler.h). Runs on weft::VulkanDevice.
#include "compiler/targets/TargetBackend.h"
#include "compiler/targets/spirv/GlslEmitter.h"
#include "compiler/targets/spirv/SpirvCompiler.h"

namespace weft {

namespace {

bool printGlsl(mlir::ModuleOp module, llvm::raw_ostream &os) {
  return mlir::succeeded(lowering::emitGlslSources(module, os));
}

class SpirvTarget final : public TargetBackend {
public:
  std::string name() const override { return "spirv"; }
  std::string description() const override { return "GLSL compute shaders and SPIR-V for Vulkan 1.2"; }
  DeviceKind deviceKind() const override { return DeviceKind::vulkan; }
  std::string emitterName() const override { return "spirv"; }
  std::string sourceExtension() const override { return "comp"; }
  std::string binaryExtension() const override { return "spv"; }
  std::vector<Stage> stages(int) const override { return {gpuLoopsStage()}; }

  std::vector<SourcePrinter> sourcePrinters() const override {
    return {{"weft-to-glsl", "print weft kernels (after weft-gpu-map-grid) as GLSL compute shaders", printGlsl}};
  }

  Status emit(mlir::ModuleOp module, Artifact &artifact, const Emission &emission) const override {
    Status s = emitSpirv(module, artifact);
    if (s && emission.stageText)
      for (const KernelCode &k : artifact.kernels)
        *emission.stageText += "// ---- kernel " + k.entry + " ----\n" + k.source;
    return s;
  }
};

} // namespace

std::unique_ptr<TargetBackend> createSpirvTarget() { return std::make_unique<SpirvTarget>(); }

} // namespace weft
