// The JIT API (weft/Jit.h): compile() through the memory cache, then the disk cache, then the
// compiler. The disk cache holds one artifact file per key (weft/Artifact.h: written atomically,
// checked on read), named by a hash of everything that changes its bytes: weft's build id, the
// canonical IR, the function, the schedule, the target and the device's description (its
// capabilities). GPU entries are the artifacts their devices load; CPU entries hold the JIT's
// object code for this host, linked again without compiling (loadCpuObject).
#include "weft/Jit.h"

#include "compiler/Compiler.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <unordered_map>

namespace weft {

namespace {

/// FNV-1a over `text` from `seed`: two seeds make a 128-bit name, far from any collision.
uint64_t fnv1a(const std::string &text, uint64_t seed) {
  uint64_t h = seed;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

std::string hexKey(const std::string &material) {
  char out[33];
  std::snprintf(out, sizeof out, "%016llx%016llx", (unsigned long long)fnv1a(material, 0xcbf29ce484222325ull),
                (unsigned long long)fnv1a(material, 0x84222325cbf29ce4ull));
  return out;
}

std::string env(const char *name) {
  const char *v = std::getenv(name);
  return v ? v : "";
}

/// Creates `dir` (and its parents) and checks that a file can be written there; "" or why not.
std::string prepareDir(const std::string &dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return "cannot create '" + dir + "': " + ec.message();
  std::string probe = dir + "/.weft-write-test";
  FILE *f = std::fopen(probe.c_str(), "w");
  if (!f) return "cannot write in '" + dir + "'";
  std::fclose(f);
  std::remove(probe.c_str());
  return "";
}

} // namespace

struct Jit::Impl {
  std::string cacheDir; ///< "" when there is no disk cache
  std::string dumpDir;  ///< "" when nothing is dumped
  mutable std::mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<Executable>> memory;
  JitStats stats;

  /// Every function of `src` for `device`, from the disk cache where `function`'s entry is good
  /// (then only that one), else compiled (then all of them: the module is compiled once).
  Result<std::map<std::string, std::shared_ptr<Executable>>> build(Device &device, const Source &src,
                                                                   const std::string &function,
                                                                   const std::string &schedule);
  /// The disk entry of `function` (its path; "" without a disk cache).
  Result<std::string> entryPath(Device &device, const Source &src, const std::string &function,
                                const std::string &schedule);
  void dump(const Artifact &a);
  void count(uint64_t JitStats::*counter) {
    std::lock_guard<std::mutex> lock(mutex);
    ++(stats.*counter);
  }
};

Result<std::unique_ptr<Jit>> Jit::create(JitOptions options) {
  auto impl = std::make_unique<Impl>();
  if (options.cacheDir.empty()) {
    std::string dir = env("WEFT_CACHE_DIR");
    if (dir.empty()) dir = env("XDG_CACHE_HOME").empty() ? "" : env("XDG_CACHE_HOME") + "/weft";
    if (dir.empty()) dir = env("HOME").empty() ? "" : env("HOME") + "/.cache/weft";
    if (dir == "off" || dir.empty()) {
      impl->stats.diskCacheError = dir.empty() ? "no $WEFT_CACHE_DIR, $XDG_CACHE_HOME or $HOME" : "";
    } else if (std::string why = prepareDir(dir); !why.empty()) {
      impl->stats.diskCacheError = "the kernel cache is off: " + why;
    } else {
      impl->cacheDir = dir;
    }
  } else if (options.cacheDir != "off") {
    if (std::string why = prepareDir(options.cacheDir); !why.empty())
      return Status::error("weft::Jit: the kernel cache directory is unusable: " + why);
    impl->cacheDir = options.cacheDir;
  }
  impl->dumpDir = options.dumpDir.empty() ? env("WEFT_DUMP_DIR") : options.dumpDir;
  if (!impl->dumpDir.empty())
    if (std::string why = prepareDir(impl->dumpDir); !why.empty())
      return Status::error("weft::Jit: the dump directory is unusable: " + why);
  impl->stats.diskCacheDir = impl->cacheDir;
  return std::unique_ptr<Jit>(new Jit(std::move(impl)));
}

Jit::Jit(std::unique_ptr<Impl> i) : impl(std::move(i)) {}
Jit::~Jit() = default;

JitStats Jit::stats() const {
  std::lock_guard<std::mutex> lock(impl->mutex);
  return impl->stats;
}

namespace {

/// The memory key: the device (its serial: a new device at a gone one's address gets its own
/// kernels), the request as given (no parsing: a hit costs a hash lookup).
std::string memoryKey(const Device &device, const std::string &function, const std::string &schedule,
                      const std::string &mlirText) {
  return std::to_string(device.serial()) + '\0' + function + '\0' + schedule + '\0' + mlirText;
}

} // namespace

Result<std::shared_ptr<Executable>> Jit::compile(Device &device, const std::string &mlirText,
                                                 const std::string &function, const std::string &schedule) {
  const std::string key = memoryKey(device, function, schedule, mlirText);
  {
    std::lock_guard<std::mutex> lock(impl->mutex);
    if (auto it = impl->memory.find(key); it != impl->memory.end()) {
      ++impl->stats.memoryHits;
      return it->second;
    }
  }
  // Built outside the lock: other threads go on meanwhile. Two threads asking for the same
  // kernel at once may both build it; both results are correct and the first one stays.
  auto built = impl->build(device, Source{mlirText, "<jit " + function + ">"}, function, schedule);
  if (!built) return built.status();
  std::lock_guard<std::mutex> lock(impl->mutex);
  for (auto &[name, exe] : *built) impl->memory.emplace(memoryKey(device, name, schedule, mlirText), exe);
  return impl->memory.at(key);
}

namespace {

/// The target whose artifacts the disk cache keeps for `device`: the one its load() takes, and for
/// the CPU target cpu's, whose artifacts then hold the JIT's object code (CompileOptions::keepObject).
std::string cacheTarget(Device &device) { return device.target().empty() ? "cpu" : device.target(); }

/// What the CPU JIT's code depends on: the host CPU's name and features (llvm::sys, as the JIT's
/// target machine sees them), so a cache folder shared between machines never hands one the
/// other's code. The thread count in the device's description does not change the code.
std::string hostCpuKey() {
  static const std::string key = [] {
    std::string k = "host cpu " + llvm::sys::getHostCPUName().str();
    std::vector<std::string> on;
    for (const auto &f : llvm::sys::getHostCPUFeatures())
      if (f.second) on.push_back(f.first().str());
    std::sort(on.begin(), on.end());
    for (const std::string &f : on) k += " +" + f;
    return k;
  }();
  return key;
}

/// A cached artifact made runnable on `device`.
Result<std::shared_ptr<Executable>> loadCached(Device &device, const Artifact &artifact) {
  if (!device.target().empty())
    return device.load(artifact);
  auto *cpu = dynamic_cast<CpuDevice *>(&device);
  if (!cpu) return Status::error("the device names no target whose artifacts it loads");
  auto kernel = loadCpuObject(artifact);
  if (!kernel) return kernel.status();
  return cpu->adopt(std::move(*kernel));
}

} // namespace

Result<std::string> Jit::Impl::entryPath(Device &device, const Source &src, const std::string &function,
                                         const std::string &schedule) {
  if (cacheDir.empty()) return std::string();
  auto canonical = canonicalIR(src);
  if (!canonical) return canonical.status();
  const std::string target = cacheTarget(device);
  const std::string deviceKey = target == "cpu" ? hostCpuKey() : device.describe();
  std::string material = std::string("weft ") + WEFT_BUILD_ID + '\0' + target + '\0' + deviceKey + '\0' + function +
                         '\0' + schedule + '\0' + *canonical;
  return cacheDir + "/" + hexKey(material) + "." + target + ".weft";
}

Result<std::map<std::string, std::shared_ptr<Executable>>>
Jit::Impl::build(Device &device, const Source &src, const std::string &function, const std::string &schedule) {
  const std::string target = cacheTarget(device);
  auto fail = [&](const std::string &why) {
    return Status::error("weft::Jit: function '" + function + "' for device '" + device.name() + "': " + why);
  };
  std::map<std::string, std::shared_ptr<Executable>> out;
  auto path = entryPath(device, src, function, schedule);
  if (!path) return fail(path.message());
  if (!path->empty() && std::filesystem::exists(*path)) {
    Result<Artifact> cached = readArtifact(*path);
    if (cached && cached->function == function && cached->target == target)
      if (auto loaded = loadCached(device, *cached)) {
        count(&JitStats::diskHits);
        out[function] = *loaded;
        return out;
      }
    count(&JitStats::corruptEntries); // rebuilt below and written over
  }

  // Every function of the module, compiled once; each one's artifact goes to its own entry.
  CompileOptions options;
  options.schedule = schedule;
  options.keepObject = !cacheDir.empty();
  std::vector<std::pair<Artifact, std::shared_ptr<Executable>>> built;
  if (target == "cpu") {
    auto *cpu = dynamic_cast<CpuDevice *>(&device);
    if (!cpu) return fail("the device names no target whose artifacts it loads");
    auto programs = compileCpu(src, options);
    if (!programs) return fail(programs.message());
    for (CpuProgram &p : *programs) {
      std::shared_ptr<Executable> exe = cpu->adopt(std::move(p.kernel));
      built.emplace_back(std::move(p.artifact), std::move(exe));
    }
  } else {
    auto artifacts = weft::compile(src, target, options);
    if (!artifacts) return fail(artifacts.message());
    for (Artifact &a : *artifacts) {
      auto loaded = device.load(a);
      if (!loaded) return fail(loaded.message());
      built.emplace_back(std::move(a), std::move(*loaded));
    }
  }
  count(&JitStats::compiles);
  for (auto &[artifact, exe] : built) {
    dump(artifact);
    out[artifact.function] = exe;
    auto entry = artifact.function == function ? path : entryPath(device, src, artifact.function, schedule);
    if (entry && !entry->empty())
      if (Status s = writeArtifact(*entry, artifact); !s) {
        std::lock_guard<std::mutex> lock(mutex);
        stats.diskCacheError = s.message(); // the kernel is still good; the next process compiles again
      }
  }
  if (!out.count(function)) return fail("the module has no function '" + function + "'");
  return out;
}

void Jit::Impl::dump(const Artifact &a) {
  if (dumpDir.empty()) return;
  if (Status s = writeArtifact(dumpDir + "/" + artifactFileName(a.function, a.target), a); !s) {
    std::lock_guard<std::mutex> lock(mutex);
    stats.dumpError = s.message();
  }
}

} // namespace weft
