// The device interface (weft/Device.h): opening by name, listing, and what every device refuses
// alike: another device's program, another target's artifact.
#include "TestUtil.h"
#include "weft/Cuda.h"
#include "weft/Device.h"
#include "weft/Vulkan.h"

using namespace weft;
using weft::test::failsWith;
using weft::test::isOk;

TEST(Device, OpenByNameRefusesUnknownNames) {
  EXPECT_TRUE(failsWith(openDevice("tpu").status(), {"unknown device 'tpu' (known: best, cpu, vulkan, vulkan:N, cuda, cuda:N, metal, metal:N)"}));
  EXPECT_TRUE(failsWith(openDevice("vulkan:x").status(), {"device 'vulkan:x': the index after ':' must be an integer >= 0"}));
  EXPECT_TRUE(failsWith(openDevice("cuda:-1").status(), {"must be an integer >= 0"}));
  EXPECT_TRUE(failsWith(openDevice("cpu:1").status(), {"unknown device 'cpu:1'"}));
  EXPECT_TRUE(failsWith(openDevice("best:0").status(), {"unknown device 'best:0'"}));
#ifndef __APPLE__
  EXPECT_TRUE(failsWith(openDevice("metal").status(),
                        {"no Metal device: weft's Metal device is built on Apple platforms only"}));
#endif
  auto cpu = openDevice("cpu");
  ASSERT_TRUE(isOk(cpu.status()));
  EXPECT_EQ((*cpu)->kind(), DeviceKind::cpu);
  EXPECT_EQ((*cpu)->target(), "");
}

// "best": a CUDA GPU, else a Vulkan GPU that is not a CPU implementation, else the CPU.
// WEFT_NUM_THREADS that is not a thread count is an error naming it, not silently the
// hardware's count (issue 13 item 5).
TEST(Device, CpuRefusesABadThreadCountFromTheEnvironment) {
  const char *saved = std::getenv("WEFT_NUM_THREADS");
  std::string keep = saved ? saved : "";
  for (const char *bad : {"abc", "0", "4097", "4294967295", "2x", ""}) {
    setenv("WEFT_NUM_THREADS", bad, 1);
    auto d = openDevice("cpu");
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.message(), "device 'cpu': WEFT_NUM_THREADS = '" + std::string(bad) +
                               "' is not a thread count (rule: an integer from 1 to 4096)");
  }
  setenv("WEFT_NUM_THREADS", "3", 1);
  auto d = openDevice("cpu");
  ASSERT_TRUE(d.ok()) << d.message();
  EXPECT_EQ((*d)->name(), "cpu (3 threads)");
  if (saved) setenv("WEFT_NUM_THREADS", keep.c_str(), 1);
  else unsetenv("WEFT_NUM_THREADS");
}

TEST(Device, BestIsTheFastestPresent) {
  auto best = openDevice("best");
  ASSERT_TRUE(isOk(best.status()));
  DeviceKind want = DeviceKind::cpu;
  if (CudaDevice::open().ok())
    want = DeviceKind::cuda;
  else if (auto vulkan = VulkanDevice::open(); vulkan.ok() && !(*vulkan)->caps().cpu)
    want = DeviceKind::vulkan;
  EXPECT_EQ((*best)->kind(), want) << (*best)->describe();
}

TEST(Device, ListNamesEveryKindAndWhyOneIsMissing) {
  std::vector<std::string> lines = listDevices();
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[0].rfind("cpu: cpu (", 0), 0u) << lines[0];
  bool vulkan = false, cuda = false;
  for (const std::string &l : lines) {
    vulkan |= l.rfind("vulkan", 0) == 0;
    cuda |= l.rfind("cuda", 0) == 0;
  }
  EXPECT_TRUE(vulkan && cuda);
}

TEST(Device, CpuRefusesArtifactsAndOtherDevicesPrograms) {
  CpuDevice cpu(1);
  Artifact a;
  a.function = "f";
  a.target = "cpp";
  a.program.op = "concat";
  EXPECT_TRUE(failsWith(cpu.load(a).status(), {"weft.concat: the CPU device cannot load an artifact of target 'cpp'"}));
  struct Foreign : Executable {
    ProgramDesc p;
    const ProgramDesc &program() const override { return p; }
  } foreign;
  foreign.p.op = "matmul";
  EXPECT_TRUE(failsWith(cpu.dispatch(foreign, {}), {"weft.matmul: the program was loaded on another device"}));
}

// Without a CUDA driver or GPU (CI), opening says why; with one, the device describes itself and
// gates programs on its compute capability.
TEST(Device, CudaOpensOrSaysWhyNot) {
  auto dev = CudaDevice::open();
  if (!dev) {
    EXPECT_TRUE(dev.message().find("no CUDA driver") == 0 || dev.message().find("no CUDA device") == 0) << dev.message();
    GTEST_SKIP() << dev.message();
  }
  EXPECT_NE((*dev)->describe().find("compute capability"), std::string::npos);
  CudaCaps caps;
  caps.computeMajor = 8;
  caps.computeMinor = 0;
  EXPECT_EQ(caps.missing({"sm_80", "int64"}), "");
  EXPECT_EQ(caps.missing({"sm_90"}), "the device lacks sm_90 (the device is sm_80)");
  EXPECT_EQ(caps.missing({"sm_x", "teleport"}), "unknown requirements sm_x, teleport");
}

TEST(Device, CudaCapsGateOnComputeCapability) {
  CudaCaps caps;
  caps.computeMajor = 9;
  caps.computeMinor = 0;
  EXPECT_EQ(caps.missing({"sm_90", "sm_80", "float16", "storage16"}), "");
  EXPECT_EQ(caps.missing({"sm_100"}), "the device lacks sm_100 (the device is sm_90)");
}
