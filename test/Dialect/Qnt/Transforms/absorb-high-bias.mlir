// RUN: quant-opt %s -split-input-file -qnt-absorb-high-bias | FileCheck %s
// RUN: quant-opt %s -split-input-file -qnt-absorb-high-bias=num-stddev=1 | FileCheck %s --check-prefix=ONE

// beta = 5, gamma = 1: c = max(0, 5 - 3 * 1) = 2. b1 = 0.5 - 2, beta 5 - 2,
// b2 = 1 + 3 * 2. With num-stddev = 1: c = 4, b1 = -3.5, b2 = 13.
// CHECK-LABEL: func.func @matmul
// CHECK: %[[B1:.*]] = arith.constant dense<-1.500000e+00> : tensor<1xf32>
// CHECK: qnt.matmul %{{.*}}, %{{.*}}, %[[B1]] {{.*}}qnt.bn_beta = array<f64: 3.000000e+00>
// CHECK: %[[B2:.*]] = arith.constant dense<7.000000e+00> : tensor<1xf32>
// CHECK: qnt.matmul %{{.*}}, %{{.*}}, %[[B2]] :
// ONE-LABEL: func.func @matmul
// ONE: arith.constant dense<-3.500000e+00> : tensor<1xf32>
// ONE: arith.constant dense<1.300000e+01> : tensor<1xf32>
func.func @matmul(%x: tensor<2x4xf32>) -> tensor<2x1xf32> {
  %w1 = arith.constant dense<0.25> : tensor<1x4xf32>
  %b1 = arith.constant dense<0.5> : tensor<1xf32>
  %w2 = arith.constant dense<3.0> : tensor<1x1xf32>
  %b2 = arith.constant dense<1.0> : tensor<1xf32>
  %y = qnt.matmul %x, %w1, %b1 transpose_rhs fused_clamp(0.0, 0x7F800000)
       {qnt.bn_beta = array<f64: 5.0>, qnt.bn_gamma = array<f64: 1.0>}
       : (tensor<2x4xf32>, tensor<1x4xf32>, tensor<1xf32>) -> tensor<2x1xf32>
  %z = qnt.matmul %y, %w2, %b2 : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xf32>) -> tensor<2x1xf32>
  return %z : tensor<2x1xf32>
}

// -----

// Two channels: c = [max(0, 4 - 3 * |-1|), max(0, 1 - 3 * 1)] = [1, 0].
// The second conv has no bias: it gets one, sum over the 3x3 window of
// channel 0's weights (all 0.5) times 1, for each output: [4.5, 4.5].
// CHECK-LABEL: func.func @conv
// CHECK: %[[B1:.*]] = arith.constant dense<[-1.000000e+00, 0.000000e+00]> : tensor<2xf32>
// CHECK: qnt.conv2d %{{.*}}, %{{.*}}, %[[B1]] {{.*}}qnt.bn_beta = array<f64: 3.000000e+00, 1.000000e+00>
// CHECK: %[[B2:.*]] = arith.constant dense<4.500000e+00> : tensor<2xf32>
// CHECK: qnt.conv2d %{{.*}}, %{{.*}}, %[[B2]] strides
func.func @conv(%x: tensor<1x1x6x6xf32>) -> tensor<1x2x4x4xf32> {
  %w1 = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %w2 = arith.constant dense<0.5> : tensor<2x2x3x3xf32>
  %y = qnt.conv2d %x, %w1 strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       fused_clamp(0.0, 0x7F800000) {qnt.bn_beta = array<f64: 4.0, 1.0>, qnt.bn_gamma = array<f64: -1.0, 1.0>}
       : (tensor<1x1x6x6xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x6x6xf32>
  %z = qnt.conv2d %y, %w2 strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x2x6x6xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x4x4xf32>
  return %z : tensor<1x2x4x4xf32>
}

// -----

// Nothing to absorb: no batch-norm statistics; a ReLU6 (the shift would
// move the clip point); every c = 0.
// CHECK-LABEL: func.func @unchanged
// CHECK-COUNT-3: arith.constant dense<1.000000e+00> : tensor<1xf32>
// CHECK-NOT: arith.constant
func.func @unchanged(%x: tensor<2x1xf32>) -> (tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>) {
  %w = arith.constant dense<1.0> : tensor<1x1xf32>
  %b = arith.constant dense<1.0> : tensor<1xf32>
  %b1 = arith.constant dense<1.0> : tensor<1xf32>
  %b2 = arith.constant dense<1.0> : tensor<1xf32>
  %a = qnt.matmul %x, %w, %b fused_clamp(0.0, 0x7F800000) : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xf32>) -> tensor<2x1xf32>
  %a2 = qnt.matmul %a, %w : (tensor<2x1xf32>, tensor<1x1xf32>) -> tensor<2x1xf32>
  %c = qnt.matmul %x, %w, %b1 fused_clamp(0.0, 6.0) {qnt.bn_beta = array<f64: 5.0>, qnt.bn_gamma = array<f64: 1.0>}
       : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xf32>) -> tensor<2x1xf32>
  %c2 = qnt.matmul %c, %w : (tensor<2x1xf32>, tensor<1x1xf32>) -> tensor<2x1xf32>
  %d = qnt.matmul %x, %w, %b2 fused_clamp(0.0, 0x7F800000) {qnt.bn_beta = array<f64: 2.0>, qnt.bn_gamma = array<f64: 1.0>}
       : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xf32>) -> tensor<2x1xf32>
  %d2 = qnt.matmul %d, %w : (tensor<2x1xf32>, tensor<1x1xf32>) -> tensor<2x1xf32>
  return %a2, %c2, %d2 : tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>
}

// -----

// RUN: not quant-opt %s -split-input-file -qnt-absorb-high-bias=num-stddev=-1 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: num-stddev must be a non-negative number, got -1
