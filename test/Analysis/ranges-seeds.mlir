// RUN: quant-opt %s --allow-unregistered-dialect --test-print-ranges | FileCheck %s
// RUN: quant-opt %s --allow-unregistered-dialect --test-print-ranges=bn-num-stddev=3 | FileCheck %s --check-prefix=BN3

// The seeds of range propagation: annotations, constants, calibrated
// quantizers, BN statistics of folded layers and fused activations. Every
// expected interval is computed by hand in the comment above it.

// Function arguments are unknown; relu of unknown is half-bounded.
// CHECK-LABEL: func.func @argument_unknown
// CHECK: range = "unknown"
// CHECK: range = "[0, +inf]"
func.func @argument_unknown(%x: tensor<4xf32>) {
  %r = qnt.relu %x : tensor<4xf32> -> tensor<4xf32>
  "test.probe"(%x) : (tensor<4xf32>) -> ()
  "test.probe"(%r) : (tensor<4xf32>) -> ()
  return
}

// An argument that an assume_range follows takes its range, and so does
// the assume_range.
// CHECK-LABEL: func.func @assume_range
// CHECK: range = "[-2, 5]"
// CHECK: range = "[-2, 5]"
func.func @assume_range(%x: tensor<4xf32>) {
  %a = qnt.assume_range %x min = -2.0 max = 5.0 : tensor<4xf32>
  "test.probe"(%x) : (tensor<4xf32>) -> ()
  "test.probe"(%a) : (tensor<4xf32>) -> ()
  return
}

// The annotation wins over the transfer function of the value it describes:
// relu gives [0, +inf], the assume_range [0, 4]; every user of %r sees
// [0, 4]: mul gives [0, 16].
// CHECK-LABEL: func.func @assume_range_wins
// CHECK: range = "[0, 4]"
// CHECK: range = "[0, 16]"
func.func @assume_range_wins(%x: tensor<4xf32>) {
  %r = qnt.relu %x : tensor<4xf32> -> tensor<4xf32>
  %a = qnt.assume_range %r min = 0.0 max = 4.0 : tensor<4xf32>
  %m = qnt.mul %r, %r : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  "test.probe"(%r) : (tensor<4xf32>) -> ()
  "test.probe"(%m) : (tensor<4xf32>) -> ()
  return
}

// Calibration statistics: [min, max]. They win over the clamp's [0, 100].
// CHECK-LABEL: func.func @stats
// CHECK: range = "[-1.5, 4]"
// CHECK: range = "[0.5, 3]"
// CHECK: range = "[0.5, 3]"
func.func @stats(%x: tensor<4xf32>, %y: tensor<4xf32>) {
  %s = qnt.stats %x min = -1.5 max = 4.0 count = 8 : tensor<4xf32>
  %c = qnt.clamp %y min = 0.0 max = 100.0 : tensor<4xf32> -> tensor<4xf32>
  %t = qnt.stats %c min = 0.5 max = 3.0 count = 4 histogram = [1, 3] : tensor<4xf32>
  "test.probe"(%s) : (tensor<4xf32>) -> ()
  "test.probe"(%c) : (tensor<4xf32>) -> ()
  "test.probe"(%t) : (tensor<4xf32>) -> ()
  return
}

// Several annotations of one tensor all hold: [-4, 4] and [0, 10] intersect
// in [0, 4], for the tensor and for both annotations.
// CHECK-LABEL: func.func @annotations_intersect
// CHECK: range = "[0, 4]"
// CHECK: range = "[0, 4]"
// CHECK: range = "[0, 4]"
func.func @annotations_intersect(%x: tensor<4xf32>) {
  %s = qnt.stats %x min = -4.0 max = 4.0 count = 4 : tensor<4xf32>
  %a = qnt.assume_range %s min = 0.0 max = 10.0 : tensor<4xf32>
  "test.probe"(%x) : (tensor<4xf32>) -> ()
  "test.probe"(%s) : (tensor<4xf32>) -> ()
  "test.probe"(%a) : (tensor<4xf32>) -> ()
  return
}

// Contradicting annotations ([-4, -1] and [1, 2]) give their join.
// CHECK-LABEL: func.func @annotations_contradict
// CHECK: range = "[-4, 2]"
func.func @annotations_contradict(%x: tensor<4xf32>) {
  %s = qnt.stats %x min = -4.0 max = -1.0 count = 4 : tensor<4xf32>
  %a = qnt.assume_range %x min = 1.0 max = 2.0 : tensor<4xf32>
  "test.probe"(%x) : (tensor<4xf32>) -> ()
  return
}

// Constants: the min and max of their elements (dense, splat,
// dense_resource [-1, 2.5, 0.25], a scalar, f16); integers are unknown.
// CHECK-LABEL: func.func @constants
// CHECK: range = "[-1.5, 2]"
// CHECK: range = "[3, 3]"
// CHECK: range = "[-1, 2.5]"
// CHECK: range = "[2.5, 2.5]"
// CHECK: range = "[-2, 1]"
// CHECK: range = "unknown"
func.func @constants() {
  %dense = arith.constant dense<[-1.5, 0.5, 2.0]> : tensor<3xf32>
  %splat = arith.constant dense<3.0> : tensor<2x2xf32>
  %blob = arith.constant dense_resource<blob> : tensor<3xf32>
  %scalar = arith.constant 2.5 : f32
  %half = arith.constant dense<[1.0, -2.0]> : tensor<2xf16>
  %int = arith.constant dense<[1, 7]> : tensor<2xi32>
  "test.probe"(%dense) : (tensor<3xf32>) -> ()
  "test.probe"(%splat) : (tensor<2x2xf32>) -> ()
  "test.probe"(%blob) : (tensor<3xf32>) -> ()
  "test.probe"(%scalar) : (f32) -> ()
  "test.probe"(%half) : (tensor<2xf16>) -> ()
  "test.probe"(%int) : (tensor<2xi32>) -> ()
  return
}

// A calibrated quantizer's result lies on its grid:
// - unknown input, u8 scale 0.1 zero point 128: [(0-128)*0.1, (255-128)*0.1];
// - input [0, 1], u8 scale 0.3: round(0/0.3) = 0, round(1/0.3) = 3 -> 0.9;
// - input [-0.5, 1], per channel, i4 narrow [-7, 7], scales 0.2 and 0.05:
//   channel 0: round(-2.5) = -2 (half to even) -> -0.4, round(5) -> 1;
//   channel 1: round(-10) -> -7 -> -0.35, round(20) -> 7 -> 0.35;
//   hull [-0.4, 1].
// An uncalibrated quantizer passes its input: [-1, 2]; unknown stays unknown.
// CHECK-LABEL: func.func @fake_quant
// CHECK: range = "[-12.8, 12.7]"
// CHECK: range = "[0, 0.9]"
// CHECK: range = "[-0.4, 1]"
// CHECK: range = "[-1, 2]"
// CHECK: range = "unknown"
func.func @fake_quant(%x: tensor<4xf32>, %y: tensor<4xf32>, %z: tensor<4xf32>) {
  %q1 = qnt.fake_quant %x bits = 8 scale = [0.1] zero_point = [128] : tensor<4xf32>
  %y1 = qnt.assume_range %y min = 0.0 max = 1.0 : tensor<4xf32>
  %q2 = qnt.fake_quant %y1 bits = 8 scale = [0.3] zero_point = [0] : tensor<4xf32>
  %w = arith.constant dense<[[1.0, -0.5], [0.25, 0.1]]> : tensor<2x2xf32>
  %q3 = qnt.fake_quant %w bits = 4 signed symmetric narrow_range axis = 0
          scale = [0.2, 0.05] zero_point = [0, 0] : tensor<2x2xf32>
  %z1 = qnt.assume_range %z min = -1.0 max = 2.0 : tensor<4xf32>
  %q4 = qnt.fake_quant %z1 bits = 8 : tensor<4xf32>
  %q5 = qnt.fake_quant %x bits = 8 : tensor<4xf32>
  "test.probe"(%q1) : (tensor<4xf32>) -> ()
  "test.probe"(%q2) : (tensor<4xf32>) -> ()
  "test.probe"(%q3) : (tensor<2x2xf32>) -> ()
  "test.probe"(%q4) : (tensor<4xf32>) -> ()
  "test.probe"(%q5) : (tensor<4xf32>) -> ()
  return
}

// A layer folded with a batch norm: about N(beta_c, gamma_c^2) per channel,
// [min_c(beta_c - a|gamma_c|), max_c(beta_c + a|gamma_c|)]. Channel 0:
// beta 0.5, gamma 2; channel 1: beta -1, gamma -0.5.
// - a = 6: [0.5 - 12, 0.5 + 12] and [-1 - 3, -1 + 3]: [-11.5, 12.5];
//   a = 3: [-5.5, 6.5] and [-2.5, 0.5]: [-5.5, 6.5];
// - the same on a matmul;
// - a fused ReLU (0, +inf) clips: [0, 12.5]; ReLU6: [0, 6];
// - the estimate wins, narrowed to the weight-based bound when there is
//   one: input [0, 1], weights 1 and no bias bound the result by [0, 1].
// CHECK-LABEL: func.func @batch_norm_seed
// CHECK: range = "[-11.5, 12.5]"
// CHECK: range = "[-11.5, 12.5]"
// CHECK: range = "[0, 12.5]"
// CHECK: range = "[0, 6]"
// CHECK: range = "[0, 1]"
// BN3-LABEL: func.func @batch_norm_seed
// BN3: range = "[-5.5, 6.5]"
// BN3: range = "[-5.5, 6.5]"
// BN3: range = "[0, 6.5]"
// BN3: range = "[0, 6]"
// BN3: range = "[0, 1]"
func.func @batch_norm_seed(%x: tensor<1x1x4x4xf32>, %v: tensor<1x3xf32>,
                           %x0: tensor<1x1x4x4xf32>) {
  %w = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %m = arith.constant dense<1.0> : tensor<2x3xf32>
  %c = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       {qnt.bn_beta = array<f64: 0.5, -1.0>, qnt.bn_gamma = array<f64: 2.0, -0.5>}
       : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %mm = qnt.matmul %v, %m transpose_rhs
       {qnt.bn_beta = array<f64: 0.5, -1.0>, qnt.bn_gamma = array<f64: 2.0, -0.5>}
       : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x2xf32>
  %relu = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       fused_clamp(0.0, 0x7F800000)
       {qnt.bn_beta = array<f64: 0.5, -1.0>, qnt.bn_gamma = array<f64: 2.0, -0.5>}
       : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %relu6 = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       fused_clamp(0.0, 6.0)
       {qnt.bn_beta = array<f64: 0.5, -1.0>, qnt.bn_gamma = array<f64: 2.0, -0.5>}
       : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %x1 = qnt.assume_range %x0 min = 0.0 max = 1.0 : tensor<1x1x4x4xf32>
  %bounded = qnt.conv2d %x1, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       {qnt.bn_beta = array<f64: 0.5, -1.0>, qnt.bn_gamma = array<f64: 2.0, -0.5>}
       : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  "test.probe"(%c) : (tensor<1x2x4x4xf32>) -> ()
  "test.probe"(%mm) : (tensor<1x2xf32>) -> ()
  "test.probe"(%relu) : (tensor<1x2x4x4xf32>) -> ()
  "test.probe"(%relu6) : (tensor<1x2x4x4xf32>) -> ()
  "test.probe"(%bounded) : (tensor<1x2x4x4xf32>) -> ()
  return
}

// Without BN statistics (or with malformed ones: one gamma, two betas) and
// with an unknown input, a layer is unknown.
// CHECK-LABEL: func.func @negative_batch_norm_seed
// CHECK: range = "unknown"
// CHECK: range = "unknown"
func.func @negative_batch_norm_seed(%x: tensor<1x1x4x4xf32>) {
  %w = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %c = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %bad = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       {qnt.bn_beta = array<f64: 0.5, -1.0>, qnt.bn_gamma = array<f64: 2.0>}
       : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  "test.probe"(%c) : (tensor<1x2x4x4xf32>) -> ()
  "test.probe"(%bad) : (tensor<1x2x4x4xf32>) -> ()
  return
}

// A fused activation clips whatever the layer computes, here unknown:
// (0, 6), (-1, 1), and ReLU (0, +inf).
// CHECK-LABEL: func.func @fused_clamp
// CHECK: range = "[0, 6]"
// CHECK: range = "[-1, 1]"
// CHECK: range = "[0, +inf]"
func.func @fused_clamp(%x: tensor<1x1x4x4xf32>, %v: tensor<1x3xf32>) {
  %w = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %m = arith.constant dense<1.0> : tensor<3x2xf32>
  %c = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       fused_clamp(0.0, 6.0) : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %d = qnt.matmul %v, %m fused_clamp(-1.0, 1.0) : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
  %e = qnt.matmul %v, %m fused_clamp(0.0, 0x7F800000) : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
  "test.probe"(%c) : (tensor<1x2x4x4xf32>) -> ()
  "test.probe"(%d) : (tensor<1x2xf32>) -> ()
  "test.probe"(%e) : (tensor<1x2xf32>) -> ()
  return
}

// A quantized argument holds the real values of its grid:
// u8 scale 0.5 zero point 10: [(0-10)*0.5, (255-10)*0.5].
// CHECK-LABEL: func.func @quantized_argument
// CHECK: range = "[-5, 122.5]"
func.func @quantized_argument(%q: tensor<4x!quant.uniform<u8:f32, 0.5:10>>) {
  "test.probe"(%q) : (tensor<4x!quant.uniform<u8:f32, 0.5:10>>) -> ()
  return
}

{-#
  dialect_resources: {
    builtin: {
      blob: "0x04000000000080bf000020400000803e"
    }
  }
#-}
