// RUN: quant-opt %s -split-input-file -convert-qnt-to-linalg | FileCheck %s

// NumPy broadcasting: the rank-1 operand maps to the last dim; the dynamic
// batch size comes from the operand that has it.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK-SAME: (%[[A:.*]]: tensor<?x8xf32>, %[[B:.*]]: tensor<8xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[A]], %{{.*}}
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x8xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[A]], %[[B]] : tensor<?x8xf32>, tensor<8xf32>) outs(%[[E]]
// CHECK: arith.addf
func.func @add_broadcast(%a: tensor<?x8xf32>, %b: tensor<8xf32>) -> tensor<?x8xf32> {
  %0 = qnt.add %a, %b : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// A static size-1 dim broadcasts by reading index 0.
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1, d2) -> (d0, 0, d2)>
// CHECK-LABEL: func.func @mul_size_one
// CHECK: linalg.generic {indexing_maps = [{{.*}}, #[[COL]], {{.*}}]
// CHECK: arith.mulf
func.func @mul_size_one(%a: tensor<2x3x4xf32>, %b: tensor<2x1x4xf32>) -> tensor<2x3x4xf32> {
  %0 = qnt.mul %a, %b : (tensor<2x3x4xf32>, tensor<2x1x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func.func @activations
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: arith.maximumf %{{.*}}, %[[Z]] : f32
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: math.exp
// CHECK: math.tanh
// CHECK: math.erf
func.func @activations(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = qnt.relu %x : tensor<4xf32> -> tensor<4xf32>
  %1 = qnt.clamp %0 min = 0.0 max = 6.0 : tensor<4xf32> -> tensor<4xf32>
  %2 = qnt.sigmoid %1 : tensor<4xf32> -> tensor<4xf32>
  %3 = qnt.tanh %2 : tensor<4xf32> -> tensor<4xf32>
  %4 = qnt.gelu %3 : tensor<4xf32> -> tensor<4xf32>
  return %4 : tensor<4xf32>
}

// -----

// fake_quant per tensor: divide (not multiply by the reciprocal), round half
// to even, add z, clamp to the grid, subtract z, scale.
// CHECK-LABEL: func.func @fake_quant_per_tensor
// CHECK-DAG: %[[S:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG: %[[Z:.*]] = arith.constant 3.000000e+00 : f32
// CHECK: linalg.generic
// CHECK: %[[Q:.*]] = arith.divf %{{.*}}, %[[S]] : f32
// CHECK: %[[R:.*]] = math.roundeven %[[Q]] : f32
// CHECK: %[[SH:.*]] = arith.addf %[[R]], %[[Z]] : f32
// CHECK: %[[LO:.*]] = arith.constant -1.270000e+02 : f32
// CHECK: %[[C1:.*]] = arith.maximumf %[[SH]], %[[LO]] : f32
// CHECK: %[[HI:.*]] = arith.constant 1.270000e+02 : f32
// CHECK: %[[C2:.*]] = arith.minimumf %[[C1]], %[[HI]] : f32
// CHECK: %[[C:.*]] = arith.subf %[[C2]], %[[Z]] : f32
// CHECK: arith.mulf %[[C]], %[[S]] : f32
func.func @fake_quant_per_tensor(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = qnt.fake_quant %x bits = 8 signed narrow_range scale = [0.5] zero_point = [3] : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// fake_quant per channel: scales and zero points as constant tensors indexed
// by the axis.
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @fake_quant_per_axis
// CHECK-DAG: arith.constant dense<[1.000000e-01, 2.000000e-01]> : tensor<2xf32>
// CHECK-DAG: arith.constant dense<[0.000000e+00, 1.000000e+00]> : tensor<2xf32>
// CHECK: linalg.generic {indexing_maps = [{{.*}}, #[[CH]], #[[CH]], {{.*}}]
// CHECK: math.roundeven
func.func @fake_quant_per_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = qnt.fake_quant %x bits = 4 axis = 0 scale = [0.1, 0.2] zero_point = [0, 1] : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
