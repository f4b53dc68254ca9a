// Per-target default schedules, chosen from an op's shape and dtype.
#pragma once

#include "dialects/weft/WeftOps.h"

namespace weft::lowering {

enum class Target { cpu, vulkan, cuda, metal };
std::optional<Target> parseTarget(llvm::StringRef name);

/// `given` (possibly null) with every unset field the target decides filled in. `vectorBytes` is
/// the CPU's vector register size (32: AVX2, 64: AVX-512), from which CPU vector widths follow.
ScheduleAttr defaultSchedule(mlir::Operation *op, Target target, ScheduleAttr given, int64_t vectorBytes = 32);

/// "" or why complete schedule `s` cannot run on GPU target `target`: the CPU row sweep, vectors
/// wider than the shading languages' 4 lanes, more than 1024 threads per workgroup.
std::string checkGpuSchedule(ScheduleAttr s, llvm::StringRef target);

} // namespace weft::lowering
