// The weft dialect: ops, the schedule attribute, and the bridges between MLIR types and the
// shared rules' TensorType.
#pragma once

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "weft/OpRules.h"
#include "weft/Program.h"

#include "llvm/ADT/Hashing.h"

#include "dialects/weft/WeftOpsDialect.h.inc"

namespace weft {
/// #weft.program's storage hashes its description by the text form, which equality compares.
inline llvm::hash_code hash_value(const ProgramDesc &p) { return llvm::hash_value(p.toText()); }
} // namespace weft

#include "dialects/weft/WeftEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/weft/WeftAttrs.h.inc"

namespace weft {
/// Runs the shared rules (weft/OpRules.h) over a weft op and reports the first broken one.
llvm::LogicalResult verifyWithRules(mlir::Operation *op);
} // namespace weft

#define GET_OP_CLASSES
#include "dialects/weft/WeftOps.h.inc"

namespace weft {

/// The op's name without the dialect prefix, as the rules and program descriptions spell it.
llvm::StringRef ruleName(mlir::Operation *op);
/// The op's integer and boolean attributes that are set, defaults filled (withDefaults).
Attrs ruleAttrs(mlir::Operation *op);

std::optional<DType> dtypeOf(mlir::Type elementType);
mlir::Type elementTypeOf(mlir::MLIRContext *ctx, DType t);
/// Ranked tensor or memref type -> TensorType (dynamic extents become kDynamic).
std::optional<TensorType> tensorTypeOf(mlir::Type shaped);

/// Checks that the fields set in `schedule` apply to `opName` and name allowed values.
/// Returns "" or a sentence naming the field, its value and the values allowed.
std::string checkScheduleFor(llvm::StringRef opName, ScheduleAttr schedule);

/// The module attribute holding the #weft.target code is generated for (weft-attach-target).
inline constexpr llvm::StringLiteral kTargetAttrName = "weft.target";

/// The module attribute weft-lower-to-loops writes: a dictionary from source function name to that
/// function's #weft.program. The dialect verifies its form wherever it appears.
inline constexpr llvm::StringLiteral kProgramsAttrName = "weft.programs";
/// Every program description of `module`, in the dictionary's (name) order; a missing attribute
/// is emitted as an error on the module.
mlir::FailureOr<std::vector<std::pair<std::string, ProgramDesc>>> readPrograms(mlir::ModuleOp module);
/// Replaces `module`'s program descriptions (readPrograms' form).
void writePrograms(mlir::ModuleOp module, const std::vector<std::pair<std::string, ProgramDesc>> &programs);

} // namespace weft
