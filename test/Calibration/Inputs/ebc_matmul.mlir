// Two fully-connected layers for the qnt-empirical-bias-correction tests: a
// quantization simulation with calibrated input, activation and 4-bit
// per-channel weight quantizers (along axis 0 of a transpose_rhs weight and
// axis 1 of a K x N weight); the second layer has no bias.
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x2xf32> {
  %xq = qnt.fake_quant %x bits = 8 scale = [2.000000e-02] zero_point = [0] : tensor<?x4xf32>
  %w1 = arith.constant dense<[[0.61, -0.33, 0.12, 0.87], [-0.45, 0.29, 0.71, -0.18], [0.08, 0.94, -0.52, 0.37]]> : tensor<3x4xf32>
  %w1q = qnt.fake_quant %w1 bits = 4 signed symmetric narrow_range axis = 0 scale = [1.250000e-01, 1.250000e-01, 1.406250e-01] zero_point = [0, 0, 0] : tensor<3x4xf32>
  %b1 = arith.constant dense<[0.1, -0.2, 0.05]> : tensor<3xf32>
  %h = qnt.matmul %xq, %w1q, %b1 transpose_rhs fused_clamp(0.000000e+00, 0x7F800000) : (tensor<?x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %hq = qnt.fake_quant %h bits = 8 scale = [2.000000e-02] zero_point = [0] : tensor<?x3xf32>
  %w2 = arith.constant dense<[[0.53, -0.21], [-0.36, 0.77], [0.15, 0.42]]> : tensor<3x2xf32>
  %w2q = qnt.fake_quant %w2 bits = 4 signed symmetric narrow_range axis = 1 scale = [7.812500e-02, 1.250000e-01] zero_point = [0, 0] : tensor<3x2xf32>
  %y = qnt.matmul %hq, %w2q : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}
