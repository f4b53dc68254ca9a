// Placeholder until this op's loop builder lands (being written now).
#include "lowering/ProgramBuilder.h"
namespace weft::lowering {
mlir::LogicalResult buildMatmulLoops(ProgramBuilder &, MatmulOp op, const View &a, const View &b, const View &out) {
  return op.emitOpError() << "has no loop lowering yet";
}
} // namespace weft::lowering
