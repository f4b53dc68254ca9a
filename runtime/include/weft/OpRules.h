// The op contract of shared/ops.md as plain C++: shape inference and every validity rule.
// One source of truth for the dialect's verifiers, the C++ builder, the CLI and the runtime's
// dispatch checks, so all of them reject the same inputs with the same words.
#pragma once

#include "weft/DType.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace weft {

/// An extent of -1 is dynamic (unknown until dispatch); rules that need it are checked later.
inline constexpr int64_t kDynamic = -1;
/// The largest value an integer attribute (stride, kernel, channels, padding, dilation, axis) may
/// take: with it, and with tensors below kMaxElements, no rule's arithmetic can overflow int64.
inline constexpr int64_t kMaxAttrValue = (int64_t(1) << 31) - 1;
/// The most elements an operand or result may hold (2^48, 256 Ti elements): far past any real
/// tensor, and small enough that sizes in bytes and every index weft computes fit in int64.
inline constexpr int64_t kMaxElements = int64_t(1) << 48;
using Shape = std::vector<int64_t>;

struct TensorType {
  DType dtype = DType::f32;
  Shape shape;
  bool operator==(const TensorType &o) const { return dtype == o.dtype && shape == o.shape; }
};

/// Integer attributes of an op by name (booleans as 0/1).
class Attrs {
public:
  Attrs() = default;
  Attrs(std::initializer_list<std::pair<std::string, int64_t>> init) : items(init) {}
  void set(std::string_view name, int64_t value);
  bool has(std::string_view name) const;
  int64_t get(std::string_view name, int64_t fallback = 0) const;
  const std::vector<std::pair<std::string, int64_t>> &all() const { return items; }

private:
  std::vector<std::pair<std::string, int64_t>> items;
};

/// One attribute an op takes: its name, and its default where it is optional.
struct AttrSpec {
  std::string_view name;
  bool required;
  int64_t fallback;  ///< the default when not required
  bool flag = false; ///< a boolean (0 or 1; true/false on a command line), not a count
};

/// Which #weft.schedule fields apply to an op (the verifier refuses the others).
struct ScheduleRule {
  std::vector<std::string_view> parallel; ///< the values `parallel` may take (empty: any)
  std::vector<std::string_view> gather;   ///< the values `gather` may take (empty: it does not apply)
  bool copy = false;                      ///< whether `copy` applies
  size_t tileExtents = 0;                 ///< how many extents `tile` has (0: as the parts take)
  bool mma = false;                       ///< whether `mma` applies (matmul and its composites)
};

/// Shape inference and every validity rule of one op (inferAndCheck's contract; `attrs` has its
/// defaults filled).
using OpCheck = std::string (*)(const Attrs &attrs, const std::vector<TensorType> &operands,
                                std::vector<TensorType> &results);

/// The largest magnitude an index of the op's kernels can take beyond the buffers' own extents
/// (im2col's padded input position, col2im's shifted output time), for static `inputs` and
/// `outputs`; 0 when the op forms none. 32-bit indexing needs it below 2^31 too.
using IndexBound = int64_t (*)(const Attrs &attrs, const std::vector<TensorType> &inputs,
                               const std::vector<TensorType> &outputs);

/// One op of the dialect as the runtime, the CLI and the verifier know it. Each op is one entry
/// of opTable(); its MLIR definition (dialects/weft/WeftOps.td) and loop builder
/// (lowering/<Op>Loops.cpp) are the other two places an op lives.
struct OpInfo {
  std::string_view name;                         ///< the MLIR name without `weft.`
  std::vector<AttrSpec> attrs;                   ///< in the order the CLI and docs list them
  std::vector<std::string_view> inputs, outputs; ///< the names shared/ops.md gives them
  bool exact;                                    ///< bit-exact against the reference (no sums)
  ScheduleRule schedule;
  OpCheck check;
  IndexBound indexBound = nullptr; ///< null: the op forms no index past its buffers' extents
};
/// Every op, in the order docs and --help list them.
const std::vector<OpInfo> &opTable();
/// The op named `name`, or null.
const OpInfo *findOp(std::string_view name);
/// "im2col_1d, col2im_1d, ...": the names, for messages.
std::string knownOpNames();
/// `attrs` with every optional attribute the op takes and `attrs` lacks set to its default.
Attrs withDefaults(std::string_view op, Attrs attrs);

/// Checks `op` (e.g. "col2im_1d") with `attrs` on `operands` and fills `results` with the inferred
/// result types. On entry `results` may hold declared result types (a dtype choice, e.g. matmul's
/// f32 or input dtype; extents, -1 where unknown); those are checked against the inferred ones.
/// Returns "" on success, else one sentence naming the parameter or operand, its value and the
/// rule it breaks (without the op name; callers prefix it).
std::string inferAndCheck(std::string_view op, const Attrs &attrs,
                          const std::vector<TensorType> &operands,
                          std::vector<TensorType> &results);

/// The rule every function name obeys, whatever the target: kernel entry points, C symbols,
/// GLSL/MSL functions and file names are made from it. An identifier (a letter or _, then letters,
/// digits, _) of at most kMaxFunctionName characters, not a C, C++, GLSL or MSL keyword, not a
/// name C or the shading languages reserve (leading "__", "_" + capital, "gl_"), not a C library
/// function the kernels or their hosts link against (memcpy, abort, ...). "" or the sentence
/// naming the name and the rule.
inline constexpr size_t kMaxFunctionName = 64;
std::string checkFunctionName(std::string_view name);

std::string shapeToString(const Shape &s);
std::string typeToString(const TensorType &t);

} // namespace weft
