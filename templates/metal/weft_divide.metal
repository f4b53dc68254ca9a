// MLIR's rounding divisions (arith.floordivsi, arith.ceildivsi, arith.ceildivui) on MSL's
// truncating integer division; indices are 64-bit `long`.
inline long weft_floordivsi(long a, long b) { long q = a / b; return (q * b != a && ((a < 0) != (b < 0))) ? q - 1 : q; }
inline long weft_ceildivsi(long a, long b) { long q = a / b; return (q * b != a && ((a < 0) == (b < 0))) ? q + 1 : q; }
inline int weft_floordivsi(int a, int b) { int q = a / b; return (q * b != a && ((a < 0) != (b < 0))) ? q - 1 : q; }
inline int weft_ceildivsi(int a, int b) { int q = a / b; return (q * b != a && ((a < 0) == (b < 0))) ? q + 1 : q; }
inline ulong weft_ceildivui(ulong a, ulong b) { return a / b + (a % b != 0ul ? 1ul : 0ul); }
inline uint weft_ceildivui(uint a, uint b) { return a / b + (a % b != 0u ? 1u : 0u); }
