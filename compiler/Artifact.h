// What compiling one function for one target produces (DESIGN.md, "Caching and artifacts"):
// everything a process that links only the runtime needs to run it, plus the readable source.
#pragma once

#include "weft/Program.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace weft {

/// One launch's kernel as a GPU target ships it: its readable source (GLSL, MSL) and, where the
/// target compiles in process, its binary (SPIR-V words as bytes, PTX text).
struct KernelCode {
  std::string entry;           ///< the launch's entry (LaunchDesc::entry)
  std::string source;
  std::vector<uint8_t> binary;
};

struct Artifact {
  std::string function; ///< the source function, the key of its program in `weft.programs`
  std::string target;   ///< a TargetBackend name (compiler/targets/TargetBackend.h)
  ProgramDesc program;  ///< buffers, parameter block and launches (docs/abi.md)
  /// Readable source of the whole program: C++ for "cpp"; for "cpu" the optimised LLVM IR, when
  /// asked for (CompileOptions::keepSource). Empty for the GPU targets (see kernels).
  std::string source;
  /// GPU targets: one entry per launch, in launch order. The CPU targets have none: the JIT keeps
  /// its code in memory, the C++ source is compiled by the user.
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

} // namespace weft
