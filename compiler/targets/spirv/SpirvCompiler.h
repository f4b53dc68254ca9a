// The Vulkan target's emitter: each kernel of a program (after the gpu-loops stage) printed as
// GLSL, compiled to SPIR-V by shaderc in process, optimised by SPIRV-Tools and validated for
// Vulkan 1.2. The only file with the shaderc and SPIRV-Tools headers.
#pragma once

#include "weft/Artifact.h"
#include "weft/Runtime.h"

namespace mlir {
class ModuleOp;
}

namespace weft {

/// Fills `artifact.kernels` (GLSL source and SPIR-V per launch) and the program's `requires` and
/// `indexBits`. The error names the kernel and quotes shaderc's or the validator's message.
Status emitSpirv(mlir::ModuleOp module, Artifact &artifact);

/// "" when `words` is valid SPIR-V for Vulkan 1.2, else the validator's message.
std::string validateSpirv(const std::vector<uint32_t> &words);

} // namespace weft
