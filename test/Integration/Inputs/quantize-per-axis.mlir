// Per-channel activation quantizers (quantize-pass-per-axis.test): a
// per-channel requantization of an accumulator, then float (relu, a conv
// whose input is per channel) with dequantize/quantize around it.
func.func @sim(%arg0: tensor<?x2x4x4xf32>) -> (tensor<?x3x4x4xf32>, tensor<?x3x4x4xf32>) attributes {qnt.rounding = #qnt.rounding<single_round>} {
  %x = qnt.fake_quant %arg0 bits = 8 scale = [0.02] zero_point = [7] : tensor<?x2x4x4xf32>
  %w = arith.constant dense<[[[[0.5]], [[-0.25]]], [[[0.125]], [[0.75]]], [[[-1.0]], [[0.3]]]]> : tensor<3x2x1x1xf32>
  %wq = qnt.fake_quant %w bits = 8 signed symmetric narrow_range axis = 0 scale = [0.004, 0.006, 0.008] zero_point = [0, 0, 0] : tensor<3x2x1x1xf32>
  %c = qnt.conv2d %x, %wq strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<?x2x4x4xf32>, tensor<3x2x1x1xf32>) -> tensor<?x3x4x4xf32>
  %y = qnt.fake_quant %c bits = 8 signed axis = 1 scale = [0.01, 0.02, 0.015] zero_point = [1, -2, 3] : tensor<?x3x4x4xf32>
  %r = qnt.relu %y : tensor<?x3x4x4xf32> -> tensor<?x3x4x4xf32>
  %y2 = qnt.fake_quant %r bits = 8 axis = 1 scale = [0.01, 0.01, 0.02] zero_point = [0, 0, 0] : tensor<?x3x4x4xf32>
  %p = qnt.fake_quant %arg0 bits = 8 signed axis = 1 scale = [0.01, 0.03] zero_point = [0, 0] : tensor<?x2x4x4xf32>
  %c2 = qnt.conv2d %p, %wq strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<?x2x4x4xf32>, tensor<3x2x1x1xf32>) -> tensor<?x3x4x4xf32>
  %y3 = qnt.fake_quant %c2 bits = 8 scale = [0.01] zero_point = [0] : tensor<?x3x4x4xf32>
  %s = qnt.add %y2, %y3 : (tensor<?x3x4x4xf32>, tensor<?x3x4x4xf32>) -> tensor<?x3x4x4xf32>
  return %s, %y3 : tensor<?x3x4x4xf32>, tensor<?x3x4x4xf32>
}
