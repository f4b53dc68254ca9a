// The JIT API (weft/Jit.h): compile() through the memory cache, then the disk cache, then the
// compiler. The disk cache holds one artifact file per key (weft/Artifact.h: written atomically,
// checked on read), named by a hash of everything that changes its bytes: weft's build id, the
// canonical IR, the function, the schedule, the target and the device's description (its
// capabilities).
#include "weft/Jit.h"

#include "compiler/Compiler.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
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

  Result<std::shared_ptr<Executable>> build(Device &device, const Source &src, const std::string &function,
                                            const std::string &schedule);
  Result<Artifact> compileArtifact(const Source &src, const std::string &target, const std::string &function,
                                   const std::string &schedule);
  void dump(const Artifact &a);
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

Result<std::shared_ptr<Executable>> Jit::compile(Device &device, const std::string &mlirText,
                                                 const std::string &function, const std::string &schedule) {
  // The memory key: this device, the request as given (no parsing: a hit costs a hash lookup).
  std::string key = std::to_string(reinterpret_cast<uintptr_t>(&device)) + '\0' + function + '\0' + schedule + '\0' +
                    mlirText;
  {
    std::lock_guard<std::mutex> lock(impl->mutex);
    if (auto it = impl->memory.find(key); it != impl->memory.end()) {
      ++impl->stats.memoryHits;
      return it->second;
    }
  }
  // Compiled outside the lock: other threads go on meanwhile. Two threads asking for the same
  // kernel at once may both compile it; both results are correct and the first one stays.
  Result<std::shared_ptr<Executable>> built = impl->build(device, Source{mlirText, "<jit " + function + ">"}, function,
                                                          schedule);
  if (!built) return built;
  std::lock_guard<std::mutex> lock(impl->mutex);
  return impl->memory.emplace(key, *built).first->second;
}

Result<Artifact> Jit::Impl::compileArtifact(const Source &src, const std::string &target, const std::string &function,
                                            const std::string &schedule) {
  CompileOptions options;
  options.schedule = schedule;
  auto artifacts = weft::compile(src, target, options);
  if (!artifacts) return artifacts.status();
  {
    std::lock_guard<std::mutex> lock(mutex);
    ++stats.compiles;
  }
  for (Artifact &a : *artifacts)
    if (a.function == function) return std::move(a);
  return Status::error("the module has no function '" + function + "'");
}

Result<std::shared_ptr<Executable>> Jit::Impl::build(Device &device, const Source &src, const std::string &function,
                                                     const std::string &schedule) {
  const std::string target = device.target();
  auto fail = [&](const std::string &why) {
    return Status::error("weft::Jit: function '" + function + "' for device '" + device.name() + "': " + why);
  };
  if (target.empty()) {
    // The CPU: the in-process JIT, cached in memory only.
    auto *cpu = dynamic_cast<CpuDevice *>(&device);
    if (!cpu) return fail("the device names no target whose artifacts it loads");
    CompileOptions options;
    options.schedule = schedule;
    auto programs = compileCpu(src, options);
    if (!programs) return fail(programs.message());
    {
      std::lock_guard<std::mutex> lock(mutex);
      ++stats.compiles;
    }
    for (CpuProgram &p : *programs)
      if (p.artifact.function == function) {
        dump(p.artifact);
        return cpu->adopt(std::move(p.kernel));
      }
    return fail("the module has no function '" + function + "'");
  }

  std::string path;
  if (!cacheDir.empty()) {
    auto canonical = canonicalIR(src);
    if (!canonical) return fail(canonical.message());
    std::string material = std::string("weft ") + WEFT_BUILD_ID + '\0' + target + '\0' + device.describe() + '\0' +
                           function + '\0' + schedule + '\0' + *canonical;
    path = cacheDir + "/" + hexKey(material) + "." + target + ".weft";
    if (std::filesystem::exists(path)) {
      Result<Artifact> cached = readArtifact(path);
      if (cached && cached->function == function && cached->target == target) {
        auto loaded = device.load(*cached);
        if (loaded) {
          std::lock_guard<std::mutex> lock(mutex);
          ++stats.diskHits;
          return loaded;
        }
      }
      std::lock_guard<std::mutex> lock(mutex);
      ++stats.corruptEntries; // rebuilt below and written over
    }
  }
  auto artifact = compileArtifact(src, target, function, schedule);
  if (!artifact) return fail(artifact.message());
  dump(*artifact);
  if (!path.empty())
    if (Status s = writeArtifact(path, *artifact); !s) {
      std::lock_guard<std::mutex> lock(mutex);
      stats.diskCacheError = s.message(); // the kernel is still good; the next process compiles again
    }
  auto loaded = device.load(*artifact);
  if (!loaded) return fail(loaded.message());
  return loaded;
}

void Jit::Impl::dump(const Artifact &a) {
  if (dumpDir.empty()) return;
  if (Status s = writeArtifact(dumpDir + "/" + artifactFileName(a.function, a.target), a); !s) {
    std::lock_guard<std::mutex> lock(mutex);
    stats.diskCacheError = s.message();
  }
}

} // namespace weft
