#include "TestUtil.h"

#include <numeric>
#include <vector>

using namespace weft;
using weft::test::failsWith;
using weft::test::isOk;
using weft::test::take;

extern "C" void weft_test_concat_to_tmp(void *const *, const int64_t *, int64_t, int64_t);
extern "C" void weft_test_tmp_to_out(void *const *, const int64_t *, int64_t, int64_t);

namespace {

// The program of TestKernels.cpp: a dynamic-length f32 concat through a temporary.
ProgramDesc concatProgram() {
  return weft::test::concatThroughTempProgram("weft_test_concat_to_tmp", "weft_test_tmp_to_out");
}

// A static matmul [2][3] x [3][4] -> [2][4] f32 (its kernel is never run).
ProgramDesc matmulProgram() {
  ProgramDesc p;
  p.op = "matmul";
  p.inputs = {{DType::f32, {2, 3}}, {DType::f32, {3, 4}}};
  p.outputs = {{DType::f32, {2, 4}}};
  p.launches = {{"mm", {{Extent::constant(2), 1}}}};
  return p;
}

Status check(const ProgramDesc &p, std::vector<Buffer *> args) {
  std::vector<int64_t> params;
  std::vector<Shape> temps;
  return checkArguments(p, args, params, temps);
}

} // namespace

TEST(CheckArguments, FillsTheParameterBlockAndTemporaries) {
  std::vector<float> mem(12);
  Buffer a = take(Buffer::wrap(mem.data(), 48, DType::f32, {4}, {3})); // every third float
  Buffer b = take(Buffer::allocate(DType::f32, {5}));
  Buffer out = take(Buffer::allocate(DType::f32, {9}));
  std::vector<int64_t> params;
  std::vector<Shape> temps;
  ASSERT_TRUE(isOk(checkArguments(concatProgram(), {&a, &b, &out}, params, temps)));
  EXPECT_EQ(params, (std::vector<int64_t>{4, 3, 5, 1, 9, 1, 9, 1}));
  EXPECT_EQ(temps, std::vector<Shape>{{9}});
  EXPECT_EQ(gridSize(concatProgram().launches[0], params), 9);
  EXPECT_EQ(gridSize(concatProgram().launches[1], params), 3);
}

TEST(CheckArguments, ParameterBlockOfRank2And3Buffers) {
  ProgramDesc p;
  p.op = "col2im_1d";
  p.attrs = {{"stride", 2}, {"channels", 3}};
  p.inputs = {{DType::f32, {kDynamic, 12}}};
  p.outputs = {{DType::f32, {3, kDynamic}}};
  p.temps = {{"t", DType::f16, {Extent::constant(2), Extent::slot(0), Extent::slot(5)}}};
  p.launches = {{"k", {{Extent::slot(0), 1}, {Extent::constant(3), 2}}}};
  Buffer cols = take(Buffer::allocate(DType::f32, {7, 12}));
  Buffer y = take(Buffer::allocate(DType::f32, {3, 16})); // (7-1)*2 + 4 = 16
  std::vector<int64_t> params;
  std::vector<Shape> temps;
  ASSERT_TRUE(isOk(checkArguments(p, {&cols, &y}, params, temps)));
  EXPECT_EQ(params, (std::vector<int64_t>{7, 12, 12, 1, 3, 16, 16, 1, 2, 7, 16, 112, 16, 1}));
  EXPECT_EQ(temps, (std::vector<Shape>{{2, 7, 16}}));
  EXPECT_EQ(gridSize(p.launches[0], params), 14);
}

TEST(CheckArguments, RefusesWrongCountNullDtypeRankAndExtent) {
  ProgramDesc p = matmulProgram();
  Buffer A = take(Buffer::allocate(DType::f32, {2, 3})), B = take(Buffer::allocate(DType::f32, {3, 4}));
  Buffer C = take(Buffer::allocate(DType::f32, {2, 4}));
  EXPECT_TRUE(isOk(check(p, {&A, &B, &C})));
  EXPECT_TRUE(failsWith(check(p, {&A, &B}), {"weft.matmul: expects 3 buffers (inputs A, B; outputs C), got 2"}));
  EXPECT_TRUE(failsWith(check(p, {&A, nullptr, &C}), {"input B (argument 1) is null"}));
  Buffer half = take(Buffer::allocate(DType::f16, {2, 3}));
  EXPECT_TRUE(failsWith(check(p, {&half, &B, &C}), {"input A (argument 0) has dtype f16", "compiled for f32"}));
  Buffer rank3 = take(Buffer::allocate(DType::f32, {1, 2, 4}));
  EXPECT_TRUE(failsWith(check(p, {&A, &B, &rank3}), {"output C (argument 2) has rank 3 [1, 2, 4]", "rank 2 [2, 4]"}));
  Buffer wide = take(Buffer::allocate(DType::f32, {2, 5}));
  EXPECT_TRUE(failsWith(check(p, {&A, &B, &wide}), {"output C (argument 2) has shape [2, 5]", "dim 1 must be 4"}));
}

TEST(CheckArguments, OutputsMustBeWhatTheOpRulesInfer) {
  ProgramDesc p = matmulProgram();
  p.inputs = {{DType::f32, {kDynamic, kDynamic}}, {DType::f32, {kDynamic, kDynamic}}};
  p.outputs = {{DType::f32, {kDynamic, kDynamic}}};
  Buffer A = take(Buffer::allocate(DType::f32, {2, 3})), B = take(Buffer::allocate(DType::f32, {5, 4}));
  Buffer C = take(Buffer::allocate(DType::f32, {2, 4}));
  EXPECT_TRUE(failsWith(check(p, {&A, &B, &C}), {"weft.matmul: contraction extents differ", "K = 3", "K = 5"}));
  Buffer B2 = take(Buffer::allocate(DType::f32, {3, 4})), C2 = take(Buffer::allocate(DType::f32, {2, 3}));
  EXPECT_TRUE(failsWith(check(p, {&A, &B2, &C2}), {"weft.matmul: result shape [2, 3] must be [2, 4]"}));
}

TEST(CheckArguments, OnlyConcatInputsMayBeStrided) {
  std::vector<float> mem(64);
  Buffer At = take(Buffer::wrap(mem.data(), 256, DType::f32, {2, 3}, {1, 2})); // a transposed view
  Buffer B = take(Buffer::allocate(DType::f32, {3, 4})), C = take(Buffer::allocate(DType::f32, {2, 4}));
  EXPECT_TRUE(failsWith(check(matmulProgram(), {&At, &B, &C}),
                        {"input A (argument 0) is a strided view [2, 3] with strides [1, 2]",
                         "only concat's inputs may be strided"}));

  Buffer a = take(Buffer::wrap(mem.data(), 256, DType::f32, {4}, {5}));
  Buffer b = take(Buffer::allocate(DType::f32, {2}));
  Buffer out = take(Buffer::allocate(DType::f32, {6}));
  EXPECT_TRUE(isOk(check(concatProgram(), {&a, &b, &out})));
  Buffer stridedOut = take(Buffer::wrap(mem.data(), 256, DType::f32, {6}, {2}));
  EXPECT_TRUE(failsWith(check(concatProgram(), {&a, &b, &stridedOut}), {"output out (argument 2) is a strided view"}));
}

TEST(CheckArguments, AnOutputMustNotOverlapAnotherArgument) {
  // Kernels are compiled assuming it (__restrict, GLSL restrict, PTX noalias and ld.global.nc).
  std::vector<float> mem(16, 1.0f);
  Buffer a = take(Buffer::wrap(mem.data(), 16, DType::f32, {4}));
  Buffer b = take(Buffer::allocate(DType::f32, {2}));
  Buffer outOverA = take(Buffer::wrap(mem.data() + 2, 24, DType::f32, {6}));
  EXPECT_TRUE(failsWith(check(concatProgram(), {&a, &b, &outOverA}),
                        {"weft.concat: output out (argument 2) overlaps input a (argument 0) in memory",
                         "an output shares no memory with another argument"}));
  // Inputs may share memory (concat of a with itself), and adjacent memory is not overlap.
  Buffer a2 = take(Buffer::wrap(mem.data(), 8, DType::f32, {2}));
  Buffer outAfterA = take(Buffer::wrap(mem.data() + 4, 24, DType::f32, {6}));
  EXPECT_TRUE(isOk(check(concatProgram(), {&a, &a2, &outAfterA})));
}

TEST(CheckArguments, ThirtyTwoBitIndicesRefuseAViewReachingPast2To31) {
  // A view of 3 elements 2^30 apart: small, but its last element lies at 2^31 (memory is never
  // touched: wrap only needs the bytes to be claimed).
  // The other buffers lie below it, outside the bytes it claims.
  std::vector<float> mem(16);
  ProgramDesc p = concatProgram();
  p.indexBits = 32;
  Buffer far = take(Buffer::wrap(mem.data() + 8, size_t(1) << 36, DType::f32, {3}, {int64_t(1) << 30}));
  Buffer b = take(Buffer::wrap(mem.data(), 8, DType::f32, {2}));
  Buffer out = take(Buffer::wrap(mem.data() + 2, 20, DType::f32, {5}));
  EXPECT_TRUE(failsWith(check(p, {&far, &b, &out}),
                        {"input a (argument 0) reaches element 2147483648", "32-bit indices"}));
  p.indexBits = 64;
  EXPECT_TRUE(isOk(check(p, {&far, &b, &out})));
}

TEST(CheckArguments, AlignedVectorKernelsRefuseAMisalignedBuffer) {
  // A kernel with aligned 16-byte vector accesses (PTX ld.v4) would fault on a buffer that starts
  // 4 bytes into an allocation.
  alignas(64) static float mem[64] = {};
  ProgramDesc p = concatProgram();
  p.bufferAlign = 16;
  Buffer a = take(Buffer::wrap(mem + 1, 4 * sizeof(float), DType::f32, {4}, {1}));
  Buffer b = take(Buffer::allocate(DType::f32, {2})), out = take(Buffer::allocate(DType::f32, {6}));
  EXPECT_TRUE(failsWith(check(p, {&a, &b, &out}),
                        {"input a (argument 0) starts at an address that is not a multiple of 16 bytes"}));
  Buffer aligned = take(Buffer::wrap(mem + 4, 4 * sizeof(float), DType::f32, {4}, {1}));
  EXPECT_TRUE(isOk(check(p, {&aligned, &b, &out})));
}

TEST(CheckArguments, RefusesBadTemporariesAndGrids) {
  Buffer a = take(Buffer::allocate(DType::f32, {2})), b = take(Buffer::allocate(DType::f32, {2}));
  Buffer out = take(Buffer::allocate(DType::f32, {4}));
  ProgramDesc p = concatProgram();
  p.temps[0].dims = {Extent::slot(6)}; // the temporary's own slot: not filled yet
  EXPECT_TRUE(failsWith(check(p, {&a, &b, &out}), {"temporary 'tmp' reads slot $6", "6 slots"}));
  p.temps[0].dims = {Extent::constant(-5)};
  EXPECT_TRUE(failsWith(check(p, {&a, &b, &out}), {"temporary 'tmp'", "extent -5"}));
  p = concatProgram();
  p.launches[1].grid[0].tile = 0;
  EXPECT_TRUE(failsWith(check(p, {&a, &b, &out}), {"launch 'weft_test_tmp_to_out' grid factor 0", "tile 0"}));
  EXPECT_EQ(gridSize(p.launches[1], {4, 1, 4, 1, 4, 1}), -1);
  p.launches[1].grid = {{Extent::slot(99), 1}};
  EXPECT_TRUE(failsWith(check(p, {&a, &b, &out}), {"slot $99", "parameter block (8 slots)"}));
  p.launches[1].grid = {{Extent::constant(int64_t(1) << 40), 1}, {Extent::constant(int64_t(1) << 40), 1}};
  EXPECT_TRUE(failsWith(check(p, {&a, &b, &out}), {"overflows"}));
}

TEST(CpuDevice, DispatchesAHandWrittenKernelWithATemporary) {
  CpuKernel kernel{concatProgram(), {weft_test_concat_to_tmp, weft_test_tmp_to_out}, nullptr};
  for (unsigned threads : {1u, 2u, 3u}) {
    CpuDevice device(threads);
    std::vector<float> mem(30);
    std::iota(mem.begin(), mem.end(), 0.0f);
    Buffer a = take(Buffer::wrap(mem.data(), 120, DType::f32, {10}, {3})); // 0, 3, ..., 27
    Buffer b = take(Buffer::allocate(DType::f32, {7}));
    for (int i = 0; i < 7; ++i) static_cast<float *>(b.data())[i] = 100.0f + i;
    Buffer out = take(Buffer::allocate(DType::f32, {17}));
    ASSERT_TRUE(isOk(device.dispatch(kernel, {&a, &b, &out})));
    auto *y = static_cast<const float *>(out.data());
    for (int i = 0; i < 10; ++i) EXPECT_EQ(y[i], 3.0f * i);
    for (int i = 0; i < 7; ++i) EXPECT_EQ(y[10 + i], 100.0f + i);
  }
}

TEST(CpuDevice, DispatchRefusesBeforeLaunchingAnything) {
  CpuDevice device(2);
  Buffer a = take(Buffer::allocate(DType::f32, {2})), b = take(Buffer::allocate(DType::f32, {2}));
  Buffer out = take(Buffer::allocate(DType::f32, {5}));
  CpuKernel kernel{concatProgram(), {weft_test_concat_to_tmp, weft_test_tmp_to_out}, nullptr};
  EXPECT_TRUE(failsWith(device.dispatch(kernel, {&a, &b, &out}), {"weft.concat: result shape [5] must be [4]"}));
  kernel.entries.pop_back();
  EXPECT_TRUE(failsWith(device.dispatch(kernel, {&a, &b, &out}), {"1 entries for 2 launches"}));
  kernel.entries.push_back(nullptr);
  EXPECT_TRUE(failsWith(device.dispatch(kernel, {&a, &b, &out}), {"entry of launch 'weft_test_tmp_to_out' is null"}));
}

TEST(LoadCpuLibrary, BindsEntriesAndNamesWhatIsMissing) {
  Result<CpuKernel> k = loadCpuLibrary(WEFT_TEST_KERNELS_PATH, concatProgram());
  ASSERT_TRUE(isOk(k.status()));
  EXPECT_EQ(k->entries.size(), 2u);
  CpuDevice device(2);
  Buffer a = take(Buffer::allocate(DType::f32, {3})), b = take(Buffer::allocate(DType::f32, {2}));
  static_cast<float *>(b.data())[1] = 7.0f;
  Buffer out = take(Buffer::allocate(DType::f32, {5}));
  ASSERT_TRUE(isOk(device.dispatch(*k, {&a, &b, &out})));
  EXPECT_EQ(static_cast<const float *>(out.data())[4], 7.0f);

  ProgramDesc p = concatProgram();
  p.launches[1].entry = "weft_test_nowhere";
  EXPECT_TRUE(failsWith(loadCpuLibrary(WEFT_TEST_KERNELS_PATH, p).status(),
                        {WEFT_TEST_KERNELS_PATH, "has no entry 'weft_test_nowhere'"}));
  EXPECT_TRUE(failsWith(loadCpuLibrary("/nonexistent/libkernel.so", p).status(),
                        {"cannot load CPU kernel library '/nonexistent/libkernel.so'", "No such file"}));
  EXPECT_TRUE(failsWith(loadCpuLibrary(__FILE__, p).status(), {"cannot load CPU kernel library", __FILE__}));
}
