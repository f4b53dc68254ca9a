#include "weft/Half.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define WEFT_HAVE_F16C_ORACLE 1
#endif

using namespace weft;

namespace {

bool isHalfNan(uint16_t h) { return (h & 0x7c00) == 0x7c00 && (h & 0x3ff); }

// Checks, independently of how `narrow` computes it, that it rounds the finite, non-NaN `f` to
// nearest even: the sign is kept; no neighbouring encoding lies closer to f (an exact double
// distance); on a tie the result is even; and it gives Inf exactly from `overflowAt` on.
template <typename Narrow, typename Widen>
::testing::AssertionResult roundsToNearestEven(float f, Narrow narrow, Widen widen, uint16_t inf,
                                                double overflowAt) {
  uint16_t got = narrow(f), mag = got & 0x7fff;
  double x = std::fabs(double(f));
  if ((got & 0x8000) != (std::signbit(f) ? 0x8000 : 0))
    return ::testing::AssertionFailure() << std::hexfloat << f << " lost its sign";
  if ((mag == inf) != (x >= overflowAt))
    return ::testing::AssertionFailure() << std::hexfloat << f << " gave " << std::hex << got;
  if (mag == inf) return ::testing::AssertionSuccess();
  double dg = std::fabs(x - double(widen(mag)));
  for (int step : {-1, 1}) {
    if (mag == 0 && step < 0) continue;
    double dn = std::fabs(x - double(widen(uint16_t(mag + step))));
    if (dn < dg || (dn == dg && (mag & 1)))
      return ::testing::AssertionFailure() << std::hexfloat << f << " gave " << std::hex << got
                                           << " but its neighbour " << (mag + step) << " is nearer or even";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult halfRoundsRight(float f) {
  return roundsToNearestEven(f, floatToHalf, halfToFloat, 0x7c00, 65520.0);
}
::testing::AssertionResult bf16RoundsRight(float f) {
  return roundsToNearestEven(f, floatToBf16, bf16ToFloat, 0x7f80, std::ldexp(2.0 - std::ldexp(1.0, -8), 127));
}

// The float halfway between half h and the next one up, and its two float neighbours.
std::array<float, 3> midpointAndNeighbours(uint16_t h) {
  float mid = float((double(halfToFloat(h)) + double(halfToFloat(uint16_t(h + 1)))) / 2);
  return {mid, std::nextafter(mid, 0.0f), std::nextafter(mid, INFINITY)};
}

} // namespace

TEST(Half, EveryHalfRoundTrips) {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    float f = halfToFloat(uint16_t(h));
    if (isHalfNan(uint16_t(h))) {
      ASSERT_TRUE(std::isnan(f)) << std::hex << h;
      ASSERT_EQ(floatToHalf(f), h | 0x200) << std::hex << h; // quieted, sign and payload kept
    } else {
      ASSERT_EQ(floatToHalf(f), h) << std::hex << h;
    }
  }
}

TEST(Half, KnownValues) {
  EXPECT_EQ(halfToFloat(0x3c00), 1.0f);
  EXPECT_EQ(halfToFloat(0xc000), -2.0f);
  EXPECT_EQ(halfToFloat(0x7bff), 65504.0f);
  EXPECT_EQ(halfToFloat(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(halfToFloat(0x03ff), std::ldexp(1023.0f, -24));
  EXPECT_EQ(halfToFloat(0x7c00), INFINITY);
  EXPECT_EQ(floatToHalf(65519.0f), 0x7bff);
  EXPECT_EQ(floatToHalf(65520.0f), 0x7c00); // the tie above the largest half goes to Inf
  EXPECT_EQ(floatToHalf(1e9f), 0x7c00);
  EXPECT_EQ(floatToHalf(-INFINITY), 0xfc00);
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -25)), 0x0000); // tie between 0 and the smallest subnormal
  EXPECT_EQ(floatToHalf(std::nextafter(std::ldexp(1.0f, -25), 1.0f)), 0x0001);
  EXPECT_EQ(floatToHalf(std::ldexp(3.0f, -25)), 0x0002); // 1.5 ulp: tie to even
  EXPECT_EQ(floatToHalf(std::ldexp(1023.5f, -24)), 0x0400); // rounds up into the normals
  EXPECT_EQ(floatToHalf(1.0f + std::ldexp(1.0f, -11)), 0x3c00); // tie, even stays
  EXPECT_EQ(floatToHalf(1.0f + std::ldexp(3.0f, -11)), 0x3c02); // tie, odd rounds up
  EXPECT_EQ(floatToHalf(-0.0f), 0x8000);
  EXPECT_TRUE(isHalfNan(floatToHalf(NAN)));
  EXPECT_EQ(floatToHalf(-NAN) & 0x8000, 0x8000);
  EXPECT_TRUE(isHalfNan(floatToHalf(bitsToFloat(0x7f800001)))); // a payload only in low bits
}

TEST(Half, NarrowingIsNearestEven) {
  for (uint64_t u = 0; u < (uint64_t(1) << 32); u += 9973) {
    float f = bitsToFloat(uint32_t(u));
    if (std::isnan(f)) continue;
    ASSERT_TRUE(halfRoundsRight(f));
  }
  for (uint32_t h = 0; h < 0x7c00; ++h) // every tie, where rounding goes wrong if anywhere
    for (float f : midpointAndNeighbours(uint16_t(h))) {
      ASSERT_TRUE(halfRoundsRight(f));
      ASSERT_TRUE(halfRoundsRight(-f));
    }
}

TEST(BFloat16, EveryBf16RoundTripsAndNarrowingIsNearestEven) {
  for (uint32_t b = 0; b < 0x10000; ++b) {
    float f = bf16ToFloat(uint16_t(b));
    ASSERT_EQ(floatBits(f), b << 16);
    bool nan = (b & 0x7f80) == 0x7f80 && (b & 0x7f);
    ASSERT_EQ(floatToBf16(f), nan ? (b | 0x40) : b) << std::hex << b;
  }
  for (uint64_t u = 0; u < (uint64_t(1) << 32); u += 7919) {
    float f = bitsToFloat(uint32_t(u));
    if (!std::isnan(f)) {
      ASSERT_TRUE(bf16RoundsRight(f));
      continue;
    }
    ASSERT_TRUE(std::isnan(bf16ToFloat(floatToBf16(f))));
    ASSERT_EQ(floatToBf16(f) & 0x8000, (u >> 16) & 0x8000);
  }
  for (uint32_t b = 0; b < 0x7f80; ++b) { // every tie between neighbouring bf16s
    float mid = bitsToFloat((b << 16) | 0x8000);
    for (float f : {mid, std::nextafter(mid, 0.0f), std::nextafter(mid, INFINITY)}) ASSERT_TRUE(bf16RoundsRight(f));
  }
  EXPECT_EQ(floatToBf16(1.0f + std::ldexp(1.0f, -8)), 0x3f80); // tie, even stays
  EXPECT_EQ(floatToBf16(1.0f + std::ldexp(3.0f, -8)), 0x3f82); // tie, odd rounds up
  EXPECT_EQ(floatToBf16(3.4028235e38f), 0x7f80);               // the largest float rounds to Inf
  EXPECT_EQ(floatToBf16(-NAN) & 0x8000, 0x8000);
}

#ifdef WEFT_HAVE_F16C_ORACLE
// The hardware converts as ops.md says; these functions are compiled for F16C alone, so the rest
// of this file (and the inline functions under test) stays plain x86-64.
__attribute__((target("f16c"))) static float f16cToFloat(uint16_t h) { return _cvtsh_ss(h); }
__attribute__((target("f16c"))) static uint16_t f16cFromFloat(float f) {
  return uint16_t(_cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT));
}

TEST(Half, MatchesF16cHardware) {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("f16c")) GTEST_SKIP() << "this CPU has no F16C";
  for (uint32_t h = 0; h < 0x10000; ++h)
    ASSERT_EQ(floatBits(halfToFloat(uint16_t(h))), floatBits(f16cToFloat(uint16_t(h)))) << std::hex << h;
  for (uint64_t u = 0; u < (uint64_t(1) << 32); u += 997) {
    float f = bitsToFloat(uint32_t(u));
    ASSERT_EQ(floatToHalf(f), f16cFromFloat(f)) << std::hex << u;
  }
  for (uint32_t h = 0; h < 0x7c00; ++h)
    for (float f : midpointAndNeighbours(uint16_t(h))) {
      ASSERT_EQ(floatToHalf(f), f16cFromFloat(f)) << std::hexfloat << f;
      ASSERT_EQ(floatToHalf(-f), f16cFromFloat(-f)) << std::hexfloat << -f;
    }
}
#endif
