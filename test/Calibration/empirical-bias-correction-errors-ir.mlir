// qnt-empirical-bias-correction errors located in the IR.
// RUN: rm -rf %t.d && mkdir -p %t.d && %python %S/Inputs/make_bad.py %t.d
// RUN: quant-opt %s -split-input-file -verify-diagnostics --qnt-empirical-bias-correction="calibration-data=%t.d/zeros.npy"

// A non-finite layer input on the calibration data (0 / 0).
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x3xf32> {
  %d = qnt.div %x, %x : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %w = arith.constant dense<[[0.5, 0.25, 0.0, 1.0], [0.5, 0.25, 0.0, 1.0], [0.5, 0.25, 0.0, 1.0]]> : tensor<3x4xf32>
  %wq = qnt.fake_quant %w bits = 4 signed symmetric scale = [3.000000e-01] zero_point = [0] : tensor<3x4xf32>
  // expected-error@+1 {{qnt-empirical-bias-correction: the input of this layer is not finite on the calibration data}}
  %y = qnt.matmul %d, %wq transpose_rhs : (tensor<?x4xf32>, tensor<3x4xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// Two inputs: calibration data gives one.
// expected-error@+1 {{qnt-empirical-bias-correction: @main takes 2 inputs; calibration-data gives exactly one}}
module {
  func.func @main(%x: tensor<?x4xf32>, %z: tensor<?x4xf32>) -> tensor<?x3xf32> {
    %w = arith.constant dense<[[0.5, 0.25, 0.0, 1.0], [0.5, 0.25, 0.0, 1.0], [0.5, 0.25, 0.0, 1.0]]> : tensor<3x4xf32>
    %wq = qnt.fake_quant %w bits = 4 signed symmetric scale = [3.000000e-01] zero_point = [0] : tensor<3x4xf32>
    %s = qnt.add %x, %z : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
    %y = qnt.matmul %s, %wq transpose_rhs : (tensor<?x4xf32>, tensor<3x4xf32>) -> tensor<?x3xf32>
    return %y : tensor<?x3xf32>
  }
}
