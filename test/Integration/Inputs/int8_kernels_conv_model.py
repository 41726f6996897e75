"""Writes a quantization-simulation module whose int8 form exercises every
path of the conv input rearrangement of qnt-lower-int8-kernels (Im2col.cpp;
int8-kernels-*.test), on an s8 input with zero point -5
(the padding value), [N, 6, 40, 150]. The GEMM runs in bands of output rows
(Im2col.h chooseBandRows): several convs have several bands and a shorter
last one.

  out0  3x3, stride 2, padded 1: output rows of 75 pixels (two chunks of
        the row shuffles, 64 + 11), K = 54 (not a multiple of 4), bands of
        16 + 4 rows (partial vectors), a bias
  out1  1x1, stride 2, unpadded (the strided row shuffles)
  out2  3x3, dilation (2, 3), pads top 0, left 2, bottom 1, right 0:
        146-pixel rows (chunks 64 + 64 + 18), bands of 8 rows and 5
  out3  3x3, dilation (21, 1), bottom padding 12: kernel row 2 reads the
        padding for all output rows
  out4  1x1, stride 1, unpadded (the input is the [K][M] matrix itself):
        K = 6, bands of 16 + 16 + 8 rows, a bias

The outputs are the int32 accumulators (dequantized exactly), so any
difference between two kernel targets shows.

usage: int8_kernels_conv_model.py OUT.mlir X.npy
"""
import sys

import numpy as np

rng = np.random.default_rng(11)


def dense(a):
    body = np.array2string(a, separator=", ", threshold=10**9,
                           formatter={"float_kind": lambda v: f"{v:.6e}"})
    shape = "x".join(str(d) for d in a.shape)
    return f"dense<{body}> : tensor<{shape}xf32>"


def wscales(w):
    m = np.abs(w).max(axis=(1, 2, 3))
    return "[" + ", ".join(f"{v / 127:.6e}" for v in m) + "]"


def zeros(n):
    return "[" + ", ".join("0" for _ in range(n)) + "]"


# name, out channels, kernel, strides, pads, dilations, output shape, bias
convs = [
    ("0", 5, (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), (20, 75), True),
    ("1", 3, (1, 1), (2, 2), (0, 0, 0, 0), (1, 1), (20, 75), False),
    ("2", 4, (3, 3), (1, 1), (0, 2, 1, 0), (2, 3), (37, 146), False),
    ("3", 2, (3, 3), (1, 1), (0, 1, 12, 1), (21, 1), (10, 150), False),
    ("4", 7, (1, 1), (1, 1), (0, 0, 0, 0), (1, 1), (40, 150), True),
]

lines = []
results = []
for name, f, (kh, kw), strides, pads, dilations, (oh, ow), bias in convs:
    w = rng.uniform(-0.5, 0.5, (f, 6, kh, kw)).astype(np.float32)
    wtype = f"tensor<{f}x6x{kh}x{kw}xf32>"
    out = f"tensor<?x{f}x{oh}x{ow}xf32>"
    lines.append(f"  %w{name} = arith.constant {dense(w)}")
    lines.append(
        f"  %w{name}q = qnt.fake_quant %w{name} bits = 8 signed symmetric "
        f"narrow_range axis = 0 scale = {wscales(w)} zero_point = {zeros(f)}"
        f" : {wtype}")
    operands = f"%x1, %w{name}q"
    types = f"tensor<?x6x40x150xf32>, {wtype}"
    if bias:
        b = rng.uniform(-2.0, 2.0, (f,)).astype(np.float32)
        lines.append(f"  %b{name} = arith.constant {dense(b)}")
        operands += f", %b{name}"
        types += f", tensor<{f}xf32>"
    lines.append(
        f"  %c{name} = qnt.conv2d {operands} strides = {list(strides)} "
        f"pads = {list(pads)} dilations = {list(dilations)} groups = 1 : "
        f"({types}) -> {out}")
    results.append((f"%c{name}", out))

module = f"""module attributes {{qnt.rounding = #qnt.rounding<single_round>}} {{
func.func @main(%x: tensor<?x6x40x150xf32>) -> ({", ".join(t for _, t in results)}) {{
  %x1 = qnt.fake_quant %x bits = 8 signed scale = [0.0078431] zero_point = [-5] : tensor<?x6x40x150xf32>
{chr(10).join(lines)}
  return {", ".join(v for v, _ in results)} : {", ".join(t for _, t in results)}
}}
}}
"""
with open(sys.argv[1], "w") as f:
    f.write(module)
np.save(sys.argv[2], rng.uniform(-1.0, 1.0, (3, 6, 40, 150)).astype(np.float32))
