// Target msl on a machine without Metal: the generated kernels of a batch compiled as C++17
// against the emulated Metal standard library (templates/metal/emulation) into one shared library,
// and run over their grids on the CPU. The tests' stand-in for a Metal device (issue 4), with the
// same argument checks as every device (checkArguments).
#pragma once

#include "weft/Artifact.h"
#include "weft/Runtime.h"

#include <memory>
#include <string>
#include <vector>

namespace weft::test {

class MetalEmulation {
public:
  /// Compiles every kernel of `artifacts` (target msl) with warnings as errors (Metal's
  /// attributes aside) into one library under `dir`. The error quotes the compiler.
  static Result<std::unique_ptr<MetalEmulation>> build(const std::vector<const Artifact *> &artifacts,
                                                      const std::string &dir);
  ~MetalEmulation();

  /// Runs `artifact`'s launches on `args` (inputs, then outputs: host buffers).
  Status dispatch(const Artifact &artifact, const std::vector<Buffer *> &args);

private:
  void *library = nullptr;
};

} // namespace weft::test
