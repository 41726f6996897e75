// The stock LLVM 22 mlir-opt loads the qnt dialect from the plugin, round
// trips qnt IR, verifies it, and runs a qnt pass.
// RUN: mlir-opt %s --load-dialect-plugin=%quantopt_plugin | mlir-opt --load-dialect-plugin=%quantopt_plugin | FileCheck %s
// RUN: mlir-opt %s --load-dialect-plugin=%quantopt_plugin --pass-pipeline="builtin.module(qnt-bypass-quantizers)" | FileCheck %s --check-prefix=PASS
// RUN: not mlir-opt %s 2>&1 | FileCheck %s --check-prefix=NOPLUGIN

// CHECK-LABEL: func.func @conv_relu
// CHECK: qnt.conv2d %{{.*}}, %{{.*}}, %{{.*}} strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1
// CHECK: qnt.relu
// CHECK: qnt.fake_quant %{{.*}} bits = 8 scale = [5.000000e-02] zero_point = [0]
// CHECK: qnt.quantize %{{.*}} : tensor<1x4x8x8xf32> -> tensor<1x4x8x8x!quant.uniform<u8:f32, 5.000000e-02>>

// PASS-LABEL: func.func @conv_relu
// PASS-NOT: qnt.fake_quant
// PASS: qnt.quantize

// NOPLUGIN: Dialect `qnt' not found for custom op 'qnt.conv2d'
func.func @conv_relu(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>)
    -> tensor<1x4x8x8x!quant.uniform<u8:f32, 0.05>> {
  %0 = qnt.conv2d %x, %w, %b strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1
       : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %1 = qnt.relu %0 : tensor<1x4x8x8xf32> -> tensor<1x4x8x8xf32>
  %2 = qnt.fake_quant %1 bits = 8 scale = [0.05] zero_point = [0] : tensor<1x4x8x8xf32>
  %3 = qnt.quantize %2 : tensor<1x4x8x8xf32> -> tensor<1x4x8x8x!quant.uniform<u8:f32, 0.05>>
  return %3 : tensor<1x4x8x8x!quant.uniform<u8:f32, 0.05>>
}
