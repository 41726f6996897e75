// RUN: quant-opt %s -qnt-bypass-quantizers | FileCheck %s --check-prefix=ALL
// RUN: quant-opt %s -qnt-bypass-quantizers=which=weights | FileCheck %s --check-prefix=WEIGHTS
// RUN: quant-opt %s -qnt-bypass-quantizers=which=activations | FileCheck %s --check-prefix=ACTS
// RUN: quant-opt %s -pass-pipeline="builtin.module(func.func(qnt-bypass-quantizers{which=weights}))" | FileCheck %s --check-prefix=WEIGHTS

// ALL-LABEL: func.func @mlp
// ALL-NOT: qnt.fake_quant
// ALL: return

// A weight quantizer reads a constant, also through annotations.
// WEIGHTS-LABEL: func.func @mlp
// WEIGHTS-SAME: (%[[X:.*]]: tensor<1x4xf32>)
// WEIGHTS: %[[W:.*]] = arith.constant
// WEIGHTS: %[[W2:.*]] = arith.constant
// WEIGHTS: %[[XQ:.*]] = qnt.fake_quant %[[X]] bits = 8 scale
// WEIGHTS: %[[Y:.*]] = qnt.matmul %[[XQ]], %[[W]]
// WEIGHTS: %[[YQ:.*]] = qnt.fake_quant %[[Y]]
// WEIGHTS: %[[W2S:.*]] = qnt.stats %[[W2]]
// WEIGHTS: qnt.matmul %[[YQ]], %[[W2S]]
// WEIGHTS-NOT: qnt.fake_quant {{.*}} signed

// ACTS-LABEL: func.func @mlp
// ACTS-SAME: (%[[X:.*]]: tensor<1x4xf32>)
// ACTS: %[[W:.*]] = arith.constant
// ACTS: %[[WQ:.*]] = qnt.fake_quant %[[W]] bits = 8 signed symmetric
// ACTS: %[[Y:.*]] = qnt.matmul %[[X]], %[[WQ]]
// ACTS: qnt.fake_quant %{{.*}} bits = 4 signed symmetric
// ACTS-NOT: qnt.fake_quant %{{.*}} bits = 8 scale
func.func @mlp(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %w = arith.constant dense<0.5> : tensor<4x4xf32>
  %w2 = arith.constant dense<0.25> : tensor<4x4xf32>
  %xq = qnt.fake_quant %x bits = 8 scale = [0.1] zero_point = [128] : tensor<1x4xf32>
  %wq = qnt.fake_quant %w bits = 8 signed symmetric scale = [0.01] zero_point = [0] : tensor<4x4xf32>
  %y = qnt.matmul %xq, %wq : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %yq = qnt.fake_quant %y bits = 8 scale = [0.1] zero_point = [128] : tensor<1x4xf32>
  %w2s = qnt.stats %w2 min = 0.25 max = 0.25 count = 16 : tensor<4x4xf32>
  %w2q = qnt.fake_quant %w2s bits = 4 signed symmetric : tensor<4x4xf32>
  %z = qnt.matmul %yq, %w2q : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  return %z : tensor<1x4xf32>
}
