// The stock mlir-opt takes the qnt passes from --load-pass-plugin (with the
// dialect plugin, to parse qnt ops).
// RUN: mlir-opt %s --load-pass-plugin=%quantopt_plugin --load-dialect-plugin=%quantopt_plugin --pass-pipeline="builtin.module(qnt-bypass-quantizers{which=activations})" | FileCheck %s

// CHECK-LABEL: func.func @weights_only
// CHECK: %[[W:.*]] = arith.constant
// CHECK: %[[WQ:.*]] = qnt.fake_quant %[[W]] bits = 8 signed symmetric
// CHECK: qnt.matmul %{{.*}}, %[[WQ]]
// CHECK-NOT: qnt.fake_quant
func.func @weights_only(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %w = arith.constant dense<0.5> : tensor<4x4xf32>
  %wq = qnt.fake_quant %w bits = 8 signed symmetric scale = [0.01] zero_point = [0] : tensor<4x4xf32>
  %y = qnt.matmul %x, %wq : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %yq = qnt.fake_quant %y bits = 8 scale = [0.1] zero_point = [128] : tensor<1x4xf32>
  return %yq : tensor<1x4xf32>
}

// The qnt verifiers run inside the stock mlir-opt too.
// RUN: not mlir-opt %S/Inputs/invalid-conv.mlir --load-dialect-plugin=%quantopt_plugin 2>&1 | FileCheck %s --check-prefix=INVALID
// INVALID: error: 'qnt.conv2d' op input channels (3) must equal weight dim 1 (2) x groups (1) (conv2d_c3)
