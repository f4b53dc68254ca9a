// RUN: weft-opt %s --weft-ptx-cache-hints | FileCheck %s
// weft-ptx-cache-hints: nontemporal llvm.load / llvm.store through global or generic pointers
// become inline PTX with the .cs cache operator, their values moved as 16-, 32- or 64-bit words
// (a 16-byte vector as four 32-bit ones); accesses that are not nontemporal, workgroup memory
// (address space 3), widths PTX moves in no such form and accesses that declare less alignment
// than their size (PTX needs it; NVPTX splits the plain ones) keep their plain ops.

// CHECK-LABEL: llvm.func @hints(
// CHECK-SAME: %[[G:[^:]*]]: !llvm.ptr, %[[S:[^:]*]]: !llvm.ptr<3>, %[[G1:[^:]*]]: !llvm.ptr<1>
// CHECK: %[[C:.*]] = llvm.addrspacecast %[[G]] : !llvm.ptr to !llvm.ptr<1>
// CHECK: %[[W:.*]] = llvm.inline_asm has_side_effects "ld.global.cs.v4.b32 {$0, $1, $2, $3}, [$4];", "=r,=r,=r,=r,l" %[[C]] : (!llvm.ptr<1>) -> !llvm.struct<(i32, i32, i32, i32)>
// CHECK-COUNT-4: llvm.extractvalue %[[W]]
// CHECK: %[[V:.*]] = llvm.bitcast %{{.*}} : vector<4xi32> to vector<8xf16>
// CHECK: %[[B:.*]] = llvm.bitcast %[[V]] : vector<8xf16> to vector<4xi32>
// CHECK: %[[C2:.*]] = llvm.addrspacecast %[[G]] : !llvm.ptr to !llvm.ptr<1>
// CHECK-COUNT-4: llvm.extractelement %[[B]]
// CHECK: llvm.inline_asm has_side_effects "st.global.cs.v4.b32 [$0], {$1, $2, $3, $4};", "l,r,r,r,r" %[[C2]]
// CHECK: %[[H:.*]] = llvm.bitcast %{{.*}} : f16 to i16
// CHECK: llvm.inline_asm has_side_effects "st.global.cs.b16 [$0], $1;", "l,h" %{{.*}}, %[[H]] : (!llvm.ptr<1>, i16) -> ()
// CHECK: %[[F:.*]] = llvm.inline_asm has_side_effects "ld.global.cs.b32 $0, [$1];", "=r,l" %[[G1]] : (!llvm.ptr<1>) -> i32
// CHECK: llvm.bitcast %[[F]] : i32 to f32
// CHECK: llvm.inline_asm has_side_effects "st.global.cs.b64 [$0], $1;", "l,l"
// CHECK: llvm.load %[[G]] : !llvm.ptr -> f32
// CHECK: llvm.store %{{.*}}, %[[S]] {alignment = 4 : i64, nontemporal} : f32, !llvm.ptr<3>
// CHECK: llvm.store %{{.*}}, %[[G]] {alignment = 1 : i64, nontemporal} : i8, !llvm.ptr
// CHECK: llvm.load %[[G]] {alignment = 2 : i64, nontemporal} : !llvm.ptr -> vector<2xf16>
// CHECK: llvm.store %{{.*}}, %[[G]] {nontemporal} : vector<2xf16>, !llvm.ptr
// CHECK-NOT: inline_asm
// CHECK: llvm.return
llvm.func @hints(%g: !llvm.ptr, %s: !llvm.ptr<3>, %g1: !llvm.ptr<1>) {
  %v = llvm.load %g {alignment = 16 : i64, nontemporal} : !llvm.ptr -> vector<8xf16>
  llvm.store %v, %g {alignment = 16 : i64, nontemporal} : vector<8xf16>, !llvm.ptr
  %i0 = llvm.mlir.constant(0 : i32) : i32
  %h = llvm.extractelement %v[%i0 : i32] : vector<8xf16>
  llvm.store %h, %g {alignment = 2 : i64, nontemporal} : f16, !llvm.ptr
  %f = llvm.load %g1 {alignment = 4 : i64, nontemporal} : !llvm.ptr<1> -> f32
  %d = llvm.fpext %f : f32 to f64
  llvm.store %d, %g {alignment = 8 : i64, nontemporal} : f64, !llvm.ptr
  %p = llvm.load %g : !llvm.ptr -> f32
  llvm.store %p, %s {alignment = 4 : i64, nontemporal} : f32, !llvm.ptr<3>
  %b = llvm.mlir.constant(1 : i8) : i8
  llvm.store %b, %g {alignment = 1 : i64, nontemporal} : i8, !llvm.ptr
  %w = llvm.load %g {alignment = 2 : i64, nontemporal} : !llvm.ptr -> vector<2xf16>
  llvm.store %w, %g {nontemporal} : vector<2xf16>, !llvm.ptr
  llvm.return
}
