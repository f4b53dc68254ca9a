// f16 <-> f32 as integer arithmetic: round to nearest even, NaN kept quiet with its upper payload
// bits, subnormals exact, the same bits as weft_half.h on the CPU (a GPU's own conversion may
// round toward zero or flush subnormals).
uint weft_shift_rne(uint value, uint shift) {
  uint kept = value >> shift, rest = value & ((1u << shift) - 1u), half_ = 1u << (shift - 1u);
  return kept + ((rest > half_ || (rest == half_ && (kept & 1u) != 0u)) ? 1u : 0u);
}

float weft_f16_to_f32(uint16_t h) {
  uint x = uint(h), sign = (x & 0x8000u) << 16, e = (x >> 10) & 0x1fu, m = x & 0x3ffu;
  if (e == 0x1fu) return uintBitsToFloat(sign | 0x7f800000u | (m << 13) | (m != 0u ? 0x400000u : 0u));
  if (e != 0u) return uintBitsToFloat(sign | ((e + 112u) << 23) | (m << 13));
  float v = float(m) * 5.9604644775390625e-8; // m * 2^-24: exact, and a normal f32
  return sign != 0u ? -v : v;
}

uint16_t weft_f32_to_f16(float x) {
  uint bits = floatBitsToUint(x), a = bits & 0x7fffffffu, sign = (bits >> 16) & 0x8000u;
  if (a > 0x7f800000u) return uint16_t(sign | 0x7e00u | ((a >> 13) & 0x3ffu));
  if (a >= 0x477ff000u) return uint16_t(sign | 0x7c00u);
  if (a >= 0x38800000u) return uint16_t(sign | weft_shift_rne(a - 0x38000000u, 13u));
  uint e = a >> 23;
  if (e < 102u) return uint16_t(sign);
  return uint16_t(sign | weft_shift_rne((a & 0x7fffffu) | 0x800000u, 126u - e));
}
