// Opening a device by name, and listing the devices present (weft/Device.h).
#include "weft/Device.h"
#include "weft/Cuda.h"
#include "weft/Vulkan.h"
#if WEFT_HAS_METAL
#include "weft/Metal.h"
#endif

#include <atomic>
#include <charconv>

namespace weft {

Device::Device() : serialNumber([] {
  static std::atomic<uint64_t> next{1};
  return next++;
}()) {}

Status GpuDevice::dispatch(const Executable &exe, const std::vector<Buffer *> &args) {
  return run(exe, args, nullptr);
}

Result<double> GpuDevice::dispatchTimed(const Executable &exe, const std::vector<Buffer *> &args) {
  double micros = 0;
  if (Status s = run(exe, args, &micros); !s) return s;
  return micros;
}

namespace {

/// "vulkan:2" -> ("vulkan", 2); "cuda" -> ("cuda", -1: the device's own default choice).
bool splitName(const std::string &name, std::string &kind, int &index) {
  size_t colon = name.find(':');
  kind = name.substr(0, colon);
  index = -1;
  if (colon == std::string::npos) return true;
  const char *b = name.data() + colon + 1, *e = name.data() + name.size();
  auto [p, ec] = std::from_chars(b, e, index);
  return ec == std::errc() && p == e && index >= 0;
}

template <typename D> void listKind(const char *kind, std::vector<std::string> &out) {
  auto names = D::list();
  if (!names) {
    out.push_back(std::string(kind) + ": none (" + names.message() + ")");
    return;
  }
  if (names->empty()) out.push_back(std::string(kind) + ": none (the driver lists no device)");
  for (size_t i = 0; i < names->size(); ++i) out.push_back(std::string(kind) + ":" + std::to_string(i) + ": " + (*names)[i]);
}

} // namespace

Result<std::unique_ptr<Device>> openDevice(const std::string &name) {
  std::string kind;
  int index = -1;
  if (!splitName(name, kind, index))
    return Status::error("device '" + name + "': the index after ':' must be an integer >= 0 (e.g. vulkan:1)");
  if (kind == "cpu" && index < 0) {
    Result<unsigned> threads = CpuDevice::threadsFromEnvironment();
    if (!threads) return Status::error("device 'cpu': " + threads.message());
    return std::unique_ptr<Device>(new CpuDevice(*threads));
  }
  if (kind == "best" && index < 0) {
    // A GPU where there is one: CUDA first (its PTX is weft's fastest GPU path, docs/cuda.md),
    // Metal on Apple platforms, then a Vulkan GPU; a CPU implementation of Vulkan (lavapipe) is
    // slower than the CPU itself.
    if (auto d = CudaDevice::open(-1)) return std::unique_ptr<Device>(std::move(*d));
#if WEFT_HAS_METAL
    if (auto d = MetalDevice::open(-1)) return std::unique_ptr<Device>(std::move(*d));
#endif
    if (auto d = VulkanDevice::open(-1); d && !(*d)->caps().cpu) return std::unique_ptr<Device>(std::move(*d));
    return std::unique_ptr<Device>(new CpuDevice());
  }
  if (kind == "vulkan") {
    auto d = VulkanDevice::open(index);
    if (!d) return d.status();
    return std::unique_ptr<Device>(std::move(*d));
  }
  if (kind == "cuda") {
    auto d = CudaDevice::open(index);
    if (!d) return d.status();
    return std::unique_ptr<Device>(std::move(*d));
  }
  if (kind == "metal") {
#if WEFT_HAS_METAL
    auto d = MetalDevice::open(index);
    if (!d) return d.status();
    return std::unique_ptr<Device>(std::move(*d));
#else
    return Status::error("no Metal device: weft's Metal device is built on Apple platforms only");
#endif
  }
  return Status::error("unknown device '" + name +
                       "' (known: best, cpu, vulkan, vulkan:N, cuda, cuda:N, metal, metal:N)");
}

std::vector<std::string> listDevices() {
  std::vector<std::string> out = {"cpu: " + CpuDevice().name()};
  listKind<VulkanDevice>("vulkan", out);
  listKind<CudaDevice>("cuda", out);
#if WEFT_HAS_METAL
  listKind<MetalDevice>("metal", out);
#endif
  return out;
}

} // namespace weft
