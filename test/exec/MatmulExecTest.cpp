// matmul: dtypes, transposes, ggml batch broadcasting and awkward sizes, within ops.md's tolerances
// (i8 exact).
#include "ExecHarness.h"

#include <gtest/gtest.h>

using namespace weft;
using namespace weft::test;

namespace {
Shape operand(Shape batch, int64_t rows, int64_t cols, bool transpose) {
  batch.push_back(transpose ? cols : rows);
  batch.push_back(transpose ? rows : cols);
  return batch;
}
} // namespace

TEST(Matmul, DtypesTransposesBatches) {
  struct Pair { DType a, b, out; double tol; };
  const Pair kPairs[] = {{DType::f32, DType::f32, DType::f32, 1e-5},   {DType::f16, DType::f16, DType::f32, 2e-3},
                         {DType::bf16, DType::bf16, DType::bf16, 2e-3}, {DType::f16, DType::f32, DType::f16, 2e-3},
                         {DType::f32, DType::bf16, DType::f32, 2e-3},   {DType::i8, DType::i8, DType::i32, 0}};
  struct Batches { Shape a, b; };
  const Batches kBatches[] = {{{}, {}}, {{2, 3}, {3}}, {{4}, {2}}, {{}, {5}}};
  const int64_t M = 13, N = 21, K = 19;
  std::vector<ExecCase> cases;
  int n = 0;
  for (const Pair &p : kPairs)
    for (const Batches &bt : kBatches)
      for (int ta = 0; ta < 2; ++ta)
        for (int tb = 0; tb < 2; ++tb) {
          ExecCase c;
          c.name = "matmul_" + std::to_string(n++) + "_" + dtypeName(p.a) + "x" + dtypeName(p.b);
          c.spec.op = "matmul";
          c.spec.attrs = {{"transpose_a", ta}, {"transpose_b", tb}};
          c.spec.inputs = {TensorType{p.a, operand(bt.a, M, K, ta)}, TensorType{p.b, operand(bt.b, K, N, tb)}};
          c.spec.resultDType = p.out;
          c.tolerance = p.tol;
          cases.push_back(c);
        }
  runCases("matmul", cases);
}

TEST(Matmul, TileEdgesAndSchedules) {
  std::vector<ExecCase> cases;
  const int64_t kSizes[][3] = {{1, 1, 1}, {1, 37, 5}, {67, 1, 33}, {100, 130, 70}, {6, 16, 256}};
  int n = 0;
  for (auto &s : kSizes)
    for (const char *sched : {"", "#weft.schedule<tile = [12, 48, 16], vector = 4>"}) {
      ExecCase c;
      c.name = "matmul_edge_" + std::to_string(n++);
      c.spec.op = "matmul";
      c.spec.inputs = {TensorType{DType::f32, {s[0], s[2]}}, TensorType{DType::f32, {s[2], s[1]}}};
      c.schedule = sched;
      c.tolerance = 1e-5;
      cases.push_back(c);
    }
  runCases("matmul_edges", cases);
}

// mma = subgroup (CUDA's tensor cores, lowering/MatmulMmaLoops.cpp): f16 x f16 into f32 and f16,
// both transposes, broadcast batches, items past C's edges, several warp layouts and K loops.
// The CPU and the other GPU targets refuse the schedule by rule; the PTX goes through ptxas here
// and runs against the reference on a CUDA GPU (scripts/gpu.sh).
TEST(Matmul, SubgroupMma) {
  struct Shapes { int64_t M, N, K; Shape batchA, batchB; const char *schedule; };
  const Shapes kShapes[] = {
      {64, 128, 48, {}, {}, "#weft.schedule<mma = subgroup>"},  // one item, K in 3 blocks of 16
      {208, 272, 96, {}, {}, "#weft.schedule<mma = subgroup>"}, // items past both edges, K blocks of 32
      {48, 80, 32, {2, 3}, {3}, "#weft.schedule<mma = subgroup, tile = [32, 64, 16], workgroup = [64]>"},
      {32, 48, 64, {}, {2}, "#weft.schedule<mma = subgroup, tile = [16, 64, 64], workgroup = [32]>"},
  };
  std::vector<ExecCase> cases;
  int n = 0;
  for (const Shapes &s : kShapes)
    for (DType out : {DType::f32, DType::f16})
      for (int ta = 0; ta < 2; ++ta)
        for (int tb = 0; tb < 2; ++tb) {
          ExecCase c;
          c.name = "matmul_mma_" + std::to_string(n++) + "_" + dtypeName(out);
          c.spec.op = "matmul";
          c.spec.attrs = {{"transpose_a", ta}, {"transpose_b", tb}};
          c.spec.inputs = {TensorType{DType::f16, operand(s.batchA, s.M, s.K, ta)},
                           TensorType{DType::f16, operand(s.batchB, s.K, s.N, tb)}};
          c.spec.resultDType = out;
          c.schedule = s.schedule;
          c.tolerance = 2e-3;
          cases.push_back(c);
        }
  runCases("matmul_mma", cases);
}
