"""Writes a quantization-simulation module whose int8 form exercises every
shape case of qnt-lower-int8-kernels (int8-kernels-*.test):

  out0  conv 3->5, 3x3, stride (2, 1), dilation (1, 2), padded, u8 input
        with zero point 7: K = 27 (not a multiple of 4 or 2), F = 5 (a row
        block of 4 and a remainder row), M = 6 * 7 = 42 pixels (a partial
        vector for every lane count)
  out1  1x1 conv 5->18 on s8 activations (zero point -3)
  out2  matmul of the flattened s8 activations, K = 756, N = 10
  out3  matmul of the flattened u8 input, K = 297 (odd), N = 33

The outputs are the int32 accumulators (dequantized exactly), so any
difference between two kernel targets shows.

usage: int8_kernels_model.py OUT.mlir X.npy
"""
import sys

import numpy as np

rng = np.random.default_rng(7)


def dense(a):
    body = np.array2string(a, separator=", ", threshold=10**9,
                           formatter={"float_kind": lambda v: f"{v:.6e}"})
    shape = "x".join(str(d) for d in a.shape)
    return f"dense<{body}> : tensor<{shape}xf32>"


w1 = rng.uniform(-0.5, 0.5, (5, 3, 3, 3)).astype(np.float32)
w2 = rng.uniform(-0.5, 0.5, (18, 5, 1, 1)).astype(np.float32)
w3 = rng.uniform(-0.2, 0.2, (756, 10)).astype(np.float32)
w4 = rng.uniform(-0.2, 0.2, (297, 33)).astype(np.float32)


def wscales(w, axis):
    m = np.abs(w).max(axis=tuple(i for i in range(w.ndim) if i != axis))
    return "[" + ", ".join(f"{v / 127:.6e}" for v in m) + "]"


def zeros(n):
    return "[" + ", ".join("0" for _ in range(n)) + "]"


module = f"""module attributes {{qnt.rounding = #qnt.rounding<single_round>}} {{
func.func @main(%x: tensor<?x3x11x9xf32>) -> (tensor<?x5x6x7xf32>, tensor<?x18x6x7xf32>, tensor<?x10xf32>, tensor<?x33xf32>) {{
  %x1 = qnt.fake_quant %x bits = 8 scale = [0.0078431] zero_point = [7] : tensor<?x3x11x9xf32>
  %w1 = arith.constant {dense(w1)}
  %w1q = qnt.fake_quant %w1 bits = 8 signed symmetric narrow_range axis = 0 scale = {wscales(w1, 0)} zero_point = {zeros(5)} : tensor<5x3x3x3xf32>
  %c1 = qnt.conv2d %x1, %w1q strides = [2, 1] pads = [1, 1, 1, 1] dilations = [1, 2] groups = 1 : (tensor<?x3x11x9xf32>, tensor<5x3x3x3xf32>) -> tensor<?x5x6x7xf32>
  %y1 = qnt.fake_quant %c1 bits = 8 signed scale = [0.01] zero_point = [-3] : tensor<?x5x6x7xf32>
  %w2 = arith.constant {dense(w2)}
  %w2q = qnt.fake_quant %w2 bits = 8 signed symmetric narrow_range axis = 0 scale = {wscales(w2, 0)} zero_point = {zeros(18)} : tensor<18x5x1x1xf32>
  %c2 = qnt.conv2d %y1, %w2q strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<?x5x6x7xf32>, tensor<18x5x1x1xf32>) -> tensor<?x18x6x7xf32>
  %y2 = qnt.fake_quant %c2 bits = 8 signed scale = [0.01] zero_point = [0] : tensor<?x18x6x7xf32>
  %f2 = qnt.reshape %y2 : tensor<?x18x6x7xf32> -> tensor<?x756xf32>
  %w3 = arith.constant {dense(w3)}
  %w3q = qnt.fake_quant %w3 bits = 8 signed symmetric narrow_range axis = 1 scale = {wscales(w3, 1)} zero_point = {zeros(10)} : tensor<756x10xf32>
  %m3 = qnt.matmul %f2, %w3q : (tensor<?x756xf32>, tensor<756x10xf32>) -> tensor<?x10xf32>
  %f1 = qnt.reshape %x1 : tensor<?x3x11x9xf32> -> tensor<?x297xf32>
  %w4 = arith.constant {dense(w4)}
  %w4q = qnt.fake_quant %w4 bits = 8 signed symmetric narrow_range axis = 1 scale = {wscales(w4, 1)} zero_point = {zeros(33)} : tensor<297x33xf32>
  %m4 = qnt.matmul %f1, %w4q : (tensor<?x297xf32>, tensor<297x33xf32>) -> tensor<?x33xf32>
  return %c1, %c2, %m3, %m4 : tensor<?x5x6x7xf32>, tensor<?x18x6x7xf32>, tensor<?x10xf32>, tensor<?x33xf32>
}}
}}
"""
with open(sys.argv[1], "w") as f:
    f.write(module)
np.save(sys.argv[2], rng.uniform(-1.0, 1.0, (7, 3, 11, 9)).astype(np.float32))
