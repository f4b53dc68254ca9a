// What matmul's loop forms share: where an item's matrices start in their buffers, and the
// forms built in files of their own (MatmulLoops.cpp holds the CPU and plain GPU forms).
#pragma once

#include "lowering/LoopHelpers.h"
#include "lowering/ProgramBuilder.h"

namespace weft::lowering {

/// The element offsets of one grid item's A, B and C matrices, from the output's batch indices
/// `ids` (the grid's leading factors): each operand batch dim, aligned from the right, reads
/// output index i / (E / e) (ggml broadcasting, docs/ops.md); C is contiguous.
class BatchOffsets {
public:
  BatchOffsets(KernelBuilder &kb, const View &a, const View &b, const View &out);
  mlir::Value a(Ix &ix, mlir::ValueRange ids) const { return offset(ix, aTerms, ids); }
  mlir::Value b(Ix &ix, mlir::ValueRange ids) const { return offset(ix, bTerms, ids); }
  mlir::Value out(Ix &ix, mlir::ValueRange ids) const;

private:
  struct Term {
    int64_t outDim;
    mlir::Value ratio, stride;
  };
  llvm::SmallVector<Term> termsOf(KernelBuilder &kb, const View &v, const View &out);
  static mlir::Value offset(Ix &ix, llvm::ArrayRef<Term> terms, mlir::ValueRange ids);
  llvm::SmallVector<Term> aTerms, bTerms;
  llvm::SmallVector<mlir::Value> outStrides;
  int64_t outBatchDims;
};

/// "" when `op` on `target` can take `mma = subgroup` (target, dtypes, static shapes of whole
/// fragments), else why not: the rule, naming the values and the target.
std::string mmaRefusal(MatmulOp op, TargetAttr target);

/// The `mma = subgroup` form (MatmulMmaLoops.cpp): fragments of a subgroup's matrix
/// multiply-accumulate; refused by rule where the target, dtypes or shapes do not allow it.
mlir::LogicalResult buildMatmulMma(ProgramBuilder &pb, MatmulOp op, ScheduleAttr sched, const View &a, const View &b,
                                   const View &out);

} // namespace weft::lowering
