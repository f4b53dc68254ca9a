#include "weft/OpRules.h"

#include <algorithm>
#include <cstdint>
#include <sstream>

namespace weft {

void Attrs::set(std::string_view name, int64_t value) {
  for (auto &kv : items)
    if (kv.first == name) {
      kv.second = value;
      return;
    }
  items.emplace_back(std::string(name), value);
}

bool Attrs::has(std::string_view name) const {
  return std::any_of(items.begin(), items.end(), [&](auto &kv) { return kv.first == name; });
}

int64_t Attrs::get(std::string_view name, int64_t fallback) const {
  for (auto &kv : items)
    if (kv.first == name)
      return kv.second;
  return fallback;
}

const OpInfo *findOp(std::string_view name) {
  for (const OpInfo &op : opTable())
    if (op.name == name) return &op;
  return nullptr;
}

std::string knownOpNames() {
  std::string names;
  for (const OpInfo &op : opTable()) names += (names.empty() ? "" : ", ") + std::string(op.name);
  return names;
}

Attrs withDefaults(std::string_view op, Attrs attrs) {
  if (const OpInfo *info = findOp(op))
    for (const AttrSpec &a : info->attrs)
      if (!a.required && !attrs.has(a.name)) attrs.set(a.name, a.fallback);
  return attrs;
}

std::string shapeToString(const Shape &s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += ", ";
    out += s[i] == kDynamic ? std::string("?") : std::to_string(s[i]);
  }
  return out + "]";
}

namespace {
// Keywords of C, C++, GLSL and MSL, the shading languages' built-in type and function names a
// kernel could shadow, and C library functions generated code and its hosts link against.
constexpr std::string_view kReservedNames[] = {
    // C and C++
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch",
    "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval", "constexpr",
    "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype", "default", "delete",
    "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for",
    "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
    "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register", "reinterpret_cast",
    "requires", "restrict", "return", "short", "signed", "sizeof", "static", "static_assert", "static_cast",
    "struct", "switch", "template", "this", "thread_local", "throw", "true", "try", "typedef", "typeid",
    "typename", "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
    "main",
    // GLSL
    "attribute", "buffer", "centroid", "coherent", "discard", "flat", "highp", "in", "inout", "invariant",
    "layout", "lowp", "mediump", "noperspective", "out", "patch", "precise", "precision", "readonly", "sample",
    "shared", "smooth", "subroutine", "uniform", "varying", "writeonly", "uint", "vec2", "vec3", "vec4", "ivec2",
    "ivec3", "ivec4", "uvec2", "uvec3", "uvec4", "mat2", "mat3", "mat4", "float16_t", "int64_t", "uint64_t",
    "barrier", "min", "max", "clamp", "mix", "abs", "floor", "ceil", "sqrt", "exp", "log", "pow", "fma",
    // MSL
    "kernel", "device", "threadgroup", "thread", "constant", "vertex", "fragment", "half", "bfloat", "metal",
    "simd", "imageblock",
    // the C library
    "abort", "calloc", "exit", "free", "malloc", "memchr", "memcmp", "memcpy", "memmove", "memset", "printf",
    "puts", "realloc", "strcmp", "strcpy", "strlen", "write", "read", "open", "close", "sin", "cos",
};
} // namespace

std::string checkFunctionName(std::string_view name) {
  auto bad = [&](const std::string &rule) { return "function name '" + std::string(name) + "' " + rule; };
  if (name.empty()) return "a function has an empty name";
  if (name.size() > kMaxFunctionName)
    return "function name '" + std::string(name.substr(0, 24)) + "...' has " + std::to_string(name.size()) +
           " characters (rule: at most " + std::to_string(kMaxFunctionName) + ")";
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!letter(name[0]))
    return bad("must start with a letter or _ (rule: an identifier; kernel entry points and file names are made "
               "from it)");
  for (char c : name)
    if (!letter(c) && !digit(c))
      return bad("holds a character other than a letter, digit or _ (rule: an identifier; kernel entry points and "
                 "file names are made from it)");
  if (name.substr(0, 2) == "__" || (name[0] == '_' && name.size() > 1 && name[1] >= 'A' && name[1] <= 'Z') ||
      name.substr(0, 3) == "gl_")
    return bad("is reserved (rule: no leading __, _ and a capital, or gl_)");
  for (std::string_view r : kReservedNames)
    if (name == r) return bad("is a keyword or a reserved name of C, C++, GLSL, MSL or the C library");
  return "";
}

std::string typeToString(const TensorType &t) {
  return shapeToString(t.shape) + " " + dtypeName(t.dtype);
}

namespace {

bool known(int64_t v) { return v != kDynamic; }

// Small builder for the one-sentence messages: `name = value must be <rule>`.
template <typename... Parts> std::string msg(const Parts &...parts) {
  std::ostringstream os;
  (os << ... << parts);
  return os.str();
}

std::string requireBounded(std::string_view name, int64_t v) {
  if (v > kMaxAttrValue) return msg(name, " = ", v, " must be <= ", kMaxAttrValue);
  return "";
}

std::string requirePositive(const Attrs &a, std::string_view name) {
  int64_t v = a.get(name, 0);
  if (!a.has(name)) return msg(name, " is missing (rule: ", name, " > 0)");
  if (v <= 0) return msg(name, " = ", v, " must be > 0");
  return requireBounded(name, v);
}

std::string requireNonNegative(const Attrs &a, std::string_view name) {
  int64_t v = a.get(name, 0);
  if (v < 0) return msg(name, " = ", v, " must be >= 0");
  return requireBounded(name, v);
}

/// "" when the static extents of `shape` multiply to at most kMaxElements (dynamic ones are
/// checked at dispatch), else the rule naming `what`.
std::string requireElementsBounded(const Shape &shape, std::string_view what) {
  int64_t n = 1;
  for (int64_t e : shape) {
    if (!known(e)) continue;
    if (e > kMaxElements || __builtin_mul_overflow(n, e, &n) || n > kMaxElements)
      return msg(what, " ", shapeToString(shape), " has more than ", kMaxElements,
                 " elements (rule: at most 2^48 elements per tensor)");
  }
  return "";
}

std::string requireRank(const TensorType &t, std::string_view operand, size_t lo, size_t hi) {
  size_t r = t.shape.size();
  if (r < lo || r > hi) {
    if (lo == hi) return msg(operand, " has rank ", r, " ", shapeToString(t.shape), ", must be rank ", lo);
    return msg(operand, " has rank ", r, " ", shapeToString(t.shape), ", must be rank ", lo, " to ", hi);
  }
  for (int64_t e : t.shape)
    if (known(e) && e <= 0) return msg(operand, " has extent ", e, " in ", shapeToString(t.shape), ", extents must be > 0");
  return requireElementsBounded(t.shape, operand);
}

std::string requireFloat(const TensorType &t, std::string_view operand) {
  if (!isFloat(t.dtype))
    return msg(operand, " dtype ", dtypeName(t.dtype), " is not supported (rule: f32, f16 or bf16)");
  return "";
}

// Multiplies extents, staying dynamic if either is; a product past int64 saturates, which
// settle() then refuses as too many elements.
int64_t mul(int64_t a, int64_t b) {
  int64_t r = 0;
  if (!known(a) || !known(b)) return kDynamic;
  return __builtin_mul_overflow(a, b, &r) ? INT64_MAX : r;
}

// T_out = (T_in - 1)*s + K - 2p of col2im and conv_transpose_1d, saturating like mul(): its
// operands are bounded, so only (T_in - 1)*s can leave int64.
int64_t transposedLength(int64_t Tin, int64_t s, int64_t K, int64_t p) {
  int64_t r = mul(Tin - 1, s);
  return r == INT64_MAX ? r : r + K - 2 * p;
}

// Compares `results` (declared, possibly partial) with the inferred types, then stores the inferred.
std::string settle(std::vector<TensorType> &results, const std::vector<TensorType> &inferred,
                   const std::vector<std::vector<DType>> &allowedDTypes) {
  for (size_t i = 0; i < inferred.size(); ++i)
    if (auto e = requireElementsBounded(inferred[i].shape, "the result"); !e.empty()) return e;
  if (results.empty()) {
    results = inferred;
    return "";
  }
  if (results.size() != inferred.size())
    return msg("expected ", inferred.size(), " result(s), got ", results.size());
  for (size_t i = 0; i < inferred.size(); ++i) {
    const TensorType &d = results[i];
    const auto &ok = allowedDTypes[i];
    if (std::find(ok.begin(), ok.end(), d.dtype) == ok.end()) {
      std::string list;
      for (DType t : ok) list += (list.empty() ? "" : ", ") + std::string(dtypeName(t));
      return msg("result dtype ", dtypeName(d.dtype), " is not allowed here (rule: one of ", list, ")");
    }
    if (d.shape.size() != inferred[i].shape.size())
      return msg("result shape ", shapeToString(d.shape), " must be ", shapeToString(inferred[i].shape));
    for (size_t k = 0; k < d.shape.size(); ++k) {
      int64_t want = inferred[i].shape[k], got = d.shape[k];
      if (known(want) && known(got) && want != got)
        return msg("result shape ", shapeToString(d.shape), " must be ", shapeToString(inferred[i].shape));
    }
    TensorType merged = inferred[i];
    merged.dtype = d.dtype;
    for (size_t k = 0; k < d.shape.size(); ++k)
      if (!known(merged.shape[k])) merged.shape[k] = d.shape[k];
    results[i] = merged;
  }
  return "";
}

std::string checkIm2Col(const Attrs &a, const std::vector<TensorType> &in, std::vector<TensorType> &out) {
  if (in.size() != 1) return msg("takes 1 operand, got ", in.size());
  for (auto n : {"kernel", "stride", "dilation"})
    if (auto e = requirePositive(a, n); !e.empty()) return e;
  if (auto e = requireNonNegative(a, "padding"); !e.empty()) return e;
  if (auto e = requireRank(in[0], "input x", 3, 3); !e.empty()) return e;
  if (auto e = requireFloat(in[0], "input x"); !e.empty()) return e;
  int64_t K = a.get("kernel"), s = a.get("stride"), p = a.get("padding"), d = a.get("dilation");
  int64_t N = in[0].shape[0], IC = in[0].shape[1], IW = in[0].shape[2];
  int64_t OW = kDynamic;
  if (known(IW)) {
    if (IW + 2 * p < d * (K - 1) + 1)
      return msg("dilated kernel d*(K-1)+1 = ", d * (K - 1) + 1, " is wider than the padded input IW+2p = ",
                 IW + 2 * p, " (rule: IW + 2p >= d(K-1) + 1)");
    OW = (IW + 2 * p - d * (K - 1) - 1) / s + 1;
  }
  TensorType r{in[0].dtype, {N, OW, mul(IC, K)}};
  return settle(out, {r}, {{DType::f32, DType::f16, DType::bf16}});
}

std::string checkCol2Im(const Attrs &a, const std::vector<TensorType> &in, std::vector<TensorType> &out) {
  if (in.size() != 1) return msg("takes 1 operand, got ", in.size());
  for (auto n : {"stride", "channels"})
    if (auto e = requirePositive(a, n); !e.empty()) return e;
  if (auto e = requireNonNegative(a, "padding"); !e.empty()) return e;
  // Rank 3 is a batch of independent [T_in][OC*K] matrices (batched conv_transpose_1d).
  if (auto e = requireRank(in[0], "input cols", 2, 3); !e.empty()) return e;
  if (auto e = requireFloat(in[0], "input cols"); !e.empty()) return e;
  int64_t s = a.get("stride"), OC = a.get("channels"), p = a.get("padding");
  const Shape &x = in[0].shape;
  int64_t Tin = x[x.size() - 2], W = x.back();
  if (!known(W)) return msg("input cols row width must be static (it gives K = width / channels)");
  if (W % OC != 0)
    return msg("input cols row width ", W, " is not a multiple of channels = ", OC, " (rule: width = channels * K)");
  int64_t K = W / OC, Tout = kDynamic;
  if (known(Tin)) {
    Tout = transposedLength(Tin, s, K, p);
    if (Tout <= 0)
      return msg("T_out = (T_in - 1)*s + K - 2p = (", Tin, " - 1)*", s, " + ", K, " - 2*", p, " = ", Tout,
                 " must be > 0");
  }
  Shape y = x.size() == 3 ? Shape{x[0], OC, Tout} : Shape{OC, Tout};
  return settle(out, {TensorType{in[0].dtype, y}}, {{in[0].dtype}});
}

std::string checkConcat(const Attrs &a, const std::vector<TensorType> &in, std::vector<TensorType> &out) {
  if (in.size() != 2) return msg("takes 2 operands, got ", in.size());
  if (auto e = requireRank(in[0], "input a", 1, 4); !e.empty()) return e;
  if (auto e = requireRank(in[1], "input b", 1, 4); !e.empty()) return e;
  if (in[0].shape.size() != in[1].shape.size())
    return msg("inputs a ", shapeToString(in[0].shape), " and b ", shapeToString(in[1].shape), " must have equal rank");
  if (in[0].dtype != in[1].dtype)
    return msg("inputs a (", dtypeName(in[0].dtype), ") and b (", dtypeName(in[1].dtype), ") must have equal dtype");
  int64_t rank = in[0].shape.size(), axis = a.get("axis", 0); // bounded by the rank below
  if (axis < 0 || axis >= rank) return msg("axis = ", axis, " must be in [0, ", rank, ")");
  Shape s = in[0].shape;
  for (int64_t k = 0; k < rank; ++k) {
    int64_t x = in[0].shape[k], y = in[1].shape[k];
    if (k == axis) {
      s[k] = known(x) && known(y) ? x + y : kDynamic;
    } else if (known(x) && known(y) && x != y) {
      return msg("inputs a ", shapeToString(in[0].shape), " and b ", shapeToString(in[1].shape),
                 " differ in dim ", k, " (", x, " vs ", y, "), which is not the axis ", axis);
    } else if (!known(x)) {
      s[k] = y;
    }
  }
  return settle(out, {TensorType{in[0].dtype, s}}, {{in[0].dtype}});
}

// Float operand pairs matmul accepts: equal dtypes, or one side f32 and the other f16/bf16.
bool floatPairOk(DType x, DType y) {
  return isFloat(x) && isFloat(y) && (x == y || x == DType::f32 || y == DType::f32);
}

// Broadcasts the batch extents (up to two, aligned from the right) the ggml way.
std::string broadcastBatch(const Shape &ba, const Shape &bb, Shape &outBatch) {
  size_t n = std::max(ba.size(), bb.size());
  outBatch.assign(n, 1);
  for (size_t i = 0; i < n; ++i) {
    int64_t x = i < n - ba.size() ? 1 : ba[i - (n - ba.size())];
    int64_t y = i < n - bb.size() ? 1 : bb[i - (n - bb.size())];
    if (!known(x) || !known(y)) {
      outBatch[i] = kDynamic;
      continue;
    }
    int64_t big = std::max(x, y), small = std::min(x, y);
    if (big % small != 0)
      return msg("batch extents of A ", shapeToString(ba), " and B ", shapeToString(bb), " do not broadcast in dim ",
                 i, " (", x, " vs ", y, "; rule: the smaller must divide the larger)");
    outBatch[i] = big;
  }
  return "";
}

std::string checkMatmul(const Attrs &a, const std::vector<TensorType> &in, std::vector<TensorType> &out) {
  if (in.size() != 2) return msg("takes 2 operands, got ", in.size());
  if (auto e = requireRank(in[0], "operand A", 2, 4); !e.empty()) return e;
  if (auto e = requireRank(in[1], "operand B", 2, 4); !e.empty()) return e;
  DType ta = in[0].dtype, tb = in[1].dtype;
  bool ints = ta == DType::i8 && tb == DType::i8;
  if (!ints && !floatPairOk(ta, tb))
    return msg("operand dtypes A ", dtypeName(ta), " x B ", dtypeName(tb),
               " are not supported (rule: f32, f16 or bf16 pairs that are equal or include f32, or i8 x i8)");
  for (const char *flag : {"transpose_a", "transpose_b"})
    if (int64_t v = a.get(flag, 0); v != 0 && v != 1) return msg(flag, " = ", v, " must be 0 or 1 (a flag: false or true)");
  bool tA = a.get("transpose_a", 0) != 0, tB = a.get("transpose_b", 0) != 0;
  const Shape &A = in[0].shape, &B = in[1].shape;
  size_t ra = A.size(), rb = B.size();
  int64_t M = tA ? A[ra - 1] : A[ra - 2], KA = tA ? A[ra - 2] : A[ra - 1];
  int64_t KB = tB ? B[rb - 1] : B[rb - 2], N = tB ? B[rb - 2] : B[rb - 1];
  if (known(KA) && known(KB) && KA != KB)
    return msg("contraction extents differ: A ", shapeToString(A), " has K = ", KA, ", B ", shapeToString(B),
               " has K = ", KB, " (rule: equal K)");
  Shape batch;
  if (auto e = broadcastBatch(Shape(A.begin(), A.end() - 2), Shape(B.begin(), B.end() - 2), batch); !e.empty())
    return e;
  batch.push_back(M);
  batch.push_back(N);
  if (ints) return settle(out, {TensorType{DType::i32, batch}}, {{DType::i32}});
  // The narrow dtype of either side, as conv_transpose_1d allows (it becomes this matmul's result).
  DType low = ta != DType::f32 ? ta : tb;
  std::vector<DType> allowed{DType::f32};
  if (low != DType::f32) allowed.push_back(low);
  return settle(out, {TensorType{DType::f32, batch}}, {allowed});
}

std::string checkConv1d(const Attrs &a, const std::vector<TensorType> &in, std::vector<TensorType> &out) {
  if (in.size() != 2) return msg("takes 2 operands (x, w), got ", in.size());
  for (auto n : {"stride", "dilation"})
    if (auto e = requirePositive(a, n); !e.empty()) return e;
  if (auto e = requireNonNegative(a, "padding"); !e.empty()) return e;
  if (auto e = requireRank(in[0], "input x", 3, 3); !e.empty()) return e;
  if (auto e = requireRank(in[1], "weights w", 3, 3); !e.empty()) return e;
  if (auto e = requireFloat(in[0], "input x"); !e.empty()) return e;
  if (auto e = requireFloat(in[1], "weights w"); !e.empty()) return e;
  const Shape &x = in[0].shape, &w = in[1].shape;
  if (known(x[1]) && known(w[1]) && x[1] != w[1])
    return msg("input channels differ: x ", shapeToString(x), " has IC = ", x[1], ", w ", shapeToString(w),
               " has IC = ", w[1], " (rule: equal IC)");
  if (!known(w[2])) return msg("weights w kernel width must be static");
  Attrs im{{"kernel", w[2]}, {"stride", a.get("stride")}, {"padding", a.get("padding")}, {"dilation", a.get("dilation")}};
  std::vector<TensorType> cols;
  if (auto e = checkIm2Col(im, {TensorType{in[1].dtype, x}}, cols); !e.empty()) return e;
  TensorType r{DType::f32, {x[0], w[0], cols[0].shape[1]}};
  std::vector<DType> allowed{DType::f32};
  if (in[1].dtype != DType::f32) allowed.push_back(in[1].dtype);
  return settle(out, {r}, {allowed});
}

std::string checkConvTranspose1d(const Attrs &a, const std::vector<TensorType> &in, std::vector<TensorType> &out) {
  if (in.size() != 2) return msg("takes 2 operands (x, w), got ", in.size());
  if (auto e = requirePositive(a, "stride"); !e.empty()) return e;
  if (auto e = requireNonNegative(a, "padding"); !e.empty()) return e;
  if (auto e = requireRank(in[0], "input x", 2, 3); !e.empty()) return e;
  if (auto e = requireRank(in[1], "weights w", 3, 3); !e.empty()) return e;
  if (auto e = requireFloat(in[0], "input x"); !e.empty()) return e;
  if (auto e = requireFloat(in[1], "weights w"); !e.empty()) return e;
  if (!floatPairOk(in[0].dtype, in[1].dtype))
    return msg("dtypes x ", dtypeName(in[0].dtype), " and w ", dtypeName(in[1].dtype),
               " are not supported together (rule: equal, or one of them f32)");
  const Shape &x = in[0].shape, &w = in[1].shape;
  bool batched = x.size() == 3;
  int64_t IC = x[x.size() - 2], Tin = x.back();
  if (known(IC) && known(w[0]) && IC != w[0])
    return msg("input channels differ: x ", shapeToString(x), " has IC = ", IC, ", w ", shapeToString(w),
               " has IC = ", w[0], " (rule: equal IC)");
  if (!known(w[1]) || !known(w[2])) return msg("weights w must have static OC and K");
  int64_t s = a.get("stride"), p = a.get("padding"), OC = w[1], K = w[2], Tout = kDynamic;
  if (known(Tin)) {
    Tout = transposedLength(Tin, s, K, p);
    if (Tout <= 0)
      return msg("T_out = (T_in - 1)*s + K - 2p = (", Tin, " - 1)*", s, " + ", K, " - 2*", p, " = ", Tout,
                 " must be > 0");
  }
  Shape y = batched ? Shape{x[0], OC, Tout} : Shape{OC, Tout};
  DType low = in[0].dtype != DType::f32 ? in[0].dtype : in[1].dtype;
  std::vector<DType> allowed{DType::f32};
  if (low != DType::f32) allowed.push_back(low);
  return settle(out, {TensorType{DType::f32, y}}, {allowed});
}

} // namespace

namespace {
// im2col reads x at ow*s - p + k*d, which lies in [-p, IW + p): its magnitude stays below IW + 2p.
int64_t im2colIndexBound(const Attrs &a, const std::vector<TensorType> &in, const std::vector<TensorType> &) {
  return in[0].shape.back() + 2 * a.get("padding");
}
// col2im's gathers form t + p - k and t_in * s for outputs t < T_out and taps k < K: below
// T_out + 2p + K.
int64_t col2imIndexBound(const Attrs &a, const std::vector<TensorType> &out, int64_t K) {
  return out[0].shape.back() + 2 * a.get("padding") + K;
}
int64_t col2imBound(const Attrs &a, const std::vector<TensorType> &in, const std::vector<TensorType> &out) {
  int64_t OC = std::max<int64_t>(a.get("channels", 1), 1);
  return col2imIndexBound(a, out, in[0].shape.back() / OC);
}
int64_t convTransposeBound(const Attrs &a, const std::vector<TensorType> &in, const std::vector<TensorType> &out) {
  return col2imIndexBound(a, out, in[1].shape.back());
}
} // namespace

const std::vector<OpInfo> &opTable() {
  static const std::vector<OpInfo> table = {
      {"im2col_1d",
       {{"kernel", true, 0}, {"stride", true, 0}, {"padding", false, 0}, {"dilation", false, 1}},
       {"x"},
       {"cols"},
       true,
       {{"time", "channel"}, {"stage"}, false, 1},
       checkIm2Col,
       im2colIndexBound},
      {"col2im_1d",
       {{"stride", true, 0}, {"channels", true, 0}, {"padding", false, 0}},
       {"cols"},
       {"y"},
       true, // every gather sums in ascending t_in from +0 and rounds once, like the reference
       {{"time", "channel"}, {"bounded", "scan", "sweep", "stage"}, false, 1},
       checkCol2Im,
       col2imBound},
      {"concat", {{"axis", false, 0}}, {"a", "b"}, {"out"}, true, {{"rows"}, {}, true, 1}, checkConcat},
      {"matmul",
       {{"transpose_a", false, 0, true}, {"transpose_b", false, 0, true}},
       {"A", "B"},
       {"C"},
       false,
       {{"rows"}, {}, false, 3, true},
       checkMatmul},
      {"conv1d",
       {{"stride", false, 1}, {"padding", false, 0}, {"dilation", false, 1}},
       {"x", "w"},
       {"y"},
       false,
       {{}, {}, false, 0, true},
       checkConv1d,
       im2colIndexBound},
      {"conv_transpose_1d",
       {{"stride", false, 1}, {"padding", false, 0}},
       {"x", "w"},
       {"y"},
       false,
       {{}, {}, false, 0, true},
       checkConvTranspose1d,
       convTransposeBound},
  };
  return table;
}

std::string inferAndCheck(std::string_view op, const Attrs &given, const std::vector<TensorType> &operands,
                          std::vector<TensorType> &results) {
  const OpInfo *info = findOp(op);
  if (!info) return msg("unknown op '", op, "' (known: ", knownOpNames(), ")");
  return info->check(withDefaults(op, given), operands, results);
}

} // namespace weft
