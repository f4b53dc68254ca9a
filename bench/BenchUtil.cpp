#include "bench/BenchUtil.h"

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <immintrin.h>
#include <sstream>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

namespace weft::bench {

double nowSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

Timing measure(const std::function<void()> &fn, const RepPolicy &policy) {
  for (int i = 0; i < policy.warmup; ++i) fn();
  std::vector<double> ms;
  double start = nowSeconds();
  for (int i = 0; i < policy.reps; ++i) {
    double t0 = nowSeconds();
    fn();
    double t1 = nowSeconds();
    ms.push_back((t1 - t0) * 1e3);
    if (int(ms.size()) >= policy.minReps && t1 - start > policy.budgetSeconds) break;
  }
  Timing t;
  t.medianMs = median(ms);
  t.minMs = *std::min_element(ms.begin(), ms.end());
  t.maxMs = *std::max_element(ms.begin(), ms.end());
  t.reps = int(ms.size());
  return t;
}

void parallelChunks(int64_t n, int threads, const std::function<void(int64_t, int64_t)> &fn) {
  threads = std::max(1, int(std::min<int64_t>(threads, std::max<int64_t>(n, 1))));
  auto range = [&](int i, int64_t &b, int64_t &e) {
    int64_t base = n / threads, extra = n % threads;
    b = i * base + std::min<int64_t>(i, extra);
    e = b + base + (i < extra ? 1 : 0);
  };
  std::vector<std::thread> workers;
  for (int i = 1; i < threads; ++i) {
    int64_t b, e;
    range(i, b, e);
    workers.emplace_back([&fn, b, e] { fn(b, e); });
  }
  int64_t b, e;
  range(0, b, e);
  fn(b, e);
  for (auto &w : workers) w.join();
}

AlignedBuffer allocAligned(size_t bytes) {
  size_t rounded = (bytes + 63) / 64 * 64;
  void *p = std::aligned_alloc(64, std::max<size_t>(rounded, 64));
  if (!p) {
    std::fprintf(stderr, "weft-bench-cpu: out of memory allocating %zu bytes\n", bytes);
    std::exit(1);
  }
  std::memset(p, 0, rounded);
  AlignedBuffer b;
  b.mem = std::shared_ptr<void>(p, std::free);
  b.bytes = bytes;
  return b;
}

namespace {

// A copy loop with non-temporal (streaming) stores: 64 bytes per step, no read-for-ownership of
// the destination. `bytes` a multiple of 64, both pointers 64-byte aligned.
__attribute__((target("avx2"))) void streamCopy(char *dst, const char *src, size_t bytes) {
  for (size_t i = 0; i < bytes; i += 64) {
    __m256i a = _mm256_load_si256(reinterpret_cast<const __m256i *>(src + i));
    __m256i b = _mm256_load_si256(reinterpret_cast<const __m256i *>(src + i + 32));
    _mm256_stream_si256(reinterpret_cast<__m256i *>(dst + i), a);
    _mm256_stream_si256(reinterpret_cast<__m256i *>(dst + i + 32), b);
  }
  _mm_sfence();
}

double copyBandwidth(char *dst, const char *src, size_t bytes, int threads, int reps, bool stream) {
  std::vector<double> gbs;
  auto once = [&] { parallelCopy(dst, src, bytes, threads, stream); };
  once();
  once();
  for (int r = 0; r < reps; ++r) {
    double t0 = nowSeconds();
    once();
    double t = nowSeconds() - t0;
    gbs.push_back(2.0 * double(bytes) / t / 1e9);
  }
  return median(gbs);
}

// Independent FMA chains (14 of AVX2's 16 registers; 24 of AVX-512's 32) keep both FMA pipes busy
// past the FMA latency.
constexpr int kChains2 = 14, kChains512 = 24;
__attribute__((target("avx2,fma"))) double fmaLoopAvx2(int64_t iters) {
  __m256 acc[kChains2];
  for (int i = 0; i < kChains2; ++i) acc[i] = _mm256_set1_ps(float(i) * 1e-3f);
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  for (int64_t it = 0; it < iters; ++it) {
#pragma GCC unroll 32
    for (int i = 0; i < kChains2; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  }
  __m256 s = acc[0];
  for (int i = 1; i < kChains2; ++i) s = _mm256_add_ps(s, acc[i]);
  float out[8];
  _mm256_storeu_ps(out, s);
  return out[0];
}

__attribute__((target("avx512f"))) double fmaLoopAvx512(int64_t iters) {
  __m512 acc[kChains512];
  for (int i = 0; i < kChains512; ++i) acc[i] = _mm512_set1_ps(float(i) * 1e-3f);
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  for (int64_t it = 0; it < iters; ++it) {
#pragma GCC unroll 32 // all chains in registers: a loop over `acc` would keep them in memory
    for (int i = 0; i < kChains512; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  }
  __m512 s = acc[0];
  for (int i = 1; i < kChains512; ++i) s = _mm512_add_ps(s, acc[i]);
  float out[16];
  _mm512_storeu_ps(out, s);
  return out[0];
}

double fmaPeak(int threads, bool avx512, int64_t iters) {
  std::vector<double> g;
  volatile double sink = 0;
  for (int r = 0; r < 5; ++r) {
    double t0 = nowSeconds();
    parallelChunks(threads, threads, [&](int64_t, int64_t) {
      double v = avx512 ? fmaLoopAvx512(iters) : fmaLoopAvx2(iters);
      sink = sink + v;
    });
    double t = nowSeconds() - t0;
    double flops = 2.0 * (avx512 ? kChains512 * 16 : kChains2 * 8) * double(iters) * threads;
    g.push_back(flops / t / 1e9);
  }
  return median(g);
}

} // namespace

void parallelCopy(char *dst, const char *src, size_t bytes, int threads, bool stream) {
  parallelChunks(threads, threads, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      size_t lo = bytes * i / threads / 64 * 64, hi = i + 1 == threads ? bytes : bytes * (i + 1) / threads / 64 * 64;
      if (stream && (hi - lo) % 64 == 0) streamCopy(dst + lo, src + lo, hi - lo);
      else std::memcpy(dst + lo, src + lo, hi - lo);
    }
  });
}

Limits measureLimits(int threads, size_t bytes, int reps, bool quick) {
  Limits l;
  l.copyBytes = bytes;
  {
    AlignedBuffer src = allocAligned(bytes), dst = allocAligned(bytes);
    std::memset(src.data(), 1, bytes);
    l.memcpyGBs1 = copyBandwidth(dst.as<char>(), src.as<char>(), bytes, 1, reps, false);
    l.memcpyGBs2 = copyBandwidth(dst.as<char>(), src.as<char>(), bytes, threads, reps, false);
    l.streamGBs1 = copyBandwidth(dst.as<char>(), src.as<char>(), bytes, 1, reps, true);
    l.streamGBs2 = copyBandwidth(dst.as<char>(), src.as<char>(), bytes, threads, reps, true);
  }
  l.copyGBs1 = std::max(l.memcpyGBs1, l.streamGBs1);
  l.copyGBs2 = std::max(l.memcpyGBs2, l.streamGBs2);
  l.smallBytes = size_t(48) << 20;
  l.bigBytes = size_t(1) << 30;
  {
    AlignedBuffer src = allocAligned(l.smallBytes), dst = allocAligned(l.smallBytes);
    std::memset(src.data(), 1, l.smallBytes);
    l.copyGBsSmall = copyBandwidth(dst.as<char>(), src.as<char>(), l.smallBytes, threads, reps, true);
  }
  {
    AlignedBuffer src = allocAligned(l.bigBytes), dst = allocAligned(l.bigBytes);
    std::memset(src.data(), 1, l.bigBytes);
    l.copyGBsBig = copyBandwidth(dst.as<char>(), src.as<char>(), l.bigBytes, threads, quick ? 3 : 5, true);
  }
  int64_t iters = quick ? 10'000'000 : 40'000'000;
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) l.fmaAvx2 = fmaPeak(threads, false, iters);
  if (__builtin_cpu_supports("avx512f")) l.fmaAvx512 = fmaPeak(threads, true, iters);
  return l;
}

CpuSample sampleCpu() {
  CpuSample c;
  c.wall = nowSeconds();
  std::ifstream in("/proc/stat");
  std::string cpu;
  unsigned long long user = 0, nice = 0, sys = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  in >> cpu >> user >> nice >> sys >> idle >> iowait >> irq >> softirq >> steal;
  double hz = double(sysconf(_SC_CLK_TCK));
  c.busy = double(user + nice + sys + irq + softirq + steal) / hz;
  // This process and its waited-for children (the JIT section's compiles run in children).
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage ru{};
    getrusage(who, &ru);
    c.self += double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1e-6 * double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
  }
  return c;
}

double othersBusy(const CpuSample &from, const CpuSample &to) {
  double wall = to.wall - from.wall;
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (wall <= 0 || cpus <= 0) return 0;
  double others = (to.busy - from.busy) - (to.self - from.self);
  return std::clamp(others / (wall * double(cpus)), 0.0, 1.0);
}

std::string cpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  return "unknown";
}

std::string cpuIsa() {
  std::ifstream in("/proc/cpuinfo");
  std::string line, vendor, family, model, flags;
  while (std::getline(in, line)) {
    auto value = [&] {
      auto c = line.find(':');
      return c == std::string::npos ? std::string() : line.substr(c + 2);
    };
    if (vendor.empty() && line.rfind("vendor_id", 0) == 0) vendor = value();
    if (family.empty() && line.rfind("cpu family", 0) == 0) family = value();
    if (model.empty() && line.rfind("model\t", 0) == 0) model = value();
    if (flags.empty() && line.rfind("flags", 0) == 0) flags = " " + value() + " ";
  }
  std::string isa;
  for (const char *f : {"avx2", "fma", "f16c", "avx512f", "avx512_bf16", "amx_tile"})
    if (flags.find(std::string(" ") + f + " ") != std::string::npos) isa += std::string(isa.empty() ? "" : " ") + f;
  return vendor + " family " + family + " model " + model + "; " + isa;
}

double loadAverage1() {
  std::ifstream in("/proc/loadavg");
  double l = -1;
  in >> l;
  return l;
}

std::string format(const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return buf;
}

} // namespace weft::bench
