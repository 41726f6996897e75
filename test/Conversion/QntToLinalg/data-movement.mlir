// RUN: quant-opt %s -split-input-file -convert-qnt-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @concat
// CHECK: tensor.concat dim(1) %{{.*}}, %{{.*}} : (tensor<?x8x4x4xf32>, tensor<?x4x4x4xf32>) -> tensor<?x12x4x4xf32>
func.func @concat(%a: tensor<?x8x4x4xf32>, %b: tensor<?x4x4x4xf32>) -> tensor<?x12x4x4xf32> {
  %0 = qnt.concat %a, %b axis = 1 : (tensor<?x8x4x4xf32>, tensor<?x4x4x4xf32>) -> tensor<?x12x4x4xf32>
  return %0 : tensor<?x12x4x4xf32>
}

// -----

// A flatten with a dynamic batch dim collapses.
// CHECK-LABEL: func.func @flatten
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<?x64x1x1xf32> into tensor<?x64xf32>
func.func @flatten(%x: tensor<?x64x1x1xf32>) -> tensor<?x64xf32> {
  %0 = qnt.reshape %x : tensor<?x64x1x1xf32> -> tensor<?x64xf32>
  return %0 : tensor<?x64xf32>
}

// -----

// A reshape that regroups dims uses tensor.reshape with a computed shape.
// CHECK-LABEL: func.func @regroup
// CHECK: %[[SHAPE:.*]] = tensor.from_elements %{{.*}}, %{{.*}} : tensor<2xi64>
// CHECK: tensor.reshape %{{.*}}(%[[SHAPE]]) : (tensor<?x6x4xf32>, tensor<2xi64>) -> tensor<?x8xf32>
func.func @regroup(%x: tensor<?x6x4xf32>) -> tensor<?x8xf32> {
  %0 = qnt.reshape %x : tensor<?x6x4xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// CHECK-LABEL: func.func @transpose
// CHECK: linalg.transpose ins(%{{.*}} : tensor<?x12x4x4xf32>) outs(%{{.*}} : tensor<?x4x4x12xf32>) permutation = [0, 2, 3, 1]
func.func @transpose(%x: tensor<?x12x4x4xf32>) -> tensor<?x4x4x12xf32> {
  %0 = qnt.transpose %x permutation = [0, 2, 3, 1] : tensor<?x12x4x4xf32> -> tensor<?x4x4x12xf32>
  return %0 : tensor<?x4x4x12xf32>
}

// -----

// CHECK-LABEL: func.func @slice
// CHECK-SAME: (%[[X:.*]]: tensor<?x17x64xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}}
// CHECK: tensor.extract_slice %[[X]][0, 0, 0] [%[[N]], 1, 64] [1, 1, 1] : tensor<?x17x64xf32> to tensor<?x1x64xf32>
func.func @slice(%x: tensor<?x17x64xf32>) -> tensor<?x1x64xf32> {
  %0 = qnt.slice %x offsets = [0, 0, 0] strides = [1, 1, 1] : tensor<?x17x64xf32> -> tensor<?x1x64xf32>
  return %0 : tensor<?x1x64xf32>
}

// -----

// Annotations disappear.
// CHECK-LABEL: func.func @annotations
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @annotations(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = qnt.assume_range %x min = 0.0 max = 1.0 : tensor<4xf32>
  %1 = qnt.stats %0 min = 0.0 max = 1.0 count = 4 : tensor<4xf32>
  return %1 : tensor<4xf32>
}
