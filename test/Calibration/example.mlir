// The example of the pass description (Passes.td), computed by hand:
// %y = x * W is [[1, -1], [0.5, 2.5]] for the samples [[1, 0, 0], [0, 1, 1]],
// so min -1, max 2.5, 4 bins of width 0.875 over [-1, 2.5]: -1 -> bin 0,
// 0.5 -> 1.5 / 0.875 = 1.71 -> bin 1, 1 -> 2 / 0.875 = 2.29 -> bin 2,
// 2.5 (the maximum) -> bin 3; channel 0 holds {1, 0.5}, channel 1 {-1, 2.5};
// %yq is returned, so both rows of %y are kept as logit samples.
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.array([[1, 0, 0], [0, 1, 1]], np.float32))"
// RUN: quant-opt %s --qnt-calibrate="calibration-data=%t.npy bins=4" 2>/dev/null | FileCheck %s
// The same in the stock mlir-opt through the plugin.
// RUN: mlir-opt %s --load-dialect-plugin=%quantopt_plugin --load-pass-plugin=%quantopt_plugin --pass-pipeline="builtin.module(qnt-calibrate{calibration-data=%t.npy bins=4})" 2>/dev/null | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: %[[W:.*]] = arith.constant
// CHECK-NEXT: %[[WQ:.*]] = qnt.fake_quant %[[W]] bits = 8 signed symmetric : tensor<3x2xf32>
// CHECK-NEXT: %[[Y:.*]] = qnt.matmul %{{.*}}, %[[WQ]]
// CHECK-NEXT: %[[S:.*]] = qnt.stats %[[Y]] min = -1.000000e+00 max = 2.500000e+00 count = 4
// CHECK-SAME: histogram = [1, 1, 1, 1] channel_axis = 1
// CHECK-SAME: channel_min = [5.000000e-01, -1.000000e+00]
// CHECK-SAME: channel_max = [1.000000e+00, 2.500000e+00]
// CHECK-SAME: channel_mean = [7.500000e-01, 7.500000e-01]
// CHECK-SAME: samples = dense<{{\[}}[1.000000e+00, -1.000000e+00], [5.000000e-01, 2.500000e+00]]> : tensor<2x2xf32> : tensor<?x2xf32>
// CHECK-NEXT: qnt.fake_quant %[[S]] bits = 8 : tensor<?x2xf32>
func.func @main(%x: tensor<?x3xf32>) -> tensor<?x2xf32> {
  %w = arith.constant dense<[[1.0, -1.0], [0.5, 0.5], [0.0, 2.0]]> : tensor<3x2xf32>
  %wq = qnt.fake_quant %w bits = 8 signed symmetric : tensor<3x2xf32>
  %y = qnt.matmul %x, %wq : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  %yq = qnt.fake_quant %y bits = 8 : tensor<?x2xf32>
  return %yq : tensor<?x2xf32>
}
