// RUN: quant-opt %s --convert-qnt-intrinsics-to-llvm | FileCheck %s

// CHECK-LABEL: func.func @lower
// CHECK-SAME: (%[[A:.*]]: vector<16xi32>, %[[B:.*]]: vector<64xi8>, %[[C:.*]]: vector<8xi32>, %[[D:.*]]: vector<16xi16>, %[[E:.*]]: vector<4xi32>, %[[F:.*]]: vector<16xi8>)
// CHECK: %[[R0:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%[[A]], %[[B]], %[[B]]) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// vpmaddwd has no accumulator operand: the sum is added.
// CHECK: %[[P:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[D]], %[[D]]) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// CHECK: %[[R1:.*]] = llvm.add %[[C]], %[[P]] : vector<8xi32>
// CHECK: %[[R2:.*]] = llvm.call_intrinsic "llvm.aarch64.neon.sdot.v4i32.v16i8"(%[[E]], %[[F]], %[[F]]) : (vector<4xi32>, vector<16xi8>, vector<16xi8>) -> vector<4xi32>
// CHECK-NOT: qnt.dot_intrinsic
// CHECK: return %[[R0]], %[[R1]], %[[R2]]
func.func @lower(%a: vector<16xi32>, %b: vector<64xi8>, %c: vector<8xi32>, %d: vector<16xi16>,
                 %e: vector<4xi32>, %f: vector<16xi8>) -> (vector<16xi32>, vector<8xi32>, vector<4xi32>) {
  %0 = qnt.dot_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%a, %b, %b) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
  %1 = qnt.dot_intrinsic "llvm.x86.avx2.pmadd.wd"(%c, %d, %d) : (vector<8xi32>, vector<16xi16>, vector<16xi16>) -> vector<8xi32>
  %2 = qnt.dot_intrinsic "llvm.aarch64.neon.sdot.v4i32.v16i8"(%e, %f, %f) : (vector<4xi32>, vector<16xi8>, vector<16xi8>) -> vector<4xi32>
  return %0, %1, %2 : vector<16xi32>, vector<8xi32>, vector<4xi32>
}
