"""Shared code of the int8 benchmarks (bench/int8_gemm.py, int8_layers.py,
int8_models.py): options, building the C/C++ harnesses of bench/int8/, the
operand files of a GEMM, compiling our code with quant-compile, reading the
example models' layer shapes, the machine description and Markdown tables.

Every harness measures thread CPU time (time descheduled on this shared machine
is not counted) and reports the median over trials; see bench/int8/timing.h.
"""

import json
import os
import pathlib
import platform
import shutil
import subprocess
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
HARNESS_DIR = ROOT / "bench" / "int8"
ONEDNN_HEADER = pathlib.Path("/usr/include/dnnl.h")


def log(message):
    print(message, file=sys.stderr, flush=True)


def add_options(parser):
    parser.add_argument("--build", type=pathlib.Path, default=ROOT / "build",
                        help="quant-opt build directory (default: build/)")
    parser.add_argument("--work", type=pathlib.Path, default=None,
                        help="scratch directory (default: BUILD/bench/int8)")
    parser.add_argument("--kernel-target", default=None,
                        help="passed as --kernel-target=T to quant-compile (the int8 "
                             "kernels' target, once qnt-lower-int8-kernels exists)")
    parser.add_argument("--tool-arg", action="append", default=[],
                        help="an extra argument for quant-compile (repeatable), "
                             "e.g. --tool-arg=--cpu=skylake-avx512")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads of our code (quant-compile --num-threads, "
                             "linked with libomp) and of onnxruntime; above 1 "
                             "everything is timed in wall-clock time")
    parser.add_argument("--trials", type=int, default=7,
                        help="timed trials per measurement; the median is reported")
    parser.add_argument("--min-ms", type=int, default=200,
                        help="minimum thread CPU time of one trial, in ms")
    parser.add_argument("--cc", default=os.environ.get("CC", "cc"))
    parser.add_argument("--cxx", default=os.environ.get("CXX", "clang++"),
                        help="C++ compiler of the peak probe and the oneDNN harness "
                             "(default clang++: GCC 12 spills the probe's accumulators)")


def setup(args):
    """Resolves tool paths and the extra quant-compile arguments."""
    args.quant_compile = str(args.build / "bin" / "quant-compile")
    args.quant_opt = str(args.build / "bin" / "quant-opt")
    args.quant_translate = str(args.build / "bin" / "quant-translate")
    for tool in (args.quant_compile, args.quant_opt, args.quant_translate):
        if not os.access(tool, os.X_OK):
            sys.exit(f"error: {tool} is missing; build quant-opt first")
    if args.trials < 1 or args.min_ms < 1 or args.threads < 1:
        sys.exit("error: --trials, --min-ms and --threads must be positive")
    args.work = args.work or args.build / "bench" / "int8"
    args.work.mkdir(parents=True, exist_ok=True)
    args.compile_args = list(args.tool_arg)
    if args.kernel_target:
        args.compile_args.insert(0, f"--kernel-target={args.kernel_target}")
    # The code allocates its buffers with quant-opt's runtime (the caching
    # allocator, lib/Runtime).
    runtime = args.build / "lib" / "libquant-opt-runtime.a"
    if not runtime.exists():
        sys.exit(f"error: {runtime} is missing; build quant-opt first")
    args.link_args, args.time_args = [f"-L{runtime.parent}", "-lquant-opt-runtime"], []
    # Multi-threaded code calls LLVM's OpenMP runtime (libomp-22-dev).
    if args.threads > 1:
        args.compile_args.insert(0, f"--num-threads={args.threads}")
        libdir = "/usr/lib/llvm-22/lib"
        if not os.path.exists(f"{libdir}/libomp.so"):
            sys.exit(f"error: --threads needs {libdir}/libomp.so (scripts/setup.sh "
                     "installs libomp-22-dev)")
        args.link_args += [f"-L{libdir}", "-lomp", f"-Wl,-rpath,{libdir}"]
        args.time_args = ["--wall"]
    return args


def timing_text(args):
    """How the measurements were taken, for the reports."""
    if args.threads == 1:
        return "one thread everywhere; thread CPU time"
    return f"{args.threads} threads (ours and onnxruntime); wall-clock time"


def run(cmd, **kwargs):
    """Runs cmd; on failure prints it with its output and exits."""
    cmd = [str(c) for c in cmd]
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"error: command failed ({result.returncode}): {' '.join(cmd)}\n"
                 f"{result.stdout}{result.stderr}")
    return result.stdout


def run_json(cmd, **kwargs):
    return json.loads(run(cmd, **kwargs).strip().splitlines()[-1])


def have_onednn():
    return ONEDNN_HEADER.exists()


def build_peak(args):
    exe = args.work / "peak"
    run([args.cxx, "-O2", "-mavx512f", "-mavx512vl", "-mavx512vnni", "-I", HARNESS_DIR,
         HARNESS_DIR / "peak.cpp", "-o", exe])
    return exe


def measure_peak(args, exe=None):
    """The vpdpbusd peak probe's JSON result (exe: a build_peak result, else built)."""
    return run_json([exe or build_peak(args), "--trials", max(args.trials, 7), "--json"])


def build_onednn(args):
    if not have_onednn():
        return None
    exe = args.work / "onednn_gemm"
    run([args.cxx, "-O2", "-I", HARNESS_DIR, HARNESS_DIR / "onednn_gemm.cpp", "-o", exe,
         "-ldnnl", "-lgomp"])
    return exe


# --- GEMM operands --------------------------------------------------------------

def gemm_mlir(m, n, k, weights):
    """One qnt.matmul: u8 activations [m, k] x constant s8 weights [n, k]^T into
    the exact int32 accumulator [m, n]. Scales are powers of two (exact)."""
    hex_weights = weights.astype(np.int8).tobytes().hex().upper()
    return f"""// C[{m}, {n}] = A[{m}, {k}] (u8) x B[{n}, {k}]^T (s8), int32: bench/int8_common.py
!a = !quant.uniform<u8:f32, 0.5>
!w = !quant.uniform<i8<-127:127>:f32, 0.25>
!acc = !quant.uniform<i32:f32, 0.125>
func.func @main(%a: tensor<{m}x{k}x!a>) -> tensor<{m}x{n}x!acc> {{
  %wi = arith.constant dense<"0x{hex_weights}"> : tensor<{n}x{k}xi8>
  %w = quant.scast %wi : tensor<{n}x{k}xi8> to tensor<{n}x{k}x!w>
  %c = qnt.matmul %a, %w transpose_rhs : (tensor<{m}x{k}x!a>, tensor<{n}x{k}x!w>) -> tensor<{m}x{n}x!acc>
  return %c : tensor<{m}x{n}x!acc>
}}
"""


def write_gemm(directory, m, n, k, seed=0):
    """Writes a.bin (u8 m x k), b.bin (s8 n x k, in [-127, 127]), c.bin (the int32
    product, computed in float64: exact, |C| < 2^53) and gemm.mlir."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 256, (m, k), dtype=np.uint8)
    b = rng.integers(-127, 128, (n, k), dtype=np.int8)
    c = a.astype(np.float64) @ b.astype(np.float64).T
    assert np.abs(c).max() < 2**31
    a.tofile(directory / "a.bin")
    b.tofile(directory / "b.bin")
    c.astype(np.int32).tofile(directory / "c.bin")
    (directory / "gemm.mlir").write_text(gemm_mlir(m, n, k, b))
    return directory


def compile_ours(args, mlir, directory, harness):
    """quant-compile mlir (with the extra tool arguments), then cc the harness
    (ours_gemm.c or ours_model.c) against it. Returns the executable."""
    obj, header = directory / "model.o", directory / "model.h"
    run([args.quant_compile, mlir, "-o", obj, "--header", header, *args.compile_args])
    exe = directory / harness.replace(".c", "")
    run([args.cc, "-O2", "-I", directory, "-I", HARNESS_DIR, HARNESS_DIR / harness, obj,
         *args.link_args, "-lm", "-o", exe])
    return exe


def time_gemm(args, exe, directory, m, n, k):
    result = run_json([exe, "--dir", directory, "--m", m, "--n", n, "--k", k,
                       "--trials", args.trials, "--min-ms", args.min_ms, "--json"],
                      env=dict(os.environ, OMP_NUM_THREADS="1"))
    if result["mismatches"]:
        sys.exit(f"error: {exe} computed a wrong product ({result['mismatches']} elements)")
    return result


# --- example models ---------------------------------------------------------------

def example_models():
    return sorted((ROOT / "models").glob("*.onnx"))


def linear_layers(model_path, batch=1):
    """Conv and MatMul/Gemm layers of an ONNX model with static shapes at `batch`:
    dicts with op, name, input shape, weight shape, attributes, and the GEMM view
    (m, n, k; a conv as an implicit GEMM: m = batch*OH*OW, n = C_out/groups per
    group, k = C_in/groups*kH*kW)."""
    import onnx
    from onnx import numpy_helper, shape_inference

    model = onnx.load(str(model_path))
    for tensor in list(model.graph.input) + list(model.graph.output):
        dim = tensor.type.tensor_type.shape.dim
        if dim and not dim[0].HasField("dim_value"):
            dim[0].Clear()
            dim[0].dim_value = batch
    model = shape_inference.infer_shapes(model)
    shapes = {}
    for v in list(model.graph.value_info) + list(model.graph.input) + \
            list(model.graph.output):
        shapes[v.name] = [d.dim_value for d in v.type.tensor_type.shape.dim]
    init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    layers = []
    for node in model.graph.node:
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        if node.op_type == "Conv":
            w = init[node.input[1]]
            x = shapes[node.input[0]]
            y = shapes[node.output[0]]
            groups = attrs.get("group", 1)
            layers.append(dict(
                op="conv", name=node.name, input=x, weight=list(w.shape), output=y,
                strides=list(attrs.get("strides", [1, 1])),
                pads=list(attrs.get("pads", [0, 0, 0, 0])),
                dilations=list(attrs.get("dilations", [1, 1])), groups=groups,
                bias=len(node.input) > 2,
                m=y[0] * y[2] * y[3], n=w.shape[0] // groups,
                k=w.shape[1] * w.shape[2] * w.shape[3]))
        elif node.op_type in ("MatMul", "Gemm") and node.input[1] in init:
            w = init[node.input[1]]
            x = shapes[node.input[0]]
            trans_b = node.op_type == "Gemm" and attrs.get("transB", 0)
            n = w.shape[0] if trans_b else w.shape[-1]
            m = int(np.prod(x[:-1]))
            layers.append(dict(op="matmul", name=node.name, input=x,
                               weight=list(w.shape), m=m, n=n, k=x[-1], groups=1))
    return layers


def ort_time(args, model, x):
    """onnxruntime on args.threads threads: (output, median ms per call over
    args.trials trials of >= args.min_ms of process CPU time, or wall-clock time
    with several threads). `model`: a path or ONNX bytes."""
    import onnxruntime as ort

    clock = time.process_time if args.threads == 1 else time.perf_counter
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # no graph-cleanup warnings
    if not isinstance(model, bytes):
        model = str(model)
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    y = session.run(None, {name: x})[0]
    times = []
    for _ in range(args.trials):
        calls, start = 0, clock()
        while True:
            session.run(None, {name: x})
            calls += 1
            elapsed = clock() - start
            if elapsed >= args.min_ms / 1e3:
                break
        times.append(1e3 * elapsed / calls)
    return y, float(np.median(times))


def machine():
    """One paragraph describing the machine and the toolchain."""
    cpu = platform.processor()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    def version(cmd):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True).stdout
            return out.splitlines()[0] if out else "?"
        except OSError:
            return "missing"
    flags = open("/proc/cpuinfo").read()
    isa = [f for f in ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")
           if f" {f}" in flags]
    return (f"{cpu}, {os.cpu_count()} logical CPUs ({', '.join(isa)}); "
            f"{version(['cc', '--version'])}; {version(['clang++', '--version'])}; "
            f"Python {platform.python_version()}")


def table(headers, rows, align=None):
    align = align or ["---"] + ["---:"] * (len(headers) - 1)
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def clean(directory):
    shutil.rmtree(directory, ignore_errors=True)
