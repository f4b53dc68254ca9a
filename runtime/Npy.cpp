// The .npy format: magic "\x93NUMPY", a version byte pair, a little-endian header length (2 bytes
// in 1.0, 4 in 2.0/3.0), then a Python dict literal {'descr': ..., 'fortran_order': ..., 'shape': (...)}
// padded with spaces to a 64-byte boundary and ended by '\n', then the raw data.
#include "weft/Npy.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace weft {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
constexpr uint32_t kMaxHeader = 1 << 20; // real headers are ~100 bytes; this bounds a corrupt one

using File = std::unique_ptr<FILE, int (*)(FILE *)>;

struct Descr {
  const char *text;
  DType dtype;
};
// The descrs readNpy accepts without an `as`, and writeNpy's choice for each dtype.
constexpr Descr kDescrs[] = {{"<f4", DType::f32}, {"<f2", DType::f16}, {"<u2", DType::bf16}, {"|i1", DType::i8},
                             {"<i2", DType::i16}, {"<i4", DType::i32}, {"<i8", DType::i64}};

// The header dict, parsed just far enough for what numpy writes.
struct Header {
  std::string descr;
  bool fortran = false;
  Shape shape;
};

class DictParser {
public:
  explicit DictParser(const std::string &t) : text(t) {}

  // Returns "" or what is wrong with the header.
  std::string parse(Header &h) {
    bool sawDescr = false, sawOrder = false, sawShape = false;
    if (!eat('{')) return "the header is not a dict";
    while (!eat('}')) {
      std::string key;
      if (!parseString(key)) return "expected a quoted key at header offset " + std::to_string(pos);
      if (!eat(':')) return "expected ':' after key '" + key + "'";
      bool &seen = key == "descr" ? sawDescr : key == "fortran_order" ? sawOrder : sawShape;
      if ((key == "descr" || key == "fortran_order" || key == "shape") && seen)
        return "header key '" + key + "' is given twice";
      if (key == "descr") {
        if (!parseString(h.descr)) return "'descr' is not a string (structured dtypes are not supported)";
        sawDescr = true;
      } else if (key == "fortran_order") {
        if (word("True")) h.fortran = true;
        else if (word("False")) h.fortran = false;
        else return "'fortran_order' is neither True nor False";
        sawOrder = true;
      } else if (key == "shape") {
        if (std::string e = parseShape(h.shape); !e.empty()) return e;
        sawShape = true;
      } else {
        return "unknown header key '" + key + "'";
      }
      if (!eat(',') && !peek('}')) return "expected ',' or '}' after the value of '" + key + "'";
    }
    if (!sawDescr || !sawOrder || !sawShape) return "the header lacks one of 'descr', 'fortran_order', 'shape'";
    // What follows the dict is padding: spaces and the closing newline, nothing else.
    for (size_t i = pos; i < text.size(); ++i)
      if (text[i] != ' ' && text[i] != '\n')
        return "the header holds '" + text.substr(i, std::min<size_t>(16, text.find_first_of(" \n", i) - i)) +
               "' after its dict (rule: only spaces and a newline)";
    return "";
  }

private:
  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n')) ++pos;
  }
  bool peek(char c) {
    skipSpace();
    return pos < text.size() && text[pos] == c;
  }
  bool eat(char c) {
    if (!peek(c)) return false;
    ++pos;
    return true;
  }
  bool word(const char *w) {
    skipSpace();
    size_t n = std::strlen(w);
    if (text.compare(pos, n, w) != 0) return false;
    pos += n;
    return true;
  }
  bool parseString(std::string &out) {
    skipSpace();
    if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"')) return false;
    size_t close = text.find(text[pos], pos + 1);
    if (close == std::string::npos) return false;
    out = text.substr(pos + 1, close - pos - 1);
    pos = close + 1;
    return true;
  }
  std::string parseShape(Shape &shape) {
    if (!eat('(')) return "'shape' is not a tuple";
    while (!eat(')')) {
      skipSpace();
      int64_t v = 0;
      size_t start = pos;
      for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos)
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, text[pos] - '0', &v))
          return "a 'shape' extent does not fit in int64_t";
      if (pos == start) return "'shape' holds something other than non-negative integers";
      if (pos < text.size() && text[pos] == 'L') ++pos; // Python 2 longs
      shape.push_back(v);
      if (!eat(',') && !peek(')')) return "expected ',' or ')' in 'shape'";
    }
    return "";
  }

  const std::string &text;
  size_t pos = 0;
};

std::string sysError() { return std::strerror(errno); }

// Reads exactly `n` bytes; false on a short read (`f`'s error flag tells why).
bool readAll(FILE *f, void *dst, size_t n) { return std::fread(dst, 1, n, f) == n; }

uint32_t littleEndian(const unsigned char *p, int bytes) {
  uint32_t v = 0;
  for (int i = bytes; i-- > 0;) v = v << 8 | p[i];
  return v;
}

// The dtype for `descr` given the caller's wish `as`, or an error.
Result<DType> dtypeFor(const std::string &descr, std::optional<DType> as) {
  if (!descr.empty() && descr[0] == '>')
    return Status::error("holds big-endian data ('" + descr + "'); only little-endian is supported");
  if (as == DType::bf16 && (descr == "<u2" || descr == "<i2")) return DType::bf16;
  for (const Descr &d : kDescrs) {
    if (descr != d.text) continue;
    if (d.dtype == DType::bf16) break; // '<u2' is bf16 only on request (above)
    if (as && *as != d.dtype)
      return Status::error("holds " + std::string(dtypeName(d.dtype)) + " ('" + descr + "'), but " +
                           dtypeName(*as) + " was asked for");
    return d.dtype;
  }
  return Status::error("has dtype descr '" + descr +
                       "', which is not supported (supported: '<f4' f32, '<f2' f16, '|i1' i8, '<i2' i16, '<i4' i32, "
                       "'<i8' i64, and '<u2' or '<i2' read as bf16 on request)");
}

} // namespace

Result<Buffer> readNpy(const std::string &path, std::optional<DType> as) {
  auto fail = [&](const std::string &why) { return Status::error("file " + path + " " + why); };
  File f(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!f) return Status::error("cannot open " + path + ": " + sysError());

  unsigned char pre[12];
  size_t got = std::fread(pre, 1, 10, f.get());
  if (std::ferror(f.get())) return Status::error("cannot read " + path + ": " + sysError());
  if (got < kMagicLen || std::memcmp(pre, kMagic, kMagicLen) != 0)
    return fail("is not a .npy file (it does not start with \"\\x93NUMPY\")");
  if (got < 10) return fail("is truncated inside its preamble (" + std::to_string(got) + " bytes)");
  unsigned major = pre[6], minor = pre[7];
  if ((major < 1 || major > 3) || minor != 0)
    return fail("has .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                " (supported: 1.0, 2.0, 3.0)");
  size_t lenBytes = major == 1 ? 2 : 4;
  if (lenBytes == 4 && !readAll(f.get(), pre + 10, 2)) return fail("is truncated inside its preamble");
  uint32_t headerLen = littleEndian(pre + 8, int(lenBytes));
  if (headerLen > kMaxHeader)
    return fail("declares a header of " + std::to_string(headerLen) + " bytes (limit " + std::to_string(kMaxHeader) +
                "): corrupt");
  std::string text(headerLen, '\0');
  if (size_t n = std::fread(&text[0], 1, headerLen, f.get()); n != headerLen)
    return fail("is truncated: its header declares " + std::to_string(headerLen) + " bytes, the file holds " +
                std::to_string(n));

  Header h;
  if (std::string e = DictParser(text).parse(h); !e.empty()) return fail("has a malformed header: " + e);
  if (h.fortran) return fail("is in Fortran order; only C order is supported (save np.ascontiguousarray(a))");
  Result<DType> dtype = dtypeFor(h.descr, as);
  if (!dtype) return fail(dtype.message());
  Result<size_t> need = contiguousBytes(*dtype, h.shape);
  if (!need) return fail("has an unusable shape: " + need.message());

  long dataStart = long(kMagicLen + 2 + lenBytes + headerLen);
  if (std::fseek(f.get(), 0, SEEK_END) != 0) return Status::error("cannot seek in " + path + ": " + sysError());
  long end = std::ftell(f.get());
  if (end < dataStart || std::fseek(f.get(), dataStart, SEEK_SET) != 0)
    return Status::error("cannot seek in " + path + ": " + sysError());
  uint64_t have = uint64_t(end - dataStart);
  if (have != *need)
    return fail("holds " + std::to_string(have) + " bytes of data, shape " + shapeToString(h.shape) + " " +
                dtypeName(*dtype) + " needs " + std::to_string(*need));

  Result<Buffer> b = Buffer::allocate(*dtype, h.shape);
  if (!b) return fail("does not fit in memory (" + b.message() + ")");
  if (!readAll(f.get(), b->data(), *need)) return Status::error("cannot read " + path + ": " + sysError());
  return b;
}

Status writeNpy(const std::string &path, const Buffer &buffer) {
  const char *descr = "";
  for (const Descr &d : kDescrs)
    if (d.dtype == buffer.dtype()) descr = d.text;
  std::string shape = "(";
  for (int64_t e : buffer.shape()) shape += std::to_string(e) + ", ";
  if (buffer.shape().size() == 1) shape.pop_back(); // "(3,)": a 1-tuple keeps its comma
  else if (!buffer.shape().empty()) shape.resize(shape.size() - 2);
  shape += ")";
  std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Spaces and a final '\n' bring preamble + header to a multiple of 64 bytes, as numpy does.
  size_t total = kMagicLen + 4 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  if (header.size() > 0xffff) // a format 1.0 header length is 16 bits; only an absurd rank gets here
    return Status::error("cannot write " + path + ": rank " + std::to_string(buffer.shape().size()) +
                         " makes the .npy header too long");

  File f(std::fopen(path.c_str(), "wb"), std::fclose);
  if (!f) return Status::error("cannot create " + path + ": " + sysError());
  unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, uint8_t(header.size() & 0xff),
                           uint8_t(header.size() >> 8)};
  bool ok = std::fwrite(pre, 1, sizeof pre, f.get()) == sizeof pre &&
            std::fwrite(header.data(), 1, header.size(), f.get()) == header.size();
  const size_t elem = dtypeSize(buffer.dtype());
  if (ok && buffer.isContiguous()) {
    size_t n = size_t(buffer.numElements()) * elem;
    ok = std::fwrite(buffer.data(), 1, n, f.get()) == n;
  } else if (ok) {
    // A strided view: gather elements into a staging block, written whenever it fills.
    std::vector<char> stage;
    stage.reserve(1 << 16);
    const char *base = static_cast<const char *>(buffer.data());
    for (ElementWalk w(buffer); ok && !w.done(); w.next()) {
      stage.insert(stage.end(), base + w.offset() * int64_t(elem), base + (w.offset() + 1) * int64_t(elem));
      if (stage.size() >= (1 << 16)) {
        ok = std::fwrite(stage.data(), 1, stage.size(), f.get()) == stage.size();
        stage.clear();
      }
    }
    ok = ok && std::fwrite(stage.data(), 1, stage.size(), f.get()) == stage.size();
  }
  if (!ok) return Status::error("cannot write " + path + ": " + sysError());
  if (std::fclose(f.release()) != 0) return Status::error("cannot write " + path + ": " + sysError());
  return Status();
}

} // namespace weft
