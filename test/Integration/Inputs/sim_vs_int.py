#!/usr/bin/env python3
"""Simulation = integer code, on hand-written simulation/quantized pairs.

Each case is one quantized network written twice, in one module:

  @sim  the quantization-simulation form: float qnt ops with qnt.fake_quant
        where an int8 target quantizes, and `qnt.rounding = #qnt.rounding<R>`
        so that convert-qnt-to-linalg simulates requantization mode R
        (docs/Numerics.md section 11);
  @int  the quantized form a quantize pass produces from it: qnt.quantize,
        integer weights (round half to even of w / s_w, as fake_quant does),
        int32 biases (round half to even of b / (s_x s_w), saturated),
        conv2d/matmul accumulators, qnt.requantize with rounding R,
        qnt.dequantize; lowered by convert-qnt-to-fixed-point.

Both are run with quant-run on the same random inputs, in every rounding
mode, and their float outputs must be bit-identical (0 ULP, compared as
integers). Prints one line per case and mode and a summary line; exits
non-zero on a mismatch.
"""

import argparse
import pathlib
import subprocess
import sys

import numpy as np

MODES = ["half_to_even", "single_round", "double_round"]


# ---------------------------------------------------------------------------
# Grids: the quantizer of the simulation and the type of the quantized form
# ---------------------------------------------------------------------------

class Grid:
    def __init__(self, bits, signed, scales, zero_points=None, axis=None,
                 narrow=False):
        self.bits, self.signed, self.axis, self.narrow = bits, signed, axis, narrow
        self.scales = [float(s) for s in np.atleast_1d(scales)]
        zps = [0] * len(self.scales) if zero_points is None else zero_points
        self.zps = [int(z) for z in np.atleast_1d(zps)]
        self.qmin = -(1 << (bits - 1)) if signed else 0
        self.qmax = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1
        if narrow:
            self.qmin += 1

    def storage(self):
        name = ("i" if self.signed else "u") + str(self.bits)
        if self.narrow:
            name += f"<{self.qmin}:{self.qmax}>"
        return name

    def qtype(self):
        if self.axis is None:
            return f"!quant.uniform<{self.storage()}:f32, {self.scales[0]!r}:{self.zps[0]}>"
        params = ", ".join(f"{s!r}:{z}" for s, z in zip(self.scales, self.zps))
        return f"!quant.uniform<{self.storage()}:f32:{self.axis}, {{{params}}}>"

    def fake_quant(self, value, ttype):
        attrs = f"bits = {self.bits}"
        if self.signed:
            attrs += " signed"
        if all(z == 0 for z in self.zps):
            attrs += " symmetric"
        if self.narrow:
            attrs += " narrow_range"
        if self.axis is not None:
            attrs += f" axis = {self.axis}"
        scales = ", ".join(repr(s) for s in self.scales)
        zps = ", ".join(str(z) for z in self.zps)
        return (f"qnt.fake_quant {value} {attrs} scale = [{scales}] "
                f"zero_point = [{zps}] : {ttype}")

    def quantize(self, x):
        """The stored integers of qnt.quantize / fake_quant (f32 division,
        round half to even, saturate)."""
        x = np.asarray(x, dtype=np.float32)
        shape = [1] * x.ndim
        if self.axis is not None:
            shape[self.axis] = -1
        s = np.array(self.scales, dtype=np.float32).reshape(shape)
        z = np.array(self.zps, dtype=np.float64).reshape(shape)
        q = np.rint((x / s).astype(np.float64)) + z
        return np.clip(q, self.qmin, self.qmax).astype(np.int64)


def acc_grid(x, w, axis):
    """The int32 accumulator grid s_x * s_w (per channel along `axis`)."""
    scales = [x.scales[0] * s for s in w.scales]
    return Grid(32, True, scales, None, axis if len(scales) > 1 else None)


def quantize_bias(b, x, w):
    """round_half_even(f64(b) / (s_x s_w)) saturated to int32."""
    scales = np.array([x.scales[0] * s for s in w.scales])
    q = np.rint(np.asarray(b, dtype=np.float32).astype(np.float64) / scales)
    return np.clip(q, -2**31, 2**31 - 1).astype(np.int64)


def tensor(shape, elem):
    dims = "x".join("?" if d is None else str(d) for d in shape)
    return f"tensor<{dims}x{elem}>" if shape else f"tensor<{elem}>"


def dense(values, shape, elem):
    """An arith.constant of `values` (nested as `shape`)."""
    array = np.asarray(values).reshape(shape)
    if np.issubdtype(array.dtype, np.floating):
        nested = array.astype(np.float32).astype(np.float64).tolist()
    else:
        nested = array.astype(np.int64).tolist()
    return f"arith.constant dense<{nested!r}> : {tensor(shape, elem)}"


class Module:
    """Two functions built side by side."""

    def __init__(self, mode):
        self.mode = mode
        self.sim, self.int = [], []
        self.aliases = {}
        self.counter = 0

    def fresh(self, prefix):
        self.counter += 1
        return f"%{prefix}{self.counter}"

    def text(self, name, args, results, sim_only=False):
        sim_args = ", ".join(f"%arg{i}: {t}" for i, t in enumerate(args))
        out = []
        out.append(f"func.func @sim({sim_args}) -> ({', '.join(results)}) "
                   f"attributes {{qnt.rounding = #qnt.rounding<{self.mode}>}} {{")
        out += ["  " + l for l in self.sim]
        out.append("}")
        if sim_only:
            return "\n".join(out) + "\n"
        out.append(f"func.func @int({sim_args}) -> ({', '.join(results)}) {{")
        out += ["  " + l for l in self.int]
        out.append("}")
        return "\n".join(out) + "\n"

    # A float constant weight: fake-quantized in @sim, integers in @int.
    def weight(self, values, grid):
        shape = list(values.shape)
        fq = self.fresh("w")
        c = self.fresh("wf")
        self.sim.append(f"{c} = {dense(values.astype(np.float32), shape, 'f32')}")
        self.sim.append(f"{fq} = {grid.fake_quant(c, tensor(shape, 'f32'))}")
        q = grid.quantize(values)
        storage = f"i{grid.bits}"
        ci = self.fresh("wi")
        wq = self.fresh("wq")
        self.int.append(f"{ci} = {dense(q, shape, storage)}")
        self.int.append(f"{wq} = quant.scast {ci} : {tensor(shape, storage)} to "
                        f"{tensor(shape, grid.qtype())}")
        return fq, wq

    # A float bias: as is in @sim, int32 on the accumulator grid in @int.
    def bias(self, values, x, w):
        n = len(values)
        b = self.fresh("b")
        self.sim.append(f"{b} = {dense(np.asarray(values, np.float32), [n], 'f32')}")
        q = quantize_bias(values, x, w)
        g = acc_grid(x, w, 0)
        bi = self.fresh("bi")
        bq = self.fresh("bq")
        self.int.append(f"{bi} = {dense(q, [n], 'i32')}")
        self.int.append(f"{bq} = quant.scast {bi} : {tensor([n], 'i32')} to "
                        f"{tensor([n], g.qtype())}")
        return b, bq


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

def case_conv_relu_pool(m, rng):
    """u8 input with a zero point, per-channel symmetric weights, bias, ReLU
    fused into the requantization, max pool."""
    N = None
    gx = Grid(8, False, 0.0061, 5)
    gw = Grid(8, True, [0.011, 0.0067, 0.0153, 0.009], None, 0, narrow=True)
    gy = Grid(8, False, 0.021, 0)
    xt, yt, pt = [N, 3, 10, 10], [N, 4, 10, 10], [N, 4, 5, 5]
    w = rng.normal(0, 0.5, (4, 3, 3, 3))
    b = rng.normal(0, 0.3, 4)
    wf, wq = m.weight(w, gw)
    bf, bq = m.bias(b, gx, gw)
    acc = acc_grid(gx, gw, 1)
    m.sim += [
        f"%x = {gx.fake_quant('%arg0', tensor(xt, 'f32'))}",
        f"%c = qnt.conv2d %x, {wf}, {bf} strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : ({tensor(xt, 'f32')}, {tensor([4, 3, 3, 3], 'f32')}, {tensor([4], 'f32')}) -> {tensor(yt, 'f32')}",
        f"%r = qnt.relu %c : {tensor(yt, 'f32')} -> {tensor(yt, 'f32')}",
        f"%y = {gy.fake_quant('%r', tensor(yt, 'f32'))}",
        f"%p = qnt.max_pool2d %y kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] : {tensor(yt, 'f32')} -> {tensor(pt, 'f32')}",
        f"return %p : {tensor(pt, 'f32')}",
    ]
    m.int += [
        f"%x = qnt.quantize %arg0 : {tensor(xt, 'f32')} -> {tensor(xt, gx.qtype())}",
        f"%c = qnt.conv2d %x, {wq}, {bq} strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : ({tensor(xt, gx.qtype())}, {tensor([4, 3, 3, 3], gw.qtype())}, {tensor([4], acc_grid(gx, gw, 0).qtype())}) -> {tensor(yt, acc.qtype())}",
        f"%y = qnt.requantize %c rounding = <{m.mode}> : {tensor(yt, acc.qtype())} -> {tensor(yt, gy.qtype())}",
        f"%r = qnt.relu %y : {tensor(yt, gy.qtype())} -> {tensor(yt, gy.qtype())}",
        f"%p = qnt.max_pool2d %r kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] : {tensor(yt, gy.qtype())} -> {tensor(pt, gy.qtype())}",
        f"%o = qnt.dequantize %p : {tensor(pt, gy.qtype())} -> {tensor(pt, 'f32')}",
        f"return %o : {tensor(pt, 'f32')}",
    ]
    x = rng.uniform(-0.1, 1.4, (16, 3, 10, 10)).astype(np.float32)
    return [xt], [pt], [x]


def case_conv_relu6_gap(m, rng):
    """i8 activations with zero points, per-tensor weights, stride 2,
    asymmetric pads, ReLU6 on an asymmetric output grid, global average pool
    (float realisation) onto another grid."""
    N = None
    gx = Grid(8, True, 0.013, -3)
    gw = Grid(8, True, 0.0072, 0, narrow=True)
    gy = Grid(8, True, 0.031, -20)
    gp = Grid(8, True, 0.017, -50)
    xt, yt, pt = [N, 2, 9, 9], [N, 5, 5, 4], [N, 5, 1, 1]
    w = rng.normal(0, 0.4, (5, 2, 3, 3))
    wf, wq = m.weight(w, gw)
    acc = acc_grid(gx, gw, 1)
    m.sim += [
        f"%x = {gx.fake_quant('%arg0', tensor(xt, 'f32'))}",
        f"%c = qnt.conv2d %x, {wf} strides = [2, 2] pads = [1, 0, 1, 1] dilations = [1, 1] groups = 1 : ({tensor(xt, 'f32')}, {tensor([5, 2, 3, 3], 'f32')}) -> {tensor(yt, 'f32')}",
        f"%r = qnt.clamp %c min = 0.0 max = 6.0 : {tensor(yt, 'f32')} -> {tensor(yt, 'f32')}",
        f"%y = {gy.fake_quant('%r', tensor(yt, 'f32'))}",
        f"%g = qnt.global_avg_pool %y : {tensor(yt, 'f32')} -> {tensor(pt, 'f32')}",
        f"%p = {gp.fake_quant('%g', tensor(pt, 'f32'))}",
        f"return %p : {tensor(pt, 'f32')}",
    ]
    m.int += [
        f"%x = qnt.quantize %arg0 : {tensor(xt, 'f32')} -> {tensor(xt, gx.qtype())}",
        f"%c = qnt.conv2d %x, {wq} strides = [2, 2] pads = [1, 0, 1, 1] dilations = [1, 1] groups = 1 : ({tensor(xt, gx.qtype())}, {tensor([5, 2, 3, 3], gw.qtype())}) -> {tensor(yt, acc.qtype())}",
        f"%y = qnt.requantize %c rounding = <{m.mode}> : {tensor(yt, acc.qtype())} -> {tensor(yt, gy.qtype())}",
        f"%r = qnt.clamp %y min = 0.0 max = 6.0 : {tensor(yt, gy.qtype())} -> {tensor(yt, gy.qtype())}",
        f"%g = qnt.global_avg_pool %r : {tensor(yt, gy.qtype())} -> {tensor(pt, gp.qtype())}",
        f"%o = qnt.dequantize %g : {tensor(pt, gp.qtype())} -> {tensor(pt, 'f32')}",
        f"return %o : {tensor(pt, 'f32')}",
    ]
    x = rng.uniform(-1.8, 1.8, (16, 2, 9, 9)).astype(np.float32)
    return [xt], [pt], [x]


def case_depthwise_grouped(m, rng):
    """Depthwise (per-channel weights, bias) then a grouped, dilated conv,
    each requantized."""
    N = None
    gx = Grid(8, False, 0.008, 0)
    gw1 = Grid(8, True, [0.02, 0.031, 0.017, 0.026], None, 0, narrow=True)
    g1 = Grid(8, False, 0.012, 7)
    gw2 = Grid(8, True, [0.009, 0.013, 0.011, 0.007, 0.015, 0.01], None, 0,
               narrow=True)
    g2 = Grid(8, True, 0.024, 3)
    xt, t1, t2 = [N, 4, 8, 8], [N, 4, 8, 8], [N, 6, 4, 4]
    w1 = rng.normal(0, 0.6, (4, 1, 3, 3))
    b1 = rng.normal(0, 0.2, 4)
    w2 = rng.normal(0, 0.3, (6, 2, 2, 2))
    w1f, w1q = m.weight(w1, gw1)
    b1f, b1q = m.bias(b1, gx, gw1)
    w2f, w2q = m.weight(w2, gw2)
    a1 = acc_grid(gx, gw1, 1)
    a2 = acc_grid(g1, gw2, 1)
    m.sim += [
        f"%x = {gx.fake_quant('%arg0', tensor(xt, 'f32'))}",
        f"%c1 = qnt.conv2d %x, {w1f}, {b1f} strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 4 : ({tensor(xt, 'f32')}, {tensor([4, 1, 3, 3], 'f32')}, {tensor([4], 'f32')}) -> {tensor(t1, 'f32')}",
        f"%y1 = {g1.fake_quant('%c1', tensor(t1, 'f32'))}",
        f"%c2 = qnt.conv2d %y1, {w2f} strides = [2, 2] pads = [1, 1, 1, 1] dilations = [2, 2] groups = 2 : ({tensor(t1, 'f32')}, {tensor([6, 2, 2, 2], 'f32')}) -> {tensor(t2, 'f32')}",
        f"%y2 = {g2.fake_quant('%c2', tensor(t2, 'f32'))}",
        f"return %y2 : {tensor(t2, 'f32')}",
    ]
    m.int += [
        f"%x = qnt.quantize %arg0 : {tensor(xt, 'f32')} -> {tensor(xt, gx.qtype())}",
        f"%c1 = qnt.conv2d %x, {w1q}, {b1q} strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 4 : ({tensor(xt, gx.qtype())}, {tensor([4, 1, 3, 3], gw1.qtype())}, {tensor([4], acc_grid(gx, gw1, 0).qtype())}) -> {tensor(t1, a1.qtype())}",
        f"%y1 = qnt.requantize %c1 rounding = <{m.mode}> : {tensor(t1, a1.qtype())} -> {tensor(t1, g1.qtype())}",
        f"%c2 = qnt.conv2d %y1, {w2q} strides = [2, 2] pads = [1, 1, 1, 1] dilations = [2, 2] groups = 2 : ({tensor(t1, g1.qtype())}, {tensor([6, 2, 2, 2], gw2.qtype())}) -> {tensor(t2, a2.qtype())}",
        f"%y2 = qnt.requantize %c2 rounding = <{m.mode}> : {tensor(t2, a2.qtype())} -> {tensor(t2, g2.qtype())}",
        f"%o = qnt.dequantize %y2 : {tensor(t2, g2.qtype())} -> {tensor(t2, 'f32')}",
        f"return %o : {tensor(t2, 'f32')}",
    ]
    x = rng.uniform(0, 2.2, (16, 4, 8, 8)).astype(np.float32)
    return [xt], [t2], [x]


def case_fc_softmax(m, rng):
    """Flatten, a fully-connected layer (transposed per-channel weights,
    bias), its logits requantized, softmax on the quantized logits."""
    N = None
    gx = Grid(8, False, 0.0039, 0)
    gw = Grid(8, True, list(rng.uniform(0.004, 0.02, 10)), None, 0, narrow=True)
    gl = Grid(8, True, 0.09, 4)
    gs = Grid(8, False, 1 / 256, 0)
    xt, ft, lt = [N, 2, 4, 4], [N, 32], [N, 10]
    w = rng.normal(0, 0.4, (10, 32))
    b = rng.normal(0, 0.5, 10)
    wf, wq = m.weight(w, gw)
    bf, bq = m.bias(b, gx, gw)
    acc = acc_grid(gx, gw, 1)
    m.sim += [
        f"%x = {gx.fake_quant('%arg0', tensor(xt, 'f32'))}",
        f"%f = qnt.reshape %x : {tensor(xt, 'f32')} -> {tensor(ft, 'f32')}",
        f"%l = qnt.matmul %f, {wf}, {bf} transpose_rhs : ({tensor(ft, 'f32')}, {tensor([10, 32], 'f32')}, {tensor([10], 'f32')}) -> {tensor(lt, 'f32')}",
        f"%lq = {gl.fake_quant('%l', tensor(lt, 'f32'))}",
        f"%s = qnt.softmax %lq axis = 1 : {tensor(lt, 'f32')} -> {tensor(lt, 'f32')}",
        f"%sq = {gs.fake_quant('%s', tensor(lt, 'f32'))}",
        f"return %sq, %lq : {tensor(lt, 'f32')}, {tensor(lt, 'f32')}",
    ]
    m.int += [
        f"%x = qnt.quantize %arg0 : {tensor(xt, 'f32')} -> {tensor(xt, gx.qtype())}",
        f"%f = qnt.reshape %x : {tensor(xt, gx.qtype())} -> {tensor(ft, gx.qtype())}",
        f"%l = qnt.matmul %f, {wq}, {bq} transpose_rhs : ({tensor(ft, gx.qtype())}, {tensor([10, 32], gw.qtype())}, {tensor([10], acc_grid(gx, gw, 0).qtype())}) -> {tensor(lt, acc.qtype())}",
        f"%lq = qnt.requantize %l rounding = <{m.mode}> : {tensor(lt, acc.qtype())} -> {tensor(lt, gl.qtype())}",
        f"%s = qnt.softmax %lq axis = 1 : {tensor(lt, gl.qtype())} -> {tensor(lt, gs.qtype())}",
        f"%o = qnt.dequantize %s : {tensor(lt, gs.qtype())} -> {tensor(lt, 'f32')}",
        f"%ol = qnt.dequantize %lq : {tensor(lt, gl.qtype())} -> {tensor(lt, 'f32')}",
        f"return %o, %ol : {tensor(lt, 'f32')}, {tensor(lt, 'f32')}",
    ]
    x = rng.uniform(0, 1, (16, 2, 4, 4)).astype(np.float32)
    return [xt], [lt, lt], [x]


def case_attention(m, rng):
    """Activation x activation matmuls with zero points on both sides (the
    ViT's attention): transposes, a batched matmul, a constant scale, softmax,
    and a second matmul."""
    N = None
    gq = Grid(8, False, 0.021, 128)
    gk = Grid(8, True, 0.017, -3)
    gs = Grid(8, True, 0.11, 2)
    gc = Grid(8, True, 0.002, 0)
    gm = Grid(8, True, 0.03, 0)
    gp = Grid(8, False, 1 / 255, 0)
    gv = Grid(8, True, 0.019, 1)
    go = Grid(8, True, 0.015, -1)
    qt, kt, ktt, st = [N, 2, 5, 8], [N, 2, 5, 8], [N, 2, 8, 5], [N, 2, 5, 5]
    vt, ot = [N, 2, 5, 8], [N, 2, 5, 8]
    ac = acc_grid(gq, gk, 1)
    ao = acc_grid(gp, gv, 1)
    cval = 0.25
    m.sim += [
        f"%q = {gq.fake_quant('%arg0', tensor(qt, 'f32'))}",
        f"%k = {gk.fake_quant('%arg1', tensor(kt, 'f32'))}",
        f"%v = {gv.fake_quant('%arg2', tensor(vt, 'f32'))}",
        f"%kt = qnt.transpose %k permutation = [0, 1, 3, 2] : {tensor(kt, 'f32')} -> {tensor(ktt, 'f32')}",
        f"%s = qnt.matmul %q, %kt : ({tensor(qt, 'f32')}, {tensor(ktt, 'f32')}) -> {tensor(st, 'f32')}",
        f"%sq = {gs.fake_quant('%s', tensor(st, 'f32'))}",
        f"%c0 = arith.constant dense<{cval!r}> : tensor<f32>",
        f"%c = {gc.fake_quant('%c0', 'tensor<f32>')}",
        f"%sm = qnt.mul %sq, %c : ({tensor(st, 'f32')}, tensor<f32>) -> {tensor(st, 'f32')}",
        f"%smq = {gm.fake_quant('%sm', tensor(st, 'f32'))}",
        f"%p = qnt.softmax %smq axis = 3 : {tensor(st, 'f32')} -> {tensor(st, 'f32')}",
        f"%pq = {gp.fake_quant('%p', tensor(st, 'f32'))}",
        f"%o = qnt.matmul %pq, %v : ({tensor(st, 'f32')}, {tensor(vt, 'f32')}) -> {tensor(ot, 'f32')}",
        f"%oq = {go.fake_quant('%o', tensor(ot, 'f32'))}",
        f"return %oq : {tensor(ot, 'f32')}",
    ]
    cq = gc.quantize(np.float32(cval))
    m.int += [
        f"%q = qnt.quantize %arg0 : {tensor(qt, 'f32')} -> {tensor(qt, gq.qtype())}",
        f"%k = qnt.quantize %arg1 : {tensor(kt, 'f32')} -> {tensor(kt, gk.qtype())}",
        f"%v = qnt.quantize %arg2 : {tensor(vt, 'f32')} -> {tensor(vt, gv.qtype())}",
        f"%kt = qnt.transpose %k permutation = [0, 1, 3, 2] : {tensor(kt, gk.qtype())} -> {tensor(ktt, gk.qtype())}",
        f"%s = qnt.matmul %q, %kt : ({tensor(qt, gq.qtype())}, {tensor(ktt, gk.qtype())}) -> {tensor(st, ac.qtype())}",
        f"%sq = qnt.requantize %s rounding = <{m.mode}> : {tensor(st, ac.qtype())} -> {tensor(st, gs.qtype())}",
        f"%ci = arith.constant dense<{int(cq)}> : tensor<i8>",
        f"%c = quant.scast %ci : tensor<i8> to tensor<{gc.qtype()}>",
        f"%sm = qnt.mul %sq, %c : ({tensor(st, gs.qtype())}, tensor<{gc.qtype()}>) -> {tensor(st, gm.qtype())}",
        f"%p = qnt.softmax %sm axis = 3 : {tensor(st, gm.qtype())} -> {tensor(st, gp.qtype())}",
        f"%o = qnt.matmul %p, %v : ({tensor(st, gp.qtype())}, {tensor(vt, gv.qtype())}) -> {tensor(ot, ao.qtype())}",
        f"%oq = qnt.requantize %o rounding = <{m.mode}> : {tensor(ot, ao.qtype())} -> {tensor(ot, go.qtype())}",
        f"%r = qnt.dequantize %oq : {tensor(ot, go.qtype())} -> {tensor(ot, 'f32')}",
        f"return %r : {tensor(ot, 'f32')}",
    ]
    q = rng.normal(0, 1.2, (12, 2, 5, 8)).astype(np.float32)
    k = rng.normal(0, 1.0, (12, 2, 5, 8)).astype(np.float32)
    v = rng.normal(0, 1.0, (12, 2, 5, 8)).astype(np.float32)
    return [qt, kt, vt], [ot], [q, k, v]


def case_residual(m, rng):
    """Two requantized convolutions joined by a residual add (float
    realisation) and a ReLU on the add's grid."""
    N = None
    gx = Grid(8, False, 0.0071, 3)
    gw1 = Grid(8, True, [0.012, 0.009, 0.016], None, 0, narrow=True)
    gw2 = Grid(8, True, 0.011, 0, narrow=True)
    g1 = Grid(8, True, 0.026, -7)
    g2 = Grid(8, True, 0.022, 5)
    ga = Grid(8, False, 0.033, 60)
    xt, t = [N, 3, 6, 6], [N, 3, 6, 6]
    w1 = rng.normal(0, 0.4, (3, 3, 3, 3))
    w2 = rng.normal(0, 0.4, (3, 3, 1, 1))
    b2 = rng.normal(0, 0.4, 3)
    w1f, w1q = m.weight(w1, gw1)
    w2f, w2q = m.weight(w2, gw2)
    b2f, b2q = m.bias(b2, gx, gw2)
    a1, a2 = acc_grid(gx, gw1, 1), acc_grid(gx, gw2, 1)
    m.sim += [
        f"%x = {gx.fake_quant('%arg0', tensor(xt, 'f32'))}",
        f"%c1 = qnt.conv2d %x, {w1f} strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : ({tensor(xt, 'f32')}, {tensor([3, 3, 3, 3], 'f32')}) -> {tensor(t, 'f32')}",
        f"%y1 = {g1.fake_quant('%c1', tensor(t, 'f32'))}",
        f"%c2 = qnt.conv2d %x, {w2f}, {b2f} strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : ({tensor(xt, 'f32')}, {tensor([3, 3, 1, 1], 'f32')}, {tensor([3], 'f32')}) -> {tensor(t, 'f32')}",
        f"%y2 = {g2.fake_quant('%c2', tensor(t, 'f32'))}",
        f"%s = qnt.add %y1, %y2 : ({tensor(t, 'f32')}, {tensor(t, 'f32')}) -> {tensor(t, 'f32')}",
        f"%sq = {ga.fake_quant('%s', tensor(t, 'f32'))}",
        f"%r = qnt.relu %sq : {tensor(t, 'f32')} -> {tensor(t, 'f32')}",
        f"return %r : {tensor(t, 'f32')}",
    ]
    m.int += [
        f"%x = qnt.quantize %arg0 : {tensor(xt, 'f32')} -> {tensor(xt, gx.qtype())}",
        f"%c1 = qnt.conv2d %x, {w1q} strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : ({tensor(xt, gx.qtype())}, {tensor([3, 3, 3, 3], gw1.qtype())}) -> {tensor(t, a1.qtype())}",
        f"%y1 = qnt.requantize %c1 rounding = <{m.mode}> : {tensor(t, a1.qtype())} -> {tensor(t, g1.qtype())}",
        f"%c2 = qnt.conv2d %x, {w2q}, {b2q} strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : ({tensor(xt, gx.qtype())}, {tensor([3, 3, 1, 1], gw2.qtype())}, {tensor([3], acc_grid(gx, gw2, 0).qtype())}) -> {tensor(t, a2.qtype())}",
        f"%y2 = qnt.requantize %c2 rounding = <{m.mode}> : {tensor(t, a2.qtype())} -> {tensor(t, g2.qtype())}",
        f"%s = qnt.add %y1, %y2 : ({tensor(t, g1.qtype())}, {tensor(t, g2.qtype())}) -> {tensor(t, ga.qtype())}",
        f"%r = qnt.relu %s : {tensor(t, ga.qtype())} -> {tensor(t, ga.qtype())}",
        f"%o = qnt.dequantize %r : {tensor(t, ga.qtype())} -> {tensor(t, 'f32')}",
        f"return %o : {tensor(t, 'f32')}",
    ]
    x = rng.uniform(-0.1, 1.7, (16, 3, 6, 6)).astype(np.float32)
    return [xt], [t], [x]


def case_asymmetric_weights(m, rng):
    """Asymmetric constant weights: u8 per-tensor in a matmul (z_w = 128),
    i8 per-channel with different zero points in a conv. Their zero-point
    terms are folded at compile time."""
    N = None
    gx = Grid(8, False, 0.0042, 17)
    gw = Grid(8, False, 0.0031, 128)
    gy = Grid(8, False, 0.05, 90)
    gc = Grid(8, True, [0.006, 0.009], [-5, 12], 0)
    gz = Grid(8, True, 0.04, -2)
    xt, yt, ct, zt = [N, 12], [N, 4], [N, 1, 2, 2], [N, 2, 1, 1]
    w = rng.normal(0, 0.2, (12, 4))
    b = rng.normal(0, 0.2, 4)
    wc = rng.normal(0, 0.5, (2, 1, 2, 2))
    wf, wq = m.weight(w, gw)
    bf, bq = m.bias(b, gx, gw)
    a = acc_grid(gx, gw, 1)
    m.sim += [
        f"%x = {gx.fake_quant('%arg0', tensor(xt, 'f32'))}",
        f"%l = qnt.matmul %x, {wf}, {bf} : ({tensor(xt, 'f32')}, {tensor([12, 4], 'f32')}, {tensor([4], 'f32')}) -> {tensor(yt, 'f32')}",
        f"%y = {gy.fake_quant('%l', tensor(yt, 'f32'))}",
        f"%r = qnt.reshape %y : {tensor(yt, 'f32')} -> {tensor(ct, 'f32')}",
    ]
    wcf, wcq = m.weight(wc, gc)
    ac = acc_grid(gy, gc, 1)
    m.sim += [
        f"%c = qnt.conv2d %r, {wcf} strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : ({tensor(ct, 'f32')}, {tensor([2, 1, 2, 2], 'f32')}) -> {tensor(zt, 'f32')}",
        f"%z = {gz.fake_quant('%c', tensor(zt, 'f32'))}",
        f"return %z, %y : {tensor(zt, 'f32')}, {tensor(yt, 'f32')}",
    ]
    m.int += [
        f"%x = qnt.quantize %arg0 : {tensor(xt, 'f32')} -> {tensor(xt, gx.qtype())}",
        f"%l = qnt.matmul %x, {wq}, {bq} : ({tensor(xt, gx.qtype())}, {tensor([12, 4], gw.qtype())}, {tensor([4], acc_grid(gx, gw, 0).qtype())}) -> {tensor(yt, a.qtype())}",
        f"%y = qnt.requantize %l rounding = <{m.mode}> : {tensor(yt, a.qtype())} -> {tensor(yt, gy.qtype())}",
        f"%r = qnt.reshape %y : {tensor(yt, gy.qtype())} -> {tensor(ct, gy.qtype())}",
        f"%c = qnt.conv2d %r, {wcq} strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : ({tensor(ct, gy.qtype())}, {tensor([2, 1, 2, 2], gc.qtype())}) -> {tensor(zt, ac.qtype())}",
        f"%z = qnt.requantize %c rounding = <{m.mode}> : {tensor(zt, ac.qtype())} -> {tensor(zt, gz.qtype())}",
        f"%o = qnt.dequantize %z : {tensor(zt, gz.qtype())} -> {tensor(zt, 'f32')}",
        f"%oy = qnt.dequantize %y : {tensor(yt, gy.qtype())} -> {tensor(yt, 'f32')}",
        f"return %o, %oy : {tensor(zt, 'f32')}, {tensor(yt, 'f32')}",
    ]
    x = rng.uniform(-0.05, 1.1, (16, 12)).astype(np.float32)
    return [xt], [zt, yt], [x]


def case_requantize_chain(m, rng):
    """Quantizers after quantizers (qnt.requantize of activations) through
    data movement: reshape, transpose, concat on one grid, slice."""
    N = None
    g1 = Grid(8, True, 0.013, 4)
    g2 = Grid(8, False, 0.021, 100)
    g3 = Grid(16, True, 0.0007, -11)
    t0, t1, t2, t3, t4 = [N, 4, 6], [N, 24], [N, 6, 4], [N, 12, 4], [N, 5, 2]
    m.sim += [
        f"%a = {g1.fake_quant('%arg0', tensor(t0, 'f32'))}",
        f"%r = qnt.reshape %a : {tensor(t0, 'f32')} -> {tensor(t1, 'f32')}",
        f"%b = {g2.fake_quant('%r', tensor(t1, 'f32'))}",
        f"%r2 = qnt.reshape %b : {tensor(t1, 'f32')} -> {tensor(t0, 'f32')}",
        f"%t = qnt.transpose %r2 permutation = [0, 2, 1] : {tensor(t0, 'f32')} -> {tensor(t2, 'f32')}",
        f"%c = {g3.fake_quant('%t', tensor(t2, 'f32'))}",
        f"%cc = qnt.concat %c, %c axis = 1 : ({tensor(t2, 'f32')}, {tensor(t2, 'f32')}) -> {tensor(t3, 'f32')}",
        f"%s = qnt.slice %cc offsets = [0, 1, 1] strides = [1, 2, 2] : {tensor(t3, 'f32')} -> {tensor(t4, 'f32')}",
        f"%d = {g1.fake_quant('%s', tensor(t4, 'f32'))}",
        f"return %d : {tensor(t4, 'f32')}",
    ]
    m.int += [
        f"%a = qnt.quantize %arg0 : {tensor(t0, 'f32')} -> {tensor(t0, g1.qtype())}",
        f"%r = qnt.reshape %a : {tensor(t0, g1.qtype())} -> {tensor(t1, g1.qtype())}",
        f"%b = qnt.requantize %r rounding = <{m.mode}> : {tensor(t1, g1.qtype())} -> {tensor(t1, g2.qtype())}",
        f"%r2 = qnt.reshape %b : {tensor(t1, g2.qtype())} -> {tensor(t0, g2.qtype())}",
        f"%t = qnt.transpose %r2 permutation = [0, 2, 1] : {tensor(t0, g2.qtype())} -> {tensor(t2, g2.qtype())}",
        f"%c = qnt.requantize %t rounding = <{m.mode}> : {tensor(t2, g2.qtype())} -> {tensor(t2, g3.qtype())}",
        f"%cc = qnt.concat %c, %c axis = 1 : ({tensor(t2, g3.qtype())}, {tensor(t2, g3.qtype())}) -> {tensor(t3, g3.qtype())}",
        f"%s = qnt.slice %cc offsets = [0, 1, 1] strides = [1, 2, 2] : {tensor(t3, g3.qtype())} -> {tensor(t4, g3.qtype())}",
        f"%d = qnt.requantize %s rounding = <{m.mode}> : {tensor(t4, g3.qtype())} -> {tensor(t4, g1.qtype())}",
        f"%o = qnt.dequantize %d : {tensor(t4, g1.qtype())} -> {tensor(t4, 'f32')}",
        f"return %o : {tensor(t4, 'f32')}",
    ]
    x = rng.uniform(-2, 2, (16, 4, 6)).astype(np.float32)
    return [t0], [t4], [x]


def case_norm_gelu_pools(m, rng):
    """Ops realised in float: layer norm (quantized scale and bias), GELU,
    average pools with and without padding, reduce_mean."""
    N = None
    gx = Grid(8, True, 0.02, 1)
    gs = Grid(8, True, 0.01, 0)
    gb = Grid(8, True, 0.004, 0)
    gn = Grid(8, True, 0.03, -4)
    gg = Grid(8, False, 0.015, 10)
    ga = Grid(8, False, 0.012, 3)
    gm = Grid(8, False, 0.011, 2)
    t0, tp, ta, tm = [N, 2, 4, 6], [N, 2, 4, 6], [N, 2, 4, 3], [N, 2]
    scale = rng.uniform(0.5, 1.2, 6)
    bias = rng.normal(0, 0.2, 6)
    m.sim += [
        f"%x = {gx.fake_quant('%arg0', tensor(t0, 'f32'))}",
        f"%sc0 = {dense(scale.astype(np.float32), [6], 'f32')}",
        f"%sc = {gs.fake_quant('%sc0', tensor([6], 'f32'))}",
        f"%bi0 = {dense(bias.astype(np.float32), [6], 'f32')}",
        f"%bi = {gb.fake_quant('%bi0', tensor([6], 'f32'))}",
        f"%n = qnt.layer_norm %x, %sc, %bi axis = 3 epsilon = 1.0e-5 : ({tensor(t0, 'f32')}, {tensor([6], 'f32')}, {tensor([6], 'f32')}) -> {tensor(t0, 'f32')}",
        f"%nq = {gn.fake_quant('%n', tensor(t0, 'f32'))}",
        f"%g = qnt.gelu %nq : {tensor(t0, 'f32')} -> {tensor(t0, 'f32')}",
        f"%gq = {gg.fake_quant('%g', tensor(t0, 'f32'))}",
        f"%a = qnt.avg_pool2d %gq kernel = [2, 3] strides = [1, 2] pads = [0, 1, 1, 1] : {tensor(tp, 'f32')} -> {tensor(ta, 'f32')}",
        f"%aq = {ga.fake_quant('%a', tensor(ta, 'f32'))}",
        f"%r = qnt.reduce_mean %aq axes = [2, 3] : {tensor(ta, 'f32')} -> {tensor(tm, 'f32')}",
        f"%rq = {gm.fake_quant('%r', tensor(tm, 'f32'))}",
        f"return %rq, %gq : {tensor(tm, 'f32')}, {tensor(t0, 'f32')}",
    ]
    sq, bq = gs.quantize(scale), gb.quantize(bias)
    m.int += [
        f"%x = qnt.quantize %arg0 : {tensor(t0, 'f32')} -> {tensor(t0, gx.qtype())}",
        f"%sci = {dense(sq, [6], 'i8')}",
        f"%sc = quant.scast %sci : tensor<6xi8> to {tensor([6], gs.qtype())}",
        f"%bii = {dense(bq, [6], 'i8')}",
        f"%bi = quant.scast %bii : tensor<6xi8> to {tensor([6], gb.qtype())}",
        f"%n = qnt.layer_norm %x, %sc, %bi axis = 3 epsilon = 1.0e-5 : ({tensor(t0, gx.qtype())}, {tensor([6], gs.qtype())}, {tensor([6], gb.qtype())}) -> {tensor(t0, gn.qtype())}",
        f"%g = qnt.gelu %n : {tensor(t0, gn.qtype())} -> {tensor(t0, gg.qtype())}",
        f"%a = qnt.avg_pool2d %g kernel = [2, 3] strides = [1, 2] pads = [0, 1, 1, 1] : {tensor(tp, gg.qtype())} -> {tensor(ta, ga.qtype())}",
        f"%r = qnt.reduce_mean %a axes = [2, 3] : {tensor(ta, ga.qtype())} -> {tensor(tm, gm.qtype())}",
        f"%o = qnt.dequantize %r : {tensor(tm, gm.qtype())} -> {tensor(tm, 'f32')}",
        f"%og = qnt.dequantize %g : {tensor(t0, gg.qtype())} -> {tensor(t0, 'f32')}",
        f"return %o, %og : {tensor(tm, 'f32')}, {tensor(t0, 'f32')}",
    ]
    x = rng.normal(0, 1.0, (16, 2, 4, 6)).astype(np.float32)
    return [t0], [tm, t0], [x]


def case_ties(m, rng):
    """Power-of-two scales: multipliers 2^-4 (conv) and 3 * 2^-6 (matmul),
    so that requantizations hit exact ties, where the three rounding modes
    differ (half to even, half up, half away from zero)."""
    N = None
    gx = Grid(8, True, 2.0**-5, -2)
    gw = Grid(8, True, 2.0**-6, 0, narrow=True)
    gy = Grid(8, True, 2.0**-7, 1)
    gm = Grid(8, True, [2.0**-6, 3 * 2.0**-8], None, 1, narrow=True)
    gz = Grid(8, True, 2.0**-4, 0)
    xt, yt, ft, zt = [N, 1, 4, 4], [N, 2, 4, 4], [N, 32], [N, 2]
    w = rng.integers(-127, 128, (2, 1, 3, 3)) * 2.0**-6
    wm = rng.integers(-127, 128, (32, 2)) * np.array([2.0**-6, 3 * 2.0**-8])
    wf, wq = m.weight(w, gw)
    wmf, wmq = m.weight(wm, gm)
    a = acc_grid(gx, gw, 1)
    am = acc_grid(gy, gm, 1)
    m.sim += [
        f"%x = {gx.fake_quant('%arg0', tensor(xt, 'f32'))}",
        f"%c = qnt.conv2d %x, {wf} strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : ({tensor(xt, 'f32')}, {tensor([2, 1, 3, 3], 'f32')}) -> {tensor(yt, 'f32')}",
        f"%y = {gy.fake_quant('%c', tensor(yt, 'f32'))}",
        f"%f = qnt.reshape %y : {tensor(yt, 'f32')} -> {tensor(ft, 'f32')}",
        f"%l = qnt.matmul %f, {wmf} : ({tensor(ft, 'f32')}, {tensor([32, 2], 'f32')}) -> {tensor(zt, 'f32')}",
        f"%z = {gz.fake_quant('%l', tensor(zt, 'f32'))}",
        f"return %z, %y : {tensor(zt, 'f32')}, {tensor(yt, 'f32')}",
    ]
    m.int += [
        f"%x = qnt.quantize %arg0 : {tensor(xt, 'f32')} -> {tensor(xt, gx.qtype())}",
        f"%c = qnt.conv2d %x, {wq} strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : ({tensor(xt, gx.qtype())}, {tensor([2, 1, 3, 3], gw.qtype())}) -> {tensor(yt, a.qtype())}",
        f"%y = qnt.requantize %c rounding = <{m.mode}> : {tensor(yt, a.qtype())} -> {tensor(yt, gy.qtype())}",
        f"%f = qnt.reshape %y : {tensor(yt, gy.qtype())} -> {tensor(ft, gy.qtype())}",
        f"%l = qnt.matmul %f, {wmq} : ({tensor(ft, gy.qtype())}, {tensor([32, 2], gm.qtype())}) -> {tensor(zt, am.qtype())}",
        f"%z = qnt.requantize %l rounding = <{m.mode}> : {tensor(zt, am.qtype())} -> {tensor(zt, gz.qtype())}",
        f"%o = qnt.dequantize %z : {tensor(zt, gz.qtype())} -> {tensor(zt, 'f32')}",
        f"%oy = qnt.dequantize %y : {tensor(yt, gy.qtype())} -> {tensor(yt, 'f32')}",
        f"return %o, %oy : {tensor(zt, 'f32')}, {tensor(yt, 'f32')}",
    ]
    x = rng.uniform(-4, 4, (64, 1, 4, 4)).astype(np.float32)
    return [xt], [zt, yt], [x]


CASES = [case_conv_relu_pool, case_conv_relu6_gap, case_depthwise_grouped,
         case_fc_softmax, case_attention, case_residual,
         case_asymmetric_weights, case_requantize_chain, case_norm_gelu_pools,
         case_ties]


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------

def run(quant_run, mlir, entry, inputs, outputs):
    command = [quant_run, str(mlir), "--entry", entry, "--quiet", "--warmup", "0",
               "--batch", "64"]
    for path in inputs:
        command += ["--input", str(path)]
    for path in outputs:
        command += ["--output", str(path)]
    step = subprocess.run(command, capture_output=True, text=True)
    if step.returncode:
        raise RuntimeError(f"quant-run --entry {entry} failed:\n{step.stderr}")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quant-run", dest="quant_run", required=True)
    parser.add_argument("--work", required=True, type=pathlib.Path)
    parser.add_argument("--case", help="run only this case")
    parser.add_argument("--quant-opt", dest="quant_opt",
                        help="make the quantized form with `quant-opt "
                             "--qnt-quantize` from @sim instead of using @int")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    failures = compared = 0
    int_outputs = {}
    for case in CASES:
        name = case.__name__[len("case_"):]
        if args.case and args.case != name:
            continue
        for mode in MODES:
            m = Module(mode)
            rng = np.random.default_rng(sum(map(ord, name)))
            arg_types, result_types, arrays = case(m, rng)
            mlir = args.work / f"{name}.{mode}.mlir"
            mlir.write_text(m.text(name, [tensor(t, "f32") for t in arg_types],
                                   [tensor(t, "f32") for t in result_types]))
            inputs = []
            for i, array in enumerate(arrays):
                path = args.work / f"{name}.in{i}.npy"
                np.save(path, array)
                inputs.append(path)
            outs = {}
            for entry in ("sim", "int"):
                outs[entry] = [args.work / f"{name}.{mode}.{entry}{i}.npy"
                               for i in range(len(result_types))]
                if entry == "int" and args.quant_opt:
                    # The pass's quantized form of @sim (still named @sim).
                    sim = args.work / f"{name}.{mode}.sim.mlir"
                    sim.write_text(m.text(name, [tensor(t, "f32") for t in arg_types],
                                          [tensor(t, "f32") for t in result_types],
                                          sim_only=True))
                    quantized = args.work / f"{name}.{mode}.pass.mlir"
                    subprocess.run([args.quant_opt, str(sim), "--qnt-quantize",
                                    "-o", str(quantized)], check=True)
                    run(args.quant_run, quantized, "sim", inputs, outs[entry])
                    continue
                run(args.quant_run, mlir, entry, inputs, outs[entry])
            values = 0
            bad = []
            for i, (ps, pi) in enumerate(zip(outs["sim"], outs["int"])):
                a, b = np.load(ps), np.load(pi)
                values += a.size
                differ = np.flatnonzero(a.view(np.uint32) != b.view(np.uint32))
                if differ.size:
                    j = differ[0]
                    bad.append(f"output {i}: {differ.size} of {a.size} differ "
                               f"(first at {j}: sim {a.flat[j]!r}, int {b.flat[j]!r})")
            compared += values
            int_outputs[mode] = [np.load(p) for p in outs["int"]]
            if name == "ties":
                # The power of the test: the plain float simulation and the
                # other rounding modes differ from this mode's integer code.
                plain = args.work / f"{name}.{mode}.plain.mlir"
                plain.write_text(mlir.read_text().replace(
                    f" attributes {{qnt.rounding = #qnt.rounding<{mode}>}}", ""))
                paths = [args.work / f"{name}.{mode}.plain{i}.npy"
                         for i in range(len(result_types))]
                run(args.quant_run, plain, "sim", inputs, paths)
                differ = sum(int((np.load(p).view(np.uint32) !=
                                  o.view(np.uint32)).sum())
                             for p, o in zip(paths, int_outputs[mode]))
                print(f"POWER {name} {mode}: the plain float simulation "
                      f"differs on {differ} values")
            if bad:
                failures += 1
                print(f"MISMATCH {name} {mode}: " + "; ".join(bad))
            else:
                print(f"EXACT {name} {mode}: {values} values")
        if name == "ties" and len(int_outputs) == len(MODES):
            for a, b in [("half_to_even", "single_round"),
                         ("single_round", "double_round"),
                         ("half_to_even", "double_round")]:
                differ = sum(int((x != y).sum()) for x, y in
                             zip(int_outputs[a], int_outputs[b]))
                print(f"POWER {name}: {a} and {b} differ on {differ} values")
    print(f"{compared} values compared, {failures} mismatching case(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
