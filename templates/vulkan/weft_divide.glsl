// MLIR's rounding divisions (arith.floordivsi, arith.ceildivsi, arith.ceildivui), built on the
// truncating division of SPIR-V's OpSDiv / OpUDiv; one overload per index width.
int weft_floordivsi(int a, int b) { int q = a / b; return (q * b != a && ((a < 0) != (b < 0))) ? q - 1 : q; }
int weft_ceildivsi(int a, int b) { int q = a / b; return (q * b != a && ((a < 0) == (b < 0))) ? q + 1 : q; }
int64_t weft_floordivsi(int64_t a, int64_t b) { int64_t q = a / b; return (q * b != a && ((a < 0) != (b < 0))) ? q - 1 : q; }
int64_t weft_ceildivsi(int64_t a, int64_t b) { int64_t q = a / b; return (q * b != a && ((a < 0) == (b < 0))) ? q + 1 : q; }
uint weft_ceildivui(uint a, uint b) { return a / b + (a % b != 0u ? 1u : 0u); }
uint64_t weft_ceildivui(uint64_t a, uint64_t b) { return a / b + (a % b != 0ul ? 1ul : 0ul); }
