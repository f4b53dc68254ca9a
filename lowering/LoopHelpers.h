// Helpers the per-op loop builders share: index arithmetic that folds constants (static shapes
// leave constants in the IR), structured loops and branches, and the static split of a run into
// vector pieces.
#pragma once

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"

#include <algorithm>
#include <initializer_list>
#include <numeric>
#include <optional>

namespace weft::lowering {

/// The attribute Ix::parallel records a static bound of the trip count in.
inline constexpr llvm::StringLiteral kMaxTripAttr = "weft.max_trip";

struct Ix {
  mlir::OpBuilder &b;
  mlir::Location loc;
  using Value = mlir::Value;
  Value c(int64_t v) { return mlir::arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return b.createOrFold<mlir::arith::AddIOp>(loc, x, y); }
  Value add(Value x, int64_t y) { return add(x, c(y)); }
  Value sub(Value x, Value y) { return b.createOrFold<mlir::arith::SubIOp>(loc, x, y); }
  Value mul(Value x, Value y) { return b.createOrFold<mlir::arith::MulIOp>(loc, x, y); }
  Value mul(Value x, int64_t y) { return mul(x, c(y)); }
  Value min(Value x, Value y) { return b.createOrFold<mlir::arith::MinSIOp>(loc, x, y); }
  Value max(Value x, Value y) { return b.createOrFold<mlir::arith::MaxSIOp>(loc, x, y); }
  Value div(Value x, Value y) { return b.createOrFold<mlir::arith::DivSIOp>(loc, x, y); }
  Value rem(Value x, Value y) { return b.createOrFold<mlir::arith::RemSIOp>(loc, x, y); }
  Value ceilDiv(Value x, Value y) { return b.createOrFold<mlir::arith::CeilDivSIOp>(loc, x, y); }
  Value ceilDiv(Value x, int64_t y) { return ceilDiv(x, c(y)); }
  Value floorDiv(Value x, int64_t y) { return b.createOrFold<mlir::arith::FloorDivSIOp>(loc, x, c(y)); }
  /// x / y for x known to be >= 0 and y > 0: unsigned, the cheapest division by a constant.
  Value divNonNeg(Value x, int64_t y) { return b.createOrFold<mlir::arith::DivUIOp>(loc, x, c(y)); }
  Value cmp(mlir::arith::CmpIPredicate p, Value x, Value y) {
    return b.createOrFold<mlir::arith::CmpIOp>(loc, p, x, y);
  }
  Value both(Value x, Value y) { return b.createOrFold<mlir::arith::AndIOp>(loc, x, y); }

  void loop(Value lb, Value ub, Value step, llvm::function_ref<void(Value)> body) {
    mlir::scf::ForOp::create(b, loc, lb, ub, step, {},
                             [&](mlir::OpBuilder &, mlir::Location, Value iv, mlir::ValueRange) {
                               body(iv);
                               mlir::scf::YieldOp::create(b, loc);
                             });
  }
  void loop(Value lb, Value ub, llvm::function_ref<void(Value)> body) { loop(lb, ub, c(1), body); }
  /// Independent iterations: GPU threads, a plain loop on the CPU. `maxTrip` (when > 0) bounds
  /// the iteration count statically, recorded as `weft.max_trip`: weft-gpu-map-grid then gives
  /// each thread a loop of constant trip count, which shader compilers unroll so that a thread
  /// has several loads in flight.
  void parallel(Value lb, Value ub, llvm::function_ref<void(Value)> body, int64_t maxTrip = 0) {
    auto par = mlir::scf::ParallelOp::create(b, loc, mlir::ValueRange{lb}, mlir::ValueRange{ub},
                                             mlir::ValueRange{c(1)});
    if (maxTrip > 0) par->setAttr(kMaxTripAttr, b.getI64IntegerAttr(maxTrip));
    mlir::OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(par.getBody());
    body(par.getInductionVars()[0]);
  }
  /// Whether `buffer`'s first element lies at a multiple of `bytes` (a power of two): the test
  /// that lets stores declare that alignment (the CPU's aligned streaming stores).
  Value startsAligned(Value buffer, int64_t bytes) {
    Value address = mlir::memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer);
    return cmp(mlir::arith::CmpIPredicate::eq, b.createOrFold<mlir::arith::RemUIOp>(loc, address, c(bytes)), c(0));
  }
  /// Emits `item` twice, under a test of where `buffer` starts: with `align` = `bytes` where it
  /// starts at a multiple of them, with `align` = 0 elsewhere (the CPU forms' aligned streaming
  /// stores read `align`). Once, with 0, where `bytes` is 0.
  void withCheckedAlignment(Value buffer, int64_t bytes, int64_t &align, llvm::function_ref<void()> item) {
    align = 0;
    if (!bytes) return item();
    ifElse(
        startsAligned(buffer, bytes),
        [&] {
          align = bytes;
          item();
          align = 0;
        },
        item);
  }
  void ifElse(Value cond, llvm::function_ref<void()> then, llvm::function_ref<void()> otherwise) {
    mlir::scf::IfOp::create(
        b, loc, cond,
        [&](mlir::OpBuilder &, mlir::Location) {
          then();
          mlir::scf::YieldOp::create(b, loc);
        },
        [&](mlir::OpBuilder &, mlir::Location) {
          otherwise();
          mlir::scf::YieldOp::create(b, loc);
        });
  }
};

/// Calls `piece(offset, width)` over [0, K) in static pieces: full vectors of `vec` (an scf.for),
/// then the remainder in halving powers of two (K = 7, vec = 8: 4 + 2 + 1). Width 1 is a scalar.
inline void forEachPiece(int64_t K, int64_t vec, Ix &ix, llvm::function_ref<void(mlir::Value, int64_t)> piece) {
  int64_t full = K / vec * vec;
  if (full) ix.loop(ix.c(0), ix.c(full), ix.c(vec), [&](mlir::Value k) { piece(k, vec); });
  for (int64_t k = full, w = vec / 2; k < K; w /= 2)
    if (K - k >= w) {
      piece(ix.c(k), w);
      k += w;
    }
}

/// GPU lane forms (a thread takes `lanes` consecutive elements): `whole()` when the elements
/// [first, first + lanes) all lie before `end` (one vector access), else `one(l)` for each lane
/// l that does, under a guard (the end of a row).
inline void forLanes(Ix &ix, mlir::Value first, int64_t lanes, mlir::Value end, llvm::function_ref<void()> whole,
                     llvm::function_ref<void(int64_t)> one) {
  using P = mlir::arith::CmpIPredicate;
  ix.ifElse(ix.cmp(P::sle, ix.add(first, lanes), end), whole, [&] {
    for (int64_t l = 0; l < lanes; ++l)
      mlir::scf::IfOp::create(ix.b, ix.loc, ix.cmp(P::slt, ix.add(first, l), end),
                              [&](mlir::OpBuilder &, mlir::Location) {
                                one(l);
                                mlir::scf::YieldOp::create(ix.b, ix.loc);
                              });
  });
}

/// The alignment a vector access of `lanes` elements of `elem` may declare when it starts at a
/// multiple of `lanes` elements (`aligned`); none otherwise. PTX turns a declared one into
/// ld/st.v*, and the program then asks dispatch for buffers aligned to it.
inline llvm::MaybeAlign lanesAlign(bool aligned, int64_t lanes, mlir::Type elem) {
  if (!aligned) return llvm::MaybeAlign();
  return llvm::Align(uint64_t(lanes) * std::max(1u, elem.getIntOrFloatBitWidth() / 8));
}

/// The largest alignment (bytes) the vector loads and stores under `root` declare; 0 where none
/// does. A GPU target whose accesses rely on it (PTX's ld/st.v*, GLSL's vector views, MSL's
/// vector pointers) makes its program ask dispatch for buffers aligned to it
/// (ProgramDesc::bufferAlign).
inline uint64_t declaredVectorAlign(mlir::Operation *root) {
  uint64_t align = 0;
  root->walk([&](mlir::Operation *op) {
    if (auto ld = llvm::dyn_cast<mlir::vector::LoadOp>(op)) align = std::max<uint64_t>(align, ld.getAlignment().value_or(0));
    if (auto st = llvm::dyn_cast<mlir::vector::StoreOp>(op)) align = std::max<uint64_t>(align, st.getAlignment().value_or(0));
  });
  return align;
}

/// Static extents: x / m rounded up, and x rounded up to a multiple of m (x >= 0, m > 0).
inline int64_t ceilDiv(int64_t x, int64_t m) { return (x + m - 1) / m; }
inline int64_t roundUp(int64_t x, int64_t m) { return ceilDiv(x, m) * m; }

/// Outputs at least this large (static shapes) are written with streaming (nontemporal) vector
/// stores where every contiguous run is whole vectors: they would not stay in cache for a consumer
/// anyway, and streaming skips the read for ownership of every output line.
constexpr int64_t kStreamBytes = 16 << 20;

/// The widest aligned streaming store the CPU forms declare: two 32-byte vmovntps copied 64 MiB in
/// 1.33-1.38 ms where one 64-byte one took 1.48-1.56 (2 threads, Zen 4, which splits 512-bit
/// stores), and 8-byte pieces, what an unaligned declaration gets, 2.65-2.93.
constexpr int64_t kStreamStoreBytes = 32;

/// The alignment (bytes) streaming stores may declare where every one starts at a sum of
/// multiples of `elementOffsets` elements of `elementBytes` from a buffer start checked to lie on
/// it (Ix::withCheckedAlignment): the lowest power of two of their gcd in bytes, at most
/// kStreamStoreBytes; 0 below 16 bytes, where no vector streaming store is that narrow.
inline int64_t streamStoreAlign(llvm::ArrayRef<int64_t> elementOffsets, int64_t elementBytes) {
  int64_t g = 0;
  for (int64_t e : elementOffsets) g = std::gcd(g, e);
  g *= elementBytes;
  const int64_t align = std::min(g & -g, kStreamStoreBytes);
  return align >= 16 ? align : 0;
}

/// GPU staged forms (gather = stage): the workgroup memory their default tiles take at most, so
/// that several workgroups share a multiprocessor (col2im's K4 bench shape: 8.6 KiB measured 43
/// us against 50 us for 33 KiB on an H100, docs/cuda-history.md).
constexpr int64_t kStageBytes = 16 << 10;

/// The row stride (in elements) of a staged array whose rows hold `width` elements of
/// `elementBytes`: padded so that stride = `residue` modulo the 128-byte bank cycle. A warp whose
/// consecutive threads read row r at column a - r*residue then reads consecutive banks (r*stride +
/// a - r*residue = a + const); unpadded rows of whole cycles put them in one bank.
inline int64_t bankPaddedStride(int64_t width, int64_t residue, int64_t elementBytes) {
  const int64_t cycle = 128 / elementBytes;
  return width + (((residue - width) % cycle) + cycle) % cycle;
}

/// Scratch (memref.alloca) lives on the worker threads' stacks (8 MiB); a schedule whose tiles need
/// more per thread than this is refused with the bytes it needs.
constexpr int64_t kMaxScratchBytes = 4 << 20;

/// The bytes of `elementBytes`-byte scratch holding the sum of `counts` elements; nullopt when that
/// does not fit in int64_t (tiles bounded by the schedule's verifier keep each count's factors
/// below 2^31, their sums can still overflow).
inline std::optional<int64_t> scratchBytes(std::initializer_list<int64_t> counts, int64_t elementBytes) {
  int64_t total = 0;
  for (int64_t c : counts)
    if (c < 0 || __builtin_add_overflow(total, c, &total)) return std::nullopt;
  if (__builtin_mul_overflow(total, elementBytes, &total)) return std::nullopt;
  return total;
}

} // namespace weft::lowering
