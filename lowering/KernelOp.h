// The op interface weft-resolve-schedule and weft-lower-to-loops dispatch through
// (KernelOpInterface.td), and what its per-op models share: schedule fields being filled in, the
// GPU limits, the completeness check the loop builders rely on.
#pragma once

#include "lowering/ProgramBuilder.h"

#include "lowering/KernelOpInterface.h.inc"

namespace weft::lowering {

/// Each op's model, beside its loop builder (one file each); registerKernelOpModels (Passes.h)
/// calls them.
void attachIm2ColModel(mlir::MLIRContext *ctx);
void attachCol2ImModel(mlir::MLIRContext *ctx);
void attachConcatModel(mlir::MLIRContext *ctx);
void attachMatmulModel(mlir::MLIRContext *ctx);

/// A schedule's fields while a model resolves them: the user's first, then the op's defaults.
struct ScheduleFields {
  std::optional<Parallel> parallel;
  std::optional<Gather> gather;
  std::optional<Copy> copy;
  std::optional<Mma> mma;
  int64_t vector = 0;
  llvm::SmallVector<int64_t> tile, workgroup;
  int64_t unroll = 0;
  bool vectorGiven = false; ///< the schedule given set `vector` (defaults never override it)

  /// The fields `given` sets (null: none).
  static ScheduleFields of(ScheduleAttr given);
  /// What every model starts from: `given`'s fields, `parallel` where it sets none, then
  /// defaultVectorAndWorkgroup(target, laneBytes).
  static ScheduleFields resolving(ScheduleAttr given, TargetAttr target, Parallel parallel, int64_t laneBytes);
  /// Sets vector and workgroup where unset. CPU: one vector register of `target` in lanes of
  /// `laneBytes` (4 for f32 arithmetic; a copy's element size), no workgroup. GPU: vector 1
  /// (threads give the width; the lane forms widen it where vectors are accesses:
  /// widenGpuLanes), 256 threads per workgroup.
  void defaultVectorAndWorkgroup(TargetAttr target, int64_t laneBytes);
  /// A GPU lane form's default `vector` where the schedule gave none: on a target whose vectors
  /// are memory accesses, the most lanes of `elementBytes` (at most `maxBytes` and the target's
  /// widest access) for which `fits(v)` holds (the form's accesses are whole, aligned vectors).
  void widenGpuLanes(TargetAttr target, int64_t elementBytes, int64_t maxBytes, llvm::function_ref<bool(int64_t)> fits);
  /// Threads per workgroup (1 without one).
  int64_t threads() const;
  ScheduleAttr get(mlir::MLIRContext *ctx) const;
};

/// "" or why complete schedule `s` cannot run on GPU target `target`: the CPU row sweep, vectors
/// wider than its vector access (4 x 32-bit lanes), a tile of partial vectors (checkTileOfLanes),
/// more threads per workgroup than it has.
std::string checkGpuSchedule(ScheduleAttr s, TargetAttr target);

/// "" or why a GPU form giving each thread `vector` consecutive elements of a tile (col2im and
/// im2col along time, concat) cannot take tile length `tile`: it must be whole vectors.
std::string checkTileOfLanes(int64_t tile, int64_t vector);

/// The bytes an item's array (staged rows) may take on `target`: GPU workgroup memory
/// (TargetAttr::maxWorkgroupBytes); on the CPU, which runs an item's loops in turn with its
/// arrays on the thread's stack, the scratch bound kMaxScratchBytes.
int64_t itemArrayLimit(TargetAttr target);

/// Bytes of one element of `t` (an element type or a shaped type's).
int64_t elementBytes(mlir::Type t);

/// A model's scheduleFields: `fields`, plus "workgroup" on a GPU target.
llvm::SmallVector<llvm::StringRef> fieldsOn(TargetAttr target, std::initializer_list<llvm::StringRef> fields);

/// The op's schedule when it sets every field its loops read on `target` (KernelOpInterface::
/// scheduleFields); otherwise an error on the op naming the first missing field. The builders
/// read the fields without defaults of their own, so this runs before each of them.
mlir::FailureOr<ScheduleAttr> resolvedSchedule(KernelOpInterface op, TargetAttr target);

} // namespace weft::lowering
