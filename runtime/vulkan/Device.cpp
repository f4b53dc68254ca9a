// Choosing a physical device, reading its capabilities, and creating the logical device with
// exactly the optional features it has among those weft's kernels use.
#include "Internal.h"

#include "../GpuLaunch.h"

#include <charconv>
#include <cstdlib>
#include <cstring>

namespace weft {

namespace {

// The capability names of a program's `requires` line and the features each needs; the one
// place that mapping lives. 8- and 16-bit integer arithmetic is useless without loading such
// elements from storage buffers, so int8/int16 need the storage feature too (float16 likewise).
struct Capability {
  const char *name;
  bool VulkanCaps::*first;
  bool VulkanCaps::*second; // the same as `first` when one feature suffices
  const char *features;
};
constexpr Capability kCapabilities[] = {
    {"int8", &VulkanCaps::shaderInt8, &VulkanCaps::storageBuffer8BitAccess, "shaderInt8 + storageBuffer8BitAccess"},
    {"int16", &VulkanCaps::shaderInt16, &VulkanCaps::storageBuffer16BitAccess,
     "shaderInt16 + storageBuffer16BitAccess"},
    {"int64", &VulkanCaps::shaderInt64, &VulkanCaps::shaderInt64, "shaderInt64"},
    {"float16", &VulkanCaps::shaderFloat16, &VulkanCaps::storageBuffer16BitAccess,
     "shaderFloat16 + storageBuffer16BitAccess"},
    {"float64", &VulkanCaps::shaderFloat64, &VulkanCaps::shaderFloat64, "shaderFloat64"},
    {"rte16", &VulkanCaps::shaderRoundingModeRTEFloat16, &VulkanCaps::shaderRoundingModeRTEFloat16,
     "shaderRoundingModeRTEFloat16"},
    {"storage8", &VulkanCaps::storageBuffer8BitAccess, &VulkanCaps::storageBuffer8BitAccess, "storageBuffer8BitAccess"},
    {"storage16", &VulkanCaps::storageBuffer16BitAccess, &VulkanCaps::storageBuffer16BitAccess,
     "storageBuffer16BitAccess"},
};

std::string versionText(uint32_t v) {
  return std::to_string(VK_API_VERSION_MAJOR(v)) + "." + std::to_string(VK_API_VERSION_MINOR(v)) + "." +
         std::to_string(VK_API_VERSION_PATCH(v));
}

// Properties, features and the compute queue of one physical device.
struct Candidate {
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkPhysicalDeviceType type = VK_PHYSICAL_DEVICE_TYPE_OTHER;
  VkPhysicalDeviceLimits limits{};
  VulkanCaps caps;
  int queueFamily = -1; // -1: no compute queue
  uint32_t timestampValidBits = 0;
};

Candidate inspect(const vk::InstanceFns &fn, VkPhysicalDevice physical) {
  Candidate c;
  c.physical = physical;
  VkPhysicalDeviceProperties base{};
  fn.vkGetPhysicalDeviceProperties(physical, &base);
  c.type = base.deviceType;
  c.limits = base.limits;
  VulkanCaps &caps = c.caps;
  caps.deviceName = base.deviceName;
  caps.apiVersion = base.apiVersion;
  caps.driverVersion = base.driverVersion;
  caps.cpu = base.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
  caps.maxPushConstantsSize = base.limits.maxPushConstantsSize;
  for (int i = 0; i < 3; ++i) caps.maxComputeWorkGroupCount[i] = base.limits.maxComputeWorkGroupCount[i];
  caps.maxComputeWorkGroupInvocations = base.limits.maxComputeWorkGroupInvocations;
  caps.timestampPeriod = base.limits.timestampPeriod;

  uint32_t families = 0;
  fn.vkGetPhysicalDeviceQueueFamilyProperties(physical, &families, nullptr);
  std::vector<VkQueueFamilyProperties> props(families);
  fn.vkGetPhysicalDeviceQueueFamilyProperties(physical, &families, props.data());
  for (uint32_t i = 0; i < families; ++i) {
    if (!(props[i].queueFlags & VK_QUEUE_COMPUTE_BIT)) continue;
    // The first compute family, unless a later one also writes timestamps and this one does not.
    if (c.queueFamily < 0 || (!c.timestampValidBits && props[i].timestampValidBits)) {
      c.queueFamily = int(i);
      c.timestampValidBits = props[i].timestampValidBits;
    }
  }
  caps.computeTimestamps = c.timestampValidBits > 0;
  // The 1.1/1.2 structures may only be chained on a 1.2 device; older ones are refused anyway.
  if (base.apiVersion < VK_API_VERSION_1_2) return c;

  auto p12 = vk::make<VkPhysicalDeviceVulkan12Properties>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES);
  auto p11 =
      vk::make<VkPhysicalDeviceVulkan11Properties>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_PROPERTIES, &p12);
  auto props2 = vk::make<VkPhysicalDeviceProperties2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, &p11);
  fn.vkGetPhysicalDeviceProperties2(physical, &props2);
  caps.subgroupSize = p11.subgroupSize;
  caps.shaderRoundingModeRTEFloat16 = p12.shaderRoundingModeRTEFloat16;
  caps.shaderDenormPreserveFloat16 = p12.shaderDenormPreserveFloat16;
  caps.driverName = p12.driverName;
  caps.driverInfo = p12.driverInfo;

  auto f12 = vk::make<VkPhysicalDeviceVulkan12Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES);
  auto f11 = vk::make<VkPhysicalDeviceVulkan11Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES, &f12);
  auto features = vk::make<VkPhysicalDeviceFeatures2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, &f11);
  fn.vkGetPhysicalDeviceFeatures2(physical, &features);
  caps.shaderInt8 = f12.shaderInt8;
  caps.shaderInt16 = features.features.shaderInt16;
  caps.shaderInt64 = features.features.shaderInt64;
  caps.shaderFloat16 = f12.shaderFloat16;
  caps.shaderFloat64 = features.features.shaderFloat64;
  caps.storageBuffer8BitAccess = f12.storageBuffer8BitAccess;
  caps.storageBuffer16BitAccess = f11.storageBuffer16BitAccess;
  return c;
}

// Why `c` cannot be opened, or "".
std::string unusable(const Candidate &c, size_t index) {
  std::string who = "Vulkan device " + std::to_string(index) + " '" + c.caps.deviceName + "'";
  if (c.caps.apiVersion < VK_API_VERSION_1_2)
    return who + " supports Vulkan " + versionText(c.caps.apiVersion) + "; weft needs Vulkan 1.2";
  if (c.queueFamily < 0) return who + " has no compute queue";
  return "";
}

// Automatic choice: discrete, then integrated, then virtual GPUs, then anything (CPU devices).
int rank(VkPhysicalDeviceType t) {
  switch (t) {
  case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 0;
  case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 1;
  case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
  default: return 3;
  }
}

Result<std::vector<VkPhysicalDevice>> enumerate(const vk::Instance &instance) {
  uint32_t count = 0;
  if (Status s = vk::check(instance.fn.vkEnumeratePhysicalDevices(instance.handle, &count, nullptr),
                           "vkEnumeratePhysicalDevices");
      !s)
    return s;
  std::vector<VkPhysicalDevice> devices(count);
  VkResult r = instance.fn.vkEnumeratePhysicalDevices(instance.handle, &count, devices.data());
  if (r != VK_SUCCESS && r != VK_INCOMPLETE) return vk::check(r, "vkEnumeratePhysicalDevices");
  devices.resize(count);
  if (devices.empty())
    return Status::error("no Vulkan device: the loader found no driver (see VK_DRIVER_FILES / VK_ICD_FILENAMES)");
  return devices;
}

// The index open(-1) means: $WEFT_VULKAN_DEVICE, else the best-ranked usable device.
Result<size_t> chooseIndex(const std::vector<Candidate> &all) {
  if (const char *env = std::getenv("WEFT_VULKAN_DEVICE")) {
    size_t v = 0;
    const char *end = env + std::strlen(env);
    auto [p, ec] = std::from_chars(env, end, v);
    if (ec != std::errc() || p != end || v >= all.size())
      return Status::error("WEFT_VULKAN_DEVICE='" + std::string(env) + "' is not a device index (0.." +
                           std::to_string(all.size() - 1) + ")");
    return v;
  }
  int best = -1;
  std::string why;
  for (size_t i = 0; i < all.size(); ++i) {
    if (std::string e = unusable(all[i], i); !e.empty()) {
      why += (why.empty() ? "" : "; ") + e;
      continue;
    }
    if (best < 0 || rank(all[i].type) < rank(all[size_t(best)].type)) best = int(i);
  }
  if (best < 0) return Status::error("no usable Vulkan device: " + why);
  return size_t(best);
}

// Where buffers live (docs/vulkan.md, "Memory"): WEFT_VULKAN_MEMORY=mappable or staged, else
// staged where the device-local memory the host can map is a smaller heap than the largest
// device-local one (a BAR window of 256 MiB without resizable BAR), past which mappable buffers
// would fall back to host memory that every kernel access then crosses the bus for.
Result<bool> stagedMemory(uint64_t mappableDeviceBytes, uint64_t deviceLocalBytes) {
  const char *env = std::getenv("WEFT_VULKAN_MEMORY");
  if (!env || !*env) return mappableDeviceBytes < deviceLocalBytes;
  const std::string mode = env;
  if (mode == "mappable" || mode == "staged") return mode == "staged";
  return Status::error("WEFT_VULKAN_MEMORY = '" + mode + "' is not a memory mode (rule: mappable or staged)");
}

} // namespace

std::string VulkanCaps::describe() const {
  std::string features;
  for (const Capability &c : kCapabilities)
    if (this->*c.first && this->*c.second) features += std::string(features.empty() ? "" : " ") + c.name;
  const uint32_t *n = maxComputeWorkGroupCount;
  return deviceName + (cpu ? " [cpu]" : "") + ", Vulkan " + versionText(apiVersion) + ", driver " + driverName +
         (driverInfo.empty() ? "" : " (" + driverInfo + ")") +
         "; capabilities: " + (features.empty() ? "none" : features) + "; subgroup " + std::to_string(subgroupSize) +
         ", push constants " + std::to_string(maxPushConstantsSize) + " B, workgroups " + std::to_string(n[0]) + "x" +
         std::to_string(n[1]) + "x" + std::to_string(n[2]) +
         " of <= " + std::to_string(maxComputeWorkGroupInvocations) + " threads, " +
         (computeTimestamps ? "timestamps " + std::to_string(timestampPeriod) + " ns/tick" : "no timestamps") +
         ", device-local mappable memory " + std::to_string(mappableDeviceBytes >> 20) + " MiB" +
         (shaderDenormPreserveFloat16 ? ", f16 subnormals preserved on request" : "") +
         (stagedMemory ? ", buffers staged (device-local, copied to and from host-visible memory)" : "");
}

std::string VulkanCaps::missing(const std::vector<std::string> &needs) const {
  std::string lacking, unknown;
  for (const std::string &name : needs) {
    const Capability *found = nullptr;
    for (const Capability &c : kCapabilities)
      if (name == c.name) found = &c;
    if (!found)
      unknown += (unknown.empty() ? "" : ", ") + ("'" + name + "'");
    else if (!(this->*found->first && this->*found->second))
      lacking += (lacking.empty() ? "" : ", ") + name + " (" + found->features + ")";
  }
  std::string known;
  for (const Capability &c : kCapabilities) known += std::string(known.empty() ? "" : ", ") + c.name;
  std::string out;
  if (!lacking.empty()) out = "Vulkan device '" + deviceName + "' lacks " + lacking;
  if (!unknown.empty())
    out += (out.empty() ? "" : "; ") + std::string("unknown capability ") + unknown + " (known: " + known + ")";
  return out;
}

vk::Core::~Core() {
  if (!device || !fn.vkDestroyDevice) return; // nothing created, or a half-loaded table (leaked)
  if (pipelineCache) fn.vkDestroyPipelineCache(device, pipelineCache, nullptr);
  fn.vkDestroyDevice(device, nullptr);
}

Result<std::vector<std::string>> VulkanDevice::list() {
  Result<std::shared_ptr<vk::Instance>> instance = vk::createInstance();
  if (!instance) return instance.status();
  Result<std::vector<VkPhysicalDevice>> devices = enumerate(**instance);
  if (!devices) return devices.status();
  std::vector<std::string> names;
  for (VkPhysicalDevice d : *devices) names.push_back(inspect((*instance)->fn, d).caps.deviceName);
  return names;
}

Result<std::unique_ptr<VulkanDevice>> VulkanDevice::open(int index) {
  Result<std::shared_ptr<vk::Instance>> instance = vk::createInstance();
  if (!instance) return instance.status();
  const vk::InstanceFns &ifn = (*instance)->fn;
  Result<std::vector<VkPhysicalDevice>> devices = enumerate(**instance);
  if (!devices) return devices.status();
  std::vector<Candidate> all;
  for (VkPhysicalDevice d : *devices) all.push_back(inspect(ifn, d));
  if (index >= 0 && size_t(index) >= all.size())
    return Status::error("no Vulkan device " + std::to_string(index) + ": there are " + std::to_string(all.size()));
  if (index < -1) return Status::error("Vulkan device index " + std::to_string(index) + " (rule: -1 or >= 0)");
  Result<size_t> chosen = index >= 0 ? Result<size_t>(size_t(index)) : chooseIndex(all);
  if (!chosen) return chosen.status();
  const Candidate &c = all[*chosen];
  if (std::string e = unusable(c, *chosen); !e.empty()) return Status::error(e);

  auto core = std::make_shared<vk::Core>();
  core->instance = *instance;
  core->physical = c.physical;
  core->caps = c.caps;
  core->queueFamily = uint32_t(c.queueFamily);
  core->timestampValidBits = c.timestampValidBits;
  core->storageOffsetAlignment = c.limits.minStorageBufferOffsetAlignment;
  core->maxStorageBufferRange = c.limits.maxStorageBufferRange;
  core->maxStorageBuffersPerStage = c.limits.maxPerStageDescriptorStorageBuffers;
  ifn.vkGetPhysicalDeviceMemoryProperties(c.physical, &core->memory);
  uint64_t deviceLocalBytes = 0;
  for (uint32_t t = 0; t < core->memory.memoryTypeCount; ++t) {
    const VkMemoryType &type = core->memory.memoryTypes[t];
    const uint64_t heap = core->memory.memoryHeaps[type.heapIndex].size;
    if (!(type.propertyFlags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT)) continue;
    deviceLocalBytes = std::max(deviceLocalBytes, heap);
    if (type.propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT)
      core->caps.mappableDeviceBytes = std::max(core->caps.mappableDeviceBytes, heap);
  }
  Result<bool> staged = stagedMemory(core->caps.mappableDeviceBytes, deviceLocalBytes);
  if (!staged) return staged.status();
  core->staged = core->caps.stagedMemory = *staged;

  // Enable what the device has among the features kernels use: a kernel may need any of them,
  // and which it needs is checked per program (load) against caps.
  auto f12 = vk::make<VkPhysicalDeviceVulkan12Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES);
  f12.shaderInt8 = c.caps.shaderInt8;
  f12.shaderFloat16 = c.caps.shaderFloat16;
  f12.storageBuffer8BitAccess = c.caps.storageBuffer8BitAccess;
  auto f11 = vk::make<VkPhysicalDeviceVulkan11Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES, &f12);
  f11.storageBuffer16BitAccess = c.caps.storageBuffer16BitAccess;
  auto features = vk::make<VkPhysicalDeviceFeatures2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, &f11);
  features.features.shaderInt16 = c.caps.shaderInt16;
  features.features.shaderInt64 = c.caps.shaderInt64;
  features.features.shaderFloat64 = c.caps.shaderFloat64;
  const float priority = 1.0f;
  auto queueInfo = vk::make<VkDeviceQueueCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO);
  queueInfo.queueFamilyIndex = core->queueFamily;
  queueInfo.queueCount = 1;
  queueInfo.pQueuePriorities = &priority;
  auto info = vk::make<VkDeviceCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, &features);
  info.queueCreateInfoCount = 1;
  info.pQueueCreateInfos = &queueInfo;
  const std::string who = "Vulkan device '" + c.caps.deviceName + "': ";
  if (Status s = vk::check(ifn.vkCreateDevice(c.physical, &info, nullptr, &core->device), who + "vkCreateDevice"); !s) {
    core->device = VK_NULL_HANDLE;
    return s;
  }
  std::string missing; // the first entry point not found
#define WEFT_VK_LOAD(name)                                                                                             \
  core->fn.name = reinterpret_cast<PFN_##name>(ifn.vkGetDeviceProcAddr(core->device, #name));                          \
  if (!core->fn.name && missing.empty()) missing = #name;
  WEFT_VK_DEVICE_FNS(WEFT_VK_LOAD)
#undef WEFT_VK_LOAD
  if (!missing.empty()) return Status::error(who + "the driver has no " + missing);
  core->fn.vkGetDeviceQueue(core->device, core->queueFamily, 0, &core->queue);

  auto cacheInfo = vk::make<VkPipelineCacheCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO);
  if (Status s = vk::check(core->fn.vkCreatePipelineCache(core->device, &cacheInfo, nullptr, &core->pipelineCache),
                           who + "vkCreatePipelineCache");
      !s) {
    core->pipelineCache = VK_NULL_HANDLE;
    return s;
  }
  Result<std::unique_ptr<vk::Queue>> queue = vk::createQueue(core);
  if (!queue) return Status::error(who + queue.message());
  return std::unique_ptr<VulkanDevice>(new VulkanDevice(std::move(core), std::move(*queue)));
}

VulkanDevice::VulkanDevice(std::shared_ptr<vk::Core> c, std::unique_ptr<vk::Queue> q)
    : core(std::move(c)), queue(std::move(q)), scratch(std::make_unique<gpu::ScratchPool>()) {}

VulkanDevice::~VulkanDevice() = default;

std::string VulkanDevice::name() const { return core->caps.deviceName; }

const VulkanCaps &VulkanDevice::caps() const { return core->caps; }

} // namespace weft
