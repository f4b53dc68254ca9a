// Opening libcuda.so.1 at run time (so one binary runs with or without a CUDA driver) and naming
// driver errors.
#include "Driver.h"

#include <dlfcn.h>

namespace weft::cuda {

namespace {

struct Loaded {
  Functions fn{};
  std::string error; ///< why the driver cannot be used
};

/// The first of `names` the library exports.
void *symbol(void *handle, std::initializer_list<const char *> names) {
  for (const char *n : names)
    if (void *p = dlsym(handle, n)) return p;
  return nullptr;
}

const Loaded &loaded() {
  // Opened once per process and never closed: the driver keeps threads and atexit handlers.
  static const Loaded l = [] {
    Loaded out;
    dlerror();
    void *handle = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char *why = dlerror();
      out.error = std::string("no CUDA driver: cannot open libcuda.so.1 (") + (why ? why : "unknown dlopen error") + ")";
      return out;
    }
    Functions &f = out.fn;
    bool ok = true;
    auto bind = [&](auto &slot, std::initializer_list<const char *> names) {
      slot = reinterpret_cast<std::remove_reference_t<decltype(slot)>>(symbol(handle, names));
      if (!slot && ok) {
        ok = false;
        out.error = std::string("libcuda.so.1 has no ") + *names.begin() + " (a driver older than weft supports)";
      }
    };
    bind(f.cuInit, {"cuInit"});
    bind(f.cuDriverGetVersion, {"cuDriverGetVersion"});
    bind(f.cuDeviceGetCount, {"cuDeviceGetCount"});
    bind(f.cuDeviceGet, {"cuDeviceGet"});
    bind(f.cuDeviceGetName, {"cuDeviceGetName"});
    bind(f.cuDeviceGetAttribute, {"cuDeviceGetAttribute"});
    bind(f.cuDeviceTotalMem, {"cuDeviceTotalMem_v2"});
    bind(f.cuDevicePrimaryCtxRetain, {"cuDevicePrimaryCtxRetain"});
    bind(f.cuDevicePrimaryCtxRelease, {"cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRelease"});
    bind(f.cuCtxSetCurrent, {"cuCtxSetCurrent"});
    bind(f.cuCtxSynchronize, {"cuCtxSynchronize"});
    bind(f.cuMemAllocManaged, {"cuMemAllocManaged"});
    bind(f.cuMemFree, {"cuMemFree_v2"});
    bind(f.cuModuleLoadDataEx, {"cuModuleLoadDataEx"});
    bind(f.cuModuleUnload, {"cuModuleUnload"});
    bind(f.cuModuleGetFunction, {"cuModuleGetFunction"});
    bind(f.cuLaunchKernel, {"cuLaunchKernel"});
    bind(f.cuEventCreate, {"cuEventCreate"});
    bind(f.cuEventDestroy, {"cuEventDestroy_v2", "cuEventDestroy"});
    bind(f.cuEventRecord, {"cuEventRecord"});
    bind(f.cuEventSynchronize, {"cuEventSynchronize"});
    bind(f.cuEventElapsedTime, {"cuEventElapsedTime_v2", "cuEventElapsedTime"});
    bind(f.cuGetErrorName, {"cuGetErrorName"});
    bind(f.cuGetErrorString, {"cuGetErrorString"});
    if (!ok) return out;
    if (std::string e = failure(f, f.cuInit(0), "cuInit"); !e.empty()) out.error = "no CUDA device: " + e;
    return out;
  }();
  return l;
}

} // namespace

const Functions *driver(std::string &error) {
  const Loaded &l = loaded();
  error = l.error;
  return l.error.empty() ? &l.fn : nullptr;
}

std::string failure(const Functions &fn, CUresult r, const char *call) {
  if (r == CUDA_SUCCESS) return "";
  const char *name = nullptr, *text = nullptr;
  if (fn.cuGetErrorName(r, &name) != CUDA_SUCCESS) name = nullptr;
  if (fn.cuGetErrorString(r, &text) != CUDA_SUCCESS) text = nullptr;
  return std::string(call) + " failed: " + (name ? name : "CUresult " + std::to_string(r)) +
         (text ? std::string(" (") + text + ")" : "");
}

std::string Context::makeCurrent() const { return failure(*fn, fn->cuCtxSetCurrent(context), "cuCtxSetCurrent"); }

Context::~Context() {
  if (context) fn->cuDevicePrimaryCtxRelease(device);
}

Module::~Module() {
  if (module && ctx->makeCurrent().empty()) ctx->fn->cuModuleUnload(module);
}

} // namespace weft::cuda
