// What convert-qnt-to-linalg refuses, with a diagnostic.
// RUN: quant-opt %s -split-input-file -convert-qnt-to-linalg -verify-diagnostics

func.func @quantized(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{'qnt.relu' op on quantized tensors is not lowered by convert-qnt-to-linalg, which handles the float form}}
  %0 = qnt.relu %x : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @uncalibrated(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{has no scale and zero_point yet; set ranges before lowering the quantization simulation}}
  %0 = qnt.fake_quant %x bits = 8 : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @dynamic_pool(%x: tensor<1x2x?x4xf32>) -> tensor<1x2x?x2xf32> {
  // expected-error @+1 {{failed to legalize operation 'qnt.avg_pool2d'}}
  %0 = qnt.avg_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] : tensor<1x2x?x4xf32> -> tensor<1x2x?x2xf32>
  return %0 : tensor<1x2x?x2xf32>
}
