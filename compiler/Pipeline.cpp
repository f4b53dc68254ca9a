#include "compiler/Pipeline.h"
#include "compiler/targets/TargetBackend.h"

#include "lowering/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/TargetParser/Host.h"

#include <chrono>
#include <mutex>

using namespace mlir;

namespace weft {

namespace {

/// The host's vector register size: the CPU targets' vector widths follow it (the JIT compiles for
/// the host; generated C++ is meant to be built with -march=native where it runs).
int64_t hostVectorBytes() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f")) return 64;
  if (features.lookup("avx")) return 32;
  return 16;
}

Status addStages(OpPassManager &pm, const std::vector<Stage> &stages) {
  for (const Stage &stage : stages) {
    std::string parseErrors;
    llvm::raw_string_ostream errs(parseErrors);
    if (failed(parsePassPipeline(stage.pipelineText(), pm, errs)))
      return Status::error("stage '" + stage.name + "' has a bad pass pipeline '" + stage.pipelineText() +
                           "': " + parseErrors);
  }
  return Status();
}

} // namespace

const std::vector<CpuModel> &cpuModels() {
  static const std::vector<CpuModel> models = {
      {"host", 0, "this machine (the default)"},
      {"generic", 16, "any x86-64: SSE2, 16-byte vectors"},
      {"x86-64-v2", 16, "SSE4.2, 16-byte vectors"},
      {"x86-64-v3", 32, "AVX2 and FMA, 32-byte vectors"},
      {"x86-64-v4", 64, "AVX-512, 64-byte vectors"},
  };
  return models;
}

Result<int64_t> cpuVectorBytes(const std::string &name) {
  if (name.empty() || name == "host") return hostVectorBytes();
  std::string known;
  for (const CpuModel &m : cpuModels()) {
    if (name == m.name) return m.vectorBytes;
    known += (known.empty() ? "" : ", ") + std::string(m.name);
  }
  return Status::error("unknown CPU '" + name + "' (known: " + known + ")");
}

std::vector<Stage> frontendStages(DeviceKind device, int64_t vectorBytes) {
  std::string attach = "weft-attach-target{kind=" + std::string(deviceKindName(device)) +
                       " vector-bytes=" + std::to_string(vectorBytes > 0 ? vectorBytes : hostVectorBytes()) + "}";
  // No canonicalization here: it would fold a one-item grid loop into the kernel's body, and
  // each target's first stage needs that loop to map the grid (threads, workgroups).
  return {
      {"tensor", {attach, "func.func(weft-decompose-composites,weft-resolve-schedule)"}},
      {"loops", {"weft-lower-to-loops"}},
  };
}

void registerPipelines() {
  static std::once_flag once;
  std::call_once(once, [] {
    registerWeftPasses();
    registerCanonicalizerPass();
    registerCSEPass();
    for (const TargetBackend *t : targetBackends()) {
      t->registerPasses();
      std::vector<Stage> all = frontendStages(t->deviceKind());
      for (Stage &s : t->stages(64)) // any program: 64-bit indices
        all.push_back(std::move(s));
      registerPassPipeline(
          "weft-pipeline-" + t->name(), "weft's stages for target " + t->name() + ": " + t->description(),
          [all](OpPassManager &pm, llvm::StringRef, llvm::function_ref<LogicalResult(const llvm::Twine &)> error) {
            Status s = addStages(pm, all);
            return s ? success() : error(s.message());
          },
          [](llvm::function_ref<void(const mlir::detail::PassOptions &)>) {});
    }
  });
}

Status runStages(ModuleOp module, const std::vector<Stage> &stages, const StageHook &after) {
  registerPipelines();
  for (const Stage &stage : stages) {
    auto start = std::chrono::steady_clock::now();
    PassManager pm(module.getContext());
    if (Status s = addStages(pm, {stage}); !s)
      return s;
    if (failed(pm.run(module)))
      return Status::error("stage '" + stage.name + "' failed");
    if (after)
      after(stage, module, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  return Status();
}

} // namespace weft
