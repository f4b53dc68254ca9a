// The shared op rules refuse attribute values and shapes whose arithmetic would leave int64 (issue
// 13): before the bounds these inputs crashed the loop builders, read outside buffers or gave
// wrong shapes with exit 0, through the verifier, the CLI and dispatch alike.
#include "weft/OpRules.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace weft;

namespace {

std::string check(const std::string &op, Attrs attrs, std::vector<TensorType> in) {
  std::vector<TensorType> out;
  return inferAndCheck(op, attrs, in, out);
}

TensorType f32(Shape s) { return {DType::f32, std::move(s)}; }

} // namespace

TEST(OpRules, AttributesPastTheBoundAreRefused) {
  EXPECT_EQ(check("im2col_1d", {{"kernel", 3}, {"stride", 1}, {"dilation", 9223372036850581504}}, {f32({1, 2, 20})}),
            "dilation = 9223372036850581504 must be <= 2147483647");
  EXPECT_EQ(check("col2im_1d", {{"stride", 4611686018427387905}, {"channels", 3}}, {f32({5, 12})}),
            "stride = 4611686018427387905 must be <= 2147483647");
  EXPECT_EQ(check("col2im_1d", {{"stride", 2}, {"channels", 3}, {"padding", INT64_MAX}}, {f32({5, 12})}),
            "padding = 9223372036854775807 must be <= 2147483647");
  EXPECT_EQ(check("im2col_1d", {{"kernel", 3}, {"stride", 4294967288}, {"padding", 4294967280}}, {f32({1, 2, 20})}),
            "stride = 4294967288 must be <= 2147483647");
  EXPECT_EQ(check("conv_transpose_1d", {{"stride", 1}, {"padding", int64_t(1) << 40}}, {f32({4, 8}), f32({4, 2, 3})}),
            "padding = 1099511627776 must be <= 2147483647");
  EXPECT_EQ(check("conv1d", {{"stride", 1}, {"dilation", int64_t(1) << 33}}, {f32({1, 4, 8}), f32({2, 4, 3})}),
            "dilation = 8589934592 must be <= 2147483647");
  // The bound itself is fine.
  EXPECT_EQ(check("col2im_1d", {{"stride", kMaxAttrValue}, {"channels", 1}}, {f32({2, 1})}), "");
}

TEST(OpRules, ShapesPastTheElementBoundAreRefused) {
  EXPECT_EQ(check("concat", {}, {f32({4294967296, 4294967296}), f32({4294967296, 4294967296})}),
            "input a [4294967296, 4294967296] has more than 281474976710656 elements (rule: at most 2^48 "
            "elements per tensor)");
  EXPECT_EQ(check("im2col_1d", {{"kernel", 3}, {"stride", 1}}, {f32({1, 4611686018427387904, 20})}),
            "input x [1, 4611686018427387904, 20] has more than 281474976710656 elements (rule: at most 2^48 "
            "elements per tensor)");
  EXPECT_EQ(check("matmul", {}, {f32({4294967296, 4294967296, 2, 2}), f32({2, 2})}),
            "operand A [4294967296, 4294967296, 2, 2] has more than 281474976710656 elements (rule: at most 2^48 "
            "elements per tensor)");
  // A result that would pass the bound, through an overflowing length (saturated, then refused).
  std::string r = check("col2im_1d", {{"stride", kMaxAttrValue}, {"channels", 1}}, {f32({int64_t(1) << 40, 1})});
  EXPECT_NE(r.find("the result [1, "), std::string::npos) << r;
  EXPECT_NE(r.find("has more than 281474976710656 elements"), std::string::npos) << r;
  // im2col's row width IC*K past int64.
  r = check("im2col_1d", {{"kernel", kMaxAttrValue}, {"stride", 1}, {"padding", kMaxAttrValue}},
            {f32({1, int64_t(1) << 40, 2})});
  EXPECT_NE(r.find("has more than 281474976710656 elements"), std::string::npos) << r;
  // Dynamic extents stay to dispatch.
  EXPECT_EQ(check("concat", {}, {f32({kDynamic, 4}), f32({kDynamic, 4})}), "");
}

// Function names become entry points, C symbols and file names on every target (issue 13 item 6).
TEST(OpRules, FunctionNamesAreIdentifiersThatNoLanguageReserves) {
  for (const char *good : {"col2im_vocoder", "_private", "stage0", "Upsample", "x"})
    EXPECT_EQ(checkFunctionName(good), "") << good;
  const std::pair<const char *, const char *> bad[] = {
      {"", "empty name"},
      {"../escaped", "must start with a letter or _"},
      {"a/b", "holds a character other than a letter, digit or _"},
      {"two\nlines", "holds a character other than a letter, digit or _"},
      {"9lives", "must start with a letter or _"},
      {"class", "keyword or a reserved name"},
      {"kernel", "keyword or a reserved name"},
      {"uniform", "keyword or a reserved name"},
      {"memcpy", "keyword or a reserved name"},
      {"__x", "is reserved"},
      {"_Kernel", "is reserved"},
      {"gl_GlobalInvocationID", "is reserved"},
  };
  for (const auto &[name, rule] : bad) {
    std::string why = checkFunctionName(name);
    EXPECT_NE(why.find(rule), std::string::npos) << "'" << name << "': " << why;
  }
  EXPECT_EQ(checkFunctionName(std::string(kMaxFunctionName, 'a')), "");
  EXPECT_NE(checkFunctionName(std::string(kMaxFunctionName + 1, 'a')).find("(rule: at most 64)"), std::string::npos);
}

// matmul's transposes are flags: 2 is not read as true (issue 13 item 8).
TEST(OpRules, FlagsAreZeroOrOne) {
  EXPECT_EQ(check("matmul", {{"transpose_a", 2}}, {f32({4, 4}), f32({4, 4})}),
            "transpose_a = 2 must be 0 or 1 (a flag: false or true)");
  EXPECT_EQ(check("matmul", {{"transpose_b", -1}}, {f32({4, 4}), f32({4, 4})}),
            "transpose_b = -1 must be 0 or 1 (a flag: false or true)");
  EXPECT_EQ(check("matmul", {{"transpose_a", 1}, {"transpose_b", 0}}, {f32({4, 4}), f32({4, 4})}), "");
}

// Each op is one entry of the table: its inputs' names are as many as its rule takes operands,
// its attribute names are distinct, and an unknown op is named with the known ones.
TEST(OpRules, TheTableHoldsEachOpOnce) {
  std::vector<std::string_view> seen;
  for (const OpInfo &op : opTable()) {
    EXPECT_EQ(findOp(op.name), &op);
    EXPECT_EQ(std::count(seen.begin(), seen.end(), op.name), 0) << op.name;
    seen.push_back(op.name);
    for (size_t i = 0; i < op.attrs.size(); ++i)
      for (size_t j = i + 1; j < op.attrs.size(); ++j) EXPECT_NE(op.attrs[i].name, op.attrs[j].name) << op.name;
    EXPECT_EQ(op.outputs.size(), 1u) << op.name;
    // One operand too many is refused by the op's own rule, naming how many it takes.
    std::vector<TensorType> in(op.inputs.size() + 1, f32({2, 2, 2}));
    EXPECT_NE(check(std::string(op.name), {}, in).find("takes " + std::to_string(op.inputs.size()) + " operand"),
              std::string::npos)
        << op.name;
  }
  EXPECT_EQ(knownOpNames(), "im2col_1d, col2im_1d, concat, matmul, conv1d, conv_transpose_1d");
  EXPECT_EQ(check("fold", {}, {f32({2})}),
            "unknown op 'fold' (known: im2col_1d, col2im_1d, concat, matmul, conv1d, conv_transpose_1d)");
  // Defaults come from the table; given values stay.
  Attrs a = withDefaults("im2col_1d", {{"kernel", 3}, {"stride", 2}});
  EXPECT_EQ(a.get("dilation", -7), 1);
  EXPECT_EQ(a.get("padding", -7), 0);
  EXPECT_EQ(a.get("stride", -7), 2);
}
