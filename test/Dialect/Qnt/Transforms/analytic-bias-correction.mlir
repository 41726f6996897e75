// RUN: quant-opt %s -split-input-file -qnt-analytic-bias-correction | FileCheck %s

// E[x] = 1/sqrt(2 pi) = 0.398942 for a ReLU of N(0, 1). The weight 0.3 on
// a grid of scale 0.25 is 0.25: eps = -0.05, b = 1 - (-0.05)(0.398942)
// = 1.019947. The weight quantizer and its float input stay.
// CHECK-LABEL: func.func @matmul
// CHECK: %[[W:.*]] = arith.constant dense<3.000000e-01> : tensor<1x1xf32>
// CHECK: %[[WQ:.*]] = qnt.fake_quant %[[W]]
// CHECK: %[[B:.*]] = arith.constant dense<1.01994{{[0-9]*}}> : tensor<1xf32>
// CHECK: qnt.matmul %{{.*}}, %[[WQ]], %[[B]] :
func.func @matmul(%x: tensor<2x4xf32>) -> tensor<2x1xf32> {
  %w1 = arith.constant dense<0.25> : tensor<1x4xf32>
  %w2 = arith.constant dense<0.3> : tensor<1x1xf32>
  %b2 = arith.constant dense<1.0> : tensor<1xf32>
  %y = qnt.matmul %x, %w1 transpose_rhs fused_clamp(0.0, 0x7F800000)
       {qnt.bn_beta = array<f64: 0.0>, qnt.bn_gamma = array<f64: 1.0>}
       : (tensor<2x4xf32>, tensor<1x4xf32>) -> tensor<2x1xf32>
  %yq = qnt.fake_quant %y bits = 8 scale = [0.01] zero_point = [0] : tensor<2x1xf32>
  %wq = qnt.fake_quant %w2 bits = 8 signed symmetric narrow_range scale = [0.25] zero_point = [0] : tensor<1x1xf32>
  %z = qnt.matmul %yq, %wq, %b2 : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xf32>) -> tensor<2x1xf32>
  return %z : tensor<2x1xf32>
}

// -----

// A conv with per-output-channel weight grids and no bias, its input a
// ReLU6 of N(beta, gamma^2) per channel: channel 0 N(3, 0) -> E = 3;
// channel 1 N(8, 0) -> E = 6 (clipped). Weights: output 0 all 0.3 on scale
// 0.25 (eps -0.05 per element), output 1 all 0.3 on scale 0.2 (eps 0.1).
// 2x2 kernels: b0 = -(4 * -0.05 * 3 + 4 * -0.05 * 6) = 1.8,
// b1 = -(4 * 0.1 * 3 + 4 * 0.1 * 6) = -3.6.
// CHECK-LABEL: func.func @conv
// CHECK: %[[B:.*]] = arith.constant dense<[{{1\.8000[0-9]*|1\.7999[0-9]*}}, {{-3\.6000[0-9]*|-3\.5999[0-9]*}}]> : tensor<2xf32>
// CHECK: qnt.conv2d %{{.*}}, %{{.*}}, %[[B]] strides
func.func @conv(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x3x3xf32> {
  %w1 = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %w2 = arith.constant dense<0.3> : tensor<2x2x2x2xf32>
  %y = qnt.conv2d %x, %w1 strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       fused_clamp(0.0, 6.0) {qnt.bn_beta = array<f64: 3.0, 8.0>, qnt.bn_gamma = array<f64: 0.0, 0.0>}
       : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %wq = qnt.fake_quant %w2 bits = 8 signed symmetric narrow_range axis = 0 scale = [0.25, 0.2] zero_point = [0, 0] : tensor<2x2x2x2xf32>
  %z = qnt.conv2d %y, %wq strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x2x4x4xf32>, tensor<2x2x2x2xf32>) -> tensor<1x2x3x3xf32>
  return %z : tensor<1x2x3x3xf32>
}

// -----

// Not corrected: the weight quantizer is uncalibrated; the input layer has
// no BN statistics; the input is a function argument.
// CHECK-LABEL: func.func @unchanged
// CHECK-NOT: _bc_bias
// CHECK-COUNT-3: arith.constant dense<1.000000e+00> : tensor<1xf32>
func.func @unchanged(%x: tensor<2x1xf32>) -> (tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>) {
  %w = arith.constant dense<0.3> : tensor<1x1xf32>
  %b = arith.constant dense<1.0> : tensor<1xf32>
  %b1 = arith.constant dense<1.0> : tensor<1xf32>
  %b2 = arith.constant dense<1.0> : tensor<1xf32>
  %wq = qnt.fake_quant %w bits = 8 signed symmetric scale = [0.25] zero_point = [0] : tensor<1x1xf32>
  %wu = qnt.fake_quant %w bits = 8 signed symmetric : tensor<1x1xf32>
  %y = qnt.matmul %x, %w {qnt.bn_beta = array<f64: 1.0>, qnt.bn_gamma = array<f64: 1.0>} : (tensor<2x1xf32>, tensor<1x1xf32>) -> tensor<2x1xf32>
  %a = qnt.matmul %y, %wu, %b : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xf32>) -> tensor<2x1xf32>
  %n = qnt.matmul %x, %w : (tensor<2x1xf32>, tensor<1x1xf32>) -> tensor<2x1xf32>
  %c = qnt.matmul %n, %wq, %b1 : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xf32>) -> tensor<2x1xf32>
  %d = qnt.matmul %x, %wq, %b2 : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xf32>) -> tensor<2x1xf32>
  return %a, %c, %d : tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>
}
