// RUN: quant-opt %s --split-input-file --verify-diagnostics --convert-qnt-to-fixed-point

!q = !quant.uniform<i8:f32, 0.5>

func.func @other_dialect_op(%x: tensor<4x!q>) -> tensor<2x!q> {
  // expected-error@+1 {{'tensor.extract_slice' op on quantized types is not supported by convert-qnt-to-fixed-point; only qnt ops, quant.scast and func ops may carry !quant types}}
  %s = tensor.extract_slice %x[0] [2] [1] : tensor<4x!q> to tensor<2x!q>
  return %s : tensor<2x!q>
}

// -----

!q = !quant.uniform<i8:f32, 0.5>

func.func @qcast(%x: tensor<4xf32>) -> tensor<4x!q> {
  // expected-error@+1 {{'quant.qcast' op is not lowered by convert-qnt-to-fixed-point; use qnt.quantize and qnt.dequantize, whose rounding docs/Numerics.md defines}}
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!q>
  return %q : tensor<4x!q>
}

// -----

// M = s_in / s_out = 2^29 has no int32 mantissa with a shift >= 2.

!acc = !quant.uniform<i32:f32, 1.0>
!out = !quant.uniform<i8:f32, 1.862645149230957e-09>

func.func @multiplier_too_large(%x: tensor<4x!acc>) -> tensor<4x!out> {
  // expected-error@+1 {{'qnt.requantize' op multiplier s_in / s_out = 5.368709e+08 has no int32 mantissa and shift in [2, 62]; it must be below 2^29}}
  %r = qnt.requantize %x rounding = <single_round> : tensor<4x!acc> -> tensor<4x!out>
  return %r : tensor<4x!out>
}

// -----

// 16-bit activations times 16-bit weights over K = 64: the accumulator may
// reach 64 * 32768 * 32768 = 2^36.

!x = !quant.uniform<i16:f32, 0.001>
!w = !quant.uniform<i16:f32, 0.001>
!acc = !quant.uniform<i32:f32, 1.0e-06>

func.func @accumulator_overflow(%x: tensor<?x64x!x>, %w: tensor<64x8x!w>) -> tensor<?x8x!acc> {
  // expected-error@+1 {{'qnt.matmul' op accumulator may overflow int32: worst case |acc| = 68719476736 > 2^31 - 1 (reduction length 64, max |q_x - z_x| = 32768, max |q_w - z_w| = 32768, max |bias| = 0); use narrower operands or split the layer's input channels}}
  %acc = qnt.matmul %x, %w : (tensor<?x64x!x>, tensor<64x8x!w>) -> tensor<?x8x!acc>
  return %acc : tensor<?x8x!acc>
}

// -----

!x = !quant.uniform<u8:f32, 0.5>
!w = !quant.uniform<i8:f32, 0.25>
!acc = !quant.uniform<i32:f32, 0.125>

func.func @bias_not_constant(%x: tensor<1x2x!x>, %w: tensor<2x3x!w>, %b: tensor<3x!acc>) -> tensor<1x3x!acc> {
  // expected-error@+1 {{'qnt.matmul' op cannot be lowered to integer code: the bias is not a constant, so the accumulator has no bound; the int32 accumulator has no compile-time bound}}
  %acc = qnt.matmul %x, %w, %b : (tensor<1x2x!x>, tensor<2x3x!w>, tensor<3x!acc>) -> tensor<1x3x!acc>
  return %acc : tensor<1x3x!acc>
}

// -----

!x = !quant.uniform<u8:f32, 0.5>
!w = !quant.uniform<i8:f32, 0.25>
!acc = !quant.uniform<i32:f32, 0.125>

func.func @dynamic_reduction(%x: tensor<1x?x!x>, %w: tensor<?x3x!w>) -> tensor<1x3x!acc> {
  // expected-error@+1 {{'qnt.matmul' op cannot be lowered to integer code: the reduction length is dynamic; the int32 accumulator has no compile-time bound}}
  %acc = qnt.matmul %x, %w : (tensor<1x?x!x>, tensor<?x3x!w>) -> tensor<1x3x!acc>
  return %acc : tensor<1x3x!acc>
}
