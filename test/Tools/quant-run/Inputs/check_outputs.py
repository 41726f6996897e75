"""Checks quant-run's --output files against numpy on the same inputs."""
import sys

import numpy as np

images = np.load(sys.argv[1])
scores = np.load(sys.argv[2])
copied = np.load(sys.argv[3])
x = images.astype(np.float32) / 255.0 if images.dtype == np.uint8 else images.astype(np.float32)
mean = x.reshape(len(x), -1).mean(axis=1)
expected = np.stack([mean, -mean], axis=1)
assert scores.shape == expected.shape, (scores.shape, expected.shape)
assert copied.shape == x.shape, copied.shape
np.testing.assert_allclose(scores, expected, rtol=1e-6, atol=1e-7)
np.testing.assert_array_equal(copied, np.maximum(x, 0))
print("outputs match")
