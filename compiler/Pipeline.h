// The compile pipeline of each target as a readable list of stages (the way Triton's backend
// compiler.py lists ttir -> ttgir -> llir -> ptx). A stage is a name and a list of MLIR passes;
// what follows the last stage (the JIT, a source printer) is the target's emitter in
// Compiler.cpp. --dump-stages prints the IR after each stage under these names.
#pragma once

#include "weft/Runtime.h"

#include <functional>
#include <string>
#include <string_view>
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
  std::string pipelineText() const;
};

/// A compile target: its name, the device whose schedule defaults apply, the file extensions of
/// its readable source and (GPU targets) of each kernel's binary, and its stages after the
/// per-function split.
struct Target {
  std::string name;
  std::string scheduleDevice;
  std::string sourceExtension;
  std::vector<Stage> stages;
  std::string binaryExtension; ///< empty for the CPU targets
  bool gpu() const { return scheduleDevice != "cpu"; }
};

/// The targets, in the order --help lists them.
const std::vector<Target> &targets();
/// The target called `name`, or null.
const Target *findTarget(std::string_view name);
/// "cpu, cpp": the target names for messages and --help.
std::string targetNames();

/// Tensor-level ops -> loop-level kernels over flat buffers plus `weft.programs`, with the
/// schedule defaults of `scheduleDevice`. Shared by every target; a module that is already at
/// the loop level passes through unchanged.
std::vector<Stage> frontendStages(std::string_view scheduleDevice);

/// Called after each stage with the stage, the module it produced and its wall time.
using StageHook = std::function<void(const Stage &, mlir::ModuleOp, double ms)>;

/// Runs `stages` on `module` in order, calling `after` (when set) after each. The error names the
/// stage; the passes' own diagnostics go to the context's handler.
Status runStages(mlir::ModuleOp module, const std::vector<Stage> &stages, const StageHook &after);

} // namespace weft
