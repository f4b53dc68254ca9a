// matmul -> one kernel of BLIS-style loops over the flat buffers (CPU), or of output tiles with a
// 4 x 4 block per thread (GPU's scalar form, no shared memory); CUDA's tensor-core form,
// `mma = subgroup`, is MatmulMmaLoops.cpp.
//
// The grid is (batch..., M-block, N-block). Each grid item walks K in spans; per span it packs
// its slice of B into NR-wide panels (one KC-deep set per K block of the span), then for each
// block of MC rows packs A into MR-wide panels per K block (converting to the accumulator type
// and undoing transposes while packing) and runs an MR x NR register-blocked micro-kernel for
// every (B panel, A panel) pair: the B panel stays in L1, the A block in L2, and the rows' C
// tile stays in cache over the whole span instead of being re-read from memory per K block.
// Packed panels are zero-padded to whole panels and, in K, to a multiple of the unroll factor,
// so one micro-kernel serves every tile; only the write-back tells edge tiles apart. Results in
// a dtype narrower than the accumulator are summed in an f32 block and rounded once at the end,
// so partial sums never lose precision.
#include "lowering/KernelOp.h"
#include "lowering/LoopHelpers.h"
#include "lowering/MatmulForms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <algorithm>

using namespace mlir;

namespace weft::lowering {
namespace {

// The micro-tile is kMicroRows x (kVectorsPerRow * vector): 12 accumulators, plus 2 B vectors
// and a broadcast, fit AVX2's 16 registers.
constexpr int64_t kMicroRows = 6;
constexpr int64_t kVectorsPerRow = 2;
// Rows of A packed at a time: a block of 144 x KC f32 (144 KiB at KC = 256) stays in an L2 of
// 512 KiB (Zen 3) or more while B panels of KC x NR (16 KiB) cycle through L1.
constexpr int64_t kBlockRows = 144;
// B is packed for as many K blocks as fit this budget (a "K span"), so that each block of C
// rows is finished over the whole span while it sits in L2, instead of being re-read from
// memory once per K block.
constexpr int64_t kPackedBBytes = 2 << 20;
// Default grid: at least this many items, so a few threads get equal contiguous shares...
constexpr int64_t kGridItems = 8;
// ...but no fewer rows per item than this: every item repacks its B block, so short items
// would spend their time copying B.
constexpr int64_t kMinItemRows = 256;
// GPU: the C tile of one workgroup, kGpuTile x kGpuTile outputs; each thread sums a kGpuBlock x
// kGpuBlock block of it (the default 256 threads: one block each).
constexpr int64_t kGpuTile = 64;
constexpr int64_t kGpuBlock = 4;

struct Blocking {
  int64_t V;      // vector width in elements
  int64_t MR, NR; // micro-tile
  int64_t MT, NT; // rows / columns of one grid item at most (multiples of MR / NR)
  int64_t MC;     // rows of A packed at a time (a multiple of MR, at most MT)
  int64_t KC;     // K block: the depth of a packed panel (a multiple of U)
  int64_t KS;     // K span: the K blocks whose B is packed at once (a multiple of KC)
  int64_t U;      // unroll of the micro-kernel's k loop
};

// The default tile = [MT, NT, KC] for vectors of V and a k loop unrolled U times, from the static
// extents (`narrow`: an f16/bf16 result, summed in an MT x NT f32 scratch block, so MT stays
// small); each a whole number of micro-panels.
SmallVector<int64_t> defaultCpuTile(const Shape &out, int64_t K, bool narrow, int64_t V, int64_t U) {
  int64_t M = out[out.size() - 2], N = out.back(), batch = 1;
  for (size_t d = 0; d + 2 < out.size(); ++d) batch = out[d] == kDynamic ? kGridItems : batch * out[d];
  // One item spans up to 512 columns: a K span of 1024 fits the packed-B budget.
  int64_t NT = N == kDynamic ? 512 : std::min<int64_t>(512, N);
  int64_t MT = kMinItemRows;
  if (M != kDynamic) {
    int64_t itemsN = N == kDynamic ? 1 : ceilDiv(N, NT);
    int64_t itemsM = ceilDiv(kGridItems, batch * itemsN);
    MT = std::min(M, std::max(ceilDiv(M, itemsM), kMinItemRows));
  }
  if (narrow) MT = std::min(MT, kMinItemRows);
  int64_t KC = K == kDynamic ? 256 : std::clamp<int64_t>(K, 1, 256);
  return {roundUp(MT, kMicroRows), roundUp(NT, kVectorsPerRow * V), roundUp(KC, U)};
}

// The blocking of complete schedule `s` (its tile rounded to whole micro-panels and unrolls).
Blocking blockingFor(ScheduleAttr s, int64_t K) {
  ArrayRef<int64_t> tile = s.getTile();
  Blocking bl;
  bl.V = s.getVector();
  bl.U = s.getUnroll();
  bl.MR = kMicroRows;
  bl.NR = kVectorsPerRow * bl.V;
  bl.MT = roundUp(tile[0], bl.MR);
  bl.NT = roundUp(tile[1], bl.NR);
  bl.KC = roundUp(tile[2], bl.U);
  bl.MC = std::min(bl.MT, roundUp(kBlockRows, bl.MR));
  // One K block of packed B, 4 * KC * NT bytes, may itself pass the budget (huge tiles, which
  // the scratch check then refuses): one block per span.
  int64_t blockBytes;
  bool huge = __builtin_mul_overflow(4 * bl.KC, bl.NT, &blockBytes);
  bl.KS = bl.KC * (huge ? 1 : std::max<int64_t>(1, kPackedBBytes / blockBytes));
  if (K != kDynamic) bl.KS = std::min(bl.KS, roundUp(std::max<int64_t>(K, 1), bl.KC));
  return bl;
}

// Index arithmetic, memory access and structured control flow at one insertion point. Index
// arithmetic folds, so static shapes give plain constants.
struct Emit {
  OpBuilder &b;
  Location loc;

  Value c(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return b.createOrFold<arith::AddIOp>(loc, x, y); }
  Value sub(Value x, Value y) { return b.createOrFold<arith::SubIOp>(loc, x, y); }
  Value mul(Value x, Value y) { return b.createOrFold<arith::MulIOp>(loc, x, y); }
  Value min(Value x, Value y) { return b.createOrFold<arith::MinSIOp>(loc, x, y); }
  Value max(Value x, Value y) { return b.createOrFold<arith::MaxSIOp>(loc, x, y); }
  // Indices here are never negative, so unsigned division is exact and cheapest.
  Value divFloor(Value x, Value y) { return b.createOrFold<arith::DivUIOp>(loc, x, y); }
  Value divCeil(Value x, Value y) { return b.createOrFold<arith::CeilDivUIOp>(loc, x, y); }
  Value eq(Value x, Value y) { return b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, x, y); }
  Value lt(Value x, Value y) { return b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, x, y); }
  Value both(Value x, Value y) { return b.createOrFold<arith::AndIOp>(loc, x, y); }

  Value load(Value mem, Value i) { return memref::LoadOp::create(b, loc, mem, ValueRange{i}); }
  void store(Value v, Value mem, Value i) { memref::StoreOp::create(b, loc, v, mem, ValueRange{i}); }
  Value vload(VectorType t, Value mem, Value i) { return vector::LoadOp::create(b, loc, t, mem, ValueRange{i}); }
  void vstore(Value v, Value mem, Value i) { vector::StoreOp::create(b, loc, v, mem, ValueRange{i}); }

  void loop(Value lb, Value ub, Value step, function_ref<void(Emit &, Value)> body) {
    scf::ForOp::create(b, loc, lb, ub, step, ValueRange{}, [&](OpBuilder &ib, Location il, Value iv, ValueRange) {
      Emit inner{ib, il};
      body(inner, iv);
      scf::YieldOp::create(ib, il);
    });
  }
  SmallVector<Value> loop(Value lb, Value ub, Value step, ValueRange init,
                          function_ref<SmallVector<Value>(Emit &, Value, ValueRange)> body) {
    auto op = scf::ForOp::create(b, loc, lb, ub, step, init,
                                 [&](OpBuilder &ib, Location il, Value iv, ValueRange args) {
                                   Emit inner{ib, il};
                                   scf::YieldOp::create(ib, il, body(inner, iv, args));
                                 });
    return SmallVector<Value>(op.getResults());
  }
  void ifElse(Value cond, function_ref<void(Emit &)> then, function_ref<void(Emit &)> otherwise) {
    auto branch = [](function_ref<void(Emit &)> fill) {
      return [fill](OpBuilder &ib, Location il) {
        Emit inner{ib, il};
        fill(inner);
        scf::YieldOp::create(ib, il);
      };
    };
    scf::IfOp::create(b, loc, cond, branch(then), branch(otherwise));
  }
};

Value zeroOf(Emit &e, Type t) {
  if (auto vt = dyn_cast<VectorType>(t))
    return vector::BroadcastOp::create(e.b, e.loc, vt, zeroOf(e, vt.getElementType()));
  return arith::ConstantOp::create(e.b, e.loc, e.b.getZeroAttr(t));
}

// An element (or vector) of an operand in the accumulator type: f16/bf16 -> f32, i8 -> i32.
Value widen(Emit &e, Value v, Type acc) {
  if (!isa<IntegerType>(acc)) return toF32(e.b, e.loc, v);
  Type to = acc;
  if (auto vt = dyn_cast<VectorType>(v.getType())) to = VectorType::get(vt.getShape(), acc);
  return arith::ExtSIOp::create(e.b, e.loc, to, v);
}

// One operand as packing sees it: element (p, k) of the item's block, p along the panel
// dimension (A's rows, B's columns), lives at base + p*strideP + k*strideK of buf.
struct Operand {
  Value buf;
  Type elem;
  Value base, strideP, strideK;
  bool unitP; // strideP is 1: a panel row is contiguous in memory
};

// Packs rows/columns [first, first + count) x k in [pc, pc + kc) of `src` into `dst` from
// `dstBase` on, as ceil(count / W) panels of KC x W (panel p, step k, lane w at
// p*KC*W + k*W + w). Lanes past `count` and steps in [kc, kcp) are zero.
void pack(Emit &e, const Operand &src, Value dst, Value dstBase, Type acc, Value first, Value count, Value pc,
          Value kc, Value kcp, int64_t W, int64_t KC, int64_t V) {
  Value cW = e.c(W), zero = zeroOf(e, acc), one = e.c(1);
  Value panels = e.divCeil(count, cW);
  Value from = e.add(src.base, e.add(e.mul(first, src.strideP), e.mul(pc, src.strideK)));
  auto srcAt = [&](Emit &e, Value lane, Value k) {
    return e.add(from, e.add(e.mul(lane, src.strideP), e.mul(k, src.strideK)));
  };
  auto dstAt = [&](Emit &e, Value p, Value k) { return e.add(dstBase, e.add(e.mul(p, e.c(KC * W)), e.mul(k, cW))); };
  if (src.unitP) {
    // The block's rows in k are contiguous: read each once, in order, and deal it out to the
    // panels. (Panel by panel would re-read every row's cache line per panel, with a stride of
    // a whole row: B's rows, A's when transposed.)
    Value full = e.divFloor(count, cW);
    e.loop(e.c(0), kc, one, [&](Emit &e, Value k) {
      e.loop(e.c(0), full, one, [&](Emit &e, Value p) {
        Value f = srcAt(e, e.mul(p, cW), k), t = dstAt(e, p, k);
        if (V > 1 && W % V == 0) {
          VectorType in = VectorType::get({V}, src.elem);
          for (int64_t v = 0; v < W; v += V)
            e.vstore(widen(e, e.vload(in, src.buf, e.add(f, e.c(v))), acc), dst, e.add(t, e.c(v)));
        } else {
          for (int64_t w = 0; w < W; ++w)
            e.store(widen(e, e.load(src.buf, e.add(f, e.c(w))), acc), dst, e.add(t, e.c(w)));
        }
      });
      // The partial panel at the block's edge: lanes past `count` read the last lane (in
      // bounds) and store zero.
      e.loop(full, panels, one, [&](Emit &e, Value p) {
        Value last = e.sub(count, one), t = dstAt(e, p, k);
        for (int64_t w = 0; w < W; ++w) {
          Value lane = e.add(e.mul(p, cW), e.c(w));
          Value x = widen(e, e.load(src.buf, srcAt(e, e.min(lane, last), k)), acc);
          e.store(arith::SelectOp::create(e.b, e.loc, e.lt(lane, count), x, zero), dst, e.add(t, e.c(w)));
        }
      });
    });
  } else {
    // Each lane is contiguous in k (A's rows, B's when transposed). Full panels: all W lanes per
    // step, k innermost (W read streams, one write stream, which LLVM vectorizes as an
    // interleaved store group); the partial panel lane by lane, lanes past `count` zero.
    Value full = e.divFloor(count, cW);
    e.loop(e.c(0), full, one, [&](Emit &e, Value p) {
      e.loop(e.c(0), kc, one, [&](Emit &e, Value k) {
        Value t = dstAt(e, p, k);
        for (int64_t w = 0; w < W; ++w)
          e.store(widen(e, e.load(src.buf, srcAt(e, e.add(e.mul(p, cW), e.c(w)), k)), acc), dst, e.add(t, e.c(w)));
      });
    });
    e.loop(full, panels, one, [&](Emit &e, Value p) {
      Value valid = e.sub(count, e.mul(p, cW));
      e.loop(e.c(0), cW, one, [&](Emit &e, Value w) {
        Value lane = e.add(e.mul(p, cW), w);
        auto copyOrZero = [&](bool copy) {
          return [&, copy](Emit &e) {
            e.loop(e.c(0), kc, one, [&](Emit &e, Value k) {
              Value v = copy ? widen(e, e.load(src.buf, srcAt(e, lane, k)), acc) : zero;
              e.store(v, dst, e.add(dstAt(e, p, k), w));
            });
          };
        };
        e.ifElse(e.lt(w, valid), copyOrZero(true), copyOrZero(false));
      });
    });
  }
  // Steps [kc, kcp) of every panel are zero: the micro-kernel runs whole unrolled steps.
  e.loop(e.c(0), panels, one, [&](Emit &e, Value p) {
    e.loop(e.mul(kc, cW), e.mul(kcp, cW), one, [&](Emit &e, Value i) { e.store(zero, dst, e.add(dstAt(e, p, e.c(0)), i)); });
  });
}

Value multiplyAdd(Emit &e, Value x, Value y, Value acc) {
  if (isa<FloatType>(getElementTypeOrSelf(acc))) {
    if (isa<VectorType>(acc.getType())) return vector::FMAOp::create(e.b, e.loc, x, y, acc);
    return math::FmaOp::create(e.b, e.loc, x, y, acc);
  }
  return arith::AddIOp::create(e.b, e.loc, arith::MulIOp::create(e.b, e.loc, x, y), acc);
}

// The hot loop: acc[r][v] += A[r] * B[v*V, (v+1)*V) over k in [0, kcp), with the packed panels
// of A at aOff (KC x MR) and of B at bOff (KC x NR); accumulators live in registers as iter_args.
SmallVector<Value> microKernel(Emit &e, const Blocking &bl, Value Ap, Value aOff, Value Bp, Value bOff, Value kcp,
                               Type acc) {
  VectorType vt = VectorType::get({bl.V}, acc);
  int64_t NV = bl.NR / bl.V;
  SmallVector<Value> init(bl.MR * NV, zeroOf(e, vt));
  return e.loop(e.c(0), kcp, e.c(bl.U), init, [&](Emit &e, Value k, ValueRange accs) {
    SmallVector<Value> next(accs);
    Value aK = e.add(aOff, e.mul(k, e.c(bl.MR))), bK = e.add(bOff, e.mul(k, e.c(bl.NR)));
    for (int64_t u = 0; u < bl.U; ++u) {
      SmallVector<Value> bv;
      for (int64_t v = 0; v < NV; ++v) bv.push_back(e.vload(vt, Bp, e.add(bK, e.c(u * bl.NR + v * bl.V))));
      for (int64_t r = 0; r < bl.MR; ++r) {
        Value a = vector::BroadcastOp::create(e.b, e.loc, vt, e.load(Ap, e.add(aK, e.c(u * bl.MR + r))));
        for (int64_t v = 0; v < NV; ++v) next[r * NV + v] = multiplyAdd(e, a, bv[v], next[r * NV + v]);
      }
    }
    return next;
  });
}

Value plus(Emit &e, Value x, Value y) {
  if (isa<FloatType>(getElementTypeOrSelf(x))) return arith::AddFOp::create(e.b, e.loc, x, y);
  return arith::AddIOp::create(e.b, e.loc, x, y);
}

// Writes an MR x NR tile of accumulators to C at cOff (row stride ld): stored on the first K
// block, added afterwards. Edge tiles (mr < MR or nr < NR) pass through the scratch tile T and
// are written element by element, so nothing outside the matrix is touched.
void writeTile(Emit &e, const Blocking &bl, ArrayRef<Value> acc, Value C, Value cOff, Value ld, Value mr, Value nr,
               Value first, Value T) {
  int64_t NV = bl.NR / bl.V;
  VectorType vt = cast<VectorType>(acc.front().getType());
  auto at = [&](Emit &e, int64_t r, int64_t v) { return e.add(cOff, e.add(e.mul(e.c(r), ld), e.c(v * bl.V))); };
  auto fullTile = [&](Emit &e) {
    e.ifElse(
        first,
        [&](Emit &e) {
          for (int64_t r = 0; r < bl.MR; ++r)
            for (int64_t v = 0; v < NV; ++v) e.vstore(acc[r * NV + v], C, at(e, r, v));
        },
        [&](Emit &e) {
          for (int64_t r = 0; r < bl.MR; ++r)
            for (int64_t v = 0; v < NV; ++v) {
              Value i = at(e, r, v);
              e.vstore(plus(e, e.vload(vt, C, i), acc[r * NV + v]), C, i);
            }
        });
  };
  auto edgeTile = [&](Emit &e) {
    for (int64_t r = 0; r < bl.MR; ++r)
      for (int64_t v = 0; v < NV; ++v) e.vstore(acc[r * NV + v], T, e.c(r * bl.NR + v * bl.V));
    e.loop(e.c(0), mr, e.c(1), [&](Emit &e, Value r) {
      e.loop(e.c(0), nr, e.c(1), [&](Emit &e, Value col) {
        Value x = e.load(T, e.add(e.mul(r, e.c(bl.NR)), col));
        Value i = e.add(cOff, e.add(e.mul(r, ld), col));
        Value sum = arith::SelectOp::create(e.b, e.loc, first, x, plus(e, e.load(C, i), x));
        e.store(sum, C, i);
      });
    });
  };
  e.ifElse(e.both(e.eq(mr, e.c(bl.MR)), e.eq(nr, e.c(bl.NR))), fullTile, edgeTile);
}

// The accumulator type of an operand element type: i32 for integers, f32 for floats.
Type accumulatorOf(Type elem) {
  Builder b(elem.getContext());
  return isa<IntegerType>(elem) ? Type(b.getI32Type()) : Type(b.getF32Type());
}

LogicalResult buildMatmul(ProgramBuilder &pb, MatmulOp op, ScheduleAttr sched, const View &a, const View &b,
                          const View &out) {
  const bool tA = op.getTransposeA(), tB = op.getTransposeB();
  if (sched.getMma() == Mma::subgroup) return buildMatmulMma(pb, op, sched, a, b, out);
  return pb.addKernel("", [&](KernelBuilder &kb) -> LogicalResult {
    Emit e{kb.builder(), kb.loc()};
    Type aT = kb.elementType(a), bT = kb.elementType(b), oT = kb.elementType(out);
    Type acc = accumulatorOf(aT);
    // A narrower result is summed in an f32 block and rounded once at the end.
    const bool direct = oT == acc;
    const int64_t staticK = tA ? a.type.shape[a.rank() - 2] : a.type.shape.back();
    // The CPU's cache blocking (the GPU form has none).
    const Blocking bl = pb.gpu() ? Blocking{} : blockingFor(sched, staticK);
    const std::optional<int64_t> scratch =
        scratchBytes({bl.MC * bl.KC, bl.NT * bl.KS, bl.MR * bl.NR, direct ? 0 : bl.MT * bl.NT}, 4);
    if (!pb.gpu() && (!scratch || *scratch > kMaxScratchBytes))
      return op.emitOpError() << "schedule tile = [" << bl.MT << ", " << bl.NT << ", " << bl.KC << "] needs "
                              << (scratch ? std::to_string(*scratch) : std::string("more than 2^63"))
                              << " bytes of scratch per thread (rule: at most " << kMaxScratchBytes
                              << ": A and B packed as f32, min(M, 144) x K and at least N x K, plus an f32 M x N "
                                 "block for an f16/bf16 result)";

    const int64_t ro = out.rank(), nbo = ro - 2;
    Value M = kb.extent(out, ro - 2), N = kb.extent(out, ro - 1), K = kb.extent(a, tA ? a.rank() - 2 : a.rank() - 1);
    BatchOffsets batches(kb, a, b, out);
    Value bufA = kb.buffer(a), bufB = kb.buffer(b), bufOut = kb.buffer(out);

    if (pb.gpu()) {
      // GPU: an item is a TM x TN tile of C. Each thread sums an R x R block of it (R =
      // kGpuBlock), its rows TM/R apart and its columns TN/R apart: consecutive threads take
      // consecutive columns, so B's rows are read and C's written coalesced, and each A and B
      // value a thread loads serves R products instead of one. Sums are in the accumulator type,
      // rounded once. Rows and columns past C's edge load a clamped (in-bounds) element and
      // store nothing.
      const int64_t R = kGpuBlock;
      const int64_t SM = ceilDiv(sched.getTile()[0], R), SN = ceilDiv(sched.getTile()[1], R);
      const int64_t TM = SM * R, TN = SN * R;
      SmallVector<GridDim> grid;
      for (int64_t d = 0; d < nbo; ++d) grid.push_back(GridDim::of(out, d));
      grid.push_back(GridDim::of(out, ro - 2, TM));
      grid.push_back(GridDim::of(out, ro - 1, TN));
      kb.parallelGrid(grid, [&](OpBuilder &gb, Location loc, ValueRange ids) {
        Emit g{gb, loc};
        Value m0 = g.mul(ids[nbo], g.c(TM)), n0 = g.mul(ids[nbo + 1], g.c(TN));
        Ix ix{gb, loc};
        Value aBase = batches.a(ix, ids), bBase = batches.b(ix, ids), cBase = batches.out(ix, ids);
        Value lastRow = g.sub(M, g.c(1)), lastCol = g.sub(N, g.c(1));
        Ix{gb, loc}.parallel(g.c(0), g.c(SM * SN), [&](Value l) {
          Emit e{gb, loc};
          Value ti = e.divFloor(l, e.c(SN)), tj = e.sub(l, e.mul(ti, e.c(SN)));
          SmallVector<Value> rows, cols, rowIn, colIn;
          for (int64_t q = 0; q < R; ++q) {
            Value r = e.add(m0, e.add(ti, e.c(q * SM))), c = e.add(n0, e.add(tj, e.c(q * SN)));
            rows.push_back(e.min(r, lastRow));
            rowIn.push_back(e.lt(r, M));
            cols.push_back(e.min(c, lastCol));
            colIn.push_back(e.lt(c, N));
          }
          // The R x R products of step k, added to `s`.
          auto step = [&](Emit &e, Value k, ValueRange s) {
            SmallVector<Value> x, y, next;
            for (Value i : rows)
              x.push_back(widen(e, e.load(bufA, e.add(aBase, tA ? e.add(e.mul(k, M), i) : e.add(e.mul(i, K), k))), acc));
            for (Value j : cols)
              y.push_back(widen(e, e.load(bufB, e.add(bBase, tB ? e.add(e.mul(j, K), k) : e.add(e.mul(k, N), j))), acc));
            for (int64_t a = 0; a < R; ++a)
              for (int64_t b = 0; b < R; ++b) next.push_back(multiplyAdd(e, x[a], y[b], s[a * R + b]));
            return next;
          };
          // K in steps of `unroll` (straight-line code: a thread keeps several loads in flight),
          // then the rest one by one; the order of the sums is k's either way.
          const int64_t U = sched.getUnroll();
          Value whole = e.mul(e.divFloor(K, e.c(U)), e.c(U));
          SmallVector<Value> zeros(R * R, zeroOf(e, acc));
          SmallVector<Value> partial = e.loop(e.c(0), whole, e.c(U), zeros, [&](Emit &e, Value k0, ValueRange s) {
            SmallVector<Value> sum(s);
            for (int64_t u = 0; u < U; ++u) sum = step(e, e.add(k0, e.c(u)), sum);
            return sum;
          });
          SmallVector<Value> sums = e.loop(whole, K, e.c(1), partial, step);
          for (int64_t a = 0; a < R; ++a)
            for (int64_t b = 0; b < R; ++b)
              e.ifElse(
                  e.both(rowIn[a], colIn[b]),
                  [&](Emit &e) {
                    Value sum = sums[a * R + b];
                    e.store(direct ? sum : fromF32(e.b, e.loc, sum, oT), bufOut,
                            e.add(cBase, e.add(e.mul(rows[a], N), cols[b])));
                  },
                  [](Emit &) {});
        }, SM * SN);
      });
      return success();
    }

    Value panelsM = e.divCeil(M, e.c(bl.MR)), itemsM = e.divCeil(M, e.c(bl.MT));
    Value panelsN = e.divCeil(N, e.c(bl.NR)), itemsN = e.divCeil(N, e.c(bl.NT));

    SmallVector<GridDim> grid;
    for (int64_t d = 0; d < nbo; ++d) grid.push_back(GridDim::of(out, d));
    grid.push_back(GridDim::of(out, ro - 2, bl.MT));
    grid.push_back(GridDim::of(out, ro - 1, bl.NT));

    kb.parallelGrid(grid, [&](OpBuilder &gb, Location loc, ValueRange ids) {
      Emit g{gb, loc};
      auto share = [&](Value item, Value panels, Value items, int64_t W, Value extent) {
        Value lo = g.mul(g.divFloor(g.mul(item, panels), items), g.c(W));
        Value hi = g.min(extent, g.mul(g.divFloor(g.mul(g.add(item, g.c(1)), panels), items), g.c(W)));
        return std::make_pair(lo, g.sub(hi, lo));
      };
      // Named values rather than structured bindings, which C++17 lambdas cannot capture.
      Value m0, mt, n0, nt;
      std::tie(m0, mt) = share(ids[nbo], panelsM, itemsM, bl.MR, M);
      std::tie(n0, nt) = share(ids[nbo + 1], panelsN, itemsN, bl.NR, N);
      Ix ix{gb, loc};
      Value outBase = batches.out(ix, ids);
      Value one = g.c(1);
      Operand A{bufA, aT, batches.a(ix, ids), tA ? one : K, tA ? M : one, tA};
      Operand B{bufB, bT, batches.b(ix, ids), tB ? K : one, tB ? one : N, !tB};

      auto scratchOf = [&](int64_t n) {
        return memref::AllocaOp::create(gb, loc, MemRefType::get({n}, acc), gb.getI64IntegerAttr(64)).getResult();
      };
      Value Ap = scratchOf(bl.MC * bl.KC), Bp = scratchOf(bl.NT * bl.KS), T = scratchOf(bl.MR * bl.NR);
      Value C = direct ? bufOut : scratchOf(bl.MT * bl.NT);
      Value ld = direct ? N : g.c(bl.NT);
      Value cBase = direct ? g.add(outBase, g.add(g.mul(m0, N), n0)) : g.c(0);

      // BLIS order with K spans: per span the item's B is packed once (K block j of the span
      // at j*KC*NT); then per block of MC rows of A, the span's K blocks (A packed per block),
      // B panels (L1) outside A panels (L2). The rows' C tile stays in cache over the span.
      // Every K loop runs at least once, so K = 0 writes zeros.
      auto kBlocks = [&](Emit &e, Value span, function_ref<void(Emit &, Value, Value, Value)> body) {
        e.loop(e.c(0), e.max(span, one), e.c(bl.KC), [&](Emit &e, Value pc) {
          Value kc = e.min(e.c(bl.KC), e.sub(span, pc));
          body(e, pc, kc, e.mul(e.divCeil(kc, e.c(bl.U)), e.c(bl.U)));
        });
      };
      g.loop(g.c(0), g.max(K, one), g.c(bl.KS), [&](Emit &e, Value ks) {
        Value span = e.min(e.c(bl.KS), e.sub(K, ks));
        kBlocks(e, span, [&](Emit &e, Value pc, Value kc, Value kcp) {
          pack(e, B, Bp, e.mul(pc, e.c(bl.NT)), acc, n0, nt, e.add(ks, pc), kc, kcp, bl.NR, bl.KC, bl.V);
        });
        e.loop(e.c(0), mt, e.c(bl.MC), [&](Emit &e, Value ic) {
          Value mc = e.min(e.c(bl.MC), e.sub(mt, ic));
          kBlocks(e, span, [&](Emit &e, Value pc, Value kc, Value kcp) {
            Value first = e.eq(e.add(ks, pc), e.c(0));
            pack(e, A, Ap, e.c(0), acc, e.add(m0, ic), mc, e.add(ks, pc), kc, kcp, bl.MR, bl.KC, bl.V);
            e.loop(e.c(0), e.divCeil(nt, e.c(bl.NR)), one, [&](Emit &e, Value jp) {
              Value nr = e.min(e.c(bl.NR), e.sub(nt, e.mul(jp, e.c(bl.NR))));
              Value bPanel = e.add(e.mul(pc, e.c(bl.NT)), e.mul(jp, e.c(bl.KC * bl.NR)));
              e.loop(e.c(0), e.divCeil(mc, e.c(bl.MR)), one, [&](Emit &e, Value ip) {
                Value mr = e.min(e.c(bl.MR), e.sub(mc, e.mul(ip, e.c(bl.MR))));
                SmallVector<Value> accs =
                    microKernel(e, bl, Ap, e.mul(ip, e.c(bl.KC * bl.MR)), Bp, bPanel, kcp, acc);
                Value row = e.add(ic, e.mul(ip, e.c(bl.MR)));
                Value cOff = e.add(cBase, e.add(e.mul(row, ld), e.mul(jp, e.c(bl.NR))));
                writeTile(e, bl, accs, C, cOff, ld, mr, nr, first, T);
              });
            });
          });
        });
      });

      if (direct) return;
      // Round the f32 block to the result dtype: whole vectors, then the row's tail.
      VectorType vt = VectorType::get({bl.V}, acc);
      g.loop(g.c(0), mt, one, [&](Emit &e, Value r) {
        Value from = e.mul(r, e.c(bl.NT)), to = e.add(outBase, e.add(e.mul(e.add(m0, r), N), n0));
        Value whole = e.mul(e.divFloor(nt, e.c(bl.V)), e.c(bl.V));
        e.loop(e.c(0), whole, e.c(bl.V), [&](Emit &e, Value col) {
          e.vstore(fromF32(e.b, e.loc, e.vload(vt, C, e.add(from, col)), oT), bufOut, e.add(to, col));
        });
        e.loop(whole, nt, one, [&](Emit &e, Value col) {
          e.store(fromF32(e.b, e.loc, e.load(C, e.add(from, col)), oT), bufOut, e.add(to, col));
        });
      });
    });
    return success();
  });
}

} // namespace

BatchOffsets::BatchOffsets(KernelBuilder &kb, const View &a, const View &b, const View &out)
    : aTerms(termsOf(kb, a, out)), bTerms(termsOf(kb, b, out)), outStrides(kb.contiguousStrides(out)),
      outBatchDims(out.rank() - 2) {}

SmallVector<BatchOffsets::Term> BatchOffsets::termsOf(KernelBuilder &kb, const View &v, const View &out) {
  Ix ix{kb.builder(), kb.loc()};
  SmallVector<Value> strides = kb.contiguousStrides(v);
  SmallVector<Term> terms;
  for (int64_t d = 0, nb = v.rank() - 2; d < nb; ++d) {
    int64_t od = out.rank() - 2 - nb + d;
    terms.push_back({od, ix.b.createOrFold<arith::DivUIOp>(ix.loc, kb.extent(out, od), kb.extent(v, d)), strides[d]});
  }
  return terms;
}

Value BatchOffsets::offset(Ix &ix, ArrayRef<Term> terms, ValueRange ids) {
  Value off = ix.c(0);
  for (const Term &t : terms)
    off = ix.add(off, ix.mul(ix.b.createOrFold<arith::DivUIOp>(ix.loc, ids[t.outDim], t.ratio), t.stride));
  return off;
}

Value BatchOffsets::out(Ix &ix, ValueRange ids) const {
  Value base = ix.c(0);
  for (int64_t d = 0; d < outBatchDims; ++d) base = ix.add(base, ix.mul(ids[d], outStrides[d]));
  return base;
}

namespace {

// The batch dims of C line up with A's and B's from the right; a dim only one operand has comes
// from that operand.
void matmulEqualities(MatmulOp m, function_ref<void(Value, unsigned, Value, unsigned)> same) {
  Value a = m.getLhs(), b = m.getRhs(), c = m.getResult();
  auto rankOf = [](Value v) { return unsigned(cast<ShapedType>(v.getType()).getRank()); };
  unsigned ra = rankOf(a), rb = rankOf(b), rc = rankOf(c);
  same(a, m.getTransposeA() ? ra - 1 : ra - 2, c, rc - 2);
  same(b, m.getTransposeB() ? rb - 2 : rb - 1, c, rc - 1);
  same(a, m.getTransposeA() ? ra - 2 : ra - 1, b, m.getTransposeB() ? rb - 1 : rb - 2);
  for (unsigned i = 0; i + 2 < rc; ++i) {
    int64_t fromRight = rc - 2 - i; // 1 = the batch dim next to the matrix dims
    bool inA = ra >= 2 + fromRight, inB = rb >= 2 + fromRight;
    if (inA && !inB) same(a, ra - 2 - fromRight, c, i);
    if (inB && !inA) same(b, rb - 2 - fromRight, c, i);
  }
}

struct MatmulModel : KernelOpInterface::ExternalModel<MatmulModel, MatmulOp> {
  ScheduleAttr resolveSchedule(Operation *o, TargetAttr target, ScheduleAttr given) const {
    auto op = cast<MatmulOp>(o);
    ScheduleFields f = ScheduleFields::resolving(given, target, Parallel::rows, 4);
    if (target.isGpu()) {
      // Tensor-core fragments (MatmulMmaLoops.cpp) wherever the target, dtypes and shapes take
      // them, unless the schedule chose the tile or the threads of the scalar form.
      if (!f.mma)
        f.mma = given && (!given.getTile().empty() || !given.getWorkgroup().empty()) ? Mma::none
                : mmaRefusal(op, target).empty()                                     ? Mma::subgroup
                                                                                     : Mma::none;
      if (*f.mma == Mma::subgroup) {
        // 4 warps of 64 x 64 fragments on a 128 x 128 tile, K staged in blocks of 64 for an f32
        // result, 32 for an f16 one (whose strips take the rest of the 48 KiB), the largest
        // dividing K, each unrolled whole. Measured on an H100 (docs/cuda-history.md, twelfth run): the
        // larger warp tiles and K blocks were the fastest.
        auto a = cast<ShapedType>(op.getLhs().getType());
        int64_t K = a.getShape()[op.getTransposeA() ? a.getRank() - 2 : a.getRank() - 1];
        bool narrow = cast<ShapedType>(op.getResult().getType()).getElementTypeBitWidth() < 32;
        int64_t BK = narrow ? 32 : 64;
        while (BK > 16 && (ShapedType::isDynamic(K) || K % BK)) BK /= 2;
        if (!f.unroll) f.unroll = 1;
        if (f.tile.empty()) f.tile = {128, 128, BK};
        if (!given || given.getWorkgroup().empty()) f.workgroup = {128};
        return f.get(op.getContext());
      }
      // A 64 x 64 tile of C, a 4 x 4 block of it per thread of the default 256 (K unblocked).
      // K two steps at a time for 32-bit operands, one for narrower ones: measured on an H100
      // (docs/cuda-history.md, fifth run), unroll 2 was the fastest f32 matmul through PTX and Vulkan
      // (1.6x / 1.1x over 1), and 1 the fastest f16 conv_transpose_1d (2 to 8: 1.6x slower on PTX).
      if (!f.unroll) {
        auto a = cast<ShapedType>(op.getLhs().getType()), b = cast<ShapedType>(op.getRhs().getType());
        f.unroll = a.getElementTypeBitWidth() >= 32 && b.getElementTypeBitWidth() >= 32 ? 2 : 1;
      }
      if (f.tile.empty()) f.tile = {kGpuTile, kGpuTile, 1};
      return f.get(op.getContext());
    }
    if (!f.unroll) f.unroll = 4;
    if (f.tile.empty()) {
      auto a = cast<ShapedType>(op.getLhs().getType());
      auto out = cast<ShapedType>(op.getResult().getType());
      int64_t K = a.getShape()[op.getTransposeA() ? a.getRank() - 2 : a.getRank() - 1];
      Shape outShape;
      for (int64_t e : out.getShape()) outShape.push_back(ShapedType::isDynamic(e) ? kDynamic : e);
      bool narrow = out.getElementType() != accumulatorOf(a.getElementType());
      f.tile = defaultCpuTile(outShape, ShapedType::isDynamic(K) ? kDynamic : K, narrow, f.vector, f.unroll);
    }
    return f.get(op.getContext());
  }
  SmallVector<StringRef> scheduleFields(Operation *, TargetAttr target) const {
    if (target.isGpu()) return {"mma", "tile", "unroll", "workgroup"};
    return {"vector", "tile", "unroll"};
  }
  void recordEqualities(Operation *o, function_ref<void(Value, unsigned, Value, unsigned)> same) const {
    matmulEqualities(cast<MatmulOp>(o), same);
  }
  LogicalResult buildLoops(Operation *o, ProgramBuilder &pb, ArrayRef<View> operands, const View &result) const {
    auto op = cast<MatmulOp>(o);
    return buildMatmul(pb, op, scheduleOf(op), operands[0], operands[1], result);
  }
};

} // namespace

void attachMatmulModel(MLIRContext *ctx) { MatmulOp::attachInterface<MatmulModel>(*ctx); }

} // namespace weft::lowering
