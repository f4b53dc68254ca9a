// bf16 <-> f32 as integer arithmetic: round to nearest even; a NaN keeps its sign and top payload
// bits and is made quiet, the same bits as weft_half.h on the CPU.
float weft_bf16_to_f32(uint16_t h) { return uintBitsToFloat(uint(h) << 16); }

uint16_t weft_f32_to_bf16(float x) {
  uint bits = floatBitsToUint(x);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return uint16_t((bits >> 16) | 0x40u);
  uint rest = bits & 0xffffu, kept = bits >> 16;
  return uint16_t(kept + ((rest > 0x8000u || (rest == 0x8000u && (kept & 1u) != 0u)) ? 1u : 0u));
}
