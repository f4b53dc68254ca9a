// What the shading-language dialects of the C-family printer (GLSL, MSL) print alike: the
// builtins (fma, integer min/max, MLIR's rounding divisions through weft_* helpers), GPU ids as
// casts of the language's id vectors, 2-4 lane vectors built (and loaded and stored lane by lane
// where the access declares no alignment of the whole vector), and local scratch arrays. A
// dialect names its types, its id variables and its vector lanes.
#pragma once

#include "lowering/cfamily/CFamilyPrinter.h"

namespace weft::cfamily {

class GpuDialect : public CFamilyDialect {
public:
  std::string builtin(Builtin b, mlir::Type t, llvm::ArrayRef<std::string> args) override;
  std::string gpuIndex(GpuIndex which, unsigned dim) override;
  std::string broadcast(mlir::VectorType t, llvm::StringRef scalar) override;
  std::string vectorLoad(mlir::VectorType t, Space space, llvm::StringRef base, llvm::StringRef index,
                         uint64_t alignBytes) override;
  std::string vectorStore(mlir::VectorType t, llvm::StringRef value, Space space, llvm::StringRef base,
                          llvm::StringRef index, uint64_t alignBytes) override;
  std::string scratchArray(mlir::Type elem, int64_t count, llvm::StringRef name) override;
  std::string fromElements(mlir::VectorType t, llvm::ArrayRef<std::string> lanes) override;

  mlir::MLIRContext *context = nullptr; ///< the kernel's, for the index type of gpuIndex

protected:
  /// Whether a vector access of `t` at an address aligned to `alignBytes` is one access of the
  /// language's vector type: 2 or 4 lanes (the shading languages' vectors) on their own alignment
  /// (the GPU lane forms declare it, lowering/LoopHelpers.h lanesAlign). Elsewhere lane by lane.
  bool wholeVector(mlir::VectorType t, uint64_t alignBytes);
  /// Element `index` of a buffer as the index of its vector of `t`'s lanes: `(index) >> log2(lanes)`.
  std::string vectorIndex(mlir::VectorType t, llvm::StringRef index);

  /// The unsigned integer type of `t`'s width (uint, ulong, ...).
  virtual std::string unsignedName(mlir::Type t) = 0;
  /// The variable holding id `which` as a 3-lane unsigned vector (gl_LocalInvocationID, ...).
  virtual std::string idVariable(GpuIndex which) = 0;
  /// Called when a kernel calls the weft_floordivsi / weft_ceildivsi / weft_ceildivui helpers,
  /// which the dialect then pastes in.
  virtual void usesDivideHelpers() = 0;
};

} // namespace weft::cfamily
