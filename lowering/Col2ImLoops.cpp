// col2im_1d -> loops: cols[(N)][T_in][OC*K] folded into y[(N)][OC][T_out] (shared/ops.md).
//
// Every gather adds the contributions of one output in ascending t_in into an f32 accumulator
// that starts at +0 and rounds once, so all of them give the same bits:
//   bounded: per output, only the t_in that reach it (no modulo); one output per inner thread.
//   scan:    per output, every tap k from K-1 down to 0 (ascending t_in), kept when s divides a-k.
//   GPU forms put consecutive threads on consecutive times (parallel = time) or channels.
//   stage:   GPU (the CPU runs it too, its loops in turn); per grid item (C channels x L
//            times) the workgroup first copies the cols rows that reach it (their C*K-long runs)
//            into workgroup memory, reading each run once and whole, then each thread gathers
//            an output from there as `bounded` does.
//   sweep:   the CPU row sweep, Col2ImSweep.cpp.
#include "lowering/Col2ImForms.h"
#include "lowering/KernelOp.h"
#include "lowering/LoopHelpers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace weft::lowering {
namespace {

using namespace col2im;

constexpr int64_t kDefaultChannelTile = 8;
// GPU, parallel = channel: output times per thread of an item.
constexpr int64_t kGpuChannelTimes = 32;
// GPU, parallel = time: output times per thread of an item (independent gathers in flight; 8
// measured 5-20% faster than 1 on an H100, docs/vulkan.md).
constexpr int64_t kGpuTimesPerThread = 8;
// GPU, gather = stage: the channels of an item span at least this many bytes of a cols row (a
// staged run of whole cache lines); the default time tile, halved until the rows take at most
// kStageBytes.
constexpr int64_t kStageRunBytes = 256;
constexpr int64_t kStageTimeTile = 256;
// The scan gather unrolls its tap loop up to this many taps.
constexpr int64_t kScanUnroll = 32;
// The GPU lanes gather loads up to this many cols rows in straight-line code (where
// Gathers::straightTaps).
constexpr int64_t kLanesUnroll = 8;

// The gathers every target runs (bounded, scan) and the GPU forms (lanes, stage).
struct Gathers : Col2Im {
  // Whether the lanes gather may load its rows in straight-line code (TargetAttr::keepsSignedZeros;
  // otherwise a loop of run-time bounds, whose first add is no constant +0 + x to fold).
  bool straightTaps = false;

  // Ascending t_in over [max(0, ceil((a-K+1)/s)), min(T_in-1, floor(a/s))], a = t + p.
  Value gatherBounded(Value n, Value oc, Value t) {
    Value a = ix.add(t, p);
    Value lo = ix.max(ix.c(0), ix.ceilDiv(ix.sub(a, ix.c(K - 1)), s));
    Value hi = ix.min(Tin, ix.add(ix.floorDiv(a, s), 1));
    auto loop = scf::ForOp::create(ix.b, ix.loc, lo, hi, ix.c(1), ValueRange{zeroF32()},
                                   [&](OpBuilder &, Location, Value tIn, ValueRange acc) {
                                     Value tap = ix.sub(a, ix.mul(tIn, s));
                                     Value v = loadColsF32(colsAt(n, tIn, oc, tap));
                                     scf::YieldOp::create(ix.b, ix.loc, ValueRange{add(acc[0], v)});
                                   });
    return loop.getResult(0);
  }

  // Every tap, k = K-1 down to 0 so that t_in = (a-k)/s ascends; kept when s | (a-k). Up to
  // kScanUnroll taps are straight-line code: the CPU JIT runs no LLVM unroller (docs/pipeline.md),
  // and with the tap loop rolled this gather ran 2x slower.
  Value gatherScan(Value n, Value oc, Value t) {
    Value a = ix.add(t, p);
    auto tapStep = [&](Value tap, Value acc) -> Value {
      Value q = ix.sub(a, tap);
      Value tIn = ix.b.createOrFold<arith::DivSIOp>(ix.loc, q, ix.c(s));
      Value rem = ix.b.createOrFold<arith::RemSIOp>(ix.loc, q, ix.c(s));
      Value hit = ix.both(ix.cmp(arith::CmpIPredicate::sge, q, ix.c(0)),
                          ix.both(ix.cmp(arith::CmpIPredicate::eq, rem, ix.c(0)),
                                  ix.cmp(arith::CmpIPredicate::slt, tIn, Tin)));
      auto sum = scf::IfOp::create(
          ix.b, ix.loc, hit,
          [&](OpBuilder &, Location) {
            Value v = loadColsF32(colsAt(n, tIn, oc, tap));
            scf::YieldOp::create(ix.b, ix.loc, ValueRange{add(acc, v)});
          },
          [&](OpBuilder &, Location) { scf::YieldOp::create(ix.b, ix.loc, ValueRange{acc}); });
      return sum.getResult(0);
    };
    if (K <= kScanUnroll) {
      Value acc = zeroF32();
      for (int64_t j = 0; j < K; ++j) acc = tapStep(ix.c(K - 1 - j), acc);
      return acc;
    }
    auto loop = scf::ForOp::create(ix.b, ix.loc, ix.c(0), ix.c(K), ix.c(1), ValueRange{zeroF32()},
                                   [&](OpBuilder &, Location, Value j, ValueRange acc) {
                                     Value tap = ix.sub(ix.c(K - 1), j);
                                     scf::YieldOp::create(ix.b, ix.loc, ValueRange{tapStep(tap, acc[0])});
                                   });
    return loop.getResult(0);
  }

  Value gather(bool scan, Value n, Value oc, Value t) {
    return scan ? gatherScan(n, oc, t) : gatherBounded(n, oc, t);
  }

  // GPU, vector = v > 1: the sums of outputs [t, t+v) of one channel (t a multiple of v) as a
  // vector<v x f32>, each lane in the order of gather(). When s, p and K are multiples of v, the
  // t_in that reach lane 0 reach every lane, at taps [k, k+v) with k a multiple of v: one aligned
  // vector load per t_in (lanes past T_out read taps of rows that exist, and are not stored).
  // Otherwise each lane gathers alone. Every cols element reaches one output, so the vector
  // loads, like storeLanes' stores, are nontemporal: cache-streaming on target ptx (H100, col2im
  // f16 with 8 lanes, both: 26.0-27.6 -> 24.7-26.2 us; docs/cuda-history.md).
  Value gatherLanes(bool scan, Value n, Value oc, Value t) {
    OpBuilder &b = ix.b;
    auto sums = VectorType::get({vec}, b.getF32Type());
    if (scan || s % vec || p % vec || K % vec) {
      SmallVector<Value> lanes;
      for (int64_t j = 0; j < vec; ++j) lanes.push_back(gather(scan, n, oc, ix.add(t, j)));
      return vector::FromElementsOp::create(b, ix.loc, sums, lanes);
    }
    Value a = ix.add(t, p);
    Value zero = vector::BroadcastOp::create(b, ix.loc, sums, zeroF32());
    auto loadRow = [&](Value tIn, Value tap) {
      Value v = vector::LoadOp::create(b, ix.loc, VectorType::get({vec}, elem), cols,
                                       ValueRange{colsAt(n, tIn, oc, tap)}, /*nontemporal=*/true,
                                       lanesAlign(true, vec, elem));
      return toF32(b, ix.loc, v);
    };
    if (const int64_t taps = ceilDiv(K, s); straightTaps && taps <= kLanesUnroll) {
      // Straight-line taps, t_in = floor(a/s) - j ascending: every load is issued before the
      // first sum waits on one, as in the hand-written form that reached issue 4's bar (in a
      // rolled loop each load waits on the add before it; docs/cuda-history.md).
      // A tap outside cols loads a clamped row and adds +0 (which leaves the sum's bits alone:
      // a sum from +0 is never -0).
      Value last = ix.divNonNeg(a, s), tap0 = ix.sub(a, ix.mul(last, s));
      Value acc = zero;
      for (int64_t j = taps - 1; j >= 0; --j) {
        Value tIn = ix.sub(last, ix.c(j)), tap = ix.add(tap0, ix.c(j * s));
        Value valid = ix.both(ix.cmp(arith::CmpIPredicate::sge, tIn, ix.c(0)),
                              ix.both(ix.cmp(arith::CmpIPredicate::slt, tIn, Tin),
                                      ix.cmp(arith::CmpIPredicate::slt, tap, ix.c(K))));
        Value v = loadRow(ix.min(ix.max(tIn, ix.c(0)), ix.sub(Tin, ix.c(1))), ix.min(tap, ix.c(K - vec)));
        acc = add(acc, arith::SelectOp::create(b, ix.loc, valid, v, zero));
      }
      return acc;
    }
    Value lo = ix.max(ix.c(0), ix.ceilDiv(ix.sub(a, ix.c(K - 1)), s));
    Value hi = ix.min(Tin, ix.add(ix.floorDiv(a, s), 1));
    auto loop = scf::ForOp::create(
        b, ix.loc, lo, hi, ix.c(1), ValueRange{zero}, [&](OpBuilder &, Location, Value tIn, ValueRange acc) {
          scf::YieldOp::create(b, ix.loc, ValueRange{add(acc[0], loadRow(tIn, ix.sub(a, ix.mul(tIn, s))))});
        });
    return loop.getResult(0);
  }

  // Stores the v lanes of `sums` at y[n][oc][t, t+v): one vector store when all lanes are inside
  // the row (aligned when every row starts at a multiple of v), lane by lane at its end;
  // nontemporal (gatherLanes), in the staged form's lanes too (unmeasured there: the staged
  // default stores one time per thread through storeY, and `.cs` on those did not help).
  void storeLanes(Value sums, Value n, Value oc, Value t, bool alignedRows) {
    OpBuilder &b = ix.b;
    Value at = yAt(n, oc, t);
    forLanes(
        ix, t, vec, Tout,
        [&] {
          vector::StoreOp::create(b, ix.loc, fromF32(b, ix.loc, sums, elem), y, ValueRange{at}, /*nontemporal=*/true,
                                  lanesAlign(alignedRows, vec, elem));
        },
        [&](int64_t j) {
          Value lane = vector::ExtractOp::create(b, ix.loc, sums, ArrayRef<int64_t>{j});
          memref::StoreOp::create(b, ix.loc, fromF32(b, ix.loc, lane, elem), y, ValueRange{ix.add(at, j)},
                                  /*nontemporal=*/true);
        });
  }

  // gather = stage, one item: channels [oc0, oc0 + C) (oc0 = C * ocItem) by times [t0, t0 + L)
  // (t0 = L * tItem), both clipped to y. One inner loop copies the item's cols rows, each a run
  // of C*K elements, into a workgroup array of R rows `stride` apart (consecutive threads on
  // consecutive elements of a row); the next gathers each output from that array in ascending
  // t_in, a thread per `lanes` outputs (stored as one vector) with consecutive threads on
  // consecutive times. weft-gpu-map-grid
  // puts the barrier between the two loops.
  void stagedTile(Value n, Value ocItem, Value tItem, int64_t C, int64_t R, int64_t stride, int64_t L,
                  int64_t copyLanes, int64_t lanes, bool alignedRows) {
    OpBuilder &b = ix.b;
    Location loc = ix.loc;
    using P = arith::CmpIPredicate;
    const int64_t W = C * K;
    Value oc0 = ix.mul(ocItem, C), nc = ix.min(ix.c(C), ix.sub(ix.c(OC), oc0));
    Value t0 = ix.mul(tItem, L), t1 = ix.min(Tout, ix.add(t0, L));
    Value lo = ix.max(ix.c(0), ix.ceilDiv(ix.sub(ix.add(t0, p), ix.c(K - 1)), s));
    Value hi = ix.min(Tin, ix.add(ix.floorDiv(ix.add(ix.sub(t1, ix.c(1)), p), s), 1));
    auto rows = memref::AllocaOp::create(b, loc, MemRefType::get({R * stride}, elem));
    Value runEnd = ix.mul(nc, K);
    // A thread copies `copyLanes` consecutive elements of a run: one aligned vector load where
    // every run starts at a multiple of it, stored lane by lane (the padded rows are not).
    ix.parallel(ix.c(0), ix.mul(ix.sub(hi, lo), W / copyLanes), [&](Value i) {
      Value e = ix.mul(i, copyLanes), r = ix.divNonNeg(e, W), j = ix.sub(e, ix.mul(r, W));
      scf::IfOp::create(b, loc, ix.cmp(P::slt, j, runEnd), [&](OpBuilder &, Location) {
        Value from = ix.add(colsAt(n, ix.add(lo, r), oc0, ix.c(0)), j), to = ix.add(ix.mul(r, stride), j);
        if (copyLanes == 1) {
          memref::StoreOp::create(b, loc, memref::LoadOp::create(b, loc, cols, ValueRange{from}), rows, ValueRange{to});
        } else {
          Value v = vector::LoadOp::create(b, loc, VectorType::get({copyLanes}, elem), cols, ValueRange{from}, false,
                                           lanesAlign(true, copyLanes, elem));
          for (int64_t l = 0; l < copyLanes; ++l)
            memref::StoreOp::create(b, loc, vector::ExtractOp::create(b, loc, v, ArrayRef<int64_t>{l}), rows,
                                    ValueRange{ix.add(to, l)});
        }
        scf::YieldOp::create(b, loc);
      });
    }, R * W / copyLanes);
    // Output t of channel c from the staged rows, summed in ascending t_in.
    auto gatherStaged = [&](Value c, Value t) {
      // a = q_a*s + r_a reaches t_in in [q_a + 1 - (K - 1 - r_a + s)/s, q_a] (the taps r_a,
      // r_a + s, ... below K), clipped to [0, T_in).
      Value a = ix.add(t, p), qa = ix.divNonNeg(a, s), ra = ix.sub(a, ix.mul(qa, s));
      Value first = ix.max(ix.c(0), ix.sub(ix.add(qa, 1), ix.divNonNeg(ix.sub(ix.c(K - 1 + s), ra), s)));
      Value last = ix.min(Tin, ix.add(qa, 1));
      Value base = ix.add(ix.mul(c, K), ix.sub(a, ix.mul(lo, stride)));
      auto loop = scf::ForOp::create(
          b, loc, first, last, ix.c(1), ValueRange{zeroF32()}, [&](OpBuilder &, Location, Value tIn, ValueRange acc) {
            // Row t_in - lo, tap a - t_in*s: (t_in - lo)*stride + c*K + a - t_in*s.
            Value at = ix.add(base, ix.mul(tIn, stride - s));
            Value v = toF32(b, loc, memref::LoadOp::create(b, loc, rows, ValueRange{at}));
            scf::YieldOp::create(b, loc, ValueRange{add(acc[0], v)});
          });
      return loop.getResult(0);
    };
    // A thread per `lanes` consecutive times of a channel, consecutive threads on consecutive
    // groups; lanes past the item's last time repeat it (in the staged rows) and are not stored.
    const int64_t groups = L / lanes;
    ix.parallel(ix.c(0), ix.c(C * groups), [&](Value q) {
      Value c = ix.divNonNeg(q, groups), t = ix.add(t0, ix.mul(ix.sub(q, ix.mul(c, groups)), lanes));
      scf::IfOp::create(b, loc, ix.both(ix.cmp(P::slt, c, nc), ix.cmp(P::slt, t, t1)), [&](OpBuilder &, Location) {
        if (lanes == 1) {
          storeY(gatherStaged(c, t), n, ix.add(oc0, c), t);
        } else {
          SmallVector<Value> sums;
          for (int64_t l = 0; l < lanes; ++l) sums.push_back(gatherStaged(c, ix.min(ix.add(t, l), ix.sub(t1, ix.c(1)))));
          Value v = vector::FromElementsOp::create(b, loc, VectorType::get({lanes}, b.getF32Type()), sums);
          storeLanes(v, n, ix.add(oc0, c), t, alignedRows);
        }
        scf::YieldOp::create(b, loc);
      });
    }, C * groups);
  }
};

// cols' [..][T_in][OC*K], y's [..][OC][T_out] as the op's types give them.
struct Col2ImShape {
  int64_t OC, K, staticTout;
  bool batched;
  explicit Col2ImShape(Col2Im1dOp op) {
    auto in = cast<ShapedType>(op.getInput().getType()), out = cast<ShapedType>(op.getResult().getType());
    OC = int64_t(op.getChannels());
    K = in.getShape().back() / OC;
    batched = in.getRank() == 3;
    int64_t t = out.getShape().back();
    staticTout = ShapedType::isDynamic(t) ? kDynamic : t;
  }
};

// gather = stage: an item's C channels (runs of at least kStageRunBytes) and the R cols rows that
// can reach L consecutive output times: for a = t + p in [a0, a0 + L), t_in in
// [ceil((a0 - K + 1)/s), floor((a0 + L - 1)/s)], at most (L + K - 2)/s + 1 rows. A row of W = C*K
// elements is stored `stride` apart, = s modulo the bank cycle (bankPaddedStride: consecutive
// times read row t_in at tap a - t_in*s; a first version without the padding or the vector
// copy ran the K = 4, s = 2 bench shape 3x slower).
struct StageShape {
  int64_t C, R, W, stride, elementBytes;
  StageShape(const Col2ImShape &shape, int64_t s, int64_t L, int64_t elementBytes)
      : C(std::clamp<int64_t>(ceilDiv(kStageRunBytes, shape.K * elementBytes), 1, shape.OC)),
        R((L + shape.K - 2) / s + 1), W(C * shape.K), stride(bankPaddedStride(W, s, elementBytes)),
        elementBytes(elementBytes) {}
  /// Elements a thread copies at once: where vectors are memory accesses (CUDA, Vulkan), the
  /// widest (at most 16 bytes, and the target's lanes) that divides every run and row start (W,
  /// OC*K), else 1.
  int64_t copyLanes(TargetAttr target, int64_t OC) const {
    if (!target.isGpu() || !target.hasVectorAccess()) return 1;
    int64_t v = std::min(16 / elementBytes, target.maxGpuLanes());
    while (v > 1 && (W % v || (OC * (W / C)) % v)) v /= 2;
    return v;
  }
  /// The workgroup memory it needs; INT64_MAX past that.
  int64_t bytes() const {
    int64_t b;
    if (__builtin_mul_overflow(R, stride, &b) || __builtin_mul_overflow(b, elementBytes, &b)) return INT64_MAX;
    return b;
  }
};

LogicalResult buildCol2Im(ProgramBuilder &pb, Col2Im1dOp op, ScheduleAttr sched, const View &in, const View &out) {
  const Gather gather = *sched.getGather();
  const bool byChannel = sched.getParallel() == Parallel::channel;
  const int64_t vec = sched.getVector(), tileLen = sched.getTile()[0];
  const Col2ImShape shape(op);
  const int64_t OC = shape.OC, K = shape.K, staticTout = shape.staticTout;
  const bool batched = shape.batched;
  const unsigned ocDim = batched ? 1 : 0, tDim = ocDim + 1;

  return pb.addKernel("", [&](KernelBuilder &kb) -> LogicalResult {
    OpBuilder &b = kb.builder();
    Gathers g{{Ix{b, kb.loc()}, K, int64_t(op.getStride()), int64_t(op.getPadding()), OC, vec, batched,
                kb.elementType(in), kb.buffer(in), kb.buffer(out), kb.extent(in, in.rank() - 2),
                kb.extent(out, tDim)}};
    g.straightTaps = pb.target().keepsSignedZeros();
    SmallVector<GridDim> grid;
    if (batched) grid.push_back(GridDim::of(out, 0));
    // The batch id (0 if none); the grid ids after it are ids.drop_front(batched).
    auto batchOf = [&](ValueRange ids) { return batched ? ids[0] : g.ix.c(0); };

    if (gather == Gather::sweep)
      return buildRowSweep(kb, op, g, grid, byChannel, tileLen, staticTout, out);

    if (gather == Gather::stage) {
      // On a GPU each thread takes `vector` consecutive times; the CPU runs the loops in turn,
      // an element at a time.
      const int64_t lanes = pb.gpu() ? vec : 1;
      if (std::string e = checkTileOfLanes(tileLen, lanes); !e.empty())
        return op.emitOpError() << e.insert(e.find(" (rule"), " on target " + pb.target().getKind().str());
      const StageShape st(shape, int64_t(op.getStride()), tileLen, elementBytes(g.elem));
      const int64_t limit = itemArrayLimit(pb.target());
      if (st.bytes() > limit)
        return op.emitOpError() << "schedule gather = stage with tile = [" << tileLen << "] needs " << st.bytes()
                                << " bytes of " << (pb.gpu() ? "workgroup memory" : "scratch per thread")
                                << " (rule: at most " << limit << " on target " << pb.target().getKind().str() << ": "
                                << st.R << " cols rows of " << st.stride << " elements: " << st.C
                                << " channels x K = " << K << ", padded)";
      grid.push_back(GridDim::of(out, ocDim, st.C));
      grid.push_back(GridDim::of(out, tDim, tileLen));
      kb.parallelGrid(grid, [&](OpBuilder &, Location loc, ValueRange ids) {
        Value n = batchOf(ids);
        ValueRange rest = ids.drop_front(batched);
        g.stagedTile(n, rest[0], rest[1], st.C, st.R, st.stride, tileLen, st.copyLanes(pb.target(), OC), lanes,
                     staticTout != kDynamic && staticTout % lanes == 0);
      });
      return success();
    }

    bool scan = gather == Gather::scan;
    if (byChannel && pb.gpu()) {
      // GPU: each item a block of C channels (the threads) by L times (a loop per thread).
      int64_t C = tileLen, L = kGpuChannelTimes;
      grid.push_back(GridDim::of(out, ocDim, C));
      grid.push_back(GridDim::of(out, tDim, L));
      kb.parallelGrid(grid, [&](OpBuilder &, Location, ValueRange ids) {
        Value n = batchOf(ids);
        ValueRange rest = ids.drop_front(batched);
        Ix &ix = g.ix;
        Value oc0 = ix.mul(rest[0], C), t0 = ix.mul(rest[1], L);
        ix.parallel(oc0, ix.min(ix.c(OC), ix.add(oc0, C)), [&](Value oc) {
          ix.loop(t0, ix.min(g.Tout, ix.add(t0, L)), [&](Value t) { g.storeY(g.gather(scan, n, oc, t), n, oc, t); });
        });
      });
      return success();
    }
    if (byChannel) {
      // Each item: a block of channels, all of T_out; channels are the inner threads.
      int64_t C = std::min(OC, tileLen);
      grid.push_back(GridDim::of(out, ocDim, C));
      kb.parallelGrid(grid, [&](OpBuilder &, Location, ValueRange ids) {
        Value n = batchOf(ids);
        ValueRange rest = ids.drop_front(batched);
        Ix &ix = g.ix;
        Value oc0 = ix.mul(rest[0], C);
        ix.parallel(oc0, ix.min(ix.c(OC), ix.add(oc0, C)), [&](Value oc) {
          ix.loop(ix.c(0), g.Tout, [&](Value t) { g.storeY(g.gather(scan, n, oc, t), n, oc, t); });
        });
      });
      return success();
    }
    // Each item: one channel, a tile of L output times; times are the inner threads. On a GPU
    // with vector = v > 1, each thread takes v consecutive times (gatherLanes, storeLanes).
    const int64_t L = tileLen;
    const bool lanes = pb.gpu() && vec > 1;
    const bool alignedRows = staticTout != kDynamic && staticTout % vec == 0;
    if (std::string e = checkTileOfLanes(L, vec); lanes && !e.empty()) return op.emitOpError() << e;
    grid.push_back(GridDim::of(out, ocDim));
    grid.push_back(GridDim::of(out, tDim, L));
    kb.parallelGrid(grid, [&](OpBuilder &, Location, ValueRange ids) {
      Value n = batchOf(ids);
      ValueRange rest = ids.drop_front(batched);
      Ix &ix = g.ix;
      Value t0 = ix.mul(rest[1], L), t1 = ix.min(g.Tout, ix.add(t0, L));
      if (!lanes) {
        ix.parallel(t0, t1, [&](Value t) { g.storeY(g.gather(scan, n, rest[0], t), n, rest[0], t); }, L);
        return;
      }
      ix.parallel(ix.c(0), ix.ceilDiv(ix.sub(t1, t0), vec), [&](Value q) {
        Value t = ix.add(t0, ix.mul(q, vec));
        g.storeLanes(g.gatherLanes(scan, n, rest[0], t), n, rest[0], t, alignedRows);
      }, L / vec);
    });
    return success();
  });
}

struct Col2ImModel : KernelOpInterface::ExternalModel<Col2ImModel, Col2Im1dOp> {
  ScheduleAttr resolveSchedule(Operation *o, TargetAttr target, ScheduleAttr given) const {
    auto op = cast<Col2Im1dOp>(o);
    const Col2ImShape shape(op);
    const bool gpu = target.isGpu();
    // CPU: the row sweep reads each cols row once (cpu-peers.md: 5-6x over the strided gather).
    // GPU: one thread per output element with the bounded gather, consecutive threads along time;
    // the staged gather (along time, one element per thread) where the target takes it for this
    // stride: on CUDA (H100: the K4 bench shape 86 -> 43-50 us, col2im f32 42 -> 39.5 us,
    // docs/cuda-history.md) but for 16-bit elements at strides of 8 or more, which take 16-byte lanes
    // of the bounded gather (TargetAttr::col2imWideLanes); through GLSL only at strides up
    // to 2 (docs/vulkan.md).
    // Vectors of f32 lanes: f16/bf16 add in f32.
    ScheduleFields f = ScheduleFields::resolving(given, target, Parallel::time, 4);
    // The staged gather's tile: the longest up to kStageTimeTile whose rows take at most
    // kStageBytes (and fit the target); 0 if not even one time fits.
    auto stageTile = [&] {
      const int64_t limit = std::min(itemArrayLimit(target), kStageBytes);
      int64_t t = kStageTimeTile;
      if (shape.staticTout != kDynamic) t = std::min(t, roundUp(shape.staticTout, 32));
      for (; t >= 1; t /= 2)
        if (StageShape(shape, int64_t(op.getStride()), t, elementBytes(op.getInput().getType())).bytes() <= limit)
          return t;
      return int64_t(0);
    };
    const int64_t s = int64_t(op.getStride()), p = int64_t(op.getPadding()), K = shape.K, T = shape.staticTout;
    const int64_t bytes = elementBytes(op.getInput().getType());
    // Whether `v` lanes along time are whole aligned vectors of every row (tile: the tile given
    // or the default one).
    auto lanesFit = [&](int64_t v, int64_t tile) {
      return s % v == 0 && p % v == 0 && K % v == 0 && T != kDynamic && T % v == 0 && tile % v == 0;
    };
    const int64_t boundedTile = [&] {
      int64_t t = kGpuTimesPerThread * f.threads();
      return T == kDynamic ? t : std::min(t, roundUp(T, f.threads()));
    }();
    // 16-byte lanes where the target prefers them to staging.
    const bool wideLanes = target.col2imWideLanes(s, bytes) && f.parallel == Parallel::time && !f.vectorGiven &&
                           f.tile.empty() && lanesFit(target.lanes(bytes), boundedTile);
    if (!f.gather) {
      // Staged only where a tile of at least 32 times fits, as the measured shapes do, and where
      // the schedule gives no tile or vector (those keep the bounded form's meaning).
      bool staged = target.stagesCol2Im(s) && !wideLanes && f.parallel == Parallel::time && !f.vectorGiven &&
                    f.tile.empty() && stageTile() >= 32;
      f.gather = !gpu ? Gather::sweep : staged ? Gather::stage : Gather::bounded;
    }
    if (f.tile.empty() && f.gather == Gather::stage) f.tile = {std::max<int64_t>(1, stageTile())};
    if (f.tile.empty()) {
      int64_t t;
      if (f.parallel == Parallel::channel) t = gpu ? f.threads() : std::min(shape.OC, kDefaultChannelTile);
      else if (f.gather == Gather::sweep) t = defaultSweepTimeTile(shape.OC, shape.K, f.vector, shape.staticTout);
      else if (!gpu) t = kDefaultTimeTile;
      else t = boundedTile; // a short static row takes fewer rounds of the workgroup's threads
      f.tile = {t};
    }
    // Along time: 8-byte groups of times, where they load and store as aligned vectors (CUDA:
    // f16 x 4 36 -> 25 us, f32 x 2 47 -> 42 us on an H100, docs/cuda-history.md; Vulkan: f16 x 4 51 ->
    // 36 us, f32 x 2 40 -> 33 us on an H200, docs/vulkan.md). Through Vulkan a narrower group
    // is slower than none (K4 f16 x 2: 118 -> 169 us), so there only whole 8-byte groups.
    // 16-byte groups where the target prefers them to staging (above).
    if (f.parallel == Parallel::time && f.gather != Gather::stage)
      f.widenGpuLanes(target, bytes, wideLanes && f.gather == Gather::bounded ? 16 : 8, [&](int64_t v) {
        return (!target.col2imLanesWholeOnly() || v * bytes == 8) && lanesFit(v, f.tile[0]);
      });
    return f.get(op.getContext());
  }
  SmallVector<StringRef> scheduleFields(Operation *, TargetAttr target) const {
    return fieldsOn(target, {"parallel", "gather", "vector", "tile"});
  }
  void recordEqualities(Operation *o, function_ref<void(Value, unsigned, Value, unsigned)> same) const {
    auto op = cast<Col2Im1dOp>(o);
    if (Col2ImShape(op).batched) same(op.getInput(), 0, op.getResult(), 0);
  }
  LogicalResult buildLoops(Operation *o, ProgramBuilder &pb, ArrayRef<View> operands, const View &result) const {
    auto op = cast<Col2Im1dOp>(o);
    return buildCol2Im(pb, op, scheduleOf(op), operands[0], result);
  }
};

} // namespace

void attachCol2ImModel(MLIRContext *ctx) { Col2Im1dOp::attachInterface<Col2ImModel>(*ctx); }

} // namespace weft::lowering
