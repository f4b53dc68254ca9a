// concat -> loops: a then b along `axis` into a contiguous output; a pure copy of the element bits
// (every dtype, bf16/f16 included, keeps its element type: no conversion).
//
// The inputs may be strided views, so every copy is a run of output elements fed from one input
// at that input's innermost stride, versioned at run time: stride 1 copies whole vectors, any
// other stride copies element by element.
//   copy = row:  the output as rows of its last dim; a grid item owns `tile` consecutive rows.
//                An output row is one row of a or of b, or (axis = last dim) a's row then b's.
//   copy = flat: axis 0 and a static shape: the output is a's elements then b's, so a grid item
//                owns `tile` consecutive output elements; contiguous inputs (checked at run time)
//                copy them as at most two ranges, anything else walks the rows they cover.
// Rank 1 is one row, split into element chunks whatever the copy form.
//   GPU:         an item is a chunk of one output row, one element per thread (consecutive
//                threads on consecutive elements); `copy` does not apply.
#include "lowering/KernelOp.h"
#include "lowering/LoopHelpers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace weft::lowering {
namespace {

// Output elements per grid item when the schedule names no tile.
constexpr int64_t kElementsPerItem = 32 * 1024;
// GPU: output elements per thread of an item (the item's chunk is this times the workgroup), and
// with lanes (CUDA), vectors per thread: two measured 2-5% faster than one or a half (H100,
// three passes: f16 x 8 58-62 -> 55-58 us, f32 x 4 102-106 -> 101-103 us; docs/cuda-history.md).
constexpr int64_t kGpuElementsPerThread = 4;
constexpr int64_t kGpuVectorsPerThread = 2;
// A contiguous run of at most kStraightVectors vectors (static length) is copied without a loop;
// a longer one copies kCopyUnroll vectors per loop iteration.
constexpr int64_t kStraightVectors = 16;
constexpr int64_t kCopyUnroll = 4;

// One input: its buffer, extents and element strides.
struct Input {
  Value buf;
  SmallVector<Value> extents, strides;
};

struct Concat {
  Ix ix;
  int64_t axis, vec;
  bool stream; // nontemporal vector stores
  Type elem;
  Input a, b;
  Value out;
  SmallVector<Value> outExtents; // the output's extents
  // The alignment in bytes the streamed stores declare (0: none), where out's start was checked
  // (as col2im's sweep: LLVM makes whole vmovntps of aligned ones only).
  int64_t streamAlign = 0;

  int64_t rank() const { return outExtents.size(); }

  // out[dst, dst+len) = src[from + i*stride]; vectors when the stride is 1.
  void copyRun(Value src, Value from, Value stride, Value dst, Value len) {
    OpBuilder &bb = ix.b;
    Location loc = ix.loc;
    auto contiguous = [&] {
      auto vt = VectorType::get({vec}, elem);
      auto copyVectors = [&](Value i, int64_t n) {
        for (int64_t k = 0; k < n; ++k) {
          Value at = ix.add(i, ix.c(k * vec));
          Value v = vector::LoadOp::create(bb, loc, vt, src, ValueRange{ix.add(from, at)});
          vector::StoreOp::create(bb, loc, v, out, ValueRange{ix.add(dst, at)}, stream, llvm::MaybeAlign(streamAlign));
        }
      };
      // The loop IR unrolls the copy itself (the CPU JIT runs no LLVM loop unroller; see
      // docs/pipeline.md): a short run of static length is straight-line code, a longer one
      // copies kCopyUnroll vectors per iteration. Streamed stores that declare no alignment
      // (out's start unchecked or off it) stay one vector per iteration: LLVM makes each eight
      // 8-byte movntsd with shuffles, and scheduling blocks of hundreds of them cost code
      // generation ~30 ms (concat f32 axis 1: `jit` stage 66 -> 36 ms) for no speed, the
      // stores being the bound.
      Value nv = ix.mul(ix.div(len, ix.c(vec)), vec);
      std::optional<int64_t> staticVectors = getConstantIntValue(nv);
      if (stream && !streamAlign) {
        ix.loop(ix.c(0), nv, ix.c(vec), [&](Value i) { copyVectors(i, 1); });
      } else if (staticVectors && *staticVectors / vec <= kStraightVectors) {
        copyVectors(ix.c(0), *staticVectors / vec);
      } else {
        Value nu = ix.mul(ix.div(len, ix.c(vec * kCopyUnroll)), vec * kCopyUnroll);
        ix.loop(ix.c(0), nu, ix.c(vec * kCopyUnroll), [&](Value i) { copyVectors(i, kCopyUnroll); });
        ix.loop(nu, nv, ix.c(vec), [&](Value i) { copyVectors(i, 1); });
      }
      ix.loop(nv, len, [&](Value i) {
        Value v = memref::LoadOp::create(bb, loc, src, ValueRange{ix.add(from, i)});
        memref::StoreOp::create(bb, loc, v, out, ValueRange{ix.add(dst, i)});
      });
    };
    ix.ifElse(ix.cmp(arith::CmpIPredicate::eq, stride, ix.c(1)), contiguous, [&] {
      ix.loop(ix.c(0), len, [&](Value i) {
        Value v = memref::LoadOp::create(bb, loc, src, ValueRange{ix.add(from, ix.mul(i, stride))});
        memref::StoreOp::create(bb, loc, v, out, ValueRange{ix.add(dst, i)});
      });
    });
  }

  // Offset in `in` of the row with leading indices `idx` (all dims but the last).
  Value rowStart(const Input &in, ArrayRef<Value> idx) {
    Value at = ix.c(0);
    for (auto [i, s] : llvm::zip(idx, in.strides)) at = ix.add(at, ix.mul(i, s));
    return at;
  }

  // Output row `idx` (its linear row number `row`), columns [c0, c1).
  void copyRow(ArrayRef<Value> idx, Value row, Value c0, Value c1) {
    Value E = outExtents.back();
    Value dst = ix.add(ix.mul(row, E), c0);
    auto fromInput = [&](const Input &in, ArrayRef<Value> at, Value col0, Value col1, Value outAt) {
      Value last = in.strides.back();
      copyRun(in.buf, ix.add(rowStart(in, at), ix.mul(col0, last)), last, outAt, ix.sub(col1, col0));
    };
    if (axis == rank() - 1) {
      // a's columns [0, A), then b's.
      Value A = a.extents.back();
      Value aEnd = ix.max(c0, ix.min(c1, A)), bBegin = ix.min(c1, ix.max(c0, A));
      fromInput(a, idx, c0, aEnd, dst);
      fromInput(b, idx, ix.sub(bBegin, A), ix.sub(c1, A), ix.add(dst, ix.sub(bBegin, c0)));
      return;
    }
    Value A = a.extents[axis];
    ix.ifElse(
        ix.cmp(arith::CmpIPredicate::slt, idx[axis], A), [&] { fromInput(a, idx, c0, c1, dst); },
        [&] {
          SmallVector<Value> at(idx);
          at[axis] = ix.sub(idx[axis], A);
          fromInput(b, at, c0, c1, dst);
        });
  }

  // GPU: out[row][col], the row given by its leading indices `idx` and linear number `row`.
  void copyElement(ArrayRef<Value> idx, Value row, Value col) {
    OpBuilder &bb = ix.b;
    Location loc = ix.loc;
    Value dst = ix.add(ix.mul(row, outExtents.back()), col);
    auto from = [&](const Input &in, ArrayRef<Value> at, Value c) {
      Value v = memref::LoadOp::create(bb, loc, in.buf, ValueRange{ix.add(rowStart(in, at), ix.mul(c, in.strides.back()))});
      memref::StoreOp::create(bb, loc, v, out, ValueRange{dst});
    };
    if (axis == rank() - 1) {
      Value A = a.extents.back();
      ix.ifElse(ix.cmp(arith::CmpIPredicate::slt, col, A), [&] { from(a, idx, col); },
                [&] { from(b, idx, ix.sub(col, A)); });
      return;
    }
    ix.ifElse(ix.cmp(arith::CmpIPredicate::slt, idx[axis], a.extents[axis]), [&] { from(a, idx, col); },
              [&] {
                SmallVector<Value> at(idx);
                at[axis] = ix.sub(idx[axis], a.extents[axis]);
                from(b, at, col);
              });
  }

  // GPU, vector = v > 1: out[row][col, col+v) (col a multiple of v). Where the v columns come from
  // one input whose row runs contiguously there from a multiple of v, one aligned vector load;
  // otherwise element by element. The store is one vector (aligned when rows start at multiples
  // of v), element by element at the row's end.
  void copyLanes(ArrayRef<Value> idx, Value row, Value col, bool alignedRows) {
    OpBuilder &bb = ix.b;
    Location loc = ix.loc;
    using P = arith::CmpIPredicate;
    Value E = outExtents.back();
    auto perElement = [&] {
      for (int64_t l = 0; l < vec; ++l) copyElement(idx, row, ix.add(col, l));
    };
    auto fromInput = [&](const Input &in, ArrayRef<Value> at, Value c) {
      Value last = in.strides.back();
      Value src = ix.add(rowStart(in, at), ix.mul(c, last));
      Value whole = ix.both(ix.cmp(P::eq, last, ix.c(1)), ix.cmp(P::eq, ix.rem(src, ix.c(vec)), ix.c(0)));
      ix.ifElse(
          whole,
          [&] {
            Value v = vector::LoadOp::create(bb, loc, VectorType::get({vec}, elem), in.buf, ValueRange{src}, false,
                                             lanesAlign(true, vec, elem));
            vector::StoreOp::create(bb, loc, v, out, ValueRange{ix.add(ix.mul(row, E), col)}, false,
                                    lanesAlign(alignedRows, vec, elem));
          },
          perElement);
    };
    forLanes(
        ix, col, vec, E,
        [&] {
          if (axis == rank() - 1) {
            Value A = a.extents.back();
            ix.ifElse(ix.cmp(P::sle, ix.add(col, vec), A), [&] { fromInput(a, idx, col); },
                      [&] {
                        ix.ifElse(ix.cmp(P::sge, col, A), [&] { fromInput(b, idx, ix.sub(col, A)); }, perElement);
                      });
            return;
          }
          ix.ifElse(ix.cmp(P::slt, idx[axis], a.extents[axis]), [&] { fromInput(a, idx, col); },
                    [&] {
                      SmallVector<Value> at(idx);
                      at[axis] = ix.sub(idx[axis], a.extents[axis]);
                      fromInput(b, at, col);
                    });
        },
        [&](int64_t l) { copyElement(idx, row, ix.add(col, l)); });
  }

  // Output elements [e0, e1), walking the rows they cover (partial rows at both ends).
  void copyRange(Value e0, Value e1) {
    Value E = outExtents.back();
    ix.loop(ix.div(e0, E), ix.ceilDiv(e1, E), [&](Value row) {
      Value rowBegin = ix.mul(row, E);
      Value c0 = ix.max(ix.c(0), ix.sub(e0, rowBegin)), c1 = ix.min(E, ix.sub(e1, rowBegin));
      SmallVector<Value> idx(rank() - 1);
      Value rest = row;
      for (int64_t d = rank() - 2; d >= 0; --d) {
        idx[d] = d ? ix.rem(rest, outExtents[d]) : rest;
        if (d) rest = ix.div(rest, outExtents[d]);
      }
      copyRow(idx, row, c0, c1);
    });
  }

  // True when `in` is laid out row-major without gaps.
  Value isContiguous(const Input &in) {
    Value ok, expect = ix.c(1);
    for (int64_t d = rank() - 1; d >= 0; --d) {
      Value eq = ix.cmp(arith::CmpIPredicate::eq, in.strides[d], expect);
      ok = ok ? ix.both(ok, eq) : eq;
      expect = ix.mul(expect, in.extents[d]);
    }
    return ok;
  }

  // Flat form (axis 0): output elements [e0, e1) as a's range then b's range.
  void copyFlat(Value e0, Value e1, Value aSize) {
    ix.ifElse(
        ix.both(isContiguous(a), isContiguous(b)),
        [&] {
          Value aEnd = ix.max(e0, ix.min(e1, aSize)), bBegin = ix.min(e1, ix.max(e0, aSize));
          Value one = ix.c(1);
          copyRun(a.buf, e0, one, e0, ix.sub(aEnd, e0));
          copyRun(b.buf, ix.sub(bBegin, aSize), one, bBegin, ix.sub(e1, bBegin));
        },
        [&] { copyRange(e0, e1); });
  }
};

// Whether the CPU loops copy element chunks of the whole output (copy = flat on axis 0 of a
// static shape, or rank 1) rather than rows; the tile counts elements then, else rows.
bool chunkForm(ConcatOp op, Copy copy) {
  auto out = cast<ShapedType>(op.getResult().getType());
  return out.getRank() == 1 || (copy == Copy::flat && op.getAxis() == 0 && out.hasStaticShape());
}

LogicalResult buildConcat(ProgramBuilder &pb, ConcatOp op, ScheduleAttr sched, const View &a, const View &b,
                          const View &out) {
  const int64_t rank = out.rank(), axis = int64_t(op.getAxis());
  const int64_t vec = sched.getVector(), T = sched.getTile()[0];
  bool staticShape = llvm::none_of(out.type.shape, [](int64_t e) { return e == kDynamic; });
  bool flat = chunkForm(op, *sched.getCopy()) && rank > 1;
  int64_t total = 1;
  for (int64_t e : out.type.shape) total *= e;
  // Runs end where an input's last dim ends (row form) or at chunk and a/b boundaries (chunks).
  SmallVector<int64_t> runEnds = {a.type.shape.back(), b.type.shape.back()};
  if (flat || rank == 1) runEnds.append({T, a.type.shape[0] * total / out.type.shape[0]});
  bool stream = staticShape && total * int64_t(dtypeSize(out.type.dtype)) >= kStreamBytes &&
                llvm::all_of(runEnds, [&](int64_t e) { return e % vec == 0; });
  // Every streamed store starts at a sum of multiples of the run ends, the row length and the
  // vector: where out starts at a multiple of their common alignment (16 bytes or more), the
  // stores declare it.
  SmallVector<int64_t> offsets(runEnds);
  offsets.append({vec, out.type.shape.back()});
  const int64_t align = stream ? streamStoreAlign(offsets, int64_t(dtypeSize(out.type.dtype))) : 0;

  return pb.addKernel("", [&](KernelBuilder &kb) -> LogicalResult {
    auto input = [&](const View &v) {
      Input in{kb.buffer(v), {}, {}};
      for (unsigned d = 0; d < v.rank(); ++d) {
        in.extents.push_back(kb.extent(v, d));
        in.strides.push_back(kb.stride(v, d));
      }
      return in;
    };
    Concat g{Ix{kb.builder(), kb.loc()}, axis, vec, stream, kb.elementType(out), input(a), input(b),
             kb.buffer(out), {}};
    for (unsigned d = 0; d < rank; ++d) g.outExtents.push_back(kb.extent(out, d));
    Ix &ix = g.ix;

    if (pb.gpu()) {
      SmallVector<GridDim> grid;
      for (unsigned d = 0; d + 1 < rank; ++d) grid.push_back(GridDim::of(out, d));
      grid.push_back(GridDim::of(out, rank - 1, T));
      // vector = v > 1: v consecutive columns per thread (Concat::copyLanes).
      if (std::string e = checkTileOfLanes(T, vec); !e.empty()) return op.emitOpError() << e;
      const int64_t E = out.type.shape.back();
      const bool alignedRows = E != kDynamic && E % vec == 0;
      kb.parallelGrid(grid, [&](OpBuilder &, Location, ValueRange ids) {
        Value row = ix.c(0);
        for (unsigned d = 0; d + 1 < rank; ++d) row = ix.add(ix.mul(row, g.outExtents[d]), ids[d]);
        Value c0 = ix.mul(ids.back(), T), c1 = ix.min(g.outExtents.back(), ix.add(c0, ix.c(T)));
        SmallVector<Value> idx(ids.drop_back());
        if (vec == 1) {
          ix.parallel(c0, c1, [&](Value col) { g.copyElement(idx, row, col); }, T);
          return;
        }
        ix.parallel(ix.c(0), ix.ceilDiv(ix.sub(c1, c0), vec),
                    [&](Value q) { g.copyLanes(idx, row, ix.add(c0, ix.mul(q, vec)), alignedRows); }, T / vec);
      });
      return success();
    }

    // The CPU's items: with aligned streamed stores where out's start allows them.
    auto items = [&](llvm::function_ref<void()> item) { ix.withCheckedAlignment(g.out, align, g.streamAlign, item); };
    if (flat || rank == 1) {
      // Element chunks of the whole output.
      GridDim dim = flat ? GridDim::fixed(total, T) : GridDim::of(out, 0, T);
      Value size = flat ? ix.c(total) : g.outExtents[0];
      Value aSize = ix.c(1);
      for (Value e : g.a.extents) aSize = ix.mul(aSize, e);
      kb.parallelGrid({dim}, [&](OpBuilder &, Location, ValueRange ids) {
        Value e0 = ix.mul(ids[0], T), e1 = ix.min(size, ix.add(e0, ix.c(T)));
        items([&] {
          if (flat) g.copyFlat(e0, e1, aSize);
          else g.copyRange(e0, e1);
        });
      });
      return success();
    }

    // Row form: items of R rows along dim rank-2; the dims before it are grid factors.
    const int64_t R = T;
    SmallVector<GridDim> grid;
    for (unsigned d = 0; d + 2 < rank; ++d) grid.push_back(GridDim::of(out, d));
    grid.push_back(GridDim::of(out, rank - 2, R));
    kb.parallelGrid(grid, [&](OpBuilder &, Location, ValueRange ids) {
      Value r0 = ix.mul(ids.back(), R);
      Value rows = g.outExtents[rank - 2];
      // Linear number of row (ids..., r0): the leading ids are fixed for the item.
      Value lead = ix.c(0);
      for (unsigned d = 0; d + 2 < rank; ++d) lead = ix.add(ix.mul(lead, g.outExtents[d]), ids[d]);
      items([&] {
        ix.loop(r0, ix.min(rows, ix.add(r0, ix.c(R))), [&](Value r) {
          SmallVector<Value> idx(ids.drop_back());
          idx.push_back(r);
          g.copyRow(idx, ix.add(ix.mul(lead, rows), r), ix.c(0), g.outExtents.back());
        });
      });
    });
    return success();
  });
}

struct ConcatModel : KernelOpInterface::ExternalModel<ConcatModel, ConcatOp> {
  ScheduleAttr resolveSchedule(Operation *o, TargetAttr target, ScheduleAttr given) const {
    auto op = cast<ConcatOp>(o);
    auto out = cast<ShapedType>(op.getResult().getType());
    // A copy: the element size, not f32 arithmetic, decides the CPU vector's lanes.
    std::optional<DType> dt = dtypeOf(out.getElementType());
    ScheduleFields f = ScheduleFields::resolving(given, target, Parallel::rows, dt ? int64_t(dtypeSize(*dt)) : 4);
    if (!f.copy) f.copy = Copy::row;
    int64_t E = out.getShape().back();
    const bool tileDefault = f.tile.empty();
    if (tileDefault) {
      if (target.isGpu()) f.tile = {kGpuElementsPerThread * f.threads()};
      else if (chunkForm(op, *f.copy)) f.tile = {kElementsPerItem};
      else f.tile = {ShapedType::isDynamic(E) ? 64 : std::max<int64_t>(1, kElementsPerItem / E)};
    }
    // CUDA and Vulkan: up to 16-byte groups of a row per thread (at most 4 lanes on Vulkan),
    // copied as aligned vectors (CUDA: f32 x 4 116 -> 100 us, f16 x 4 88 -> 59 us on an H100,
    // docs/cuda-history.md; Vulkan on an H200, docs/vulkan.md: f32 93 -> 69 us, f16 80 -> 41 us, in the
    // runs without the slow mode that Vulkan's concat shows at any width).
    int64_t A = cast<ShapedType>(op.getLhs().getType()).getShape().back();
    bool lastAxis = int64_t(op.getAxis()) == out.getRank() - 1;
    f.widenGpuLanes(target, elementBytes(out), 16, [&](int64_t v) {
      return !ShapedType::isDynamic(E) && E % v == 0 && (!lastAxis || (!ShapedType::isDynamic(A) && A % v == 0)) &&
             f.tile[0] % v == 0;
    });
    if (tileDefault && target.isGpu() && f.vector > 1) f.tile = {kGpuVectorsPerThread * f.vector * f.threads()};
    return f.get(op.getContext());
  }
  SmallVector<StringRef> scheduleFields(Operation *, TargetAttr target) const {
    return fieldsOn(target, {"copy", "vector", "tile"});
  }
  void recordEqualities(Operation *o, function_ref<void(Value, unsigned, Value, unsigned)> same) const {
    auto op = cast<ConcatOp>(o);
    for (unsigned d = 0, rank = cast<ShapedType>(op.getType()).getRank(); d < rank; ++d)
      if (int64_t(d) != int64_t(op.getAxis())) {
        same(op.getLhs(), d, op.getResult(), d);
        same(op.getRhs(), d, op.getResult(), d);
      }
  }
  LogicalResult buildLoops(Operation *o, ProgramBuilder &pb, ArrayRef<View> operands, const View &result) const {
    auto op = cast<ConcatOp>(o);
    return buildConcat(pb, op, scheduleOf(op), operands[0], operands[1], result);
  }
};

} // namespace

void attachConcatModel(MLIRContext *ctx) { ConcatOp::attachInterface<ConcatModel>(*ctx); }

} // namespace weft::lowering
