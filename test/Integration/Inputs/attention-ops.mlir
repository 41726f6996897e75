// The ViT's attention and MLP ops on odd sizes (attention.test): heads of
// 17 tokens x 19 features, 3 heads, u8 activations.
//   out0  GELU (qnt-tabulate-elementwise: 969 elements per image, every
//         u8 value among them)
//   out1  softmax over the 19 features (a reduction along the innermost
//         dim, per row: max, exp, sum, division)
//   out2  layer norm over the 19 features, between a dequantize and a
//         quantize (float row sums)
//   out3  x * x^T, two activations (the scores, int32 accumulators)
//   out4  softmax(x) * x: a u8 activation of zero point 0 times a u8
//         activation, then requantized
!x = !quant.uniform<u8:f32, 0.05:131>
!g = !quant.uniform<u8:f32, 0.03:13>
!p = !quant.uniform<u8:f32, 0.00390625>
!n = !quant.uniform<u8:f32, 0.02:128>
!acc = !quant.uniform<i32:f32, 0.0025>
!pacc = !quant.uniform<i32:f32, 1.953125E-4>
!y = !quant.uniform<u8:f32, 0.04:120>
func.func @main(%x: tensor<?x3x17x19x!x>) -> (tensor<?x3x17x19x!g>, tensor<?x3x17x19x!p>, tensor<?x3x17x19x!n>, tensor<?x3x17x17x!acc>, tensor<?x3x17x17x!y>) {
  %g = qnt.gelu %x : tensor<?x3x17x19x!x> -> tensor<?x3x17x19x!g>
  %p = qnt.softmax %x axis = 3 : tensor<?x3x17x19x!x> -> tensor<?x3x17x19x!p>
  %f = qnt.dequantize %x : tensor<?x3x17x19x!x> -> tensor<?x3x17x19xf32>
  %w = arith.constant dense<[0.5, 1.0, 1.5, 2.0, 0.25, 1.0, 1.0, 0.75, 1.25, 1.0, 0.5, 1.0, 1.5, 2.0, 0.25, 1.0, 1.0, 0.75, 1.25]> : tensor<19xf32>
  %b = arith.constant dense<[0.1, -0.1, 0.2, 0.0, 0.0, 0.3, -0.3, 0.0, 0.1, 0.0, 0.1, -0.1, 0.2, 0.0, 0.0, 0.3, -0.3, 0.0, 0.1]> : tensor<19xf32>
  %l = qnt.layer_norm %f, %w, %b axis = 3 epsilon = 1.0e-5 : (tensor<?x3x17x19xf32>, tensor<19xf32>, tensor<19xf32>) -> tensor<?x3x17x19xf32>
  %n = qnt.quantize %l : tensor<?x3x17x19xf32> -> tensor<?x3x17x19x!n>
  %t = qnt.transpose %x permutation = [0, 1, 3, 2] : tensor<?x3x17x19x!x> -> tensor<?x3x19x17x!x>
  %s = qnt.matmul %x, %t : (tensor<?x3x17x19x!x>, tensor<?x3x19x17x!x>) -> tensor<?x3x17x17x!acc>
  %pv = qnt.matmul %p, %t : (tensor<?x3x17x19x!p>, tensor<?x3x19x17x!x>) -> tensor<?x3x17x17x!pacc>
  %y = qnt.requantize %pv rounding = <half_to_even> : tensor<?x3x17x17x!pacc> -> tensor<?x3x17x17x!y>
  return %g, %p, %n, %s, %y : tensor<?x3x17x19x!g>, tensor<?x3x17x19x!p>, tensor<?x3x17x19x!n>, tensor<?x3x17x17x!acc>, tensor<?x3x17x17x!y>
}
