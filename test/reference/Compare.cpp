// Random inputs and the two ways the tests judge an output: bit-exact, or a relative Frobenius
// error against a float64-accurate reference.
#include "Reference.h"

#include "Elements.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace weft {

using ref::elementPtr;
using ref::loadElement;

namespace {

// splitmix64: tiny, and good enough that neighbouring seeds give unrelated data.
uint64_t nextRandom(uint64_t &state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// An element for messages: integers as they are, floats as a value and their bits.
std::string elementText(const Buffer &b, int64_t off) {
  char text[64];
  uint64_t bits = 0;
  std::memcpy(&bits, elementPtr(b, off), dtypeSize(b.dtype())); // little-endian: the low bytes
  if (b.dtype() == DType::i64) std::snprintf(text, sizeof text, "%lld", (long long)bits);
  else if (!isFloat(b.dtype())) std::snprintf(text, sizeof text, "%.0f", loadElement(b, off));
  else std::snprintf(text, sizeof text, "%.9g (0x%0*llx)", loadElement(b, off), int(2 * dtypeSize(b.dtype())),
                     (unsigned long long)bits);
  return text;
}

// "" when got and want can be compared element by element.
std::string sameShape(const Buffer &got, const Buffer &want) {
  if (got.shape() == want.shape()) return "";
  return "got shape " + typeToString(got.tensorType()) + ", want " + typeToString(want.tensorType());
}

} // namespace

void fillRandom(Buffer &b, uint64_t seed) {
  uint64_t state = seed;
  bool anyNonZero = false;
  for (ElementWalk w(b); !w.done(); w.next()) {
    uint64_t r = nextRandom(state);
    if (isFloat(b.dtype())) {
      ref::storeElement(b, w.offset(), double(r >> 11) * 0x1p-52 - 1.0); // [0, 2) - 1
    } else {
      if (b.dtype() == DType::i8) r = r % 17 - 8; // [-8, 8] in two's complement
      std::memcpy(elementPtr(b, w.offset()), &r, dtypeSize(b.dtype()));
    }
    anyNonZero = anyNonZero || loadElement(b, w.offset()) != 0;
  }
  if (!anyNonZero && b.numElements() > 0) ref::storeElement(b, ElementWalk(b).offset(), 1.0);
}

Status expectBitExact(const Buffer &got, const Buffer &want) {
  if (std::string e = sameShape(got, want); !e.empty()) return Status::error(e);
  if (got.dtype() != want.dtype())
    return Status::error(std::string("got dtype ") + dtypeName(got.dtype()) + ", want " + dtypeName(want.dtype()));
  const size_t elem = dtypeSize(got.dtype());
  int64_t i = 0;
  for (ElementWalk g(got), w(want); !g.done(); g.next(), w.next(), ++i)
    if (std::memcmp(elementPtr(got, g.offset()), elementPtr(want, w.offset()), elem) != 0)
      return Status::error("element " + std::to_string(i) + " " + shapeToString(g.index()) + " differs: got " +
                           elementText(got, g.offset()) + ", want " + elementText(want, w.offset()));
  return Status();
}

Status expectClose(const Buffer &got, const Buffer &want, double relFrobenius) {
  if (std::string e = sameShape(got, want); !e.empty()) return Status::error(e);
  double diff2 = 0, want2 = 0, worst = -1;
  int64_t i = 0, worstIndex = 0;
  std::string worstText;
  for (ElementWalk g(got), w(want); !g.done(); g.next(), w.next(), ++i) {
    double x = loadElement(got, g.offset()), y = loadElement(want, w.offset());
    if (!std::isfinite(x) || !std::isfinite(y)) {
      if ((std::isnan(x) && std::isnan(y)) || x == y) continue; // the same NaN or Inf in both
      return Status::error("element " + std::to_string(i) + " " + shapeToString(g.index()) + ": got " +
                           elementText(got, g.offset()) + ", want " + elementText(want, w.offset()));
    }
    double d = x - y;
    diff2 += d * d;
    want2 += y * y;
    if (std::fabs(d) > worst) {
      worst = std::fabs(d);
      worstIndex = i;
      worstText = shapeToString(g.index()) + ": got " + elementText(got, g.offset()) + ", want " +
                  elementText(want, w.offset());
    }
  }
  double err = want2 > 0 ? std::sqrt(diff2 / want2) : std::sqrt(diff2);
  if (err <= relFrobenius) return Status();
  char text[128];
  std::snprintf(text, sizeof text, "%s Frobenius error %.3g exceeds %.3g", want2 > 0 ? "relative" : "absolute", err,
                relFrobenius);
  return Status::error(std::string(text) + " (largest difference at element " + std::to_string(worstIndex) + " " +
                       worstText + ")");
}

} // namespace weft
