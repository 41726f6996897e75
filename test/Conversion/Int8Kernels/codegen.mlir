// The kernels through qnt-lower-to-llvm and LLVM code generation: each
// target's instruction is in the assembly, also when cross-compiling.
// RUN: quant-opt %s --qnt-lower-to-llvm=kernel-target=arm-dotprod | mlir-translate --mlir-to-llvmir | llc -O2 -mtriple=aarch64 -mattr=+dotprod | FileCheck %s --check-prefix=ARM
// RUN: quant-opt %s --qnt-lower-to-llvm=kernel-target=avx512-vnni | mlir-translate --mlir-to-llvmir | llc -O2 -mtriple=x86_64 -mattr=+avx512vnni,+avx512bw,+avx512f | FileCheck %s --check-prefix=VNNI
// RUN: quant-opt %s --qnt-lower-to-llvm=kernel-target=avx2 | mlir-translate --mlir-to-llvmir | llc -O2 -mtriple=x86_64 -mattr=+avx2 | FileCheck %s --check-prefix=AVX2
// RUN: quant-opt %s --qnt-lower-to-llvm=kernel-target=portable | mlir-translate --mlir-to-llvmir | llc -O2 -mtriple=aarch64 | FileCheck %s --check-prefix=PORT --implicit-check-not=sdot

// ARM: sdot v{{[0-9]+}}.4s, v{{[0-9]+}}.16b, v{{[0-9]+}}.16b
// VNNI: vpdpbusd %zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm{{[0-9]+}}
// AVX2: vpmaddwd %ymm{{[0-9]+}}, %ymm{{[0-9]+}}, %ymm{{[0-9]+}}
// PORT: smlal v{{[0-9]+}}.4s

!u8_input = !quant.uniform<u8:f32, 0.0039215686274509803:3>
!w = !quant.uniform<i8<-127:127>:f32, 0.01>
!acc = !quant.uniform<i32:f32, 3.9215686274509805e-05>
!cacc = !quant.uniform<i32:f32, 3.9215686274509805e-05>

func.func @main(%image: tensor<?x2x6x6x!u8_input>) -> (tensor<?x3x4x4x!cacc>, tensor<?x5x!acc>) {
  %cwi = arith.constant dense<2> : tensor<3x2x3x3xi8>
  %cw = quant.scast %cwi : tensor<3x2x3x3xi8> to tensor<3x2x3x3x!w>
  %c = qnt.conv2d %image, %cw strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1
       : (tensor<?x2x6x6x!u8_input>, tensor<3x2x3x3x!w>) -> tensor<?x3x4x4x!cacc>
  %wi = arith.constant dense<3> : tensor<72x5xi8>
  %w = quant.scast %wi : tensor<72x5xi8> to tensor<72x5x!w>
  %f = qnt.reshape %image : tensor<?x2x6x6x!u8_input> -> tensor<?x72x!u8_input>
  %m = qnt.matmul %f, %w : (tensor<?x72x!u8_input>, tensor<72x5x!w>) -> tensor<?x5x!acc>
  return %c, %m : tensor<?x3x4x4x!cacc>, tensor<?x5x!acc>
}
