// qnt-adaround errors located in the IR.
// RUN: rm -rf %t.d && mkdir -p %t.d && %python %S/Inputs/make_bad.py %t.d
// RUN: quant-opt %s -split-input-file -verify-diagnostics --qnt-adaround="calibration-data=%t.d/zeros.npy iterations=10"

// A per-channel weight quantizer along the reduction axis: AdaRound's
// rounding variables are per output channel.
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x3xf32> {
  %w = arith.constant dense<[[0.5, 0.25, 0.0, 1.0], [0.5, 0.25, 0.0, 1.0], [0.5, 0.25, 0.0, 1.0]]> : tensor<3x4xf32>
  // expected-error@+1 {{qnt-adaround: the weight quantizer is per channel along axis 1, not along the output channels (axis 0): AdaRound rounds per output channel}}
  %wq = qnt.fake_quant %w bits = 4 signed symmetric axis = 1 scale = [1.250000e-01, 1.250000e-01, 1.250000e-01, 1.250000e-01] zero_point = [0, 0, 0, 0] : tensor<3x4xf32>
  %y = qnt.matmul %x, %wq transpose_rhs : (tensor<?x4xf32>, tensor<3x4xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// A non-finite layer input on the calibration data (0 / 0).
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x3xf32> {
  %d = qnt.div %x, %x : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %w = arith.constant dense<[[0.5, 0.25, 0.0, 1.0], [0.5, 0.25, 0.0, 1.0], [0.5, 0.25, 0.0, 1.0]]> : tensor<3x4xf32>
  %wq = qnt.fake_quant %w bits = 4 signed symmetric scale = [1.250000e-01] zero_point = [0] : tensor<3x4xf32>
  // expected-error@+1 {{qnt-adaround: the input of this layer is not finite on the calibration data}}
  %y = qnt.matmul %d, %wq transpose_rhs : (tensor<?x4xf32>, tensor<3x4xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// A weight quantizer shared by two layers is rounded for the first only.
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x3xf32> {
  %w = arith.constant dense<[[0.5, 0.25, 0.0, 1.0], [0.5, 0.25, 0.0, 1.0], [0.5, 0.25, 0.0, 1.0]]> : tensor<3x4xf32>
  %wq = qnt.fake_quant %w bits = 4 signed symmetric scale = [1.250000e-01] zero_point = [0] : tensor<3x4xf32>
  %y = qnt.matmul %x, %wq transpose_rhs : (tensor<?x4xf32>, tensor<3x4xf32>) -> tensor<?x3xf32>
  // expected-warning@+1 {{qnt-adaround: skipping a layer whose weight quantizer an earlier layer shares; its weight is rounded for that layer}}
  %z = qnt.matmul %x, %wq transpose_rhs : (tensor<?x4xf32>, tensor<3x4xf32>) -> tensor<?x3xf32>
  %s = qnt.add %y, %z : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  return %s : tensor<?x3xf32>
}
