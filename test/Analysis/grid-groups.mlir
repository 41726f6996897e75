// RUN: quant-opt %s --allow-unregistered-dialect --split-input-file --test-print-ranges | FileCheck %s

// Grid groups: the tensors that must share one quantization grid. A probe
// shows `group = "G/N R"`: group number G (counted from 0 in the order the
// probes of one split meet the groups), its size N and its joined range R.

// concat ties its inputs and result (concat_c3): {%qa, %qb, %c}, with the
// join of [0, 1] and [-2, 0.5]. A quantizer's input is not on its grid: %a
// is in another group (with its assume_range input %x).
// CHECK-LABEL: func.func @concat
// CHECK: group = "0/3 [-2, 1]", range = "[0, 1]"
// CHECK: group = "0/3 [-2, 1]", range = "[-2, 0.5]"
// CHECK: group = "0/3 [-2, 1]", range = "[-2, 1]"
// CHECK: group = "1/2 [0, 1]", range = "[0, 1]"
func.func @concat(%x: tensor<1x2xf32>, %y: tensor<1x2xf32>) {
  %a = qnt.assume_range %x min = 0.0 max = 1.0 : tensor<1x2xf32>
  %b = qnt.assume_range %y min = -2.0 max = 0.5 : tensor<1x2xf32>
  %qa = qnt.fake_quant %a bits = 8 : tensor<1x2xf32>
  %qb = qnt.fake_quant %b bits = 8 : tensor<1x2xf32>
  %c = qnt.concat %qa, %qb axis = 1 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  "test.probe"(%qa) : (tensor<1x2xf32>) -> ()
  "test.probe"(%qb) : (tensor<1x2xf32>) -> ()
  "test.probe"(%c) : (tensor<1x4xf32>) -> ()
  "test.probe"(%a) : (tensor<1x2xf32>) -> ()
  return
}

// -----

// Pure data movement keeps the grid: max_pool2d, reshape, transpose and
// slice chain five values into one group.
// CHECK-LABEL: func.func @data_movement
// CHECK-COUNT-5: group = "0/5 [-1, 3]"
func.func @data_movement(%x: tensor<1x2x4x4xf32>) {
  %q = qnt.fake_quant %x bits = 8 : tensor<1x2x4x4xf32>
  %x1 = qnt.assume_range %x min = -1.0 max = 3.0 : tensor<1x2x4x4xf32>
  %mp = qnt.max_pool2d %q kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1]
        : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %rs = qnt.reshape %mp : tensor<1x2x2x2xf32> -> tensor<1x8xf32>
  %tr = qnt.transpose %rs permutation = [1, 0] : tensor<1x8xf32> -> tensor<8x1xf32>
  %sl = qnt.slice %tr offsets = [2, 0] strides = [1, 1] : tensor<8x1xf32> -> tensor<4x1xf32>
  "test.probe"(%q) : (tensor<1x2x4x4xf32>) -> ()
  "test.probe"(%mp) : (tensor<1x2x2x2xf32>) -> ()
  "test.probe"(%rs) : (tensor<1x8xf32>) -> ()
  "test.probe"(%tr) : (tensor<8x1xf32>) -> ()
  "test.probe"(%sl) : (tensor<4x1xf32>) -> ()
  return
}

// -----

// An annotation returns its input: one tensor, one grid. The stats range
// wins over the relu's [0, +inf] for both values.
// CHECK-LABEL: func.func @annotation
// CHECK: group = "0/2 [0, 2]", range = "[0, 2]"
// CHECK: group = "0/2 [0, 2]", range = "[0, 2]"
func.func @annotation(%x: tensor<4xf32>) {
  %r = qnt.relu %x : tensor<4xf32> -> tensor<4xf32>
  %s = qnt.stats %r min = 0.0 max = 2.0 count = 4 : tensor<4xf32>
  "test.probe"(%r) : (tensor<4xf32>) -> ()
  "test.probe"(%s) : (tensor<4xf32>) -> ()
  return
}

// -----

// Disjoint groups stay apart: two concats, and ops that compute (relu,
// add, clamp) or requantize (fake_quant) do not tie their input and result.
// CHECK-LABEL: func.func @negative_apart
// CHECK: group = "0/2 [0, 1]"
// CHECK: group = "1/2 [0, 4]"
// CHECK: group = "2/1 [0, 1]"
// CHECK: group = "3/1 [0, 5]"
// CHECK: group = "4/1 [0, 1]"
// CHECK: group = "5/1 [0, 1]"
func.func @negative_apart(%x: tensor<1x2xf32>, %y: tensor<1x2xf32>) {
  %x1 = qnt.assume_range %x min = 0.0 max = 1.0 : tensor<1x2xf32>
  %y1 = qnt.assume_range %y min = 0.0 max = 4.0 : tensor<1x2xf32>
  %a = qnt.fake_quant %x1 bits = 8 : tensor<1x2xf32>
  %b = qnt.fake_quant %y1 bits = 8 : tensor<1x2xf32>
  %c1 = qnt.concat %a, %a axis = 1 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  %c2 = qnt.concat %b, %b axis = 1 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  %r = qnt.relu %c1 : tensor<1x4xf32> -> tensor<1x4xf32>
  %s = qnt.add %c1, %c2 : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %k = qnt.clamp %c1 min = 0.0 max = 6.0 : tensor<1x4xf32> -> tensor<1x4xf32>
  %q = qnt.fake_quant %c1 bits = 8 : tensor<1x4xf32>
  "test.probe"(%c1) : (tensor<1x4xf32>) -> ()
  "test.probe"(%c2) : (tensor<1x4xf32>) -> ()
  "test.probe"(%r) : (tensor<1x4xf32>) -> ()
  "test.probe"(%s) : (tensor<1x4xf32>) -> ()
  "test.probe"(%k) : (tensor<1x4xf32>) -> ()
  "test.probe"(%q) : (tensor<1x4xf32>) -> ()
  return
}

// -----

// A group with an unknown member has an unknown range, even where one
// member's own range is known.
// CHECK-LABEL: func.func @negative_unknown_member
// CHECK: group = "0/3 unknown", range = "[0, 1]"
func.func @negative_unknown_member(%x: tensor<1x2xf32>, %u: tensor<1x2xf32>) {
  %a = qnt.assume_range %x min = 0.0 max = 1.0 : tensor<1x2xf32>
  %qa = qnt.fake_quant %a bits = 8 : tensor<1x2xf32>
  %qu = qnt.fake_quant %u bits = 8 : tensor<1x2xf32>
  %c = qnt.concat %qa, %qu axis = 1 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  "test.probe"(%qa) : (tensor<1x2xf32>) -> ()
  return
}

// -----

// The accumulator scale s_x * s_w of a conv2d or matmul comes from the grids
// of its input and weight. Here the matmul's lhs is a reshape of a concat,
// so its input grid is the concat's group (0); its weight quantizer is
// group 2 (the matmul's result is group 1). The conv's are its two
// quantizers (4 and 5); its bias is on no grid of its own.
// CHECK-LABEL: func.func @accumulator
// CHECK: group = "0/4
// CHECK: accumulator = "0 x 2", group = "1/1
// CHECK: accumulator = "4 x 5", group = "3/1
func.func @accumulator(%x: tensor<1x2xf32>, %y: tensor<1x2xf32>, %i: tensor<1x1x4x4xf32>) {
  %qx = qnt.fake_quant %x bits = 8 : tensor<1x2xf32>
  %qy = qnt.fake_quant %y bits = 8 : tensor<1x2xf32>
  %c = qnt.concat %qx, %qy axis = 1 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  %r = qnt.reshape %c : tensor<1x4xf32> -> tensor<2x2xf32>
  %w = arith.constant dense<0.5> : tensor<2x3xf32>
  %wq = qnt.fake_quant %w bits = 8 signed symmetric : tensor<2x3xf32>
  %m = qnt.matmul %r, %wq : (tensor<2x2xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %qi = qnt.fake_quant %i bits = 8 : tensor<1x1x4x4xf32>
  %k = arith.constant dense<0.5> : tensor<2x1x1x1xf32>
  %kq = qnt.fake_quant %k bits = 8 signed symmetric axis = 0 : tensor<2x1x1x1xf32>
  %b = arith.constant dense<0.25> : tensor<2xf32>
  %v = qnt.conv2d %qi, %kq, %b strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  "test.probe"(%c) : (tensor<1x4xf32>) -> ()
  "test.probe"(%m) : (tensor<2x3xf32>) -> ()
  "test.probe"(%v) : (tensor<1x2x4x4xf32>) -> ()
  return
}
