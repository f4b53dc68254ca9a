// The passes of target ptx (Passes.td), registered by PtxTarget::registerPasses.
#pragma once

#include "mlir/Pass/Pass.h"

namespace weft {
#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "compiler/targets/ptx/Passes.h.inc"

/// The module attribute weft-ptx-outline-kernels records the kernels' largest vector-access
/// alignment in (bytes), for the program's `align`.
inline constexpr llvm::StringLiteral kBufferAlignAttr = "weft.buffer_align";
} // namespace weft
