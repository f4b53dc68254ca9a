#version 450
// The shape of weft's f16 widening (templates/vulkan/weft_f16.glsl): specialization constant 0
// says whether the module has been made to keep 16-bit subnormals (runtime/vulkan).
#extension GL_EXT_shader_explicit_arithmetic_types : require
#extension GL_EXT_shader_16bit_storage : require
layout(local_size_x = 64) in;
layout(constant_id = 0) const bool weft_f16_subnormals_preserved = false;
layout(std430, set = 0, binding = 0) readonly buffer In { uint16_t x[]; };
layout(std430, set = 0, binding = 1) buffer Out { float y[]; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  y[i] = weft_f16_subnormals_preserved ? float(uint16BitsToFloat16(x[i])) : 0.0;
}
