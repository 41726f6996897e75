"""Inserts uncalibrated 8-bit activation quantizers into printed qnt IR.

  insert_quantizers.py IN.mlir OUT.mlir

A stand-in for qnt-insert-quantizers in the calibration tests and
bench/calibrate-time.sh: after the entry function's arguments and after
every result of OPS (one result, printed on one line with `-> tensor<...>`),
it inserts `qnt.fake_quant %v bits = 8` and makes the later uses read the
quantizer. Weights are not quantized. Prints the number of quantizers.
"""
import re
import sys

OPS = ("conv2d", "matmul", "add", "sub", "mul", "global_avg_pool",
       "avg_pool2d", "max_pool2d", "layer_norm", "softmax", "gelu",
       "hard_swish", "relu", "clamp", "concat")

src, dst = sys.argv[1], sys.argv[2]
lines = open(src).read().split("\n")
out = []
renames = {}
count = 0
in_func = False


def rename(line):
    if not renames:
        return line
    return re.sub(r"%[\w.$-]+", lambda m: renames.get(m.group(0), m.group(0)),
                  line)


for line in lines:
    m = re.match(r"^(\s*)func\.func @\w+\((.*)\)", line)
    if m and not in_func:
        in_func = True
        out.append(line)
        for name, ty in re.findall(r"(%[\w.$-]+): (tensor<[^>]*>)", m.group(2)):
            q = f"%qarg{count}"
            out.append(f"    {q} = qnt.fake_quant {name} bits = 8 : {ty}")
            renames[name] = q
            count += 1
        continue
    if in_func and re.match(r"^\s*(func\.)?return\b", line):
        out.append(rename(line))
        in_func = False
        continue
    new = rename(line)
    out.append(new)
    m = re.match(r"^(\s*)(%[\w.$-]+) = qnt\.(\w+) .*-> (tensor<[^>]*>)\s*$", line)
    if in_func and m and m.group(3) in OPS:
        indent, value, _, ty = m.groups()
        q = f"%q{count}"
        out.append(f"{indent}{q} = qnt.fake_quant {value} bits = 8 : {ty}")
        renames[value] = q
        count += 1

open(dst, "w").write("\n".join(out))
print(f"inserted {count} quantizers")
