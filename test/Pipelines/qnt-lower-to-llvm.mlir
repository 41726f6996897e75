// qnt-lower-to-llvm leaves only LLVM dialect ops, which translate to LLVM IR.
// RUN: quant-opt %s --qnt-lower-to-llvm | FileCheck %s
// RUN: quant-opt %s --qnt-lower-to-llvm | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVMIR

// CHECK-NOT: {{(qnt|linalg|tensor|memref|arith|math|scf|cf|func|bufferization)\.}}
// CHECK: llvm.func @model
// CHECK-NOT: {{(qnt|linalg|tensor|memref|arith|math|scf|cf|func|bufferization)\.}}

// The weights become constant globals (those that are not folded into
// immediates: splats, or elements read at constant indices); erf becomes a
// libm call.
// LLVMIR-DAG: @__constant_4x2x3x3xf32 = private constant [4 x [2 x [3 x [3 x float]]]]
// LLVMIR-DAG: declare float @erff(float)
// LLVMIR: define { ptr, ptr, i64, [2 x i64], [2 x i64] } @model(

func.func @model(%x: tensor<?x2x8x8xf32>) -> tensor<?x10xf32> {
  %w = arith.constant dense<[[[[-0.15, -0.1, -0.05], [0.0, 0.05, 0.1], [0.15, -0.15, -0.1]], [[-0.05, 0.0, 0.05], [0.1, 0.15, -0.15], [-0.1, -0.05, 0.0]]], [[[0.05, 0.1, 0.15], [-0.15, -0.1, -0.05], [0.0, 0.05, 0.1]], [[0.15, -0.15, -0.1], [-0.05, 0.0, 0.05], [0.1, 0.15, -0.15]]], [[[-0.1, -0.05, 0.0], [0.05, 0.1, 0.15], [-0.15, -0.1, -0.05]], [[0.0, 0.05, 0.1], [0.15, -0.15, -0.1], [-0.05, 0.0, 0.05]]], [[[0.1, 0.15, -0.15], [-0.1, -0.05, 0.0], [0.05, 0.1, 0.15]], [[-0.15, -0.1, -0.05], [0.0, 0.05, 0.1], [0.15, -0.15, -0.1]]]]> : tensor<4x2x3x3xf32>
  %fc = arith.constant dense<0.25> : tensor<10x64xf32>
  %c = qnt.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1
       : (tensor<?x2x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<?x4x8x8xf32>
  %r = qnt.gelu %c : tensor<?x4x8x8xf32> -> tensor<?x4x8x8xf32>
  %p = qnt.max_pool2d %r kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1]
       : tensor<?x4x8x8xf32> -> tensor<?x4x4x4xf32>
  %q = qnt.fake_quant %p bits = 8 scale = [0.05] zero_point = [0] : tensor<?x4x4x4xf32>
  %f = qnt.reshape %q : tensor<?x4x4x4xf32> -> tensor<?x64xf32>
  %l = qnt.matmul %f, %fc transpose_rhs : (tensor<?x64xf32>, tensor<10x64xf32>) -> tensor<?x10xf32>
  %s = qnt.softmax %l axis = 1 : tensor<?x10xf32> -> tensor<?x10xf32>
  return %s : tensor<?x10xf32>
}
