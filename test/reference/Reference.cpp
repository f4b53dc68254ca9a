#include "Reference.h"

#include "Elements.h"

#include <algorithm>
#include <cstring>

namespace weft {

using ref::loadElement;
using ref::offsetOf;
using ref::storeElement;

namespace {

// The t_in that reach output position a = t + p through some tap k = a - t_in*s in [0, K):
// [max(0, ceil((a - K + 1)/s)), min(T_in - 1, floor(a/s))], ascending. Empty when lo > hi.
void contributingInputs(int64_t a, int64_t K, int64_t s, int64_t Tin, int64_t &lo, int64_t &hi) {
  int64_t first = a - K + 1;
  lo = first <= 0 ? 0 : (first + s - 1) / s;
  hi = std::min(Tin - 1, a / s);
}

// A leading batch dim, when an operand has one: its stride (0 without) and the dims after it.
struct Batched {
  int64_t stride = 0;
  size_t first = 0; // index of the first non-batch dim
};
Batched batchOf(const Buffer &b, size_t unbatchedRank) {
  if (b.shape().size() == unbatchedRank) return {};
  return {b.strides()[0], 1};
}

void im2col(const Attrs &a, const Buffer &x, Buffer &cols) {
  const int64_t K = a.get("kernel"), s = a.get("stride"), p = a.get("padding"), d = a.get("dilation");
  const int64_t N = x.shape()[0], IC = x.shape()[1], IW = x.shape()[2], OW = cols.shape()[1];
  const Shape &xs = x.strides(), &cs = cols.strides();
  for (int64_t n = 0; n < N; ++n)
    for (int64_t ow = 0; ow < OW; ++ow)
      for (int64_t ic = 0; ic < IC; ++ic)
        for (int64_t k = 0; k < K; ++k) {
          int64_t pos = ow * s + k * d - p;
          double v = pos >= 0 && pos < IW ? loadElement(x, n * xs[0] + ic * xs[1] + pos * xs[2]) : 0.0;
          storeElement(cols, n * cs[0] + ow * cs[1] + (ic * K + k) * cs[2], v);
        }
}

void col2im(const Attrs &a, const Buffer &cols, Buffer &y) {
  const Batched bc = batchOf(cols, 2), by = batchOf(y, 2);
  const int64_t N = bc.first ? cols.shape()[0] : 1;
  const int64_t Tin = cols.shape()[bc.first], OC = y.shape()[by.first], Tout = y.shape()[by.first + 1];
  const int64_t s = a.get("stride"), p = a.get("padding"), K = cols.shape()[bc.first + 1] / OC;
  const int64_t cr = cols.strides()[bc.first], cc = cols.strides()[bc.first + 1];
  const int64_t yc = y.strides()[by.first], yt = y.strides()[by.first + 1];
  for (int64_t n = 0; n < N; ++n)
    for (int64_t oc = 0; oc < OC; ++oc)
      for (int64_t t = 0; t < Tout; ++t) {
        int64_t lo, hi;
        contributingInputs(t + p, K, s, Tin, lo, hi);
        float acc = 0.0f; // ops.md: float32, ascending t_in, one rounding at the end
        for (int64_t tin = lo; tin <= hi; ++tin)
          acc += float(loadElement(cols, n * bc.stride + tin * cr + (oc * K + t + p - tin * s) * cc));
        storeElement(y, n * by.stride + oc * yc + t * yt, acc);
      }
}

void concat(const Attrs &attrs, const Buffer &a, const Buffer &b, Buffer &out) {
  const size_t axis = size_t(attrs.get("axis")), elem = dtypeSize(out.dtype());
  const int64_t split = a.shape()[axis];
  for (ElementWalk w(out); !w.done(); w.next()) {
    Shape idx = w.index();
    const Buffer *src = &a;
    if (idx[axis] >= split) {
      idx[axis] -= split;
      src = &b;
    }
    std::memcpy(ref::elementPtr(out, w.offset()), ref::elementPtr(*src, offsetOf(*src, idx)), elem);
  }
}

// The offset of operand `x`'s batch for output batch index `outIdx` (the first `nb` of the
// output's dims): dims align from the right, and a smaller extent e of an output extent E is read
// at index i / (E / e), as ggml broadcasts.
int64_t batchOffset(const Buffer &x, const Buffer &out, const Shape &outIdx, size_t nb) {
  size_t xb = x.shape().size() - 2;
  int64_t off = 0;
  for (size_t j = 0; j < xb; ++j) {
    size_t i = nb - xb + j;
    off += outIdx[i] / (out.shape()[i] / x.shape()[j]) * x.strides()[j];
  }
  return off;
}

void matmul(const Attrs &attrs, const Buffer &A, const Buffer &B, Buffer &C) {
  const bool tA = attrs.get("transpose_a") != 0, tB = attrs.get("transpose_b") != 0;
  const size_t ra = A.shape().size(), rb = B.shape().size(), nb = C.shape().size() - 2;
  const int64_t K = tA ? A.shape()[ra - 2] : A.shape()[ra - 1];
  const int64_t am = A.strides()[tA ? ra - 1 : ra - 2], ak = A.strides()[tA ? ra - 2 : ra - 1];
  const int64_t bk = B.strides()[tB ? rb - 1 : rb - 2], bn = B.strides()[tB ? rb - 2 : rb - 1];
  for (ElementWalk w(C); !w.done(); w.next()) {
    const Shape &idx = w.index();
    int64_t a0 = batchOffset(A, C, idx, nb) + idx[nb] * am, b0 = batchOffset(B, C, idx, nb) + idx[nb + 1] * bn;
    double acc = 0; // exact for i8 x i8 too: every partial sum is an integer far below 2^53
    for (int64_t k = 0; k < K; ++k) acc += loadElement(A, a0 + k * ak) * loadElement(B, b0 + k * bk);
    storeElement(C, w.offset(), acc);
  }
}

void conv1d(const Attrs &a, const Buffer &x, const Buffer &w, Buffer &y) {
  const int64_t s = a.get("stride"), p = a.get("padding"), d = a.get("dilation");
  const int64_t N = x.shape()[0], IC = x.shape()[1], IW = x.shape()[2];
  const int64_t OC = w.shape()[0], K = w.shape()[2], OW = y.shape()[2];
  const Shape &xs = x.strides(), &ws = w.strides(), &ys = y.strides();
  for (int64_t n = 0; n < N; ++n)
    for (int64_t oc = 0; oc < OC; ++oc)
      for (int64_t ow = 0; ow < OW; ++ow) {
        double acc = 0;
        for (int64_t ic = 0; ic < IC; ++ic)
          for (int64_t k = 0; k < K; ++k) {
            int64_t pos = ow * s + k * d - p;
            if (pos >= 0 && pos < IW)
              acc += loadElement(x, n * xs[0] + ic * xs[1] + pos * xs[2]) *
                     loadElement(w, oc * ws[0] + ic * ws[1] + k * ws[2]);
          }
        storeElement(y, n * ys[0] + oc * ys[1] + ow * ys[2], acc);
      }
}

void convTranspose1d(const Attrs &a, const Buffer &x, const Buffer &w, Buffer &y) {
  const Batched bx = batchOf(x, 2), by = batchOf(y, 2);
  const int64_t N = bx.first ? x.shape()[0] : 1, IC = x.shape()[bx.first], Tin = x.shape()[bx.first + 1];
  const int64_t OC = w.shape()[1], K = w.shape()[2], Tout = y.shape()[by.first + 1];
  const int64_t s = a.get("stride"), p = a.get("padding");
  const int64_t xc = x.strides()[bx.first], xt = x.strides()[bx.first + 1];
  const int64_t yc = y.strides()[by.first], yt = y.strides()[by.first + 1];
  const Shape &ws = w.strides();
  for (int64_t n = 0; n < N; ++n)
    for (int64_t oc = 0; oc < OC; ++oc)
      for (int64_t t = 0; t < Tout; ++t) {
        int64_t lo, hi;
        contributingInputs(t + p, K, s, Tin, lo, hi);
        double acc = 0; // y[oc][t] = sum over ic and t_in*s + k = t + p of x[ic][t_in] * w[ic][oc][k]
        for (int64_t ic = 0; ic < IC; ++ic)
          for (int64_t tin = lo; tin <= hi; ++tin)
            acc += loadElement(x, n * bx.stride + ic * xc + tin * xt) *
                   loadElement(w, ic * ws[0] + oc * ws[1] + (t + p - tin * s) * ws[2]);
        storeElement(y, n * by.stride + oc * yc + t * yt, acc);
      }
}

} // namespace

Status referenceOp(const std::string &op, const Attrs &given, const std::vector<const Buffer *> &inputs,
                   Buffer &output) {
  auto fail = [&](const std::string &why) { return Status::error("reference weft." + op + ": " + why); };
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!inputs[i]) return fail("input " + std::to_string(i) + " is null");
  std::vector<TensorType> in, out{output.tensorType()};
  for (const Buffer *b : inputs) in.push_back(b->tensorType());
  if (std::string e = inferAndCheck(op, given, in, out); !e.empty()) return fail(e);
  const Attrs a = withDefaults(op, given);
  if (op == "im2col_1d") im2col(a, *inputs[0], output);
  else if (op == "col2im_1d") col2im(a, *inputs[0], output);
  else if (op == "concat") concat(a, *inputs[0], *inputs[1], output);
  else if (op == "matmul") matmul(a, *inputs[0], *inputs[1], output);
  else if (op == "conv1d") conv1d(a, *inputs[0], *inputs[1], output);
  else if (op == "conv_transpose_1d") convTranspose1d(a, *inputs[0], *inputs[1], output);
  else return fail("has no reference"); // inferAndCheck knows the same ops, so this is a new op
  return Status();
}

} // namespace weft
