// Driver of run-convert.mlir: loads the kernels' shared object, runs them on every kind of f32
// (specials, NaNs with payloads, ties, subnormals of both formats, a sweep of all bit patterns)
// and checks each result against a reference that rounds with double arithmetic, sharing no code
// with the templates.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <vector>

using Kernel = void (*)(void *const *, const int64_t *, int64_t, int64_t);

static uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

static float floatOf(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// x rounded to nearest-even into a binary format with `frac` fraction bits, exponent bias
// `bias` and 2^expBits - 1 as the Inf/NaN exponent. A NaN keeps its sign and upper payload, quiet.
static uint16_t roundTo(float x, int frac, int bias, int expBits) {
  uint32_t u = bitsOf(x), sign = (u >> 31) << (frac + expBits);
  uint32_t infExp = (1u << expBits) - 1;
  if (std::isnan(x))
    return uint16_t(sign | (infExp << frac) | (1u << (frac - 1)) | ((u & 0x7fffff) >> (23 - frac)));
  double a = std::fabs(double(x));
  int e;
  std::frexp(a, &e);                                // a = m * 2^e, m in [0.5, 1)
  int expo = std::max(e - 1, 1 - bias);             // subnormals share the smallest exponent
  double quantum = std::ldexp(1.0, expo - frac);
  double m = std::nearbyint(a / quantum);           // exact division; ties to even
  if (std::isinf(a) || m * quantum >= std::ldexp(2.0, infExp - 1 - bias))
    return uint16_t(sign | (infExp << frac));       // overflow
  uint32_t mant = uint32_t(m);
  if (mant < (1u << frac))                          // subnormal (or zero)
    return uint16_t(sign | mant);
  // mant in [2^frac, 2^(frac+1)]: a carry to 2^(frac+1) lands on the next exponent by itself.
  return uint16_t(sign | ((uint32_t(expo + bias) << frac) + (mant - (1u << frac))));
}

static uint32_t f16ToF32(uint16_t h) {
  uint32_t sign = uint32_t(h >> 15) << 31, e = (h >> 10) & 31, m = h & 1023;
  if (e == 31)
    return sign | 0x7f800000u | (m << 13) | (m ? 0x400000u : 0u);
  return sign | bitsOf(float(std::ldexp(double(e ? m + 1024 : m), (e ? int(e) : 1) - 25)));
}

template <class T> static void report(const char *what, const std::vector<T> &got,
                                      const std::vector<T> &want) {
  size_t bad = 0;
  for (size_t i = 0; i < got.size(); ++i)
    if (got[i] != want[i] && bad++ < 3)
      std::printf("  %s[%zu]: got %#x want %#x\n", what, i, unsigned(got[i]), unsigned(want[i]));
  std::printf("%s: %zu mismatches of %zu\n", what, bad, got.size());
}

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  void *so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  Kernel scalar = so ? (Kernel)dlsym(so, "convert_scalar") : nullptr;
  Kernel vector = so ? (Kernel)dlsym(so, "convert_vector") : nullptr;
  if (!scalar || !vector) {
    std::printf("cannot load kernels: %s\n", dlerror());
    return 1;
  }

  std::vector<uint32_t> in = {0, 0x80000000u, 0x7f800000u, 0xff800000u, 0x7fc00000u, 0xffc00000u,
                              0x7f800001u, 0xffbfffffu, 0x7fa5a5a5u, 1, 0x80000001u, 0x7f7fffffu,
                              0x477fe000u, 0x477fefffu, 0x477ff000u, 0x477ff001u, 0x38800000u,
                              0x387fc000u, 0x33000000u, 0x33000001u, 0x32ffffffu, 0x3f808000u,
                              0x3f818000u, 0x3f808001u, 0x7f7f8000u, 0x7f7f7fffu, 0x00018000u};
  for (uint64_t u = 0; u < (1ull << 32); u += 4093) // all exponents, odd strides through mantissas
    in.push_back(uint32_t(u));
  while (in.size() % 8)
    in.push_back(0x3c000000u);
  int64_t n = int64_t(in.size());
  std::vector<float> x(n), hx(n), vbx(n);
  for (int64_t i = 0; i < n; ++i)
    x[i] = floatOf(in[i]);
  std::vector<uint16_t> h(n), b(n), vh(n), vb(n);
  void *bufs[] = {x.data(), h.data(), b.data(), hx.data(), vh.data(), vb.data(), vbx.data()};
  int64_t params[] = {n};
  // Two calls on either side of an uneven split, the second past the grid's end: it is clamped.
  scalar(bufs, params, 0, n / 3);
  scalar(bufs, params, n / 3, n + 100);
  vector(bufs, params, 0, n / 8 / 3);
  vector(bufs, params, n / 8 / 3, n);

  std::vector<uint16_t> wantH(n), wantB(n);
  std::vector<uint32_t> gotHx(n), wantHx(n), gotVbx(n), wantVbx(n);
  for (int64_t i = 0; i < n; ++i) {
    wantH[i] = roundTo(x[i], 10, 15, 5);
    wantB[i] = roundTo(x[i], 7, 127, 8);
    gotHx[i] = bitsOf(hx[i]);
    wantHx[i] = f16ToF32(wantH[i]);
    gotVbx[i] = bitsOf(vbx[i]);
    wantVbx[i] = uint32_t(wantB[i]) << 16;
  }
  std::printf("inputs: %lld\n", (long long)n);
  report("f16 scalar", h, wantH);
  report("bf16 scalar", b, wantB);
  report("f16 -> f32 scalar", gotHx, wantHx);
  report("f16 vector", vh, wantH);
  report("bf16 vector", vb, wantB);
  report("bf16 -> f32 vector", gotVbx, wantVbx);
  return 0;
}
