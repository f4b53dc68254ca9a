// #weft.schedule<...>: its text form and which fields each op accepts.
#include "dialects/weft/WeftOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace weft {

namespace {
StringRef stringify(Parallel v) { return stringifyParallel(v); }
StringRef stringify(Gather v) { return stringifyGather(v); }
StringRef stringify(Copy v) { return stringifyCopy(v); }
StringRef stringify(Mma v) { return stringifyMma(v); }

// "a | b | c": the values of an enumerated field, from its ODS enum (cases 0 to maxValue).
template <typename E> std::string allowedValues(uint32_t maxValue) {
  std::string s;
  for (uint32_t i = 0; i <= maxValue; ++i) s += (i ? " | " : "") + stringify(static_cast<E>(i)).str();
  return s;
}
} // namespace

LogicalResult ScheduleAttr::verify(function_ref<InFlightDiagnostic()> emitError, std::optional<Parallel>,
                                   std::optional<Gather>, std::optional<Copy>, std::optional<Mma>, int64_t vector, ArrayRef<int64_t> tile,
                                   ArrayRef<int64_t> workgroup, int64_t unroll) {
  if (vector < 0 || (vector & (vector - 1)) != 0 || vector > 64)
    return emitError() << "schedule vector = " << vector << " must be a power of two from 1 to 64 (0 = default)";
  for (int64_t t : tile)
    if (t <= 0 || t > kMaxAttrValue)
      return emitError() << "schedule tile extent " << t << " must be in [1, " << kMaxAttrValue << "]";
  for (int64_t w : workgroup)
    if (w <= 0 || w > 1024) return emitError() << "schedule workgroup extent " << w << " must be in [1, 1024]";
  if (unroll < 0 || unroll > 64) return emitError() << "schedule unroll = " << unroll << " must be in [0, 64]";
  return success();
}

namespace {
// One enumerated field's value: a name of its ODS enum, else an error naming the field and the
// values allowed.
template <typename E>
ParseResult parseEnum(AsmParser &p, StringRef field, std::optional<E> &out, std::optional<E> (*symbolize)(StringRef),
                      uint32_t maxValue) {
  llvm::SMLoc loc = p.getCurrentLocation();
  std::string value;
  if (p.parseKeywordOrString(&value)) return failure();
  out = symbolize(value);
  if (!out) return p.emitError(loc) << "schedule " << field << " = " << value << " is not one of " << allowedValues<E>(maxValue);
  return success();
}
} // namespace

Attribute ScheduleAttr::parse(AsmParser &p, Type) {
  std::optional<Parallel> parallel;
  std::optional<Gather> gather;
  std::optional<Copy> copy;
  std::optional<Mma> mma;
  int64_t vector = 0, unroll = 0;
  SmallVector<int64_t> tile, workgroup;
  auto parseList = [&](SmallVector<int64_t> &out) {
    return p.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&]() -> ParseResult {
      int64_t v;
      if (p.parseInteger(v)) return failure();
      out.push_back(v);
      return success();
    });
  };
  if (p.parseLess()) return {};
  if (failed(p.parseOptionalGreater())) {
    llvm::StringSet<> seen;
    auto field = [&]() -> ParseResult {
      llvm::SMLoc loc = p.getCurrentLocation();
      std::string key;
      if (p.parseKeywordOrString(&key) || p.parseEqual()) return failure();
      if (!seen.insert(key).second) return p.emitError(loc) << "schedule field '" << key << "' is given twice";
      if (key == "parallel") return parseEnum(p, key, parallel, symbolizeParallel, getMaxEnumValForParallel());
      if (key == "gather") return parseEnum(p, key, gather, symbolizeGather, getMaxEnumValForGather());
      if (key == "copy") return parseEnum(p, key, copy, symbolizeCopy, getMaxEnumValForCopy());
      if (key == "mma") return parseEnum(p, key, mma, symbolizeMma, getMaxEnumValForMma());
      if (key == "vector") return p.parseInteger(vector);
      if (key == "unroll") return p.parseInteger(unroll);
      if (key == "tile") return parseList(tile);
      if (key == "workgroup") return parseList(workgroup);
      return p.emitError(loc) << "unknown schedule field '" << key
                              << "' (fields: parallel, gather, copy, mma, vector, tile, workgroup, unroll)";
    };
    if (p.parseCommaSeparatedList(field) || p.parseGreater()) return {};
  }
  return ScheduleAttr::getChecked([&] { return p.emitError(p.getNameLoc()); }, p.getContext(), parallel, gather, copy,
                                  mma, vector, ArrayRef<int64_t>(tile), ArrayRef<int64_t>(workgroup), unroll);
}

void ScheduleAttr::print(AsmPrinter &p) const {
  SmallVector<std::string> parts;
  auto list = [](ArrayRef<int64_t> v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
    return s + "]";
  };
  if (getParallel()) parts.push_back("parallel = " + stringify(*getParallel()).str());
  if (getGather()) parts.push_back("gather = " + stringify(*getGather()).str());
  if (getCopy()) parts.push_back("copy = " + stringify(*getCopy()).str());
  if (getMma()) parts.push_back("mma = " + stringify(*getMma()).str());
  if (getVector()) parts.push_back("vector = " + std::to_string(getVector()));
  if (!getTile().empty()) parts.push_back("tile = " + list(getTile()));
  if (!getWorkgroup().empty()) parts.push_back("workgroup = " + list(getWorkgroup()));
  if (getUnroll()) parts.push_back("unroll = " + std::to_string(getUnroll()));
  p << "<" << llvm::join(parts, ", ") << ">";
}

std::string checkScheduleFor(StringRef op, ScheduleAttr s) {
  const OpInfo *info = findOp(std::string_view(op.data(), op.size()));
  if (!info) return ("schedule on unknown op '" + op + "'").str();
  const ScheduleRule &rule = info->schedule;
  auto bad = [&](StringRef field, StringRef value, StringRef allowed) {
    return ("schedule " + field + " = " + value + " does not apply to " + op + " (allowed: " + allowed + ")").str();
  };
  auto oneOf = [&](StringRef field, StringRef value, const std::vector<std::string_view> &values) {
    if (llvm::is_contained(values, std::string_view(value.data(), value.size()))) return std::string();
    std::string allowed;
    for (std::string_view v : values) allowed += (allowed.empty() ? "" : " | ") + std::string(v);
    return bad(field, value, allowed);
  };
  if (s.getGather()) {
    if (rule.gather.empty())
      return bad("gather", stringify(*s.getGather()), "none; gather is col2im_1d's and im2col_1d's");
    if (std::string e = oneOf("gather", stringify(*s.getGather()), rule.gather); !e.empty()) return e;
  }
  if (s.getMma() && !rule.mma)
    return bad("mma", stringify(*s.getMma()), "none; mma is matmul's, conv1d's and conv_transpose_1d's");
  if (s.getCopy() && !rule.copy) return bad("copy", stringify(*s.getCopy()), "none; copy is concat's");
  if (std::optional<Parallel> p = s.getParallel(); p && !rule.parallel.empty())
    if (std::string e = oneOf("parallel", stringify(*p), rule.parallel); !e.empty()) return e;
  size_t n = s.getTile().size();
  if (rule.tileExtents == 3 && n != 0 && n != 3)
    return "schedule tile has " + std::to_string(n) + " extents; " + op.str() + " takes tile = [M, N, K]";
  if (rule.tileExtents == 1 && n > 1)
    return "schedule tile has " + std::to_string(n) + " extents; " + op.str() +
           " takes one (the tile length along its parallel dimension)";
  return "";
}

} // namespace weft
