// IEEE half and bfloat16 <-> float conversions for the runtime, the references and the tests.
// One implementation: the template that generated C++ sources paste in
// (templates/common/weft_half.h), so every path of weft rounds the same way: nearest even, NaNs
// quieted keeping sign and upper payload bits, as x86 F16C and LLVM's fptrunc do. The names
// below are the runtime's spelling of the same functions.
#pragma once

#include "weft_half.h"

namespace weft {

inline uint32_t floatBits(float f) { return f32_to_bits(f); }
inline float bitsToFloat(uint32_t u) { return bits_to_f32(u); }
inline uint32_t shiftRightRne(uint32_t value, uint32_t shift) { return detail::shift_rne(value, shift); }
inline float halfToFloat(uint16_t h) { return f16_to_f32(h); }
inline uint16_t floatToHalf(float f) { return f32_to_f16(f); }
inline float bf16ToFloat(uint16_t b) { return bf16_to_f32(b); }
inline uint16_t floatToBf16(float f) { return f32_to_bf16(f); }

} // namespace weft
