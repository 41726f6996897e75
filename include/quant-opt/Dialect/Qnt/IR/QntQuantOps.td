//===- QntQuantOps.td - qnt quantization and annotation ops -*- tablegen -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Ops that move between float and quantized tensors (quantize, dequantize,
// requantize), the quantization-simulation op (fake_quant) and the ops that
// annotate ranges and calibration statistics (assume_range, stats).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_QNT_IR_QNTQUANTOPS_TD
#define QUANTOPT_DIALECT_QNT_IR_QNTQUANTOPS_TD

include "quant-opt/Dialect/Qnt/IR/QntBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Conversions between float and quantized tensors
//===----------------------------------------------------------------------===//

def Qnt_QuantizeOp : Qnt_Op<"quantize", [Pure, Qnt_QuantizedTypesAreValid,
                                         SameOperandsAndResultShape]> {
  let summary = "Float to quantized: saturate(round_half_even(x / s) + z)";
  let description = [{
    `q = clamp(round_half_to_even(x / s) + z, q_min, q_max)`, computed in
    the float type of `x` with `s` rounded to it, per tensor or per axis as
    the result type says; this is ONNX QuantizeLinear
    (docs/Numerics.md section 4). NaN has no quantized value: quantizing
    a NaN is undefined behaviour of the program.

    ```mlir
    %q = qnt.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.1:-3>>
    ```
  }];
  let arguments = (ins Qnt_FloatTensor:$input);
  let results = (outs Qnt_QuantizedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Qnt_DequantizeOp : Qnt_Op<"dequantize", [Pure,
                                             Qnt_AccumulatorTypesAreValid,
                                             SameOperandsAndResultShape]> {
  let summary = "Quantized to float: s * (q - z)";
  let description = [{
    `x = (q - z) * s` in the result's float type (ONNX DequantizeLinear;
    docs/Numerics.md section 4). The input may be a 32-bit accumulator.

    ```mlir
    %x = qnt.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.1:-3>> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Qnt_QuantizedTensor:$input);
  let results = (outs Qnt_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Qnt_RequantizeOp : Qnt_Op<"requantize", [Pure,
                                             Qnt_AccumulatorTypesAreValid,
                                             SameOperandsAndResultShape]> {
  let summary = "Quantized to quantized on another grid, with explicit rounding";
  let description = [{
    `q_out = clamp(R((q_in - z_in) * M) + z_out, q_min, q_max)` with
    `M = s_in / s_out` (per channel when either type is per-axis) and `R`
    the `rounding` mode (docs/Numerics.md section 4):

    | mode | realisation | used by |
    |------|-------------|---------|
    | `half_to_even` | `M` as f32, `(float)(q_in - z_in) * M`, round half to even | ONNX Runtime |
    | `single_round` | int32 multiplier `m`, shift `t`: `(v*m + 2^(t-1)) >> t` | TFLite, TOSA SINGLE_ROUND |
    | `double_round` | as TOSA DOUBLE_ROUND (extra +-2^30 nudge when `t > 31`) | gemmlowp, TOSA |

    The input is typically the int32 accumulator of `qnt.conv2d` or
    `qnt.matmul`; the result has 2 to 16 bit storage.

    ```mlir
    %y = qnt.requantize %acc rounding = <single_round>
         : tensor<1x4x6x6x!quant.uniform<i32:f32, 0.125>>
           -> tensor<1x4x6x6x!quant.uniform<i8:f32, 0.5:-1>>
    ```
  }];
  let arguments = (ins Qnt_QuantizedTensor:$input,
                   Qnt_RoundingModeAttr:$rounding);
  let results = (outs Qnt_QuantizedTensor:$result);
  let assemblyFormat = [{
    $input `rounding` `=` $rounding attr-dict `:` type($input) `->`
    type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Quantization simulation
//===----------------------------------------------------------------------===//

def Qnt_FakeQuantOp : Qnt_Op<"fake_quant", [Pure, SameOperandsAndResultType]> {
  let summary = "Quantization simulation: quantize then dequantize, in float";
  let description = [{
    `result = (clamp(round_half_to_even(x / s) + z, q_min, q_max) - z) * s`,
    per tensor or per `axis` (docs/Numerics.md section 4): exactly
    `qnt.dequantize(qnt.quantize(x))` for the quantized type the attributes
    describe. The grid is `num_bits` wide (2 to 16), signed
    (`[-2^(b-1), 2^(b-1)-1]`) or unsigned (`[0, 2^b-1]`); `narrow_range`
    drops the lowest value (`[-(2^(b-1)-1), ...]`, `[1, 2^b-1]`);
    `symmetric` requires every zero point to be 0.

    `scale` and `zero_point` are absent until range setting fills them in: an
    uncalibrated quantizer is valid IR but cannot be evaluated.

    ```mlir
    // Per-tensor, asymmetric unsigned 8-bit activation quantizer.
    %a = qnt.fake_quant %x bits = 8 scale = [2.000000e-02] zero_point = [12]
         : tensor<1x8x4x4xf32>
    // Per-channel symmetric signed 4-bit weight quantizer, not yet calibrated.
    %w = qnt.fake_quant %w0 bits = 4 signed symmetric narrow_range axis = 0
         : tensor<8x3x3x3xf32>
    ```
  }];
  let arguments = (ins Qnt_FloatTensor:$input, Qnt_I64Attr:$num_bits,
                   UnitAttr:$is_signed, UnitAttr:$symmetric,
                   UnitAttr:$narrow_range, OptionalAttr<Qnt_I64Attr>:$axis,
                   OptionalAttr<DenseF64ArrayAttr>:$scale,
                   OptionalAttr<DenseI64ArrayAttr>:$zero_point);
  let results = (outs Qnt_FloatTensor:$result);
  let assemblyFormat = [{
    $input `bits` `=` $num_bits (`signed` $is_signed^)?
    (`symmetric` $symmetric^)? (`narrow_range` $narrow_range^)?
    (`axis` `=` $axis^)? (`scale` `=` custom<ExactF64Array>($scale)^)?
    (`zero_point` `=` $zero_point^)? attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// True once range setting has given the quantizer its scale and zero point.
    bool isCalibrated() { return getScale().has_value(); }
    /// The smallest and largest integer of the grid.
    int64_t getQMin();
    int64_t getQMax();
  }];
}

//===----------------------------------------------------------------------===//
// Annotations
//===----------------------------------------------------------------------===//

def Qnt_AssumeRangeOp : Qnt_Op<"assume_range", [Pure,
                                                SameOperandsAndResultType]> {
  let summary = "Asserts that every element of a float tensor is in [min, max]";
  let description = [{
    Returns its input unchanged and states a fact for range analysis: every
    element lies in `[min, max]` (docs/Numerics.md section 9). Used
    to seed range propagation from input specifications and in tests. A
    value outside the range is undefined behaviour of the program.

    ```mlir
    %x1 = qnt.assume_range %x min = 0.000000e+00 max = 1.000000e+00 : tensor<1x1x28x28xf32>
    ```
  }];
  let arguments = (ins Qnt_FloatTensor:$input, F64Attr:$min, F64Attr:$max);
  let results = (outs Qnt_FloatTensor:$result);
  let assemblyFormat = [{
    $input `min` `=` $min `max` `=` $max attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

def Qnt_StatsOp : Qnt_Op<"stats", [Pure, SameOperandsAndResultType]> {
  let summary = "Calibration statistics of a float tensor";
  let description = [{
    Returns its input unchanged and records what calibration observed of it
    over `count` elements: the minimum and maximum, optionally a histogram of
    equal-width bins spanning `[min, max]`, and optionally per-channel
    minimum, maximum and mean along `channel_axis`, and optionally `samples`:
    some rows of the tensor along its last dim (for the logits, the vectors
    a softmax would normalise), as an f32 `rows x classes` elements
    attribute (docs/Numerics.md section 9). Range setting and bias
    correction read these statistics; they never rerun calibration.

    ```mlir
    %y = qnt.stats %x min = -1.500000e+00 max = 4.000000e+00 count = 2048
           histogram = [100, 900, 1000, 48]
         : tensor<1x8x4x4xf32>
    %l = qnt.stats %logits min = -2.000000e+00 max = 3.000000e+00 count = 6
           histogram = [1, 2, 3]
           samples = dense<[[3.0, 1.0, -2.0], [0.5, 2.0, 0.0]]> : tensor<2x3xf32>
         : tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Qnt_FloatTensor:$input, F64Attr:$min, F64Attr:$max,
                   Qnt_I64Attr:$count,
                   OptionalAttr<DenseI64ArrayAttr>:$histogram,
                   OptionalAttr<Qnt_I64Attr>:$channel_axis,
                   OptionalAttr<DenseF64ArrayAttr>:$channel_min,
                   OptionalAttr<DenseF64ArrayAttr>:$channel_max,
                   OptionalAttr<DenseF64ArrayAttr>:$channel_mean,
                   OptionalAttr<FloatElementsAttr<32>>:$samples);
  let results = (outs Qnt_FloatTensor:$result);
  let assemblyFormat = [{
    $input `min` `=` $min `max` `=` $max `count` `=` $count
    (`histogram` `=` $histogram^)? (`channel_axis` `=` $channel_axis^)?
    (`channel_min` `=` custom<ExactF64Array>($channel_min)^)?
    (`channel_max` `=` custom<ExactF64Array>($channel_max)^)?
    (`channel_mean` `=` custom<ExactF64Array>($channel_mean)^)?
    (`samples` `=` $samples^)? attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

#endif // QUANTOPT_DIALECT_QNT_IR_QNTQUANTOPS_TD
