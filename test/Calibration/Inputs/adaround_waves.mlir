// Three matmuls for the waves of qnt-adaround's quantized inputs: %a and %b
// both read the (quantized) input, so they form wave 1; %y reads their sum,
// wave 2. Calibrated signed 8-bit activation quantizers, signed symmetric
// narrow-range 4-bit per-channel weight quantizers.
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x3xf32> {
  %xq = qnt.fake_quant %x bits = 8 signed scale = [3.125000e-02] zero_point = [0] : tensor<?x4xf32>
  %w1 = arith.constant dense<[[0.61, -0.33, 0.12], [0.87, -0.45, 0.29], [0.71, -0.18, 0.08], [0.94, -0.52, 0.37]]> : tensor<4x3xf32>
  %w1q = qnt.fake_quant %w1 bits = 4 signed symmetric narrow_range axis = 1 scale = [1.343750e-01, 7.428571e-02, 5.285714e-02] zero_point = [0, 0, 0] : tensor<4x3xf32>
  %a = qnt.matmul %xq, %w1q : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
  %w2 = arith.constant dense<[[0.53, -0.21, -0.36, 0.77], [0.15, 0.42, -0.66, 0.24], [-0.31, 0.58, 0.19, -0.83]]> : tensor<3x4xf32>
  %w2q = qnt.fake_quant %w2 bits = 4 signed symmetric narrow_range axis = 0 scale = [1.100000e-01, 9.428571e-02, 1.185714e-01] zero_point = [0, 0, 0] : tensor<3x4xf32>
  %b = qnt.matmul %xq, %w2q transpose_rhs : (tensor<?x4xf32>, tensor<3x4xf32>) -> tensor<?x3xf32>
  %s = qnt.add %a, %b : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  %sq = qnt.fake_quant %s bits = 8 signed scale = [3.125000e-02] zero_point = [0] : tensor<?x3xf32>
  %w3 = arith.constant dense<[[0.47, -0.12, 0.33], [-0.28, 0.64, 0.09], [0.16, 0.39, -0.71]]> : tensor<3x3xf32>
  %w3q = qnt.fake_quant %w3 bits = 4 signed symmetric narrow_range axis = 1 scale = [6.714286e-02, 9.142857e-02, 1.014286e-01] zero_point = [0, 0, 0] : tensor<3x3xf32>
  %y = qnt.matmul %sq, %w3q : (tensor<?x3xf32>, tensor<3x3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}
