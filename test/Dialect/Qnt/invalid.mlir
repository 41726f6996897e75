// One case per verifier rule; each function is named after the rule's label
// in docs/Numerics.md, and each expected error ends with that label.
// RUN: quant-opt %s -split-input-file -verify-diagnostics

// qtype_c1 (scale > 0, finite) cannot be written in textual IR: the upstream
// type parser rejects such types first. test/Unit/QuantTypeVerifierTest.cpp
// covers it on types built through the C++ API.

func.func @qtype_c2(%x: tensor<4x!quant.uniform<i8:f32, 0.1:300>>) {
  // expected-error @+1 {{operand #0 has zero point 300 outside its storage range [-128, 127] (qtype_c2)}}
  %0 = qnt.relu %x : tensor<4x!quant.uniform<i8:f32, 0.1:300>> -> tensor<4x!quant.uniform<i8:f32, 0.1:300>>
  return
}

// -----

func.func @qtype_c3_accumulator_activation(%x: tensor<4x!quant.uniform<i32:f32, 0.1>>) {
  // expected-error @+1 {{operand #0 has 32-bit storage, which only conv2d/matmul accumulators may have; activations and weights have 2 to 16 bits (qtype_c3)}}
  %0 = qnt.relu %x : tensor<4x!quant.uniform<i32:f32, 0.1>> -> tensor<4x!quant.uniform<i32:f32, 0.1>>
  return
}

// -----

func.func @qtype_c3_width(%x: tensor<4x!quant.uniform<i24:f32, 0.1>>) {
  // expected-error @+1 {{operand #0 has 24-bit storage; qnt supports 2 to 16 bits (and 32-bit accumulators) (qtype_c3)}}
  %0 = qnt.relu %x : tensor<4x!quant.uniform<i24:f32, 0.1>> -> tensor<4x!quant.uniform<i24:f32, 0.1>>
  return
}

// -----

func.func @qtype_c4(%x: tensor<4x!quant.uniform<i8:f32:1, {0.1}>>) {
  // expected-error @+1 {{operand #0 is quantized along dimension 1 but has rank 1 (qtype_c4)}}
  %0 = qnt.relu %x : tensor<4x!quant.uniform<i8:f32:1, {0.1}>> -> tensor<4x!quant.uniform<i8:f32:1, {0.1}>>
  return
}

// -----

func.func @qtype_c5(%x: tensor<3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) {
  // expected-error @+1 {{operand #0 has 2 scales for dimension 0 of size 3 (qtype_c5)}}
  %0 = qnt.relu %x : tensor<3x!quant.uniform<i8:f32:0, {0.1, 0.2}>> -> tensor<3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  return
}

// -----

func.func @acc_c1_zero_point(%x: tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<3x2x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{result is a 32-bit accumulator, whose zero point must be 0 (acc_c1)}}
  %0 = qnt.matmul %x, %w transpose_rhs : (tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<3x2x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x3x!quant.uniform<i32:f32, 0.125:5>>
  return
}

// -----

func.func @acc_c1_unsigned(%x: tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<3x2x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{result is a 32-bit accumulator, which must be signed full-range i32 (acc_c1)}}
  %0 = qnt.matmul %x, %w transpose_rhs : (tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<3x2x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x3x!quant.uniform<u32:f32, 0.125>>
  return
}

// -----

func.func @acc_c2_scale(%x: tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<3x2x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{result scale 2.500000e-01 must be input scale x weight scale = 1.250000e-01 (acc_c2)}}
  %0 = qnt.matmul %x, %w transpose_rhs : (tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<3x2x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x3x!quant.uniform<i32:f32, 0.25>>
  return
}

// -----

func.func @acc_c2_not_accumulator(%x: tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<3x2x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{result of a quantized product must be the int32 accumulator type !quant.uniform<i32:...> (acc_c2)}}
  %0 = qnt.matmul %x, %w transpose_rhs : (tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<3x2x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x3x!quant.uniform<i8:f32, 0.125>>
  return
}

// -----

func.func @acc_c2_per_axis(%x: tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<3x2x!quant.uniform<i8:f32:0, {0.25, 0.5, 1.0}>>) {
  // expected-error @+1 {{result must be per-axis along dimension 1, as the weight is per-axis (acc_c2)}}
  %0 = qnt.matmul %x, %w transpose_rhs : (tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<3x2x!quant.uniform<i8:f32:0, {0.25, 0.5, 1.0}>>) -> tensor<1x3x!quant.uniform<i32:f32, 0.125>>
  return
}

// -----

func.func @acc_c2_per_axis_scale(%x: tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<3x2x!quant.uniform<i8:f32:0, {0.25, 0.5, 1.0}>>) {
  // expected-error @+1 {{result scale 1.000000e+00 (channel 2) must be input scale x weight scale = 5.000000e-01 (acc_c2)}}
  %0 = qnt.matmul %x, %w transpose_rhs : (tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<3x2x!quant.uniform<i8:f32:0, {0.25, 0.5, 1.0}>>) -> tensor<1x3x!quant.uniform<i32:f32:1, {0.125, 0.25, 1.0}>>
  return
}

// -----

func.func @nn_c1(%x: tensor<4xf32>, %y: tensor<4x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{mixes float and quantized tensors; insert qnt.quantize or qnt.dequantize (nn_c1)}}
  %0 = qnt.add %x, %y : (tensor<4xf32>, tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4xf32>
  return
}

// -----

func.func @nn_c2(%x: tensor<4xf32>, %y: tensor<4xf16>) {
  // expected-error @+1 {{mixes float element types 'f32' and 'f16' (nn_c2)}}
  %0 = qnt.add %x, %y : (tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  return
}

// -----

func.func @nn_c3(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>, %y: tensor<4x!quant.uniform<i8:f16, 0.1>>) {
  // expected-error @+1 {{mixes quantized types expressed in 'f32' and 'f16' (nn_c3)}}
  %0 = qnt.add %x, %y : (tensor<4x!quant.uniform<i8:f32, 0.1>>, tensor<4x!quant.uniform<i8:f16, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @conv2d_c1(%x: tensor<3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{expects rank-4 input (NCHW), weight (OIHW) and result (conv2d_c1)}}
  %0 = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<4x6x6xf32>
  return
}

// -----

func.func @conv2d_c2_strides(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{strides must have 2 positive entries (conv2d_c2)}}
  %0 = qnt.conv2d %x, %w strides = [0, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv2d_c2_pads(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{pads must have 4 non-negative entries [top, left, bottom, right] (conv2d_c2)}}
  %0 = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv2d_c2_dilations(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{dilations must have 2 positive entries (conv2d_c2)}}
  %0 = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, -1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv2d_c3_groups(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{groups must be at least 1 (conv2d_c3)}}
  %0 = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 0 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv2d_c3_output_channels(%x: tensor<1x6x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{output channels (4) are not divisible by groups (3) (conv2d_c3)}}
  %0 = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 3 : (tensor<1x6x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv2d_c3_input_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{input channels (3) must equal weight dim 1 (2) x groups (1) (conv2d_c3)}}
  %0 = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv2d_c4(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{bias must be 1-D with 4 elements (conv2d_c4)}}
  %0 = qnt.conv2d %x, %w, %b strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv2d_c5(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{result shape [1, 4, 8, 8] does not match the expected [1, 4, 4, 4] (conv2d_c5)}}
  %0 = qnt.conv2d %x, %w strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @conv2d_c5_empty(%x: tensor<1x3x2x2xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{the window does not fit the padded input: empty result (conv2d_c5)}}
  %0 = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x2x2xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x0x0xf32>
  return
}

// -----

func.func @conv2d_c6_input(%x: tensor<1x2x4x4x!quant.uniform<u8:f32:1, {0.5, 0.5}>>, %w: tensor<1x2x1x1x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{input must be quantized per tensor (conv2d_c6)}}
  %0 = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x2x4x4x!quant.uniform<u8:f32:1, {0.5, 0.5}>>, tensor<1x2x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x1x4x4x!quant.uniform<i32:f32, 0.125>>
  return
}

// -----

func.func @conv2d_c6_weight_axis(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<1x2x1x1x!quant.uniform<i8:f32:1, {0.25, 0.25}>>) {
  // expected-error @+1 {{weight must be quantized per tensor or along dimension 0, not 1 (conv2d_c6)}}
  %0 = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:128>>, tensor<1x2x1x1x!quant.uniform<i8:f32:1, {0.25, 0.25}>>) -> tensor<1x1x4x4x!quant.uniform<i32:f32, 0.125>>
  return
}

// -----

func.func @conv2d_c6_accumulator_input(%x: tensor<1x2x4x4x!quant.uniform<i32:f32, 0.5>>, %w: tensor<1x2x1x1x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{input must not be a 32-bit accumulator (conv2d_c6)}}
  %0 = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x2x4x4x!quant.uniform<i32:f32, 0.5>>, tensor<1x2x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x1x4x4x!quant.uniform<i32:f32, 0.125>>
  return
}

// -----

func.func @conv2d_acc_c2_bias(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<1x2x1x1x!quant.uniform<i8:f32, 0.25>>, %b: tensor<1x!quant.uniform<i32:f32, 0.5>>) {
  // expected-error @+1 {{bias scale 5.000000e-01 must be input scale x weight scale = 1.250000e-01 (acc_c2)}}
  %0 = qnt.conv2d %x, %w, %b strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:128>>, tensor<1x2x1x1x!quant.uniform<i8:f32, 0.25>>, tensor<1x!quant.uniform<i32:f32, 0.5>>) -> tensor<1x1x4x4x!quant.uniform<i32:f32, 0.125>>
  return
}

// -----

func.func @conv2d_acc_c2_result(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<1x2x1x1x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{result of a quantized product must be the int32 accumulator type !quant.uniform<i32:...> (acc_c2)}}
  %0 = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:128>>, tensor<1x2x1x1x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x1x4x4x!quant.uniform<u8:f32, 0.125>>
  return
}

// -----

func.func @fused_clamp_c1(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{fused_clamp needs min and max with min <= max and no NaN (fused_clamp_c1)}}
  %0 = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 fused_clamp(6.0, 0.0) : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @fused_clamp_c1_half(%a: tensor<1x3xf32>, %b: tensor<2x3xf32>) {
  // expected-error @+1 {{fused_clamp needs min and max with min <= max and no NaN (fused_clamp_c1)}}
  %0 = "qnt.matmul"(%a, %b) <{transpose_rhs, fused_min = 0.0 : f32}> : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x2xf32>
  return
}

// -----

func.func @fused_clamp_c2(%x: tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<3x2x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{on quantized tensors has no fused activation; clamp the requantized result (fused_clamp_c2)}}
  %0 = qnt.matmul %x, %w transpose_rhs fused_clamp(0.0, 6.0) : (tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<3x2x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x3x!quant.uniform<i32:f32, 0.125>>
  return
}

// -----

func.func @matmul_c1(%x: tensor<4xf32>, %w: tensor<4x3xf32>) {
  // expected-error @+1 {{expects operands and result of rank >= 2; reshape vectors to matrices (matmul_c1)}}
  %0 = qnt.matmul %x, %w : (tensor<4xf32>, tensor<4x3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @matmul_c2(%x: tensor<2x4xf32>, %w: tensor<5x3xf32>) {
  // expected-error @+1 {{contraction sizes differ: lhs has 4, rhs has 5 (matmul_c2)}}
  %0 = qnt.matmul %x, %w : (tensor<2x4xf32>, tensor<5x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @matmul_c3_broadcast(%x: tensor<2x2x4xf32>, %w: tensor<3x4x3xf32>) {
  // expected-error @+1 {{batch dims [2] and [3] do not broadcast (matmul_c3)}}
  %0 = qnt.matmul %x, %w : (tensor<2x2x4xf32>, tensor<3x4x3xf32>) -> tensor<2x2x3xf32>
  return
}

// -----

func.func @matmul_c3_shape(%x: tensor<2x4xf32>, %w: tensor<3x4xf32>) {
  // expected-error @+1 {{result shape [2, 4] does not match the expected [2, 3] (matmul_c3)}}
  %0 = qnt.matmul %x, %w transpose_rhs : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @matmul_c4(%x: tensor<2x4xf32>, %w: tensor<4x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{bias must be 1-D with 3 elements (matmul_c4)}}
  %0 = qnt.matmul %x, %w, %b : (tensor<2x4xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @matmul_c5(%x: tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<3x2x!quant.uniform<i8:f32:1, {0.25, 0.25}>>) {
  // expected-error @+1 {{rhs must be quantized per tensor or along dimension 0, not 1 (matmul_c5)}}
  %0 = qnt.matmul %x, %w transpose_rhs : (tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<3x2x!quant.uniform<i8:f32:1, {0.25, 0.25}>>) -> tensor<1x3x!quant.uniform<i32:f32, 0.125>>
  return
}

// -----

func.func @matmul_acc_c2_bias(%x: tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>, %w: tensor<3x2x!quant.uniform<i8:f32, 0.25>>, %b: tensor<3x!quant.uniform<i8:f32, 0.125>>) {
  // expected-error @+1 {{bias of a quantized product must be the int32 accumulator type !quant.uniform<i32:...> (acc_c2)}}
  %0 = qnt.matmul %x, %w, %b transpose_rhs : (tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<3x2x!quant.uniform<i8:f32, 0.25>>, tensor<3x!quant.uniform<i8:f32, 0.125>>) -> tensor<1x3x!quant.uniform<i32:f32, 0.125>>
  return
}

// -----

func.func @batch_norm_c1(%x: tensor<8xf32>, %p: tensor<8xf32>) {
  // expected-error @+1 {{expects an input of rank >= 2 with channels on axis 1 (batch_norm_c1)}}
  %0 = qnt.batch_norm %x, %p, %p, %p, %p epsilon = 1.0e-5 : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @batch_norm_c1_result(%x: tensor<1x8xf32>, %p: tensor<8xf32>) {
  // expected-error @+1 {{result type must equal the input type (batch_norm_c1)}}
  %0 = qnt.batch_norm %x, %p, %p, %p, %p epsilon = 1.0e-5 : (tensor<1x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @batch_norm_c2(%x: tensor<1x8xf32>, %p: tensor<8xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{variance must be 1-D with 8 elements (batch_norm_c2)}}
  %0 = qnt.batch_norm %x, %p, %p, %p, %v epsilon = 1.0e-5 : (tensor<1x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<4xf32>) -> tensor<1x8xf32>
  return
}

// -----

func.func @batch_norm_c3(%x: tensor<1x8xf32>, %p: tensor<8xf32>) {
  // expected-error @+1 {{epsilon must be finite and non-negative (batch_norm_c3)}}
  %0 = qnt.batch_norm %x, %p, %p, %p, %p epsilon = -1.0 : (tensor<1x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8xf32>
  return
}

// -----

func.func @elementwise_c1_broadcast(%x: tensor<2x3xf32>, %y: tensor<4xf32>) {
  // expected-error @+1 {{operand shapes [2, 3] and [4] do not broadcast (elementwise_c1)}}
  %0 = qnt.add %x, %y : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @elementwise_c1_result(%x: tensor<2x3xf32>, %y: tensor<3xf32>) {
  // expected-error @+1 {{result shape [3, 3] does not match the expected [2, 3] (elementwise_c1)}}
  %0 = qnt.mul %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3x3xf32>
  return
}

// -----

func.func @clamp_c1(%x: tensor<4xf32>) {
  // expected-error @+1 {{needs min <= max and no NaN, got [6.000000e+00, 0.000000e+00] (clamp_c1)}}
  %0 = qnt.clamp %x min = 6.0 max = 0.0 : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @clamp_c1_nan(%x: tensor<4xf32>) {
  // expected-error @+1 {{(clamp_c1)}}
  %0 = qnt.clamp %x min = 0x7FC00000 max = 6.0 : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @softmax_c1(%x: tensor<2x10xf32>) {
  // expected-error @+1 {{axis 2 is not in [0, 2) (softmax_c1)}}
  %0 = qnt.softmax %x axis = 2 : tensor<2x10xf32> -> tensor<2x10xf32>
  return
}

// -----

func.func @pool_c1(%x: tensor<8x28x28xf32>) {
  // expected-error @+1 {{expects rank-4 (NCHW) input and result (pool_c1)}}
  %0 = qnt.max_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] : tensor<8x28x28xf32> -> tensor<8x14x14xf32>
  return
}

// -----

func.func @pool_c2(%x: tensor<1x8x28x28xf32>) {
  // expected-error @+1 {{kernel must have 2 positive entries (pool_c2)}}
  %0 = qnt.avg_pool2d %x kernel = [2] strides = [2, 2] pads = [0, 0, 0, 0] : tensor<1x8x28x28xf32> -> tensor<1x8x14x14xf32>
  return
}

// -----

func.func @pool_c3(%x: tensor<1x8x28x28xf32>) {
  // expected-error @+1 {{pads [2, 0, 0, 0] must be smaller than the window extent 2 (pool_c3)}}
  %0 = qnt.max_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [2, 0, 0, 0] dilations = [1, 1] : tensor<1x8x28x28xf32> -> tensor<1x8x15x14xf32>
  return
}

// -----

func.func @pool_c4(%x: tensor<1x8x28x28xf32>) {
  // expected-error @+1 {{result shape [1, 8, 28, 28] does not match the expected [1, 8, 14, 14] (pool_c4)}}
  %0 = qnt.avg_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] : tensor<1x8x28x28xf32> -> tensor<1x8x28x28xf32>
  return
}

// -----

func.func @pool_c4_empty(%x: tensor<1x8x1x1xf32>) {
  // expected-error @+1 {{the window does not fit the padded input: empty result (pool_c4)}}
  %0 = qnt.avg_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] : tensor<1x8x1x1xf32> -> tensor<1x8x0x0xf32>
  return
}

// -----

func.func @max_pool2d_c1(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:128>>) {
  // expected-error @+1 {{result element type must equal the input's (max_pool2d_c1)}}
  %0 = qnt.max_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] : tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:128>> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25:128>>
  return
}

// -----

func.func @global_avg_pool_c1_rank(%x: tensor<1x8xf32>) {
  // expected-error @+1 {{expects an input of rank >= 3, N x C x spatial... (global_avg_pool_c1)}}
  %0 = qnt.global_avg_pool %x : tensor<1x8xf32> -> tensor<1x8xf32>
  return
}

// -----

func.func @global_avg_pool_c1_shape(%x: tensor<1x8x7x7xf32>) {
  // expected-error @+1 {{result shape [1, 8, 7, 1] does not match the expected [1, 8, 1, 1] (global_avg_pool_c1)}}
  %0 = qnt.global_avg_pool %x : tensor<1x8x7x7xf32> -> tensor<1x8x7x1xf32>
  return
}

// -----

func.func @concat_c1_empty() {
  // expected-error @+1 {{needs at least one input (concat_c1)}}
  %0 = qnt.concat axis = 0 : () -> tensor<0xf32>
  return
}

// -----

func.func @concat_c1_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 is not in [0, 2) (concat_c1)}}
  %0 = qnt.concat %x, %x axis = 2 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_c1_rank(%x: tensor<2x3xf32>, %y: tensor<6xf32>) {
  // expected-error @+1 {{inputs and result must have one rank (concat_c1)}}
  %0 = qnt.concat %x, %y axis = 1 : (tensor<2x3xf32>, tensor<6xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_c2_other_dims(%x: tensor<2x3xf32>, %y: tensor<3x3xf32>) {
  // expected-error @+1 {{input shape [3, 3] differs from the result outside axis 1 (concat_c2)}}
  %0 = qnt.concat %x, %y axis = 1 : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @concat_c2_sum(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{result shape [2, 7] does not match the expected [2, 6] (concat_c2)}}
  %0 = qnt.concat %x, %x axis = 1 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x7xf32>
  return
}

// -----

func.func @concat_c3(%x: tensor<2x!quant.uniform<i8:f32, 0.5>>, %y: tensor<2x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{inputs and result must have one element type, got '!quant.uniform<i8:f32, 2.500000e-01>' and '!quant.uniform<i8:f32, 5.000000e-01>' (concat_c3)}}
  %0 = qnt.concat %x, %y axis = 0 : (tensor<2x!quant.uniform<i8:f32, 0.5>>, tensor<2x!quant.uniform<i8:f32, 0.25>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @reshape_c1_count(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{cannot reshape 6 elements into 8 (reshape_c1)}}
  %0 = qnt.reshape %x : tensor<2x3xf32> -> tensor<8xf32>
  return
}

// -----

func.func @reshape_c1_element(%x: tensor<2x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{result element type must equal the input's (reshape_c1)}}
  %0 = qnt.reshape %x : tensor<2x!quant.uniform<i8:f32, 0.5>> -> tensor<1x2x!quant.uniform<i8:f32, 0.25>>
  return
}

// -----

func.func @reshape_c2(%x: tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>) {
  // expected-error @+1 {{cannot move a per-axis quantized tensor (reshape_c2)}}
  %0 = qnt.reshape %x : tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<2x1x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  return
}

// -----

func.func @transpose_c1(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{permutation [0, 0] is not a permutation of [0, 2) (transpose_c1)}}
  %0 = qnt.transpose %x permutation = [0, 0] : tensor<2x3xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @transpose_c1_length(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{permutation [1] is not a permutation of [0, 2) (transpose_c1)}}
  %0 = qnt.transpose %x permutation = [1] : tensor<2x3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @transpose_c2(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{result shape [2, 3] does not match the expected [3, 2] (transpose_c2)}}
  %0 = qnt.transpose %x permutation = [1, 0] : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @transpose_c3(%x: tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>) {
  // expected-error @+1 {{cannot move a per-axis quantized tensor (transpose_c3)}}
  %0 = qnt.transpose %x permutation = [1, 0] : tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  return
}

// -----

func.func @quantize_c1(%x: tensor<4xf16>) {
  // expected-error @+1 {{result is expressed in 'f32' but the input is 'f16' (quantize_c1)}}
  %0 = qnt.quantize %x : tensor<4xf16> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @quantize_storage(%x: tensor<4xf32>) {
  // expected-error @+1 {{result has 32-bit storage, which only conv2d/matmul accumulators may have; activations and weights have 2 to 16 bits (qtype_c3)}}
  %0 = qnt.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i32:f32, 0.5>>
  return
}

// -----

func.func @dequantize_c1(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{result must have the input's expressed type 'f32' (dequantize_c1)}}
  %0 = qnt.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4xf16>
  return
}

// -----

func.func @requantize_c1(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{input and result expressed types differ: 'f32' vs 'f16' (requantize_c1)}}
  %0 = qnt.requantize %x rounding = <half_to_even> : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f16, 0.5>>
  return
}

// -----

func.func @requantize_c2(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{result must have 2 to 16 bit storage, not a 32-bit accumulator (requantize_c2)}}
  %0 = qnt.requantize %x rounding = <half_to_even> : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i32:f32, 0.5>>
  return
}

// -----

func.func @requantize_rounding(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+2 {{expected ::mlir::qnt::RoundingMode to be one of: half_to_even, single_round, double_round}}
  // expected-error @+1 {{failed to parse Qnt_RoundingModeAttr parameter 'value'}}
  %0 = qnt.requantize %x rounding = <truncate> : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0.25>>
  return
}

// -----

func.func @fake_quant_c1(%x: tensor<4xf32>) {
  // expected-error @+1 {{num_bits 1 is not in [2, 16] (fake_quant_c1)}}
  %0 = qnt.fake_quant %x bits = 1 : tensor<4xf32>
  return
}

// -----

func.func @fake_quant_c2_together(%x: tensor<4xf32>) {
  // expected-error @+1 {{scale and zero_point must be given together (fake_quant_c2)}}
  %0 = qnt.fake_quant %x bits = 8 scale = [0.1] : tensor<4xf32>
  return
}

// -----

func.func @fake_quant_c2_length(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{has 2 scales but 1 zero points (fake_quant_c2)}}
  %0 = qnt.fake_quant %x bits = 8 axis = 0 scale = [0.1, 0.2] zero_point = [0] : tensor<2x4xf32>
  return
}

// -----

func.func @fake_quant_c3_axis(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{axis 2 is not in [0, 2) (fake_quant_c3)}}
  %0 = qnt.fake_quant %x bits = 8 axis = 2 : tensor<2x4xf32>
  return
}

// -----

func.func @fake_quant_c3_per_axis(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{has 2 scales for dimension 1 of size 4 (fake_quant_c3)}}
  %0 = qnt.fake_quant %x bits = 8 axis = 1 scale = [0.1, 0.2] zero_point = [0, 0] : tensor<2x4xf32>
  return
}

// -----

func.func @fake_quant_c3_per_tensor(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{is per tensor (no axis) but has 2 scales (fake_quant_c3)}}
  %0 = qnt.fake_quant %x bits = 8 scale = [0.1, 0.2] zero_point = [0, 0] : tensor<2x4xf32>
  return
}

// -----

func.func @fake_quant_c4(%x: tensor<4xf32>) {
  // expected-error @+1 {{scale 0.000000e+00 must be positive and finite (fake_quant_c4)}}
  %0 = qnt.fake_quant %x bits = 8 scale = [0.0] zero_point = [0] : tensor<4xf32>
  return
}

// -----

func.func @fake_quant_c4_inf(%x: tensor<4xf32>) {
  // expected-error @+1 {{must be positive and finite (fake_quant_c4)}}
  %0 = qnt.fake_quant %x bits = 8 scale = [0x7FF0000000000000] zero_point = [0] : tensor<4xf32>
  return
}

// -----

func.func @fake_quant_c5(%x: tensor<4xf32>) {
  // expected-error @+1 {{zero point -1 is outside the grid [0, 255] (fake_quant_c5)}}
  %0 = qnt.fake_quant %x bits = 8 scale = [0.1] zero_point = [-1] : tensor<4xf32>
  return
}

// -----

func.func @fake_quant_c5_narrow(%x: tensor<4xf32>) {
  // expected-error @+1 {{zero point -8 is outside the grid [-7, 7] (fake_quant_c5)}}
  %0 = qnt.fake_quant %x bits = 4 signed narrow_range scale = [0.1] zero_point = [-8] : tensor<4xf32>
  return
}

// -----

func.func @fake_quant_c6(%x: tensor<4xf32>) {
  // expected-error @+1 {{is symmetric, so every zero point must be 0 (fake_quant_c6)}}
  %0 = qnt.fake_quant %x bits = 8 signed symmetric scale = [0.1] zero_point = [3] : tensor<4xf32>
  return
}

// -----

func.func @assume_range_c1(%x: tensor<4xf32>) {
  // expected-error @+1 {{needs finite min <= max, got [1.000000e+00, 0.000000e+00] (assume_range_c1)}}
  %0 = qnt.assume_range %x min = 1.0 max = 0.0 : tensor<4xf32>
  return
}

// -----

func.func @stats_c1_range(%x: tensor<4xf32>) {
  // expected-error @+1 {{needs finite min <= max, got [0.000000e+00, INF] (stats_c1)}}
  %0 = qnt.stats %x min = 0.0 max = 0x7FF0000000000000 count = 4 : tensor<4xf32>
  return
}

// -----

func.func @stats_c1_count(%x: tensor<4xf32>) {
  // expected-error @+1 {{count must be at least 1 (stats_c1)}}
  %0 = qnt.stats %x min = 0.0 max = 1.0 count = 0 : tensor<4xf32>
  return
}

// -----

func.func @stats_c2_sum(%x: tensor<4xf32>) {
  // expected-error @+1 {{histogram has 2 bins holding 3 elements, but count is 4 (stats_c2)}}
  %0 = qnt.stats %x min = 0.0 max = 1.0 count = 4 histogram = [1, 2] : tensor<4xf32>
  return
}

// -----

func.func @stats_c2_negative(%x: tensor<4xf32>) {
  // expected-error @+1 {{histogram counts must be non-negative (stats_c2)}}
  %0 = qnt.stats %x min = 0.0 max = 1.0 count = 4 histogram = [5, -1] : tensor<4xf32>
  return
}

// -----

func.func @stats_c3_axis_missing(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{per-channel statistics need channel_axis (stats_c3)}}
  %0 = qnt.stats %x min = 0.0 max = 1.0 count = 2 channel_mean = [0.5, 0.5] : tensor<1x2xf32>
  return
}

// -----

func.func @stats_c3_axis_range(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{channel_axis 2 is not in [0, 2) (stats_c3)}}
  %0 = qnt.stats %x min = 0.0 max = 1.0 count = 2 channel_axis = 2 : tensor<1x2xf32>
  return
}

// -----

func.func @stats_c3_length(%x: tensor<1x2xf32>) {
  // expected-error @+1 {{per-channel statistics have 3 entries for 2 channels (stats_c3)}}
  %0 = qnt.stats %x min = 0.0 max = 1.0 count = 2 channel_axis = 1 channel_max = [1.0, 1.0, 1.0] : tensor<1x2xf32>
  return
}

// -----

func.func @stats_c4_rank(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{samples must be a non-empty rows x classes tensor, got 'tensor<6xf32>' (stats_c4)}}
  %0 = qnt.stats %x min = 0.0 max = 1.0 count = 6 samples = dense<0.5> : tensor<6xf32> : tensor<2x3xf32>
  return
}

// -----

func.func @stats_c4_classes(%x: tensor<?x3xf32>) {
  // expected-error @+1 {{samples have rows of 2 values, but the input's last dim is 3 (stats_c4)}}
  %0 = qnt.stats %x min = 0.0 max = 1.0 count = 6 samples = dense<0.5> : tensor<3x2xf32> : tensor<?x3xf32>
  return
}

// -----

func.func @stats_c4_count(%x: tensor<?x3xf32>) {
  // expected-error @+1 {{samples hold 9 values, more than count 6 (stats_c4)}}
  %0 = qnt.stats %x min = 0.0 max = 1.0 count = 6 samples = dense<0.5> : tensor<3x3xf32> : tensor<?x3xf32>
  return
}

// -----

func.func @stats_c4_range(%x: tensor<?x3xf32>) {
  // expected-error @+1 {{sample 1, class 2 is 1.500000e+00, outside [min, max] (stats_c4)}}
  %0 = qnt.stats %x min = 0.0 max = 1.0 count = 6 samples = dense<[[0.0, 0.5, 1.0], [1.0, 0.0, 1.5]]> : tensor<2x3xf32> : tensor<?x3xf32>
  return
}

// -----

func.func @stats_c4_nan(%x: tensor<?x3xf32>) {
  // expected-error @+1 {{sample 0, class 1 is nan, outside [min, max] (stats_c4)}}
  %0 = qnt.stats %x min = 0.0 max = 1.0 count = 3 samples = dense<[[0.0, 0x7FC00000, 1.0]]> : tensor<1x3xf32> : tensor<?x3xf32>
  return
}

// -----

func.func @stats_c4_scalar(%x: tensor<f32>) {
  // expected-error @+1 {{samples need an input of rank >= 1 (stats_c4)}}
  %0 = qnt.stats %x min = 0.0 max = 1.0 count = 1 samples = dense<0.5> : tensor<1x1xf32> : tensor<f32>
  return
}

// -----

func.func @layer_norm_c1(%x: tensor<1x4x8xf32>, %g: tensor<8xf32>) {
  // expected-error @+1 {{axis 3 is not in [0, 3) (layer_norm_c1)}}
  %0 = qnt.layer_norm %x, %g axis = 3 epsilon = 1.0e-5 : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
  return
}

// -----

func.func @layer_norm_c2(%x: tensor<1x4x8xf32>, %g: tensor<8xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{bias shape [4] does not match the expected [8] (layer_norm_c2)}}
  %0 = qnt.layer_norm %x, %g, %b axis = 2 epsilon = 1.0e-5 : (tensor<1x4x8xf32>, tensor<8xf32>, tensor<4xf32>) -> tensor<1x4x8xf32>
  return
}

// -----

func.func @layer_norm_c3_epsilon(%x: tensor<1x4x8xf32>, %g: tensor<8xf32>) {
  // expected-error @+1 {{epsilon must be finite and non-negative (layer_norm_c3)}}
  %0 = qnt.layer_norm %x, %g axis = 2 epsilon = 0x7F800000 : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
  return
}

// -----

func.func @layer_norm_c3_shape(%x: tensor<1x4x8xf32>, %g: tensor<8xf32>) {
  // expected-error @+1 {{result shape must equal the input shape (layer_norm_c3)}}
  %0 = qnt.layer_norm %x, %g axis = 2 epsilon = 1.0e-5 : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @reduce_mean_c1(%x: tensor<1x4x8xf32>) {
  // expected-error @+1 {{axes [2, 1] must be sorted, distinct and in [0, 3) (reduce_mean_c1)}}
  %0 = qnt.reduce_mean %x axes = [2, 1] : tensor<1x4x8xf32> -> tensor<1xf32>
  return
}

// -----

func.func @reduce_mean_c2(%x: tensor<1x4x8xf32>) {
  // expected-error @+1 {{result shape [1, 8] does not match the expected [1, 1, 8] (reduce_mean_c2)}}
  %0 = qnt.reduce_mean %x axes = [1] keep_dims : tensor<1x4x8xf32> -> tensor<1x8xf32>
  return
}

// -----

func.func @slice_c1_rank(%x: tensor<1x4x8xf32>) {
  // expected-error @+1 {{needs 3 offsets and strides and a result of rank 3 (slice_c1)}}
  %0 = qnt.slice %x offsets = [0, 0] strides = [1, 1] : tensor<1x4x8xf32> -> tensor<1x4x8xf32>
  return
}

// -----

func.func @slice_c1_stride(%x: tensor<1x4x8xf32>) {
  // expected-error @+1 {{offsets [0, 0, 0] must be non-negative and strides [1, 0, 1] positive (slice_c1)}}
  %0 = qnt.slice %x offsets = [0, 0, 0] strides = [1, 0, 1] : tensor<1x4x8xf32> -> tensor<1x4x8xf32>
  return
}

// -----

func.func @slice_c2(%x: tensor<1x4x8xf32>) {
  // expected-error @+1 {{window of size 3 at offset 1 with stride 2 leaves dimension 1 of size 4 (slice_c2)}}
  %0 = qnt.slice %x offsets = [0, 1, 0] strides = [1, 2, 1] : tensor<1x4x8xf32> -> tensor<1x3x8xf32>
  return
}

// -----

func.func @slice_c3_grid(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{result element type must equal the input's (slice_c3)}}
  %0 = qnt.slice %x offsets = [0] strides = [1] : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<2x!quant.uniform<i8:f32, 0.25>>
  return
}

// -----

func.func @slice_c3_per_axis(%x: tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>) {
  // expected-error @+1 {{cannot slice a per-axis quantized tensor (slice_c3)}}
  %0 = qnt.slice %x offsets = [0] strides = [1] : tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  return
}

// -----

// An ODS type constraint: only uniform (per-tensor or per-axis) quantized
// element types are qnt operands.
func.func @ods_operand_type(%x: tensor<4x!quant.any<i8:f32>>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point or uniform quantized type (per-tensor or per-axis) values}}
  %0 = qnt.relu %x : tensor<4x!quant.any<i8:f32>> -> tensor<4x!quant.any<i8:f32>>
  return
}

// -----

// An ODS type constraint: division is float only.
func.func @ods_div_float_only(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = qnt.div %x, %x : (tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

func.func @dot_intrinsic_c1(%acc: vector<16xi32>, %a: vector<64xi8>) -> vector<16xi32> {
  // expected-error @+1 {{'qnt.dot_intrinsic' op unknown dot-product intrinsic 'llvm.x86.avx512.vpdpbusds.512' (dot_intrinsic_c1)}}
  %r = qnt.dot_intrinsic "llvm.x86.avx512.vpdpbusds.512"(%acc, %a, %a) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
  return %r : vector<16xi32>
}

// -----

func.func @dot_intrinsic_c2(%acc: vector<8xi32>, %a: vector<32xi8>) -> vector<8xi32> {
  // expected-error @+1 {{'qnt.dot_intrinsic' op 'llvm.x86.avx512.vpdpbusd.512' takes (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32> (dot_intrinsic_c2)}}
  %r = qnt.dot_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%acc, %a, %a) : (vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32>
  return %r : vector<8xi32>
}
