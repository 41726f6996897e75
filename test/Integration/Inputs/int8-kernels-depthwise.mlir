// Depthwise convolutions on odd sizes for the depthwise kernel of
// qnt-lower-int8-kernels (int8-kernels-depthwise.test), on a u8 input with
// zero point 7 (the padding value) and its s8 requantization (zero point
// -9), [N, 3, 14, 30]:
//   out0  3x3, stride 1, pad 1, bias, requantized (the fused epilogue): rows
//         of 30 pixels, tiles of 16 and 14
//   out1  3x3, stride 2, dilation (1, 2), pads (1, 2, 1, 2): the int32
//         accumulators, 7 x 15
//   out2  s8 input, 5x5 (two groups of taps per kernel row, 4 + 1),
//         stride 2, pad 2, bias, requantized to s8
//   out3  s8 input, 1x7 (groups 4 + 3), strides (3, 1), pads (0, 3, 0, 3):
//         the accumulators, 5 x 30
//   out4  3x3, strides (1, 5), pads (1, 0, 0, 0), requantized with
//         half_to_even (the clamped float products rounded by
//         llvm.intr.lrint): 13 rows of 6 pixels
//   out5  3x3, dilation 2, pad 2: the accumulators, 14 x 30
//   out6  3x3, strides (5, 1), pad 1: the accumulators, 3 x 30; a tile
//         wrapping to the next output row would read 5 input rows, past
//         the shuffle window: column chunks of one row instead (16 + 14)
!x = !quant.uniform<u8:f32, 0.05:7>
!xs = !quant.uniform<i8:f32, 0.05:-9>
!w = !quant.uniform<i8<-127:127>:f32:0, {0.02, 0.03, 0.01}>
!acc = !quant.uniform<i32:f32:1, {0.001, 0.0015, 0.0005}>
!bias = !quant.uniform<i32:f32:0, {0.001, 0.0015, 0.0005}>
!y = !quant.uniform<u8:f32, 0.9:11>
!ys = !quant.uniform<i8:f32, 1.7:-3>
func.func @main(%x: tensor<?x3x14x30x!x>) -> (tensor<?x3x14x30x!y>, tensor<?x3x7x15x!acc>, tensor<?x3x7x15x!ys>, tensor<?x3x5x30x!acc>, tensor<?x3x13x6x!y>, tensor<?x3x14x30x!acc>, tensor<?x3x3x30x!acc>) {
  %w3i = arith.constant dense<[[[[44, 78, -122], [79, -8, 4], [33, -55, 122]]], [[[-114, -57, -30], [18, -23, -94], [-116, -127, -115]]], [[[-90, 127, -79], [39, 64, -68], [-56, -17, -60]]]]> : tensor<3x1x3x3xi8>
  %w3 = quant.scast %w3i : tensor<3x1x3x3xi8> to tensor<3x1x3x3x!w>
  %w5i = arith.constant dense<[[[[121, -82, 101, 76, 88], [-98, -27, 33, -2, 42], [45, 42, -112, 117, 14], [103, -58, -35, 97, -80], [-111, -32, 46, -96, 94]]], [[[-41, -70, 11, 101, 98], [95, -49, -123, 71, 53], [69, -127, -118, 1, -42], [-16, 110, -76, 7, -45], [-52, 78, -88, -47, -97]]], [[[-89, -56, 51, 20, -13], [-84, 76, 76, -67, -112], [-46, -90, 76, 5, 2], [-53, 2, 119, -67, 68], [-124, -47, 110, 95, -106]]]]> : tensor<3x1x5x5xi8>
  %w5 = quant.scast %w5i : tensor<3x1x5x5xi8> to tensor<3x1x5x5x!w>
  %w7i = arith.constant dense<[[[[87, 88, -12, -34, 122, 115, 45]]], [[[-26, -74, 111, -59, 14, 45, -66]]], [[[-47, 62, -77, 44, 113, 47, 37]]]]> : tensor<3x1x1x7xi8>
  %w7 = quant.scast %w7i : tensor<3x1x1x7xi8> to tensor<3x1x1x7x!w>
  %bi = arith.constant dense<[100, -2000, 35]> : tensor<3xi32>
  %b = quant.scast %bi : tensor<3xi32> to tensor<3x!bias>
  %xs = qnt.requantize %x rounding = <single_round> : tensor<?x3x14x30x!x> -> tensor<?x3x14x30x!xs>
  %a0 = qnt.conv2d %x, %w3, %b strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 3
         : (tensor<?x3x14x30x!x>, tensor<3x1x3x3x!w>, tensor<3x!bias>) -> tensor<?x3x14x30x!acc>
  %y0 = qnt.requantize %a0 rounding = <single_round> : tensor<?x3x14x30x!acc> -> tensor<?x3x14x30x!y>
  %a1 = qnt.conv2d %x, %w3 strides = [2, 2] pads = [1, 2, 1, 2] dilations = [1, 2] groups = 3
         : (tensor<?x3x14x30x!x>, tensor<3x1x3x3x!w>) -> tensor<?x3x7x15x!acc>
  %a2 = qnt.conv2d %xs, %w5, %b strides = [2, 2] pads = [2, 2, 2, 2] dilations = [1, 1] groups = 3
         : (tensor<?x3x14x30x!xs>, tensor<3x1x5x5x!w>, tensor<3x!bias>) -> tensor<?x3x7x15x!acc>
  %y2 = qnt.requantize %a2 rounding = <single_round> : tensor<?x3x7x15x!acc> -> tensor<?x3x7x15x!ys>
  %a3 = qnt.conv2d %xs, %w7 strides = [3, 1] pads = [0, 3, 0, 3] dilations = [1, 1] groups = 3
         : (tensor<?x3x14x30x!xs>, tensor<3x1x1x7x!w>) -> tensor<?x3x5x30x!acc>
  %a4 = qnt.conv2d %x, %w3 strides = [1, 5] pads = [1, 0, 0, 0] dilations = [1, 1] groups = 3
         : (tensor<?x3x14x30x!x>, tensor<3x1x3x3x!w>) -> tensor<?x3x13x6x!acc>
  %y4 = qnt.requantize %a4 rounding = <half_to_even> : tensor<?x3x13x6x!acc> -> tensor<?x3x13x6x!y>
  %a5 = qnt.conv2d %x, %w3 strides = [1, 1] pads = [2, 2, 2, 2] dilations = [2, 2] groups = 3
         : (tensor<?x3x14x30x!x>, tensor<3x1x3x3x!w>) -> tensor<?x3x14x30x!acc>
  %a6 = qnt.conv2d %x, %w3 strides = [5, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 3
         : (tensor<?x3x14x30x!x>, tensor<3x1x3x3x!w>) -> tensor<?x3x3x30x!acc>
  return %y0, %a1, %y2, %a3, %y4, %a5, %a6 : tensor<?x3x14x30x!y>, tensor<?x3x7x15x!acc>, tensor<?x3x7x15x!ys>, tensor<?x3x5x30x!acc>, tensor<?x3x13x6x!y>, tensor<?x3x14x30x!acc>, tensor<?x3x3x30x!acc>
}
