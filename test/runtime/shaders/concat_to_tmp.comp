// Launch 0 of the rank-1 concat through a temporary (DispatchTest.cpp's concatProgram): one item
// per thread (items=group=64), tmp[i] = i < len(a) ? a[i] : b[i - len(a)], a and b strided.
#version 450
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require

layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer A { float a[]; };
layout(set = 0, binding = 1) readonly buffer B { float b[]; };
layout(set = 0, binding = 3) writeonly buffer Tmp { float tmp[]; };
// a: 0, 1; b: 2, 3; out: 4, 5; tmp: 6, 7 (extent, stride).
layout(push_constant) uniform Params { int64_t params[8]; };

void main() {
  int64_t group = int64_t(gl_WorkGroupID.y) * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  int64_t i = group * 64 + gl_LocalInvocationID.x;
  if (i >= params[6]) return;
  tmp[uint(i)] = i < params[0] ? a[uint(i * params[1])] : b[uint((i - params[0]) * params[3])];
}
