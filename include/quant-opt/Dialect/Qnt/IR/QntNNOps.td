//===- QntNNOps.td - qnt neural-network ops ----------------*- tablegen -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The NN ops. Each accepts float tensors (float form) and, unless it says
// otherwise, tensors of `!quant.uniform` elements (quantized form). In the
// quantized form an op means: dequantize the operands, apply the float op in
// exact real arithmetic, quantize to the result type rounding half to even
// (docs/Numerics.md section 2). conv2d and matmul instead produce an
// exact 32-bit accumulator.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_QNT_IR_QNTNNOPS_TD
#define QUANTOPT_DIALECT_QNT_IR_QNTNNOPS_TD

include "quant-opt/Dialect/Qnt/IR/QntBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Qnt_NNOp<string mnemonic, list<Trait> traits = []>
    : Qnt_Op<mnemonic, !listconcat([Pure, Qnt_UniformNumericKind], traits)>;

//===----------------------------------------------------------------------===//
// Linear layers
//===----------------------------------------------------------------------===//

def Qnt_Conv2DOp : Qnt_NNOp<"conv2d", [Qnt_AccumulatorTypesAreValid]> {
  let summary = "2-D convolution, NCHW, with groups (depthwise when groups == C)";
  let description = [{
    `result[n, o, y, x] = bias[o] + sum_{c, ky, kx} input[n, g*Cg + c,
    y*sh + ky*dh - pt, x*sw + kx*dw - pl] * weight[o, c, ky, kx]` where
    `g = o / (C_out / groups)`, `Cg = C_in / groups`, and input elements
    outside the image (padding) are zero (docs/Numerics.md section 5).

    Layouts: input `N x C_in x H x W`, weight `C_out x C_in/groups x kH x kW`
    (ONNX/PyTorch), optional bias `C_out`, result `N x C_out x H_out x W_out`
    with `H_out = floor((H + pt + pb - dh*(kH-1) - 1) / sh) + 1`. `pads` is
    `[top, left, bottom, right]`, as in ONNX. Depthwise convolution is
    `groups == C_in == C_out`.

    `fused_clamp(min, max)` applies a fused activation to the result:
    `min(max(result, min), max)` (ReLU is `(0, +inf)`, ReLU6 `(0, 6)`);
    `qnt-fuse-activations` creates it.

    Quantized form: the input is per-tensor quantized; the weight per-tensor
    or per-axis along its output-channel axis 0; the result (and the bias)
    is the exact int32 accumulator, `!quant.uniform<i32:f32, s_x*s_w>` with
    zero point 0 (per-axis along axis 1 when the weight is per-axis), with
    no fused activation. A `qnt.requantize` takes it to the output grid, and
    a `qnt.clamp` there applies the activation.

    ```mlir
    %y = qnt.conv2d %x, %w, %b strides = [1, 1] pads = [1, 1, 1, 1]
           dilations = [1, 1] groups = 1
         : (tensor<1x3x28x28xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>)
           -> tensor<1x8x28x28xf32>
    %acc = qnt.conv2d %xq, %wq strides = [1, 1] pads = [0, 0, 0, 0]
           dilations = [1, 1] groups = 1
         : (tensor<1x3x8x8x!quant.uniform<u8:f32, 0.5:128>>,
            tensor<4x3x3x3x!quant.uniform<i8<-127:127>:f32, 0.25>>)
           -> tensor<1x4x6x6x!quant.uniform<i32:f32, 0.125>>
    ```
  }];
  let arguments = (ins Qnt_Tensor:$input, Qnt_Tensor:$weight,
                   Optional<Qnt_Tensor>:$bias,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                   DenseI64ArrayAttr:$dilations, Qnt_I64Attr:$groups,
                   OptionalAttr<F32Attr>:$fused_min,
                   OptionalAttr<F32Attr>:$fused_max);
  let results = (outs Qnt_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? `strides` `=` $strides `pads` `=` $pads
    `dilations` `=` $dilations `groups` `=` $groups
    (`fused_clamp` `(` $fused_min^ `,` $fused_max `)`)? attr-dict
    `:` functional-type(operands, results)
  }];
  let builders = [
    // Without a fused activation.
    OpBuilder<(ins "Type":$result, "Value":$input, "Value":$weight,
                   "Value":$bias, "ArrayRef<int64_t>":$strides,
                   "ArrayRef<int64_t>":$pads, "ArrayRef<int64_t>":$dilations,
                   "int64_t":$groups), [{
      build($_builder, $_state, result, input, weight, bias, strides, pads,
            dilations, groups, /*fused_min=*/nullptr, /*fused_max=*/nullptr);
    }]>
  ];
  let extraClassDeclaration = [{
    /// The fused activation [min, max], if any.
    std::optional<std::pair<float, float>> getFusedClamp() {
      if (!getFusedMin() || !getFusedMax())
        return std::nullopt;
      return std::pair(getFusedMin()->convertToFloat(),
                       getFusedMax()->convertToFloat());
    }
  }];
  let hasVerifier = 1;
}

def Qnt_MatMulOp : Qnt_NNOp<"matmul", [Qnt_AccumulatorTypesAreValid]> {
  let summary = "Batched matrix product with optional bias (ONNX MatMul and Gemm)";
  let description = [{
    `result[b..., m, n] = bias[n] + sum_k A[b..., m, k] * B[b..., k, n]`
    where `A` is `lhs` (transposed in its last two dims if `transpose_lhs`)
    and `B` is `rhs` (likewise with `transpose_rhs`). Both operands have
    rank >= 2; their leading (batch) dims broadcast as in NumPy
    (docs/Numerics.md section 5). A fully-connected layer is
    `matmul %x, %w, %b transpose_rhs` with the weight `N x K`, as ONNX Gemm
    with `transB = 1` stores it. Gemm's `alpha`/`beta` are folded into the
    constants by the importer.

    `fused_clamp(min, max)` applies a fused activation, as for
    `qnt.conv2d`.

    Quantized form: `lhs` per-tensor; `rhs` per-tensor or per-axis along
    its `N` dim; the result and bias are the exact int32 accumulator with
    scale `s_lhs * s_rhs`, zero point 0 (per-axis along the last dim when
    `rhs` is per-axis), with no fused activation.

    ```mlir
    %y = qnt.matmul %x, %w, %b transpose_rhs
         : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
    ```
  }];
  let arguments = (ins Qnt_Tensor:$lhs, Qnt_Tensor:$rhs,
                   Optional<Qnt_Tensor>:$bias,
                   UnitAttr:$transpose_lhs, UnitAttr:$transpose_rhs,
                   OptionalAttr<F32Attr>:$fused_min,
                   OptionalAttr<F32Attr>:$fused_max);
  let results = (outs Qnt_Tensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`,` $bias^)? (`transpose_lhs` $transpose_lhs^)?
    (`transpose_rhs` $transpose_rhs^)?
    (`fused_clamp` `(` $fused_min^ `,` $fused_max `)`)? attr-dict
    `:` functional-type(operands, results)
  }];
  let builders = [
    // Without a fused activation.
    OpBuilder<(ins "Type":$result, "Value":$lhs, "Value":$rhs, "Value":$bias,
                   CArg<"bool", "false">:$transpose_lhs,
                   CArg<"bool", "false">:$transpose_rhs), [{
      build($_builder, $_state, result, lhs, rhs, bias, transpose_lhs,
            transpose_rhs, /*fused_min=*/nullptr, /*fused_max=*/nullptr);
    }]>
  ];
  let extraClassDeclaration = [{
    /// The fused activation [min, max], if any.
    std::optional<std::pair<float, float>> getFusedClamp() {
      if (!getFusedMin() || !getFusedMax())
        return std::nullopt;
      return std::pair(getFusedMin()->convertToFloat(),
                       getFusedMax()->convertToFloat());
    }
  }];
  let hasVerifier = 1;
}

def Qnt_BatchNormOp : Qnt_NNOp<"batch_norm", [Qnt_QuantizedTypesAreValid]> {
  let summary = "Batch normalization in inference form, over axis 1";
  let description = [{
    `result[n, c, ...] = scale[c] * (input[n, c, ...] - mean[c]) /
    sqrt(variance[c] + epsilon) + offset[c]` (docs/Numerics.md section 5).
    Float only: a batch norm is folded into the preceding convolution before
    quantization, and the folding pass keeps `scale` (gamma) and `offset`
    (beta) for BN-based ranges, high-bias absorption and analytic bias
    correction.

    ```mlir
    %y = qnt.batch_norm %x, %gamma, %beta, %mean, %var epsilon = 9.99999974E-6
         : (tensor<1x8x14x14xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>,
            tensor<8xf32>) -> tensor<1x8x14x14xf32>
    ```
  }];
  let arguments = (ins Qnt_FloatTensor:$input, Qnt_FloatTensor:$scale,
                   Qnt_FloatTensor:$offset, Qnt_FloatTensor:$mean,
                   Qnt_FloatTensor:$variance, F32Attr:$epsilon);
  let results = (outs Qnt_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $offset `,` $mean `,` $variance
    `epsilon` `=` $epsilon attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Element-wise ops
//===----------------------------------------------------------------------===//

class Qnt_BinaryOp<string mnemonic, TypeConstraint operandType,
                   string formula, list<Trait> traits = []>
    : Qnt_NNOp<mnemonic, !listconcat([Qnt_QuantizedTypesAreValid], traits)> {
  let summary = "Element-wise `" # formula # "` with NumPy broadcasting";
  let description = [{
    `result = broadcast(lhs) }] # formula # [{ broadcast(rhs)`: the operand
    shapes broadcast as in NumPy (and ONNX) to the result shape
    (docs/Numerics.md section 6). In the quantized form each operand
    and the result may have its own grid.

    ```mlir
    %z = qnt.}] # mnemonic # [{ %x, %y : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins operandType:$lhs, operandType:$rhs);
  let results = (outs operandType:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Qnt_AddOp : Qnt_BinaryOp<"add", Qnt_Tensor, "+", [Commutative]>;
def Qnt_SubOp : Qnt_BinaryOp<"sub", Qnt_Tensor, "-">;
def Qnt_MulOp : Qnt_BinaryOp<"mul", Qnt_Tensor, "*", [Commutative]>;
// Quantized division has no integer kernel in any int8 backend: float only.
def Qnt_DivOp : Qnt_BinaryOp<"div", Qnt_FloatTensor, "/">;

def Qnt_ReluOp : Qnt_NNOp<"relu", [Qnt_QuantizedTypesAreValid,
                                   SameOperandsAndResultShape]> {
  let summary = "Rectified linear unit, max(x, 0)";
  let description = [{
    `result = max(input, 0)` (docs/Numerics.md section 6). In the quantized
    form with the same grid on input and result this is `max(q, z)`, which
    the integer lowering fuses into the preceding requantization.

    ```mlir
    %y = qnt.relu %x : tensor<1x8x4x4xf32> -> tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins Qnt_Tensor:$input);
  let results = (outs Qnt_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def Qnt_ClampOp : Qnt_NNOp<"clamp", [Qnt_QuantizedTypesAreValid,
                                     SameOperandsAndResultShape]> {
  let summary = "Clamp to [min, max] (ReLU6 is min = 0, max = 6)";
  let description = [{
    `result = min(max(input, min), max)` (docs/Numerics.md section 6). `min`
    may be `-inf` and `max` `+inf` (ONNX Clip with one bound), never NaN.

    ```mlir
    %y = qnt.clamp %x min = 0.000000e+00 max = 6.000000e+00
         : tensor<1x8x4x4xf32> -> tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins Qnt_Tensor:$input, F32Attr:$min, F32Attr:$max);
  let results = (outs Qnt_Tensor:$result);
  let assemblyFormat = [{
    $input `min` `=` $min `max` `=` $max attr-dict `:` type($input) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

def Qnt_SoftmaxOp : Qnt_NNOp<"softmax", [Qnt_QuantizedTypesAreValid,
                                         SameOperandsAndResultShape]> {
  let summary = "Softmax along one axis";
  let description = [{
    `result[..., i, ...] = exp(x_i - max_j x_j) / sum_j exp(x_j - max_j x_j)`
    along `axis`, which is in `[0, rank)` (docs/Numerics.md section 6).

    ```mlir
    %p = qnt.softmax %logits axis = 1 : tensor<1x10xf32> -> tensor<1x10xf32>
    ```
  }];
  let arguments = (ins Qnt_Tensor:$input, Qnt_I64Attr:$axis);
  let results = (outs Qnt_Tensor:$result);
  let assemblyFormat = [{
    $input `axis` `=` $axis attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

class Qnt_UnaryOp<string mnemonic, string formula, list<Trait> traits = []>
    : Qnt_NNOp<mnemonic, !listconcat([Qnt_QuantizedTypesAreValid,
                                      SameOperandsAndResultShape], traits)> {
  let summary = "Element-wise `" # formula # "`";
  let description = [{
    `result = }] # formula # [{` element by element
    (docs/Numerics.md section 6).

    ```mlir
    %y = qnt.}] # mnemonic # [{ %x : tensor<1x64xf32> -> tensor<1x64xf32>
    ```
  }];
  let arguments = (ins Qnt_Tensor:$input);
  let results = (outs Qnt_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

def Qnt_SigmoidOp : Qnt_UnaryOp<"sigmoid", "1 / (1 + exp(-x))">;
def Qnt_TanhOp : Qnt_UnaryOp<"tanh", "tanh(x)">;
def Qnt_ErfOp : Qnt_UnaryOp<"erf", "erf(x)">;
def Qnt_HardSwishOp : Qnt_UnaryOp<"hard_swish", "x * min(max(x + 3, 0), 6) / 6">;

def Qnt_HardSigmoidOp : Qnt_NNOp<"hard_sigmoid", [Qnt_QuantizedTypesAreValid,
                                                  SameOperandsAndResultShape]> {
  let summary = "Element-wise max(0, min(1, alpha * x + beta))";
  let description = [{
    `result = max(0, min(1, alpha * x + beta))` as ONNX HardSigmoid (whose
    defaults are alpha = 0.2, beta = 0.5; PyTorch's is alpha = 1/6)
    (docs/Numerics.md section 6).

    ```mlir
    %y = qnt.hard_sigmoid %x alpha = 0.166666672 beta = 5.000000e-01
         : tensor<1x64xf32> -> tensor<1x64xf32>
    ```
  }];
  let arguments = (ins Qnt_Tensor:$input, F32Attr:$alpha, F32Attr:$beta);
  let results = (outs Qnt_Tensor:$result);
  let assemblyFormat = [{
    $input `alpha` `=` $alpha `beta` `=` $beta attr-dict `:` type($input)
    `->` type($result)
  }];
}

def Qnt_GeluOp : Qnt_NNOp<"gelu", [Qnt_QuantizedTypesAreValid,
                                   SameOperandsAndResultShape]> {
  let summary = "Gaussian error linear unit";
  let description = [{
    `result = x * (1 + erf(x / sqrt(2))) / 2`, or with `tanh_approximation`
    `x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))) / 2`, as ONNX Gelu
    (docs/Numerics.md section 6). The importer also recognises the Erf form
    older exporters emit.

    ```mlir
    %y = qnt.gelu %x : tensor<1x16x64xf32> -> tensor<1x16x64xf32>
    ```
  }];
  let arguments = (ins Qnt_Tensor:$input, UnitAttr:$tanh_approximation);
  let results = (outs Qnt_Tensor:$result);
  let assemblyFormat = [{
    $input (`tanh_approximation` $tanh_approximation^)? attr-dict `:`
    type($input) `->` type($result)
  }];
}

def Qnt_LayerNormOp : Qnt_NNOp<"layer_norm", [Qnt_QuantizedTypesAreValid]> {
  let summary = "Layer normalization over the trailing dims from `axis`";
  let description = [{
    With `mu` and `var` the mean and (biased) variance of `input` over the
    dims `[axis, rank)`:
    `result = (input - mu) / sqrt(var + epsilon) * scale + bias`
    where `scale` and the optional `bias` have the shape of those dims
    (ONNX LayerNormalization; docs/Numerics.md section 6).

    ```mlir
    %y = qnt.layer_norm %x, %gamma, %beta axis = 2 epsilon = 9.99999974E-6
         : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
    ```
  }];
  let arguments = (ins Qnt_Tensor:$input, Qnt_Tensor:$scale,
                   Optional<Qnt_Tensor>:$bias, Qnt_I64Attr:$axis,
                   F32Attr:$epsilon);
  let results = (outs Qnt_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? `axis` `=` $axis `epsilon` `=` $epsilon
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Qnt_ReduceMeanOp : Qnt_NNOp<"reduce_mean", [Qnt_QuantizedTypesAreValid]> {
  let summary = "Mean over a set of dims";
  let description = [{
    The mean of `input` over `axes` (sorted, distinct, in `[0, rank)`); the
    reduced dims are kept with size 1 if `keep_dims`, else dropped (ONNX
    ReduceMean; docs/Numerics.md section 7).

    ```mlir
    %y = qnt.reduce_mean %x axes = [1] : tensor<1x16x64xf32> -> tensor<1x64xf32>
    ```
  }];
  let arguments = (ins Qnt_Tensor:$input, DenseI64ArrayAttr:$axes,
                   UnitAttr:$keep_dims);
  let results = (outs Qnt_Tensor:$result);
  let assemblyFormat = [{
    $input `axes` `=` $axes (`keep_dims` $keep_dims^)? attr-dict `:`
    type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

def Qnt_MaxPool2DOp : Qnt_NNOp<"max_pool2d", [Qnt_QuantizedTypesAreValid]> {
  let summary = "2-D max pooling, NCHW";
  let description = [{
    `result[n, c, y, x] = max_{ky, kx} input[n, c, y*sh + ky*dh - pt,
    x*sw + kx*dw - pl]` over the window positions inside the image (padding
    never wins) (docs/Numerics.md section 7). Output size as for
    `qnt.conv2d`. Quantized form: pure data movement, the result keeps the
    input's grid (same element type).

    ```mlir
    %y = qnt.max_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0]
           dilations = [1, 1] : tensor<1x8x28x28xf32> -> tensor<1x8x14x14xf32>
    ```
  }];
  let arguments = (ins Qnt_Tensor:$input, DenseI64ArrayAttr:$kernel,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                   DenseI64ArrayAttr:$dilations);
  let results = (outs Qnt_Tensor:$result);
  let assemblyFormat = [{
    $input `kernel` `=` $kernel `strides` `=` $strides `pads` `=` $pads
    `dilations` `=` $dilations attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Qnt_AvgPool2DOp : Qnt_NNOp<"avg_pool2d", [Qnt_QuantizedTypesAreValid]> {
  let summary = "2-D average pooling, NCHW";
  let description = [{
    `result[n, c, y, x] = sum_{window} input / count`, where the window is
    the `kernel` at stride `strides` over the zero-padded input and `count`
    is `kH*kW` if `count_include_pad`, else the number of window positions
    inside the image (docs/Numerics.md section 7).

    ```mlir
    %y = qnt.avg_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0]
           : tensor<1x8x28x28xf32> -> tensor<1x8x14x14xf32>
    ```
  }];
  let arguments = (ins Qnt_Tensor:$input, DenseI64ArrayAttr:$kernel,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                   UnitAttr:$count_include_pad);
  let results = (outs Qnt_Tensor:$result);
  let assemblyFormat = [{
    $input `kernel` `=` $kernel `strides` `=` $strides `pads` `=` $pads
    (`count_include_pad` $count_include_pad^)? attr-dict `:` type($input)
    `->` type($result)
  }];
  let hasVerifier = 1;
}

def Qnt_GlobalAvgPoolOp : Qnt_NNOp<"global_avg_pool",
                                   [Qnt_QuantizedTypesAreValid]> {
  let summary = "Mean over all spatial dims (N x C x ... -> N x C x 1 ...)";
  let description = [{
    `result[n, c, 0, ...] = mean over the spatial dims of input[n, c, ...]`
    (docs/Numerics.md section 7). The input has rank >= 3; the
    result has the same rank with every spatial dim 1, as in ONNX.

    ```mlir
    %y = qnt.global_avg_pool %x : tensor<1x64x7x7xf32> -> tensor<1x64x1x1xf32>
    ```
  }];
  let arguments = (ins Qnt_Tensor:$input);
  let results = (outs Qnt_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Qnt_ConcatOp : Qnt_NNOp<"concat", [Qnt_QuantizedTypesAreValid]> {
  let summary = "Concatenation along one axis";
  let description = [{
    Joins the inputs along `axis` (docs/Numerics.md section 8). All inputs
    and the result share one element type: in the quantized form, one grid
    (range propagation puts the inputs on it).

    ```mlir
    %y = qnt.concat %a, %b axis = 1
         : (tensor<1x8x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x12x4x4xf32>
    ```
  }];
  let arguments = (ins Variadic<Qnt_Tensor>:$inputs, Qnt_I64Attr:$axis);
  let results = (outs Qnt_Tensor:$result);
  let assemblyFormat = [{
    $inputs `axis` `=` $axis attr-dict `:` functional-type($inputs, results)
  }];
  let hasVerifier = 1;
}

def Qnt_ReshapeOp : Qnt_NNOp<"reshape", [Qnt_QuantizedTypesAreValid]> {
  let summary = "Reshape (also ONNX Flatten) to the result type's shape";
  let description = [{
    Reinterprets the elements, in row-major order, with the result's shape
    (docs/Numerics.md section 8). The element type (grid) is kept. A
    per-axis quantized tensor cannot be reshaped (its axis has no meaning
    afterwards).

    ```mlir
    %y = qnt.reshape %x : tensor<1x64x1x1xf32> -> tensor<1x64xf32>
    ```
  }];
  let arguments = (ins Qnt_Tensor:$input);
  let results = (outs Qnt_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Qnt_TransposeOp : Qnt_NNOp<"transpose", [Qnt_QuantizedTypesAreValid]> {
  let summary = "Permutes the dims: result dim i is input dim permutation[i]";
  let description = [{
    `result[i_0, ..., i_r] = input[j]` with `j[permutation[k]] = i_k`
    (docs/Numerics.md section 8). The element type (grid) is kept; a
    per-axis quantized tensor may not be transposed.

    ```mlir
    %y = qnt.transpose %x permutation = [0, 2, 3, 1]
         : tensor<1x8x4x4xf32> -> tensor<1x4x4x8xf32>
    ```
  }];
  let arguments = (ins Qnt_Tensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs Qnt_Tensor:$result);
  let assemblyFormat = [{
    $input `permutation` `=` $permutation attr-dict `:` type($input) `->`
    type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def Qnt_SliceOp : Qnt_NNOp<"slice", [Qnt_QuantizedTypesAreValid]> {
  let summary = "A strided window of a tensor (ONNX Slice, Split, constant Gather)";
  let description = [{
    `result[i_0, ..., i_r] = input[offsets[0] + i_0 * strides[0], ...]`;
    the result type gives the window's sizes (docs/Numerics.md section 8).
    The element type (grid) is kept; a per-axis quantized tensor may not be
    sliced.

    ```mlir
    %cls = qnt.slice %tokens offsets = [0, 0, 0] strides = [1, 1, 1]
           : tensor<1x17x64xf32> -> tensor<1x1x64xf32>
    ```
  }];
  let arguments = (ins Qnt_Tensor:$input, DenseI64ArrayAttr:$offsets,
                   DenseI64ArrayAttr:$strides);
  let results = (outs Qnt_Tensor:$result);
  let assemblyFormat = [{
    $input `offsets` `=` $offsets `strides` `=` $strides attr-dict `:`
    type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // QUANTOPT_DIALECT_QNT_IR_QNTNNOPS_TD
