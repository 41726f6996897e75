// RUN: quant-opt %s --split-input-file --convert-qnt-to-fixed-point --qnt-lower-int8-kernels=target=avx512-vnni --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s --check-prefix=VNNI
// RUN: quant-opt %s --split-input-file --convert-qnt-to-fixed-point --qnt-lower-int8-kernels=target=avx2 --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s --check-prefix=AVX2
// RUN: quant-opt %s --split-input-file --convert-qnt-to-fixed-point --qnt-lower-int8-kernels=target=arm-dotprod --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s --check-prefix=ARM

// A 3x3 conv, 2 -> 3 channels, stride 2, padded by the input zero point,
// s8 input: K = 2 * 3 * 3 = 18 (padded to 20 for G = 4, to 18 for G = 2),
// M = 2 * 2 = 4 output pixels per image. The weight is packed [F][Kp].
// Per image, the input is rearranged (Im2col.cpp) into the [K][M] matrix
// (one vector.shuffle per kernel column of each input row: the masks pick
// every second column, lane 0 of kx = 0 is the left padding, element 4 =
// the splat zero point), then packed into [M/L][Kp/G][L*G] by interleaving
// G rows of L pixels; one GEMM per image with rows = output channels. The
// tensor.pad is read implicitly. VNNI shifts the s8 input to u8: each
// channel starts at bias - 128 * sum(w) = -128 * (18, -18, 0).

!x = !quant.uniform<i8:f32, 0.5:-2>
!w = !quant.uniform<i8<-127:127>:f32:0, {0.25, 0.125, 0.5}>
!acc = !quant.uniform<i32:f32:1, {0.125, 0.0625, 0.25}>

// VNNI-LABEL: func.func @conv_s8
// VNNI-NOT: tensor.pad
// VNNI: %[[ZP:.*]] = arith.constant -2 : i8
// VNNI: arith.constant dense<{{\[\[}}1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0], [-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 0], [1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 0, 0]]> : tensor<3x20xi8>
// VNNI: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] : tensor<?x3x2x2xi32> into tensor<?x3x4xi32>
// VNNI: arith.constant dense<[-2304, 2304, 0]> : tensor<3xi32>
// VNNI: scf.for %[[IMG:.*]] = %{{.*}} to %{{.*}} step
// VNNI: tensor.empty() : tensor<18x4xi8>
// VNNI: %[[S:.*]] = scf.for %[[C:.*]] = %{{.*}} to %{{.*}} step
// VNNI: scf.for %[[OY:.*]] = %{{.*}} to %{{.*}} step
// Kernel row 0 reads input row 2 * oy - 1: the padding for oy = 0.
// VNNI: %[[ROW:.*]] = vector.transfer_read %arg0[%[[IMG]], %[[C]], %{{.*}}, %{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<?x2x4x4xi8>, vector<4xi8>
// VNNI: %[[PADS:.*]] = vector.broadcast %[[ZP]] : i8 to vector<4xi8>
// VNNI: %[[SEL:.*]] = arith.select %{{.*}}, %[[ROW]], %[[PADS]] : vector<4xi8>
// VNNI: %[[PAD1:.*]] = vector.broadcast %[[ZP]] : i8 to vector<1xi8>
// VNNI: %[[KX0:.*]] = vector.shuffle %[[SEL]], %[[PAD1]] [4, 1] : vector<4xi8>, vector<1xi8>
// VNNI: vector.transfer_write %[[KX0]], %{{.*}} {in_bounds = [true]} : vector<2xi8>, tensor<18x4xi8>
// VNNI: vector.shuffle %[[SEL]], %[[SEL]] [0, 2] : vector<4xi8>, vector<4xi8>
// VNNI: vector.shuffle %[[SEL]], %[[SEL]] [1, 3] : vector<4xi8>, vector<4xi8>
// Kernel rows 1 and 2 are always inside: no select.
// VNNI: %[[ROW1:.*]] = vector.transfer_read %arg0
// VNNI-NOT: arith.select
// VNNI: vector.shuffle %[[ROW1]], %{{.*}} [4, 1] : vector<4xi8>, vector<1xi8>
// VNNI: tensor.empty() : tensor<1x5x64xi8>
// The first 4 groups of 4 rows: 4 reads of the 4 pixels, zero-extended to
// 16 lanes, interleaved by 3 shuffles, xor 0x80.
// VNNI: scf.for %[[KG:.*]] = %{{.*}} to %{{.*}} step
// VNNI-COUNT-4: vector.transfer_read %[[S]]{{.*}} : tensor<18x4xi8>, vector<4xi8>
// VNNI: vector.shuffle %{{.*}}, %{{.*}} [0, 16, 1, 17, 2, 18, {{.*}}] : vector<16xi8>, vector<16xi8>
// VNNI: vector.shuffle %{{.*}}, %{{.*}} [0, 16, 1, 17, 2, 18, {{.*}}] : vector<16xi8>, vector<16xi8>
// VNNI: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 32, 33, 2, 3, 34, 35, {{.*}}] : vector<32xi8>, vector<32xi8>
// VNNI: arith.xori %{{.*}}, %{{.*}} : vector<64xi8>
// VNNI: vector.transfer_write %{{.*}}, %{{.*}}[%{{.*}}, %[[KG]], %{{.*}}] {in_bounds = [true]} : vector<64xi8>, tensor<1x5x64xi8>
// The last group: rows 16 and 17, and two rows of zeros.
// VNNI: scf.yield
// VNNI-COUNT-2: vector.transfer_read %[[S]]{{.*}} : tensor<18x4xi8>, vector<4xi8>
// VNNI-NOT: vector.transfer_read
// VNNI: arith.xori %{{.*}}, %{{.*}} : vector<64xi8>
// VNNI: %[[COL:.*]] = vector.transfer_write %{{.*}} : vector<64xi8>, tensor<1x5x64xi8>
// VNNI: scf.for
// VNNI: vector.transfer_read %{{.*}} {in_bounds = [true]} : tensor<3x4xi32>, vector<4xi32>
// VNNI: vector.transfer_read %[[COL]]{{.*}} {in_bounds = [true]} : tensor<1x5x64xi8>, vector<64xi8>
// VNNI: qnt.dot_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// VNNI: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<4xi32>, tensor<3x4xi32>
// VNNI: tensor.insert_slice %{{.*}} into %{{.*}}[%[[IMG]], 0, %{{.*}}] [1, 3, 4] [1, 1, 1] : tensor<3x4xi32> into tensor<?x3x4xi32>
// VNNI: tensor.expand_shape

// Avx2 packs 2 rows of 8 pixels, widened to s16.
// AVX2-LABEL: func.func @conv_s8
// AVX2-DAG: arith.constant {{.*}} : tensor<3x18xi16>
// AVX2: tensor.empty() : tensor<18x4xi8>
// AVX2: tensor.empty() : tensor<1x9x16xi16>
// AVX2: vector.shuffle %{{.*}}, %{{.*}} [0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15] : vector<8xi8>, vector<8xi8>
// AVX2: arith.extsi %{{.*}} : vector<16xi8> to vector<16xi16>
// AVX2: vector.transfer_write {{.*}} : vector<16xi16>, tensor<1x9x16xi16>
// AVX2: qnt.dot_intrinsic "llvm.x86.avx2.pmadd.wd"

// Arm packs 4 rows of 4 pixels, without the xor for s8.
// ARM-LABEL: func.func @conv_s8
// ARM-NOT: arith.xori
// ARM: tensor.empty() : tensor<1x5x16xi8>
// ARM: vector.shuffle %{{.*}}, %{{.*}} [0, 4, 1, 5, 2, 6, 3, 7] : vector<4xi8>, vector<4xi8>
// ARM: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15] : vector<8xi8>, vector<8xi8>
// ARM: qnt.dot_intrinsic "llvm.aarch64.neon.sdot.v4i32.v16i8"
func.func @conv_s8(%x: tensor<?x2x4x4x!x>) -> tensor<?x3x2x2x!acc> {
  %wi = arith.constant dense<[[[[1, 1, 1], [1, 1, 1], [1, 1, 1]], [[1, 1, 1], [1, 1, 1], [1, 1, 1]]],
                              [[[-1, -1, -1], [-1, -1, -1], [-1, -1, -1]], [[-1, -1, -1], [-1, -1, -1], [-1, -1, -1]]],
                              [[[1, -1, 1], [-1, 1, -1], [1, -1, 1]], [[-1, 1, -1], [1, -1, 1], [-1, 1, -1]]]]> : tensor<3x2x3x3xi8>
  %w = quant.scast %wi : tensor<3x2x3x3xi8> to tensor<3x2x3x3x!w>
  %acc = qnt.conv2d %x, %w strides = [2, 2] pads = [1, 1, 0, 0] dilations = [1, 1] groups = 1
         : (tensor<?x2x4x4x!x>, tensor<3x2x3x3x!w>) -> tensor<?x3x2x2x!acc>
  return %acc : tensor<?x3x2x2x!acc>
}

// -----

// Depthwise convolutions are not GEMMs: avx512-vnni has a kernel of their
// own (depthwise.mlir), the other targets keep them as
// convert-qnt-to-fixed-point wrote them.

!x = !quant.uniform<u8:f32, 0.5:3>
!w = !quant.uniform<i8<-127:127>:f32, 0.25>
!acc = !quant.uniform<i32:f32, 0.125>

// VNNI-LABEL: func.func @depthwise
// VNNI-NOT: linalg.generic
// VNNI: qnt.dot_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// AVX2-LABEL: func.func @depthwise
// AVX2-NOT: qnt.dot_intrinsic
// AVX2: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]
// ARM-LABEL: func.func @depthwise
// ARM-NOT: qnt.dot_intrinsic
// ARM: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]
func.func @depthwise(%x: tensor<?x2x3x3x!x>) -> tensor<?x2x2x2x!acc> {
  %wi = arith.constant dense<1> : tensor<2x1x2x2xi8>
  %w = quant.scast %wi : tensor<2x1x2x2xi8> to tensor<2x1x2x2x!w>
  %acc = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 2
         : (tensor<?x2x3x3x!x>, tensor<2x1x2x2x!w>) -> tensor<?x2x2x2x!acc>
  return %acc : tensor<?x2x2x2x!acc>
}

// -----

// The requantization that follows is applied to the accumulator vectors in
// registers (the epilogue): its per-channel multipliers are broadcast per
// row (output channel), its ops run on vector<16xi64>, and the i8 result is
// stored; no int32 accumulator tensor is written. The accumulators start
// at a constant per channel, bias - z_x * sum(w) = -3 * (2, -4): it joins
// the per-row compensation and C0 is a constant 0, so the [N, 2, 3, 3] i32
// broadcast of that start is not materialized either.

!x = !quant.uniform<u8:f32, 0.5:3>
!w = !quant.uniform<i8<-127:127>:f32:0, {0.25, 0.125}>
!acc = !quant.uniform<i32:f32:1, {0.125, 0.0625}>
!y = !quant.uniform<i8:f32, 0.1:-1>

// VNNI-LABEL: func.func @conv_requantize
// VNNI-NOT: linalg.generic
// VNNI-NOT: dense<[-6, 12]>
// VNNI: %[[START:.*]] = arith.constant dense<[-6, 12]> : tensor<2xi32>
// VNNI-NOT: dense<[-6, 12]>
// VNNI-NOT: linalg.generic
// VNNI: scf.for %[[IMG:.*]] = %{{.*}} to %{{.*}} step
// The bands of output rows (one here, the whole image).
// VNNI: scf.for %{{.*}} = %{{.*}} to %{{.*}} step
// The staging rows of 3 pixels are written as vectors of 4: the matrix
// has 9 + 1 columns.
// VNNI: tensor.empty() : tensor<4x10xi8>
// VNNI: %[[R:.*]] = vector.transfer_read %arg0{{.*}} : tensor<?x1x4x4xi8>, vector<4xi8>
// VNNI: vector.shuffle %[[R]], %[[R]] [0, 1, 2, 0] : vector<4xi8>, vector<4xi8>
// VNNI: vector.transfer_write {{.*}} : vector<4xi8>, tensor<4x10xi8>
// VNNI: %[[ZEROS:.*]] = arith.constant dense<0> : tensor<2x9xi32>
// VNNI: %[[OUT:.*]] = tensor.extract_slice %{{.*}}[%[[IMG]], 0, %{{.*}}] [1, 2, 9] [1, 1, 1] : tensor<?x2x9xi8> to tensor<2x9xi8>
// VNNI: tensor.extract %[[START]]
// VNNI: vector.transfer_read %[[ZEROS]]
// VNNI: qnt.dot_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// VNNI: tensor.extract %{{.*}} : tensor<2xi64>
// VNNI: arith.extsi %{{.*}} : vector<16xi32> to vector<16xi64>
// VNNI: arith.muli %{{.*}}, %{{.*}} : vector<16xi64>
// VNNI: arith.trunci %{{.*}} : vector<16xi32> to vector<16xi8>
// VNNI: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<9xi8>, tensor<2x9xi8>
// VNNI-NOT: vector.transfer_write {{.*}}xi32>
// VNNI: tensor.expand_shape %{{.*}} : tensor<?x2x9xi8> into tensor<?x2x3x3xi8>
// VNNI-NOT: linalg.generic
// VNNI: return
func.func @conv_requantize(%x: tensor<?x1x4x4x!x>) -> tensor<?x2x3x3x!y> {
  %wi = arith.constant dense<[[[[1, 2], [-1, 0]]], [[[-3, 0], [-1, 0]]]]> : tensor<2x1x2x2xi8>
  %w = quant.scast %wi : tensor<2x1x2x2xi8> to tensor<2x1x2x2x!w>
  %acc = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
         : (tensor<?x1x4x4x!x>, tensor<2x1x2x2x!w>) -> tensor<?x2x3x3x!acc>
  %y = qnt.requantize %acc rounding = <single_round> : tensor<?x2x3x3x!acc> -> tensor<?x2x3x3x!y>
  return %y : tensor<?x2x3x3x!y>
}

// -----

// A 1x1 conv, stride 1, unpadded: the NCHW input of each image already is
// the [K][M] matrix (K = 5 channels, M = 9 pixels), so there is no staging:
// the packing reads the input itself, 4 channels at a time, then the last
// one with 3 rows of zeros.

!x = !quant.uniform<u8:f32, 0.5:3>
!w = !quant.uniform<i8<-127:127>:f32, 0.25>
!acc = !quant.uniform<i32:f32, 0.125>

// VNNI-LABEL: func.func @pointwise
// VNNI: %[[X:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0], [1], [2, 3]] : tensor<?x5x3x3xi8> into tensor<?x5x9xi8>
// VNNI-NOT: tensor.empty() : tensor<5x
// VNNI: tensor.empty() : tensor<1x2x64xi8>
// VNNI: scf.for
// VNNI-COUNT-4: vector.transfer_read %[[X]][%{{.*}}, %{{.*}}, %{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<?x5x9xi8>, vector<9xi8>
// VNNI-NOT: arith.xori
// VNNI: vector.transfer_write %{{.*}} : vector<64xi8>, tensor<1x2x64xi8>
// VNNI: vector.transfer_read %[[X]]{{.*}} : tensor<?x5x9xi8>, vector<9xi8>
// VNNI-NOT: vector.transfer_read %[[X]]
// VNNI: qnt.dot_intrinsic "llvm.x86.avx512.vpdpbusd.512"
func.func @pointwise(%x: tensor<?x5x3x3x!x>) -> tensor<?x2x3x3x!acc> {
  %wi = arith.constant dense<[[[[1]], [[2]], [[3]], [[4]], [[5]]], [[[-1]], [[-2]], [[-3]], [[-4]], [[-5]]]]> : tensor<2x5x1x1xi8>
  %w = quant.scast %wi : tensor<2x5x1x1xi8> to tensor<2x5x1x1x!w>
  %acc = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
         : (tensor<?x5x3x3x!x>, tensor<2x5x1x1x!w>) -> tensor<?x2x3x3x!acc>
  return %acc : tensor<?x2x3x3x!acc>
}

// -----

// Bands of output rows: K = 16 * 9 = 144, 28 pixels per row, so a band of
// 4 rows (112 pixels, 7 vectors) holds about 16 KiB of rearranged input:
// 7 bands in a loop, then a band of the last 2 rows (56 pixels). Each band
// has its [K][pixels + 4] matrix, its packed B and its GEMM on a slice of
// the image's [F, M] output. The loops over images and bands are marked
// independent (qnt.parallel); the last band has a loop over images of its
// own.

!x = !quant.uniform<u8:f32, 0.5:3>
!w = !quant.uniform<i8<-127:127>:f32, 0.25>
!acc = !quant.uniform<i32:f32, 0.125>
!y = !quant.uniform<u8:f32, 0.1:2>

// VNNI-LABEL: func.func @bands
// VNNI: %[[BANDS:.*]] = arith.constant 7 : index
// VNNI: %[[ROWS:.*]] = arith.constant 4 : index
// VNNI: scf.for %[[IMG:.*]] = %{{.*}} to %{{.*}} step
// VNNI: scf.for %[[BAND:.*]] = %{{.*}} to %[[BANDS]] step
// VNNI: %[[ROW0:.*]] = arith.muli %[[BAND]], %[[ROWS]] : index
// VNNI: %[[COL0:.*]] = arith.muli %[[ROW0]], %{{.*}} : index
// VNNI: tensor.empty() : tensor<144x116xi8>
// VNNI: tensor.empty() : tensor<7x36x64xi8>
// VNNI: tensor.extract_slice %{{.*}}[%[[IMG]], 0, %[[COL0]]] [1, 16, 112] [1, 1, 1] : tensor<?x16x840xi8> to tensor<16x112xi8>
// VNNI: tensor.insert_slice %{{.*}}[%[[IMG]], 0, %[[COL0]]] [1, 16, 112] [1, 1, 1] : tensor<16x112xi8> into tensor<?x16x840xi8>
// VNNI: scf.yield
// VNNI-NEXT: } {qnt.parallel}
// VNNI: scf.yield
// VNNI-NEXT: } {qnt.parallel}
// VNNI: scf.for %[[IMG2:.*]] = %{{.*}} to %{{.*}} step
// VNNI: tensor.empty() : tensor<144x60xi8>
// VNNI: tensor.empty() : tensor<4x36x64xi8>
// VNNI: tensor.extract_slice %{{.*}}[%[[IMG2]], 0, %{{.*}}] [1, 16, 56] [1, 1, 1] : tensor<?x16x840xi8> to tensor<16x56xi8>
// VNNI: tensor.insert_slice %{{.*}}[%[[IMG2]], 0, %{{.*}}] [1, 16, 56] [1, 1, 1] : tensor<16x56xi8> into tensor<?x16x840xi8>
// VNNI: scf.yield
// VNNI-NEXT: } {qnt.parallel}
func.func @bands(%x: tensor<?x16x30x28x!x>) -> tensor<?x16x30x28x!y> {
  %wi = arith.constant dense<1> : tensor<16x16x3x3xi8>
  %w = quant.scast %wi : tensor<16x16x3x3xi8> to tensor<16x16x3x3x!w>
  %acc = qnt.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1
         : (tensor<?x16x30x28x!x>, tensor<16x16x3x3x!w>) -> tensor<?x16x30x28x!acc>
  %y = qnt.requantize %acc rounding = <single_round> : tensor<?x16x30x28x!acc> -> tensor<?x16x30x28x!y>
  return %y : tensor<?x16x30x28x!y>
}
