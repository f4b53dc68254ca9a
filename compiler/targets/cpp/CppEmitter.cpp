// The C++ dialect of the C-family printer and the file around the kernels. The language-level
// choices: f16/bf16 are uint16_t storage types converted by weft_half.h, vectors are weft::Vec
// (weft_vec.h), and the ops C has no operator for are weft_ops.h's templates named after the
// MLIR ops.
#include "compiler/targets/cpp/CppEmitter.h"

#include "dialects/weft/WeftOps.h"

#include "lowering/cfamily/CFamilyPrinter.h"
#include "templates/Templates.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/TypeUtilities.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace weft::cfamily;

namespace weft::lowering {
namespace {

// Pasted in this order: each file's #includes of the others are skipped once pasted.
const char *const kPrologue[] = {"common/weft_half.h", "cpu/weft_ops.h", "cpu/weft_vec.h"};

class CppDialect : public CFamilyDialect {
  static std::string address(StringRef base, StringRef index) {
    return index == "0" ? base.str() : (base + " + " + index).str();
  }

public:
  std::string scalarType(Type t) override {
    if (t.isIndex())
      return "int64_t";
    if (t.isInteger(1))
      return "bool";
    if (auto i = dyn_cast<IntegerType>(t); i && llvm::is_contained({8u, 16u, 32u, 64u}, i.getWidth()))
      return "int" + std::to_string(i.getWidth()) + "_t";
    if (t.isF32())
      return "float";
    if (t.isF64())
      return "double";
    if (t.isF16())
      return "weft::f16";
    if (t.isBF16())
      return "weft::bf16";
    return "";
  }

  std::string cast(Type to, StringRef e, bool asUnsigned) override {
    Type elem = getElementTypeOrSelf(to);
    std::string name = scalarType(elem);
    if (asUnsigned && !elem.isInteger(1))
      name = "u" + name; // uint32_t, uint64_t (index)
    if (isa<VectorType>(to)) // lane by lane, as C converts scalars
      return "weft::convert<" + name + ">(" + e.str() + ")";
    return "(" + name + ")" + e.str();
  }

  std::string vectorType(VectorType t) override {
    int64_t n = t.getNumElements();
    std::string elem = scalarType(t.getElementType());
    if (elem.empty() || t.getElementType().isInteger(1) || !llvm::isPowerOf2_64(n))
      return ""; // vector extension types: power-of-two sizes, no bool lanes
    return "weft::Vec<" + elem + ", " + std::to_string(n) + ">";
  }

  bool hasArithmetic(FloatType t) override { return t.isF32() || t.isF64(); }

  std::string convertFloat(Type from, Type to, StringRef e) override {
    Type f = getElementTypeOrSelf(from), t = getElementTypeOrSelf(to);
    bool vector = isa<VectorType>(from);
    auto call = [&](StringRef fn) { return ("weft::" + fn + "(" + e + ")").str(); };
    if (t.isF32() && (f.isF16() || f.isBF16()))
      return call(f.isF16() ? "f16_to_f32" : "bf16_to_f32");
    if (f.isF32() && (t.isF16() || t.isBF16()))
      return call(t.isF16() ? "f32_to_f16" : "f32_to_bf16");
    if (vector)
      return "";
    if (f.isF32() && t.isF64())
      return ("(double)" + e).str();
    if (f.isF64() && t.isF32())
      return ("(float)" + e).str();
    if (t.isF64() && (f.isF16() || f.isBF16())) // widening is exact in two steps
      return "(double)" + convertFloat(from, Float32Type::get(from.getContext()), e);
    return ""; // f64 -> f16/bf16 would round twice through f32
  }

  std::string floatLiteral(FloatType t, const APFloat &v) override {
    std::string s = cFloatLiteral(v, t.isF32() ? "f" : "");
    if (!s.empty())
      return s;
    // Inf and NaN by their bits, so a NaN keeps its payload.
    APInt bits = v.bitcastToAPInt();
    return t.isF32() ? "weft::bits_to_f32(0x" + llvm::utohexstr(bits.getZExtValue(), true, 8) + "u)"
                     : "weft::bits_to_f64(0x" + llvm::utohexstr(bits.getZExtValue(), true, 16) + "ull)";
  }

  std::string builtin(Builtin b, Type t, ArrayRef<std::string> args) override {
    bool vector = isa<VectorType>(t);
    std::string list = "(" + llvm::join(args, ", ") + ")";
    if (b == Builtin::Fma)
      return (vector ? "weft::fma" : "std::fma") + list;
    if (b == Builtin::RemF)
      return vector ? "" : "std::fmod" + list;
    // weft_ops.h's templates, with the type spelled out so integer literals convert.
    std::string name = "weft::" + builtinName(b).str();
    return vector ? name + list : name + "<" + scalarType(t) + ">" + list;
  }

  std::string broadcast(VectorType t, StringRef scalar) override {
    return vectorType(t) + "::broadcast(" + scalar.str() + ")";
  }

  std::string vectorLoad(VectorType t, Space, StringRef base, StringRef index, uint64_t) override {
    return vectorType(t) + "::load(" + address(base, index) + ")";
  }

  std::string vectorStore(VectorType, StringRef value, Space, StringRef base, StringRef index, uint64_t) override {
    return (value + ".store(" + address(base, index) + ")").str();
  }

  std::string vectorStreamStore(VectorType, StringRef value, Space, StringRef base, StringRef index,
                                uint64_t alignBytes) override {
    return "weft::stream<" + std::to_string(alignBytes) + ">(" + value.str() + ", " + address(base, index) + ")";
  }

  std::string concat(VectorType, StringRef lo, StringRef hi) override {
    return ("weft::join(" + lo + ", " + hi + ")").str();
  }

  // A lane of a Vec: an element of its vector-extension member (col2im's last, partial vector of
  // a row is stored lane by lane).
  std::string lane(StringRef v, int64_t i) override { return (v + ".v[" + std::to_string(i) + "]").str(); }

  std::string shuffle(VectorType, StringRef a, StringRef b, ArrayRef<int64_t> mask) override {
    return "weft::shuffle<" + llvm::join(llvm::map_range(mask, [](int64_t i) { return std::to_string(i); }), ", ") +
           ">(" + a.str() + ", " + b.str() + ")";
  }

  std::string prefetch(StringRef base, StringRef index) override {
    return "__builtin_prefetch(" + address(base, index) + ")";
  }

  std::string bufferAddress(StringRef base) override {
    return ("static_cast<int64_t>(reinterpret_cast<uintptr_t>(" + base + "))").str();
  }

  // Cache-line aligned, so that vector accesses to a tile never straddle lines needlessly.
  std::string scratchArray(Type elem, int64_t count, StringRef name) override {
    return "alignas(64) " + scalarType(elem) + " " + name.str() + "[" + std::to_string(count) + "]";
  }

  LogicalResult printKernelBegin(func::FuncOp fn, const KernelSignature &k,
                                 raw_indented_ostream &os) override {
    size_t n = k.args.size();
    if (n < 3 || k.args[n - 3].kind != KernelArg::Params || k.args[n - 2].kind != KernelArg::Index ||
        k.args[n - 1].kind != KernelArg::Index)
      return fn.emitError() << "kernel '" << k.name
                            << "' has no [begin, end) arguments: run weft-cpu-grid-to-range first";
    if (!k.workgroupArrays.empty())
      return fn.emitError() << "kernel '" << k.name << "' uses workgroup memory, which only GPU kernels have";
    StringRef name = k.name;
    if (!llvm::isAlpha(name.front()) && name.front() != '_')
      return fn.emitError() << "kernel name '" << name << "' is not a C identifier";
    if (llvm::any_of(name, [](char c) { return !llvm::isAlnum(c) && c != '_'; }))
      return fn.emitError() << "kernel name '" << name << "' is not a C identifier";
    // Unused parameters keep their names in comments: -Wunused-parameter must stay quiet.
    auto param = [](const KernelArg &a) { return a.used ? a.name : "/*" + a.name + "*/"; };
    bool anyBuffer =
        llvm::any_of(k.args, [](const KernelArg &a) { return a.kind == KernelArg::Buffer && a.used; });
    os << "extern \"C\" void " << name << "(void* const* " << (anyBuffer ? "bufs" : "/*bufs*/")
       << ", const int64_t* " << param(k.args[n - 3]) << ", int64_t " << param(k.args[n - 2])
       << ", int64_t " << param(k.args[n - 1]) << ") {\n";
    os.indent();
    for (const KernelArg &a : k.args) {
      if (a.kind != KernelArg::Buffer || !a.used)
        continue;
      std::string elem = scalarType(a.elementType);
      if (elem.empty())
        return fn.emitError() << "C-family printer: unsupported buffer element type " << a.elementType;
      std::string type = (a.written ? "" : "const ") + elem + "*";
      os << type << " __restrict " << a.name << " = static_cast<" << type << ">(bufs[" << a.position
         << "]);\n";
    }
    os.unindent();
    return success();
  }
};

} // namespace

LogicalResult emitCppSource(ModuleOp module, llvm::raw_ostream &out) {
  // Loop-level IR without program descriptions prints its kernels alone.
  std::vector<std::pair<std::string, ProgramDesc>> programs;
  if (module->hasAttr(kProgramsAttrName)) {
    auto read = readPrograms(module);
    if (failed(read))
      return failure();
    programs = std::move(*read);
  }
  SmallVector<func::FuncOp> kernels;
  for (auto fn : module.getOps<func::FuncOp>())
    if (fn->hasAttr("weft.kernel"))
      kernels.push_back(fn);

  // Kernels go under the program that launches them, the rest at the end; all are printed into
  // `body` first, so a failure leaves no half-written file.
  std::string body;
  llvm::raw_string_ostream bodyStream(body);
  CppDialect dialect;
  CFamilyPrinter printer(dialect, bodyStream);
  raw_indented_ostream &os = printer.stream();
  llvm::DenseSet<Operation *> printed;
  auto print = [&](func::FuncOp fn) {
    os << "\n";
    printed.insert(fn);
    return printer.printKernel(fn);
  };
  SmallVector<StringRef> programNames;
  for (const auto &[name, program] : programs) {
    programNames.push_back(name);
    os << "\n// ---- program " << name << " ----\n";
    os.printReindented(StringRef(program.toText()).rtrim(), "// ");
    os << "\n";
    for (const LaunchDesc &launch : program.launches) {
      auto fn = module.lookupSymbol<func::FuncOp>(launch.entry);
      if (fn && fn->hasAttr("weft.kernel") && !printed.contains(fn) && failed(print(fn)))
        return failure();
    }
  }
  for (func::FuncOp fn : kernels)
    if (!printed.contains(fn) && failed(print(fn)))
      return failure();

  out << "// Generated by weft: C++ source of program" << (programNames.size() == 1 ? " " : "s ")
      << (programNames.empty() ? "(none)" : llvm::join(programNames, ", ")) << ".\n"
      << "// Each kernel is the C entry point of docs/abi.md: it runs grid items [begin, end).\n"
      << "// Compile as C++17 with -ffp-contract=off -fwrapv to get the bits of weft's JIT.\n";
  for (const char *name : kPrologue)
    out << "\n// ---- templates/" << name << " ----\n" << weft::templates::get(name);
  out << body;
  return success();
}

} // namespace weft::lowering
