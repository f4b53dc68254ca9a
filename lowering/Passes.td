#ifndef WEFT_PASSES_TD
#define WEFT_PASSES_TD

include "mlir/Pass/PassBase.td"

def WeftDecomposeComposites : Pass<"weft-decompose-composites", "mlir::func::FuncOp"> {
  let summary = "conv1d -> im2col_1d + matmul; conv_transpose_1d -> matmul + col2im_1d";
  let description = [{
    Rewrites the composite ops into the ops they are defined by (shared/ops.md), reshaping the
    weights with tensor.collapse_shape (a free view once lowered to flat buffers). The function
    keeps the composite's name and attributes as `weft.op` (StringAttr) and `weft.op_attrs`
    (DictionaryAttr), so the program description, and the runtime's checks, name the op the
    user wrote.
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
}

def WeftAttachTarget : Pass<"weft-attach-target", "mlir::ModuleOp"> {
  let summary = "Sets the module's #weft.target, what the later passes generate code for";
  let description = [{
    The first pass of every target's pipeline (compiler/Pipeline.cpp): `weft.target` gets the
    description of device kind `kind` (#weft.target's defaults, dialects/weft/WeftTarget.cpp). A
    module that already carries a #weft.target of the same kind keeps it, so IR may narrow the
    limits (say, fewer threads per workgroup); one of another kind is an error.
  }];
  let options = [
    Option<"kind", "kind", "std::string", /*default=*/"\"cpu\"",
           "Device kind: cpu, vulkan, cuda or metal">,
    Option<"vectorBytes", "vector-bytes", "int64_t", /*default=*/"32",
           "CPU vector register size in bytes (16, 32: AVX2, 64: AVX-512); the compiler passes the size of the CPU it generates for">,
  ];
  let dependentDialects = ["weft::WeftDialect"];
}

def WeftResolveSchedule : Pass<"weft-resolve-schedule", "mlir::func::FuncOp"> {
  let summary = "Fills every op's #weft.schedule with the target's defaults for its shape";
  let description = [{
    Fields the user set are kept; missing ones get the per-target default chosen from the op's
    shape and dtype (lowering/ScheduleDefaults.cpp): the parallel dimension, the gather or copy
    form, the vector width and the GPU workgroup. Tile sizes that depend on a loop builder's
    blocking are left to that builder when unset. The target is the module's #weft.target.
  }];
}

def WeftLowerToLoops : Pass<"weft-lower-to-loops", "mlir::ModuleOp"> {
  let summary = "Each tensor-level function -> kernel functions over flat buffers + a program description";
  let description = [{
    A function whose body is weft ops becomes one or more kernel functions (one per launch) with
    the ABI of docs/abi.md: one `memref<?xT>` per program buffer, then the parameter block as
    `memref<?xi64>`. Each kernel's body is one top-level `scf.parallel` over its 1-D grid. The
    module gets `weft.programs`, a dictionary from function name to its `#weft.program`
    (the runtime's weft::ProgramDesc as a verified attribute, dialects/weft/WeftAttrs.td). CPU targets get the CPU forms (vector rows, the col2im row
    sweep, packed matmul panels); GPU targets get forms whose inner `scf.parallel` runs one
    element per thread with consecutive threads on consecutive output elements, and every kernel
    carries `weft.workgroup` (threads per workgroup, from the op's schedule). The target is the
    module's #weft.target.
  }];
  let dependentDialects = ["weft::WeftDialect", "mlir::arith::ArithDialect", "mlir::math::MathDialect",
                           "mlir::memref::MemRefDialect", "mlir::scf::SCFDialect",
                           "mlir::vector::VectorDialect", "mlir::gpu::GPUDialect"];
}

def WeftExpandBf16 : Pass<"weft-expand-bf16"> {
  let summary = "f32 <-> bf16 conversions as integer arithmetic (round to nearest even, NaN kept)";
  let description = [{
    For back ends without a bf16 conversion instruction or library routine (the CPU JIT: libgcc 12
    has no `__truncsfbf2`). Narrowing rounds to nearest even; a NaN keeps its sign and top payload
    bits and is made quiet, `(bits >> 16) | 0x40`, the same bits as the runtime's floatToBf16 and
    the generated C++ (upstream's arith-expand would make every NaN 0x7fc0). Widening is a shift;
    a bf16 select chooses between i16 bit patterns; bf16 buffers and scratch become i16 buffers of
    the same bits, so bf16 data moves as 16-bit integers (never widened through f32 by LLVM).
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def WeftGpuMapGrid : Pass<"weft-gpu-map-grid", "mlir::ModuleOp"> {
  let summary = "GPU: a kernel's grid -> workgroups, its inner scf.parallel -> the workgroup's threads";
  let description = [{
    Shared by every GPU target. A kernel whose grid loop holds an inner scf.parallel runs one
    grid item per workgroup of `weft.workgroup` threads, which take the inner loop's iterations
    round-robin; one without runs one item per thread. Items are numbered from the 2-D workgroup
    id (y * x_count + x) and the kernel returns past the grid (docs/abi.md, "GPU launches").
    Each launch of `weft.programs` records its workgroup size and items per workgroup.
  }];
  let dependentDialects = ["weft::WeftDialect", "mlir::gpu::GPUDialect", "mlir::scf::SCFDialect",
                           "mlir::arith::ArithDialect"];
}

def WeftCpuGridToRange : Pass<"weft-cpu-grid-to-range", "mlir::func::FuncOp"> {
  let summary = "CPU: a kernel's top-level scf.parallel over its grid -> scf.for over [begin, end)";
  let description = [{
    Appends `%begin, %end : index` to every `weft.kernel` function and runs only those grid items,
    so the runtime's thread pool can hand out chunks of the grid (docs/abi.md, CPU entry point).
    Static scratch (memref.alloca) moves to the function's entry: one tile per call, not one stack
    allocation per grid item.
  }];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::memref::MemRefDialect"];
}

def WeftCpuEntry : Pass<"weft-cpu-entry", "mlir::ModuleOp"> {
  let summary = "CPU: adds the C ABI entry `void NAME(void* const*, const int64_t*, int64_t, int64_t)`";
  let description = [{
    Runs on the LLVM dialect. Renames each lowered kernel to `NAME.impl` and adds `NAME` with the
    ABI of docs/abi.md, which builds each buffer's memref descriptor from the pointer array and
    the parameter block and calls the implementation.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif
