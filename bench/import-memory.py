#!/usr/bin/env python3
"""Writes a synthetic ONNX model with about MEGABYTES of float32 weights.

    import-memory.py OUT.onnx [--megabytes 100] [--width 1792]

An MLP of Gemm + Relu layers of WIDTH x WIDTH weights (12.8 MB each at the
default width), enough layers to reach the requested size, with a dynamic
batch dim. Used by bench/import-memory.sh.
"""

import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--megabytes", type=float, default=100)
    ap.add_argument("--width", type=int, default=1792)
    args = ap.parse_args()

    w = args.width
    layer_bytes = (w * w + w) * 4
    layers = max(1, round(args.megabytes * 1e6 / layer_bytes))
    rng = np.random.default_rng(0)
    nodes, inits, x = [], [], "x"
    for i in range(layers):
        weight = rng.standard_normal((w, w), dtype=np.float32) / np.sqrt(w)
        inits.append(numpy_helper.from_array(weight, f"fc{i}.weight"))
        inits.append(numpy_helper.from_array(np.zeros(w, np.float32), f"fc{i}.bias"))
        nodes.append(helper.make_node("Gemm", [x, f"fc{i}.weight", f"fc{i}.bias"],
                                      [f"h{i}"], name=f"fc{i}", transB=1))
        x = f"h{i}"
        if i + 1 < layers:
            nodes.append(helper.make_node("Relu", [x], [f"r{i}"], name=f"relu{i}"))
            x = f"r{i}"
    graph = helper.make_graph(
        nodes, "big", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", w])],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, ["N", w])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, args.out)
    total = layers * layer_bytes
    print(f"{args.out}: {layers} layers of {w}x{w}, {total / 1e6:.1f} MB of float32 weights")


if __name__ == "__main__":
    main()
