// The GLSL dialect. Language-level choices: 16-bit floats are uint16_t storage converted by
// integer helpers (bit-exact with the CPU; a driver's own f16 conversion may round toward zero),
// 8/16/64-bit integers come from GL_EXT_shader_explicit_arithmetic_types, vectors are GLSL's
// 2-4 lane types, and GPU ids are the gl_ built-ins. Buffer indices are 32-bit in GLSL, so an
// index is converted at each access. A vector access that declares its alignment (the GPU lane
// forms, lowering/LoopHelpers.h lanesAlign) goes through a second block on the buffer's binding
// whose array holds that vector type, so it is one load or store instead of one per lane.
#include "compiler/targets/spirv/GlslEmitter.h"

#include "lowering/cfamily/CFamilyPrinter.h"
#include "lowering/cfamily/GpuDialect.h"
#include "lowering/cfamily/GpuKernels.h"
#include "templates/Templates.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/TypeUtilities.h"

#include "llvm/ADT/StringExtras.h"

#include <map>
#include <set>

using namespace mlir;
using namespace weft::cfamily;

namespace weft::lowering {
namespace {

class GlslDialect : public GpuDialect {
public:
  explicit GlslDialect(const GlslOptions &o) : options(o) {}
  const GlslOptions &options;
  std::set<std::string> helpers; // templates/vulkan files the kernel calls into
  bool int8 = false, int16 = false, float64 = false; // types printed: the capabilities used

  std::string scalarType(Type t) override {
    if (t.isIndex()) return options.index32 ? "int" : "int64_t";
    if (t.isInteger(1)) return "bool";
    if (t.isInteger(8)) return int8 = true, "int8_t";
    if (t.isInteger(16)) return int16 = true, "int16_t";
    if (t.isInteger(32)) return "int";
    if (t.isInteger(64)) return "int64_t";
    if (t.isF32()) return "float";
    if (t.isF64()) return float64 = true, "double";
    if (t.isF16() || t.isBF16()) return int16 = true, "uint16_t";
    return "";
  }

  std::string unsignedName(Type t) override {
    std::string s = scalarType(t);
    if (s == "int") return "uint";
    if (s == "bool" || s.empty()) return s;
    return "u" + s; // uint8_t, uint16_t, uint64_t
  }

  std::string vectorType(VectorType t) override {
    int64_t n = t.getNumElements();
    if (n < 2 || n > 4) return "";
    Type e = t.getElementType();
    std::string prefix = e.isF32() ? "" : e.isF64() ? "d" : e.isInteger(1) ? "b" : e.isInteger(32) ? "i"
                         : e.isInteger(64) || (e.isIndex() && !options.index32) ? "i64"
                         : e.isIndex() ? "i" : e.isInteger(16) ? "i16" : e.isInteger(8) ? "i8"
                         : (e.isF16() || e.isBF16()) ? "u16" : "?";
    if (prefix == "?") return "";
    return prefix + "vec" + std::to_string(n);
  }

  bool hasArithmetic(FloatType t) override { return t.isF32() || t.isF64(); }

  std::string convertFloat(Type from, Type to, StringRef e) override {
    if (auto vt = dyn_cast<VectorType>(to)) {
      // Lane by lane: the f16/bf16 helpers take scalars.
      SmallVector<std::string> lanes;
      for (int64_t i = 0; i < vt.getNumElements(); ++i) {
        lanes.push_back(convertFloat(getElementTypeOrSelf(from), vt.getElementType(), lane("(" + e.str() + ")", i)));
        if (lanes.back().empty()) return "";
      }
      return fromElements(vt, lanes);
    }
    auto call = [&](StringRef fn, StringRef file) {
      helpers.insert(file.str());
      return (fn + "(" + e + ")").str();
    };
    if (to.isF32() && from.isF16()) return call("weft_f16_to_f32", "vulkan/weft_f16.glsl");
    if (to.isF32() && from.isBF16()) return call("weft_bf16_to_f32", "vulkan/weft_bf16.glsl");
    if (from.isF32() && to.isF16()) return call("weft_f32_to_f16", "vulkan/weft_f16.glsl");
    if (from.isF32() && to.isBF16()) return call("weft_f32_to_bf16", "vulkan/weft_bf16.glsl");
    if (from.isF32() && to.isF64()) return ("double(" + e + ")").str();
    return ""; // f64 -> f32 rounds as the device likes; f64 <-> 16-bit would round twice
  }

  std::string cast(Type to, StringRef e, bool asUnsigned) override {
    std::string name = isa<VectorType>(to) ? vectorType(llvm::cast<VectorType>(to))
                                           : asUnsigned ? unsignedName(to) : scalarType(to);
    if (isa<VectorType>(to) && asUnsigned) return ""; // no unsigned vector casts needed yet
    return name.empty() ? "" : name + "(" + e.str() + ")";
  }

  std::string floatLiteral(FloatType t, const APFloat &v) override {
    std::string s = cFloatLiteral(v, t.isF32() ? "" : "lf");
    if (!s.empty()) return s;
    APInt bits = v.bitcastToAPInt();
    return t.isF32() ? "uintBitsToFloat(0x" + llvm::utohexstr(bits.getZExtValue(), true, 8) + "u)"
                     : "uint64BitsToDouble(0x" + llvm::utohexstr(bits.getZExtValue(), true, 16) + "ul)";
  }

  std::string intLiteral(Type t, const APInt &v) override {
    if (t.isInteger(1)) return v.isZero() ? "false" : "true";
    int64_t x = v.getSExtValue();
    if (t.isInteger(64) || (t.isIndex() && !options.index32)) {
      if (x == INT64_MIN) return "(-9223372036854775807l - 1l)";
      return std::to_string(x) + "l";
    }
    if (t.isInteger(8) || t.isInteger(16)) return scalarType(t) + "(" + std::to_string(x) + ")";
    return std::to_string(x);
  }

  std::string idVariable(GpuIndex which) override {
    return which == GpuIndex::Thread       ? "gl_LocalInvocationID"
           : which == GpuIndex::Group      ? "gl_WorkGroupID"
           : which == GpuIndex::GroupCount ? "gl_NumWorkGroups"
                                           : "gl_WorkGroupSize";
  }

  std::string lane(StringRef v, int64_t i) override { return (v + "." + std::string(1, "xyzw"[i])).str(); }

  void usesDivideHelpers() override { helpers.insert("vulkan/weft_divide.glsl"); }

  // A vector view of a buffer: `t`'s lanes at element `index` of `base` as element index / lanes
  // of an array of `t` on the same binding (std430 gives it the vector's stride and alignment).
  std::string viewName(StringRef base, VectorType t) { return (base + "x" + std::to_string(t.getNumElements())).str(); }
  std::string viewElement(StringRef base, VectorType t, StringRef index) {
    return element(viewName(base, t), vectorIndex(t, index));
  }

  std::string vectorLoad(VectorType t, Space space, StringRef base, StringRef index, uint64_t alignBytes) override {
    if (space == Space::Buffer && wholeVector(t, alignBytes)) return viewElement(base, t, index);
    return GpuDialect::vectorLoad(t, space, base, index, alignBytes);
  }

  std::string vectorStore(VectorType t, StringRef value, Space space, StringRef base, StringRef index,
                          uint64_t alignBytes) override {
    if (space == Space::Buffer && wholeVector(t, alignBytes)) return viewElement(base, t, index) + " = " + value.str();
    return GpuDialect::vectorStore(t, value, space, base, index, alignBytes);
  }

  std::string element(StringRef base, StringRef index) override {
    // GLSL indexes arrays with 32-bit integers; a 64-bit index converts (storage buffers are
    // below 4 GiB: Vulkan's maxStorageBufferRange is a uint32_t).
    if (options.index32 || base == "params") return (base + "[" + index + "]").str();
    return (base + "[uint(" + index + ")]").str();
  }

  LogicalResult printKernelBegin(func::FuncOp fn, const KernelSignature &k, raw_indented_ostream &os) override {
    if (failed(checkGpuKernel(fn, k))) return failure();
    auto wg = fn->getAttrOfType<IntegerAttr>("weft.workgroup");
    os << "layout(local_size_x = " << wg.getInt() << ") in;\n\n";
    // The vector views each buffer argument needs, by the same rule as the accesses' printing.
    std::map<unsigned, std::set<VectorType, VectorOrder>> views;
    auto note = [&](Value memref, VectorType t, std::optional<uint64_t> align) {
      auto arg = dyn_cast<BlockArgument>(memref);
      if (arg && arg.getOwner()->getParentOp() == fn && wholeVector(t, align.value_or(0)))
        views[arg.getArgNumber()].insert(t);
    };
    fn.walk([&](Operation *op) {
      if (auto ld = dyn_cast<vector::LoadOp>(op)) note(ld.getBase(), ld.getVectorType(), ld.getAlignment());
      if (auto st = dyn_cast<vector::StoreOp>(op)) note(st.getBase(), st.getVectorType(), st.getAlignment());
    });
    for (const KernelArg &a : k.args) {
      if (a.kind != KernelArg::Buffer || !a.used) continue;
      std::string elem = scalarType(a.elementType);
      if (elem.empty())
        return fn.emitError() << "GLSL printer: unsupported buffer element type " << a.elementType;
      // Views of a written buffer alias its block, so none of them is `restrict`.
      auto it = views.find(a.position);
      std::string qualifiers = (it != views.end() && a.written ? "" : "restrict ") + std::string(a.written ? "" : "readonly ");
      os << "layout(std430, set = 0, binding = " << a.position << ") " << qualifiers << "buffer Buffer" << a.position
         << " { " << elem << " " << a.name << "[]; };\n";
      if (it == views.end()) continue;
      for (VectorType t : it->second)
        os << "layout(std430, set = 0, binding = " << a.position << ") " << qualifiers << "buffer Buffer" << a.position
           << "x" << t.getNumElements() << " { " << vectorType(t) << " " << viewName(a.name, t) << "[]; };\n";
    }
    if (pushSlots > 0) os << "layout(push_constant) uniform Params { int64_t params[" << pushSlots << "]; };\n";
    for (const WorkgroupArray &w : k.workgroupArrays)
      os << "shared " << scalarType(w.elementType) << " " << w.name << "[" << w.count << "];\n";
    os << "\nvoid main() {\n";
    return success();
  }

  // barrier() alone orders execution; memoryBarrierShared() makes the shared writes before it
  // visible to the reads after it.
  std::string barrier() override { return "memoryBarrierShared();\nbarrier()"; }

  int64_t pushSlots = 0; // the parameter slots the kernel reads: the push-constant array's length

private:
  struct VectorOrder {
    bool operator()(VectorType a, VectorType b) const { return a.getNumElements() < b.getNumElements(); }
  };
};

} // namespace

GlslOptions glslOptionsFor(const ProgramDesc &program, TargetAttr target) {
  GlslOptions o;
  o.index32 = program.fitsIndex32();
  o.paramSlots = target.getParamSlots();
  return o;
}

LogicalResult emitGlslKernel(func::FuncOp fn, const GlslOptions &options, std::string &out,
                             std::set<std::string> &requires) {
  std::string body;
  llvm::raw_string_ostream bodyStream(body);
  GlslDialect dialect(options);
  dialect.context = fn.getContext();
  if (fn.getNumArguments() > 0) {
    Value params = fn.getArguments().back();
    for (Operation *user : params.getUsers()) {
      auto load = dyn_cast<memref::LoadOp>(user);
      std::optional<int64_t> slot = load && load.getIndices().size() == 1 ? getConstantIntValue(load.getIndices()[0])
                                                                         : std::nullopt;
      if (!slot) return user->emitError() << "GLSL printer: the parameter block is read at a computed slot";
      dialect.pushSlots = std::max(dialect.pushSlots, *slot + 1);
    }
    if (options.paramSlots > 0 && dialect.pushSlots > options.paramSlots)
      return fn.emitError() << "kernel '" << fn.getName() << "' reads parameter slot " << dialect.pushSlots - 1
                            << "; Vulkan's push constants hold slots 0 to " << options.paramSlots - 1 << " ("
                            << 8 * options.paramSlots << " bytes): give the op static shapes";
  }
  CFamilyPrinter printer(dialect, bodyStream);
  if (failed(printer.printKernel(fn))) return failure();

  llvm::raw_string_ostream os(out);
  os << "// Generated by weft: GLSL compute shader of kernel " << fn.getName() << " (docs/abi.md, GPU launches).\n"
     << "#version 450\n"
     << "#extension GL_EXT_shader_explicit_arithmetic_types : require\n";
  if (dialect.int16) os << "#extension GL_EXT_shader_16bit_storage : require\n";
  if (dialect.int8) os << "#extension GL_EXT_shader_8bit_storage : require\n";
  // f16's conversions use the device's float16 and declare their rounding mode (weft_f16.glsl).
  const bool f16 = dialect.helpers.count("vulkan/weft_f16.glsl") > 0;
  if (f16)
    os << "#extension GL_EXT_spirv_intrinsics : require\n"
       << "#extension GL_EXT_control_flow_attributes : require\n";
  // Helpers in a fixed order: f16's rounding helper is defined before anything calls it.
  for (const char *file : {"vulkan/weft_divide.glsl", "vulkan/weft_f16.glsl", "vulkan/weft_bf16.glsl"})
    if (dialect.helpers.count(file)) os << "\n// ---- templates/" << file << " ----\n" << weft::templates::get(file);
  os << "\n" << body;
  requires.insert("int64"); // the parameter block
  if (dialect.int16) requires.insert({"int16", "storage16"});
  if (dialect.int8) requires.insert({"int8", "storage8"});
  if (f16) requires.insert({"float16", "rte16"});
  if (dialect.float64) requires.insert("float64");
  return success();
}

LogicalResult emitGlslSources(ModuleOp module, llvm::raw_ostream &os) {
  FailureOr<TargetAttr> target = TargetAttr::of(module);
  if (failed(target)) return failure();
  return printKernelSources(module, os, [&](func::FuncOp fn, const ProgramDesc &program, std::string &out,
                                            std::set<std::string> &requires) {
    return emitGlslKernel(fn, glslOptionsFor(program, *target), out, requires);
  });
}

} // namespace weft::lowering
