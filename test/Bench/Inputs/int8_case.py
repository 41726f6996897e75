"""Operands of the int8 harness tests (test/Bench), written with the
benchmark scripts' own generators and independent numpy references.

  int8_case.py gemm DIR M N K        a.bin, b.bin, c.bin (expected), gemm.mlir
  int8_case.py conv DIR GROUPS       layer.mlir, x.bin and expected.bin of a
                                     small conv layer (bench/int8_layers.py)
  int8_case.py corrupt FILE          adds 1 to the first int32 of FILE
  int8_case.py compare A B           "N values, D differ" for two u8 files
"""

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "bench"))

import int8_common  # noqa: E402
import int8_layers  # noqa: E402


def conv(directory, groups):
    rng = np.random.default_rng(1)
    c_in, c_out = 8, 8 if groups > 1 else 4
    layer = dict(name="test", input=[2, c_in, 6, 5], output=[2, c_out, 3, 3],
                 strides=[2, 2], pads=[1, 1, 0, 1], dilations=[1, 1], groups=groups)
    weights = rng.normal(size=(c_out, c_in // groups, 3, 3)).astype(np.float32)
    bias = rng.normal(size=c_out).astype(np.float32)
    w_q, w_scale, b_q = int8_layers.quantize_layer(layer, weights, bias)
    x = rng.integers(0, 256, layer["input"], dtype=np.uint8)
    acc = int8_layers.conv_acc(x, w_q, b_q, layer)
    y_scale = float((acc * (int8_layers.X_SCALE * w_scale)[None, :, None, None]).max()) / 300
    expected = int8_layers.requantize(acc, w_scale, y_scale)
    assert 0 < (expected == 0).mean() < 0.9 and (expected == 255).any()
    (directory / "layer.mlir").write_text(
        int8_layers.layer_mlir(layer, w_q, w_scale, b_q, y_scale, 2))
    x.tofile(directory / "x.bin")
    expected.tofile(directory / "expected.bin")


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "gemm":
        int8_common.write_gemm(pathlib.Path(args[0]), *map(int, args[1:4]))
    elif command == "conv":
        directory = pathlib.Path(args[0])
        directory.mkdir(parents=True, exist_ok=True)
        conv(directory, int(args[1]))
    elif command == "corrupt":
        data = np.fromfile(args[0], np.int32)
        data[0] += 1
        data.tofile(args[0])
    elif command == "compare":
        a, b = (np.fromfile(p, np.uint8) for p in args)
        print(f"{a.size} values, {int((a != b).sum()) if a.size == b.size else a.size} differ")
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
