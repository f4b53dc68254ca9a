// weft-bench-halide-jit [RUNS]: Halide 14's JIT compile latency for the kernel weft-bench-jit
// times (the vocoder's col2im: K 16, stride 8, 512 channels, T_in 2048), scheduled as Halide
// users would (vectorised along time, parallel over channels). Its own process: Halide links
// LLVM 14, weft LLVM 22. weft-bench-jit runs it and prints its rows beside weft's. Rows: the
// first compile of the process (Halide's initialisation included), then the median of RUNS
// (default 15) compiles of a fresh pipeline.
#include <Halide.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

constexpr int K = 16, S = 8, OC = 512, T_IN = 2048, T_OUT = (T_IN - 1) * S + K;

/// A fresh col2im pipeline, compiled for the host: y(t, oc) sums cols(oc*K + k, t_in) over the
/// ceil(K/S) columns with t_in*S + k = t (ggml's layout, docs/ops.md), in f32.
double compileMs(const Halide::Target &target) {
  Halide::ImageParam cols(Halide::Float(32), 2, "cols");
  Halide::Var t("t"), oc("oc");
  Halide::RDom r(0, (K + S - 1) / S, "r");
  Halide::Expr tin = t / S - r, k = t - tin * S;
  Halide::Expr inside = tin >= 0 && tin < T_IN && k < K;
  Halide::Func y("y");
  y(t, oc) = 0.0f;
  y(t, oc) += Halide::select(inside, cols(Halide::clamp(oc * K + k, 0, OC * K - 1), Halide::clamp(tin, 0, T_IN - 1)),
                             0.0f);
  y.bound(t, 0, T_OUT).bound(oc, 0, OC);
  y.vectorize(t, 8).parallel(oc);
  y.update().vectorize(t, 8).parallel(oc);
  auto start = std::chrono::steady_clock::now();
  y.compile_jit(target);
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

int main(int argc, char **argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 15;
  const Halide::Target target = Halide::get_host_target();
  const double first = compileMs(target);
  std::printf("cold compile, Halide 14 JIT, first in the process\t%.1f us\t%.2f ms\n", first * 1000, first);
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) ms.push_back(compileMs(target));
  std::sort(ms.begin(), ms.end());
  double median = ms[ms.size() / 2];
  std::printf("cold compile, Halide 14 JIT\t%.1f us\t%.2f ms\n", median * 1000, median);
  return 0;
}
