#include "weft/Program.h"

#include <charconv>
#include <sstream>

namespace weft {

size_t ProgramDesc::bufferRank(size_t b) const {
  if (b < inputs.size()) return inputs[b].shape.size();
  b -= inputs.size();
  if (b < outputs.size()) return outputs[b].shape.size();
  b -= outputs.size();
  return temps[b].dims.size();
}

bool ProgramDesc::fitsIndex32() const {
  // Static arguments fill the parameter block's extents, from which temporaries are sized.
  std::vector<int64_t> params(paramCount(), 0);
  auto fits = [](const Shape &shape) {
    int64_t n = 1;
    for (int64_t e : shape)
      if (e < 0 || __builtin_mul_overflow(n, e, &n)) return false;
    return n < (int64_t(1) << 31);
  };
  size_t b = 0;
  for (const auto *list : {&inputs, &outputs})
    for (const TensorType &t : *list) {
      if (!fits(t.shape)) return false;
      for (size_t d = 0; d < t.shape.size(); ++d) params[paramOffset(b) + d] = t.shape[d];
      ++b;
    }
  for (const TempDesc &t : temps) {
    Shape shape;
    for (const Extent &e : t.dims) shape.push_back(e.isSlot ? params[size_t(e.value)] : e.value);
    if (!fits(shape)) return false;
  }
  // Indices past the buffers' extents that the op's attributes make (padding, strides). The
  // bounds assume the op's rules hold (attributes below kMaxAttrValue keep their sums in int64),
  // so a description that breaks them answers 64-bit without reading its attributes (found by
  // weft-fuzz-program: padding 2^63 - 1, test/fuzz/corpus/program/regression-col2im-padding.program).
  if (!check().empty()) return false;
  Attrs full = withDefaults(op, attrs);
  std::vector<TensorType> declared = outputs;
  if (!inferAndCheck(op, full, inputs, declared).empty()) return false;
  const OpInfo *info = findOp(op);
  if (info->indexBound && info->indexBound(full, inputs, outputs) >= (int64_t(1) << 31)) return false;
  return true;
}

size_t ProgramDesc::paramOffset(size_t b) const {
  size_t off = 0;
  for (size_t i = 0; i < b; ++i) off += 2 * bufferRank(i);
  return off;
}

namespace {
// The largest `align` a program may ask for: CUDA and Vulkan allocations start at multiples of 256.
constexpr int64_t kMaxBufferAlign = 256;
std::string extentText(const Extent &e) {
  return e.isSlot ? "$" + std::to_string(e.value) : std::to_string(e.value);
}

bool parseInt(std::string_view tok, int64_t &v) {
  auto [end, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v);
  return ec == std::errc() && end == tok.data() + tok.size() && !tok.empty();
}

bool parseExtent(const std::string &tok, Extent &e) {
  if (!tok.empty() && tok[0] == '$') {
    e.isSlot = true;
    return parseInt(std::string_view(tok).substr(1), e.value) && e.value >= 0;
  }
  e.isSlot = false;
  return parseInt(tok, e.value);
}

void writeType(std::ostream &os, const char *key, const TensorType &t) {
  os << key << ' ' << dtypeName(t.dtype);
  for (int64_t d : t.shape) os << ' ' << d;
  os << '\n';
}
} // namespace

std::string ProgramDesc::toText() const {
  std::ostringstream os;
  os << "weft-program 1\nop " << op << '\n';
  for (auto &[k, v] : attrs.all()) os << "attr " << k << ' ' << v << '\n';
  for (auto &t : inputs) writeType(os, "input", t);
  for (auto &t : outputs) writeType(os, "output", t);
  for (auto &t : temps) {
    os << "temp " << t.name << ' ' << dtypeName(t.dtype);
    for (auto &d : t.dims) os << ' ' << extentText(d);
    os << '\n';
  }
  for (auto &l : launches) {
    os << "launch " << l.entry;
    for (auto &g : l.grid) os << ' ' << extentText(g.extent) << '/' << g.tile;
    if (l.group != 1 || l.items != 1) os << " group=" << l.group << " items=" << l.items;
    os << '\n';
  }
  if (indexBits != 64) os << "index-bits " << indexBits << '\n';
  if (bufferAlign != 0) os << "align " << bufferAlign << '\n';
  if (!requires.empty()) {
    os << "requires";
    for (auto &r : requires) os << ' ' << r;
    os << '\n';
  }
  return os.str();
}

std::string ProgramDesc::fromText(std::string_view text, ProgramDesc &out) {
  out = ProgramDesc();
  std::istringstream in{std::string(text)};
  std::string line;
  int lineNo = 0;
  bool sawHeader = false;
  auto fail = [&](const std::string &why) {
    return "program description line " + std::to_string(lineNo) + " ('" + line + "'): " + why;
  };
  while (std::getline(in, line)) {
    ++lineNo;
    std::istringstream ls(line);
    std::string key;
    if (!(ls >> key)) continue;
    std::vector<std::string> toks;
    for (std::string t; ls >> t;) toks.push_back(t);
    if (!sawHeader) {
      if (key != "weft-program" || toks.size() != 1 || toks[0] != "1")
        return fail("expected the header 'weft-program 1'");
      sawHeader = true;
      continue;
    }
    if (key == "op") {
      if (toks.size() != 1 || !findOp(toks[0])) return fail("expected a known op name");
      out.op = toks[0];
    } else if (key == "attr") {
      Extent v;
      if (toks.size() != 2 || !parseExtent(toks[1], v) || v.isSlot) return fail("expected 'attr NAME INT'");
      out.attrs.set(toks[0], v.value);
    } else if (key == "input" || key == "output") {
      auto dt = toks.empty() ? std::nullopt : parseDType(toks[0]);
      if (!dt) return fail("expected a dtype");
      TensorType t{*dt, {}};
      for (size_t i = 1; i < toks.size(); ++i) {
        Extent e;
        if (!parseExtent(toks[i], e) || e.isSlot || e.value < -1) return fail("bad extent '" + toks[i] + "'");
        t.shape.push_back(e.value);
      }
      (key == "input" ? out.inputs : out.outputs).push_back(t);
    } else if (key == "temp") {
      auto dt = toks.size() < 2 ? std::nullopt : parseDType(toks[1]);
      if (!dt) return fail("expected 'temp NAME DTYPE DIMS...'");
      TempDesc t{toks[0], *dt, {}};
      for (size_t i = 2; i < toks.size(); ++i) {
        Extent e;
        if (!parseExtent(toks[i], e)) return fail("bad extent '" + toks[i] + "'");
        t.dims.push_back(e);
      }
      out.temps.push_back(t);
    } else if (key == "launch") {
      if (toks.empty()) return fail("expected 'launch ENTRY FACTORS...'");
      LaunchDesc l{toks[0], {}};
      for (size_t i = 1; i < toks.size(); ++i) {
        std::string_view tok = toks[i];
        if (tok.rfind("group=", 0) == 0 || tok.rfind("items=", 0) == 0) {
          int64_t v;
          if (!parseInt(tok.substr(6), v) || v <= 0) return fail("bad '" + toks[i] + "' (expected a count > 0)");
          (tok[0] == 'g' ? l.group : l.items) = v;
          continue;
        }
        size_t slash = toks[i].find('/');
        GridFactor g;
        Extent tile;
        if (slash == std::string::npos || !parseExtent(toks[i].substr(0, slash), g.extent) ||
            !parseExtent(toks[i].substr(slash + 1), tile) || tile.isSlot || tile.value <= 0)
          return fail("bad grid factor '" + toks[i] + "' (expected EXTENT/TILE)");
        g.tile = tile.value;
        l.grid.push_back(g);
      }
      if (l.items != 1 && l.items != l.group)
        return fail("items=" + std::to_string(l.items) + " must be 1 or the group size " + std::to_string(l.group));
      out.launches.push_back(l);
    } else if (key == "index-bits") {
      if (toks.size() != 1 || (toks[0] != "32" && toks[0] != "64")) return fail("expected 'index-bits 32' or 'index-bits 64'");
      out.indexBits = toks[0] == "32" ? 32 : 64;
    } else if (key == "align") {
      int64_t a = 0;
      if (toks.size() != 1 || !parseInt(toks[0], a) || a < 1 || a > kMaxBufferAlign || (a & (a - 1)))
        return fail("expected 'align N', N a power of two from 1 to " + std::to_string(kMaxBufferAlign));
      out.bufferAlign = a;
    } else if (key == "requires") {
      for (auto &t : toks) out.requires.push_back(t);
    } else {
      return fail("unknown key '" + key + "'");
    }
  }
  if (!sawHeader) return "program description is empty (expected the header 'weft-program 1')";
  std::string why = out.check();
  return why.empty() ? "" : "program description: " + why;
}

std::string ProgramDesc::check() const {
  if (op.empty()) return "names no op";
  const OpInfo *info = findOp(op);
  if (!info) return "op '" + op + "' is not a weft op";
  // The op's rules read its operands by position (found by weft-fuzz-program: a col2im_1d with
  // no input).
  if (inputs.size() != info->inputs.size() || outputs.size() != info->outputs.size())
    return "op " + op + " takes " + std::to_string(info->inputs.size()) + " input(s) and " +
           std::to_string(info->outputs.size()) + " output(s); the program lists " + std::to_string(inputs.size()) +
           " and " + std::to_string(outputs.size());
  for (const auto *list : {&inputs, &outputs})
    for (const TensorType &t : *list)
      if (t.shape.empty()) return "an argument of op " + op + " has rank 0 (rule: every weft tensor has rank >= 1)";
  if (launches.empty()) return "has no launch";
  if (indexBits != 32 && indexBits != 64) return "index bits " + std::to_string(indexBits) + " must be 32 or 64";
  for (const auto *list : {&inputs, &outputs})
    for (const TensorType &t : *list)
      for (int64_t e : t.shape)
        if (e < kDynamic) return "extent " + std::to_string(e) + " of an argument must be >= 0 or dynamic";
  size_t slots = paramCount();
  auto slotOk = [&](const Extent &e) { return !e.isSlot || (e.value >= 0 && size_t(e.value) < slots); };
  for (const TempDesc &t : temps)
    for (const Extent &d : t.dims)
      if (!slotOk(d)) return "temp '" + t.name + "' reads slot $" + std::to_string(d.value) +
                             " past the parameter block (" + std::to_string(slots) + " slots)";
  for (const LaunchDesc &l : launches) {
    if (l.group <= 0 || l.items <= 0) return "launch '" + l.entry + "': group and items must be > 0";
    if (l.items != 1 && l.items != l.group)
      return "launch '" + l.entry + "': items=" + std::to_string(l.items) + " must be 1 or the group size " +
             std::to_string(l.group);
    for (const GridFactor &g : l.grid) {
      if (!slotOk(g.extent)) return "launch '" + l.entry + "' reads slot $" + std::to_string(g.extent.value) +
                                    " past the parameter block";
      if (g.tile <= 0) return "launch '" + l.entry + "': tile " + std::to_string(g.tile) + " must be > 0";
    }
  }
  return "";
}

bool operator==(const ProgramDesc &a, const ProgramDesc &b) { return a.toText() == b.toText(); }

} // namespace weft
