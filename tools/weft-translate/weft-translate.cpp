// weft-translate: the source printers for lit tests. `--weft-to-cpp` prints a module of
// loop-level kernels (after weft-cpu-grid-to-range) as the C++ source target does;
// `--weft-to-glsl` prints each kernel (after weft-gpu-map-grid) as a GLSL compute shader.
#include "lowering/cpu/CppEmitter.h"
#include "lowering/vulkan/GlslEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"

int main(int argc, char **argv) {
  mlir::TranslateFromMLIRRegistration toCpp(
      "weft-to-cpp", "print weft kernels as one C++17 source file", weft::lowering::emitCppSource,
      [](mlir::DialectRegistry &registry) {
        registry.insert<mlir::func::FuncDialect, mlir::arith::ArithDialect, mlir::scf::SCFDialect,
                        mlir::memref::MemRefDialect, mlir::vector::VectorDialect, mlir::math::MathDialect>();
      });
  mlir::TranslateFromMLIRRegistration toGlsl(
      "weft-to-glsl", "print weft kernels (after weft-gpu-map-grid) as GLSL compute shaders",
      weft::lowering::emitGlslSources, [](mlir::DialectRegistry &registry) {
        registry.insert<mlir::func::FuncDialect, mlir::arith::ArithDialect, mlir::scf::SCFDialect,
                        mlir::memref::MemRefDialect, mlir::vector::VectorDialect, mlir::math::MathDialect,
                        mlir::gpu::GPUDialect>();
      });
  return mlir::failed(mlir::mlirTranslateMain(argc, argv, "weft source printers\n"));
}
