// RUN: quant-opt %s --split-input-file --convert-qnt-to-fixed-point | FileCheck %s

// Requantization (docs/Numerics.md section 3): M = 0.125 / 0.5 = 0.25 is
// multiplier 2^30, shift 32. single_round: (i64(v) * m + 2^31) >> 32,
// clamped to [q_min - z_out, q_max - z_out], then + z_out.

!acc = !quant.uniform<i32:f32, 0.125>
!out = !quant.uniform<i8:f32, 0.5:-3>

// CHECK-LABEL: func.func @single_round
// CHECK-SAME: (%[[ARG:.*]]: tensor<4xi32>) -> tensor<4xi8>
// CHECK-DAG: %[[ZOUT:.*]] = arith.constant -3 : i32
// CHECK-DAG: %[[LO:.*]] = arith.constant -125 : i64
// CHECK-DAG: %[[HI:.*]] = arith.constant 130 : i64
// CHECK-DAG: %[[M:.*]] = arith.constant 1073741824 : i64
// CHECK-DAG: %[[T:.*]] = arith.constant 32 : i64
// CHECK-DAG: %[[R:.*]] = arith.constant 2147483648 : i64
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[ARG]] : tensor<4xi32>) outs(%{{.*}} : tensor<4xi8>)
// CHECK: ^bb0(%[[V:.*]]: i32, %{{.*}}: i8):
// CHECK-NEXT: %[[W:.*]] = arith.extsi %[[V]] : i32 to i64
// CHECK-NEXT: %[[P:.*]] = arith.muli %[[W]], %[[M]] : i64
// CHECK-NEXT: %[[S:.*]] = arith.addi %[[P]], %[[R]] : i64
// CHECK-NEXT: %[[SH:.*]] = arith.shrsi %[[S]], %[[T]] : i64
// CHECK-NEXT: %[[A:.*]] = arith.maxsi %[[SH]], %[[LO]] : i64
// CHECK-NEXT: %[[B:.*]] = arith.minsi %[[A]], %[[HI]] : i64
// CHECK-NEXT: %[[C:.*]] = arith.trunci %[[B]] : i64 to i32
// CHECK-NEXT: %[[Z:.*]] = arith.addi %[[C]], %[[ZOUT]] : i32
// CHECK-NEXT: %[[Q:.*]] = arith.trunci %[[Z]] : i32 to i8
// CHECK-NEXT: linalg.yield %[[Q]] : i8
func.func @single_round(%acc: tensor<4x!acc>) -> tensor<4x!out> {
  %r = qnt.requantize %acc rounding = <single_round> : tensor<4x!acc> -> tensor<4x!out>
  return %r : tensor<4x!out>
}

// -----

// double_round with shift 33 > 31 (M = 0.2) adds 2^30 for v >= 0 and
// subtracts it for v < 0.

!acc = !quant.uniform<i32:f32, 0.1>
!out = !quant.uniform<i8:f32, 0.5:-3>

// CHECK-LABEL: func.func @double_round
// CHECK-DAG: %[[M:.*]] = arith.constant 1717986918 : i64
// CHECK-DAG: %[[T:.*]] = arith.constant 33 : i64
// CHECK-DAG: %[[NUDGE:.*]] = arith.constant 1073741824 : i64
// CHECK: ^bb0(%[[V:.*]]: i32, %{{.*}}: i8):
// CHECK: %[[GE:.*]] = arith.cmpi sge, %[[V]], %{{.*}} : i32
// CHECK: %[[NEG:.*]] = arith.subi %{{.*}}, %[[NUDGE]] : i64
// CHECK: %[[SEL:.*]] = arith.select %[[GE]], %[[NUDGE]], %[[NEG]] : i64
// CHECK: arith.addi %{{.*}}, %[[SEL]] : i64
// CHECK: arith.shrsi
func.func @double_round(%acc: tensor<4x!acc>) -> tensor<4x!out> {
  %r = qnt.requantize %acc rounding = <double_round> : tensor<4x!acc> -> tensor<4x!out>
  return %r : tensor<4x!out>
}

// -----

// half_to_even: roundeven(f32(v - z_in) * f32(M)) in f32, the clamp in f32,
// here from an 8-bit input with a zero point. The clamp's operands are
// never NaN and a -0 converts like +0: it carries nnan and nsz (plain
// max/min instructions).

!in = !quant.uniform<u8:f32, 0.1:128>
!out = !quant.uniform<i8:f32, 0.3:5>

// CHECK-LABEL: func.func @half_to_even
// CHECK-DAG: %[[ZIN:.*]] = arith.constant 128 : i32
// CHECK-DAG: %[[M:.*]] = arith.constant 0.333333343 : f32
// CHECK: ^bb0(%[[Q:.*]]: i8, %{{.*}}: i8):
// CHECK-NEXT: %[[X:.*]] = arith.extui %[[Q]] : i8 to i32
// CHECK-NEXT: %[[V:.*]] = arith.subi %[[X]], %[[ZIN]] : i32
// CHECK-NEXT: %[[F:.*]] = arith.sitofp %[[V]] : i32 to f32
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[F]], %[[M]] : f32
// CHECK-NEXT: %[[R:.*]] = math.roundeven %[[P]] : f32
// CHECK-NEXT: %[[LO:.*]] = arith.maximumf %[[R]], %{{.*}} fastmath<nnan,nsz> : f32
// CHECK-NEXT: %[[HI:.*]] = arith.minimumf %[[LO]], %{{.*}} fastmath<nnan,nsz> : f32
// CHECK-NEXT: arith.fptosi %[[HI]]
func.func @half_to_even(%x: tensor<4x!in>) -> tensor<4x!out> {
  %r = qnt.requantize %x rounding = <half_to_even> : tensor<4x!in> -> tensor<4x!out>
  return %r : tensor<4x!out>
}

// -----

// A per-axis accumulator: one multiplier and shift per channel (dim 1),
// read from constant vectors in a per-channel generic.

!acc = !quant.uniform<i32:f32:1, {0.125, 0.0625, 0.375}>
!out = !quant.uniform<u8:f32, 0.5:10>

// CHECK: #[[CH:map[0-9]*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @per_channel
// CHECK-DAG: %[[M:.*]] = arith.constant dense<[1073741824, 1073741824, 1610612736]> : tensor<3xi64>
// CHECK-DAG: %[[T:.*]] = arith.constant dense<[32, 33, 31]> : tensor<3xi64>
// CHECK: linalg.generic {indexing_maps = [#{{map[0-9]*}}, #[[CH]], #[[CH]], #[[CH]], #[[CH]], #[[CH]], #[[CH]], #[[CH]], #[[CH]], #{{map[0-9]*}}]
// CHECK-SAME: ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[M]], %[[T]], %{{.*}}, %{{.*}} :
func.func @per_channel(%acc: tensor<2x3x!acc>) -> tensor<2x3x!out> {
  %r = qnt.requantize %acc rounding = <double_round> : tensor<2x3x!acc> -> tensor<2x3x!out>
  return %r : tensor<2x3x!out>
}

// -----

// A ReLU and a ReLU6 on the requantization's grid are fused into its
// clamp: [max(q_min, z), min(q_max, z + round_half_even(6 / s))] =
// [10, 22] minus z_out = [0, 12]; they lower to nothing.

!acc = !quant.uniform<i32:f32, 0.125>
!out = !quant.uniform<u8:f32, 0.5:10>

// CHECK-LABEL: func.func @fused_relu6
// CHECK-DAG: %[[LO:.*]] = arith.constant 0 : i64
// CHECK-DAG: %[[HI:.*]] = arith.constant 12 : i64
// CHECK: arith.maxsi %{{.*}}, %[[LO]] : i64
// CHECK: arith.minsi %{{.*}}, %[[HI]] : i64
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @fused_relu6(%acc: tensor<4x!acc>) -> tensor<4x!out> {
  %r = qnt.requantize %acc rounding = <single_round> : tensor<4x!acc> -> tensor<4x!out>
  %a = qnt.relu %r : tensor<4x!out> -> tensor<4x!out>
  %b = qnt.clamp %a min = 0.0 max = 6.0 : tensor<4x!out> -> tensor<4x!out>
  return %b : tensor<4x!out>
}

// -----

// Not fused: the requantization has a second user. The ReLU is an integer
// clamp of the stored (unsigned) values to [z, q_max].

!acc = !quant.uniform<i32:f32, 0.125>
!out = !quant.uniform<u8:f32, 0.5:10>

// CHECK-LABEL: func.func @unfused_relu
// CHECK: linalg.generic
// CHECK: arith.shrsi
// CHECK-DAG: %[[Z:.*]] = arith.constant 10 : i8
// CHECK-DAG: %[[MAX:.*]] = arith.constant -1 : i8
// CHECK: linalg.generic
// CHECK: arith.maxui %{{.*}}, %[[Z]] : i8
// CHECK: arith.minui %{{.*}}, %[[MAX]] : i8
func.func @unfused_relu(%acc: tensor<4x!acc>) -> (tensor<4x!out>, tensor<4x!out>) {
  %r = qnt.requantize %acc rounding = <single_round> : tensor<4x!acc> -> tensor<4x!out>
  %a = qnt.relu %r : tensor<4x!out> -> tensor<4x!out>
  return %a, %r : tensor<4x!out>, tensor<4x!out>
}

// -----

// qnt.quantize: clamp(roundeven(x / s) + z, q_min, q_max) in f32, then
// fptosi; qnt.dequantize: sitofp(q - z) * s.

!q = !quant.uniform<i8:f32, 0.25:-3>

// CHECK-LABEL: func.func @quantize_dequantize
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: i8):
// CHECK-NEXT: %[[D:.*]] = arith.divf %[[X]], %{{.*}} : f32
// CHECK-NEXT: %[[R:.*]] = math.roundeven %[[D]] : f32
// CHECK-NEXT: %[[Z:.*]] = arith.addf %[[R]], %{{.*}} : f32
// CHECK: arith.maximumf %[[Z]]
// CHECK: arith.minimumf
// CHECK: arith.fptosi %{{.*}} : f32 to i32
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK: ^bb0(%[[Q:.*]]: i8, %{{.*}}: f32):
// CHECK-NEXT: %[[E:.*]] = arith.extsi %[[Q]] : i8 to i32
// CHECK-NEXT: %[[S:.*]] = arith.subi %[[E]], %{{.*}} : i32
// CHECK-NEXT: %[[F:.*]] = arith.sitofp %[[S]] : i32 to f32
// CHECK-NEXT: arith.mulf %[[F]], %{{.*}} : f32
func.func @quantize_dequantize(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %q = qnt.quantize %x : tensor<?x4xf32> -> tensor<?x4x!q>
  %d = qnt.dequantize %q : tensor<?x4x!q> -> tensor<?x4xf32>
  return %d : tensor<?x4xf32>
}
