// weft-bench-cpu: weft's JIT-compiled CPU kernels beside a naive loop, oneDNN and OpenBLAS, at the
// vocoder shapes of shared/ops.md. Prints the machine's measured limits first, then one block per
// case (median ms, GB/s or GFLOP/s, fraction of the limit, ratio to each peer, a check of every
// output against the naive loop's), then the JIT compile times and a summary against the bars.
// docs/bench-cpu.md holds a run and its reading.
//
//   weft-bench-cpu [--quick] [--filter=SUBSTR] [--threads=N] [--retries=N] [--no-jit] [--no-limits]
//
// Threads: --threads, else WEFT_NUM_THREADS, else 2, for weft and every peer alike.
#include "bench/BenchUtil.h"
#include "bench/Cases.h"
#include "bench/Peers.h"
#include "compiler/Compiler.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace weft;
using namespace weft::bench;

namespace {

// ---- JIT compile time: cold (first compile in a fresh process) and warm ----

// The kernels whose compile time is measured: one of each op family at a bench shape.
std::vector<std::pair<std::string, OpSpec>> jitKernels() {
  std::vector<std::pair<std::string, OpSpec>> k;
  k.push_back({"col2im_1d f32 (16,512,2048,8,0)",
               {"col2im_1d", {{"stride", 8}, {"channels", 512}}, {{DType::f32, {2048, 8192}}}, std::nullopt}});
  k.push_back({"im2col_1d f32 IC512 T8192 K7",
               {"im2col_1d", {{"kernel", 7}, {"stride", 1}, {"padding", 3}}, {{DType::f32, {1, 512, 8192}}},
                DType::f32}});
  k.push_back({"concat f32 axis 1",
               {"concat", {{"axis", 1}}, {{DType::f32, {65536, 256}}, {DType::f32, {65536, 256}}}, std::nullopt}});
  k.push_back({"matmul f32 1024^3",
               {"matmul", {}, {{DType::f32, {1024, 1024}}, {DType::f32, {1024, 1024}}}, DType::f32}});
  k.push_back({"conv_transpose_1d f32 IC256 OC128 K4 s2",
               {"conv_transpose_1d", {{"stride", 2}}, {{DType::f32, {256, 16384}}, {DType::f32, {256, 128, 4}}},
                std::nullopt}});
  return k;
}

// The wall time of one compileCpu call; `llvmMs` gets the part its "jit" stage reported (LLVM
// optimisation, code generation and linking in ORC).
double compileMs(const OpSpec &spec, std::string &error, double *llvmMs = nullptr) {
  auto text = opSource(spec, "jit_probe");
  if (!text) {
    error = text.message();
    return -1;
  }
  CompileOptions co;
  double jitStage = 0;
  co.onStage = [&](const StageReport &r) {
    if (r.stage == "jit") jitStage += r.ms;
  };
  double t0 = nowSeconds();
  auto programs = compileCpu(Source{*text, "<bench>"}, co);
  if (llvmMs) *llvmMs = jitStage;
  double ms = (nowSeconds() - t0) * 1e3;
  if (!programs) {
    error = programs.message();
    return -1;
  }
  return ms;
}

// In a fresh process: kernel i cold, then kernel i+1 (warm, a different kernel), then i again.
int jitChild(int i) {
  auto kernels = jitKernels();
  int n = int(kernels.size());
  if (i < 0 || i >= n) return 2;
  std::string err;
  double coldLlvm = 0, sameLlvm = 0;
  double cold = compileMs(kernels[i].second, err, &coldLlvm);
  double other = compileMs(kernels[(i + 1) % n].second, err);
  double same = compileMs(kernels[i].second, err, &sameLlvm);
  if (cold < 0 || other < 0 || same < 0) {
    std::printf("error %s\n", err.substr(0, 300).c_str());
    return 1;
  }
  std::printf("times %.3f %.3f %.3f %.3f %.3f\n", cold, other, same, coldLlvm, sameLlvm);
  return 0;
}

struct JitSummary {
  double coldMedian = -1, warmMedian = -1, coldMax = -1;
  bool ran = false;
};

JitSummary runJitSection(const std::string &self, bool quick) {
  JitSummary s;
  auto kernels = jitKernels();
  int rounds = quick ? 1 : 3;
  std::printf("\n== JIT compile time (compileCpu: parse, lower, LLVM -O2 without unrolling, ORC JIT; one kernel per call)\n");
  std::printf("   cold = the first compile in a fresh process (MLIR context, dialect and LLVM target set-up\n"
              "   included, shared-library loading not); warm = a later compile of a different kernel in the\n"
              "   same process; each kernel in %d fresh process%s\n",
              rounds, rounds > 1 ? "es" : "");
  std::printf("   %-42s %9s %9s %9s %14s\n", "kernel", "cold ms", "warm ms", "again ms", "again: LLVM ms");
  std::vector<double> colds, warms;
  for (int i = 0; i < int(kernels.size()); ++i) {
    std::vector<double> c, w, a, al;
    std::string err;
    for (int r = 0; r < rounds; ++r) {
      // One OpenBLAS thread in the child: this binary links OpenBLAS for the matmul peers, and its
      // pool starts at load and spins (sched_yield) while idle, which took 20-30% longer walls
      // for the compiles it shares the two CPUs with (measured 2026-12-06).
      std::string cmd = "OPENBLAS_NUM_THREADS=1 '" + self + "' --jit-child=" + std::to_string(i) + " 2>&1";
      FILE *p = popen(cmd.c_str(), "r");
      if (!p) break;
      char line[1024] = {0};
      std::string out;
      while (std::fgets(line, sizeof line, p)) out += line;
      pclose(p);
      double cold, other, same, coldLlvm, sameLlvm;
      auto pos = out.find("times ");
      if (pos != std::string::npos && std::sscanf(out.c_str() + pos, "times %lf %lf %lf %lf %lf", &cold, &other, &same,
                                                  &coldLlvm, &sameLlvm) == 5) {
        c.push_back(cold);
        w.push_back(other); // the warm compile of kernel i+1
        a.push_back(same);
        al.push_back(sameLlvm);
      } else {
        err = out.substr(0, 200);
        break;
      }
    }
    if (c.empty()) {
      std::printf("   %-42s n/a: %s\n", kernels[i].first.c_str(), err.c_str());
      continue;
    }
    colds.push_back(median(c));
    warms.push_back(median(a));
    std::printf("   %-42s %9.1f %9.1f %9.1f %14.1f\n", kernels[i].first.c_str(), median(c), median(w), median(a),
                median(al));
  }
  if (!colds.empty()) {
    s.ran = true;
    s.coldMedian = median(colds);
    s.warmMedian = median(warms);
    s.coldMax = *std::max_element(colds.begin(), colds.end());
    std::printf("   median over kernels: cold %.1f ms (max %.1f), warm (same kernel again) %.1f ms\n", s.coldMedian,
                s.coldMax, s.warmMedian);
    std::printf("   ('warm ms' is the next kernel of the list, compiled second in the same child process;\n"
                "    'again' the first kernel compiled a third time; 'LLVM ms' the part of that in the jit stage)\n");
  }
  return s;
}

void printUsage() {
  std::printf("usage: weft-bench-cpu [--quick] [--filter=SUBSTR] [--threads=N] [--retries=N] [--no-jit] [--no-limits]\n"
              "  --quick       fewer repetitions (a smoke run)\n"
              "  --filter=S    only the cases whose id contains S (ids are printed in brackets)\n"
              "  --threads=N   threads for weft and every peer (default: WEFT_NUM_THREADS, else 2)\n"
              "  --retries=N   run a case up to N more times while other processes disturb it (default 2;\n"
              "                0 with --quick); the least disturbed attempt is shown\n"
              "  --no-jit      skip the JIT compile-time section\n"
              "  --no-limits   skip the bandwidth / FMA probes (fractions of the limit are then omitted)\n");
}

} // namespace

// Runs one case in a fresh process (`--case=ID`): a kernel that crashes costs that case, not the
// run, and every case starts without the previous one's library threads or caches. Keeps the
// child's table in `text` and reads back its "@@" lines.
CaseSummary runCaseProcess(const std::string &self, const std::string &id, const BenchOptions &opt, std::string &text) {
  std::vector<CaseSummary> parsed;
  std::string cmd = "'" + self + "' --case=" + id + " --threads=" + std::to_string(opt.threads) +
                    format(" --copy-gbs=%.6f", opt.copyGBs) + (opt.quick ? " --quick" : "") + " 2>&1";
  std::fflush(stdout);
  text.clear();
  FILE *p = popen(cmd.c_str(), "r");
  if (!p) {
    CaseSummary c;
    c.id = id;
    c.crashed = "could not be started";
    return c;
  }
  std::string line;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p)) {
    line += buf;
    if (line.empty() || line.back() != '\n') continue;
    if (!parseBenchLine(line, parsed)) text += line;
    line.clear();
  }
  if (!line.empty() && !parseBenchLine(line, parsed)) text += line + "\n";
  int status = pclose(p);
  CaseSummary c;
  if (!parsed.empty()) c = parsed.back();
  if (c.id.empty()) c.id = id;
  if (status == -1) c.crashed = "could not be waited for";
  else if (WIFSIGNALED(status)) c.crashed = format("was killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
  else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    int code = WEXITSTATUS(status);
    // sh reports a child killed by a signal as 128 + the signal.
    c.crashed = code > 128 ? format("was killed by signal %d (%s)", code - 128, strsignal(code - 128))
                           : format("exited with status %d", code);
  }
  if (!c.crashed.empty())
    text += format("\n** case %s: the process %s; its remaining rows are missing\n", id.c_str(), c.crashed.c_str());
  return c;
}

// The most any row of a case saw other processes take of the CPUs.
double caseNoise(const CaseSummary &c) {
  double n = c.noise;
  for (const RowResult &r : c.rows) n = std::max(n, r.others);
  return n;
}

// A case on a shared machine: when other processes took more than 10% of the CPUs during some
// row, the case runs again (up to `retries` more times, while the run is under its time budget)
// and the least disturbed attempt is the one printed, with a line saying so.
CaseSummary runCaseQuietest(const std::string &self, const std::string &id, const BenchOptions &opt, int retries,
                            double deadline) {
  std::string text, bestText;
  CaseSummary best;
  double bestNoise = 2;
  int attempts = 0;
  std::vector<double> noises;
  for (int a = 0; a <= retries; ++a) {
    if (a > 0) {
      if (nowSeconds() > deadline) break;
      std::fprintf(stderr, "weft-bench-cpu: %s: other processes took up to %.0f%% of the CPUs; running it again\n",
                   id.c_str(), 100 * bestNoise);
      sleep(3); // a moment for the neighbour's burst to pass
    }
    CaseSummary c = runCaseProcess(self, id, opt, text);
    ++attempts;
    double noise = caseNoise(c);
    noises.push_back(noise);
    if (noise < bestNoise || !c.crashed.empty()) {
      best = c;
      bestText = text;
      bestNoise = noise;
    }
    if (noise <= 0.10 || !c.crashed.empty()) break;
  }
  std::fputs(bestText.c_str(), stdout);
  if (attempts > 1) {
    std::string list;
    for (double n : noises) list += format("%s%.0f%%", list.empty() ? "" : ", ", 100 * n);
    std::printf("   (shown: the least disturbed of %d attempts; other processes' peak share of the CPUs per attempt: %s)\n",
                attempts, list.c_str());
  }
  std::fflush(stdout);
  return best;
}

int main(int argc, char **argv) {
  BenchOptions opt;
  bool jit = true, limits = true;
  int threads = 0, retries = -1;
  std::string caseId;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--jit-child=", 0) == 0) return jitChild(std::atoi(a.c_str() + 12));
    if (a == "--quick") opt.quick = true;
    else if (a.rfind("--filter=", 0) == 0) opt.filter = a.substr(9);
    else if (a.rfind("--threads=", 0) == 0) threads = std::atoi(a.c_str() + 10);
    else if (a.rfind("--case=", 0) == 0) caseId = a.substr(7);
    else if (a.rfind("--copy-gbs=", 0) == 0) opt.copyGBs = std::atof(a.c_str() + 11);
    else if (a.rfind("--retries=", 0) == 0) retries = std::atoi(a.c_str() + 10);
    else if (a == "--no-jit") jit = false;
    else if (a == "--no-limits") limits = false;
    else if (a == "--help" || a == "-h") {
      printUsage();
      return 0;
    } else {
      std::fprintf(stderr, "weft-bench-cpu: unknown argument '%s'\n", a.c_str());
      printUsage();
      return 2;
    }
  }
  if (threads <= 0)
    if (const char *env = std::getenv("WEFT_NUM_THREADS")) threads = std::atoi(env);
  if (threads <= 0) threads = 2;
  opt.threads = threads;
  if (retries < 0) retries = opt.quick ? 0 : 2;
  setPeerThreads(threads);
  if (!caseId.empty()) return runCase(opt, caseId);

  char self[4096];
  ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
  if (len <= 0) {
    std::fprintf(stderr, "weft-bench-cpu: cannot read /proc/self/exe\n");
    return 1;
  }
  self[len] = 0;
  // Every process started from here on gets the same thread count.
  std::string t = std::to_string(threads);
  setenv("WEFT_NUM_THREADS", t.c_str(), 1);
  setenv("OMP_NUM_THREADS", t.c_str(), 1);
  setenv("OPENBLAS_NUM_THREADS", t.c_str(), 1);
  std::string coreNote = fixOpenBlasCoreForChildren();

  double startLoad = loadAverage1();
  double start = nowSeconds();
  char date[64];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M %Z", std::localtime(&now));
  std::printf("weft-bench-cpu  %s%s\n", date, opt.quick ? "  (--quick)" : "");
  std::printf("machine: %s; %ld online CPUs; %s\n", cpuModel().c_str(), sysconf(_SC_NPROCESSORS_ONLN),
              cpuIsa().c_str());
  std::printf("threads: %d for weft (CpuDevice), the naive loops (std::thread), oneDNN (OpenMP) and OpenBLAS\n",
              threads);
  std::printf("peers: %s; %s\n", dnnlVersion().c_str(), openBlasVersion().c_str());
  if (!coreNote.empty()) std::printf("note: %s\n", coreNote.c_str());
  std::printf("load average (1 min) at start: %.2f\n", startLoad);
  std::printf("timing: each case in its own process; median of up to %d runs after a warm-up (fewer, >= %d, once a\n"
              "        case's runs pass %.0f s; 3 when one run takes > 0.3 s); outputs checked against the naive loop's\n",
              opt.quick ? 5 : 21, opt.quick ? 3 : 5, opt.quick ? 1.0 : 3.0);

  // ---- 1. Measured limits ----
  if (limits) {
    size_t bytes = size_t(256) << 20;
    CpuSample before = sampleCpu();
    Limits l = measureLimits(threads, bytes, opt.quick ? 5 : 15, opt.quick);
    double limitsNoise = othersBusy(before, sampleCpu());
    opt.copyGBs = l.copyGBs2;
    std::printf("\n== Measured limits\n");
    std::printf("   copy bandwidth, 2 x %zu MiB buffers, bytes read + written / s:\n", bytes >> 20);
    std::printf("     glibc memcpy:                     1 thread %5.1f GB/s, %d threads %5.1f GB/s\n", l.memcpyGBs1,
                threads, l.memcpyGBs2);
    std::printf("     AVX2 loop with streaming stores:  1 thread %5.1f GB/s, %d threads %5.1f GB/s\n", l.streamGBs1,
                threads, l.streamGBs2);
    std::printf("     => copy BW used below (the better, %d threads): %.1f GB/s\n", threads, l.copyGBs2);
    std::printf("   streaming copy, %d threads, 2 x %zu MiB (fits the L3): %.1f GB/s; 2 x %zu MiB (beyond it): %.1f GB/s\n",
                threads, l.smallBytes >> 20, l.copyGBsSmall, l.bigBytes >> 20, l.copyGBsBig);
    if (l.fmaAvx2 > 0)
      std::printf("   f32 FMA loop (independent chains), AVX2 (8 lanes), %d threads: %.0f GFLOP/s\n", threads, l.fmaAvx2);
    if (l.fmaAvx512 > 0)
      std::printf("   f32 FMA loop (independent chains), AVX-512 (16 lanes), %d threads: %.0f GFLOP/s\n", threads,
                  l.fmaAvx512);
    std::printf("   matmul limit: the OpenBLAS sgemm rows of the matmul cases\n");
    std::printf("   other processes kept %.0f%% of the CPUs busy during these probes\n", 100 * limitsNoise);
    opt.limits = l;
  }

  // ---- 2. The cases ----
  std::vector<CaseSummary> summaries;
  double deadline = start + (opt.quick ? 0 : 240);
  for (const std::string &id : caseIds())
    if (opt.filter.empty() || id.find(opt.filter) != std::string::npos)
      summaries.push_back(runCaseQuietest(self, id, opt, retries, deadline));

  // ---- 3. JIT compile time ----
  JitSummary js;
  if (jit) {
    CpuSample before = sampleCpu();
    js = runJitSection(self, opt.quick);
    std::printf("   other processes kept %.0f%% of the CPUs busy during the compiles\n",
                100 * othersBusy(before, sampleCpu()));
  }

  // ---- Summary against the bars ----
  printSummary(opt, summaries);
  if (js.ran)
    std::printf("| JIT cold compile of one kernel: median <= 30 ms | median %.1f ms, max %.1f ms (warm %.1f ms) | %s |\n",
                js.coldMedian, js.coldMax, js.warmMedian, js.coldMedian <= 30 ? "met" : "MISSED");
  std::printf("\nload average (1 min) at end: %.2f; wall time %.0f s\n", loadAverage1(), nowSeconds() - start);
  return 0;
}
