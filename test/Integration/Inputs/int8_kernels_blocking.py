"""Writes the modules and inputs of int8-kernels-blocking-*.test: GEMMs
large enough for the cache blocking of qnt-lower-int8-kernels to split them
into several K blocks, column panels and row blocks, with every remainder:

  matmul.mlir (inputs xu.npy: u8 [S, 3101], xs.npy: s8 [S, 3101])
    out0  u8 x w0[3101, 600] -> the int32 accumulators (no epilogue)
    out1  s8 x w1[3101, 600] requantized per output channel to i8 (the
          fused epilogue; s8 activations are shifted for vnni)
  conv.mlir (input xc.npy: u8 [S, 192, 17, 17])
    out0  conv 192->6, 3x3, pad 1 -> the int32 accumulators
    out1  conv 192->7, 3x3, pad 1 requantized per channel to i8

K = 3101 (matmul, not a multiple of any group: 3 K blocks, so a first, a
middle and a last one, on every target) and 192 * 9 = 1728 (conv: 3 K
blocks for vnni, 2 for avx2 and portable); N = 600 columns (37.5 vectors
of 16) and 17 * 17 = 289 pixels (18 full vectors of 16 and one lane) take
full column panels and a last one with a partial vector; S rows (the
batch) take row blocks and remainder rows.

usage: int8_kernels_blocking.py DIR S_MATMUL S_CONV
"""
import pathlib
import sys

import numpy as np

rng = np.random.default_rng(11)
out = pathlib.Path(sys.argv[1])
s_matmul, s_conv = int(sys.argv[2]), int(sys.argv[3])


def weights(shape):
    w = rng.integers(-127, 128, shape, dtype=np.int8)
    return "0x" + w.tobytes().hex().upper()


def channel_scales(n, base):
    return "{" + ", ".join(f"{base * 2.0 ** -(i % 4)}" for i in range(n)) + "}"


K, N = 3101, 600
(out / "matmul.mlir").write_text(f"""// int8_kernels_blocking.py: matmuls K = {K}, N = {N}
!xu = !quant.uniform<u8:f32, 0.5>
!xs = !quant.uniform<i8:f32, 0.5>
!w0 = !quant.uniform<i8<-127:127>:f32, 0.25>
!acc0 = !quant.uniform<i32:f32, 0.125>
!w1 = !quant.uniform<i8<-127:127>:f32:1, {channel_scales(N, 0.25)}>
!acc1 = !quant.uniform<i32:f32:1, {channel_scales(N, 0.125)}>
!y = !quant.uniform<i8:f32, 300.0:-1>
func.func @main(%xu: tensor<?x{K}x!xu>, %xs: tensor<?x{K}x!xs>) -> (tensor<?x{N}x!acc0>, tensor<?x{N}x!y>) {{
  %w0i = arith.constant dense<"{weights((K, N))}"> : tensor<{K}x{N}xi8>
  %w0 = quant.scast %w0i : tensor<{K}x{N}xi8> to tensor<{K}x{N}x!w0>
  %acc0 = qnt.matmul %xu, %w0 : (tensor<?x{K}x!xu>, tensor<{K}x{N}x!w0>) -> tensor<?x{N}x!acc0>
  %w1i = arith.constant dense<"{weights((K, N))}"> : tensor<{K}x{N}xi8>
  %w1 = quant.scast %w1i : tensor<{K}x{N}xi8> to tensor<{K}x{N}x!w1>
  %acc1 = qnt.matmul %xs, %w1 : (tensor<?x{K}x!xs>, tensor<{K}x{N}x!w1>) -> tensor<?x{N}x!acc1>
  %y = qnt.requantize %acc1 rounding = <single_round> : tensor<?x{N}x!acc1> -> tensor<?x{N}x!y>
  return %acc0, %y : tensor<?x{N}x!acc0>, tensor<?x{N}x!y>
}}
""")
np.save(out / "xu.npy", rng.integers(0, 256, (s_matmul, K), dtype=np.uint8))
np.save(out / "xs.npy", rng.integers(-128, 128, (s_matmul, K), dtype=np.int8))

C, H = 192, 17
(out / "conv.mlir").write_text(f"""// int8_kernels_blocking.py: convs K = {C * 9}, {H * H} pixels
!x = !quant.uniform<u8:f32, 0.5:3>
!w0 = !quant.uniform<i8<-127:127>:f32, 0.25>
!acc0 = !quant.uniform<i32:f32, 0.125>
!w1 = !quant.uniform<i8<-127:127>:f32:0, {channel_scales(7, 0.25)}>
!acc1 = !quant.uniform<i32:f32:1, {channel_scales(7, 0.125)}>
!y = !quant.uniform<i8:f32, 300.0:-1>
func.func @main(%x: tensor<?x{C}x{H}x{H}x!x>) -> (tensor<?x6x{H}x{H}x!acc0>, tensor<?x7x{H}x{H}x!y>) {{
  %w0i = arith.constant dense<"{weights((6, C, 3, 3))}"> : tensor<6x{C}x3x3xi8>
  %w0 = quant.scast %w0i : tensor<6x{C}x3x3xi8> to tensor<6x{C}x3x3x!w0>
  %acc0 = qnt.conv2d %x, %w0 strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1
          : (tensor<?x{C}x{H}x{H}x!x>, tensor<6x{C}x3x3x!w0>) -> tensor<?x6x{H}x{H}x!acc0>
  %w1i = arith.constant dense<"{weights((7, C, 3, 3))}"> : tensor<7x{C}x3x3xi8>
  %w1 = quant.scast %w1i : tensor<7x{C}x3x3xi8> to tensor<7x{C}x3x3x!w1>
  %acc1 = qnt.conv2d %x, %w1 strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1
          : (tensor<?x{C}x{H}x{H}x!x>, tensor<7x{C}x3x3x!w1>) -> tensor<?x7x{H}x{H}x!acc1>
  %y = qnt.requantize %acc1 rounding = <single_round> : tensor<?x7x{H}x{H}x!acc1> -> tensor<?x7x{H}x{H}x!y>
  return %acc0, %y : tensor<?x6x{H}x{H}x!acc0>, tensor<?x7x{H}x{H}x!y>
}}
""")
np.save(out / "xc.npy", rng.integers(0, 256, (s_conv, C, H, H), dtype=np.uint8))
