#!/usr/bin/env python3
"""Runs ONNX node conformance tests through quant-translate and quant-run.

Each test directory of Debian's libonnx-testdata
(/usr/share/libonnx-testdata/data/node/test_*) holds a one-node model.onnx and
test_data_set_0/{input,output}_*.pb written by the ONNX developers. For every
test named in the list file this script

  1. upgrades models below opset 13 (the oldest our importer reads) with
     ONNX's own version converter, and moves the inputs our importer needs
     as constants (a Reshape's shape, a
     Clip's bounds, Slice's starts/ends, ...) from graph inputs into
     initializers, with the test's own data (FROZEN_INPUTS below);
  2. imports the model with `quant-translate --import-onnx`;
  3. runs it with `quant-run --whole` on the remaining inputs;
  4. compares every output with the expected one, as ONNX's backend tests
     do: numpy.testing.assert_allclose(rtol=1e-3, atol=1e-7) for floats;
     integer outputs (the quantization ops) must have the expected dtype
     and equal the expected values exactly.

It prints one line per test and a summary, and exits non-zero if a listed
test fails. With --discover it instead tries every test directory whose node
types are all in the list's ops and prints which pass, to grow the list.
"""

import argparse
import os
import pathlib
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper, version_converter

# (op type, input index) pairs our importer requires to be constant.
FROZEN_INPUTS = {
    ("Reshape", 1), ("Clip", 1), ("Clip", 2), ("Slice", 1), ("Slice", 2),
    ("Slice", 3), ("Slice", 4), ("Split", 1), ("Squeeze", 1),
    ("Unsqueeze", 1), ("ReduceMean", 1), ("Expand", 1), ("Gather", 1),
    ("Pad", 1), ("Pad", 2), ("ConstantOfShape", 0),
    # Quantization parameters (and QLinearConv's int32 bias).
    ("QuantizeLinear", 1), ("QuantizeLinear", 2),
    ("DequantizeLinear", 1), ("DequantizeLinear", 2),
    ("QLinearConv", 1), ("QLinearConv", 2), ("QLinearConv", 4),
    ("QLinearConv", 5), ("QLinearConv", 6), ("QLinearConv", 7),
    ("QLinearConv", 8),
    ("QLinearMatMul", 1), ("QLinearMatMul", 2), ("QLinearMatMul", 4),
    ("QLinearMatMul", 5), ("QLinearMatMul", 6), ("QLinearMatMul", 7),
    ("ConvInteger", 2), ("ConvInteger", 3),
    ("MatMulInteger", 2), ("MatMulInteger", 3),
}

RTOL, ATOL = 1e-3, 1e-7
MIN_OPSET = 13


def read_tensor(path):
    tensor = onnx.TensorProto()
    tensor.ParseFromString(path.read_bytes())
    return tensor.name, numpy_helper.to_array(tensor)


def prepare_model(test_dir, work):
    """Freezes constant inputs; returns the model path and the free inputs."""
    model = onnx.load(str(test_dir / "model.onnx"))
    opset = max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")),
                default=0)
    if opset < MIN_OPSET:
        model = version_converter.convert_version(model, MIN_OPSET)
    data_dir = test_dir / "test_data_set_0"
    inputs = sorted(data_dir.glob("input_*.pb"), key=lambda p: int(p.stem[6:]))
    graph = model.graph
    values = {}
    for index, path in enumerate(inputs):
        name, array = read_tensor(path)
        values[graph.input[index].name if not name else name] = (index, array)
    frozen = set()
    for node in graph.node:
        for position, name in enumerate(node.input):
            if (node.op_type, position) in FROZEN_INPUTS and name in values:
                frozen.add(name)
    for name in frozen:
        graph.initializer.append(numpy_helper.from_array(values[name][1], name))
    kept = [i for i in graph.input if i.name not in frozen]
    del graph.input[:]
    graph.input.extend(kept)
    model_path = work / "model.onnx"
    onnx.save(model, str(model_path))
    free = []
    for graph_input in kept:
        index, array = values[graph_input.name]
        npy = work / f"input_{index}.npy"
        np.save(npy, array)
        free.append(npy)
    return model_path, free


def run_test(test_dir, tools, work):
    """Returns None on success, else a one-line reason."""
    model_path, inputs = prepare_model(test_dir, work)
    mlir = work / "model.mlir"
    step = subprocess.run(
        [tools.quant_translate, "--import-onnx", str(model_path), "-o", str(mlir)],
        capture_output=True, text=True)
    if step.returncode:
        return "import: " + (step.stderr.strip().splitlines() or ["?"])[0]
    expected = sorted((test_dir / "test_data_set_0").glob("output_*.pb"),
                      key=lambda p: int(p.stem[7:]))
    outputs = [work / f"output_{i}.npy" for i in range(len(expected))]
    command = [tools.quant_run, str(mlir), "--whole", "--quiet", "--warmup", "0"]
    for npy in inputs:
        command += ["--input", str(npy)]
    for npy in outputs:
        command += ["--output", str(npy)]
    if not inputs:
        return "run: the model has no runtime input"
    step = subprocess.run(command, capture_output=True, text=True)
    if step.returncode:
        lines = [l for l in step.stderr.strip().splitlines() if "error" in l]
        return "run: " + (lines or step.stderr.strip().splitlines() or ["?"])[0]
    for npy, pb in zip(outputs, expected):
        _, want = read_tensor(pb)
        got = np.load(npy)
        if got.shape != want.shape:
            return f"{pb.stem}: shape {got.shape}, expected {want.shape}"
        if np.issubdtype(want.dtype, np.integer):
            if got.dtype != want.dtype:
                return f"{pb.stem}: dtype {got.dtype}, expected {want.dtype}"
            diff = np.flatnonzero(got != want)
            if diff.size:
                i = diff[0]
                return (f"{pb.stem}: {diff.size} of {want.size} integers differ "
                        f"(first at flat index {i}: {got.flat[i]}, expected "
                        f"{want.flat[i]})")
            continue
        try:
            np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)
        except AssertionError as error:
            mismatch = [l for l in str(error).splitlines() if "Mismatch" in l or "Max" in l]
            return f"{pb.stem}: " + "; ".join(m.strip() for m in mismatch)
    return None


def read_list(path):
    names = []
    for line in pathlib.Path(path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line)
    return names


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quant-translate", dest="quant_translate", required=True)
    parser.add_argument("--quant-run", dest="quant_run", required=True)
    parser.add_argument("--data", default="/usr/share/libonnx-testdata/data/node")
    parser.add_argument("--list", required=True, help="tests expected to pass")
    parser.add_argument("--discover", action="store_true",
                        help="try every test whose ops appear in the list's tests")
    tools = parser.parse_args()
    data = pathlib.Path(tools.data)
    if not data.is_dir():
        print(f"error: {data} not found: install libonnx-testdata (scripts/setup.sh)")
        return 1
    listed = read_list(tools.list)
    names = listed
    if tools.discover:
        ops = set()
        for name in listed:
            ops |= {n.op_type for n in onnx.load(str(data / name / "model.onnx")).graph.node}
        names = []
        for test_dir in sorted(data.glob("test_*")):
            try:
                model_ops = {n.op_type for n in onnx.load(str(test_dir / "model.onnx")).graph.node}
            except Exception:
                continue
            if model_ops <= ops:
                names.append(test_dir.name)
    failures = 0
    for name in names:
        with tempfile.TemporaryDirectory() as work:
            try:
                reason = run_test(data / name, tools, pathlib.Path(work))
            except Exception as error:  # a malformed test or tensor
                reason = f"harness: {type(error).__name__}: {error}"
        if reason:
            failures += 1
            print(f"FAIL {name}: {reason}")
        else:
            print(f"PASS {name}")
    print(f"{len(names) - failures} passed, {failures} failed, of {len(names)} "
          f"ONNX node tests")
    if tools.discover:
        return 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
