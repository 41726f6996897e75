// A convolution and a depthwise convolution for the qnt-adaround tests:
// per-channel signed symmetric 4-bit weights (2 x 2 x 2 x 2, axis 0), then
// a strided, padded depthwise convolution (groups 2) with a per-tensor
// asymmetric unsigned 4-bit weight quantizer (zero point 8).
func.func @main(%x: tensor<?x2x4x4xf32>) -> tensor<?x2x2x2xf32> {
  %w1 = arith.constant dense<[[[[0.61, -0.33], [0.12, 0.87]], [[-0.45, 0.29], [0.71, -0.18]]], [[[0.08, 0.44], [-0.52, 0.37]], [[0.23, -0.09], [0.31, -0.27]]]]> : tensor<2x2x2x2xf32>
  %w1q = qnt.fake_quant %w1 bits = 4 signed symmetric narrow_range axis = 0 scale = [1.250000e-01, 7.812500e-02] zero_point = [0, 0] : tensor<2x2x2x2xf32>
  %h = qnt.conv2d %x, %w1q strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<?x2x4x4xf32>, tensor<2x2x2x2xf32>) -> tensor<?x2x3x3xf32>
  %w2 = arith.constant dense<[[[[0.41, -0.63], [1.12, -0.87]]], [[[-1.45, 0.29], [0.71, 1.38]]]]> : tensor<2x1x2x2xf32>
  %w2q = qnt.fake_quant %w2 bits = 4 scale = [2.500000e-01] zero_point = [8] : tensor<2x1x2x2xf32>
  %y = qnt.conv2d %h, %w2q strides = [2, 2] pads = [1, 1, 0, 0] dilations = [1, 1] groups = 2 : (tensor<?x2x3x3xf32>, tensor<2x1x2x2xf32>) -> tensor<?x2x2x2xf32>
  return %y : tensor<?x2x2x2xf32>
}
