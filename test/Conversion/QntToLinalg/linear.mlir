// RUN: quant-opt %s -split-input-file -convert-qnt-to-linalg | FileCheck %s

// Groups = 1: zero padding, the bias as the initial accumulator, and a
// multiply-accumulate over (n, f, c, kh, kw, oh, ow): the output width is the
// innermost loop.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d2, d5 * 2 + d3, d6 * 2 + d4)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d2, d3, d4)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d5, d6)>
// CHECK-LABEL: func.func @conv2d
// CHECK-SAME: (%[[X:.*]]: tensor<?x3x8x8xf32>, %[[WT:.*]]: tensor<4x3x3x3xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[ZERO]]
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3x8x8xf32>
// CHECK: %[[EMPTY:.*]] = tensor.empty(%[[N]]) : tensor<?x4x4x4xf32>
// CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%[[B]] : tensor<4xf32>) outs(%[[EMPTY]]
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[W]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]} ins(%[[PAD]], %[[WT]] : tensor<?x3x10x10xf32>, tensor<4x3x3x3xf32>) outs(%[[INIT]] : tensor<?x4x4x4xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @conv2d(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<?x4x4x4xf32> {
  %0 = qnt.conv2d %x, %w, %b strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1
       : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<?x4x4x4xf32>
  return %0 : tensor<?x4x4x4xf32>
}

// -----

// Depthwise: (n, c, kh, kw, oh, ow), dilated windows, the weight's unit dim
// read at 0; no bias starts from zeros.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 + d2 * 2, d5 + d3 * 2)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, 0, d2, d3)>
// CHECK-LABEL: func.func @depthwise
// CHECK: %[[INIT:.*]] = linalg.fill
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[W]], {{.*}}], iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]} ins({{.*}} : tensor<1x3x8x8xf32>, tensor<3x1x3x3xf32>) outs(%[[INIT]]
func.func @depthwise(%x: tensor<1x3x8x8xf32>, %w: tensor<3x1x3x3xf32>) -> tensor<1x3x4x4xf32> {
  %0 = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [2, 2] groups = 3
       : (tensor<1x3x8x8xf32>, tensor<3x1x3x3xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}

// -----

// Other groups: channels split into (group, channel), (n, g, fg, c, kh, kw,
// oh, ow), merged back.
// CHECK-LABEL: func.func @grouped
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2], [3], [4]] output_shape [%{{.*}}, 2, 2, 6, 6] : tensor<?x4x6x6xf32> into tensor<?x2x2x6x6xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2], [3], [4]] output_shape [2, 3, 2, 3, 3] : tensor<6x2x3x3xf32> into tensor<2x3x2x3x3xf32>
// CHECK: %[[CONV:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]
// CHECK: tensor.collapse_shape %[[CONV]] {{\[\[}}0], [1, 2], [3], [4]] : tensor<?x2x3x4x4xf32> into tensor<?x6x4x4xf32>
func.func @grouped(%x: tensor<?x4x6x6xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<?x6x4x4xf32> {
  %0 = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 2
       : (tensor<?x4x6x6xf32>, tensor<6x2x3x3xf32>) -> tensor<?x6x4x4xf32>
  return %0 : tensor<?x6x4x4xf32>
}

// -----

// A fully-connected layer: a transposed rhs argument is transposed first;
// loops (m, k, n) with n innermost, bias along N.
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @fully_connected
// CHECK-SAME: (%[[X:.*]]: tensor<?x64xf32>, %[[W:.*]]: tensor<10x64xf32>
// CHECK: %[[WT:.*]] = linalg.transpose ins(%[[W]] : tensor<10x64xf32>) outs(%{{.*}} : tensor<64x10xf32>) permutation = [1, 0]
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[X]], %[[WT]] : tensor<?x64xf32>, tensor<64x10xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @fully_connected(%x: tensor<?x64xf32>, %w: tensor<10x64xf32>, %b: tensor<10xf32>) -> tensor<?x10xf32> {
  %0 = qnt.matmul %x, %w, %b transpose_rhs : (tensor<?x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

// A constant weight is transposed at compile time.
// CHECK-LABEL: func.func @constant_weight
// CHECK-NOT: linalg.transpose
// CHECK: %[[WT:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[WT]] : tensor<?x3xf32>, tensor<3x2xf32>)
func.func @constant_weight(%x: tensor<?x3xf32>) -> tensor<?x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = qnt.matmul %x, %w transpose_rhs : (tensor<?x3xf32>, tensor<2x3xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

// The same for a weight in a dense_resource blob: [[1, 2], [3, 4]] becomes
// [[1, 3], [2, 4]] (little-endian f32 after the 4-byte alignment header).
// CHECK-LABEL: func.func @resource_weight
// CHECK: arith.constant dense_resource<transposed> : tensor<2x2xf32>
// CHECK: transposed: "0x040000000000803F000040400000004000008040"
func.func @resource_weight(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %w = arith.constant dense_resource<w> : tensor<2x2xf32>
  %0 = qnt.matmul %x, %w transpose_rhs : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F000000400000404000008040"
    }
  }
#-}

// -----

// Batch broadcasting: lhs batch 2x1, rhs batch 3 -> 2x3; lhs dim 1 is read at 0.
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d3)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d4)>
// CHECK-LABEL: func.func @batched
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]}
func.func @batched(%a: tensor<2x1x4x8xf32>, %b: tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32> {
  %0 = qnt.matmul %a, %b : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// -----

// CHECK-LABEL: func.func @batch_norm
// CHECK: linalg.generic
// CHECK: arith.subf
// CHECK: math.sqrt
// CHECK: arith.divf
func.func @batch_norm(%x: tensor<?x8x4x4xf32>, %p: tensor<8xf32>) -> tensor<?x8x4x4xf32> {
  %0 = qnt.batch_norm %x, %p, %p, %p, %p epsilon = 1.0e-5
       : (tensor<?x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x8x4x4xf32>
  return %0 : tensor<?x8x4x4xf32>
}

// -----

// A fused activation clamps the accumulated result.
// CHECK-LABEL: func.func @fused_relu6
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: linalg.generic {{.*}} ins(%[[ACC]] : tensor<?x2xf32>)
// CHECK: arith.maximumf
// CHECK: arith.minimumf
func.func @fused_relu6(%x: tensor<?x3xf32>, %w: tensor<3x2xf32>) -> tensor<?x2xf32> {
  %0 = qnt.matmul %x, %w fused_clamp(0.0, 6.0) : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}
