// weft-ptx-outline-kernels (Passes.td): func.func kernels -> gpu.func kernels with bare-pointer
// buffer arguments and workgroup attributions, the form convert-gpu-to-nvvm and
// gpu-module-to-binary take.
#include "compiler/targets/ptx/Passes.h"
#include "lowering/LoopHelpers.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace weft {
#define GEN_PASS_DEF_WEFTPTXOUTLINEKERNELS
#include "compiler/targets/ptx/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

/// The static extent buffers are retyped to: larger than any buffer the runtime accepts.
constexpr int64_t kBufferExtent = int64_t(1) << 62;
/// The alignment wmma.load / wmma.store take (PTX ISA: 256 bits), in global and shared memory.
constexpr int64_t kFragmentAlign = 32;

/// Whether the kernel stores to buffer `arg` (every write to a buffer is one of these ops on it).
bool isWritten(BlockArgument arg) {
  return llvm::any_of(arg.getUsers(), [&](Operation *user) {
    if (auto st = dyn_cast<memref::StoreOp>(user)) return st.getMemRef() == arg;
    if (auto st = dyn_cast<vector::StoreOp>(user)) return st.getBase() == arg;
    if (auto st = dyn_cast<vector::MaskedStoreOp>(user)) return st.getBase() == arg;
    if (auto st = dyn_cast<gpu::SubgroupMmaStoreMatrixOp>(user)) return st.getDstMemref() == arg;
    // Anything else that is not a known read counts as a write: readonly must never be wrong.
    return !isa<memref::LoadOp, vector::LoadOp, vector::MaskedLoadOp, gpu::SubgroupMmaLoadMatrixOp>(user);
  });
}

struct OutlineKernels : impl::WeftPtxOutlineKernelsBase<OutlineKernels> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    SmallVector<func::FuncOp> kernels;
    for (func::FuncOp fn : module.getOps<func::FuncOp>())
      if (fn->hasAttr("weft.kernel"))
        kernels.push_back(fn);
    if (kernels.empty())
      return;
    OpBuilder b(ctx);

    // Vector accesses that declare an alignment (lowering/Col2ImLoops.cpp) become PTX's aligned
    // ld/st.v*, which fault on a buffer starting elsewhere, and wmma's fragment loads and stores
    // (lowering/MatmulMmaLoops.cpp) need 32-byte aligned addresses: the program asks dispatch
    // to check.
    uint64_t align = 0;
    for (func::FuncOp fn : kernels) {
      align = std::max(align, lowering::declaredVectorAlign(fn));
      fn.walk([&](Operation *op) {
        if (isa<gpu::SubgroupMmaLoadMatrixOp, gpu::SubgroupMmaStoreMatrixOp>(op))
          align = std::max<uint64_t>(align, kFragmentAlign);
      });
    }
    if (align > 0)
      module->setAttr(kBufferAlignAttr, b.getI64IntegerAttr(int64_t(align)));

    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(), UnitAttr::get(ctx));
    b.setInsertionPointToEnd(module.getBody());
    auto gpuModule = gpu::GPUModuleOp::create(b, module.getLoc(), "weft_kernels");
    b.setInsertionPointToStart(gpuModule.getBody());

    for (func::FuncOp fn : kernels) {
      auto group = fn->getAttrOfType<IntegerAttr>("weft.workgroup");
      if (!group) {
        fn.emitError() << "kernel '" << fn.getName() << "' has no weft.workgroup (run weft-gpu-map-grid first)";
        return signalPassFailure();
      }
      SmallVector<Type> args;
      for (BlockArgument arg : fn.getArguments()) {
        auto type = dyn_cast<MemRefType>(arg.getType());
        if (!type || type.getRank() != 1 || !type.getLayout().isIdentity()) {
          fn.emitError() << "kernel '" << fn.getName() << "' argument " << arg.getArgNumber()
                         << " is " << arg.getType() << " (rule: every kernel argument is a flat memref<?xT>)";
          return signalPassFailure();
        }
        args.push_back(MemRefType::get({kBufferExtent}, type.getElementType()));
      }
      auto kernel = gpu::GPUFuncOp::create(b, fn.getLoc(), fn.getName(), b.getFunctionType(args, {}));
      kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), UnitAttr::get(ctx));
      int32_t threads = int32_t(group.getInt());
      kernel.setKnownBlockSizeAttr(b.getDenseI32ArrayAttr({threads, 1, 1}));

      // The kernel's body replaces the empty entry block gpu.func was built with.
      Region &body = kernel.getBody();
      body.front().erase();
      body.takeBody(fn.getBody());
      for (auto [arg, type] : llvm::zip(body.getArguments(), args))
        arg.setType(type);
      // Buffers never overlap (docs/abi.md; the runtime refuses an output that shares memory
      // with another argument), as the C++ target's __restrict and GLSL's restrict say too.
      // Told so, NVPTX reads the buffers a kernel never writes through the read-only cache
      // (ld.global.nc) and may move loads past stores. Not in a tensor-core kernel: its staged A
      // and B blocks loaded that way made conv_transpose_1d f16 3% slower on an H100 (134 ->
      // 138 us, docs/cuda-history.md), and LLVM infers readonly by itself wherever noalias is given.
      bool mma = body.walk([](gpu::SubgroupMmaComputeOp) { return WalkResult::interrupt(); }).wasInterrupted();
      for (BlockArgument arg : mma ? MutableArrayRef<BlockArgument>() : body.getArguments()) {
        kernel.setArgAttr(arg.getArgNumber(), LLVM::LLVMDialect::getNoAliasAttrName(), UnitAttr::get(ctx));
        if (!isWritten(arg))
          kernel.setArgAttr(arg.getArgNumber(), LLVM::LLVMDialect::getReadonlyAttrName(), UnitAttr::get(ctx));
      }
      // Workgroup arrays (weft-gpu-map-grid) become the kernel's workgroup attributions, which
      // convert-gpu-to-nvvm places in shared memory.
      SmallVector<memref::AllocaOp> shared;
      body.walk([&](memref::AllocaOp a) {
        auto space = dyn_cast_if_present<gpu::AddressSpaceAttr>(a.getType().getMemorySpace());
        if (space && space.getValue() == gpu::AddressSpace::Workgroup) shared.push_back(a);
      });
      // Aligned to 32 bytes: NVPTX merges neighbouring stores into wider ones (st.shared.b32
      // of two halves) where the alignment it knows allows, never past the array's own; and
      // wmma fragments stored there need 32.
      for (memref::AllocaOp a : shared) {
        a.getResult().replaceAllUsesWith(kernel.addWorkgroupAttribution(a.getType(), a.getLoc()));
        kernel.setWorkgroupAttributionAttr(kernel.getNumWorkgroupAttributions() - 1, "llvm.align",
                                           b.getI64IntegerAttr(kFragmentAlign));
        a.erase();
      }
      body.walk([&](func::ReturnOp ret) {
        OpBuilder at(ret);
        gpu::ReturnOp::create(at, ret.getLoc());
        ret.erase();
      });
      fn.erase();
    }
  }
};

} // namespace
} // namespace weft
