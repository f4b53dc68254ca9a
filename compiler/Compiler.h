// The compiler's public C++ entry: MLIR text (or one op described by flags) in, one Artifact per
// (function, target) out, or CPU kernels ready for weft::CpuDevice::dispatch. Links MLIR and
// LLVM, but this header needs neither: errors come back as Result values whose message carries
// the file:line:col of the diagnostic, never printed and never aborting the process.
#pragma once

#include "weft/Artifact.h"
#include "weft/Runtime.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace weft {

/// A module to compile: MLIR text, and the name diagnostics give its buffer (a path, "<op>").
struct Source {
  std::string text;
  std::string name;
};

/// What one stage did, for --dump-stages and --time.
struct StageReport {
  std::string function; ///< "" before the per-function split (the whole module)
  std::string stage;    ///< a Stage's name (compiler/Pipeline.h), or the emitter's: "jit", "print"
  double ms = 0;        ///< wall time of the stage
  std::string ir;       ///< the IR it produced, when CompileOptions::stageIR (LLVM IR after "jit")
};

struct CompileOptions {
  /// `#weft.schedule<...>` for every weft op that carries none; empty: the target's defaults.
  std::string schedule;
  /// Target "cpu": keep the optimised LLVM IR in Artifact::source.
  bool keepSource = false;
  /// Target "cpu": keep the JIT's relocatable object code for this host in the artifact, as one
  /// KernelCode named after the function whose binary is the object; loadCpuObject binds it again
  /// without compiling (the JIT's disk cache, weft/Jit.h).
  bool keepObject = false;
  /// Target "cpp" (TargetBackend::targetsOtherCpus): the CPU the C++ is for (cpuModels() in compiler/Pipeline.h: generic,
  /// x86-64-v2/v3/v4), which sets its vector widths; "" or "host": this machine. The other
  /// targets refuse another CPU (the JIT runs here; GPUs have none).
  std::string cpu;
  /// When set, called after every stage and after the target's emitter.
  std::function<void(const StageReport &)> onStage;
  /// Fill StageReport::ir (printing the IR costs time, so only when asked).
  bool stageIR = false;
};

/// Compiles every function of `src` for `target` (a TargetBackend name; an unknown one is an error
/// listing the targets of this build): one
/// artifact per function, in name order. Target "cpu" JIT-compiles too (so that a successful
/// compile means runnable code); use compileCpu to keep the kernels.
Result<std::vector<Artifact>> compile(const Source &src, const std::string &target,
                                      const CompileOptions &options = {});

/// `src` parsed and printed again: the same module whatever its spacing, comments or SSA names,
/// for cache keys. The error is compile()'s for text that does not parse.
Result<std::string> canonicalIR(const Source &src);

/// One function compiled for the host CPU: its artifact and its JIT-compiled kernel.
struct CpuProgram {
  Artifact artifact;
  CpuKernel kernel;
};

/// compile() for target "cpu", keeping the kernels.
Result<std::vector<CpuProgram>> compileCpu(const Source &src, const CompileOptions &options = {});

/// The kernel of a target "cpu" artifact compiled with keepObject, linked again in a JIT session
/// of its own for this host. The error names the function and what the linker refused.
Result<CpuKernel> loadCpuObject(const Artifact &artifact);

/// One op as a command line gives it.
struct OpSpec {
  std::string op;                   ///< a name from opTable(), e.g. "col2im_1d"
  Attrs attrs;                      ///< integer attributes; booleans as 0/1
  std::vector<TensorType> inputs;   ///< extents may be kDynamic
  std::optional<DType> resultDType; ///< where the op lets the caller choose (e.g. matmul)
};

/// The MLIR text of `func.func @NAME` applying `spec` to its arguments. The op, its attributes
/// and its inputs are checked first with the shared rules (weft/OpRules.h), so a bad flag gets
/// the same words as bad IR: the error names the op, the attribute or input, the value and the rule.
Result<std::string> opSource(const OpSpec &spec, const std::string &name);

/// Parses a tensor type written DTYPE:SHAPE, e.g. "f32:2048x8192" (each extent > 0, or '?' for
/// a dynamic one). The error quotes the text and names the rule.
Result<TensorType> parseTensorType(const std::string &text);
/// Parses "name=value" into `attrs`; the value is an integer (true/false for booleans).
Status parseAttr(const std::string &text, Attrs &attrs);

/// A stage report as the tools print it (stderr): with `withTime` a line with its wall time;
/// then, when it carries IR, a banner in the style of -mlir-print-ir-after-all and the IR.
std::string formatStageReport(const std::string &target, const StageReport &report, bool withTime);

} // namespace weft
