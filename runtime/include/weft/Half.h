// IEEE half and bfloat16 <-> float conversions in portable integer code, header-only so that the
// runtime, the reference implementations and generated C++ sources convert the same way.
// Narrowing rounds to nearest even (shared/ops.md). NaNs stay NaNs, quieted and keeping their sign
// and upper payload bits, the way x86 F16C (vcvtph2ps / vcvtps2ph) converts them, so a kernel that
// converts in hardware and one that uses these functions agree bit for bit.
#pragma once

#include <cstdint>
#include <cstring>

namespace weft {

inline uint32_t floatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

inline float bitsToFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

inline float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  if (exp == 0x1f) // Inf stays Inf; a NaN gets the quiet bit
    return bitsToFloat(sign | 0x7f800000 | (mant << 13) | (mant ? 0x400000u : 0u));
  if (exp != 0) return bitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  if (mant == 0) return bitsToFloat(sign);
  // Subnormal half: mant * 2^-24. Shift the leading one up to the implicit-bit position.
  uint32_t e = 113;
  while (!(mant & 0x400)) {
    mant <<= 1;
    --e;
  }
  return bitsToFloat(sign | (e << 23) | ((mant & 0x3ff) << 13));
}

// Rounds `value >> shift` to nearest, ties to even.
inline uint32_t shiftRightRne(uint32_t value, uint32_t shift) {
  uint32_t kept = value >> shift, rest = value & ((1u << shift) - 1), halfway = 1u << (shift - 1);
  return kept + (rest > halfway || (rest == halfway && (kept & 1)));
}

inline uint16_t floatToHalf(float f) {
  uint32_t x = floatBits(f);
  uint16_t sign = uint16_t((x >> 16) & 0x8000);
  uint32_t ax = x & 0x7fffffff;
  if (ax > 0x7f800000) return uint16_t(sign | 0x7e00 | ((ax >> 13) & 0x3ff)); // quiet NaN
  if (ax >= 0x477ff000) return uint16_t(sign | 0x7c00); // >= 65520 rounds to Inf (65520 ties up)
  if (ax >= 0x38800000) // normal half: rebias the exponent (127 -> 15), round off 13 mantissa bits
    return uint16_t(sign | shiftRightRne(ax - 0x38000000, 13)); // a carry bumps the exponent: right
  uint32_t exp = ax >> 23;
  if (exp < 102) return sign; // below 2^-25: rounds to zero
  // Subnormal half m * 2^-24: m = round(mantissa-with-implicit-bit * 2^(exp - 150 + 24)).
  // Rounding up from the largest subnormal gives 0x400, the smallest normal: also right.
  return uint16_t(sign | shiftRightRne((ax & 0x7fffff) | 0x800000, 126 - exp));
}

inline float bf16ToFloat(uint16_t b) { return bitsToFloat(uint32_t(b) << 16); }

inline uint16_t floatToBf16(float f) {
  uint32_t x = floatBits(f);
  if ((x & 0x7fffffff) > 0x7f800000) return uint16_t((x >> 16) | 0x40); // quiet NaN, sign kept
  return uint16_t(shiftRightRne(x, 16)); // overflow past the largest bf16 carries into Inf: right
}

} // namespace weft
