#include "lowering/ScheduleDefaults.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace weft::lowering {

std::optional<Target> parseTarget(StringRef name) {
  return llvm::StringSwitch<std::optional<Target>>(name)
      .Case("cpu", Target::cpu)
      .Case("vulkan", Target::vulkan)
      .Case("cuda", Target::cuda)
      .Case("metal", Target::metal)
      .Default(std::nullopt);
}

namespace {
// The fields a target decides; tile sizes stay with the loop builders unless the user set them.
struct Fields {
  std::string parallel, gather, copy;
  int64_t vector = 0;
  SmallVector<int64_t> workgroup;
};

// Elements per vector: one vector register of the CPU (`vectorBytes`: 32 for AVX2, 64 for
// AVX-512); GPUs vectorise across threads.
int64_t cpuVectorWidth(Operation *op, int64_t vectorBytes) {
  auto dt = tensorTypeOf(op->getResult(0).getType());
  if (dt && isa<ConcatOp>(op)) return vectorBytes / int64_t(dtypeSize(dt->dtype)); // a copy: bytes decide
  return vectorBytes / 4; // f32 lanes; f16/bf16 compute in f32
}

Fields defaultsFor(Operation *op, Target target, int64_t vectorBytes) {
  Fields f;
  bool gpu = target != Target::cpu;
  if (isa<Col2Im1dOp>(op)) {
    // CPU: the row sweep reads each cols row once (cpu-peers.md: 5-6x over the strided gather).
    // GPU: one thread per output element with the bounded gather, consecutive threads along time.
    f.parallel = "time";
    f.gather = gpu ? "bounded" : "sweep";
  } else if (isa<Im2Col1dOp>(op)) {
    f.parallel = "time";
  } else if (isa<ConcatOp>(op)) {
    f.parallel = "rows";
    f.copy = "row";
  } else if (isa<MatmulOp>(op)) {
    f.parallel = "rows";
  }
  f.vector = gpu ? 1 : cpuVectorWidth(op, vectorBytes);
  if (gpu) f.workgroup = {256};
  return f;
}
} // namespace

ScheduleAttr defaultSchedule(Operation *op, Target target, ScheduleAttr given, int64_t vectorBytes) {
  Fields d = defaultsFor(op, target, vectorBytes);
  auto pick = [](StringRef g, const std::string &dflt) { return g.empty() ? StringRef(dflt) : g; };
  StringRef parallel = given ? pick(given.getParallel(), d.parallel) : StringRef(d.parallel);
  StringRef gather = given ? pick(given.getGather(), d.gather) : StringRef(d.gather);
  StringRef copy = given ? pick(given.getCopy(), d.copy) : StringRef(d.copy);
  int64_t vector = given && given.getVector() ? given.getVector() : d.vector;
  ArrayRef<int64_t> tile = given ? given.getTile() : ArrayRef<int64_t>();
  ArrayRef<int64_t> wg = given && !given.getWorkgroup().empty() ? given.getWorkgroup() : ArrayRef<int64_t>(d.workgroup);
  int64_t unroll = given ? given.getUnroll() : 0;
  return ScheduleAttr::get(op->getContext(), parallel, gather, copy, vector, tile, wg, unroll);
}

std::string checkGpuSchedule(ScheduleAttr s, StringRef target) {
  std::string on = " on target " + target.str();
  if (s.getGather() == "sweep")
    return "schedule gather = sweep is the CPU row sweep; use bounded or scan" + on;
  if (s.getVector() > 4)
    return "schedule vector = " + std::to_string(s.getVector()) + " is wider than 4" + on +
           " (GPU vectors have 2 to 4 lanes; threads give the width)";
  int64_t threads = 1;
  for (int64_t e : s.getWorkgroup()) threads *= e;
  if (threads > 1024)
    return "schedule workgroup has " + std::to_string(threads) + " threads" + on + " (at most 1024)";
  return "";
}

} // namespace weft::lowering
