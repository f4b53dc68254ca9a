#include "compiler/targets/cpu/CpuJit.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
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

/// `module`'s relocatable object code for `machine`: LLVM's code generation, the legacy pass
/// manager being the one it has.
Result<std::string> objectCode(llvm::Module &module, llvm::TargetMachine &machine) {
  llvm::SmallVector<char, 0> code;
  llvm::raw_svector_ostream os(code);
  llvm::legacy::PassManager passes;
  if (machine.addPassesToEmitFile(passes, os, nullptr, llvm::CodeGenFileType::ObjectFile))
    return Status::error("CPU JIT: the host's target machine cannot emit object code");
  passes.run(module);
  return std::string(code.begin(), code.end());
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

  auto machine = hostTargetMachine();
  if (!machine)
    return llvmError("no target machine for the host", machine.takeError());
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> ir = mlir::translateModuleToLLVMIR(module, context);
  if (!ir)
    return Status::error("CPU JIT: the module did not translate to LLVM IR");
  ir->setDataLayout((*machine)->createDataLayout());
  ir->setTargetTriple((*machine)->getTargetTriple());
  optimize(*ir, machine->get());
  streamHalfVectorsAsIntegers(*ir);
  splitUnderalignedStreams(*ir);
  if (llvmIR) {
    llvmIR->clear();
    llvm::raw_string_ostream os(*llvmIR);
    ir->print(os, nullptr);
  }
  // Object code, linked in a JIT session as the disk cache's entries are (jitLoadObject). Through
  // mlir::ExecutionEngine the same code took 10-20 ms more per compile (a tiny concat kernel:
  // 22-25 ms against 14 ms warm): its JIT platform's set-up and teardown, which compiled a
  // support module when the engine was destroyed, and a wrapper function per kernel.
  auto code = objectCode(*ir, **machine);
  if (!code)
    return code.status();
  auto kernel = jitLoadObject(*code, program);
  if (kernel && object)
    *object = std::move(*code);
  return kernel;
}

Result<CpuKernel> jitLoadObject(const std::string &object, const ProgramDesc &program) {
  auto builder = hostMachineBuilder();
  if (!builder)
    return llvmError("no target machine for the host", builder.takeError());
  // The kernels have no static constructors or destructors, so the session needs no platform
  // (the default one costs its set-up); the C library's functions they may call (memcpy,
  // memset) resolve in this process, which LLJIT links by default.
  auto jit = llvm::orc::LLJITBuilder()
                 .setJITTargetMachineBuilder(std::move(*builder))
                 .setPlatformSetUp(llvm::orc::setUpInactivePlatform)
                 .create();
  if (!jit)
    return llvmError("a JIT session", jit.takeError());
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
