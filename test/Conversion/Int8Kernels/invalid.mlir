// RUN: not quant-opt %s --qnt-lower-int8-kernels=target=sse9 2>&1 | FileCheck %s
// RUN: not quant-opt %s --qnt-lower-to-llvm=kernel-target=sse9 2>&1 | FileCheck %s

// CHECK: error: qnt-lower-int8-kernels: unknown target 'sse9' (expected host, avx512-vnni, avx2, portable or arm-dotprod)

func.func @f(%x: tensor<4xi32>) -> tensor<4xi32> {
  return %x : tensor<4xi32>
}
