// The compile pipeline as a readable list of stages (the way Triton's backend compiler.py lists
// ttir -> ttgir -> llir -> ptx). A stage is a name and a list of MLIR passes. Every target runs
// the frontend's stages, then its own (compiler/targets/*/, behind TargetBackend), then its
// emitter. --dump-stages prints the IR after each stage under these names, and weft-opt runs a
// target's whole list as the named pipeline `weft-pipeline-TARGET`.
#pragma once

#include "weft/Runtime.h"

#include <functional>
#include <string>
#include <vector>

namespace mlir {
class ModuleOp;
} // namespace mlir

namespace weft {

struct Stage {
  std::string name;
  /// Passes on the module in MLIR's textual pipeline syntax, one entry per pass (func-anchored
  /// passes nested as `func.func(...)`).
  std::vector<std::string> passes;
  /// The entries joined: the pipeline text parsePassPipeline takes (without `builtin.module(...)`,
  /// with which it would nest the pipeline and silently run nothing).
  std::string pipelineText() const {
    std::string text;
    for (const std::string &p : passes)
      text += (text.empty() ? "" : ",") + p;
    return text;
  }
};

/// Tensor-level ops -> loop-level kernels over flat buffers plus `weft.programs`, with the
/// schedule defaults and loop forms of `device`; CPU vector widths follow `vectorBytes` (the
/// vector register size of the CPU the code is for; 0: this host's). Shared by every target; a
/// module that is already at the loop level passes through unchanged.
std::vector<Stage> frontendStages(DeviceKind device, int64_t vectorBytes = 0);

/// The CPUs generated C++ can be meant for (weftc --cpu), with their vector register sizes.
struct CpuModel {
  const char *name;
  int64_t vectorBytes; ///< 0: this host's
  const char *what;
};
const std::vector<CpuModel> &cpuModels();
/// The vector register size of CPU `name` ("" and "host": this host's); the error lists the names.
Result<int64_t> cpuVectorBytes(const std::string &name);

/// Loop-level kernels -> scf.for over the [begin, end) chunk the thread pool hands out: what the
/// CPU JIT and the C++ printer both start from, so the two give identical bits.
inline Stage cpuLoopsStage() {
  return {"cpu-loops", {"func.func(weft-cpu-grid-to-range)", "canonicalize", "cse"}};
}

/// GPU targets: the grid onto workgroups and threads (docs/abi.md, GPU launches); the GPU
/// printers and code generators start here.
inline Stage gpuLoopsStage() { return {"gpu-loops", {"weft-gpu-map-grid", "canonicalize", "cse"}}; }

/// Called after each stage with the stage, the module it produced and its wall time.
using StageHook = std::function<void(const Stage &, mlir::ModuleOp, double ms)>;

/// Runs `stages` on `module` in order, calling `after` (when set) after each. The error names the
/// stage; the passes' own diagnostics go to the context's handler.
Status runStages(mlir::ModuleOp module, const std::vector<Stage> &stages, const StageHook &after);

/// Registers the passes every stage list names (weft's, the shared upstream ones, and each
/// target's own) and, for weft-opt, one named pipeline per target: `weft-pipeline-TARGET`, its
/// frontend and its stages. Idempotent.
void registerPipelines();

} // namespace weft
