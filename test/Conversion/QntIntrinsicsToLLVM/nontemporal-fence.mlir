// RUN: quant-opt %s --convert-qnt-intrinsics-to-llvm | FileCheck %s

// A loop marked qnt.nontemporal_fence (qnt-lower-int8-kernels: its body
// makes non-temporal stores) ends each iteration with a seq_cst fence, and
// loses the mark; other loops are left alone.

// CHECK-LABEL: func.func @fence
// CHECK: scf.for
// CHECK: vector.store %{{.*}} {alignment = 64 : i64, nontemporal = true}
// CHECK-NEXT: llvm.fence seq_cst
// CHECK-NEXT: }
// CHECK-NOT: qnt.nontemporal_fence
// CHECK: scf.for
// CHECK-NOT: llvm.fence
// CHECK: return
func.func @fence(%m: memref<8x16xi32>, %v: vector<16xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %i = %c0 to %c8 step %c1 {
    vector.store %v, %m[%i, %c0] {alignment = 64 : i64, nontemporal = true} : memref<8x16xi32>, vector<16xi32>
  } {qnt.nontemporal_fence}
  scf.for %i = %c0 to %c8 step %c1 {
    vector.store %v, %m[%i, %c0] : memref<8x16xi32>, vector<16xi32>
  }
  return
}
