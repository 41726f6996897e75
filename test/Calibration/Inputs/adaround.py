"""Helpers of the qnt-adaround tests.

  adaround.py gen OUT.npy --shape D [D ...] [--samples N] [--fill V ...]
  adaround.py check BEFORE.mlir AFTER.mlir
  adaround.py errors STDERR
  adaround.py model OUT.mlir [--act-quant]
  adaround.py qerrors BEFORE.mlir AFTER.mlir DATA.npy STDERR

model writes a larger model with random weights (seed 1), printed dense:
a conv2d (4 -> 8 channels, 3x3, pads 1), a depthwise conv2d (8 groups,
3x3, stride 2, pads 1) and, on the flattened result, a transpose_rhs
matmul (8*4*4 -> 10), every weight with a signed symmetric narrow-range
4-bit per-channel min-max quantizer; with --act-quant also calibrated
activation quantizers on the input, after the first layer and before the
matmul.

qerrors recomputes, for that model, every layer's reconstruction error on
quantized inputs in numpy (see its docstring) and checks the pass's.

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

# A per-tensor quantizer of an activation (dynamic sample dim).
ACT_QUANT = re.compile(r"qnt\.fake_quant (%[\w.$-]+) bits = (\d+)( signed)?( symmetric)?"
                       r"( narrow_range)? scale = \[([^\],]*)\](?: zero_point = \[([^\]]*)\])? : tensor<\?x")


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
        m = re.search(r"layer (\d+)/(\d+) .*: (\d+) x (\d+), reconstruction error nearest (\S+) -> adaround (\S+), undecided (\d+)/(\d+), (\S+) s$", line)
        assert m, line
        a, b = float(m.group(5)), float(m.group(6))
        assert b <= a, line
        verdict = "below" if b < a else "equal"
        print(f"OK layer {m.group(1)}/{m.group(2)}: {m.group(3)} x {m.group(4)} adaround {verdict} nearest")


def model(path, act_quant=False):
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
    # --act-quant: calibrated activation quantizers on the input (8-bit
    # signed), after the first layer (6-bit unsigned) and before the matmul
    # (6-bit signed, zero point 3), the quantized model's layer inputs.
    def act(name, ty, spec):
        return f"  {name}q = qnt.fake_quant {name} {spec} : tensor<{ty}xf32>" if act_quant else None

    x, h1, f = ("%xq", "%h1q", "%fq") if act_quant else ("%x", "%h1", "%f")
    lines = [
        "func.func @main(%x: tensor<?x4x8x8xf32>) -> tensor<?x10xf32> {",
        act("%x", "?x4x8x8", "bits = 8 signed scale = [3.125000e-02] zero_point = [0]"),
        f"  %w1 = arith.constant {dense(w1)} : tensor<8x4x3x3xf32>",
        quant("%w1", w1, 0),
        f"  %h1 = qnt.conv2d {x}, %w1q strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1"
        " fused_clamp(0.000000e+00, 0x7F800000) : (tensor<?x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<?x8x8x8xf32>",
        act("%h1", "?x8x8x8", "bits = 6 scale = [6.250000e-02] zero_point = [0]"),
        f"  %w2 = arith.constant {dense(w2)} : tensor<8x1x3x3xf32>",
        quant("%w2", w2, 0),
        f"  %h2 = qnt.conv2d {h1}, %w2q strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 8"
        " : (tensor<?x8x8x8xf32>, tensor<8x1x3x3xf32>) -> tensor<?x8x4x4xf32>",
        "  %f = qnt.reshape %h2 : tensor<?x8x4x4xf32> -> tensor<?x128xf32>",
        act("%f", "?x128", "bits = 6 signed scale = [1.250000e-01] zero_point = [3]"),
        f"  %w3 = arith.constant {dense(w3)} : tensor<10x128xf32>",
        quant("%w3", w3, 0),
        f"  %y = qnt.matmul {f}, %w3q transpose_rhs : (tensor<?x128xf32>, tensor<10x128xf32>) -> tensor<?x10xf32>",
        "  return %y : tensor<?x10xf32>",
        "}",
    ]
    lines = [l for l in lines if l is not None]
    open(path, "w").write("\n".join(lines) + "\n")


def fake_quant(x, scale, zero_point, qmin, qmax):
    """docs/Numerics.md section 4, in f32: (clamp(rint(x / s) + z) - z) * s."""
    s = np.float32(scale)
    q = np.clip(np.rint(x.astype(np.float32) / s) + np.float32(zero_point), qmin, qmax)
    return ((q - np.float32(zero_point)) * s).astype(np.float32)


def act_quantizers(path):
    """The calibrated per-tensor quantizers of non-constant values, in order."""
    consts = set()
    found = []
    for line in open(path):
        m = CONST.match(line)
        if m:
            consts.add(m.group(1))
            continue
        m = ACT_QUANT.search(line)
        if m and m.group(1) not in consts:
            bits, signed, narrow = int(m.group(2)), bool(m.group(3)), bool(m.group(5))
            qmin = -(1 << (bits - 1)) if signed else 0
            qmax = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1
            if narrow:
                qmin += 1
            zp = int(m.group(7)) if m.group(7) else 0
            found.append((float(m.group(6)), zp, qmin, qmax))
    return found


def patches(x, kh, kw, stride, pad, groups):
    """im2col of NCHW x: (groups, N * outH * outW, C/groups * kh * kw)."""
    n, c, h, w = x.shape
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = (h + 2 * pad - kh) // stride + 1, (w + 2 * pad - kw) // stride + 1
    cols = np.empty((n, c, kh, kw, oh, ow))
    for ky in range(kh):
        for kx in range(kw):
            cols[:, :, ky, kx] = xp[:, :, ky:ky + stride * oh:stride, kx:kx + stride * ow:stride]
    cg = c // groups
    cols = cols.reshape(n, groups, cg * kh * kw, oh * ow)
    return cols.transpose(1, 0, 3, 2).reshape(groups, n * oh * ow, cg * kh * kw), (oh, ow)


def conv(x, w, stride, pad, groups):
    o = w.shape[0]
    cols, (oh, ow) = patches(x, w.shape[2], w.shape[3], stride, pad, groups)
    wg = w.astype(np.float64).reshape(groups, o // groups, -1)
    y = np.einsum("gpk,gok->gpo", cols, wg)  # groups, N*P, O/groups
    n = x.shape[0]
    return y.reshape(groups, n, oh * ow, o // groups).transpose(1, 0, 3, 2).reshape(n, o, oh, ow).astype(np.float32)


def nearest_weights(w, axis, scales, zps, qmin, qmax):
    shape = [1] * w.ndim
    shape[axis] = -1
    s = np.array(scales, np.float32).reshape(shape)
    z = np.array(zps, np.float32).reshape(shape)
    return ((np.clip(np.rint(w / s) + z, qmin, qmax) - z) * s).astype(np.float32)


def qerrors(before, after, data_path, stderr):
    """The layer errors of the `model --act-quant` network, independently.

    For each layer L with float weights W, AdaRound's weights W' (AFTER) and
    nearest-rounded weights Wn: X = its input in the quantized AFTER model
    (every quantizer active, the earlier layers' weights AdaRounded), Y = its
    input in the float BEFORE model, over every position of every sample;
    E(W') = mean over positions of ||W' x - W y||^2 summed over channels.
    Prints E for nearest and AdaRound and checks them against the pass's
    "qnt-adaround: layer" lines (relative 1e-3) and that AdaRound's is below.
    """
    ws = weights(before)
    was = weights(after)
    acts = act_quantizers(after)
    assert len(ws) == 3 and len(was) == 3 and len(acts) == 3, (len(ws), len(was), len(acts))
    x = np.load(data_path).astype(np.float32)
    (w1, a1, s1, z1, lo1, hi1), (w2, a2, s2, z2, lo2, hi2), (w3, a3, s3, z3, lo3, hi3) = ws
    v1, v2, v3 = (t[0] for t in was)
    fq = [lambda t, q=q: fake_quant(t, *q) for q in acts]
    # Float model, float weights.
    y1 = x
    h1 = np.maximum(conv(y1, w1, 1, 1, 1), 0)
    y2 = h1
    y3 = conv(y2, w2, 2, 1, 8).reshape(len(x), -1)
    # Quantized model, AdaRounded weights.
    x1 = fq[0](x)
    x2 = fq[1](np.maximum(conv(x1, v1, 1, 1, 1), 0))
    x3 = fq[2](conv(x2, v2, 2, 1, 8).reshape(len(x), -1))

    def conv_error(wq, w, xq, yf, stride, pad, groups):
        cx, _ = patches(xq, 3, 3, stride, pad, groups)
        cy, _ = patches(yf, 3, 3, stride, pad, groups)
        o = w.shape[0]
        wqg = wq.astype(np.float64).reshape(groups, o // groups, -1)
        wg = w.astype(np.float64).reshape(groups, o // groups, -1)
        diff = np.einsum("gpk,gok->gpo", cx, wqg) - np.einsum("gpk,gok->gpo", cy, wg)
        return float((diff ** 2).sum() / cx.shape[1])

    def matmul_error(wq, w, xq, yf):
        diff = xq.astype(np.float64) @ wq.astype(np.float64).T - yf.astype(np.float64) @ w.astype(np.float64).T
        return float((diff ** 2).sum() / len(xq))

    n1, n2, n3 = (nearest_weights(*t[:2], t[2], t[3], t[4], t[5]) for t in ws)
    ours = [
        (conv_error(n1, w1, x1, y1, 1, 1, 1), conv_error(v1, w1, x1, y1, 1, 1, 1)),
        (conv_error(n2, w2, x2, y2, 2, 1, 8), conv_error(v2, w2, x2, y2, 2, 1, 8)),
        (matmul_error(n3, w3, x3, y3), matmul_error(v3, w3, x3, y3)),
    ]
    lines = [l for l in open(stderr) if re.match(r"qnt-adaround: layer \d+/\d+ ", l)]
    assert len(lines) == 3, lines
    for index, (line, (nearest, ada)) in enumerate(zip(lines, ours)):
        m = re.search(r"nearest (\S+) -> adaround (\S+),", line)
        pn, pa = float(m.group(1)), float(m.group(2))
        for name, mine, theirs in (("nearest", nearest, pn), ("adaround", ada, pa)):
            assert abs(mine - theirs) <= 1e-3 * max(abs(mine), 1e-6), (index, name, mine, theirs)
        verdict = "below" if ada < nearest else "NOT below"
        print(f"OK layer {index + 1}: numpy nearest {nearest:.6g} adaround {ada:.6g} "
              f"(the pass: {pn:.6g}, {pa:.6g}): adaround {verdict} nearest")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["gen", "check", "errors", "model", "qerrors"])
    p.add_argument("files", nargs="+")
    p.add_argument("--shape", type=int, nargs="+")
    p.add_argument("--samples", type=int, default=64)
    p.add_argument("--fill", type=float, nargs="+")
    p.add_argument("--act-quant", action="store_true")
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
    elif args.mode == "qerrors":
        qerrors(*args.files)
    else:
        model(args.files[0], args.act_quant)


if __name__ == "__main__":
    main()
