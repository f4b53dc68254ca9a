#include "compiler/targets/cpu/CpuJit.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"

#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Passes/PassBuilder.h"
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
llvm::Expected<llvm::orc::JITTargetMachineBuilder> hostMachineBuilder() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (builder)
    builder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  return builder;
}

llvm::Expected<std::unique_ptr<llvm::TargetMachine>> hostTargetMachine() {
  auto builder = hostMachineBuilder();
  if (!builder)
    return builder.takeError();
  return builder->createTargetMachine();
}

/// The engine's object code, through the one door mlir::ExecutionEngine has for it: a file.
Result<std::string> objectCode(mlir::ExecutionEngine &engine) {
  llvm::SmallString<128> path;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile("weft-jit", "o", path))
    return Status::error("CPU JIT: no temporary file for the object code: " + ec.message());
  engine.dumpToObjectFile(path);
  auto buffer = llvm::MemoryBuffer::getFile(path);
  llvm::sys::fs::remove(path);
  if (!buffer)
    return Status::error("CPU JIT: reading the object code back: " + buffer.getError().message());
  return (*buffer)->getBuffer().str();
}

/// Each of `program`'s launches bound to its entry through `lookup`.
template <typename Lookup> Status bindEntries(CpuKernel &kernel, const ProgramDesc &program, Lookup lookup) {
  kernel.program = program;
  for (const LaunchDesc &launch : program.launches) {
    auto symbol = lookup(launch.entry);
    if (!symbol)
      return llvmError("entry '" + launch.entry + "' of op '" + program.op + "'", symbol.takeError());
    kernel.entries.push_back(reinterpret_cast<CpuEntry>(*symbol));
  }
  return Status();
}

/// LLVM's -O2 module pipeline without its loop unrollers. The loop IR already holds the unrolling
/// and vectorisation each kernel wants (matmul's micro-kernel, concat's copies), so LLVM's
/// unrolling bought no kernel speed, yet it was most of the compile time: the unrolled copies
/// cost the optimiser and then code generation (loop strength reduction, instruction selection)
/// again. -O2 rather than -O3: the same kernel speed, less optimiser time. The loop and SLP
/// vectorisers stay: they still find scalar loops in the loop IR worth vectorising (without them
/// matmul runs 3% slower). docs/pipeline.md has the measurements.
void optimize(llvm::Module &module, llvm::TargetMachine *machine) {
  llvm::PipelineTuningOptions tuning;
  tuning.LoopUnrolling = false;
  tuning.LoopInterleaving = true;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  llvm::PassBuilder pb(machine, tuning);
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2).run(module, mam);
}

/// Streaming stores of 16-bit float vectors as stores of the same bits as i16 vectors. The x86
/// back end drops the nontemporal hint of an aligned f16 or bf16 vector store (without AVX-512
/// FP16 those types are not legal) and emits a plain vmovaps, while an i16 vector of the same
/// bytes becomes vmovntps (llc 22, -mcpu=znver4); concat f16 lost about a third of its speed to
/// the plain stores. A stored value loaded from memory is loaded as i16 in the first place: code
/// generation folds a bitcast of a loaded value back into the store's type. Run after the
/// optimiser, whose InstCombine would fold the bitcasts back as well.
void streamHalfVectorsAsIntegers(llvm::Module &module) {
  llvm::SmallVector<llvm::StoreInst *> stores;
  for (llvm::Function &f : module)
    for (llvm::BasicBlock &bb : f)
      for (llvm::Instruction &inst : bb)
        if (auto *store = llvm::dyn_cast<llvm::StoreInst>(&inst);
            store && store->getMetadata(llvm::LLVMContext::MD_nontemporal))
          if (auto *vt = llvm::dyn_cast<llvm::FixedVectorType>(store->getValueOperand()->getType());
              vt && (vt->getElementType()->isHalfTy() || vt->getElementType()->isBFloatTy()))
            stores.push_back(store);
  for (llvm::StoreInst *store : stores) {
    auto *vt = llvm::cast<llvm::FixedVectorType>(store->getValueOperand()->getType());
    auto *bits = llvm::FixedVectorType::get(llvm::Type::getInt16Ty(module.getContext()), vt->getNumElements());
    llvm::Value *value = store->getValueOperand();
    if (auto *load = llvm::dyn_cast<llvm::LoadInst>(value); load && load->isSimple()) {
      store->setOperand(0, new llvm::LoadInst(bits, load->getPointerOperand(), "", false, load->getAlign(),
                                              load->getIterator()));
      if (load->use_empty()) load->eraseFromParent();
    } else {
      // At the value's definition: where the bitcast stood in the store's block and the store
      // was then split (splitUnderalignedStreams), the back end merged the halves back into one
      // plain store (llc 22, -mcpu=znver5).
      auto *def = llvm::dyn_cast<llvm::Instruction>(value);
      std::optional<llvm::BasicBlock::iterator> at = def ? def->getInsertionPointAfterDef() : std::nullopt;
      store->setOperand(0, new llvm::BitCastInst(value, bits, "", at ? *at : store->getIterator()));
    }
  }
}

/// Streaming vector stores wider than 16 bytes that declare 16 as 16-byte stores, each streaming.
/// The x86 back end streams such a store only whole: a 32-byte one declaring 16 (col2im f16's
/// rows, 16 bytes apart) became two plain 16-byte stores (llc 22, -mcpu=znver5). The C++ target's
/// weft::stream splits the same way. A 64-byte store declaring 32 the back end already streams as
/// two 32-byte halves; split here as well, im2col f32 ran 15% slower (the rest of its loop nest
/// compiled differently). Stores declaring under 16 bytes stay as they are: no vector streaming
/// store is that narrow, and the back end makes them 8-byte movntsd pieces.
void splitUnderalignedStreams(llvm::Module &module) {
  llvm::SmallVector<llvm::StoreInst *> stores;
  const llvm::DataLayout &layout = module.getDataLayout();
  for (llvm::Function &f : module)
    for (llvm::BasicBlock &bb : f)
      for (llvm::Instruction &inst : bb)
        if (auto *store = llvm::dyn_cast<llvm::StoreInst>(&inst);
            store && store->getMetadata(llvm::LLVMContext::MD_nontemporal))
          if (auto *vt = llvm::dyn_cast<llvm::FixedVectorType>(store->getValueOperand()->getType())) {
            const uint64_t bytes = layout.getTypeStoreSize(vt), align = store->getAlign().value();
            const uint64_t element = layout.getTypeStoreSize(vt->getElementType());
            if (align == 16 && bytes > align && bytes % align == 0 && align % element == 0 &&
                layout.getTypeAllocSize(vt->getElementType()) == element)
              stores.push_back(store);
          }
  for (llvm::StoreInst *store : stores) {
    llvm::IRBuilder<> b(store);
    llvm::Value *value = store->getValueOperand(), *ptr = store->getPointerOperand();
    auto *vt = llvm::cast<llvm::FixedVectorType>(value->getType());
    const uint64_t align = store->getAlign().value();
    const unsigned lanes = unsigned(align / layout.getTypeStoreSize(vt->getElementType()));
    for (unsigned first = 0; first < vt->getNumElements(); first += lanes) {
      llvm::SmallVector<int> mask;
      for (unsigned l = 0; l < lanes; ++l) mask.push_back(int(first + l));
      llvm::Value *piece = b.CreateShuffleVector(value, mask);
      llvm::Value *at = b.CreateConstInBoundsGEP1_64(vt->getElementType(), ptr, first);
      llvm::StoreInst *part = b.CreateAlignedStore(piece, at, store->getAlign());
      part->copyMetadata(*store);
    }
    store->eraseFromParent();
  }
}

} // namespace

Result<CpuKernel> jitCompile(mlir::ModuleOp module, const ProgramDesc &program, std::string *llvmIR,
                             std::string *object) {
  mlir::registerBuiltinDialectTranslation(*module.getContext());
  mlir::registerLLVMDialectTranslation(*module.getContext());

  auto tm = hostTargetMachine();
  if (!tm)
    return llvmError("no target machine for the host", tm.takeError());
  // The optimiser needs the target machine for its cost models (vector widths, FMA); the engine
  // takes ownership of it for code generation.
  llvm::TargetMachine *machine = tm->get();
  auto transform = [&](llvm::Module *m) -> llvm::Error {
    optimize(*m, machine);
    streamHalfVectorsAsIntegers(*m);
    splitUnderalignedStreams(*m);
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
  options.enableObjectDump = object != nullptr;
  // Kernels carry no debug info; the listeners would only cost compile time.
  options.enableGDBNotificationListener = false;
  options.enablePerfNotificationListener = false;
  auto engine = mlir::ExecutionEngine::create(module, options, std::move(*tm));
  if (!engine)
    return llvmError("compiling the module", engine.takeError());

  CpuKernel kernel;
  std::shared_ptr<mlir::ExecutionEngine> owner(std::move(*engine));
  if (Status s = bindEntries(kernel, program, [&](const std::string &name) { return owner->lookup(name); }); !s)
    return s;
  if (object) { // after the lookups, which compile
    auto code = objectCode(*owner);
    if (!code)
      return code.status();
    *object = std::move(*code);
  }
  kernel.keepAlive = std::move(owner);
  return kernel;
}

Result<CpuKernel> jitLoadObject(const std::string &object, const ProgramDesc &program) {
  auto builder = hostMachineBuilder();
  if (!builder)
    return llvmError("no target machine for the host", builder.takeError());
  auto jit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*builder)).create();
  if (!jit)
    return llvmError("a JIT session", jit.takeError());
  // The kernels may call the C library (memcpy, memset): resolved in this process.
  auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      (*jit)->getDataLayout().getGlobalPrefix());
  if (!process)
    return llvmError("this process's symbols", process.takeError());
  (*jit)->getMainJITDylib().addGenerator(std::move(*process));
  if (llvm::Error err = (*jit)->addObjectFile(llvm::MemoryBuffer::getMemBufferCopy(object, "weft-object")))
    return llvmError("linking the object code", std::move(err));

  CpuKernel kernel;
  std::shared_ptr<llvm::orc::LLJIT> owner(std::move(*jit));
  auto lookup = [&](const std::string &name) -> llvm::Expected<void *> {
    auto addr = owner->lookup(name);
    if (!addr)
      return addr.takeError();
    return addr->toPtr<void *>();
  };
  if (Status s = bindEntries(kernel, program, lookup); !s)
    return s;
  kernel.keepAlive = std::move(owner);
  return kernel;
}

} // namespace weft
