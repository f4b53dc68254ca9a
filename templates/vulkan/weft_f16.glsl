// f16 <-> f32 with the bits of weft_half.h on the CPU: round to nearest even, subnormals exact,
// a NaN kept quiet with its upper payload bits. Normal numbers, zeros and infinities take the
// device's own conversion (one instruction; the kernel declares RoundingModeRTE for 16-bit
// floats, so a narrowing rounds to nearest even); 16-bit subnormals and NaNs take the integer
// arithmetic below, since Vulkan lets a device flush 16-bit subnormals unless it promises to
// preserve them (lavapipe does not) and leaves NaN payloads to it. On an H100 this took col2im
// f16 from 38.2 to 33.2 us and conv_transpose_1d f16 from 10.5 to 8.7 ms; the widening without
// its test takes them to 28.2 us and 2.3 ms, so where the device can keep subnormals the runtime
// asks it to and the test goes (docs/vulkan.md, "f16 conversions").
spirv_execution_mode(4462, 16); // RoundingModeRTE, 16-bit
// Declares no instruction that is called: it makes the module declare the RoundingModeRTE
// capability (4467) that the execution mode needs, which GLSL has no other way to say.
spirv_instruction(extensions = ["SPV_KHR_float_controls"], capabilities = [4467], id = 0) void weft_rte16_capability();

uint weft_shift_rne(uint value, uint shift) {
  uint kept = value >> shift, rest = value & ((1u << shift) - 1u), half_ = 1u << (shift - 1u);
  return kept + ((rest > half_ || (rest == half_ && (kept & 1u) != 0u)) ? 1u : 0u);
}

float weft_f16_to_f32_exact(uint16_t h) {
  uint x = uint(h), sign = (x & 0x8000u) << 16, e = (x >> 10) & 0x1fu, m = x & 0x3ffu;
  if (e == 0x1fu) return uintBitsToFloat(sign | 0x7f800000u | (m << 13) | (m != 0u ? 0x400000u : 0u));
  if (e != 0u) return uintBitsToFloat(sign | ((e + 112u) << 23) | (m << 13));
  float v = float(m) * 5.9604644775390625e-8; // m * 2^-24: exact, and a normal f32
  return sign != 0u ? -v : v;
}

uint16_t weft_f32_to_f16_exact(float x) {
  uint bits = floatBitsToUint(x), a = bits & 0x7fffffffu, sign = (bits >> 16) & 0x8000u;
  if (a > 0x7f800000u) return uint16_t(sign | 0x7e00u | ((a >> 13) & 0x3ffu));
  if (a >= 0x477ff000u) return uint16_t(sign | 0x7c00u);
  if (a >= 0x38800000u) return uint16_t(sign | weft_shift_rne(a - 0x38000000u, 13u));
  uint e = a >> 23;
  if (e < 102u) return uint16_t(sign);
  return uint16_t(sign | weft_shift_rne((a & 0x7fffffu) | 0x800000u, 126u - e));
}

// True where the device keeps 16-bit subnormals exact and the runtime has made the module ask for
// it (DenormPreserve 16: runtime/vulkan adds it to the module and sets this constant at pipeline
// creation); the widening is then the device's alone. (A NaN's payload is then the device's too,
// as it is after any of its arithmetic, which is all a widened value meets.)
layout(constant_id = 0) const bool weft_f16_subnormals_preserved = false;

float weft_f16_to_f32(uint16_t h) {
  if (weft_f16_subnormals_preserved) return float(uint16BitsToFloat16(h));
  uint em = uint(h) & 0x7fffu;
  [[dont_flatten]] if (em - 1u < 0x3ffu || em > 0x7c00u) return weft_f16_to_f32_exact(h); // subnormal, NaN
  return float(uint16BitsToFloat16(h));
}

uint16_t weft_f32_to_f16(float x) {
  uint a = floatBitsToUint(x) & 0x7fffffffu;
  // Below the least normal f16 (but not zero): a subnormal or zero result; above infinity: NaN.
  [[dont_flatten]] if (a - 1u < 0x387fffffu || a > 0x7f800000u) return weft_f32_to_f16_exact(x);
  return float16BitsToUint16(float16_t(x));
}
