#include "dialects/weft/WeftOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include "dialects/weft/WeftOpsDialect.cpp.inc"

#include "dialects/weft/WeftEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/weft/WeftAttrs.cpp.inc"

namespace weft {

void WeftDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/weft/WeftOps.cpp.inc"
      >();
  registerAttributes();
}

void WeftDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/weft/WeftAttrs.cpp.inc"
      >();
}

} // namespace weft
