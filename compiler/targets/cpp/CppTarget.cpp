// Target cpp: the loop IR after the shared CPU loops printed as one readable C++17 file per
// function (CppEmitter.h), which the user compiles where the kernels run.
#include "compiler/targets/TargetBackend.h"
#include "compiler/targets/cpp/CppEmitter.h"

namespace weft {

namespace {

bool printCpp(mlir::ModuleOp module, llvm::raw_ostream &os) {
  return mlir::succeeded(lowering::emitCppSource(module, os));
}

class CppTarget final : public TargetBackend {
public:
  std::string name() const override { return "cpp"; }
  std::string description() const override { return "C++17 source for the CPU, one file per function"; }
  DeviceKind deviceKind() const override { return DeviceKind::cpu; }
  std::string emitterName() const override { return "print"; }
  std::string sourceExtension() const override { return "cpp"; }
  std::vector<Stage> stages(int) const override { return {cpuLoopsStage()}; }
  bool targetsOtherCpus() const override { return true; }

  std::vector<SourcePrinter> sourcePrinters() const override {
    return {{"weft-to-cpp", "print weft kernels (after weft-cpu-grid-to-range) as one C++17 source file", printCpp}};
  }

  Status emit(mlir::ModuleOp module, Artifact &artifact, const Emission &emission) const override {
    llvm::raw_string_ostream os(artifact.source);
    if (!printCpp(module, os))
      return Status::error("the C++ printer failed");
    if (emission.stageText)
      *emission.stageText = artifact.source;
    return Status();
  }
};

} // namespace

std::unique_ptr<TargetBackend> createCppTarget() { return std::make_unique<CppTarget>(); }

} // namespace weft
