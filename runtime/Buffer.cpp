#include "weft/Runtime.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace weft {

namespace {

constexpr size_t kAlignment = 64; // a cache line, and enough for any vector load

// a * b for non-negative operands, false when it does not fit in int64_t.
bool mulChecked(int64_t a, int64_t b, int64_t &out) { return !__builtin_mul_overflow(a, b, &out); }

std::string viewText(DType dtype, const Shape &shape, const Shape &strides) {
  return shapeToString(shape) + " " + dtypeName(dtype) + " with strides " + shapeToString(strides);
}

} // namespace

Result<size_t> contiguousBytes(DType dtype, const Shape &shape) {
  int64_t bytes = int64_t(dtypeSize(dtype));
  for (size_t d = 0; d < shape.size(); ++d)
    if (shape[d] < 0)
      return Status::error("shape " + shapeToString(shape) + " has extent " + std::to_string(shape[d]) +
                           " in dim " + std::to_string(d) + " (rule: extents >= 0)");
  for (int64_t e : shape)
    if (!mulChecked(bytes, e, bytes))
      return Status::error("shape " + shapeToString(shape) + " " + dtypeName(dtype) +
                           " needs more than 2^63 bytes");
  // A shape with no elements still has strides, the products of the extents right of each dim:
  // they must fit as well (found by weft-fuzz-npy: a [0, 100469560, 669, ...] header overflowed
  // them in contiguousStrides).
  int64_t span = int64_t(dtypeSize(dtype));
  for (int64_t e : shape)
    if (e > 0 && !mulChecked(span, e, span))
      return Status::error("shape " + shapeToString(shape) + " " + dtypeName(dtype) +
                           " has no elements, but its nonzero extents need more than 2^63 bytes (rule: "
                           "their product must fit, as the strides are computed from it)");
  return size_t(bytes);
}

Shape contiguousStrides(const Shape &shape) {
  Shape strides(shape.size());
  int64_t running = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    strides[d] = running;
    running *= shape[d];
  }
  return strides;
}

Result<Buffer> Buffer::allocate(DType dtype, Shape shape) {
  Result<size_t> bytes = contiguousBytes(dtype, shape);
  if (!bytes) return Status::error("Buffer::allocate: " + bytes.message());
  // aligned_alloc wants a multiple of the alignment, and a zero-byte tensor still gets a pointer.
  size_t rounded = *bytes <= kAlignment ? kAlignment : *bytes;
  if (rounded % kAlignment) rounded += kAlignment - rounded % kAlignment;
  void *p = std::aligned_alloc(kAlignment, rounded); // bytes <= 2^63: the rounding cannot wrap
  if (!p)
    return Status::error("Buffer::allocate: cannot allocate " + std::to_string(*bytes) + " bytes for " +
                         shapeToString(shape) + " " + dtypeName(dtype));
  std::memset(p, 0, rounded);
  Buffer b;
  b.owner = std::shared_ptr<void>(p, std::free);
  b.ptr = p;
  b.capacity = *bytes;
  b.elemStrides = contiguousStrides(shape);
  b.type = TensorType{dtype, std::move(shape)};
  return b;
}

Result<Buffer> Buffer::wrap(void *data, size_t bytes, DType dtype, Shape shape, Shape strides) {
  auto fail = [&](const std::string &why) { return Status::error("Buffer::wrap: " + why); };
  Result<size_t> dense = contiguousBytes(dtype, shape); // also rejects negative extents
  if (!dense) return fail(dense.message());
  if (strides.empty()) strides = contiguousStrides(shape);
  if (strides.size() != shape.size())
    return fail("shape " + shapeToString(shape) + " has rank " + std::to_string(shape.size()) + " but " +
                std::to_string(strides.size()) + " strides " + shapeToString(strides) + " were given");
  for (size_t d = 0; d < strides.size(); ++d)
    if (strides[d] < 0)
      return fail("stride " + std::to_string(strides[d]) + " of dim " + std::to_string(d) + " in " +
                  viewText(dtype, shape, strides) + " is negative (rule: strides >= 0)");
  Buffer b;
  b.type = TensorType{dtype, std::move(shape)};
  b.elemStrides = std::move(strides);
  b.ptr = data;
  b.capacity = bytes;
  if (b.numElements() == 0) return b; // nothing reachable, nothing to check

  const size_t elem = dtypeSize(dtype);
  if (!data) return fail("data is null for " + viewText(dtype, b.shape(), b.strides()));
  if (reinterpret_cast<uintptr_t>(data) % elem)
  {
    std::ostringstream os;
    os << "data pointer " << data << " is not aligned to the " << elem << "-byte elements of " << dtypeName(dtype);
    return fail(os.str());
  }
  // The furthest element sits at index (extent - 1) in every dim; it and its last byte must fit.
  int64_t last = 0;
  for (size_t d = 0; d < b.shape().size(); ++d) {
    int64_t reach;
    if (!mulChecked(b.shape()[d] - 1, b.strides()[d], reach) || __builtin_add_overflow(last, reach, &last))
      return fail("extent " + std::to_string(b.shape()[d]) + " and stride " + std::to_string(b.strides()[d]) +
                  " of dim " + std::to_string(d) + " in " + viewText(dtype, b.shape(), b.strides()) +
                  " overflow 64-bit offsets");
  }
  int64_t end;
  if (!mulChecked(last + 1, int64_t(elem), end) || uint64_t(end) > bytes)
    return fail("the view " + viewText(dtype, b.shape(), b.strides()) + " reaches element offset " +
                std::to_string(last) + ", which ends past the " + std::to_string(bytes) +
                " bytes wrapped (rule: every element inside [data, data + bytes))");
  return b;
}

Result<Buffer> Buffer::wrap(std::shared_ptr<void> owner, void *data, size_t bytes, DType dtype, Shape shape,
                            Shape strides) {
  Result<Buffer> b = wrap(data, bytes, dtype, std::move(shape), std::move(strides));
  if (b) b->owner = std::move(owner);
  return b;
}

int64_t Buffer::numElements() const {
  int64_t n = 1;
  for (int64_t e : type.shape) n *= e; // allocate/wrap checked that this fits
  return n;
}

bool Buffer::isContiguous() const {
  if (numElements() == 0) return true;
  int64_t expected = 1;
  for (size_t d = type.shape.size(); d-- > 0;) {
    // A dim of extent 1 is never stepped over, so its stride does not matter.
    if (type.shape[d] != 1 && elemStrides[d] != expected) return false;
    expected *= type.shape[d];
  }
  return true;
}

ElementWalk::ElementWalk(const Shape &shape, const Shape &strides)
    : extents(shape), steps(strides), idx(shape.size(), 0) {
  for (int64_t e : shape) finished = finished || e <= 0;
}

void ElementWalk::next() {
  // An odometer: bump the last dim, carrying into earlier ones; past the first, the walk is done.
  for (size_t d = extents.size(); d-- > 0;) {
    off += steps[d];
    if (++idx[d] < extents[d]) return;
    off -= steps[d] * extents[d];
    idx[d] = 0;
  }
  finished = true;
}

} // namespace weft
