#ifndef WEFT_PTX_PASSES_TD
#define WEFT_PTX_PASSES_TD

include "mlir/Pass/PassBase.td"

def WeftPtxOutlineKernels : Pass<"weft-ptx-outline-kernels", "mlir::ModuleOp"> {
  let summary = "Each weft.kernel function (after weft-gpu-map-grid) -> a gpu.func kernel of gpu.module @weft_kernels";
  let description = [{
    What the NVVM path starts from: the kernels of the module move into one `gpu.module` as
    `gpu.func ... kernel`, with `known_block_size` = (weft.workgroup, 1, 1), and the module
    becomes a `gpu.container_module`. Each `memref<?xT>` argument (a program buffer or the
    parameter block, docs/abi.md) is retyped to a static extent (2^62), which changes no load or
    store but lets `convert-gpu-to-nvvm{use-bare-ptr-memref-call-conv}` pass it as one pointer:
    the CUDA launch ABI is then one device pointer per buffer, then the parameter block's. The
    kernels index their buffers only through memref.load/store and vector.load/store, never
    memref.dim, so the extent is never read. The largest `alignment` a `vector.load` or
    `vector.store` of the kernels declares is set as `weft.buffer_align` on the module: the
    program then asks dispatch to refuse buffers that do not start at a multiple of it. A
    `memref.alloca` in `#gpu.address_space<workgroup>` (an item's array, weft-gpu-map-grid)
    becomes a workgroup attribution of the kernel: shared memory.
  }];
  let dependentDialects = ["mlir::gpu::GPUDialect"];
}

def WeftPtxCacheHints : Pass<"weft-ptx-cache-hints", "mlir::ModuleOp"> {
  let summary = "Nontemporal global loads and stores -> PTX's cache-streaming forms (ld.global.cs, st.global.cs)";
  let description = [{
    The loop IR marks an access `nontemporal` where it touches its bytes once (the GPU forms of
    the data-movement ops); NVPTX ignores LLVM's `!nontemporal`, so after convert-gpu-to-nvvm each
    such `llvm.load` / `llvm.store` of 2, 4, 8 or 16 bytes through a global or generic pointer (a
    kernel's buffers; workgroup arrays are in address space 3 and keep their accesses) becomes
    inline PTX with the `.cs` (evict-first) cache operator, its value moved as 16-, 32- or 64-bit
    words, where it declares an alignment of its whole size (PTX needs it; NVPTX splits a plain
    access that declares less). The inline PTX has side effects, so that LLVM keeps it in order
    with the kernel's other memory accesses. Other widths keep the plain access.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // WEFT_PTX_PASSES_TD
