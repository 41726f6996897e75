// RUN: quant-opt %s --allow-unregistered-dialect --test-print-ranges | FileCheck %s

// Transfer functions of the element-wise ops and the normalizations. Inputs
// get their ranges from qnt.assume_range; expected intervals are computed by
// hand in the comments (transcendental values to the 6 digits printed).

// relu: [max(lo, 0), max(hi, 0)].
// CHECK-LABEL: func.func @relu
// CHECK: range = "[0, 3]"
// CHECK: range = "[0, 0]"
// CHECK: range = "[0, +inf]"
func.func @relu(%x: tensor<4xf32>, %y: tensor<4xf32>, %z: tensor<4xf32>) {
  %x1 = qnt.assume_range %x min = -2.0 max = 3.0 : tensor<4xf32>
  %y1 = qnt.assume_range %y min = -5.0 max = -1.0 : tensor<4xf32>
  %a = qnt.relu %x1 : tensor<4xf32> -> tensor<4xf32>
  %b = qnt.relu %y1 : tensor<4xf32> -> tensor<4xf32>
  %c = qnt.relu %z : tensor<4xf32> -> tensor<4xf32>
  "test.probe"(%a) : (tensor<4xf32>) -> ()
  "test.probe"(%b) : (tensor<4xf32>) -> ()
  "test.probe"(%c) : (tensor<4xf32>) -> ()
  return
}

// clamp: [-2, 3] to [-1, 1]; to [-inf, 2]; unknown to [0, 6].
// CHECK-LABEL: func.func @clamp
// CHECK: range = "[-1, 1]"
// CHECK: range = "[-2, 2]"
// CHECK: range = "[0, 6]"
func.func @clamp(%x: tensor<4xf32>, %z: tensor<4xf32>) {
  %x1 = qnt.assume_range %x min = -2.0 max = 3.0 : tensor<4xf32>
  %a = qnt.clamp %x1 min = -1.0 max = 1.0 : tensor<4xf32> -> tensor<4xf32>
  %b = qnt.clamp %x1 min = 0xFF800000 max = 2.0 : tensor<4xf32> -> tensor<4xf32>
  %c = qnt.clamp %z min = 0.0 max = 6.0 : tensor<4xf32> -> tensor<4xf32>
  "test.probe"(%a) : (tensor<4xf32>) -> ()
  "test.probe"(%b) : (tensor<4xf32>) -> ()
  "test.probe"(%c) : (tensor<4xf32>) -> ()
  return
}

// x in [-1, 2], y in [3, 5], p in [-2, 3], q in [-4, 1]:
// add: [-1 + 3, 2 + 5]; [0, +inf] + [3, 5] = [3, +inf]; with unknown: unknown.
// sub: [-1 - 5, 2 - 3].
// mul: corners -3, -5, 6, 10 -> [-5, 10]; corners 8, -2, -12, 3 -> [-12, 8];
//      [0, +inf] * [0, 0] = [0, 0] (0 * inf counts as 0).
// CHECK-LABEL: func.func @arithmetic
// CHECK: range = "[2, 7]"
// CHECK: range = "[3, +inf]"
// CHECK: range = "unknown"
// CHECK: range = "[-6, -1]"
// CHECK: range = "[-5, 10]"
// CHECK: range = "[-12, 8]"
// CHECK: range = "[0, 0]"
func.func @arithmetic(%x: tensor<4xf32>, %y: tensor<4xf32>, %p: tensor<4xf32>,
                      %q: tensor<4xf32>, %u: tensor<4xf32>) {
  %x1 = qnt.assume_range %x min = -1.0 max = 2.0 : tensor<4xf32>
  %y1 = qnt.assume_range %y min = 3.0 max = 5.0 : tensor<4xf32>
  %p1 = qnt.assume_range %p min = -2.0 max = 3.0 : tensor<4xf32>
  %q1 = qnt.assume_range %q min = -4.0 max = 1.0 : tensor<4xf32>
  %r = qnt.relu %u : tensor<4xf32> -> tensor<4xf32>
  %zero = arith.constant dense<0.0> : tensor<4xf32>
  %add = qnt.add %x1, %y1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %addh = qnt.add %r, %y1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %addu = qnt.add %u, %y1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %sub = qnt.sub %x1, %y1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %mul = qnt.mul %x1, %y1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %mul2 = qnt.mul %p1, %q1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %mul0 = qnt.mul %r, %zero : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  "test.probe"(%add) : (tensor<4xf32>) -> ()
  "test.probe"(%addh) : (tensor<4xf32>) -> ()
  "test.probe"(%addu) : (tensor<4xf32>) -> ()
  "test.probe"(%sub) : (tensor<4xf32>) -> ()
  "test.probe"(%mul) : (tensor<4xf32>) -> ()
  "test.probe"(%mul2) : (tensor<4xf32>) -> ()
  "test.probe"(%mul0) : (tensor<4xf32>) -> ()
  return
}

// Broadcasting does not change the rule: [1, 2] + a [4, 8] row.
// CHECK-LABEL: func.func @broadcast
// CHECK: range = "[5, 10]"
func.func @broadcast(%x: tensor<2x3xf32>) {
  %x1 = qnt.assume_range %x min = 1.0 max = 2.0 : tensor<2x3xf32>
  %row = arith.constant dense<[4.0, 8.0, 6.0]> : tensor<3xf32>
  %add = qnt.add %x1, %row : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  "test.probe"(%add) : (tensor<2x3xf32>) -> ()
  return
}

// div, when the divisor excludes 0:
// [1, 2] / [4, 8]: corners 0.25, 0.125, 0.5, 0.25 -> [0.125, 0.5];
// [-1, 2] / [-4, -2]: corners 0.25, 0.5, -0.5, -1 -> [-1, 0.5];
// a divisor [-1, 1] or [0, 1] contains 0: unknown.
// CHECK-LABEL: func.func @div
// CHECK: range = "[0.125, 0.5]"
// CHECK: range = "[-1, 0.5]"
// CHECK: range = "unknown"
// CHECK: range = "unknown"
func.func @div(%a: tensor<4xf32>, %b: tensor<4xf32>, %c: tensor<4xf32>,
               %d: tensor<4xf32>, %e: tensor<4xf32>, %f: tensor<4xf32>) {
  %a1 = qnt.assume_range %a min = 1.0 max = 2.0 : tensor<4xf32>
  %b1 = qnt.assume_range %b min = 4.0 max = 8.0 : tensor<4xf32>
  %c1 = qnt.assume_range %c min = -1.0 max = 2.0 : tensor<4xf32>
  %d1 = qnt.assume_range %d min = -4.0 max = -2.0 : tensor<4xf32>
  %e1 = qnt.assume_range %e min = -1.0 max = 1.0 : tensor<4xf32>
  %f1 = qnt.assume_range %f min = 0.0 max = 1.0 : tensor<4xf32>
  %q1 = qnt.div %a1, %b1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %q2 = qnt.div %c1, %d1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %q3 = qnt.div %a1, %e1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %q4 = qnt.div %a1, %f1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  "test.probe"(%q1) : (tensor<4xf32>) -> ()
  "test.probe"(%q2) : (tensor<4xf32>) -> ()
  "test.probe"(%q3) : (tensor<4xf32>) -> ()
  "test.probe"(%q4) : (tensor<4xf32>) -> ()
  return
}

// Monotone activations: the image of the ends. For an unknown input that is
// the whole codomain.
// sigmoid [-1, 1]: [1 / (1 + e), 1 / (1 + 1/e)]; unknown: [0, 1].
// tanh [0, 1]: [0, tanh 1]; unknown: [-1, 1].
// erf [-0.5, 1]: [erf(-0.5), erf(1)]; unknown: [-1, 1].
// CHECK-LABEL: func.func @monotone
// CHECK: range = "[0.268941, 0.731059]"
// CHECK: range = "[0, 1]"
// CHECK: range = "[0, 0.761594]"
// CHECK: range = "[-1, 1]"
// CHECK: range = "[-0.5205, 0.842701]"
// CHECK: range = "[-1, 1]"
func.func @monotone(%x: tensor<4xf32>, %y: tensor<4xf32>, %z: tensor<4xf32>,
                    %u: tensor<4xf32>) {
  %x1 = qnt.assume_range %x min = -1.0 max = 1.0 : tensor<4xf32>
  %y1 = qnt.assume_range %y min = 0.0 max = 1.0 : tensor<4xf32>
  %z1 = qnt.assume_range %z min = -0.5 max = 1.0 : tensor<4xf32>
  %s = qnt.sigmoid %x1 : tensor<4xf32> -> tensor<4xf32>
  %su = qnt.sigmoid %u : tensor<4xf32> -> tensor<4xf32>
  %t = qnt.tanh %y1 : tensor<4xf32> -> tensor<4xf32>
  %tu = qnt.tanh %u : tensor<4xf32> -> tensor<4xf32>
  %e = qnt.erf %z1 : tensor<4xf32> -> tensor<4xf32>
  %eu = qnt.erf %u : tensor<4xf32> -> tensor<4xf32>
  "test.probe"(%s) : (tensor<4xf32>) -> ()
  "test.probe"(%su) : (tensor<4xf32>) -> ()
  "test.probe"(%t) : (tensor<4xf32>) -> ()
  "test.probe"(%tu) : (tensor<4xf32>) -> ()
  "test.probe"(%e) : (tensor<4xf32>) -> ()
  "test.probe"(%eu) : (tensor<4xf32>) -> ()
  return
}

// hard_sigmoid = clip(alpha x + beta, 0, 1):
// alpha 0.2, beta 0.5 on [-1, 1]: [0.3, 0.7]; on [-10, 10]: [-1.5, 2.5]
// clipped to [0, 1]; unknown: [0, 1]; alpha -0.5, beta 0.5 on [0, 1]:
// [0, 0.5].
// CHECK-LABEL: func.func @hard_sigmoid
// CHECK: range = "[0.3, 0.7]"
// CHECK: range = "[0, 1]"
// CHECK: range = "[0, 1]"
// CHECK: range = "[0, 0.5]"
func.func @hard_sigmoid(%x: tensor<4xf32>, %y: tensor<4xf32>, %z: tensor<4xf32>,
                        %u: tensor<4xf32>) {
  %x1 = qnt.assume_range %x min = -1.0 max = 1.0 : tensor<4xf32>
  %y1 = qnt.assume_range %y min = -10.0 max = 10.0 : tensor<4xf32>
  %z1 = qnt.assume_range %z min = 0.0 max = 1.0 : tensor<4xf32>
  %a = qnt.hard_sigmoid %x1 alpha = 0.2 beta = 0.5 : tensor<4xf32> -> tensor<4xf32>
  %b = qnt.hard_sigmoid %y1 alpha = 0.2 beta = 0.5 : tensor<4xf32> -> tensor<4xf32>
  %c = qnt.hard_sigmoid %u alpha = 0.2 beta = 0.5 : tensor<4xf32> -> tensor<4xf32>
  %d = qnt.hard_sigmoid %z1 alpha = -0.5 beta = 0.5 : tensor<4xf32> -> tensor<4xf32>
  "test.probe"(%a) : (tensor<4xf32>) -> ()
  "test.probe"(%b) : (tensor<4xf32>) -> ()
  "test.probe"(%c) : (tensor<4xf32>) -> ()
  "test.probe"(%d) : (tensor<4xf32>) -> ()
  return
}

// hard_swish h(x) = x * clamp(x + 3, 0, 6) / 6 is 0 up to -3, decreases to
// its minimum h(-1.5) = -0.375, then increases (h(x) = x from 3):
// [-4, -3]: [0, 0]; [-3, -2]: [h(-2), h(-3)] = [-1/3, 0];
// [-2, 1]: [-0.375, max(h(-2), h(1))] = [-0.375, 4/6]; [0, 4]: [0, 4];
// unknown: [-0.375, +inf].
// CHECK-LABEL: func.func @hard_swish
// CHECK: range = "[0, 0]"
// CHECK: range = "[-0.333333, 0]"
// CHECK: range = "[-0.375, 0.666667]"
// CHECK: range = "[0, 4]"
// CHECK: range = "[-0.375, +inf]"
func.func @hard_swish(%a: tensor<4xf32>, %b: tensor<4xf32>, %c: tensor<4xf32>,
                      %d: tensor<4xf32>, %u: tensor<4xf32>) {
  %a1 = qnt.assume_range %a min = -4.0 max = -3.0 : tensor<4xf32>
  %b1 = qnt.assume_range %b min = -3.0 max = -2.0 : tensor<4xf32>
  %c1 = qnt.assume_range %c min = -2.0 max = 1.0 : tensor<4xf32>
  %d1 = qnt.assume_range %d min = 0.0 max = 4.0 : tensor<4xf32>
  %ha = qnt.hard_swish %a1 : tensor<4xf32> -> tensor<4xf32>
  %hb = qnt.hard_swish %b1 : tensor<4xf32> -> tensor<4xf32>
  %hc = qnt.hard_swish %c1 : tensor<4xf32> -> tensor<4xf32>
  %hd = qnt.hard_swish %d1 : tensor<4xf32> -> tensor<4xf32>
  %hu = qnt.hard_swish %u : tensor<4xf32> -> tensor<4xf32>
  "test.probe"(%ha) : (tensor<4xf32>) -> ()
  "test.probe"(%hb) : (tensor<4xf32>) -> ()
  "test.probe"(%hc) : (tensor<4xf32>) -> ()
  "test.probe"(%hd) : (tensor<4xf32>) -> ()
  "test.probe"(%hu) : (tensor<4xf32>) -> ()
  return
}

// gelu g(x) = x Phi(x) decreases to its minimum g(-0.751792) = -0.169971,
// then increases:
// [0, 1]: [0, g(1) = 0.841345]; [-3, -2]: [g(-2), g(-3)] =
// [-0.0455003, -0.00404969]; unknown: [-0.169971, +inf].
// With tanh_approximation: [0, 1]: [0, 0.841192]; unknown: minimum
// -0.170041 (at -0.752461).
// CHECK-LABEL: func.func @gelu
// CHECK: range = "[0, 0.841345]"
// CHECK: range = "[-0.0455003, -0.00404969]"
// CHECK: range = "[-0.169971, +inf]"
// CHECK: range = "[0, 0.841192]"
// CHECK: range = "[-0.170041, +inf]"
func.func @gelu(%x: tensor<4xf32>, %y: tensor<4xf32>, %u: tensor<4xf32>) {
  %x1 = qnt.assume_range %x min = 0.0 max = 1.0 : tensor<4xf32>
  %y1 = qnt.assume_range %y min = -3.0 max = -2.0 : tensor<4xf32>
  %a = qnt.gelu %x1 : tensor<4xf32> -> tensor<4xf32>
  %b = qnt.gelu %y1 : tensor<4xf32> -> tensor<4xf32>
  %c = qnt.gelu %u : tensor<4xf32> -> tensor<4xf32>
  %d = qnt.gelu %x1 tanh_approximation : tensor<4xf32> -> tensor<4xf32>
  %e = qnt.gelu %u tanh_approximation : tensor<4xf32> -> tensor<4xf32>
  "test.probe"(%a) : (tensor<4xf32>) -> ()
  "test.probe"(%b) : (tensor<4xf32>) -> ()
  "test.probe"(%c) : (tensor<4xf32>) -> ()
  "test.probe"(%d) : (tensor<4xf32>) -> ()
  "test.probe"(%e) : (tensor<4xf32>) -> ()
  return
}

// softmax over n = 4 elements in [0, 1] (d = 1): one element is at least
// 1 / (1 + 3e) = 0.109232 and at most 1 / (1 + 3/e) = 0.475367. An unknown
// input, or an unknown n, gives [0, 1]; n = 1 gives [1, 1].
// CHECK-LABEL: func.func @softmax
// CHECK: range = "[0.109232, 0.475367]"
// CHECK: range = "[0, 1]"
// CHECK: range = "[0, 1]"
// CHECK: range = "[1, 1]"
func.func @softmax(%x: tensor<2x4xf32>, %u: tensor<2x4xf32>, %d: tensor<2x?xf32>) {
  %x1 = qnt.assume_range %x min = 0.0 max = 1.0 : tensor<2x4xf32>
  %d1 = qnt.assume_range %d min = 0.0 max = 1.0 : tensor<2x?xf32>
  %a = qnt.softmax %x1 axis = 1 : tensor<2x4xf32> -> tensor<2x4xf32>
  %b = qnt.softmax %u axis = 1 : tensor<2x4xf32> -> tensor<2x4xf32>
  %c = qnt.softmax %d1 axis = 1 : tensor<2x?xf32> -> tensor<2x?xf32>
  %r = qnt.reshape %x1 : tensor<2x4xf32> -> tensor<8x1xf32>
  %e = qnt.softmax %r axis = 1 : tensor<8x1xf32> -> tensor<8x1xf32>
  "test.probe"(%a) : (tensor<2x4xf32>) -> ()
  "test.probe"(%b) : (tensor<2x4xf32>) -> ()
  "test.probe"(%c) : (tensor<2x?xf32>) -> ()
  "test.probe"(%e) : (tensor<8x1xf32>) -> ()
  return
}

// layer_norm over n = 5 elements: a standardized value is in
// [-sqrt(n - 1), sqrt(n - 1)] = [-2, 2] whatever the input.
// - constant scale [1, -2, 0.5, 1, 1], bias [0, 1, 0, 0, 0.5]: per element
//   bias_k +- 2 |scale_k|: [-2, 2], [-3, 5], [-1, 1], [-2, 2], [-1.5, 2.5];
//   hull [-3, 5];
// - no bias: [-4, 4];
// - a scale known only as [0, 1]: [-2, 2] * [0, 1] = [-2, 2];
// - an unknown scale, or a dynamic normalized dim: unknown.
// CHECK-LABEL: func.func @layer_norm
// CHECK: range = "[-3, 5]"
// CHECK: range = "[-4, 4]"
// CHECK: range = "[-2, 2]"
// CHECK: range = "unknown"
// CHECK: range = "unknown"
func.func @layer_norm(%x: tensor<1x2x5xf32>, %s: tensor<5xf32>, %t: tensor<5xf32>,
                      %d: tensor<1x2x?xf32>) {
  %scale = arith.constant dense<[1.0, -2.0, 0.5, 1.0, 1.0]> : tensor<5xf32>
  %bias = arith.constant dense<[0.0, 1.0, 0.0, 0.0, 0.5]> : tensor<5xf32>
  %s1 = qnt.assume_range %s min = 0.0 max = 1.0 : tensor<5xf32>
  %a = qnt.layer_norm %x, %scale, %bias axis = 2 epsilon = 1.0e-5
       : (tensor<1x2x5xf32>, tensor<5xf32>, tensor<5xf32>) -> tensor<1x2x5xf32>
  %b = qnt.layer_norm %x, %scale axis = 2 epsilon = 1.0e-5
       : (tensor<1x2x5xf32>, tensor<5xf32>) -> tensor<1x2x5xf32>
  %c = qnt.layer_norm %x, %s1 axis = 2 epsilon = 1.0e-5
       : (tensor<1x2x5xf32>, tensor<5xf32>) -> tensor<1x2x5xf32>
  %e = qnt.layer_norm %x, %t axis = 2 epsilon = 1.0e-5
       : (tensor<1x2x5xf32>, tensor<5xf32>) -> tensor<1x2x5xf32>
  %scale1 = arith.constant dense<1.0> : tensor<1xf32>
  %f = qnt.layer_norm %d, %scale1 axis = 2 epsilon = 1.0e-5
       : (tensor<1x2x?xf32>, tensor<1xf32>) -> tensor<1x2x?xf32>
  "test.probe"(%a) : (tensor<1x2x5xf32>) -> ()
  "test.probe"(%b) : (tensor<1x2x5xf32>) -> ()
  "test.probe"(%c) : (tensor<1x2x5xf32>) -> ()
  "test.probe"(%e) : (tensor<1x2x5xf32>) -> ()
  "test.probe"(%f) : (tensor<1x2x?xf32>) -> ()
  return
}

// batch_norm with scale [1, 2], offset [0, 1], mean [0.5, 0], variance
// [1, 4], epsilon 0 (factors 1 / 1 = 1 and 2 / 2 = 1):
// - the BN-based estimate offset_c +- 6 |scale_c|: [-6, 6] and [-11, 13],
//   hull [-11, 13];
// - input [0, 1]: the affine images (x - 0.5) and x + 1 bound it by
//   [-0.5, 2], and the estimate narrowed to that is [-0.5, 2];
// - unknown input: the estimate [-11, 13];
// - non-constant mean and variance: the estimate [-11, 13];
// - a non-constant scale: unknown.
// CHECK-LABEL: func.func @batch_norm
// CHECK: range = "[-0.5, 2]"
// CHECK: range = "[-11, 13]"
// CHECK: range = "[-11, 13]"
// CHECK: range = "unknown"
func.func @batch_norm(%x: tensor<1x2x3x3xf32>, %u: tensor<1x2x3x3xf32>,
                      %m: tensor<2xf32>, %v: tensor<2xf32>, %g: tensor<2xf32>) {
  %x1 = qnt.assume_range %x min = 0.0 max = 1.0 : tensor<1x2x3x3xf32>
  %scale = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %offset = arith.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %mean = arith.constant dense<[0.5, 0.0]> : tensor<2xf32>
  %var = arith.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %a = qnt.batch_norm %x1, %scale, %offset, %mean, %var epsilon = 0.0
       : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %b = qnt.batch_norm %u, %scale, %offset, %mean, %var epsilon = 0.0
       : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %c = qnt.batch_norm %x1, %scale, %offset, %m, %v epsilon = 0.0
       : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  %d = qnt.batch_norm %x1, %g, %offset, %mean, %var epsilon = 0.0
       : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  "test.probe"(%a) : (tensor<1x2x3x3xf32>) -> ()
  "test.probe"(%b) : (tensor<1x2x3x3xf32>) -> ()
  "test.probe"(%c) : (tensor<1x2x3x3xf32>) -> ()
  "test.probe"(%d) : (tensor<1x2x3x3xf32>) -> ()
  return
}
