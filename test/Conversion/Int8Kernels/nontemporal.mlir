// RUN: quant-opt %s --split-input-file --qnt-lower-int8-kernels=target=avx512-vnni --canonicalize | FileCheck %s --check-prefix=VNNI
// RUN: quant-opt %s --split-input-file --qnt-lower-int8-kernels=target=avx2 --canonicalize | FileCheck %s --check-prefix=AVX2

// The int32 result of a GEMM is written with non-temporal stores when it is
// a fresh tensor (tensor.empty, here under the linalg.fill C0 the
// accumulators start from) of at least 2 MiB whose rows are whole vectors:
// 512 x 1024 x 4 bytes = 2 MiB, 1024 columns = 64 vectors of 16 (vnni,
// aligned to 64 bytes) or 128 of 8 (avx2, 32 bytes). The loops over row
// blocks and over column panels are marked for a fence after each
// iteration.

// VNNI-LABEL: func.func @large
// VNNI-NOT: vector.transfer_write %{{.*}} : vector<16xi32>, tensor<512x1024xi32>
// VNNI: scf.for
// VNNI: qnt.nontemporal_write %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] {alignment = 64 : i64} : vector<16xi32>, tensor<512x1024xi32>
// VNNI-NOT: vector.transfer_write %{{.*}} : vector<16xi32>, tensor<512x1024xi32>
// One K block: the panels are independent (qnt.parallel).
// VNNI: } {qnt.nontemporal_fence, qnt.parallel}
// VNNI: } {qnt.nontemporal_fence}
// VNNI-LABEL: return
// AVX2-LABEL: func.func @large
// AVX2: qnt.nontemporal_write %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] {alignment = 32 : i64} : vector<8xi32>, tensor<512x1024xi32>
// AVX2-NOT: vector.transfer_write %{{.*}} : vector<8xi32>, tensor<512x1024xi32>
// AVX2: } {qnt.nontemporal_fence, qnt.parallel}
// AVX2: } {qnt.nontemporal_fence}
func.func @large(%x: tensor<512x40xi8>) -> tensor<512x1024xi32> {
  %zero = arith.constant 0 : i32
  %empty = tensor.empty() : tensor<512x1024xi32>
  %init = linalg.fill ins(%zero : i32) outs(%empty : tensor<512x1024xi32>) -> tensor<512x1024xi32>
  %w = arith.constant dense<3> : tensor<40x1024xi8>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>,
                                        affine_map<(d0, d1, d2) -> (d1, d2)>,
                                        affine_map<(d0, d1, d2) -> (d0, d2)>],
                       iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<512x40xi8>, tensor<40x1024xi8>) outs(%init : tensor<512x1024xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %0 = arith.extui %a : i8 to i32
      %1 = arith.extsi %b : i8 to i32
      %2 = arith.muli %0, %1 : i32
      %3 = arith.addi %acc, %2 : i32
      linalg.yield %3 : i32
  } -> tensor<512x1024xi32>
  return %y : tensor<512x1024xi32>
}

// -----

// Below 2 MiB (511 rows): normal stores, no fence.
// VNNI-LABEL: func.func @small
// VNNI-NOT: qnt.nontemporal
// VNNI: vector.transfer_write %{{.*}} : vector<16xi32>, tensor<511x1024xi32>
// VNNI-NOT: qnt.nontemporal
// VNNI-LABEL: return
func.func @small(%x: tensor<511x40xi8>) -> tensor<511x1024xi32> {
  %zero = arith.constant 0 : i32
  %empty = tensor.empty() : tensor<511x1024xi32>
  %init = linalg.fill ins(%zero : i32) outs(%empty : tensor<511x1024xi32>) -> tensor<511x1024xi32>
  %w = arith.constant dense<3> : tensor<40x1024xi8>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>,
                                        affine_map<(d0, d1, d2) -> (d1, d2)>,
                                        affine_map<(d0, d1, d2) -> (d0, d2)>],
                       iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<511x40xi8>, tensor<40x1024xi8>) outs(%init : tensor<511x1024xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %0 = arith.extui %a : i8 to i32
      %1 = arith.extsi %b : i8 to i32
      %2 = arith.muli %0, %1 : i32
      %3 = arith.addi %acc, %2 : i32
      linalg.yield %3 : i32
  } -> tensor<511x1024xi32>
  return %y : tensor<511x1024xi32>
}

// -----

// Rows that are not whole vectors (1032 columns: 64.5 vectors of 16): the
// stores could not all be aligned, so none is non-temporal.
// VNNI-LABEL: func.func @ragged
// VNNI-NOT: qnt.nontemporal
// VNNI-LABEL: return
func.func @ragged(%x: tensor<600x40xi8>) -> tensor<600x1032xi32> {
  %zero = arith.constant 0 : i32
  %empty = tensor.empty() : tensor<600x1032xi32>
  %init = linalg.fill ins(%zero : i32) outs(%empty : tensor<600x1032xi32>) -> tensor<600x1032xi32>
  %w = arith.constant dense<3> : tensor<40x1032xi8>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>,
                                        affine_map<(d0, d1, d2) -> (d1, d2)>,
                                        affine_map<(d0, d1, d2) -> (d0, d2)>],
                       iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<600x40xi8>, tensor<40x1032xi8>) outs(%init : tensor<600x1032xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %0 = arith.extui %a : i8 to i32
      %1 = arith.extsi %b : i8 to i32
      %2 = arith.muli %0, %1 : i32
      %3 = arith.addi %acc, %2 : i32
      linalg.yield %3 : i32
  } -> tensor<600x1032xi32>
  return %y : tensor<600x1032xi32>
}

// -----

// C0 is a tensor computed before (not a fresh buffer, its alignment is not
// known): normal stores.
// VNNI-LABEL: func.func @computed_init
// VNNI-NOT: qnt.nontemporal
// VNNI-LABEL: return
func.func @computed_init(%x: tensor<512x40xi8>, %c: tensor<512x1024xi32>) -> tensor<512x1024xi32> {
  %w = arith.constant dense<3> : tensor<40x1024xi8>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>,
                                        affine_map<(d0, d1, d2) -> (d1, d2)>,
                                        affine_map<(d0, d1, d2) -> (d0, d2)>],
                       iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<512x40xi8>, tensor<40x1024xi8>) outs(%c : tensor<512x1024xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %0 = arith.extui %a : i8 to i32
      %1 = arith.extsi %b : i8 to i32
      %2 = arith.muli %0, %1 : i32
      %3 = arith.addi %acc, %2 : i32
      linalg.yield %3 : i32
  } -> tensor<512x1024xi32>
  return %y : tensor<512x1024xi32>
}

// -----

// A fused epilogue (here a conversion to f32, 2 MiB): its output keeps the
// normal stores.
// VNNI-LABEL: func.func @epilogue
// VNNI-NOT: qnt.nontemporal
// VNNI: vector.transfer_write %{{.*}} : vector<16xf32>, tensor<512x1024xf32>
// VNNI-NOT: qnt.nontemporal
// VNNI-LABEL: return
func.func @epilogue(%x: tensor<512x40xi8>) -> tensor<512x1024xf32> {
  %zero = arith.constant 0 : i32
  %empty = tensor.empty() : tensor<512x1024xi32>
  %init = linalg.fill ins(%zero : i32) outs(%empty : tensor<512x1024xi32>) -> tensor<512x1024xi32>
  %w = arith.constant dense<3> : tensor<40x1024xi8>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>,
                                        affine_map<(d0, d1, d2) -> (d1, d2)>,
                                        affine_map<(d0, d1, d2) -> (d0, d2)>],
                       iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<512x40xi8>, tensor<40x1024xi8>) outs(%init : tensor<512x1024xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %0 = arith.extui %a : i8 to i32
      %1 = arith.extsi %b : i8 to i32
      %2 = arith.muli %0, %1 : i32
      %3 = arith.addi %acc, %2 : i32
      linalg.yield %3 : i32
  } -> tensor<512x1024xi32>
  %fempty = tensor.empty() : tensor<512x1024xf32>
  %f = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%y : tensor<512x1024xi32>) outs(%fempty : tensor<512x1024xf32>) {
    ^bb0(%in: i32, %out: f32):
      %4 = arith.sitofp %in : i32 to f32
      linalg.yield %4 : f32
  } -> tensor<512x1024xf32>
  return %f : tensor<512x1024xf32>
}
