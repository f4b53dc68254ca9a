#include "bench/Cases.h"

#include "bench/Naive.h"
#include "bench/Peers.h"
#include "compiler/Compiler.h"
#include "test/reference/Reference.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

namespace weft::bench {

const RowResult *CaseSummary::find(const std::string &peer) const {
  for (const RowResult &r : rows)
    if (r.peer == peer && r.ms > 0) return &r;
  return nullptr;
}
const RowResult *CaseSummary::weftDefault() const {
  for (const RowResult &r : rows)
    if (r.weftDefault && r.ms > 0) return &r;
  return nullptr;
}
const RowResult *CaseSummary::bestWeft() const {
  const RowResult *best = nullptr;
  for (const RowResult &r : rows)
    if (r.peer == "weft" && r.ms > 0 && (!best || r.ms < best->ms)) best = &r;
  return best;
}

namespace {

enum class Compare { exact, close };

std::string clean(std::string s) {
  for (char &c : s)
    if (c == '\t' || c == '\n') c = ' ';
  return s.empty() ? "-" : s;
}

// The schedules a compile resolved to, read from the IR of its last stage that still holds weft
// ops (the weft.schedule attributes, after weft-resolve-schedule filled in the target defaults).
struct ScheduleCapture {
  std::vector<std::string> last;
  void see(const std::string &ir) {
    std::vector<std::string> found;
    for (size_t pos = ir.find("#weft.schedule<"); pos != std::string::npos; pos = ir.find("#weft.schedule<", pos + 1)) {
      size_t depth = 0, end = pos;
      for (; end < ir.size(); ++end) {
        if (ir[end] == '<') ++depth;
        if (ir[end] == '>' && --depth == 0) break;
      }
      std::string s = ir.substr(pos + 15, end - pos - 15);
      if (std::find(found.begin(), found.end(), s) == found.end()) found.push_back(s);
    }
    if (!found.empty()) last = found;
  }
  std::string text() const {
    std::string out;
    for (auto &s : last) out += (out.empty() ? "" : "; ") + s;
    return out;
  }
};

Buffer makeInput(DType dtype, Shape shape, uint64_t seed) {
  auto b = Buffer::allocate(dtype, shape);
  if (!b) {
    std::fprintf(stderr, "weft-bench-cpu: %s\n", b.message().c_str());
    std::exit(1);
  }
  fillRandom(*b, seed);
  return *b;
}

void settle(const BenchOptions &opt) {
  // Lets OpenBLAS's and OpenMP's spinning workers go to sleep before the next implementation.
  std::this_thread::sleep_for(std::chrono::milliseconds(opt.quick ? 30 : 150));
}

class CaseRunner {
public:
  CaseRunner(const BenchOptions &opt, CpuDevice &device, std::string id, std::string title,
             CaseSummary::Metric metric, double amount, Compare cmp)
      : opt(opt), device(device), cmp(cmp) {
    sum.id = std::move(id);
    sum.title = std::move(title);
    sum.metric = metric;
    sum.amount = amount;
    caseStart = sampleCpu();
    std::printf("@@case\t%s\t%s\t%d\t%.17g\n", clean(sum.id).c_str(), clean(sum.title).c_str(),
                metric == CaseSummary::Metric::flops, amount);
    std::printf("\n== %s  [%s]\n", sum.title.c_str(), sum.id.c_str());
    if (metric == CaseSummary::Metric::bandwidth)
      std::printf("   moves %.1f MiB (read + written); ratio = implementation's median / weft default's "
                  "(> 1: weft is faster)\n",
                  amount / (1 << 20));
    else
      std::printf("   %.2f GFLOP; ratio = implementation's median / weft default's (> 1: weft is faster)\n",
                  amount / 1e9);
    std::printf("   others = share of all CPUs that other processes kept busy while the row ran (/proc/stat)\n\n");
    if (metric == CaseSummary::Metric::bandwidth)
      std::printf("| implementation | median ms | min ms | runs | GB/s | of copy BW | ratio | others | check | notes |\n"
                  "|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    else
      std::printf("| implementation | median ms | min ms | runs | GFLOP/s | of OpenBLAS | ratio | others | check | notes |\n"
                  "|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    std::fflush(stdout);
  }

  /// The naive loop: runs first, and its output is what every other output is checked against.
  void naive(const std::function<void()> &run, const void *out, size_t bytes) {
    RowResult r{"naive loop (-O2, std::thread)", "naive"};
    settle(opt);
    rowStart = sampleCpu();
    double t0 = nowSeconds();
    run();
    double first = nowSeconds() - t0;
    ref.assign(static_cast<const char *>(out), static_cast<const char *>(out) + bytes);
    refF32 = cmp == Compare::close;
    r.check = "reference";
    time(r, run, "", first);
  }

  /// A weft kernel; `tag` "weft" marks the op under test (others: a part of it, timed alone),
  /// `checked` whether its output is the case's output (else it is not compared).
  void weft(const std::string &label, const OpSpec &spec, const std::string &schedule,
            const std::vector<Buffer *> &inputs, bool isDefault, const std::string &tag = "weft",
            bool checked = true) {
    RowResult r{label, tag};
    r.weftDefault = isDefault;
    auto text = opSource(spec, "bench");
    if (!text) return fail(r, text.message());
    CompileOptions co;
    co.schedule = schedule.empty() ? "" : "#weft.schedule<" + schedule + ">";
    ScheduleCapture cap;
    co.stageIR = true;
    co.onStage = [&](const StageReport &rep) {
      if (rep.stage != "jit") cap.see(rep.ir);
    };
    auto programs = compileCpu(Source{*text, "<bench " + sum.id + ">"}, co);
    if (!programs) return fail(r, "compile: " + programs.message());
    run(r, (*programs)[0].kernel, inputs, checked, "schedule " + cap.text());
  }

  /// The same op through target cpp, as a build-time user gets it: the generated source built as
  /// a shared library with the flags docs/pipeline.md gives. Built when the case starts, before
  /// any row is timed: the row timed right after a C++ compiler run read 1.3-1.8x slower (median
  /// of 21; minimum unchanged) than the same kernel timed again a moment later (docs/bench-cpu-history.md).
  void buildCpp(const OpSpec &spec) { cppKernel = buildCppKernel(spec); }

  Result<CpuKernel> buildCppKernel(const OpSpec &spec) const {
    auto text = opSource(spec, "bench");
    if (!text) return text.status();
    auto artifacts = compile(Source{*text, "<bench " + sum.id + ">"}, "cpp", CompileOptions{});
    if (!artifacts) return Status::error("compile: " + artifacts.message());
    char dirTemplate[] = "/tmp/weft-bench-cpp-XXXXXX";
    if (!mkdtemp(dirTemplate)) return Status::error("cannot make a temporary directory");
    const std::string dir = dirTemplate, src = dir + "/bench.cpp", lib = dir + "/bench.so";
    std::ofstream(src) << (*artifacts)[0].source;
    const char *cxx = std::getenv("CXX");
    const std::string cmd = std::string(cxx && *cxx ? cxx : "c++") +
                            " -std=c++17 -O3 -march=native -ffp-contract=off -fwrapv -shared -fPIC " + src + " -o " +
                            lib + " 2> " + dir + "/cxx.log";
    if (std::system(cmd.c_str()) != 0) return Status::error("the C++ build failed (log in " + dir + ")");
    Result<CpuKernel> kernel = loadCpuLibrary(lib, (*artifacts)[0].program);
    std::filesystem::remove_all(dir); // the loaded library stays mapped
    return kernel;
  }

  /// Times the kernel buildCpp built.
  void weftCpp(const std::string &label, const std::vector<Buffer *> &inputs) {
    RowResult r{label, "weft C++"};
    if (!cppKernel) return fail(r, cppKernel.message());
    run(r, *cppKernel, inputs, true, "target cpp, -O3 -march=native");
  }

  /// Runs and times `kernel` on `inputs` for row `r`.
  void run(RowResult &r, const CpuKernel &kernel, const std::vector<Buffer *> &inputs, bool checked,
           const std::string &info) {
    const TensorType &ot = kernel.program.outputs[0];
    auto out = Buffer::allocate(ot.dtype, ot.shape);
    if (!out) return fail(r, out.message());
    std::memset(out->data(), 0xA5, out->bytes());
    std::vector<Buffer *> args(inputs);
    args.push_back(&*out);
    settle(opt);
    rowStart = sampleCpu();
    double t0 = nowSeconds();
    Status st = device.dispatch(kernel, args);
    double first = nowSeconds() - t0;
    if (!st) return fail(r, "dispatch: " + st.message());
    r.check = checked ? check(out->data(), out->bytes()) : "-";
    time(r, [&] { (void)device.dispatch(kernel, args); }, info, first);
  }

  void peer(const std::string &label, const std::string &peerName, const PeerRun &p, void *out, size_t bytes,
            bool checked = true) {
    RowResult r{label, peerName};
    if (!p.ok()) return fail(r, p.error);
    std::memset(out, 0xA5, bytes);
    settle(opt);
    rowStart = sampleCpu();
    double t0 = nowSeconds();
    p.run();
    double first = nowSeconds() - t0;
    r.check = checked ? check(out, bytes) : "-";
    time(r, p.run, p.info, first);
  }

  /// Two reference rows for a data-movement case: copies that read and write as many bytes as the
  /// case moves (half read, half written), run the same way, so they meet the same caches. With a
  /// large L3 the working set of a case may partly stay in it between runs; these rows show what a
  /// plain copy gets under the same conditions.
  void sameSizeCopies() {
    size_t half = size_t(sum.amount / 2) / 64 * 64;
    AlignedBuffer src = allocAligned(half), dst = allocAligned(half);
    std::memset(src.data(), 1, half);
    int th = opt.threads;
    for (bool stream : {false, true}) {
      PeerRun p;
      p.run = [&, stream] { parallelCopy(dst.as<char>(), src.as<char>(), half, th, stream); };
      peer(stream ? "copy of the same bytes (AVX2 streaming stores)" : "copy of the same bytes (glibc memcpy)",
           stream ? "copy stream" : "copy memcpy", p, dst.data(), half, false);
    }
  }

  CaseSummary finish() {
    double noise = othersBusy(caseStart, sampleCpu());
    sum.noise = noise;
    std::printf("\n   other processes kept %.0f%% of the CPUs busy during this case\n", 100 * noise);
    std::printf("@@noise\t%.4f\n", noise);
    std::fflush(stdout);
    return std::move(sum);
  }

private:
  const BenchOptions &opt;
  CpuDevice &device;
  Compare cmp;
  CaseSummary sum;
  std::vector<char> ref;
  bool refF32 = false;
  CpuSample rowStart;  // taken before a row's first run
  CpuSample caseStart; // taken when the case began
  Result<CpuKernel> cppKernel = Status::error("not built (buildCpp)");

  // The line the parent process reads back for the summary.
  void emit(const RowResult &r) {
    std::printf("@@row\t%s\t%s\t%d\t%.17g\t%s\t%s\t%.4f\n", clean(r.label).c_str(), clean(r.peer).c_str(),
                int(r.weftDefault), r.ms, clean(r.check).c_str(), clean(r.error.substr(0, 300)).c_str(), r.others);
    std::fflush(stdout);
  }

  void fail(RowResult &r, const std::string &why) {
    r.error = why;
    std::string w = why.size() > 240 ? why.substr(0, 240) + "..." : why;
    for (char &c : w)
      if (c == '\n' || c == '|') c = ' ';
    std::printf("| %s | n/a | | | | | | | | %s |\n", r.label.c_str(), w.c_str());
    sum.rows.push_back(r);
    emit(r);
  }

  std::string check(const void *out, size_t bytes) {
    if (ref.empty()) return "-";
    if (bytes != ref.size()) return "MISMATCH: size";
    if (cmp == Compare::exact) {
      if (std::memcmp(out, ref.data(), bytes) == 0) return "exact";
      size_t i = 0;
      while (i < bytes && static_cast<const char *>(out)[i] == ref[i]) ++i;
      return format("MISMATCH at byte %zu", i);
    }
    const float *a = static_cast<const float *>(out);
    const float *b = reinterpret_cast<const float *>(ref.data());
    double num = 0, den = 0;
    for (size_t i = 0; i < bytes / 4; ++i) {
      double d = double(a[i]) - double(b[i]);
      num += d * d;
      den += double(b[i]) * double(b[i]);
    }
    double rel = std::sqrt(num / (den > 0 ? den : 1));
    if (!(rel <= 1e-4)) return format("MISMATCH: rel err %.1e", rel);
    return format("ok (rel %.0e)", rel);
  }

  // `first`: the seconds the row's first (checked, untimed) run took; it was the warm-up. A slow
  // implementation then gets few timed runs, and one slower than 1.5 s keeps that first run's
  // time (runs = 1), so that the naive loops and reference fallbacks do not eat the time budget.
  void time(RowResult &r, const std::function<void()> &run, const std::string &notes, double first) {
    RepPolicy pol;
    if (opt.quick) pol = {0, 5, 3, 1.0};
    else pol = {1, 21, 5, 3.0};
    // A row whose run takes over 0.3 s gets 3 runs (over 1.5 s: the one), judged by a second run
    // when the first is between: the first also pays one-time costs (a composite's 64 MiB
    // temporary faulted in), which had left conv_transpose_1d's weft row 3 runs without a
    // warm-up beside oneDNN's 21.
    double once = first;
    if (first > 0.3 && first <= 1.5) {
      const double t0 = nowSeconds();
      run();
      once = nowSeconds() - t0;
    }
    if (once > 0.3) pol = {0, 3, 3, 0.0};
    Timing t;
    if (once > 1.5) t = {once * 1e3, once * 1e3, once * 1e3, 1};
    else t = measure(run, pol);
    r.ms = t.medianMs;
    sum.rows.push_back(r);
    const RowResult *w = sum.weftDefault();
    std::string ratio = w ? format("%.2f", r.ms / w->ms) : "";
    std::string rate, frac;
    if (sum.metric == CaseSummary::Metric::bandwidth) {
      double gbs = sum.amount / (r.ms * 1e6);
      rate = format("%.1f", gbs);
      if (opt.copyGBs > 0) frac = format("%.0f%%", 100 * gbs / opt.copyGBs);
    } else if (r.peer != "weft part (no flops)") {
      double gf = sum.amount / (r.ms * 1e6);
      rate = format("%.1f", gf);
      const RowResult *blas = sum.find("OpenBLAS");
      if (!blas) blas = sum.find("OpenBLAS GEMM alone");
      if (blas) frac = format("%.0f%%", 100 * blas->ms / r.ms);
    }
    std::string n = notes;
    for (char &c : n)
      if (c == '\n' || c == '|') c = ' ';
    // /proc/stat counts in clock ticks (10 ms): a row shorter than 0.25 s gets no figure.
    CpuSample rowEnd = sampleCpu();
    double others = othersBusy(rowStart, rowEnd);
    bool longEnough = rowEnd.wall - rowStart.wall >= 0.25;
    sum.rows.back().others = longEnough ? others : 0;
    std::string othersTxt = longEnough ? format("%.0f%%", 100 * others) : "-";
    std::printf("| %s | %.3f | %.3f | %d | %s | %s | %s | %s | %s | %s |\n", r.label.c_str(), t.medianMs, t.minMs,
                t.reps, rate.c_str(), frac.c_str(), ratio.c_str(), othersTxt.c_str(), r.check.c_str(), n.c_str());
    emit(sum.rows.back());
  }
};

// ---- col2im_1d ----
CaseSummary col2imCase(const BenchOptions &opt, CpuDevice &dev, int64_t K, int64_t OC, int64_t T_in, int64_t s,
                       int64_t p, DType dt) {
  bool half = dt == DType::f16;
  int64_t T_out = (T_in - 1) * s + K - 2 * p;
  size_t es = half ? 2 : 4;
  double bytes = double(T_in * OC * K + OC * T_out) * es;
  std::string id = format("col2im_%s_%ldx%ldx%ld_s%ld", half ? "f16" : "f32", long(K), long(OC), long(T_in), long(s));
  std::string title = format("col2im_1d %s (K=%ld, OC=%ld, T_in=%ld, s=%ld, p=%ld): cols [%ld][%ld] -> y [%ld][%ld]",
                             half ? "f16" : "f32", long(K), long(OC), long(T_in), long(s), long(p), long(T_in),
                             long(OC * K), long(OC), long(T_out));
  CaseRunner c(opt, dev, id, title, CaseSummary::Metric::bandwidth, bytes, Compare::exact);
  Buffer cols = makeInput(dt, {T_in, OC * K}, 11);
  AlignedBuffer out = allocAligned(size_t(OC * T_out) * es);
  OpSpec spec{"col2im_1d", {{"stride", s}, {"channels", OC}, {"padding", p}}, {{dt, {T_in, OC * K}}}, std::nullopt};
  c.buildCpp(spec); // before anything is timed: see buildCpp
  std::vector<Buffer *> in{&cols};
  int th = opt.threads;
  if (half)
    c.naive([&] { naiveCol2imF16((const uint16_t *)cols.data(), out.as<uint16_t>(), K, OC, T_in, s, p, th); },
            out.data(), out.bytes);
  else
    c.naive([&] { naiveCol2imF32((const float *)cols.data(), out.as<float>(), K, OC, T_in, s, p, th); }, out.data(),
            out.bytes);
  c.weft("weft (default schedule)", spec, "", in, true);
  c.weft("weft gather=bounded", spec, "gather = bounded", in, false);
  c.weft("weft gather=scan", spec, "gather = scan", in, false);
  c.weft("weft gather=sweep, parallel=channel", spec, "parallel = channel, gather = sweep", in, false);
  c.weftCpp("weft C++ target (default schedule)", in);
  c.sameSizeCopies();
  return c.finish();
}

// ---- im2col_1d ----
CaseSummary im2colCase(const BenchOptions &opt, CpuDevice &dev, int64_t IC, int64_t T, int64_t K, int64_t s,
                       int64_t p) {
  int64_t OW = (T + 2 * p - (K - 1) - 1) / s + 1;
  double bytes = double(IC * T + OW * IC * K) * 4;
  std::string id = format("im2col_f32_ic%ld_t%ld_k%ld", long(IC), long(T), long(K));
  std::string title = format("im2col_1d f32 (N=1, IC=%ld, T=%ld, K=%ld, s=%ld, p=%ld): x [1][%ld][%ld] -> cols "
                             "[1][%ld][%ld]",
                             long(IC), long(T), long(K), long(s), long(p), long(IC), long(T), long(OW), long(IC * K));
  CaseRunner c(opt, dev, id, title, CaseSummary::Metric::bandwidth, bytes, Compare::exact);
  Buffer x = makeInput(DType::f32, {1, IC, T}, 12);
  AlignedBuffer out = allocAligned(size_t(OW * IC * K) * 4);
  OpSpec spec{"im2col_1d", {{"kernel", K}, {"stride", s}, {"padding", p}}, {{DType::f32, {1, IC, T}}}, DType::f32};
  c.buildCpp(spec); // before anything is timed: see buildCpp
  std::vector<Buffer *> in{&x};
  int th = opt.threads;
  c.naive([&] { naiveIm2colF32((const float *)x.data(), out.as<float>(), 1, IC, T, K, s, p, 1, th); }, out.data(),
          out.bytes);
  c.weft("weft (default schedule)", spec, "", in, true);
  c.weft("weft parallel=channel", spec, "parallel = channel", in, false);
  c.weftCpp("weft C++ target (default schedule)", in);
  c.sameSizeCopies();
  return c.finish();
}

// ---- concat ----
CaseSummary concatCase(const BenchOptions &opt, CpuDevice &dev, int64_t R, int64_t C, int axis, DType dt) {
  bool half = dt == DType::f16;
  size_t es = half ? 2 : 4;
  double bytes = 2.0 * double(2 * R * C) * es;
  std::string id = format("concat_%s_axis%d", half ? "f16" : "f32", axis);
  std::string title = format("concat %s, two [%ld][%ld] along axis %d", half ? "f16" : "f32", long(R), long(C), axis);
  CaseRunner c(opt, dev, id, title, CaseSummary::Metric::bandwidth, bytes, Compare::exact);
  Buffer a = makeInput(dt, {R, C}, 13), b = makeInput(dt, {R, C}, 14);
  AlignedBuffer out = allocAligned(size_t(2 * R * C) * es);
  OpSpec spec{"concat", {{"axis", axis}}, {{dt, {R, C}}, {dt, {R, C}}}, std::nullopt};
  c.buildCpp(spec); // before anything is timed: see buildCpp
  std::vector<Buffer *> in{&a, &b};
  int th = opt.threads;
  c.naive([&] { naiveConcat2d(a.data(), b.data(), out.data(), R, C, R, C, axis, int(es), th); }, out.data(),
          out.bytes);
  c.weft("weft (default schedule)", spec, "", in, true);
  c.weft("weft copy=flat", spec, "copy = flat", in, false);
  c.weft("weft copy=row", spec, "copy = row", in, false);
  c.weftCpp("weft C++ target (default schedule)", in);
  c.peer("oneDNN concat", "oneDNN", dnnlConcat2d(a.data(), b.data(), out.data(), R, C, R, C, axis, half), out.data(),
         out.bytes);
  c.sameSizeCopies();
  return c.finish();
}

// ---- matmul ----
CaseSummary matmulCase(const BenchOptions &opt, CpuDevice &dev, int64_t M, int64_t N, int64_t K) {
  double flops = 2.0 * double(M) * double(N) * double(K);
  std::string id = format("matmul_f32_m%ld_n%ld_k%ld", long(M), long(N), long(K));
  std::string title = format("matmul f32 M=%ld N=%ld K=%ld: A [%ld][%ld] . B [%ld][%ld]", long(M), long(N), long(K),
                             long(M), long(K), long(K), long(N));
  CaseRunner c(opt, dev, id, title, CaseSummary::Metric::flops, flops, Compare::close);
  Buffer A = makeInput(DType::f32, {M, K}, 15), B = makeInput(DType::f32, {K, N}, 16);
  AlignedBuffer out = allocAligned(size_t(M * N) * 4);
  OpSpec spec{"matmul", {}, {{DType::f32, {M, K}}, {DType::f32, {K, N}}}, DType::f32};
  c.buildCpp(spec); // before anything is timed: see buildCpp
  std::vector<Buffer *> in{&A, &B};
  int th = opt.threads;
  const float *a = (const float *)A.data(), *b = (const float *)B.data();
  c.naive([&] { naiveMatmulF32(a, b, out.as<float>(), M, N, K, th); }, out.data(), out.bytes);
  // OpenBLAS before weft, so that every later row's "of OpenBLAS" column has its reference.
  c.peer("OpenBLAS sgemm", "OpenBLAS", blasSgemm(a, b, out.as<float>(), M, N, K, false), out.data(), out.bytes);
  c.weft("weft (default schedule)", spec, "", in, true);
  c.weft("weft vector=16 (AVX-512 width)", spec, "vector = 16", in, false);
  c.weftCpp("weft C++ target (default schedule)", in);
  c.peer("oneDNN matmul", "oneDNN", dnnlMatmul(a, b, out.as<float>(), M, N, K), out.data(), out.bytes);
  return c.finish();
}

// ---- conv_transpose_1d ----
CaseSummary convTransposeCase(const BenchOptions &opt, CpuDevice &dev, int64_t IC, int64_t OC, int64_t K, int64_t s,
                              int64_t T_in) {
  int64_t p = 0, T_out = (T_in - 1) * s + K - 2 * p;
  double flops = 2.0 * double(IC) * double(OC) * double(K) * double(T_in);
  std::string id = format("conv_transpose_f32_ic%ld_oc%ld_k%ld_s%ld", long(IC), long(OC), long(K), long(s));
  std::string title = format("conv_transpose_1d f32 (IC=%ld, OC=%ld, K=%ld, s=%ld, T_in=%ld): x [%ld][%ld], w "
                             "[%ld][%ld][%ld] -> y [%ld][%ld]",
                             long(IC), long(OC), long(K), long(s), long(T_in), long(IC), long(T_in), long(IC),
                             long(OC), long(K), long(OC), long(T_out));
  CaseRunner c(opt, dev, id, title, CaseSummary::Metric::flops, flops, Compare::close);
  Buffer x = makeInput(DType::f32, {IC, T_in}, 17), w = makeInput(DType::f32, {IC, OC, K}, 18);
  AlignedBuffer out = allocAligned(size_t(OC * T_out) * 4);
  AlignedBuffer cols = allocAligned(size_t(T_in * OC * K) * 4);
  OpSpec spec{"conv_transpose_1d", {{"stride", s}, {"padding", p}}, {{DType::f32, {IC, T_in}}, {DType::f32, {IC, OC, K}}},
              std::nullopt};
  c.buildCpp(spec); // before anything is timed: see buildCpp
  std::vector<Buffer *> in{&x, &w};
  int th = opt.threads;
  const float *xp = (const float *)x.data(), *wp = (const float *)w.data();
  c.naive([&] { naiveConvTransposeF32(xp, wp, out.as<float>(), IC, OC, K, T_in, s, p, th); }, out.data(), out.bytes);
  // cols[T_in][OC*K] = x^T . W'[IC][OC*K]: the GEMM of the composite, alone and with a naive col2im.
  PeerRun gemm = blasSgemm(xp, wp, cols.as<float>(), T_in, OC * K, IC, true);
  c.peer("OpenBLAS GEMM alone (cols = x^T W')", "OpenBLAS GEMM alone", gemm, cols.data(), cols.bytes, false);
  // The same GEMM as weft's matmul (transpose_a), to split the composite's time into its parts.
  auto wFlat = Buffer::wrap(w.data(), w.bytes(), DType::f32, {IC, OC * K});
  if (wFlat) {
    OpSpec mm{"matmul", {{"transpose_a", 1}}, {{DType::f32, {IC, T_in}}, {DType::f32, {IC, OC * K}}}, DType::f32};
    std::vector<Buffer *> mmIn{&x, &*wFlat};
    c.weft("weft matmul alone (cols = x^T W')", mm, "", mmIn, false, "weft part", false);
    c.weft("weft matmul alone, vector=16", mm, "vector = 16", mmIn, false, "weft part", false);
  }
  // ...and weft's col2im on those columns (what OpenBLAS left in `cols`).
  auto colsBuf = Buffer::wrap(cols.data(), cols.bytes, DType::f32, {T_in, OC * K});
  if (colsBuf) {
    OpSpec ci{"col2im_1d", {{"stride", s}, {"channels", OC}, {"padding", p}}, {{DType::f32, {T_in, OC * K}}},
              std::nullopt};
    std::vector<Buffer *> ciIn{&*colsBuf};
    c.weft("weft col2im alone (on cols)", ci, "", ciIn, false, "weft part (no flops)", false);
  }
  PeerRun composite;
  if (gemm.ok()) {
    composite.run = [=, &cols, &out] {
      blasSgemmNow(xp, wp, cols.as<float>(), T_in, OC * K, IC, true);
      naiveCol2imF32(cols.as<float>(), out.as<float>(), K, OC, T_in, s, p, th);
    };
  } else {
    composite.error = gemm.error;
  }
  c.weft("weft (default schedule)", spec, "", in, true);
  c.weft("weft vector=16 (AVX-512 width)", spec, "vector = 16", in, false);
  c.weftCpp("weft C++ target (default schedule)", in);
  c.peer("OpenBLAS GEMM + naive col2im", "OpenBLAS GEMM + naive col2im", composite, out.data(), out.bytes);
  c.peer("oneDNN deconvolution", "oneDNN", dnnlDeconv1d(xp, wp, out.as<float>(), IC, OC, K, T_in, s, p), out.data(),
         out.bytes);
  return c.finish();
}

using CaseFn = std::function<CaseSummary(const BenchOptions &, CpuDevice &)>;

const std::vector<std::pair<std::string, CaseFn>> &caseTable() {
  static const std::vector<std::pair<std::string, CaseFn>> table = {
      {"col2im_f32_16x512x2048_s8", [](auto &o, auto &d) { return col2imCase(o, d, 16, 512, 2048, 8, 0, DType::f32); }},
      {"col2im_f16_16x512x2048_s8", [](auto &o, auto &d) { return col2imCase(o, d, 16, 512, 2048, 8, 0, DType::f16); }},
      {"col2im_f32_4x128x65536_s2", [](auto &o, auto &d) { return col2imCase(o, d, 4, 128, 65536, 2, 0, DType::f32); }},
      {"col2im_f32_16x1x8192_s8", [](auto &o, auto &d) { return col2imCase(o, d, 16, 1, 8192, 8, 0, DType::f32); }},
      {"im2col_f32_ic512_t8192_k7", [](auto &o, auto &d) { return im2colCase(o, d, 512, 8192, 7, 1, 3); }},
      {"concat_f32_axis0", [](auto &o, auto &d) { return concatCase(o, d, 65536, 256, 0, DType::f32); }},
      {"concat_f32_axis1", [](auto &o, auto &d) { return concatCase(o, d, 65536, 256, 1, DType::f32); }},
      {"concat_f16_axis0", [](auto &o, auto &d) { return concatCase(o, d, 65536, 256, 0, DType::f16); }},
      {"concat_f16_axis1", [](auto &o, auto &d) { return concatCase(o, d, 65536, 256, 1, DType::f16); }},
      {"matmul_f32_m1024_n1024_k1024", [](auto &o, auto &d) { return matmulCase(o, d, 1024, 1024, 1024); }},
      {"matmul_f32_m4096_n512_k2048", [](auto &o, auto &d) { return matmulCase(o, d, 4096, 512, 2048); }},
      {"conv_transpose_f32_ic1024_oc512_k16_s8",
       [](auto &o, auto &d) { return convTransposeCase(o, d, 1024, 512, 16, 8, 2048); }},
      {"conv_transpose_f32_ic256_oc128_k4_s2",
       [](auto &o, auto &d) { return convTransposeCase(o, d, 256, 128, 4, 2, 16384); }},
  };
  return table;
}

} // namespace

std::vector<std::string> caseIds() {
  std::vector<std::string> ids;
  for (auto &[id, fn] : caseTable()) ids.push_back(id);
  return ids;
}

int runCase(const BenchOptions &opt, const std::string &id) {
  for (auto &[cid, fn] : caseTable())
    if (cid == id) {
      CpuDevice device(unsigned(opt.threads));
      fn(opt, device);
      return 0;
    }
  std::fprintf(stderr, "weft-bench-cpu: no case '%s'\n", id.c_str());
  return 2;
}

bool parseBenchLine(const std::string &line, std::vector<CaseSummary> &cases) {
  if (line.rfind("@@", 0) != 0) return false;
  std::vector<std::string> f;
  size_t pos = 0;
  for (;;) {
    size_t tab = line.find('\t', pos);
    f.push_back(line.substr(pos, tab == std::string::npos ? std::string::npos : tab - pos));
    if (tab == std::string::npos) break;
    pos = tab + 1;
  }
  if (!f.empty() && !f.back().empty() && f.back().back() == '\n') f.back().pop_back();
  auto field = [](const std::string &v) { return v == "-" ? std::string() : v; };
  if (f[0] == "@@case" && f.size() >= 5) {
    CaseSummary c;
    c.id = f[1];
    c.title = f[2];
    c.metric = f[3] == "1" ? CaseSummary::Metric::flops : CaseSummary::Metric::bandwidth;
    c.amount = std::atof(f[4].c_str());
    cases.push_back(c);
  } else if (f[0] == "@@noise" && f.size() >= 2 && !cases.empty()) {
    cases.back().noise = std::atof(f[1].c_str());
  } else if (f[0] == "@@row" && f.size() >= 7 && !cases.empty()) {
    RowResult r;
    r.label = field(f[1]);
    r.peer = field(f[2]);
    r.weftDefault = f[3] == "1";
    r.ms = std::atof(f[4].c_str());
    r.check = field(f[5]);
    r.error = field(f[6]);
    if (f.size() >= 8) r.others = std::atof(f[7].c_str());
    cases.back().rows.push_back(r);
  }
  return true;
}

void printSummary(const BenchOptions &opt, const std::vector<CaseSummary> &cases) {
  std::printf("\n== Summary against the bars (issue 14's for data movement, conv_transpose_1d, the C++ target and the\n"
              "   cold JIT; weft's default schedule, the best schedule in brackets)\n\n");
  std::printf("| bar | measured | verdict |\n|---|---|---|\n");
  for (const CaseSummary &c : cases) {
    const RowResult *w = c.weftDefault(), *best = c.bestWeft();
    bool data = c.id.rfind("col2im", 0) == 0 || c.id.rfind("im2col", 0) == 0 || c.id.rfind("concat", 0) == 0;
    if (!w) {
      std::string why = c.crashed.empty() ? "" : "the case's process " + c.crashed + "; ";
      for (auto &r : c.rows)
        if (r.weftDefault) why += r.error.substr(0, 120);
      std::printf("| %s | weft did not run: %s | MISSED (not runnable) |\n", c.id.c_str(), why.c_str());
      continue;
    }
    std::string bestTxt = best && best != w ? format(" [%s: %.2f ms]", best->label.c_str(), best->ms) : "";
    double noise = c.noise;
    for (const RowResult &r : c.rows) noise = std::max(noise, r.others);
    if (noise > 0.1) bestTxt += format(" (other processes took up to %.0f%% of the CPUs during this case)", 100 * noise);
    if (data) {
      // Issue 14: at least 80% of the speed of the same-size streaming copy of the same run.
      const RowResult *st = c.find("copy stream");
      std::string ofPeak = opt.copyGBs > 0 ? format(", %.0f%% of the copy bandwidth probe", 100 * c.amount / (w->ms * 1e6) / opt.copyGBs) : "";
      if (!st) {
        std::printf("| %s >= 80%% of a same-size streaming copy | %.2f ms%s (copy not run) | - |\n", c.id.c_str(), w->ms,
                    ofPeak.c_str());
      } else {
        double frac = st->ms / w->ms;
        std::printf("| %s >= 80%% of a same-size streaming copy | %.2f ms vs copy %.2f ms = %.0f%%%s%s | %s |\n",
                    c.id.c_str(), w->ms, st->ms, 100 * frac, ofPeak.c_str(), bestTxt.c_str(),
                    frac >= 0.8 ? "met" : format("MISSED by %.0f points (needs <= %.2f ms)", 100 * (0.8 - frac), st->ms / 0.8).c_str());
      }
    } else if (c.id.rfind("matmul", 0) == 0) {
      const RowResult *blas = c.find("OpenBLAS");
      if (!blas) {
        std::printf("| %s >= 50%% of OpenBLAS | %.2f ms (OpenBLAS not run) | - |\n", c.id.c_str(), w->ms);
        continue;
      }
      double frac = blas->ms / w->ms;
      std::printf("| %s >= 50%% of OpenBLAS | %.2f ms vs %.2f ms = %.0f%%%s | %s |\n", c.id.c_str(), w->ms, blas->ms,
                  100 * frac, bestTxt.c_str(),
                  frac >= 0.5 ? "met" : format("MISSED by %.0f points", 100 * (0.5 - frac)).c_str());
    } else {
      const RowResult *dnnl = c.find("oneDNN");
      if (!dnnl) {
        std::printf("| %s no slower than oneDNN | %.2f ms (oneDNN not run) | - |\n", c.id.c_str(), w->ms);
        continue;
      }
      double ratio = w->ms / dnnl->ms;
      std::printf("| %s faster than oneDNN | %.2f ms vs %.2f ms (%.2fx)%s | %s |\n", c.id.c_str(), w->ms,
                  dnnl->ms, ratio, bestTxt.c_str(),
                  ratio < 1.0 ? "met" : format("MISSED: %.0f%% slower", 100 * (ratio - 1)).c_str());
    }
  }
  // Issue 14: every C++ target row within 15% of its JIT row.
  for (const CaseSummary &c : cases) {
    const RowResult *w = c.weftDefault(), *cpp = c.find("weft C++");
    if (!w || !cpp) continue;
    double ratio = cpp->ms / w->ms;
    std::printf("| %s: C++ target within 15%% of the JIT | %.2f ms vs %.2f ms (%.2fx) | %s |\n", c.id.c_str(), cpp->ms,
                w->ms, ratio, ratio <= 1.15 ? "met" : format("MISSED: %.0f%% slower", 100 * (ratio - 1)).c_str());
  }
  for (const CaseSummary &c : cases)
    if (!c.crashed.empty() && c.weftDefault())
      std::printf("| %s ran to the end | its process %s after %zu rows | CRASHED |\n", c.id.c_str(), c.crashed.c_str(),
                  c.rows.size());
  for (const CaseSummary &c : cases)
    for (const RowResult &r : c.rows)
      if (r.check.rfind("MISMATCH", 0) == 0)
        std::printf("| correctness | %s / %s: %s | WRONG OUTPUT |\n", c.id.c_str(), r.label.c_str(), r.check.c_str());
}

} // namespace weft::bench
