// The MSL dialect of the C-family printer: each kernel of the loop-level IR, after
// weft-gpu-map-grid, as one Metal compute kernel. Language-level choices: f16 and bf16 are Metal's
// `half` and `bfloat` in memory and compute widened to float (as every other target does, so the
// bits match; float <-> half/bfloat conversions round to nearest even); integers are MSL's
// char/short/int/long; vectors are MSL's 2-4 lane types; GPU ids are the kernel's attributed
// arguments. Every program buffer is an argument, `[[buffer(b)]]` = buffer b, and the parameter
// block is the last buffer: the positional ABI of docs/abi.md, which the CPU emulation of the
// tests (templates/metal/emulation) relies on too.
#include "compiler/targets/msl/MslEmitter.h"

#include "lowering/cfamily/CFamilyPrinter.h"
#include "lowering/cfamily/GpuDialect.h"
#include "lowering/cfamily/GpuKernels.h"
#include "templates/Templates.h"

#include "mlir/IR/TypeUtilities.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace weft::cfamily;

namespace weft::lowering {
namespace {

class MslDialect : public GpuDialect {
public:
  bool divide = false; // the kernel calls templates/metal/weft_divide.metal
  bool bfloat = false; // bf16 is used: Metal 3.1's bfloat, which a device must report

  std::string scalarType(Type t) override {
    if (t.isIndex() || t.isInteger(64)) return "long";
    if (t.isInteger(1)) return "bool";
    if (t.isInteger(8)) return "char";
    if (t.isInteger(16)) return "short";
    if (t.isInteger(32)) return "int";
    if (t.isF32()) return "float";
    if (t.isF16()) return "half";
    if (t.isBF16()) return bfloat = true, "bfloat";
    return ""; // f64: Metal has no double
  }

  std::string unsignedName(Type t) override {
    std::string s = scalarType(t);
    if (s == "bool" || s.empty()) return s;
    return "u" + s; // uchar, ushort, uint, ulong
  }

  std::string vectorType(VectorType t) override {
    int64_t n = t.getNumElements();
    std::string elem = scalarType(t.getElementType());
    if (n < 2 || n > 4 || elem.empty()) return "";
    return elem + std::to_string(n);
  }

  bool hasArithmetic(FloatType t) override { return t.isF32(); }

  std::string convertFloat(Type from, Type to, StringRef e) override {
    Type f = getElementTypeOrSelf(from), t = getElementTypeOrSelf(to);
    bool widening = t.isF32() && (f.isF16() || f.isBF16());
    bool narrowing = f.isF32() && (t.isF16() || t.isBF16());
    if (!widening && !narrowing) return "";
    std::string name = isa<VectorType>(to) ? vectorType(llvm::cast<VectorType>(to)) : scalarType(to);
    return name.empty() ? "" : name + "(" + e.str() + ")";
  }

  std::string cast(Type to, StringRef e, bool asUnsigned) override {
    std::string name;
    if (auto v = dyn_cast<VectorType>(to))
      name = asUnsigned ? "" : vectorType(v);
    else
      name = asUnsigned ? unsignedName(to) : scalarType(to);
    return name.empty() ? "" : name + "(" + e.str() + ")";
  }

  std::string floatLiteral(FloatType t, const APFloat &v) override {
    if (!t.isF32()) return "";
    std::string s = cFloatLiteral(v, "f");
    if (!s.empty()) return s;
    return "as_type<float>(0x" + llvm::utohexstr(v.bitcastToAPInt().getZExtValue(), true, 8) + "u)";
  }

  std::string intLiteral(Type t, const APInt &v) override {
    if (t.isInteger(1)) return v.isZero() ? "false" : "true";
    int64_t x = v.getSExtValue();
    if (t.isIndex() || t.isInteger(64)) return x == INT64_MIN ? "(-9223372036854775807l - 1l)" : std::to_string(x) + "l";
    if (t.isInteger(8) || t.isInteger(16)) return scalarType(t) + "(" + std::to_string(x) + ")";
    return std::to_string(x);
  }

  std::string idVariable(GpuIndex which) override {
    return which == GpuIndex::Thread       ? "weft_thread"
           : which == GpuIndex::Group      ? "weft_group"
           : which == GpuIndex::GroupCount ? "weft_groups"
                                           : "weft_group_size";
  }

  std::string lane(StringRef v, int64_t i) override { return (v + "[" + std::to_string(i) + "]").str(); }

  // A vector on its own alignment is one access through the buffer's pointer as a pointer to the
  // vector type (Metal's vectors are aligned to their size, as the access declares).
  std::string vectorLoad(VectorType t, Space space, StringRef base, StringRef index, uint64_t alignBytes) override {
    if (space == Space::Buffer && wholeVector(t, alignBytes))
      return "((device const " + vectorType(t) + " *)" + base.str() + ")[" + vectorIndex(t, index) + "]";
    return GpuDialect::vectorLoad(t, space, base, index, alignBytes);
  }

  std::string vectorStore(VectorType t, StringRef value, Space space, StringRef base, StringRef index,
                          uint64_t alignBytes) override {
    if (space == Space::Buffer && wholeVector(t, alignBytes))
      return "((device " + vectorType(t) + " *)" + base.str() + ")[" + vectorIndex(t, index) + "] = " + value.str();
    return GpuDialect::vectorStore(t, value, space, base, index, alignBytes);
  }

  void usesDivideHelpers() override { divide = true; }

  LogicalResult printKernelBegin(func::FuncOp fn, const KernelSignature &k, raw_indented_ostream &os) override {
    if (failed(checkGpuKernel(fn, k))) return failure();
    os << "kernel void " << k.name << "(";
    os.indent();
    for (const KernelArg &a : k.args) {
      std::string elem = scalarType(a.elementType);
      if (elem.empty()) return fn.emitError() << "MSL printer: unsupported buffer element type " << a.elementType;
      os << "\ndevice " << (a.written ? "" : "const ") << elem << " *" << a.name << " [[buffer(" << a.position
         << ")]],";
    }
    os << "\nuint3 weft_thread [[thread_position_in_threadgroup]],"
       << "\nuint3 weft_group [[threadgroup_position_in_grid]],"
       << "\nuint3 weft_groups [[threadgroups_per_grid]],"
       << "\nuint3 weft_group_size [[threads_per_threadgroup]]) {\n";
    // Metal declares threadgroup memory in the kernel's outermost scope.
    for (const WorkgroupArray &w : k.workgroupArrays)
      os << "threadgroup " << scalarType(w.elementType) << " " << w.name << "[" << w.count << "];\n";
    os.unindent();
    return success();
  }

  std::string barrier() override { return "threadgroup_barrier(mem_flags::mem_threadgroup)"; }
};

} // namespace

LogicalResult emitMslKernel(func::FuncOp fn, std::string &out, std::set<std::string> &requires) {
  std::string body;
  llvm::raw_string_ostream bodyStream(body);
  MslDialect dialect;
  dialect.context = fn.getContext();
  CFamilyPrinter printer(dialect, bodyStream);
  if (failed(printer.printKernel(fn))) return failure();

  llvm::raw_string_ostream os(out);
  os << "// Generated by weft: Metal compute kernel " << fn.getName() << " (docs/abi.md, GPU launches; docs/metal.md).\n"
     << "#include <metal_stdlib>\nusing namespace metal;\n";
  if (dialect.divide) os << "\n// ---- templates/metal/weft_divide.metal ----\n" << templates::get("metal/weft_divide.metal");
  os << "\n" << body;
  if (dialect.bfloat) requires.insert("bfloat");
  return success();
}

LogicalResult emitMslSources(ModuleOp module, llvm::raw_ostream &os) {
  return printKernelSources(module, os, [](func::FuncOp fn, const ProgramDesc &, std::string &out,
                                           std::set<std::string> &requires) { return emitMslKernel(fn, out, requires); });
}

} // namespace weft::lowering
