// weft-ptx-cache-hints (Passes.td): the loop IR's nontemporal global loads and stores as PTX's
// cache-streaming forms. On an H100 (docs/cuda-history.md) `.cs` stores took im2col f16 from 32.6-32.8 to
// 29.0-29.9 us, and `.cs` loads and stores a hand-written col2im f16 kernel from 24.8-25.6 to
// 21.0-22.0 us; NVPTX emits plain ld.global / st.global for LLVM's !nontemporal.
#include "compiler/targets/ptx/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

#include <fmt/format.h>

#include <optional>

namespace weft {
#define GEN_PASS_DEF_WEFTPTXCACHEHINTS
#include "compiler/targets/ptx/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

/// The global (1) or generic (0) address spaces: a kernel's buffers. Workgroup arrays (3) and
/// anything else keep their accesses.
bool isGlobal(Value address) {
  unsigned space = cast<LLVM::LLVMPointerType>(address.getType()).getAddressSpace();
  return space == 0 || space == 1;
}

/// How a value of `type` moves through inline PTX: `words` registers of `bits` each (PTX's v4
/// form for a 16-byte vector), with their constraint letter; none for other sizes.
struct Words {
  unsigned words = 0, bits = 0;
  char constraint = 0;
};

Words wordsOf(Type type, std::optional<uint64_t> alignment) {
  unsigned bits = 0;
  if (auto v = dyn_cast<VectorType>(type)) {
    if (v.getRank() != 1 || !v.getElementType().isIntOrFloat()) return {};
    bits = unsigned(v.getNumElements()) * v.getElementType().getIntOrFloatBitWidth();
  } else if (type.isIntOrFloat()) {
    bits = type.getIntOrFloatBitWidth();
  }
  // PTX's loads and stores need addresses aligned to their size: an access that declares less
  // (col2im's lanes of rows that do not start on a whole vector) keeps its plain op, which NVPTX
  // splits as its alignment allows. Found by the CUDA suite: a 4-byte .cs load at a 2-byte
  // aligned address stopped the kernel with CUDA_ERROR_MISALIGNED_ADDRESS.
  if (!alignment || *alignment * 8 < bits) return {};
  switch (bits) {
  case 16: return {1, 16, 'h'};
  case 32: return {1, 32, 'r'};
  case 64: return {1, 64, 'l'};
  case 128: return {4, 32, 'r'};
  default: return {};
  }
}

/// The operand list of a PTX access: `$first` or `{$first, ...}` for several words.
std::string registers(unsigned first, unsigned words) {
  if (words == 1) return fmt::format("${}", first);
  std::string list;
  for (unsigned i = 0; i < words; ++i) list += fmt::format("{}${}", i ? ", " : "", first + i);
  return "{" + list + "}";
}

/// The PTX type suffix of an access of `w`: `.b32`, or `.v4.b32` for four words.
std::string suffix(const Words &w) {
  return fmt::format("{}.b{}", w.words > 1 ? fmt::format(".v{}", w.words) : "", w.bits);
}

/// `address` as a pointer to global memory (kernels' generic buffer pointers are global ones).
Value globalAddress(OpBuilder &b, Location loc, Value address) {
  auto global = LLVM::LLVMPointerType::get(b.getContext(), 1);
  if (address.getType() == global) return address;
  return LLVM::AddrSpaceCastOp::create(b, loc, global, address);
}

/// The integer type of `w`'s words, and of all of them together.
Type wordType(OpBuilder &b, const Words &w) { return b.getIntegerType(w.bits); }
Type wordsType(OpBuilder &b, const Words &w) {
  return w.words == 1 ? wordType(b, w) : VectorType::get({int64_t(w.words)}, wordType(b, w));
}

void hintStore(LLVM::StoreOp store, const Words &w) {
  OpBuilder b(store);
  Location loc = store.getLoc();
  Value bits = store.getValue();
  if (bits.getType() != wordsType(b, w)) bits = LLVM::BitcastOp::create(b, loc, wordsType(b, w), bits);
  SmallVector<Value> operands{globalAddress(b, loc, store.getAddr())};
  if (w.words == 1) {
    operands.push_back(bits);
  } else {
    for (unsigned i = 0; i < w.words; ++i)
      operands.push_back(
          LLVM::ExtractElementOp::create(b, loc, bits, LLVM::ConstantOp::create(b, loc, b.getI32Type(), int32_t(i))));
  }
  std::string constraints = "l";
  for (unsigned i = 0; i < w.words; ++i) constraints += fmt::format(",{}", w.constraint);
  LLVM::InlineAsmOp::create(b, loc, TypeRange{}, operands,
                            fmt::format("st.global.cs{} [$0], {};", suffix(w), registers(1, w.words)), constraints,
                            /*has_side_effects=*/true, /*is_align_stack=*/false, LLVM::tailcallkind::TailCallKind::None,
                            LLVM::AsmDialectAttr(), ArrayAttr());
  store.erase();
}

void hintLoad(LLVM::LoadOp load, const Words &w) {
  OpBuilder b(load);
  Location loc = load.getLoc();
  Type word = wordType(b, w);
  Type result = word;
  if (w.words > 1) result = LLVM::LLVMStructType::getLiteral(b.getContext(), SmallVector<Type>(w.words, word));
  std::string constraints;
  for (unsigned i = 0; i < w.words; ++i) constraints += fmt::format("={},", w.constraint);
  constraints += "l";
  auto asmOp = LLVM::InlineAsmOp::create(
      b, loc, TypeRange{result}, ValueRange{globalAddress(b, loc, load.getAddr())},
      fmt::format("ld.global.cs{} {}, [${}];", suffix(w), registers(0, w.words), w.words), constraints,
      /*has_side_effects=*/true, /*is_align_stack=*/false, LLVM::tailcallkind::TailCallKind::None,
      LLVM::AsmDialectAttr(), ArrayAttr());
  Value bits = asmOp.getResult(0);
  if (w.words > 1) {
    Value vec = LLVM::UndefOp::create(b, loc, wordsType(b, w));
    for (unsigned i = 0; i < w.words; ++i)
      vec = LLVM::InsertElementOp::create(
          b, loc, vec, LLVM::ExtractValueOp::create(b, loc, bits, ArrayRef<int64_t>{int64_t(i)}),
          LLVM::ConstantOp::create(b, loc, b.getI32Type(), int32_t(i)));
    bits = vec;
  }
  if (bits.getType() != load.getType()) bits = LLVM::BitcastOp::create(b, loc, load.getType(), bits);
  load.replaceAllUsesWith(bits);
  load.erase();
}

struct CacheHints : impl::WeftPtxCacheHintsBase<CacheHints> {
  void runOnOperation() override {
    SmallVector<Operation *> accesses;
    getOperation().walk([&](Operation *op) {
      if (auto load = dyn_cast<LLVM::LoadOp>(op); load && load.getNontemporal() && isGlobal(load.getAddr()))
        accesses.push_back(op);
      if (auto store = dyn_cast<LLVM::StoreOp>(op); store && store.getNontemporal() && isGlobal(store.getAddr()))
        accesses.push_back(op);
    });
    for (Operation *op : accesses) {
      if (auto load = dyn_cast<LLVM::LoadOp>(op)) {
        if (Words w = wordsOf(load.getType(), load.getAlignment()); w.words) hintLoad(load, w);
      } else {
        auto store = cast<LLVM::StoreOp>(op);
        if (Words w = wordsOf(store.getValue().getType(), store.getAlignment()); w.words) hintStore(store, w);
      }
    }
  }
};

} // namespace
} // namespace weft
