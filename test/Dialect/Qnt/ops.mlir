// Round trip of every qnt op, in its custom form and through the generic form.
// RUN: quant-opt %s | quant-opt | FileCheck %s
// RUN: quant-opt %s --mlir-print-op-generic | quant-opt | FileCheck %s
// RUN: quant-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

!i8 = !quant.uniform<i8:f32, 5.000000e-01:-1>
!u8 = !quant.uniform<u8:f32, 2.500000e-01:128>
!w8 = !quant.uniform<i8<-127:127>:f32, 2.500000e-01>
!w8c = !quant.uniform<i8<-127:127>:f32:0, {2.500000e-01,5.000000e-01}>
!acc = !quant.uniform<i32:f32, 6.250000e-02>
!accc1 = !quant.uniform<i32:f32:1, {6.250000e-02,1.250000e-01}>
!accc0 = !quant.uniform<i32:f32:0, {6.250000e-02,1.250000e-01}>

// CHECK-LABEL: func.func @conv2d_float
// CHECK: qnt.conv2d %{{.*}}, %{{.*}}, %{{.*}} strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<?x4x4x4xf32>
// CHECK: qnt.conv2d %{{.*}}, %{{.*}} strides = [1, 1] pads = [0, 0, 0, 0] dilations = [2, 2] groups = 3 : (tensor<?x3x8x8xf32>, tensor<3x1x3x3xf32>) -> tensor<?x3x4x4xf32>
// GENERIC-LABEL: sym_name = "conv2d_float"
// GENERIC: "qnt.conv2d"(%{{.*}}, %{{.*}}, %{{.*}}) <{dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}>
func.func @conv2d_float(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>,
                        %dw: tensor<3x1x3x3xf32>) -> (tensor<?x4x4x4xf32>, tensor<?x3x4x4xf32>) {
  %0 = qnt.conv2d %x, %w, %b strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1
       : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<?x4x4x4xf32>
  // Depthwise, dilated.
  %1 = qnt.conv2d %x, %dw strides = [1, 1] pads = [0, 0, 0, 0] dilations = [2, 2] groups = 3
       : (tensor<?x3x8x8xf32>, tensor<3x1x3x3xf32>) -> tensor<?x3x4x4xf32>
  return %0, %1 : tensor<?x4x4x4xf32>, tensor<?x3x4x4xf32>
}

// CHECK-LABEL: func.func @conv2d_quantized
// CHECK: qnt.conv2d {{.*}} : (tensor<1x3x8x8x!quant.uniform<u8:f32, 2.500000e-01:128>>, tensor<2x3x3x3x!quant.uniform<i8<-127:127>:f32, 2.500000e-01>>, tensor<2x!quant.uniform<i32:f32, 6.250000e-02>>) -> tensor<1x2x6x6x!quant.uniform<i32:f32, 6.250000e-02>>
// CHECK: qnt.conv2d {{.*}} -> tensor<1x2x6x6x!quant.uniform<i32:f32:1, {6.250000e-02,1.250000e-01}>>
func.func @conv2d_quantized(%x: tensor<1x3x8x8x!u8>, %w: tensor<2x3x3x3x!w8>, %b: tensor<2x!acc>,
                            %wc: tensor<2x3x3x3x!w8c>, %bc: tensor<2x!accc0>)
    -> (tensor<1x2x6x6x!acc>, tensor<1x2x6x6x!accc1>) {
  %0 = qnt.conv2d %x, %w, %b strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x3x8x8x!u8>, tensor<2x3x3x3x!w8>, tensor<2x!acc>) -> tensor<1x2x6x6x!acc>
  %1 = qnt.conv2d %x, %wc, %bc strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<1x3x8x8x!u8>, tensor<2x3x3x3x!w8c>, tensor<2x!accc0>) -> tensor<1x2x6x6x!accc1>
  return %0, %1 : tensor<1x2x6x6x!acc>, tensor<1x2x6x6x!accc1>
}

// CHECK-LABEL: func.func @matmul
// CHECK: qnt.matmul %{{.*}}, %{{.*}}, %{{.*}} transpose_rhs : (tensor<?x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<?x10xf32>
// CHECK: qnt.matmul %{{.*}}, %{{.*}} : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
// CHECK: qnt.matmul %{{.*}}, %{{.*}} transpose_lhs : (tensor<8x4xf32>, tensor<8x5xf32>) -> tensor<4x5xf32>
// CHECK: qnt.matmul %{{.*}}, %{{.*}}, %{{.*}} transpose_rhs : (tensor<1x3x!quant.uniform<u8:f32, 2.500000e-01:128>>, tensor<2x3x!quant.uniform<i8<-127:127>:f32:0, {2.500000e-01,5.000000e-01}>>, tensor<2x!quant.uniform<i32:f32:0, {6.250000e-02,1.250000e-01}>>) -> tensor<1x2x!quant.uniform<i32:f32:1, {6.250000e-02,1.250000e-01}>>
// GENERIC-LABEL: sym_name = "matmul"
// GENERIC: "qnt.matmul"(%{{.*}}, %{{.*}}, %{{.*}}) <{transpose_rhs}>
func.func @matmul(%x: tensor<?x64xf32>, %w: tensor<10x64xf32>, %b: tensor<10xf32>,
                  %a: tensor<2x1x4x8xf32>, %c: tensor<3x8x5xf32>, %t: tensor<8x4xf32>, %u: tensor<8x5xf32>,
                  %xq: tensor<1x3x!u8>, %wq: tensor<2x3x!w8c>, %bq: tensor<2x!accc0>)
    -> (tensor<?x10xf32>, tensor<2x3x4x5xf32>, tensor<4x5xf32>, tensor<1x2x!accc1>) {
  %0 = qnt.matmul %x, %w, %b transpose_rhs
       : (tensor<?x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  %1 = qnt.matmul %a, %c : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
  %2 = qnt.matmul %t, %u transpose_lhs : (tensor<8x4xf32>, tensor<8x5xf32>) -> tensor<4x5xf32>
  %3 = qnt.matmul %xq, %wq, %bq transpose_rhs
       : (tensor<1x3x!u8>, tensor<2x3x!w8c>, tensor<2x!accc0>) -> tensor<1x2x!accc1>
  return %0, %1, %2, %3 : tensor<?x10xf32>, tensor<2x3x4x5xf32>, tensor<4x5xf32>, tensor<1x2x!accc1>
}

// CHECK-LABEL: func.func @batch_norm
// CHECK: qnt.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} epsilon = 9.99999974E-6 : (tensor<?x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x8x4x4xf32>
func.func @batch_norm(%x: tensor<?x8x4x4xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>, %m: tensor<8xf32>,
                      %v: tensor<8xf32>) -> tensor<?x8x4x4xf32> {
  %0 = qnt.batch_norm %x, %g, %b, %m, %v epsilon = 1.0e-5
       : (tensor<?x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x8x4x4xf32>
  return %0 : tensor<?x8x4x4xf32>
}

// CHECK-LABEL: func.func @elementwise
// CHECK: qnt.add %{{.*}}, %{{.*}} : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>
// CHECK: qnt.sub %{{.*}}, %{{.*}} : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
// CHECK: qnt.mul %{{.*}}, %{{.*}} : (tensor<1x8x4x4xf32>, tensor<f32>) -> tensor<1x8x4x4xf32>
// CHECK: qnt.div %{{.*}}, %{{.*}} : (tensor<1x8x4x4xf32>, tensor<1x1x1x4xf32>) -> tensor<1x8x4x4xf32>
// CHECK: qnt.add %{{.*}}, %{{.*}} : (tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-1>>, tensor<4x!quant.uniform<u8:f32, 2.500000e-01:128>>) -> tensor<4x!quant.uniform<u8:f32, 2.500000e-01:128>>
// CHECK: qnt.mul %{{.*}}, %{{.*}} : (tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-1>>, tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-1>>) -> tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-1>>
func.func @elementwise(%x: tensor<1x8x4x4xf32>, %c: tensor<8x1x1xf32>, %s: tensor<f32>,
                       %r: tensor<1x1x1x4xf32>, %p: tensor<4x!i8>, %q: tensor<4x!u8>)
    -> (tensor<1x8x4x4xf32>, tensor<4x!u8>, tensor<4x!i8>) {
  %0 = qnt.add %x, %c : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>
  %1 = qnt.sub %0, %x : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %2 = qnt.mul %1, %s : (tensor<1x8x4x4xf32>, tensor<f32>) -> tensor<1x8x4x4xf32>
  %3 = qnt.div %2, %r : (tensor<1x8x4x4xf32>, tensor<1x1x1x4xf32>) -> tensor<1x8x4x4xf32>
  %4 = qnt.add %p, %q : (tensor<4x!i8>, tensor<4x!u8>) -> tensor<4x!u8>
  %5 = qnt.mul %p, %p : (tensor<4x!i8>, tensor<4x!i8>) -> tensor<4x!i8>
  return %3, %4, %5 : tensor<1x8x4x4xf32>, tensor<4x!u8>, tensor<4x!i8>
}

// CHECK-LABEL: func.func @activations
// CHECK: qnt.relu %{{.*}} : tensor<2x10xf32> -> tensor<2x10xf32>
// CHECK: qnt.clamp %{{.*}} min = 0.000000e+00 max = 6.000000e+00 : tensor<2x10xf32> -> tensor<2x10xf32>
// CHECK: qnt.clamp %{{.*}} min = 0xFF800000 max = 1.000000e+00 : tensor<2x10xf32> -> tensor<2x10xf32>
// CHECK: qnt.softmax %{{.*}} axis = 1 : tensor<2x10xf32> -> tensor<2x10xf32>
// CHECK: qnt.relu %{{.*}} : tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-1>> -> tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-1>>
func.func @activations(%x: tensor<2x10xf32>, %q: tensor<4x!i8>) -> (tensor<2x10xf32>, tensor<4x!i8>) {
  %0 = qnt.relu %x : tensor<2x10xf32> -> tensor<2x10xf32>
  %1 = qnt.clamp %0 min = 0.0 max = 6.0 : tensor<2x10xf32> -> tensor<2x10xf32>
  %2 = qnt.clamp %1 min = 0xFF800000 max = 1.0 : tensor<2x10xf32> -> tensor<2x10xf32>
  %3 = qnt.softmax %2 axis = 1 : tensor<2x10xf32> -> tensor<2x10xf32>
  %4 = qnt.relu %q : tensor<4x!i8> -> tensor<4x!i8>
  return %3, %4 : tensor<2x10xf32>, tensor<4x!i8>
}

// CHECK-LABEL: func.func @pools
// CHECK: qnt.max_pool2d %{{.*}} kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] : tensor<1x8x28x28xf32> -> tensor<1x8x14x14xf32>
// CHECK: qnt.avg_pool2d %{{.*}} kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] : tensor<1x8x14x14xf32> -> tensor<1x8x7x7xf32>
// CHECK: qnt.avg_pool2d %{{.*}} kernel = [3, 3] strides = [1, 1] pads = [1, 1, 1, 1] count_include_pad : tensor<1x8x7x7xf32> -> tensor<1x8x7x7xf32>
// CHECK: qnt.global_avg_pool %{{.*}} : tensor<1x8x7x7xf32> -> tensor<1x8x1x1xf32>
// CHECK: qnt.max_pool2d %{{.*}} kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] : tensor<1x2x4x4x!quant.uniform<u8:f32, 2.500000e-01:128>> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 2.500000e-01:128>>
// CHECK: qnt.global_avg_pool %{{.*}} : tensor<1x2x2x2x!quant.uniform<u8:f32, 2.500000e-01:128>> -> tensor<1x2x1x1x!quant.uniform<i8:f32, 5.000000e-01:-1>>
func.func @pools(%x: tensor<1x8x28x28xf32>, %q: tensor<1x2x4x4x!u8>)
    -> (tensor<1x8x1x1xf32>, tensor<1x2x1x1x!i8>) {
  %0 = qnt.max_pool2d %x kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1]
       : tensor<1x8x28x28xf32> -> tensor<1x8x14x14xf32>
  %1 = qnt.avg_pool2d %0 kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0]
       : tensor<1x8x14x14xf32> -> tensor<1x8x7x7xf32>
  %2 = qnt.avg_pool2d %1 kernel = [3, 3] strides = [1, 1] pads = [1, 1, 1, 1] count_include_pad
       : tensor<1x8x7x7xf32> -> tensor<1x8x7x7xf32>
  %3 = qnt.global_avg_pool %2 : tensor<1x8x7x7xf32> -> tensor<1x8x1x1xf32>
  %4 = qnt.max_pool2d %q kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1]
       : tensor<1x2x4x4x!u8> -> tensor<1x2x2x2x!u8>
  %5 = qnt.global_avg_pool %4 : tensor<1x2x2x2x!u8> -> tensor<1x2x1x1x!i8>
  return %3, %5 : tensor<1x8x1x1xf32>, tensor<1x2x1x1x!i8>
}

// CHECK-LABEL: func.func @data_movement
// CHECK: qnt.concat %{{.*}}, %{{.*}} axis = 1 : (tensor<?x8x4x4xf32>, tensor<?x4x4x4xf32>) -> tensor<?x12x4x4xf32>
// CHECK: qnt.transpose %{{.*}} permutation = [0, 2, 3, 1] : tensor<?x12x4x4xf32> -> tensor<?x4x4x12xf32>
// CHECK: qnt.reshape %{{.*}} : tensor<?x4x4x12xf32> -> tensor<?x192xf32>
// CHECK: qnt.concat %{{.*}}, %{{.*}} axis = 0 : (tensor<2x!quant.uniform<i8:f32, 5.000000e-01:-1>>, tensor<3x!quant.uniform<i8:f32, 5.000000e-01:-1>>) -> tensor<5x!quant.uniform<i8:f32, 5.000000e-01:-1>>
// CHECK: qnt.reshape %{{.*}} : tensor<5x!quant.uniform<i8:f32, 5.000000e-01:-1>> -> tensor<1x5x!quant.uniform<i8:f32, 5.000000e-01:-1>>
func.func @data_movement(%a: tensor<?x8x4x4xf32>, %b: tensor<?x4x4x4xf32>, %p: tensor<2x!i8>, %q: tensor<3x!i8>)
    -> (tensor<?x192xf32>, tensor<1x5x!i8>) {
  %0 = qnt.concat %a, %b axis = 1 : (tensor<?x8x4x4xf32>, tensor<?x4x4x4xf32>) -> tensor<?x12x4x4xf32>
  %1 = qnt.transpose %0 permutation = [0, 2, 3, 1] : tensor<?x12x4x4xf32> -> tensor<?x4x4x12xf32>
  %2 = qnt.reshape %1 : tensor<?x4x4x12xf32> -> tensor<?x192xf32>
  %3 = qnt.concat %p, %q axis = 0 : (tensor<2x!i8>, tensor<3x!i8>) -> tensor<5x!i8>
  %4 = qnt.reshape %3 : tensor<5x!i8> -> tensor<1x5x!i8>
  return %2, %4 : tensor<?x192xf32>, tensor<1x5x!i8>
}

// CHECK-LABEL: func.func @quantization
// CHECK: qnt.quantize %{{.*}} : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32, 5.000000e-01:-1>>
// CHECK: qnt.quantize %{{.*}} : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8<-127:127>:f32:0, {2.500000e-01,5.000000e-01}>>
// CHECK: qnt.dequantize %{{.*}} : tensor<2x3x!quant.uniform<i8<-127:127>:f32:0, {2.500000e-01,5.000000e-01}>> -> tensor<2x3xf32>
// CHECK: qnt.requantize %{{.*}} rounding = <half_to_even> : tensor<2x3x!quant.uniform<i8:f32, 5.000000e-01:-1>> -> tensor<2x3x!quant.uniform<u8:f32, 2.500000e-01:128>>
// CHECK: qnt.requantize %{{.*}} rounding = <single_round> : tensor<2x3x!quant.uniform<i32:f32, 6.250000e-02>> -> tensor<2x3x!quant.uniform<i8:f32, 5.000000e-01:-1>>
// CHECK: qnt.requantize %{{.*}} rounding = <double_round> : tensor<2x3x!quant.uniform<i32:f32, 6.250000e-02>> -> tensor<2x3x!quant.uniform<u8:f32, 2.500000e-01:128>>
// CHECK: qnt.dequantize %{{.*}} : tensor<2x3x!quant.uniform<i32:f32, 6.250000e-02>> -> tensor<2x3xf32>
// GENERIC-LABEL: sym_name = "quantization"
// GENERIC: "qnt.requantize"(%{{.*}}) <{rounding = #qnt.rounding<half_to_even>}>
func.func @quantization(%x: tensor<2x3xf32>, %acc: tensor<2x3x!acc>)
    -> (tensor<2x3xf32>, tensor<2x3x!u8>, tensor<2x3x!i8>, tensor<2x3x!u8>, tensor<2x3xf32>) {
  %0 = qnt.quantize %x : tensor<2x3xf32> -> tensor<2x3x!i8>
  %1 = qnt.quantize %x : tensor<2x3xf32> -> tensor<2x3x!w8c>
  %2 = qnt.dequantize %1 : tensor<2x3x!w8c> -> tensor<2x3xf32>
  %3 = qnt.requantize %0 rounding = <half_to_even> : tensor<2x3x!i8> -> tensor<2x3x!u8>
  %4 = qnt.requantize %acc rounding = <single_round> : tensor<2x3x!acc> -> tensor<2x3x!i8>
  %5 = qnt.requantize %acc rounding = <double_round> : tensor<2x3x!acc> -> tensor<2x3x!u8>
  %6 = qnt.dequantize %acc : tensor<2x3x!acc> -> tensor<2x3xf32>
  return %2, %3, %4, %5, %6 : tensor<2x3xf32>, tensor<2x3x!u8>, tensor<2x3x!i8>, tensor<2x3x!u8>, tensor<2x3xf32>
}

// CHECK-LABEL: func.func @fake_quant
// CHECK: qnt.fake_quant %{{.*}} bits = 8 scale = [2.000000e-02] zero_point = [12] : tensor<1x8x4x4xf32>
// CHECK: qnt.fake_quant %{{.*}} bits = 4 signed symmetric narrow_range axis = 0 : tensor<8x3x3x3xf32>
// CHECK: qnt.fake_quant %{{.*}} bits = 2 signed axis = 1 scale = [1.000000e-01, 2.000000e-01] zero_point = [-1, 0] : tensor<3x2xf32>
// Scales and statistics print with every digit a double needs, so a saved
// model reloads with the same grids.
// CHECK: qnt.fake_quant %{{.*}} bits = 8 scale = [1.2345678901234567e-02] zero_point = [0] : tensor<3x2xf32>
// GENERIC-LABEL: sym_name = "fake_quant"
// GENERIC: "qnt.fake_quant"(%{{.*}}) <{num_bits = 8 : i64, scale = array<f64: 2.000000e-02>, zero_point = array<i64: 12>}>
func.func @fake_quant(%x: tensor<1x8x4x4xf32>, %w: tensor<8x3x3x3xf32>, %v: tensor<3x2xf32>)
    -> (tensor<1x8x4x4xf32>, tensor<8x3x3x3xf32>, tensor<3x2xf32>, tensor<3x2xf32>) {
  %0 = qnt.fake_quant %x bits = 8 scale = [0.02] zero_point = [12] : tensor<1x8x4x4xf32>
  %1 = qnt.fake_quant %w bits = 4 signed symmetric narrow_range axis = 0 : tensor<8x3x3x3xf32>
  %2 = qnt.fake_quant %v bits = 2 signed axis = 1 scale = [0.1, 0.2] zero_point = [-1, 0] : tensor<3x2xf32>
  %3 = qnt.fake_quant %v bits = 8 scale = [0.012345678901234567] zero_point = [0] : tensor<3x2xf32>
  return %0, %1, %2, %3 : tensor<1x8x4x4xf32>, tensor<8x3x3x3xf32>, tensor<3x2xf32>, tensor<3x2xf32>
}

// CHECK-LABEL: func.func @annotations
// CHECK: qnt.assume_range %{{.*}} min = 0.000000e+00 max = 1.000000e+00 : tensor<1x2x2x2xf32>
// CHECK: qnt.stats %{{.*}} min = -1.500000e+00 max = 4.000000e+00 count = 16 histogram = [2, 10, 4] channel_axis = 1 channel_min = [-1.500000e+00, 0.000000e+00] channel_max = [1.000000e+00, 4.000000e+00] channel_mean = [-2.500000e-01, 1.000000e-01] : tensor<1x2x2x4xf32>
func.func @annotations(%x: tensor<1x2x2x2xf32>, %y: tensor<1x2x2x4xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x4xf32>) {
  %0 = qnt.assume_range %x min = 0.0 max = 1.0 : tensor<1x2x2x2xf32>
  %1 = qnt.stats %y min = -1.5 max = 4.0 count = 16 histogram = [2, 10, 4] channel_axis = 1
         channel_min = [-1.5, 0.0] channel_max = [1.0, 4.0] channel_mean = [-0.25, 0.1] : tensor<1x2x2x4xf32>
  return %0, %1 : tensor<1x2x2x2xf32>, tensor<1x2x2x4xf32>
}

// Sample rows of the logits, exactly (0.1 is not a short decimal in f32).
// CHECK-LABEL: func.func @stats_samples
// CHECK: qnt.stats %{{.*}} min = -2.000000e+00 max = 3.000000e+00 count = 6 histogram = [1, 2, 3] samples = dense<{{\[}}[3.000000e+00, 1.000000e-01, -2.000000e+00], [5.000000e-01, 2.000000e+00, 0.000000e+00]]> : tensor<2x3xf32> : tensor<?x3xf32>
func.func @stats_samples(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = qnt.stats %x min = -2.0 max = 3.0 count = 6 histogram = [1, 2, 3]
         samples = dense<[[3.0, 0.1, -2.0], [0.5, 2.0, 0.0]]> : tensor<2x3xf32> : tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// CHECK-LABEL: func.func @transformer_ops
// CHECK: qnt.sigmoid %{{.*}} : tensor<1x4x8xf32> -> tensor<1x4x8xf32>
// CHECK: qnt.tanh
// CHECK: qnt.erf
// CHECK: qnt.hard_swish
// CHECK: qnt.hard_sigmoid %{{.*}} alpha = 2.000000e-01 beta = 5.000000e-01
// CHECK: qnt.gelu %{{.*}} : tensor<1x4x8xf32>
// CHECK: qnt.gelu %{{.*}} tanh_approximation : tensor<1x4x8xf32>
// CHECK: qnt.layer_norm %{{.*}}, %{{.*}}, %{{.*}} axis = 2 epsilon = 9.99999974E-6 : (tensor<1x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
// CHECK: qnt.layer_norm %{{.*}}, %{{.*}} axis = 1 epsilon = 9.99999974E-6 : (tensor<1x4x8xf32>, tensor<4x8xf32>) -> tensor<1x4x8xf32>
// CHECK: qnt.reduce_mean %{{.*}} axes = [1] : tensor<1x4x8xf32> -> tensor<1x8xf32>
// CHECK: qnt.reduce_mean %{{.*}} axes = [1, 2] keep_dims : tensor<1x4x8xf32> -> tensor<1x1x1xf32>
// CHECK: qnt.slice %{{.*}} offsets = [0, 0, 0] strides = [1, 1, 1] : tensor<1x4x8xf32> -> tensor<1x1x8xf32>
// CHECK: qnt.slice %{{.*}} offsets = [0, 1, 2] strides = [1, 2, 3] : tensor<1x4x8xf32> -> tensor<1x2x2xf32>
// CHECK: qnt.sigmoid %{{.*}} : tensor<4x!quant.uniform<i8:f32, 5.000000e-01:-1>> -> tensor<4x!quant.uniform<u8:f32, 2.500000e-01:128>>
func.func @transformer_ops(%x: tensor<1x4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>, %g2: tensor<4x8xf32>,
                           %q: tensor<4x!i8>)
    -> (tensor<1x4x8xf32>, tensor<1x8xf32>, tensor<1x1x1xf32>, tensor<1x1x8xf32>, tensor<1x2x2xf32>, tensor<4x!u8>) {
  %0 = qnt.sigmoid %x : tensor<1x4x8xf32> -> tensor<1x4x8xf32>
  %1 = qnt.tanh %0 : tensor<1x4x8xf32> -> tensor<1x4x8xf32>
  %2 = qnt.erf %1 : tensor<1x4x8xf32> -> tensor<1x4x8xf32>
  %3 = qnt.hard_swish %2 : tensor<1x4x8xf32> -> tensor<1x4x8xf32>
  %4 = qnt.hard_sigmoid %3 alpha = 0.2 beta = 0.5 : tensor<1x4x8xf32> -> tensor<1x4x8xf32>
  %5 = qnt.gelu %4 : tensor<1x4x8xf32> -> tensor<1x4x8xf32>
  %6 = qnt.gelu %5 tanh_approximation : tensor<1x4x8xf32> -> tensor<1x4x8xf32>
  %7 = qnt.layer_norm %6, %g, %b axis = 2 epsilon = 1.0e-5 : (tensor<1x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
  %8 = qnt.layer_norm %7, %g2 axis = 1 epsilon = 1.0e-5 : (tensor<1x4x8xf32>, tensor<4x8xf32>) -> tensor<1x4x8xf32>
  %9 = qnt.reduce_mean %8 axes = [1] : tensor<1x4x8xf32> -> tensor<1x8xf32>
  %10 = qnt.reduce_mean %8 axes = [1, 2] keep_dims : tensor<1x4x8xf32> -> tensor<1x1x1xf32>
  %11 = qnt.slice %8 offsets = [0, 0, 0] strides = [1, 1, 1] : tensor<1x4x8xf32> -> tensor<1x1x8xf32>
  %12 = qnt.slice %8 offsets = [0, 1, 2] strides = [1, 2, 3] : tensor<1x4x8xf32> -> tensor<1x2x2xf32>
  %13 = qnt.sigmoid %q : tensor<4x!i8> -> tensor<4x!u8>
  return %8, %9, %10, %11, %12, %13 : tensor<1x4x8xf32>, tensor<1x8xf32>, tensor<1x1x1xf32>, tensor<1x1x8xf32>, tensor<1x2x2xf32>, tensor<4x!u8>
}

// CHECK-LABEL: func.func @fused_activations
// CHECK: qnt.conv2d %{{.*}}, %{{.*}} strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 fused_clamp(0.000000e+00, 6.000000e+00) : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
// CHECK: qnt.matmul %{{.*}}, %{{.*}} transpose_rhs fused_clamp(0.000000e+00, 0x7F800000) : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x2xf32>
// GENERIC-LABEL: sym_name = "fused_activations"
// GENERIC: "qnt.conv2d"(%{{.*}}, %{{.*}}) <{dilations = array<i64: 1, 1>, fused_max = 6.000000e+00 : f32, fused_min = 0.000000e+00 : f32,
func.func @fused_activations(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %a: tensor<1x3xf32>, %b: tensor<2x3xf32>)
    -> (tensor<1x4x6x6xf32>, tensor<1x2xf32>) {
  %0 = qnt.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 fused_clamp(0.0, 6.0)
       : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  %1 = qnt.matmul %a, %b transpose_rhs fused_clamp(0.0, 0x7F800000) : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x2xf32>
  return %0, %1 : tensor<1x4x6x6xf32>, tensor<1x2xf32>
}
