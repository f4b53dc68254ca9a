// weft's passes (declared in Passes.td, one file each). The lowering hands each function's program
// description to the back ends in the module's `weft.programs` (#weft.program, dialects/weft).
#pragma once

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include "dialects/weft/WeftOps.h"
#include "weft/Program.h"

#include <string>
#include <utility>
#include <vector>

// Only CpuEntry.cpp needs the LLVM dialect's definition; the declaration keeps its heavy header
// out of every file that includes this one.
namespace mlir::LLVM {
class LLVMDialect;
}
namespace mlir::gpu {
class GPUDialect;
}

namespace weft {
#define GEN_PASS_DECL
#include "lowering/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lowering/Passes.h.inc"

namespace lowering {
/// Attaches each op's KernelOpInterface model (lowering/KernelOp.h) to the weft dialect when it
/// loads: every context that runs weft-resolve-schedule or weft-lower-to-loops needs them.
void registerKernelOpModels(mlir::DialectRegistry &registry);
} // namespace lowering

/// Kernel `fn`'s one top-level scf.parallel over its grid (1-D, from 0, step 1), or an error
/// naming the kernel and the rule of the loop-level contract (lowering/ProgramBuilder.h) it breaks.
mlir::FailureOr<mlir::scf::ParallelOp> gridLoop(mlir::func::FuncOp fn);
} // namespace weft
