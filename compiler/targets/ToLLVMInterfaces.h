// The upstream dialects' conversions to the LLVM dialect as ConvertToLLVM interfaces, for the
// targets whose stages reach LLVM: target cpu's `convert-to-llvm` and target ptx's
// `convert-gpu-to-nvvm` collect their patterns from these.
#ifndef WEFT_COMPILER_TARGETS_TOLLVMINTERFACES_H
#define WEFT_COMPILER_TARGETS_TOLLVMINTERFACES_H

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"

namespace weft {

/// arith, cf, func, index, math, memref, ub and vector: every dialect the loop IR of any target
/// holds when it goes to LLVM.
inline void registerToLLVMInterfaces(mlir::DialectRegistry &registry) {
  mlir::arith::registerConvertArithToLLVMInterface(registry);
  mlir::cf::registerConvertControlFlowToLLVMInterface(registry);
  mlir::registerConvertFuncToLLVMInterface(registry);
  mlir::index::registerConvertIndexToLLVMInterface(registry);
  mlir::registerConvertMathToLLVMInterface(registry);
  mlir::registerConvertMemRefToLLVMInterface(registry);
  mlir::ub::registerConvertUBToLLVMInterface(registry);
  mlir::vector::registerConvertVectorToLLVMInterface(registry);
}

} // namespace weft

#endif // WEFT_COMPILER_TARGETS_TOLLVMINTERFACES_H
