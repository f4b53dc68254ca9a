// Tensors of more than 2^31 elements (issue 13), one op each (the composites: their temporary): where a 32-bit index would wrap,
// every element must still land in its place. Each runs on the CPU, then on every GPU device
// present that can hold its buffers (where one cannot, the allocation or the launch is refused
// with the device's limit named, and that is checked instead). Elements are i8 or f16 to keep
// memory near 4-6 GiB, filled by formula and checked by formula: no second copy of the output.
#include "compiler/Compiler.h"
#include "weft/Device.h"
#include "weft/Half.h"
#include "weft/Runtime.h"

#include <gtest/gtest.h>

#include <cstring>
#include <functional>

using namespace weft;

namespace {

constexpr int64_t k2To31 = int64_t(1) << 31;

struct LargeCase {
  OpSpec spec;
  /// Fills input `i` (host-visible memory of its device).
  std::function<void(size_t i, Buffer &)> fill;
  /// "" or the first output element that is wrong, and its value.
  std::function<std::string(const Buffer &)> check;
};

// The f16 bits of the integers [lo, lo + n): converting each of 2^31 elements on its own would
// take most of a test's time.
std::vector<uint16_t> halfTable(int64_t lo, int64_t n) {
  std::vector<uint16_t> t(n);
  for (int64_t i = 0; i < n; ++i) t[i] = floatToHalf(float(lo + i));
  return t;
}
uint16_t half(int64_t v) { return floatToHalf(float(v)); }
const uint16_t *halves(const Buffer &b) { return static_cast<const uint16_t *>(b.data()); }

// The composites' inputs: the signal x[j] = j % 501 - 250 (input 0) and unit weights (input 1).
constexpr int64_t kSignalPeriod = 501, kSignalLow = -250;
int64_t signal(int64_t j) { return j % kSignalPeriod + kSignalLow; }
// "" or the first y[j], j < n, that is not the f16 of sumOf(j) (an integer of magnitude <= bound).
template <typename SumOf> std::string expectSums(const Buffer &out, int64_t n, int64_t bound, SumOf sumOf) {
  const std::vector<uint16_t> sum = halfTable(-bound, 2 * bound + 1);
  const uint16_t *y = halves(out);
  for (int64_t j = 0; j < n; ++j)
    if (int64_t s = sumOf(j); y[j] != sum[s + bound])
      return "y[" + std::to_string(j) + "] = " + std::to_string(halfToFloat(y[j])) + ", want " + std::to_string(s);
  return "";
}
void fillSignalAndUnitWeights(size_t input, Buffer &b) {
  static const std::vector<uint16_t> value = halfTable(kSignalLow, kSignalPeriod);
  const uint16_t one = floatToHalf(1.0f);
  auto *p = static_cast<uint16_t *>(b.data());
  for (int64_t j = 0; j < b.numElements(); ++j) p[j] = input == 0 ? value[j % kSignalPeriod] : one;
}

// Runs `program` (of `c`, loaded on `device`) on inputs filled by formula and checks its output.
void runOn(Device &device, const Executable &program, const LargeCase &c) {
  SCOPED_TRACE(c.spec.op + " on " + device.name());
  const ProgramDesc &desc = program.program();

  std::vector<Buffer> buffers;
  auto allocate = [&](const TensorType &t) -> bool {
    auto b = device.allocate(t.dtype, t.shape);
    if (!b) {
      // A device without room (lavapipe's, a small GPU's) says how much it lacks.
      EXPECT_TRUE(device.kind() != DeviceKind::cpu) << b.message();
      std::printf("[ note ] %s: %s\n", device.name().c_str(), b.message().c_str());
      return false;
    }
    buffers.push_back(*b);
    return true;
  };
  for (size_t i = 0; i < c.spec.inputs.size(); ++i) {
    if (!allocate(c.spec.inputs[i])) return;
    c.fill(i, buffers.back());
  }
  if (!allocate(desc.outputs[0])) return;
  std::memset(buffers.back().data(), 0x7f, buffers.back().bytes()); // poisoned: all must be written
  std::vector<Buffer *> args;
  for (Buffer &b : buffers) args.push_back(&b);
  Status st = device.dispatch(program, args);
  if (!st && device.kind() != DeviceKind::cpu) {
    // A GPU may refuse a binding this large: by its limit's name, never silently.
    EXPECT_NE(st.message().find("maxStorageBufferRange"), std::string::npos) << st.message();
    std::printf("[ note ] %s: %s\n", device.name().c_str(), st.message().c_str());
    return;
  }
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(c.check(buffers.back()), "");
}

// `c` through the CPU JIT, then through each GPU device present (its target's artifact).
void run(const LargeCase &c) {
  auto text = opSource(c.spec, "large");
  ASSERT_TRUE(text.ok()) << text.message();
  auto jit = compileCpu(Source{*text, "large"});
  ASSERT_TRUE(jit.ok()) << jit.message();
  CpuDevice cpu;
  runOn(cpu, *cpu.adopt((*jit)[0].kernel), c);
  for (const char *name : {"vulkan", "cuda"}) {
    auto gpu = openDevice(name);
    if (!gpu) continue;
    auto compiled = compile(Source{*text, "large"}, (*gpu)->target());
    ASSERT_TRUE(compiled.ok()) << compiled.message();
    EXPECT_EQ((*compiled)[0].program.indexBits, 64) << "buffers past 2^31 elements need 64-bit indices";
    auto program = (*gpu)->load((*compiled)[0]);
    ASSERT_TRUE(program.ok()) << program.message();
    runOn(**gpu, **program, c);
  }
}

} // namespace

// concat of two i8 vectors into 2^31 + 8 elements.
TEST(LargeTensor, ConcatI8Past2To31) {
  const int64_t A = k2To31 / 2 + 3, B = k2To31 / 2 + 5;
  LargeCase c;
  c.spec.op = "concat";
  c.spec.attrs.set("axis", 0);
  c.spec.inputs = {{DType::i8, {A}}, {DType::i8, {B}}};
  auto value = [](size_t input, int64_t j) { return int8_t(j * 7 + 1 + int64_t(input) * 3); };
  c.fill = [&](size_t i, Buffer &b) {
    auto *p = static_cast<int8_t *>(b.data());
    for (int64_t j = 0; j < b.numElements(); ++j) p[j] = value(i, j);
  };
  c.check = [&](const Buffer &out) -> std::string {
    auto *p = static_cast<const int8_t *>(out.data());
    for (int64_t j = 0; j < A + B; ++j)
      if (int8_t want = j < A ? value(0, j) : value(1, j - A); p[j] != want)
        return "out[" + std::to_string(j) + "] = " + std::to_string(p[j]) + ", want " + std::to_string(want);
    return "";
  };
  run(c);
}

// col2im with stride 2 and one tap: y[2t] = cols[t], zeros between, 2^31 + 1 outputs.
TEST(LargeTensor, Col2ImF16Past2To31) {
  const int64_t Tin = k2To31 / 2 + 1, Tout = 2 * Tin - 1;
  LargeCase c;
  c.spec.op = "col2im_1d";
  c.spec.attrs.set("stride", 2);
  c.spec.attrs.set("channels", 1);
  c.spec.inputs = {{DType::f16, {Tin, 1}}};
  const std::vector<uint16_t> value = halfTable(-1000, 2001);
  c.fill = [&](size_t, Buffer &b) {
    auto *p = static_cast<uint16_t *>(b.data());
    for (int64_t t = 0; t < b.numElements(); ++t) p[t] = value[t % 2001];
  };
  c.check = [&](const Buffer &out) -> std::string {
    const uint16_t *y = halves(out), zero = half(0);
    for (int64_t t = 0; t < Tout; ++t)
      if (uint16_t want = t % 2 ? zero : value[(t / 2) % 2001]; y[t] != want)
        return "y[" + std::to_string(t) + "] = " + std::to_string(halfToFloat(y[t])) + ", want " +
               std::to_string(halfToFloat(want));
    return "";
  };
  run(c);
}

// im2col with two taps over one row: out[ow][k] = x[ow + k], 2^31 + 2 outputs.
TEST(LargeTensor, Im2ColF16Past2To31) {
  const int64_t IW = k2To31 / 2 + 2, OW = IW - 1;
  LargeCase c;
  c.spec.op = "im2col_1d";
  c.spec.attrs.set("kernel", 2);
  c.spec.attrs.set("stride", 1);
  c.spec.attrs.set("padding", 0);
  c.spec.attrs.set("dilation", 1);
  c.spec.inputs = {{DType::f16, {1, 1, IW}}};
  c.spec.resultDType = DType::f16;
  const std::vector<uint16_t> value = halfTable(-999, 1999);
  c.fill = [&](size_t, Buffer &b) {
    auto *p = static_cast<uint16_t *>(b.data());
    for (int64_t w = 0; w < b.numElements(); ++w) p[w] = value[w % 1999];
  };
  c.check = [&](const Buffer &out) -> std::string {
    const uint16_t *y = halves(out);
    for (int64_t j = 0; j < 2 * OW; ++j)
      if (uint16_t want = value[(j / 2 + j % 2) % 1999]; y[j] != want)
        return "out[" + std::to_string(j / 2) + "][" + std::to_string(j % 2) + "] = " +
               std::to_string(halfToFloat(y[j])) + ", want " + std::to_string(halfToFloat(want));
    return "";
  };
  run(c);
}

// matmul of a column by a row: C[i][j] = A[i] * B[j], 65536 x 32769 (2^31 + 65536) f16 outputs,
// every product an integer below 2048 (exact in f16).
TEST(LargeTensor, MatmulF16Past2To31) {
  const int64_t M = 65536, N = 32769;
  LargeCase c;
  c.spec.op = "matmul";
  c.spec.inputs = {{DType::f16, {M, 1}}, {DType::f16, {1, N}}};
  c.spec.resultDType = DType::f16;
  const std::vector<uint16_t> value = halfTable(0, 32 * 64);
  c.fill = [&](size_t i, Buffer &b) {
    auto *p = static_cast<uint16_t *>(b.data());
    for (int64_t j = 0; j < b.numElements(); ++j) p[j] = value[i == 0 ? j % 32 : j % 64];
  };
  c.check = [&](const Buffer &out) -> std::string {
    const uint16_t *y = halves(out);
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j)
        if (uint16_t want = value[(i % 32) * (j % 64)]; y[i * N + j] != want)
          return "C[" + std::to_string(i) + "][" + std::to_string(j) + "] = " + std::to_string(halfToFloat(y[i * N + j])) +
                 ", want " + std::to_string(halfToFloat(want));
    return "";
  };
  run(c);
}

// The composites, whose temporary `cols` passes 2^31 elements while their outputs stay smaller.
// conv1d of one channel with four unit taps: y[ow] = x[ow] + x[ow + 1] + x[ow + 2] + x[ow + 3],
// through cols[OW][4] of 2^31 + 4 elements.
TEST(LargeTensor, Conv1dF16ColsPast2To31) {
  const int64_t OW = k2To31 / 4 + 1, IW = OW + 3;
  LargeCase c;
  c.spec.op = "conv1d";
  c.spec.attrs.set("stride", 1);
  c.spec.attrs.set("padding", 0);
  c.spec.attrs.set("dilation", 1);
  c.spec.inputs = {{DType::f16, {1, 1, IW}}, {DType::f16, {1, 1, 4}}};
  c.spec.resultDType = DType::f16;
  c.fill = fillSignalAndUnitWeights;
  c.check = [&](const Buffer &out) {
    return expectSums(out, OW, 1000, [](int64_t ow) { return signal(ow) + signal(ow + 1) + signal(ow + 2) + signal(ow + 3); });
  };
  run(c);
}

// conv_transpose_1d of one channel, four unit taps, stride 2: y[t] = x[t/2] + x[t/2 - 1] (where
// they exist), through cols[T_in][4] of 2^31 + 4 elements.
TEST(LargeTensor, ConvTranspose1dF16ColsPast2To31) {
  const int64_t Tin = k2To31 / 4 + 1, Tout = (Tin - 1) * 2 + 4;
  LargeCase c;
  c.spec.op = "conv_transpose_1d";
  c.spec.attrs.set("stride", 2);
  c.spec.inputs = {{DType::f16, {1, Tin}}, {DType::f16, {1, 1, 4}}};
  c.spec.resultDType = DType::f16;
  c.fill = fillSignalAndUnitWeights;
  c.check = [&](const Buffer &out) {
    return expectSums(out, Tout, 500, [&](int64_t t) {
      int64_t s = 0;
      for (int64_t tIn : {t / 2, t / 2 - 1})
        if (tIn >= 0 && tIn < Tin) s += signal(tIn);
      return s;
    });
  };
  run(c);
}
