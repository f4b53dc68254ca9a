// im2col_1d -> loops: x[N][IC][IW] unfolded into cols[N][OW][IC*K] (shared/ops.md).
//
// The output is K times the input, so the loops write it in memory order: a grid item owns whole
// output rows (parallel = time) or one channel block of every row (parallel = channel). Within a
// row, channel ic's K values are x[ic][ow*s - p + k*d]; with d = 1 they are contiguous in x, so an
// interior row copies each channel's run with static vector pieces. Rows whose window crosses the
// padding take a checked scalar path (a clamped load and a select, no branch per element).
// Along time on the CPU, an item's rows go channel outer when all lie inside x; large outputs of
// whole-line rows are then assembled per channel block in a scratch tile and written from there in
// whole aligned vectors with nontemporal stores. The pieces themselves stay plain stores:
// nontemporal ones would share output lines with the scalar pieces, and mixing the two kinds
// within a line was measured some fifty times slower than either.
//
// GPU forms write one element per thread, consecutive threads on consecutive elements of cols
// (parallel = time: an item is a chunk of one output row) or of one channel's (ow, k) pairs
// (parallel = channel: an item is a chunk of one channel's taps over all rows). With
// gather = stage an item is `tile` output rows by a block of channels: its threads first copy
// each channel's input window into workgroup memory (contiguous reads, each input element once),
// then write the rows' runs from there.
#include "lowering/KernelOp.h"
#include "lowering/LoopHelpers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <numeric>

using namespace mlir;

namespace weft::lowering {
namespace {

// Output elements per grid item when the schedule names no tile: large enough to amortise the
// item, small enough to leave many items for the threads.
constexpr int64_t kElementsPerItem = 16 * 1024;
// CPU, parallel = time: at least this many rows per item, written channel outer (channelsOuter;
// 8 and 16 measured alike, 32 slower: each row is a stream of stores).
constexpr int64_t kCpuRowTile = 16;
constexpr int64_t kDefaultChannelTile = 64;
// GPU: output elements per thread of an item (the item's chunk is this times the workgroup).
constexpr int64_t kGpuElementsPerThread = 4;
// gather = stage: output rows per item when the schedule names no tile (16 measured 3% faster
// than 32 on an H100, 8 slower for f16).
constexpr int64_t kStageRows = 16;

// gather = stage: an item's Tb output rows read, per channel, the window of x from position
// ow0*s - p on, `span` elements long; a channel's window is stored `stride` apart, = K modulo the
// bank cycle (bankPaddedStride: the writing threads, walking a row's (c, k) in order, then read
// consecutive banks). Cb channels per item: the most, a power of two, whose windows take at most
// `limit` bytes; all of them when IC is small.
struct StageShape {
  int64_t Tb, span, stride, Cb, elementBytes;
  StageShape(int64_t K, int64_t s, int64_t d, int64_t Tb, int64_t IC, int64_t elementBytes, int64_t limit)
      : Tb(Tb), elementBytes(elementBytes) {
    // Attributes up to 2^31 - 1 can take the window past int64: it then saturates (and is
    // refused as too large).
    __int128 wide = __int128(Tb - 1) * s + __int128(K - 1) * d + 1;
    span = int64_t(std::min<__int128>(wide, int64_t(1) << 40));
    stride = bankPaddedStride(span, K, elementBytes);
    // A power of two: it divides the usual channel counts into even blocks, and its runs (Cb*K)
    // are whole vectors, aligned where IC*K is.
    Cb = int64_t(llvm::bit_floor(uint64_t(std::max<int64_t>(1, limit / (stride * elementBytes)))));
    if (IC != ShapedType::kDynamic) Cb = std::min(Cb, IC);
  }
  int64_t bytes() const { return Cb * stride * elementBytes; }
};

// CPU along time, the streamed form of an item's inside rows (Im2Col::channelsOuterStreamed):
// Cb channels per block, the fewest whose runs fill whole 64-byte lines (f32 K 7: 16); 0 where the
// form does not apply: outputs under kStreamBytes or of dynamic shape, rows that are not whole
// lines (their neighbours' plain stores would share lines with the streamed ones), a channel
// count that is not whole blocks, vectors that do not divide a line, or a tile over 32 KiB.
// Measured in a standalone test: im2col f32 IC512 T8192 K7 3.0-3.4 ms against 3.7-4.6 ms for
// channelsOuter's plain stores (docs/bench-cpu-history.md).
struct StreamTile {
  int64_t Cb = 0;
  StreamTile(const View &in, const View &out, int64_t K, int64_t L, int64_t vec) {
    const int64_t eb = int64_t(dtypeSize(out.type.dtype)), IC = in.type.shape[1];
    int64_t total = eb;
    for (int64_t e : out.type.shape) {
      if (e == kDynamic) return;
      total *= e;
    }
    const int64_t cb = 64 / std::gcd<int64_t>(K * eb, 64);
    if (total < kStreamBytes || vec < 2 || 64 % (vec * eb) || IC % cb || (IC * K * eb) % 64 ||
        L * cb * K * eb > (32 << 10))
      return;
    Cb = cb;
  }
};

struct Im2Col {
  Ix ix;
  int64_t K, s, p, d, vec;
  Type inElem, outElem;
  Value x, cols, IC, IW, OW;
  // GPU forms: each cols element is written once and not read again by the kernel, so its
  // stores are marked nontemporal, which target ptx makes cache-streaming (weft-ptx-cache-hints:
  // im2col f16 32.6-32.8 -> 29.0-29.9 us on an H100, f32 unchanged, docs/cuda-history.md); GLSL and MSL
  // have no such store and write plainly.
  bool gpuStores = false;

  // The input value (scalar or vector) in the output dtype; equal dtypes copy bits.
  Value convert(Value v) {
    if (inElem == outElem) return v;
    return fromF32(ix.b, ix.loc, toF32(ix.b, ix.loc, v), outElem);
  }

  // cols[n][ow][ic*K + k] for ic in [ic0, ic1), all k.
  void rowPiece(Value n, Value ow, Value ic0, Value ic1) {
    OpBuilder &b = ix.b;
    Location loc = ix.loc;
    using P = arith::CmpIPredicate;
    Value pos0 = ix.sub(ix.mul(ow, s), ix.c(p)); // x position of tap 0
    Value outRow = ix.mul(ix.add(ix.mul(n, OW), ow), ix.mul(IC, K));
    auto xRow = [&](Value ic) { return ix.mul(ix.add(ix.mul(n, IC), ic), IW); };
    Value inside = ix.both(ix.cmp(P::sge, pos0, ix.c(0)), ix.cmp(P::slt, ix.add(pos0, (K - 1) * d), IW));
    ix.ifElse(
        inside,
        [&] {
          ix.loop(ic0, ic1, [&](Value ic) { copyRun(ix.add(xRow(ic), pos0), ix.add(outRow, ix.mul(ic, K))); });
        },
        [&] {
          Value zero = arith::ConstantOp::create(b, loc, b.getFloatAttr(outElem, 0.0));
          Value last = ix.sub(IW, ix.c(1));
          ix.loop(ic0, ic1, [&](Value ic) {
            Value src = xRow(ic), dst = ix.add(outRow, ix.mul(ic, K));
            ix.loop(ix.c(0), ix.c(K), [&](Value k) {
              Value pos = ix.add(pos0, ix.mul(k, d));
              Value ok = ix.both(ix.cmp(P::sge, pos, ix.c(0)), ix.cmp(P::slt, pos, IW));
              Value at = ix.add(src, ix.max(ix.c(0), ix.min(pos, last)));
              Value v = convert(memref::LoadOp::create(b, loc, x, ValueRange{at}));
              memref::StoreOp::create(b, loc, arith::SelectOp::create(b, loc, ok, v, zero), cols,
                                      ValueRange{ix.add(dst, k)});
            });
          });
        });
  }

  // Whether output rows [t0, t0 + L) all exist and all their taps lie inside x (no padding).
  Value rowsInside(Value t0, int64_t L) {
    using P = arith::CmpIPredicate;
    Value first = ix.sub(ix.mul(t0, s), ix.c(p)), last = ix.add(first, (L - 1) * s + (K - 1) * d);
    return ix.both(ix.cmp(P::sle, ix.add(t0, L), OW),
                   ix.both(ix.cmp(P::sge, first, ix.c(0)), ix.cmp(P::slt, last, IW)));
  }

  // CPU, output rows [t0, t0 + L) all inside: channel outer, rows inner, so that each channel's
  // window of x is read from L1 by all L rows in turn. Row by row, a row's channels sit IW
  // elements apart in x (32 KiB for f32 at IW 8192: all in one set of the L1) and are evicted
  // before the next row reuses them: im2col f32 IC512 T8192 K7 took 1.6-1.8x less time this way
  // in a standalone test (docs/bench-cpu-history.md).
  void channelsOuter(Value n, Value t0, int64_t L) {
    Value pos0 = ix.sub(ix.mul(t0, s), ix.c(p));
    Value width = ix.mul(IC, K), outRow = ix.mul(ix.add(ix.mul(n, OW), t0), width);
    ix.loop(ix.c(0), IC, [&](Value ic) {
      Value src = ix.add(ix.mul(ix.add(ix.mul(n, IC), ic), IW), pos0), dst = ix.add(outRow, ix.mul(ic, K));
      ix.loop(ix.c(0), ix.c(L), [&](Value r) { copyRun(ix.add(src, ix.mul(r, s)), ix.add(dst, ix.mul(r, width))); });
    });
  }

  // channelsOuter, streamed (StreamTile): per block of Cb channels, the L rows' runs are first
  // copied into a scratch tile in L1, then each row's Cb*K elements go to cols as whole aligned
  // vectors with nontemporal stores, which skip reading every output line before writing it.
  void channelsOuterStreamed(Value n, Value t0, int64_t L, int64_t Cb) {
    OpBuilder &b = ix.b;
    Location loc = ix.loc;
    const int64_t run = Cb * K; // a row's elements per block: whole cache lines
    auto tile = memref::AllocaOp::create(b, loc, MemRefType::get({L * run}, outElem), b.getI64IntegerAttr(64));
    Value pos0 = ix.sub(ix.mul(t0, s), ix.c(p));
    Value width = ix.mul(IC, K), outRow = ix.mul(ix.add(ix.mul(n, OW), t0), width);
    const llvm::MaybeAlign align(streamStoreAlign({vec}, outElem.getIntOrFloatBitWidth() / 8));
    ix.loop(ix.c(0), IC, ix.c(Cb), [&](Value ic0) {
      ix.loop(ix.c(0), ix.c(Cb), [&](Value c) {
        Value src = ix.add(ix.mul(ix.add(ix.mul(n, IC), ix.add(ic0, c)), IW), pos0);
        ix.loop(ix.c(0), ix.c(L), [&](Value r) {
          copyRun(ix.add(src, ix.mul(r, s)), tile, ix.add(ix.mul(r, run), ix.mul(c, K)));
        });
      });
      ix.loop(ix.c(0), ix.c(L), [&](Value r) {
        Value dst = ix.add(ix.add(outRow, ix.mul(r, width)), ix.mul(ic0, K));
        ix.loop(ix.c(0), ix.c(run), ix.c(vec), [&](Value j) {
          Value v = vector::LoadOp::create(b, loc, VectorType::get({vec}, outElem), tile,
                                           ValueRange{ix.add(ix.mul(r, run), j)});
          vector::StoreOp::create(b, loc, v, cols, ValueRange{ix.add(dst, j)}, /*nontemporal=*/true, align);
        });
      });
    });
  }

  // The value of cols[n][ow][ic*K + k]: x at the tap's position, zero in the padding (a clamped
  // load and a select: no divergent branch).
  Value value(Value n, Value ow, Value ic, Value k) {
    OpBuilder &b = ix.b;
    Location loc = ix.loc;
    using P = arith::CmpIPredicate;
    Value pos = ix.add(ix.sub(ix.mul(ow, s), ix.c(p)), ix.mul(k, d));
    Value ok = ix.both(ix.cmp(P::sge, pos, ix.c(0)), ix.cmp(P::slt, pos, IW));
    Value at = ix.add(ix.mul(ix.add(ix.mul(n, IC), ic), IW), ix.max(ix.c(0), ix.min(pos, ix.sub(IW, ix.c(1)))));
    Value v = convert(memref::LoadOp::create(b, loc, x, ValueRange{at}));
    Value zero = arith::ConstantOp::create(b, loc, b.getFloatAttr(outElem, 0.0));
    return arith::SelectOp::create(b, loc, ok, v, zero);
  }
  // The linear index of cols[n][ow][j] (j = ic*K + k).
  Value colsAt(Value n, Value ow, Value j) { return ix.add(ix.mul(ix.add(ix.mul(n, OW), ow), ix.mul(IC, K)), j); }
  void element(Value n, Value ow, Value ic, Value k) {
    memref::StoreOp::create(ix.b, ix.loc, value(n, ow, ic, k), cols, ValueRange{colsAt(n, ow, ix.add(ix.mul(ic, K), k))},
                            gpuStores);
  }

  // GPU, parallel = time, vector = v > 1: row elements [j, j+v) of cols[n][ow] (j a multiple of
  // v, `width` = IC*K): the lanes' values gathered one by one, stored as one vector (aligned when
  // rows start at multiples of v), lane by lane at the row's end.
  void lanes(Value n, Value ow, Value j, Value width, bool alignedRows) {
    OpBuilder &b = ix.b;
    auto lane = [&](int64_t l) {
      Value jl = ix.add(j, l), ic = ix.div(jl, ix.c(K));
      return value(n, ow, ic, ix.sub(jl, ix.mul(ic, K)));
    };
    forLanes(
        ix, j, vec, width,
        [&] {
          SmallVector<Value> vals;
          for (int64_t l = 0; l < vec; ++l) vals.push_back(lane(l));
          Value v = vector::FromElementsOp::create(b, ix.loc, VectorType::get({vec}, outElem), vals);
          vector::StoreOp::create(b, ix.loc, v, cols, ValueRange{colsAt(n, ow, j)}, gpuStores,
                                  lanesAlign(alignedRows, vec, outElem));
        },
        [&](int64_t l) {
          memref::StoreOp::create(b, ix.loc, lane(l), cols, ValueRange{colsAt(n, ow, ix.add(j, l))}, gpuStores);
        });
  }

  // gather = stage, one item: output rows [ow0, ow0 + Tb) (ow0 = Tb * tItem) by channels
  // [ic0, ic0 + Cb) (ic0 = Cb * cItem), clipped. One inner loop copies each channel's window
  // (zero where it lies in the padding) into a workgroup array; the next writes each row's run of
  // Cb*K elements from there, `vec` consecutive ones per thread (one vector store where whole;
  // aligned when rows and runs start at multiples of vec). weft-gpu-map-grid puts the barrier
  // between them.
  void stagedItem(Value n, Value tItem, Value cItem, const StageShape &st, bool alignedRuns) {
    OpBuilder &b = ix.b;
    Location loc = ix.loc;
    using P = arith::CmpIPredicate;
    const int64_t Tb = st.Tb, Cb = st.Cb, span = st.span, stride = st.stride;
    Value ow0 = ix.mul(tItem, Tb), ow1 = ix.min(OW, ix.add(ow0, Tb));
    Value ic0 = ix.mul(cItem, Cb), nc = ix.min(ix.c(Cb), ix.sub(IC, ic0));
    Value pos0 = ix.sub(ix.mul(ow0, s), ix.c(p));
    auto win = memref::AllocaOp::create(b, loc, MemRefType::get({Cb * stride}, inElem));
    Value zeroIn = arith::ConstantOp::create(b, loc, b.getFloatAttr(inElem, 0.0));
    ix.parallel(ix.c(0), ix.mul(nc, span), [&](Value i) {
      Value c = ix.divNonNeg(i, span), w = ix.sub(i, ix.mul(c, span)), pos = ix.add(pos0, w);
      Value ok = ix.both(ix.cmp(P::sge, pos, ix.c(0)), ix.cmp(P::slt, pos, IW));
      Value at = ix.add(ix.mul(ix.add(ix.mul(n, IC), ix.add(ic0, c)), IW), ix.max(ix.c(0), ix.min(pos, ix.sub(IW, ix.c(1)))));
      Value v = memref::LoadOp::create(b, loc, x, ValueRange{at});
      memref::StoreOp::create(b, loc, arith::SelectOp::create(b, loc, ok, v, zeroIn), win,
                              ValueRange{ix.add(ix.mul(c, stride), w)});
    }, Cb * span);
    const int64_t groups = (Cb * K + vec - 1) / vec; // per row
    Value runEnd = ix.mul(nc, K);
    ix.parallel(ix.c(0), ix.c(Tb * groups), [&](Value q) {
      Value r = ix.divNonNeg(q, groups), j = ix.mul(ix.sub(q, ix.mul(r, groups)), vec), ow = ix.add(ow0, r);
      scf::IfOp::create(b, loc, ix.both(ix.cmp(P::slt, ow, ow1), ix.cmp(P::slt, j, runEnd)), [&](OpBuilder &, Location) {
        auto lane = [&](int64_t l) {
          Value jl = ix.add(j, l), c = ix.divNonNeg(jl, K), k = ix.sub(jl, ix.mul(c, K));
          Value at = ix.add(ix.add(ix.mul(c, stride), ix.mul(r, s)), ix.mul(k, d));
          return convert(memref::LoadOp::create(b, loc, win, ValueRange{at}));
        };
        Value to = colsAt(n, ow, ix.add(ix.mul(ic0, K), j));
        if (vec == 1) {
          memref::StoreOp::create(b, loc, lane(0), cols, ValueRange{to}, gpuStores);
        } else {
          forLanes(
              ix, j, vec, runEnd,
              [&] {
                SmallVector<Value> vals;
                for (int64_t l = 0; l < vec; ++l) vals.push_back(lane(l));
                Value v = vector::FromElementsOp::create(b, loc, VectorType::get({vec}, outElem), vals);
                vector::StoreOp::create(b, loc, v, cols, ValueRange{to}, gpuStores,
                                        lanesAlign(alignedRuns, vec, outElem));
              },
              [&](int64_t l) { memref::StoreOp::create(b, loc, lane(l), cols, ValueRange{ix.add(to, l)}, gpuStores); });
        }
        scf::YieldOp::create(b, loc);
      });
    }, Tb * groups);
  }

  // K values from x[src + k*d] to into[dst + k] (cols, or a scratch tile), all in bounds.
  void copyRun(Value src, Value dst) { copyRun(src, cols, dst); }
  void copyRun(Value src, Value into, Value dst) {
    OpBuilder &b = ix.b;
    Location loc = ix.loc;
    auto piece = [&](Value k, int64_t width) {
      Value from = ix.add(src, k), at = ix.add(dst, k);
      if (width == 1) {
        Value v = memref::LoadOp::create(b, loc, x, ValueRange{from});
        memref::StoreOp::create(b, loc, convert(v), into, ValueRange{at});
        return;
      }
      Value v = vector::LoadOp::create(b, loc, VectorType::get({width}, inElem), x, ValueRange{from});
      vector::StoreOp::create(b, loc, convert(v), into, ValueRange{at});
    };
    if (d != 1) {
      ix.loop(ix.c(0), ix.c(K), [&](Value k) {
        Value v = memref::LoadOp::create(b, loc, x, ValueRange{ix.add(src, ix.mul(k, d))});
        memref::StoreOp::create(b, loc, convert(v), into, ValueRange{ix.add(dst, k)});
      });
      return;
    }
    forEachPiece(K, vec, ix, piece);
  }
};

LogicalResult buildIm2Col(ProgramBuilder &pb, Im2Col1dOp op, ScheduleAttr sched, const View &in, const View &out) {
  const bool byChannel = sched.getParallel() == Parallel::channel;
  const int64_t vec = sched.getVector(), tile = sched.getTile()[0];
  const int64_t K = int64_t(op.getKernel());

  return pb.addKernel("", [&](KernelBuilder &kb) -> LogicalResult {
    OpBuilder &b = kb.builder();
    Im2Col g{Ix{b, kb.loc()},
             K,
             int64_t(op.getStride()),
             int64_t(op.getPadding()),
             int64_t(op.getDilation()),
             vec,
             kb.elementType(in),
             kb.elementType(out),
             kb.buffer(in),
             kb.buffer(out),
             kb.extent(in, 1),
             kb.extent(in, 2),
             kb.extent(out, 1)};
    Ix &ix = g.ix;
    g.gpuStores = pb.gpu();
    if (sched.getGather() == Gather::stage) {
      // Items: (n, a block of tile rows, a block of channels).
      const int64_t IC = in.type.shape[1];
      const StageShape st(K, g.s, g.d, tile, IC, elementBytes(g.inElem),
                          std::min(kStageBytes, itemArrayLimit(pb.target())));
      if (st.bytes() > itemArrayLimit(pb.target()))
        return op.emitOpError() << "schedule gather = stage with tile = [" << tile << "] needs " << st.bytes()
                                << " bytes of " << (pb.gpu() ? "workgroup memory" : "scratch per thread")
                                << " (rule: at most " << itemArrayLimit(pb.target()) << " on target "
                                << pb.target().getKind().str() << ": a channel's window of " << st.span
                                << " input elements, padded to " << st.stride << ")";
      // GPU lanes only: the CPU runs the loops in turn, an element at a time.
      g.vec = pb.gpu() ? vec : 1;
      const bool alignedRuns = IC != kDynamic && (IC * K) % g.vec == 0 && (st.Cb * K) % g.vec == 0;
      kb.parallelGrid({GridDim::of(out, 0), GridDim::of(out, 1, tile), GridDim::of(in, 1, st.Cb)},
                      [&](OpBuilder &, Location, ValueRange ids) { g.stagedItem(ids[0], ids[1], ids[2], st, alignedRuns); });
      return success();
    }
    if (pb.gpu()) {
      const int64_t T = tile;
      // time: items (n, ow, chunk of the row's IC*K); channel: items (n, ic, chunk of OW*K).
      SmallVector<GridDim> grid = {GridDim::of(out, 0)};
      Value width;
      if (byChannel) {
        // OW*K is no single dim of a buffer, so its chunk count is a grid constant.
        if (out.type.shape[1] == kDynamic)
          return op.emitOpError() << "schedule parallel = channel on a GPU target needs a static output length "
                                     "(the grid counts chunks of OW*K)";
        grid.append({GridDim::of(in, 1), GridDim::fixed(out.type.shape[1] * K, T)});
        width = ix.c(out.type.shape[1] * K);
      } else {
        grid.append({GridDim::of(out, 1), GridDim::of(out, 2, T)});
        width = ix.mul(g.IC, K);
      }
      if (!byChannel && vec > 1) {
        // v consecutive elements of a row per thread (Im2Col::lanes).
        if (std::string e = checkTileOfLanes(T, vec); !e.empty()) return op.emitOpError() << e;
        const int64_t IC = in.type.shape[1];
        const bool alignedRows = IC != kDynamic && (IC * K) % vec == 0;
        kb.parallelGrid(grid, [&](OpBuilder &, Location, ValueRange ids) {
          Value j0 = ix.mul(ids[2], T), j1 = ix.min(width, ix.add(j0, ix.c(T)));
          ix.parallel(ix.c(0), ix.ceilDiv(ix.sub(j1, j0), vec),
                      [&](Value q) { g.lanes(ids[0], ids[1], ix.add(j0, ix.mul(q, vec)), width, alignedRows); }, T / vec);
        });
        return success();
      }
      kb.parallelGrid(grid, [&](OpBuilder &, Location, ValueRange ids) {
        Value j0 = ix.mul(ids[2], T);
        ix.parallel(j0, ix.min(width, ix.add(j0, ix.c(T))), [&](Value j) {
          Value q = ix.div(j, ix.c(K)), k = ix.sub(j, ix.mul(q, K));
          if (byChannel) g.element(ids[0], q, ids[1], k);
          else g.element(ids[0], ids[1], q, k);
        }, T);
      });
      return success();
    }
    if (byChannel) {
      // Each item: a block of C channels of every output row, rows in order.
      const int64_t C = tile;
      kb.parallelGrid({GridDim::of(out, 0), GridDim::of(in, 1, C)}, [&](OpBuilder &, Location, ValueRange ids) {
        Value ic0 = ix.mul(ids[1], C), ic1 = ix.min(g.IC, ix.add(ic0, C));
        ix.loop(ix.c(0), g.OW, [&](Value ow) { g.rowPiece(ids[0], ow, ic0, ic1); });
      });
      return success();
    }
    // Each item: L whole output rows, one contiguous range of cols.
    const int64_t L = tile;
    const StreamTile st(in, out, K, L, vec);
    kb.parallelGrid({GridDim::of(out, 0), GridDim::of(out, 1, L)}, [&](OpBuilder &, Location, ValueRange ids) {
      Value t0 = ix.mul(ids[1], L), t1 = ix.min(g.OW, ix.add(t0, L));
      auto inside = [&] {
        if (!st.Cb) return g.channelsOuter(ids[0], t0, L);
        ix.ifElse(
            ix.startsAligned(g.cols, 64), [&] { g.channelsOuterStreamed(ids[0], t0, L, st.Cb); },
            [&] { g.channelsOuter(ids[0], t0, L); });
      };
      ix.ifElse(g.rowsInside(t0, L), inside,
                [&] { ix.parallel(t0, t1, [&](Value ow) { g.rowPiece(ids[0], ow, ix.c(0), g.IC); }); });
    });
    return success();
  });
}

struct Im2ColModel : KernelOpInterface::ExternalModel<Im2ColModel, Im2Col1dOp> {
  ScheduleAttr resolveSchedule(Operation *o, TargetAttr target, ScheduleAttr given) const {
    auto op = cast<Im2Col1dOp>(o);
    ScheduleFields f = ScheduleFields::resolving(given, target, Parallel::time, 4);
    auto out = cast<ShapedType>(op.getResult().getType());
    int64_t rowWidth = out.getShape()[2];
    // CUDA and Vulkan, along time: the staged windows (H100, docs/cuda-history.md: f32 67 -> 53 us, f16
    // 55 -> 32 us with 16-byte lanes; Vulkan on an H200, docs/vulkan.md: f32 96-278 -> 47 us,
    // f16 79-228 -> 34 us with 4 lanes), where a 16-row window of one channel fits kStageBytes
    // and the schedule gives no tile (a given tile keeps the plain form's meaning: elements of a
    // row).
    if (!f.gather && target.hasVectorAccess() && f.parallel == Parallel::time && f.tile.empty()) {
      const int64_t limit = std::min(kStageBytes, itemArrayLimit(target));
      const StageShape st(int64_t(op.getKernel()), int64_t(op.getStride()), int64_t(op.getDilation()), kStageRows,
                          ShapedType::kDynamic, elementBytes(op.getInput().getType()), limit);
      if (st.bytes() <= limit) f.gather = Gather::stage;
    }
    if (f.tile.empty() && f.gather == Gather::stage) f.tile = {kStageRows};
    if (f.tile.empty()) {
      if (target.isGpu()) f.tile = {kGpuElementsPerThread * f.threads()};
      else if (f.parallel == Parallel::channel) f.tile = {kDefaultChannelTile};
      else f.tile = {ShapedType::isDynamic(rowWidth) ? kCpuRowTile : std::max(kCpuRowTile, kElementsPerItem / rowWidth)};
    }
    // CUDA and Vulkan, along time: groups of up to 4 elements (16 bytes) of a row per thread, stored as
    // aligned vectors (f32 x 4: 96 -> 66 us, f16 x 4: 74 -> 54 us on an H100; f16 x 8: 66 us,
    // each lane's gather costs more than the wider store saves; docs/cuda-history.md). Staged, the lanes
    // read workgroup memory: 16 bytes (f16 x 8: 33 -> 32 us).
    const bool staged = f.gather == Gather::stage;
    if (f.parallel == Parallel::time)
      f.widenGpuLanes(target, elementBytes(out), staged ? 16 : std::min<int64_t>(16, 4 * elementBytes(out)), [&](int64_t v) {
        return rowWidth != ShapedType::kDynamic && rowWidth % v == 0 && (staged || f.tile[0] % v == 0);
      });
    return f.get(op.getContext());
  }
  SmallVector<StringRef> scheduleFields(Operation *, TargetAttr target) const {
    return fieldsOn(target, {"parallel", "vector", "tile"});
  }
  void recordEqualities(Operation *o, function_ref<void(Value, unsigned, Value, unsigned)> same) const {
    auto op = cast<Im2Col1dOp>(o);
    same(op.getInput(), 0, op.getResult(), 0);
  }
  LogicalResult buildLoops(Operation *o, ProgramBuilder &pb, ArrayRef<View> operands, const View &result) const {
    auto op = cast<Im2Col1dOp>(o);
    return buildIm2Col(pb, op, scheduleOf(op), operands[0], result);
  }
};

} // namespace

void attachIm2ColModel(MLIRContext *ctx) { Im2Col1dOp::attachInterface<Im2ColModel>(*ctx); }

} // namespace weft::lowering
