// col2im_1d: the 11 geometries of ops.md x f32/f16/bf16 x every schedule, bit-exact.
#include "ExecHarness.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

using namespace weft;
using namespace weft::test;

namespace {
struct Geometry { int64_t K, OC, Tin, s, p; };
const Geometry kGeometries[] = {{16, 32, 197, 8, 0}, {4, 3, 7, 2, 0},   {1, 5, 13, 1, 0}, {6, 4, 11, 3, 1},
                                {2, 3, 9, 3, 0},     {5, 4, 11, 2, 0},  {8, 4, 13, 4, 2}, {4, 3, 1, 2, 0},
                                {16, 1, 197, 8, 0},  {1, 5, 13, 3, 0},  {8, 2, 3, 2, 5},
                                // the row sweep by phases (s divides K and p): padding, three
                                // rows per output, runs of 4, a single row
                                {16, 4, 37, 8, 8},   {24, 3, 21, 8, 0}, {8, 5, 23, 4, 4}, {16, 2, 1, 8, 0},
                                // K = 2s with several channels to a vector (rowBlockSums): whole
                                // blocks and single channels, padding, one-element runs
                                {4, 9, 37, 2, 2},    {2, 17, 23, 1, 1}, {8, 5, 29, 4, 0},
                                // GPU lanes of 4 whose last tap row lies past K for some outputs
                                // (K not a multiple of s)
                                {12, 3, 9, 8, 4}};
const char *kSchedules[] = {
    "",  // the CPU default (row sweep)
    "#weft.schedule<parallel = time, gather = bounded>",
    "#weft.schedule<parallel = channel, gather = bounded>",
    "#weft.schedule<parallel = time, gather = scan>",
    "#weft.schedule<parallel = channel, gather = scan>",
    "#weft.schedule<parallel = time, gather = sweep, vector = 8>",
    "#weft.schedule<parallel = channel, gather = sweep>",
    "#weft.schedule<parallel = time, gather = bounded, vector = 1, tile = [3]>",
    // GPU: v consecutive times per thread (vector loads where s, p, K are multiples of v).
    "#weft.schedule<parallel = time, gather = bounded, vector = 4>",
    "#weft.schedule<parallel = time, gather = scan, vector = 2, tile = [6]>",
    // GPU: the item's cols rows staged in workgroup memory, then gathered from there.
    "#weft.schedule<gather = stage>",
    "#weft.schedule<gather = stage, tile = [5], workgroup = [32]>",
    "#weft.schedule<gather = stage, vector = 2, tile = [6], workgroup = [32]>",
};

// A col2im_1d case (default schedule) of stride, channels and padding on `cols`.
ExecCase col2imCase(std::string name, int64_t stride, int64_t channels, int64_t padding, TensorType cols) {
  ExecCase c;
  c.name = std::move(name);
  c.spec.op = "col2im_1d";
  c.spec.attrs = {{"stride", stride}, {"channels", channels}, {"padding", padding}};
  c.spec.inputs = {std::move(cols)};
  return c;
}
} // namespace

TEST(Col2Im, GeometriesDtypesSchedules) {
  std::vector<ExecCase> cases;
  for (DType dt : {DType::f32, DType::f16, DType::bf16})
    for (size_t g = 0; g < std::size(kGeometries); ++g)
      for (size_t s = 0; s < std::size(kSchedules); ++s) {
        const Geometry &k = kGeometries[g];
        ExecCase c = col2imCase(std::string("col2im_") + dtypeName(dt) + "_g" + std::to_string(g) + "_s" +
                                    std::to_string(s),
                                k.s, k.OC, k.p, TensorType{dt, {k.Tin, k.OC * k.K}});
        c.schedule = kSchedules[s];
        cases.push_back(c);
      }
  runCases("col2im", cases);
}

TEST(Col2Im, VocoderDynamicAndBatched) {
  std::vector<ExecCase> cases;
  // A vocoder stage: thousands of grid items per thread, so per-item scratch must not pile up.
  cases.push_back(col2imCase("col2im_vocoder", 8, 512, 0, TensorType{DType::f32, {2048, 512 * 16}}));
  // In f16 the CPU streams each channel's sums straight to y, two 32-byte vectors at a time.
  cases.push_back(col2imCase("col2im_vocoder_f16", 8, 512, 0, TensorType{DType::f16, {2048, 512 * 16}}));
  ExecCase dyn = col2imCase("col2im_dynamic", 4, 6, 2, TensorType{DType::f32, {kDynamic, 6 * 8}});
  dyn.runShapes = {{37, 48}};
  cases.push_back(dyn);
  ExecCase dynLanes = dyn; // rows of unknown length: vector stores without alignment
  dynLanes.name = "col2im_dynamic_lanes";
  dynLanes.schedule = "#weft.schedule<parallel = time, gather = bounded, vector = 4>";
  cases.push_back(dynLanes);
  ExecCase dynStaged = dyn;
  dynStaged.name = "col2im_dynamic_staged";
  dynStaged.schedule = "#weft.schedule<gather = stage, tile = [16]>";
  cases.push_back(dynStaged);
  // An output of 16 MiB whose rows of 2*T_in + 2 floats start off every 16-byte boundary (no
  // vector streaming store fits: plain stores from the tile), K = 4 and s = 2 by whole-row
  // blocks of four channels (rowBlockSums).
  cases.push_back(col2imCase("col2im_row_blocks_unaligned", 2, 64, 0, TensorType{DType::f32, {32768, 64 * 4}}));
  cases.push_back(col2imCase("col2im_batched", 2, 3, 1, TensorType{DType::bf16, {3, 9, 3 * 5}}));
  runCases("col2im_dyn", cases);
}

// A stride near 2^31 (issue 13 item 3): col2im's t_in * s passes 2^31 while the buffers stay
// small, so the GPU targets index in 64 bits; every target must still sum the right taps.
TEST(Col2Im, StrideNear2To31) {
  runCases("col2im_near_2_31",
           {col2imCase("col2im_huge_stride", 1073741824, 2, 1073741823, TensorType{DType::f32, {3, 2 * 3}})});
}

// The vocoder stage's output (33.5 MB in f32, 16.8 MB in f16) is written with streaming stores
// that declare 32-byte (f16: 16-byte) alignment once its start is checked; one that starts
// elsewhere takes the unaligned ones. K = 4's rows (131074 elements) start off every 16 bytes
// whatever y's start: each channel's stores go lane by lane up to y's next cache line, found from
// y's address, then as aligned streaming vectors.
TEST(Col2Im, StreamedSweepOnAnUnalignedOutput) {
  struct Shape {
    const char *function, *cols, *y;
    int stride, channels;
  };
  for (const Shape &shape : {Shape{"fold", "2048x8192", "512x16392", 8, 512}, Shape{"fold_k4", "65536x256", "64x131074", 2, 64}})
    for (const char *t : {"f32", "f16"}) {
      SCOPED_TRACE(fmt::format("{} {}", shape.function, t));
      expectUnalignedOutputWorks(fmt::format(R"(
func.func @{0}(%x: tensor<{1}x{3}>) -> tensor<{2}x{3}> {{
  %y = weft.col2im_1d %x {{stride = {4}, channels = {5}}} : tensor<{1}x{3}> -> tensor<{2}x{3}>
  return %y : tensor<{2}x{3}>
}}
)",
                                             shape.function, shape.cols, shape.y, t, shape.stride, shape.channels),
                                 shape.function, "col2im_1d");
    }
}
