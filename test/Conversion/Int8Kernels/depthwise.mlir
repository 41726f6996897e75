// RUN: quant-opt %s --split-input-file --convert-qnt-to-fixed-point --qnt-lower-int8-kernels=target=avx512-vnni --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s --check-prefix=VNNI
// RUN: quant-opt %s --split-input-file --convert-qnt-to-fixed-point --qnt-lower-int8-kernels=target=avx2 | FileCheck %s --check-prefix=AVX2

// A depthwise 3x3 conv, stride 1, pad 1 (the zero point 3), 2 channels of
// 5 x 6 pixels, bias, requantized. A tile is 16 consecutive pixels of the
// flattened output plane (30 pixels: tiles of 16 and 14), crossing output
// rows. Per tile and kernel row: one load of the padded plane (rows of 8
// bytes; masked to the bytes the tile reads), one shuffle (lane l = pixel
// (l / 6, l % 6) takes bytes 8 * (l / 6) + l % 6 + (0, 1, 2), and again its
// first byte for the 4th tap, whose weight is 0) and one vpdpbusd with the
// kernel row's weights as one word (1, 2, 3, 0 = 0x030201 = 197121;
// -1, -2, -3, 0 = 0xfdfeff = 16645887). The second tile starts at column 4:
// lanes 2.. read the next rows (8 + c - 4). The accumulators start at
// bias - 3 * sum(w) (10 - 3 * 45, -20 - 3 * -31), the requantization is
// applied in registers and the 16 (then 14) bytes are stored.

!x = !quant.uniform<u8:f32, 0.5:3>
!w = !quant.uniform<i8<-127:127>:f32:0, {0.25, 0.125}>
!acc = !quant.uniform<i32:f32:1, {0.125, 0.0625}>
!bias = !quant.uniform<i32:f32:0, {0.125, 0.0625}>
!y = !quant.uniform<u8:f32, 0.1:5>

// VNNI-LABEL: func.func @depthwise_requantize
// VNNI-DAG: %[[PADDED:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// VNNI-DAG: %[[PLANE:.*]] = tensor.collapse_shape %[[PADDED]] {{\[}}[0], [1], [2, 3]] : tensor<?x2x7x8xi8> into tensor<?x2x56xi8>
// VNNI-DAG: %[[WORDS:.*]] = arith.constant dense<{{\[}}[197121, 394500, 591879], [16645887, 16416764, 8517881]]> : tensor<2x3xi32>
// VNNI-DAG: %[[STARTS:.*]] = arith.constant dense<[-125, 73]> : tensor<2xi32>
// VNNI: scf.for %[[N:[a-z0-9_]+]] = {{.*}} -> (tensor<?x2x30xi8>) {
// VNNI: scf.for %[[C:[a-z0-9_]+]] = {{.*}} -> (tensor<?x2x30xi8>) {
// VNNI: tensor.extract %[[STARTS]][%[[C]]]
// VNNI: %[[M:.*]] = vector.constant_mask [22] : vector<32xi1>
// VNNI: %[[X:.*]] = vector.transfer_read %[[PLANE]][%[[N]], %[[C]], %{{.*}}], %{{.*}}, %[[M]] {in_bounds = [true]} : tensor<?x2x56xi8>, vector<32xi8>
// VNNI: vector.shuffle %[[X]], %[[X]] [0, 1, 2, 0, 1, 2, 3, 1, 2, 3, 4, 2, 3, 4, 5, 3, 4, 5, 6, 4, 5, 6, 7, 5, 8, 9, 10, 8, 9, 10, 11, 9, 10, 11, 12, 10, 11, 12, 13, 11, 12, 13, 14, 12, 13, 14, 15, 13, 16, 17, 18, 16, 17, 18, 19, 17, 18, 19, 20, 18, 19, 20, 21, 19]
// VNNI: tensor.extract %[[WORDS]][%[[C]], %{{.*}}] : tensor<2x3xi32>
// VNNI: vector.bitcast %{{.*}} : vector<16xi32> to vector<64xi8>
// VNNI-COUNT-3: qnt.dot_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// VNNI: vector.transfer_write %{{.*}}[%[[N]], %[[C]], %{{.*}}] {in_bounds = [true]} : vector<16xi8>, tensor<?x2x30xi8>
// VNNI: vector.constant_mask [20] : vector<32xi1>
// VNNI: vector.shuffle %{{.*}} [0, 1, 2, 0, 1, 2, 3, 1, 4, 5, 6, 4, 5, 6, 7, 5, 6, 7, 8, 6, 7, 8, 9, 7, 8, 9, 10, 8, 9, 10, 11, 9, 12, 13, 14, 12,
// VNNI-COUNT-3: qnt.dot_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// VNNI: vector.extract_strided_slice %{{.*}} {offsets = [0], sizes = [14], strides = [1]} : vector<16xi8> to vector<14xi8>
// VNNI: vector.transfer_write %{{.*}}[%[[N]], %[[C]], %{{.*}}] {in_bounds = [true]} : vector<14xi8>, tensor<?x2x30xi8>
// VNNI: } {qnt.parallel}
// VNNI: } {qnt.parallel}
// VNNI: tensor.expand_shape %{{.*}} {{\[}}[0], [1], [2, 3]] output_shape [%{{.*}}, 2, 5, 6] : tensor<?x2x30xi8> into tensor<?x2x5x6xi8>
// VNNI-NOT: linalg.generic
// VNNI: return

// Other targets keep the window loops (qnt-vectorize vectorizes them).
// AVX2-LABEL: func.func @depthwise_requantize
// AVX2-NOT: qnt.dot_intrinsic
// AVX2: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]
func.func @depthwise_requantize(%x: tensor<?x2x5x6x!x>) -> tensor<?x2x5x6x!y> {
  %wi = arith.constant dense<[[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], [[[-1, -2, -3], [-4, 127, -6], [-7, -8, -127]]]]> : tensor<2x1x3x3xi8>
  %w = quant.scast %wi : tensor<2x1x3x3xi8> to tensor<2x1x3x3x!w>
  %bi = arith.constant dense<[10, -20]> : tensor<2xi32>
  %b = quant.scast %bi : tensor<2xi32> to tensor<2x!bias>
  %acc = qnt.conv2d %x, %w, %b strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 2
         : (tensor<?x2x5x6x!x>, tensor<2x1x3x3x!w>, tensor<2x!bias>) -> tensor<?x2x5x6x!acc>
  %y = qnt.requantize %acc rounding = <single_round> : tensor<?x2x5x6x!acc> -> tensor<?x2x5x6x!y>
  return %y : tensor<?x2x5x6x!y>
}

// -----

// s8 input (zero point -2), 5x5 kernel, stride 2, pad 2, no bias: the
// int32 accumulators, 2 channels. Rows of 40 pixels give 3 x 20 outputs:
// tiles of 16, 16, 16 and 12 pixels, at columns 0, 16, 12 and 8. A kernel
// row is two groups of taps, 4 + 1: the words are (w0, w1, w2, w3) and
// (w4, 0, 0, 0). The first tile's first group reads 15 * 2 + 3 + 1 = 34
// bytes (a load of 64, masked), its second 31 (a load of 32). The second
// tile wraps after 4 lanes to the next output row, 2 * 44 bytes further:
// 82 bytes, two loads (64, then 18 of a masked 32) and a two-source
// shuffle. The shuffled bytes are xor-ed with 0x80 (u8 for vpdpbusd: x +
// 128) and the start lowered by 128 * sum(w) = 128 * 25 (after the
// zero-point correction 2 * 25).

!xs = !quant.uniform<i8:f32, 0.5:-2>
!ws = !quant.uniform<i8<-127:127>:f32, 0.25>
!accs = !quant.uniform<i32:f32, 0.125>

// VNNI-LABEL: func.func @depthwise_s8_5x5
// VNNI-DAG: arith.constant dense<{{\[}}[16843009, 1, 16843009, 1, 16843009, 1, 16843009, 1, 16843009, 1], [16843009, 1, 16843009, 1, 16843009, 1, 16843009, 1, 16843009, 1]]> : tensor<2x10xi32>
// VNNI-DAG: arith.constant dense<-3150> : tensor<2xi32>
// VNNI: scf.for
// VNNI: scf.for
// VNNI: vector.constant_mask [34] : vector<64xi1>
// VNNI: vector.transfer_read {{.*}} : tensor<?x2x396xi8>, vector<64xi8>
// VNNI: %[[S:.*]] = vector.shuffle %{{.*}} [0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7,
// VNNI: arith.xori %[[S]], %{{.*}} : vector<64xi8>
// VNNI: qnt.dot_intrinsic
// VNNI: vector.constant_mask [31] : vector<32xi1>
// VNNI: vector.transfer_read {{.*}} : tensor<?x2x396xi8>, vector<32xi8>
// VNNI: vector.shuffle %{{.*}} [0, 0, 0, 0, 2, 2, 2, 2, 4, 4, 4, 4,
// VNNI-COUNT-9: qnt.dot_intrinsic
// VNNI-NOT: qnt.dot_intrinsic
// VNNI: vector.transfer_write %{{.*}} : vector<16xi32>, tensor<?x2x60xi32>
// VNNI: %[[LO:.*]] = vector.transfer_read {{.*}} {in_bounds = [true]} : tensor<?x2x396xi8>, vector<64xi8>
// VNNI: vector.constant_mask [18] : vector<32xi1>
// VNNI: %[[HI:.*]] = vector.transfer_read {{.*}} : tensor<?x2x396xi8>, vector<32xi8>
// VNNI: vector.shuffle %[[LO]], %[[HI]] [0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7, 6, 7, 8, 9, 56, 57, 58, 59, {{.*}}, 80, 81] : vector<64xi8>, vector<32xi8>
// VNNI: vector.transfer_write %{{.*}} : vector<16xi32>, tensor<?x2x60xi32>
// VNNI: vector.transfer_write %{{.*}} : vector<16xi32>, tensor<?x2x60xi32>
// VNNI: vector.transfer_write %{{.*}} : vector<12xi32>, tensor<?x2x60xi32>
func.func @depthwise_s8_5x5(%x: tensor<?x2x5x40x!xs>) -> tensor<?x2x3x20x!accs> {
  %wi = arith.constant dense<1> : tensor<2x1x5x5xi8>
  %w = quant.scast %wi : tensor<2x1x5x5xi8> to tensor<2x1x5x5x!ws>
  %acc = qnt.conv2d %x, %w strides = [2, 2] pads = [2, 2, 2, 2] dilations = [1, 1] groups = 2
         : (tensor<?x2x5x40x!xs>, tensor<2x1x5x5x!ws>) -> tensor<?x2x3x20x!accs>
  return %acc : tensor<?x2x3x20x!accs>
}
