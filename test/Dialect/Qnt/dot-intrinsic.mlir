// RUN: quant-opt %s --split-input-file --verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @round_trip
// CHECK: qnt.dot_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%{{.*}}, %{{.*}}, %{{.*}}) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// CHECK: qnt.dot_intrinsic "llvm.x86.avx2.pmadd.wd"(%{{.*}}, %{{.*}}, %{{.*}}) : (vector<8xi32>, vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// CHECK: qnt.dot_intrinsic "llvm.aarch64.neon.udot.v4i32.v16i8"(%{{.*}}, %{{.*}}, %{{.*}}) : (vector<4xi32>, vector<16xi8>, vector<16xi8>) -> vector<4xi32>
func.func @round_trip(%a: vector<16xi32>, %b: vector<64xi8>, %c: vector<8xi32>, %d: vector<16xi16>,
                      %e: vector<4xi32>, %f: vector<16xi8>) -> (vector<16xi32>, vector<8xi32>, vector<4xi32>) {
  %0 = qnt.dot_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%a, %b, %b) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
  %1 = qnt.dot_intrinsic "llvm.x86.avx2.pmadd.wd"(%c, %d, %d) : (vector<8xi32>, vector<16xi16>, vector<16xi16>) -> vector<8xi32>
  %2 = qnt.dot_intrinsic "llvm.aarch64.neon.udot.v4i32.v16i8"(%e, %f, %f) : (vector<4xi32>, vector<16xi8>, vector<16xi8>) -> vector<4xi32>
  return %0, %1, %2 : vector<16xi32>, vector<8xi32>, vector<4xi32>
}
