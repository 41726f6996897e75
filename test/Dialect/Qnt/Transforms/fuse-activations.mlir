// RUN: quant-opt %s -split-input-file -qnt-fuse-activations | FileCheck %s

// CHECK-LABEL: func.func @relu6
// CHECK: %[[C:.*]] = qnt.conv2d {{.*}} fused_clamp(0.000000e+00, 6.000000e+00)
// CHECK-NOT: qnt.clamp
// CHECK: return %[[C]]
func.func @relu6(%x: tensor<?x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<?x2x2x2xf32> {
  %c = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<?x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<?x2x2x2xf32>
  %r = qnt.clamp %c min = 0.0 max = 6.0 : tensor<?x2x2x2xf32> -> tensor<?x2x2x2xf32>
  return %r : tensor<?x2x2x2xf32>
}

// -----

// ReLU is (0, +inf); a second activation narrows the range.
// CHECK-LABEL: func.func @relu_then_clamp
// CHECK: %[[M:.*]] = qnt.matmul {{.*}} fused_clamp(0.000000e+00, 4.000000e+00)
// CHECK-NOT: qnt.relu
// CHECK-NOT: qnt.clamp
// CHECK: return %[[M]]
func.func @relu_then_clamp(%x: tensor<?x3xf32>, %w: tensor<2x3xf32>) -> tensor<?x2xf32> {
  %m = qnt.matmul %x, %w transpose_rhs : (tensor<?x3xf32>, tensor<2x3xf32>) -> tensor<?x2xf32>
  %r = qnt.relu %m : tensor<?x2xf32> -> tensor<?x2xf32>
  %c = qnt.clamp %r min = -1.0 max = 4.0 : tensor<?x2xf32> -> tensor<?x2xf32>
  return %c : tensor<?x2xf32>
}

// -----

// CHECK-LABEL: func.func @relu
// CHECK: qnt.conv2d {{.*}} fused_clamp(0.000000e+00, 0x7F800000)
func.func @relu(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %c = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32>
  %r = qnt.relu %c : tensor<1x2x2x2xf32> -> tensor<1x2x2x2xf32>
  return %r : tensor<1x2x2x2xf32>
}

// -----

// The layer's output is also used unactivated (a residual): no fusion.
// CHECK-LABEL: func.func @negative_shared
// CHECK: qnt.relu
func.func @negative_shared(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x1x1xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>) {
  %c = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
  %r = qnt.relu %c : tensor<1x1x4x4xf32> -> tensor<1x1x4x4xf32>
  return %c, %r : tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>
}

// -----

// An activation after something else (a residual add) stays.
// CHECK-LABEL: func.func @negative_add
// CHECK: qnt.relu
func.func @negative_add(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = qnt.add %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %r = qnt.relu %a : tensor<4xf32> -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Disjoint clamps stay explicit.
// CHECK-LABEL: func.func @negative_disjoint
// CHECK: qnt.matmul {{.*}} fused_clamp(0.000000e+00, 1.000000e+00)
// CHECK: qnt.clamp {{.*}} min = 2.000000e+00 max = 3.000000e+00
func.func @negative_disjoint(%x: tensor<?x3xf32>, %w: tensor<2x3xf32>) -> tensor<?x2xf32> {
  %m = qnt.matmul %x, %w transpose_rhs fused_clamp(0.0, 1.0) : (tensor<?x3xf32>, tensor<2x3xf32>) -> tensor<?x2xf32>
  %c = qnt.clamp %m min = 2.0 max = 3.0 : tensor<?x2xf32> -> tensor<?x2xf32>
  return %c : tensor<?x2xf32>
}
