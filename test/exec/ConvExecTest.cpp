// The composites: conv1d with N > 1 and conv_transpose_1d (unbatched and batched), against their
// direct definitions.
#include "ExecHarness.h"

#include <gtest/gtest.h>

using namespace weft;
using namespace weft::test;

TEST(Conv, Conv1dAndConvTranspose1d) {
  std::vector<ExecCase> cases;
  int n = 0;
  for (DType dt : {DType::f32, DType::f16})
    for (auto [s, p, d] : {std::tuple{1, 1, 1}, std::tuple{2, 0, 1}, std::tuple{3, 2, 2}}) {
      ExecCase c;
      c.name = "conv1d_" + std::to_string(n++);
      c.spec.op = "conv1d";
      c.spec.attrs = {{"stride", s}, {"padding", p}, {"dilation", d}};
      c.spec.inputs = {TensorType{dt, {3, 5, 31}}, TensorType{dt, {7, 5, 3}}};
      c.tolerance = dt == DType::f32 ? 1e-5 : 2e-3;
      cases.push_back(c);
    }
  for (DType dt : {DType::f32, DType::f16, DType::bf16})
    for (auto [s, p, K] : {std::tuple{8, 0, 16}, std::tuple{2, 1, 4}, std::tuple{3, 0, 2}})
      for (bool batched : {false, true}) {
        ExecCase c;
        c.name = "convt_" + std::to_string(n++);
        c.spec.op = "conv_transpose_1d";
        c.spec.attrs = {{"stride", s}, {"padding", p}};
        c.spec.inputs = {TensorType{dt, batched ? Shape{2, 12, 9} : Shape{12, 9}}, TensorType{dt, {12, 5, K}}};
        c.tolerance = dt == DType::f32 ? 1e-5 : 2e-3;
        cases.push_back(c);
      }
  runCases("conv", cases);
}
