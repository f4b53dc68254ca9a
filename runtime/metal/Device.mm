// The Metal device (weft/Metal.h, docs/metal.md): opening a GPU, its shared-storage buffers,
// compiling MSL into compute pipelines, and checked dispatch with the launch ABI of docs/abi.md.
// Objective-C++ with ARC; built on Apple platforms only.
#import <Foundation/Foundation.h>
#import <Metal/Metal.h>

#include "../GpuLaunch.h"
#include "weft/Artifact.h"
#include "weft/Metal.h"

#include <cstring>
#include <map>

namespace weft {
namespace metal {

/// The device, its queue and the buffers it handed out (by their contents' address), so that
/// dispatch finds the MTLBuffer and offset of every argument, views included.
struct Core {
  id<MTLDevice> device = nil;
  id<MTLCommandQueue> queue = nil;
  MetalCaps caps;
  std::mutex allocationsMutex;
  struct Allocation {
    size_t bytes;
    id<MTLBuffer> buffer;
  };
  std::map<uintptr_t, Allocation> allocations;
};

struct Library {
  std::shared_ptr<Core> core;
  std::vector<id<MTLComputePipelineState>> pipelines;
};

} // namespace metal

using namespace metal;

namespace {

std::string joined(const std::vector<std::string> &items) {
  std::string out;
  for (const std::string &s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string text(NSString *s) { return s ? std::string(s.UTF8String) : std::string(); }

std::string describeError(NSError *error) { return error ? text(error.localizedDescription) : "no reason given"; }

/// Every Metal device of the system, in a fixed order (macOS lists several; elsewhere the one).
NSArray<id<MTLDevice>> *allDevices() {
#if TARGET_OS_OSX
  return MTLCopyAllDevices();
#else
  id<MTLDevice> d = MTLCreateSystemDefaultDevice();
  return d ? @[ d ] : @[];
#endif
}

/// MSL's bfloat: Metal 3.1 (macOS 14, iOS 17) on an Apple6+ or Metal3 GPU, as ggml checks it.
bool supportsBFloat(id<MTLDevice> d) {
  if (@available(macOS 14.0, iOS 17.0, *))
    return [d supportsFamily:MTLGPUFamilyApple6] || [d supportsFamily:MTLGPUFamilyMetal3];
  return false;
}

} // namespace

std::string MetalCaps::describe() const {
  return deviceName + " (Metal, " + (unifiedMemory ? "unified memory, " : "") + "working set " +
         std::to_string(workingSetBytes >> 20) + " MiB, max " + std::to_string(maxThreadsPerThreadgroup) +
         " threads per threadgroup" + (bfloat ? ", bfloat" : "") + ")";
}

std::string MetalCaps::missing(const std::vector<std::string> &needs) const {
  std::vector<std::string> lacking, unknown;
  for (const std::string &n : needs) {
    if (n == "bfloat") {
      if (!bfloat) lacking.push_back("bfloat (Metal 3.1 on an Apple6+ or Metal3 GPU)");
    } else {
      unknown.push_back(n);
    }
  }
  std::string out;
  if (!lacking.empty()) out = "the device lacks " + joined(lacking);
  if (!unknown.empty()) out += (out.empty() ? "" : "; ") + std::string("unknown requirements ") + joined(unknown);
  return out;
}

Result<std::vector<std::string>> MetalDevice::list() {
  @autoreleasepool {
    std::vector<std::string> names;
    for (id<MTLDevice> d in allDevices()) names.push_back(text(d.name));
    return names;
  }
}

Result<std::unique_ptr<MetalDevice>> MetalDevice::open(int index) {
  @autoreleasepool {
    auto core = std::make_shared<Core>();
    if (index < 0) {
      core->device = MTLCreateSystemDefaultDevice();
      if (!core->device) return Status::error("no Metal device: MTLCreateSystemDefaultDevice returned none");
    } else {
      NSArray<id<MTLDevice>> *devices = allDevices();
      if (NSUInteger(index) >= devices.count)
        return Status::error("no Metal device " + std::to_string(index) + " (the system lists " +
                             std::to_string(devices.count) + ")");
      core->device = devices[NSUInteger(index)];
    }
    core->queue = [core->device newCommandQueue];
    if (!core->queue) return Status::error("Metal device '" + text(core->device.name) + "': no command queue");
    MetalCaps &caps = core->caps;
    caps.deviceName = text(core->device.name);
    caps.bfloat = supportsBFloat(core->device);
    caps.unifiedMemory = core->device.hasUnifiedMemory;
    caps.maxThreadsPerThreadgroup = core->device.maxThreadsPerThreadgroup.width;
    caps.workingSetBytes = core->device.recommendedMaxWorkingSetSize;
    return std::unique_ptr<MetalDevice>(new MetalDevice(std::move(core)));
  }
}

MetalDevice::MetalDevice(std::shared_ptr<Core> c) : core(std::move(c)), scratch(std::make_unique<gpu::ScratchPool>()) {}

MetalDevice::~MetalDevice() = default;

std::string MetalDevice::name() const { return core->caps.deviceName; }

const MetalCaps &MetalDevice::caps() const { return core->caps; }

Result<Buffer> MetalDevice::allocate(DType dtype, Shape shape) {
  Result<size_t> bytes = contiguousBytes(dtype, shape);
  if (!bytes) return bytes.status();
  @autoreleasepool {
    const size_t size = std::max<size_t>(*bytes, 1);
    id<MTLBuffer> buffer = [core->device newBufferWithLength:size options:MTLResourceStorageModeShared];
    if (!buffer)
      return Status::error("cannot allocate " + std::to_string(*bytes) + " bytes on Metal device '" + name() + "'");
    void *data = buffer.contents;
    std::memset(data, 0, size); // zero-filled, like every device's allocate
    {
      std::lock_guard<std::mutex> lock(core->allocationsMutex);
      core->allocations[uintptr_t(data)] = {size, buffer};
    }
    std::shared_ptr<Core> keep = core;
    // The map holds the MTLBuffer; the owner's deleter lets it go with the last view.
    std::shared_ptr<void> owner(data, [keep](void *p) {
      std::lock_guard<std::mutex> lock(keep->allocationsMutex);
      keep->allocations.erase(uintptr_t(p));
    });
    return Buffer::wrap(std::move(owner), data, *bytes, dtype, std::move(shape));
  }
}

Result<std::shared_ptr<Executable>> MetalDevice::load(const Artifact &artifact) {
  const ProgramDesc &program = artifact.program;
  auto fail = [&](const std::string &why) {
    return Status::error("weft." + program.op + " on Metal device '" + name() + "': " + why);
  };
  if (artifact.target != target())
    return fail("it loads artifacts of target " + target() + ", not '" + artifact.target + "' (function '" +
                artifact.function + "')");
  if (std::string m = caps().missing(program.requires); !m.empty())
    return fail("the program requires " + joined(program.requires) + ": " + m);
  if (program.launches.empty()) return fail("the program has no launch");
  @autoreleasepool {
    MTLCompileOptions *options = [MTLCompileOptions new];
    // Safe math: fast math reassociates and flushes, and results would drift from the reference.
    if (@available(macOS 15.0, iOS 18.0, *)) options.mathMode = MTLMathModeSafe;
    else options.fastMathEnabled = NO;
    if (@available(macOS 14.0, iOS 17.0, *)) options.languageVersion = MTLLanguageVersion3_1; // bfloat
    auto library = std::make_shared<Library>();
    library->core = core;
    for (const LaunchDesc &l : program.launches) {
      const KernelCode *code = nullptr;
      for (const KernelCode &k : artifact.kernels)
        if (k.entry == l.entry) code = &k;
      if (!code || code->source.empty()) return fail("the artifact holds no MSL source for launch '" + l.entry + "'");
      if (l.group < 1 || uint64_t(l.group) > caps().maxThreadsPerThreadgroup || l.items < 1)
        return fail("launch '" + l.entry + "' has " + std::to_string(l.group) + " threads per workgroup and " +
                    std::to_string(l.items) + " items (rule: 1.." + std::to_string(caps().maxThreadsPerThreadgroup) +
                    " threads, at least 1 item)");
      NSError *error = nil;
      NSString *source = [NSString stringWithUTF8String:code->source.c_str()];
      id<MTLLibrary> lib = [core->device newLibraryWithSource:source options:options error:&error];
      if (!lib) return fail("the Metal compiler rejects kernel '" + l.entry + "': " + describeError(error));
      id<MTLFunction> function = [lib newFunctionWithName:[NSString stringWithUTF8String:l.entry.c_str()]];
      if (!function) return fail("kernel '" + l.entry + "' is not in its compiled library");
      id<MTLComputePipelineState> pipeline = [core->device newComputePipelineStateWithFunction:function error:&error];
      if (!pipeline) return fail("no compute pipeline for kernel '" + l.entry + "': " + describeError(error));
      if (uint64_t(l.group) > pipeline.maxTotalThreadsPerThreadgroup)
        return fail("launch '" + l.entry + "' has " + std::to_string(l.group) +
                    " threads per workgroup; its pipeline takes at most " +
                    std::to_string(pipeline.maxTotalThreadsPerThreadgroup));
      library->pipelines.push_back(pipeline);
    }
    auto loaded = std::make_shared<MetalProgram>();
    loaded->desc = program;
    loaded->library = std::move(library);
    return std::shared_ptr<Executable>(std::move(loaded));
  }
}

Status MetalDevice::run(const Executable &exe, const std::vector<Buffer *> &args, double *gpuMicros) {
  const ProgramDesc &program = exe.program();
  const std::string device = "Metal device '" + name() + "'";
  auto fail = [&](const std::string &why) { return Status::error("weft." + program.op + ": " + why); };
  auto *mp = dynamic_cast<const MetalProgram *>(&exe);
  if (!mp || !mp->library || mp->library->core != core) return fail("the program was not loaded on " + device);
  // The MTLBuffer and offset of `b`, which must lie in an allocation of this device.
  struct Bound {
    id<MTLBuffer> buffer;
    NSUInteger offset;
  };
  auto bind = [&](const Buffer &b, Bound &out) {
    uintptr_t at = uintptr_t(b.data());
    std::lock_guard<std::mutex> lock(core->allocationsMutex);
    auto it = core->allocations.upper_bound(at);
    if (it == core->allocations.begin()) return false;
    --it;
    if (at + b.bytes() > it->first + it->second.bytes) return false;
    out = {it->second.buffer, NSUInteger(at - it->first)};
    return true;
  };
  std::vector<Bound> bound(args.size());
  auto locate = [&](size_t i, const Buffer &b) -> std::string {
    return bind(b, bound[i]) ? ""
                             : argumentName(program, i) + " is not memory of " + device +
                                   " (allocate it with MetalDevice::allocate)";
  };
  // Metal's grid has no small limit; the kernels fold (x, y) as on Vulkan, whose limits serve.
  Result<gpu::CheckedDispatch> checked = gpu::checkDispatch(program, args, 65535, 65535, device, locate);
  if (!checked) return checked.status();
  const std::vector<int64_t> &params = checked->params;
  const std::vector<gpu::Groups> &groups = checked->groups;

  std::lock_guard<std::mutex> lock(dispatchMutex);
  auto temps = scratch->take(program, checked->tempShapes, [&](size_t bytes) { return allocate(DType::i8, {int64_t(bytes)}); });
  if (!temps) return temps.status();
  for (Buffer *t : *temps) {
    bound.emplace_back();
    if (!bind(*t, bound.back())) return fail("a temporary is not memory of " + device);
  }
  auto allocateParams = [&](DType t, Shape shape) { return allocate(t, std::move(shape)); };
  if (Status s = gpu::writeParamBlock(paramBlock, params, allocateParams); !s) return fail(s.message());
  Bound paramsBound;
  if (!bind(paramBlock, paramsBound)) return fail("the parameter block is not memory of " + device);

  @autoreleasepool {
    id<MTLCommandBuffer> commands = [core->queue commandBuffer];
    id<MTLComputeCommandEncoder> encoder = [commands computeCommandEncoder];
    for (size_t i = 0; i < program.launches.size(); ++i) {
      const gpu::Groups &g = groups[i];
      if (!g.x) continue; // an empty grid: nothing to run
      // Buffers in program order (inputs, outputs, temporaries), then the parameter block.
      [encoder setComputePipelineState:mp->library->pipelines[i]];
      for (size_t b = 0; b < bound.size(); ++b)
        [encoder setBuffer:bound[b].buffer offset:bound[b].offset atIndex:NSUInteger(b)];
      [encoder setBuffer:paramsBound.buffer offset:paramsBound.offset atIndex:NSUInteger(bound.size())];
      [encoder dispatchThreadgroups:MTLSizeMake(g.x, g.y, 1)
              threadsPerThreadgroup:MTLSizeMake(NSUInteger(program.launches[i].group), 1, 1)];
      // A later launch sees what an earlier one wrote.
      [encoder memoryBarrierWithScope:MTLBarrierScopeBuffers];
    }
    [encoder endEncoding];
    [commands commit];
    [commands waitUntilCompleted];
    if (commands.status != MTLCommandBufferStatusCompleted)
      return fail("running the kernels on " + device + ": " + describeError(commands.error));
    if (gpuMicros) *gpuMicros = (commands.GPUEndTime - commands.GPUStartTime) * 1e6;
  }
  return Status();
}

} // namespace weft
