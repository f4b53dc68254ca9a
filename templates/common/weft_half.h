// weft templates: f16 and bf16 as 16-bit storage types, converted to and from f32 explicitly.
// Generated kernels compute in f32 and round once on store, so these conversions decide the bits.
// They must equal LLVM's fpext/fptrunc (the JIT path): narrowing rounds to nearest even, subnormals
// are exact, a NaN stays a NaN with its sign, quieted and keeping its upper payload bits (what
// x86's vcvtps2ph / vcvtph2ps and compiler-rt's __truncsfbf2 do).
// Header guards, not #pragma once: the compiler pastes this file into generated sources.
#ifndef WEFT_HALF_H
#define WEFT_HALF_H

#include <cstdint>
#include <cstring>
#if defined(__F16C__)
#include <immintrin.h>
#endif

namespace weft {

// Storage types: plain 16-bit integers, so buffers of them are copied bit for bit.
using f16 = uint16_t;
using bf16 = uint16_t;

inline uint32_t f32_to_bits(float x) {
  uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

inline float bits_to_f32(uint32_t u) {
  float x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

inline double bits_to_f64(uint64_t u) {
  double x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

namespace detail {
// `value >> shift` rounded to nearest, ties to even (0 < shift < 32).
inline uint32_t shift_rne(uint32_t value, uint32_t shift) {
  uint32_t kept = value >> shift, rest = value & ((1u << shift) - 1), half = 1u << (shift - 1);
  return kept + (rest > half || (rest == half && (kept & 1u)));
}

inline float f16_to_f32_soft(f16 h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
  if (exp == 0x1f) // Inf stays Inf; a NaN gets the quiet bit
    return bits_to_f32(sign | 0x7f800000u | (mant << 13) | (mant ? 0x400000u : 0u));
  if (exp != 0)
    return bits_to_f32(sign | ((exp + 112) << 23) | (mant << 13));
  if (mant == 0)
    return bits_to_f32(sign);
  uint32_t e = 113; // subnormal: normalise mant * 2^-24 so its leading one is the implicit bit
  for (; !(mant & 0x400u); mant <<= 1)
    --e;
  return bits_to_f32(sign | (e << 23) | ((mant & 0x3ffu) << 13));
}

inline f16 f32_to_f16_soft(float x) {
  uint32_t bits = f32_to_bits(x), a = bits & 0x7fffffffu;
  uint32_t sign = (bits >> 16) & 0x8000u;
  if (a > 0x7f800000u) // NaN: quiet, keeping the upper payload bits
    return f16(sign | 0x7e00u | ((a >> 13) & 0x3ffu));
  if (a >= 0x477ff000u) // >= 65520 (ties away from 65504 go up): Inf
    return f16(sign | 0x7c00u);
  if (a >= 0x38800000u) // normal half: rebias 127 -> 15; a rounding carry bumps the exponent
    return f16(sign | shift_rne(a - 0x38000000u, 13));
  uint32_t exp = a >> 23;
  if (exp < 102) // below 2^-25: rounds to zero
    return f16(sign);
  // Subnormal half: m * 2^-24 with m the rounded significand; a carry out gives the smallest normal.
  return f16(sign | shift_rne((a & 0x7fffffu) | 0x800000u, 126 - exp));
}
} // namespace detail

inline float f16_to_f32(f16 h) {
#if defined(__F16C__)
  return _cvtsh_ss(h);
#else
  return detail::f16_to_f32_soft(h);
#endif
}

inline f16 f32_to_f16(float x) {
#if defined(__F16C__)
  return f16(_cvtss_sh(x, _MM_FROUND_TO_NEAREST_INT));
#else
  return detail::f32_to_f16_soft(x);
#endif
}

// bf16 is the upper half of an f32: widening is a shift, even for NaNs (as LLVM's fpext does).
inline float bf16_to_f32(bf16 b) { return bits_to_f32(uint32_t(b) << 16); }

inline bf16 f32_to_bf16(float x) {
  uint32_t bits = f32_to_bits(x);
  if ((bits & 0x7fffffffu) > 0x7f800000u) // NaN: quiet, sign and upper payload kept
    return bf16((bits >> 16) | 0x40u);
  return bf16(detail::shift_rne(bits, 16)); // a carry past the largest bf16 gives Inf: right
}

} // namespace weft

#endif // WEFT_HALF_H
