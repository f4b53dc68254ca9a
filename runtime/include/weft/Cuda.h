// The CUDA device of the thin runtime (docs/cuda.md). libcuda.so.1 (the driver API) is opened with
// dlopen when a device is first opened, so a binary built with this header runs on machines
// without CUDA: open() and list() then return an error saying why. No CUDA header or toolkit is
// needed to build or use it.
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

namespace cuda {
struct Context; // the driver's function table, the device and its primary context (runtime/cuda/Driver.h)
struct Module;  // a loaded program's module and functions
} // namespace cuda

/// What a CUDA device offers, as read at open().
struct CudaCaps {
  std::string deviceName;
  int driverVersion = 0;        ///< cuDriverGetVersion: 1000 * major + 10 * minor
  int computeMajor = 0, computeMinor = 0;
  int multiprocessors = 0;
  int maxThreadsPerBlock = 0;
  int maxGridX = 0, maxGridY = 0;
  bool managedMemory = false;   ///< unified memory, which weft's buffers are
  bool concurrentManagedAccess = false;
  uint64_t totalBytes = 0;

  /// One line: name, compute capability, driver, limits.
  std::string describe() const;
  /// "" when the device meets every requirement named (docs/abi.md: "sm_XY" is compute
  /// capability X.Y or newer; int8, int16, int64, float16, float64, storage8, storage16 hold on
  /// every CUDA GPU weft targets), else a message naming the missing and the unknown ones.
  std::string missing(const std::vector<std::string> &needs) const;
};

/// A program loaded on one CudaDevice: its PTX module and one function per launch.
class CudaProgram final : public Executable {
public:
  const ProgramDesc &program() const override { return desc; }

private:
  friend class CudaDevice;
  ProgramDesc desc;
  std::shared_ptr<cuda::Module> module;
};

/// One CUDA GPU through the driver API, in its primary context. Buffers are unified (managed)
/// memory, so data() is readable and writable from the host, like the Vulkan device's mapped
/// memory. Every call may come from any thread; dispatches are serialized. It loads artifacts of
/// target ptx.
class CudaDevice final : public GpuDevice {
public:
  /// Opens device `index` of list(); -1: $WEFT_CUDA_DEVICE when set (an index), else device 0.
  static Result<std::unique_ptr<CudaDevice>> open(int index = -1);
  /// Every device's name, in the order open(index) numbers them.
  static Result<std::vector<std::string>> list();
  ~CudaDevice();
  CudaDevice(const CudaDevice &) = delete;
  CudaDevice &operator=(const CudaDevice &) = delete;

  DeviceKind kind() const override { return DeviceKind::cuda; }
  std::string name() const override;
  std::string describe() const override { return caps().describe(); }
  std::string target() const override { return "ptx"; }
  const CudaCaps &caps() const;

  Result<Buffer> allocate(DType dtype, Shape shape) override;
  /// Loads the PTX module of an artifact of target ptx (cuModuleLoadDataEx; the driver compiles
  /// it for this GPU) and looks up each launch's function. Refuses a program whose `requires` the
  /// device lacks, and PTX the driver rejects, with the driver's log.
  Result<std::shared_ptr<Executable>> load(const Artifact &artifact) override;

private:
  explicit CudaDevice(std::shared_ptr<cuda::Context> ctx);
  /// Each argument must lie in memory this device allocated; every kernel gets one pointer per
  /// buffer, then the parameter block's. GPU time from events around the launches.
  Status run(const Executable &program, const std::vector<Buffer *> &args, double *gpuMicros) override;

  std::shared_ptr<cuda::Context> ctx;
  std::mutex dispatchMutex;                  ///< one dispatch at a time: scratch, params, events
  Buffer paramBlock;                         ///< the parameter block's unified memory, grown as needed
  std::unique_ptr<gpu::ScratchPool> scratch; ///< temporaries' memory, reused by later dispatches
};

} // namespace weft
