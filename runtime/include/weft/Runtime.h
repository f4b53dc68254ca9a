// The thin runtime: buffers, devices, loaded kernels and checked dispatch. Links nothing heavier
// than the C++ standard library (GPU drivers are opened with dlopen by their devices).
// No function here throws or aborts on bad input: errors come back as Status / Result values.
#pragma once

#include "weft/Program.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

namespace weft {

/// Success, or one message naming what was wrong.
class Status {
public:
  Status() = default;
  static Status error(std::string message) { return Status(std::move(message)); }
  bool ok() const { return msg.empty(); }
  explicit operator bool() const { return ok(); }
  const std::string &message() const { return msg; }

private:
  explicit Status(std::string m) : msg(m.empty() ? "unknown error" : std::move(m)) {}
  std::string msg;
};

/// A value or an error message.
template <typename T> class Result {
public:
  Result(T value) : v(std::move(value)) {}
  Result(Status s) : v(std::move(s)) {}
  bool ok() const { return v.index() == 0; }
  explicit operator bool() const { return ok(); }
  T &operator*() { return std::get<0>(v); }
  T *operator->() { return &std::get<0>(v); }
  const std::string &message() const { return std::get<1>(v).message(); }
  Status status() const { return ok() ? Status() : std::get<1>(v); }

private:
  std::variant<T, Status> v;
};

enum class DeviceKind { cpu, vulkan, cuda, metal };
const char *deviceKindName(DeviceKind k);

/// A tensor in device memory: dtype, extents and element strides over an allocation.
/// Either owns its memory (allocate) or views memory owned by the caller (wrap).
class Buffer {
public:
  Buffer() = default;
  /// Contiguous, owned, zero-filled, 64-byte aligned.
  static Result<Buffer> allocate(DType dtype, Shape shape);
  /// Views `bytes` bytes at `data`; strides in elements (empty = contiguous). Refuses a view
  /// whose furthest element lies outside [data, data + bytes), negative extents or strides, and a
  /// `data` not aligned to the element size.
  static Result<Buffer> wrap(void *data, size_t bytes, DType dtype, Shape shape, Shape strides = {});
  /// wrap, keeping `owner` alive as long as the buffer or a copy of it lives: how a device hands
  /// out its own memory (VulkanDevice::allocate).
  static Result<Buffer> wrap(std::shared_ptr<void> owner, void *data, size_t bytes, DType dtype, Shape shape,
                             Shape strides = {});

  void *data() const { return ptr; }
  DType dtype() const { return type.dtype; }
  const Shape &shape() const { return type.shape; }
  const Shape &strides() const { return elemStrides; }
  const TensorType &tensorType() const { return type; }
  size_t bytes() const { return capacity; }
  int64_t numElements() const;
  bool isContiguous() const;

private:
  std::shared_ptr<void> owner;
  void *ptr = nullptr;
  size_t capacity = 0;
  TensorType type;
  Shape elemStrides;
};

/// Bytes of a contiguous `dtype` tensor of `shape`; an error naming the extent when one is
/// negative, or the shape when the size does not fit in int64_t.
Result<size_t> contiguousBytes(DType dtype, const Shape &shape);
/// Row-major element strides of a contiguous tensor of `shape` (callers check sizes first).
Shape contiguousStrides(const Shape &shape);

/// Visits every element of `shape` in row-major order, tracking its index and its offset in
/// elements under `strides`: how strided views are copied element by element.
class ElementWalk {
public:
  ElementWalk(const Shape &shape, const Shape &strides);
  explicit ElementWalk(const Buffer &b) : ElementWalk(b.shape(), b.strides()) {}
  bool done() const { return finished; }
  const Shape &index() const { return idx; }
  int64_t offset() const { return off; }
  void next();

private:
  Shape extents, steps, idx;
  int64_t off = 0;
  bool finished = false;
};

/// The CPU entry point every CPU kernel exports (docs/abi.md).
using CpuEntry = void (*)(void *const *bufs, const int64_t *params, int64_t begin, int64_t end);

/// A program ready to dispatch: its description plus one entry per launch. `keepAlive` owns
/// whatever the entries live in (a JIT session, a dlopen handle).
struct CpuKernel {
  ProgramDesc program;
  std::vector<CpuEntry> entries;
  std::shared_ptr<void> keepAlive;
};

/// Loads a shared library built from weft's C++ source and binds the program's launches to its
/// exported entries. The error names the file and the missing symbol.
Result<CpuKernel> loadCpuLibrary(const std::string &path, const ProgramDesc &program);

/// A fixed pool of worker threads; parallelFor splits [0, n) into contiguous chunks. A worker
/// that finishes a job, and a caller waiting for the workers' chunks, spin for up to `spin`
/// before they sleep, so that kernels dispatched back to back find the workers awake.
class ThreadPool {
public:
  static constexpr std::chrono::microseconds kDefaultSpin{1000};
  explicit ThreadPool(unsigned threads, std::chrono::microseconds spin = kDefaultSpin);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;
  unsigned size() const;
  /// Runs fn(begin, end) over chunks covering [0, n), on the caller and the workers; returns
  /// when all are done. Not reentrant from inside fn.
  void parallelFor(int64_t n, const std::function<void(int64_t, int64_t)> &fn);

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

// The one device interface of the runtime: every device (CPU, Vulkan, CUDA; Metal on Apple
// platforms) allocates buffers the host can read and write, loads programs, checks arguments the
// same way (checkArguments) and dispatches, so the execution suites, the demo, the bench and
// weft-run drive each of them through the same code. weft/Device.h opens one by name.
struct Artifact; // weft/Artifact.h

/// A program loaded on one device, ready to dispatch there.
class Executable {
public:
  virtual ~Executable() = default;
  virtual const ProgramDesc &program() const = 0;
};

class Device {
public:
  Device();
  virtual ~Device() = default;
  Device(const Device &) = delete;
  Device &operator=(const Device &) = delete;
  /// A number no other Device of this process has had: what caches of loaded kernels key on (a
  /// device's address may be reused once it is gone, its kernels with it).
  uint64_t serial() const { return serialNumber; }
  virtual DeviceKind kind() const = 0;
  virtual std::string name() const = 0;
  /// One line: the device's name, kind, driver and the capabilities kernels are gated on.
  virtual std::string describe() const = 0;
  /// The target whose artifacts load() takes ("spirv", "ptx"); "" when the device runs only
  /// kernels given to it otherwise (the CPU: the JIT's, or a library built from target cpp).
  virtual std::string target() const = 0;

  /// A contiguous, zero-filled tensor in this device's memory whose data() the host reads and
  /// writes (host-mapped or unified memory). Views of it made with Buffer::wrap are device
  /// memory too, as long as the allocation lives.
  virtual Result<Buffer> allocate(DType dtype, Shape shape) = 0;
  /// Loads an artifact of target(): refuses another target's, a program that needs a capability
  /// the device lacks, and code the driver rejects, naming the op, the launch and the reason.
  virtual Result<std::shared_ptr<Executable>> load(const Artifact &artifact) = 0;
  /// Checks `args` (inputs, then outputs) with checkArguments and that each is memory this device
  /// can use, then runs every launch in order and waits for them. Nothing runs on an error.
  virtual Status dispatch(const Executable &exe, const std::vector<Buffer *> &args) = 0;
  /// dispatch, returning the device time of the launches in microseconds.
  virtual Result<double> dispatchTimed(const Executable &exe, const std::vector<Buffer *> &args) = 0;

private:
  const uint64_t serialNumber;
};

/// What the GPU devices (Vulkan, CUDA, Metal) share: dispatch and dispatchTimed are one run()
/// that times the launches on the GPU when asked to.
class GpuDevice : public Device {
public:
  Status dispatch(const Executable &exe, const std::vector<Buffer *> &args) final;
  Result<double> dispatchTimed(const Executable &exe, const std::vector<Buffer *> &args) final;

protected:
  /// Checks `args` (gpu::checkDispatch), runs every launch in order and waits for them; when
  /// `gpuMicros` is given, stores the launches' GPU time there in microseconds.
  virtual Status run(const Executable &exe, const std::vector<Buffer *> &args, double *gpuMicros) = 0;
};

/// The host CPU as a device. Threads: WEFT_NUM_THREADS, else the hardware's count. Its kernels
/// come from the JIT (compileCpu) or from a library built from target cpp (loadCpuLibrary):
/// adopt() makes either an Executable; load() of an artifact refuses, since no artifact holds
/// machine code for it.
class CpuDevice final : public Device {
public:
  /// The most threads a CPU device takes (more is a typo, not a machine).
  static constexpr unsigned kMaxThreads = 4096;
  /// WEFT_NUM_THREADS: unset gives 0 (the hardware's count), a thread count from 1 to kMaxThreads
  /// gives it, anything else an error naming the value and the rule. openDevice("cpu") refuses
  /// such a value; a CpuDevice made directly with 0 threads then takes the hardware's count.
  static Result<unsigned> threadsFromEnvironment();
  explicit CpuDevice(unsigned threads = 0);
  DeviceKind kind() const override { return DeviceKind::cpu; }
  std::string name() const override;
  std::string describe() const override;
  std::string target() const override { return ""; }
  ThreadPool &pool() { return threadPool; }

  Result<Buffer> allocate(DType dtype, Shape shape) override { return Buffer::allocate(dtype, std::move(shape)); }
  Result<std::shared_ptr<Executable>> load(const Artifact &artifact) override;
  /// `kernel` as an Executable of this device.
  std::shared_ptr<Executable> adopt(CpuKernel kernel);
  Status dispatch(const Executable &exe, const std::vector<Buffer *> &args) override;
  /// dispatch, returning its wall time in microseconds.
  Result<double> dispatchTimed(const Executable &exe, const std::vector<Buffer *> &args) override;

  /// Checks `args` (inputs, then outputs, as the program lists them) against the kernel's
  /// signature and the op's shape rules, allocates temporaries, fills the parameter block and
  /// runs every launch. A mismatch is an error naming the argument, the value and the rule;
  /// nothing is launched then.
  Status dispatch(const CpuKernel &kernel, const std::vector<Buffer *> &args);

private:
  ThreadPool threadPool;
  std::mutex scratchMutex;     ///< guards `scratch`: dispatch may be called from several threads
  std::vector<Buffer> scratch; ///< temporaries' memory, reused by later dispatches
};

/// The checks dispatch makes, for any device: dtypes, ranks, static extents, the op's shape rule,
/// contiguity where the op needs it, and that every view fits its allocation. On success
/// `params` holds the filled parameter block for the arguments and temporaries, and `tempShapes`
/// the temporaries' extents.
Status checkArguments(const ProgramDesc &program, const std::vector<Buffer *> &args,
                      std::vector<int64_t> &params, std::vector<Shape> &tempShapes);

/// The op's names of the program's arguments, inputs then outputs: {"cols", "y"} for col2im_1d.
std::vector<std::string> argumentNames(const ProgramDesc &program);
/// How messages name argument `i` of `program`: "input a (argument 0)", "output y (argument 1)".
std::string argumentName(const ProgramDesc &program, size_t i);

/// A launch's grid size from its factors and a filled parameter block: the product of
/// ceil(extent / tile). -1 when a factor is invalid (a slot past the block, a negative extent, a
/// tile <= 0) or the product overflows; checkArguments reports those cases in words.
int64_t gridSize(const LaunchDesc &launch, const std::vector<int64_t> &params);

} // namespace weft
