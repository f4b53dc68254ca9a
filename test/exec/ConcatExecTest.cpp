// concat: all 7 dtypes, ranks 1-4, every axis, contiguous and strided inputs, bit-exact.
#include "ExecHarness.h"

#include <gtest/gtest.h>

using namespace weft;
using namespace weft::test;

TEST(Concat, DtypesRanksAxes) {
  std::vector<ExecCase> cases;
  const Shape kShapes[] = {{37}, {5, 33}, {3, 4, 17}, {2, 3, 4, 9}};
  for (DType dt : kAllDTypes)
    for (const Shape &shape : kShapes)
      for (int64_t axis = 0; axis < int64_t(shape.size()); ++axis) {
        Shape b = shape;
        b[axis] += 2; // unequal extents along the axis
        ExecCase c;
        c.name = std::string("concat_") + dtypeName(dt) + "_r" + std::to_string(shape.size()) + "_a" +
                 std::to_string(axis);
        c.spec.op = "concat";
        c.spec.attrs = {{"axis", axis}};
        c.spec.inputs = {TensorType{dt, shape}, TensorType{dt, b}};
        cases.push_back(c);
        // GPU: 4 columns per thread, vectors where a run allows (rows of odd lengths: tails).
        c.name += "_lanes";
        c.schedule = "#weft.schedule<vector = 4, tile = [8]>";
        cases.push_back(c);
      }
  runCases("concat", cases);
}

TEST(Concat, StridedViewsAndSchedules) {
  std::vector<ExecCase> cases;
  const Layout kLayouts[] = {Layout::innerStride2, Layout::paddedRows};
  for (DType dt : {DType::f32, DType::bf16, DType::i8, DType::i64})
    for (int64_t axis = 0; axis < 3; ++axis)
      for (size_t l = 0; l < 2; ++l) {
        ExecCase c;
        c.name = std::string("concat_strided_") + dtypeName(dt) + "_a" + std::to_string(axis) + "_l" + std::to_string(l);
        c.spec.op = "concat";
        c.spec.attrs = {{"axis", axis}};
        c.spec.inputs = {TensorType{dt, {3, 5, 19}}, TensorType{dt, {3, 5, 19}}};
        c.layouts = {kLayouts[l], Layout::contiguous};
        cases.push_back(c);
        c.name += "_lanes"; // strided runs: GPU lanes element by element
        c.schedule = "#weft.schedule<vector = 2>";
        cases.push_back(c);
      }
  const std::pair<const char *, const char *> kSchedules[] = {
      {"flat", "#weft.schedule<copy = flat>"}, {"row", "#weft.schedule<copy = row, vector = 4, tile = [2]>"},
      {"lanes", "#weft.schedule<vector = 2>"}, {"lanes8", "#weft.schedule<vector = 8, tile = [16]>"}};
  for (auto [label, sched] : kSchedules) {
    ExecCase c;
    c.name = std::string("concat_sched_") + label;
    c.spec.op = "concat";
    c.spec.attrs = {{"axis", 0}};
    c.spec.inputs = {TensorType{DType::f16, {7, 130}}, TensorType{DType::f16, {5, 130}}};
    c.schedule = sched;
    cases.push_back(c);
  }
  ExecCase dyn;
  dyn.name = "concat_dynamic";
  dyn.spec.op = "concat";
  dyn.spec.attrs = {{"axis", 1}};
  dyn.spec.inputs = {TensorType{DType::f32, {4, kDynamic}}, TensorType{DType::f32, {4, kDynamic}}};
  dyn.runShapes = {{4, 11}, {4, 29}};
  cases.push_back(dyn);
  dyn.name = "concat_dynamic_lanes";
  dyn.schedule = "#weft.schedule<vector = 4>";
  cases.push_back(dyn);
  runCases("concat_strided", cases);
}

// Outputs of 16 MiB and more: the CPU writes them with streaming stores that declare the output's
// alignment once checked (32 bytes), in the row and the flat forms, f32 and f16.
TEST(Concat, StreamedLargeOutputs) {
  std::vector<ExecCase> cases;
  auto big = [&](const char *name, DType dt, Shape a, int64_t axis, const char *schedule) {
    ExecCase c;
    c.name = name;
    c.spec.op = "concat";
    c.spec.attrs = {{"axis", axis}};
    c.spec.inputs = {TensorType{dt, a}, TensorType{dt, a}};
    c.schedule = schedule;
    cases.push_back(c);
  };
  big("concat_streamed_rows_f32", DType::f32, {8192, 256}, 1, "");
  big("concat_streamed_rows_f16", DType::f16, {16384, 256}, 0, "");
  big("concat_streamed_flat_f32", DType::f32, {8192, 256}, 0, "#weft.schedule<copy = flat>");
  runCases("concat_streamed", cases);
}

// An output that does not start on the streamed stores' alignment takes the unaligned ones.
TEST(Concat, StreamedOnAnUnalignedOutput) {
  expectUnalignedOutputWorks(R"(
func.func @join(%a: tensor<8192x256xf32>, %b: tensor<8192x256xf32>) -> tensor<8192x512xf32> {
  %c = weft.concat %a, %b {axis = 1 : i64} : tensor<8192x256xf32>, tensor<8192x256xf32> -> tensor<8192x512xf32>
  return %c : tensor<8192x512xf32>
}
)",
                             "join", "concat");
  expectUnalignedOutputWorks(R"(
func.func @stack(%a: tensor<16384x256xf16>, %b: tensor<16384x256xf16>) -> tensor<32768x256xf16> {
  %c = weft.concat %a, %b {axis = 0 : i64} : tensor<16384x256xf16>, tensor<16384x256xf16> -> tensor<32768x256xf16>
  return %c : tensor<32768x256xf16>
}
)",
                             "stack", "concat");
}
