// What every GPU device does the same way before it records launches (docs/abi.md, "GPU
// launches"): fold each launch's workgroups into a 2-D grid, and give temporaries memory kept
// between dispatches. Internal to the runtime; the Vulkan and CUDA devices share it.
#pragma once

#include "weft/Runtime.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace weft::gpu {

/// One launch's workgroup grid; x == 0 for an empty grid (nothing to run).
struct Groups {
  uint32_t x = 0, y = 0;
};

/// The workgroup grid of every launch of `program` for the filled parameter block `params`: the
/// grid items rounded up to whole workgroups (LaunchDesc::items per workgroup), at most `maxX`
/// along x, the rest along y. The error names the launch, the workgroups it needs and
/// `device`'s limits.
Result<std::vector<Groups>> workgroupGrids(const ProgramDesc &program, const std::vector<int64_t> &params,
                                           int64_t maxX, int64_t maxY, const std::string &device);

/// What a device checks of a dispatch before it records anything.
struct CheckedDispatch {
  std::vector<int64_t> params;  ///< the filled parameter block
  std::vector<Shape> tempShapes; ///< the temporaries' extents
  std::vector<Groups> groups;    ///< each launch's workgroup grid
};

/// The arguments (checkArguments), that each lies in `device`'s memory (`locate(i, buffer)`
/// returns an empty string where it does, else why not, and may note where it lies), and every
/// launch's workgroup grid within maxX x maxY.
Result<CheckedDispatch> checkDispatch(const ProgramDesc &program, const std::vector<Buffer *> &args, int64_t maxX,
                                      int64_t maxY, const std::string &device,
                                      const std::function<std::string(size_t, const Buffer &)> &locate);

/// Writes the filled parameter block `params` into `block`, a device buffer kept between
/// dispatches, first replacing it by a larger one from `allocate` (i64 elements) when it is too
/// small. The error names the parameter block.
Status writeParamBlock(Buffer &block, const std::vector<int64_t> &params,
                       const std::function<Result<Buffer>(DType, Shape)> &allocate);

/// Temporaries' device memory, kept between dispatches (a composite has one; a few programs
/// alternate): each temporary takes the smallest free allocation that fits, else a new one; past
/// `keep` allocations the oldest unused go. Not thread-safe: the device serializes dispatches.
class ScratchPool {
public:
  using Allocate = std::function<Result<Buffer>(size_t bytes)>;
  explicit ScratchPool(size_t keep = 4) : keep(keep) {}

  /// One allocation per temporary of `program` (extents `shapes`), in order. The error names the
  /// temporary.
  Result<std::vector<Buffer *>> take(const ProgramDesc &program, const std::vector<Shape> &shapes,
                                     const Allocate &allocate);

private:
  size_t keep;
  std::vector<Buffer> blocks;
};

} // namespace weft::gpu
