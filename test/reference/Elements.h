// Element access by offset (in elements from data()) for any dtype: what the references and the
// comparisons share. Internal to weft_reference.
#pragma once

#include "weft/Half.h"
#include "weft/Runtime.h"

#include <cstring>

namespace weft::ref {

inline char *elementPtr(const Buffer &b, int64_t off) {
  return static_cast<char *>(b.data()) + off * int64_t(dtypeSize(b.dtype()));
}

template <typename T> T loadAs(const Buffer &b, int64_t off) {
  T v;
  std::memcpy(&v, elementPtr(b, off), sizeof v);
  return v;
}

template <typename T> void storeAs(Buffer &b, int64_t off, T v) { std::memcpy(elementPtr(b, off), &v, sizeof v); }

/// The element as a double: exact for every float dtype and for integers below 2^53.
inline double loadElement(const Buffer &b, int64_t off) {
  switch (b.dtype()) {
  case DType::f32: return loadAs<float>(b, off);
  case DType::f16: return halfToFloat(loadAs<uint16_t>(b, off));
  case DType::bf16: return bf16ToFloat(loadAs<uint16_t>(b, off));
  case DType::i8: return loadAs<int8_t>(b, off);
  case DType::i16: return loadAs<int16_t>(b, off);
  case DType::i32: return loadAs<int32_t>(b, off);
  case DType::i64: return double(loadAs<int64_t>(b, off));
  }
  return 0;
}

/// Stores `v`: floats round to float32 and then, for f16/bf16, to nearest even once more;
/// integers are truncated toward zero and then to the dtype's width.
inline void storeElement(Buffer &b, int64_t off, double v) {
  switch (b.dtype()) {
  case DType::f32: return storeAs<float>(b, off, float(v));
  case DType::f16: return storeAs<uint16_t>(b, off, floatToHalf(float(v)));
  case DType::bf16: return storeAs<uint16_t>(b, off, floatToBf16(float(v)));
  case DType::i8: return storeAs<int8_t>(b, off, int8_t(int64_t(v)));
  case DType::i16: return storeAs<int16_t>(b, off, int16_t(int64_t(v)));
  case DType::i32: return storeAs<int32_t>(b, off, int32_t(int64_t(v)));
  case DType::i64: return storeAs<int64_t>(b, off, int64_t(v));
  }
}

/// The offset of element `index` of `b` through its strides.
inline int64_t offsetOf(const Buffer &b, const Shape &index) {
  int64_t off = 0;
  for (size_t d = 0; d < index.size(); ++d) off += index[d] * b.strides()[d];
  return off;
}

} // namespace weft::ref
