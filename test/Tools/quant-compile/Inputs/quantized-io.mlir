// A model with quantized tensors at its boundary: u8 images in, i8 logits
// out.
!u8_input = !quant.uniform<u8:f32, 0.0039215686274509803>
!w = !quant.uniform<i8<-127:127>:f32, 0.01>
!acc = !quant.uniform<i32:f32, 3.9215686274509805e-05>
!logits = !quant.uniform<i8:f32, 0.05:-4>

func.func @main(%image: tensor<?x1x4x4x!u8_input>) -> tensor<?x2x!logits> {
  %wi = arith.constant dense<3> : tensor<2x16xi8>
  %w = quant.scast %wi : tensor<2x16xi8> to tensor<2x16x!w>
  %f = qnt.reshape %image : tensor<?x1x4x4x!u8_input> -> tensor<?x16x!u8_input>
  %acc = qnt.matmul %f, %w transpose_rhs : (tensor<?x16x!u8_input>, tensor<2x16x!w>) -> tensor<?x2x!acc>
  %q = qnt.requantize %acc rounding = <single_round> : tensor<?x2x!acc> -> tensor<?x2x!logits>
  return %q : tensor<?x2x!logits>
}
