#include "ExecHarness.h"
#include "MetalEmulation.h"

#include "compiler/targets/TargetBackend.h"

#include "test/reference/Reference.h"
#include "weft/Device.h"
#include "weft/Jit.h"
#include "weft/Npy.h"

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


// The GPU devices the suites run on, each opened once: Vulkan (lavapipe in CI, a GPU where
// present) and CUDA (where a driver and a GPU are). A kind without a device is skipped.
struct GpuDevices {
  std::vector<std::unique_ptr<Device>> devices;
  GpuDevices() {
    for (const char *name : {"vulkan", "cuda"})
      if (auto d = openDevice(name)) devices.push_back(std::move(*d));
  }
};
const std::vector<std::unique_ptr<Device>> &gpuDevices() {
  static GpuDevices all;
  return all.devices;
}

// A copy of host buffer `b` in `device`'s memory with the same layout (strided views keep their
// strides over a device allocation of the same span).
std::shared_ptr<Buffer> toDevice(Device &device, const Buffer &b) {
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

// With $WEFT_EXPORT_DIR set, a small case with contiguous inputs is written to DIR/NAME/: its
// artifacts (NAME.spirv.weft, NAME.ptx.weft) plus in<i>.npy, want.npy and tolerance.txt, for
// weft-gpu-suite to run where only the runtime is carried (scripts/gpu.sh).
void exportCase(const ExecCase &c, const std::vector<Artifact> &artifacts,
                const std::vector<std::pair<std::string, std::string>> &refused,
                const std::vector<std::shared_ptr<Buffer>> &inputs, const Buffer &want) {
  const char *root = std::getenv("WEFT_EXPORT_DIR");
  if (!root || !*root || artifacts.empty()) return;
  size_t bytes = want.bytes();
  for (const auto &in : inputs) {
    if (!in->isContiguous()) return;
    bytes += in->bytes();
  }
  if (bytes > (1u << 20)) return;
  std::string dir = std::string(root) + "/" + c.name;
  ASSERT_EQ(std::system(("mkdir -p " + dir).c_str()), 0);
  for (const Artifact &a : artifacts) {
    Status s = writeArtifact(dir + "/" + artifactFileName(c.name, a.target), a);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  // A target that refuses the schedule by rule (e.g. 8 lanes beyond Vulkan's vectors): why, so
  // that weft-gpu-suite skips the case there instead of missing its artifact.
  for (const auto &[target, why] : refused) std::ofstream(dir + "/refused." + target + ".txt") << why << "\n";
  for (size_t i = 0; i < inputs.size(); ++i)
    ASSERT_TRUE(writeNpy(dir + "/in" + std::to_string(i) + ".npy", *inputs[i]).ok());
  ASSERT_TRUE(writeNpy(dir + "/want.npy", want).ok());
  std::ofstream(dir + "/tolerance.txt") << c.tolerance << "\n";
}

// Runs `artifact` on `device` against `want`.
void checkOnDevice(Device &device, const ExecCase &c, const Artifact &artifact,
                   const std::vector<std::shared_ptr<Buffer>> &inputs, const Buffer &want) {
  SCOPED_TRACE("target " + artifact.target + " on " + device.name());
  auto program = device.load(artifact);
  ASSERT_TRUE(program.ok()) << program.message();
  std::vector<std::shared_ptr<Buffer>> held;
  std::vector<Buffer *> args;
  for (const auto &in : inputs) {
    held.push_back(toDevice(device, *in));
    ASSERT_TRUE(held.back());
    args.push_back(held.back().get());
  }
  auto out = device.allocate(want.dtype(), want.shape());
  ASSERT_TRUE(out.ok()) << out.message();
  fillRandom(*out, 99); // poisoned: every element must be written
  args.push_back(&*out);
  Status st = device.dispatch(**program, args);
  ASSERT_TRUE(st.ok()) << st.message();
  Status cmp = c.tolerance == 0 ? expectBitExact(*out, want) : expectClose(*out, want, c.tolerance);
  EXPECT_TRUE(cmp.ok()) << artifact.target << " on " << device.name() << " vs reference: " << cmp.message();
}

// Compiles case `c` for every GPU target of this build (spirv, ptx, msl) and runs each on the
// devices present that load its artifacts against `want`. Schedules that are CPU forms (the row sweep, wide vectors) are not GPU
// schedules: the compiler refuses them by rule, which is tested on its own, so those cases are
// skipped here. Returns the artifacts, for the checks of whole batches (ptxas, the MSL emulation).
std::vector<Artifact> checkGpuTargets(const ExecCase &c, const std::string &text,
                                      const std::vector<std::shared_ptr<Buffer>> &inputs, const Buffer &want) {
  CompileOptions options;
  options.schedule = c.schedule;
  std::vector<Artifact> artifacts;
  std::vector<std::pair<std::string, std::string>> refused;
  for (const TargetBackend *t : targetBackends()) {
    if (!t->gpu()) continue;
    const std::string target = t->name();
    auto compiled = compile(Source{text, c.name}, target, options);
    if (!compiled && compiled.message().find(" on target ") != std::string::npos) { // a CPU form
      refused.emplace_back(target, compiled.message());
      continue;
    }
    EXPECT_TRUE(compiled.ok()) << "target " << target << ": " << compiled.message();
    if (!compiled) continue;
    EXPECT_EQ(compiled->size(), 1u);
    artifacts.push_back((*compiled)[0]);
  }
  exportCase(c, artifacts, refused, inputs, want);
  for (const auto &device : gpuDevices())
    for (const Artifact &a : artifacts)
      if (a.target == device->target()) checkOnDevice(*device, c, a, inputs, want);
  return artifacts;
}

struct Ran {
  const ExecCase *c;
  std::vector<std::shared_ptr<Buffer>> inputs;
  Buffer jitOut;
  Buffer want; ///< the scalar reference's output
  Artifact cpp;
  std::vector<Artifact> gpu; ///< the GPU targets' artifacts (none where the schedule is a CPU form)

  const Artifact *gpuArtifact(const std::string &target) const {
    for (const Artifact &a : gpu)
      if (a.target == target) return &a;
    return nullptr;
  }
};

// Where the CUDA toolkit is present, ptxas must accept every PTX module of the batch for sm_90
// (two at a time; the first rejection's message is the failure).
void checkPtxas(const std::string &family, const std::vector<Ran> &ran) {
  const char *ptxas = "/usr/local/cuda/bin/ptxas";
  if (access(ptxas, X_OK) != 0) return;
  char dirTemplate[] = "/tmp/weft-ptx-XXXXXX";
  ASSERT_NE(mkdtemp(dirTemplate), nullptr);
  std::string dir = dirTemplate;
  for (const Ran &r : ran)
    if (const Artifact *ptx = r.gpuArtifact("ptx")) std::ofstream(dir + "/" + r.c->name + ".ptx") << ptx->source;
  std::string cmd = "cd " + dir + " && ls *.ptx | xargs -P 2 -I{} sh -c '" + ptxas +
                    " -arch=sm_90 {} -o /dev/null 2> {}.log || { echo {}; cat {}.log; exit 255; }' > ptxas.log 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    std::ifstream log(dir + "/ptxas.log");
    std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    FAIL() << "ptxas rejects the PTX of " << family << " (kept in " << dir << "):\n" << text.substr(0, 4000);
  }
  if (std::system(("rm -rf " + dir).c_str()) != 0) ADD_FAILURE() << "cannot remove " << dir;
}

// Compiles the C++ sources of `ran` as one shared library (warnings as errors, no implicit FMA
// contraction) and checks each case's output against the JIT's, bit for bit.
void checkCppAgainstJit(const std::string &family, std::vector<Ran> &ran) {
  char dirTemplate[] = "/tmp/weft-exec-XXXXXX";
  ASSERT_NE(mkdtemp(dirTemplate), nullptr);
  std::string dir = dirTemplate, src = dir + "/" + family + ".cpp", lib = dir + "/" + family + ".so";
  {
    std::ofstream out(src);
    for (const Ran &r : ran) out << r.cpp.source << "\n"; // empty for GPU-only schedules
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
    if (r.cpp.source.empty()) continue;
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

// Target msl without Metal: the batch's kernels compiled against the emulated Metal standard
// library (warnings as errors) and run on the CPU, each against the scalar reference.
void checkMslEmulation(const std::string &family, const std::vector<Ran> &ran) {
  std::vector<const Artifact *> artifacts;
  for (const Ran &r : ran)
    if (const Artifact *msl = r.gpuArtifact("msl")) artifacts.push_back(msl);
  if (artifacts.empty()) return;
  char dirTemplate[] = "/tmp/weft-msl-XXXXXX";
  ASSERT_NE(mkdtemp(dirTemplate), nullptr);
  std::string dir = dirTemplate;
  auto emulation = MetalEmulation::build(artifacts, dir);
  ASSERT_TRUE(emulation.ok()) << family << ": " << emulation.message();
  for (const Ran &r : ran) {
    const Artifact *msl = r.gpuArtifact("msl");
    if (!msl) continue;
    SCOPED_TRACE("MSL (emulated) of case " + r.c->name);
    auto out = Buffer::allocate(r.want.dtype(), r.want.shape());
    ASSERT_TRUE(out.ok()) << out.message();
    fillRandom(*out, 99); // poisoned: every element must be written
    std::vector<Buffer *> args;
    for (auto &in : r.inputs) args.push_back(in.get());
    args.push_back(&*out);
    Status st = (*emulation)->dispatch(*msl, args);
    ASSERT_TRUE(st.ok()) << st.message();
    Status cmp = r.c->tolerance == 0 ? expectBitExact(*out, r.want) : expectClose(*out, r.want, r.c->tolerance);
    EXPECT_TRUE(cmp.ok()) << "MSL (emulated) vs reference: " << cmp.message();
  }
  if (!::testing::Test::HasFailure())
    if (std::system(("rm -rf " + dir).c_str()) != 0) ADD_FAILURE() << "cannot remove " << dir;
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
    // A schedule only GPU targets take (mma = subgroup): the CPU refuses it by rule, so the case
    // runs on the GPU targets that take it, and at least one must.
    const bool gpuOnly = !jit && jit.message().find(" on target cpu") != std::string::npos;
    ASSERT_TRUE(jit.ok() || gpuOnly) << jit.message();

    Ran r{&c, {}, {}, {}, {}, {}};
    std::vector<const Buffer *> refIns;
    std::vector<Buffer *> args;
    for (size_t i = 0; i < c.spec.inputs.size(); ++i) {
      TensorType t = c.spec.inputs[i];
      if (i < c.runShapes.size()) t.shape = c.runShapes[i];
      Layout layout = i < c.layouts.size() ? c.layouts[i] : Layout::contiguous;
      r.inputs.push_back(makeInput(t, layout, seed++));
      if (c.fill) c.fill(i, *r.inputs.back());
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
    Status refSt = referenceOp(c.spec.op, c.spec.attrs, refIns, *want);
    ASSERT_TRUE(refSt.ok()) << refSt.message();
    r.want = *want;
    if (gpuOnly) {
      r.gpu = checkGpuTargets(c, *text, r.inputs, *want);
      EXPECT_FALSE(r.gpu.empty()) << "no target takes the schedule; the CPU says: " << jit.message();
      ran.push_back(std::move(r));
      continue;
    }
    ASSERT_EQ(jit->size(), 1u);
    CpuProgram &prog = (*jit)[0];
    args.push_back(&*out);
    Status st = device.dispatch(prog.kernel, args);
    ASSERT_TRUE(st.ok()) << st.message();
    Status cmp = c.tolerance == 0 ? expectBitExact(*out, *want) : expectClose(*out, *want, c.tolerance);
    EXPECT_TRUE(cmp.ok()) << "JIT vs reference: " << cmp.message();
    r.gpu = checkGpuTargets(c, *text, r.inputs, *want);

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
  checkPtxas(family, ran);
  checkMslEmulation(family, ran);
}

void expectUnalignedOutputWorks(const std::string &source, const std::string &function, const std::string &op) {
  auto jit = Jit::create({"off", ""});
  ASSERT_TRUE(jit.ok()) << jit.message();
  CpuDevice cpu(2);
  auto exe = (*jit)->compile(cpu, source, function);
  ASSERT_TRUE(exe.ok()) << exe.message();
  const ProgramDesc &program = (*exe)->program();
  ASSERT_EQ(program.outputs.size(), 1u);
  std::vector<Buffer> inputs;
  std::vector<Buffer *> args;
  for (const TensorType &t : program.inputs) {
    auto x = Buffer::allocate(t.dtype, t.shape);
    ASSERT_TRUE(x.ok()) << x.message();
    fillRandom(*x, 7 + inputs.size());
    inputs.push_back(std::move(*x));
  }
  for (Buffer &x : inputs) args.push_back(&x);
  auto want = Buffer::allocate(program.outputs[0].dtype, program.outputs[0].shape);
  ASSERT_TRUE(want.ok());
  Status ref = referenceOp(op, program.attrs, std::vector<const Buffer *>(args.begin(), args.end()), *want);
  ASSERT_TRUE(ref) << ref.message();
  // One element past Buffer::allocate's 64-byte alignment.
  const size_t bytes = want->bytes(), element = dtypeSize(program.outputs[0].dtype);
  auto memory = Buffer::allocate(DType::i8, {int64_t(bytes + element)});
  ASSERT_TRUE(memory.ok());
  auto out = Buffer::wrap(static_cast<char *>(memory->data()) + element, bytes, program.outputs[0].dtype,
                          program.outputs[0].shape);
  ASSERT_TRUE(out.ok()) << out.message();
  fillRandom(*out, 8);
  args.push_back(&*out);
  Status ran = cpu.dispatch(**exe, args);
  ASSERT_TRUE(ran) << ran.message();
  Status same = expectBitExact(*out, *want);
  EXPECT_TRUE(same) << function << ": " << same.message();
}

} // namespace weft::test
