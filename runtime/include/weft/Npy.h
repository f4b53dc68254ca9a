// NumPy .npy files as weft Buffers, for the runner and the tests: little-endian, C order.
#pragma once

#include "weft/Runtime.h"

#include <optional>
#include <string>

namespace weft {

/// Reads a .npy file (format 1.0, 2.0 or 3.0) into a new contiguous Buffer. Descrs: '<f4' f32,
/// '<f2' f16, '|i1' i8, '<i2' i16, '<i4' i32, '<i8' i64. NumPy has no bfloat16, so a '<u2' (or
/// '<i2') file is read as bf16 only when `as` is bf16. When `as` is given otherwise, the file must
/// hold that dtype. Fortran order, big-endian data and a size that disagrees with the shape are
/// errors naming the file.
Result<Buffer> readNpy(const std::string &path, std::optional<DType> as = std::nullopt);

/// Writes `buffer` (strided views too) as a C-order .npy, format 1.0; bf16 is written as '<u2'.
Status writeNpy(const std::string &path, const Buffer &buffer);

} // namespace weft
