// weft-codec: an application embedding weft's JIT (weft/Jit.h). It builds the upsampling stack of
// a neural audio codec's decoder (DAC's: four conv_transpose_1d stages, strides 8, 8, 4, 2,
// channels 1536 -> 768 -> 384 -> 192 -> 96, kernel 2 x stride, padding ceil(stride / 2)) with
// random weights, JIT-compiles it for every device present through the kernel cache, runs the
// stages back to back in device memory, checks the result against a scalar reference of its own
// and prints each stage's time. Usage: weft-codec [FRAMES] (default 16 latent frames).
//
// It needs nothing but weft's public JIT API, so it builds inside weft's tree and, on its own,
// against an installed weft (find_package(weft), weft::jit; docs/embedding.md).
#include "weft/Jit.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace weft;

namespace {

struct StageShape {
  int64_t ic, oc, stride, tIn;
  int64_t kernel() const { return 2 * stride; }
  int64_t padding() const { return (stride + 1) / 2; }
  int64_t tOut() const { return (tIn - 1) * stride + kernel() - 2 * padding(); }
};

std::vector<StageShape> dacStages(int64_t frames) {
  std::vector<StageShape> stages;
  int64_t channels = 1536, t = frames;
  for (int64_t s : {8, 8, 4, 2}) {
    stages.push_back({channels, channels / 2, s, t});
    t = stages.back().tOut();
    channels /= 2;
  }
  return stages;
}

std::string tensor(const std::vector<int64_t> &shape) {
  std::string s = "tensor<";
  for (int64_t e : shape) s += std::to_string(e) + "x";
  return s + "f32>";
}

/// The stack as MLIR: one function per stage (each a kernel the JIT caches on its own).
std::string stackSource(const std::vector<StageShape> &stages) {
  std::string text;
  for (size_t i = 0; i < stages.size(); ++i) {
    const StageShape &s = stages[i];
    std::string x = tensor({s.ic, s.tIn}), w = tensor({s.ic, s.oc, s.kernel()}), y = tensor({s.oc, s.tOut()});
    text += "func.func @stage" + std::to_string(i) + "(%x: " + x + ", %w: " + w + ") -> " + y + " {\n" +
            "  %y = weft.conv_transpose_1d %x, %w {stride = " + std::to_string(s.stride) +
            ", padding = " + std::to_string(s.padding()) + "} : " + x + ", " + w + " -> " + y + "\n" +
            "  return %y : " + y + "\n}\n";
  }
  return text;
}

/// Uniform values in [-1, 1) from a 64-bit LCG: random, reproducible, never all zero.
void fillRandom(Buffer &b, uint64_t seed) {
  float *v = static_cast<float *>(b.data());
  for (int64_t i = 0; i < b.numElements(); ++i) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    v[i] = float(int64_t(seed >> 40) - (int64_t(1) << 23)) / float(1 << 23);
  }
}

/// conv_transpose_1d as shared/ops.md defines it, in double: y[oc][t] sums x[ic][i] * w[ic][oc][k]
/// over t = i*s + k - p.
void referenceStage(const StageShape &s, const Buffer &x, const Buffer &w, Buffer &y) {
  const float *xv = static_cast<const float *>(x.data()), *wv = static_cast<const float *>(w.data());
  const int64_t K = s.kernel(), T = s.tOut();
  std::vector<double> acc(size_t(s.oc * T), 0.0);
  for (int64_t ic = 0; ic < s.ic; ++ic)
    for (int64_t i = 0; i < s.tIn; ++i)
      for (int64_t oc = 0; oc < s.oc; ++oc)
        for (int64_t k = 0; k < K; ++k) {
          int64_t t = i * s.stride + k - s.padding();
          if (t >= 0 && t < T) acc[size_t(oc * T + t)] += double(xv[ic * s.tIn + i]) * wv[(ic * s.oc + oc) * K + k];
        }
  std::transform(acc.begin(), acc.end(), static_cast<float *>(y.data()), [](double a) { return float(a); });
}

/// "" when `got` is within `tol` of `want` in relative Frobenius norm, else the error.
std::string compare(const Buffer &got, const Buffer &want, double tol) {
  const float *g = static_cast<const float *>(got.data()), *w = static_cast<const float *>(want.data());
  double diff = 0, norm = 0;
  for (int64_t i = 0; i < want.numElements(); ++i) {
    diff += (double(g[i]) - w[i]) * (double(g[i]) - w[i]);
    norm += double(w[i]) * w[i];
  }
  double rel = std::sqrt(diff / std::max(norm, 1e-300));
  return rel <= tol ? "" : "relative error " + std::to_string(rel) + " exceeds " + std::to_string(tol);
}

int fail(const std::string &what) {
  std::fprintf(stderr, "weft-codec: %s\n", what.c_str());
  return 1;
}

} // namespace

int main(int argc, char **argv) {
  const int64_t frames = argc > 1 ? std::atoll(argv[1]) : 16;
  if (frames < 1 || frames > 4096) return fail("FRAMES must be 1..4096");
  const std::vector<StageShape> stages = dacStages(frames);
  const std::string source = stackSource(stages);

  // The reference, once on the host: latent frames in, audio-rate channels out.
  std::vector<Buffer> weights, want;
  Result<Buffer> latent = Buffer::allocate(DType::f32, {stages[0].ic, frames});
  if (!latent) return fail(latent.message());
  fillRandom(*latent, 1);
  Buffer current = *latent;
  for (size_t i = 0; i < stages.size(); ++i) {
    const StageShape &s = stages[i];
    Result<Buffer> w = Buffer::allocate(DType::f32, {s.ic, s.oc, s.kernel()});
    Result<Buffer> y = Buffer::allocate(DType::f32, {s.oc, s.tOut()});
    if (!w || !y) return fail("out of host memory");
    fillRandom(*w, 10 + i);
    referenceStage(s, current, *w, *y);
    weights.push_back(*w);
    want.push_back(*y);
    current = *y;
  }
  std::printf("DAC upsampling stack, %lld latent frames -> [%lld][%lld] f32 (stages:", (long long)frames,
              (long long)stages.back().oc, (long long)stages.back().tOut());
  for (const StageShape &s : stages)
    std::printf(" %lld->%lld s%lld", (long long)s.ic, (long long)s.oc, (long long)s.stride);
  std::printf(")\n");

  auto jit = Jit::create();
  if (!jit) return fail(jit.message());
  int failures = 0;
  for (const char *name : {"cpu", "vulkan", "cuda"}) {
    auto device = openDevice(name);
    if (!device) {
      std::printf("%-7s (not present: %s)\n", name, device.message().c_str());
      continue;
    }
    Device &dev = **device;
    // Inputs and weights into the device's memory; each stage's output feeds the next.
    auto upload = [&](const Buffer &host) -> Result<Buffer> {
      Result<Buffer> b = dev.allocate(host.dtype(), host.shape());
      if (b) std::copy_n(static_cast<const char *>(host.data()), host.bytes(), static_cast<char *>(b->data()));
      return b;
    };
    Result<Buffer> x = upload(*latent);
    if (!x) return fail(x.message());
    std::printf("%-7s %s\n", name, dev.describe().c_str());
    double totalUs = 0;
    bool ok = true;
    for (size_t i = 0; i < stages.size() && ok; ++i) {
      auto t0 = std::chrono::steady_clock::now();
      auto kernel = (*jit)->compile(dev, source, "stage" + std::to_string(i));
      double compileMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      Result<Buffer> w = upload(weights[i]);
      Result<Buffer> y = dev.allocate(DType::f32, want[i].shape());
      if (!kernel || !w || !y) {
        std::printf("  stage %zu: %s\n", i, !kernel ? kernel.message().c_str() : "allocation failed");
        ok = false;
        break;
      }
      Result<double> us = dev.dispatchTimed(**kernel, {&*x, &*w, &*y});
      if (!us) {
        std::printf("  stage %zu: %s\n", i, us.message().c_str());
        ok = false;
        break;
      }
      std::string off = compare(*y, want[i], 1e-4);
      std::printf("  stage %zu %5lld -> %4lld channels, stride %lld: %9.1f us  (compile or cache: %6.1f ms)  %s\n", i,
                  (long long)stages[i].ic, (long long)stages[i].oc, (long long)stages[i].stride, *us, compileMs,
                  off.empty() ? "matches the reference" : off.c_str());
      ok = off.empty();
      totalUs += *us;
      x = std::move(y);
    }
    std::printf("  %s: %.1f us for the stack\n", ok ? "ok" : "FAILED", totalUs);
    failures += !ok;
  }
  JitStats st = (*jit)->stats();
  std::printf("kernel cache: %llu compiled, %llu from disk (%s), %llu from memory\n", (unsigned long long)st.compiles,
              (unsigned long long)st.diskHits, st.diskCacheDir.empty() ? "off" : st.diskCacheDir.c_str(),
              (unsigned long long)st.memoryHits);
  return failures ? 1 : 0;
}
