// weft-cpu-entry: gives each lowered kernel the C entry point of docs/abi.md,
//   void NAME(void* const* bufs, const int64_t* params, int64_t begin, int64_t end),
// the one signature the runtime calls for every CPU kernel (JIT or C++ source). convert-func-to-llvm
// expands each memref<?xT> argument into its descriptor fields; the entry rebuilds them from the
// pointer array and the parameter block and calls the kernel, renamed NAME.impl and made
// internal so that LLVM inlines it into its only caller.
#include "lowering/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

namespace weft {
#define GEN_PASS_DEF_WEFTCPUENTRY
#include "lowering/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {

namespace {

/// What convert-func-to-llvm makes of one memref<?xT> argument: allocated and aligned pointers,
/// offset, size, stride.
constexpr unsigned kDescriptorFields = 5;

/// The converted kernel takes one descriptor per program buffer, one for the parameter block,
/// then begin and end (i64: index on a 64-bit host).
LogicalResult checkSignature(LLVM::LLVMFuncOp fn, const ProgramDesc &program) {
  LLVM::LLVMFunctionType type = fn.getFunctionType();
  size_t descriptors = program.numBuffers() + 1;
  size_t expected = kDescriptorFields * descriptors + 2;
  auto fail = [&]() {
    return fn.emitError() << "kernel '" << fn.getName() << "' has the lowered signature " << type
                          << "; expected " << expected << " arguments: a 1-D memref descriptor for "
                          << "each of its program's " << program.numBuffers()
                          << " buffers and for the parameter block, then begin and end (i64)";
  };
  if (type.getNumParams() != expected || !isa<LLVM::LLVMVoidType>(type.getReturnType()))
    return fail();
  auto isPtr = [](Type t) { return isa<LLVM::LLVMPointerType>(t); };
  auto isI64 = [](Type t) { return t.isSignlessInteger(64); };
  for (size_t d = 0; d < descriptors; ++d) {
    ArrayRef<Type> f = type.getParams().slice(d * kDescriptorFields, kDescriptorFields);
    if (!isPtr(f[0]) || !isPtr(f[1]) || !isI64(f[2]) || !isI64(f[3]) || !isI64(f[4]))
      return fail();
  }
  if (!isI64(type.getParams()[expected - 2]) || !isI64(type.getParams()[expected - 1]))
    return fail();
  return success();
}

/// Emits the body of the entry point in front of `b`'s insertion point.
class EntryBuilder {
public:
  EntryBuilder(OpBuilder &b, Location loc, Value params)
      : b(b), loc(loc), params(params), ptrTy(LLVM::LLVMPointerType::get(b.getContext())),
        i64Ty(b.getI64Type()), zero(constant(0)), one(constant(1)) {}

  Value constant(int64_t v) { return LLVM::ConstantOp::create(b, loc, i64Ty, v); }

  /// base[index] as `type` (a pointer or an int64_t: 8-byte aligned by the C ABI).
  Value load(Type type, Value base, size_t index) {
    Value at = LLVM::GEPOp::create(b, loc, ptrTy, type, base,
                                   ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(index)});
    return LLVM::LoadOp::create(b, loc, type, at, /*alignment=*/8);
  }

  /// Buffer `buf`'s element span from its extents and strides in the parameter block: 1 + the
  /// offset of its furthest element, or 0 when an extent is 0. It is the descriptor's size, exact
  /// for the strided views concat accepts as well as for contiguous buffers.
  Value span(const ProgramDesc &program, size_t buf) {
    size_t rank = program.bufferRank(buf), off = program.paramOffset(buf);
    Value span = one;
    Value empty = LLVM::ConstantOp::create(b, loc, b.getI1Type(), 0);
    for (size_t d = 0; d < rank; ++d) {
      Value extent = load(i64Ty, params, off + d);
      Value stride = load(i64Ty, params, off + rank + d);
      Value last = LLVM::SubOp::create(b, loc, extent, one);
      span = LLVM::AddOp::create(b, loc, span, LLVM::MulOp::create(b, loc, last, stride));
      Value isZero = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq, extent, zero);
      empty = LLVM::OrOp::create(b, loc, empty, isZero);
    }
    return LLVM::SelectOp::create(b, loc, empty, zero, span);
  }

  /// Appends the descriptor of a contiguous 1-D view of `size` elements at `ptr`.
  void descriptor(SmallVectorImpl<Value> &args, Value ptr, Value size) {
    args.append({ptr, ptr, zero, size, one});
  }

  Type ptrType() const { return ptrTy; }

private:
  OpBuilder &b;
  Location loc;
  Value params;
  Type ptrTy, i64Ty;
  Value zero, one;
};

LogicalResult addEntry(ModuleOp module, LLVM::LLVMFuncOp kernel, const ProgramDesc &program) {
  if (failed(checkSignature(kernel, program)))
    return failure();
  std::string name = kernel.getName().str();
  std::string implName = name + ".impl";
  if (module.lookupSymbol(implName))
    return kernel.emitError() << "cannot rename kernel '" << name << "' to '" << implName
                              << "': the module already has that symbol";
  kernel.setSymName(implName);
  kernel.setLinkage(LLVM::Linkage::Internal);

  MLIRContext *ctx = module.getContext();
  Location loc = kernel.getLoc();
  OpBuilder b(ctx);
  b.setInsertionPointAfter(kernel);
  Type ptrTy = LLVM::LLVMPointerType::get(ctx), i64Ty = b.getI64Type();
  auto entryTy = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptrTy, ptrTy, i64Ty, i64Ty});
  auto entry = LLVM::LLVMFuncOp::create(b, loc, name, entryTy);
  Block *body = entry.addEntryBlock(b);
  b.setInsertionPointToStart(body);
  Value bufs = body->getArgument(0), params = body->getArgument(1);

  EntryBuilder eb(b, loc, params);
  SmallVector<Value> args;
  for (size_t buf = 0; buf < program.numBuffers(); ++buf) {
    Value ptr = eb.load(eb.ptrType(), bufs, buf);
    eb.descriptor(args, ptr, eb.span(program, buf));
  }
  eb.descriptor(args, params, eb.constant(program.paramCount()));
  args.append({body->getArgument(2), body->getArgument(3)});
  LLVM::CallOp::create(b, loc, kernel, args);
  LLVM::ReturnOp::create(b, loc, ValueRange{});
  return success();
}

struct CpuEntry : impl::WeftCpuEntryBase<CpuEntry> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto kernels = llvm::to_vector(llvm::make_filter_range(
        module.getOps<LLVM::LLVMFuncOp>(), [](LLVM::LLVMFuncOp fn) { return fn->hasAttr("weft.kernel"); }));
    if (kernels.empty())
      return;
    auto programs = readPrograms(module);
    if (failed(programs))
      return signalPassFailure();
    llvm::StringMap<const ProgramDesc *> byEntry;
    for (auto &[function, program] : *programs)
      for (const LaunchDesc &launch : program.launches)
        byEntry[launch.entry] = &program;
    for (LLVM::LLVMFuncOp kernel : kernels) {
      auto it = byEntry.find(kernel.getName());
      if (it == byEntry.end()) {
        kernel.emitError() << "kernel '" << kernel.getName() << "' is not a launch of any program in '"
                           << kProgramsAttrName << "'";
        return signalPassFailure();
      }
      if (failed(addEntry(module, kernel, *it->second)))
        return signalPassFailure();
    }
  }
};

} // namespace
} // namespace weft
