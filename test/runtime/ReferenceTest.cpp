#include "Reference.h"
#include "TestUtil.h"
#include "weft/Half.h"

#include <cmath>
#include <cstring>
#include <vector>

using namespace weft;
using weft::test::failsWith;
using weft::test::isOk;
using weft::test::take;

namespace {

Buffer f32(const Shape &shape, const std::vector<float> &values) {
  Buffer b = take(Buffer::allocate(DType::f32, shape));
  EXPECT_EQ(size_t(b.numElements()), values.size());
  std::copy(values.begin(), values.end(), static_cast<float *>(b.data()));
  return b;
}

Buffer random(DType t, const Shape &shape, uint64_t seed) {
  Buffer b = take(Buffer::allocate(t, shape));
  fillRandom(b, seed);
  return b;
}

// The reference's output for `op` into a new buffer of `dtype` and `shape`.
Buffer run(const std::string &op, const Attrs &attrs, std::vector<const Buffer *> inputs, DType dtype,
           const Shape &shape) {
  Buffer out = take(Buffer::allocate(dtype, shape));
  EXPECT_TRUE(isOk(referenceOp(op, attrs, inputs, out)));
  return out;
}

// `b`'s memory seen with another shape (a reshape of a contiguous buffer).
Buffer reshaped(const Buffer &b, const Shape &shape) {
  return take(Buffer::wrap(b.data(), b.bytes(), b.dtype(), shape));
}

} // namespace

TEST(Reference, Col2ImByHand) {
  // K = 2, OC = 1, s = 1: y = [c00, c01 + c10, c11 + c20, c21].
  Buffer cols = f32({3, 2}, {1, 2, 3, 4, 5, 6});
  Buffer y = run("col2im_1d", {{"stride", 1}, {"channels", 1}}, {&cols}, DType::f32, {1, 4});
  EXPECT_TRUE(isOk(expectBitExact(y, f32({1, 4}, {1, 5, 9, 6}))));
  // K = 2 < s = 3 leaves gaps of zeros; OC = 2 interleaves the channels' taps in each row.
  Buffer gaps = f32({2, 4}, {1, 2, 10, 20, 3, 4, 30, 40});
  Buffer yg = run("col2im_1d", {{"stride", 3}, {"channels", 2}}, {&gaps}, DType::f32, {2, 5});
  EXPECT_TRUE(isOk(expectBitExact(yg, f32({2, 5}, {1, 2, 0, 3, 4, 10, 20, 0, 30, 40}))));
  // Padding crops p from both ends: K = 3, s = 2, p = 1 on T_in = 2 gives T_out = 3.
  Buffer crop = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  Buffer yc = run("col2im_1d", {{"stride", 2}, {"channels", 1}, {"padding", 1}}, {&crop}, DType::f32, {1, 3});
  EXPECT_TRUE(isOk(expectBitExact(yc, f32({1, 3}, {2, 3 + 4, 5}))));
}

TEST(Reference, Col2ImBatchedIsEachItemAndRoundsOnceToF16) {
  Buffer cols = random(DType::f16, {3, 11, 24}, 5); // OC = 4, K = 6
  Attrs a{{"stride", 3}, {"channels", 4}, {"padding", 1}};
  Buffer y = run("col2im_1d", a, {&cols}, DType::f16, {3, 4, 34});
  for (int64_t n = 0; n < 3; ++n) {
    Buffer item = take(Buffer::wrap(static_cast<uint16_t *>(cols.data()) + n * 11 * 24, 11 * 24 * 2, DType::f16, {11, 24}));
    Buffer want = run("col2im_1d", a, {&item}, DType::f16, {4, 34});
    Buffer got = take(Buffer::wrap(static_cast<uint16_t *>(y.data()) + n * 4 * 34, 4 * 34 * 2, DType::f16, {4, 34}));
    EXPECT_TRUE(isOk(expectBitExact(got, want))) << "n = " << n;
  }
  // y[0][0][5]: a = t + p = 6 takes t_in = 1 (k = 3) and t_in = 2 (k = 0), added in f32.
  auto *c = static_cast<const uint16_t *>(cols.data());
  float sum = halfToFloat(c[1 * 24 + 3]) + halfToFloat(c[2 * 24 + 0]);
  EXPECT_EQ(static_cast<const uint16_t *>(y.data())[5], floatToHalf(sum));
  EXPECT_TRUE(failsWith(referenceOp("col2im_1d", a, {&cols}, y = take(Buffer::allocate(DType::f16, {2, 4, 34}))),
                        {"reference weft.col2im_1d", "result shape [2, 4, 34] must be [3, 4, 34]"}));
}

TEST(Reference, Im2ColByHand) {
  // x[1][2][4], K = 2, s = 2, p = 1, d = 1: OW = (4 + 2 - 1 - 1)/2 + 1 = 3.
  Buffer x = f32({1, 2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
  Buffer cols = run("im2col_1d", {{"kernel", 2}, {"stride", 2}, {"padding", 1}}, {&x}, DType::bf16, {1, 3, 4});
  std::vector<float> want = {0, 1, 0, 5, 2, 3, 6, 7, 4, 0, 8, 0};
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_EQ(bf16ToFloat(static_cast<uint16_t *>(cols.data())[i]), want[i]) << i;
}

TEST(Reference, ConcatOfStridedViewsInEveryDtype) {
  for (DType t : kAllDTypes) {
    Buffer base = random(t, {3, 4}, 11);
    // a: base seen transposed, [4][3] with strides [1, 4]; b: a dense [4][2]; axis 1 gives [4][5].
    Buffer a = take(Buffer::wrap(base.data(), base.bytes(), t, {4, 3}, {1, 4}));
    Buffer b = random(t, {4, 2}, 12);
    Buffer out = run("concat", {{"axis", 1}}, {&a, &b}, t, {4, 5});
    size_t e = dtypeSize(t);
    auto *o = static_cast<const char *>(out.data());
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 5; ++j) {
        const char *src = j < 3 ? static_cast<const char *>(base.data()) + (j * 4 + i) * e
                                : static_cast<const char *>(b.data()) + (i * 2 + j - 3) * e;
        ASSERT_EQ(std::memcmp(o + (i * 5 + j) * e, src, e), 0) << dtypeName(t) << " " << i << "," << j;
      }
  }
}

TEST(Reference, MatmulI8IsExactAndBroadcastsBatches) {
  // A [2][1][2][3] x B [3][3][2] -> C [2][3][2][2]: A's batch dim 1 (extent 1) and B's missing
  // dim 0 broadcast. Each output batch must equal the 2-D product of the slices it reads.
  Buffer A = random(DType::i8, {2, 1, 2, 3}, 1), B = random(DType::i8, {3, 3, 2}, 2);
  Buffer C = run("matmul", {}, {&A, &B}, DType::i32, {2, 3, 2, 2});
  auto *a = static_cast<const int8_t *>(A.data());
  auto *b = static_cast<const int8_t *>(B.data());
  auto *c = static_cast<const int32_t *>(C.data());
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int m = 0; m < 2; ++m)
        for (int n = 0; n < 2; ++n) {
          int32_t want = 0;
          for (int k = 0; k < 3; ++k) want += a[i * 6 + m * 3 + k] * b[j * 6 + k * 2 + n];
          EXPECT_EQ(c[((i * 3 + j) * 2 + m) * 2 + n], want);
        }
}

TEST(Reference, MatmulTransposesAgreeWithEachOther) {
  // C = A B three ways: plain, A stored transposed, B stored transposed (as strided views of the
  // same memory). bf16 inputs are exact in float64, so the three must agree bit for bit.
  Buffer A = random(DType::bf16, {2, 5, 7}, 3), B = random(DType::bf16, {7, 4}, 4);
  Buffer C = run("matmul", {}, {&A, &B}, DType::f32, {2, 5, 4});
  Buffer At = take(Buffer::wrap(A.data(), A.bytes(), DType::bf16, {2, 7, 5}, {35, 1, 7}));
  Buffer Bt = take(Buffer::wrap(B.data(), B.bytes(), DType::bf16, {4, 7}, {1, 4}));
  EXPECT_TRUE(isOk(expectBitExact(run("matmul", {{"transpose_a", 1}}, {&At, &B}, DType::f32, {2, 5, 4}), C)));
  EXPECT_TRUE(isOk(expectBitExact(run("matmul", {{"transpose_b", 1}}, {&A, &Bt}, DType::f32, {2, 5, 4}), C)));
  Buffer Cbf = run("matmul", {}, {&A, &B}, DType::bf16, {2, 5, 4});
  EXPECT_TRUE(isOk(expectClose(Cbf, C, 1e-2)));
  EXPECT_EQ(static_cast<uint16_t *>(Cbf.data())[3], floatToBf16(static_cast<float *>(C.data())[3]));
}

TEST(Reference, ConvTransposeIsMatmulThenCol2Im) {
  struct Case {
    int64_t N, IC, OC, K, Tin, s, p;
  };
  for (Case c : {Case{0, 3, 2, 4, 7, 2, 0}, Case{0, 5, 3, 2, 9, 3, 0}, Case{2, 4, 3, 6, 11, 3, 1},
                 Case{3, 2, 1, 16, 5, 8, 0}, Case{0, 1, 5, 1, 13, 3, 0}}) {
    Shape xs = c.N ? Shape{c.N, c.IC, c.Tin} : Shape{c.IC, c.Tin};
    Buffer x = random(DType::f32, xs, 20), w = random(DType::f16, {c.IC, c.OC, c.K}, 21);
    int64_t Tout = (c.Tin - 1) * c.s + c.K - 2 * c.p;
    Shape ys = c.N ? Shape{c.N, c.OC, Tout} : Shape{c.OC, Tout};
    Buffer y = run("conv_transpose_1d", {{"stride", c.s}, {"padding", c.p}}, {&x, &w}, DType::f32, ys);
    // cols[(N)][T_in][OC*K] = x^T . W' with W' = w as [IC][OC*K]; then col2im.
    Buffer Wp = reshaped(w, {c.IC, c.OC * c.K});
    Shape cs = c.N ? Shape{c.N, c.Tin, c.OC * c.K} : Shape{c.Tin, c.OC * c.K};
    Buffer cols = run("matmul", {{"transpose_a", 1}}, {&x, &Wp}, DType::f32, cs);
    Buffer y2 = run("col2im_1d", {{"stride", c.s}, {"channels", c.OC}, {"padding", c.p}}, {&cols}, DType::f32, ys);
    EXPECT_TRUE(isOk(expectClose(y2, y, 1e-6))) << "K=" << c.K << " s=" << c.s << " p=" << c.p;
  }
}

TEST(Reference, Conv1dIsIm2ColThenMatmul) {
  for (int64_t d : {1, 2})
    for (int64_t s : {1, 3}) {
      int64_t N = 2, IC = 3, IW = 20, OC = 4, K = 3, p = 2, OW = (IW + 2 * p - d * (K - 1) - 1) / s + 1;
      Buffer x = random(DType::f32, {N, IC, IW}, 30 + d), w = random(DType::f32, {OC, IC, K}, 40 + s);
      Attrs a{{"stride", s}, {"padding", p}, {"dilation", d}};
      Buffer y = run("conv1d", a, {&x, &w}, DType::f32, {N, OC, OW});
      a.set("kernel", K);
      Buffer cols = run("im2col_1d", a, {&x}, DType::f32, {N, OW, IC * K});
      Buffer Wp = reshaped(w, {OC, IC * K});
      Buffer y2 = run("matmul", {{"transpose_b", 1}}, {&Wp, &cols}, DType::f32, {N, OC, OW});
      EXPECT_TRUE(isOk(expectClose(y2, y, 1e-6))) << "d=" << d << " s=" << s;
    }
}

TEST(Reference, RefusesWhatTheOpRulesRefuse) {
  Buffer cols = random(DType::f32, {4, 6}, 1);
  Buffer y = take(Buffer::allocate(DType::f32, {4, 8}));
  EXPECT_TRUE(failsWith(referenceOp("col2im_1d", {{"stride", 2}, {"channels", 4}}, {&cols}, y),
                        {"reference weft.col2im_1d", "not a multiple of channels = 4"}));
  EXPECT_TRUE(failsWith(referenceOp("col2im_1d", {{"stride", 2}, {"channels", 3}}, {&cols}, y),
                        {"result shape [4, 8] must be [3, 8]"}));
  EXPECT_TRUE(failsWith(referenceOp("concat", {}, {&cols, nullptr}, y), {"input 1 is null"}));
  EXPECT_TRUE(failsWith(referenceOp("softmax", {}, {&cols}, y), {"unknown op 'softmax'"}));
}

TEST(Reference, FillRandomStaysInRange) {
  for (DType t : kAllDTypes) {
    Buffer b = random(t, {257}, 99);
    bool nonZero = false;
    for (int64_t i = 0; i < 257; ++i) {
      Buffer one = take(Buffer::wrap(static_cast<char *>(b.data()) + i * dtypeSize(t), dtypeSize(t), t, {}));
      Buffer zero = take(Buffer::allocate(t, {}));
      nonZero = nonZero || !expectBitExact(one, zero).ok();
    }
    EXPECT_TRUE(nonZero) << dtypeName(t);
  }
  Buffer f = random(DType::f32, {1000}, 3);
  for (int64_t i = 0; i < 1000; ++i) ASSERT_LE(std::fabs(static_cast<float *>(f.data())[i]), 1.0f);
  Buffer q = random(DType::i8, {1000}, 3);
  for (int64_t i = 0; i < 1000; ++i) ASSERT_LE(std::abs(static_cast<int8_t *>(q.data())[i]), 8);
  Buffer again = random(DType::f32, {1000}, 3);
  EXPECT_TRUE(isOk(expectBitExact(again, f))); // the seed fixes the data
}

TEST(Reference, ComparisonsNameTheFirstDifference) {
  Buffer a = f32({2, 2}, {1, 2, 3, 4}), b = f32({2, 2}, {1, 2, 3.5f, 4});
  EXPECT_TRUE(isOk(expectBitExact(a, a)));
  EXPECT_TRUE(failsWith(expectBitExact(a, b), {"element 2 [1, 0] differs: got 3 (0x40400000), want 3.5 (0x40600000)"}));
  EXPECT_TRUE(failsWith(expectBitExact(a, f32({4}, {1, 2, 3, 4})), {"got shape [2, 2] f32, want [4] f32"}));
  // ||a - b|| / ||b|| = 0.5 / sqrt(1 + 4 + 12.25 + 16) = 0.0867
  EXPECT_TRUE(isOk(expectClose(a, b, 0.09)));
  EXPECT_TRUE(failsWith(expectClose(a, b, 0.08), {"relative Frobenius error 0.0867 exceeds 0.08", "[1, 0]"}));
  Buffer nan = f32({2, 2}, {1, 2, NAN, 4});
  EXPECT_TRUE(failsWith(expectClose(nan, a, 1.0), {"element 2 [1, 0]: got nan"}));
  EXPECT_TRUE(isOk(expectClose(nan, nan, 0.0)));
}
