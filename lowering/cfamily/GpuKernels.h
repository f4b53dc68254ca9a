// What the GPU dialects of the C-family printer (GLSL, MSL) share around a kernel: the check that
// it is a mapped GPU kernel, and the listing of every launch's kernel that weft-translate's
// `--weft-to-glsl` / `--weft-to-msl` print.
#pragma once

#include "lowering/cfamily/CFamilyPrinter.h"
#include "weft/Program.h"

#include "mlir/IR/BuiltinOps.h"

#include <set>
#include <string>

namespace weft::cfamily {

/// Fails, at `fn`, unless it is a kernel after weft-gpu-map-grid (weft.kernel, weft.workgroup)
/// whose signature ends with the parameter block (no CPU [begin, end) arguments).
mlir::LogicalResult checkGpuKernel(mlir::func::FuncOp fn, const KernelSignature &k);

/// Prints one kernel as a complete source into `out`, adding to `requires` the device
/// capabilities it uses.
using KernelSourceEmitter = llvm::function_ref<mlir::LogicalResult(
    mlir::func::FuncOp fn, const ProgramDesc &program, std::string &out, std::set<std::string> &requires)>;

/// Every launch's kernel of every program of `module`, each under a `// ---- kernel NAME
/// (requires ...) ----` line.
mlir::LogicalResult printKernelSources(mlir::ModuleOp module, llvm::raw_ostream &os, KernelSourceEmitter emit);

} // namespace weft::cfamily
