// Launch 1 of the rank-1 concat through a temporary: grid item g copies tmp[3g, 3g + 3) to out,
// one item per workgroup of 4 threads (items=1, group=4); thread l copies 3g + l, l < 3.
#version 450
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require

layout(local_size_x = 4) in;
layout(set = 0, binding = 2) writeonly buffer Out { float o[]; };
layout(set = 0, binding = 3) readonly buffer Tmp { float tmp[]; };
layout(push_constant) uniform Params { int64_t params[8]; };

void main() {
  int64_t item = int64_t(gl_WorkGroupID.y) * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  for (int64_t k = gl_LocalInvocationID.x; k < 3; k += 4) {
    int64_t i = item * 3 + k;
    if (i < params[4]) o[uint(i)] = tmp[uint(i)];
  }
}
