#!/usr/bin/python3
"""Writes the reproducible Fashion-MNIST split used by quant-opt as .npy files.

Source: Debian's `dataset-fashion-mnist` package, the gzipped IDX files in
/usr/share/datasets/fashion-mnist (install it with scripts/setup.sh).

Split (fixed, no shuffling, so every tool sees the same images):
  calib_images.npy, calib_labels.npy   the FIRST 1000 test (t10k) images,
                                       used for calibration / range setting
  eval_images.npy,  eval_labels.npy    the OTHER 9000 test images, in file
                                       order, used to report accuracy
  train_images.npy, train_labels.npy   with --train: all 60000 training images

Arrays:
  images  uint8, shape N x 1 x 28 x 28 (NCHW, one channel)
  labels  int64, shape N, class index 0..9

Input convention of the example models (models/*.onnx):
  x = float32(images) / 255        values in [0, 1], NO mean/std normalisation.

Usage:
  /usr/bin/python3 scripts/fashion_mnist.py [--out DIR] [--train] [--src DIR]

DIR defaults to data/ at the top of the repository (ignored by git). Only
numpy and gzip are used. One line per file written goes to stderr.
"""

import argparse
import gzip
import os
import sys

import numpy as np

DEFAULT_SRC = "/usr/share/datasets/fashion-mnist"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "data")
NUM_CALIB = 1000

FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}


def fail(msg):
    print(f"fashion_mnist.py: error: {msg}", file=sys.stderr)
    sys.exit(1)


def read_idx(path):
    """Reads a gzipped IDX file (unsigned byte data) into a numpy array."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        fail(f"{path}: not an IDX file")
    dtype_code, ndim = data[2], data[3]
    if dtype_code != 0x08:
        fail(f"{path}: expected unsigned byte data (0x08), got 0x{dtype_code:02x}")
    header = 4 + 4 * ndim
    dims = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    n = int(np.prod(dims))
    if len(data) != header + n:
        fail(f"{path}: size {len(data)} does not match dims {dims}")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(dims)


def load(src, kind):
    images = read_idx(os.path.join(src, FILES[kind + "_images"]))
    labels = read_idx(os.path.join(src, FILES[kind + "_labels"]))
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        fail(f"{kind} images: unexpected shape {images.shape}")
    if labels.shape != (images.shape[0],):
        fail(f"{kind} labels: shape {labels.shape} does not match {images.shape[0]} images")
    if labels.max() > 9:
        fail(f"{kind} labels: value {labels.max()} out of range 0..9")
    return images.reshape(-1, 1, 28, 28).copy(), labels.astype(np.int64)


def save(out, name, array):
    path = os.path.join(out, name + ".npy")
    np.save(path, array)
    print(f"wrote {path}: {array.dtype} {'x'.join(map(str, array.shape))}",
          file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(
        description="Write the Fashion-MNIST calibration/evaluation split as .npy files.")
    ap.add_argument("--out", default=DEFAULT_OUT,
                    help="output directory (default: %(default)s)")
    ap.add_argument("--train", action="store_true",
                    help="also write train_images.npy and train_labels.npy")
    ap.add_argument("--src", default=DEFAULT_SRC,
                    help="directory of the gzipped IDX files (default: %(default)s)")
    args = ap.parse_args()

    needed = ["test_images", "test_labels"]
    if args.train:
        needed += ["train_images", "train_labels"]
    missing = [FILES[k] for k in needed
               if not os.path.isfile(os.path.join(args.src, FILES[k]))]
    if missing:
        fail(f"Fashion-MNIST not found in {args.src} (missing {', '.join(missing)}): "
             "install dataset-fashion-mnist (scripts/setup.sh)")

    os.makedirs(args.out, exist_ok=True)
    images, labels = load(args.src, "test")
    if images.shape[0] != 10000:
        fail(f"expected 10000 test images, got {images.shape[0]}")
    save(args.out, "calib_images", images[:NUM_CALIB])
    save(args.out, "calib_labels", labels[:NUM_CALIB])
    save(args.out, "eval_images", images[NUM_CALIB:])
    save(args.out, "eval_labels", labels[NUM_CALIB:])
    if args.train:
        images, labels = load(args.src, "train")
        save(args.out, "train_images", images)
        save(args.out, "train_labels", labels)


if __name__ == "__main__":
    main()
