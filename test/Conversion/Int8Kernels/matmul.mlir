// RUN: quant-opt %s --split-input-file --qnt-lower-int8-kernels=target=avx512-vnni --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s --check-prefix=VNNI
// RUN: quant-opt %s --split-input-file --qnt-lower-int8-kernels=target=avx2 --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s --check-prefix=AVX2
// RUN: quant-opt %s --split-input-file --qnt-lower-int8-kernels=target=arm-dotprod --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s --check-prefix=ARM
// RUN: quant-opt %s --split-input-file --qnt-lower-int8-kernels=target=portable --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s --check-prefix=PORT

// The folded matmul of convert-qnt-to-fixed-point, s8 activations, with
// w[k][n] = 3k + n + 1 (K = 6, N = 3). Packed [N/L][K/G][L*G]: lane n holds
// w[kG..kG+G-1][n]; K and N are zero-padded.
// VNNI (L = 16, G = 4): s8 activations xor 0x80 to u8, and the accumulator
// starts at init - 128 * sum_k w[k][n] = -128 * (51, 57, 63).

// VNNI-LABEL: func.func @matmul_s8
// VNNI: arith.constant dense<{{\[\[\[}}1, 4, 7, 10, 2, 5, 8, 11, 3, 6, 9, 12, 0, {{.*}}], [13, 16, 0, 0, 14, 17, 0, 0, 15, 18, 0, 0, 0, {{.*}}]]]> : tensor<1x2x64xi8>
// VNNI: arith.xori %{{.*}}, %{{.*}} : i8
// VNNI: tensor.pad %{{.*}} low[0, 0] high[0, 2]
// VNNI: arith.constant dense<[-6528, -7296, -8064, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<16xi32>
// VNNI: scf.for
// N = 3: the partial vector is read and written as vector<3xi32> (no masks).
// VNNI: vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<?x3xi32>, vector<3xi32>
// VNNI: vector.insert_strided_slice %{{.*}}, %{{.*}} {offsets = [0], strides = [1]} : vector<3xi32> into vector<16xi32>
// VNNI: scf.for
// VNNI: vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<1x2x64xi8>, vector<64xi8>
// VNNI: vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<?x8xi8>, vector<4xi8>
// VNNI: vector.bitcast %{{.*}} : vector<4xi8> to vector<1xi32>
// VNNI: vector.bitcast %{{.*}} : vector<16xi32> to vector<64xi8>
// VNNI: qnt.dot_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%{{.*}}, %{{.*}}, %{{.*}}) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// VNNI: vector.extract_strided_slice %{{.*}} {offsets = [0], sizes = [3], strides = [1]} : vector<16xi32> to vector<3xi32>
// VNNI: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<3xi32>, tensor<?x3xi32>
// VNNI-NOT: linalg.generic {{.*}}reduction

// AVX2 (L = 8, G = 2, s16): no shift, no compensation.
// AVX2-LABEL: func.func @matmul_s8
// AVX2-DAG: arith.constant dense<{{\[\[\[}}1, 4, 2, 5, 3, 6, 0, {{.*}}], [7, 10, 8, 11, 9, 12, 0, {{.*}}], [13, 16, 14, 17, 15, 18, 0, {{.*}}]]]> : tensor<1x3x16xi16>
// AVX2-NOT: arith.xori
// AVX2: arith.extsi %{{.*}} : i8 to i16
// AVX2: qnt.dot_intrinsic "llvm.x86.avx2.pmadd.wd"(%{{.*}}, %{{.*}}, %{{.*}}) : (vector<8xi32>, vector<16xi16>, vector<16xi16>) -> vector<8xi32>

// ARM (L = 4, G = 4): s8 activations go to sdot as they are.
// ARM-LABEL: func.func @matmul_s8
// ARM-DAG: arith.constant dense<{{\[\[\[}}1, 4, 7, 10, 2, 5, 8, 11, 3, 6, 9, 12, 0, 0, 0, 0], [13, 16, 0, 0, 14, 17, 0, 0, 15, 18, 0, 0, 0, 0, 0, 0]]]> : tensor<1x2x16xi8>
// ARM-NOT: arith.xori
// ARM: qnt.dot_intrinsic "llvm.aarch64.neon.sdot.v4i32.v16i8"(%{{.*}}, %{{.*}}, %{{.*}}) : (vector<4xi32>, vector<16xi8>, vector<16xi8>) -> vector<4xi32>

// portable (L = 16, G = 1): vector ext, muli, addi.
// PORT-LABEL: func.func @matmul_s8
// PORT-DAG: arith.constant dense<{{\[\[\[}}1, 2, 3, 0, {{.*}}], [4, 5, 6, 0, {{.*}}], [7, 8, 9, 0, {{.*}}], [10, 11, 12, 0, {{.*}}], [13, 14, 15, 0, {{.*}}], [16, 17, 18, 0, {{.*}}]]]> : tensor<1x6x16xi8>
// PORT-NOT: qnt.dot_intrinsic
// PORT: arith.extsi %{{.*}} : vector<16xi8> to vector<16xi32>
// PORT: arith.extsi %{{.*}} : i8 to i32
// PORT: arith.muli %{{.*}}, %{{.*}} : vector<16xi32>
// PORT: arith.addi %{{.*}}, %{{.*}} : vector<16xi32>
func.func @matmul_s8(%x: tensor<?x6xi8>, %init: tensor<?x3xi32>) -> tensor<?x3xi32> {
  %w = arith.constant dense<[[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12], [13, 14, 15], [16, 17, 18]]> : tensor<6x3xi8>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>,
                                        affine_map<(d0, d1, d2) -> (d1, d2)>,
                                        affine_map<(d0, d1, d2) -> (d0, d2)>],
                       iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<?x6xi8>, tensor<6x3xi8>) outs(%init : tensor<?x3xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %0 = arith.extsi %a : i8 to i32
      %1 = arith.extsi %b : i8 to i32
      %2 = arith.muli %0, %1 : i32
      %3 = arith.addi %acc, %2 : i32
      linalg.yield %3 : i32
  } -> tensor<?x3xi32>
  return %y : tensor<?x3xi32>
}

// -----

// u8 activations, batch dims flattened into rows: vnni takes them as they
// are; Arm sdot needs s8: xor 0x80 and +128 * sum_k w[k][n].

// VNNI-LABEL: func.func @matmul_u8_batched
// VNNI-NOT: arith.xori
// VNNI: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<2x?x4xi8> into tensor<?x4xi8>
// VNNI: qnt.dot_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// VNNI: tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [2, %{{.*}}, 2] : tensor<?x2xi32> into tensor<2x?x2xi32>

// ARM-LABEL: func.func @matmul_u8_batched
// ARM: arith.xori %{{.*}}, %{{.*}} : i8
// ARM: arith.constant dense<[-256, 1024, 0, 0]> : tensor<4xi32>
// ARM: qnt.dot_intrinsic "llvm.aarch64.neon.sdot.v4i32.v16i8"

// PORT-LABEL: func.func @matmul_u8_batched
// PORT: arith.extui %{{.*}} : i8 to i32
func.func @matmul_u8_batched(%x: tensor<2x?x4xi8>, %init: tensor<2x?x2xi32>) -> tensor<2x?x2xi32> {
  %w = arith.constant dense<[[1, 2], [-1, 3], [-3, 0], [1, 3]]> : tensor<4x2xi8>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>,
                                        affine_map<(d0, d1, d2, d3) -> (d2, d3)>,
                                        affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>],
                       iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<2x?x4xi8>, tensor<4x2xi8>) outs(%init : tensor<2x?x2xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %0 = arith.extui %a : i8 to i32
      %1 = arith.extsi %b : i8 to i32
      %2 = arith.muli %0, %1 : i32
      %3 = arith.addi %acc, %2 : i32
      linalg.yield %3 : i32
  } -> tensor<2x?x2xi32>
  return %y : tensor<2x?x2xi32>
}

// -----

// Left alone: the centered form (x - z_x) * w, a run-time weight, and a
// weight outside s8 (u8 values above 127).

// VNNI-LABEL: func.func @not_matched
// VNNI-NOT: qnt.dot_intrinsic
// VNNI-COUNT-3: linalg.generic
func.func @not_matched(%x: tensor<?x4xi8>, %rw: tensor<4x2xi8>, %init: tensor<?x2xi32>) -> (tensor<?x2xi32>, tensor<?x2xi32>, tensor<?x2xi32>) {
  %w = arith.constant dense<[[1, 2], [-1, 3], [-3, 0], [1, 3]]> : tensor<4x2xi8>
  %u = arith.constant dense<[[1, 2], [-1, 3], [-3, 0], [1, 3]]> : tensor<4x2xi8>
  %z = arith.constant 5 : i32
  %c = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>,
                                        affine_map<(d0, d1, d2) -> (d1, d2)>,
                                        affine_map<(d0, d1, d2) -> (d0, d2)>],
                       iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %w : tensor<?x4xi8>, tensor<4x2xi8>) outs(%init : tensor<?x2xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %0 = arith.extui %a : i8 to i32
      %s = arith.subi %0, %z : i32
      %1 = arith.extsi %b : i8 to i32
      %2 = arith.muli %s, %1 : i32
      %3 = arith.addi %acc, %2 : i32
      linalg.yield %3 : i32
  } -> tensor<?x2xi32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>,
                                        affine_map<(d0, d1, d2) -> (d1, d2)>,
                                        affine_map<(d0, d1, d2) -> (d0, d2)>],
                       iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %rw : tensor<?x4xi8>, tensor<4x2xi8>) outs(%init : tensor<?x2xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %0 = arith.extui %a : i8 to i32
      %1 = arith.extsi %b : i8 to i32
      %2 = arith.muli %0, %1 : i32
      %3 = arith.addi %acc, %2 : i32
      linalg.yield %3 : i32
  } -> tensor<?x2xi32>
  %o = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>,
                                        affine_map<(d0, d1, d2) -> (d1, d2)>,
                                        affine_map<(d0, d1, d2) -> (d0, d2)>],
                       iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x, %u : tensor<?x4xi8>, tensor<4x2xi8>) outs(%init : tensor<?x2xi32>) {
    ^bb0(%a: i8, %b: i8, %acc: i32):
      %0 = arith.extui %a : i8 to i32
      %1 = arith.extui %b : i8 to i32
      %2 = arith.muli %0, %1 : i32
      %3 = arith.addi %acc, %2 : i32
      linalg.yield %3 : i32
  } -> tensor<?x2xi32>
  return %c, %r, %o : tensor<?x2xi32>, tensor<?x2xi32>, tensor<?x2xi32>
}
