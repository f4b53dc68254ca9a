// What compiling one function for one target produces (DESIGN.md, "Caching and artifacts"):
// everything a process that links only the runtime needs to run it, plus the readable source; and
// its one on-disk form, NAME.TARGET.weft, which weftc writes, Device::load reads (through
// readArtifact), and the tests, the bench and the kernel cache share.
#pragma once

#include "weft/Program.h"
#include "weft/Runtime.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace weft {

/// One launch's kernel as a GPU target ships it: its readable source (GLSL, MSL) and, where the
/// target compiles in process, its binary (SPIR-V words as bytes).
struct KernelCode {
  std::string entry;           ///< the launch's entry (LaunchDesc::entry)
  std::string source;
  std::vector<uint8_t> binary;
};

struct Artifact {
  std::string function; ///< the source function, the key of its program in `weft.programs`
  std::string target;   ///< a TargetBackend name (compiler/targets/TargetBackend.h)
  ProgramDesc program;  ///< buffers, parameter block and launches (docs/abi.md)
  /// The program's code as one text: C++ for "cpp", PTX for "ptx"; for "cpu" the optimised LLVM
  /// IR, when asked for (CompileOptions::keepSource). Empty for targets with per-kernel code.
  std::string source;
  /// Targets with one module per launch (spirv): one entry per launch, in launch order.
  std::vector<KernelCode> kernels;

  /// The symbol of each launch's entry point, in launch order.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const LaunchDesc &l : program.launches)
      names.push_back(l.entry);
    return names;
  }
};

/// Target spirv: each launch's SPIR-V as the 32-bit words weft::VulkanDevice::load takes.
inline std::vector<std::vector<uint32_t>> spirvModules(const Artifact &a) {
  std::vector<std::vector<uint32_t>> modules;
  for (const KernelCode &k : a.kernels) {
    modules.emplace_back(k.binary.size() / sizeof(uint32_t));
    std::memcpy(modules.back().data(), k.binary.data(), modules.back().size() * sizeof(uint32_t));
  }
  return modules;
}

/// The version of the artifact file format; a reader refuses another.
constexpr int kArtifactFormatVersion = 1;

/// The file name of an artifact: FUNCTION.TARGET.weft.
std::string artifactFileName(const std::string &function, const std::string &target);

/// The artifact as one byte string: a header line `weft-artifact VERSION`, `function NAME`,
/// `target NAME`, then length-prefixed sections (`section program|source BYTES`, `section kernel
/// ENTRY source|binary BYTES`, each followed by its bytes and a newline) and `end`. Text stays
/// readable with `less`; binaries are stored as they are.
std::string serializeArtifact(const Artifact &artifact);
/// Parses serializeArtifact's form. The error names the line or section that is wrong, so a
/// truncated or corrupt file is reported, never half-read.
Result<Artifact> parseArtifact(std::string_view bytes);

/// Writes `artifact` to `path` atomically: a temporary file in the same directory, then rename,
/// so a reader (another process filling the same cache) sees the old file or the new one whole.
Status writeArtifact(const std::string &path, const Artifact &artifact);
/// Reads and parses the artifact at `path`; the error names the file.
Result<Artifact> readArtifact(const std::string &path);

} // namespace weft
