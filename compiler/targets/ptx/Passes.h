// The passes of target ptx (Passes.td), registered by PtxTarget::registerPasses.
#pragma once

#include "mlir/Pass/Pass.h"

namespace weft {
#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "compiler/targets/ptx/Passes.h.inc"
} // namespace weft
