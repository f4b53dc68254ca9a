// matmul, `mma = subgroup`: the GPU form whose products are a subgroup's matrix multiply-accumulate
// on 16 x 16 x 16 fragments (gpu.subgroup_mma_*: CUDA's tensor cores through NVVM's wmma).
//
// An item is a BM x BN tile of C (`tile` = [BM, BN, BK]), its W = threads / 32 warps laid out as
// a WM x WN grid of warp tiles, each FM x FN fragments. Every thread of the item runs the same
// body, one iteration of the inner loop per thread, so each warp executes the fragment operations
// together and every thread reaches each barrier. Per block of BK along K, the threads copy A's
// BM x BK block and B's BK x BN block into workgroup memory (16 bytes per copy; transposed
// operands stay transposed there and are loaded as column-major fragments), and after a barrier
// each warp multiplies its fragments from there, accumulating in f32 fragments; a second barrier
// keeps the next block's copies from overwriting what is still read. The staged rows are padded
// by 16 bytes so that a fragment's rows fall in different banks. An f32 C takes the fragments as
// they are; an f16 C goes through each warp's f32 strip of 16 rows in workgroup memory (fragments
// have no rounding op of their own), from which its threads round and write 16 bytes each. Rows
// and columns past C's edge (M or N not a multiple of the tile) copy the last ones inside and
// store nothing.
//
// Measured on an H100 (docs/cuda-history.md): conv_transpose_1d f16 (IC 1024, OC 512, K 16, s 8) in 133
// us against cuDNN's 176; fragments loaded from global memory directly, without the staged
// blocks, took 536 us, and the staged blocks without the early loads of the next one 218 us.
//
// What it takes, each refused by rule otherwise: target cuda, f16 x f16 into f32 or f16, static
// M, N, K and batch extents, M, N and K multiples of 16 (wmma's fragments are whole and its
// pointers 32-byte aligned), K a multiple of BK, a tile of whole fragments that its warps divide,
// whose blocks the threads copy in equal shares and which fits workgroup memory.
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
constexpr int64_t kCPadding = 8;   // padding of the staged rows, in elements: rows 16 or 32 bytes apart in banks
constexpr int64_t kVec = 8;        // f16 elements per 16-byte copy

/// A staged block: `rows` rows of `width` elements, padded to ld() in workgroup memory.
struct Block {
  int64_t rows, width;
  int64_t ld() const { return width + kCPadding; }
  int64_t elems() const { return rows * ld(); }
};

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

std::string mmaRefusal(MatmulOp op, TargetAttr target) {
  const std::string on = fmt::format(" on target {}", target.getKind().str());
  if (!target.hasSubgroupMma())
    return fmt::format("needs a subgroup matrix multiply-accumulate, which weft generates for target cuda "
                       "(tensor cores) only, not{}",
                       on);
  auto aType = cast<ShapedType>(op.getLhs().getType()), bType = cast<ShapedType>(op.getRhs().getType());
  auto oType = cast<ShapedType>(op.getResult().getType());
  Type aT = aType.getElementType(), bT = bType.getElementType(), oT = oType.getElementType();
  if (!aT.isF16() || !bT.isF16() || !(oT.isF32() || oT.isF16())) {
    std::string got;
    llvm::raw_string_ostream os(got);
    os << aT << " x " << bT << " -> " << oT;
    return fmt::format("multiplies f16 x f16 into f32 or f16, not {}{}", got, on);
  }
  if (!aType.hasStaticShape() || !bType.hasStaticShape() || !oType.hasStaticShape())
    return fmt::format("needs static shapes{} (its fragments are whole 16 x 16 blocks)", on);
  const int64_t ro = oType.getRank();
  const int64_t M = oType.getShape()[ro - 2], N = oType.getShape()[ro - 1];
  const int64_t K = aType.getShape()[op.getTransposeA() ? aType.getRank() - 2 : aType.getRank() - 1];
  if (M % kFrag || N % kFrag || K % kFrag)
    return fmt::format("needs M, N and K multiples of 16, not M = {}, N = {}, K = {}{} (its fragments are whole "
                       "16 x 16 blocks at 32-byte aligned addresses)",
                       M, N, K, on);
  return "";
}

LogicalResult buildMatmulMma(ProgramBuilder &pb, MatmulOp op, ScheduleAttr sched, const View &a, const View &b,
                             const View &out) {
  TargetAttr target = pb.target();
  const std::string on = fmt::format(" on target {}", target.getKind().str());
  auto refuse = [&](const std::string &why) { return op.emitOpError() << "schedule mma = subgroup " << why; };
  if (std::string why = mmaRefusal(op, target); !why.empty()) return refuse(why);
  const bool tA = op.getTransposeA(), tB = op.getTransposeB();
  auto aType = cast<ShapedType>(op.getLhs().getType());
  auto oType = cast<ShapedType>(op.getResult().getType());
  Builder types(op.getContext());
  const int64_t ro = oType.getRank(), nbo = ro - 2;
  const int64_t M = oType.getShape()[ro - 2], N = oType.getShape()[ro - 1];
  const int64_t K = aType.getShape()[tA ? aType.getRank() - 2 : aType.getRank() - 1];
  const int64_t BM = sched.getTile()[0], BN = sched.getTile()[1], BK = sched.getTile()[2];
  const int64_t G = pb.threads();
  if (BM % kFrag || BN % kFrag || BK % kFrag || G % kWarp)
    return refuse(fmt::format("needs a tile of whole 16 x 16 x 16 fragments and a workgroup of whole 32-thread warps, "
                              "not tile = [{}, {}, {}] and {} threads{}",
                              BM, BN, BK, G, on));
  if (K % BK)
    return refuse(fmt::format("walks K in whole blocks of tile[2]: K = {} is not a multiple of {}{}", K, BK, on));
  if (sched.getUnroll() != 1)
    return refuse(fmt::format("unrolls each K block whole: unroll = {} must be 1{}", sched.getUnroll(), on));
  std::optional<WarpGrid> wg = warpGridFor(BM, BN, G / kWarp);
  if (!wg)
    return refuse(fmt::format("cannot deal a {} x {} tile's fragments evenly to {} warps{}", BM, BN, G / kWarp, on));
  const bool narrow = !oType.getElementType().isF32();
  // The staged blocks: A as BM rows of BK (BK rows of BM transposed), B as BK rows of BN (BN rows
  // of BK transposed), each row padded by 8 halves (16 bytes) so that a fragment's 16 rows start
  // in different banks; an f16 result's strips: per warp 16 rows of its FN fragments in f32.
  const Block blockA = tA ? Block{BK, BM} : Block{BM, BK}, blockB = tB ? Block{BN, BK} : Block{BK, BN};
  const int64_t ldS = wg->FN * kFrag + kCPadding, stripElems = kFrag * ldS;
  const int64_t bytes = 2 * (blockA.elems() + blockB.elems()) + (narrow ? 4 * stripElems * (G / kWarp) : 0);
  if (bytes > target.maxWorkgroupBytes())
    return refuse(fmt::format("stages tile = [{}, {}, {}] in {} bytes of workgroup memory (rule: at most {}{}: A's "
                              "and B's blocks{})",
                              BM, BN, BK, bytes, target.maxWorkgroupBytes(), on,
                              narrow ? ", and an f32 strip of 16 rows per warp for the f16 result" : ""));
  if ((blockA.rows * blockA.width / kVec) % G || (blockB.rows * blockB.width / kVec) % G)
    return refuse(fmt::format("copies A's and B's blocks in 16-byte pieces shared evenly by the threads: tile = "
                              "[{}, {}, {}] has {} and {} pieces, not multiples of {}{}",
                              BM, BN, BK, blockA.rows * blockA.width / kVec, blockB.rows * blockB.width / kVec, G, on));

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
      using P = arith::CmpIPredicate;
      Ix g{gb, loc};
      Value m0 = g.mul(ids[nbo], BM), n0 = g.mul(ids[nbo + 1], BN);
      Value aBase = batches.a(g, ids), bBase = batches.b(g, ids), cBase = batches.out(g, ids);
      auto ld = [&](int64_t v) { return gb.getIndexAttr(v); };
      UnitAttr transA = tA ? gb.getUnitAttr() : UnitAttr(), transB = tB ? gb.getUnitAttr() : UnitAttr();
      // The item's arrays, in workgroup memory (weft-gpu-map-grid).
      auto array = [&](int64_t n, Type t) { return memref::AllocaOp::create(gb, loc, MemRefType::get({n}, t)).getResult(); };
      Value sA = array(blockA.elems(), f16), sB = array(blockB.elems(), f16);
      Value strips = narrow ? array(stripElems * (G / kWarp), f32) : Value();
      auto barrier = [&] { gpu::BarrierOp::create(gb, loc); };

      // One iteration per thread: the warps run their fragment operations together and every
      // thread reaches each barrier (docs/abi.md, GPU-only forms).
      g.parallel(g.c(0), g.c(G), [&](Value thread) {
        Value warp = g.divNonNeg(thread, kWarp), lane = g.sub(thread, g.mul(warp, kWarp));
        Value wi = g.divNonNeg(warp, wg->WN), wj = g.sub(warp, g.mul(wi, wg->WN));
        Value rowOf = g.mul(wi, wg->FM * kFrag), colOf = g.mul(wj, wg->FN * kFrag); // the warp's, in the tile
        // A block's rows (`width` contiguous elements each) in 16-byte pieces, piece (r, c)
        // starting at `srcAt(r, c)`: `fetch` loads this thread's pieces, `put` stores them in the
        // block's array after the loop has carried them through the previous block's work.
        auto pieceAt = [&](const Block &blk, int64_t round) {
          const int64_t perRow = blk.width / kVec;
          Value piece = g.add(thread, round * G);
          Value r = g.divNonNeg(piece, perRow);
          return std::make_pair(r, g.mul(g.sub(piece, g.mul(r, perRow)), kVec));
        };
        auto rounds = [&](const Block &blk) { return blk.rows * blk.width / kVec / G; };
        VectorType pieceType = VectorType::get({kVec}, f16);
        auto fetch = [&](Value src, const Block &blk, function_ref<Value(Value, Value)> srcAt, SmallVector<Value> &into) {
          for (int64_t round = 0; round < rounds(blk); ++round) {
            auto [r, c] = pieceAt(blk, round);
            into.push_back(vector::LoadOp::create(gb, loc, pieceType, src, ValueRange{srcAt(r, c)}, false,
                                                  lanesAlign(true, kVec, f16)));
          }
        };
        auto put = [&](Value dst, const Block &blk, ValueRange pieces) {
          for (int64_t round = 0; round < rounds(blk); ++round) {
            auto [r, c] = pieceAt(blk, round);
            vector::StoreOp::create(gb, loc, pieces[round], dst, ValueRange{g.add(g.mul(r, blk.ld()), c)}, false,
                                    lanesAlign(true, kVec, f16));
          }
        };
        // Rows and 8-element runs past C's edge read the last ones inside (their products are
        // never stored); K's blocks are whole.
        Value lastRow = g.c(M - 1), lastCol = g.c(N - 1), lastRowRun = g.c(M - kVec), lastColRun = g.c(N - kVec);
        auto fetchBlocks = [&](Value k0) {
          SmallVector<Value> pieces;
          fetch(bufA, blockA, [&](Value r, Value c) {
            return tA ? g.add(aBase, g.add(g.mul(g.add(k0, r), M), g.min(g.add(m0, c), lastRowRun)))
                      : g.add(aBase, g.add(g.mul(g.min(g.add(m0, r), lastRow), K), g.add(k0, c)));
          }, pieces);
          fetch(bufB, blockB, [&](Value r, Value c) {
            return tB ? g.add(bBase, g.add(g.mul(g.min(g.add(n0, r), lastCol), K), g.add(k0, c)))
                      : g.add(bBase, g.add(g.mul(g.add(k0, r), N), g.min(g.add(n0, c), lastColRun)));
          }, pieces);
          return pieces;
        };
        const int64_t nA = rounds(blockA), nAcc = wg->FM * wg->FN;
        Value zero = arith::ConstantOp::create(gb, loc, gb.getF32FloatAttr(0));
        SmallVector<Value> init(nAcc, gpu::SubgroupMmaConstantMatrixOp::create(gb, loc, fragC, zero));
        llvm::append_range(init, fetchBlocks(g.c(0)));
        auto loop = scf::ForOp::create(gb, loc, g.c(0), g.c(K), g.c(BK), init);
        {
          OpBuilder::InsertionGuard guard(gb);
          gb.setInsertionPointToStart(loop.getBody());
          Value k0 = loop.getInductionVar();
          ValueRange carried = loop.getRegionIterArgs();
          put(sA, blockA, carried.slice(nAcc, nA));
          put(sB, blockB, carried.drop_front(nAcc + nA));
          barrier();
          // The next block's loads go out before this block's fragment work, which hides their
          // latency (the last block loads itself again, in bounds, and is not used).
          SmallVector<Value> next = fetchBlocks(g.min(g.add(k0, BK), g.c(K - BK)));
          SmallVector<Value> acc(carried.take_front(nAcc));
          for (int64_t kk = 0; kk < BK; kk += kFrag) {
            SmallVector<Value> fa, fb;
            for (int64_t i = 0; i < wg->FM; ++i) {
              Value r = g.add(rowOf, i * kFrag), k = g.c(kk);
              fa.push_back(gpu::SubgroupMmaLoadMatrixOp::create(
                  gb, loc, fragA, sA, ValueRange{tA ? g.add(g.mul(k, blockA.ld()), r) : g.add(g.mul(r, blockA.ld()), k)},
                  ld(blockA.ld()), transA));
            }
            for (int64_t j = 0; j < wg->FN; ++j) {
              Value c = g.add(colOf, j * kFrag), k = g.c(kk);
              fb.push_back(gpu::SubgroupMmaLoadMatrixOp::create(
                  gb, loc, fragB, sB, ValueRange{tB ? g.add(g.mul(c, blockB.ld()), k) : g.add(g.mul(k, blockB.ld()), c)},
                  ld(blockB.ld()), transB));
            }
            for (int64_t i = 0; i < wg->FM; ++i)
              for (int64_t j = 0; j < wg->FN; ++j)
                acc[i * wg->FN + j] =
                    gpu::SubgroupMmaComputeOp::create(gb, loc, fa[i], fb[j], acc[i * wg->FN + j], transA, transB);
          }
          barrier(); // the next block's copies overwrite what the warps read
          llvm::append_range(acc, next);
          scf::YieldOp::create(gb, loc, acc);
        }
        auto sum = [&](int64_t i, int64_t j) { return loop.getResult(i * wg->FN + j); };
        if (!narrow) {
          // f32: each fragment straight to C, where it lies inside (a test the warp shares).
          for (int64_t i = 0; i < wg->FM; ++i)
            for (int64_t j = 0; j < wg->FN; ++j) {
              Value row = g.add(m0, g.add(rowOf, i * kFrag)), col = g.add(n0, g.add(colOf, j * kFrag));
              g.ifElse(
                  g.both(g.cmp(P::slt, row, g.c(M)), g.cmp(P::slt, col, g.c(N))),
                  [&] {
                    gpu::SubgroupMmaStoreMatrixOp::create(gb, loc, sum(i, j), bufOut,
                                                          ValueRange{g.add(cBase, g.add(g.mul(row, N), col))}, ld(N),
                                                          UnitAttr());
                  },
                  [] {});
            }
          return;
        }
        // f16: per fragment row, the warp's FN fragments go to its f32 strip; after a barrier
        // its threads round them and write 16 bytes each; a second barrier before the strip is
        // reused.
        Value strip = g.mul(warp, stripElems);
        const int64_t runs = wg->FN * kFrag / kVec; // 8-element runs per strip row
        for (int64_t i = 0; i < wg->FM; ++i) {
          for (int64_t j = 0; j < wg->FN; ++j)
            gpu::SubgroupMmaStoreMatrixOp::create(gb, loc, sum(i, j), strips, ValueRange{g.add(strip, j * kFrag)},
                                                  ld(ldS), UnitAttr());
          barrier();
          for (int64_t q = 0; q < kFrag * runs / kWarp; ++q) {
            Value piece = g.add(lane, q * kWarp);
            Value r = g.divNonNeg(piece, runs), c = g.mul(g.sub(piece, g.mul(r, runs)), kVec);
            Value row = g.add(m0, g.add(rowOf, g.add(r, i * kFrag))), col = g.add(n0, g.add(colOf, c));
            g.ifElse(
                g.both(g.cmp(P::slt, row, g.c(M)), g.cmp(P::slt, col, g.c(N))),
                [&] {
                  Value x = vector::LoadOp::create(gb, loc, VectorType::get({kVec}, f32), strips,
                                                   ValueRange{g.add(strip, g.add(g.mul(r, ldS), c))});
                  vector::StoreOp::create(gb, loc, fromF32(gb, loc, x, f16), bufOut,
                                          ValueRange{g.add(cBase, g.add(g.mul(row, N), col))}, false,
                                          lanesAlign(true, kVec, f16));
                },
                [] {});
          }
          barrier();
        }
      }, G);
    });
    return success();
  });
}

} // namespace weft::lowering
