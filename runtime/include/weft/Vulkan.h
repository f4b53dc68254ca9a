// The Vulkan device of the thin runtime (docs/vulkan.md). libvulkan.so.1 is opened with dlopen when
// a device is first opened, so a binary built with this header runs on machines without Vulkan:
// open() and list() then return an error saying why. No Vulkan header is needed to use this one.
#pragma once

#include "weft/Runtime.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace weft {

namespace gpu {
class ScratchPool; // runtime/GpuLaunch.h
} // namespace gpu

namespace vk {
struct Core;      // instance, device, queue and function table (runtime/vulkan/Internal.h)
struct Pipelines; // a loaded program's layouts and pipelines
struct Queue;     // the command buffer, fence and pools dispatch records into
} // namespace vk

/// What a Vulkan device offers, as read at open(); the features listed are enabled when present.
struct VulkanCaps {
  std::string deviceName;
  std::string driverName;     ///< VkPhysicalDeviceDriverProperties::driverName
  std::string driverInfo;     ///< its driverInfo (e.g. "Mesa 22.3.6")
  uint32_t driverVersion = 0; ///< vendor-encoded
  uint32_t apiVersion = 0;    ///< VK_MAKE_API_VERSION-encoded
  bool cpu = false;           ///< a CPU implementation (lavapipe, SwiftShader)
  bool shaderInt8 = false, shaderInt16 = false, shaderInt64 = false;
  bool shaderFloat16 = false, shaderFloat64 = false;
  /// A 16-bit float conversion can be made to round to nearest even (float controls).
  bool shaderRoundingModeRTEFloat16 = false;
  /// 16-bit subnormals can be kept exact when a module asks (float controls); weft's f16
  /// conversions then ask and skip their own handling of them (docs/vulkan.md).
  bool shaderDenormPreserveFloat16 = false;
  bool storageBuffer8BitAccess = false, storageBuffer16BitAccess = false;
  uint32_t subgroupSize = 0;
  uint32_t maxPushConstantsSize = 0;
  uint32_t maxComputeWorkGroupCount[3] = {0, 0, 0};
  uint32_t maxComputeWorkGroupInvocations = 0;
  float timestampPeriod = 0;      ///< nanoseconds per timestamp tick
  /// Bytes of the largest heap that is device-local and host-visible (where mappable buffers go
  /// first; one smaller than the largest device-local heap is a BAR window, and buffers are then
  /// staged: stagedMemory).
  uint64_t mappableDeviceBytes = 0;
  /// Buffers live in device-local memory that the host cannot map, and dispatch copies each
  /// argument in from a host-visible staging copy (whose address Buffer::data() gives) and each
  /// output back. Chosen where the mappable device-local heap is smaller than the largest
  /// device-local one (a BAR window), or by WEFT_VULKAN_MEMORY=staged (docs/vulkan.md).
  bool stagedMemory = false;
  bool computeTimestamps = false; ///< the compute queue writes timestamps (dispatchTimed works)

  /// One line: name, kind, API and driver, the features present, the limits.
  std::string describe() const;
  /// "" when the device has every capability named (docs/vulkan.md: int8, int16, int64, float16,
  /// float64, storage8, storage16, rte16), else a message naming the missing and the unknown ones.
  std::string missing(const std::vector<std::string> &needs) const;
};

/// A program loaded on one VulkanDevice: one compute pipeline per launch. Copies share the
/// pipelines, which live as long as any copy (and keep their device's Vulkan objects alive).
class VulkanProgram final : public Executable {
public:
  const ProgramDesc &program() const override { return desc; }

private:
  friend class VulkanDevice;
  ProgramDesc desc;
  std::shared_ptr<vk::Pipelines> pipelines;
};

/// One Vulkan physical device, its compute queue and its memory. Every call may come from any
/// thread; dispatches are serialized on the queue. It loads artifacts of target spirv.
class VulkanDevice final : public GpuDevice {
public:
  /// Opens device `index` of list(). -1: $WEFT_VULKAN_DEVICE when set (an index), else the first
  /// discrete GPU, then integrated, then virtual, then any (e.g. lavapipe). Devices below
  /// Vulkan 1.2 are refused (by index) or passed over (automatic choice).
  static Result<std::unique_ptr<VulkanDevice>> open(int index = -1);
  /// Every physical device's name, in the order open(index) numbers them.
  static Result<std::vector<std::string>> list();
  ~VulkanDevice();
  VulkanDevice(const VulkanDevice &) = delete;
  VulkanDevice &operator=(const VulkanDevice &) = delete;

  DeviceKind kind() const override { return DeviceKind::vulkan; }
  std::string name() const override;
  std::string describe() const override { return caps().describe(); }
  std::string target() const override { return "spirv"; }
  const VulkanCaps &caps() const;

  /// A contiguous, zero-filled tensor in this device's memory. data() is a persistent host
  /// mapping (host-coherent): write inputs and read results through it. Views made of it with
  /// Buffer::wrap are device memory too, as long as the allocation lives.
  Result<Buffer> allocate(DType dtype, Shape shape) override;

  /// Builds one compute pipeline per launch from `spirvPerLaunch[i]` (entry point "main").
  /// Pushes the parameter block's leading slots, as many as maxPushConstantsSize holds. Refuses
  /// a program whose `requires` the device lacks, a launch shape outside the device's limits,
  /// and SPIR-V that is malformed or that the driver rejects, naming the op and the launch.
  Result<VulkanProgram> load(const ProgramDesc &program, std::vector<std::vector<uint32_t>> spirvPerLaunch);
  /// load() of an artifact of target spirv (its kernels' SPIR-V).
  Result<std::shared_ptr<Executable>> load(const Artifact &artifact) override;

private:
  VulkanDevice(std::shared_ptr<vk::Core> core, std::unique_ptr<vk::Queue> queue);
  /// Each argument must be memory of this device. GPU time from timestamp queries (an error when
  /// the queue writes none).
  Status run(const Executable &program, const std::vector<Buffer *> &args, double *gpuMicros) override;

  // Destroyed in reverse order: temporaries' memory, then the queue's objects, then (when no
  // buffer or program holds it any more) the device itself.
  std::shared_ptr<vk::Core> core;
  std::unique_ptr<vk::Queue> queue;
  std::mutex dispatchMutex;    ///< guards `queue` and `scratch`: one dispatch records at a time
  std::unique_ptr<gpu::ScratchPool> scratch; ///< temporaries' memory, reused by later dispatches
};

} // namespace weft
