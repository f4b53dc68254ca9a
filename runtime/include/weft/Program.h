// What a compiled op is, independent of target: its buffers, its parameter block layout and its
// launches (docs/abi.md). The compiler writes it next to the kernels' payload; the runtime reads it
// to check buffers, allocate temporaries, fill the parameter block and size each launch's grid.
#pragma once

#include "weft/OpRules.h"

#include <string>
#include <string_view>
#include <vector>

namespace weft {

/// A value that is either a constant or read from a parameter-block slot.
struct Extent {
  bool isSlot = false;
  int64_t value = 0; // the constant, or the slot index
  static Extent constant(int64_t v) { return {false, v}; }
  static Extent slot(int64_t s) { return {true, s}; }
};

/// One factor of a launch's grid: ceil(extent / tile).
struct GridFactor {
  Extent extent;
  int64_t tile = 1;
};

struct LaunchDesc {
  std::string entry;               ///< kernel symbol / entry point name
  std::vector<GridFactor> grid;    ///< grid size = product of the factors
  /// GPU targets (weft-gpu-map-grid): threads per workgroup, and grid items per workgroup: 1
  /// when a workgroup runs one item (its threads share the item's inner parallel loop), `group`
  /// when each thread runs one item. CPU kernels keep 1 and 1.
  int64_t group = 1;
  int64_t items = 1;
};

/// A program temporary: contiguous, dims known once the arguments are.
struct TempDesc {
  std::string name;
  DType dtype = DType::f32;
  std::vector<Extent> dims;
};

struct ProgramDesc {
  std::string op;                  ///< e.g. "col2im_1d" (see opTable)
  Attrs attrs;
  std::vector<TensorType> inputs;  ///< declared types; -1 extents are dynamic
  std::vector<TensorType> outputs;
  std::vector<TempDesc> temps;
  std::vector<LaunchDesc> launches;
  /// Device capabilities the kernels need beyond the target's baseline (GPU targets: "int8",
  /// "int16", "int64", "float64", "storage8", "storage16"); a device lacking one refuses the
  /// program with a message naming it.
  std::vector<std::string> requires;
  /// 32 when the kernels compute indices in 32 bits (GPU targets, every buffer static and
  /// smaller than 2^31 elements); dispatch then refuses a buffer that spans more.
  int indexBits = 64;
  /// Bytes every buffer's first element must be aligned to (0: its element size), for kernels
  /// with aligned vector accesses (PTX's ld/st.v*, GLSL's vector views, MSL's vector pointers);
  /// dispatch refuses a buffer that is not.
  int64_t bufferAlign = 0;

  size_t numBuffers() const { return inputs.size() + outputs.size() + temps.size(); }
  size_t bufferRank(size_t b) const;
  /// First parameter slot of buffer `b` (its extents, then its strides).
  size_t paramOffset(size_t b) const;
  size_t paramCount() const { return paramOffset(numBuffers()); }
  /// Whether 32-bit indices address every buffer: every input and output static, every buffer
  /// (temporaries too) below 2^31 elements, and the indices the op's attributes form past the
  /// extents (OpInfo::indexBound: im2col's padded positions, col2im's shifted times) below 2^31.
  /// GPU targets then compute indices in 32 bits.
  bool fitsIndex32() const;

  /// A line-based text form, stable across versions of weft that share a major version.
  std::string toText() const;
  /// Parses toText()'s form; returns "" or an error naming the line.
  static std::string fromText(std::string_view text, ProgramDesc &out);
  /// The rules a whole description obeys, whichever form it came from (this text, or the
  /// compiler's #weft.program attribute): a weft op, a launch at least, group and items > 0 with
  /// items 1 or the group size, tiles > 0, every slot inside the parameter block. "" or the
  /// first rule broken.
  std::string check() const;
};

/// Same description: equal text forms.
bool operator==(const ProgramDesc &a, const ProgramDesc &b);
inline bool operator!=(const ProgramDesc &a, const ProgramDesc &b) { return !(a == b); }

} // namespace weft
