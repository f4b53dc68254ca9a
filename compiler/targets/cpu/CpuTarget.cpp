// Target cpu: the loop IR through the LLVM dialect into an in-process ORC JIT for the host CPU.
// The artifact keeps the optimised LLVM IR when asked; the runnable kernel goes to the caller
// (compileCpu) through Emission::hostKernel.
#include "compiler/targets/TargetBackend.h"
#include "compiler/targets/ToLLVMInterfaces.h"
#include "compiler/targets/cpu/CpuJit.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"

namespace weft {

namespace {

class CpuTarget final : public TargetBackend {
public:
  std::string name() const override { return "cpu"; }
  std::string description() const override { return "the host CPU through LLVM's ORC JIT, kernels run in this process"; }
  DeviceKind deviceKind() const override { return DeviceKind::cpu; }
  std::string emitterName() const override { return "jit"; }
  std::string sourceExtension() const override { return "ll"; }

  /// After the shared CPU loops: the LLVM dialect, with the C entry point of docs/abi.md per
  /// kernel. bf16 conversions become integer ops (no runtime library call; NaNs kept as the C++
  /// path keeps them), ceildiv/floordiv plain arithmetic. The memref, vector, math, arith, index,
  /// cf and func ops go to LLVM in one conversion (`convert-to-llvm`, each dialect's patterns
  /// through its ConvertToLLVM interface, registerDialects): the same LLVM IR as one pass per
  /// dialect, the conversions in a third of the time (matmul 1024^3: 19-23 -> 5-8 ms; the whole
  /// stage 22-29 -> 15-20 ms, docs/pipeline.md).
  std::vector<Stage> stages(int) const override {
    return {cpuLoopsStage(),
            {"llvm",
             {"convert-vector-to-scf", "convert-scf-to-cf", "expand-strided-metadata", "lower-affine",
              "weft-expand-bf16", "arith-expand", "convert-to-llvm", "weft-cpu-entry", "reconcile-unrealized-casts"}}};
  }

  void registerPasses() const override {
    mlir::registerConvertVectorToSCFPass();
    mlir::registerSCFToControlFlowPass();
    mlir::memref::registerExpandStridedMetadataPass();
    mlir::registerLowerAffinePass();
    mlir::arith::registerArithExpandOpsPass();
    mlir::registerConvertToLLVMPass();
    mlir::registerReconcileUnrealizedCastsPass();
  }

  void registerDialects(mlir::DialectRegistry &registry) const override { registerToLLVMInterfaces(registry); }

  Result<CpuKernel> loadHostObject(const Artifact &artifact) const override {
    if (artifact.target != name() || artifact.kernels.size() != 1 || artifact.kernels[0].binary.empty())
      return Status::error("the artifact of function '" + artifact.function + "' (target " + artifact.target +
                           ") holds no CPU object code (compile it with CompileOptions::keepObject)");
    const std::vector<uint8_t> &code = artifact.kernels[0].binary;
    return jitLoadObject(std::string(code.begin(), code.end()), artifact.program);
  }

  Status emit(mlir::ModuleOp module, Artifact &artifact, const Emission &emission) const override {
    std::string ir;
    bool wantIR = emission.keepSource || emission.stageText;
    std::string object;
    Result<CpuKernel> kernel =
        jitCompile(module, artifact.program, wantIR ? &ir : nullptr, emission.keepObject ? &object : nullptr);
    if (!kernel)
      return kernel.status();
    if (emission.keepObject)
      artifact.kernels.push_back({artifact.function, "", std::vector<uint8_t>(object.begin(), object.end())});
    if (emission.stageText)
      *emission.stageText = ir;
    if (emission.keepSource)
      artifact.source = std::move(ir);
    if (emission.hostKernel)
      *emission.hostKernel = std::move(*kernel);
    return Status();
  }
};

} // namespace

std::unique_ptr<TargetBackend> createCpuTarget() { return std::make_unique<CpuTarget>(); }

} // namespace weft
