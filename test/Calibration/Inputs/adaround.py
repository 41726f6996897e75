"""Helpers of the qnt-adaround tests.

  adaround.py gen OUT.npy --shape D [D ...] [--samples N] [--fill V ...]
  adaround.py check BEFORE.mlir AFTER.mlir
  adaround.py errors STDERR
  adaround.py model OUT.mlir

model writes a larger model with random weights (seed 1), printed dense:
a conv2d (4 -> 8 channels, 3x3, pads 1), a depthwise conv2d (8 groups,
3x3, stride 2, pads 1) and, on the flattened result, a transpose_rhs
matmul (8*4*4 -> 10), every weight with a signed symmetric narrow-range
4-bit per-channel min-max quantizer.

gen writes N float32 samples of shape D...: standard normal (seed 0), or
every sample equal to the values --fill (for hand-computed cases).

check pairs the calibrated weight quantizers of two printed modules (every
`qnt.fake_quant` of an `arith.constant dense<...>` with a scale, in order)
and checks for every weight w of BEFORE and w' of AFTER, with s = f32(scale)
of its channel: q = w' / s is an integer, f32(q) * f32(s) == w' bitwise (w'
is on the grid as the quantizer dequantizes it), q is floor(w / s) or
ceil(w / s), and q + z is inside the grid. Prints one line per weight
tensor with the number of weights rounded differently from nearest.

errors parses the "qnt-adaround: layer i/N ..." lines of STDERR and checks
that no AdaRound error is above the nearest-rounding error; it prints
"below" or "equal" for each.
"""
import argparse
import math
import re
import sys

import numpy as np

CONST = re.compile(r"^\s*(%[\w.$-]+) = arith\.constant (dense|dense_resource)<(.*)> : tensor<([\dx]+)xf32>\s*$")
QUANT = re.compile(r"qnt\.fake_quant (%[\w.$-]+) bits = (\d+)( signed)?( symmetric)?"
                   r"( narrow_range)?(?: axis = (\d+))? scale = \[([^\]]*)\]"
                   r"(?: zero_point = \[([^\]]*)\])? : tensor<([\dx]+)xf32>")


def parse_dense(text, shape):
    values = [float(v) for v in re.findall(r"[-+0-9.eE]+|0x[0-9A-Fa-f]+", text.replace("[", " ").replace("]", " ").replace(",", " "))]
    n = int(np.prod(shape))
    if len(values) == 1:
        values = values * n
    assert len(values) == n, (text, shape)
    return np.array(values, dtype=np.float32).reshape(shape)


def blobs(text):
    out = {}
    m = re.search(r"\{-#\s*dialect_resources:\s*\{\s*builtin:\s*\{(.*?)\}\s*\}\s*#-\}", text, re.S)
    if m:
        for name, hexdata in re.findall(r"([\w.$-]+):\s*\"0x([0-9A-Fa-f]+)\"", m.group(1)):
            out[name] = np.frombuffer(bytes.fromhex(hexdata)[4:], dtype="<f4")
    return out


def weights(path):
    text = open(path).read()
    resources = blobs(text)
    consts, found = {}, []
    for line in text.split("\n"):
        m = CONST.match(line)
        if m:
            shape = [int(d) for d in m.group(4).split("x")]
            if m.group(2) == "dense":
                consts[m.group(1)] = parse_dense(m.group(3), shape)
            else:
                consts[m.group(1)] = resources[m.group(3)].reshape(shape)
            continue
        m = QUANT.search(line)
        if m and m.group(1) in consts:
            bits = int(m.group(2))
            signed, narrow = bool(m.group(3)), bool(m.group(5))
            axis = int(m.group(6)) if m.group(6) else None
            scales = [float(s) for s in m.group(7).split(",")]
            zps = [int(z) for z in m.group(8).split(",")] if m.group(8) else [0] * len(scales)
            qmin = -(1 << (bits - 1)) if signed else 0
            qmax = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1
            if narrow:
                qmin += 1
            found.append((consts[m.group(1)], axis, scales, zps, qmin, qmax))
    return found


def check(before, after):
    a, b = weights(before), weights(after)
    assert len(a) == len(b) and a, (len(a), len(b))
    for index, ((w, axis, scales, zps, qmin, qmax), (w2, *_)) in enumerate(zip(a, b)):
        assert w.shape == w2.shape
        shape = [1] * w.ndim
        if axis is not None:
            shape[axis] = -1
        s = np.array(scales, np.float32).reshape(shape)
        z = np.array(zps, np.int64).reshape(shape)
        s, z = np.broadcast_to(s, w.shape), np.broadcast_to(z, w.shape)
        ratio = w2.astype(np.float64) / s.astype(np.float64)
        q = np.rint(ratio)
        bad = np.abs(ratio - q) >= 1e-4
        assert not bad.any(), (index, "off the grid", w2[bad][:5])
        # On the grid as the quantizer dequantizes: f32(q) * f32(s) bitwise.
        same = (q.astype(np.float32) * s).view(np.uint32) == w2.view(np.uint32)
        assert same.all(), (index, "not f32(q) * f32(s)", w2[~same][:5])
        exact = w.astype(np.float64) / s.astype(np.float64)
        floor_or_ceil = (q == np.floor(exact)) | (q == np.ceil(exact))
        assert floor_or_ceil.all(), (index, "neither floor nor ceil", w[~floor_or_ceil][:5], w2[~floor_or_ceil][:5])
        assert ((q + z >= qmin) & (q + z <= qmax)).all(), (index, "outside the grid")
        nearest = np.clip(np.rint(w / s).astype(np.int64) + z, qmin, qmax) - z
        changed = int((q != nearest).sum())
        print(f"OK weight {index}: {w.size} on the grid, floor or ceil, {changed} not nearest")


def errors(path):
    lines = [l for l in open(path) if re.match(r"qnt-adaround: layer \d+/\d+ ", l)]
    assert lines, "no layer lines"
    for line in lines:
        m = re.search(r"layer (\d+)/(\d+) .*: (\d+) x (\d+), reconstruction error nearest (\S+) -> adaround (\S+), (\S+) s$", line)
        assert m, line
        a, b = float(m.group(5)), float(m.group(6))
        assert b <= a, line
        verdict = "below" if b < a else "equal"
        print(f"OK layer {m.group(1)}/{m.group(2)}: {m.group(3)} x {m.group(4)} adaround {verdict} nearest")


def model(path):
    rng = np.random.default_rng(1)

    def dense(w):
        return "dense<" + np.array2string(w, separator=", ", threshold=1 << 30, max_line_width=1 << 30,
                                           formatter={"float_kind": lambda v: "%.6e" % v}).replace("\n", "") + ">"

    def quant(name, w, axis):
        moved = np.moveaxis(w, axis, 0).reshape(w.shape[axis], -1)
        scales = ", ".join(repr(float(v) / 7) for v in np.abs(moved).max(axis=1))
        zps = ", ".join("0" for _ in range(w.shape[axis]))
        ty = "x".join(str(d) for d in w.shape)
        return (f"  {name}q = qnt.fake_quant {name} bits = 4 signed symmetric narrow_range axis = {axis} "
                f"scale = [{scales}] zero_point = [{zps}] : tensor<{ty}xf32>")

    w1 = (rng.standard_normal((8, 4, 3, 3)) * 0.3).astype(np.float32)
    w2 = (rng.standard_normal((8, 1, 3, 3)) * 0.5).astype(np.float32)
    w3 = (rng.standard_normal((10, 128)) * 0.1).astype(np.float32)
    lines = [
        "func.func @main(%x: tensor<?x4x8x8xf32>) -> tensor<?x10xf32> {",
        f"  %w1 = arith.constant {dense(w1)} : tensor<8x4x3x3xf32>",
        quant("%w1", w1, 0),
        "  %h1 = qnt.conv2d %x, %w1q strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1"
        " fused_clamp(0.000000e+00, 0x7F800000) : (tensor<?x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<?x8x8x8xf32>",
        f"  %w2 = arith.constant {dense(w2)} : tensor<8x1x3x3xf32>",
        quant("%w2", w2, 0),
        "  %h2 = qnt.conv2d %h1, %w2q strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 8"
        " : (tensor<?x8x8x8xf32>, tensor<8x1x3x3xf32>) -> tensor<?x8x4x4xf32>",
        "  %f = qnt.reshape %h2 : tensor<?x8x4x4xf32> -> tensor<?x128xf32>",
        f"  %w3 = arith.constant {dense(w3)} : tensor<10x128xf32>",
        quant("%w3", w3, 0),
        "  %y = qnt.matmul %f, %w3q transpose_rhs : (tensor<?x128xf32>, tensor<10x128xf32>) -> tensor<?x10xf32>",
        "  return %y : tensor<?x10xf32>",
        "}",
    ]
    open(path, "w").write("\n".join(lines) + "\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["gen", "check", "errors", "model"])
    p.add_argument("files", nargs="+")
    p.add_argument("--shape", type=int, nargs="+")
    p.add_argument("--samples", type=int, default=64)
    p.add_argument("--fill", type=float, nargs="+")
    args = p.parse_args()
    if args.mode == "gen":
        shape = [args.samples] + args.shape
        if args.fill:
            data = np.broadcast_to(np.array(args.fill, np.float32).reshape(args.shape), shape)
        else:
            data = np.random.default_rng(0).standard_normal(shape)
        np.save(args.files[0], np.ascontiguousarray(data, dtype=np.float32))
    elif args.mode == "check":
        check(*args.files)
    elif args.mode == "errors":
        errors(args.files[0])
    else:
        model(args.files[0])


if __name__ == "__main__":
    main()
