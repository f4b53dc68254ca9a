#include "TestUtil.h"

#include <cstdint>
#include <vector>

using namespace weft;
using weft::test::failsWith;
using weft::test::isOk;
using weft::test::take;

TEST(Buffer, AllocateIsZeroedAlignedAndContiguous) {
  Buffer b = take(Buffer::allocate(DType::f16, {3, 5, 7}));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b.data()) % 64, 0u);
  EXPECT_EQ(b.bytes(), 3u * 5 * 7 * 2);
  EXPECT_EQ(b.numElements(), 105);
  EXPECT_EQ(b.strides(), (Shape{35, 7, 1}));
  EXPECT_TRUE(b.isContiguous());
  auto *p = static_cast<const unsigned char *>(b.data());
  for (size_t i = 0; i < b.bytes(); ++i) ASSERT_EQ(p[i], 0) << i;
}

TEST(Buffer, AllocateEmptyAndScalar) {
  Buffer empty = take(Buffer::allocate(DType::f32, {4, 0}));
  EXPECT_EQ(empty.numElements(), 0);
  EXPECT_EQ(empty.bytes(), 0u);
  EXPECT_NE(empty.data(), nullptr);
  Buffer scalar = take(Buffer::allocate(DType::i64, {}));
  EXPECT_EQ(scalar.numElements(), 1);
  EXPECT_EQ(scalar.bytes(), 8u);
}

TEST(Buffer, AllocateRejectsNegativeAndHugeShapes) {
  EXPECT_TRUE(failsWith(Buffer::allocate(DType::f32, {2, -3}).status(),
                        {"Buffer::allocate", "extent -3", "dim 1", "extents >= 0"}));
  EXPECT_TRUE(failsWith(Buffer::allocate(DType::f32, {int64_t(1) << 40, int64_t(1) << 30}).status(),
                        {"[1099511627776, 1073741824] f32", "2^63"}));
  EXPECT_TRUE(failsWith(Buffer::allocate(DType::i8, {int64_t(1) << 62}).status(), {"cannot allocate"}));
  // No elements, but strides past 2^63 (found by weft-fuzz-npy: regression-empty-huge-strides.npy).
  EXPECT_TRUE(failsWith(Buffer::allocate(DType::i64, {0, int64_t(1) << 40, int64_t(1) << 30}).status(),
                        {"has no elements, but its nonzero extents need more than 2^63 bytes"}));
}

TEST(Buffer, ContiguousBytesAndStrides) {
  EXPECT_EQ(*contiguousBytes(DType::bf16, {2, 3}), 12u);
  EXPECT_EQ(*contiguousBytes(DType::i64, {}), 8u);
  EXPECT_EQ(contiguousStrides({2, 3, 4}), (Shape{12, 4, 1}));
  EXPECT_EQ(contiguousStrides({}), Shape{});
}

TEST(Buffer, WrapContiguousAndStrided) {
  std::vector<float> mem(24);
  Buffer dense = take(Buffer::wrap(mem.data(), 96, DType::f32, {2, 3, 4}));
  EXPECT_EQ(dense.data(), mem.data());
  EXPECT_EQ(dense.strides(), (Shape{12, 4, 1}));
  EXPECT_TRUE(dense.isContiguous());
  // Every other column of a [4][6] matrix: last element at 3*6 + 2*2 = 22 < 24.
  Buffer cols = take(Buffer::wrap(mem.data(), 96, DType::f32, {4, 3}, {6, 2}));
  EXPECT_FALSE(cols.isContiguous());
  // A transposed view, and a broadcast (stride 0) view.
  EXPECT_FALSE(take(Buffer::wrap(mem.data(), 96, DType::f32, {4, 6}, {1, 4})).isContiguous());
  EXPECT_FALSE(take(Buffer::wrap(mem.data(), 96, DType::f32, {5, 24}, {0, 1})).isContiguous());
  // Extent-1 dims do not break contiguity whatever their stride.
  EXPECT_TRUE(take(Buffer::wrap(mem.data(), 96, DType::f32, {1, 24, 1}, {7, 1, 99})).isContiguous());
  // Nothing reachable: even a null pointer is fine.
  EXPECT_TRUE(isOk(Buffer::wrap(nullptr, 0, DType::f32, {0, 5}).status()));
}

TEST(Buffer, WrapRefusesViewsPastTheAllocation) {
  std::vector<float> mem(24);
  EXPECT_TRUE(failsWith(Buffer::wrap(mem.data(), 95, DType::f32, {2, 3, 4}).status(),
                        {"Buffer::wrap", "[2, 3, 4] f32", "element offset 23", "95 bytes"}));
  EXPECT_TRUE(failsWith(Buffer::wrap(mem.data(), 96, DType::f32, {4, 4}, {6, 2}).status(),
                        {"strides [6, 2]", "element offset 24", "96 bytes"}));
  EXPECT_TRUE(failsWith(Buffer::wrap(mem.data(), 96, DType::f32, {2, 3}, {1, -1}).status(),
                        {"stride -1 of dim 1", "strides >= 0"}));
  EXPECT_TRUE(failsWith(Buffer::wrap(mem.data(), 96, DType::f32, {-2, 3}).status(), {"extent -2", "dim 0"}));
  EXPECT_TRUE(failsWith(Buffer::wrap(mem.data(), 96, DType::f32, {2, 3}, {3}).status(),
                        {"rank 2", "1 strides [3]"}));
  EXPECT_TRUE(failsWith(Buffer::wrap(mem.data(), 96, DType::f32, {2, 2}, {int64_t(1) << 62, int64_t(1) << 62}).status(),
                        {"stride 4611686018427387904 of dim 1", "overflow"}));
  EXPECT_TRUE(failsWith(Buffer::wrap(nullptr, 96, DType::f32, {2}).status(), {"data is null"}));
  auto *bytes = reinterpret_cast<char *>(mem.data());
  EXPECT_TRUE(failsWith(Buffer::wrap(bytes + 2, 90, DType::f32, {2}).status(), {"not aligned", "4-byte", "f32"}));
}

TEST(ElementWalk, VisitsRowMajorWithOffsets) {
  std::vector<Shape> indices;
  std::vector<int64_t> offsets;
  for (ElementWalk w({2, 3}, {1, 2}); !w.done(); w.next()) {
    indices.push_back(w.index());
    offsets.push_back(w.offset());
  }
  EXPECT_EQ(indices, (std::vector<Shape>{{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}}));
  EXPECT_EQ(offsets, (std::vector<int64_t>{0, 2, 4, 1, 3, 5}));
  int scalars = 0;
  for (ElementWalk w({}, {}); !w.done(); w.next()) ++scalars;
  EXPECT_EQ(scalars, 1);
  EXPECT_TRUE(ElementWalk({3, 0, 2}, {0, 2, 1}).done());
}
