// What the Vulkan device's files share: the dlopen'ed entry points, the instance and device they
// are bound to, and the registry that maps host addresses back to VkBuffers. Not installed.
#pragma once

#define VK_NO_PROTOTYPES // every entry point comes from vkGetInstanceProcAddr / vkGetDeviceProcAddr
#include <vulkan/vulkan.h>

#include "weft/Vulkan.h"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace weft::vk {

// Entry points resolved through vkGetInstanceProcAddr(instance, ...).
#define WEFT_VK_INSTANCE_FNS(X)                                                                                        \
  X(vkDestroyInstance)                                                                                                 \
  X(vkEnumeratePhysicalDevices)                                                                                        \
  X(vkGetPhysicalDeviceProperties)                                                                                     \
  X(vkGetPhysicalDeviceProperties2)                                                                                    \
  X(vkGetPhysicalDeviceFeatures2)                                                                                      \
  X(vkGetPhysicalDeviceQueueFamilyProperties)                                                                          \
  X(vkGetPhysicalDeviceMemoryProperties)                                                                               \
  X(vkCreateDevice)                                                                                                    \
  X(vkGetDeviceProcAddr)

// Entry points resolved through vkGetDeviceProcAddr(device, ...).
#define WEFT_VK_DEVICE_FNS(X)                                                                                          \
  X(vkDestroyDevice)                                                                                                   \
  X(vkGetDeviceQueue)                                                                                                  \
  X(vkCreateBuffer)                                                                                                    \
  X(vkDestroyBuffer)                                                                                                   \
  X(vkGetBufferMemoryRequirements)                                                                                     \
  X(vkAllocateMemory)                                                                                                  \
  X(vkFreeMemory)                                                                                                      \
  X(vkBindBufferMemory)                                                                                                \
  X(vkMapMemory)                                                                                                       \
  X(vkUnmapMemory)                                                                                                     \
  X(vkCreateShaderModule)                                                                                              \
  X(vkDestroyShaderModule)                                                                                             \
  X(vkCreateDescriptorSetLayout)                                                                                       \
  X(vkDestroyDescriptorSetLayout)                                                                                      \
  X(vkCreatePipelineLayout)                                                                                            \
  X(vkDestroyPipelineLayout)                                                                                           \
  X(vkCreatePipelineCache)                                                                                             \
  X(vkDestroyPipelineCache)                                                                                            \
  X(vkCreateComputePipelines)                                                                                          \
  X(vkDestroyPipeline)                                                                                                 \
  X(vkCreateDescriptorPool)                                                                                            \
  X(vkDestroyDescriptorPool)                                                                                           \
  X(vkResetDescriptorPool)                                                                                             \
  X(vkAllocateDescriptorSets)                                                                                          \
  X(vkUpdateDescriptorSets)                                                                                            \
  X(vkCreateCommandPool)                                                                                               \
  X(vkDestroyCommandPool)                                                                                              \
  X(vkAllocateCommandBuffers)                                                                                          \
  X(vkResetCommandBuffer)                                                                                              \
  X(vkBeginCommandBuffer)                                                                                              \
  X(vkEndCommandBuffer)                                                                                                \
  X(vkCmdBindPipeline)                                                                                                 \
  X(vkCmdBindDescriptorSets)                                                                                           \
  X(vkCmdPushConstants)                                                                                                \
  X(vkCmdDispatch)                                                                                                     \
  X(vkCmdCopyBuffer)                                                                                                   \
  X(vkCmdPipelineBarrier)                                                                                              \
  X(vkCmdResetQueryPool)                                                                                               \
  X(vkCmdWriteTimestamp)                                                                                               \
  X(vkCreateQueryPool)                                                                                                 \
  X(vkDestroyQueryPool)                                                                                                \
  X(vkGetQueryPoolResults)                                                                                             \
  X(vkCreateFence)                                                                                                     \
  X(vkDestroyFence)                                                                                                    \
  X(vkResetFences)                                                                                                     \
  X(vkWaitForFences)                                                                                                   \
  X(vkQueueSubmit)

#define WEFT_VK_DECLARE(name) PFN_##name name = nullptr;
struct InstanceFns {
  WEFT_VK_INSTANCE_FNS(WEFT_VK_DECLARE)
};
struct DeviceFns {
  WEFT_VK_DEVICE_FNS(WEFT_VK_DECLARE)
};
#undef WEFT_VK_DECLARE

/// A zeroed Vulkan structure with its sType (and pNext) set: brace-initialising only the first
/// member would leave -Wmissing-field-initializers warnings in every file.
template <typename T> T make(VkStructureType type, void *next = nullptr) {
  T v{};
  v.sType = type;
  v.pNext = next;
  return v;
}

/// "VK_ERROR_DEVICE_LOST" etc.; unknown codes as their number.
std::string vkResultName(VkResult r);
/// ok, or "<what> failed: <VkResult name>".
Status check(VkResult r, const std::string &what);

/// A VkInstance at API 1.2 and its entry points; destroyed with the last holder.
struct Instance {
  VkInstance handle = VK_NULL_HANDLE;
  InstanceFns fn;
  ~Instance();
};
/// Opens libvulkan.so.1 (once per process) and creates an instance; the error says what is missing.
Result<std::shared_ptr<Instance>> createInstance();

/// One allocation: the VkBuffer kernels bind, bound to its own memory. Mappable memory: that
/// buffer is mapped for the whole of its life. Staged memory (Core::staged): it is device-local,
/// and `staging`, a host-visible buffer of the same size, holds the mapping; dispatch copies
/// between the two.
struct Region {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkBuffer staging = VK_NULL_HANDLE;
  size_t size = 0;
};

/// The logical device: everything buffers and programs need to outlive the VulkanDevice object.
struct Core {
  std::shared_ptr<Instance> instance;
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  DeviceFns fn;
  VkQueue queue = VK_NULL_HANDLE;
  uint32_t queueFamily = 0;
  uint32_t timestampValidBits = 0;
  VkPhysicalDeviceMemoryProperties memory{};
  VkDeviceSize storageOffsetAlignment = 1; ///< minStorageBufferOffsetAlignment
  uint32_t maxStorageBufferRange = 0;
  uint32_t maxStorageBuffersPerStage = 0; ///< maxPerStageDescriptorStorageBuffers
  VkPipelineCache pipelineCache = VK_NULL_HANDLE;
  VulkanCaps caps;
  bool staged = false; ///< buffers in device-local memory behind host-visible staging copies (caps.stagedMemory)

  /// Allocations by the address of their host mapping. A Buffer carries only a pointer, so this is
  /// how dispatch finds the VkBuffer and offset of any Buffer, views made by Buffer::wrap included.
  std::mutex regionsMutex;
  std::map<uintptr_t, Region> regions;

  ~Core();
};

/// The recording state of dispatch (one at a time, under VulkanDevice::dispatchMutex).
struct Queue {
  std::shared_ptr<Core> core;
  VkCommandPool commandPool = VK_NULL_HANDLE;
  VkCommandBuffer commands = VK_NULL_HANDLE;
  VkFence fence = VK_NULL_HANDLE;
  VkQueryPool timestamps = VK_NULL_HANDLE; ///< two queries; null when the queue has none
  VkDescriptorPool descriptorPool = VK_NULL_HANDLE;
  uint32_t descriptorCapacity = 0; ///< storage-buffer descriptors descriptorPool holds
  ~Queue();
};
Result<std::unique_ptr<Queue>> createQueue(std::shared_ptr<Core> core);

/// A loaded program's Vulkan objects.
struct Pipelines {
  std::shared_ptr<Core> core;
  VkDescriptorSetLayout setLayout = VK_NULL_HANDLE;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  std::vector<VkPipeline> pipelines; ///< one per launch
  uint32_t pushBytes = 0;             ///< the leading parameter slots pushed (see Programs.cpp)
  ~Pipelines();
};

/// Where a buffer's first element lies: the VkBuffer of the allocation holding it, the byte offset,
/// and the bytes from there to the end of the allocation (`range`, what is bound) and to the end
/// of its last element (`bytes`, what staging copies); `staging`, the allocation's host-visible
/// copy in staged memory. An error (naming `what`) when the buffer's elements are not all inside
/// one allocation of `core`, or the offset is misaligned.
struct Binding {
  VkBuffer buffer = VK_NULL_HANDLE, staging = VK_NULL_HANDLE;
  VkDeviceSize offset = 0, range = 0, bytes = 0;
};
Result<Binding> locate(Core &core, const Buffer &b, const std::string &what);

/// weft's f16 conversions (templates/vulkan/weft_f16.glsl) test for 16-bit subnormals unless
/// specialization constant kF16SubnormalsPreservedId is true, which is only right where the module
/// declares DenormPreserve 16 and the device supports it (shaderDenormPreserveFloat16).
constexpr uint32_t kF16SubnormalsPreservedId = 0;
/// Whether `spirv` (a well-framed module) declares that specialization constant.
bool readsF16SubnormalsConstant(const std::vector<uint32_t> &spirv);
/// `spirv` that also declares the DenormPreserve capability and execution mode for 16-bit floats
/// on its entry points.
std::vector<uint32_t> withF16SubnormalsPreserved(const std::vector<uint32_t> &spirv);

} // namespace weft::vk
