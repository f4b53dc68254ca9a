// weft templates: scalar forms of the arith ops that C has no operator for, with the semantics of
// the MLIR ops of the same names (and of the LLVM code the JIT path makes of them). Generated
// kernels call them with the element type spelled out, e.g. weft::floordivsi<int64_t>(t3, 8).
#ifndef WEFT_OPS_H
#define WEFT_OPS_H

#include <cstdint>
#include <type_traits>

namespace weft {

// Signed division rounding toward +inf / -inf (arith.ceildivsi, arith.floordivsi).
template <class T> T ceildivsi(T a, T b) {
  T q = T(a / b), r = T(a % b);
  return T(q + (r != 0 && (r > 0) == (b > 0)));
}

template <class T> T floordivsi(T a, T b) {
  T q = T(a / b), r = T(a % b);
  return T(q - (r != 0 && (r < 0) != (b < 0)));
}

// Unsigned division rounding up (arith.ceildivui), on the signless storage type.
template <class T> T ceildivui(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return T(U(a) / U(b) + (U(a) % U(b) != 0));
}

template <class T> T maxsi(T a, T b) { return a < b ? b : a; }
template <class T> T minsi(T a, T b) { return b < a ? b : a; }

// Unsigned min/max on the signless storage type: compare the same bits as unsigned.
template <class T> T maxui(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return U(a) < U(b) ? b : a;
}

template <class T> T minui(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return U(b) < U(a) ? b : a;
}

// Float min/max as MLIR's arith-expand rewrites them, which the CPU JIT pipeline runs
// (compiler/Pipeline.cpp): the source must give the JIT's bits, and the expansion is not quite
// IEEE. maximumf/minimumf return b when b is NaN, else a when a > b (or a is NaN), else b: a NaN
// comes back unchanged, and maximumf(+0, -0) is -0. maxnumf/minnumf return b when a is NaN.
// (!(a <= b) is "a > b or unordered", cmpf ugt.)
template <class T> T maximumf(T a, T b) { return b != b ? b : !(a <= b) ? a : b; }
template <class T> T minimumf(T a, T b) { return b != b ? b : !(a >= b) ? a : b; }
template <class T> T maxnumf(T a, T b) { return a != a ? b : !(a <= b) ? a : b; }
template <class T> T minnumf(T a, T b) { return a != a ? b : !(a >= b) ? a : b; }

} // namespace weft

#endif // WEFT_OPS_H
