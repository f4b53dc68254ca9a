// The Metal device of the thin runtime (docs/metal.md): Apple platforms only. Its implementation,
// runtime/metal/Device.mm (Objective-C++), is built where CMake finds an Apple platform, which
// then defines WEFT_HAS_METAL; elsewhere openDevice("metal") says why there is none. This header
// is plain C++, so code that holds a MetalDevice needs no Objective-C.
#pragma once

#include "weft/Runtime.h"

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace weft {

namespace gpu {
class ScratchPool; // runtime/GpuLaunch.h
} // namespace gpu

namespace metal {
struct Core;    // the MTLDevice, its command queue and the allocations (runtime/metal/Device.mm)
struct Library; // a loaded program's compute pipelines, one per launch
} // namespace metal

/// What a Metal device offers, as read at open().
struct MetalCaps {
  std::string deviceName;
  bool bfloat = false;        ///< MSL's bfloat (Metal 3.1; Apple6+ or Metal3 GPUs), which bf16 kernels need
  bool unifiedMemory = false; ///< host and GPU share memory (Apple silicon)
  uint64_t maxThreadsPerThreadgroup = 0;
  uint64_t workingSetBytes = 0; ///< recommendedMaxWorkingSetSize

  /// One line: name, memory, limits, bfloat.
  std::string describe() const;
  /// "" when the device meets every requirement named (the MSL printer's: "bfloat"), else a
  /// message naming the missing and the unknown ones.
  std::string missing(const std::vector<std::string> &needs) const;
};

/// A program loaded on one MetalDevice: a compute pipeline per launch.
class MetalProgram final : public Executable {
public:
  const ProgramDesc &program() const override { return desc; }

private:
  friend class MetalDevice;
  ProgramDesc desc;
  std::shared_ptr<metal::Library> library;
};

/// One Metal GPU. Buffers are shared-storage MTLBuffers, so data() is readable and writable from
/// the host, like the Vulkan device's mapped memory. Every call may come from any thread;
/// dispatches are serialized. It loads artifacts of target msl: each kernel's source is compiled
/// into a library with safe math (Metal's default fast math would drift from the reference).
class MetalDevice final : public GpuDevice {
public:
  /// Opens device `index` of list(); -1: the system's default device.
  static Result<std::unique_ptr<MetalDevice>> open(int index = -1);
  /// Every device's name, in the order open(index) numbers them.
  static Result<std::vector<std::string>> list();
  ~MetalDevice();
  MetalDevice(const MetalDevice &) = delete;
  MetalDevice &operator=(const MetalDevice &) = delete;

  DeviceKind kind() const override { return DeviceKind::metal; }
  std::string name() const override;
  std::string describe() const override { return caps().describe(); }
  std::string target() const override { return "msl"; }
  const MetalCaps &caps() const;

  Result<Buffer> allocate(DType dtype, Shape shape) override;
  /// Compiles each kernel of an artifact of target msl and makes its compute pipeline. Refuses a
  /// program whose `requires` the device lacks, a source the Metal compiler rejects (with its
  /// log) and a workgroup larger than the pipeline allows.
  Result<std::shared_ptr<Executable>> load(const Artifact &artifact) override;

private:
  explicit MetalDevice(std::shared_ptr<metal::Core> core);
  /// Each argument must lie in a buffer this device allocated; the launches are encoded in order
  /// with a memory barrier between them. GPU time from the command buffer.
  Status run(const Executable &program, const std::vector<Buffer *> &args, double *gpuMicros) override;

  std::shared_ptr<metal::Core> core;
  std::mutex dispatchMutex;                  ///< one dispatch at a time: scratch, parameter block
  Buffer paramBlock;                         ///< the parameter block, grown as needed
  std::unique_ptr<gpu::ScratchPool> scratch; ///< temporaries' memory, reused by later dispatches
};

} // namespace weft
