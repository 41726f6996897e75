// RUN: quant-opt %s --split-input-file --qnt-parallelize-loops=min-work=10000 | FileCheck %s
// RUN: quant-opt %s --split-input-file --qnt-parallelize-loops=min-work=1 | FileCheck %s --check-prefix=ANY

// A marked loop becomes an scf.parallel; the buffer that bufferization left
// it carrying is dropped. Its work, 1 store per image, reaches
// min-work=10000 only from 10000 images on: the batch decides at run time
// between the parallel loop and a sequential copy.
// ANY-LABEL: func.func @marked
//  ANY-SAME: (%[[M:.*]]: memref<?x16xi32>, %[[N:.*]]: index)
//   ANY-NOT: scf.for
//   ANY-NOT: scf.if
//       ANY: scf.parallel (%[[I:.*]]) = (%{{.*}}) to (%[[N]]) step (%{{.*}}) {
//       ANY:   memref.store %{{.*}}, %[[M]][%[[I]], %{{.*}}]
//       ANY:   scf.reduce
//       ANY: return %[[M]]
// CHECK-LABEL: func.func @marked
//  CHECK-SAME: (%[[M:.*]]: memref<?x16xi32>, %[[N:.*]]: index)
//   CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
//   CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
//       CHECK: %[[SPAN:.*]] = arith.subi %[[N]], %[[C0]] : index
//       CHECK: %[[TRIPS:.*]] = arith.ceildivsi %[[SPAN]], %[[C1]] : index
//       CHECK: %[[NEEDED:.*]] = arith.constant 10000 : index
//       CHECK: %[[ENOUGH:.*]] = arith.cmpi sge, %[[TRIPS]], %[[NEEDED]] : index
//       CHECK: scf.if %[[ENOUGH]] {
//  CHECK-NEXT:   scf.parallel (%[[I:.*]]) = (%[[C0]]) to (%[[N]]) step (%[[C1]]) {
//  CHECK-NEXT:     memref.store %{{.*}}, %[[M]][%[[I]], %[[C0]]]
//  CHECK-NEXT:     scf.reduce
//  CHECK-NEXT:   }
//  CHECK-NEXT: } else {
//  CHECK-NEXT:   scf.for %[[J:.*]] = %[[C0]] to %[[N]] step %[[C1]] {
//  CHECK-NEXT:     memref.store %{{.*}}, %[[M]][%[[J]], %[[C0]]]
//  CHECK-NEXT:   }
//  CHECK-NEXT: }
//  CHECK-NEXT: return %[[M]]
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
// ANY-LABEL: func.func @not_marked
//       ANY: scf.for
//   ANY-NOT: scf.parallel
//       ANY: scf.for {{.*}} iter_args
//   ANY-NOT: scf.parallel
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

// Only the outermost loop of a nest runs in parallel. The work of a nest
// counts the ops it executes: 256 x (1 + 64) stores = 16640 per image for
// the first nest (parallel with min-work=10000 even at batch 1, so not
// versioned), 8 for the second (static, sequential).
// CHECK-LABEL: func.func @nest
//   CHECK-NOT: scf.if
//       CHECK: scf.parallel (%{{.*}}, %{{.*}}) =
//   CHECK-NOT: scf.parallel
//       CHECK: scf.for
//       CHECK: scf.reduce
//       CHECK: scf.for
//   CHECK-NOT: scf.parallel
//       CHECK: return
// ANY-LABEL: func.func @nest
//       ANY: scf.parallel
//       ANY: scf.for
//       ANY: scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step
//       ANY: return
func.func @nest(%m: memref<?x256xi32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %c256 = arith.constant 256 : index
  %v = arith.constant 7 : i32
  scf.parallel (%i, %j) = (%c0, %c0) to (%n, %c256) step (%c1, %c1) {
    memref.store %v, %m[%i, %c0] : memref<?x256xi32>
    scf.parallel (%k) = (%c0) to (%c64) step (%c1) {
      memref.store %v, %m[%i, %k] : memref<?x256xi32>
    }
  }
  scf.parallel (%k) = (%c0) to (%c8) step (%c1) {
    memref.store %v, %m[%c0, %k] : memref<?x256xi32>
  }
  return
}

// -----

// Perfectly nested marked loops become one multi-dimensional loop, split
// as a whole. 256 stores per image: always parallel with min-work=1, from
// ceil(10000 / 256) = 40 images on with min-work=10000.
// ANY-LABEL: func.func @perfect
//   ANY-NOT: scf.if
//       ANY: scf.parallel (%{{.*}}, %{{.*}}) = (%{{.*}}, %{{.*}}) to (%{{.*}}, %{{.*}})
//   ANY-NOT: scf.parallel
//   ANY-NOT: scf.for
//       ANY: return
// CHECK-LABEL: func.func @perfect
//  CHECK-SAME: (%{{.*}}: memref<?x256xi32>, %[[N:.*]]: index)
//       CHECK: %[[TRIPS:.*]] = arith.ceildivsi
//       CHECK: %[[NEEDED:.*]] = arith.constant 40 : index
//       CHECK: %[[ENOUGH:.*]] = arith.cmpi sge, %[[TRIPS]], %[[NEEDED]] : index
//       CHECK: scf.if %[[ENOUGH]] {
//  CHECK-NEXT:   scf.parallel (%{{.*}}, %{{.*}}) = (%{{.*}}, %{{.*}}) to (%[[N]], %{{.*}})
//       CHECK: } else {
//  CHECK-NEXT:   scf.for %{{.*}} = %{{.*}} to %[[N]]
//  CHECK-NEXT:     scf.for
//   CHECK-NOT: scf.parallel
//       CHECK: return
func.func @perfect(%m: memref<?x256xi32>, %n: index) -> memref<?x256xi32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c256 = arith.constant 256 : index
  %v = arith.constant 7 : i32
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%b = %m) -> memref<?x256xi32> {
    %r2 = scf.for %j = %c0 to %c256 step %c1 iter_args(%b2 = %b) -> memref<?x256xi32> {
      memref.store %v, %b2[%i, %j] : memref<?x256xi32>
      scf.yield %b2 : memref<?x256xi32>
    } {qnt.parallel}
    scf.yield %r2 : memref<?x256xi32>
  } {qnt.parallel}
  return %r : memref<?x256xi32>
}

// -----

// Work adds up over the loops in a body: 2 x (5000 + 5000) = 20000 stays
// parallel; 2 x (2500 + 2500) = 10000 too (min-work=10000);
// 2 x (2500 + 2499) does not.
// CHECK-LABEL: func.func @sum
//       CHECK: scf.parallel
//       CHECK: scf.parallel
//   CHECK-NOT: scf.parallel
//       CHECK: return
func.func @sum(%m: memref<2x5000xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c2499 = arith.constant 2499 : index
  %c2500 = arith.constant 2500 : index
  %c5000 = arith.constant 5000 : index
  %v = arith.constant 7 : i32
  scf.parallel (%i) = (%c0) to (%c2) step (%c1) {
    scf.for %j = %c0 to %c5000 step %c1 {
      memref.store %v, %m[%i, %j] : memref<2x5000xi32>
    }
    scf.for %j = %c0 to %c5000 step %c1 {
      memref.store %v, %m[%i, %j] : memref<2x5000xi32>
    }
  }
  scf.parallel (%i) = (%c0) to (%c2) step (%c1) {
    scf.for %j = %c0 to %c2500 step %c1 {
      memref.store %v, %m[%i, %j] : memref<2x5000xi32>
    }
    scf.for %j = %c0 to %c2500 step %c1 {
      memref.store %v, %m[%i, %j] : memref<2x5000xi32>
    }
  }
  scf.parallel (%i) = (%c0) to (%c2) step (%c1) {
    scf.for %j = %c0 to %c2500 step %c1 {
      memref.store %v, %m[%i, %j] : memref<2x5000xi32>
    }
    scf.for %j = %c0 to %c2499 step %c1 {
      memref.store %v, %m[%i, %j] : memref<2x5000xi32>
    }
  }
  return
}

// -----

// Only the leading dimensions whose static trip counts reach 8 chunks stay
// parallel (the dynamic batch counts as 1): OpenMP would recover every
// dimension's index by division in every iteration, and LLVM vectorizes the
// inner loops (here into memsets) only when they are plain loops. (n, 64)
// here; (n, 2, 4) below, whose first two dimensions make only 2 chunks.
// ANY-LABEL: func.func @leading_dims
//  ANY-SAME: (%[[M:.*]]: memref<?x64x30x30xi8>, %[[K:.*]]: memref<?x2x4x30xi8>, %[[N:.*]]: index)
//       ANY: scf.parallel (%[[I:.*]], %[[J:.*]]) = (%{{.*}}, %{{.*}}) to (%[[N]], %{{.*}}) step
//  ANY-NEXT:   scf.for %[[Y:.*]] = %{{.*}} to %{{.*}} step
//  ANY-NEXT:     scf.for %[[X:.*]] = %{{.*}} to %{{.*}} step
//  ANY-NEXT:       memref.store %{{.*}}, %[[M]][%[[I]], %[[J]], %[[Y]], %[[X]]]
//       ANY: scf.parallel (%[[A:.*]], %[[B:.*]], %[[C:.*]]) = (%{{.*}}, %{{.*}}, %{{.*}}) to (%[[N]], %{{.*}}, %{{.*}}) step
//  ANY-NEXT:   scf.for %[[D:.*]] = %{{.*}} to %{{.*}} step
//  ANY-NEXT:     memref.store %{{.*}}, %[[K]][%[[A]], %[[B]], %[[C]], %[[D]]]
//   ANY-NOT: scf.parallel
//       ANY: return
func.func @leading_dims(%m: memref<?x64x30x30xi8>, %k: memref<?x2x4x30xi8>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c30 = arith.constant 30 : index
  %c64 = arith.constant 64 : index
  %v = arith.constant 0 : i8
  scf.parallel (%i, %j, %y, %x) = (%c0, %c0, %c0, %c0) to (%n, %c64, %c30, %c30) step (%c1, %c1, %c1, %c1) {
    memref.store %v, %m[%i, %j, %y, %x] : memref<?x64x30x30xi8>
  }
  scf.parallel (%a, %b, %c, %d) = (%c0, %c0, %c0, %c0) to (%n, %c2, %c4, %c30) step (%c1, %c1, %c1, %c1) {
    memref.store %v, %k[%a, %b, %c, %d] : memref<?x2x4x30xi8>
  }
  return
}
