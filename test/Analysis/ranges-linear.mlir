// RUN: quant-opt %s --allow-unregistered-dialect --test-print-ranges | FileCheck %s

// conv2d and matmul without BN statistics. With a constant weight the bound
// is exact interval arithmetic per output channel j: with P_j (N_j) the sum
// of the positive (negative) weights of channel j and the input in [lo, hi],
//   bias_j + [P_j lo + N_j hi, P_j hi + N_j lo],
// then the hull over channels. Without one: K * ([lo, hi] * [w_lo, w_hi])
// + bias.

// Channel 0: weights [1, -2], bias 0.5: [0 - 2 + 0.5, 1 - 0 + 0.5].
// Channel 1: weights [0.5, 0.5], bias -1: [0 - 1, 1 - 1].
// Hull [-1.5, 1.5]; a per-tensor |W| * max|x| + |b| bound would be 3.5.
// A fused ReLU6 then clips to [0, 1.5].
// CHECK-LABEL: func.func @conv_channels
// CHECK: range = "[-1.5, 1.5]"
// CHECK: range = "[0, 1.5]"
func.func @conv_channels(%x: tensor<1x2x4x4xf32>) {
  %x1 = qnt.assume_range %x min = 0.0 max = 1.0 : tensor<1x2x4x4xf32>
  %w = arith.constant dense<[[[[1.0]], [[-2.0]]], [[[0.5]], [[0.5]]]]> : tensor<2x2x1x1xf32>
  %b = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %c = qnt.conv2d %x1, %w, %b strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %r = qnt.conv2d %x1, %w, %b strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       fused_clamp(0.0, 6.0)
       : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  "test.probe"(%c) : (tensor<1x2x4x4xf32>) -> ()
  "test.probe"(%r) : (tensor<1x2x4x4xf32>) -> ()
  return
}

// Padding adds zeros to the windows: input [1, 2], nine weights 1: without
// padding [9, 18], with padding the input is [0, 2]: [0, 18].
// CHECK-LABEL: func.func @conv_padding
// CHECK: range = "[9, 18]"
// CHECK: range = "[0, 18]"
func.func @conv_padding(%x: tensor<1x1x4x4xf32>) {
  %x1 = qnt.assume_range %x min = 1.0 max = 2.0 : tensor<1x1x4x4xf32>
  %w = arith.constant dense<1.0> : tensor<1x1x3x3xf32>
  %a = qnt.conv2d %x1, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  %b = qnt.conv2d %x1, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1
       : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x4x4xf32>
  "test.probe"(%a) : (tensor<1x1x2x2xf32>) -> ()
  "test.probe"(%b) : (tensor<1x1x4x4xf32>) -> ()
  return
}

// Depthwise (groups = 2): channel 0 sums four weights 1, channel 1 four
// weights -1; input [0, 1]: [0, 4] and [-4, 0].
// CHECK-LABEL: func.func @conv_depthwise
// CHECK: range = "[-4, 4]"
func.func @conv_depthwise(%x: tensor<1x2x4x4xf32>) {
  %x1 = qnt.assume_range %x min = 0.0 max = 1.0 : tensor<1x2x4x4xf32>
  %w = arith.constant dense<[[[[1.0, 1.0], [1.0, 1.0]]], [[[-1.0, -1.0], [-1.0, -1.0]]]]> : tensor<2x1x2x2xf32>
  %c = qnt.conv2d %x1, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 2
       : (tensor<1x2x4x4xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2x3x3xf32>
  "test.probe"(%c) : (tensor<1x2x3x3xf32>) -> ()
  return
}

// The weights the conv sees: weights [0.26, -0.74] through a calibrated
// 8-bit quantizer of scale 0.5 are [0.5, -0.5] (round(0.52) = 1,
// round(-1.48) = -1); input [0, 2]: [-1, 1]. Through an uncalibrated
// quantizer the weights stay [0.26, -0.74]: [-1.48, 0.52].
// CHECK-LABEL: func.func @conv_weight_quantizer
// CHECK: range = "[-1, 1]"
// CHECK: range = "[-1.48, 0.52]"
func.func @conv_weight_quantizer(%x: tensor<1x2x4x4xf32>) {
  %x1 = qnt.assume_range %x min = 0.0 max = 2.0 : tensor<1x2x4x4xf32>
  %w = arith.constant dense<[[[[0.26]], [[-0.74]]]]> : tensor<1x2x1x1xf32>
  %wq = qnt.fake_quant %w bits = 8 signed symmetric narrow_range axis = 0
          scale = [0.5] zero_point = [0] : tensor<1x2x1x1xf32>
  %wu = qnt.fake_quant %w bits = 8 signed symmetric narrow_range axis = 0 : tensor<1x2x1x1xf32>
  %a = qnt.conv2d %x1, %wq strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  %b = qnt.conv2d %x1, %wu strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  "test.probe"(%a) : (tensor<1x1x4x4xf32>) -> ()
  "test.probe"(%b) : (tensor<1x1x4x4xf32>) -> ()
  return
}

// A weight known only by its range [-1, 1], input [0, 2], K = 2 * 3 * 3 = 18
// terms: 18 * [-2, 2] = [-36, 36].
// CHECK-LABEL: func.func @conv_weight_range
// CHECK: range = "[-36, 36]"
func.func @conv_weight_range(%x: tensor<1x2x4x4xf32>, %w: tensor<1x2x3x3xf32>) {
  %x1 = qnt.assume_range %x min = 0.0 max = 2.0 : tensor<1x2x4x4xf32>
  %w1 = qnt.assume_range %w min = -1.0 max = 1.0 : tensor<1x2x3x3xf32>
  %c = qnt.conv2d %x1, %w1 strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x2x4x4xf32>, tensor<1x2x3x3xf32>) -> tensor<1x1x2x2xf32>
  "test.probe"(%c) : (tensor<1x1x2x2xf32>) -> ()
  return
}

// Negative cases: an unknown input stays unknown; [0, +inf] (after a relu)
// with mixed-sign weights is unknown, with positive weights [0, +inf].
// CHECK-LABEL: func.func @negative_conv_unbounded
// CHECK: range = "unknown"
// CHECK: range = "unknown"
// CHECK: range = "[0, +inf]"
func.func @negative_conv_unbounded(%x: tensor<1x2x4x4xf32>) {
  %w = arith.constant dense<[[[[1.0]], [[-2.0]]]]> : tensor<1x2x1x1xf32>
  %p = arith.constant dense<[[[[1.0]], [[2.0]]]]> : tensor<1x2x1x1xf32>
  %r = qnt.relu %x : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %a = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  %b = qnt.conv2d %r, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  %c = qnt.conv2d %r, %p strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  "test.probe"(%a) : (tensor<1x1x4x4xf32>) -> ()
  "test.probe"(%b) : (tensor<1x1x4x4xf32>) -> ()
  "test.probe"(%c) : (tensor<1x1x4x4xf32>) -> ()
  return
}

// matmul, input [-1, 1], B = [[1, 2], [-3, 0.5]] (K x N), bias [1, -1]:
// column 0 (1, -3): P 1, N -3: [-1 - 3, 1 + 3] + 1 = [-3, 5];
// column 1 (2, 0.5): P 2.5: [-2.5, 2.5] - 1 = [-3.5, 1.5]; hull [-3.5, 5].
// The same with the weight stored N x K (transpose_rhs).
// CHECK-LABEL: func.func @matmul_rhs
// CHECK: range = "[-3.5, 5]"
// CHECK: range = "[-3.5, 5]"
func.func @matmul_rhs(%x: tensor<3x2xf32>) {
  %x1 = qnt.assume_range %x min = -1.0 max = 1.0 : tensor<3x2xf32>
  %w = arith.constant dense<[[1.0, 2.0], [-3.0, 0.5]]> : tensor<2x2xf32>
  %wt = arith.constant dense<[[1.0, -3.0], [2.0, 0.5]]> : tensor<2x2xf32>
  %b = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %a = qnt.matmul %x1, %w, %b : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %c = qnt.matmul %x1, %wt, %b transpose_rhs
       : (tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  "test.probe"(%a) : (tensor<3x2xf32>) -> ()
  "test.probe"(%c) : (tensor<3x2xf32>) -> ()
  return
}

// A constant lhs A = [[1, -1], [2, 2]] (M x K), rhs [0, 1]: row 0 [-1, 1],
// row 1 [0, 4]: [-1, 4]. The same with A stored K x M (transpose_lhs).
// CHECK-LABEL: func.func @matmul_lhs
// CHECK: range = "[-1, 4]"
// CHECK: range = "[-1, 4]"
func.func @matmul_lhs(%y: tensor<2x3xf32>) {
  %y1 = qnt.assume_range %y min = 0.0 max = 1.0 : tensor<2x3xf32>
  %a = arith.constant dense<[[1.0, -1.0], [2.0, 2.0]]> : tensor<2x2xf32>
  %at = arith.constant dense<[[1.0, 2.0], [-1.0, 2.0]]> : tensor<2x2xf32>
  %m = qnt.matmul %a, %y1 : (tensor<2x2xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %n = qnt.matmul %at, %y1 transpose_lhs : (tensor<2x2xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  "test.probe"(%m) : (tensor<2x3xf32>) -> ()
  "test.probe"(%n) : (tensor<2x3xf32>) -> ()
  return
}

// Batched constant rhs (2 batches of 2 x 1): columns (1, 1) and (-1, 2);
// input [0, 1]: [0, 2] and [-1, 2]; hull [-1, 2].
// CHECK-LABEL: func.func @matmul_batched
// CHECK: range = "[-1, 2]"
func.func @matmul_batched(%x: tensor<2x1x2xf32>) {
  %x1 = qnt.assume_range %x min = 0.0 max = 1.0 : tensor<2x1x2xf32>
  %w = arith.constant dense<[[[1.0], [1.0]], [[-1.0], [2.0]]]> : tensor<2x2x1xf32>
  %m = qnt.matmul %x1, %w : (tensor<2x1x2xf32>, tensor<2x2x1xf32>) -> tensor<2x1x1xf32>
  "test.probe"(%m) : (tensor<2x1x1xf32>) -> ()
  return
}

// Two activations, K = 3: 3 * ([-1, 2] * [0, 2]) = 3 * [-2, 4] = [-6, 12];
// plus a bias [1, 1]: [-5, 13]. With a dynamic K: unknown.
// CHECK-LABEL: func.func @matmul_activations
// CHECK: range = "[-6, 12]"
// CHECK: range = "[-5, 13]"
// CHECK: range = "unknown"
func.func @matmul_activations(%x: tensor<1x3xf32>, %y: tensor<3x4xf32>,
                              %p: tensor<1x?xf32>, %q: tensor<?x4xf32>) {
  %x1 = qnt.assume_range %x min = -1.0 max = 2.0 : tensor<1x3xf32>
  %y1 = qnt.assume_range %y min = 0.0 max = 2.0 : tensor<3x4xf32>
  %p1 = qnt.assume_range %p min = -1.0 max = 2.0 : tensor<1x?xf32>
  %q1 = qnt.assume_range %q min = 0.0 max = 2.0 : tensor<?x4xf32>
  %b = arith.constant dense<1.0> : tensor<4xf32>
  %m = qnt.matmul %x1, %y1 : (tensor<1x3xf32>, tensor<3x4xf32>) -> tensor<1x4xf32>
  %n = qnt.matmul %x1, %y1, %b : (tensor<1x3xf32>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  %d = qnt.matmul %p1, %q1 : (tensor<1x?xf32>, tensor<?x4xf32>) -> tensor<1x4xf32>
  "test.probe"(%m) : (tensor<1x4xf32>) -> ()
  "test.probe"(%n) : (tensor<1x4xf32>) -> ()
  "test.probe"(%d) : (tensor<1x4xf32>) -> ()
  return
}

// Attention: the rows of a softmax over the contracted axis sum to 1, so
// each result is a convex combination of rhs elements: within the rhs range
// [-1, 2] (with K = 3 alone: 3 * ([0, 1] * [-1, 2]) = [-3, 6]). A softmax
// over the other axis gets only the latter.
// CHECK-LABEL: func.func @matmul_softmax
// CHECK: range = "[-1, 2]"
// CHECK: range = "[-3, 6]"
func.func @matmul_softmax(%s: tensor<2x3xf32>, %v: tensor<3x4xf32>) {
  %v1 = qnt.assume_range %v min = -1.0 max = 2.0 : tensor<3x4xf32>
  %p = qnt.softmax %s axis = 1 : tensor<2x3xf32> -> tensor<2x3xf32>
  %q = qnt.softmax %s axis = 0 : tensor<2x3xf32> -> tensor<2x3xf32>
  %a = qnt.matmul %p, %v1 : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %b = qnt.matmul %q, %v1 : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  "test.probe"(%a) : (tensor<2x4xf32>) -> ()
  "test.probe"(%b) : (tensor<2x4xf32>) -> ()
  return
}
