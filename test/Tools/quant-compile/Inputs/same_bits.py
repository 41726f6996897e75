#!/usr/bin/env python3
"""Prints how many elements of two .npy arrays differ bit for bit."""
import sys

import numpy as np

a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
if a.shape != b.shape or a.dtype != b.dtype:
    print(f"shapes/dtypes differ: {a.shape} {a.dtype} vs {b.shape} {b.dtype}")
    sys.exit(1)
differ = int((a.view(np.uint8).reshape(a.size, -1) !=
              b.view(np.uint8).reshape(b.size, -1)).any(axis=1).sum())
print(f"{a.size} values, {differ} differ")
sys.exit(1 if differ else 0)
