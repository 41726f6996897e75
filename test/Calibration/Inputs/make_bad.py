"""Writes the bad calibration files of errors.test into the directory argv[1]."""
import os
import sys

import numpy as np

out = sys.argv[1]
good = (np.arange(12, dtype=np.float32).reshape(3, 4) / 4)
np.save(os.path.join(out, "good.npy"), good)
np.save(os.path.join(out, "zeros.npy"), np.zeros((5, 4), np.float32))
np.save(os.path.join(out, "shape.npy"), np.zeros((3, 5), np.float32))
np.save(os.path.join(out, "rank.npy"), np.zeros((3, 4, 1), np.float32))
np.save(os.path.join(out, "int32.npy"), np.zeros((3, 4), np.int32))
nan = good.copy()
nan[2, 1] = np.nan
np.save(os.path.join(out, "nan.npy"), nan)
inf = good.astype(np.float64)
inf[1, 3] = np.inf
np.save(os.path.join(out, "inf.npy"), inf)
np.save(os.path.join(out, "empty.npy"), np.zeros((0, 4), np.float32))
with open(os.path.join(out, "garbage.npy"), "wb") as f:
    f.write(b"not an npy file")
