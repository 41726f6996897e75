// qnt-lower-to-llvm's buffers come from the runtime's caching allocator
// (caching-allocator=1, the default), or from aligned_alloc and free.
// RUN: quant-opt %s --qnt-lower-to-llvm | FileCheck %s --implicit-check-not=@malloc --implicit-check-not=@aligned_alloc --implicit-check-not=@free --implicit-check-not=_mlir_memref_to_llvm
// RUN: quant-opt %s --qnt-lower-to-llvm=num-threads=2 | FileCheck %s --implicit-check-not=@malloc --implicit-check-not=@aligned_alloc --implicit-check-not=@free --implicit-check-not=_mlir_memref_to_llvm
// RUN: quant-opt %s --qnt-lower-to-llvm=caching-allocator=false | FileCheck %s --check-prefix=MALLOC --implicit-check-not=quantopt_rt

// CHECK-DAG: llvm.func @quantopt_rt_aligned_alloc(i64, i64) -> (!llvm.ptr {llvm.noalias})
// CHECK-DAG: llvm.func @quantopt_rt_free(!llvm.ptr)
// CHECK: llvm.func @model(
// CHECK: llvm.call @quantopt_rt_aligned_alloc(
// CHECK: llvm.call @quantopt_rt_free(

// MALLOC: llvm.func @model(
// MALLOC: llvm.call @aligned_alloc(
// MALLOC: llvm.call @free(

// An intermediate buffer (the conv's output, freed after the pool) and the
// result.
func.func @model(%x: tensor<?x1x8x8xf32>) -> tensor<?x4x4x4xf32> {
  %w = arith.constant dense<0.5> : tensor<4x1x3x3xf32>
  %c = qnt.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1
       : (tensor<?x1x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<?x4x8x8xf32>
  %p = qnt.max_pool2d %c kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1]
       : tensor<?x4x8x8xf32> -> tensor<?x4x4x4xf32>
  return %p : tensor<?x4x4x4xf32>
}
