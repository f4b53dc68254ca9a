// Opening the Vulkan loader at run time (so one binary runs with or without it), naming VkResults,
// and creating the instance every device and list() start from.
#include "Internal.h"

#include <dlfcn.h>

namespace weft::vk {

namespace {

// The loader, opened once per process and never closed: drivers register atexit handlers and
// thread-locals that must not outlive their code, and the handle costs nothing to keep.
struct Loader {
  PFN_vkGetInstanceProcAddr getInstanceProcAddr = nullptr;
  std::string error; ///< why getInstanceProcAddr is null
};

const Loader &loader() {
  static const Loader l = [] {
    Loader out;
    dlerror(); // clear a stale error so the one reported is ours
    void *handle = dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char *why = dlerror();
      out.error =
          std::string("no Vulkan loader: cannot open libvulkan.so.1 (") + (why ? why : "unknown dlopen error") + ")";
      return out;
    }
    out.getInstanceProcAddr = reinterpret_cast<PFN_vkGetInstanceProcAddr>(dlsym(handle, "vkGetInstanceProcAddr"));
    if (!out.getInstanceProcAddr) out.error = "libvulkan.so.1 has no vkGetInstanceProcAddr";
    return out;
  }();
  return l;
}

} // namespace

std::string vkResultName(VkResult r) {
  switch (r) {
#define WEFT_VK_CASE(name)                                                                                             \
  case name: return #name;
    WEFT_VK_CASE(VK_SUCCESS)
    WEFT_VK_CASE(VK_NOT_READY)
    WEFT_VK_CASE(VK_TIMEOUT)
    WEFT_VK_CASE(VK_EVENT_SET)
    WEFT_VK_CASE(VK_EVENT_RESET)
    WEFT_VK_CASE(VK_INCOMPLETE)
    WEFT_VK_CASE(VK_ERROR_OUT_OF_HOST_MEMORY)
    WEFT_VK_CASE(VK_ERROR_OUT_OF_DEVICE_MEMORY)
    WEFT_VK_CASE(VK_ERROR_INITIALIZATION_FAILED)
    WEFT_VK_CASE(VK_ERROR_DEVICE_LOST)
    WEFT_VK_CASE(VK_ERROR_MEMORY_MAP_FAILED)
    WEFT_VK_CASE(VK_ERROR_LAYER_NOT_PRESENT)
    WEFT_VK_CASE(VK_ERROR_EXTENSION_NOT_PRESENT)
    WEFT_VK_CASE(VK_ERROR_FEATURE_NOT_PRESENT)
    WEFT_VK_CASE(VK_ERROR_INCOMPATIBLE_DRIVER)
    WEFT_VK_CASE(VK_ERROR_TOO_MANY_OBJECTS)
    WEFT_VK_CASE(VK_ERROR_FORMAT_NOT_SUPPORTED)
    WEFT_VK_CASE(VK_ERROR_FRAGMENTED_POOL)
    WEFT_VK_CASE(VK_ERROR_UNKNOWN)
    WEFT_VK_CASE(VK_ERROR_OUT_OF_POOL_MEMORY)
    WEFT_VK_CASE(VK_ERROR_INVALID_EXTERNAL_HANDLE)
    WEFT_VK_CASE(VK_ERROR_FRAGMENTATION)
    WEFT_VK_CASE(VK_ERROR_INVALID_OPAQUE_CAPTURE_ADDRESS)
    WEFT_VK_CASE(VK_PIPELINE_COMPILE_REQUIRED)
    WEFT_VK_CASE(VK_ERROR_INVALID_SHADER_NV)
#undef WEFT_VK_CASE
  default: return "VkResult " + std::to_string(int(r));
  }
}

Status check(VkResult r, const std::string &what) {
  if (r == VK_SUCCESS) return Status();
  return Status::error(what + " failed: " + vkResultName(r));
}

Instance::~Instance() {
  if (handle) fn.vkDestroyInstance(handle, nullptr);
}

Result<std::shared_ptr<Instance>> createInstance() {
  const Loader &l = loader();
  if (!l.getInstanceProcAddr) return Status::error(l.error);
  // vkEnumerateInstanceVersion exists from loader 1.1 on; a 1.0 loader cannot create a 1.2 instance.
  auto enumerateVersion = reinterpret_cast<PFN_vkEnumerateInstanceVersion>(
      l.getInstanceProcAddr(VK_NULL_HANDLE, "vkEnumerateInstanceVersion"));
  uint32_t version = VK_API_VERSION_1_0;
  if (enumerateVersion && enumerateVersion(&version) != VK_SUCCESS) version = VK_API_VERSION_1_0;
  if (version < VK_API_VERSION_1_2)
    return Status::error("the Vulkan loader supports API " + std::to_string(VK_API_VERSION_MAJOR(version)) + "." +
                         std::to_string(VK_API_VERSION_MINOR(version)) + "; weft needs Vulkan 1.2");
  auto createInstanceFn =
      reinterpret_cast<PFN_vkCreateInstance>(l.getInstanceProcAddr(VK_NULL_HANDLE, "vkCreateInstance"));
  if (!createInstanceFn) return Status::error("libvulkan.so.1 has no vkCreateInstance");

  auto app = make<VkApplicationInfo>(VK_STRUCTURE_TYPE_APPLICATION_INFO);
  app.pApplicationName = "weft";
  app.pEngineName = "weft";
  app.apiVersion = VK_API_VERSION_1_2;
  auto info = make<VkInstanceCreateInfo>(VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO);
  info.pApplicationInfo = &app;
  auto instance = std::make_shared<Instance>();
  if (VkResult r = createInstanceFn(&info, nullptr, &instance->handle); r != VK_SUCCESS) {
    instance->handle = VK_NULL_HANDLE;
    // The loader's answer when it found no driver (VK_DRIVER_FILES / VK_ICD_FILENAMES choose them).
    const char *hint = r == VK_ERROR_INCOMPATIBLE_DRIVER ? " (no Vulkan driver found, or none supports 1.2)" : "";
    return Status::error("vkCreateInstance failed: " + vkResultName(r) + hint);
  }
  std::string missing; // the first entry point not found
#define WEFT_VK_LOAD(name)                                                                                             \
  instance->fn.name = reinterpret_cast<PFN_##name>(l.getInstanceProcAddr(instance->handle, #name));                    \
  if (!instance->fn.name && missing.empty()) missing = #name;
  WEFT_VK_INSTANCE_FNS(WEFT_VK_LOAD)
#undef WEFT_VK_LOAD
  if (!instance->fn.vkDestroyInstance) {
    instance->handle = VK_NULL_HANDLE; // leaked rather than destroyed through a null pointer
    return Status::error("the Vulkan instance has no vkDestroyInstance");
  }
  if (!missing.empty()) return Status::error("the Vulkan instance has no " + missing);
  return instance;
}

} // namespace weft::vk
