// weft-demo: compiles every function of a .mlir file for every target, writes the readable
// sources, runs each kernel on every device present against the scalar reference, and prints one
// table row per (kernel, target, device): check, median time, effective bandwidth.
#include "compiler/Compiler.h"
#include "compiler/targets/TargetBackend.h"
#include "test/reference/Reference.h"
#include "weft/Device.h"
#include "weft/Vulkan.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace weft;

namespace {

std::string readFile(const std::string &path, bool &ok) {
  std::ifstream in(path);
  ok = bool(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int64_t bytesOf(const Buffer &b) { return b.numElements() * int64_t(dtypeSize(b.dtype())); }

// Runs `kernel` on fresh random inputs, checks it, and times the median of `reps` dispatches.
struct RunResult {
  std::string check;
  double ms = 0, rate = 0;
  const char *unit = "GB/s";
};

// Multiply-adds x 2 of the contractions (whose limit is arithmetic, not memory).
double flopsOf(const ProgramDesc &p) {
  auto product = [](const Shape &s) {
    double n = 1;
    for (int64_t e : s) n *= double(e);
    return n;
  };
  const Shape &y = p.outputs[0].shape;
  if (p.op == "matmul") {
    const Shape &a = p.inputs[0].shape;
    return 2 * product(y) * double(p.attrs.get("transpose_a") ? a[a.size() - 2] : a.back());
  }
  if (p.op == "conv1d") return 2 * product(y) * double(p.inputs[1].shape[1] * p.inputs[1].shape[2]);
  if (p.op == "conv_transpose_1d") return 2 * product(p.inputs[0].shape) * product(p.inputs[1].shape) / double(p.inputs[1].shape[0]);
  return 0;
}

// Runs program `p` through `dispatch` (which returns a Status and the run's time in ms) on
// buffers from `allocate`, checks it against the reference and times the median of `reps` runs.
template <typename Allocate, typename Dispatch>
RunResult runKernel(const ProgramDesc &p, Allocate allocate, Dispatch dispatch, int reps) {
  std::vector<Buffer> ins, outs;
  std::vector<const Buffer *> refIns;
  std::vector<Buffer *> args;
  uint64_t seed = 7;
  for (const TensorType &t : p.inputs) {
    Result<Buffer> b = allocate(t);
    if (!b.ok()) return {"alloc: " + b.message()};
    fillRandom(*b, seed++);
    ins.push_back(*b);
  }
  for (const TensorType &t : p.outputs) {
    Result<Buffer> b = allocate(t);
    if (!b.ok()) return {"alloc: " + b.message()};
    outs.push_back(*b);
  }
  for (auto &b : ins) refIns.push_back(&b), args.push_back(&b);
  for (auto &b : outs) args.push_back(&b);
  double ms = 0;
  Status st = dispatch(args, ms);
  if (!st.ok()) return {"dispatch: " + st.message()};

  RunResult r;
  auto want = Buffer::allocate(outs[0].dtype(), outs[0].shape());
  Status ref = referenceOp(p.op, p.attrs, refIns, *want);
  const OpInfo *info = findOp(p.op);
  bool exact = info && info->exact;
  bool lowPrecision = false;
  for (auto &t : p.inputs) lowPrecision |= t.dtype == DType::f16 || t.dtype == DType::bf16;
  Status cmp = !ref.ok() ? ref : exact ? expectBitExact(outs[0], *want)
                                       : expectClose(outs[0], *want, lowPrecision ? 2e-3 : 1e-5);
  r.check = cmp.ok() ? (exact ? "bit-exact" : "within tol") : "FAIL: " + cmp.message().substr(0, 60);

  std::vector<double> times;
  for (int i = 0; i < reps; ++i) {
    if (Status s = dispatch(args, ms); !s.ok()) return {"dispatch: " + s.message()};
    times.push_back(ms);
  }
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  r.ms = times[times.size() / 2];
  if (double flops = flopsOf(p)) {
    r.rate = flops / (r.ms * 1e6);
    r.unit = "GFLOP/s";
    return r;
  }
  int64_t bytes = 0;
  for (auto &b : ins) bytes += bytesOf(b);
  for (auto &b : outs) bytes += bytesOf(b);
  r.rate = bytes / (r.ms * 1e6);
  return r;
}

// Times `exe` on `device` (Device::dispatchTimed: the GPU's own clock on a GPU, wall time on the
// CPU); a Vulkan device that is a CPU implementation (lavapipe) runs fewer repetitions.
RunResult runOn(Device &device, const Executable &exe) {
  auto *vulkan = dynamic_cast<VulkanDevice *>(&device);
  int reps = vulkan && vulkan->caps().cpu ? 3 : 15;
  auto allocate = [&](const TensorType &t) { return device.allocate(t.dtype, t.shape); };
  auto dispatch = [&](const std::vector<Buffer *> &args, double &ms) {
    Result<double> us = device.dispatchTimed(exe, args);
    ms = us.ok() ? *us / 1000 : 0;
    return us.status();
  };
  return runKernel(exe.program(), allocate, dispatch, reps);
}

// Compiles a generated C++ kernel as a shared library with the flags docs/abi.md gives.
bool buildCppLibrary(const std::string &src, const std::string &lib, std::string &error) {
  const char *cxx = std::getenv("CXX");
  std::string cmd = std::string(cxx && *cxx ? cxx : "c++") +
                    " -std=c++17 -O3 -march=native -ffp-contract=off -fwrapv -shared -fPIC -o " + lib + " " + src;
  if (std::system(cmd.c_str()) == 0) return true;
  error = "C++ build failed";
  return false;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 3 || std::string(argv[1]) == "--help") {
    std::fprintf(stderr, "usage: weft-demo KERNELS.mlir OUTDIR\n"
                         "Compiles every function for every target, writes the sources under OUTDIR,\n"
                         "runs each kernel on every device present and prints a table.\n");
    return argc < 3 ? 2 : 0;
  }
  bool ok = false;
  std::string path = argv[1], outDir = argv[2];
  std::string text = readFile(path, ok);
  if (!ok) {
    std::fprintf(stderr, "weft-demo: cannot read %s\n", path.c_str());
    return 1;
  }
  std::error_code ec;
  std::filesystem::create_directories(outDir, ec);
  if (ec) {
    std::fprintf(stderr, "weft-demo: cannot create %s: %s\n", outDir.c_str(), ec.message().c_str());
    return 1;
  }

  // Readable sources for every target that prints one.
  std::vector<std::string> written;
  for (const TargetBackend *t : targetBackends()) {
    CompileOptions keep;
    keep.keepSource = true;
    auto arts = compile(Source{text, path}, t->name(), keep);
    if (!arts.ok()) {
      std::fprintf(stderr, "weft-demo: target %s: %s\n", t->name().c_str(), arts.message().c_str());
      return 1;
    }
    for (const Artifact &a : *arts) {
      if (!a.source.empty()) {
        written.push_back(outDir + "/" + a.function + "." + t->sourceExtension());
        std::ofstream(written.back()) << a.source;
      }
      for (const KernelCode &k : a.kernels) {
        written.push_back(outDir + "/" + k.entry + "." + t->sourceExtension());
        std::ofstream(written.back()) << k.source;
      }
    }
  }

  // Run on every device present: the CPU, through the JIT and through the generated C++ (built
  // here as a shared library), and a Vulkan device (a GPU, or lavapipe) through SPIR-V.
  auto programs = compileCpu(Source{text, path});
  if (!programs.ok()) {
    std::fprintf(stderr, "weft-demo: %s\n", programs.message().c_str());
    return 1;
  }
  CpuDevice cpu;
  std::printf("%-22s %-8s %-18s %-12s %10s %12s\n", "kernel", "target", "device", "check", "median ms", "rate");
  int failures = 0;
  auto report = [&](const std::string &fn, const char *target, const std::string &device, const RunResult &r) {
    failures += r.check != "bit-exact" && r.check != "within tol";
    std::printf("%-22s %-8s %-18s %-12s %10.3f %7.1f %s\n", fn.c_str(), target, device.substr(0, 18).c_str(),
                r.check.c_str(), r.ms, r.rate, r.unit);
  };
  for (CpuProgram &p : *programs) {
    report(p.artifact.function, "cpu", cpu.name(), runOn(cpu, *cpu.adopt(p.kernel)));
    std::string lib = outDir + "/" + p.artifact.function + ".so";
    RunResult cpp;
    if (buildCppLibrary(outDir + "/" + p.artifact.function + ".cpp", lib, cpp.check)) {
      auto kernel = loadCpuLibrary(lib, p.artifact.program);
      cpp = kernel.ok() ? runOn(cpu, *cpu.adopt(*kernel)) : RunResult{"load: " + kernel.message()};
    }
    report(p.artifact.function, "cpp", cpu.name(), cpp);
  }
  // Every GPU device present, through its target's artifacts.
  for (const char *kind : {"vulkan", "cuda"}) {
    auto device = openDevice(kind);
    if (!device.ok()) {
      std::printf("(no %s device: %s)\n", kind, device.message().c_str());
      continue;
    }
    const std::string target = (*device)->target();
    auto artifacts = compile(Source{text, path}, target);
    if (!artifacts.ok()) {
      std::fprintf(stderr, "weft-demo: target %s: %s\n", target.c_str(), artifacts.message().c_str());
      ++failures;
      continue;
    }
    for (const Artifact &a : *artifacts) {
      auto program = (*device)->load(a);
      report(a.function, target.c_str(), (*device)->name(),
             program.ok() ? runOn(**device, **program) : RunResult{"load: " + program.message()});
    }
  }
  std::printf("\ngenerated sources (%zu files) in %s:\n", written.size(), outDir.c_str());
  for (auto &f : written) std::printf("  %s\n", f.c_str());
  return failures ? 1 : 0;
}
