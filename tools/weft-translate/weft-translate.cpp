// weft-translate: the source printers of the targets, for lit tests. Each target that prints a
// readable source registers it (TargetBackend::sourcePrinters): `--weft-to-cpp` prints a module of
// loop-level kernels (after weft-cpu-grid-to-range) as the C++ source target does,
// `--weft-to-glsl` each kernel (after weft-gpu-map-grid) as a GLSL compute shader.
#include "compiler/targets/TargetBackend.h"
#include "dialects/weft/WeftOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"

#include <list>

int main(int argc, char **argv) {
  std::list<mlir::TranslateFromMLIRRegistration> registrations;
  for (const weft::TargetBackend *t : weft::targetBackends())
    for (const weft::SourcePrinter &p : t->sourcePrinters())
      registrations.emplace_back(
          p.name, p.description,
          [print = p.print](mlir::Operation *op, llvm::raw_ostream &os) {
            auto module = llvm::dyn_cast<mlir::ModuleOp>(op);
            if (!module)
              return mlir::LogicalResult(op->emitError("expected a builtin.module"));
            return mlir::success(print(module, os));
          },
          [](mlir::DialectRegistry &registry) {
            registry.insert<weft::WeftDialect, mlir::func::FuncDialect, mlir::arith::ArithDialect, mlir::scf::SCFDialect,
                            mlir::memref::MemRefDialect, mlir::vector::VectorDialect, mlir::math::MathDialect,
                            mlir::gpu::GPUDialect>();
          });
  return mlir::failed(mlir::mlirTranslateMain(argc, argv, "weft source printers\n"));
}
