#include "lowering/ScheduleDefaults.h"

using namespace mlir;

namespace weft::lowering {

namespace {
// The fields a target decides; tile sizes stay with the loop builders unless the user set them.
struct Fields {
  std::optional<Parallel> parallel;
  std::optional<Gather> gather;
  std::optional<Copy> copy;
  int64_t vector = 0;
  SmallVector<int64_t> workgroup;
};

// Elements per vector: one vector register of the CPU (`vectorBytes`: 32 for AVX2, 64 for
// AVX-512); GPUs vectorise across threads.
int64_t cpuVectorWidth(Operation *op, TargetAttr target) {
  auto dt = tensorTypeOf(op->getResult(0).getType());
  if (dt && isa<ConcatOp>(op)) return target.lanes(int64_t(dtypeSize(dt->dtype))); // a copy: bytes decide
  return target.lanes(4); // f32 lanes; f16/bf16 compute in f32
}

Fields defaultsFor(Operation *op, TargetAttr target) {
  Fields f;
  bool gpu = target.isGpu();
  if (isa<Col2Im1dOp>(op)) {
    // CPU: the row sweep reads each cols row once (cpu-peers.md: 5-6x over the strided gather).
    // GPU: one thread per output element with the bounded gather, consecutive threads along time.
    f.parallel = Parallel::time;
    f.gather = gpu ? Gather::bounded : Gather::sweep;
  } else if (isa<Im2Col1dOp>(op)) {
    f.parallel = Parallel::time;
  } else if (isa<ConcatOp>(op)) {
    f.parallel = Parallel::rows;
    f.copy = Copy::row;
  } else if (isa<MatmulOp>(op)) {
    f.parallel = Parallel::rows;
  }
  f.vector = gpu ? 1 : cpuVectorWidth(op, target);
  if (gpu) f.workgroup = {256};
  return f;
}
} // namespace

ScheduleAttr defaultSchedule(Operation *op, TargetAttr target, ScheduleAttr given) {
  Fields d = defaultsFor(op, target);
  auto pick = [](auto set, auto dflt) { return set ? set : dflt; };
  std::optional<Parallel> parallel = given ? pick(given.getParallel(), d.parallel) : d.parallel;
  std::optional<Gather> gather = given ? pick(given.getGather(), d.gather) : d.gather;
  std::optional<Copy> copy = given ? pick(given.getCopy(), d.copy) : d.copy;
  int64_t vector = given && given.getVector() ? given.getVector() : d.vector;
  ArrayRef<int64_t> tile = given ? given.getTile() : ArrayRef<int64_t>();
  ArrayRef<int64_t> wg = given && !given.getWorkgroup().empty() ? given.getWorkgroup() : ArrayRef<int64_t>(d.workgroup);
  int64_t unroll = given ? given.getUnroll() : 0;
  return ScheduleAttr::get(op->getContext(), parallel, gather, copy, vector, tile, wg, unroll);
}

std::string checkGpuSchedule(ScheduleAttr s, TargetAttr target) {
  std::string on = " on target " + target.getKind().str();
  if (s.getGather() == Gather::sweep)
    return "schedule gather = sweep is the CPU row sweep; use bounded or scan" + on;
  if (s.getVector() > target.lanes(4))
    return "schedule vector = " + std::to_string(s.getVector()) + " is wider than " + std::to_string(target.lanes(4)) +
           on + " (GPU vectors have 2 to " + std::to_string(target.lanes(4)) + " lanes; threads give the width)";
  int64_t threads = 1;
  for (int64_t e : s.getWorkgroup()) threads *= e;
  if (threads > target.getMaxThreads())
    return "schedule workgroup has " + std::to_string(threads) + " threads" + on + " (at most " +
           std::to_string(target.getMaxThreads()) + ")";
  return "";
}

} // namespace weft::lowering
