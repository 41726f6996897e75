#!/usr/bin/env python3
"""int8 GEMM: our code against the machine's vpdpbusd peak and oneDNN, in one run.

For each shape C[M, N] = A[M, K] (u8) x B[N, K]^T (s8) -> int32:
  - ours: one qnt.matmul (constant weights) compiled by quant-compile into an
    object file, called from C (bench/int8/ours_gemm.c);
  - oneDNN: dnnl_gemm_u8s8s32 on the same operands (bench/int8/onednn_gemm.cpp,
    Debian libdnnl-dev: bench/setup-peers.sh --apt-only);
  - peak: the single-threaded vpdpbusd zmm probe (bench/int8/peak.cpp), measured
    at the start of the run and again right before and after every shape: the
    "% of peak" columns divide by the mean of the two probes around the shape,
    so that a change of clock or of a neighbour's load over the run (a shared
    VM) moves the numerator and the denominator together.
Every product is checked element by element against numpy before it is timed.
Single-threaded, thread CPU time, median of --trials; GOPS = 2*M*N*K / s.
Shapes: large squares and the distinct GEMM shapes of the example models' conv
(implicit GEMM, groups = 1) and matmul layers at --batch.

  .venv/bin/python3 bench/int8_gemm.py [--squares 512 1024 2048] [--batch 1]
      [--no-models] [--kernel-target T] [--tool-arg=ARG ...]
"""

import argparse
import sys

import int8_common as common


def shapes(args):
    result = [(f"square {s}", s, s, s) for s in args.squares]
    if args.models:
        seen = {}
        for model in common.example_models():
            for layer in common.linear_layers(model, args.batch):
                if layer["groups"] != 1:
                    continue  # depthwise: not a GEMM (bench/int8_layers.py)
                key = (layer["m"], layer["n"], layer["k"])
                seen.setdefault(key, []).append(model.stem)
        for (m, n, k), names in seen.items():
            label = ", ".join(sorted(set(names)))
            result.append((f"{label} ({len(names)}x)", m, n, k))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    common.add_options(parser)
    parser.add_argument("--squares", type=int, nargs="*", default=[512, 1024, 2048])
    parser.add_argument("--batch", type=int, default=1,
                        help="batch of the example models' layer shapes")
    parser.add_argument("--no-models", dest="models", action="store_false",
                        help="only the squares")
    args = common.setup(parser.parse_args())
    if args.threads != 1:
        sys.exit("error: the GEMM table is single-threaded (the vpdpbusd peak is one "
                 "core's); --threads is for int8_layers.py and int8_models.py")

    peak_exe = common.build_peak(args)
    peak = common.measure_peak(args, peak_exe)
    onednn = common.build_onednn(args)
    if onednn is None:
        common.log("oneDNN is missing (bench/setup-peers.sh --apt-only): no oneDNN column")
    rows = []
    for label, m, n, k in shapes(args):
        directory = common.write_gemm(args.work / f"gemm_{m}x{n}x{k}", m, n, k)
        ours_exe = common.compile_ours(args, directory / "gemm.mlir", directory,
                                       "ours_gemm.c")
        before = common.measure_peak(args, peak_exe)["gops_median"]
        ours = common.time_gemm(args, ours_exe, directory, m, n, k)
        theirs = common.time_gemm(args, onednn, directory, m, n, k) if onednn else None
        here = 0.5 * (before + common.measure_peak(args, peak_exe)["gops_median"])
        row = [label, f"{m}x{n}x{k}", f"{here:.0f}", f"{ours['gops_median']:.2f}",
               f"{100 * ours['gops_median'] / here:.2f}%"]
        if theirs:
            row += [f"{theirs['gops_median']:.1f}",
                    f"{100 * theirs['gops_median'] / here:.1f}%",
                    f"{ours['gops_median'] / theirs['gops_median']:.4f}"]
        else:
            row += ["n/a"] * 3
        common.log(" ".join(row))
        rows.append(row)
        common.clean(directory)

    print(f"Machine: {common.machine()}.\n")
    print(f"vpdpbusd zmm peak, single-threaded: median {peak['gops_median']:.1f} GOPS "
          f"(best {peak['gops_best']:.1f}, worst {peak['gops_worst']:.1f} over "
          f"{peak['trials']} trials); core clock from dependent adds "
          f"{peak['ghz_median']:.2f} GHz (range {peak['ghz_min']:.2f}-{peak['ghz_max']:.2f}); "
          f"{peak['vpdpbusd_per_cycle_median']:.2f} vpdpbusd per cycle.\n")
    tool = " ".join(args.compile_args) or "(none)"
    print(f"quant-compile extra arguments: {tool}. One thread, thread CPU time, median of "
          f"{args.trials} trials of >= {args.min_ms} ms; every product checked "
          f"against numpy first.\n")
    print("peak here: the mean of the probe's medians right before and after the "
          "shape; the % columns are of it.\n")
    print(common.table(["shape", "MxNxK", "peak here GOPS", "ours GOPS", "ours % of peak",
                        "oneDNN GOPS", "oneDNN % of peak", "ours / oneDNN"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
