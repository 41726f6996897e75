#!/usr/bin/env python3
"""Writes small ONNX models for the import tests.

    make_model.py NAME OUT.onnx          one model
    make_model.py --dir DIR NAME...      DIR/NAME.onnx for each NAME
    make_model.py --list                 the names

Each NAME builds one graph with the onnx package (Debian's python3-onnx
1.12) and numpy; weights are small and seeded. Some names write files that
are deliberately broken (truncated, garbage, empty, inconsistent models) for
the error tests.
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FLOAT = TensorProto.FLOAT
INT64 = TensorProto.INT64
MODELS = {}


def model(name):
    def register(fn):
        MODELS[name] = fn
        return fn
    return register


def rng(seed=0):
    return np.random.default_rng(seed)


def weight(name, shape, seed=0, dtype=np.float32):
    data = rng(seed).uniform(-1, 1, shape).astype(dtype)
    return numpy_helper.from_array(data, name)


def ints(name, values):
    return numpy_helper.from_array(np.array(values, np.int64), name)


def scalar(name, value):
    return numpy_helper.from_array(np.array(value, np.float32), name)


def vinfo(name, shape, elem=FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def build(nodes, inputs, outputs, inits=(), opset=17, ir_version=8):
    graph = helper.make_graph(nodes, "test", inputs, outputs, list(inits))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="make_model.py")
    m.ir_version = ir_version
    return m


def node(op, inputs, outputs, name=None, **attrs):
    return helper.make_node(op, inputs, outputs, name=name or outputs[0], **attrs)


def unary(op, opset=17, **attrs):
    return build([node(op, ["x"], ["y"], **attrs)], [vinfo("x", ["N", 8])],
                 [vinfo("y", ["N", 8])], opset=opset)


# ---------------------------------------------------------------------------
# Convolution and pooling
# ---------------------------------------------------------------------------

@model("conv")
def _():
    return build([node("Conv", ["x", "w", "b"], ["y"], kernel_shape=[3, 3],
                       strides=[2, 1], pads=[1, 0, 2, 1], dilations=[1, 2])],
                 [vinfo("x", ["N", 3, 9, 10])], [vinfo("y", ["N", 4, 5, 7])],
                 [weight("w", [4, 3, 3, 3]), weight("b", [4], 1)])


@model("conv_depthwise")
def _():
    return build([node("Conv", ["x", "w"], ["y"], group=6, pads=[1, 1, 1, 1])],
                 [vinfo("x", [1, 6, 8, 8])], [vinfo("y", [1, 6, 8, 8])],
                 [weight("w", [6, 1, 3, 3])])


@model("conv_grouped")
def _():
    return build([node("Conv", ["x", "w"], ["y"], group=2)],
                 [vinfo("x", [1, 4, 5, 5])], [vinfo("y", [1, 6, 3, 3])],
                 [weight("w", [6, 2, 3, 3])])


def conv_auto_pad(mode):
    return build([node("Conv", ["x", "w"], ["y"], auto_pad=mode, strides=[2, 2])],
                 [vinfo("x", [1, 1, 7, 8])], [vinfo("y", None)],
                 [weight("w", [2, 1, 4, 4])])


for _mode in ("SAME_UPPER", "SAME_LOWER", "VALID"):
    MODELS["conv_" + _mode.lower()] = (lambda m: lambda: conv_auto_pad(m))(_mode)


@model("maxpool")
def _():
    return build([node("MaxPool", ["x"], ["y"], kernel_shape=[3, 3], strides=[2, 2],
                       pads=[1, 1, 1, 1], dilations=[1, 1])],
                 [vinfo("x", ["N", 2, 8, 8])], [vinfo("y", None)])


@model("maxpool_ceil")
def _():
    return build([node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2], strides=[2, 2],
                       ceil_mode=1)],
                 [vinfo("x", [1, 2, 7, 7])], [vinfo("y", None)])


@model("maxpool_ceil_dropped")
def _():
    # The last ceil window would start in the end padding: it is dropped, so
    # the output is the floor size (3), not ceil((5 + 2 - 2) / 2) + 1 = 4.
    return build([node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2], strides=[2, 2],
                       pads=[1, 1, 1, 1], ceil_mode=1)],
                 [vinfo("x", [1, 1, 5, 5])], [vinfo("y", [1, 1, 3, 3])])


@model("avgpool")
def _():
    return build([node("AveragePool", ["x"], ["y"], kernel_shape=[2, 3],
                       strides=[2, 1], pads=[1, 1, 0, 1], count_include_pad=1)],
                 [vinfo("x", ["N", 2, 6, 6])], [vinfo("y", None)])


@model("avgpool_ceil")
def _():
    return build([node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3],
                       strides=[2, 2], ceil_mode=1)],
                 [vinfo("x", [1, 2, 8, 8])], [vinfo("y", None)])


@model("avgpool_ceil_count_pad")
def _():
    return build([node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3],
                       strides=[2, 2], ceil_mode=1, count_include_pad=1)],
                 [vinfo("x", [1, 2, 8, 8])], [vinfo("y", None)])


@model("globalavgpool")
def _():
    return build([node("GlobalAveragePool", ["x"], ["y"])],
                 [vinfo("x", ["N", 16, 7, 7])], [vinfo("y", ["N", 16, 1, 1])])


# ---------------------------------------------------------------------------
# MatMul and Gemm
# ---------------------------------------------------------------------------

@model("gemm")
def _():
    return build([node("Gemm", ["x", "w", "b"], ["y"], transB=1)],
                 [vinfo("x", ["N", 6])], [vinfo("y", ["N", 4])],
                 [weight("w", [4, 6]), weight("b", [4], 1)])


@model("gemm_alpha_beta")
def _():
    # alpha and beta fold into the constants; A is transposed; C is [1, N].
    return build([node("Gemm", ["x", "w", "c"], ["y"], alpha=2.0, beta=0.5,
                       transA=1)],
                 [vinfo("x", [6, 3])], [vinfo("y", [3, 4])],
                 [numpy_helper.from_array(np.ones((6, 4), np.float32), "w"),
                  numpy_helper.from_array(np.full((1, 4), 3, np.float32), "c")])


@model("gemm_dynamic")
def _():
    # Both operands at run time: alpha is a qnt.mul, C [M, N] a qnt.add.
    return build([node("Gemm", ["a", "b", "c"], ["y"], alpha=0.25, beta=2.0)],
                 [vinfo("a", [3, 5]), vinfo("b", [5, 4]), vinfo("c", [3, 4])],
                 [vinfo("y", [3, 4])])


@model("gemm_scalar_c")
def _():
    return build([node("Gemm", ["x", "w", "c"], ["y"])],
                 [vinfo("x", [2, 3])], [vinfo("y", [2, 4])],
                 [weight("w", [3, 4]), scalar("c", 1.5)])


@model("matmul_batched")
def _():
    return build([node("MatMul", ["a", "b"], ["y"])],
                 [vinfo("a", [2, 1, 4, 5]), vinfo("b", [3, 5, 6])],
                 [vinfo("y", [2, 3, 4, 6])])


@model("matmul_vectors")
def _():
    return build([node("MatMul", ["v", "m"], ["r"]), node("MatMul", ["m2", "v2"], ["c"])],
                 [vinfo("v", [5]), vinfo("m", [5, 3]), vinfo("m2", [4, 5]),
                  vinfo("v2", [5])],
                 [vinfo("r", [3]), vinfo("c", [4])])


@model("matmul_bias")
def _():
    # PyTorch's Linear on a 3-D input: MatMul, then Add of the bias.
    return build([node("MatMul", ["x", "w"], ["t"]), node("Add", ["b", "t"], ["y"])],
                 [vinfo("x", ["N", 17, 8])], [vinfo("y", ["N", 17, 4])],
                 [weight("w", [8, 4]), weight("b", [4], 1)])


# ---------------------------------------------------------------------------
# Element-wise ops and activations
# ---------------------------------------------------------------------------

@model("binary")
def _():
    return build([node("Add", ["x", "c"], ["a"]), node("Sub", ["a", "x"], ["s"]),
                  node("Mul", ["s", "row"], ["m"]), node("Div", ["m", "two"], ["y"])],
                 [vinfo("x", ["N", 3, 4])], [vinfo("y", ["N", 3, 4])],
                 [weight("c", [3, 1]), weight("row", [4], 1), scalar("two", 2.0)])


@model("binary_broadcast_error")
def _():
    return build([node("Add", ["x", "c"], ["y"])], [vinfo("x", [2, 3])],
                 [vinfo("y", None)], [weight("c", [4])])


for _op in ("Relu", "Sigmoid", "Tanh", "Erf"):
    MODELS[_op.lower()] = (lambda op: lambda: unary(op))(_op)
MODELS["hardsigmoid"] = lambda: unary("HardSigmoid", alpha=0.25, beta=0.375)
MODELS["hardswish"] = lambda: unary("HardSwish", opset=14)
MODELS["gelu"] = lambda: unary("Gelu", opset=20)
MODELS["gelu_tanh"] = lambda: unary("Gelu", opset=20, approximate="tanh")
MODELS["gelu_opset17"] = lambda: unary("Gelu", opset=17)
MODELS["softmax"] = lambda: unary("Softmax", axis=-1)


@model("clip_relu6")
def _():
    return build([node("Clip", ["x", "lo", "hi"], ["y"])], [vinfo("x", ["N", 8])],
                 [vinfo("y", ["N", 8])], [scalar("lo", 0.0), scalar("hi", 6.0)])


@model("clip_max_only")
def _():
    return build([node("Clip", ["x", "", "hi"], ["y"])], [vinfo("x", ["N", 8])],
                 [vinfo("y", ["N", 8])], [scalar("hi", 1.0)])


@model("clip_dynamic_bound")
def _():
    return build([node("Clip", ["x", "lo"], ["y"])],
                 [vinfo("x", ["N", 8]), vinfo("lo", [])], [vinfo("y", ["N", 8])])


def gelu_erf_nodes(x="x", y="y"):
    return [node("Constant", [], ["sqrt2"], value=helper.make_tensor(
                "sqrt2", FLOAT, [], [1.4142135381698608])),
            node("Div", [x, "sqrt2"], ["t1"]),
            node("Erf", ["t1"], ["t2"]),
            node("Constant", [], ["one"], value=helper.make_tensor("one", FLOAT, [], [1.0])),
            node("Add", ["t2", "one"], ["t3"]),
            node("Mul", [x, "t3"], ["t4"]),
            node("Constant", [], ["half"], value=helper.make_tensor("half", FLOAT, [], [0.5])),
            node("Mul", ["t4", "half"], [y])]


@model("gelu_erf")
def _():
    return build(gelu_erf_nodes(), [vinfo("x", ["N", 17, 32])],
                 [vinfo("y", ["N", 17, 32])])


@model("gelu_erf_shared")
def _():
    # The Erf result is also a graph output: no qnt.gelu.
    m = build(gelu_erf_nodes(), [vinfo("x", ["N", 8])], [vinfo("y", ["N", 8])])
    m.graph.output.append(vinfo("t2", ["N", 8]))
    return m


# ---------------------------------------------------------------------------
# Normalization and reductions
# ---------------------------------------------------------------------------

@model("batchnorm")
def _():
    var = numpy_helper.from_array(
        rng(4).uniform(0.5, 2, [3]).astype(np.float32), "var")
    return build([node("BatchNormalization", ["x", "s", "b", "mean", "var"], ["y"],
                       epsilon=1e-3, momentum=0.9)],
                 [vinfo("x", ["N", 3, 4, 4])], [vinfo("y", ["N", 3, 4, 4])],
                 [weight("s", [3], 1), weight("b", [3], 2), weight("mean", [3], 3), var])


@model("batchnorm_training")
def _():
    var = numpy_helper.from_array(np.ones([3], np.float32), "var")
    return build([node("BatchNormalization", ["x", "s", "b", "mean", "var"], ["y"],
                       training_mode=1)],
                 [vinfo("x", [1, 3, 4, 4])], [vinfo("y", None)],
                 [weight("s", [3], 1), weight("b", [3], 2), weight("mean", [3], 3), var])


@model("layernorm")
def _():
    return build([node("LayerNormalization", ["x", "g", "b"], ["y"], axis=-1,
                       epsilon=1e-5)],
                 [vinfo("x", ["N", 17, 32])], [vinfo("y", ["N", 17, 32])],
                 [weight("g", [32], 1), weight("b", [32], 2)])


@model("layernorm_axis1")
def _():
    # The scale broadcasts to the normalized shape [4, 6]: it is expanded.
    return build([node("LayerNormalization", ["x", "g"], ["y"], axis=1)],
                 [vinfo("x", [2, 4, 6])], [vinfo("y", [2, 4, 6])], [weight("g", [6], 1)])


@model("reducemean")
def _():
    return build([node("ReduceMean", ["x"], ["y"], axes=[-1, 1], keepdims=1)],
                 [vinfo("x", ["N", 3, 4, 5])], [vinfo("y", ["N", 1, 4, 1])], opset=13)


@model("reducemean_opset18")
def _():
    return build([node("ReduceMean", ["x", "axes"], ["y"], keepdims=0)],
                 [vinfo("x", ["N", 3, 4])], [vinfo("y", ["N", 4])],
                 [ints("axes", [1])], opset=18)


@model("reducemean_all")
def _():
    return build([node("ReduceMean", ["x"], ["y"], keepdims=0)],
                 [vinfo("x", [3, 4])], [vinfo("y", [])], opset=18)


# ---------------------------------------------------------------------------
# Data movement
# ---------------------------------------------------------------------------

@model("reshape")
def _():
    return build([node("Reshape", ["x", "s1"], ["a"]),           # [N, 12, 5]
                  node("Reshape", ["a", "s2"], ["b"]),           # [N, 3, 4, 5]
                  node("Flatten", ["b"], ["c"], axis=2),         # [?, 20]
                  node("Flatten", ["x"], ["d"], axis=0),         # [1, ?]
                  node("Reshape", ["b", "s3"], ["y"], allowzero=1)],  # [N, 2, 30]
                 [vinfo("x", ["N", 3, 4, 5])], [vinfo("c", None), vinfo("d", None),
                                                vinfo("y", ["N", 2, 30])],
                 [ints("s1", [0, -1, 5]), ints("s2", [-1, 3, 4, 5]),
                  ints("s3", [-1, 2, 30])], opset=14)


@model("reshape_mismatch")
def _():
    return build([node("Reshape", ["x", "s"], ["y"])], [vinfo("x", [2, 3, 4])],
                 [vinfo("y", None)], [ints("s", [5, -1])])


@model("reshape_two_dynamic")
def _():
    return build([node("Reshape", ["x", "s"], ["y"])],
                 [vinfo("x", ["N", "M", 4])], [vinfo("y", None)], [ints("s", [0, 0, 2, 2])])


@model("transpose_concat")
def _():
    return build([node("Transpose", ["x"], ["t"], perm=[0, 2, 1]),
                  node("Concat", ["t", "c", "t"], ["y"], axis=-2)],
                 [vinfo("x", [2, 3, 4])], [vinfo("y", [2, 9, 3])], [weight("c", [2, 1, 3])])


@model("squeeze_unsqueeze")
def _():
    return build([node("Unsqueeze", ["x", "ax"], ["u"]),         # [N, 1, 3, 1, 4]
                  node("Squeeze", ["u", "sq"], ["s"]),           # [N, 3, 1, 4]
                  node("Identity", ["s"], ["y"])],
                 [vinfo("x", ["N", 3, 4])], [vinfo("y", ["N", 3, 1, 4])],
                 [ints("ax", [1, -2]), ints("sq", [1])])


@model("split")
def _():
    return build([node("Split", ["x", "sizes"], ["a", "b", "c"], axis=1)],
                 [vinfo("x", ["N", 10, 2])], [vinfo("a", None), vinfo("b", None), vinfo("c", None)],
                 [ints("sizes", [2, 3, 5])])


@model("split_even")
def _():
    return build([node("Split", ["x"], ["a", "b"], axis=-1)],
                 [vinfo("x", ["N", 6])], [vinfo("a", None), vinfo("b", None)])


@model("split_num_outputs")
def _():
    return build([node("Split", ["x"], ["a", "b", "c"], axis=0, num_outputs=3)],
                 [vinfo("x", [7, 2])], [vinfo("a", None), vinfo("b", None), vinfo("c", None)],
                 opset=18)


@model("slice")
def _():
    big = 9223372036854775807
    return build([node("Slice", ["x", "st", "en", "ax", "sp"], ["y"])],
                 [vinfo("x", ["N", 10, 8])], [vinfo("y", None)],
                 [ints("st", [1, -6, 0]), ints("en", [big, 100, big]), ints("ax", [1, 2, 0]),
                  ints("sp", [3, 2, 1])])


@model("bad_bool_attribute")
def _():
    return build([node("ReduceMean", ["x"], ["y"], axes=[1], keepdims=-3)],
                 [vinfo("x", [2, 3])], [vinfo("y", None)], opset=13)


@model("slice_dynamic_error")
def _():
    return build([node("Slice", ["x", "st", "en"], ["y"])],
                 [vinfo("x", ["N", 10])], [vinfo("y", None)],
                 [ints("st", [1]), ints("en", [3])])


@model("gather")
def _():
    return build([node("Gather", ["x", "i0"], ["a"], axis=1),
                  node("Gather", ["x", "i1"], ["b"], axis=2),
                  node("Gather", ["x", "i2"], ["c"], axis=-1)],
                 [vinfo("x", ["N", 17, 8])],
                 [vinfo("a", None), vinfo("b", None), vinfo("c", None)],
                 [ints("i0", 0), ints("i1", [1, 3, 5]), ints("i2", [[7, 0]])])


@model("fold_constants")
def _():
    # Every data-movement op on a constant folds: only the final weight is
    # materialized.
    big = 9223372036854775807
    return build([node("Transpose", ["w"], ["wt"], perm=[1, 0]),          # [4, 5]
                  node("Slice", ["wt", "st", "en", "sax"], ["ws"]),       # [4, 4]
                  node("Split", ["ws"], ["w0", "w1"], axis=0),            # [2, 4] each
                  node("Gather", ["w1", "idx"], ["g"], axis=1),           # [2, 2]
                  node("Concat", ["w0", "g"], ["cat"], axis=1),           # [2, 6]
                  node("Reshape", ["cat", "shape"], ["r"]),               # [3, 4]
                  node("Unsqueeze", ["r", "ax"], ["u"]),                  # [1, 3, 4]
                  node("Mul", ["u", "two"], ["k"]),
                  node("Add", ["x", "k"], ["y"])],
                 [vinfo("x", ["N", 3, 4])], [vinfo("y", ["N", 3, 4])],
                 [numpy_helper.from_array(
                     np.arange(20, dtype=np.float32).reshape(5, 4), "w"),
                  ints("st", [1]), ints("en", [big]), ints("sax", [1]), ints("idx", [3, 0]),
                  ints("shape", [3, -1]), ints("ax", [0]), scalar("two", 2.0)])


@model("shape_chain")
def _():
    # x.view(x.size(0), -1) as PyTorch exports it, and a Cast of a constant.
    return build([node("Shape", ["x"], ["s"]),
                  node("Gather", ["s", "zero"], ["n"], axis=0),
                  node("Unsqueeze", ["n", "ax"], ["n1"]),
                  node("Cast", ["minus1f"], ["minus1"], to=INT64),
                  node("Concat", ["n1", "minus1"], ["shape"], axis=0),
                  node("Reshape", ["x", "shape"], ["y"])],
                 [vinfo("x", ["N", 2, 3, 4])], [vinfo("y", ["N", 24])],
                 [ints("zero", 0), ints("ax", [0]),
                  numpy_helper.from_array(np.array([-1.0], np.float32), "minus1f")])


@model("scalar_math")
def _():
    # A scale computed from a static dim (as PyTorch traces head_dim ** -0.5),
    # with Constant nodes in their value_float / value_int forms:
    # Where(16 < 20, (-(1 / sqrt(16))) ** 2, 1) = 0.0625, with Greater and
    # Sub on the side.
    return build([node("Shape", ["x"], ["s"]),
                  node("Gather", ["s", "one"], ["d"], axis=0),
                  node("Cast", ["d"], ["f"], to=FLOAT),
                  node("Sqrt", ["f"], ["r"]),
                  node("Reciprocal", ["r"], ["inv"]),
                  node("Neg", ["inv"], ["neg"]),
                  node("Constant", [], ["two"], value_float=2.0),
                  node("Pow", ["neg", "two"], ["p"]),
                  node("Constant", [], ["twenty"], value_int=20),
                  node("Less", ["d", "twenty"], ["lt"]),
                  node("Greater", ["d", "twenty"], ["gt"]),
                  node("Where", ["gt", "unit", "p"], ["scale"]),
                  node("Sub", ["twenty", "d"], ["four"]),
                  node("Cast", ["lt"], ["ltf"], to=FLOAT),
                  node("Mul", ["scale", "ltf"], ["k"]),
                  node("Mul", ["x", "k"], ["y"])],
                 [vinfo("x", ["N", 16])], [vinfo("y", ["N", 16]), vinfo("four", [], INT64)],
                 [ints("one", 1), scalar("unit", 1.0)])


@model("expand_cls_token")
def _():
    # The ViT class token: cls.expand(x.shape[0], -1, -1), then concat.
    return build([node("Shape", ["x"], ["s"]),
                  node("Gather", ["s", "zero"], ["n"], axis=0),
                  node("Unsqueeze", ["n", "ax"], ["n1"]),
                  node("Concat", ["n1", "m1", "m1"], ["spec"], axis=0),
                  node("ConstantOfShape", ["three"], ["ones"],
                       value=helper.make_tensor("v", INT64, [1], [1])),
                  node("Mul", ["ones", "m1"], ["neg"]),
                  node("Equal", ["spec", "neg"], ["eq"]),
                  node("Where", ["eq", "ones", "spec"], ["target"]),
                  node("Expand", ["cls", "target"], ["e"]),
                  node("Concat", ["e", "x"], ["y"], axis=1)],
                 [vinfo("x", ["N", 16, 8])], [vinfo("y", ["N", 17, 8])],
                 [ints("zero", 0), ints("ax", [0]), ints("m1", [-1]), ints("three", [3]),
                  weight("cls", [1, 1, 8])])


@model("expand_static")
def _():
    return build([node("Expand", ["x", "shape"], ["y"]),
                  node("Expand", ["c", "shape"], ["z"])],
                 [vinfo("x", [1, 4])], [vinfo("y", [3, 4]), vinfo("z", [3, 4])],
                 [ints("shape", [3, 1]), weight("c", [4])])


@model("range_cast")
def _():
    # Range and a float Cast feed a constant that is added to x.
    return build([node("Range", ["start", "limit", "delta"], ["r"]),
                  node("Cast", ["r"], ["rf"], to=FLOAT),
                  node("Add", ["x", "rf"], ["y"])],
                 [vinfo("x", ["N", 4])], [vinfo("y", ["N", 4])],
                 [ints("start", 1), ints("limit", 9), ints("delta", 2)])


@model("dropout_identity")
def _():
    return build([node("Dropout", ["x"], ["d"]), node("Identity", ["d"], ["y"])],
                 [vinfo("x", ["N", 4])], [vinfo("y", ["N", 4])])


@model("constant_output")
def _():
    # A graph output computed from shapes only (an int64 constant).
    return build([node("Shape", ["x"], ["s"]), node("Relu", ["x"], ["y"])],
                 [vinfo("x", [2, 3])], [vinfo("s", [2], INT64), vinfo("y", [2, 3])])


@model("names")
def _():
    # ONNX names that are no MLIR identifiers, and two inputs/outputs in order.
    return build([node("Add", ["in:0", "onnx::Add_7"], ["/out/Add_output_0"]),
                  node("Mul", ["in:0", "2bad name"], ["out.second"])],
                 [vinfo("in:0", ["batch", 4])],
                 [vinfo("/out/Add_output_0", ["batch", 4]), vinfo("out.second", ["batch", 4])],
                 [weight("onnx::Add_7", [4]), weight("2bad name", [4], 1)])


@model("unknown_dims")
def _():
    x = vinfo("x", [None, -1, 3])
    x.type.tensor_type.shape.dim[1].dim_value = -1
    return build([node("Relu", ["x"], ["y"])], [x], [vinfo("y", None)])


@model("float_data_weights")
def _():
    # Weights as float_data instead of raw_data, and an IR-3 style model whose
    # inputs list the initializers.
    w = helper.make_tensor("w", FLOAT, [2, 3], [1, 2, 3, 4, 5, 6])
    return build([node("MatMul", ["x", "w"], ["y"])],
                 [vinfo("x", ["N", 2]), vinfo("w", [2, 3])], [vinfo("y", ["N", 3])], [w])


# ---------------------------------------------------------------------------
# Broken and unsupported models
# ---------------------------------------------------------------------------

def write_bytes(data):
    return lambda path: open(path, "wb").write(data)


@model("empty")
def _():
    return write_bytes(b"")


@model("garbage")
def _():
    return write_bytes(rng(7).integers(0, 256, 4096, dtype=np.uint8).tobytes())


@model("truncated")
def _():
    data = MODELS["conv"]().SerializeToString()
    return write_bytes(data[: len(data) // 2])


@model("unsupported_op")
def _():
    return build([node("Relu", ["x"], ["a"], name="relu_0"),
                  node("Relu", ["a"], ["b"], name="relu_1"),
                  node("Relu", ["b"], ["c"], name="relu_2"),
                  node("Foo", ["c"], ["y"], name="Conv_3")],
                 [vinfo("x", [1, 4])], [vinfo("y", None)])


@model("custom_domain")
def _():
    m = build([helper.make_node("Gelu", ["x"], ["y"], name="fused", domain="com.microsoft")],
              [vinfo("x", [1, 4])], [vinfo("y", None)])
    m.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return m


MODELS["opset12"] = lambda: unary("Relu", opset=12)
MODELS["opset22"] = lambda: unary("Relu", opset=22)


@model("no_default_opset")
def _():
    m = unary("Relu")
    m.opset_import[0].domain = "ai.onnx.ml"
    return m


@model("nan_weight")
def _():
    w = np.ones([4, 6], np.float32)
    w[2, 1] = np.nan
    return build([node("Gemm", ["x", "fc.weight"], ["y"], transB=1)],
                 [vinfo("x", [1, 6])], [vinfo("y", None)],
                 [numpy_helper.from_array(w, "fc.weight")])


@model("inf_weight")
def _():
    w = np.ones([4], np.float32)
    w[3] = -np.inf
    return build([node("Add", ["x", "bias"], ["y"])], [vinfo("x", [1, 4])], [vinfo("y", None)],
                 [numpy_helper.from_array(w, "bias")])


@model("size_mismatch")
def _():
    w = weight("conv.weight", [4, 3, 3, 3])
    w.raw_data = w.raw_data[:-8]
    return build([node("Conv", ["x", "conv.weight"], ["y"])], [vinfo("x", [1, 3, 5, 5])],
                 [vinfo("y", None)], [w])


@model("undefined_input")
def _():
    return build([node("Relu", ["x"], ["a"]), node("Add", ["a", "missing"], ["y"], name="add")],
                 [vinfo("x", [1, 4])], [vinfo("y", None)])


@model("conv_channel_mismatch")
def _():
    return build([node("Conv", ["x", "w"], ["y"], name="conv")], [vinfo("x", [1, 4, 5, 5])],
                 [vinfo("y", None)], [weight("w", [8, 3, 3, 3])])


@model("conv_kernel_too_big")
def _():
    return build([node("Conv", ["x", "w"], ["y"], name="conv")], [vinfo("x", [1, 3, 2, 2])],
                 [vinfo("y", None)], [weight("w", [8, 3, 3, 3])])


@model("float16_weight")
def _():
    return build([node("Conv", ["x", "w"], ["y"], name="conv")], [vinfo("x", [1, 3, 5, 5])],
                 [vinfo("y", None)], [weight("w", [8, 3, 3, 3], dtype=np.float16)])


@model("reshape_shape_input")
def _():
    # The shape of Reshape must be an integer constant, not a run-time tensor.
    return build([node("Reshape", ["x", "s"], ["y"], name="reshape")],
                 [vinfo("x", [2, 6]), vinfo("s", [2])], [vinfo("y", None)])


@model("unknown_attribute")
def _():
    return build([node("Conv", ["x", "w"], ["y"], name="conv", stride=[2, 2])],
                 [vinfo("x", [1, 3, 5, 5])], [vinfo("y", None)], [weight("w", [8, 3, 3, 3])])


@model("maxpool_indices")
def _():
    return build([node("MaxPool", ["x"], ["y", "idx"], kernel_shape=[2, 2], name="pool")],
                 [vinfo("x", [1, 1, 4, 4])], [vinfo("y", None), vinfo("idx", None, INT64)])


@model("int_input")
def _():
    return build([node("Relu", ["x"], ["y"])], [vinfo("x", [4], INT64)], [vinfo("y", None)])


@model("external_data")
def _():
    w = weight("w", [4])
    w.ClearField("raw_data")
    w.data_location = TensorProto.EXTERNAL
    w.external_data.add(key="location", value="weights.bin")
    return build([node("Add", ["x", "w"], ["y"])], [vinfo("x", [4])], [vinfo("y", None)], [w])


@model("output_shape_mismatch")
def _():
    return build([node("Relu", ["x"], ["y"])], [vinfo("x", [2, 3])], [vinfo("y", [2, 4])])


@model("checker_error")
def _():
    # Relu with two outputs: only the ONNX checker's schema check sees it.
    m = unary("Relu")
    m.graph.node[0].output.append("unused")
    return m


def write(name, path):
    result = MODELS[name]()
    if callable(result):
        result(path)
    else:
        onnx.save(result, path)


def main(argv):
    args = argv[1:]
    if args == ["--list"]:
        print("\n".join(sorted(MODELS)))
        return 0
    if len(args) >= 2 and args[0] == "--dir":
        unknown = [n for n in args[2:] if n not in MODELS]
        if unknown:
            print(f"make_model.py: unknown models {unknown}", file=sys.stderr)
            return 2
        for name in args[2:]:
            write(name, f"{args[1]}/{name}.onnx")
        return 0
    if len(args) != 2 or args[0] not in MODELS:
        print(__doc__, file=sys.stderr)
        return 2
    write(args[0], args[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
