// #weft.schedule<...>: its text form and which fields each op accepts.
#include "dialects/weft/WeftOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace weft {

namespace {
// Values each enumerated field accepts, whatever the op.
const llvm::StringRef kParallel[] = {"time", "channel", "rows"};
const llvm::StringRef kGather[] = {"bounded", "scan", "sweep"};
const llvm::StringRef kCopy[] = {"flat", "row"};

template <size_t N> bool oneOf(llvm::StringRef v, const llvm::StringRef (&set)[N]) {
  return llvm::is_contained(set, v);
}
template <size_t N> std::string listOf(const llvm::StringRef (&set)[N]) {
  std::string s;
  for (auto v : set) s += (s.empty() ? "" : " | ") + v.str();
  return s;
}
} // namespace

LogicalResult ScheduleAttr::verify(function_ref<InFlightDiagnostic()> emitError, StringRef parallel,
                                   StringRef gather, StringRef copy, int64_t vector, ArrayRef<int64_t> tile,
                                   ArrayRef<int64_t> workgroup, int64_t unroll) {
  if (!parallel.empty() && !oneOf(parallel, kParallel))
    return emitError() << "schedule parallel = " << parallel << " is not one of " << listOf(kParallel);
  if (!gather.empty() && !oneOf(gather, kGather))
    return emitError() << "schedule gather = " << gather << " is not one of " << listOf(kGather);
  if (!copy.empty() && !oneOf(copy, kCopy))
    return emitError() << "schedule copy = " << copy << " is not one of " << listOf(kCopy);
  if (vector < 0 || (vector & (vector - 1)) != 0 || vector > 64)
    return emitError() << "schedule vector = " << vector << " must be a power of two from 1 to 64 (0 = default)";
  for (int64_t t : tile)
    if (t <= 0) return emitError() << "schedule tile extent " << t << " must be > 0";
  for (int64_t w : workgroup)
    if (w <= 0 || w > 1024) return emitError() << "schedule workgroup extent " << w << " must be in [1, 1024]";
  if (unroll < 0 || unroll > 64) return emitError() << "schedule unroll = " << unroll << " must be in [0, 64]";
  return success();
}

Attribute ScheduleAttr::parse(AsmParser &p, Type) {
  std::string parallel, gather, copy;
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
    auto field = [&]() -> ParseResult {
      llvm::SMLoc loc = p.getCurrentLocation();
      std::string key;
      if (p.parseKeywordOrString(&key) || p.parseEqual()) return failure();
      if (key == "parallel") return p.parseKeywordOrString(&parallel);
      if (key == "gather") return p.parseKeywordOrString(&gather);
      if (key == "copy") return p.parseKeywordOrString(&copy);
      if (key == "vector") return p.parseInteger(vector);
      if (key == "unroll") return p.parseInteger(unroll);
      if (key == "tile") return parseList(tile);
      if (key == "workgroup") return parseList(workgroup);
      return p.emitError(loc) << "unknown schedule field '" << key
                              << "' (fields: parallel, gather, copy, vector, tile, workgroup, unroll)";
    };
    if (p.parseCommaSeparatedList(field) || p.parseGreater()) return {};
  }
  return ScheduleAttr::getChecked([&] { return p.emitError(p.getNameLoc()); }, p.getContext(), StringRef(parallel),
                                  StringRef(gather), StringRef(copy), vector, ArrayRef<int64_t>(tile),
                                  ArrayRef<int64_t>(workgroup), unroll);
}

void ScheduleAttr::print(AsmPrinter &p) const {
  SmallVector<std::string> parts;
  auto list = [](ArrayRef<int64_t> v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
    return s + "]";
  };
  if (!getParallel().empty()) parts.push_back("parallel = " + getParallel().str());
  if (!getGather().empty()) parts.push_back("gather = " + getGather().str());
  if (!getCopy().empty()) parts.push_back("copy = " + getCopy().str());
  if (getVector()) parts.push_back("vector = " + std::to_string(getVector()));
  if (!getTile().empty()) parts.push_back("tile = " + list(getTile()));
  if (!getWorkgroup().empty()) parts.push_back("workgroup = " + list(getWorkgroup()));
  if (getUnroll()) parts.push_back("unroll = " + std::to_string(getUnroll()));
  p << "<" << llvm::join(parts, ", ") << ">";
}

std::string checkScheduleFor(StringRef op, ScheduleAttr s) {
  auto bad = [&](StringRef field, StringRef value, StringRef allowed) {
    return ("schedule " + field + " = " + value + " does not apply to " + op + " (allowed: " + allowed + ")").str();
  };
  bool isCol2Im = op == "col2im_1d", isIm2Col = op == "im2col_1d", isConcat = op == "concat",
       isMatmul = op == "matmul";
  if (!s.getGather().empty() && !isCol2Im) return bad("gather", s.getGather(), "none; gather is col2im_1d's");
  if (!s.getCopy().empty() && !isConcat) return bad("copy", s.getCopy(), "none; copy is concat's");
  if (!s.getParallel().empty()) {
    StringRef p = s.getParallel();
    if ((isCol2Im || isIm2Col) && p == "rows") return bad("parallel", p, "time | channel");
    if ((isConcat || isMatmul) && p != "rows") return bad("parallel", p, "rows");
  }
  if (isMatmul && !s.getTile().empty() && s.getTile().size() != 3)
    return ("schedule tile has " + std::to_string(s.getTile().size()) +
            " extents; matmul takes tile = [M, N, K]");
  if ((isCol2Im || isIm2Col || isConcat) && s.getTile().size() > 1)
    return ("schedule tile has " + std::to_string(s.getTile().size()) + " extents; " + op.str() +
            " takes one (the tile length along its parallel dimension)");
  return "";
}

} // namespace weft
