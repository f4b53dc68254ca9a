// weft's JIT API for an embedding application: MLIR text in (weft ops, possibly with schedules),
// a kernel ready to dispatch on a device out, through a kernel cache: in memory per device, and on
// disk (the GPU artifacts devices load; for the CPU the JIT's object code) under $WEFT_CACHE_DIR,
// by default $XDG_CACHE_HOME/weft or ~/.cache/weft. Every error comes back as a value; nothing aborts the
// process. Several threads may compile and dispatch at once. docs/embedding.md has a walk-through.
#pragma once

#include "weft/Device.h"

#include <memory>
#include <string>

namespace weft {

struct JitOptions {
  /// The on-disk cache's folder; "" picks $WEFT_CACHE_DIR, else $XDG_CACHE_HOME/weft, else
  /// $HOME/.cache/weft; "off" keeps no disk cache. A folder given here that cannot be created is
  /// an error of Jit::create; a default one that cannot be is skipped (stats().diskCacheError).
  std::string cacheDir;
  /// Where every artifact compiled is also written for inspection (NAME.TARGET.weft and its
  /// readable sources); "" takes $WEFT_DUMP_DIR, which may be unset.
  std::string dumpDir;
};

struct JitStats {
  uint64_t memoryHits = 0;   ///< found in this Jit's memory
  uint64_t diskHits = 0;     ///< loaded from the disk cache
  uint64_t compiles = 0;     ///< compiled (not found, or found corrupt)
  uint64_t corruptEntries = 0; ///< disk entries that did not parse or load, and were rebuilt
  std::string diskCacheDir;  ///< the disk cache in use; "" when none
  std::string diskCacheError; ///< why a default disk cache is not in use, or the last entry write failed
  std::string dumpError;      ///< why the last artifact could not be written to the dump folder
};

class Jit {
public:
  static Result<std::unique_ptr<Jit>> create(JitOptions options = {});
  ~Jit();

  /// Function `function` of `mlirText`, compiled for `device` (its target; the CPU device: the
  /// in-process JIT) with `schedule` (a `#weft.schedule<...>` for every op without one; "" for
  /// the target's defaults) and loaded there. The same request again returns the same
  /// Executable. The error names the function, the target and the reason (a verifier's message
  /// with its line, a schedule that does not fit, a device that lacks a capability).
  Result<std::shared_ptr<Executable>> compile(Device &device, const std::string &mlirText,
                                              const std::string &function, const std::string &schedule = "");

  JitStats stats() const;

private:
  struct Impl;
  explicit Jit(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
};

} // namespace weft
