// Device memory as weft::Buffer: one VkBuffer per allocation, bound to its own memory and mapped
// for its whole life, so that data() is an ordinary host pointer (inputs are written and results
// read through it, and Buffer::wrap views work unchanged). In staged memory (Core::staged) the
// mapped buffer is a host-visible staging copy and kernels bind a device-local twin; dispatch
// copies between them (Launch.cpp), so the host side looks the same.
//
// How dispatch finds the VkBuffer of a Buffer: the device keeps a registry of its allocations by
// the address range of their mapping (Core::regions). Buffer stays device-neutral (no handle or
// device field to keep consistent through wrap and copies), views into an allocation need no new
// API, and a Buffer of another device or of host memory is recognised by its address not being in
// the registry. The cost is one map lookup per argument per dispatch.
#include "Internal.h"

#include <algorithm>
#include <cstring>
#include <functional>

namespace weft {

namespace {

// Allocations are rounded up to this: enough for any element and any vector access, and every
// binding of a whole allocation starts aligned for storage-buffer offsets.
constexpr size_t kGranule = 64;

// A VkBuffer and its memory.
struct Piece {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
};

// Owns one allocation; the Buffer's owner. Holds the Core so the VkDevice outlives its memory.
struct Allocation {
  std::shared_ptr<vk::Core> core;
  Piece mapped;  // the host's view: mapped at `data`
  Piece device;  // staged memory only: the device-local buffer kernels bind
  void *data = nullptr;

  ~Allocation() {
    vk::Core &c = *core;
    if (data) {
      {
        std::lock_guard<std::mutex> lock(c.regionsMutex);
        c.regions.erase(reinterpret_cast<uintptr_t>(data));
      }
      c.fn.vkUnmapMemory(c.device, mapped.memory);
    }
    for (Piece *p : {&mapped, &device}) {
      if (p->buffer) c.fn.vkDestroyBuffer(c.device, p->buffer, nullptr);
      if (p->memory) c.fn.vkFreeMemory(c.device, p->memory, nullptr);
    }
  }
};

// Memory types allowed by `bits` that have all of `flags`, the device's order (its preference).
std::vector<uint32_t> typesWith(const VkPhysicalDeviceMemoryProperties &m, uint32_t bits, VkMemoryPropertyFlags flags) {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < m.memoryTypeCount; ++i)
    if ((bits & (1u << i)) && (m.memoryTypes[i].propertyFlags & flags) == flags) out.push_back(i);
  return out;
}

// The types of `first` (in order), then those of `then` that `first` lacks.
std::vector<uint32_t> preferring(std::vector<uint32_t> first, const std::vector<uint32_t> &then) {
  for (uint32_t t : then)
    if (std::find(first.begin(), first.end(), t) == first.end()) first.push_back(t);
  return first;
}

// A buffer of `bytes` with `usage`, bound to memory of the first type that takes it among
// `types(bits)` (the buffer's allowed types, in order of preference). `what` names the allocation
// in errors.
Result<Piece> createPiece(vk::Core &c, size_t bytes, VkBufferUsageFlags usage,
                          const std::function<std::vector<uint32_t>(uint32_t bits)> &types, const std::string &who,
                          const std::string &what) {
  Piece p;
  auto info = vk::make<VkBufferCreateInfo>(VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO);
  info.size = bytes;
  info.usage = usage;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  if (Status s = vk::check(c.fn.vkCreateBuffer(c.device, &info, nullptr, &p.buffer),
                           who + "vkCreateBuffer of " + std::to_string(bytes) + " bytes");
      !s)
    return s;
  // On any failure below: the buffer and whatever memory was allocated go.
  auto failed = [&](Status s) -> Result<Piece> {
    if (p.memory) c.fn.vkFreeMemory(c.device, p.memory, nullptr);
    c.fn.vkDestroyBuffer(c.device, p.buffer, nullptr);
    return s;
  };
  VkMemoryRequirements req{};
  c.fn.vkGetBufferMemoryRequirements(c.device, p.buffer, &req);
  const std::vector<uint32_t> candidates = types(req.memoryTypeBits);
  if (candidates.empty()) return failed(Status::error(who + "no memory type fits " + what));
  VkResult last = VK_ERROR_OUT_OF_DEVICE_MEMORY;
  VkDeviceSize largestHeap = 0;
  for (uint32_t t : candidates) {
    // An allocation larger than its heap is invalid usage, not an out-of-memory error (the
    // validation layer's VUID-vkAllocateMemory-pAllocateInfo-01713, met by the large-tensor
    // tests on lavapipe's 2 GiB heap): such a type is passed over.
    const VkDeviceSize heap = c.memory.memoryHeaps[c.memory.memoryTypes[t].heapIndex].size;
    largestHeap = std::max(largestHeap, heap);
    if (req.size > heap) continue;
    auto mem = vk::make<VkMemoryAllocateInfo>(VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO);
    mem.allocationSize = req.size;
    mem.memoryTypeIndex = t;
    last = c.fn.vkAllocateMemory(c.device, &mem, nullptr, &p.memory);
    if (last == VK_SUCCESS) break;
    p.memory = VK_NULL_HANDLE;
  }
  if (req.size > largestHeap)
    return failed(Status::error(who + what + " is more than its largest memory heap holds (" +
                                std::to_string(largestHeap) + " bytes)"));
  if (Status s = vk::check(last, who + "vkAllocateMemory of " + what); !s) return failed(s);
  if (Status s = vk::check(c.fn.vkBindBufferMemory(c.device, p.buffer, p.memory, 0), who + "vkBindBufferMemory"); !s)
    return failed(s);
  return p;
}

} // namespace

Result<Buffer> VulkanDevice::allocate(DType dtype, Shape shape) {
  const std::string who = "VulkanDevice::allocate on '" + name() + "': ";
  Result<size_t> dense = contiguousBytes(dtype, shape);
  if (!dense) return Status::error(who + dense.message());
  size_t bytes = *dense < kGranule ? kGranule : (*dense + kGranule - 1) / kGranule * kGranule;
  if (bytes < *dense) return Status::error(who + std::to_string(*dense) + " bytes cannot be allocated");
  const std::string what = std::to_string(bytes) + " bytes for " + shapeToString(shape) + " " + dtypeName(dtype);

  vk::Core &c = *core;
  auto alloc = std::make_shared<Allocation>();
  alloc->core = core;
  const VkMemoryPropertyFlags mappable = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  const VkMemoryPropertyFlags local = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
  if (c.staged) {
    // Kernels bind device-local memory, types the host cannot map first (a BAR window is small).
    Result<Piece> device = createPiece(
        c, bytes,
        VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
        [&](uint32_t bits) {
          std::vector<uint32_t> onlyLocal;
          for (uint32_t t : typesWith(c.memory, bits, local))
            if (!(c.memory.memoryTypes[t].propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT)) onlyLocal.push_back(t);
          return preferring(onlyLocal, typesWith(c.memory, bits, local));
        },
        who, what + " (device-local)");
    if (!device) return device.status();
    alloc->device = *device;
  }
  // The mapped buffer. Mappable memory: device-local where the host can map it (lavapipe: all
  // of it; NVIDIA: with resizable BAR), keeping kernels' reads local, else host-visible memory,
  // which every device has (a device-local heap that is full falls through to it). Staged: the
  // staging copy, cached where the device offers it (results are read back through it).
  Result<Piece> host = createPiece(
      c, bytes,
      c.staged ? VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT
               : VkBufferUsageFlags(VK_BUFFER_USAGE_STORAGE_BUFFER_BIT),
      [&](uint32_t bits) {
        const VkMemoryPropertyFlags better = c.staged ? VkMemoryPropertyFlags(VK_MEMORY_PROPERTY_HOST_CACHED_BIT)
                                                      : local;
        return preferring(typesWith(c.memory, bits, mappable | better), typesWith(c.memory, bits, mappable));
      },
      who, c.staged ? what + " (host-visible staging)" : what);
  if (!host) return host.status();
  alloc->mapped = *host;
  if (Status s = vk::check(c.fn.vkMapMemory(c.device, alloc->mapped.memory, 0, VK_WHOLE_SIZE, 0, &alloc->data),
                           who + "vkMapMemory of " + what);
      !s) {
    alloc->data = nullptr;
    return s;
  }
  // Zero-filled like Buffer::allocate: Vulkan gives no guarantee about fresh memory's contents.
  // (Staged memory: dispatch copies every argument in before any kernel reads it.)
  std::memset(alloc->data, 0, bytes);
  {
    std::lock_guard<std::mutex> lock(c.regionsMutex);
    c.regions[reinterpret_cast<uintptr_t>(alloc->data)] =
        c.staged ? vk::Region{alloc->device.buffer, alloc->mapped.buffer, bytes}
                 : vk::Region{alloc->mapped.buffer, VK_NULL_HANDLE, bytes};
  }
  void *data = alloc->data;
  return Buffer::wrap(std::move(alloc), data, bytes, dtype, std::move(shape));
}

namespace vk {

Result<Binding> locate(Core &core, const Buffer &b, const std::string &what) {
  const std::string device = "vulkan device '" + core.caps.deviceName + "'";
  // The bytes the kernel may touch: up to the end of the furthest element (wrap checked the
  // arithmetic fits), or one byte at data() for an empty tensor, which must still be bound.
  int64_t last = 0;
  for (size_t d = 0; d < b.shape().size(); ++d) last += (b.shape()[d] > 0 ? b.shape()[d] - 1 : 0) * b.strides()[d];
  const uintptr_t begin = reinterpret_cast<uintptr_t>(b.data());
  const uintptr_t end = begin + (b.numElements() ? uintptr_t(last + 1) * dtypeSize(b.dtype()) : 1);
  Region region;
  uintptr_t base = 0;
  {
    std::lock_guard<std::mutex> lock(core.regionsMutex);
    auto it = core.regions.upper_bound(begin); // the first region starting past `begin`
    if (it != core.regions.begin()) {
      --it;
      base = it->first;
      region = it->second;
    }
  }
  if (!region.buffer || begin >= base + region.size) return Status::error(what + " is not memory of " + device);
  if (end > base + region.size)
    return Status::error(what + " runs " + std::to_string(end - (base + region.size)) +
                         " bytes past the end of its allocation on " + device);
  const VkDeviceSize offset = begin - base;
  if (offset % core.storageOffsetAlignment)
    return Status::error(what + " starts at byte " + std::to_string(offset) + " of its allocation on " + device +
                         ", which binds storage buffers at multiples of " +
                         std::to_string(core.storageOffsetAlignment) + " bytes (minStorageBufferOffsetAlignment)");
  // Bind to the end of the allocation (a kernel may read a few bytes past its last element with a
  // wider access), as far as the device's limit allows.
  const VkDeviceSize range = std::min<VkDeviceSize>(region.size - offset, core.maxStorageBufferRange);
  if (end - begin > range)
    return Status::error(what + " spans " + std::to_string(end - begin) + " bytes; " + device + " binds at most " +
                         std::to_string(core.maxStorageBufferRange) + " (maxStorageBufferRange)");
  return Binding{region.buffer, region.staging, offset, range, VkDeviceSize(end - begin)};
}

} // namespace vk

} // namespace weft
