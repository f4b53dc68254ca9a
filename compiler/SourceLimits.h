// Bounds on IR text checked before MLIR parses it. MLIR's parser trusts its input: a result number
// like %0#2147483647 allocates that many results (out of memory, abort), and thousands of nested
// regions, attributes or types recurse until the stack overflows. An application that hands weft
// text it did not write (weft::compile, the JIT, the tools) gets an error naming the limit instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace weft {

inline constexpr size_t kMaxSourceBytes = size_t(64) << 20; ///< 64 MiB of IR text
inline constexpr int kMaxNesting = 256;                     ///< brackets of any kind, nested
inline constexpr int64_t kMaxResultNumber = 1 << 16;        ///< %x#N and %x:N

/// "" or why `text` (named `name` in the message) passes a limit above, with the line.
std::string checkSourceLimits(std::string_view text, const std::string &name);

} // namespace weft
