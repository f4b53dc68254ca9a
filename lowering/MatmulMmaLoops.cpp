// matmul, `mma = subgroup`: the GPU form whose products are a subgroup's matrix multiply-accumulate
// on 16 x 16 x 16 fragments (gpu.subgroup_mma_*: CUDA's tensor cores through NVVM's wmma).
//
// An item is a BM x BN tile of C (`tile`), its W = threads / 32 warps laid out as a WM x WN grid
// of warp tiles, each FM x FN fragments. Every thread of the item runs the same body (one
// iteration of the inner loop per thread, so each warp executes the fragment operations
// together): the warp walks K in fragment steps, `unroll` of them per loop iteration, loading
// its A and B fragments from memory (A's rows or, transposed, columns; the cache serves the
// neighbouring warps that read the same ones) and accumulating in f32 fragments. An f32 C takes
// the fragments as they are; an f16 C goes through the item's f32 array in workgroup memory
// (fragments have no rounding op of their own), from which a second loop rounds and writes
// 16-byte vectors. Fragments past C's edge (M or N not a multiple of the tile) load a clamped,
// in-bounds fragment and store nothing, so every warp runs the same fragment operations.
//
// What it takes, each refused by rule otherwise: target cuda, f16 x f16 into f32 or f16, static
// M, N, K and batch extents, M, N and K multiples of 16 (wmma's fragments are whole and its
// pointers 32-byte aligned), a tile of whole fragments that its warps divide.
#include "lowering/KernelOp.h"
#include "lowering/LoopHelpers.h"
#include "lowering/MatmulForms.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <fmt/format.h>

using namespace mlir;

namespace weft::lowering {
namespace {

constexpr int64_t kFrag = 16;      // fragment extent (m16n16k16)
constexpr int64_t kWarp = 32;      // threads per subgroup on CUDA
constexpr int64_t kCPadding = 8;   // f32 padding of the staged C rows: rows 8 banks apart

/// How an item's fragments are dealt to its warps.
struct WarpGrid {
  int64_t WM = 0, WN = 0; // warps along M and N
  int64_t FM = 0, FN = 0; // fragments per warp along M and N
};

/// The warp grid for a BM x BN tile and W warps: WM x WN = W dividing the tile's fragment rows
/// and columns, the squarest warp tiles first (each loaded fragment serves the most products).
std::optional<WarpGrid> warpGridFor(int64_t BM, int64_t BN, int64_t W) {
  std::optional<WarpGrid> best;
  for (int64_t wm = 1; wm <= W; ++wm) {
    if (W % wm || (BM / kFrag) % wm || (BN / kFrag) % (W / wm)) continue;
    WarpGrid g{wm, W / wm, BM / kFrag / wm, BN / kFrag / (W / wm)};
    if (!best || std::abs(g.FM - g.FN) < std::abs(best->FM - best->FN)) best = g;
  }
  return best;
}

} // namespace

LogicalResult buildMatmulMma(ProgramBuilder &pb, MatmulOp op, ScheduleAttr sched, const View &a, const View &b,
                             const View &out) {
  TargetAttr target = pb.target();
  const std::string on = fmt::format(" on target {}", target.getKind().str());
  auto refuse = [&](const std::string &why) { return op.emitOpError() << "schedule mma = subgroup " << why; };
  if (!target.hasSubgroupMma())
    return refuse(fmt::format("needs a subgroup matrix multiply-accumulate, which weft generates for target cuda "
                              "(tensor cores) only, not{}",
                              on));
  const bool tA = op.getTransposeA(), tB = op.getTransposeB();
  auto aType = cast<ShapedType>(op.getLhs().getType()), bType = cast<ShapedType>(op.getRhs().getType());
  auto oType = cast<ShapedType>(op.getResult().getType());
  Builder types(op.getContext());
  if (aType.getElementType() != types.getF16Type() || bType.getElementType() != types.getF16Type() ||
      (oType.getElementType() != types.getF32Type() && oType.getElementType() != types.getF16Type())) {
    std::string got;
    llvm::raw_string_ostream os(got);
    os << aType.getElementType() << " x " << bType.getElementType() << " -> " << oType.getElementType();
    return refuse(fmt::format("multiplies f16 x f16 into f32 or f16, not {}{}", got, on));
  }
  if (!aType.hasStaticShape() || !bType.hasStaticShape() || !oType.hasStaticShape())
    return refuse(fmt::format("needs static shapes{} (its fragments are whole 16 x 16 blocks)", on));
  const int64_t ro = oType.getRank(), nbo = ro - 2;
  const int64_t M = oType.getShape()[ro - 2], N = oType.getShape()[ro - 1];
  const int64_t K = aType.getShape()[tA ? aType.getRank() - 2 : aType.getRank() - 1];
  if (M % kFrag || N % kFrag || K % kFrag)
    return refuse(fmt::format("needs M, N and K multiples of 16, not M = {}, N = {}, K = {}{} (its fragments are "
                              "whole 16 x 16 blocks at 32-byte aligned addresses)",
                              M, N, K, on));
  const int64_t BM = sched.getTile()[0], BN = sched.getTile()[1];
  const int64_t G = pb.threads(), U = sched.getUnroll();
  if (BM % kFrag || BN % kFrag || G % kWarp)
    return refuse(fmt::format("needs a tile of whole 16 x 16 fragments and a workgroup of whole 32-thread warps, not "
                              "tile = [{}, {}, _] and {} threads{}",
                              BM, BN, G, on));
  std::optional<WarpGrid> wg = warpGridFor(BM, BN, G / kWarp);
  if (!wg)
    return refuse(fmt::format("cannot deal a {} x {} tile's fragments evenly to {} warps{}", BM, BN, G / kWarp, on));
  const bool narrow = oType.getElementType() != types.getF32Type();
  const int64_t ldC = BN + kCPadding;
  if (narrow && BM * ldC * 4 > target.maxWorkgroupBytes())
    return refuse(fmt::format("with an f16 result stages the f32 tile in workgroup memory: tile = [{}, {}, _] takes "
                              "{} bytes (rule: at most {}{})",
                              BM, BN, BM * ldC * 4, target.maxWorkgroupBytes(), on));

  return pb.addKernel("", [&](KernelBuilder &kb) -> LogicalResult {
    Type f16 = types.getF16Type(), f32 = types.getF32Type();
    auto fragA = gpu::MMAMatrixType::get({kFrag, kFrag}, f16, "AOp");
    auto fragB = gpu::MMAMatrixType::get({kFrag, kFrag}, f16, "BOp");
    auto fragC = gpu::MMAMatrixType::get({kFrag, kFrag}, f32, "COp");
    Value bufA = kb.buffer(a), bufB = kb.buffer(b), bufOut = kb.buffer(out);
    BatchOffsets batches(kb, a, b, out);
    SmallVector<GridDim> grid;
    for (int64_t d = 0; d < nbo; ++d) grid.push_back(GridDim::of(out, d));
    grid.push_back(GridDim::of(out, ro - 2, BM));
    grid.push_back(GridDim::of(out, ro - 1, BN));
    kb.parallelGrid(grid, [&](OpBuilder &gb, Location loc, ValueRange ids) {
      Ix g{gb, loc};
      Value m0 = g.mul(ids[nbo], BM), n0 = g.mul(ids[nbo + 1], BN);
      Value aBase = batches.a(g, ids), bBase = batches.b(g, ids), cBase = batches.out(g, ids);
      auto ld = [&](int64_t v) { return gb.getIndexAttr(v); };
      UnitAttr transA = tA ? gb.getUnitAttr() : UnitAttr(), transB = tB ? gb.getUnitAttr() : UnitAttr();
      // The f16 result's staging array: the item's, in workgroup memory (weft-gpu-map-grid).
      Value staged = narrow ? memref::AllocaOp::create(gb, loc, MemRefType::get({BM * ldC}, f32)).getResult() : Value();

      g.parallel(g.c(0), g.c(G), [&](Value thread) {
        using P = arith::CmpIPredicate;
        Value warp = g.divNonNeg(thread, kWarp);
        Value wi = g.divNonNeg(warp, wg->WN), wj = g.sub(warp, g.mul(wi, wg->WN));
        // The warp's fragment origins within the item, and in C clamped to its last fragment.
        SmallVector<Value> rowAt, colAt, rows, cols;
        for (int64_t i = 0; i < wg->FM; ++i) {
          rowAt.push_back(g.add(g.mul(wi, wg->FM * kFrag), i * kFrag));
          rows.push_back(g.min(g.add(m0, rowAt.back()), g.c(M - kFrag)));
        }
        for (int64_t j = 0; j < wg->FN; ++j) {
          colAt.push_back(g.add(g.mul(wj, wg->FN * kFrag), j * kFrag));
          cols.push_back(g.min(g.add(n0, colAt.back()), g.c(N - kFrag)));
        }
        // One fragment step at depth k: FM A and FN B fragments, FM x FN products.
        auto step = [&](Value k, SmallVector<Value> acc) {
          SmallVector<Value> fa, fb;
          for (Value r : rows)
            fa.push_back(gpu::SubgroupMmaLoadMatrixOp::create(
                gb, loc, fragA, bufA, ValueRange{g.add(aBase, tA ? g.add(g.mul(k, M), r) : g.add(g.mul(r, K), k))},
                ld(tA ? M : K), transA));
          for (Value c : cols)
            fb.push_back(gpu::SubgroupMmaLoadMatrixOp::create(
                gb, loc, fragB, bufB, ValueRange{g.add(bBase, tB ? g.add(g.mul(c, K), k) : g.add(g.mul(k, N), c))},
                ld(tB ? K : N), transB));
          for (int64_t i = 0; i < wg->FM; ++i)
            for (int64_t j = 0; j < wg->FN; ++j)
              acc[i * wg->FN + j] =
                  gpu::SubgroupMmaComputeOp::create(gb, loc, fa[i], fb[j], acc[i * wg->FN + j], transA, transB);
          return acc;
        };
        Value zero = arith::ConstantOp::create(gb, loc, gb.getF32FloatAttr(0));
        SmallVector<Value> acc(wg->FM * wg->FN, gpu::SubgroupMmaConstantMatrixOp::create(gb, loc, fragC, zero));
        // K in steps of `unroll` fragments, then the rest one at a time; sums in k's order.
        const int64_t whole = K / (U * kFrag) * (U * kFrag);
        auto loopK = [&](int64_t from, int64_t to, int64_t by) {
          if (from >= to) return;
          auto loop = scf::ForOp::create(gb, loc, g.c(from), g.c(to), g.c(by * kFrag), acc);
          OpBuilder::InsertionGuard guard(gb);
          gb.setInsertionPointToStart(loop.getBody());
          SmallVector<Value> sums(loop.getRegionIterArgs());
          for (int64_t u = 0; u < by; ++u) sums = step(g.add(loop.getInductionVar(), u * kFrag), sums);
          scf::YieldOp::create(gb, loc, sums);
          acc.assign(loop.getResults().begin(), loop.getResults().end());
        };
        loopK(0, whole, U);
        loopK(whole, K, 1);
        for (int64_t i = 0; i < wg->FM; ++i)
          for (int64_t j = 0; j < wg->FN; ++j) {
            Value sum = acc[i * wg->FN + j];
            if (narrow) {
              gpu::SubgroupMmaStoreMatrixOp::create(gb, loc, sum, staged,
                                                    ValueRange{g.add(g.mul(rowAt[i], ldC), colAt[j])}, ld(ldC),
                                                    UnitAttr());
              continue;
            }
            // Fragments past C's edge (clamped above) store nothing; the test is the warp's.
            Value inside = g.both(g.cmp(P::slt, g.add(m0, rowAt[i]), g.c(M)), g.cmp(P::slt, g.add(n0, colAt[j]), g.c(N)));
            g.ifElse(
                inside,
                [&] {
                  gpu::SubgroupMmaStoreMatrixOp::create(gb, loc, sum, bufOut,
                                                        ValueRange{g.add(cBase, g.add(g.mul(rows[i], N), cols[j]))},
                                                        ld(N), UnitAttr());
                },
                [] {});
          }
      }, G);
      if (!narrow) return;
      // After the barrier: the staged tile rounded to f16, 8 elements (16 bytes) per thread.
      constexpr int64_t V = 8;
      g.parallel(g.c(0), g.c(BM * BN / V), [&](Value l) {
        Value r = g.divNonNeg(l, BN / V), c = g.mul(g.sub(l, g.mul(r, BN / V)), V);
        Value inside = g.both(g.cmp(arith::CmpIPredicate::slt, g.add(m0, r), g.c(M)),
                              g.cmp(arith::CmpIPredicate::slt, g.add(n0, c), g.c(N)));
        g.ifElse(
            inside,
            [&] {
              Value x = vector::LoadOp::create(gb, loc, VectorType::get({V}, f32), staged,
                                               ValueRange{g.add(g.mul(r, ldC), c)});
              vector::StoreOp::create(gb, loc, fromF32(gb, loc, x, f16), bufOut,
                                      ValueRange{g.add(cBase, g.add(g.mul(g.add(m0, r), N), g.add(n0, c)))}, false,
                                      lanesAlign(true, V, f16));
            },
            [] {});
      }, BM * BN / V);
    });
    return success();
  });
}

} // namespace weft::lowering
