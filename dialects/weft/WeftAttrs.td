#ifndef WEFT_ATTRS_TD
#define WEFT_ATTRS_TD

include "WeftDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

// The enumerated fields of #weft.schedule. Which ops take which values: checkScheduleFor.
def Weft_Parallel : I32EnumAttr<"Parallel", "the dimension split across threads or workgroups", [
    I32EnumAttrCase<"time", 0>, I32EnumAttrCase<"channel", 1>, I32EnumAttrCase<"rows", 2>]> {
  let cppNamespace = "::weft";
  let genSpecializedAttr = 0;
}
def Weft_Gather : I32EnumAttr<"Gather", "col2im_1d and im2col_1d: how an output element finds its inputs", [
    I32EnumAttrCase<"bounded", 0>, I32EnumAttrCase<"scan", 1>, I32EnumAttrCase<"sweep", 2>,
    I32EnumAttrCase<"stage", 3>]> {
  let cppNamespace = "::weft";
  let genSpecializedAttr = 0;
}
def Weft_Mma : I32EnumAttr<"Mma", "matmul: what multiplies the tiles", [
    I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"subgroup", 1>]> {
  let cppNamespace = "::weft";
  let genSpecializedAttr = 0;
}
def Weft_Copy : I32EnumAttr<"Copy", "concat: how the inputs are copied", [
    I32EnumAttrCase<"flat", 0>, I32EnumAttrCase<"row", 1>]> {
  let cppNamespace = "::weft";
  let genSpecializedAttr = 0;
}

// A schedule: how an op is mapped to loops, threads and vectors. Every field is optional; an
// empty field means "the target's default for this shape". Written as
//   #weft.schedule<parallel = time, gather = bounded, vector = 8, tile = [256]>
def Weft_ScheduleAttr : AttrDef<Weft_Dialect, "Schedule"> {
  let mnemonic = "schedule";
  let summary = "How an op is mapped to loops, threads and vectors";
  let description = [{
    Fields (all optional): `parallel` = time | channel | rows (which dimension is split across
    threads or workgroups); `gather` = bounded | scan | sweep | stage (col2im: only the
    contributing columns, the full K with a modulo, the CPU row sweep, or the GPU's rows staged
    in workgroup memory; im2col: stage, its input windows staged); `copy` = flat | row (concat);
    `mma` = none | subgroup (matmul and the composites: scalar multiply-adds, or a subgroup's
    matrix multiply-accumulate on 16 x 16 fragments, CUDA's tensor cores);
    `vector` = elements per vector (1 = scalar); `tile` = tile extents (op-specific order);
    `workgroup` = GPU workgroup extents; `unroll` = inner unroll factor.
  }];
  let parameters = (ins
    OptionalParameter<"std::optional<::weft::Parallel>", "parallel dimension">:$parallel,
    OptionalParameter<"std::optional<::weft::Gather>", "col2im gather form">:$gather,
    OptionalParameter<"std::optional<::weft::Copy>", "concat copy form">:$copy,
    OptionalParameter<"std::optional<::weft::Mma>", "matmul multiply form">:$mma,
    DefaultValuedParameter<"int64_t", "0">:$vector,
    OptionalArrayRefParameter<"int64_t">:$tile,
    OptionalArrayRefParameter<"int64_t">:$workgroup,
    DefaultValuedParameter<"int64_t", "0">:$unroll
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

// What code is generated for: the device kind and the limits schedules and loop builders obey.
// weft-attach-target sets it on the module (`weft.target`) from the target backend's kind;
// weft-resolve-schedule, weft-lower-to-loops, weft-gpu-map-grid and the GPU printers read it.
// Written as
//   #weft.target<kind = "vulkan", vector_bytes = 16, max_threads = 1024, param_slots = 16>
def Weft_TargetAttr : AttrDef<Weft_Dialect, "Target"> {
  let mnemonic = "target";
  let summary = "The device kind code is generated for, and its limits";
  let description = [{
    `kind`: cpu, vulkan, cuda or metal. `vector_bytes`: the widest vector access (CPU: the vector
    register, 16 SSE, 32 AVX2, 64 AVX-512; GPU: 16, the shading languages' 4 x 32-bit lanes), from
    which default vector widths follow. `max_threads`: threads per workgroup (CPU: 1).
    `param_slots`: parameter-block slots a kernel may read (Vulkan: 16, its push constants; 0: no
    limit, the block is a buffer).
  }];
  let parameters = (ins
    StringRefParameter<"device kind">:$kind,
    "int64_t":$vector_bytes,
    "int64_t":$max_threads,
    DefaultValuedParameter<"int64_t", "0">:$param_slots
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    bool isGpu() const { return getKind() != "cpu"; }
    /// Elements of `elementBytes` bytes in the widest vector access.
    int64_t lanes(int64_t elementBytes) const { return getVectorBytes() / elementBytes; }
    /// Whether a GPU target's defaults count on vectors being memory accesses of their width
    /// (threads of several lanes, im2col's staged windows, the staged copies' vectors), measured
    /// to pay: CUDA, where PTX loads and stores them whole (ld/st.global.v*, docs/cuda-history.md), and
    /// Vulkan, where the GLSL reads and writes them through vector views (H200: im2col f32 96-278
    /// -> 47 us, col2im f16 51 -> 36 us; docs/vulkan.md). MSL accesses an aligned vector whole
    /// too, but Metal's defaults stay one element per thread until measured on a Metal GPU; a
    /// schedule that gives `vector` gets the whole accesses on every GPU target.
    bool hasVectorAccess() const { return getKind() == "cuda" || getKind() == "vulkan"; }
    /// Whether col2im's staged gather is the default for `stride` (docs/schedules.md): CUDA's
    /// always; Vulkan's where the stride is at most 2, whose bounded gather reads runs of one or
    /// two elements from 16 or more rows per warp and tap (NVIDIA H100: K4 f16 143 -> 91 us, s = 1
    /// 179 -> 50 us), while at s >= 8 the staged form measured 18-25% slower and at s = 3-4 mixed
    /// (docs/vulkan.md, "col2im's staged gather through GLSL").
    bool stagesCol2Im(int64_t stride) const {
      return getKind() == "cuda" || (getKind() == "vulkan" && stride <= 2);
    }
    /// Whether col2im's default for elements of `elementBytes` at `stride` is the bounded gather
    /// in 16-byte lanes (one aligned vector load per cols row) where those lanes fit, ahead of
    /// the staged gather: CUDA's for 16-bit elements at strides of 8 or more (the bench's f16
    /// vocoder shape, H200: 25.8-26.1 -> 21.4-22.7 us; H100: 27.0-27.7 -> 24.0-25.6 us, bf16
    /// 29.1-29.4 -> 24.6-25.4; docs/cuda-history.md); f32's 4-lane form measured 12-15% slower
    /// than staging, K4's stride 2 stays staged.
    bool col2imWideLanes(int64_t stride, int64_t elementBytes) const {
      return getKind() == "cuda" && elementBytes == 2 && stride >= 8;
    }
    /// Whether col2im's default lanes come only as whole 8-byte groups: Vulkan's, where a 4-byte
    /// group measured slower than one element per thread (K4 f16 x 2: 118 -> 169 us on an H200,
    /// docs/vulkan.md); CUDA takes narrower groups where 8 bytes do not fit.
    bool col2imLanesWholeOnly() const { return getKind() == "vulkan"; }
    /// Whether the target's compiler keeps IEEE 754's signed zeros, so that a sum written to
    /// start at +0 (+0 + x turns -0 into +0) keeps that first add when the lowering unrolls it
    /// (col2im's lanes gather): LLVM's, without fast-math flags (CPU, CUDA). Mesa folds x + 0.0
    /// to x in a shader that declares no signed-zero float controls (lavapipe summed a lone -0
    /// to -0), and Metal compiles with fast math by default.
    bool keepsSignedZeros() const { return getKind() == "cpu" || getKind() == "cuda"; }
    /// The most lanes a GPU schedule's `vector` may have: one access of 16-bit lanes on CUDA (8),
    /// the shading languages' 4-lane vectors otherwise.
    int64_t maxGpuLanes() const { return getKind() == "cuda" ? lanes(2) : 4; }
    /// Whether weft generates a subgroup's matrix multiply-accumulate (`mma = subgroup`) for the
    /// target: CUDA's tensor cores, through NVVM's wmma. (Vulkan's cooperative matrices and
    /// Metal's simdgroup matrices would be the other targets' forms; not generated yet.)
    bool hasSubgroupMma() const { return getKind() == "cuda"; }
    /// The workgroup memory a GPU kernel may declare: CUDA's static shared memory (48 KiB); 32
    /// KiB on Vulkan and Metal (Apple GPUs' threadgroup memory; desktop Vulkan devices have 32
    /// KiB or more, lavapipe 32 KiB). 0 on the CPU, whose items keep arrays on the stack.
    int64_t maxWorkgroupBytes() const { return !isGpu() ? 0 : getKind() == "cuda" ? 48 << 10 : 32 << 10; }
    /// The description of device kind `kind` ("cpu", "vulkan", "cuda", "metal"); `vectorBytes`
    /// is the CPU's vector register size (ignored for GPUs). Null for an unknown kind.
    static TargetAttr forKind(mlir::MLIRContext *ctx, llvm::StringRef kind, int64_t vectorBytes);
    /// The `weft.target` of `op`'s module (or of `op`, a module), else an error emitted on `op`
    /// naming the rule.
    static mlir::FailureOr<TargetAttr> of(mlir::Operation *op);
  }];
}

// A compiled function's program description (runtime/include/weft/Program.h, docs/abi.md): its
// buffers, parameter block layout and launches. weft-lower-to-loops writes one per source function
// into the module's `weft.programs` dictionary; weft-gpu-map-grid completes its launches; the
// back ends read it. The parameter is the runtime's own struct, so the attribute and the artifact
// the runtime loads cannot disagree. Written as
//   #weft.program<col2im_1d {channels = 3, padding = 0, stride = 8},
//     inputs = [tensor<?x48xf32>], outputs = [tensor<3x?xf32>], temps = [cols : f32[params[4], 384]],
//     launches = [@k(params[5] / 256, 3 / 1) group 256 items 256], requires = ["int64"], index_bits = 32>
// where params[N] is slot N of the parameter block, read at dispatch.
def Weft_ProgramAttr : AttrDef<Weft_Dialect, "Program"> {
  let mnemonic = "program";
  let summary = "A compiled function's buffers, parameter block and launches";
  let parameters = (ins AttrParameter<"::weft::ProgramDesc", "the program description">:$desc);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

#endif
