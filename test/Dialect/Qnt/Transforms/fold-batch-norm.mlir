// RUN: quant-opt %s -split-input-file -qnt-fold-batch-norm | FileCheck %s

// sigma = sqrt(3 + 1) = 2, factor = gamma / sigma = 1.5:
// W' = 2 * 1.5 = 3, b' = beta + (b - mean) * factor = 0.5 + (4 - 1) * 1.5 = 5.
// CHECK-LABEL: func.func @conv
// CHECK-DAG: %[[W:.*]] = arith.constant dense<3.000000e+00> : tensor<1x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<5.000000e+00> : tensor<1xf32>
// CHECK: %[[C:.*]] = qnt.conv2d %{{.*}}, %[[W]], %[[B]] strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 {qnt.bn_beta = array<f64: 5.000000e-01>, qnt.bn_gamma = array<f64: 3.000000e+00>}
// CHECK-NOT: qnt.batch_norm
// CHECK: return %[[C]]
func.func @conv(%x: tensor<?x1x4x4xf32>) -> tensor<?x1x4x4xf32> {
  %w = arith.constant dense<2.0> : tensor<1x1x1x1xf32>
  %b = arith.constant dense<4.0> : tensor<1xf32>
  %gamma = arith.constant dense<3.0> : tensor<1xf32>
  %beta = arith.constant dense<0.5> : tensor<1xf32>
  %mean = arith.constant dense<1.0> : tensor<1xf32>
  %var = arith.constant dense<3.0> : tensor<1xf32>
  %c = qnt.conv2d %x, %w, %b strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<?x1x4x4xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<?x1x4x4xf32>
  %y = qnt.batch_norm %c, %gamma, %beta, %mean, %var epsilon = 1.0
       : (tensor<?x1x4x4xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x1x4x4xf32>
  return %y : tensor<?x1x4x4xf32>
}

// -----

// Per output channel, without a conv bias: channel 0 factor 1 / 1 = 1,
// channel 1 factor 4 / 2 = 2; b' = beta - mean * factor = [0 - 1, 1 - 2].
// CHECK-LABEL: func.func @conv_channels
// CHECK-DAG: arith.constant dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}2.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: arith.constant dense<-1.000000e+00> : tensor<2xf32>
func.func @conv_channels(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %gamma = arith.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %beta = arith.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %mean = arith.constant dense<1.0> : tensor<2xf32>
  %var = arith.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %c = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %y = qnt.batch_norm %c, %gamma, %beta, %mean, %var epsilon = 0.0
       : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// A transposed fully-connected weight scales rows: factor [2, 0.5].
// CHECK-LABEL: func.func @matmul
// CHECK-DAG: arith.constant dense<{{\[\[}}2.000000e+00, 4.000000e+00], [1.500000e+00, 2.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: arith.constant dense<0.000000e+00> : tensor<2xf32>
// CHECK: qnt.matmul %{{.*}}, %{{.*}}, %{{.*}} transpose_rhs {qnt.bn_beta = array<f64: 0.000000e+00, 0.000000e+00>, qnt.bn_gamma = array<f64: 2.000000e+00, 5.000000e-01>}
func.func @matmul(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %gamma = arith.constant dense<[2.0, 0.5]> : tensor<2xf32>
  %zero = arith.constant dense<0.0> : tensor<2xf32>
  %one = arith.constant dense<1.0> : tensor<2xf32>
  %m = qnt.matmul %x, %w transpose_rhs : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  %y = qnt.batch_norm %m, %gamma, %zero, %zero, %one epsilon = 0.0
       : (tensor<?x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// The conv has another user: folding would change it.
// CHECK-LABEL: func.func @negative_shared_conv
// CHECK: qnt.batch_norm
func.func @negative_shared_conv(%x: tensor<1x1x2x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %p = arith.constant dense<1.0> : tensor<1xf32>
  %c = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %y = qnt.batch_norm %c, %p, %p, %p, %p epsilon = 0.0
       : (tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  return %c, %y : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
}

// -----

// Statistics computed at run time cannot be folded.
// CHECK-LABEL: func.func @negative_dynamic_statistics
// CHECK: qnt.batch_norm
func.func @negative_dynamic_statistics(%x: tensor<1x1x2x2xf32>, %mean: tensor<1xf32>) -> tensor<1x1x2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %p = arith.constant dense<1.0> : tensor<1xf32>
  %c = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %y = qnt.batch_norm %c, %p, %p, %mean, %p epsilon = 0.0
       : (tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}

// -----

// A weight in a blob stays in a blob, named after the original.
// CHECK-LABEL: func.func @resource
// CHECK: arith.constant dense_resource<w_bn> : tensor<2x1x3x3xf32>
func.func @resource(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense_resource<w> : tensor<2x1x3x3xf32>
  %p = arith.constant dense<1.0> : tensor<2xf32>
  %c = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32>
  %y = qnt.batch_norm %c, %p, %p, %p, %p epsilon = 0.0
       : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F"
    }
  }
#-}
