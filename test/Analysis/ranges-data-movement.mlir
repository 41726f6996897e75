// RUN: quant-opt %s --allow-unregistered-dialect --test-print-ranges | FileCheck %s

// Pooling, reductions and data movement keep the input range (maximum and
// means of values in [lo, hi] stay in [lo, hi]); concat joins its inputs.

// Input [-1, 3] everywhere.
// CHECK-LABEL: func.func @keep
// CHECK-COUNT-8: range = "[-1, 3]"
// CHECK-NOT: range
func.func @keep(%x: tensor<1x2x4x4xf32>) {
  %x1 = qnt.assume_range %x min = -1.0 max = 3.0 : tensor<1x2x4x4xf32>
  %mp = qnt.max_pool2d %x1 kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1]
        : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  // Padding never wins in a max pool.
  %mpp = qnt.max_pool2d %x1 kernel = [3, 3] strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1]
         : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %ap = qnt.avg_pool2d %x1 kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0]
        : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %gap = qnt.global_avg_pool %x1 : tensor<1x2x4x4xf32> -> tensor<1x2x1x1xf32>
  %rm = qnt.reduce_mean %x1 axes = [2, 3] : tensor<1x2x4x4xf32> -> tensor<1x2xf32>
  %rs = qnt.reshape %x1 : tensor<1x2x4x4xf32> -> tensor<2x16xf32>
  %tr = qnt.transpose %x1 permutation = [0, 2, 3, 1] : tensor<1x2x4x4xf32> -> tensor<1x4x4x2xf32>
  %sl = qnt.slice %x1 offsets = [0, 1, 0, 0] strides = [1, 1, 2, 2] : tensor<1x2x4x4xf32> -> tensor<1x1x2x2xf32>
  "test.probe"(%mp) : (tensor<1x2x2x2xf32>) -> ()
  "test.probe"(%mpp) : (tensor<1x2x4x4xf32>) -> ()
  "test.probe"(%ap) : (tensor<1x2x2x2xf32>) -> ()
  "test.probe"(%gap) : (tensor<1x2x1x1xf32>) -> ()
  "test.probe"(%rm) : (tensor<1x2xf32>) -> ()
  "test.probe"(%rs) : (tensor<2x16xf32>) -> ()
  "test.probe"(%tr) : (tensor<1x4x4x2xf32>) -> ()
  "test.probe"(%sl) : (tensor<1x1x2x2xf32>) -> ()
  return
}

// An average pool over padding that counts the padding zeros: input [1, 3]
// joined with 0. Without count_include_pad the padding does not count:
// [1, 3].
// CHECK-LABEL: func.func @avg_pool_padding
// CHECK: range = "[0, 3]"
// CHECK: range = "[1, 3]"
func.func @avg_pool_padding(%x: tensor<1x2x4x4xf32>) {
  %x1 = qnt.assume_range %x min = 1.0 max = 3.0 : tensor<1x2x4x4xf32>
  %a = qnt.avg_pool2d %x1 kernel = [3, 3] strides = [1, 1] pads = [1, 1, 1, 1] count_include_pad
       : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %b = qnt.avg_pool2d %x1 kernel = [3, 3] strides = [1, 1] pads = [1, 1, 1, 1]
       : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  "test.probe"(%a) : (tensor<1x2x4x4xf32>) -> ()
  "test.probe"(%b) : (tensor<1x2x4x4xf32>) -> ()
  return
}

// concat joins [0, 1] and [2, 5]: [0, 5]. One unknown input makes it
// unknown.
// CHECK-LABEL: func.func @concat
// CHECK: range = "[0, 5]"
// CHECK: range = "unknown"
func.func @concat(%x: tensor<1x2xf32>, %y: tensor<1x3xf32>, %u: tensor<1x3xf32>) {
  %x1 = qnt.assume_range %x min = 0.0 max = 1.0 : tensor<1x2xf32>
  %y1 = qnt.assume_range %y min = 2.0 max = 5.0 : tensor<1x3xf32>
  %c = qnt.concat %x1, %y1 axis = 1 : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
  %d = qnt.concat %x1, %u axis = 1 : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
  "test.probe"(%c) : (tensor<1x5xf32>) -> ()
  "test.probe"(%d) : (tensor<1x5xf32>) -> ()
  return
}

// Unknown inputs stay unknown through data movement.
// CHECK-LABEL: func.func @negative_keep_unknown
// CHECK: range = "unknown"
// CHECK: range = "unknown"
func.func @negative_keep_unknown(%x: tensor<1x2x4x4xf32>) {
  %mp = qnt.max_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1]
        : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %rs = qnt.reshape %mp : tensor<1x2x2x2xf32> -> tensor<1x8xf32>
  "test.probe"(%mp) : (tensor<1x2x2x2xf32>) -> ()
  "test.probe"(%rs) : (tensor<1x8xf32>) -> ()
  return
}

// The quantized form. A quantized value holds real values:
// - quantize [0, 1] onto u8 scale 0.1: [0, 1]; [-1, 30] saturates to
//   [(0 - 0) 0.1, (255 - 0) 0.1] = [0, 25.5];
// - data movement keeps them: a reshape of the first is [0, 1];
// - dequantize gives them back as float: [0, 25.5];
// - requantize i8 scale 0.5 ([-64, 63.5]) to i8 scale 1: rounding -64 and
//   63.5 down and up onto the new grid: [-64, 64];
// - every other quantized op gives its grid: add onto u8 0.25:128:
//   [-128 * 0.25, 127 * 0.25] = [-32, 31.75];
// - per-axis grids join their channels: i8 {0.5:0, 2.0:1} gives [-64, 63.5]
//   and [-258, 252].
// CHECK-LABEL: func.func @quantized
// CHECK: range = "[0, 1]"
// CHECK: range = "[0, 25.5]"
// CHECK: range = "[0, 1]"
// CHECK: range = "[0, 25.5]"
// CHECK: range = "[-64, 64]"
// CHECK: range = "[-32, 31.75]"
// CHECK: range = "[-258, 252]"
func.func @quantized(%x: tensor<4xf32>, %y: tensor<4xf32>,
                     %q: tensor<4x!quant.uniform<i8:f32, 0.5>>,
                     %p: tensor<2x2x!quant.uniform<i8:f32:0, {0.5:0, 2.0:1}>>) {
  %x1 = qnt.assume_range %x min = 0.0 max = 1.0 : tensor<4xf32>
  %y1 = qnt.assume_range %y min = -1.0 max = 30.0 : tensor<4xf32>
  %a = qnt.quantize %x1 : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.1>>
  %b = qnt.quantize %y1 : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.1>>
  %r = qnt.reshape %a : tensor<4x!quant.uniform<u8:f32, 0.1>> -> tensor<2x2x!quant.uniform<u8:f32, 0.1>>
  %d = qnt.dequantize %b : tensor<4x!quant.uniform<u8:f32, 0.1>> -> tensor<4xf32>
  %rq = qnt.requantize %q rounding = <half_to_even>
        : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 1.0>>
  %s = qnt.add %a, %b : (tensor<4x!quant.uniform<u8:f32, 0.1>>, tensor<4x!quant.uniform<u8:f32, 0.1>>)
       -> tensor<4x!quant.uniform<u8:f32, 0.25:128>>
  "test.probe"(%a) : (tensor<4x!quant.uniform<u8:f32, 0.1>>) -> ()
  "test.probe"(%b) : (tensor<4x!quant.uniform<u8:f32, 0.1>>) -> ()
  "test.probe"(%r) : (tensor<2x2x!quant.uniform<u8:f32, 0.1>>) -> ()
  "test.probe"(%d) : (tensor<4xf32>) -> ()
  "test.probe"(%rq) : (tensor<4x!quant.uniform<i8:f32, 1.0>>) -> ()
  "test.probe"(%s) : (tensor<4x!quant.uniform<u8:f32, 0.25:128>>) -> ()
  "test.probe"(%p) : (tensor<2x2x!quant.uniform<i8:f32:0, {0.5:0, 2.0:1}>>) -> ()
  return
}

// The accumulator of a quantized conv: i32 with scale 0.5 * 0.25 = 0.125,
// [-2^31 * 0.125, (2^31 - 1) * 0.125].
// CHECK-LABEL: func.func @accumulator
// CHECK: range = "[-2.68435e+08, 2.68435e+08]"
func.func @accumulator(%x: tensor<1x1x3x3x!quant.uniform<u8:f32, 0.5:128>>) {
  %w = arith.constant dense<1> : tensor<1x1x1x1xi8>
  %wq = quant.scast %w : tensor<1x1x1x1xi8> to tensor<1x1x1x1x!quant.uniform<i8:f32, 0.25>>
  %acc = qnt.conv2d %x, %wq strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
         : (tensor<1x1x3x3x!quant.uniform<u8:f32, 0.5:128>>, tensor<1x1x1x1x!quant.uniform<i8:f32, 0.25>>)
           -> tensor<1x1x3x3x!quant.uniform<i32:f32, 0.125>>
  "test.probe"(%acc) : (tensor<1x1x3x3x!quant.uniform<i32:f32, 0.125>>) -> ()
  return
}
