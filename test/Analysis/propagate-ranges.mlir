// RUN: quant-opt %s --split-input-file --qnt-propagate-ranges | FileCheck %s
// RUN: quant-opt %s --split-input-file --qnt-propagate-ranges=bn-num-stddev=3 | FileCheck %s --check-prefix=BN3
// RUN: quant-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(qnt-propagate-ranges))" | FileCheck %s
// RUN: mlir-opt %s --split-input-file --load-dialect-plugin=%quantopt_plugin --load-pass-plugin=%quantopt_plugin \
// RUN:   --pass-pipeline="builtin.module(qnt-propagate-ranges)" | FileCheck %s
// The test pass is in quant-opt only, never in the plugin.
// RUN: not mlir-opt %s --split-input-file --load-dialect-plugin=%quantopt_plugin --load-pass-plugin=%quantopt_plugin \
// RUN:   --pass-pipeline="builtin.module(test-print-ranges)" 2>&1 | FileCheck %s --check-prefix=PLUGIN
// PLUGIN: 'test-print-ranges' does not refer to a registered pass

// qnt-propagate-ranges writes each uncalibrated quantizer's group range
// (qnt.range) and grid group (qnt.grid_group).

// The example of the pass description: the concat ties %qa ([0, 1]) and %qb
// ([0, 3]) to one grid over [0, 3]; the sigmoid is in [0, 1]; %z is unknown,
// so its quantizer gets nothing.
// CHECK-LABEL: func.func @example
// CHECK: qnt.fake_quant %{{.*}} bits = 8 {qnt.grid_group = 0 : i64, qnt.range = array<f64: 0.000000e+00, 3.000000e+00>}
// CHECK: qnt.fake_quant %{{.*}} bits = 8 {qnt.grid_group = 0 : i64, qnt.range = array<f64: 0.000000e+00, 3.000000e+00>}
// CHECK: qnt.fake_quant %{{.*}} bits = 8 {qnt.grid_group = 1 : i64, qnt.range = array<f64: 0.000000e+00, 1.000000e+00>}
// CHECK: qnt.fake_quant %{{.*}} bits = 8 : tensor<1x8xf32>
func.func @example(%x: tensor<1x4xf32>, %y: tensor<1x4xf32>, %z: tensor<1x8xf32>)
    -> (tensor<1x8xf32>, tensor<1x8xf32>, tensor<1x8xf32>) {
  %a = qnt.assume_range %x min = -1.0 max = 1.0 : tensor<1x4xf32>
  %b = qnt.assume_range %y min = 0.0 max = 3.0 : tensor<1x4xf32>
  %ra = qnt.relu %a : tensor<1x4xf32> -> tensor<1x4xf32>
  %qa = qnt.fake_quant %ra bits = 8 : tensor<1x4xf32>
  %qb = qnt.fake_quant %b bits = 8 : tensor<1x4xf32>
  %c = qnt.concat %qa, %qb axis = 1 : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x8xf32>
  %s = qnt.sigmoid %z : tensor<1x8xf32> -> tensor<1x8xf32>
  %qs = qnt.fake_quant %s bits = 8 : tensor<1x8xf32>
  %qz = qnt.fake_quant %z bits = 8 : tensor<1x8xf32>
  return %c, %qs, %qz : tensor<1x8xf32>, tensor<1x8xf32>, tensor<1x8xf32>
}

// -----

// A calibrated quantizer in a group fixes its grid: it is marked with the
// group number (range setting copies its grid) but gets no range. The
// group's range joins its image [-1, 1] and [0, 2].
// CHECK-LABEL: func.func @calibrated_member
// CHECK: qnt.fake_quant %{{.*}} bits = 8 signed scale = [{{.*}}] zero_point = [0] {qnt.grid_group = 0 : i64} : tensor<1x2xf32>
// CHECK: qnt.fake_quant %{{.*}} bits = 8 {qnt.grid_group = 0 : i64, qnt.range = array<f64: -1.000000e+00, 2.000000e+00>}
func.func @calibrated_member(%x: tensor<1x2xf32>, %y: tensor<1x2xf32>) -> tensor<1x4xf32> {
  %x1 = qnt.assume_range %x min = -1.0 max = 1.0 : tensor<1x2xf32>
  %y1 = qnt.assume_range %y min = 0.0 max = 2.0 : tensor<1x2xf32>
  %qx = qnt.fake_quant %x1 bits = 8 signed scale = [0.0625] zero_point = [0] : tensor<1x2xf32>
  %qy = qnt.fake_quant %y1 bits = 8 : tensor<1x2xf32>
  %c = qnt.concat %qx, %qy axis = 1 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  return %c : tensor<1x4xf32>
}

// -----

// A calibrated quantizer alone, and a group whose range is unknown (one
// input unknown), get nothing; stale attributes go.
// CHECK-LABEL: func.func @negative_nothing
// CHECK-NOT: qnt.range
// CHECK-NOT: qnt.grid_group
// CHECK: return
func.func @negative_nothing(%x: tensor<1x2xf32>, %u: tensor<1x2xf32>) -> (tensor<1x4xf32>, tensor<1x2xf32>) {
  %x1 = qnt.assume_range %x min = -1.0 max = 1.0 : tensor<1x2xf32>
  %q = qnt.fake_quant %x1 bits = 8 signed scale = [0.0625] zero_point = [0] : tensor<1x2xf32>
  %qx = qnt.fake_quant %x1 bits = 8 : tensor<1x2xf32>
  %qu = qnt.fake_quant %u bits = 8 {qnt.range = array<f64: 0.0, 1.0>, qnt.grid_group = 7} : tensor<1x2xf32>
  %c = qnt.concat %qx, %qu axis = 1 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  return %c, %q : tensor<1x4xf32>, tensor<1x2xf32>
}

// -----

// A BN-folded block (conv + fused ReLU, then a max pool and a classifier)
// with quantizers placed by hand:
// - the weight quantizers get the weights' ranges: [-0.5, 1] and [-1, 2];
// - the conv's output quantizer its BN-based range: channels beta 0.5,
//   gamma 2 and beta -1, gamma 0.5: [0.5 - 6 * 2, 0.5 + 6 * 2] and
//   [-1 - 3, -1 + 3], hull [-11.5, 12.5], clipped by the fused ReLU to
//   [0, 12.5] (with a = 3: [0, 6.5]);
// - the max pool keeps the grid: the classifier's input quantizer, after
//   the pool and a reshape, is in the conv output quantizer's group;
// - the classifier: input [0, 12.5] (or [0, 6.5]); its weight quantizer
//   is uncalibrated, so it sees the constant: column 0 (1, -1) gives
//   [-12.5, 12.5], column 1 (2, 0) [0, 25] (or [-6.5, 6.5] and [0, 13]);
//   with the bias [0.5, -0.5]: [-12, 13] and [-0.5, 24.5], hull [-12, 24.5]
//   (or [-6, 12.5]).
// CHECK-LABEL: func.func @bn_folded
// CHECK: qnt.fake_quant %{{.*}} {qnt.grid_group = 0 : i64, qnt.range = array<f64: -5.000000e-01, 1.000000e+00>}
// CHECK: qnt.fake_quant %{{.*}} {qnt.grid_group = 1 : i64, qnt.range = array<f64: -1.000000e+00, 2.000000e+00>}
// CHECK: qnt.fake_quant %{{.*}} {qnt.grid_group = 2 : i64, qnt.range = array<f64: 0.000000e+00, 1.250000e+01>}
// CHECK: qnt.fake_quant %{{.*}} {qnt.grid_group = 3 : i64, qnt.range = array<f64: -1.200000e+01, 2.450000e+01>}
// BN3-LABEL: func.func @bn_folded
// BN3: qnt.range = array<f64: -5.000000e-01, 1.000000e+00>
// BN3: qnt.range = array<f64: -1.000000e+00, 2.000000e+00>
// BN3: qnt.range = array<f64: 0.000000e+00, 6.500000e+00>
// BN3: qnt.range = array<f64: -6.000000e+00, 1.250000e+01>
func.func @bn_folded(%image: tensor<?x1x4x4xf32>) -> tensor<?x2xf32> {
  %w = arith.constant dense<[[[[1.0]]], [[[-0.5]]]]> : tensor<2x1x1x1xf32>
  %b = arith.constant dense<[0.1, 0.2]> : tensor<2xf32>
  %fc_w = arith.constant dense<[[1.0, 2.0], [-1.0, 0.0]]> : tensor<2x2xf32>
  %fc_b = arith.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %wq = qnt.fake_quant %w bits = 8 signed symmetric narrow_range axis = 0 : tensor<2x1x1x1xf32>
  %fc_wq = qnt.fake_quant %fc_w bits = 8 signed symmetric narrow_range : tensor<2x2xf32>
  %conv = qnt.conv2d %image, %wq, %b strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
          fused_clamp(0.0, 0x7F800000)
          {qnt.bn_beta = array<f64: 0.5, -1.0>, qnt.bn_gamma = array<f64: 2.0, 0.5>}
          : (tensor<?x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<?x2x4x4xf32>
  %cq = qnt.fake_quant %conv bits = 8 : tensor<?x2x4x4xf32>
  %pool = qnt.max_pool2d %cq kernel = [4, 4] strides = [4, 4] pads = [0, 0, 0, 0] dilations = [1, 1]
          : tensor<?x2x4x4xf32> -> tensor<?x2x1x1xf32>
  %flat = qnt.reshape %pool : tensor<?x2x1x1xf32> -> tensor<?x2xf32>
  %logits = qnt.matmul %flat, %fc_wq, %fc_b : (tensor<?x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %lq = qnt.fake_quant %logits bits = 8 : tensor<?x2xf32>
  return %lq : tensor<?x2xf32>
}

// -----

// Calibration statistics win over the BN estimate.
// CHECK-LABEL: func.func @stats
// CHECK: qnt.fake_quant %{{.*}} {qnt.grid_group = 0 : i64, qnt.range = array<f64: -2.000000e+00, 3.000000e+00>}
func.func @stats(%image: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %conv = qnt.conv2d %image, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
          {qnt.bn_beta = array<f64: 0.5, -1.0>, qnt.bn_gamma = array<f64: 2.0, 0.5>}
          : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %s = qnt.stats %conv min = -2.0 max = 3.0 count = 32 : tensor<1x2x4x4xf32>
  %q = qnt.fake_quant %s bits = 8 : tensor<1x2x4x4xf32>
  return %q : tensor<1x2x4x4xf32>
}
