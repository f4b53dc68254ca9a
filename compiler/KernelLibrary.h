// The sources of a kernel library generated at build time (weftc --library, the CMake function
// weft_add_kernels): a typed C++ header of launch functions, the glue that embeds every GPU
// target's artifacts and binds the C++ kernels, and the C++ kernels themselves. The application
// compiles the glue and the kernels and links the runtime; it never runs weft's compiler.
#pragma once

#include "weft/Artifact.h"

#include <string>
#include <vector>

namespace weft {

struct KernelLibrarySources {
  std::string header;  ///< NAME.h: the class NAMESPACE::Kernels with one method per function
  std::string glue;    ///< NAME.cpp: the embedded artifacts and program descriptions
  std::string kernels; ///< NAME.kernels.cpp: target cpp's kernels (a comment when cpp is not built)
};

/// The library `name` in namespace `ns` of `artifacts` (each function for each target, as
/// compile() returns them; target cpu's JIT artifacts cannot be embedded and are refused).
/// `origin` names the inputs in the generated comments. Refuses names that are not C++
/// identifiers, functions whose names clash with the class's members, and targets that disagree
/// on a function's program.
Result<KernelLibrarySources> kernelLibrarySources(const std::string &name, const std::string &ns,
                                                   const std::vector<Artifact> &artifacts,
                                                   const std::string &origin);

} // namespace weft
