// What a kernel library generated at build time links against (weftc --library, the CMake
// function weft_add_kernels): each function's kernels for every target it was built for, as
// data compiled into the application, and loading them on whichever device it is given.
// docs/build-time.md shows the whole flow.
#pragma once

#include "weft/Runtime.h"

#include <cstddef>
#include <memory>

namespace weft {

/// One function's serialized artifact (weft/Artifact.h) for one GPU target.
struct EmbeddedArtifact {
  const char *target; ///< "spirv", "ptx", "msl"
  const char *bytes;  ///< serializeArtifact's output
  size_t size;
};

/// One function of a generated library.
struct EmbeddedFunction {
  const char *name;
  /// Target cpp: the program description (ProgramDesc::toText) and its launches' entries,
  /// compiled into the library; `cpuEntries` is null when cpp was not among the targets.
  const char *program;
  const CpuEntry *cpuEntries;
  size_t numCpuEntries;
  const EmbeddedArtifact *artifacts;
  size_t numArtifacts;
};

/// Loads `function` on `device`: the C++ kernels on a CPU device, the artifact of the device's
/// target on a GPU device. The error names the function, the device and the targets built when
/// none fits, and otherwise says what the parse or the device refused.
Result<std::shared_ptr<Executable>> loadEmbedded(Device &device, const EmbeddedFunction &function);

} // namespace weft
