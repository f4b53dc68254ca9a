// The JIT API (weft/Jit.h) and its kernel cache: a memory hit returns the same kernel, a second
// process finds the disk entry, a corrupt entry is rebuilt, an unusable cache folder is an error,
// two processes filling one cache at once both get correct kernels, so do threads, a new device
// gets its own kernels, and bad input is a message.
#include "weft/Jit.h"

#include "compiler/Compiler.h"

#include "test/reference/Reference.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <new>
#include <thread>
#include <unistd.h>

using namespace weft;

namespace {

const char *kSource = R"(
func.func @join(%a: tensor<3x5xf32>, %b: tensor<3x4xf32>) -> tensor<3x9xf32> {
  %c = weft.concat %a, %b {axis = 1 : i64} : tensor<3x5xf32>, tensor<3x4xf32> -> tensor<3x9xf32>
  return %c : tensor<3x9xf32>
}
)";

std::string tempDir() {
  char dir[] = "/tmp/weft-jit-XXXXXX";
  EXPECT_NE(mkdtemp(dir), nullptr);
  return dir;
}

/// Runs `exe` (the join above) on `device` against the reference; "" or what differs.
std::string runJoin(Device &device, const Executable &exe) {
  auto a = device.allocate(DType::f32, {3, 5}), b = device.allocate(DType::f32, {3, 4});
  auto out = device.allocate(DType::f32, {3, 9});
  auto want = Buffer::allocate(DType::f32, {3, 9});
  if (!a || !b || !out || !want) return "allocation failed";
  fillRandom(*a, 1);
  fillRandom(*b, 2);
  fillRandom(*out, 3);
  if (Status s = device.dispatch(exe, {&*a, &*b, &*out}); !s) return s.message();
  if (Status s = referenceOp("concat", exe.program().attrs, {&*a, &*b}, *want); !s) return s.message();
  Status same = expectBitExact(*out, *want);
  return same ? "" : same.message();
}

size_t filesIn(const std::string &dir) {
  size_t n = 0;
  for (auto &e : std::filesystem::directory_iterator(dir)) n += e.is_regular_file();
  return n;
}

} // namespace

TEST(Jit, CpuKernelsAreCachedInMemory) {
  auto jit = Jit::create({"off", ""});
  ASSERT_TRUE(jit.ok()) << jit.message();
  CpuDevice cpu(2);
  auto first = (*jit)->compile(cpu, kSource, "join");
  ASSERT_TRUE(first.ok()) << first.message();
  auto again = (*jit)->compile(cpu, kSource, "join");
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_EQ(first->get(), again->get());
  JitStats st = (*jit)->stats();
  EXPECT_EQ(st.compiles, 1u);
  EXPECT_EQ(st.memoryHits, 1u);
  EXPECT_EQ(st.diskCacheDir, "");
  EXPECT_EQ(runJoin(cpu, **first), "");
}

// A device that is gone takes its kernels with it: a new device, even at the same address, gets
// its own. Before, the memory cache keyed on the address, so a device made where a gone one
// lived was handed the gone one's kernels (a Vulkan device its pipelines, which dispatch refuses).
TEST(Jit, ANewDeviceIsNotServedAGoneOnesKernels) {
  auto jit = Jit::create({"off", ""});
  ASSERT_TRUE(jit.ok()) << jit.message();
  // Two CPU devices, one after the other, at one address.
  alignas(CpuDevice) unsigned char storage[sizeof(CpuDevice)];
  for (int round = 0; round < 2; ++round) {
    auto *cpu = new (storage) CpuDevice(2);
    auto kernel = (*jit)->compile(*cpu, kSource, "join");
    ASSERT_TRUE(kernel.ok()) << kernel.message();
    EXPECT_EQ(runJoin(*cpu, **kernel), "");
    cpu->~CpuDevice();
  }
  EXPECT_EQ((*jit)->stats().compiles, 2u);
  for (const char *kind : {"cpu", "vulkan"}) {
    uint64_t before = (*jit)->stats().compiles;
    for (int round = 0; round < 2; ++round) {
      auto device = openDevice(kind);
      if (!device) {
        std::printf("%s: skipped (%s)\n", kind, device.message().c_str());
        break;
      }
      auto kernel = (*jit)->compile(**device, kSource, "join");
      ASSERT_TRUE(kernel.ok()) << kernel.message();
      EXPECT_EQ(runJoin(**device, **kernel), "") << kind << " round " << round;
      EXPECT_EQ((*jit)->stats().compiles, before + round + 1) << kind;
    }
  }
  EXPECT_EQ((*jit)->stats().memoryHits, 0u);
}

TEST(Jit, BadInputIsAMessage) {
  auto jit = Jit::create({"off", ""});
  ASSERT_TRUE(jit.ok());
  CpuDevice cpu(1);
  auto missing = (*jit)->compile(cpu, kSource, "nope");
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("function 'nope'"), std::string::npos) << missing.message();
  EXPECT_NE(missing.message().find("the module has no function 'nope'"), std::string::npos) << missing.message();
  auto broken = (*jit)->compile(cpu, "func.func @f(", "f");
  EXPECT_FALSE(broken.ok());
  EXPECT_NE(broken.message().find("is not a valid weft module"), std::string::npos) << broken.message();
  // Text past the parser's limits (compiler/SourceLimits.h) is refused before MLIR sees it.
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "module {";
  deep += std::string(5000, '}');
  auto nested = (*jit)->compile(cpu, deep, "f");
  EXPECT_FALSE(nested.ok());
  EXPECT_NE(nested.message().find("brackets nest more than 256 deep"), std::string::npos) << nested.message();
  auto schedule = (*jit)->compile(cpu, kSource, "join", "#weft.schedule<gather = bounded>");
  EXPECT_FALSE(schedule.ok());
  EXPECT_NE(schedule.message().find("does not apply to concat"), std::string::npos) << schedule.message();
  auto unusable = Jit::create({"/proc/weft-cache", ""});
  EXPECT_FALSE(unusable.ok());
  EXPECT_NE(unusable.message().find("the kernel cache directory is unusable: cannot create '/proc/weft-cache'"),
            std::string::npos)
      << unusable.message();
}

namespace {

// A second Jit finds the first one's disk entry for `device` (whose artifacts are of `target`);
// a corrupt entry is rebuilt.
void checkDiskCache(Device &device, const std::string &target) {
  std::string dir = tempDir(), dump = tempDir();
  {
    auto jit = Jit::create({dir, dump});
    ASSERT_TRUE(jit.ok()) << jit.message();
    auto exe = (*jit)->compile(device, kSource, "join");
    ASSERT_TRUE(exe.ok()) << exe.message();
    EXPECT_EQ((*jit)->stats().compiles, 1u);
    EXPECT_EQ(runJoin(device, **exe), "");
    EXPECT_TRUE(std::filesystem::exists(dump + "/join." + target + ".weft"));
  }
  ASSERT_EQ(filesIn(dir), 1u);
  std::string entry = std::filesystem::directory_iterator(dir)->path().string();
  EXPECT_NE(entry.find("." + target + ".weft"), std::string::npos) << entry;
  {
    auto jit = Jit::create({dir, ""});
    ASSERT_TRUE(jit.ok());
    // The same module spelt differently (spacing, comments) is the same entry: the key hashes the
    // canonical IR.
    auto exe = (*jit)->compile(device, std::string("// a comment\n") + kSource + "\n\n", "join");
    ASSERT_TRUE(exe.ok()) << exe.message();
    JitStats st = (*jit)->stats();
    EXPECT_EQ(st.diskHits, 1u);
    EXPECT_EQ(st.compiles, 0u);
    EXPECT_EQ(runJoin(device, **exe), "");
  }
  // Cut the entry short: the next Jit notices, compiles again and writes a good entry.
  std::filesystem::resize_file(entry, std::filesystem::file_size(entry) / 2);
  {
    auto jit = Jit::create({dir, ""});
    ASSERT_TRUE(jit.ok());
    auto exe = (*jit)->compile(device, kSource, "join");
    ASSERT_TRUE(exe.ok()) << exe.message();
    JitStats st = (*jit)->stats();
    EXPECT_EQ(st.corruptEntries, 1u);
    EXPECT_EQ(st.compiles, 1u);
    EXPECT_EQ(runJoin(device, **exe), "");
    EXPECT_TRUE(readArtifact(entry).ok());
  }
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(dump);
}

} // namespace

// CPU entries hold the JIT's object code, linked again without compiling.
TEST(Jit, CpuDiskCacheServesAnotherJitAndRebuildsCorruptEntries) {
  CpuDevice cpu(2);
  checkDiskCache(cpu, "cpu");
}

// GPU entries are the artifacts the device loads: Vulkan here (lavapipe in CI).
TEST(Jit, VulkanDiskCacheServesAnotherJitAndRebuildsCorruptEntries) {
  auto vulkan = openDevice("vulkan");
  if (!vulkan) GTEST_SKIP() << vulkan.message();
  checkDiskCache(**vulkan, "spirv");
}

// A well-formed entry whose object code the linker refuses is rebuilt too.
TEST(Jit, CpuEntryWithBadObjectCodeIsRebuilt) {
  std::string dir = tempDir();
  CpuDevice cpu(1);
  {
    auto jit = Jit::create({dir, ""});
    ASSERT_TRUE(jit.ok());
    ASSERT_TRUE((*jit)->compile(cpu, kSource, "join").ok());
  }
  std::string entry = std::filesystem::directory_iterator(dir)->path().string();
  auto artifact = readArtifact(entry);
  ASSERT_TRUE(artifact.ok()) << artifact.message();
  ASSERT_EQ(artifact->kernels.size(), 1u);
  artifact->kernels[0].binary.assign(64, 0x5a); // not an object file
  ASSERT_TRUE(writeArtifact(entry, *artifact).ok());
  Artifact noObject = *artifact;
  noObject.kernels.clear();
  auto none = loadCpuObject(noObject);
  EXPECT_FALSE(none.ok());
  EXPECT_NE(none.message().find("the artifact of function 'join' (target cpu) holds no CPU object code"),
            std::string::npos)
      << none.message();
  auto refused = loadCpuObject(*artifact);
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("CPU JIT: linking the object code"), std::string::npos) << refused.message();
  auto jit = Jit::create({dir, ""});
  ASSERT_TRUE(jit.ok());
  auto exe = (*jit)->compile(cpu, kSource, "join");
  ASSERT_TRUE(exe.ok()) << exe.message();
  EXPECT_EQ((*jit)->stats().corruptEntries, 1u);
  EXPECT_EQ((*jit)->stats().compiles, 1u);
  EXPECT_EQ(runJoin(cpu, **exe), "");
  std::filesystem::remove_all(dir);
}

// One of two processes filling one cache at once (JitTest.TwoProcessesFillOneCache starts them).
TEST(Jit, FillCacheChild) {
  std::string dir = std::getenv("WEFT_JIT_CHILD_DIR") ? std::getenv("WEFT_JIT_CHILD_DIR") : "";
  if (dir.empty()) GTEST_SKIP() << "runs as a child of TwoProcessesFillOneCache";
  auto vulkan = openDevice("vulkan");
  ASSERT_TRUE(vulkan.ok()) << vulkan.message();
  auto jit = Jit::create({dir, ""});
  ASSERT_TRUE(jit.ok()) << jit.message();
  auto exe = (*jit)->compile(**vulkan, kSource, "join");
  ASSERT_TRUE(exe.ok()) << exe.message();
  EXPECT_EQ(runJoin(**vulkan, **exe), "");
}

TEST(Jit, TwoProcessesFillOneCache) {
  if (auto vulkan = openDevice("vulkan"); !vulkan) GTEST_SKIP() << vulkan.message();
  std::string dir = tempDir();
  char self[4096] = {0};
  ASSERT_GT(readlink("/proc/self/exe", self, sizeof self - 1), 0);
  std::string child = "WEFT_JIT_CHILD_DIR=" + dir + " " + self + " --gtest_filter=Jit.FillCacheChild > " + dir;
  std::string cmd = child + "/a.log 2>&1 & p1=$!; " + child + "/b.log 2>&1 & p2=$!; wait $p1 && wait $p2";
  int rc = std::system(("bash -c '" + cmd + "'").c_str());
  std::ifstream a(dir + "/a.log"), b(dir + "/b.log");
  std::string logs((std::istreambuf_iterator<char>(a)), std::istreambuf_iterator<char>());
  logs.append((std::istreambuf_iterator<char>(b)), std::istreambuf_iterator<char>());
  EXPECT_EQ(rc, 0) << logs;
  EXPECT_NE(logs.find("[  PASSED  ] 1 test"), std::string::npos) << logs;
  size_t entries = 0;
  for (auto &e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".weft") {
      ++entries;
      EXPECT_TRUE(readArtifact(e.path().string()).ok());
    }
  EXPECT_EQ(entries, 1u); // no temporary left, one entry
  std::filesystem::remove_all(dir);
}

// Several threads compile and dispatch at once through one Jit and one device per kind: each
// gets a correct kernel, the same request gives one compile and the same Executable, and the
// disk cache (shared by all) ends with one entry per distinct kernel.
TEST(Jit, ThreadsCompileAndDispatchAtOnce) {
  std::string dir = tempDir();
  auto jit = Jit::create({dir, ""});
  ASSERT_TRUE(jit.ok()) << jit.message();
  std::vector<std::unique_ptr<Device>> devices;
  devices.push_back(std::make_unique<CpuDevice>(2));
  if (auto vulkan = openDevice("vulkan")) devices.push_back(std::move(*vulkan));
  // Two functions (distinct kernels) each asked for by several threads.
  const std::string source = std::string(kSource) + R"(
func.func @join2(%a: tensor<3x5xf32>, %b: tensor<3x4xf32>) -> tensor<3x9xf32> {
  %c = weft.concat %a, %b {axis = 1 : i64, schedule = #weft.schedule<tile = [1]>} : tensor<3x5xf32>, tensor<3x4xf32> -> tensor<3x9xf32>
  return %c : tensor<3x9xf32>
}
)";
  constexpr int kThreads = 8;
  std::vector<std::string> errors(kThreads);
  std::vector<const Executable *> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      Device &device = *devices[t % devices.size()];
      auto exe = (*jit)->compile(device, source, t % 4 < 2 ? "join" : "join2");
      if (!exe) {
        errors[t] = exe.message();
        return;
      }
      got[t] = exe->get();
      for (int round = 0; round < 5 && errors[t].empty(); ++round) errors[t] = runJoin(device, **exe);
    });
  for (std::thread &th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(errors[t], "") << "thread " << t;
  // Threads with the same device and function share one Executable.
  for (int t = 0; t < kThreads; ++t)
    for (int u = t + 1; u < kThreads; ++u)
      if (t % devices.size() == u % devices.size() && (t % 4 < 2) == (u % 4 < 2)) {
        EXPECT_EQ(got[t], got[u]);
      }
  JitStats st = (*jit)->stats();
  EXPECT_EQ(st.compiles + st.diskHits + st.memoryHits, uint64_t(kThreads));
  std::filesystem::remove_all(dir);
}
