#include "lowering/cfamily/GpuDialect.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;

namespace weft::cfamily {

std::string GpuDialect::builtin(Builtin b, Type t, ArrayRef<std::string> args) {
  std::string list = "(" + llvm::join(args, ", ") + ")";
  bool vector = isa<VectorType>(t);
  auto viaUnsigned = [&](StringRef fn) {
    std::string u = unsignedName(t);
    return scalarType(t) + "(" + fn.str() + "(" + u + "(" + args[0] + "), " + u + "(" + args[1] + ")))";
  };
  switch (b) {
  case Builtin::Fma: return "fma" + list;
  case Builtin::MaxSI: return "max" + list;
  case Builtin::MinSI: return "min" + list;
  case Builtin::MaxUI: return vector ? "" : viaUnsigned("max");
  case Builtin::MinUI: return vector ? "" : viaUnsigned("min");
  case Builtin::FloorDivSI:
  case Builtin::CeilDivSI:
  case Builtin::CeilDivUI:
    if (vector) return "";
    usesDivideHelpers();
    if (b == Builtin::CeilDivUI) return viaUnsigned("weft_ceildivui");
    return (b == Builtin::FloorDivSI ? "weft_floordivsi" : "weft_ceildivsi") + list;
  // The shading languages' float min/max leave NaN operands to the implementation and they have
  // no IEEE fmod: not printed until a kernel needs them.
  default: return "";
  }
}

std::string GpuDialect::gpuIndex(GpuIndex which, unsigned dim) {
  return scalarType(IndexType::get(context)) + "(" + idVariable(which) + "." + "xyz"[dim] + ")";
}

std::string GpuDialect::broadcast(VectorType t, StringRef scalar) { return vectorType(t) + "(" + scalar.str() + ")"; }

std::string GpuDialect::fromElements(VectorType t, ArrayRef<std::string> lanes) {
  return vectorType(t) + "(" + llvm::join(lanes, ", ") + ")";
}

std::string GpuDialect::vectorLoad(VectorType t, Space, StringRef base, StringRef index, uint64_t) {
  SmallVector<std::string> lanes;
  for (int64_t i = 0; i < t.getNumElements(); ++i)
    lanes.push_back(element(base, i ? ("(" + index + ") + " + std::to_string(i)).str() : index.str()));
  return fromElements(t, lanes);
}

std::string GpuDialect::vectorStore(VectorType t, StringRef value, Space, StringRef base, StringRef index,
                                    uint64_t) {
  SmallVector<std::string> lanes;
  for (int64_t i = 0; i < t.getNumElements(); ++i)
    lanes.push_back(element(base, i ? ("(" + index + ") + " + std::to_string(i)).str() : index.str()) + " = " +
                    lane(value, i));
  return llvm::join(lanes, "; ");
}

bool GpuDialect::wholeVector(VectorType t, uint64_t alignBytes) {
  int64_t n = t.getNumElements(), bytes = n * std::max(1u, t.getElementType().getIntOrFloatBitWidth() / 8);
  return (n == 2 || n == 4) && int64_t(alignBytes) >= bytes && !vectorType(t).empty();
}

std::string GpuDialect::vectorIndex(VectorType t, StringRef index) {
  return ("(" + index + ") >> " + std::to_string(llvm::Log2_64(t.getNumElements()))).str();
}

std::string GpuDialect::scratchArray(Type elem, int64_t count, StringRef name) {
  return scalarType(elem) + " " + name.str() + "[" + std::to_string(count) + "]";
}

} // namespace weft::cfamily
