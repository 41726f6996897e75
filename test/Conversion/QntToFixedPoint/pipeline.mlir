// An integer model through qnt-lower-to-llvm (convert-qnt-to-fixed-point,
// qnt-check-no-quantized, convert-qnt-to-linalg, ...): only LLVM dialect
// ops are left, the quantized signature became i8/u8 storage, and the
// module translates to LLVM IR.
// RUN: quant-opt %s --qnt-lower-to-llvm | FileCheck %s
// RUN: quant-opt %s --qnt-lower-to-llvm | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVMIR

// CHECK-NOT: {{(qnt|quant|linalg|tensor|memref|arith|math|scf|cf|func|bufferization)\.}}
// CHECK-NOT: !quant
// CHECK: llvm.func @model
// CHECK-NOT: {{(qnt|quant|linalg|tensor|memref|arith|math|scf|cf|func|bufferization)\.}}

// LLVMIR: define { ptr, ptr, i64, [2 x i64], [2 x i64] } @model(ptr %0, ptr %1, i64 %2, i64 %3, i64 %4, i64 %5, i64 %6, i64 %7, i64 %8, i64 %9, i64 %10)
// LLVMIR: mul i64

!u8_input = !quant.uniform<u8:f32, 0.0039215686274509803>
!i8_weight = !quant.uniform<i8<-127:127>:f32, 0.00915748031496063>
!i32_acc = !quant.uniform<i32:f32, 3.5911687509649534e-05>
!u8_act = !quant.uniform<u8:f32, 0.02>
!logits = !quant.uniform<i8:f32, 0.05:-4>
!fc_w = !quant.uniform<i8<-127:127>:f32, 0.01>
!fc_acc = !quant.uniform<i32:f32, 2.0e-04>

func.func @model(%image: tensor<?x1x8x8x!u8_input>) -> tensor<?x10x!logits> {
  %w_int = arith.constant dense<[[[[7, -7, 35], [6, -29, 20], [71, 52, -38]]],
                                 [[[-69, -34, 2], [-127, -12, -68], [-40, -30, -17]]]]> : tensor<2x1x3x3xi8>
  %w = quant.scast %w_int : tensor<2x1x3x3xi8> to tensor<2x1x3x3x!i8_weight>
  %fc_int = arith.constant dense<3> : tensor<10x32xi8>
  %fc = quant.scast %fc_int : tensor<10x32xi8> to tensor<10x32x!fc_w>
  %acc = qnt.conv2d %image, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1
         : (tensor<?x1x8x8x!u8_input>, tensor<2x1x3x3x!i8_weight>) -> tensor<?x2x8x8x!i32_acc>
  %y = qnt.requantize %acc rounding = <double_round> : tensor<?x2x8x8x!i32_acc> -> tensor<?x2x8x8x!u8_act>
  %r = qnt.relu %y : tensor<?x2x8x8x!u8_act> -> tensor<?x2x8x8x!u8_act>
  %p = qnt.max_pool2d %r kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1]
       : tensor<?x2x8x8x!u8_act> -> tensor<?x2x4x4x!u8_act>
  %f = qnt.reshape %p : tensor<?x2x4x4x!u8_act> -> tensor<?x32x!u8_act>
  %l = qnt.matmul %f, %fc transpose_rhs : (tensor<?x32x!u8_act>, tensor<10x32x!fc_w>) -> tensor<?x10x!fc_acc>
  %q = qnt.requantize %l rounding = <single_round> : tensor<?x10x!fc_acc> -> tensor<?x10x!logits>
  return %q : tensor<?x10x!logits>
}
