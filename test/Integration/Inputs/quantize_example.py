#!/usr/bin/env python3
"""Simulation = integer code on the example models, quantized W8A8.

This script makes both forms of an example model (models/*.onnx with Conv, BatchNormalization,
Relu, Clip, Add, GlobalAveragePool, Flatten, Gemm: mlp, resnet,
mobilenetv2) from the same quantization decisions:

  - batch norms folded into the convolutions (in float64, stored as f32);
  - weights symmetric per output channel, int8 narrow range;
  - activations asymmetric uint8, min-max ranges over the calibration images
    (a numpy float forward pass), the input on [0, 1] with scale 1/255;
  - a quantizer after each layer's fused ReLU/ReLU6, after each Add (its
    ReLU then clamps on the add's grid), after the global average pool and
    after the logits.

@sim is the quantization simulation (qnt.fake_quant, float ops) with
`qnt.rounding = #qnt.rounding<R>`; @int is the quantized form (qnt.quantize,
int8 weights, int32 biases, accumulators, qnt.requantize with rounding R,
qnt.dequantize of the logits). Both run with quant-run on the evaluation
images, and their logits must be bit-identical. Prints one line per model
and rounding mode; exits non-zero on a mismatch.

With --sim-only it writes only @sim, the input of qnt-quantize
(quantize-pass-models.test makes @int with the pass instead).
"""

import argparse
import pathlib
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from sim_vs_int import Grid, acc_grid, dense, quantize_bias, tensor  # noqa: E402

MODES = ["half_to_even", "single_round", "double_round"]


# ---------------------------------------------------------------------------
# Float reference (calibration)
# ---------------------------------------------------------------------------

def conv2d(x, w, b, strides, pads, groups):
    """NCHW convolution in float32 (numpy), pads [top, left, bottom, right]."""
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    o, cg, kh, kw = w.shape
    win = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(2, 3))
    win = win[:, :, ::strides[0], ::strides[1]]
    n, c, ho, wo = win.shape[:4]
    outs = []
    og = o // groups
    for g in range(groups):
        xs = win[:, g * cg:(g + 1) * cg]
        ws = w[g * og:(g + 1) * og]
        outs.append(np.einsum("nchwij,ocij->nohw", xs, ws, optimize=True))
    y = np.concatenate(outs, axis=1)
    return (y + b[None, :, None, None]).astype(np.float32)


def activation_range(values):
    return float(min(values.min(), 0.0)), float(max(values.max(), 0.0))


def u8_grid(lo, hi):
    """Asymmetric uint8 grid over [lo, hi] (containing 0)."""
    scale = (hi - lo) / 255.0 if hi > lo else 1.0
    zero = int(np.clip(np.rint(-lo / scale), 0, 255))
    return Grid(8, False, scale, zero)


def weight_grid(w):
    """Symmetric int8 narrow-range grid per output channel (axis 0)."""
    flat = np.abs(w.reshape(w.shape[0], -1)).max(axis=1)
    scales = [float(m) / 127.0 if m > 0 else 1.0 for m in flat]
    return Grid(8, True, scales, None, 0, narrow=True)


# ---------------------------------------------------------------------------
# The two forms
# ---------------------------------------------------------------------------

class Builder:
    def __init__(self, mode):
        self.mode = mode
        self.sim, self.int = [], []
        self.n = 0

    def fresh(self, prefix="v"):
        self.n += 1
        return f"%{prefix}{self.n}"


class Value:
    """An activation: its float calibration data, SSA names, grid and shape
    (dim 0 dynamic)."""

    def __init__(self, data, sim, int_, grid, shape):
        self.data, self.sim, self.int, self.grid, self.shape = data, sim, int_, grid, shape


def ftype(shape):
    return tensor(shape, "f32")


def qtype(shape, grid):
    return tensor(shape, grid.qtype())


def emit_weight(b, w, grid):
    shape = list(w.shape)
    wf, fq, wi, wq = b.fresh("wf"), b.fresh("w"), b.fresh("wi"), b.fresh("wq")
    b.sim.append(f"{wf} = {dense(w.astype(np.float32), shape, 'f32')}")
    b.sim.append(f"{fq} = {grid.fake_quant(wf, ftype(shape))}")
    b.int.append(f"{wi} = {dense(grid.quantize(w), shape, 'i8')}")
    b.int.append(f"{wq} = quant.scast {wi} : {tensor(shape, 'i8')} to {qtype(shape, grid)}")
    return fq, wq


def emit_bias(b, bias, x, w):
    n = len(bias)
    bf, bi, bq = b.fresh("bf"), b.fresh("bi"), b.fresh("bq")
    b.sim.append(f"{bf} = {dense(bias.astype(np.float32), [n], 'f32')}")
    b.int.append(f"{bi} = {dense(quantize_bias(bias, x, w), [n], 'i32')}")
    b.int.append(f"{bq} = quant.scast {bi} : {tensor([n], 'i32')} to "
                 f"{tensor([n], acc_grid(x, w, 0).qtype())}")
    return bf, bq


def activation_ops(b, kind, value_sim, value_int, shape, grid):
    """A fused ReLU / ReLU6: in @sim on the float value (before the output
    quantizer), in @int on the requantized value (same grid)."""
    s, i = b.fresh("act"), b.fresh("act")
    if kind == "Relu":
        b.sim.append(f"{s} = qnt.relu {value_sim} : {ftype(shape)} -> {ftype(shape)}")
        b.int.append(f"{i} = qnt.relu {value_int} : {qtype(shape, grid)} -> {qtype(shape, grid)}")
    else:
        lo, hi = kind
        b.sim.append(f"{s} = qnt.clamp {value_sim} min = {lo!r} max = {hi!r} : "
                     f"{ftype(shape)} -> {ftype(shape)}")
        b.int.append(f"{i} = qnt.clamp {value_int} min = {lo!r} max = {hi!r} : "
                     f"{qtype(shape, grid)} -> {qtype(shape, grid)}")
    return s, i


def build(model_path, calib, mode, sim_only=False):
    model = onnx.load(str(model_path))
    graph = model.graph
    inits = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in graph.initializer}
    consumers = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    attrs = lambda node: {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    for node in graph.node:  # Constant nodes (Clip bounds) come late
        if node.op_type == "Constant":
            inits[node.output[0]] = numpy_helper.to_array(attrs(node)["value"]).astype(np.float64)

    b = Builder(mode)
    gin = Grid(8, False, 1.0 / 255.0, 0)
    in_shape = [None, 1, 28, 28]
    b.sim.append(f"%x = {gin.fake_quant('%arg0', ftype(in_shape))}")
    b.int.append(f"%x = qnt.quantize %arg0 : {ftype(in_shape)} -> {qtype(in_shape, gin)}")
    x0 = gin.quantize(calib) * np.float32(gin.scales[0])  # the simulated input
    values = {graph.input[0].name: Value(x0.astype(np.float32), "%x", "%x", gin, in_shape)}
    done = set()

    def sole_consumer(name, op_types):
        users = consumers.get(name, [])
        if len(users) == 1 and users[0].op_type in op_types:
            return users[0]
        return None

    def activation_of(node):
        """The ReLU / Clip that directly follows `node`, if it is fused."""
        user = sole_consumer(node.output[0], ("Relu", "Clip"))
        if not user:
            return None, None
        if user.op_type == "Relu":
            return user, "Relu"
        lo = float(inits[user.input[1]]) if len(user.input) > 1 and user.input[1] else -np.inf
        hi = float(inits[user.input[2]]) if len(user.input) > 2 and user.input[2] else np.inf
        return user, (lo, hi)

    def requantized(node_out, data, acc_sim, acc_int, acc, shape, act_node, act):
        """Activation + output quantizer after a conv/matmul accumulator."""
        if act_node is not None:
            data = np.maximum(data, 0) if act == "Relu" else np.clip(data, *act)
        grid = u8_grid(*activation_range(data))
        y_sim, y_int = acc_sim, b.fresh("rq")
        b.int.append(f"{y_int} = qnt.requantize {acc_int} rounding = <{mode}> : "
                     f"{qtype(shape, acc)} -> {qtype(shape, grid)}")
        if act_node is not None:
            y_sim, y_int = activation_ops(b, act, y_sim, y_int, shape, grid)
        fq = b.fresh("fq")
        b.sim.append(f"{fq} = {grid.fake_quant(y_sim, ftype(shape))}")
        q = grid.quantize(data)
        sim_data = ((q - grid.zps[0]) * np.float32(grid.scales[0])).astype(np.float32)
        out = act_node.output[0] if act_node is not None else node_out
        if act_node is not None:
            done.add(id(act_node))
        return out, Value(sim_data, fq, y_int, grid, shape)

    for node in graph.node:
        if id(node) in done:
            continue
        op = node.op_type
        a = attrs(node)
        if op == "Constant":
            continue
        if op == "Conv":
            x = values[node.input[0]]
            w = inits[node.input[1]]
            bias = inits[node.input[2]] if len(node.input) > 2 and node.input[2] else np.zeros(w.shape[0])
            out_name = node.output[0]
            bn = sole_consumer(out_name, ("BatchNormalization",))
            if bn is not None:
                gamma, beta, mean, var = (inits[n] for n in bn.input[1:5])
                eps = attrs(bn).get("epsilon", 1e-5)
                factor = gamma / np.sqrt(var + eps)
                w = w * factor[:, None, None, None]
                bias = (bias - mean) * factor + beta
                out_name = bn.output[0]
                done.add(id(bn))
            w, bias = w.astype(np.float32), bias.astype(np.float32)
            strides = list(a.get("strides", [1, 1]))
            pads = list(a.get("pads", [0, 0, 0, 0]))
            groups = int(a.get("group", 1))
            gw = weight_grid(w)
            w_sim = (gw.quantize(w) * np.array(gw.scales, np.float32)[:, None, None, None]).astype(np.float32)
            data = conv2d(x.data, w_sim, bias, strides, pads, groups)
            shape = [None, w.shape[0], data.shape[2], data.shape[3]]
            wf, wq = emit_weight(b, w, gw)
            bf, bq = emit_bias(b, bias, x.grid, gw)
            acc = acc_grid(x.grid, gw, 1)
            cs, ci = b.fresh("conv"), b.fresh("acc")
            geometry = (f"strides = {strides} pads = {pads} dilations = [1, 1] "
                        f"groups = {groups}")
            b.sim.append(f"{cs} = qnt.conv2d {x.sim}, {wf}, {bf} {geometry} : "
                         f"({ftype(x.shape)}, {ftype(list(w.shape))}, {ftype([w.shape[0]])}) -> {ftype(shape)}")
            b.int.append(f"{ci} = qnt.conv2d {x.int}, {wq}, {bq} {geometry} : "
                         f"({qtype(x.shape, x.grid)}, {qtype(list(w.shape), gw)}, "
                         f"{tensor([w.shape[0]], acc_grid(x.grid, gw, 0).qtype())}) -> {qtype(shape, acc)}")
            holder = type("N", (), {"output": [out_name]})
            act_node, act = activation_of(holder)
            name, value = requantized(out_name, data, cs, ci, acc, shape, act_node, act)
            values[name] = value
        elif op == "Gemm":
            x = values[node.input[0]]
            w = inits[node.input[1]].astype(np.float32)
            bias = inits[node.input[2]].astype(np.float32)
            assert a.get("transB", 0) == 1 and a.get("alpha", 1.0) == 1.0 and a.get("beta", 1.0) == 1.0
            gw = weight_grid(w)
            w_sim = (gw.quantize(w) * np.array(gw.scales, np.float32)[:, None]).astype(np.float32)
            data = (x.data @ w_sim.T + bias).astype(np.float32)
            shape = [None, w.shape[0]]
            wf, wq = emit_weight(b, w, gw)
            bf, bq = emit_bias(b, bias, x.grid, gw)
            acc = acc_grid(x.grid, gw, 1)
            ms, mi = b.fresh("mm"), b.fresh("acc")
            b.sim.append(f"{ms} = qnt.matmul {x.sim}, {wf}, {bf} transpose_rhs : "
                         f"({ftype(x.shape)}, {ftype(list(w.shape))}, {ftype([w.shape[0]])}) -> {ftype(shape)}")
            b.int.append(f"{mi} = qnt.matmul {x.int}, {wq}, {bq} transpose_rhs : "
                         f"({qtype(x.shape, x.grid)}, {qtype(list(w.shape), gw)}, "
                         f"{tensor([w.shape[0]], acc_grid(x.grid, gw, 0).qtype())}) -> {qtype(shape, acc)}")
            act_node, act = activation_of(node)
            name, value = requantized(node.output[0], data, ms, mi, acc, shape, act_node, act)
            values[name] = value
        elif op == "Add":
            x, y = values[node.input[0]], values[node.input[1]]
            data = (x.data + y.data).astype(np.float32)
            act_node, act = activation_of(node)
            grid = u8_grid(*activation_range(data))
            shape = x.shape
            s, i, fq = b.fresh("add"), b.fresh("add"), b.fresh("fq")
            b.sim.append(f"{s} = qnt.add {x.sim}, {y.sim} : ({ftype(shape)}, {ftype(shape)}) -> {ftype(shape)}")
            b.sim.append(f"{fq} = {grid.fake_quant(s, ftype(shape))}")
            b.int.append(f"{i} = qnt.add {x.int}, {y.int} : ({qtype(shape, x.grid)}, "
                         f"{qtype(shape, y.grid)}) -> {qtype(shape, grid)}")
            q = grid.quantize(data)
            sim_data = ((q - grid.zps[0]) * np.float32(grid.scales[0])).astype(np.float32)
            out, ys, yi = node.output[0], fq, i
            if act_node is not None:
                ys, yi = activation_ops(b, act, fq, i, shape, grid)
                sim_data = np.maximum(sim_data, 0) if act == "Relu" else np.clip(sim_data, *act)
                out = act_node.output[0]
                done.add(id(act_node))
            values[out] = Value(sim_data, ys, yi, grid, shape)
        elif op == "GlobalAveragePool":
            x = values[node.input[0]]
            data = x.data.mean(axis=(2, 3), keepdims=True, dtype=np.float32)
            grid = u8_grid(*activation_range(data))
            shape = [None, x.shape[1], 1, 1]
            s, i, fq = b.fresh("gap"), b.fresh("gap"), b.fresh("fq")
            b.sim.append(f"{s} = qnt.global_avg_pool {x.sim} : {ftype(x.shape)} -> {ftype(shape)}")
            b.sim.append(f"{fq} = {grid.fake_quant(s, ftype(shape))}")
            b.int.append(f"{i} = qnt.global_avg_pool {x.int} : {qtype(x.shape, x.grid)} -> {qtype(shape, grid)}")
            q = grid.quantize(data)
            values[node.output[0]] = Value(((q - grid.zps[0]) * np.float32(grid.scales[0])).astype(np.float32),
                                           fq, i, grid, shape)
        elif op == "Flatten":
            x = values[node.input[0]]
            features = int(np.prod(x.shape[1:]))
            shape = [None, features]
            s, i = b.fresh("flat"), b.fresh("flat")
            b.sim.append(f"{s} = qnt.reshape {x.sim} : {ftype(x.shape)} -> {ftype(shape)}")
            b.int.append(f"{i} = qnt.reshape {x.int} : {qtype(x.shape, x.grid)} -> {qtype(shape, x.grid)}")
            values[node.output[0]] = Value(x.data.reshape(len(x.data), features), s, i, x.grid, shape)
        elif op in ("Relu", "Clip"):
            raise SystemExit(f"{model_path.name}: unfused {op} is not supported")
        else:
            raise SystemExit(f"{model_path.name}: op {op} is not supported by this script")

    out = values[graph.output[0].name]
    o = b.fresh("out")
    b.sim.append(f"return {out.sim} : {ftype(out.shape)}")
    b.int.append(f"{o} = qnt.dequantize {out.int} : {qtype(out.shape, out.grid)} -> {ftype(out.shape)}")
    b.int.append(f"return {o} : {ftype(out.shape)}")
    text = [f"func.func @sim(%arg0: {ftype(in_shape)}) -> {ftype(out.shape)} "
            f"attributes {{qnt.rounding = #qnt.rounding<{mode}>}} {{"]
    text += ["  " + l for l in b.sim] + ["}"]
    if sim_only:
        return "\n".join(text) + "\n"
    text += [f"func.func @int(%arg0: {ftype(in_shape)}) -> {ftype(out.shape)} {{"]
    text += ["  " + l for l in b.int] + ["}"]
    return "\n".join(text) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, type=pathlib.Path, action="append")
    parser.add_argument("--data", required=True, type=pathlib.Path,
                        help="directory with calib_images.npy, eval_images.npy, eval_labels.npy")
    parser.add_argument("--work", required=True, type=pathlib.Path)
    parser.add_argument("--quant-run", dest="quant_run", required=True)
    parser.add_argument("--limit", type=int, default=0, help="first N evaluation images")
    parser.add_argument("--mode", action="append", choices=MODES)
    parser.add_argument("--write-only", action="store_true",
                        help="write the modules and stop")
    parser.add_argument("--sim-only", action="store_true",
                        help="write only @sim, to MODEL.MODE.sim.mlir, and stop "
                             "(the input of qnt-quantize)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    calib = np.load(args.data / "calib_images.npy")[:256].astype(np.float32) / np.float32(255)
    images = args.data / "eval_images.npy"
    labels = args.data / "eval_labels.npy"
    failures = 0
    for model_path in args.model:
        for mode in args.mode or MODES:
            if args.sim_only:
                sim = args.work / f"{model_path.stem}.{mode}.sim.mlir"
                sim.write_text(build(model_path, calib, mode, sim_only=True))
                print(f"wrote {sim}")
                continue
            mlir = args.work / f"{model_path.stem}.{mode}.mlir"
            mlir.write_text(build(model_path, calib, mode))
            if args.write_only:
                print(f"wrote {mlir}")
                continue
            outputs, accuracy = {}, {}
            for entry in ("sim", "int"):
                out = args.work / f"{model_path.stem}.{mode}.{entry}.npy"
                command = [args.quant_run, str(mlir), "--entry", entry, "--input", str(images),
                           "--labels", str(labels), "--output", str(out), "--quiet",
                           "--json", "--warmup", "0"]
                if args.limit:
                    command += ["--limit", str(args.limit)]
                step = subprocess.run(command, capture_output=True, text=True)
                if step.returncode:
                    print(step.stderr)
                    return 1
                accuracy[entry] = step.stdout.split('"accuracy": ')[1].split(",")[0]
                outputs[entry] = np.load(out)
            a, c = outputs["sim"], outputs["int"]
            differ = int((a.view(np.uint32) != c.view(np.uint32)).sum())
            status = "EXACT" if differ == 0 else "MISMATCH"
            failures += differ != 0
            print(f"{status} {model_path.stem} {mode}: {len(a)} images, {a.size} logits, "
                  f"{differ} differ; top-1 sim {accuracy['sim']} int {accuracy['int']}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
