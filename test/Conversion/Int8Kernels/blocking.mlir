// RUN: quant-opt %s --split-input-file --qnt-lower-int8-kernels=target=avx512-vnni --canonicalize | FileCheck %s --check-prefix=VNNI
// RUN: quant-opt %s --split-input-file --qnt-lower-int8-kernels=target=portable --canonicalize | FileCheck %s --check-prefix=PORT

// The cache blocking of the GEMM (MicroKernels.cpp). K = 2100: VNNI has
// 525 groups of 4; a K block keeps the micro-panel of B (KC groups x 4
// vectors x 64 bytes) within 48 KiB, KC <= 192, so 3 balanced K blocks
// [0, 175), [175, 350), [350, 525). Portable (G = 1, 2 vectors x 16 bytes
// per group): KC <= 1536, 2 blocks [0, 1050), [1050, 2100). Between K
// blocks the accumulators of a row block (256 rows) x column panel (128
// columns) are kept in a 256x128 i32 tensor; N = 300 = 2 panels + 44 columns (a partial
// vector of 12 lanes for L = 16). C0 is a zero fill: the accumulators start
// at 0 and neither the fill nor a read of C0 is left.

// VNNI-LABEL: func.func @blocked
// VNNI-NOT: linalg.fill
// VNNI: tensor.empty() : tensor<256x128xi32>
// VNNI: scf.for %{{.*}} = %c0 to %{{.*}} step %c256
// VNNI: scf.for %{{.*}} = %c0 to %c175 step %c1
// VNNI: vector.transfer_write %{{.*}} : vector<16xi32>, tensor<256x128xi32>
// VNNI: vector.transfer_read %{{.*}} : tensor<256x128xi32>, vector<16xi32>
// VNNI: scf.for %{{.*}} = %c175 to %c350 step %c1
// VNNI: vector.transfer_read %{{.*}} : tensor<256x128xi32>, vector<16xi32>
// VNNI: scf.for %{{.*}} = %c350 to %c525 step %c1
// VNNI: vector.transfer_write %{{.*}} : vector<16xi32>, tensor<?x300xi32>
// The last panel's partial vector, in the partial accumulators and in C.
// VNNI: vector.transfer_write %{{.*}} : vector<12xi32>, tensor<256x128xi32>
// VNNI: vector.transfer_read %{{.*}} : tensor<256x128xi32>, vector<12xi32>
// VNNI: vector.transfer_write %{{.*}} : vector<12xi32>, tensor<?x300xi32>
// The panels share the partial accumulators: their loop is not independent.
// VNNI-NOT: qnt.parallel

// PORT-LABEL: func.func @blocked
// PORT-NOT: linalg.fill
// PORT: tensor.empty() : tensor<256x128xi32>
// PORT: scf.for %{{.*}} = %c0 to %c1050 step %c1
// PORT-NOT: scf.for %{{.*}} = %c0 to %c2100 step %c1
// PORT: scf.for %{{.*}} = %c1050 to %c2100 step %c1
func.func @blocked(%x: tensor<?x2100xi8>) -> tensor<?x300xi32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0 : i32
  %rows = tensor.dim %x, %c0 : tensor<?x2100xi8>
  %empty = tensor.empty(%rows) : tensor<?x300xi32>
  %init = linalg.fill ins(%zero : i32) outs(%empty : tensor<?x300xi32>) -> tensor<?x300xi32>
  %w = arith.constant dense<3> : tensor<2100x300xi8>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>,
                                        affine_map<(d0, d1, d2) -> (d1, d2)>,
                                        affine_map<(d0, d1, d2) -> (d0, d2)>],
                       iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<?x2100xi8>, tensor<2100x300xi8>) outs(%init : tensor<?x300xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %0 = arith.extui %a : i8 to i32
      %1 = arith.extsi %b : i8 to i32
      %2 = arith.muli %0, %1 : i32
      %3 = arith.addi %acc, %2 : i32
      linalg.yield %3 : i32
  } -> tensor<?x300xi32>
  return %y : tensor<?x300xi32>
}

// -----

// A bias broadcast along the output features as C0: the accumulators start
// from the bias vector (its last 4 lanes as a partial vector), C0 is
// neither computed nor read, and a GEMM with one K block has no partial
// accumulators.

// VNNI-LABEL: func.func @bias
// VNNI-NOT: linalg.generic
// VNNI-NOT: tensor<256x128xi32>
// VNNI: %[[BIAS:.*]] = arith.constant dense<{{.*}}> : tensor<20xi32>
// VNNI-NOT: linalg.generic
// VNNI: vector.transfer_read %[[BIAS]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<20xi32>, vector<16xi32>
// VNNI: vector.transfer_read %[[BIAS]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<20xi32>, vector<4xi32>
// VNNI-NOT: linalg.generic
func.func @bias(%x: tensor<?x8xi8>) -> tensor<?x20xi32> {
  %c0 = arith.constant 0 : index
  %rows = tensor.dim %x, %c0 : tensor<?x8xi8>
  %empty = tensor.empty(%rows) : tensor<?x20xi32>
  %b = arith.constant dense<[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]> : tensor<20xi32>
  %init = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                          iterator_types = ["parallel", "parallel"]}
      ins(%b : tensor<20xi32>) outs(%empty : tensor<?x20xi32>) {
    ^bb0(%in: i32, %out: i32):
      linalg.yield %in : i32
  } -> tensor<?x20xi32>
  %w = arith.constant dense<-2> : tensor<8x20xi8>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>,
                                        affine_map<(d0, d1, d2) -> (d1, d2)>,
                                        affine_map<(d0, d1, d2) -> (d0, d2)>],
                       iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<?x8xi8>, tensor<8x20xi8>) outs(%init : tensor<?x20xi32>) {
    ^bb0(%a: i8, %b2: i8, %acc: i32):
      %0 = arith.extui %a : i8 to i32
      %1 = arith.extsi %b2 : i8 to i32
      %2 = arith.muli %0, %1 : i32
      %3 = arith.addi %acc, %2 : i32
      linalg.yield %3 : i32
  } -> tensor<?x20xi32>
  return %y : tensor<?x20xi32>
}

// -----

// One row (a static M = 1 matmul): B is read once, so K is not blocked
// (one K loop over the 525 groups, no partial accumulators), and the loop
// over the 2 full column panels is marked independent (qnt.parallel).

// VNNI-LABEL: func.func @one_row
// VNNI-NOT: tensor<256x128xi32>
// VNNI: scf.for %{{.*}} = %c0 to %c2 step %c1
// VNNI: scf.for %{{.*}} = %c0 to %c525 step %c1
// VNNI: } {qnt.parallel}
// VNNI-NOT: tensor<256x128xi32>
// VNNI-LABEL: return
// PORT-LABEL: func.func @one_row
// PORT-NOT: tensor<256x128xi32>
// PORT: scf.for %{{.*}} = %c0 to %c2100 step %c1
// PORT-NOT: tensor<256x128xi32>
// PORT-LABEL: return
func.func @one_row(%x: tensor<1x2100xi8>) -> tensor<1x300xi32> {
  %zero = arith.constant 0 : i32
  %empty = tensor.empty() : tensor<1x300xi32>
  %init = linalg.fill ins(%zero : i32) outs(%empty : tensor<1x300xi32>) -> tensor<1x300xi32>
  %w = arith.constant dense<3> : tensor<2100x300xi8>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>,
                                        affine_map<(d0, d1, d2) -> (d1, d2)>,
                                        affine_map<(d0, d1, d2) -> (d0, d2)>],
                       iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<1x2100xi8>, tensor<2100x300xi8>) outs(%init : tensor<1x300xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %0 = arith.extui %a : i8 to i32
      %1 = arith.extsi %b : i8 to i32
      %2 = arith.muli %0, %1 : i32
      %3 = arith.addi %acc, %2 : i32
      linalg.yield %3 : i32
  } -> tensor<1x300xi32>
  return %y : tensor<1x300xi32>
}
