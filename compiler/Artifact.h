// What compiling one function for one target produces (DESIGN.md, "Caching and artifacts"):
// everything a process that links only the runtime needs to run it, plus the readable source.
#pragma once

#include "weft/Program.h"

#include <cstdint>
#include <string>
#include <vector>

namespace weft {

struct Artifact {
  std::string function; ///< the source function, the key of its program in `weft.programs`
  std::string target;   ///< a name from targets() (compiler/Pipeline.h)
  ProgramDesc program;  ///< buffers, parameter block and launches (docs/abi.md)
  /// Readable source: C++ for "cpp"; for "cpu" the optimised LLVM IR, when asked for
  /// (CompileOptions::keepSource). Empty otherwise.
  std::string source;
  /// The kernels as bytes, for targets that ship a payload beside the source (PTX, SPIR-V); the
  /// CPU targets have none: the JIT keeps its code in memory, the C++ source is compiled by the user.
  std::vector<uint8_t> binary;

  /// The symbol of each launch's entry point, in launch order.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const LaunchDesc &l : program.launches)
      names.push_back(l.entry);
    return names;
  }
};

} // namespace weft
