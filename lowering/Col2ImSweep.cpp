// col2im_1d's CPU row sweep (gather = sweep): per grid item a scratch tile [C channels][L times
// + halo] in f32: the cols rows that reach the tile are walked once in ascending t_in, each
// channel's K-run is added as contiguous vectors, then the tile is rounded to y once. Where s
// divides K and p (phaseSweep), each vector of outputs is summed in registers from the K/s runs
// that reach it and written once (phaseTile): to the tile, or straight to y where each
// channel's stores stream whole aligned lines or y does not stream. Every sum starts at +0 and
// adds the rows in ascending t_in, as the other gathers (Col2ImLoops.cpp) and the reference do.
#include "lowering/Col2ImForms.h"
#include "lowering/KernelOp.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace weft::lowering::col2im {
namespace {

// The sweep's scratch tile stays in L2 next to the cols rows streaming through it.
constexpr int64_t kSweepTileFloats = 32 * 1024; // 128 KiB
// Time tiles of whole cols rows (parallel = time, the tile not set): at least this long, or the
// halo work and re-read rows cost more than the contiguous reads save; at most this long.
constexpr int64_t kMinWholeRowTile = 128;
constexpr int64_t kMaxTimeTile = 2048;
// A CPU cache line: the sweep by phases stores its sums straight to a streamed y only in vectors
// at least this wide (RowSweep::direct).
constexpr int64_t kCacheLineBytes = 64;

// The sweep tile's column of its first time: the K-1 halo columns before it, rounded up to a
// group of 8 floats, so that K-runs added at multiples of 8 columns from it (s a multiple of 8)
// and the rounding's vectors start on 32 bytes and never split a cache line (with the bare halo,
// K = 16, every 64-byte access split one: the f16 vocoder shape took 4.3 -> 3.85 ms, medians of
// five alternated rounds on a 2-vCPU Zen 4; f32 and K = 4 unchanged).
int64_t leadColumns(int64_t K) { return roundUp(K - 1, 8); }

// The sweep tile's row stride in floats: the lead, L times and K-1 halo columns after them,
// rounded to 8-float groups and made an odd multiple of 8, so the channels' rows spread over the
// L1 sets (a stride of whole kilobytes maps them to a few sets: measured 1.6x slower on a whole
// tile).
int64_t tileStride(int64_t L, int64_t K) {
  int64_t w = roundUp(leadColumns(K) + L + K - 1, 8);
  return w % 16 ? w : w + 8;
}

struct RowSweep : Col2Im {
  // Whether y is written with streaming stores: an output of kStreamBytes or more, in time tiles
  // of whole vectors.
  bool stream = false;
  // The alignment in bytes roundTile tests y's start for (0: none); where it holds, the streamed
  // stores declare it (streamAlign): LLVM makes an unaligned streaming vector store eight 8-byte
  // ones with shuffles (movntsd), an aligned one whole vmovntps of that size.
  int64_t checkedAlign = 0, streamAlign = 0;
  // phaseTile writes its sums straight to y, without the tile and roundTile's second pass: where
  // the output does not stream, or where its rows start aligned (checkedAlign) and each channel's
  // stores (span vectors) cover a cache line. f32 vocoder shape (weft-run, four alternated
  // rounds, 2-vCPU Zen 5): 2.14-2.41 -> 1.31-1.80 ms. K = 4's rows are not aligned: it keeps the
  // tile, whose rounding aligns each channel's streaming stores (roundTile).
  bool direct = false;
  // Vectors of outputs the per-channel phase form sums and stores for one channel before the
  // next: more than one where a vector is narrower than a cache line and the stores stream
  // straight to y, so that each channel's stores fill whole lines back to back (with one 32-byte
  // f16 vector each line was left half written while the other channels' stores passed: 1.03-1.37
  // ms through the tile, 1.15-1.52 straight). f16 vocoder shape, weft-run, ten alternated rounds
  // on a 2-vCPU Zen 5: through the tile 0.86-1.05 ms, two vectors straight to y 0.79-0.87 ms, four
  // 0.87-0.97 ms; f32's 64-byte vectors with two: unchanged.
  int64_t span = 1;

  // The sweep over one tile: channels [oc0, oc0+nc) x times [t0, t0+nt), nc <= C, nt <= L. The
  // tile keeps K-1 halo columns on each side (time t0 at column leadColumns(K)), so every row that
  // reaches [t0, t0+nt) adds its whole K-run (static vector pieces, no clipping) and the halo is
  // dropped when the tile is rounded. Channel c's row starts at c * width (tileStride).
  void sweepTile(Value tile, int64_t C, int64_t width, Value n, Value oc0, Value nc, Value t0, Value nt) {
    OpBuilder &b = ix.b;
    Location loc = ix.loc;
    Type f32 = b.getF32Type();
    const int64_t halo = K - 1, lead = leadColumns(K);

    // Zero the whole tile: static bounds, vectors then a scalar tail.
    int64_t zeroed = C * width / vec * vec;
    Value zeroVec = vector::BroadcastOp::create(b, loc, VectorType::get({vec}, f32), zeroF32());
    ix.loop(ix.c(0), ix.c(zeroed), ix.c(vec),
            [&](Value i) { vector::StoreOp::create(b, loc, zeroVec, tile, ValueRange{i}); });
    for (int64_t i = zeroed; i < C * width; ++i) memref::StoreOp::create(b, loc, zeroF32(), tile, ValueRange{ix.c(i)});

    // Rows whose K-run [t_in*s - p, t_in*s - p + K) meets [t0, t0+nt), ascending.
    Value a0 = ix.add(t0, p);
    Value lo = ix.max(ix.c(0), ix.ceilDiv(ix.sub(a0, ix.c(halo)), s));
    Value hi = ix.min(Tin, ix.add(ix.floorDiv(ix.add(a0, ix.sub(nt, ix.c(1))), s), 1));
    ix.loop(lo, hi, [&](Value tIn) {
      Value base = ix.add(ix.sub(ix.mul(tIn, s), a0), ix.c(lead)); // tile column of tap 0
      Value row = colsAt(n, tIn, oc0, ix.c(0));
      ix.loop(ix.c(0), nc, [&](Value c) {
        Value src = ix.add(row, ix.mul(c, K)), dst = ix.add(ix.mul(c, width), base);
        forEachPiece(K, vec, ix, [&](Value k, int64_t w) {
          Value from = ix.add(src, k), to = ix.add(dst, k);
          if (w == 1) {
            Value v = add(memref::LoadOp::create(b, loc, tile, ValueRange{to}), loadColsF32(from));
            memref::StoreOp::create(b, loc, v, tile, ValueRange{to});
            return;
          }
          Value in = toF32(b, loc, vector::LoadOp::create(b, loc, VectorType::get({w}, elem), cols, ValueRange{from}));
          Value acc = vector::LoadOp::create(b, loc, VectorType::get({w}, f32), tile, ValueRange{to});
          vector::StoreOp::create(b, loc, add(acc, in), tile, ValueRange{to});
        });
      });
    });

    roundTile(tile, width, n, oc0, nc, t0, nt);
  }

  // Rounds the tile's sums (times [t0, t0+nt) of channels [oc0, oc0+nc), time t0 at column
  // leadColumns(K) of each `width`-long row) into y once: each channel's times are contiguous in
  // both. Where y streams but its rows start off the streaming stores' alignment (checkedAlign
  // 0: K = 4's rows of 131074 floats), each channel's times up to y's next cache line go lane by
  // lane and the rest as aligned streaming vectors, read from the tile at that offset: LLVM
  // streams an unaligned vector as 8-byte movntsd pieces, and plain stores read every line of y
  // before writing it.
  void roundTile(Value tile, int64_t width, Value n, Value oc0, Value nc, Value t0, Value nt) {
    OpBuilder &b = ix.b;
    Location loc = ix.loc;
    const bool peel = stream && !checkedAlign;
    const int64_t elementBytes = elem.getIntOrFloatBitWidth() / 8;
    Value yStart = peel ? memref::ExtractAlignedPointerAsIndexOp::create(b, loc, y).getResult() : Value();
    // Only these stores depend on y's alignment, so only they are emitted twice (the sums once:
    // half the IR LLVM compiles for the sweep).
    ix.withCheckedAlignment(y, checkedAlign, streamAlign, [&] {
      const int64_t align = peel ? kStreamStoreBytes : streamAlign;
      ix.loop(ix.c(0), nc, [&](Value c) {
        Value src = ix.add(ix.mul(c, width), ix.c(leadColumns(K)));
        Value dst = yAt(n, ix.add(oc0, c), t0);
        Value head = ix.c(0);
        if (peel) {
          // Elements from dst to y's next cache line (buffers are element-aligned, abi.md): a line
          // written partly by plain stores and partly by streaming ones costs both.
          Value line = ix.c(kCacheLineBytes);
          Value off = b.createOrFold<arith::RemUIOp>(loc, ix.add(yStart, ix.mul(dst, elementBytes)), line);
          Value gap = b.createOrFold<arith::RemUIOp>(loc, ix.sub(line, off), line);
          head = ix.min(nt, ix.divNonNeg(gap, elementBytes));
        }
        Value nv = ix.add(head, ix.mul(ix.floorDiv(ix.sub(nt, head), vec), vec));
        auto lanes = [&](Value from, Value to) {
          ix.loop(from, to, [&](Value t) {
            Value v = memref::LoadOp::create(b, loc, tile, ValueRange{ix.add(src, t)});
            memref::StoreOp::create(b, loc, fromF32(b, loc, v, elem), y, ValueRange{ix.add(dst, t)});
          });
        };
        if (peel) lanes(ix.c(0), head);
        ix.loop(head, nv, ix.c(vec), [&](Value t) {
          Value v =
              vector::LoadOp::create(b, loc, VectorType::get({vec}, b.getF32Type()), tile, ValueRange{ix.add(src, t)});
          vector::StoreOp::create(b, loc, fromF32(b, loc, v, elem), y, ValueRange{ix.add(dst, t)}, stream,
                                  llvm::MaybeAlign(align));
        });
        lanes(nv, nt);
      });
    });
  }

  // The sweep by phases (phaseSweep: s divides K and p): output times a = t + p = g*s + j (0 <= j
  // < s) are reached by rows g - q, q in [0, K/s), at taps q*s + j, so a run of s outputs is the
  // sum of K/s runs of s cols elements. Per vector of `vec` outputs (vec/s runs) and channel, the
  // sums are made in registers, rows in ascending t_in (q descending), one f32 conversion per
  // `vec` elements; a row outside cols adds +0, which leaves every sum's bits as the reference's
  // (its sums start at +0 and are never -0). Vectors outer, channels inner: each row's window of
  // the item's channels is read in order. The sums go to the tile's columns, then roundTile, or
  // straight to y (`direct`); no zeroing and no read-modify-write of the tile (measured 1.2-1.6x
  // faster than the tile's accumulation on the f16 vocoder shape, docs/bench-cpu-history.md). Lanes
  // past nt compute sums of rows that exist (clamped) and are not stored. With `byRows`
  // (rowPhaseSweep) whole blocks of vec/K channels go through rowBlockSums, the rest channel by
  // channel.
  void phaseTile(Value tile, int64_t width, Value n, Value oc0, Value nc, Value t0, Value nt, bool byRows) {
    OpBuilder &b = ix.b;
    Location loc = ix.loc;
    Type f32 = b.getF32Type();
    const int64_t runs = vec / s, m = K / s;
    auto runType = VectorType::get({s}, elem);
    Value zeroRun = arith::ConstantOp::create(b, loc, runType, b.getZeroAttr(runType));
    Value zeroSums = vector::BroadcastOp::create(b, loc, VectorType::get({vec}, f32), zeroF32());
    // Channel c's sums of times [t0+v, t0+v+vec): to the tile, or without one (direct) to y.
    Value yAligned = direct && checkedAlign ? ix.startsAligned(y, checkedAlign) : Value();
    auto put = [&](Value sums, Value c, Value v) {
      if (direct)
        return storeSums(sums, n, ix.add(oc0, c), ix.add(t0, v), ix.sub(nt, v), yAligned);
      Value at = ix.add(ix.add(ix.mul(c, width), ix.c(leadColumns(K))), v);
      vector::StoreOp::create(b, loc, sums, tile, ValueRange{at});
    };
    ix.loop(ix.c(0), nt, ix.c(vec * span), [&](Value v) {
      Value g0 = ix.divNonNeg(ix.add(ix.add(t0, v), p), s); // the phase row of the vector's first run
      Value single = ix.c(0);
      if (byRows) {
        // Blocks only where rows g0-1 .. g0+vec/s-1 all lie inside cols (every vector but those
        // at T_out's ends, which go channel by channel): their loads need no clamp and select,
        // which LLVM made a branch per row, and the blocks' code is emitted once.
        using P = arith::CmpIPredicate;
        const int64_t block = vec / K;
        Value inside = ix.both(ix.cmp(P::sge, g0, ix.c(1)), ix.cmp(P::slt, ix.add(g0, vec / s - 1), Tin));
        Value whole = ix.mul(ix.divNonNeg(nc, block), block);
        scf::IfOp::create(b, loc, inside, [&](OpBuilder &, Location) {
          ix.loop(ix.c(0), whole, ix.c(block), [&](Value c) {
            SmallVector<Value> sums = rowBlockSums(n, ix.add(oc0, c), g0);
            for (int64_t i = 0; i < block; ++i) put(sums[i], ix.add(c, i), v);
          });
          scf::YieldOp::create(b, loc);
        });
        single = arith::SelectOp::create(b, loc, inside, whole, ix.c(0));
      }
      // Channel by channel; `guarded` reads rows outside cols as +0 (clamped loads and selects).
      auto channels = [&](Value from, bool guarded) {
        ix.loop(from, nc, [&](Value c) {
          // The next vector's new rows, as rowBlockSums does: on the vocoder shapes (weft-run,
          // four alternated rounds) f16 0.94-1.18 -> 0.75-0.78 ms, f32 1.73-1.87 -> 1.53-1.57 ms;
          // two or four vectors ahead were slower than one.
          if (!guarded)
            for (int64_t r = 0; r < span * runs; ++r) {
              Value row = ix.min(ix.add(g0, span * runs + r), ix.sub(Tin, ix.c(1)));
              memref::PrefetchOp::create(b, loc, cols, ValueRange{colsAt(n, row, ix.add(oc0, c), ix.c(0))},
                                         /*isWrite=*/false, /*localityHint=*/3, /*isDataCache=*/true);
            }
          for (int64_t u = 0; u < span; ++u) {
            Value sums = zeroSums;
            for (int64_t q = m - 1; q >= 0; --q) {
              SmallVector<Value> pieces;
              for (int64_t r = u * runs; r < (u + 1) * runs; ++r) {
                Value row = ix.sub(ix.add(g0, r), ix.c(q));
                pieces.push_back(guarded ? loadRow(runType, zeroRun, n, row, ix.add(oc0, c), q * s)
                                         : vector::LoadOp::create(
                                               b, loc, runType, cols, ValueRange{colsAt(n, row, ix.add(oc0, c), ix.c(q * s))}));
              }
              sums = add(sums, toF32(b, loc, concat(std::move(pieces))));
            }
            put(sums, c, ix.add(v, ix.c(u * vec)));
          }
        });
      };
      if (byRows)
        return channels(single, true);
      // Away from T_out's ends every row g0-m+1 .. g0+span*runs-1 lies inside cols: loads without
      // the clamp and select.
      using P = arith::CmpIPredicate;
      Value inside = ix.both(ix.cmp(P::sge, g0, ix.c(m - 1)), ix.cmp(P::slt, ix.add(g0, span * runs - 1), Tin));
      ix.ifElse(inside, [&] { channels(ix.c(0), false); }, [&] { channels(ix.c(0), true); });
    });
    if (!direct) roundTile(tile, width, n, oc0, nc, t0, nt);
  }

  // Rounds the `vec` sums of channel oc from time t into y: a whole vector where `left` (the
  // times from t to the tile's end) holds one, streamed where the output streams and declaring
  // checkedAlign where `yAligned` (y's start tested once); else lane by lane up to `left`.
  void storeSums(Value sums, Value n, Value oc, Value t, Value left, Value yAligned) {
    OpBuilder &b = ix.b;
    Location loc = ix.loc;
    Value out = fromF32(b, loc, sums, elem), at = yAt(n, oc, t);
    ix.ifElse(
        ix.cmp(arith::CmpIPredicate::sge, left, ix.c(vec)),
        [&] {
          auto store = [&](int64_t align) {
            vector::StoreOp::create(b, loc, out, y, ValueRange{at}, stream, llvm::MaybeAlign(align));
          };
          if (yAligned) ix.ifElse(yAligned, [&] { store(checkedAlign); }, [&] { store(0); });
          else store(0);
        },
        [&] {
          for (int64_t l = 0; l < vec; ++l)
            scf::IfOp::create(b, loc, ix.cmp(arith::CmpIPredicate::slt, ix.c(l), left), [&](OpBuilder &, Location) {
              memref::StoreOp::create(b, loc, vector::ExtractOp::create(b, loc, out, l), y, ValueRange{ix.add(at, l)});
              scf::YieldOp::create(b, loc);
            });
        });
  }

  // `type`'s elements of cols row `row` from channel oc's tap `tap` on; `zero` where the row lies
  // outside cols (the load reads a row that exists: clamped).
  Value loadRow(VectorType type, Value zero, Value n, Value row, Value oc, int64_t tap) {
    using P = arith::CmpIPredicate;
    Value inside = ix.both(ix.cmp(P::sge, row, ix.c(0)), ix.cmp(P::slt, row, Tin));
    Value at = colsAt(n, ix.max(ix.c(0), ix.min(row, ix.sub(Tin, ix.c(1)))), oc, ix.c(tap));
    Value run = vector::LoadOp::create(ix.b, ix.loc, type, cols, ValueRange{at});
    return arith::SelectOp::create(ix.b, ix.loc, inside, run, zero);
  }

  // Concatenates `parts` (a power of two of them, of one type) pairwise.
  Value concat(SmallVector<Value> parts) {
    while (parts.size() > 1) {
      SmallVector<Value> joined;
      for (size_t i = 0; i < parts.size(); i += 2) {
        int64_t w = cast<VectorType>(parts[i].getType()).getNumElements();
        joined.push_back(vector::ShuffleOp::create(ix.b, ix.loc, parts[i], parts[i + 1],
                                                   llvm::to_vector(llvm::seq<int64_t>(0, 2 * w))));
      }
      parts = std::move(joined);
    }
    return parts[0];
  }

  // rowPhaseSweep (K = 2s, vec/K = B channels to a vector): the phase sums of channels
  // [oc, oc + B) for the `vec` outputs from phase row g0, one vector per channel. A vector of
  // row g from channel oc holds the B channels' K-runs whole, so each row is read once, in one
  // piece, for all of them (the per-channel form reads B * vec/s runs of s elements and joins
  // them: on K = 4, s = 2 its shuffles, not memory, set the pace). Rows g0-1 .. g0+vec/s-1 are
  // loaded and widened; for each pair of rows (g, g+1), X takes taps [0, s) of rows g and g+1 and
  // W taps [s, K) of rows g-1 and g, per channel, so (0 + W) + X holds each channel's K outputs
  // from time g*s, summed in ascending t_in from +0 as the reference does; a transpose of the
  // B x B blocks of K lanes gives each channel its vector. The next vector's rows are prefetched:
  // four streams of rows 2 KiB apart otherwise leave the reads short of the copy's pace. Rows
  // g0-1 .. g0+vec/s-1 must lie inside cols; the prefetched ones are clamped into it.
  SmallVector<Value> rowBlockSums(Value n, Value oc, Value g0) {
    OpBuilder &b = ix.b;
    Location loc = ix.loc;
    const int64_t block = vec / K, rows = vec / s + 1;
    auto rowType = VectorType::get({vec}, elem);
    // Every address is one per block plus a constant (rows OC*K apart): what LLVM's loop strength
    // reduction handles cheaply (one address each cost it twice the compile time).
    Value ahead = colsAt(n, ix.min(ix.add(g0, vec / s), ix.sub(Tin, ix.c(vec / s))), oc, ix.c(0));
    for (int64_t i = 0; i < vec / s; ++i)
      memref::PrefetchOp::create(b, loc, cols, ValueRange{ix.add(ahead, i * OC * K)}, /*isWrite=*/false,
                                 /*localityHint=*/3, /*isDataCache=*/true);
    Value first = colsAt(n, ix.sub(g0, ix.c(1)), oc, ix.c(0));
    SmallVector<Value> R;
    for (int64_t i = 0; i < rows; ++i)
      R.push_back(toF32(b, loc, vector::LoadOp::create(b, loc, rowType, cols, ValueRange{ix.add(first, i * OC * K)})));
    Value zero = vector::BroadcastOp::create(b, loc, VectorType::get({vec}, b.getF32Type()), zeroF32());
    SmallVector<Value> pairs; // pairs[k]: each channel's K outputs from phase row g0 + 2k
    for (int64_t k = 0; k < block; ++k) {
      SmallVector<int64_t> early, late; // lanes of (R[2k], R[2k+1]) and of (R[2k+1], R[2k+2])
      for (int64_t c = 0; c < block; ++c)
        for (int64_t r = 0; r < K; ++r) {
          early.push_back(r < s ? c * K + s + r : vec + c * K + r);
          late.push_back(r < s ? c * K + r : vec + c * K + r - s);
        }
      Value w = vector::ShuffleOp::create(b, loc, R[2 * k], R[2 * k + 1], early);
      Value x = vector::ShuffleOp::create(b, loc, R[2 * k + 1], R[2 * k + 2], late);
      pairs.push_back(add(add(zero, w), x));
    }
    SmallVector<Value> sums;
    for (int64_t c = 0; c < block; ++c) {
      SmallVector<Value> pieces; // channel c's K lanes of pairs 2j and 2j+1
      for (int64_t j = 0; j < block; j += 2) {
        SmallVector<int64_t> lanes;
        for (int64_t r = 0; r < K; ++r) lanes.push_back(c * K + r);
        for (int64_t r = 0; r < K; ++r) lanes.push_back(vec + c * K + r);
        pieces.push_back(vector::ShuffleOp::create(b, loc, pairs[j], pairs[j + 1], lanes));
      }
      sums.push_back(concat(std::move(pieces)));
    }
    return sums;
  }
};

// Whether phaseTile reads whole rows of several channels (rowBlockSums): two rows reach each
// output (K = 2s), a vector holds the K-runs of two or more channels, the tiles are whole
// vectors, and the elements are f32. K = 4, s = 2 (the bench's shape, 128 channels, T_in 65536,
// weft-run, four alternated rounds of medians of 21 on a 2-vCPU Zen 5): f32 7.4-7.7 -> 5.4-5.6
// ms; f16 4.1-4.4 -> 4.6-5.0 ms, slower than the tile's accumulation it keeps.
bool rowPhaseSweep(int64_t K, int64_t s, int64_t p, int64_t vec, int64_t L, int64_t elementBytes) {
  return K == 2 * s && p % s == 0 && K < vec && vec % K == 0 && L % vec == 0 && elementBytes == 4;
}

// Whether the row sweep of time tiles of L goes by phases (Col2Im::phaseTile): s divides K and
// p, a vector holds whole runs of s elements, a run is at least 8 bytes (K = 4, s = 2 in f32,
// eight runs joined per vector, measured 12% faster than the tile's accumulation; 4-byte runs,
// f16 with s = 2, measured no faster and keep it), at most 8 rows reach an output, and the tiles
// are whole vectors.
bool phaseSweep(int64_t K, int64_t s, int64_t p, int64_t vec, int64_t L, int64_t elementBytes) {
  return K % s == 0 && p % s == 0 && vec % s == 0 && s * elementBytes >= 8 && K / s <= 8 && L % vec == 0;
}

} // namespace

// The sweep's time tile when the schedule sets none (parallel = time): whole cols rows (all
// channels: one contiguous read per tile) when a tile of at least kMinWholeRowTile times fits;
// otherwise kDefaultTimeTile, in channel blocks (buildRowSweep).
int64_t defaultSweepTimeTile(int64_t OC, int64_t K, int64_t vec, int64_t staticTout) {
  int64_t whole = std::min(kMaxTimeTile, kSweepTileFloats / OC) / vec * vec;
  if (staticTout != kDynamic) whole = std::min(whole, roundUp(staticTout, vec));
  while (whole > 0 && OC * tileStride(whole, K) > kSweepTileFloats) whole -= vec;
  return whole >= kMinWholeRowTile ? whole : kDefaultTimeTile;
}

LogicalResult buildRowSweep(KernelBuilder &kb, Col2Im1dOp op, const Col2Im &base, SmallVector<GridDim> grid,
                            bool byChannel, int64_t tileLen, int64_t staticTout, const View &out) {
  OpBuilder &b = kb.builder();
  RowSweep g{base};
  const int64_t OC = g.OC, K = g.K, vec = g.vec;
  const unsigned ocDim = g.batched ? 1 : 0, tDim = ocDim + 1;
  // Channels C and times L per tile; the tile length along the parallel dim is the schedule's.
  int64_t C, L;
  if (byChannel) {
    C = std::min(OC, tileLen);
    L = std::max(vec, (kSweepTileFloats / C - leadColumns(K) - (K - 1) - 8) / vec * vec);
    if (staticTout != kDynamic) L = std::min(L, roundUp(staticTout, vec));
  } else {
    // Time tiles of L; as many channels per block as fit the scratch, spread evenly over the
    // blocks (all of them, whole cols rows, for the default L: defaultSweepTimeTile).
    L = tileLen;
    int64_t fit = std::clamp<int64_t>(kSweepTileFloats / tileStride(L, K), 1, OC);
    C = ceilDiv(OC, ceilDiv(OC, fit));
  }
  const int64_t width = tileStride(L, K);
  // The tile, C rows of `width` floats, lives on the thread's stack.
  std::optional<int64_t> scratch = width > 0 ? scratchBytes({C * width}, 4) : std::nullopt;
  if (!scratch || *scratch > kMaxScratchBytes)
    return op.emitOpError() << "schedule tile = [" << (byChannel ? C : L) << "] needs "
                            << (scratch ? std::to_string(*scratch) : std::string("more than 2^63"))
                            << " bytes of scratch per thread for the row sweep (rule: at most " << kMaxScratchBytes
                            << ": " << C << " channels x " << width << " f32: " << L
                            << " times and K - 1 halo columns on each side, padded)";
  int64_t outBytes = dtypeSize(out.type.dtype);
  for (int64_t e : out.type.shape) outBytes = e == kDynamic ? 0 : outBytes * e;
  // A time tile of whole vectors leaves plain (tail) stores only at the ends of y's rows.
  g.stream = outBytes >= kStreamBytes && L % vec == 0;
  // Every streamed store starts at (row * Tout + tile * L + a multiple of vec) elements: where y
  // starts at a multiple of their common alignment (16 bytes or more), the stores say so.
  g.checkedAlign = g.stream && staticTout != kDynamic
                       ? streamStoreAlign({staticTout, L, vec}, int64_t(dtypeSize(out.type.dtype)))
                       : 0;
  const bool byRows = rowPhaseSweep(K, g.s, g.p, vec, L, elementBytes(g.elem));
  const bool phases = byRows || phaseSweep(K, g.s, g.p, vec, L, elementBytes(g.elem));
  const int64_t vecBytes = vec * elementBytes(g.elem);
  if (phases && !byRows && g.stream && g.checkedAlign && vecBytes < kCacheLineBytes &&
      kCacheLineBytes % vecBytes == 0 && L % (kCacheLineBytes / vecBytes * vec) == 0)
    g.span = kCacheLineBytes / vecBytes;
  // Streamed rows that start off every 16 bytes (K = 4's 131074 floats) go through the tile,
  // whose rounding aligns each channel's streaming stores (roundTile). Straight to y, their
  // partial vectors lane by lane for each channel of a block took the kernel's `jit` stage from
  // 72 to 127 ms.
  g.direct = phases && (!g.stream || (g.checkedAlign && g.span * vecBytes >= kCacheLineBytes));
  grid.push_back(GridDim::of(out, ocDim, C));
  if (!byChannel) grid.push_back(GridDim::of(out, tDim, L));
  kb.parallelGrid(grid, [&](OpBuilder &, Location loc, ValueRange ids) {
    Ix &ix = g.ix;
    // Grid ids after the optional batch id.
    Value n = g.batched ? ids[0] : ix.c(0);
    ValueRange rest = ids.drop_front(g.batched);
    Value tile;
    if (!g.direct)
      tile = memref::AllocaOp::create(b, loc, MemRefType::get({C * width}, b.getF32Type()), b.getI64IntegerAttr(64));
    Value oc0 = ix.mul(rest[0], C);
    Value nc = ix.min(ix.c(C), ix.sub(ix.c(OC), oc0));
    auto sweepFrom = [&](Value t0) {
      Value nt = ix.min(ix.c(L), ix.sub(g.Tout, t0));
      if (phases) g.phaseTile(tile, width, n, oc0, nc, t0, nt, byRows);
      else g.sweepTile(tile, C, width, n, oc0, nc, t0, nt);
    };
    if (byChannel) ix.loop(ix.c(0), g.Tout, ix.c(L), sweepFrom);
    else sweepFrom(ix.mul(rest[1], L));
  });
  return success();
}

} // namespace weft::lowering::col2im
