#include "ExecHarness.h"

#include "test/reference/Reference.h"
#include "weft/Npy.h"
#include "weft/Vulkan.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fstream>
#include <memory>
#include <unistd.h>

namespace weft::test {
namespace {

Shape contiguousStrides(const Shape &shape) {
  Shape s(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d) s[d] = s[d + 1] * shape[d + 1];
  return s;
}

// An input buffer of `type` laid out as `layout`, filled with random data.
std::shared_ptr<Buffer> makeInput(const TensorType &type, Layout layout, uint64_t seed) {
  Shape strides = contiguousStrides(type.shape);
  if (layout == Layout::innerStride2) {
    for (auto &s : strides) s *= 2;
  } else if (layout == Layout::paddedRows) {
    int64_t acc = 1;
    for (int64_t d = int64_t(type.shape.size()) - 1; d >= 0; --d) {
      strides[d] = acc;
      acc = acc * type.shape[d] + (d == int64_t(type.shape.size()) - 1 ? 3 : 0);
    }
  }
  int64_t span = 1;
  for (size_t d = 0; d < type.shape.size(); ++d) span += (type.shape[d] - 1) * strides[d];
  // Back the view with a contiguous buffer so the gaps hold random data too.
  auto storage = Buffer::allocate(type.dtype, {span});
  EXPECT_TRUE(storage.ok()) << storage.message();
  auto owner = std::make_shared<Buffer>(*storage);
  fillRandom(*owner, seed);
  auto view = Buffer::wrap(owner->data(), owner->bytes(), type.dtype, type.shape, strides);
  EXPECT_TRUE(view.ok()) << view.message();
  // Keep the storage alive with the view.
  auto holder = std::shared_ptr<Buffer>(new Buffer(*view), [owner](Buffer *b) { delete b; });
  return holder;
}


// The Vulkan device the suites run on (lavapipe in CI, a GPU where present), opened once; null
// with the reason in `why` when there is none.
VulkanDevice *vulkanDevice(std::string &why) {
  static std::string reason;
  static std::unique_ptr<VulkanDevice> device = [] {
    auto d = VulkanDevice::open();
    if (!d) reason = d.message();
    return d ? std::move(*d) : nullptr;
  }();
  why = reason;
  return device.get();
}

// A copy of host buffer `b` in `device`'s memory with the same layout (strided views keep their
// strides over a device allocation of the same span).
std::shared_ptr<Buffer> toDevice(VulkanDevice &device, const Buffer &b) {
  int64_t span = 1;
  for (size_t d = 0; d < b.shape().size(); ++d) span += (b.shape()[d] - 1) * b.strides()[d];
  auto storage = device.allocate(b.dtype(), {span});
  EXPECT_TRUE(storage.ok()) << storage.message();
  if (!storage.ok()) return nullptr;
  auto owner = std::make_shared<Buffer>(*storage);
  size_t bytes = size_t(span) * dtypeSize(b.dtype());
  std::memcpy(owner->data(), b.data(), bytes);
  auto view = Buffer::wrap(owner, owner->data(), owner->bytes(), b.dtype(), b.shape(), b.strides());
  EXPECT_TRUE(view.ok()) << view.message();
  return view.ok() ? std::make_shared<Buffer>(*view) : nullptr;
}

// With $WEFT_EXPORT_DIR set, a small case with contiguous inputs is written to DIR/NAME/ as
// weftc writes it (NAME.spirv.program, ENTRY.spv) plus in<i>.npy, want.npy and tolerance.txt,
// for weft-vulkan-suite to run where only the runtime is carried (scripts/gpu-vulkan.sh).
void exportCase(const ExecCase &c, const Artifact &a, const std::vector<std::shared_ptr<Buffer>> &inputs,
                const Buffer &want) {
  const char *root = std::getenv("WEFT_EXPORT_DIR");
  if (!root || !*root) return;
  size_t bytes = want.bytes();
  for (const auto &in : inputs) {
    if (!in->isContiguous()) return;
    bytes += in->bytes();
  }
  if (bytes > (1u << 20)) return;
  std::string dir = std::string(root) + "/" + c.name;
  ASSERT_EQ(std::system(("mkdir -p " + dir).c_str()), 0);
  std::ofstream(dir + "/" + c.name + ".spirv.program") << a.program.toText();
  for (const KernelCode &k : a.kernels)
    std::ofstream(dir + "/" + k.entry + ".spv", std::ios::binary)
        .write(reinterpret_cast<const char *>(k.binary.data()), std::streamsize(k.binary.size()));
  for (size_t i = 0; i < inputs.size(); ++i)
    ASSERT_TRUE(writeNpy(dir + "/in" + std::to_string(i) + ".npy", *inputs[i]).ok());
  ASSERT_TRUE(writeNpy(dir + "/want.npy", want).ok());
  std::ofstream(dir + "/tolerance.txt") << c.tolerance << "\n";
}

// Compiles case `c` for target spirv and runs it on the Vulkan device against `want`. Schedules
// that are CPU forms (the row sweep, wide vectors) are not GPU schedules: the compiler refuses
// them by rule, which is tested on its own, so those cases are skipped here.
void checkVulkan(const ExecCase &c, const std::string &text, const std::vector<std::shared_ptr<Buffer>> &inputs,
                 const Buffer &want) {
  std::string why;
  VulkanDevice *device = vulkanDevice(why);
  const char *exportDir = std::getenv("WEFT_EXPORT_DIR");
  if (!device && !(exportDir && *exportDir)) return;
  CompileOptions options;
  options.schedule = c.schedule;
  auto spirv = compile(Source{text, c.name}, "spirv", options);
  if (!spirv && spirv.message().find("on target vulkan") != std::string::npos) return;
  ASSERT_TRUE(spirv.ok()) << spirv.message();
  ASSERT_EQ(spirv->size(), 1u);
  const Artifact &a = (*spirv)[0];
  exportCase(c, a, inputs, want);
  if (!device) return;
  auto program = device->load(a.program, spirvModules(a));
  ASSERT_TRUE(program.ok()) << program.message();
  std::vector<std::shared_ptr<Buffer>> held;
  std::vector<Buffer *> args;
  for (const auto &in : inputs) {
    held.push_back(toDevice(*device, *in));
    ASSERT_TRUE(held.back());
    args.push_back(held.back().get());
  }
  auto out = device->allocate(want.dtype(), want.shape());
  ASSERT_TRUE(out.ok()) << out.message();
  fillRandom(*out, 99); // poisoned: every element must be written
  args.push_back(&*out);
  Status st = device->dispatch(*program, args);
  ASSERT_TRUE(st.ok()) << st.message();
  Status cmp = c.tolerance == 0 ? expectBitExact(*out, want) : expectClose(*out, want, c.tolerance);
  EXPECT_TRUE(cmp.ok()) << "Vulkan (" << device->name() << ") vs reference: " << cmp.message();
}

struct Ran {
  const ExecCase *c;
  std::vector<std::shared_ptr<Buffer>> inputs;
  Buffer jitOut;
  Artifact cpp;
};

// Compiles the C++ sources of `ran` as one shared library (warnings as errors, no implicit FMA
// contraction) and checks each case's output against the JIT's, bit for bit.
void checkCppAgainstJit(const std::string &family, std::vector<Ran> &ran) {
  char dirTemplate[] = "/tmp/weft-exec-XXXXXX";
  ASSERT_NE(mkdtemp(dirTemplate), nullptr);
  std::string dir = dirTemplate, src = dir + "/" + family + ".cpp", lib = dir + "/" + family + ".so";
  {
    std::ofstream out(src);
    for (const Ran &r : ran) out << r.cpp.source << "\n";
  }
  const char *cxx = std::getenv("CXX");
  std::string cmd = std::string(cxx && *cxx ? cxx : "c++") +
                    " -std=c++17 -O2 -march=native -ffp-contract=off -Wall -Wextra -Werror -shared -fPIC " + src +
                    " -o " + lib + " 2> " + dir + "/cxx.log";
  int rc = std::system(cmd.c_str());
  if (rc != 0) {
    std::ifstream log(dir + "/cxx.log");
    std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    FAIL() << "generated C++ of " << family << " does not compile warning-free:\n" << text.substr(0, 4000);
  }
  CpuDevice device;
  for (Ran &r : ran) {
    SCOPED_TRACE("C++ source of case " + r.c->name);
    auto kernel = loadCpuLibrary(lib, r.cpp.program);
    ASSERT_TRUE(kernel.ok()) << kernel.message();
    auto out = Buffer::allocate(r.jitOut.dtype(), r.jitOut.shape());
    ASSERT_TRUE(out.ok()) << out.message();
    std::vector<Buffer *> args;
    for (auto &in : r.inputs) args.push_back(in.get());
    args.push_back(&*out);
    Status st = device.dispatch(*kernel, args);
    ASSERT_TRUE(st.ok()) << st.message();
    Status same = expectBitExact(*out, r.jitOut);
    EXPECT_TRUE(same.ok()) << "C++ and JIT differ: " << same.message();
  }
  if (!::testing::Test::HasFailure()) {
    std::remove(src.c_str());
    std::remove(lib.c_str());
    std::remove((dir + "/cxx.log").c_str());
    rmdir(dir.c_str());
  }
}

} // namespace

void runCases(const std::string &family, const std::vector<ExecCase> &cases) {
  CpuDevice device(2), oddSplit(5);
  std::vector<Ran> ran;
  uint64_t seed = 1;
  for (const ExecCase &c : cases) {
    SCOPED_TRACE("case " + c.name + (c.schedule.empty() ? "" : " " + c.schedule));
    auto text = opSource(c.spec, c.name);
    ASSERT_TRUE(text.ok()) << text.message();
    CompileOptions options;
    options.schedule = c.schedule;
    auto jit = compileCpu(Source{*text, c.name}, options);
    ASSERT_TRUE(jit.ok()) << jit.message();
    ASSERT_EQ(jit->size(), 1u);
    CpuProgram &prog = (*jit)[0];

    Ran r{&c, {}, {}, {}};
    std::vector<const Buffer *> refIns;
    std::vector<Buffer *> args;
    for (size_t i = 0; i < c.spec.inputs.size(); ++i) {
      TensorType t = c.spec.inputs[i];
      if (i < c.runShapes.size()) t.shape = c.runShapes[i];
      Layout layout = i < c.layouts.size() ? c.layouts[i] : Layout::contiguous;
      r.inputs.push_back(makeInput(t, layout, seed++));
      refIns.push_back(r.inputs.back().get());
      args.push_back(r.inputs.back().get());
    }
    std::vector<TensorType> inTypes, outTypes;
    for (auto *b : refIns) inTypes.push_back(b->tensorType());
    if (c.spec.resultDType) outTypes.push_back(TensorType{*c.spec.resultDType, {}});
    if (!outTypes.empty()) {
      // Result shape from the rules, dtype as asked.
      std::vector<TensorType> inferred;
      std::string err = inferAndCheck(c.spec.op, c.spec.attrs, inTypes, inferred);
      ASSERT_EQ(err, "");
      outTypes[0].shape = inferred[0].shape;
    } else {
      std::string err = inferAndCheck(c.spec.op, c.spec.attrs, inTypes, outTypes);
      ASSERT_EQ(err, "");
    }
    auto out = Buffer::allocate(outTypes[0].dtype, outTypes[0].shape);
    auto want = Buffer::allocate(outTypes[0].dtype, outTypes[0].shape);
    ASSERT_TRUE(out.ok() && want.ok());
    args.push_back(&*out);
    Status st = device.dispatch(prog.kernel, args);
    ASSERT_TRUE(st.ok()) << st.message();
    Status refSt = referenceOp(c.spec.op, c.spec.attrs, refIns, *want);
    ASSERT_TRUE(refSt.ok()) << refSt.message();
    Status cmp = c.tolerance == 0 ? expectBitExact(*out, *want) : expectClose(*out, *want, c.tolerance);
    EXPECT_TRUE(cmp.ok()) << "JIT vs reference: " << cmp.message();
    checkVulkan(c, *text, r.inputs, *want);

    // Another split of the grid (5 chunks: boundaries where 2 threads never put them) must give
    // the same bits: grid items are independent.
    auto again = Buffer::allocate(out->dtype(), out->shape());
    ASSERT_TRUE(again.ok());
    args.back() = &*again;
    Status st5 = oddSplit.dispatch(prog.kernel, args);
    ASSERT_TRUE(st5.ok()) << st5.message();
    Status same = expectBitExact(*again, *out);
    EXPECT_TRUE(same.ok()) << "5-way grid split differs from the 2-thread run: " << same.message();

    auto cpp = compile(Source{*text, c.name}, "cpp", options);
    ASSERT_TRUE(cpp.ok()) << cpp.message();
    ASSERT_EQ(cpp->size(), 1u);
    r.jitOut = *out;
    r.cpp = (*cpp)[0];
    ran.push_back(std::move(r));
  }
  checkCppAgainstJit(family, ran);
}

} // namespace weft::test
