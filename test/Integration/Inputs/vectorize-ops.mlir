// Every op family of qnt-vectorize on odd sizes (vectorize.test): a
// 13 x 19 image (a full tile of 16 pixels and a remainder of 3 at 16
// lanes, a single partial tile at 32), three channels.
//   out0  depthwise conv 3x3, stride 1, pad 1, bias, then its
//         requantization (the window's fused epilogue)
//   out1  depthwise conv 3x3, stride 2, dilation (1, 2), pads (1, 2, 1, 2),
//         no bias: the int32 accumulators (output width 10)
//   out2  max pool 3x3, stride 2, pad 1 (output 7 x 10)
//   out3  the sum of out0 and the input, requantized (element-wise add)
//   out4  dequantize of the input (element-wise, per tensor)
//   out5  clamp of out0 (element-wise on the stored integers)
!x = !quant.uniform<u8:f32, 0.05:7>
!w = !quant.uniform<i8<-127:127>:f32:0, {0.02, 0.03, 0.01}>
!acc = !quant.uniform<i32:f32:1, {0.001, 0.0015, 0.0005}>
!bias = !quant.uniform<i32:f32:0, {0.001, 0.0015, 0.0005}>
!y = !quant.uniform<u8:f32, 0.04:11>
!s = !quant.uniform<u8:f32, 0.07:3>
func.func @main(%x: tensor<?x3x13x19x!x>) -> (tensor<?x3x13x19x!y>, tensor<?x3x7x10x!acc>, tensor<?x3x7x10x!x>, tensor<?x3x13x19x!s>, tensor<?x3x13x19xf32>, tensor<?x3x13x19x!y>) {
  %wi = arith.constant dense<[[[[1, -2, 3], [-4, 5, -6], [7, -8, 9]]], [[[-127, 0, 127], [3, 3, 3], [-1, 100, -50]]], [[[20, 21, 22], [-23, -24, -25], [26, -27, 28]]]]> : tensor<3x1x3x3xi8>
  %w = quant.scast %wi : tensor<3x1x3x3xi8> to tensor<3x1x3x3x!w>
  %bi = arith.constant dense<[100, -2000, 35]> : tensor<3xi32>
  %b = quant.scast %bi : tensor<3xi32> to tensor<3x!bias>
  %a0 = qnt.conv2d %x, %w, %b strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 3
         : (tensor<?x3x13x19x!x>, tensor<3x1x3x3x!w>, tensor<3x!bias>) -> tensor<?x3x13x19x!acc>
  %y0 = qnt.requantize %a0 rounding = <single_round> : tensor<?x3x13x19x!acc> -> tensor<?x3x13x19x!y>
  %a1 = qnt.conv2d %x, %w strides = [2, 2] pads = [1, 2, 1, 2] dilations = [1, 2] groups = 3
         : (tensor<?x3x13x19x!x>, tensor<3x1x3x3x!w>) -> tensor<?x3x7x10x!acc>
  %m = qnt.max_pool2d %x kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1]
         : tensor<?x3x13x19x!x> -> tensor<?x3x7x10x!x>
  %s = qnt.add %y0, %x : (tensor<?x3x13x19x!y>, tensor<?x3x13x19x!x>) -> tensor<?x3x13x19x!s>
  %d = qnt.dequantize %x : tensor<?x3x13x19x!x> -> tensor<?x3x13x19xf32>
  %c = qnt.clamp %y0 min = 0.0 max = 6.0 : tensor<?x3x13x19x!y> -> tensor<?x3x13x19x!y>
  return %y0, %a1, %m, %s, %d, %c : tensor<?x3x13x19x!y>, tensor<?x3x7x10x!acc>, tensor<?x3x7x10x!x>, tensor<?x3x13x19x!s>, tensor<?x3x13x19xf32>, tensor<?x3x13x19x!y>
}
