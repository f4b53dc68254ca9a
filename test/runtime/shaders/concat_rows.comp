// concat along axis 1 of two rank-2 f32 tensors, one row per workgroup (a launch with items=1,
// group=64): the workgroup's threads share the row's columns. Follows docs/abi.md's GPU launch ABI.
#version 450
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require

layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer A { float a[]; };
layout(set = 0, binding = 1) readonly buffer B { float b[]; };
layout(set = 0, binding = 2) writeonly buffer Out { float o[]; };
// a: extents 0-1, strides 2-3; b: 4-5, 6-7; out: 8-9, 10-11.
layout(push_constant) uniform Params { int64_t params[12]; };

void main() {
  int64_t row = int64_t(gl_WorkGroupID.y) * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  if (row >= params[8]) return; // past the grid: the last row of workgroups is partly empty
  int64_t ca = params[1];
  for (int64_t c = gl_LocalInvocationID.x; c < params[9]; c += 64) {
    float v = c < ca ? a[uint(row * params[2] + c * params[3])] : b[uint(row * params[6] + (c - ca) * params[7])];
    o[uint(row * params[10] + c * params[11])] = v;
  }
}
