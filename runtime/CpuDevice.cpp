// The host CPU as a device: a thread pool, checked dispatch of CpuEntry kernels, and loading those
// kernels from a shared library built from weft's C++ source.
#include "weft/Artifact.h"
#include "weft/Runtime.h"

#include <algorithm>
#include <chrono>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <mutex>
#include <thread>

namespace weft {

namespace {

// Temporaries' memory kept for the next dispatch (a composite has one; a few programs alternate).
constexpr size_t kMaxScratchBuffers = 4;

// `requested` (at most kMaxThreads), else a valid WEFT_NUM_THREADS, else the hardware's count.
unsigned resolveThreads(unsigned requested) {
  if (requested) return std::min(requested, CpuDevice::kMaxThreads);
  Result<unsigned> env = CpuDevice::threadsFromEnvironment();
  if (env && *env) return *env;
  return std::max(1u, std::thread::hardware_concurrency());
}

struct CpuExecutable final : Executable {
  explicit CpuExecutable(CpuKernel k) : kernel(std::move(k)) {}
  const ProgramDesc &program() const override { return kernel.program; }
  CpuKernel kernel;
};

} // namespace

Result<unsigned> CpuDevice::threadsFromEnvironment() {
  const char *env = std::getenv("WEFT_NUM_THREADS");
  if (!env) return 0u;
  unsigned v = 0;
  const char *end = env + std::strlen(env);
  auto [p, ec] = std::from_chars(env, end, v);
  if (ec == std::errc() && p == end && v > 0 && v <= kMaxThreads) return v;
  return Status::error("WEFT_NUM_THREADS = '" + std::string(env) + "' is not a thread count (rule: an integer from 1 to " +
                       std::to_string(kMaxThreads) + ")");
}

CpuDevice::CpuDevice(unsigned threads) : threadPool(resolveThreads(threads)) {}

std::string CpuDevice::name() const {
  unsigned n = threadPool.size();
  return "cpu (" + std::to_string(n) + (n == 1 ? " thread)" : " threads)");
}

std::string CpuDevice::describe() const {
  return name() + ", runs kernels of targets cpu (JIT) and cpp (a library built from the C++)";
}

Result<std::shared_ptr<Executable>> CpuDevice::load(const Artifact &artifact) {
  return Status::error("weft." + artifact.program.op + ": the CPU device cannot load an artifact of target '" +
                       artifact.target + "' (function '" + artifact.function +
                       "'): its kernels come from compileCpu (the JIT) or loadCpuLibrary (target cpp, built)");
}

std::shared_ptr<Executable> CpuDevice::adopt(CpuKernel kernel) {
  return std::make_shared<CpuExecutable>(std::move(kernel));
}

Status CpuDevice::dispatch(const Executable &exe, const std::vector<Buffer *> &args) {
  auto *cpu = dynamic_cast<const CpuExecutable *>(&exe);
  if (!cpu)
    return Status::error("weft." + exe.program().op + ": the program was loaded on another device, not the CPU");
  return dispatch(cpu->kernel, args);
}

Result<double> CpuDevice::dispatchTimed(const Executable &exe, const std::vector<Buffer *> &args) {
  auto start = std::chrono::steady_clock::now();
  if (Status s = dispatch(exe, args); !s) return s;
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
}

Status CpuDevice::dispatch(const CpuKernel &kernel, const std::vector<Buffer *> &args) {
  const ProgramDesc &program = kernel.program;
  if (kernel.entries.size() != program.launches.size())
    return Status::error("weft." + program.op + ": the kernel has " + std::to_string(kernel.entries.size()) +
                         " entries for " + std::to_string(program.launches.size()) + " launches");
  for (size_t i = 0; i < kernel.entries.size(); ++i)
    if (!kernel.entries[i])
      return Status::error("weft." + program.op + ": the entry of launch '" + program.launches[i].entry +
                           "' is null");
  std::vector<int64_t> params;
  std::vector<Shape> tempShapes;
  if (Status s = checkArguments(program, args, params, tempShapes); !s) return s;

  // Temporaries come from memory kept between dispatches: a fresh allocation of a composite's
  // `cols` costs page faults and zero-filling every time (13 ms for 32 MiB, measured in bench/).
  // Kernels write every element of a temporary before reading it.
  std::vector<Buffer> temps, held;
  auto giveBack = [&] {
    std::lock_guard<std::mutex> lock(scratchMutex);
    for (Buffer &b : held) scratch.push_back(std::move(b));
    while (scratch.size() > kMaxScratchBuffers) scratch.erase(scratch.begin());
  };
  for (size_t t = 0; t < tempShapes.size(); ++t) {
    Result<size_t> bytes = contiguousBytes(program.temps[t].dtype, tempShapes[t]);
    if (!bytes) return giveBack(), Status::error("weft." + program.op + ": temporary '" + program.temps[t].name + "': " + bytes.message());
    Buffer block;
    {
      std::lock_guard<std::mutex> lock(scratchMutex);
      auto fit = std::find_if(scratch.begin(), scratch.end(), [&](const Buffer &b) { return b.bytes() >= *bytes; });
      if (fit != scratch.end()) {
        block = std::move(*fit);
        scratch.erase(fit);
      }
    }
    if (!block.data()) {
      Result<Buffer> fresh = Buffer::allocate(DType::i8, {int64_t(*bytes)});
      if (!fresh) return giveBack(), Status::error("weft." + program.op + ": temporary '" + program.temps[t].name + "': " + fresh.message());
      block = std::move(*fresh);
    }
    Result<Buffer> view = Buffer::wrap(block.data(), block.bytes(), program.temps[t].dtype, tempShapes[t]);
    held.push_back(std::move(block));
    if (!view) return giveBack(), Status::error("weft." + program.op + ": temporary '" + program.temps[t].name + "': " + view.message());
    temps.push_back(std::move(*view));
  }
  std::vector<void *> bufs;
  for (Buffer *a : args) bufs.push_back(a->data());
  for (Buffer &t : temps) bufs.push_back(t.data());

  for (size_t i = 0; i < program.launches.size(); ++i) {
    CpuEntry entry = kernel.entries[i];
    threadPool.parallelFor(gridSize(program.launches[i], params), [&](int64_t begin, int64_t end) {
      entry(bufs.data(), params.data(), begin, end);
    });
  }
  giveBack();
  return Status();
}

Result<CpuKernel> loadCpuLibrary(const std::string &path, const ProgramDesc &program) {
  dlerror(); // clear a stale error so the one reported is ours
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    return Status::error("cannot load CPU kernel library '" + path + "': " + (why ? why : "unknown dlopen error"));
  }
  CpuKernel kernel;
  kernel.keepAlive = std::shared_ptr<void>(handle, [](void *h) { dlclose(h); });
  kernel.program = program;
  if (program.launches.empty())
    return Status::error("CPU kernel library '" + path + "': the program for weft." + program.op + " has no launch");
  for (const LaunchDesc &launch : program.launches) {
    void *sym = dlsym(handle, launch.entry.c_str());
    if (!sym)
      return Status::error("CPU kernel library '" + path + "' has no entry '" + launch.entry +
                           "' (needed by weft." + program.op + ")");
    kernel.entries.push_back(reinterpret_cast<CpuEntry>(sym));
  }
  return kernel;
}

} // namespace weft
