// Loading a generated kernel library's functions (weft/Embedded.h): the C++ entries on the CPU,
// the artifact of the device's target on a GPU, and an error naming the function and the reason
// for everything else. The whole flow (weftc --library, weft_add_kernels) runs in test/install.
#include "TestUtil.h"
#include "weft/Artifact.h"
#include "weft/Embedded.h"

#include <random>

using namespace weft;
using weft::test::failsWith;
using weft::test::isOk;
using weft::test::take;

extern "C" void weft_test_concat_to_tmp(void *const *bufs, const int64_t *params, int64_t begin, int64_t end);
extern "C" void weft_test_tmp_to_out(void *const *bufs, const int64_t *params, int64_t begin, int64_t end);

namespace {

const CpuEntry kEntries[] = {&weft_test_concat_to_tmp, &weft_test_tmp_to_out};

std::string concatProgramText() {
  return test::concatThroughTempProgram("weft_test_concat_to_tmp", "weft_test_tmp_to_out").toText();
}

/// A GPU device of target "spirv" that records what it is asked to load.
class FakeGpu final : public Device {
public:
  DeviceKind kind() const override { return DeviceKind::vulkan; }
  std::string name() const override { return "fake:0"; }
  std::string describe() const override { return "fake:0: a test double"; }
  std::string target() const override { return "spirv"; }
  Result<Buffer> allocate(DType dtype, Shape shape) override { return Buffer::allocate(dtype, std::move(shape)); }
  Result<std::shared_ptr<Executable>> load(const Artifact &artifact) override {
    loaded = artifact.function;
    return Status::error("fake device: loaded " + artifact.function);
  }
  Status dispatch(const Executable &, const std::vector<Buffer *> &) override { return Status::error("no"); }
  Result<double> dispatchTimed(const Executable &, const std::vector<Buffer *> &) override {
    return Status::error("no");
  }
  std::string loaded;
};

std::string artifactBytes(const std::string &function) {
  Artifact a;
  a.function = function;
  a.target = "spirv";
  a.program = test::concatThroughTempProgram("k0", "k1");
  a.kernels = {{"k0", "", {3, 2, 0x23, 7}}, {"k1", "", {3, 2, 0x23, 7}}};
  return serializeArtifact(a);
}

TEST(Embedded, CpuEntriesRunOnTheCpu) {
  const std::string program = concatProgramText();
  EmbeddedFunction f{"join", program.c_str(), kEntries, 2, nullptr, 0};
  CpuDevice cpu(2);
  auto exe = loadEmbedded(cpu, f);
  ASSERT_TRUE(isOk(exe.status()));
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> dist(-4.0f, 4.0f);
  Buffer a = take(Buffer::allocate(DType::f32, {5})), b = take(Buffer::allocate(DType::f32, {7})),
         out = take(Buffer::allocate(DType::f32, {12}));
  for (Buffer *x : {&a, &b})
    for (int64_t i = 0; i < x->numElements(); ++i) static_cast<float *>(x->data())[i] = dist(rng);
  ASSERT_TRUE(isOk(cpu.dispatch(**exe, {&a, &b, &out})));
  const float *o = static_cast<const float *>(out.data());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(o[i], static_cast<const float *>(a.data())[i]);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(o[5 + i], static_cast<const float *>(b.data())[i]);
}

TEST(Embedded, CpuRefusesWhatItCannotRun) {
  CpuDevice cpu(1);
  const std::string bytes = artifactBytes("join");
  EmbeddedArtifact spirv{"spirv", bytes.data(), bytes.size()};
  EmbeddedFunction gpuOnly{"join", nullptr, nullptr, 0, &spirv, 1};
  EXPECT_TRUE(failsWith(loadEmbedded(cpu, gpuOnly).status(),
                        {"'join' cannot run on", "a CPU device runs target cpp", "built for spirv"}));
  const std::string program = concatProgramText();
  EmbeddedFunction short1{"join", program.c_str(), kEntries, 1, nullptr, 0};
  EXPECT_TRUE(failsWith(loadEmbedded(cpu, short1).status(), {"'join'", "1 C++ entries for 2 launches"}));
  EmbeddedFunction badProgram{"join", "weft-program 1\nop concat\nlaunch\n", kEntries, 2, nullptr, 0};
  EXPECT_TRUE(failsWith(loadEmbedded(cpu, badProgram).status(), {"'join': its program:"}));
}

TEST(Embedded, GpuGetsTheArtifactOfItsTarget) {
  FakeGpu gpu;
  const std::string bytes = artifactBytes("join");
  EmbeddedArtifact artifacts[] = {{"ptx", "not read", 8}, {"spirv", bytes.data(), bytes.size()}};
  EmbeddedFunction f{"join", nullptr, nullptr, 0, artifacts, 2};
  EXPECT_TRUE(failsWith(loadEmbedded(gpu, f).status(), {"fake device: loaded join"}));
  EXPECT_EQ(gpu.loaded, "join");
}

TEST(Embedded, GpuRefusesMissingForeignAndCorruptArtifacts) {
  FakeGpu gpu;
  const std::string program = concatProgramText();
  EmbeddedArtifact ptx{"ptx", "x", 1};
  EmbeddedFunction noSpirv{"join", program.c_str(), kEntries, 2, &ptx, 1};
  EXPECT_TRUE(failsWith(loadEmbedded(gpu, noSpirv).status(),
                        {"'join' cannot run on fake:0", "needs target spirv", "built for cpp, ptx"}));

  const std::string other = artifactBytes("split");
  EmbeddedArtifact foreign{"spirv", other.data(), other.size()};
  EmbeddedFunction f1{"join", nullptr, nullptr, 0, &foreign, 1};
  EXPECT_TRUE(failsWith(loadEmbedded(gpu, f1).status(), {"'join', target spirv", "of function 'split'"}));

  const std::string bytes = artifactBytes("join");
  EmbeddedArtifact truncated{"spirv", bytes.data(), bytes.size() / 2};
  EmbeddedFunction f2{"join", nullptr, nullptr, 0, &truncated, 1};
  EXPECT_TRUE(failsWith(loadEmbedded(gpu, f2).status(), {"'join', target spirv", "artifact"}));
  EXPECT_TRUE(gpu.loaded.empty());
}

} // namespace
