// RUN: quant-opt %s --split-input-file --qnt-parallelize-loops | FileCheck %s
// RUN: quant-opt %s --split-input-file --qnt-parallelize-loops=min-iterations=4 | FileCheck %s --check-prefix=MIN4

// A marked loop over a dynamic count becomes an scf.parallel; the loop
// bufferization left carrying its buffer is dropped.
// CHECK-LABEL: func.func @marked
//  CHECK-SAME: (%[[M:.*]]: memref<?x16xi32>, %[[N:.*]]: index)
//   CHECK-NOT: scf.for
//       CHECK: scf.parallel (%[[I:.*]]) = (%{{.*}}) to (%[[N]]) step (%{{.*}}) {
//       CHECK:   memref.store %{{.*}}, %[[M]][%[[I]], %{{.*}}]
//       CHECK:   scf.reduce
//       CHECK: return %[[M]]
func.func @marked(%m: memref<?x16xi32>, %n: index) -> memref<?x16xi32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %v = arith.constant 7 : i32
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%b = %m) -> memref<?x16xi32> {
    memref.store %v, %b[%i, %c0] : memref<?x16xi32>
    scf.yield %b : memref<?x16xi32>
  } {qnt.parallel}
  return %r : memref<?x16xi32>
}

// -----

// Unmarked loops, and marked loops whose results are not passed-through
// buffers, stay sequential.
// CHECK-LABEL: func.func @not_marked
//       CHECK: scf.for
//   CHECK-NOT: scf.parallel
//       CHECK: scf.for {{.*}} iter_args
//   CHECK-NOT: scf.parallel
func.func @not_marked(%m: memref<?xi32>, %n: index) -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %v = arith.constant 7 : i32
  scf.for %i = %c0 to %n step %c1 {
    memref.store %v, %m[%i] : memref<?xi32>
  }
  %s = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %v) -> i32 {
    %x = memref.load %m[%i] : memref<?xi32>
    %y = arith.addi %acc, %x : i32
    scf.yield %y : i32
  } {qnt.parallel}
  return %s : i32
}

// -----

// Only the outermost loop of a nest runs in parallel; a loop with a known
// count below min-iterations (default 64) runs sequentially.
// CHECK-LABEL: func.func @nest
//       CHECK: scf.parallel (%{{.*}}, %{{.*}}) =
//   CHECK-NOT: scf.parallel
//       CHECK: scf.for
//       CHECK: scf.reduce
//       CHECK: scf.for
//   CHECK-NOT: scf.parallel
//       CHECK: return
// MIN4-LABEL: func.func @nest
//       MIN4: scf.parallel
//       MIN4: scf.for
//       MIN4: scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step
//       MIN4: return
func.func @nest(%m: memref<?x128xi32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c128 = arith.constant 128 : index
  %v = arith.constant 7 : i32
  scf.parallel (%i, %j) = (%c0, %c0) to (%n, %c128) step (%c1, %c1) {
    scf.parallel (%k) = (%c0) to (%c8) step (%c1) {
      memref.store %v, %m[%i, %k] : memref<?x128xi32>
    }
  }
  scf.parallel (%k) = (%c0) to (%c8) step (%c1) {
    memref.store %v, %m[%c0, %k] : memref<?x128xi32>
  }
  return
}

// -----

// A loop with a known count of at least min-iterations stays parallel.
// CHECK-LABEL: func.func @large
//       CHECK: scf.parallel (%{{.*}}, %{{.*}}) = (%{{.*}}, %{{.*}}) to (%{{.*}}, %{{.*}})
// MIN4-LABEL: func.func @large
//       MIN4: scf.parallel
func.func @large(%m: memref<8x16xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %v = arith.constant 7 : i32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c8, %c16) step (%c1, %c1) {
    memref.store %v, %m[%i, %j] : memref<8x16xi32>
  }
  return
}
