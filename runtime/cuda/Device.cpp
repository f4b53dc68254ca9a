// The CUDA device: choosing and opening a GPU, its unified-memory buffers, loading PTX, and
// checked dispatch (docs/cuda.md; the launch ABI is docs/abi.md's "GPU launches").
#include "Driver.h"

#include "../GpuLaunch.h"
#include "weft/Artifact.h"

#include <charconv>
#include <cstdlib>
#include <cstring>

namespace weft {

using namespace cuda;

namespace {

std::string joined(const std::vector<std::string> &items) {
  std::string out;
  for (const std::string &s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

/// $WEFT_CUDA_DEVICE as an index, or -1 when unset; an error when set to anything else.
Result<int> deviceFromEnvironment() {
  const char *env = std::getenv("WEFT_CUDA_DEVICE");
  if (!env || !*env) return -1;
  int v = -1;
  const char *end = env + std::strlen(env);
  auto [p, ec] = std::from_chars(env, end, v);
  if (ec != std::errc() || p != end || v < 0)
    return Status::error(std::string("WEFT_CUDA_DEVICE='") + env + "' is not a device index (0, 1, ...)");
  return v;
}

} // namespace

std::string CudaCaps::describe() const {
  return deviceName + " (CUDA, compute capability " + std::to_string(computeMajor) + "." +
         std::to_string(computeMinor) + ", driver " + std::to_string(driverVersion / 1000) + "." +
         std::to_string(driverVersion % 1000 / 10) + ", " + std::to_string(multiprocessors) + " SMs, " +
         std::to_string(totalBytes >> 20) + " MiB, max " + std::to_string(maxThreadsPerBlock) +
         " threads per block" + (concurrentManagedAccess ? ", concurrent managed access" : "") + ")";
}

std::string CudaCaps::missing(const std::vector<std::string> &needs) const {
  std::vector<std::string> lacking, unknown;
  for (const std::string &n : needs) {
    int major = 0, minor = 0;
    if (n.size() >= 4 && n.compare(0, 3, "sm_") == 0) {
      int sm = 0;
      auto [p, ec] = std::from_chars(n.data() + 3, n.data() + n.size(), sm);
      if (ec != std::errc() || p != n.data() + n.size() || sm <= 0) {
        unknown.push_back(n);
        continue;
      }
      major = sm / 10, minor = sm % 10;
      if (computeMajor < major || (computeMajor == major && computeMinor < minor))
        lacking.push_back(n + " (the device is sm_" + std::to_string(computeMajor * 10 + computeMinor) + ")");
    } else if (n != "int8" && n != "int16" && n != "int64" && n != "float16" && n != "float64" && n != "storage8" &&
               n != "storage16") {
      unknown.push_back(n);
    }
  }
  std::string out;
  if (!lacking.empty()) out = "the device lacks " + joined(lacking);
  if (!unknown.empty()) out += (out.empty() ? "" : "; ") + std::string("unknown requirements ") + joined(unknown);
  return out;
}

Result<std::vector<std::string>> CudaDevice::list() {
  std::string error;
  const Functions *fn = driver(error);
  if (!fn) return Status::error(error);
  int count = 0;
  if (std::string e = failure(*fn, fn->cuDeviceGetCount(&count), "cuDeviceGetCount"); !e.empty())
    return Status::error(e);
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i) {
    CUdevice d = 0;
    char name[256] = {0};
    if (fn->cuDeviceGet(&d, i) != CUDA_SUCCESS || fn->cuDeviceGetName(name, sizeof name - 1, d) != CUDA_SUCCESS)
      std::strcpy(name, "(unreadable)");
    names.push_back(name);
  }
  return names;
}

Result<std::unique_ptr<CudaDevice>> CudaDevice::open(int index) {
  std::string error;
  const Functions *fn = driver(error);
  if (!fn) return Status::error(error);
  if (index < 0) {
    Result<int> env = deviceFromEnvironment();
    if (!env) return env.status();
    index = *env < 0 ? 0 : *env;
  }
  int count = 0;
  if (std::string e = failure(*fn, fn->cuDeviceGetCount(&count), "cuDeviceGetCount"); !e.empty())
    return Status::error(e);
  if (index >= count)
    return Status::error("no CUDA device " + std::to_string(index) + " (the driver lists " + std::to_string(count) + ")");

  auto ctx = std::make_shared<Context>();
  ctx->fn = fn;
  auto call = [&](CUresult r, const char *what) { return failure(*fn, r, what); };
  if (std::string e = call(fn->cuDeviceGet(&ctx->device, index), "cuDeviceGet"); !e.empty()) return Status::error(e);
  CudaCaps &caps = ctx->caps;
  char name[256] = {0};
  if (std::string e = call(fn->cuDeviceGetName(name, sizeof name - 1, ctx->device), "cuDeviceGetName"); !e.empty())
    return Status::error(e);
  caps.deviceName = name;
  struct {
    int *out;
    Attribute attr;
  } attrs[] = {{&caps.computeMajor, kComputeCapabilityMajor}, {&caps.computeMinor, kComputeCapabilityMinor},
               {&caps.multiprocessors, kMultiprocessorCount},  {&caps.maxThreadsPerBlock, kMaxThreadsPerBlock},
               {&caps.maxGridX, kMaxGridDimX},                 {&caps.maxGridY, kMaxGridDimY}};
  for (auto &a : attrs)
    if (std::string e = call(fn->cuDeviceGetAttribute(a.out, a.attr, ctx->device), "cuDeviceGetAttribute"); !e.empty())
      return Status::error(e);
  int managed = 0, concurrent = 0;
  fn->cuDeviceGetAttribute(&managed, kManagedMemory, ctx->device);
  fn->cuDeviceGetAttribute(&concurrent, kConcurrentManagedAccess, ctx->device);
  caps.managedMemory = managed, caps.concurrentManagedAccess = concurrent;
  size_t total = 0;
  fn->cuDeviceTotalMem(&total, ctx->device);
  caps.totalBytes = total;
  fn->cuDriverGetVersion(&caps.driverVersion);
  if (!caps.managedMemory)
    return Status::error("CUDA device '" + caps.deviceName + "' has no managed memory, which weft's buffers are");
  if (std::string e = call(fn->cuDevicePrimaryCtxRetain(&ctx->context, ctx->device), "cuDevicePrimaryCtxRetain");
      !e.empty()) {
    ctx->context = nullptr;
    return Status::error(e);
  }
  return std::unique_ptr<CudaDevice>(new CudaDevice(std::move(ctx)));
}

CudaDevice::CudaDevice(std::shared_ptr<Context> c) : ctx(std::move(c)), scratch(std::make_unique<gpu::ScratchPool>()) {}

CudaDevice::~CudaDevice() = default;

std::string CudaDevice::name() const { return ctx->caps.deviceName; }

const CudaCaps &CudaDevice::caps() const { return ctx->caps; }

Result<Buffer> CudaDevice::allocate(DType dtype, Shape shape) {
  Result<size_t> bytes = contiguousBytes(dtype, shape);
  if (!bytes) return bytes.status();
  if (std::string e = ctx->makeCurrent(); !e.empty()) return Status::error(e);
  CUdeviceptr ptr = 0;
  const size_t size = std::max<size_t>(*bytes, 1);
  if (std::string e = failure(*ctx->fn, ctx->fn->cuMemAllocManaged(&ptr, size, kMemAttachGlobal), "cuMemAllocManaged");
      !e.empty())
    return Status::error("cannot allocate " + std::to_string(*bytes) + " bytes on CUDA device '" + name() + "': " + e);
  void *data = reinterpret_cast<void *>(uintptr_t(ptr));
  std::memset(data, 0, size); // zero-filled, like every device's allocate
  {
    std::lock_guard<std::mutex> lock(ctx->allocationsMutex);
    ctx->allocations[uintptr_t(ptr)] = size;
  }
  std::shared_ptr<Context> keep = ctx;
  std::shared_ptr<void> owner(data, [keep](void *p) {
    {
      std::lock_guard<std::mutex> lock(keep->allocationsMutex);
      keep->allocations.erase(uintptr_t(p));
    }
    if (keep->makeCurrent().empty()) keep->fn->cuMemFree(CUdeviceptr(uintptr_t(p)));
  });
  return Buffer::wrap(std::move(owner), data, *bytes, dtype, std::move(shape));
}

Result<std::shared_ptr<Executable>> CudaDevice::load(const Artifact &artifact) {
  const ProgramDesc &program = artifact.program;
  auto fail = [&](const std::string &why) {
    return Status::error("weft." + program.op + " on CUDA device '" + name() + "': " + why);
  };
  if (artifact.target != target())
    return fail("it loads artifacts of target " + target() + ", not '" + artifact.target + "' (function '" +
                artifact.function + "')");
  if (std::string m = caps().missing(program.requires); !m.empty())
    return fail("the program requires " + joined(program.requires) + ": " + m);
  if (program.launches.empty()) return fail("the program has no launch");
  for (const LaunchDesc &l : program.launches)
    if (l.group < 1 || l.group > caps().maxThreadsPerBlock || l.items < 1)
      return fail("launch '" + l.entry + "' has " + std::to_string(l.group) + " threads per workgroup and " +
                  std::to_string(l.items) + " items (rule: 1.." + std::to_string(caps().maxThreadsPerBlock) +
                  " threads, at least 1 item)");
  if (artifact.source.find(".entry") == std::string::npos) return fail("the artifact holds no PTX kernel");
  if (std::string e = ctx->makeCurrent(); !e.empty()) return fail(e);

  auto module = std::make_shared<Module>();
  module->ctx = ctx;
  char log[8192] = {0};
  int options[] = {kJitErrorLogBuffer, kJitErrorLogBufferSizeBytes};
  void *values[] = {log, reinterpret_cast<void *>(uintptr_t(sizeof log - 1))};
  if (std::string e = failure(*ctx->fn, ctx->fn->cuModuleLoadDataEx(&module->module, artifact.source.c_str(), 2,
                                                                    options, values),
                              "cuModuleLoadDataEx");
      !e.empty()) {
    module->module = nullptr;
    return fail("the driver rejects the PTX: " + e + (log[0] ? std::string(": ") + log : ""));
  }
  for (const LaunchDesc &l : program.launches) {
    CUfunction f = nullptr;
    if (std::string e = failure(*ctx->fn, ctx->fn->cuModuleGetFunction(&f, module->module, l.entry.c_str()),
                                "cuModuleGetFunction");
        !e.empty())
      return fail("launch '" + l.entry + "': " + e);
    module->functions.push_back(f);
  }
  auto loaded = std::make_shared<CudaProgram>();
  loaded->desc = program;
  loaded->module = std::move(module);
  return std::shared_ptr<Executable>(std::move(loaded));
}

Status CudaDevice::run(const Executable &exe, const std::vector<Buffer *> &args, double *gpuMicros) {
  const ProgramDesc &program = exe.program();
  const std::string device = "CUDA device '" + name() + "'";
  auto fail = [&](const std::string &why) { return Status::error("weft." + program.op + ": " + why); };
  auto *cp = dynamic_cast<const CudaProgram *>(&exe);
  if (!cp || !cp->module || cp->module->ctx != ctx) return fail("the program was not loaded on " + device);
  // Every argument must lie in an allocation of this device (unified memory the GPU can reach).
  auto locate = [&](size_t i, const Buffer &b) -> std::string {
    uintptr_t at = uintptr_t(b.data());
    std::lock_guard<std::mutex> lock(ctx->allocationsMutex);
    auto it = ctx->allocations.upper_bound(at);
    bool inside = it != ctx->allocations.begin() && (--it, at + b.bytes() <= it->first + it->second);
    return inside ? "" : argumentName(program, i) + " is not memory of " + device + " (allocate it with CudaDevice::allocate)";
  };
  Result<gpu::CheckedDispatch> checked =
      gpu::checkDispatch(program, args, caps().maxGridX, caps().maxGridY, device, locate);
  if (!checked) return checked.status();
  const std::vector<int64_t> &params = checked->params;
  const std::vector<gpu::Groups> &groups = checked->groups;

  std::lock_guard<std::mutex> lock(dispatchMutex);
  if (std::string e = ctx->makeCurrent(); !e.empty()) return fail(e);
  auto temps = scratch->take(program, checked->tempShapes, [&](size_t bytes) { return allocate(DType::i8, {int64_t(bytes)}); });
  if (!temps) return temps.status();
  auto allocateParams = [&](DType t, Shape shape) { return allocate(t, std::move(shape)); };
  if (Status s = gpu::writeParamBlock(paramBlock, params, allocateParams); !s) return fail(s.message());

  // The kernel's arguments: one device pointer per buffer (inputs, outputs, temporaries), then the
  // parameter block's; cuLaunchKernel takes the address of each.
  std::vector<CUdeviceptr> pointers;
  for (Buffer *a : args) pointers.push_back(CUdeviceptr(uintptr_t(a->data())));
  for (Buffer *t : *temps) pointers.push_back(CUdeviceptr(uintptr_t(t->data())));
  pointers.push_back(CUdeviceptr(uintptr_t(paramBlock.data())));
  std::vector<void *> kernelArgs;
  for (CUdeviceptr &p : pointers) kernelArgs.push_back(&p);

  const Functions &fn = *ctx->fn;
  CUevent events[2] = {nullptr, nullptr};
  auto destroyEvents = [&] {
    for (CUevent e : events)
      if (e) fn.cuEventDestroy(e);
  };
  if (gpuMicros)
    for (CUevent &e : events)
      if (std::string err = failure(fn, fn.cuEventCreate(&e, 0), "cuEventCreate"); !err.empty())
        return destroyEvents(), fail(err);
  if (gpuMicros) fn.cuEventRecord(events[0], nullptr);
  for (size_t i = 0; i < program.launches.size(); ++i) {
    const gpu::Groups &g = groups[i];
    if (!g.x) continue; // an empty grid: nothing to run
    // Launches on one stream run in order: a later one sees what an earlier one wrote.
    CUresult r = fn.cuLaunchKernel(cp->module->functions[i], g.x, g.y, 1, unsigned(program.launches[i].group), 1, 1,
                                   0, nullptr, kernelArgs.data(), nullptr);
    if (std::string e = failure(fn, r, "cuLaunchKernel"); !e.empty())
      return destroyEvents(), fail("launch " + std::to_string(i) + " '" + program.launches[i].entry + "': " + e);
  }
  if (gpuMicros) fn.cuEventRecord(events[1], nullptr);
  if (std::string e = failure(fn, fn.cuCtxSynchronize(), "cuCtxSynchronize"); !e.empty())
    return destroyEvents(), fail("running the kernels: " + e);
  if (gpuMicros) {
    float ms = 0;
    std::string e = failure(fn, fn.cuEventElapsedTime(&ms, events[0], events[1]), "cuEventElapsedTime");
    destroyEvents();
    if (!e.empty()) return fail(e);
    *gpuMicros = double(ms) * 1000.0;
  }
  return Status();
}

} // namespace weft
