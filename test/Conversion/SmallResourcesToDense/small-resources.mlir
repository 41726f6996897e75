// RUN: quant-opt %s -convert-small-resources-to-dense | FileCheck %s
// RUN: quant-opt %s -convert-small-resources-to-dense=max-elements=0 | FileCheck %s --check-prefix=NONE
// A rank-0 resource global used to abort finalize-memref-to-llvm.
// RUN: quant-opt %s --qnt-lower-to-llvm | FileCheck %s --check-prefix=LOWERED

// CHECK-LABEL: func.func @main
// CHECK-DAG: arith.constant dense<1.000000e+00> : tensor<f32>
// CHECK-DAG: arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK-DAG: arith.constant dense_resource<big> : tensor<17xf32>
// NONE-COUNT-3: dense_resource
// LOWERED: llvm.func @main
func.func @main(%x: tensor<17xf32>) -> tensor<17xf32> {
  %s = arith.constant dense_resource<scalar> : tensor<f32>
  %v = arith.constant dense_resource<pair> : tensor<2xf32>
  %b = arith.constant dense_resource<big> : tensor<17xf32>
  %0 = qnt.mul %x, %s : (tensor<17xf32>, tensor<f32>) -> tensor<17xf32>
  %1 = qnt.add %0, %b : (tensor<17xf32>, tensor<17xf32>) -> tensor<17xf32>
  %2 = qnt.reduce_mean %v axes = [0] keep_dims : tensor<2xf32> -> tensor<1xf32>
  %3 = qnt.add %1, %2 : (tensor<17xf32>, tensor<1xf32>) -> tensor<17xf32>
  return %3 : tensor<17xf32>
}
{-#
  dialect_resources: {
    builtin: {
      scalar: "0x040000000000803F",
      pair: "0x040000000000803F00000040",
      big: "0x040000000000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F"
    }
  }
#-}
