"""Writes the module and inputs of int8-kernels-nontemporal.test: matmuls
whose static int32 output is larger than qnt-lower-int8-kernels' threshold
for non-temporal stores (2 MiB), with every remainder:

  matmul.mlir (inputs xu.npy: u8 [515, 1001], xs.npy: s8 [515, 200])
    out0  u8 x w0[1001, 1040] -> int32 [515, 1040] (2.04 MiB): K = 1001 is
          not a multiple of any group (2 K blocks for avx512-vnni), 1040
          columns are 8 full panels of 128 and a last one of one vector,
          515 rows are 2 row blocks, full row tiles and 3 remainder rows
    out1  s8 x w1[200, 2048] -> int32 [515, 2048] (4.02 MiB): one K block,
          so the loop over the column panels may run on several threads
          (qnt.parallel); s8 activations are shifted for vnni
    out2  u8 x w2[1001, 600] -> int32 [515, 600] (1.18 MiB): below the
          threshold, stored normally (the control)

usage: int8_kernels_nontemporal.py DIR
"""
import pathlib
import sys

import numpy as np

rng = np.random.default_rng(23)
out = pathlib.Path(sys.argv[1])
M = 515


def weights(shape):
    w = rng.integers(-127, 128, shape, dtype=np.int8)
    return "0x" + w.tobytes().hex().upper()


def matmul(name, x, k, n):
    return f"""  %{name}i = arith.constant dense<"{weights((k, n))}"> : tensor<{k}x{n}xi8>
  %{name} = quant.scast %{name}i : tensor<{k}x{n}xi8> to tensor<{k}x{n}x!w>
  %{name}acc = qnt.matmul {x}, %{name} : (tensor<{M}x{k}x!{x[1:]}>, tensor<{k}x{n}x!w>) -> tensor<{M}x{n}x!acc>
"""


(out / "matmul.mlir").write_text(f"""// int8_kernels_nontemporal.py: large static outputs
!xu = !quant.uniform<u8:f32, 0.5>
!xs = !quant.uniform<i8:f32, 0.5>
!w = !quant.uniform<i8<-127:127>:f32, 0.25>
!acc = !quant.uniform<i32:f32, 0.125>
func.func @main(%xu: tensor<{M}x1001x!xu>, %xs: tensor<{M}x200x!xs>)
    -> (tensor<{M}x1040x!acc>, tensor<{M}x2048x!acc>, tensor<{M}x600x!acc>) {{
{matmul("w0", "%xu", 1001, 1040)}{matmul("w1", "%xs", 200, 2048)}{matmul("w2", "%xu", 1001, 600)}  return %w0acc, %w1acc, %w2acc : tensor<{M}x1040x!acc>, tensor<{M}x2048x!acc>, tensor<{M}x600x!acc>
}}
""")
np.save(out / "xu.npy", rng.integers(0, 256, (M, 1001), dtype=np.uint8))
np.save(out / "xs.npy", rng.integers(-128, 128, (M, 200), dtype=np.int8))
