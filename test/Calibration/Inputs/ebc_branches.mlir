// Three layers in two waves for qnt-empirical-bias-correction: two matmuls
// on the (quantized) input, then a matmul on their quantized sum, which
// sees the corrections of both.
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x2xf32> {
  %xq = qnt.fake_quant %x bits = 8 scale = [2.000000e-02] zero_point = [0] : tensor<?x4xf32>
  %w1 = arith.constant dense<[[0.61, -0.33, 0.12], [0.87, -0.45, 0.29], [0.71, -0.18, 0.08], [0.94, -0.52, 0.37]]> : tensor<4x3xf32>
  %w1q = qnt.fake_quant %w1 bits = 4 signed symmetric narrow_range scale = [1.406250e-01] zero_point = [0] : tensor<4x3xf32>
  %a = qnt.matmul %xq, %w1q : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %w2 = arith.constant dense<[[0.53, -0.21, 0.36], [0.77, 0.15, -0.42], [0.33, 0.65, -0.12], [0.24, -0.81, 0.46]]> : tensor<4x3xf32>
  %w2q = qnt.fake_quant %w2 bits = 4 signed symmetric narrow_range scale = [1.250000e-01] zero_point = [0] : tensor<4x3xf32>
  %b = qnt.matmul %xq, %w2q : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %s = qnt.add %a, %b : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  %sq = qnt.fake_quant %s bits = 8 signed scale = [4.000000e-02] zero_point = [0] : tensor<?x3xf32>
  %w3 = arith.constant dense<[[0.53, -0.21], [-0.36, 0.77], [0.15, 0.42]]> : tensor<3x2xf32>
  %w3q = qnt.fake_quant %w3 bits = 4 signed symmetric narrow_range scale = [1.250000e-01] zero_point = [0] : tensor<3x2xf32>
  %y = qnt.matmul %sq, %w3q : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}
