// f16 <-> f32 conversions on chosen values, on every target: each GPU target converts with its
// own code (Vulkan: the device's conversion in round-to-nearest-even mode for normal numbers,
// integer arithmetic for subnormals and NaNs, templates/vulkan/weft_f16.glsl), and random data
// in [-1, 1) almost never reaches subnormals, ties or overflow. col2im with one tap is an f16 ->
// f32 -> f16 round trip of each input; with two taps at stride 1 each output is the f32 sum of
// two inputs rounded once to f16. Bit-exact against the reference (weft_half.h's conversions).
// NaN inputs are left out: the f32 addition before the narrowing is the device's, and GPUs
// return their own NaN from it.
#include "ExecHarness.h"
#include "weft/Half.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace weft;
using namespace weft::test;

namespace {

bool isNan(uint16_t h) { return (h & 0x7c00u) == 0x7c00u && (h & 0x3ffu) != 0; }

void store(Buffer &b, const std::vector<uint16_t> &bits) {
  ASSERT_EQ(size_t(b.numElements()), bits.size());
  std::memcpy(b.data(), bits.data(), bits.size() * 2);
}

// col2im of one channel at `stride` over f16 cols of `rows` x K, under `schedule`.
ExecCase halfCase(std::string name, int64_t stride, int64_t rows, int64_t K, const char *schedule,
                  std::function<void(size_t, Buffer &)> fill) {
  ExecCase c;
  c.name = std::move(name);
  c.spec.op = "col2im_1d";
  c.spec.attrs.set("stride", stride);
  c.spec.attrs.set("channels", 1);
  c.spec.inputs = {{DType::f16, {rows, K}}};
  c.schedule = schedule;
  c.fill = std::move(fill);
  return c;
}

// Both the target's default schedule and the bounded gather (on Vulkan at stride 1 the default
// stages the rows, a second copy of the conversions' call sites).
std::vector<ExecCase> bothGathers(const std::string &name, int64_t rows, int64_t K,
                                  std::function<void(size_t, Buffer &)> fill) {
  return {halfCase(name, 1, rows, K, "", fill),
          halfCase(name + "_bounded", 1, rows, K, "#weft.schedule<parallel = time, gather = bounded>", fill)};
}

} // namespace

// Every f16 bit pattern but the NaNs, once each: zeros, subnormals, normals, infinities.
TEST(HalfConversion, EveryF16ThroughF32AndBack) {
  std::vector<uint16_t> all;
  for (uint32_t h = 0; h <= 0xffffu; ++h)
    if (!isNan(uint16_t(h))) all.push_back(uint16_t(h));
  std::vector<ExecCase> cases =
      bothGathers("half_every_pattern", int64_t(all.size()), 1, [all](size_t, Buffer &b) { store(b, all); });
  // The same patterns through the GPU lanes gather (K = s = 4: one tap per output, four outputs
  // per thread from one vector load), whose sums start at +0 as the loops' do: a lone -0 comes
  // out +0 there too (on CUDA the tap rows are straight-line code, TargetAttr::keepsSignedZeros).
  std::vector<uint16_t> padded(all);
  padded.resize((all.size() + 3) / 4 * 4, 0);
  cases.push_back(halfCase("half_every_pattern_lanes", 4, int64_t(padded.size() / 4), 4,
                           "#weft.schedule<parallel = time, gather = bounded, vector = 4>",
                           [padded](size_t, Buffer &b) { store(b, padded); }));
  runCases("half_round_trip", cases);
}

// Sums that round: ties to even at every exponent, results in the subnormal range and across
// its boundary, the overflow threshold (65520 rounds to infinity, 65519 to 65504), then random
// pairs of finite f16 patterns of every exponent. y[t] = x[t-1][1] + x[t][0].
TEST(HalfConversion, SumsRoundedToNearestEven) {
  std::vector<std::pair<uint16_t, uint16_t>> pairs; // (x[t][0], x[t-1][1])
  const uint16_t sign = 0x8000u;
  for (uint16_t e = 1; e < 30; ++e)        // exponent fields of normal a
    for (uint16_t m : {0x000u, 0x001u, 0x155u, 0x2aau, 0x3ffu}) {
      uint16_t a = uint16_t(e << 10 | m);
      if (e > 11) {
        uint16_t halfUlp = uint16_t((e - 11) << 10); // 2^(e-15-11): half a unit in a's last place
        for (uint16_t s : {uint16_t(0), sign}) {
          pairs.push_back({a, uint16_t(halfUlp | s)});
          pairs.push_back({uint16_t(a | sign), uint16_t(halfUlp | s)});
        }
      }
    }
  for (uint16_t a : {0x0400u, 0x0401u, 0x03ffu, 0x0001u, 0x0200u})       // near the least normal
    for (uint16_t b : {0x0001u, 0x8001u, 0x0003u, 0x83ffu, 0x8400u, 0x0200u}) pairs.push_back({a, b});
  for (uint16_t s : {uint16_t(0), sign}) {
    pairs.push_back({uint16_t(0x7bffu | s), uint16_t(0x4c00u | s)}); // 65504 + 16: infinity
    pairs.push_back({uint16_t(0x7bffu | s), uint16_t(0x4bfeu | s)}); // 65504 + 15.97: 65504
    pairs.push_back({uint16_t(0x7bffu | s), uint16_t(0x7bffu | s)}); // infinity
    pairs.push_back({uint16_t(0x7c00u | s), uint16_t(0x3c00u)});     // infinity + 1
    pairs.push_back({uint16_t(0x3c00u | s), uint16_t(0x3c00u | s)}); // exact
  }
  uint64_t state = 12345;
  while (pairs.size() < 20000) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    uint16_t a = uint16_t(state >> 33), b = uint16_t(state >> 17);
    if (isNan(a) || isNan(b) || ((a & 0x7c00u) == 0x7c00u && (b & 0x7c00u) == 0x7c00u)) continue; // no inf - inf
    pairs.push_back({a, b});
  }
  // Row t holds x[t][0] = a_t and x[t][1] = b_{t+1}.
  std::vector<uint16_t> cols(2 * (pairs.size() + 1), 0);
  for (size_t t = 0; t < pairs.size(); ++t) {
    cols[2 * t] = pairs[t].first;
    if (t > 0) cols[2 * (t - 1) + 1] = pairs[t].second;
  }
  runCases("half_sums", bothGathers("half_sums", int64_t(pairs.size() + 1), 2,
                                    [cols](size_t, Buffer &b) { store(b, cols); }));
}
