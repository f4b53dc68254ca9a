// The C++ source target: the kernels of a lowered module as one self-contained C++17 file.
#pragma once

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace weft::lowering {

/// Prints every `weft.kernel` function of `module` (loop-level IR after weft-cpu-grid-to-range)
/// as one C++17 translation unit: the templates it needs pasted in, each program description of
/// the module's `weft.programs` as a comment, and per kernel the C entry point of docs/abi.md,
/// `extern "C" void NAME(void* const* bufs, const int64_t* params, int64_t begin, int64_t end)`.
/// Other functions are left out. Compiled with -ffp-contract=off -fwrapv it computes the same
/// bits as the JIT of the same IR. Fails, with a diagnostic, on anything outside the contract.
mlir::LogicalResult emitCppSource(mlir::ModuleOp module, llvm::raw_ostream &os);

} // namespace weft::lowering
