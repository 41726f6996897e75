// RUN: quant-opt %s --split-input-file --qnt-inline-alloca-scopes | FileCheck %s

// A scope without stack allocations is inlined, even around a call (which
// upstream's canonicalization counts as a possible allocation); its results
// are the values it returned.
// CHECK-LABEL: func.func @inlined
//   CHECK-NOT: memref.alloca_scope
//       CHECK: %[[X:.*]] = call @f()
//       CHECK: %[[Y:.*]] = arith.addi %[[X]], %[[X]]
//       CHECK: return %[[Y]]
func.func private @f() -> i32
func.func @inlined() -> i32 {
  %r = memref.alloca_scope -> i32 {
    %x = func.call @f() : () -> i32
    %y = arith.addi %x, %x : i32
    memref.alloca_scope.return %y : i32
  }
  return %r : i32
}

// -----

// A scope with a stack allocation stays.
// CHECK-LABEL: func.func @kept
//       CHECK: memref.alloca_scope
//       CHECK:   memref.alloca
func.func @kept(%v: i32) {
  memref.alloca_scope {
    %a = memref.alloca() : memref<4xi32>
    %c0 = arith.constant 0 : index
    memref.store %v, %a[%c0] : memref<4xi32>
  }
  return
}
