// The MSL dialect of the C-family printer: each kernel of the loop-level IR, after
// weft-gpu-map-grid, as one Metal compute kernel (docs/metal.md).
#pragma once

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <set>
#include <string>

namespace weft::lowering {

/// Prints kernel `fn` as a complete Metal source into `out`: metal_stdlib, the helpers it calls
/// (templates/metal), and the kernel with one `device` pointer per program buffer
/// (`[[buffer(b)]]`), the parameter block as the last, and the thread and threadgroup ids as
/// attributed arguments. Adds "bfloat" to `requires` when it uses bf16. Fails with a diagnostic
/// naming the op or type MSL cannot express (f64, say).
mlir::LogicalResult emitMslKernel(mlir::func::FuncOp fn, std::string &out, std::set<std::string> &requires);

/// Every kernel of `module` (after weft-gpu-map-grid), each under a `// ---- kernel NAME ----`
/// line: what `weft-translate --weft-to-msl` prints.
mlir::LogicalResult emitMslSources(mlir::ModuleOp module, llvm::raw_ostream &os);

} // namespace weft::lowering
