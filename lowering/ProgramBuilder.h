// What the per-op loop builders of weft-lower-to-loops work with: the program's flat buffers,
// extents that are constants or parameter-block loads, and kernels with a 1-D grid.
//
// Loop-level IR contract (every target's back end relies on it; keep to these ops):
//   func.func @NAME(%b0: memref<?xT0>, ..., %params: memref<?xi64>) attributes {weft.kernel}
//   body: index/extent computations, then exactly one top-level scf.parallel (%g) = (0) to (grid)
//   inside: scf.for (iter_args allowed), scf.if, scf.parallel (nested: threads on GPUs, serial on
//   CPUs), memref.load/store on the 1-D buffers, memref.alloca of static shape (scratch tiles),
//   vector.load/store/broadcast/fma on 1-D vectors, arith (integer and float, extf/truncf,
//   index_cast, cmpi/select, min/max, ceildiv/floordiv), math.fma.
//   Sibling inner scf.parallel loops of a grid item run in order, each over all of its
//   iterations, and an item-level memref.alloca is the item's: on a GPU, weft-gpu-map-grid puts
//   it in workgroup memory and a gpu.barrier between such loops, so one loop may stage data in
//   the array for the next (col2im's gather = stage); on a CPU they simply run in turn.
//   GPU-only forms (refused by rule on the other targets) may also use gpu.barrier and
//   gpu.subgroup_mma_* inside an inner scf.parallel of exactly the workgroup's threads (0 to G,
//   weft.max_trip = G), which weft-gpu-map-grid runs as one body per thread (matmul's mma).
#pragma once

#include "dialects/weft/WeftOps.h"
#include "weft/Program.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

#include <functional>

namespace weft::lowering {

/// A tensor of the source function as seen in the flat buffers: the buffer it lives in and its
/// logical type. A view made by tensor.collapse_shape keeps the source buffer and lists, for each
/// logical dim, the source dims it merges.
struct View {
  unsigned buffer = 0;
  TensorType type;
  llvm::SmallVector<llvm::SmallVector<int64_t, 2>, 4> groups; // empty = identity
  int64_t rank() const { return type.shape.size(); }
};

/// One factor of a kernel's grid: ceil(extent of `view` dim `dim` / tile), or ceil(constant / tile).
struct GridDim {
  std::optional<View> view; // absent: `constant` is the extent
  unsigned dim = 0;
  int64_t constant = 0;
  int64_t tile = 1;
  static GridDim of(const View &v, unsigned d, int64_t tile = 1) { return {v, d, 0, tile}; }
  static GridDim fixed(int64_t extent, int64_t tile = 1) { return {std::nullopt, 0, extent, tile}; }
};

class ProgramBuilder;

/// One kernel function being built. Extents and strides are materialised once, at the top of
/// the function, so loop bodies only see SSA values.
class KernelBuilder {
public:
  mlir::OpBuilder &builder() { return b; }
  mlir::Location loc() const { return location; }
  mlir::func::FuncOp func() const { return fn; }

  /// The flat buffer `memref<?xT>` holding `v`.
  mlir::Value buffer(const View &v);
  /// Extent of `v`'s logical dim `d` (index): a constant when static, else read from params.
  mlir::Value extent(const View &v, unsigned d);
  /// Element stride of `v`'s logical dim `d` (index), read from params; only argument buffers
  /// may be strided (docs/abi.md). For contiguous views use contiguousStrides().
  mlir::Value stride(const View &v, unsigned d);
  /// Row-major strides of `v`'s logical extents.
  llvm::SmallVector<mlir::Value> contiguousStrides(const View &v);
  mlir::Value index(int64_t c);
  /// The element type of `v` (f32, f16, ...).
  mlir::Type elementType(const View &v);

  /// Emits the kernel's top-level `scf.parallel` over the product of `dims` (each ceil(extent /
  /// tile)) and calls `body` inside it with one index per factor (the delinearised grid item),
  /// each in [0, ceil(extent / tile)). Call exactly once per kernel.
  void parallelGrid(llvm::ArrayRef<GridDim> dims,
                    llvm::function_ref<void(mlir::OpBuilder &, mlir::Location, mlir::ValueRange)> body);

private:
  friend class ProgramBuilder;
  KernelBuilder(ProgramBuilder &pb, mlir::func::FuncOp fn, mlir::OpBuilder &b);
  ProgramBuilder &pb;
  mlir::func::FuncOp fn;
  mlir::OpBuilder &b;
  mlir::Location location;
  mlir::OpBuilder prologue();
  mlir::Value prologueConstant(int64_t c);
  mlir::Value prologueParam(int64_t slot);
  mlir::Operation *lastPrologueOp = nullptr;
  llvm::DenseMap<std::pair<unsigned, unsigned>, mlir::Value> extents, strides;
  std::vector<GridFactor> grid;
  bool gridEmitted = false;
  bool gridError = false;
};

/// The program of one source function: its buffers (arguments, outputs, temporaries), its
/// kernels and launches, and its description.
class ProgramBuilder {
public:
  /// `target`: the module's #weft.target; for a GPU the builders make the GPU forms
  /// (docs/schedules.md), each kernel tagged `weft.workgroup`.
  ProgramBuilder(mlir::ModuleOp module, llvm::StringRef name, ProgramDesc &desc,
                 llvm::ArrayRef<TensorType> bufferTypes, TargetAttr target);
  /// Creates kernel `<name>_<suffix>` (or `<name>` for an empty suffix), lets `build` fill it and
  /// records its launch. Fails if `build` fails or never emitted a grid.
  mlir::LogicalResult addKernel(llvm::StringRef suffix,
                                llvm::function_ref<mlir::LogicalResult(KernelBuilder &)> build);
  const ProgramDesc &desc() const { return program; }
  /// Names the next kernels `<program>_<part>[_<suffix>]`: set per op when a program holds several
  /// (a composite's parts), so each kernel says which op it computes.
  void setPart(llvm::StringRef part) { partName = part.str(); }
  /// The location of the next kernels and of everything built in them: where the op they compute
  /// came from, named "weft.OP #weft.schedule<...>", so printers and diagnostics can say which
  /// op and schedule form made a loop nest.
  void setOrigin(mlir::Location loc) { origin = loc; }
  /// What the kernels are for; whether that is a GPU; the threads per workgroup of the next
  /// kernels (set per op from its schedule's `workgroup`).
  TargetAttr target() const { return targetDesc; }
  bool gpu() const { return targetDesc.isGpu(); }
  int64_t threads() const { return workgroupThreads; }
  void setThreads(int64_t n) { workgroupThreads = n; }
  /// Parameter slot of buffer `b`'s dim `d` extent / stride (docs/abi.md).
  int64_t extentSlot(unsigned b, unsigned d) const;
  int64_t strideSlot(unsigned b, unsigned d) const;
  const TensorType &bufferType(unsigned b) const { return types[b]; }

private:
  mlir::ModuleOp module;
  std::string name;
  std::string partName;
  TargetAttr targetDesc;
  std::optional<mlir::Location> origin;
  int64_t workgroupThreads = 1;
  ProgramDesc &program;
  std::vector<TensorType> types;
};

/// Shared helpers for loop builders.
/// Widens a float scalar or vector to f32 (no-op for f32).
mlir::Value toF32(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v);
/// Rounds an f32 scalar or vector to `elemType` (round to nearest even; no-op for f32).
mlir::Value fromF32(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v, mlir::Type elemType);
/// The op's schedule (complete after weft-resolve-schedule; a null attribute before it).
ScheduleAttr scheduleOf(mlir::Operation *op);

} // namespace weft::lowering
