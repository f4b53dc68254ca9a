// Target ptx: after the shared GPU loops, the kernels go through MLIR's GPU/NVVM path in process:
// bf16 as integer arithmetic (bit-identical to the other targets), the kernels outlined into a
// gpu.module with bare-pointer buffers (weft-ptx-outline-kernels), convert-gpu-to-nvvm, and LLVM's
// NVPTX back end (gpu-module-to-binary{format=isa}) for sm_90. The artifact's source is the PTX
// module of the function, which weft::CudaDevice loads with cuModuleLoadData. The one file of weft
// with the NVVM headers.
#include "compiler/targets/TargetBackend.h"
#include "compiler/targets/ToLLVMInterfaces.h"
#include "compiler/targets/ptx/Passes.h"

#include "mlir/Conversion/GPUToNVVM/GPUToNVVM.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"

namespace weft {

namespace {

/// The GPU architecture the PTX is generated for (issue 4: sm_90 by default; the lent H100/H200).
constexpr const char *kChip = "sm_90";

class PtxTarget final : public TargetBackend {
public:
  std::string name() const override { return "ptx"; }
  std::string description() const override { return "PTX for CUDA GPUs (sm_90) through MLIR's NVVM path"; }
  DeviceKind deviceKind() const override { return DeviceKind::cuda; }
  std::string emitterName() const override { return "ptx"; }
  std::string sourceExtension() const override { return "ptx"; }

  std::vector<Stage> stages(int indexBits) const override {
    return {gpuLoopsStage(),
            {"nvvm",
             {"weft-expand-bf16", "arith-expand", "weft-ptx-outline-kernels",
              std::string("nvvm-attach-target{chip=") + kChip + " O=3}",
              // math.fma as llvm.fma (PTX fma.rn) first: convert-gpu-to-nvvm would make it a call
              // to libdevice's __nv_fmaf, which is linked only where a CUDA toolkit is found and
              // is otherwise left an unresolved extern that the driver refuses to load.
              "gpu.module(convert-scf-to-cf,convert-math-to-llvm,convert-gpu-to-nvvm{index-bitwidth=" +
                  std::to_string(indexBits) +
                  " use-bare-ptr-memref-call-conv=true})",
              "reconcile-unrealized-casts", "weft-ptx-cache-hints"}},
            {"llvm-ptx", {"gpu-module-to-binary{format=isa}"}}};
  }

  void registerPasses() const override {
    registerWeftPtxPasses();
    mlir::arith::registerArithExpandOpsPass();
    mlir::registerGpuNVVMAttachTarget();
    mlir::registerSCFToControlFlowPass();
    mlir::registerConvertMathToLLVMPass();
    mlir::registerConvertGpuOpsToNVVMOps();
    mlir::registerReconcileUnrealizedCastsPass();
    mlir::registerGpuModuleToBinaryPass();
  }

  void registerDialects(mlir::DialectRegistry &registry) const override {
    registry.insert<mlir::gpu::GPUDialect, mlir::LLVM::LLVMDialect, mlir::NVVM::NVVMDialect>();
    mlir::NVVM::registerNVVMTargetInterfaceExternalModels(registry);
    registerToLLVMInterfaces(registry);
    mlir::registerConvertNVVMToLLVMInterface(registry);
    mlir::NVVM::registerConvertGpuToNVVMInterface(registry);
    mlir::registerBuiltinDialectTranslation(registry);
    mlir::registerLLVMDialectTranslation(registry);
    mlir::registerNVVMDialectTranslation(registry);
    mlir::registerGPUDialectTranslation(registry);
  }

  /// The PTX that gpu-module-to-binary left in the module's gpu.binary.
  Status emit(mlir::ModuleOp module, Artifact &artifact, const Emission &emission) const override {
    for (auto binary : module.getOps<mlir::gpu::BinaryOp>())
      for (mlir::Attribute a : binary.getObjects())
        if (auto object = mlir::dyn_cast<mlir::gpu::ObjectAttr>(a)) {
          artifact.source = object.getObject().str();
          break;
        }
    if (artifact.source.empty())
      return Status::error("the NVVM path left no PTX in the module");
    artifact.program.requires.push_back(kChip);
    artifact.program.indexBits = artifact.program.fitsIndex32() ? 32 : 64; // as stages() was given
    if (auto align = module->getAttrOfType<mlir::IntegerAttr>(kBufferAlignAttr))
      artifact.program.bufferAlign = align.getInt();
    if (emission.stageText)
      *emission.stageText = artifact.source;
    return Status();
  }
};

} // namespace

std::unique_ptr<TargetBackend> createPtxTarget() { return std::make_unique<PtxTarget>(); }

} // namespace weft
