// RUN: quant-opt %s -split-input-file -qnt-insert-quantizers | FileCheck %s
// RUN: quant-opt %s -split-input-file -qnt-insert-quantizers="per-channel=false weight-bits=4 act-bits=6 act-symmetric=true weight-symmetric=false" | FileCheck %s --check-prefix=OPTS
// RUN: quant-opt %s -split-input-file -qnt-insert-quantizers="input-range=0,1" | FileCheck %s --check-prefix=RANGE
// RUN: quant-opt %s -split-input-file -qnt-insert-quantizers="weight-narrow-range=false weight-bits=4" | FileCheck %s --check-prefix=FULL

// Idempotence: a second run changes nothing (also with input-range).
// RUN: quant-opt %s -split-input-file -qnt-insert-quantizers -o %t.once.mlir
// RUN: quant-opt %t.once.mlir -split-input-file -qnt-insert-quantizers -o %t.twice.mlir
// RUN: diff %t.once.mlir %t.twice.mlir
// RUN: quant-opt %s -split-input-file -qnt-insert-quantizers="input-range=0,1" -o %t.r1.mlir
// RUN: quant-opt %t.r1.mlir -split-input-file -qnt-insert-quantizers="input-range=0,1" -o %t.r2.mlir
// RUN: diff %t.r1.mlir %t.r2.mlir

// A conv with a fused ReLU: input quantizer (asymmetric unsigned), weight
// quantizer (symmetric signed narrow, per output channel: axis 0 of OIHW),
// float bias, output quantizer after the fused activation.
// CHECK-LABEL: func.func @conv
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x4x4xf32>)
// CHECK: %[[XQ:.*]] = qnt.fake_quant %[[X]] bits = 8 : tensor<1x1x4x4xf32>
// CHECK: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<2x1x3x3xf32>
// CHECK: %[[B:.*]] = arith.constant dense<{{.*}}> : tensor<2xf32>
// CHECK: %[[WQ:.*]] = qnt.fake_quant %[[W]] bits = 8 signed symmetric narrow_range axis = 0 : tensor<2x1x3x3xf32>
// CHECK: %[[C:.*]] = qnt.conv2d %[[XQ]], %[[WQ]], %[[B]]
// CHECK: %[[CQ:.*]] = qnt.fake_quant %[[C]] bits = 8 : tensor<1x2x2x2xf32>
// CHECK: return %[[CQ]]
// Full-range symmetric weights: no narrow_range.
// FULL-LABEL: func.func @conv
// FULL: qnt.fake_quant %{{.*}} bits = 8 : tensor<1x1x4x4xf32>
// FULL: qnt.fake_quant %{{.*}} bits = 4 signed symmetric axis = 0 : tensor<2x1x3x3xf32>
// OPTS-LABEL: func.func @conv
// OPTS: qnt.fake_quant %{{.*}} bits = 6 signed symmetric : tensor<1x1x4x4xf32>
// OPTS: qnt.fake_quant %{{.*}} bits = 4 signed : tensor<2x1x3x3xf32>
// OPTS: qnt.fake_quant %{{.*}} bits = 6 signed symmetric : tensor<1x2x2x2xf32>
// RANGE-LABEL: func.func @conv
// RANGE-SAME: (%[[X:.*]]: tensor<1x1x4x4xf32>)
// RANGE: %[[A:.*]] = qnt.assume_range %[[X]] min = 0.000000e+00 max = 1.000000e+00
// RANGE: %[[XQ:.*]] = qnt.fake_quant %[[A]] bits = 8 : tensor<1x1x4x4xf32>
// RANGE: qnt.conv2d %[[XQ]]
func.func @conv(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<0.5> : tensor<2x1x3x3xf32>
  %b = arith.constant dense<0.25> : tensor<2xf32>
  %c = qnt.conv2d %x, %w, %b strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       fused_clamp(0.0, 6.0) : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %c : tensor<1x2x2x2xf32>
}

// -----

// matmul: the output-feature dim N of the weight is axis 0 of an N x K
// weight with transpose_rhs, axis 1 of a K x N weight without. A matmul of
// two activations has no weight quantizer.
// CHECK-LABEL: func.func @matmul
// CHECK: %[[W1:.*]] = arith.constant dense<{{.*}}> : tensor<3x4xf32>
// CHECK: %[[W2:.*]] = arith.constant dense<{{.*}}> : tensor<3x5xf32>
// CHECK: %[[W1Q:.*]] = qnt.fake_quant %[[W1]] bits = 8 signed symmetric narrow_range axis = 0 : tensor<3x4xf32>
// CHECK: %[[M1:.*]] = qnt.matmul %{{.*}}, %[[W1Q]] transpose_rhs
// CHECK: %[[M1Q:.*]] = qnt.fake_quant %[[M1]] bits = 8 : tensor<2x3xf32>
// CHECK: %[[W2Q:.*]] = qnt.fake_quant %[[W2]] bits = 8 signed symmetric narrow_range axis = 1 : tensor<3x5xf32>
// CHECK: %[[M2:.*]] = qnt.matmul %[[M1Q]], %[[W2Q]] :
// CHECK: %[[M2Q:.*]] = qnt.fake_quant %[[M2]] bits = 8 : tensor<2x5xf32>
// CHECK: %[[M3:.*]] = qnt.matmul %[[M2Q]], %[[M2Q]] transpose_rhs :
// CHECK: %[[M3Q:.*]] = qnt.fake_quant %[[M3]] bits = 8 : tensor<2x2xf32>
// CHECK: return %[[M3Q]]
// OPTS-LABEL: func.func @matmul
// OPTS: qnt.fake_quant %{{.*}} bits = 4 signed : tensor<3x4xf32>
// OPTS: qnt.fake_quant %{{.*}} bits = 4 signed : tensor<3x5xf32>
func.func @matmul(%x: tensor<2x4xf32>) -> tensor<2x2xf32> {
  %w1 = arith.constant dense<0.5> : tensor<3x4xf32>
  %w2 = arith.constant dense<0.25> : tensor<3x5xf32>
  %m1 = qnt.matmul %x, %w1 transpose_rhs : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  %m2 = qnt.matmul %m1, %w2 : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>
  %m3 = qnt.matmul %m2, %m2 transpose_rhs : (tensor<2x5xf32>, tensor<2x5xf32>) -> tensor<2x2xf32>
  return %m3 : tensor<2x2xf32>
}

// -----

// A residual add whose only user is a ReLU is quantized after the ReLU,
// once. Data movement (max_pool2d, reshape) gets no quantizer; the global
// average pool does.
// CHECK-LABEL: func.func @residual
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xf32>, %[[Y:.*]]: tensor<1x2x4x4xf32>)
// CHECK: %[[XQ:.*]] = qnt.fake_quant %[[X]] bits = 8
// CHECK: %[[YQ:.*]] = qnt.fake_quant %[[Y]] bits = 8
// CHECK: %[[A:.*]] = qnt.add %[[XQ]], %[[YQ]]
// CHECK-NOT: qnt.fake_quant
// CHECK: %[[R:.*]] = qnt.relu %[[A]]
// CHECK: %[[RQ:.*]] = qnt.fake_quant %[[R]] bits = 8
// CHECK: %[[P:.*]] = qnt.max_pool2d %[[RQ]]
// CHECK-NOT: qnt.fake_quant
// CHECK: %[[G:.*]] = qnt.global_avg_pool %[[P]]
// CHECK: %[[GQ:.*]] = qnt.fake_quant %[[G]] bits = 8
// CHECK: %[[F:.*]] = qnt.reshape %[[GQ]]
// CHECK-NOT: qnt.fake_quant
// CHECK: return %[[F]]
func.func @residual(%x: tensor<1x2x4x4xf32>, %y: tensor<1x2x4x4xf32>) -> tensor<1x2xf32> {
  %a = qnt.add %x, %y : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %r = qnt.relu %a : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %p = qnt.max_pool2d %r kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1]
       : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %g = qnt.global_avg_pool %p : tensor<1x2x2x2xf32> -> tensor<1x2x1x1xf32>
  %f = qnt.reshape %g : tensor<1x2x1x1xf32> -> tensor<1x2xf32>
  return %f : tensor<1x2xf32>
}

// -----

// A value used twice (by the ReLU and the return) is quantized before the
// ReLU too. Annotations stay on the float value: the quantizer goes after
// them. An existing quantizer is kept, and not doubled.
// CHECK-LABEL: func.func @shared_and_annotated
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK: %[[XA:.*]] = qnt.assume_range %[[X]]
// CHECK: %[[XQ:.*]] = qnt.fake_quant %[[XA]] bits = 8 : tensor<4xf32>
// CHECK: %[[S:.*]] = qnt.sigmoid %[[XQ]]
// CHECK: %[[SQ:.*]] = qnt.fake_quant %[[S]] bits = 8 : tensor<4xf32>
// CHECK: %[[R:.*]] = qnt.relu %[[SQ]]
// CHECK: %[[RQ:.*]] = qnt.fake_quant %[[R]] bits = 8 : tensor<4xf32>
// CHECK: %[[T:.*]] = qnt.tanh %[[RQ]]
// CHECK: %[[TS:.*]] = qnt.stats %[[T]]
// CHECK: %[[TQ:.*]] = qnt.fake_quant %[[TS]] bits = 4 : tensor<4xf32>
// CHECK-NOT: qnt.fake_quant
// CHECK: return %[[SQ]], %[[TQ]]
// RANGE-LABEL: func.func @shared_and_annotated
// RANGE: qnt.assume_range
// RANGE-NOT: qnt.assume_range
// RANGE: return
func.func @shared_and_annotated(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %xa = qnt.assume_range %x min = -1.0 max = 1.0 : tensor<4xf32>
  %s = qnt.sigmoid %xa : tensor<4xf32> -> tensor<4xf32>
  %r = qnt.relu %s : tensor<4xf32> -> tensor<4xf32>
  %t = qnt.tanh %r : tensor<4xf32> -> tensor<4xf32>
  %ts = qnt.stats %t min = -1.0 max = 1.0 count = 4 : tensor<4xf32>
  %tq = qnt.fake_quant %ts bits = 4 : tensor<4xf32>
  return %s, %tq : tensor<4xf32>, tensor<4xf32>
}
