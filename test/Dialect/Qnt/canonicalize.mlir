// Folds and canonicalization patterns of qnt ops; each is exact.
// RUN: quant-opt %s -canonicalize -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @reshape_identity
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @reshape_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = qnt.reshape %x : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_compose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: %[[R:.*]] = qnt.reshape %[[X]] : tensor<2x3xf32> -> tensor<3x2xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_compose(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %0 = qnt.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  %1 = qnt.reshape %0 : tensor<6xf32> -> tensor<3x2xf32>
  return %1 : tensor<3x2xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_identity
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @transpose_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = qnt.transpose %x permutation = [0, 1] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// transpose(transpose(x, [1, 2, 0]), [1, 2, 0]) = transpose(x, [2, 0, 1]).
// CHECK-LABEL: func.func @transpose_compose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[T:.*]] = qnt.transpose %[[X]] permutation = [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
// CHECK-NEXT: return %[[T]]
func.func @transpose_compose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = qnt.transpose %x permutation = [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %1 = qnt.transpose %0 permutation = [1, 2, 0] : tensor<3x4x2xf32> -> tensor<4x2x3xf32>
  return %1 : tensor<4x2x3xf32>
}

// -----

// A transpose and its inverse cancel.
// CHECK-LABEL: func.func @transpose_inverse
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @transpose_inverse(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = qnt.transpose %x permutation = [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %1 = qnt.transpose %0 permutation = [2, 0, 1] : tensor<3x4x2xf32> -> tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}

// -----

!q = !quant.uniform<i8:f32, 5.000000e-01:-1>

// CHECK-LABEL: func.func @quantize_dequantize
// CHECK-SAME: (%[[Q:.*]]: tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-1>>)
// CHECK-NEXT: return %[[Q]]
func.func @quantize_dequantize(%q: tensor<4x!q>) -> tensor<4x!q> {
  %0 = qnt.dequantize %q : tensor<4x!q> -> tensor<4xf32>
  %1 = qnt.quantize %0 : tensor<4xf32> -> tensor<4x!q>
  return %1 : tensor<4x!q>
}

// -----

// Quantizing to another grid loses information: no fold.
// CHECK-LABEL: func.func @negative_quantize_dequantize_other_grid
// CHECK: qnt.dequantize
// CHECK: qnt.quantize
func.func @negative_quantize_dequantize_other_grid(%q: tensor<4x!quant.uniform<i8:f32, 0.5:-1>>)
    -> tensor<4x!quant.uniform<i8:f32, 0.25:-1>> {
  %0 = qnt.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-1>> -> tensor<4xf32>
  %1 = qnt.quantize %0 : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.25:-1>>
  return %1 : tensor<4x!quant.uniform<i8:f32, 0.25:-1>>
}

// -----

// dequantize(quantize(x)) is the lossy quantization simulation: no fold.
// CHECK-LABEL: func.func @negative_dequantize_quantize
// CHECK: qnt.quantize
// CHECK: qnt.dequantize
func.func @negative_dequantize_quantize(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = qnt.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:-1>>
  %1 = qnt.dequantize %0 : tensor<4x!quant.uniform<i8:f32, 0.5:-1>> -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @requantize_same_grid
// CHECK-SAME: (%[[Q:.*]]: tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-1>>)
// CHECK-NEXT: return %[[Q]]
func.func @requantize_same_grid(%q: tensor<4x!quant.uniform<i8:f32, 0.5:-1>>) -> tensor<4x!quant.uniform<i8:f32, 0.5:-1>> {
  %0 = qnt.requantize %q rounding = <double_round> : tensor<4x!quant.uniform<i8:f32, 0.5:-1>> -> tensor<4x!quant.uniform<i8:f32, 0.5:-1>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.5:-1>>
}

// -----

// CHECK-LABEL: func.func @negative_requantize_other_grid
// CHECK: qnt.requantize
func.func @negative_requantize_other_grid(%q: tensor<4x!quant.uniform<i8:f32, 0.5:-1>>) -> tensor<4x!quant.uniform<i8:f32, 0.5:0>> {
  %0 = qnt.requantize %q rounding = <double_round> : tensor<4x!quant.uniform<i8:f32, 0.5:-1>> -> tensor<4x!quant.uniform<i8:f32, 0.5:0>>
  return %0 : tensor<4x!quant.uniform<i8:f32, 0.5:0>>
}

// -----

// CHECK-LABEL: func.func @relu_relu
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[R:.*]] = qnt.relu %[[X]]
// CHECK-NEXT: return %[[R]]
func.func @relu_relu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = qnt.relu %x : tensor<4xf32> -> tensor<4xf32>
  %1 = qnt.relu %0 : tensor<4xf32> -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// An unused NN op is dead code (the ops are Pure).
// CHECK-LABEL: func.func @dead_conv
// CHECK-NOT: qnt.conv2d
// CHECK: return
func.func @dead_conv(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  %0 = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// CHECK-LABEL: func.func @slice_identity
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @slice_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = qnt.slice %x offsets = [0, 0] strides = [1, 1] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @negative_slice_window
// CHECK: qnt.slice
func.func @negative_slice_window(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %0 = qnt.slice %x offsets = [0, 1] strides = [1, 1] : tensor<2x3xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
