// RUN: quant-opt %s --split-input-file --convert-qnt-to-linalg | FileCheck %s
// RUN: quant-opt %s --split-input-file --convert-qnt-to-linalg=rounding=float | FileCheck %s --check-prefix=FLOAT

// The simulation of an integer target (docs/Numerics.md section 11): with
// qnt.rounding, a matmul between fake-quantized operands accumulates the
// integers roundeven(x / s) in i32 from a bias quantized in f64, and the
// quantizer after it requantizes the accumulator in that rounding mode
// (M = 0.5 * 0.25 / 0.5 = 0.25: multiplier 2^30, shift 32), the ReLU
// between them becoming the clamp [z, q_max] - z = [0, 250].

// CHECK-LABEL: func.func @matmul
// CHECK: math.roundeven
// CHECK: arith.fptosi %{{.*}} : f32 to i32
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: arith.divf %{{.*}}, %{{.*}} : f64
// CHECK: math.roundeven %{{.*}} : f64
// CHECK: arith.fptosi %{{.*}} : f64 to i32
// CHECK: ^bb0(%[[A:.*]]: i32, %[[B:.*]]: i32, %[[ACC:.*]]: i32):
// CHECK-NEXT: %[[P:.*]] = arith.muli %[[A]], %[[B]] : i32
// CHECK-NEXT: arith.addi %[[ACC]], %[[P]] : i32
// CHECK-DAG: arith.constant 1073741824 : i64
// CHECK-DAG: arith.constant 32 : i64
// CHECK-DAG: arith.constant 250 : i64
// CHECK: arith.shrsi
// FLOAT-LABEL: func.func @matmul
// FLOAT-NOT: arith.muli {{.*}} : i32
// FLOAT-NOT: arith.shrsi
// FLOAT-LABEL: func.func @requantize
func.func @matmul(%x: tensor<?x4xf32>) -> tensor<?x2xf32> attributes {qnt.rounding = #qnt.rounding<single_round>} {
  %w0 = arith.constant dense<[[0.5, -1.0], [0.25, 2.0], [1.0, 0.0], [-0.75, 0.5]]> : tensor<4x2xf32>
  %b = arith.constant dense<[0.3, -0.1]> : tensor<2xf32>
  %xq = qnt.fake_quant %x bits = 8 scale = [0.5] zero_point = [3] : tensor<?x4xf32>
  %w = qnt.fake_quant %w0 bits = 8 signed symmetric scale = [0.25] zero_point = [0] : tensor<4x2xf32>
  %m = qnt.matmul %xq, %w, %b : (tensor<?x4xf32>, tensor<4x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %r = qnt.relu %m : tensor<?x2xf32> -> tensor<?x2xf32>
  %y = qnt.fake_quant %r bits = 8 scale = [0.5] zero_point = [5] : tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// A quantizer on another quantizer's grid (through a reshape) is a
// requantization in the rounding mode: here half_to_even, f32(M) = 2.5.

// CHECK-LABEL: func.func @requantize
// CHECK: arith.constant 2.500000e+00 : f32
// CHECK: math.roundeven
func.func @requantize(%x: tensor<?x4xf32>) -> tensor<?x2x2xf32> attributes {qnt.rounding = #qnt.rounding<half_to_even>} {
  %a = qnt.fake_quant %x bits = 8 signed scale = [0.25] zero_point = [1] : tensor<?x4xf32>
  %r = qnt.reshape %a : tensor<?x4xf32> -> tensor<?x2x2xf32>
  %b = qnt.fake_quant %r bits = 8 scale = [0.1] zero_point = [7] : tensor<?x2x2xf32>
  return %b : tensor<?x2x2xf32>
}

// -----

// The rounding may also come from the module.

// CHECK-LABEL: func.func @from_module
// CHECK: arith.muli %{{.*}}, %{{.*}} : i32
module attributes {qnt.rounding = #qnt.rounding<double_round>} {
  func.func @from_module(%x: tensor<?x4xf32>, %w0: tensor<4x2xf32>) -> tensor<?x2xf32> {
    %xq = qnt.fake_quant %x bits = 8 scale = [0.5] zero_point = [3] : tensor<?x4xf32>
    %w = qnt.fake_quant %w0 bits = 8 signed symmetric scale = [0.25] zero_point = [0] : tensor<4x2xf32>
    %m = qnt.matmul %xq, %w : (tensor<?x4xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
    return %m : tensor<?x2xf32>
  }
}

// -----

// Annotations are the identity: with a qnt.stats between the layer and its
// quantizer and a qnt.assume_range on the input (as qnt-ptq-pipeline leaves
// them), the accumulator is still requantized in integers.

// CHECK-LABEL: func.func @through_annotations
// CHECK-NOT: qnt.stats
// CHECK-NOT: qnt.assume_range
// CHECK: arith.muli %{{.*}}, %{{.*}} : i32
// CHECK: arith.shrsi
// FLOAT-LABEL: func.func @through_annotations
// FLOAT-NOT: arith.shrsi
func.func @through_annotations(%x: tensor<?x4xf32>) -> tensor<?x2xf32> attributes {qnt.rounding = #qnt.rounding<single_round>} {
  %w0 = arith.constant dense<[[0.5, -1.0], [0.25, 2.0], [1.0, 0.0], [-0.75, 0.5]]> : tensor<4x2xf32>
  %xa = qnt.assume_range %x min = 0.0 max = 100.0 : tensor<?x4xf32>
  %xq = qnt.fake_quant %xa bits = 8 scale = [0.5] zero_point = [3] : tensor<?x4xf32>
  %w = qnt.fake_quant %w0 bits = 8 signed symmetric scale = [0.25] zero_point = [0] : tensor<4x2xf32>
  %m = qnt.matmul %xq, %w : (tensor<?x4xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
  %s = qnt.stats %m min = -1.0 max = 3.0 count = 4 histogram = [1, 1, 1, 1] : tensor<?x2xf32>
  %y = qnt.fake_quant %s bits = 8 scale = [0.5] zero_point = [5] : tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}
