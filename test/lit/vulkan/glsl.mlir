// RUN: weft-opt %s --pass-pipeline='builtin.module(weft-attach-target{kind=vulkan},func.func(weft-resolve-schedule),weft-lower-to-loops,weft-gpu-map-grid,canonicalize,cse)' \
// RUN:   | weft-translate --weft-to-glsl | FileCheck %s
// RUN: weft-opt %s --pass-pipeline='builtin.module(weft-attach-target{kind=vulkan},func.func(weft-resolve-schedule),weft-lower-to-loops,weft-gpu-map-grid,canonicalize,cse)' \
// RUN:   | weft-translate --weft-to-glsl > %t.glsl
// RUN: %python %S/Inputs/split_kernels.py %t.glsl %t.dir
// RUN: %if glslc %{ for f in %t.dir/*.comp; do glslc --target-env=vulkan1.2 -o $f.spv $f || exit 1; spirv-val --target-env vulkan1.2 $f.spv || exit 1; done %}
// The GLSL printer: one compute shader per kernel, buffers bound by program position, the
// parameter slots a kernel reads as push constants, 16-bit floats as uint16_t converted by the
// device in round-to-nearest-even mode (the integer helpers for subnormals and NaNs), 32-bit indices for static shapes, and the gl_ ids of weft-gpu-map-grid. (k1_fold
// names the bounded gather: at stride 2 Vulkan's default is the staged one, k5_fold_staged.)

// CHECK-LABEL: // ---- kernel k1_fold (requires float16 int16 int64 rte16 storage16) ----
// CHECK: #version 450
// CHECK: #extension GL_EXT_shader_explicit_arithmetic_types : require
// CHECK: #extension GL_EXT_shader_16bit_storage : require
// CHECK: #extension GL_EXT_spirv_intrinsics : require
// CHECK: int weft_floordivsi(int a, int b)
// CHECK: spirv_execution_mode(4462, 16);
// CHECK: float weft_f16_to_f32(uint16_t h)
// CHECK: return float(uint16BitsToFloat16(h));
// CHECK: uint16_t weft_f32_to_f16(float x)
// CHECK: return float16BitsToUint16(float16_t(x));
// CHECK: layout(local_size_x = 256) in;
// CHECK: layout(std430, set = 0, binding = 0) restrict readonly buffer Buffer0 { uint16_t b0[]; };
// CHECK: layout(std430, set = 0, binding = 1) restrict buffer Buffer1 { uint16_t b1[]; };
// CHECK-NOT: push_constant
// CHECK: void main() {
// CHECK: const int t0 = int(gl_LocalInvocationID.x);
// CHECK: const bool [[IN:t[0-9]+]] = t0 < 38;
// CHECK: if ([[IN]]) {
// CHECK: float acc0 = 0.0;
// CHECK: weft_f16_to_f32(ld0)
// CHECK: const uint16_t [[R:t[0-9]+]] = weft_f32_to_f16(acc0);
// CHECK: b1[t{{[0-9]+}}] = [[R]];
func.func @k1_fold(%x: tensor<16x64xf16>) -> tensor<8x38xf16> {
  %y = weft.col2im_1d %x {stride = 2 : i64, channels = 8 : i64, schedule = #weft.schedule<gather = bounded>} : tensor<16x64xf16> -> tensor<8x38xf16>
  return %y : tensor<8x38xf16>
}

// A dynamic extent: 64-bit indices, the slot it reads pushed, and one thread per element.
// CHECK-LABEL: // ---- kernel k2_cat (requires int64) ----
// CHECK: layout(push_constant) uniform Params { int64_t params[{{[0-9]+}}]; };
// CHECK: const int64_t p0 = params[0];
// CHECK: b2[uint(
func.func @k2_cat(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %c = weft.concat %a, %b {axis = 0 : i64} : tensor<?x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  return %c : tensor<?x4xf32>
}

// i8 matmul: 8-bit storage, i8 loads widened to the i32 accumulator.
// CHECK-LABEL: // ---- kernel k3_mm (requires int64 int8 storage8) ----
// CHECK: #extension GL_EXT_shader_8bit_storage : require
// CHECK: buffer Buffer0 { int8_t b0[]; };
// CHECK: buffer Buffer2 { int b2[]; };
// CHECK: const int8_t [[LD:ld[0-9]+]] = b0[
// CHECK-NEXT: const int t{{[0-9]+}} = int([[LD]]);
func.func @k3_mm(%a: tensor<5x7xi8>, %b: tensor<7x3xi8>) -> tensor<5x3xi32> {
  %c = weft.matmul %a, %b : tensor<5x7xi8>, tensor<7x3xi8> -> tensor<5x3xi32>
  return %c : tensor<5x3xi32>
}

// Four times per thread (vector = 4; stride and kernel multiples of 4, so the lanes' accesses
// declare 8-byte alignment): each buffer gets a second block on its binding whose array holds
// u16vec4, the cols runs are one u16vec4 load there, widened lane by lane (the RNE helpers take
// scalars) and summed as a vec4; a whole vector of y is one u16vec4 store, and at a row's end
// each lane is extracted (.x ...) and stored under its own guard. The written buffer's blocks
// alias, so they are not `restrict`.
// CHECK-LABEL: // ---- kernel k4_fold_lanes (requires float16 int16 int64 rte16 storage16) ----
// CHECK: layout(std430, set = 0, binding = 0) restrict readonly buffer Buffer0 { uint16_t b0[]; };
// CHECK-NEXT: layout(std430, set = 0, binding = 0) restrict readonly buffer Buffer0x4 { u16vec4 b0x4[]; };
// CHECK-NEXT: layout(std430, set = 0, binding = 1) buffer Buffer1 { uint16_t b1[]; };
// CHECK-NEXT: layout(std430, set = 0, binding = 1) buffer Buffer1x4 { u16vec4 b1x4[]; };
// CHECK: const u16vec4 [[V:v[0-9]+]] = b0x4[(t{{[0-9]+}}) >> 2];
// CHECK-NEXT: const vec4 v{{[0-9]+}} = vec4(weft_f16_to_f32(([[V]]).x), weft_f16_to_f32(([[V]]).y), weft_f16_to_f32(([[V]]).z), weft_f16_to_f32(([[V]]).w));
// CHECK: b1x4[(t{{[0-9]+}}) >> 2] = v{{[0-9]+}};
// CHECK: const float t{{[0-9]+}} = acc{{[0-9]+}}.w;
func.func @k4_fold_lanes(%x: tensor<16x64xf16>) -> tensor<8x68xf16> {
  %y = weft.col2im_1d %x {stride = 4 : i64, channels = 8 : i64, schedule = #weft.schedule<vector = 4>} : tensor<16x64xf16> -> tensor<8x68xf16>
  return %y : tensor<8x68xf16>
}

// The staged gather: the item's cols rows in a shared array (declared at global scope), copied
// in 4-lane pieces (one u16vec4 load from the buffer's vector view, each lane stored to the
// array), then a barrier that also makes the shared writes visible, then gathered from it.
// CHECK-LABEL: // ---- kernel k5_fold_staged (requires float16 int16 int64 rte16 storage16) ----
// CHECK: shared uint16_t w0[{{[0-9]+}}];
// CHECK: void main() {
// CHECK: const u16vec4 [[C:v[0-9]+]] = b0x4[(t{{[0-9]+}}) >> 2];
// CHECK: w0[t{{[0-9]+}}] = t{{[0-9]+}};
// CHECK: memoryBarrierShared();
// CHECK-NEXT: barrier();
// CHECK: const uint16_t ld{{[0-9]+}} = w0[t{{[0-9]+}}];
// CHECK-NOT: barrier();
func.func @k5_fold_staged(%x: tensor<16x64xf16>) -> tensor<8x68xf16> {
  %y = weft.col2im_1d %x {stride = 4 : i64, channels = 8 : i64, schedule = #weft.schedule<gather = stage, tile = [32]>} : tensor<16x64xf16> -> tensor<8x68xf16>
  return %y : tensor<8x68xf16>
}
