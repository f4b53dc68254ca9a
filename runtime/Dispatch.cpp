// The device-independent half of dispatch: checking the arguments against the program, filling the
// parameter block (docs/abi.md) and sizing the launches' grids.
#include "weft/Runtime.h"

namespace weft {

const char *deviceKindName(DeviceKind k) {
  switch (k) {
  case DeviceKind::cpu: return "cpu";
  case DeviceKind::vulkan: return "vulkan";
  case DeviceKind::cuda: return "cuda";
  case DeviceKind::metal: return "metal";
  }
  return "?";
}

namespace {

// The names shared/ops.md gives each op's operands and results, for messages.
struct ArgNames {
  std::vector<std::string> inputs, outputs;
};

ArgNames argNames(const ProgramDesc &p) {
  ArgNames n;
  if (const OpInfo *info = findOp(p.op)) {
    n.inputs.assign(info->inputs.begin(), info->inputs.end());
    n.outputs.assign(info->outputs.begin(), info->outputs.end());
  }
  // A program that disagrees with the table (or an unknown op) still gets usable names.
  auto fallback = [](std::vector<std::string> &names, size_t count, const char *kind) {
    if (names.size() == count) return;
    names.clear();
    for (size_t i = 0; i < count; ++i) names.push_back(kind + std::to_string(i));
  };
  fallback(n.inputs, p.inputs.size(), "#");
  fallback(n.outputs, p.outputs.size(), "#");
  return n;
}

std::string joined(const std::vector<std::string> &names) {
  std::string out;
  for (const std::string &s : names) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "none" : out;
}

// ceil(extent / tile) of each factor, multiplied; on failure -1 and, if `why`, the reason.
int64_t computeGrid(const LaunchDesc &launch, const std::vector<int64_t> &params, std::string *why) {
  int64_t total = 1;
  for (size_t i = 0; i < launch.grid.size(); ++i) {
    const GridFactor &g = launch.grid[i];
    auto fail = [&](const std::string &reason) {
      if (why) *why = "launch '" + launch.entry + "' grid factor " + std::to_string(i) + ": " + reason;
      return int64_t(-1);
    };
    int64_t extent = g.extent.value;
    if (g.extent.isSlot) {
      if (g.extent.value < 0 || uint64_t(g.extent.value) >= params.size())
        return fail("slot $" + std::to_string(g.extent.value) + " lies past the parameter block (" +
                    std::to_string(params.size()) + " slots)");
      extent = params[size_t(g.extent.value)];
    }
    if (extent < 0) return fail("extent " + std::to_string(extent) + " is negative");
    if (g.tile <= 0) return fail("tile " + std::to_string(g.tile) + " must be > 0");
    int64_t tiles = extent / g.tile + (extent % g.tile != 0);
    if (__builtin_mul_overflow(total, tiles, &total)) return fail("the grid size overflows int64_t");
  }
  return total;
}

/// The bytes a view's elements lie in, [first, past the last); empty for an empty view.
std::pair<uintptr_t, uintptr_t> byteSpan(const Buffer &b) {
  const uintptr_t start = reinterpret_cast<uintptr_t>(b.data());
  int64_t furthest = 0;
  for (size_t d = 0; d < b.shape().size(); ++d) {
    if (b.shape()[d] == 0) return {start, start};
    furthest += (b.shape()[d] - 1) * b.strides()[d];
  }
  return {start, start + uintptr_t(furthest + 1) * dtypeSize(b.dtype())};
}

} // namespace

std::vector<std::string> argumentNames(const ProgramDesc &program) {
  ArgNames names = argNames(program);
  names.inputs.insert(names.inputs.end(), names.outputs.begin(), names.outputs.end());
  return names.inputs;
}

std::string argumentName(const ProgramDesc &program, size_t i) {
  const std::vector<std::string> names = argumentNames(program);
  if (i >= names.size()) return "argument " + std::to_string(i);
  return std::string(i < program.inputs.size() ? "input " : "output ") + names[i] + " (argument " +
         std::to_string(i) + ")";
}

int64_t gridSize(const LaunchDesc &launch, const std::vector<int64_t> &params) {
  return computeGrid(launch, params, nullptr);
}

Status checkArguments(const ProgramDesc &program, const std::vector<Buffer *> &args, std::vector<int64_t> &params,
                      std::vector<Shape> &tempShapes) {
  auto fail = [&](const std::string &why) { return Status::error("weft." + program.op + ": " + why); };
  const size_t nIn = program.inputs.size(), nOut = program.outputs.size();
  const ArgNames names = argNames(program);
  if (args.size() != nIn + nOut)
    return fail("expects " + std::to_string(nIn + nOut) + " buffers (inputs " + joined(names.inputs) +
                "; outputs " + joined(names.outputs) + "), got " + std::to_string(args.size()));

  std::vector<TensorType> inputTypes, outputTypes;
  for (size_t i = 0; i < args.size(); ++i) {
    const bool isInput = i < nIn;
    const TensorType &want = isInput ? program.inputs[i] : program.outputs[i - nIn];
    const std::string what = argumentName(program, i);
    const Buffer *b = args[i];
    if (!b) return fail(what + " is null");
    if (b->dtype() != want.dtype)
      return fail(what + " has dtype " + dtypeName(b->dtype()) + ", the kernel was compiled for " +
                  dtypeName(want.dtype));
    if (b->shape().size() != want.shape.size())
      return fail(what + " has rank " + std::to_string(b->shape().size()) + " " + shapeToString(b->shape()) +
                  ", the kernel was compiled for rank " + std::to_string(want.shape.size()) + " " +
                  shapeToString(want.shape));
    for (size_t d = 0; d < want.shape.size(); ++d)
      if (want.shape[d] != kDynamic && want.shape[d] != b->shape()[d])
        return fail(what + " has shape " + shapeToString(b->shape()) + ", the kernel was compiled for " +
                    shapeToString(want.shape) + " (dim " + std::to_string(d) + " must be " +
                    std::to_string(want.shape[d]) + ")");
    // Only concat reads its inputs through strides (docs/abi.md); every other kernel indexes densely.
    if (!b->isContiguous() && !(isInput && program.op == "concat"))
      return fail(what + " is a strided view " + shapeToString(b->shape()) + " with strides " +
                  shapeToString(b->strides()) + " (rule: only concat's inputs may be strided)");
    if (program.bufferAlign > 1 && reinterpret_cast<uintptr_t>(b->data()) % uint64_t(program.bufferAlign))
      return fail(what + " starts at an address that is not a multiple of " + std::to_string(program.bufferAlign) +
                  " bytes (rule: the kernel accesses it in aligned vectors of that size)");
    if (program.indexBits == 32) {
      // The furthest element a kernel may index: sum of (extent - 1) * stride.
      int64_t furthest = 0;
      for (size_t d = 0; d < b->shape().size(); ++d)
        if (b->shape()[d] > 0) furthest += (b->shape()[d] - 1) * b->strides()[d];
      if (furthest >= (int64_t(1) << 31))
        return fail(what + " reaches element " + std::to_string(furthest) +
                    "; the kernel was compiled with 32-bit indices (rule: below 2^31)");
    }
    (isInput ? inputTypes : outputTypes).push_back(b->tensorType());
  }
  std::vector<TensorType> inferred = outputTypes;
  if (std::string e = inferAndCheck(program.op, program.attrs, inputTypes, inferred); !e.empty()) return fail(e);
  // Kernels are compiled assuming no output shares memory with another argument (C++
  // __restrict, GLSL restrict, PTX noalias and read-only loads): an output overlapping an input
  // would be read after it was partly written. Inputs may share memory (concat of x with x).
  for (size_t i = nIn; i < args.size(); ++i)
    for (size_t j = 0; j < args.size(); ++j) {
      if (j == i) continue;
      auto [a0, a1] = byteSpan(*args[i]);
      auto [b0, b1] = byteSpan(*args[j]);
      if (a0 < a1 && b0 < b1 && a0 < b1 && b0 < a1)
        return fail(argumentName(program, i) + " overlaps " + argumentName(program, j) +
                    " in memory (rule: an output shares no memory with another argument)");
    }

  // The parameter block: arguments first, so that temporaries' dims can read their slots.
  params.assign(program.paramCount(), 0);
  for (size_t i = 0; i < args.size(); ++i) {
    size_t off = program.paramOffset(i), rank = args[i]->shape().size();
    for (size_t d = 0; d < rank; ++d) {
      params[off + d] = args[i]->shape()[d];
      params[off + rank + d] = args[i]->strides()[d];
    }
  }
  const size_t argSlots = program.paramOffset(args.size());
  tempShapes.clear();
  for (size_t t = 0; t < program.temps.size(); ++t) {
    const TempDesc &temp = program.temps[t];
    Shape shape;
    for (const Extent &e : temp.dims) {
      if (e.isSlot && (e.value < 0 || uint64_t(e.value) >= argSlots))
        return fail("temporary '" + temp.name + "' reads slot $" + std::to_string(e.value) +
                    ", outside the arguments' " + std::to_string(argSlots) + " slots");
      shape.push_back(e.isSlot ? params[size_t(e.value)] : e.value);
    }
    if (Result<size_t> bytes = contiguousBytes(temp.dtype, shape); !bytes)
      return fail("temporary '" + temp.name + "': " + bytes.message());
    size_t off = program.paramOffset(nIn + nOut + t);
    Shape strides = contiguousStrides(shape);
    for (size_t d = 0; d < shape.size(); ++d) {
      params[off + d] = shape[d];
      params[off + shape.size() + d] = strides[d];
    }
    tempShapes.push_back(std::move(shape));
  }
  // Size every grid now, so that a bad one stops the dispatch before anything runs.
  for (const LaunchDesc &launch : program.launches) {
    std::string why;
    if (computeGrid(launch, params, &why) < 0) return fail(why);
  }
  return Status();
}

} // namespace weft
