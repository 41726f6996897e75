// A conv whose only consumer is its requantization: the kernels apply it
// in registers (the fused epilogue) and store i8, with a partial last
// vector of 25 % L pixels per channel (int8-kernels-*.test). The second
// output is the same conv requantized with half_to_even (float products
// rounded to nearest even, multipliers 0.5, 0.25, ... so that ties occur):
// the kernels round its clamped products with llvm.intr.lrint.
!x = !quant.uniform<u8:f32, 0.5:3>
!w = !quant.uniform<i8<-127:127>:f32:0, {0.25, 0.125, 0.2, 0.3, 0.1}>
!acc = !quant.uniform<i32:f32:1, {0.125, 0.0625, 0.1, 0.15, 0.05}>
!y = !quant.uniform<i8:f32, 0.1:-1>
!y2 = !quant.uniform<u8:f32, 0.25:7>
func.func @main(%x: tensor<?x2x6x6x!x>) -> (tensor<?x5x5x5x!y>, tensor<?x5x5x5x!y2>) {
  %wi = arith.constant dense<[[[[1, 2], [-1, 0]], [[1, 2], [-1, 0]]], [[[-3, 0], [-1, 0]], [[1, 2], [-1, 0]]], [[[3, 0], [-1, 5]], [[1, 2], [-1, 0]]], [[[-3, 0], [-1, 7]], [[1, 2], [-1, 0]]], [[[-3, 0], [-1, 0]], [[1, 2], [-1, 9]]]]> : tensor<5x2x2x2xi8>
  %w = quant.scast %wi : tensor<5x2x2x2xi8> to tensor<5x2x2x2x!w>
  %acc = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
         : (tensor<?x2x6x6x!x>, tensor<5x2x2x2x!w>) -> tensor<?x5x5x5x!acc>
  %y = qnt.requantize %acc rounding = <single_round> : tensor<?x5x5x5x!acc> -> tensor<?x5x5x5x!y>
  %acc2 = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
         : (tensor<?x2x6x6x!x>, tensor<5x2x2x2x!w>) -> tensor<?x5x5x5x!acc>
  %y2 = qnt.requantize %acc2 rounding = <half_to_even> : tensor<?x5x5x5x!acc> -> tensor<?x5x5x5x!y2>
  return %y, %y2 : tensor<?x5x5x5x!y>, tensor<?x5x5x5x!y2>
}
