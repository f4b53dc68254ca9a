// weft-bench-jit [RUNS]: compile latency (issue 5's bars): a cold compile of one kernel per
// target (compile(), no cache), a memory-cache hit of the JIT API, and a disk-cache hit (a fresh
// weft::Jit finding the entry: reading, parsing and loading it on the device) on the CPU (the
// JIT's object code linked again) and on the Vulkan device when one is present; then Halide 14's
// JIT compiling the same kernel (weft-bench-halide-jit beside this binary, a process of its own).
// Medians of RUNS (default 15); one line each, tab-separated.
#include "compiler/Compiler.h"
#include "compiler/targets/TargetBackend.h"
#include "weft/Jit.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <unistd.h>
#include <vector>

using namespace weft;

namespace {

// The vocoder's col2im: the kernel the bars are stated for.
const char *kKernel = R"(
func.func @col2im(%x: tensor<2048x8192xf32>) -> tensor<512x16392xf32> {
  %y = weft.col2im_1d %x {stride = 8 : i64, channels = 512 : i64} : tensor<2048x8192xf32> -> tensor<512x16392xf32>
  return %y : tensor<512x16392xf32>
}
)";

/// The median wall time of `fn` over `runs` calls, in microseconds; -1 if a call fails.
double medianUs(int runs, const std::function<bool()> &fn) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    if (!fn()) return -1;
    times.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

void row(const std::string &what, double us) {
  if (us < 0)
    std::printf("%s\tfailed\n", what.c_str());
  else
    std::printf("%s\t%.1f us\t%.2f ms\n", what.c_str(), us, us / 1000);
}

} // namespace

int main(int argc, char **argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 15;
  const Source src{kKernel, "<bench>"};
  // The process's first compile pays the one-time initialisation (MLIR registries, LLVM targets).
  row("cold compile, target cpu, first in the process", medianUs(1, [&] { return compile(src, "cpu").ok(); }));
  for (const TargetBackend *t : targetBackends()) {
    std::string name = t->name();
    row("cold compile, target " + name, medianUs(runs, [&] { return compile(src, name).ok(); }));
  }
  auto jit = Jit::create({"off", ""});
  if (!jit) return std::fprintf(stderr, "weft-bench-jit: %s\n", jit.message().c_str()), 1;
  CpuDevice cpu(1);
  if (!(*jit)->compile(cpu, kKernel, "col2im")) return 1;
  row("memory-cache hit (cpu)", medianUs(runs * 100, [&] { return (*jit)->compile(cpu, kKernel, "col2im").ok(); }));

  // A fresh Jit finding the entry that `fill` wrote for `device`.
  auto diskHit = [&](Device &device) {
    char dir[] = "/tmp/weft-bench-jit-XXXXXX";
    if (!mkdtemp(dir)) return -1.0;
    auto fill = Jit::create({dir, ""});
    double us = -1;
    if (fill && (*fill)->compile(device, kKernel, "col2im"))
      us = medianUs(runs, [&] {
        auto fresh = Jit::create({dir, ""});
        return fresh && (*fresh)->compile(device, kKernel, "col2im") && (*fresh)->stats().diskHits == 1;
      });
    std::filesystem::remove_all(dir);
    return us;
  };
  row("disk-cache hit (cpu)", diskHit(cpu));
  auto vulkan = openDevice("vulkan");
  if (!vulkan)
    std::printf("disk-cache hit (vulkan)\tskipped (%s)\n", vulkan.message().c_str());
  else
    row("disk-cache hit (vulkan: " + (*vulkan)->name() + ")", diskHit(**vulkan));

  std::string self = argv[0], halide = self.substr(0, self.rfind('/') + 1) + "weft-bench-halide-jit";
  std::fflush(stdout);
  if (access(halide.c_str(), X_OK) != 0)
    std::printf("cold compile, Halide 14 JIT\tskipped (%s not built: needs libhalide14-0-dev)\n", halide.c_str());
  else if (std::system((halide + " " + std::to_string(runs)).c_str()) != 0)
    std::printf("cold compile, Halide 14 JIT\tfailed\n");
  return 0;
}
