// weft-opt: the pass driver for lit tests: the weft dialect, weft's passes and the upstream
// dialects the loop level uses (and the LLVM dialect, which weft-cpu-entry works on), plus each
// target's whole stage list as `--weft-pipeline-TARGET` (compiler/Pipeline.h), the very passes
// compile() runs.
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

#include "dialects/weft/WeftOps.h"
#include "compiler/Pipeline.h"
#include "lowering/Passes.h"
#include "compiler/targets/TargetBackend.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<weft::WeftDialect, mlir::func::FuncDialect, mlir::arith::ArithDialect, mlir::scf::SCFDialect,
                  mlir::memref::MemRefDialect, mlir::vector::VectorDialect, mlir::math::MathDialect,
                  mlir::tensor::TensorDialect, mlir::LLVM::LLVMDialect, mlir::gpu::GPUDialect>();
  weft::lowering::registerKernelOpModels(registry);
  for (const weft::TargetBackend *t : weft::targetBackends())
    t->registerDialects(registry);
  mlir::registerTransformsPasses();
  weft::registerPipelines();
  return mlir::asMainReturnCode(mlir::MlirOptMain(argc, argv, "weft pass driver\n", registry));
}
