// RUN: quant-opt %s -split-input-file -qnt-quantize -verify-diagnostics
// RUN: not quant-opt %s -qnt-quantize=rounding=nearest 2>&1 | FileCheck %s --check-prefix=OPTION

// OPTION: qnt-quantize: unknown rounding 'nearest'; use half_to_even, single_round or double_round

func.func @uncalibrated(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{qnt-quantize: this qnt.fake_quant is not calibrated (no scale and zero_point); run qnt-set-ranges first}}
  %x = qnt.fake_quant %arg0 bits = 8 : tensor<4xf32>
  return %x : tensor<4xf32>
}

// -----

func.func @runtime_bias(%arg0: tensor<1x2xf32>, %bias: tensor<2xf32>) -> tensor<1x2xf32> {
  %x = qnt.fake_quant %arg0 bits = 8 scale = [0.1] zero_point = [0] : tensor<1x2xf32>
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %wq = qnt.fake_quant %w bits = 8 signed scale = [1.0] zero_point = [0] : tensor<2x2xf32>
  // expected-error @+1 {{qnt-quantize: the bias of a layer with quantized operands must be an f32 constant}}
  %m = qnt.matmul %x, %wq, %bias : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}

// -----

func.func @disjoint_clamps(%arg0: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %x = qnt.fake_quant %arg0 bits = 8 scale = [0.1] zero_point = [0] : tensor<1x2xf32>
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %wq = qnt.fake_quant %w bits = 8 signed scale = [1.0] zero_point = [0] : tensor<2x2xf32>
  %m = qnt.matmul %x, %wq fused_clamp(2.0, 3.0) : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %c = qnt.clamp %m min = 0.0 max = 1.0 : tensor<1x2xf32> -> tensor<1x2xf32>
  // expected-error @+1 {{qnt-quantize: the activations before this quantizer clamp to disjoint ranges}}
  %y = qnt.fake_quant %c bits = 8 scale = [0.1] zero_point = [0] : tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

func.func @f16(%arg0: tensor<4xf16>) -> tensor<4xf16> {
  // expected-error @+1 {{qnt-quantize: only f32 quantizers are supported, not 'f16'}}
  %x = qnt.fake_quant %arg0 bits = 8 scale = [0.1] zero_point = [0] : tensor<4xf16>
  return %x : tensor<4xf16>
}
