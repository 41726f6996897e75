// RUN: quant-opt %s -split-input-file -qnt-quantize | FileCheck %s
// RUN: quant-opt %s -split-input-file -qnt-quantize=rounding=double_round | FileCheck %s --check-prefix=DOUBLE

// Conv with bias and fused ReLU6, per-channel weights. Hand-computed:
// weights 1.0 / 0.25 = 4 and -0.3 / 0.1 = -3; accumulator scales
// 0.5 * 0.25 = 0.125 and 0.5 * 0.1 = 0.05; biases 0.3 / 0.125 = 2.4 -> 2 and
// -1.0 / 0.05 = -20. The fused clamp becomes a qnt.clamp on the output grid.
// CHECK-LABEL: func.func @conv_bias_relu6
// CHECK-SAME: (%[[ARG:.*]]: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32>
// CHECK-NOT: qnt.rounding
// CHECK-DAG: %[[X:.*]] = qnt.quantize %[[ARG]] : tensor<1x1x2x2xf32> -> tensor<1x1x2x2x!quant.uniform<u8:f32, 5.000000e-01:10>>
// CHECK-DAG: %[[WI:.*]] = arith.constant dense<{{\[\[\[\[}}4]]], {{\[\[\[}}-3]]]]> : tensor<2x1x1x1xi8>
// CHECK-DAG: %[[W:.*]] = quant.scast %[[WI]] : tensor<2x1x1x1xi8> to tensor<2x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {2.500000e-01,1.000000e-01}>>
// CHECK-DAG: %[[BI:.*]] = arith.constant dense<[2, -20]> : tensor<2xi32>
// CHECK-DAG: %[[B:.*]] = quant.scast %[[BI]] : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {1.250000e-01,5.000000e-02}>>
// CHECK: %[[ACC:.*]] = qnt.conv2d %[[X]], %[[W]], %[[B]] strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 :
// CHECK-SAME: -> tensor<1x2x2x2x!quant.uniform<i32:f32:1, {1.250000e-01,5.000000e-02}>>
// CHECK: %[[R:.*]] = qnt.requantize %[[ACC]] rounding = <single_round> : {{.*}} -> tensor<1x2x2x2x!quant.uniform<u8:f32, 5.000000e-02>>
// CHECK: %[[C:.*]] = qnt.clamp %[[R]] min = 0.000000e+00 max = 6.000000e+00 : tensor<1x2x2x2x!quant.uniform<u8:f32, 5.000000e-02>> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 5.000000e-02>>
// CHECK: %[[O:.*]] = qnt.dequantize %[[C]] : tensor<1x2x2x2x!quant.uniform<u8:f32, 5.000000e-02>> -> tensor<1x2x2x2xf32>
// CHECK: return %[[O]]
// The option overrides the function's attribute.
// DOUBLE-LABEL: func.func @conv_bias_relu6
// DOUBLE: qnt.requantize %{{.*}} rounding = <double_round>
func.func @conv_bias_relu6(%arg0: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32>
    attributes {qnt.rounding = #qnt.rounding<single_round>} {
  %x = qnt.fake_quant %arg0 bits = 8 scale = [0.5] zero_point = [10] : tensor<1x1x2x2xf32>
  %w = arith.constant dense<[[[[1.0]]], [[[-0.3]]]]> : tensor<2x1x1x1xf32>
  %wq = qnt.fake_quant %w bits = 8 signed symmetric narrow_range axis = 0 scale = [0.25, 0.1] zero_point = [0, 0] : tensor<2x1x1x1xf32>
  %b = arith.constant dense<[0.3, -1.0]> : tensor<2xf32>
  %c = qnt.conv2d %x, %wq, %b strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 fused_clamp(0.0, 6.0) : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %s = qnt.stats %c min = 0.0 max = 6.0 count = 8 : tensor<1x2x2x2xf32>
  %y = qnt.fake_quant %s bits = 8 scale = [0.05] zero_point = [0] : tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Matmul, per-tensor weights (0.5 / 0.125 = 4, ...), no bias, a standalone
// ReLU between the layer and its quantizer: requantization to the
// quantizer's grid, then the ReLU on that grid. Default rounding.
// CHECK-LABEL: func.func @matmul_per_tensor_relu
// CHECK: %[[X:.*]] = qnt.quantize %{{.*}} -> tensor<?x2x!quant.uniform<u8:f32, 1.000000e-01>>
// CHECK: %[[WI:.*]] = arith.constant dense<{{\[\[}}4, -4], [2, 8]]> : tensor<2x2xi8>
// CHECK: %[[W:.*]] = quant.scast %[[WI]] : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8:f32, 1.250000e-01>>
// CHECK: %[[ACC:.*]] = qnt.matmul %[[X]], %[[W]] : {{.*}} -> tensor<?x2x!quant.uniform<i32:f32, 1.250000e-02>>
// CHECK: %[[R:.*]] = qnt.requantize %[[ACC]] rounding = <half_to_even> : {{.*}} -> tensor<?x2x!quant.uniform<u8:f32, 2.000000e-01:128>>
// CHECK: %[[RELU:.*]] = qnt.relu %[[R]] : tensor<?x2x!quant.uniform<u8:f32, 2.000000e-01:128>> -> tensor<?x2x!quant.uniform<u8:f32, 2.000000e-01:128>>
// CHECK: %[[O:.*]] = qnt.dequantize %[[RELU]]
// CHECK: return %[[O]]
// DOUBLE-LABEL: func.func @matmul_per_tensor_relu
// DOUBLE: qnt.requantize %{{.*}} rounding = <double_round>
func.func @matmul_per_tensor_relu(%arg0: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %x = qnt.fake_quant %arg0 bits = 8 scale = [0.1] zero_point = [0] : tensor<?x2xf32>
  %w = arith.constant dense<[[0.5, -0.5], [0.25, 1.0]]> : tensor<2x2xf32>
  %wq = qnt.fake_quant %w bits = 8 signed symmetric scale = [0.125] zero_point = [0] : tensor<2x2xf32>
  %m = qnt.matmul %x, %wq : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  %r = qnt.relu %m : tensor<?x2xf32> -> tensor<?x2xf32>
  %y = qnt.fake_quant %r bits = 8 scale = [0.2] zero_point = [128] : tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// Matmul with transpose_rhs, per-channel weights along N (axis 0 of the
// transposed rhs) and bias. Weights: row 0 / 0.5 = [2, -4, 1.5 -> 2 (tie to
// even)], row 1 / 0.25 = [1.2 -> 1, 0.4 -> 0, -0.8 -> -1]. Accumulator scales
// 0.05 and 0.025; biases 1.0 / 0.05 = 20, -0.5 / 0.025 = -20. The
// accumulator is a function result: dequantized.
// CHECK-LABEL: func.func @matmul_per_channel
// CHECK-DAG: %[[WI:.*]] = arith.constant dense<{{\[\[}}2, -4, 2], [1, 0, -1]]> : tensor<2x3xi8>
// CHECK-DAG: %[[W:.*]] = quant.scast %[[WI]] : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01}>>
// CHECK-DAG: %[[BI:.*]] = arith.constant dense<[20, -20]> : tensor<2xi32>
// CHECK-DAG: %[[B:.*]] = quant.scast %[[BI]] : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {5.000000e-02,2.500000e-02}>>
// CHECK: %[[ACC:.*]] = qnt.matmul %{{.*}}, %[[W]], %[[B]] transpose_rhs : {{.*}} -> tensor<4x2x!quant.uniform<i32:f32:1, {5.000000e-02,2.500000e-02}>>
// CHECK: %[[O:.*]] = qnt.dequantize %[[ACC]] : tensor<4x2x!quant.uniform<i32:f32:1, {5.000000e-02,2.500000e-02}>> -> tensor<4x2xf32>
// CHECK: return %[[O]]
func.func @matmul_per_channel(%arg0: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %x = qnt.fake_quant %arg0 bits = 8 scale = [0.1] zero_point = [0] : tensor<4x3xf32>
  %w = arith.constant dense<[[1.0, -2.0, 0.75], [0.3, 0.1, -0.2]]> : tensor<2x3xf32>
  %wq = qnt.fake_quant %w bits = 8 signed symmetric axis = 0 scale = [0.5, 0.25] zero_point = [0, 0] : tensor<2x3xf32>
  %b = arith.constant dense<[1.0, -0.5]> : tensor<2xf32>
  %m = qnt.matmul %x, %wq, %b transpose_rhs : (tensor<4x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %m : tensor<4x2xf32>
}

// -----

// Add of two grids onto its quantizer's grid, then a ReLU on that grid
// (as the example models' residual blocks).
// CHECK-LABEL: func.func @add_relu
// CHECK: %[[A:.*]] = qnt.quantize %arg0 : tensor<8xf32> -> tensor<8x!quant.uniform<u8:f32, 1.000000e-01:3>>
// CHECK: %[[B:.*]] = qnt.quantize %arg1 : tensor<8xf32> -> tensor<8x!quant.uniform<i8:f32, 2.000000e-01>>
// CHECK: %[[S:.*]] = qnt.add %[[A]], %[[B]] : (tensor<8x!quant.uniform<u8:f32, 1.000000e-01:3>>, tensor<8x!quant.uniform<i8:f32, 2.000000e-01>>) -> tensor<8x!quant.uniform<u8:f32, 3.000000e-01:40>>
// CHECK: %[[R:.*]] = qnt.relu %[[S]] : tensor<8x!quant.uniform<u8:f32, 3.000000e-01:40>> -> tensor<8x!quant.uniform<u8:f32, 3.000000e-01:40>>
// CHECK: %[[O:.*]] = qnt.dequantize %[[R]]
// CHECK: return %[[O]]
func.func @add_relu(%arg0: tensor<8xf32>, %arg1: tensor<8xf32>) -> tensor<8xf32> {
  %a = qnt.fake_quant %arg0 bits = 8 scale = [0.1] zero_point = [3] : tensor<8xf32>
  %b = qnt.fake_quant %arg1 bits = 8 signed scale = [0.2] zero_point = [0] : tensor<8xf32>
  %s = qnt.add %a, %b : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %sq = qnt.fake_quant %s bits = 8 scale = [0.3] zero_point = [40] : tensor<8xf32>
  %r = qnt.relu %sq : tensor<8xf32> -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// An add whose result has a user besides its quantizer stays float: the
// other user sees the unquantized sum.
// CHECK-LABEL: func.func @add_two_users
// CHECK: %[[A:.*]] = qnt.quantize %arg0
// CHECK: %[[AF:.*]] = qnt.dequantize %[[A]]
// CHECK: %[[S:.*]] = qnt.add %[[AF]], %[[AF]] : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
// CHECK: %[[SQ:.*]] = qnt.quantize %[[S]] : tensor<8xf32> -> tensor<8x!quant.uniform<u8:f32, 3.000000e-01>>
// CHECK: %[[SF:.*]] = qnt.dequantize %[[SQ]]
// CHECK: return %[[SF]], %[[S]]
func.func @add_two_users(%arg0: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %a = qnt.fake_quant %arg0 bits = 8 scale = [0.1] zero_point = [0] : tensor<8xf32>
  %s = qnt.add %a, %a : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %sq = qnt.fake_quant %s bits = 8 scale = [0.3] zero_point = [0] : tensor<8xf32>
  return %sq, %s : tensor<8xf32>, tensor<8xf32>
}

// -----

// Global average pooling onto its quantizer's grid.
// CHECK-LABEL: func.func @global_avg_pool
// CHECK: %[[X:.*]] = qnt.quantize %arg0 : tensor<?x4x3x3xf32> -> tensor<?x4x3x3x!quant.uniform<u8:f32, 2.000000e-02>>
// CHECK: %[[G:.*]] = qnt.global_avg_pool %[[X]] : tensor<?x4x3x3x!quant.uniform<u8:f32, 2.000000e-02>> -> tensor<?x4x1x1x!quant.uniform<u8:f32, 1.000000e-02:5>>
// CHECK: qnt.dequantize %[[G]]
func.func @global_avg_pool(%arg0: tensor<?x4x3x3xf32>) -> tensor<?x4x1x1xf32> {
  %x = qnt.fake_quant %arg0 bits = 8 scale = [0.02] zero_point = [0] : tensor<?x4x3x3xf32>
  %g = qnt.global_avg_pool %x : tensor<?x4x3x3xf32> -> tensor<?x4x1x1xf32>
  %gq = qnt.fake_quant %g bits = 8 scale = [0.01] zero_point = [5] : tensor<?x4x1x1xf32>
  return %gq : tensor<?x4x1x1xf32>
}

// -----

// Flatten (reshape) and max pooling move stored integers on the input's
// grid; a quantizer of another grid after them requantizes; a quantizer of
// the same grid is the identity.
// CHECK-LABEL: func.func @reshape_pool
// CHECK: %[[X:.*]] = qnt.quantize %arg0 : tensor<?x2x2x2xf32> -> tensor<?x2x2x2x!quant.uniform<i8:f32, 5.000000e-02:-3>>
// CHECK: %[[P:.*]] = qnt.max_pool2d %[[X]] {{.*}} : tensor<?x2x2x2x!quant.uniform<i8:f32, 5.000000e-02:-3>> -> tensor<?x2x1x1x!quant.uniform<i8:f32, 5.000000e-02:-3>>
// CHECK: %[[F:.*]] = qnt.reshape %[[P]] : tensor<?x2x1x1x!quant.uniform<i8:f32, 5.000000e-02:-3>> -> tensor<?x2x!quant.uniform<i8:f32, 5.000000e-02:-3>>
// CHECK-DAG: %[[O1:.*]] = qnt.dequantize %[[F]] : tensor<?x2x!quant.uniform<i8:f32, 5.000000e-02:-3>> -> tensor<?x2xf32>
// CHECK-DAG: %[[R:.*]] = qnt.requantize %[[F]] rounding = <half_to_even> : tensor<?x2x!quant.uniform<i8:f32, 5.000000e-02:-3>> -> tensor<?x2x!quant.uniform<u8:f32, 1.000000e-01>>
// CHECK-DAG: %[[O2:.*]] = qnt.dequantize %[[R]]
// CHECK: return %[[O1]], %[[O2]]
func.func @reshape_pool(%arg0: tensor<?x2x2x2xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>) {
  %x = qnt.fake_quant %arg0 bits = 8 signed scale = [0.05] zero_point = [-3] : tensor<?x2x2x2xf32>
  %p = qnt.max_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] : tensor<?x2x2x2xf32> -> tensor<?x2x1x1xf32>
  %f = qnt.reshape %p : tensor<?x2x1x1xf32> -> tensor<?x2xf32>
  %same = qnt.fake_quant %f bits = 8 signed scale = [0.05] zero_point = [-3] : tensor<?x2xf32>
  %other = qnt.fake_quant %f bits = 8 scale = [0.1] zero_point = [0] : tensor<?x2xf32>
  return %same, %other : tensor<?x2xf32>, tensor<?x2xf32>
}

// -----

// Concat of one grid copies integers; concat of two grids stays float.
// CHECK-LABEL: func.func @concat
// CHECK-DAG: %[[A:.*]] = qnt.quantize %arg0 : tensor<1x2xf32> -> tensor<1x2x!quant.uniform<u8:f32, 1.000000e-01>>
// CHECK-DAG: %[[B:.*]] = qnt.quantize %arg1 : tensor<1x2xf32> -> tensor<1x2x!quant.uniform<u8:f32, 1.000000e-01>>
// CHECK-DAG: %[[C:.*]] = qnt.quantize %arg1 : tensor<1x2xf32> -> tensor<1x2x!quant.uniform<u8:f32, 2.000000e-01>>
// CHECK-DAG: %[[AF:.*]] = qnt.dequantize %[[A]]
// CHECK-DAG: %[[CF:.*]] = qnt.dequantize %[[C]]
// CHECK: %[[SAME:.*]] = qnt.concat %[[A]], %[[B]] axis = 1 : (tensor<1x2x!quant.uniform<u8:f32, 1.000000e-01>>, tensor<1x2x!quant.uniform<u8:f32, 1.000000e-01>>) -> tensor<1x4x!quant.uniform<u8:f32, 1.000000e-01>>
// CHECK: %[[SF:.*]] = qnt.dequantize %[[SAME]]
// CHECK: %[[MIXED:.*]] = qnt.concat %[[AF]], %[[CF]] axis = 1 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
// CHECK: return %[[SF]], %[[MIXED]]
func.func @concat(%arg0: tensor<1x2xf32>, %arg1: tensor<1x2xf32>) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
  %a = qnt.fake_quant %arg0 bits = 8 scale = [0.1] zero_point = [0] : tensor<1x2xf32>
  %b = qnt.fake_quant %arg1 bits = 8 scale = [0.1] zero_point = [0] : tensor<1x2xf32>
  %c = qnt.fake_quant %arg1 bits = 8 scale = [0.2] zero_point = [0] : tensor<1x2xf32>
  %same = qnt.concat %a, %b axis = 1 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  %mixed = qnt.concat %a, %c axis = 1 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  return %same, %mixed : tensor<1x4xf32>, tensor<1x4xf32>
}

// -----

// A float-only op without a quantizer after it stays float; so does a
// clamp on a grid (the simulation clamps the real value, not the grid).
// CHECK-LABEL: func.func @float_only
// CHECK: %[[X:.*]] = qnt.quantize %arg0
// CHECK: %[[XF:.*]] = qnt.dequantize %[[X]] : tensor<2x5x!quant.uniform<u8:f32, 1.000000e-01>> -> tensor<2x5xf32>
// CHECK: %[[S:.*]] = qnt.softmax %[[XF]] axis = 1 : tensor<2x5xf32> -> tensor<2x5xf32>
// CHECK: %[[C:.*]] = qnt.clamp %[[XF]] min = 5.000000e-02 max = 1.000000e+00 : tensor<2x5xf32> -> tensor<2x5xf32>
// CHECK: return %[[S]], %[[C]]
func.func @float_only(%arg0: tensor<2x5xf32>) -> (tensor<2x5xf32>, tensor<2x5xf32>) {
  %x = qnt.fake_quant %arg0 bits = 8 scale = [0.1] zero_point = [0] : tensor<2x5xf32>
  %s = qnt.softmax %x axis = 1 : tensor<2x5xf32> -> tensor<2x5xf32>
  %c = qnt.clamp %x min = 0.05 max = 1.0 : tensor<2x5xf32> -> tensor<2x5xf32>
  return %s, %c : tensor<2x5xf32>, tensor<2x5xf32>
}

// -----

// A layer whose input is not on a grid stays float; its weight is
// dequantized from the integer constants (what the simulation uses).
// CHECK-LABEL: func.func @float_layer
// CHECK: %[[WI:.*]] = arith.constant dense<{{\[\[}}1, 2], [3, 4]]> : tensor<2x2xi8>
// CHECK: %[[W:.*]] = quant.scast %[[WI]]
// CHECK: %[[WF:.*]] = qnt.dequantize %[[W]] : tensor<2x2x!quant.uniform<i8:f32, 1.000000e+00>> -> tensor<2x2xf32>
// CHECK: %[[M:.*]] = qnt.matmul %arg0, %[[WF]] : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
// CHECK: qnt.quantize %[[M]]
func.func @float_layer(%arg0: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %wq = qnt.fake_quant %w bits = 8 signed scale = [1.0] zero_point = [0] : tensor<2x2xf32>
  %m = qnt.matmul %arg0, %wq : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %y = qnt.fake_quant %m bits = 8 scale = [0.1] zero_point = [0] : tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// The accumulator with a second, float user: that user sees the
// dequantized accumulator.
// CHECK-LABEL: func.func @accumulator_two_users
// CHECK: %[[ACC:.*]] = qnt.matmul
// CHECK: %[[AF:.*]] = qnt.dequantize %[[ACC]] : tensor<1x2x!quant.uniform<i32:f32, 1.000000e-01>> -> tensor<1x2xf32>
// CHECK: %[[R:.*]] = qnt.requantize %[[ACC]]
// CHECK: %[[T:.*]] = qnt.tanh %[[AF]]
// CHECK: return %{{.*}}, %[[T]]
func.func @accumulator_two_users(%arg0: tensor<1x2xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %x = qnt.fake_quant %arg0 bits = 8 signed scale = [0.1] zero_point = [0] : tensor<1x2xf32>
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %wq = qnt.fake_quant %w bits = 8 signed scale = [1.0] zero_point = [0] : tensor<2x2xf32>
  %m = qnt.matmul %x, %wq : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %y = qnt.fake_quant %m bits = 8 scale = [0.1] zero_point = [0] : tensor<1x2xf32>
  %t = qnt.tanh %m : tensor<1x2xf32> -> tensor<1x2xf32>
  return %y, %t : tensor<1x2xf32>, tensor<1x2xf32>
}
