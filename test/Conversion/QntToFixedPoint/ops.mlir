// RUN: quant-opt %s --split-input-file --convert-qnt-to-fixed-point | FileCheck %s

// The quantized-form rule realised in float: dequantize each operand,
// the float-form op (convert-qnt-to-linalg lowers it later), quantize.

!a = !quant.uniform<i8:f32, 0.5:1>
!b = !quant.uniform<u8:f32, 0.25:128>
!c = !quant.uniform<u8:f32, 1.0:100>

// CHECK-LABEL: func.func @add
// CHECK-SAME: (%[[A:.*]]: tensor<?x4xi8>, %[[B:.*]]: tensor<4xi8>) -> tensor<?x4xi8>
// CHECK: %[[DA:.*]] = linalg.generic {{.*}} ins(%[[A]] : tensor<?x4xi8>) outs(%{{.*}} : tensor<?x4xf32>)
// CHECK: arith.extsi
// CHECK: %[[DB:.*]] = linalg.generic {{.*}} ins(%[[B]] : tensor<4xi8>) outs(%{{.*}} : tensor<4xf32>)
// CHECK: arith.extui
// CHECK: %[[S:.*]] = qnt.add %[[DA]], %[[DB]] : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
// CHECK: linalg.generic {{.*}} ins(%[[S]] : tensor<?x4xf32>) outs(%{{.*}} : tensor<?x4xi8>)
// CHECK: math.roundeven
func.func @add(%a: tensor<?x4x!a>, %b: tensor<4x!b>) -> tensor<?x4x!c> {
  %s = qnt.add %a, %b : (tensor<?x4x!a>, tensor<4x!b>) -> tensor<?x4x!c>
  return %s : tensor<?x4x!c>
}

// -----

!a = !quant.uniform<i8:f32, 0.1:-2>
!p = !quant.uniform<u8:f32, 0.00390625>

// CHECK-LABEL: func.func @softmax_layer_norm
// CHECK: qnt.softmax %{{.*}} axis = 1 : tensor<2x10xf32> -> tensor<2x10xf32>
// CHECK: qnt.layer_norm %{{.*}}, %{{.*}} axis = 1 epsilon = {{.*}} : (tensor<2x10xf32>, tensor<10xf32>) -> tensor<2x10xf32>
// CHECK-NOT: quant
func.func @softmax_layer_norm(%x: tensor<2x10x!a>, %g: tensor<10x!a>) -> (tensor<2x10x!p>, tensor<2x10x!a>) {
  %p = qnt.softmax %x axis = 1 : tensor<2x10x!a> -> tensor<2x10x!p>
  %n = qnt.layer_norm %x, %g axis = 1 epsilon = 1.0e-5 : (tensor<2x10x!a>, tensor<10x!a>) -> tensor<2x10x!a>
  return %p, %n : tensor<2x10x!p>, tensor<2x10x!a>
}

// -----

// Max pooling moves stored integers: pad with the storage minimum, unsigned
// max for u8. Average pooling is realised in float.

!u = !quant.uniform<u8:f32, 0.5:3>
!v = !quant.uniform<u8:f32, 0.25:0>

// CHECK-LABEL: func.func @pools
// CHECK-DAG: %[[MIN:.*]] = arith.constant 0 : i8
// CHECK: tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[MIN]] : i8
// CHECK: linalg.fill ins(%[[MIN]] : i8)
// CHECK: arith.maxui
// CHECK: qnt.avg_pool2d %{{.*}} kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
func.func @pools(%x: tensor<1x2x4x4x!u>) -> (tensor<1x2x4x4x!u>, tensor<1x2x2x2x!v>) {
  %m = qnt.max_pool2d %x kernel = [3, 3] strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1]
       : tensor<1x2x4x4x!u> -> tensor<1x2x4x4x!u>
  %a = qnt.avg_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0]
       : tensor<1x2x4x4x!u> -> tensor<1x2x2x2x!v>
  return %m, %a : tensor<1x2x4x4x!u>, tensor<1x2x2x2x!v>
}

// -----

// Signed max pooling and the storage minimum -128 of i8.

!s = !quant.uniform<i8:f32, 0.5:3>

// CHECK-LABEL: func.func @max_pool_signed
// CHECK: arith.constant -128 : i8
// CHECK: arith.maxsi
func.func @max_pool_signed(%x: tensor<1x1x4x4x!s>) -> tensor<1x1x2x2x!s> {
  %m = qnt.max_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1]
       : tensor<1x1x4x4x!s> -> tensor<1x1x2x2x!s>
  return %m : tensor<1x1x2x2x!s>
}

// -----

// Data movement on storage integers.

!q = !quant.uniform<i8:f32, 0.5:3>

// CHECK-LABEL: func.func @data_movement
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<?x2x3x4xi8> into tensor<?x24xi8>
// CHECK: linalg.transpose ins(%{{.*}} : tensor<?x2x3x4xi8>) outs(%{{.*}} : tensor<?x4x3x2xi8>) permutation = [0, 3, 2, 1]
// CHECK: tensor.extract_slice %{{.*}}[0, 1, 0, 0] [%{{.*}}, 1, 3, 4] [1, 1, 1, 1] : tensor<?x2x3x4xi8> to tensor<?x1x3x4xi8>
// CHECK: tensor.concat dim(1) %{{.*}}, %{{.*}} : (tensor<?x2x3x4xi8>, tensor<?x1x3x4xi8>) -> tensor<?x3x3x4xi8>
func.func @data_movement(%x: tensor<?x2x3x4x!q>) -> (tensor<?x24x!q>, tensor<?x4x3x2x!q>, tensor<?x3x3x4x!q>) {
  %r = qnt.reshape %x : tensor<?x2x3x4x!q> -> tensor<?x24x!q>
  %t = qnt.transpose %x permutation = [0, 3, 2, 1] : tensor<?x2x3x4x!q> -> tensor<?x4x3x2x!q>
  %s = qnt.slice %x offsets = [0, 1, 0, 0] strides = [1, 1, 1, 1] : tensor<?x2x3x4x!q> -> tensor<?x1x3x4x!q>
  %c = qnt.concat %x, %s axis = 1 : (tensor<?x2x3x4x!q>, tensor<?x1x3x4x!q>) -> tensor<?x3x3x4x!q>
  return %r, %t, %c : tensor<?x24x!q>, tensor<?x4x3x2x!q>, tensor<?x3x3x4x!q>
}

// -----

// Function boundaries and calls take the storage types; quant.scast
// disappears (both sides are the storage integers).

!q = !quant.uniform<u8:f32, 0.5:3>

// CHECK-LABEL: func.func private @callee(tensor<4xi8>) -> tensor<4xi8>
// CHECK-LABEL: func.func @caller
// CHECK-SAME: (%[[X:.*]]: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi8>)
// CHECK: %[[R:.*]] = call @callee(%[[X]]) : (tensor<4xi8>) -> tensor<4xi8>
// CHECK: return %[[R]], %[[X]] : tensor<4xi8>, tensor<4xi8>
func.func private @callee(tensor<4x!q>) -> tensor<4x!q>
func.func @caller(%x: tensor<4x!q>) -> (tensor<4x!q>, tensor<4xi8>) {
  %r = call @callee(%x) : (tensor<4x!q>) -> tensor<4x!q>
  %i = quant.scast %x : tensor<4x!q> to tensor<4xi8>
  return %r, %i : tensor<4x!q>, tensor<4xi8>
}

// -----

// A float model is left as it is.

// CHECK-LABEL: func.func @float_model
// CHECK: qnt.relu %{{.*}} : tensor<4xf32> -> tensor<4xf32>
func.func @float_model(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = qnt.relu %x : tensor<4xf32> -> tensor<4xf32>
  return %r : tensor<4xf32>
}
