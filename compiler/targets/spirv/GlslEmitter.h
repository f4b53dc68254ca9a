// The GLSL dialect of the C-family printer: each kernel of the loop-level IR, after
// weft-gpu-map-grid, as one Vulkan compute shader (GLSL 4.50 for shaderc).
#pragma once

#include "dialects/weft/WeftOps.h"
#include "weft/Program.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <set>
#include <string>

namespace weft::lowering {

struct GlslOptions {
  /// Compute `index` in 32 bits: valid when every buffer has fewer than 2^31 elements (GPUs
  /// run 64-bit integer arithmetic as several 32-bit instructions).
  bool index32 = false;
  /// Parameter slots the push constants hold (#weft.target's param_slots; Vulkan guarantees 128
  /// bytes, 16 slots).
  int64_t paramSlots = 16;
};

/// The options for the kernels of `program`: 32-bit indices when every buffer is static and
/// below 2^31 elements.
GlslOptions glslOptionsFor(const ProgramDesc &program, TargetAttr target);

/// Prints kernel `fn` as a complete compute shader into `out`: the extensions its types need,
/// the helpers it calls (templates/vulkan), one storage buffer per program buffer it uses (set 0,
/// binding = buffer number), the parameter slots it reads as push constants (at most 16: Vulkan
/// guarantees 128 bytes), and `main`. Adds to
/// `requires` the device capabilities it uses (docs/abi.md). Fails with a diagnostic naming the
/// op or type GLSL cannot express.
mlir::LogicalResult emitGlslKernel(mlir::func::FuncOp fn, const GlslOptions &options, std::string &out,
                                   std::set<std::string> &requires);

/// Every kernel of `module` (after weft-gpu-map-grid), each under a `// ---- kernel NAME ----`
/// line, with the options of its program: what `weft-translate --weft-to-glsl` prints.
mlir::LogicalResult emitGlslSources(mlir::ModuleOp module, llvm::raw_ostream &os);

} // namespace weft::lowering
