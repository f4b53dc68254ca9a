// The CPU target's emitter: LLVM in process (the -O2 optimiser without unrollers, code generation
// at -O3 to object code, ORC JIT linking) for the host CPU (its name and features, so AVX2, FMA
// and F16C are used where the host has them).
#pragma once

#include "weft/Runtime.h"

#include <string>

namespace mlir {
class ModuleOp;
} // namespace mlir

namespace weft {

/// JIT-compiles `module` (the LLVM dialect, after the cpu target's stages) and binds each of
/// `program`'s launches to its entry point. The kernel's keepAlive owns the JIT session. When
/// `llvmIR` is non-null it receives the optimised LLVM IR, when `object` is non-null the
/// relocatable object code. Errors name the step and the entry.
Result<CpuKernel> jitCompile(mlir::ModuleOp module, const ProgramDesc &program, std::string *llvmIR = nullptr,
                             std::string *object = nullptr);

/// Links `object` (jitCompile's) in a JIT session of its own and binds `program`'s launches.
Result<CpuKernel> jitLoadObject(const std::string &object, const ProgramDesc &program);

} // namespace weft
