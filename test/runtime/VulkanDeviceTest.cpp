// The Vulkan device on whatever the machine has (Mesa's lavapipe on the build machine). Without a
// loader or a device every test skips, with the reason open() gave. The kernels are GLSL shaders
// in shaders/, compiled by glslc at build time, that follow docs/abi.md's GPU launch ABI.
#include "Internal.h" // the SPIR-V edits
#include "TestUtil.h"
#include "weft/Artifact.h"
#include "weft/Vulkan.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <thread>
#include <unistd.h>

using namespace weft;
using weft::test::failsWith;
using weft::test::isOk;
using weft::test::take;

namespace {

std::vector<uint32_t> readSpirv(const std::string &name) {
  std::ifstream in(std::string(WEFT_TEST_SHADER_DIR) + "/" + name + ".spv", std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_FALSE(bytes.empty()) << "cannot read " << name << ".spv";
  std::vector<uint32_t> words(bytes.size() / 4);
  std::memcpy(words.data(), bytes.data(), words.size() * 4);
  return words;
}

// concat along axis 1 of [R][Ca] and [R][Cb] f32: one row per workgroup of 64 threads.
ProgramDesc concatRowsProgram() {
  ProgramDesc p;
  p.op = "concat";
  p.attrs.set("axis", 1);
  p.inputs = {{DType::f32, {kDynamic, kDynamic}}, {DType::f32, {kDynamic, kDynamic}}};
  p.outputs = {{DType::f32, {kDynamic, kDynamic}}};
  LaunchDesc rows{"concat_rows", {{Extent::slot(8), 1}}};
  rows.group = 64;
  rows.items = 1;
  p.launches = {rows};
  return p;
}

// DispatchTest.cpp's concatProgram on the GPU: rank-1 concat into a temporary, then copied out.
ProgramDesc concatThroughTempProgram() {
  ProgramDesc p = weft::test::concatThroughTempProgram("concat_to_tmp", "tmp_to_out");
  p.launches[0].group = p.launches[0].items = 64; // a thread per element
  p.launches[1].group = 4;                        // a workgroup per tile of 3
  p.launches[1].items = 1;
  return p;
}

// Values in +-[0.5, 1.5): never zero, so an element left unwritten shows.
void fillRandom(float *p, int64_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> mag(0.5f, 1.5f);
  for (int64_t i = 0; i < n; ++i) p[i] = (rng() & 1 ? 1.0f : -1.0f) * mag(rng);
}

class VulkanDeviceTest : public ::testing::Test {
protected:
  // One device per process (ctest runs each test in its own), opened on first use.
  static Result<std::unique_ptr<VulkanDevice>> &opened() {
    static Result<std::unique_ptr<VulkanDevice>> r = VulkanDevice::open();
    return r;
  }
  void SetUp() override {
    if (!opened()) GTEST_SKIP() << "no Vulkan device: " << opened().message();
    dev = opened()->get();
  }
  VulkanDevice *dev = nullptr;
};

// The rows test's buffers: a is a strided view (row stride 4) inside a device allocation.
struct RowsCase {
  Buffer aMem, a, b, out;
  RowsCase(VulkanDevice &dev, int64_t rows, unsigned seed) {
    aMem = take(dev.allocate(DType::f32, {rows, 4}));
    a = take(Buffer::wrap(aMem.data(), aMem.bytes(), DType::f32, {rows, 3}, {4, 1}));
    b = take(dev.allocate(DType::f32, {rows, 2}));
    out = take(dev.allocate(DType::f32, {rows, 5}));
    fillRandom(static_cast<float *>(aMem.data()), rows * 4, seed);
    fillRandom(static_cast<float *>(b.data()), rows * 2, seed + 1);
  }
  // Every element of out against the CPU's concat; the count of mismatches.
  int64_t mismatches() const {
    const int64_t rows = out.shape()[0];
    auto *pa = static_cast<const float *>(aMem.data()), *pb = static_cast<const float *>(b.data());
    auto *po = static_cast<const float *>(out.data());
    int64_t bad = 0;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < 5; ++c) {
        float want = c < 3 ? pa[r * 4 + c] : pb[r * 2 + c - 3];
        if (po[r * 5 + c] != want && bad++ < 5)
          ADD_FAILURE() << "out[" << r << "][" << c << "] = " << po[r * 5 + c] << ", want " << want;
      }
    return bad;
  }
};

} // namespace

TEST_F(VulkanDeviceTest, ListsAndDescribesTheDevice) {
  Result<std::vector<std::string>> names = VulkanDevice::list();
  ASSERT_TRUE(isOk(names.status()));
  EXPECT_NE(std::find(names->begin(), names->end(), dev->name()), names->end());
  const VulkanCaps &caps = dev->caps();
  EXPECT_GE(caps.apiVersion, (1u << 22) | (2u << 12)); // 1.2
  EXPECT_GE(caps.maxPushConstantsSize, 128u);
  EXPECT_GE(caps.maxComputeWorkGroupCount[0], 65535u);
  EXPECT_NE(caps.describe().find(dev->name()), std::string::npos) << caps.describe();
  std::printf("%s\n", caps.describe().c_str());
  if (caps.driverName.find("llvmpipe") != std::string::npos) { // lavapipe has all of these
    EXPECT_TRUE(caps.cpu);
    EXPECT_TRUE(caps.shaderInt64 && caps.shaderInt16 && caps.storageBuffer16BitAccess);
    EXPECT_EQ(caps.missing({"int64", "int16", "storage16", "float16", "rte16"}), ""); // f16 kernels need all
  }
  Result<std::unique_ptr<VulkanDevice>> bad = VulkanDevice::open(int(names->size()));
  EXPECT_TRUE(failsWith(bad.status(), {"no Vulkan device", "there are"}));
}

// The module edit that asks a device to keep 16-bit subnormals for weft's f16 conversions: only
// modules that read weft's specialization constant get it, and the result is valid SPIR-V (the
// device that would load it, one reporting shaderDenormPreserveFloat16, is an NVIDIA GPU, not
// lavapipe).
TEST(VulkanSpirv, F16SubnormalsPreservedEditIsValidSpirv) {
  const std::vector<uint32_t> plain = readSpirv("concat_rows"), f16 = readSpirv("f16_widen");
  EXPECT_FALSE(vk::readsF16SubnormalsConstant(plain));
  ASSERT_TRUE(vk::readsF16SubnormalsConstant(f16));
  const std::vector<uint32_t> edited = vk::withF16SubnormalsPreserved(f16);
  EXPECT_EQ(edited.size(), f16.size() + 6); // OpCapability (2 words), OpExecutionMode (4)
  const std::string path = ::testing::TempDir() + "weft_f16_preserved.spv";
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char *>(edited.data()), edited.size() * 4);
  EXPECT_EQ(std::system((std::string(WEFT_SPIRV_VAL) + " --target-env vulkan1.2 " + path).c_str()), 0);
  std::remove(path.c_str());
}

TEST_F(VulkanDeviceTest, CapabilityNamesMapToFeatures) {
  VulkanCaps caps = dev->caps();
  caps.shaderFloat64 = false;
  caps.storageBuffer8BitAccess = false;
  caps.shaderRoundingModeRTEFloat16 = false;
  caps.shaderInt8 = true;
  caps.shaderInt64 = true;
  EXPECT_EQ(caps.missing({"int64"}), "");
  EXPECT_EQ(caps.missing({}), "");
  std::string m = caps.missing({"int64", "float64", "int8", "rte16", "teleport"});
  EXPECT_NE(m.find("lacks float64 (shaderFloat64), int8 (shaderInt8 + storageBuffer8BitAccess), rte16 "
                   "(shaderRoundingModeRTEFloat16)"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("unknown capability 'teleport'"), std::string::npos) << m;
}

TEST_F(VulkanDeviceTest, ConcatRowsMatchesTheCpuPastOneRowOfWorkgroups) {
  std::vector<std::vector<uint32_t>> spirv = {readSpirv("concat_rows")};
  Result<VulkanProgram> program = dev->load(concatRowsProgram(), spirv);
  ASSERT_TRUE(isOk(program.status()));
  // 70000 rows, one workgroup each: a 65535 x 2 grid whose last row is mostly past the end.
  RowsCase c(*dev, 70000, 1);
  ASSERT_TRUE(isOk(dev->dispatch(*program, {&c.a, &c.b, &c.out})));
  EXPECT_EQ(c.mismatches(), 0);
  // A launch with an empty grid is skipped (concat refuses empty inputs: the grid is a constant 0).
  ProgramDesc withEmpty = concatRowsProgram();
  withEmpty.launches.push_back(withEmpty.launches[0]);
  withEmpty.launches[1].grid = {{Extent::constant(0), 1}};
  Result<VulkanProgram> twice = dev->load(withEmpty, {spirv[0], spirv[0]});
  ASSERT_TRUE(isOk(twice.status()));
  RowsCase small(*dev, 100, 2);
  ASSERT_TRUE(isOk(dev->dispatch(*twice, {&small.a, &small.b, &small.out})));
  EXPECT_EQ(small.mismatches(), 0);
}

TEST_F(VulkanDeviceTest, RefusesWhatCheckArgumentsRefuses) {
  Result<VulkanProgram> program = dev->load(concatRowsProgram(), {readSpirv("concat_rows")});
  ASSERT_TRUE(isOk(program.status()));
  RowsCase c(*dev, 8, 3);
  Buffer wide = take(dev->allocate(DType::f32, {8, 6}));
  EXPECT_TRUE(
      failsWith(dev->dispatch(*program, {&c.a, &c.b, &wide}), {"weft.concat: result shape [8, 6] must be [8, 5]"}));
  Buffer half = take(dev->allocate(DType::f16, {8, 2}));
  EXPECT_TRUE(failsWith(dev->dispatch(*program, {&c.a, &half, &c.out}), {"input b (argument 1) has dtype f16"}));
  EXPECT_TRUE(failsWith(dev->dispatch(*program, {&c.a, &c.b}), {"expects 3 buffers"}));
}

// Through the Device interface: an artifact of another target, and a program another kind of
// device loaded, are refused by name; an artifact of target spirv loads and runs.
TEST_F(VulkanDeviceTest, LoadsOnlySpirvArtifactsAndItsOwnPrograms) {
  Artifact a;
  a.function = "rows";
  a.target = "ptx";
  a.program = concatRowsProgram();
  EXPECT_TRUE(failsWith(dev->load(a).status(), {"weft.concat: vulkan device '", "loads artifacts of target spirv, not "
                                                "'ptx' (function 'rows')"}));
  a.target = "spirv";
  std::vector<uint32_t> words = readSpirv("concat_rows");
  a.kernels = {{"concat_rows", "", {}}};
  a.kernels[0].binary.resize(words.size() * 4);
  std::memcpy(a.kernels[0].binary.data(), words.data(), a.kernels[0].binary.size());
  Result<std::shared_ptr<Executable>> loaded = dev->load(a);
  ASSERT_TRUE(isOk(loaded.status()));
  RowsCase c(*dev, 8, 5);
  ASSERT_TRUE(isOk(dev->dispatch(**loaded, {&c.a, &c.b, &c.out})));
  EXPECT_EQ(c.mismatches(), 0);
  CpuDevice cpu(1);
  std::shared_ptr<Executable> foreign = cpu.adopt(CpuKernel{concatRowsProgram(), {}, nullptr});
  EXPECT_TRUE(failsWith(dev->dispatch(*foreign, {&c.a, &c.b, &c.out}),
                        {"weft.concat: the program was loaded on another kind of device, not vulkan device '"}));
}

TEST_F(VulkanDeviceTest, RefusesMemoryThatIsNotTheDevices) {
  Result<VulkanProgram> program = dev->load(concatRowsProgram(), {readSpirv("concat_rows")});
  ASSERT_TRUE(isOk(program.status()));
  RowsCase c(*dev, 8, 4);
  Buffer host = take(Buffer::allocate(DType::f32, {8, 3}));
  EXPECT_TRUE(failsWith(dev->dispatch(*program, {&host, &c.b, &c.out}),
                        {"weft.concat: input a (argument 0) is not memory of vulkan device '", dev->name().c_str()}));
  // A view reaching one element past its allocation (wrap trusts the byte count it is given): an
  // input whose last element (at 7 * s0 + s1) is element n of an n-element allocation, so that
  // it reaches no other argument's memory (an output there is refused for the overlap first).
  Buffer small = take(dev->allocate(DType::f32, {2}));
  const int64_t n = int64_t(small.bytes() / sizeof(float)), s0 = (n - 1) / 7, s1 = n - 7 * s0;
  Buffer past = take(Buffer::wrap(small.data(), small.bytes() + 64, DType::f32, {8, 2}, {s0, s1}));
  EXPECT_TRUE(
      failsWith(dev->dispatch(*program, {&c.a, &past, &c.out}), {"input b (argument 1) runs 4 bytes past the end"}));
  // A view starting off the storage-buffer offset alignment cannot be bound.
  if (c.aMem.bytes() > 4) {
    Buffer shifted =
        take(Buffer::wrap(static_cast<float *>(c.aMem.data()) + 1, c.aMem.bytes() - 4, DType::f32, {8, 3}, {4, 1}));
    Status s = dev->dispatch(*program, {&shifted, &c.b, &c.out});
    if (!s.ok()) {
      EXPECT_TRUE(failsWith(s, {"input a (argument 0) starts at byte 4", "minStorageBufferOffsetAlignment"}));
    }
  }
}

TEST_F(VulkanDeviceTest, RefusesProgramsTheDeviceCannotRun) {
  ProgramDesc p = concatRowsProgram();
  p.requires = {"int64", "teleport"};
  EXPECT_TRUE(failsWith(dev->load(p, {readSpirv("concat_rows")}).status(),
                        {"weft.concat on vulkan device", "requires int64 teleport", "unknown capability 'teleport'"}));
  p = concatRowsProgram();
  p.launches[0].group = 32; // the shader says 64
  EXPECT_TRUE(failsWith(dev->load(p, {readSpirv("concat_rows")}).status(),
                        {"launch 0 'concat_rows'", "workgroups of 64 threads", "group=32"}));
  p = concatRowsProgram();
  p.launches[0].items = 5;
  EXPECT_TRUE(failsWith(dev->load(p, {readSpirv("concat_rows")}).status(), {"items=5", "items is 1 or group=64"}));
  EXPECT_TRUE(failsWith(dev->load(concatRowsProgram(), {}).status(), {"0 SPIR-V modules for 1 launches"}));
  // A parameter block larger than the push constants still loads: its leading slots are pushed
  // (the compiler's kernels read only slots below Vulkan's guaranteed 128 bytes).
  p = concatRowsProgram();
  const size_t rank = dev->caps().maxPushConstantsSize / (3 * 2 * 8) + 1;
  for (TensorType *t : {&p.inputs[0], &p.inputs[1], &p.outputs[0]}) t->shape.assign(rank, kDynamic);
  EXPECT_TRUE(dev->load(p, {readSpirv("concat_rows")}).ok());
}

TEST_F(VulkanDeviceTest, BadSpirvIsAnErrorNotACrash) {
  const ProgramDesc p = concatRowsProgram();
  auto loadWith = [&](std::vector<uint32_t> words) { return dev->load(p, {std::move(words)}).status(); };
  EXPECT_TRUE(failsWith(loadWith({1, 2, 3}), {"launch 0 'concat_rows': the SPIR-V is 3 words long"}));
  EXPECT_TRUE(failsWith(loadWith({0xdeadbeef, 0x10000, 0, 10, 0, 7}), {"starts with 0xdeadbeef", "magic"}));
  std::vector<uint32_t> good = readSpirv("concat_rows");
  EXPECT_TRUE(failsWith(loadWith({good.begin(), good.begin() + long(good.size() / 2)}), {"is truncated"}));
  std::vector<uint32_t> zero = good;
  zero[5] = 0; // the first instruction claims zero words
  EXPECT_TRUE(failsWith(loadWith(zero), {"an instruction of zero words at word 5"}));
  std::vector<uint32_t> header(good.begin(), good.begin() + 5);
  EXPECT_TRUE(failsWith(loadWith(header), {"no GLCompute entry point named \"main\""}));
}

TEST_F(VulkanDeviceTest, TemporariesCarryOneLaunchToTheNext) {
  Result<VulkanProgram> program =
      dev->load(concatThroughTempProgram(), {readSpirv("concat_to_tmp"), readSpirv("tmp_to_out")});
  ASSERT_TRUE(isOk(program.status()));
  for (int64_t n : {1000, 77, 1001}) { // later dispatches reuse (or outgrow) the temporary
    Buffer aMem = take(dev->allocate(DType::f32, {2 * n}));
    Buffer a = take(Buffer::wrap(aMem.data(), aMem.bytes(), DType::f32, {n}, {2})); // every other float
    Buffer b = take(dev->allocate(DType::f32, {n + 5}));
    Buffer out = take(dev->allocate(DType::f32, {2 * n + 5}));
    fillRandom(static_cast<float *>(aMem.data()), 2 * n, unsigned(n));
    fillRandom(static_cast<float *>(b.data()), n + 5, unsigned(n) + 1);
    ASSERT_TRUE(isOk(dev->dispatch(*program, {&a, &b, &out})));
    auto *pa = static_cast<const float *>(aMem.data()), *pb = static_cast<const float *>(b.data());
    auto *po = static_cast<const float *>(out.data());
    int64_t bad = 0;
    for (int64_t i = 0; i < 2 * n + 5; ++i) bad += po[i] != (i < n ? pa[2 * i] : pb[i - n]);
    EXPECT_EQ(bad, 0) << "n = " << n;
  }
}

TEST_F(VulkanDeviceTest, DispatchTimedReportsGpuTime) {
  Result<VulkanProgram> program = dev->load(concatRowsProgram(), {readSpirv("concat_rows")});
  ASSERT_TRUE(isOk(program.status()));
  RowsCase c(*dev, 70000, 5);
  Result<double> us = dev->dispatchTimed(*program, {&c.a, &c.b, &c.out});
  if (!dev->caps().computeTimestamps) {
    EXPECT_TRUE(failsWith(us.status(), {"no timestamps"}));
    return;
  }
  ASSERT_TRUE(isOk(us.status()));
  EXPECT_GT(*us, 0.0);
  EXPECT_EQ(c.mismatches(), 0);
}

TEST_F(VulkanDeviceTest, DispatchesFromSeveralThreads) {
  Result<VulkanProgram> program =
      dev->load(concatThroughTempProgram(), {readSpirv("concat_to_tmp"), readSpirv("tmp_to_out")});
  Result<VulkanProgram> rows = dev->load(concatRowsProgram(), {readSpirv("concat_rows")});
  ASSERT_TRUE(isOk(program.status()) && isOk(rows.status()));
  std::vector<int64_t> bad(4, 0);
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int rep = 0; rep < 5; ++rep) {
        RowsCase c(*dev, 3000 + 100 * t, 10 * t + rep);
        if (!dev->dispatch(*rows, {&c.a, &c.b, &c.out}).ok() || c.mismatches()) ++bad[t];
        const int64_t n = 500 + 10 * t;
        Buffer a = take(dev->allocate(DType::f32, {n})), b = take(dev->allocate(DType::f32, {n}));
        Buffer out = take(dev->allocate(DType::f32, {2 * n}));
        fillRandom(static_cast<float *>(a.data()), n, t);
        fillRandom(static_cast<float *>(b.data()), n, t + 7);
        if (!dev->dispatch(*program, {&a, &b, &out}).ok()) ++bad[t];
        auto *po = static_cast<const float *>(out.data());
        for (int64_t i = 0; i < 2 * n; ++i)
          bad[t] += po[i] != (i < n ? static_cast<float *>(a.data())[i] : static_cast<float *>(b.data())[i - n]);
      }
    });
  for (std::thread &th : threads) th.join();
  EXPECT_EQ(bad, std::vector<int64_t>(4, 0));
}

// WEFT_VULKAN_MEMORY picks where buffers live; in staged memory every dispatch copies its
// arguments to device-local buffers and its outputs back. An output in the middle of an
// allocation comes back with the rest of the allocation intact; a strided input view is read
// right.
TEST_F(VulkanDeviceTest, StagedMemoryCopiesArgumentsInAndOutputsBack) {
  const char *before = std::getenv("WEFT_VULKAN_MEMORY");
  const std::string saved = before ? before : "";
  setenv("WEFT_VULKAN_MEMORY", "device", 1);
  EXPECT_TRUE(failsWith(VulkanDevice::open().status(),
                        {"WEFT_VULKAN_MEMORY = 'device' is not a memory mode (rule: mappable or staged)"}));
  setenv("WEFT_VULKAN_MEMORY", "staged", 1);
  Result<std::unique_ptr<VulkanDevice>> staged = VulkanDevice::open();
  if (before) setenv("WEFT_VULKAN_MEMORY", saved.c_str(), 1);
  else unsetenv("WEFT_VULKAN_MEMORY");
  ASSERT_TRUE(isOk(staged.status()));
  VulkanDevice &d = **staged;
  EXPECT_TRUE(d.caps().stagedMemory);
  EXPECT_NE(d.describe().find("buffers staged"), std::string::npos) << d.describe();

  Result<VulkanProgram> program = d.load(concatRowsProgram(), {readSpirv("concat_rows")});
  ASSERT_TRUE(isOk(program.status()));
  const int64_t rows = 300;
  RowsCase c(d, rows, 11);
  // out: rows x 5 inside a larger allocation, from element 16 (64 bytes, an offset every device
  // binds at), the elements before and after it sentinels.
  const int64_t total = rows * 5 + 48;
  Buffer outMem = take(d.allocate(DType::f32, {total}));
  auto *mem = static_cast<float *>(outMem.data());
  for (int64_t i = 0; i < total; ++i) mem[i] = float(-1 - i);
  Buffer out = take(Buffer::wrap(mem + 16, size_t(rows * 5) * 4, DType::f32, {rows, 5}));
  ASSERT_TRUE(isOk(d.dispatch(*program, {&c.a, &c.b, &out})));
  auto *pa = static_cast<const float *>(c.aMem.data()), *pb = static_cast<const float *>(c.b.data());
  int64_t bad = 0;
  for (int64_t i = 0; i < total; ++i) {
    const int64_t r = (i - 16) / 5, col = (i - 16) % 5;
    const bool inside = i >= 16 && r < rows;
    const float want = !inside ? float(-1 - i) : col < 3 ? pa[r * 4 + col] : pb[r * 2 + col - 3];
    if (mem[i] != want && bad++ < 5) ADD_FAILURE() << "element " << i << " = " << mem[i] << ", want " << want;
  }
  EXPECT_EQ(bad, 0);
  // A composite's temporary stays on the device between its launches.
  Result<VulkanProgram> viaTemp =
      d.load(concatThroughTempProgram(), {readSpirv("concat_to_tmp"), readSpirv("tmp_to_out")});
  ASSERT_TRUE(isOk(viaTemp.status()));
  const int64_t n = 777;
  Buffer a = take(d.allocate(DType::f32, {n})), b = take(d.allocate(DType::f32, {n + 5}));
  Buffer cat = take(d.allocate(DType::f32, {2 * n + 5}));
  fillRandom(static_cast<float *>(a.data()), n, 3);
  fillRandom(static_cast<float *>(b.data()), n + 5, 4);
  ASSERT_TRUE(isOk(d.dispatch(*viaTemp, {&a, &b, &cat})));
  auto *po = static_cast<const float *>(cat.data());
  bad = 0;
  for (int64_t i = 0; i < 2 * n + 5; ++i)
    bad += po[i] != (i < n ? static_cast<float *>(a.data())[i] : static_cast<float *>(b.data())[i - n]);
  EXPECT_EQ(bad, 0);
  // Timing measures the launches alone, between the copies.
  if (d.caps().computeTimestamps) {
    Result<double> us = d.dispatchTimed(*program, {&c.a, &c.b, &c.out});
    ASSERT_TRUE(isOk(us.status()));
    EXPECT_GT(*us, 0.0);
    EXPECT_EQ(c.mismatches(), 0);
  }
}

TEST(VulkanRuntime, DoesNotLinkLibvulkan) {
  // ldd lists what the binary (and so weft_runtime, linked into it) needs at start-up; libvulkan
  // must not be among them: it is opened with dlopen only when a device is.
  const std::string command = "ldd /proc/" + std::to_string(getpid()) + "/exe 2>&1"; // not the shell's self
  FILE *p = popen(command.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  pclose(p);
  EXPECT_NE(out.find("libc.so"), std::string::npos) << out;
  EXPECT_EQ(out.find("libvulkan"), std::string::npos) << out;
}
