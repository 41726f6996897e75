"""Writes the .npy files of the quant-run tests into a directory."""
import sys

import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(0)
np.save(f"{out}/images_u8.npy", rng.integers(0, 256, (10, 1, 4, 4), dtype=np.uint8))
np.save(f"{out}/images_f32.npy", rng.random((10, 1, 4, 4), dtype=np.float32))
np.save(f"{out}/images_f64.npy", rng.random((10, 1, 4, 4)))
np.save(f"{out}/wrong_shape.npy", rng.random((10, 1, 5, 4), dtype=np.float32))
np.save(f"{out}/labels.npy", np.arange(10, dtype=np.int64) % 2)
np.save(f"{out}/few_labels.npy", np.zeros(3, dtype=np.int64))
np.save(f"{out}/float_labels.npy", np.zeros(10, dtype=np.float32))
with open(f"{out}/garbage.npy", "wb") as f:
    f.write(b"this is not an npy file")
with open(f"{out}/truncated.npy", "wb") as f:
    f.write(open(f"{out}/images_f32.npy", "rb").read()[:200])
