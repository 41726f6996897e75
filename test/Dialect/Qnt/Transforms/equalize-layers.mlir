// RUN: quant-opt %s -split-input-file -qnt-equalize-layers | FileCheck %s
// RUN: quant-opt %s -split-input-file -qnt-equalize-layers=relu6-to-relu=false | FileCheck %s --check-prefix=KEEP6

// Output channel ranges of %w1 are [4, 1] (the sign does not count), input
// channel ranges of %w2 are [1, 4]: s = [sqrt(4/1), sqrt(1/4)] = [2, 0.5].
// W1 and b1 are divided by s, W2's input channels multiplied, the kept BN
// statistics divided: gamma [1, 2] -> [0.5, 4], beta [8, 1] -> [4, 2].
// CHECK-LABEL: func.func @conv_pair
// CHECK: %[[W1:.*]] = arith.constant dense<{{\[}}[{{\[}}[-2.000000e+00]]], [{{\[}}[2.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK: %[[B1:.*]] = arith.constant dense<[1.000000e+00, 4.000000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.*]] = qnt.conv2d %{{.*}}, %[[W1]], %[[B1]] {{.*}} fused_clamp(0.000000e+00, 0x7F800000) {qnt.bn_beta = array<f64: 4.000000e+00, 2.000000e+00>, qnt.bn_gamma = array<f64: 5.000000e-01, 4.000000e+00>}
// CHECK: %[[W2:.*]] = arith.constant dense<2.000000e+00> : tensor<1x2x1x1xf32>
// CHECK: qnt.conv2d %[[Y]], %[[W2]] strides
func.func @conv_pair(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %w1 = arith.constant dense<[[[[-4.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>
  %b1 = arith.constant dense<[2.0, 2.0]> : tensor<2xf32>
  %w2 = arith.constant dense<[[[[1.0]], [[4.0]]]]> : tensor<1x2x1x1xf32>
  %y = qnt.conv2d %x, %w1, %b1 strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       fused_clamp(0.0, 0x7F800000) {qnt.bn_gamma = array<f64: 1.0, 2.0>, qnt.bn_beta = array<f64: 8.0, 1.0>}
       : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %z = qnt.conv2d %y, %w2 strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  return %z : tensor<1x1x4x4xf32>
}

// -----

// A fully-connected pair: %w1 is N x K (transpose_rhs), rows are outputs;
// %w2 is K x N, rows are inputs. s = [2, 0.5] as above.
// CHECK-LABEL: func.func @matmul_pair
// CHECK: %[[W1:.*]] = arith.constant dense<{{\[}}[2.000000e+00, 0.000000e+00], [0.000000e+00, 2.000000e+00]]> : tensor<2x2xf32>
// CHECK: %[[Y:.*]] = qnt.matmul %{{.*}}, %[[W1]] transpose_rhs
// CHECK: %[[W2:.*]] = arith.constant dense<2.000000e+00> : tensor<2x1xf32>
// CHECK: qnt.matmul %[[Y]], %[[W2]] :
func.func @matmul_pair(%x: tensor<3x2xf32>) -> tensor<3x1xf32> {
  %w1 = arith.constant dense<[[4.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf32>
  %w2 = arith.constant dense<[[1.0], [4.0]]> : tensor<2x1xf32>
  %y = qnt.matmul %x, %w1 transpose_rhs : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %z = qnt.matmul %y, %w2 : (tensor<3x2xf32>, tensor<2x1xf32>) -> tensor<3x1xf32>
  return %z : tensor<3x1xf32>
}

// -----

// conv -> depthwise conv -> conv with ranges 8, 1, 1 per channel: the
// sweeps converge to the cube root, 2, for all three (AIMET's closed form).
// The ReLU6 between two equalized layers becomes a ReLU (by default).
// CHECK-LABEL: func.func @depthwise_separable
// (The sweeps stop within 1e-6 of the fixed point: 1.9999996 is 2 here.)
// CHECK: %[[W1:.*]] = arith.constant dense<{{2.000000e\+00|1.999999[0-9]*|2.000000[0-9]*}}> : tensor<2x1x1x1xf32>
// CHECK: %[[Y:.*]] = qnt.conv2d %{{.*}}, %[[W1]] {{.*}} fused_clamp(0.000000e+00, 0x7F800000)
// CHECK: %[[DW:.*]] = arith.constant dense<{{2.000000e\+00|1.999999[0-9]*|2.000000[0-9]*}}> : tensor<2x1x1x1xf32>
// CHECK: %[[D:.*]] = qnt.conv2d %[[Y]], %[[DW]] {{.*}} groups = 2 fused_clamp(0.000000e+00, 0x7F800000)
// CHECK: %[[W3:.*]] = arith.constant dense<{{2.000000e\+00|1.999999[0-9]*|2.000000[0-9]*}}> : tensor<1x2x1x1xf32>
// CHECK: qnt.conv2d %[[D]], %[[W3]] strides
// KEEP6-LABEL: func.func @depthwise_separable
// KEEP6-DAG: arith.constant dense<8.000000e+00> : tensor<2x1x1x1xf32>
// KEEP6-DAG: arith.constant dense<1.000000e+00> : tensor<2x1x1x1xf32>
// KEEP6-COUNT-2: fused_clamp(0.000000e+00, 6.000000e+00)
func.func @depthwise_separable(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %w1 = arith.constant dense<8.0> : tensor<2x1x1x1xf32>
  %dw = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %w3 = arith.constant dense<1.0> : tensor<1x2x1x1xf32>
  %y = qnt.conv2d %x, %w1 strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       fused_clamp(0.0, 6.0) : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %d = qnt.conv2d %y, %dw strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 2
       fused_clamp(0.0, 6.0) : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %z = qnt.conv2d %d, %w3 strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  return %z : tensor<1x1x4x4xf32>
}

// -----

// Not pairs: a clamp that is not positively scale-equivariant, a result
// with two users, and a non-constant weight. Nothing changes.
// CHECK-LABEL: func.func @not_pairs
// CHECK-DAG: arith.constant dense<4.000000e+00> : tensor<2x2xf32>
// CHECK-DAG: arith.constant dense<1.000000e+00> : tensor<2x2xf32>
// CHECK-NOT: arith.constant
// CHECK: fused_clamp(-1.000000e+00, 1.000000e+00)
func.func @not_pairs(%x: tensor<3x2xf32>, %v: tensor<2x2xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>) {
  %w1 = arith.constant dense<4.0> : tensor<2x2xf32>
  %w2 = arith.constant dense<1.0> : tensor<2x2xf32>
  %a = qnt.matmul %x, %w1 fused_clamp(-1.0, 1.0) : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %b = qnt.matmul %a, %w2 : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %c = qnt.matmul %b, %w1 : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %d = qnt.matmul %c, %v : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  return %b, %c, %d : tensor<3x2xf32>, tensor<3x2xf32>, tensor<3x2xf32>
}
