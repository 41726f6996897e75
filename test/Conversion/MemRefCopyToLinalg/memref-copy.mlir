// RUN: quant-opt %s -convert-memref-copy-to-linalg | FileCheck %s
// Lowered, the copy needs no runtime function.
// RUN: quant-opt %s -convert-memref-copy-to-linalg -convert-linalg-to-loops -expand-strided-metadata -lower-affine -convert-scf-to-cf -finalize-memref-to-llvm -convert-arith-to-llvm -convert-cf-to-llvm -convert-func-to-llvm -reconcile-unrealized-casts | FileCheck %s --check-prefix=LLVM

// CHECK-LABEL: func.func @pad_interior
// CHECK-SAME: (%[[SRC:.*]]: memref<?x8xf32>, %[[DST:.*]]: memref<?x10xf32>)
// CHECK: %[[VIEW:.*]] = memref.subview %[[DST]]
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%[[SRC]] : memref<?x8xf32>) outs(%[[VIEW]] : memref<?x8xf32, strided<[10, 1], offset: 1>>)
// LLVM-NOT: memrefCopy
// LLVM: llvm.func @pad_interior
// LLVM-NOT: memrefCopy
func.func @pad_interior(%src: memref<?x8xf32>, %dst: memref<?x10xf32>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %src, %c0 : memref<?x8xf32>
  %view = memref.subview %dst[0, 1] [%n, 8] [1, 1] : memref<?x10xf32> to memref<?x8xf32, strided<[10, 1], offset: 1>>
  memref.copy %src, %view : memref<?x8xf32> to memref<?x8xf32, strided<[10, 1], offset: 1>>
  return
}
