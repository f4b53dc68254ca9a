// Placeholder until this op's loop builder lands (being written now).
#include "lowering/ProgramBuilder.h"
namespace weft::lowering {
mlir::LogicalResult buildIm2ColLoops(ProgramBuilder &, Im2Col1dOp op, const View &in, const View &out) {
  return op.emitOpError() << "has no loop lowering yet";
}
} // namespace weft::lowering
