#include "GpuLaunch.h"

#include <algorithm>
#include <cstring>

namespace weft::gpu {

Result<std::vector<Groups>> workgroupGrids(const ProgramDesc &program, const std::vector<int64_t> &params,
                                           int64_t maxX, int64_t maxY, const std::string &device) {
  std::vector<Groups> groups;
  for (size_t i = 0; i < program.launches.size(); ++i) {
    const LaunchDesc &l = program.launches[i];
    const int64_t grid = gridSize(l, params), n = grid / l.items + (grid % l.items != 0);
    const int64_t x = std::min(n, maxX), y = x ? n / x + (n % x != 0) : 0;
    if (y > maxY)
      return Status::error("weft." + program.op + ": launch " + std::to_string(i) + " '" + l.entry + "' needs " +
                           std::to_string(n) + " workgroups (" + std::to_string(x) + " x " + std::to_string(y) +
                           "), more than " + device + " launches (" + std::to_string(maxX) + " x " +
                           std::to_string(maxY) + ")");
    groups.push_back({uint32_t(x), uint32_t(y)});
  }
  return groups;
}

Result<CheckedDispatch> checkDispatch(const ProgramDesc &program, const std::vector<Buffer *> &args, int64_t maxX,
                                      int64_t maxY, const std::string &device,
                                      const std::function<std::string(size_t, const Buffer &)> &locate) {
  CheckedDispatch c;
  if (Status s = checkArguments(program, args, c.params, c.tempShapes); !s) return s;
  for (size_t i = 0; i < args.size(); ++i)
    if (std::string why = locate(i, *args[i]); !why.empty()) return Status::error("weft." + program.op + ": " + why);
  Result<std::vector<Groups>> groups = workgroupGrids(program, c.params, maxX, maxY, device);
  if (!groups) return groups.status();
  c.groups = std::move(*groups);
  return c;
}

Result<std::vector<Buffer *>> ScratchPool::take(const ProgramDesc &program, const std::vector<Shape> &shapes,
                                                const Allocate &allocate) {
  std::vector<bool> taken(blocks.size(), false);
  std::vector<size_t> picks;
  for (size_t t = 0; t < shapes.size(); ++t) {
    const std::string what = "weft." + program.op + ": temporary '" + program.temps[t].name + "': ";
    Result<size_t> bytes = contiguousBytes(program.temps[t].dtype, shapes[t]);
    if (!bytes) return Status::error(what + bytes.message());
    size_t pick = blocks.size();
    for (size_t k = 0; k < blocks.size(); ++k)
      if (!taken[k] && blocks[k].bytes() >= *bytes && (pick == blocks.size() || blocks[k].bytes() < blocks[pick].bytes()))
        pick = k;
    if (pick == blocks.size()) {
      Result<Buffer> fresh = allocate(*bytes);
      if (!fresh) return Status::error(what + fresh.message());
      blocks.push_back(std::move(*fresh));
      taken.push_back(false);
    }
    taken[pick] = true;
    picks.push_back(pick);
  }
  // Drop the oldest unused allocations past the limit, keeping the picks' positions right.
  for (size_t k = 0; k < blocks.size() && blocks.size() > keep;) {
    if (taken[k]) { ++k; continue; }
    blocks.erase(blocks.begin() + long(k));
    taken.erase(taken.begin() + long(k));
    for (size_t &p : picks) p -= p > k;
  }
  std::vector<Buffer *> out;
  for (size_t p : picks) out.push_back(&blocks[p]);
  return out;
}

Status writeParamBlock(Buffer &block, const std::vector<int64_t> &params,
                       const std::function<Result<Buffer>(DType, Shape)> &allocate) {
  const size_t bytes = std::max<size_t>(params.size(), 1) * sizeof(int64_t);
  if (block.bytes() < bytes) {
    Result<Buffer> grown = allocate(DType::i64, {int64_t(bytes / sizeof(int64_t))});
    if (!grown) return Status::error("the parameter block: " + grown.message());
    block = std::move(*grown);
  }
  std::memcpy(block.data(), params.data(), params.size() * sizeof(int64_t));
  return Status();
}

} // namespace weft::gpu
