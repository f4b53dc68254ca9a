#include "lowering/KernelOp.h"
#include "lowering/Passes.h"
#include "lowering/LoopHelpers.h"

#include "lowering/KernelOpInterface.cpp.inc"

using namespace mlir;

namespace weft::lowering {

void registerKernelOpModels(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, WeftDialect *) {
    attachIm2ColModel(ctx);
    attachCol2ImModel(ctx);
    attachConcatModel(ctx);
    attachMatmulModel(ctx);
  });
}

ScheduleFields ScheduleFields::of(ScheduleAttr given) {
  ScheduleFields f;
  if (!given) return f;
  f.parallel = given.getParallel();
  f.gather = given.getGather();
  f.copy = given.getCopy();
  f.mma = given.getMma();
  f.vector = given.getVector();
  f.tile.assign(given.getTile().begin(), given.getTile().end());
  f.workgroup.assign(given.getWorkgroup().begin(), given.getWorkgroup().end());
  f.unroll = given.getUnroll();
  f.vectorGiven = f.vector > 0;
  return f;
}

ScheduleFields ScheduleFields::resolving(ScheduleAttr given, TargetAttr target, Parallel parallel,
                                         int64_t laneBytes) {
  ScheduleFields f = of(given);
  if (!f.parallel) f.parallel = parallel;
  f.defaultVectorAndWorkgroup(target, laneBytes);
  return f;
}

SmallVector<StringRef> fieldsOn(TargetAttr target, std::initializer_list<StringRef> fields) {
  SmallVector<StringRef> all(fields);
  if (target.isGpu()) all.push_back("workgroup");
  return all;
}

void ScheduleFields::defaultVectorAndWorkgroup(TargetAttr target, int64_t laneBytes) {
  if (!vector) vector = target.isGpu() ? 1 : target.lanes(laneBytes);
  if (workgroup.empty() && target.isGpu()) workgroup = {256};
}

int64_t ScheduleFields::threads() const {
  int64_t n = 1;
  for (int64_t e : workgroup) n *= e;
  return n;
}

ScheduleAttr ScheduleFields::get(MLIRContext *ctx) const {
  return ScheduleAttr::get(ctx, parallel, gather, copy, mma, vector, tile, workgroup, unroll);
}

void ScheduleFields::widenGpuLanes(TargetAttr target, int64_t elementBytes, int64_t maxBytes,
                                   function_ref<bool(int64_t)> fits) {
  if (vectorGiven || !target.isGpu() || !target.hasVectorAccess()) return;
  for (int64_t v = std::min({target.maxGpuLanes(), target.lanes(elementBytes), maxBytes / elementBytes}); v > 1; v /= 2)
    if (fits(v)) {
      vector = v;
      return;
    }
}

int64_t itemArrayLimit(TargetAttr target) {
  return target.isGpu() ? target.maxWorkgroupBytes() : kMaxScratchBytes;
}

int64_t elementBytes(Type t) { return std::max<int64_t>(1, getElementTypeOrSelf(t).getIntOrFloatBitWidth() / 8); }

std::string checkTileOfLanes(int64_t tile, int64_t vector) {
  if (vector <= 1 || tile % vector == 0) return "";
  return "schedule tile = [" + std::to_string(tile) + "] is not a multiple of vector = " + std::to_string(vector) +
         " (rule: on a GPU target each thread takes vector consecutive elements of a tile)";
}

std::string checkGpuSchedule(ScheduleAttr s, TargetAttr target) {
  std::string on = " on target " + target.getKind().str();
  if (s.getGather() == Gather::sweep)
    return "schedule gather = sweep is the CPU row sweep; use bounded, scan or stage" + on;
  if (s.getGather() == Gather::stage && s.getParallel() == Parallel::channel)
    return "schedule gather = stage takes parallel = time" + on + " (an item is a block of channels by times)";
  if (s.getVector() > target.maxGpuLanes())
    return "schedule vector = " + std::to_string(s.getVector()) + " is wider than " +
           std::to_string(target.maxGpuLanes()) + on + " (its vectors have 2 to " + std::to_string(target.maxGpuLanes()) +
           " lanes; threads give the width)";
  // The lane forms: one tile extent along time or a row (matmul's tile has three); a staged
  // form's tile counts times or rows, not elements.
  if (s.getTile().size() == 1 && s.getParallel() != Parallel::channel && s.getGather() != Gather::stage)
    if (std::string e = checkTileOfLanes(s.getTile()[0], s.getVector()); !e.empty())
      return e.insert(e.find(" (rule"), on);
  int64_t threads = ScheduleFields::of(s).threads();
  if (threads > target.getMaxThreads())
    return "schedule workgroup has " + std::to_string(threads) + " threads" + on + " (at most " +
           std::to_string(target.getMaxThreads()) + ")";
  return "";
}

FailureOr<ScheduleAttr> resolvedSchedule(KernelOpInterface op, TargetAttr target) {
  auto s = op->getAttrOfType<ScheduleAttr>("schedule");
  for (StringRef field : op.scheduleFields(target)) {
    bool set = s && (field == "parallel"    ? s.getParallel().has_value()
                     : field == "gather"    ? s.getGather().has_value()
                     : field == "copy"      ? s.getCopy().has_value()
                     : field == "mma"       ? s.getMma().has_value()
                     : field == "vector"    ? s.getVector() > 0
                     : field == "tile"      ? !s.getTile().empty()
                     : field == "workgroup" ? !s.getWorkgroup().empty()
                     : field == "unroll"    ? s.getUnroll() > 0
                                            : false); // a name no field has: reported as missing
    if (!set)
      return op->emitOpError() << "weft-lower-to-loops: the schedule sets no " << field
                               << "; run weft-resolve-schedule first (the loop builders take no defaults)";
  }
  return s;
}

} // namespace weft::lowering
