// RUN: quant-opt %s -split-input-file -qnt-set-ranges="weight-range=minmax act-range=minmax" | FileCheck %s
// RUN: quant-opt %s -split-input-file -qnt-set-ranges="weight-range=minmax act-range=minmax power-of-two=true" | FileCheck %s --check-prefix=POW2
// RUN: quant-opt %s -split-input-file -qnt-set-ranges | FileCheck %s --check-prefix=DEFAULT

// Scales are rounded up to the next f32 (RangeSetting.h), computed with
// numpy as np.nextafter(np.float32(x), inf) where np.float32(x) < x; the
// printer shows f64 array elements with 7 significant digits.

// Weights [-1, 0.5, 2], 8 bits symmetric narrow, min-max: s = 2 / 127
// (0.0157480314... -> f32 0.015748033300042152), z = 0. With
// power-of-two: 2/127 > 2^-6, so s = 2^-5.
// Activation stats [-1, 3], 8 bits asymmetric unsigned, min-max:
// s = 4 / 255 (-> 0.01568627543747425), z = 0 - round(-1 / s) = 64.
// With power-of-two: 4/255 > 2^-6, so s = 2^-5, z = round(1 / s) = 32.
// CHECK-LABEL: func.func @minmax
// CHECK: qnt.fake_quant %{{.*}} bits = 8 signed symmetric narrow_range scale = [1.57480{{[0-9]*}}e-02] zero_point = [0] : tensor<3xf32>
// CHECK: qnt.fake_quant %{{.*}} bits = 8 scale = [1.56862{{[0-9]*}}e-02] zero_point = [64] : tensor<4xf32>
// POW2-LABEL: func.func @minmax
// POW2: qnt.fake_quant %{{.*}} bits = 8 signed symmetric narrow_range scale = [3.12500{{[0-9]*}}e-02] zero_point = [0] : tensor<3xf32>
// POW2: qnt.fake_quant %{{.*}} bits = 8 scale = [3.12500{{[0-9]*}}e-02] zero_point = [32] : tensor<4xf32>
func.func @minmax(%x: tensor<4xf32>) -> (tensor<3xf32>, tensor<4xf32>) {
  %w = arith.constant dense<[-1.0, 0.5, 2.0]> : tensor<3xf32>
  %wq = qnt.fake_quant %w bits = 8 signed symmetric narrow_range : tensor<3xf32>
  %s = qnt.stats %x min = -1.0 max = 3.0 count = 4 histogram = [1, 1, 1, 1] : tensor<4xf32>
  %xq = qnt.fake_quant %s bits = 8 : tensor<4xf32>
  return %wq, %xq : tensor<3xf32>, tensor<4xf32>
}

// -----

// Full-range symmetric weights (`weight-narrow-range=false`), 4 bits, grid
// [-8, 7]: the smallest scale covering the data, max(-lo / 8, hi / 7).
// [-2, -1, 0.5]: s = 2 / 8 = 0.25 (narrow range: 2 / 7), so -2 is the
// grid's -8. [-0.5, 2]: s = 2 / 7 (-> f32 0.2857142984867096) as narrow.
// POW2 rounds 2 / 7 up to 0.5 and keeps 0.25.
// CHECK-LABEL: func.func @full_range
// CHECK: qnt.fake_quant %{{.*}} bits = 4 signed symmetric scale = [2.500000e-01] zero_point = [0] : tensor<3xf32>
// CHECK: qnt.fake_quant %{{.*}} bits = 4 signed symmetric scale = [2.85714{{[0-9]*}}e-01] zero_point = [0] : tensor<2xf32>
// POW2-LABEL: func.func @full_range
// POW2: qnt.fake_quant %{{.*}} bits = 4 signed symmetric scale = [2.500000e-01] zero_point = [0] : tensor<3xf32>
// POW2: qnt.fake_quant %{{.*}} bits = 4 signed symmetric scale = [5.000000e-01] zero_point = [0] : tensor<2xf32>
func.func @full_range() -> (tensor<3xf32>, tensor<2xf32>) {
  %w = arith.constant dense<[-2.0, -1.0, 0.5]> : tensor<3xf32>
  %wq = qnt.fake_quant %w bits = 4 signed symmetric : tensor<3xf32>
  %v = arith.constant dense<[-0.5, 2.0]> : tensor<2xf32>
  %vq = qnt.fake_quant %v bits = 4 signed symmetric : tensor<2xf32>
  return %wq, %vq : tensor<3xf32>, tensor<2xf32>
}

// -----

// Per channel along axis 0: rows [1, -0.5] and [0.25, 0.5] give 1 / 127
// and 0.5 / 127. Along axis 1: columns [1, 0.25] and [-0.5, 0.5] give
// 1 / 127 and 0.5 / 127 too.
// CHECK-LABEL: func.func @per_channel
// CHECK: scale = [7.87401{{[0-9]*}}e-03, 3.93700{{[0-9]*}}e-03] zero_point = [0, 0] : tensor<2x2xf32>
// CHECK: scale = [7.87401{{[0-9]*}}e-03, 3.93700{{[0-9]*}}e-03] zero_point = [0, 0] : tensor<2x2xf32>
func.func @per_channel() -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %w = arith.constant dense<[[1.0, -0.5], [0.25, 0.5]]> : tensor<2x2xf32>
  %q0 = qnt.fake_quant %w bits = 8 signed symmetric narrow_range axis = 0 : tensor<2x2xf32>
  %q1 = qnt.fake_quant %w bits = 8 signed symmetric narrow_range axis = 1 : tensor<2x2xf32>
  return %q0, %q1 : tensor<2x2xf32>, tensor<2x2xf32>
}

// -----

// Data-free: a qnt.range from qnt-propagate-ranges gives a min-max grid
// (whatever act-range is). A grid group gets one grid over the hull of its
// members' ranges: [0, 2] and [-1, 1] -> [-1, 2], s = 3 / 255
// (-> 0.0117647061124444), z = round(1 / s) = 85. Both attributes go.
// A quantizer that is already calibrated stays as it is.
// CHECK-LABEL: func.func @data_free_group
// CHECK: %[[A:.*]] = qnt.fake_quant %{{.*}} bits = 8 scale = [1.17647{{[0-9]*}}e-02] zero_point = [85] : tensor<4xf32>
// CHECK: %[[B:.*]] = qnt.fake_quant %{{.*}} bits = 8 scale = [1.17647{{[0-9]*}}e-02] zero_point = [85] : tensor<4xf32>
// CHECK: qnt.fake_quant %{{.*}} bits = 8 scale = [5.00000{{[0-9]*}}e-01] zero_point = [3] : tensor<4xf32>
// CHECK-NOT: qnt.range
// CHECK-NOT: qnt.grid_group
// CHECK: return
// DEFAULT-LABEL: func.func @data_free_group
// DEFAULT: scale = [1.17647{{[0-9]*}}e-02] zero_point = [85]
// DEFAULT: scale = [1.17647{{[0-9]*}}e-02] zero_point = [85]
func.func @data_free_group(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<8xf32> {
  %a = qnt.fake_quant %x bits = 8 {qnt.grid_group = 0 : i64, qnt.range = array<f64: 0.0, 2.0>} : tensor<4xf32>
  %b = qnt.fake_quant %y bits = 8 {qnt.grid_group = 0 : i64, qnt.range = array<f64: -1.0, 1.0>} : tensor<4xf32>
  %c = qnt.fake_quant %y bits = 8 scale = [0.5] zero_point = [3] : tensor<4xf32>
  %r = qnt.concat %a, %b axis = 0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// A group with a calibrated member: its grid is copied to the others.
// CHECK-LABEL: func.func @group_calibrated
// CHECK: qnt.fake_quant %{{.*}} bits = 8 scale = [2.50000{{[0-9]*}}e-01] zero_point = [10] {{.*}}: tensor<4xf32>
// CHECK: qnt.fake_quant %{{.*}} bits = 8 scale = [2.50000{{[0-9]*}}e-01] zero_point = [10] : tensor<4xf32>
// CHECK-NOT: qnt.grid_group
func.func @group_calibrated(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<8xf32> {
  %a = qnt.fake_quant %x bits = 8 scale = [0.25] zero_point = [10] {qnt.grid_group = 3 : i64, test.keep} : tensor<4xf32>
  %b = qnt.fake_quant %y bits = 8 {qnt.grid_group = 3 : i64, qnt.range = array<f64: -1.0, 1.0>} : tensor<4xf32>
  %r = qnt.concat %a, %b axis = 0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// A group of two calibrated activations: their stats histograms are merged
// (same range and bins: the counts add exactly). Min-max: the hull [0, 3]
// -> s = 3 / 255 = 0.0117647061124444, z = 0. MSE (DEFAULT): the group gets
// the grid of one histogram with the summed counts [4, 4, 0, 0, 0, 1]
// (@merged_reference).
// CHECK-LABEL: func.func @group_stats
// CHECK: scale = [1.17647{{[0-9]*}}e-02] zero_point = [0]
// CHECK: scale = [1.17647{{[0-9]*}}e-02] zero_point = [0]
// DEFAULT-LABEL: func.func @group_stats
// DEFAULT: scale = [[S:\[.*\]]] zero_point = [[Z:\[.*\]]] :
// DEFAULT: scale = [[S]] zero_point = [[Z]] :
func.func @group_stats(%x: tensor<6xf32>, %y: tensor<6xf32>) -> tensor<12xf32> {
  %sx = qnt.stats %x min = 0.0 max = 3.0 count = 5 histogram = [2, 2, 0, 0, 0, 1] : tensor<6xf32>
  %sy = qnt.stats %y min = 0.0 max = 3.0 count = 4 histogram = [2, 2, 0, 0, 0, 0] : tensor<6xf32>
  %a = qnt.fake_quant %sx bits = 8 {qnt.grid_group = 0 : i64} : tensor<6xf32>
  %b = qnt.fake_quant %sy bits = 8 {qnt.grid_group = 0 : i64} : tensor<6xf32>
  %r = qnt.concat %a, %b axis = 0 : (tensor<6xf32>, tensor<6xf32>) -> tensor<12xf32>
  return %r : tensor<12xf32>
}

// -----

// DEFAULT-LABEL: func.func @merged_reference
// DEFAULT: scale = [[S]] zero_point = [[Z]] :
func.func @merged_reference(%x: tensor<6xf32>) -> tensor<6xf32> {
  %s = qnt.stats %x min = 0.0 max = 3.0 count = 9 histogram = [4, 4, 0, 0, 0, 1] : tensor<6xf32>
  %a = qnt.fake_quant %s bits = 8 : tensor<6xf32>
  return %a : tensor<6xf32>
}
