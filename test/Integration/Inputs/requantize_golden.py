#!/usr/bin/env python3
"""qnt.requantize through the whole JIT pipeline against Python integers.

Writes a module whose @main requantizes one int32 accumulator tensor (and
one i8 activation tensor) onto several grids in every rounding mode, runs
it with quant-run --whole on golden inputs (exact ties, negative ties,
saturation, zero points, both ends of int32) plus a hashed sweep, and
compares every output with docs/Numerics.md section 3 evaluated here with
Python's exact integers (and numpy float32 for half_to_even). Prints one
line per output and a summary; exits non-zero on a difference.
"""

import argparse
import math
import pathlib
import subprocess
import sys

import numpy as np

MODES = ["half_to_even", "single_round", "double_round"]

# (name, input storage, s_in, z_in, output storage, s_out, z_out, qmin, qmax)
GRIDS = [
    ("quarter_i8", "i32", 0.25, 0, "i8", 1.0, 0, -128, 127),
    ("quarter_u8_z", "i32", 0.25, 0, "u8", 1.0, 100, 0, 255),
    ("tiny_i8", "i32", 2.0**-40, 0, "i8", 1.0, 3, -128, 127),
    ("big_i16", "i32", 3.0, 0, "i16", 1.0, -7, -32768, 32767),
    ("odd_u8", "i32", 0.0123, 0, "u8", 0.5, 17, 0, 255),
    ("act_i8", "i8", 0.3, 11, "i8", 0.2, -5, -128, 127),
    ("act_narrow", "i8", 0.75, -3, "i8<-127:127>", 0.25, 0, -127, 127),
]


def quantize_multiplier(m):
    fraction, exponent = math.frexp(m)
    mantissa = round(math.ldexp(fraction, 31))
    if mantissa == 1 << 31:
        mantissa >>= 1
        exponent += 1
    shift = 31 - exponent
    if shift > 62:
        mantissa = round(math.ldexp(mantissa, -(shift - 62)))
        shift = 62
    return mantissa, shift


def expected(values, z_in, m_real, mode, z_out, qmin, qmax):
    out = []
    mf = np.float32(m_real)
    mantissa, shift = quantize_multiplier(m_real)
    for q in values:
        v = int(q) - z_in
        if mode == "half_to_even":
            r = int(np.rint(np.float32(v) * mf))
        else:
            rnd = 1 << (shift - 1)
            if mode == "double_round" and shift > 31:
                rnd += (1 << 30) if v >= 0 else -(1 << 30)
            r = (v * mantissa + rnd) >> shift
        r = max(-(1 << 31), min((1 << 31) - 1, r))
        out.append(max(qmin, min(qmax, r + z_out)))
    return np.array(out)


def qtype(storage, scale, zp):
    return f"!quant.uniform<{storage}:f32, {scale!r}:{zp}>"


def golden_inputs():
    ties = [2, 6, 10, -2, -6, -10, 1, 3, -1, -3, 5, -5, 7, -7, 0]
    ends = [2**31 - 1, -2**31, 2**30, -2**30, 1000, -1000, 511, 512, 513,
            -511, -512, -513, 100000, -100000]
    rng = np.random.default_rng(7)
    sweep = rng.integers(-2**31, 2**31, 2000).tolist() + \
        rng.integers(-5000, 5000, 2000).tolist()
    acc = np.array(ties + ends + sweep, dtype=np.int64).astype(np.int32)
    act = np.arange(-128, 128, dtype=np.int8)
    return acc, act


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quant-run", dest="quant_run", required=True)
    parser.add_argument("--work", required=True, type=pathlib.Path)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    acc, act = golden_inputs()
    n, k = len(acc), len(act)
    acc_t = f"tensor<{n}x{qtype('i32', 1.0, 0)}>"
    act_t = f"tensor<{k}x{qtype('i8', 1.0, 0)}>"
    body, results, checks, casts = [], [], [], {}
    for name, sin, s_in, z_in, sout, s_out, z_out, qmin, qmax in GRIDS:
        wide = sin == "i32"
        count, src, src_t, storage = (n, "%acc0", acc_t, "i32") if wide else (k, "%act0", act_t, "i8")
        tin = f"tensor<{count}x{qtype(sin, s_in, z_in)}>"
        tout = f"tensor<{count}x{qtype(sout, s_out, z_out)}>"
        if tin not in casts:
            # The stored integers of the unit-grid input, on this grid.
            raw, cast = f"%raw{len(casts)}", f"%in{len(casts)}"
            body.append(f"  {raw} = quant.scast {src} : {src_t} to tensor<{count}x{storage}>")
            body.append(f"  {cast} = quant.scast {raw} : tensor<{count}x{storage}> to {tin}")
            casts[tin] = cast
        for mode in MODES:
            value = f"%{name}_{mode}"
            body.append(f"  {value} = qnt.requantize {casts[tin]} rounding = <{mode}> : {tin} -> {tout}")
            results.append((value, tout))
            checks.append((f"{name} {mode}",
                           expected(acc if wide else act, z_in, s_in / s_out, mode, z_out,
                                    qmin, qmax)))
    module = [f"func.func @main(%acc0: {acc_t}, %act0: {act_t}) -> "
              f"({', '.join(t for _, t in results)}) {{"]
    module += body
    module.append(f"  return {', '.join(v for v, _ in results)} : "
                  f"{', '.join(t for _, t in results)}")
    module.append("}")
    mlir = args.work / "golden.mlir"
    mlir.write_text("\n".join(module) + "\n")
    np.save(args.work / "acc.npy", acc)
    np.save(args.work / "act.npy", act)
    outputs = [args.work / f"out{i}.npy" for i in range(len(results))]
    command = [args.quant_run, str(mlir), "--whole", "--quiet", "--warmup", "0",
               "--input", str(args.work / "acc.npy"), "--input", str(args.work / "act.npy")]
    for path in outputs:
        command += ["--output", str(path)]
    step = subprocess.run(command, capture_output=True, text=True)
    if step.returncode:
        print(step.stderr)
        return 1
    failures = total = 0
    for (label, want), path in zip(checks, outputs):
        got = np.load(path).astype(np.int64)
        total += got.size
        bad = np.flatnonzero(got != want)
        if bad.size:
            failures += 1
            i = bad[0]
            print(f"WRONG {label}: {bad.size} of {got.size} (first at {i}: got {got[i]}, want {want[i]})")
        else:
            print(f"OK {label}: {got.size} values ({np.load(path).dtype})")
    print(f"{total} requantized values checked, {failures} wrong output(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
