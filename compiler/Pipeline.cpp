#include "compiler/Pipeline.h"

#include "lowering/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/TargetParser/Host.h"

#include <chrono>
#include <mutex>

using namespace mlir;

namespace weft {

namespace {

/// Loop-level kernels -> scf.for over the [begin, end) chunk the thread pool hands out: what the
/// CPU JIT and the C++ printer both start from, so the two give identical bits.
Stage cpuLoops() {
  return {"cpu-loops", {"func.func(weft-cpu-grid-to-range)", "canonicalize", "cse"}};
}

/// The LLVM dialect, with the C entry point of docs/abi.md per kernel. bf16 conversions become
/// integer ops (no runtime library call; NaNs kept as the C++ path keeps them), ceildiv/floordiv
/// plain arithmetic.
Stage cpuLLVM() {
  return {"llvm",
          {"convert-vector-to-scf", "convert-scf-to-cf", "expand-strided-metadata", "lower-affine",
           "weft-expand-bf16", "arith-expand", "finalize-memref-to-llvm", "convert-vector-to-llvm",
           "convert-math-to-llvm", "convert-arith-to-llvm", "convert-index-to-llvm",
           "convert-cf-to-llvm", "convert-func-to-llvm", "weft-cpu-entry",
           "reconcile-unrealized-casts"}};
}

/// GPU targets: the grid onto workgroups and threads (docs/abi.md, GPU launches); the printers
/// start here.
Stage gpuLoops() { return {"gpu-loops", {"weft-gpu-map-grid", "canonicalize", "cse"}}; }

/// Registers the passes the stages name, once per process.
void registerPipelinePasses() {
  static std::once_flag once;
  std::call_once(once, [] {
    registerWeftPasses();
    registerCanonicalizerPass();
    registerCSEPass();
    registerConvertVectorToSCFPass();
    registerSCFToControlFlowPass();
    memref::registerExpandStridedMetadataPass();
    registerLowerAffinePass();
    arith::registerArithExpandOpsPass();
    registerFinalizeMemRefToLLVMConversionPass();
    registerConvertVectorToLLVMPass();
    registerConvertMathToLLVMPass();
    registerArithToLLVMConversionPass();
    registerConvertIndexToLLVMPass();
    registerConvertControlFlowToLLVMPass();
    registerConvertFuncToLLVMPass();
    registerReconcileUnrealizedCastsPass();
  });
}

} // namespace

std::string Stage::pipelineText() const { return llvm::join(passes, ","); }

const std::vector<Target> &targets() {
  static const std::vector<Target> all = {
      {"cpu", "cpu", "ll", {cpuLoops(), cpuLLVM()}}, // then: ORC JIT (CpuJit.cpp)
      {"cpp", "cpu", "cpp", {cpuLoops()}},           // then: the C++ printer (lowering/cpu)
      {"spirv", "vulkan", "comp", {gpuLoops()}, "spv"}, // then: GLSL, shaderc, SPIRV-Tools (compiler/vulkan)
  };
  return all;
}

const Target *findTarget(std::string_view name) {
  for (const Target &t : targets())
    if (t.name == name)
      return &t;
  return nullptr;
}

std::string targetNames() {
  std::vector<std::string> names;
  for (const Target &t : targets())
    names.push_back(t.name);
  return llvm::join(names, ", ");
}

/// The host's vector register size: the CPU targets' vector widths follow it (the JIT compiles for
/// the host; generated C++ is meant to be built with -march=native where it runs).
int64_t hostVectorBytes() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f")) return 64;
  if (features.lookup("avx")) return 32;
  return 16;
}

std::vector<Stage> frontendStages(std::string_view scheduleDevice) {
  std::string resolve = "weft-resolve-schedule{target=" + std::string(scheduleDevice);
  if (scheduleDevice == "cpu") resolve += " vector-bytes=" + std::to_string(hostVectorBytes());
  resolve += "}";
  // No canonicalization here: it would fold a one-item grid loop into the kernel's body, and
  // each target's first stage needs that loop to map the grid (threads, workgroups).
  return {
      {"tensor", {"func.func(weft-decompose-composites," + resolve + ")"}},
      {"loops", {"weft-lower-to-loops{target=" + std::string(scheduleDevice) + "}"}},
  };
}

Status runStages(ModuleOp module, const std::vector<Stage> &stages, const StageHook &after) {
  registerPipelinePasses();
  for (const Stage &stage : stages) {
    auto start = std::chrono::steady_clock::now();
    PassManager pm(module.getContext());
    std::string parseErrors;
    llvm::raw_string_ostream errs(parseErrors);
    if (failed(parsePassPipeline(stage.pipelineText(), pm, errs)))
      return Status::error("stage '" + stage.name + "' has a bad pass pipeline '" + stage.pipelineText() +
                           "': " + parseErrors);
    if (failed(pm.run(module)))
      return Status::error("stage '" + stage.name + "' failed");
    if (after)
      after(stage, module, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  return Status();
}

} // namespace weft
