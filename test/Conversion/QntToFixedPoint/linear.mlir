// RUN: quant-opt %s --split-input-file --convert-qnt-to-fixed-point | FileCheck %s

// Asymmetric u8 input (z_x = 3), symmetric i8 weights: the zero-point term
// -z_x * sum(w) of each output channel is folded into the int32 bias at
// compile time. The input is padded with z_x; the body is u8 x i8 -> i32.
// Channel 0: 10 - 3 * (1 + 2 - 1 + 0) = 4; channel 1: -20 - 3 * (-4) = -8.

!x = !quant.uniform<u8:f32, 0.5:3>
!w = !quant.uniform<i8<-127:127>:f32:0, {0.25, 0.125}>
!acc = !quant.uniform<i32:f32:1, {0.125, 0.0625}>
!bias = !quant.uniform<i32:f32:0, {0.125, 0.0625}>

// CHECK-LABEL: func.func @conv_folded
// CHECK-SAME: (%[[X:.*]]: tensor<?x1x3x3xi8>) -> tensor<?x2x3x3xi32>
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}1, 2], [-1, 0]]], {{\[\[\[}}-3, 0], [-1, 0]]]]> : tensor<2x1x2x2xi8>
// CHECK-DAG: %[[ZX:.*]] = arith.constant 3 : i8
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 0, 0]
// CHECK: tensor.yield %[[ZX]] : i8
// CHECK: %[[B:.*]] = arith.constant dense<[4, -8]> : tensor<2xi32>
// CHECK: linalg.generic {{.*}} ins(%[[B]] : tensor<2xi32>)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]
// CHECK-SAME: ins(%[[P]], %[[W]] : tensor<?x1x4x4xi8>, tensor<2x1x2x2xi8>)
// CHECK: ^bb0(%[[A:.*]]: i8, %[[B2:.*]]: i8, %[[ACC:.*]]: i32):
// CHECK-NEXT: %[[XA:.*]] = arith.extui %[[A]] : i8 to i32
// CHECK-NEXT: %[[WB:.*]] = arith.extsi %[[B2]] : i8 to i32
// CHECK-NEXT: %[[M:.*]] = arith.muli %[[XA]], %[[WB]] : i32
// CHECK-NEXT: arith.addi %[[ACC]], %[[M]] : i32
func.func @conv_folded(%x: tensor<?x1x3x3x!x>) -> tensor<?x2x3x3x!acc> {
  %wi = arith.constant dense<[[[[1, 2], [-1, 0]]], [[[-3, 0], [-1, 0]]]]> : tensor<2x1x2x2xi8>
  %w = quant.scast %wi : tensor<2x1x2x2xi8> to tensor<2x1x2x2x!w>
  %bi = arith.constant dense<[10, -20]> : tensor<2xi32>
  %b = quant.scast %bi : tensor<2xi32> to tensor<2x!bias>
  %acc = qnt.conv2d %x, %w, %b strides = [1, 1] pads = [1, 1, 0, 0] dilations = [1, 1] groups = 1
         : (tensor<?x1x3x3x!x>, tensor<2x1x2x2x!w>, tensor<2x!bias>) -> tensor<?x2x3x3x!acc>
  return %acc : tensor<?x2x3x3x!acc>
}

// -----

// Asymmetric weights (z_w = 128, u8): w' = q_w - z_w is a new i8 constant
// and -z_x * sum(w') is folded: 0 - 5 * ((130 - 128) + (120 - 128)) = 30.

!x = !quant.uniform<u8:f32, 0.5:5>
!w = !quant.uniform<u8:f32, 0.25:128>
!acc = !quant.uniform<i32:f32, 0.125>

// CHECK-LABEL: func.func @matmul_asymmetric_weights
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}2], [-8]]> : tensor<2x1xi8>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<30> : tensor<1xi32>
// CHECK: linalg.generic {{.*}} ins(%[[B]] : tensor<1xi32>)
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK-NEXT: arith.extsi %{{.*}} : i8 to i32
func.func @matmul_asymmetric_weights(%x: tensor<?x2x!x>) -> tensor<?x1x!acc> {
  %wi = arith.constant dense<[[130], [120]]> : tensor<2x1xi8>
  %w = quant.scast %wi : tensor<2x1xi8> to tensor<2x1x!w>
  %acc = qnt.matmul %x, %w : (tensor<?x2x!x>, tensor<2x1x!w>) -> tensor<?x1x!acc>
  return %acc : tensor<?x1x!acc>
}

// -----

// A transposed constant weight (N x K) is laid out K x N at compile time.

!x = !quant.uniform<i8:f32, 0.5>
!w = !quant.uniform<i8:f32:0, {0.25, 0.5, 0.125}>
!acc = !quant.uniform<i32:f32:1, {0.125, 0.25, 0.0625}>

// CHECK-LABEL: func.func @matmul_transposed_weight
// CHECK: arith.constant dense<{{\[\[}}1, 3, 5], [2, 4, 6]]> : tensor<2x3xi8>
// CHECK-NOT: linalg.transpose
func.func @matmul_transposed_weight(%x: tensor<?x2x!x>) -> tensor<?x3x!acc> {
  %wi = arith.constant dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>
  %w = quant.scast %wi : tensor<3x2xi8> to tensor<3x2x!w>
  %acc = qnt.matmul %x, %w transpose_rhs : (tensor<?x2x!x>, tensor<3x2x!w>) -> tensor<?x3x!acc>
  return %acc : tensor<?x3x!acc>
}

// -----

// Activation x activation (attention scores): nothing is constant, both
// zero points are subtracted in the body: (q_a - z_a) * (q_b - z_b).

!a = !quant.uniform<u8:f32, 0.5:128>
!b = !quant.uniform<i8:f32, 0.25:-3>
!acc = !quant.uniform<i32:f32, 0.125>

// CHECK-LABEL: func.func @matmul_activations
// CHECK-DAG: %[[ZB:.*]] = arith.constant -3 : i32
// CHECK: ^bb0(%[[Q:.*]]: i8, %{{.*}}: i32):
// CHECK-NEXT: %[[E:.*]] = arith.extsi %[[Q]] : i8 to i32
// CHECK-NEXT: arith.subi %[[E]], %[[ZB]] : i32
// CHECK-DAG: %[[ZA:.*]] = arith.constant 128 : i32
// CHECK: ^bb0(%[[X:.*]]: i8, %[[Y:.*]]: i32, %[[ACC:.*]]: i32):
// CHECK-NEXT: %[[XE:.*]] = arith.extui %[[X]] : i8 to i32
// CHECK-NEXT: %[[XC:.*]] = arith.subi %[[XE]], %[[ZA]] : i32
// CHECK-NEXT: %[[P:.*]] = arith.muli %[[XC]], %[[Y]] : i32
// CHECK-NEXT: arith.addi %[[ACC]], %[[P]] : i32
func.func @matmul_activations(%a: tensor<?x2x5x8x!a>, %b: tensor<?x2x8x5x!b>) -> tensor<?x2x5x5x!acc> {
  %acc = qnt.matmul %a, %b : (tensor<?x2x5x8x!a>, tensor<?x2x8x5x!b>) -> tensor<?x2x5x5x!acc>
  return %acc : tensor<?x2x5x5x!acc>
}

// -----

// Depthwise: the weight is C x 1 x kH x kW, (n, c, kh, kw, oh, ow) loops.

!x = !quant.uniform<u8:f32, 0.5>
!w = !quant.uniform<i8:f32, 0.25>
!acc = !quant.uniform<i32:f32, 0.125>

// CHECK-LABEL: func.func @depthwise
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]
func.func @depthwise(%x: tensor<1x3x4x4x!x>, %wi: tensor<3x1x3x3xi8>) -> tensor<1x3x2x2x!acc> {
  %w = quant.scast %wi : tensor<3x1x3x3xi8> to tensor<3x1x3x3x!w>
  %acc = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 3
         : (tensor<1x3x4x4x!x>, tensor<3x1x3x3x!w>) -> tensor<1x3x2x2x!acc>
  return %acc : tensor<1x3x2x2x!acc>
}
