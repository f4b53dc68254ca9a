// The part of the CUDA driver API the device uses, declared here (no CUDA header needed to
// build), loaded from libcuda.so.1 with dlopen, and the state a CudaDevice shares with its
// buffers and programs. Internal to the runtime.
#pragma once

#include "weft/Cuda.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace weft::cuda {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUevent = struct CUevent_st *;
using CUstream = struct CUstream_st *;

// Values from the driver API's cuda.h (stable ABI).
constexpr CUresult CUDA_SUCCESS = 0;
enum Attribute : int {
  kMaxThreadsPerBlock = 1,
  kMaxGridDimX = 5,
  kMaxGridDimY = 6,
  kMultiprocessorCount = 16,
  kComputeCapabilityMajor = 75,
  kComputeCapabilityMinor = 76,
  kManagedMemory = 83,
  kConcurrentManagedAccess = 89,
};
constexpr unsigned kMemAttachGlobal = 1;
constexpr int kJitErrorLogBuffer = 5, kJitErrorLogBufferSizeBytes = 6;

/// The driver entry points, by their versioned symbol names where cuda.h maps them (_v2).
struct Functions {
  CUresult (*cuInit)(unsigned);
  CUresult (*cuDriverGetVersion)(int *);
  CUresult (*cuDeviceGetCount)(int *);
  CUresult (*cuDeviceGet)(CUdevice *, int);
  CUresult (*cuDeviceGetName)(char *, int, CUdevice);
  CUresult (*cuDeviceGetAttribute)(int *, int, CUdevice);
  CUresult (*cuDeviceTotalMem)(size_t *, CUdevice);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*cuDevicePrimaryCtxRelease)(CUdevice);
  CUresult (*cuCtxSetCurrent)(CUcontext);
  CUresult (*cuCtxSynchronize)();
  CUresult (*cuMemAllocManaged)(CUdeviceptr *, size_t, unsigned);
  CUresult (*cuMemFree)(CUdeviceptr);
  CUresult (*cuModuleLoadDataEx)(CUmodule *, const void *, unsigned, int *, void **);
  CUresult (*cuModuleUnload)(CUmodule);
  CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
                             CUstream, void **, void **);
  CUresult (*cuEventCreate)(CUevent *, unsigned);
  CUresult (*cuEventDestroy)(CUevent);
  CUresult (*cuEventRecord)(CUevent, CUstream);
  CUresult (*cuEventSynchronize)(CUevent);
  CUresult (*cuEventElapsedTime)(float *, CUevent, CUevent);
  CUresult (*cuGetErrorName)(CUresult, const char **);
  CUresult (*cuGetErrorString)(CUresult, const char **);
};

/// The driver, opened and initialised (cuInit) once per process; null with the reason in
/// `error` when there is no libcuda.so.1, a symbol is missing, or cuInit fails (no GPU).
const Functions *driver(std::string &error);

/// "" on success, else "CALL: CUDA_ERROR_NAME (the driver's description)".
std::string failure(const Functions &fn, CUresult r, const char *call);

/// One device in its primary context, shared by the CudaDevice, its buffers and its programs (so
/// that the context outlives everything allocated or loaded in it).
struct Context {
  const Functions *fn = nullptr;
  CUdevice device = 0;
  CUcontext context = nullptr;
  CudaCaps caps;
  std::mutex allocationsMutex;
  std::map<uintptr_t, size_t> allocations; ///< base -> bytes of every live allocation
  ~Context();
  /// Makes the context current on the calling thread; "" or why not.
  std::string makeCurrent() const;
};

struct Module {
  std::shared_ptr<Context> ctx;
  CUmodule module = nullptr;
  std::vector<CUfunction> functions; ///< one per launch
  ~Module();
};

} // namespace weft::cuda
