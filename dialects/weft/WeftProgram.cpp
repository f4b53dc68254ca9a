// #weft.program<...>: a program description (weft/Program.h) in MLIR's syntax, and its verifier,
// which applies the runtime's own rules (ProgramDesc::check); the dialect's checks of the module
// attributes weft.programs and weft.target.
#include "dialects/weft/WeftOps.h"

#include "mlir/IR/DialectImplementation.h"

using namespace mlir;

namespace weft {

namespace {

// ---- printing ----

void printExtent(AsmPrinter &p, const Extent &e) {
  if (e.isSlot)
    p << "params[" << e.value << "]";
  else
    p << e.value;
}

void printTensor(AsmPrinter &p, MLIRContext *ctx, const TensorType &t) {
  SmallVector<int64_t> shape;
  for (int64_t e : t.shape) shape.push_back(e == kDynamic ? ShapedType::kDynamic : e);
  p << RankedTensorType::get(shape, elementTypeOf(ctx, t.dtype));
}

template <typename T, typename Fn> void printList(AsmPrinter &p, StringRef key, const std::vector<T> &items, Fn fn) {
  p << ", " << key << " = [";
  llvm::interleaveComma(items, p, fn);
  p << "]";
}

// ---- parsing ----

// An extent: an integer, or params[N] for slot N of the parameter block.
ParseResult parseExtent(AsmParser &parser, Extent &e) {
  if (succeeded(parser.parseOptionalKeyword("params"))) {
    e.isSlot = true;
    if (parser.parseLSquare() || parser.parseInteger(e.value) || parser.parseRSquare()) return failure();
    if (e.value < 0) return parser.emitError(parser.getCurrentLocation(), "slot params[") << e.value << "] must be >= 0";
    return success();
  }
  e.isSlot = false;
  return parser.parseInteger(e.value);
}

ParseResult parseDType(AsmParser &parser, DType &out) {
  SMLoc loc = parser.getCurrentLocation();
  Type type;
  if (parser.parseType(type)) return failure();
  std::optional<DType> dt = dtypeOf(type);
  if (!dt) return parser.emitError(loc, "element type ") << type << " is not a weft dtype";
  out = *dt;
  return success();
}

ParseResult parseTensor(AsmParser &parser, TensorType &out) {
  SMLoc loc = parser.getCurrentLocation();
  Type type;
  if (parser.parseType(type)) return failure();
  std::optional<TensorType> t = isa<RankedTensorType>(type) ? tensorTypeOf(type) : std::nullopt;
  if (!t) return parser.emitError(loc, "argument type ") << type << " is not a ranked tensor of a weft dtype";
  out = *t;
  return success();
}

// cols : f32[params[4], 384]
ParseResult parseTemp(AsmParser &parser, TempDesc &t) {
  if (parser.parseString(&t.name) || parser.parseColon() || parseDType(parser, t.dtype)) return failure();
  return parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&]() -> ParseResult {
    Extent e;
    if (parseExtent(parser, e)) return failure();
    t.dims.push_back(e);
    return success();
  });
}

// @entry(params[5] / 256, 3 / 1) group 256 items 256
ParseResult parseLaunch(AsmParser &parser, LaunchDesc &l) {
  StringAttr entry;
  if (parser.parseSymbolName(entry)) return failure();
  l.entry = entry.getValue().str();
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Paren, [&]() -> ParseResult {
        GridFactor g;
        if (parseExtent(parser, g.extent) || parser.parseSlash() || parser.parseInteger(g.tile)) return failure();
        l.grid.push_back(g);
        return success();
      }))
    return failure();
  if (succeeded(parser.parseOptionalKeyword("group")) && parser.parseInteger(l.group)) return failure();
  if (succeeded(parser.parseOptionalKeyword("items")) && parser.parseInteger(l.items)) return failure();
  return success();
}

template <typename T, typename Fn> ParseResult parseList(AsmParser &parser, std::vector<T> &out, Fn fn) {
  return parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&]() -> ParseResult {
    T item{};
    if (fn(parser, item)) return failure();
    out.push_back(std::move(item));
    return success();
  });
}

} // namespace

void ProgramAttr::print(AsmPrinter &p) const {
  const ProgramDesc &d = getDesc();
  p << "<" << d.op;
  if (!d.attrs.all().empty()) {
    p << " {";
    llvm::interleaveComma(d.attrs.all(), p, [&](const auto &kv) { p << kv.first << " = " << kv.second; });
    p << "}";
  }
  printList(p, "inputs", d.inputs, [&](const TensorType &t) { printTensor(p, getContext(), t); });
  printList(p, "outputs", d.outputs, [&](const TensorType &t) { printTensor(p, getContext(), t); });
  if (!d.temps.empty())
    printList(p, "temps", d.temps, [&](const TempDesc &t) {
      p << "\"" << t.name << "\" : " << elementTypeOf(getContext(), t.dtype) << "[";
      llvm::interleaveComma(t.dims, p, [&](const Extent &e) { printExtent(p, e); });
      p << "]";
    });
  printList(p, "launches", d.launches, [&](const LaunchDesc &l) {
    p.printSymbolName(l.entry);
    p << "(";
    llvm::interleaveComma(l.grid, p, [&](const GridFactor &g) {
      printExtent(p, g.extent);
      p << " / " << g.tile;
    });
    p << ")";
    if (l.group != 1 || l.items != 1) p << " group " << l.group << " items " << l.items;
  });
  if (!d.requires.empty())
    printList(p, "requires", d.requires, [&](const std::string &r) { p << "\"" << r << "\""; });
  if (d.indexBits != 64) p << ", index_bits = " << d.indexBits;
  p << ">";
}

Attribute ProgramAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  ProgramDesc d;
  if (parser.parseLess() || parser.parseKeywordOrString(&d.op)) return {};
  if (succeeded(parser.parseOptionalLBrace())) {
    if (parser.parseCommaSeparatedList([&]() -> ParseResult {
          std::string name;
          int64_t value;
          if (parser.parseKeywordOrString(&name) || parser.parseEqual() || parser.parseInteger(value)) return failure();
          d.attrs.set(name, value);
          return success();
        }) ||
        parser.parseRBrace())
      return {};
  }
  while (succeeded(parser.parseOptionalComma())) {
    SMLoc keyLoc = parser.getCurrentLocation();
    std::string key;
    if (parser.parseKeywordOrString(&key) || parser.parseEqual()) return {};
    ParseResult r = failure();
    if (key == "inputs" || key == "outputs")
      r = parseList(parser, key == "inputs" ? d.inputs : d.outputs, parseTensor);
    else if (key == "temps")
      r = parseList(parser, d.temps, parseTemp);
    else if (key == "launches")
      r = parseList(parser, d.launches, parseLaunch);
    else if (key == "requires")
      r = parseList(parser, d.requires, [](AsmParser &ps, std::string &s) { return ps.parseString(&s); });
    else if (key == "index_bits") {
      int64_t bits;
      SMLoc bitsLoc = parser.getCurrentLocation();
      if (parser.parseInteger(bits)) return {};
      if (bits != 32 && bits != 64) {
        parser.emitError(bitsLoc, "#weft.program index_bits = ") << bits << " must be 32 or 64";
        return {};
      }
      d.indexBits = static_cast<int>(bits);
      r = success();
    } else {
      parser.emitError(keyLoc, "#weft.program has no field '")
          << key << "' (fields: inputs, outputs, temps, launches, requires, index_bits)";
      return {};
    }
    if (failed(r)) return {};
  }
  if (parser.parseGreater()) return {};
  return getChecked([&] { return parser.emitError(loc); }, parser.getContext(), std::move(d));
}

LogicalResult WeftDialect::verifyOperationAttribute(Operation *op, NamedAttribute attr) {
  if (attr.getName() == kTargetAttrName) {
    if (!isa<ModuleOp>(op)) return op->emitError() << kTargetAttrName << " belongs on the module";
    if (!isa<TargetAttr>(attr.getValue())) return op->emitError() << kTargetAttrName << " must be a #weft.target";
    return success();
  }
  if (attr.getName() != kProgramsAttrName) return success();
  if (!isa<ModuleOp>(op)) return op->emitError() << kProgramsAttrName << " belongs on the module";
  auto dict = dyn_cast<DictionaryAttr>(attr.getValue());
  if (!dict)
    return op->emitError() << kProgramsAttrName << " must be a dictionary from function name to #weft.program";
  for (NamedAttribute entry : dict)
    if (!isa<ProgramAttr>(entry.getValue()))
      return op->emitError() << kProgramsAttrName << "['" << entry.getName().getValue()
                             << "'] is not a #weft.program";
  return success();
}

FailureOr<std::vector<std::pair<std::string, ProgramDesc>>> readPrograms(ModuleOp module) {
  auto dict = module->getAttrOfType<DictionaryAttr>(kProgramsAttrName);
  if (!dict)
    return module.emitError() << "the module has no '" << kProgramsAttrName
                              << "' dictionary (function name -> #weft.program)";
  std::vector<std::pair<std::string, ProgramDesc>> programs;
  for (NamedAttribute entry : dict) {
    auto program = dyn_cast<ProgramAttr>(entry.getValue());
    if (!program)
      return module.emitError() << kProgramsAttrName << "['" << entry.getName().getValue()
                                << "'] is not a #weft.program";
    programs.emplace_back(entry.getName().getValue().str(), program.getDesc());
  }
  return programs;
}

void writePrograms(ModuleOp module, const std::vector<std::pair<std::string, ProgramDesc>> &programs) {
  MLIRContext *ctx = module.getContext();
  SmallVector<NamedAttribute> entries;
  for (const auto &[name, program] : programs)
    entries.emplace_back(StringAttr::get(ctx, name), ProgramAttr::get(ctx, program));
  module->setAttr(kProgramsAttrName, DictionaryAttr::get(ctx, entries));
}

LogicalResult ProgramAttr::verify(function_ref<InFlightDiagnostic()> emitError, ProgramDesc desc) {
  std::string why = desc.check();
  if (!why.empty()) return emitError() << "#weft.program: " << why;
  return success();
}

} // namespace weft
