// Per-target default schedules, chosen from an op's shape and dtype.
#pragma once

#include "dialects/weft/WeftOps.h"

namespace weft::lowering {

/// `given` (possibly null) with every unset field the target decides filled in; CPU vector widths
/// follow the target's vector register size.
ScheduleAttr defaultSchedule(mlir::Operation *op, TargetAttr target, ScheduleAttr given);

/// "" or why complete schedule `s` cannot run on GPU target `target`: the CPU row sweep, vectors
/// wider than its vector access (4 x 32-bit lanes), more threads per workgroup than it has.
std::string checkGpuSchedule(ScheduleAttr s, TargetAttr target);

} // namespace weft::lowering
