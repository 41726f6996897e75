// RUN: quant-opt %s -split-input-file -convert-qnt-to-linalg | FileCheck %s

// Softmax: max, exp(x - max), sum, divide.
// CHECK-LABEL: func.func @softmax
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.maximumf
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.addf
// CHECK: arith.divf
func.func @softmax(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %0 = qnt.softmax %x axis = 1 : tensor<?x10xf32> -> tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

// Layer norm over the last dim: mean, centered, variance, normalize, affine.
// CHECK-LABEL: func.func @layer_norm
// CHECK: arith.constant 6.400000e+01 : f32
// CHECK: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: math.sqrt
// CHECK: arith.divf
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @layer_norm(%x: tensor<?x17x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<?x17x64xf32> {
  %0 = qnt.layer_norm %x, %g, %b axis = 2 epsilon = 1.0e-5
       : (tensor<?x17x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<?x17x64xf32>
  return %0 : tensor<?x17x64xf32>
}
