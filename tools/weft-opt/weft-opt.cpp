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
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

#include "dialects/weft/WeftOps.h"
#include "compiler/Pipeline.h"
#include "compiler/SourceLimits.h"
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
  auto [inputName, outputName] = mlir::registerAndParseCLIOptions(argc, argv, "weft pass driver\n", registry);
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input = mlir::openInputFile(inputName, &error);
  if (!input) {
    llvm::errs() << "weft-opt: " << error << "\n";
    return 1;
  }
  // The limits weft::compile applies (compiler/SourceLimits.h): MLIR's parser aborts or overflows
  // its stack on some text (a huge result number, deep nesting) instead of reporting it.
  if (std::string why = weft::checkSourceLimits(input->getBuffer(), inputName); !why.empty()) {
    llvm::errs() << "weft-opt: " << why << "\n";
    return 1;
  }
  std::unique_ptr<llvm::ToolOutputFile> output = mlir::openOutputFile(outputName, &error);
  if (!output) {
    llvm::errs() << "weft-opt: " << error << "\n";
    return 1;
  }
  if (mlir::failed(mlir::MlirOptMain(output->os(), std::move(input), registry,
                                     mlir::MlirOptMainConfig::createFromCLOptions())))
    return 1;
  output->keep();
  return 0;
}
