// Choosing a device by name. The interface itself, weft::Device and weft::Executable, is in
// weft/Runtime.h beside the CPU device that implements it.
#pragma once

#include "weft/Artifact.h"
#include "weft/Runtime.h"

#include <string>
#include <vector>

namespace weft {

/// Opens a device by name: "cpu", "vulkan", "cuda", or "vulkan:N" / "cuda:N" for the N-th of its
/// kind; "best" for the fastest present: a CUDA GPU, else a Vulkan GPU (not a CPU implementation
/// such as lavapipe), else the CPU. The error says why (no driver, no such device) or lists the
/// names known.
Result<std::unique_ptr<Device>> openDevice(const std::string &name);
/// The devices present, one line each ("cpu: ...", "vulkan:0: ..."), and for each kind without
/// one, why ("cuda: none (libcuda.so.1 not found)").
std::vector<std::string> listDevices();

} // namespace weft
