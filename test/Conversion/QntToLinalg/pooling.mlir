// RUN: quant-opt %s -split-input-file -convert-qnt-to-linalg | FileCheck %s

// Max pooling pads with -inf, so that padding never wins, and reduces over
// (n, c, kh, kw, oh, ow); the window tensor gives kh, kw their extent.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 * 2 + d2, d5 * 2 + d3)>
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d3)>
// CHECK-LABEL: func.func @max_pool
// CHECK: %[[NEG:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[PAD:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[NEG]]
// CHECK: %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x8x14x14xf32>)
// CHECK: %[[WINDOW:.*]] = tensor.empty() : tensor<3x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[WIN]], {{.*}}], iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]} ins(%[[PAD]], %[[WINDOW]] : tensor<?x8x30x30xf32>, tensor<3x3xf32>) outs(%[[INIT]]
// CHECK: arith.maximumf
func.func @max_pool(%x: tensor<?x8x28x28xf32>) -> tensor<?x8x14x14xf32> {
  %0 = qnt.max_pool2d %x kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1]
       : tensor<?x8x28x28xf32> -> tensor<?x8x14x14xf32>
  return %0 : tensor<?x8x14x14xf32>
}

// -----

// Average pooling that excludes padding divides by the per-position count of
// in-image elements: 3x3 windows with pad 1 on a 4x4 image count 4, 6, 6, 4
// along each edge row and 6, 9, 9, 6 inside.
// CHECK-LABEL: func.func @avg_pool_exclude_pad
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK: arith.constant dense<{{\[\[}}4.000000e+00, 6.000000e+00, 6.000000e+00, 4.000000e+00], [6.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [6.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [4.000000e+00, 6.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<4x4xf32>
// CHECK: arith.divf
func.func @avg_pool_exclude_pad(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %0 = qnt.avg_pool2d %x kernel = [3, 3] strides = [1, 1] pads = [1, 1, 1, 1]
       : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @avg_pool_include_pad
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK: arith.constant dense<9.000000e+00> : tensor<1xf32>
// CHECK: arith.divf
func.func @avg_pool_include_pad(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %0 = qnt.avg_pool2d %x kernel = [3, 3] strides = [1, 1] pads = [1, 1, 1, 1] count_include_pad
       : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// The global mean: a reduction over H and W, back to N x C x 1 x 1, / (H*W).
// CHECK-LABEL: func.func @global_avg_pool
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2, 3]]
// CHECK: %[[COUNT:.*]] = arith.constant 4.900000e+01 : f32
// CHECK: arith.divf %{{.*}}, %[[COUNT]]
func.func @global_avg_pool(%x: tensor<?x8x7x7xf32>) -> tensor<?x8x1x1xf32> {
  %0 = qnt.global_avg_pool %x : tensor<?x8x7x7xf32> -> tensor<?x8x1x1xf32>
  return %0 : tensor<?x8x1x1xf32>
}

// -----

// Without keep_dims the reduced dims are collapsed away.
// CHECK-LABEL: func.func @reduce_mean
// CHECK: arith.constant 4.000000e+00 : f32
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<2x1x8xf32> into tensor<2x8xf32>
func.func @reduce_mean(%x: tensor<2x4x8xf32>) -> tensor<2x8xf32> {
  %0 = qnt.reduce_mean %x axes = [1] : tensor<2x4x8xf32> -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}
