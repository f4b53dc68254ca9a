#include "compiler/CpuJit.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

#include <mutex>

namespace weft {

namespace {

Status llvmError(const std::string &step, llvm::Error err) {
  return Status::error("CPU JIT: " + step + ": " + llvm::toString(std::move(err)));
}

/// The host as LLVM sees it: detectHost() fills in the CPU name and its features, so the code
/// uses the vector units the host has. Code generation at -O3.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>> hostTargetMachine() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return builder.takeError();
  builder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  return builder->createTargetMachine();
}

} // namespace

Result<CpuKernel> jitCompile(mlir::ModuleOp module, const ProgramDesc &program, std::string *llvmIR) {
  mlir::registerBuiltinDialectTranslation(*module.getContext());
  mlir::registerLLVMDialectTranslation(*module.getContext());

  auto tm = hostTargetMachine();
  if (!tm)
    return llvmError("no target machine for the host", tm.takeError());
  // The optimiser needs the target machine for its cost models (vector widths, FMA); the engine
  // takes ownership of it for code generation.
  auto optimize = mlir::makeOptimizingTransformer(/*optLevel=*/3, /*sizeLevel=*/0, tm->get());
  auto transform = [&](llvm::Module *m) -> llvm::Error {
    if (llvm::Error err = optimize(m))
      return err;
    if (llvmIR) {
      llvmIR->clear();
      llvm::raw_string_ostream os(*llvmIR);
      m->print(os, nullptr);
    }
    return llvm::Error::success();
  };

  mlir::ExecutionEngineOptions options;
  options.transformer = transform;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  // Kernels carry no debug info; the listeners would only cost compile time.
  options.enableGDBNotificationListener = false;
  options.enablePerfNotificationListener = false;
  auto engine = mlir::ExecutionEngine::create(module, options, std::move(*tm));
  if (!engine)
    return llvmError("compiling the module", engine.takeError());

  CpuKernel kernel;
  kernel.program = program;
  std::shared_ptr<mlir::ExecutionEngine> owner(std::move(*engine));
  for (const LaunchDesc &launch : program.launches) {
    auto symbol = owner->lookup(launch.entry);
    if (!symbol)
      return llvmError("entry '" + launch.entry + "' of op '" + program.op + "'", symbol.takeError());
    kernel.entries.push_back(reinterpret_cast<CpuEntry>(*symbol));
  }
  kernel.keepAlive = std::move(owner);
  return kernel;
}

} // namespace weft
