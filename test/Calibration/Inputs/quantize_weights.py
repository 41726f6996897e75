"""Inserts calibrated weight quantizers into printed qnt IR.

  quantize_weights.py IN.mlir OUT.mlir [--bits B] [--per-tensor]

A stand-in for qnt-insert-quantizers + range setting of the weights in the
qnt-adaround tests: before every qnt.conv2d / qnt.matmul whose weight
(second operand) is an f32 arith.constant (dense or dense_resource, read
from the module's dialect_resources), it inserts a signed symmetric
narrow-range B-bit `qnt.fake_quant` with min-max scales max|w| / (2^(B-1) -
1), per output channel (axis 0 of a conv2d or transpose_rhs weight, 1 of a
plain matmul weight) unless --per-tensor. Prints the number of quantizers.
"""
import argparse
import re
import struct

import numpy as np

p = argparse.ArgumentParser()
p.add_argument("src")
p.add_argument("dst")
p.add_argument("--bits", type=int, default=4)
p.add_argument("--per-tensor", action="store_true")
args = p.parse_args()
text = open(args.src).read()

blobs = {}
m = re.search(r"\{-#\s*dialect_resources:\s*\{\s*builtin:\s*\{(.*?)\}\s*\}\s*#-\}", text, re.S)
if m:
    for name, hexdata in re.findall(r"([\w.$-]+):\s*\"0x([0-9A-Fa-f]+)\"", m.group(1)):
        raw = bytes.fromhex(hexdata)[4:]  # the first 4 bytes are the alignment
        blobs[name] = np.frombuffer(raw, dtype="<f4")

consts = {}
for name, body, shape in re.findall(
        r"(%[\w.$-]+) = arith\.constant (dense(?:_resource)?<[^>]*>) : tensor<([\dx]+)xf32>", text):
    dims = [int(d) for d in shape.split("x")]
    if body.startswith("dense_resource<"):
        key = body[len("dense_resource<"):-1]
        if key not in blobs:
            continue
        values = blobs[key]
    else:
        inner = body[len("dense<"):-1]
        values = np.array([float(v) for v in re.findall(r"[-+]?[0-9.]+(?:[eE][-+]?\d+)?", inner)],
                          dtype=np.float32)
        if values.size == 1:
            values = np.full(int(np.prod(dims)), values[0], np.float32)
    consts[name] = values.reshape(dims)

qmax = (1 << (args.bits - 1)) - 1
out, count = [], 0
for line in text.split("\n"):
    m = re.match(r"^(\s*)(%[\w.$-]+) = qnt\.(conv2d|matmul) (%[\w.$-]+), (%[\w.$-]+)", line)
    if m and m.group(5) in consts:
        indent, _, op, _, w = m.groups()
        weight = consts[w]
        transposed = op == "matmul" and "transpose_rhs" not in line
        axis = 1 if transposed else 0
        if args.per_tensor:
            scales = [float(np.abs(weight).max()) / qmax]
            attrs = ""
        else:
            moved = np.moveaxis(weight, axis, 0).reshape(weight.shape[axis], -1)
            scales = [float(v) / qmax for v in np.abs(moved).max(axis=1)]
            attrs = f" axis = {axis}"
        scales = [s if s > 0 else 2.0 ** -32 for s in scales]
        ty = "x".join(str(d) for d in weight.shape)
        sc = ", ".join(repr(s) for s in scales)
        zp = ", ".join("0" for _ in scales)
        q = f"%wq{count}"
        out.append(f"{indent}{q} = qnt.fake_quant {w} bits = {args.bits} signed symmetric "
                   f"narrow_range{attrs} scale = [{sc}] zero_point = [{zp}] : tensor<{ty}xf32>")
        line = line.replace(f", {w}", f", {q}", 1)
        count += 1
    out.append(line)
open(args.dst, "w").write("\n".join(out))
print(f"inserted {count} weight quantizers")
