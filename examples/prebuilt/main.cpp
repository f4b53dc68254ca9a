// weft-prebuilt: an application whose kernels were generated when it was built (weft_add_kernels
// in CMakeLists.txt): it links weft's runtime and the generated library, never weft's compiler.
// On every device present it loads the library, runs each function on random data and checks it
// against a scalar reference, printing one line per function and device. Exit status 1 when a
// result is wrong or a device present cannot run the library.
#include "vocoder_kernels.h"

#include "weft/Device.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

namespace {

constexpr int64_t IC = 64, OC = 32, K = 16, S = 8, P = 4, T_IN = 256, T_OUT = (T_IN - 1) * S + K - 2 * P;

std::vector<float> randomData(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float &e : v) e = dist(rng);
  return v;
}

// docs/ops.md: y[oc][t] = sum of x[ic][t_in] * w[ic][oc][k] over t_in * s + k = t + p.
std::vector<double> upsampleReference(const std::vector<float> &x, const std::vector<float> &w) {
  std::vector<double> y(OC * T_OUT, 0.0);
  for (int64_t ic = 0; ic < IC; ++ic)
    for (int64_t t = 0; t < T_IN; ++t)
      for (int64_t oc = 0; oc < OC; ++oc)
        for (int64_t k = 0; k < K; ++k) {
          int64_t out = t * S + k - P;
          if (out >= 0 && out < T_OUT) y[oc * T_OUT + out] += double(x[ic * T_IN + t]) * w[(ic * OC + oc) * K + k];
        }
  return y;
}

// A device buffer holding `data`.
weft::Result<weft::Buffer> upload(weft::Device &device, const std::vector<float> &data, weft::Shape shape) {
  auto b = device.allocate(weft::DType::f32, std::move(shape));
  if (b) std::memcpy(b->data(), data.data(), data.size() * sizeof(float));
  return b;
}

const float *floats(const weft::Buffer &b) { return static_cast<const float *>(b.data()); }

} // namespace

int main() {
  const std::vector<float> x = randomData(IC * T_IN, 1), w = randomData(IC * OC * K, 2),
                           branch = randomData(OC * T_OUT, 3);
  const std::vector<double> yRef = upsampleReference(x, w);
  int failures = 0;
  std::printf("kernels built for %s\n", vocoder_kernels::Kernels::targets);
  std::printf("%-8s %-9s %10s  %s\n", "device", "function", "time (us)", "check");
  for (const char *name : {"cpu", "vulkan", "cuda"}) {
    auto device = weft::openDevice(name);
    if (!device) {
      std::printf("%-8s skipped: %s\n", name, device.message().c_str());
      continue;
    }
    auto kernels = vocoder_kernels::Kernels::load(**device);
    if (!kernels) {
      std::printf("%-8s cannot load the kernels: %s\n", name, kernels.message().c_str());
      ++failures;
      continue;
    }
    auto bx = upload(**device, x, {IC, T_IN}), bw = upload(**device, w, {IC, OC, K}),
         bb = upload(**device, branch, {OC, T_OUT});
    auto by = (*device)->allocate(weft::DType::f32, {OC, T_OUT}), bcat = (*device)->allocate(weft::DType::f32, {2 * OC, T_OUT});
    for (auto *b : {&bx, &bw, &bb, &by, &bcat})
      if (!*b) {
        std::printf("%-8s cannot allocate: %s\n", name, b->message().c_str());
        return 1;
      }

    // Each function twice: the first run warms the device up, the second is timed.
    auto run = [&](const char *function, auto call, auto check) {
      weft::Status s = call();
      auto start = std::chrono::steady_clock::now();
      if (s) s = call();
      double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
      std::string verdict = s ? check() : "error: " + s.message();
      if (verdict != "ok") ++failures;
      std::printf("%-8s %-9s %10.1f  %s\n", name, function, us, verdict.c_str());
    };
    run("upsample", [&] { return kernels->upsample(*bx, *bw, *by); },
        [&]() -> std::string {
          // f32 accumulation against a double reference: relative Frobenius error (docs/ops.md).
          double num = 0, den = 0;
          for (size_t i = 0; i < yRef.size(); ++i) {
            double d = floats(*by)[i] - yRef[i];
            num += d * d;
            den += yRef[i] * yRef[i];
          }
          double rel = std::sqrt(num / den);
          return rel < 1e-5 ? "ok" : "relative error " + std::to_string(rel) + " >= 1e-5";
        });
    run("skip", [&] { return kernels->skip(*by, *bb, *bcat); },
        [&]() -> std::string {
          // A copy: bit-exact, the upsampled rows then the branch's.
          const float *out = floats(*bcat);
          if (std::memcmp(out, floats(*by), OC * T_OUT * sizeof(float)) != 0) return "first input's rows differ";
          if (std::memcmp(out + OC * T_OUT, branch.data(), OC * T_OUT * sizeof(float)) != 0)
            return "second input's rows differ";
          return "ok";
        });
  }
  return failures == 0 ? 0 : 1;
}
