// Per-target default schedules, chosen from an op's shape and dtype.
#pragma once

#include "dialects/weft/WeftOps.h"

namespace weft::lowering {

enum class Target { cpu, vulkan, cuda, metal };
std::optional<Target> parseTarget(llvm::StringRef name);

/// `given` (possibly null) with every unset field the target decides filled in.
ScheduleAttr defaultSchedule(mlir::Operation *op, Target target, ScheduleAttr given);

} // namespace weft::lowering
