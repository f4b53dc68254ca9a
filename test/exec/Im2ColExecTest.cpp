// im2col_1d: ggml's cases (Whisper's encoder, the Metal regression shape, the s/p/d grid) over
// input/output dtype pairs, bit-exact; the CPU's streamed form on outputs of 16 MiB and more,
// into a cache-line aligned output and into one that is not.
#include "ExecHarness.h"

#include <gtest/gtest.h>

using namespace weft;
using namespace weft::test;

namespace {
ExecCase im2col(const std::string &name, DType in, DType out, Shape x, int64_t K, int64_t s, int64_t p, int64_t d,
                const std::string &schedule = "") {
  ExecCase c;
  c.name = name;
  c.spec.op = "im2col_1d";
  c.spec.attrs = {{"kernel", K}, {"stride", s}, {"padding", p}, {"dilation", d}};
  c.spec.inputs = {TensorType{in, x}};
  c.spec.resultDType = out;
  c.schedule = schedule;
  return c;
}
} // namespace

TEST(Im2Col, GgmlGrid) {
  std::vector<ExecCase> cases;
  const std::pair<DType, DType> kPairs[] = {{DType::f32, DType::f32}, {DType::f32, DType::f16},
                                            {DType::f16, DType::f16}, {DType::bf16, DType::bf16},
                                            {DType::f16, DType::f32}};
  for (auto [in, out] : kPairs)
    for (int64_t s : {1, 3})
      for (int64_t p : {0, 3})
        for (int64_t d : {1, 3})
          for (auto [label, sched] : {std::pair{"", ""},
                                      {"_ch", "#weft.schedule<parallel = channel>"},
                                      // GPU: 4 elements of a 6-wide row per thread (tails)
                                      {"_lanes", "#weft.schedule<parallel = time, vector = 4, tile = [8]>"},
                                      // windows staged in workgroup memory, whole and partial
                                      // vectors of a channel block's run
                                      {"_stage", "#weft.schedule<gather = stage, tile = [3]>"},
                                      {"_stage_lanes", "#weft.schedule<gather = stage, vector = 4, tile = [5]>"}})
            cases.push_back(im2col(std::string("im2col_") + dtypeName(in) + "_" + dtypeName(out) + "_s" +
                                       std::to_string(s) + "p" + std::to_string(p) + "d" + std::to_string(d) + label,
                                   in, out, {2, 2, 20}, 3, s, p, d, sched));
  runCases("im2col_grid", cases);
}

TEST(Im2Col, WhisperAndMetalRegression) {
  std::vector<ExecCase> cases{
      im2col("im2col_whisper", DType::f32, DType::f16, {1, 128, 3000}, 3, 1, 1, 1),
      im2col("im2col_whisper_f32", DType::f32, DType::f32, {1, 128, 3000}, 3, 1, 1, 1),
      im2col("im2col_metal_regression", DType::f32, DType::f32, {1, 384, 3000}, 3, 1, 1, 1),
      im2col("im2col_metal_regression_ch", DType::f16, DType::f16, {1, 384, 3000}, 3, 1, 1, 1,
             "#weft.schedule<parallel = channel, vector = 4, tile = [7]>"),
      im2col("im2col_whisper_lanes", DType::f32, DType::f16, {1, 128, 3000}, 3, 1, 1, 1,
             "#weft.schedule<parallel = time, vector = 2>"),
      im2col("im2col_whisper_staged", DType::f16, DType::f16, {1, 128, 3000}, 3, 1, 1, 1,
             "#weft.schedule<gather = stage>"),
      im2col("im2col_metal_regression_staged", DType::f32, DType::f32, {2, 384, 300}, 7, 2, 3, 2,
             "#weft.schedule<gather = stage, vector = 4, tile = [16]>"),
      // 8 lanes: CUDA only (the shading languages' vectors have at most 4)
      im2col("im2col_whisper_lanes8", DType::f16, DType::f16, {1, 128, 3000}, 3, 1, 1, 1,
             "#weft.schedule<parallel = time, vector = 8>"),
  };
  runCases("im2col_big", cases);
}

// Attributes near 2^31 on a small input (issue 13 item 3): the kernels' positions ow*s - p + k*d
// pass 2^31 though every buffer is tiny (the last row: 2s - p + k > 2^31), so the GPU targets
// index in 64 bits (ProgramDesc::fitsIndex32; test/lit/tools/index-bits.test). Every target must
// give the padding's zeros there.
TEST(Im2Col, AttributesNear2To31) {
  std::vector<ExecCase> cases{
      im2col("im2col_huge_stride", DType::f32, DType::f32, {1, 2, 20}, 3, 2147483647, 2147483600, 1),
      im2col("im2col_huge_dilation", DType::f16, DType::f16, {1, 2, 20}, 2, 1, 1073741823, 2147483000),
  };
  runCases("im2col_near_2_31", cases);
}

// Outputs of at least 16 MiB whose rows are whole cache lines: the CPU writes the inside rows
// from a scratch tile with streaming stores (Im2Col::channelsOuterStreamed), 16 (f32) or 32 (f16)
// channels per block; the edge rows, in the padding, as before.
TEST(Im2Col, StreamedCpuForm) {
  std::vector<ExecCase> cases{
      im2col("im2col_streamed_f32", DType::f32, DType::f32, {1, 64, 9400}, 7, 1, 3, 1),
      im2col("im2col_streamed_f16", DType::f16, DType::f16, {1, 64, 18900}, 7, 1, 3, 1),
      im2col("im2col_streamed_s2d2", DType::f32, DType::f32, {2, 32, 28000}, 5, 2, 4, 2),
      im2col("im2col_streamed_f32_f16", DType::f32, DType::f16, {1, 64, 18900}, 7, 1, 0, 1),
  };
  runCases("im2col_streamed", cases);
}

// The streamed form's stores are aligned: an output that does not start on a cache line takes the
// plain stores instead, with the same bits.
TEST(Im2Col, StreamedCpuFormOnAnUnalignedOutput) {
  expectUnalignedOutputWorks(R"(
func.func @unfold(%x: tensor<1x64x9400xf32>) -> tensor<1x9400x448xf32> {
  %y = weft.im2col_1d %x {kernel = 7, stride = 1, padding = 3} : tensor<1x64x9400xf32> -> tensor<1x9400x448xf32>
  return %y : tensor<1x9400x448xf32>
}
)",
                             "unfold", "im2col_1d");
}
