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
#include "compiler/SourceLimits.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstring>
#include <list>
#include <unistd.h>

// The limits weft::compile applies before MLIR parses (compiler/SourceLimits.h: a huge result
// number or deep nesting aborts or overflows MLIR's parser instead of being reported), checked on
// the input mlirTranslateMain is about to read: the first argument that is not an option (or
// -o's value), else standard input, which is read here and handed on through a temporary file.
// "" when the input is within them (or unreadable: mlirTranslateMain then says so).
static std::string checkInputLimits(int argc, char **argv) {
  const char *file = nullptr;
  for (int i = 1; i < argc && !file; ++i) {
    if (std::strcmp(argv[i], "-o") == 0) ++i;
    else if (argv[i][0] != '-' || std::strcmp(argv[i], "-") == 0) file = argv[i];
  }
  if (file && std::strcmp(file, "-") != 0) {
    auto input = llvm::MemoryBuffer::getFile(file);
    return input ? weft::checkSourceLimits((*input)->getBuffer(), file) : "";
  }
  auto input = llvm::MemoryBuffer::getSTDIN();
  if (!input) return "";
  std::string why = weft::checkSourceLimits((*input)->getBuffer(), "-");
  std::FILE *copy = std::tmpfile();
  if (why.empty() && copy) {
    std::fwrite((*input)->getBufferStart(), 1, (*input)->getBufferSize(), copy);
    std::rewind(copy);
    dup2(fileno(copy), STDIN_FILENO);
  }
  return why;
}

int main(int argc, char **argv) {
  // A registration keeps its name and description as references into the strings it is given
  // (`--help` printed freed memory when they were a temporary's), so the printers live as long.
  std::list<weft::SourcePrinter> printers;
  std::list<mlir::TranslateFromMLIRRegistration> registrations;
  for (const weft::TargetBackend *t : weft::targetBackends())
    for (weft::SourcePrinter &given : t->sourcePrinters()) {
      const weft::SourcePrinter &p = printers.emplace_back(std::move(given));
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
    }
  if (std::string why = checkInputLimits(argc, argv); !why.empty()) {
    llvm::errs() << "weft-translate: " << why << "\n";
    return 1;
  }
  return mlir::failed(mlir::mlirTranslateMain(argc, argv, "weft source printers\n"));
}
