//===- Passes.td - qnt transformation passes ---------------*- tablegen -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The passes that transform qnt IR. One pass per .cpp file under
// lib/Dialect/Qnt/Transforms.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_QNT_TRANSFORMS_PASSES_TD
#define QUANTOPT_DIALECT_QNT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QntBypassQuantizersPass : Pass<"qnt-bypass-quantizers"> {
  let summary = "Replaces quantization-simulation ops by their inputs";
  let description = [{
    Steps 1 and 2 of the paper's debugging flow: with every quantizer
    bypassed the simulation model must reproduce the float model; bypassing
    only the activation quantizers shows what weight quantization costs, and
    the other way round. A quantizer is a weight quantizer when its input is
    a constant (after looking through `qnt.assume_range` and `qnt.stats`);
    every other `qnt.fake_quant` quantizes an activation.

    Before (`--qnt-bypass-quantizers="which=weights"`):

    ```mlir
    %w = arith.constant dense<0.5> : tensor<4x4xf32>
    %wq = qnt.fake_quant %w bits = 8 signed symmetric scale = [0.1] zero_point = [0] : tensor<4x4xf32>
    %y = qnt.matmul %x, %wq : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
    %yq = qnt.fake_quant %y bits = 8 scale = [0.1] zero_point = [128] : tensor<1x4xf32>
    ```

    After:

    ```mlir
    %w = arith.constant dense<0.5> : tensor<4x4xf32>
    %y = qnt.matmul %x, %w : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
    %yq = qnt.fake_quant %y bits = 8 scale = [0.1] zero_point = [128] : tensor<1x4xf32>
    ```
  }];
  let options = [
    Option<"which", "which", "::mlir::qnt::QuantizerKind",
           "::mlir::qnt::QuantizerKind::All",
           "Which quantizers to bypass",
           [{::llvm::cl::values(
             clEnumValN(::mlir::qnt::QuantizerKind::All, "all",
                        "every qnt.fake_quant"),
             clEnumValN(::mlir::qnt::QuantizerKind::Weights, "weights",
                        "quantizers of constants (weights, biases)"),
             clEnumValN(::mlir::qnt::QuantizerKind::Activations,
                        "activations", "every other quantizer"))}]>
  ];
  let statistics = [
    Statistic<"numBypassed", "num-bypassed", "Number of quantizers removed">
  ];
}

def QntFoldBatchNormPass : Pass<"qnt-fold-batch-norm"> {
  let summary = "Folds batch norms into the preceding conv2d or matmul";
  let description = [{
    Rewrites `batch_norm(conv2d(x, W, b))` (and `matmul` with a rank-2
    result, channels on axis 1) into one layer with
    `W'[o] = W[o] * gamma[o] / sigma[o]` and
    `b'[o] = beta[o] + (b[o] - mean[o]) * gamma[o] / sigma[o]`, where
    `sigma = sqrt(variance + epsilon)`, computed in double and stored as f32
    (docs/PAPER: batch norm folding). The layer must be the batch norm's only
    user, and its weight, bias and the batch norm's parameters constants.

    The batch norm's `scale` (gamma) and `offset` (beta) stay on the folded
    layer as the attributes `qnt.bn_gamma` and `qnt.bn_beta`: the layer's
    pre-activation output is distributed about N(beta, gamma^2) per channel,
    which BN-based range setting, high-bias absorption and analytic bias
    correction use.

    Before:

    ```mlir
    %c = qnt.conv2d %x, %w, %b strides = [1, 1] pads = [0, 0, 0, 0]
           dilations = [1, 1] groups = 1 : (...) -> tensor<?x8x26x26xf32>
    %y = qnt.batch_norm %c, %gamma, %beta, %mean, %var epsilon = 9.99999974E-6
         : (...) -> tensor<?x8x26x26xf32>
    ```

    After:

    ```mlir
    %w2 = arith.constant dense_resource<w_folded> : tensor<8x3x3x3xf32>
    %b2 = arith.constant dense<[...]> : tensor<8xf32>
    %y = qnt.conv2d %x, %w2, %b2 strides = [1, 1] pads = [0, 0, 0, 0]
           dilations = [1, 1] groups = 1
           {qnt.bn_beta = array<f64: ...>, qnt.bn_gamma = array<f64: ...>}
         : (...) -> tensor<?x8x26x26xf32>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def QntFuseActivationsPass : Pass<"qnt-fuse-activations"> {
  let summary = "Fuses ReLU, ReLU6 and clamps into the preceding conv2d or matmul";
  let description = [{
    Rewrites `relu(layer)` and `clamp(layer)` into the layer's
    `fused_clamp(min, max)` when the activation is the layer's only user
    (ReLU is `(0, +inf)`). Integer hardware applies the activation in the
    requantization of the layer's output, so the quantization simulation
    places one quantizer after the activation, none between: the pass makes
    that structure explicit. Run it after `qnt-fold-batch-norm` (a batch norm
    between a layer and its activation blocks fusion). An activation on an
    already fused layer narrows the fused range.

    Before:

    ```mlir
    %c = qnt.conv2d %x, %w, %b strides = [1, 1] pads = [1, 1, 1, 1]
           dilations = [1, 1] groups = 1 : (...) -> tensor<?x8x28x28xf32>
    %r = qnt.clamp %c min = 0.000000e+00 max = 6.000000e+00
         : tensor<?x8x28x28xf32> -> tensor<?x8x28x28xf32>
    ```

    After:

    ```mlir
    %r = qnt.conv2d %x, %w, %b strides = [1, 1] pads = [1, 1, 1, 1]
           dilations = [1, 1] groups = 1 fused_clamp(0.000000e+00, 6.000000e+00)
         : (...) -> tensor<?x8x28x28xf32>
    ```
  }];
}

def QntEqualizeLayersPass : Pass<"qnt-equalize-layers"> {
  let summary = "Cross-layer equalization of consecutive conv2d or matmul layers";
  let description = [{
    The paper's cross-layer equalization (CLE), run on the float model after
    `qnt-fold-batch-norm` and `qnt-fuse-activations`. Two layers joined by
    a positively scale-equivariant activation satisfy
    `W2 f(W1 x + b1) = W2 S f(S^-1 W1 x + S^-1 b1)` for a positive diagonal
    `S`. With `r1_i` the range (max |w|) of output channel i of `W1` and
    `r2_i` that of input channel i of `W2`, `s_i = sqrt(r1_i / r2_i)` makes
    both `sqrt(r1_i r2_i)`: the channels of a per-tensor weight grid are
    then used evenly.

    Pairs: a `qnt.conv2d` (any groups, so depthwise too) whose result's only
    user is another `qnt.conv2d` taking it as input, or a `qnt.matmul` whose
    result is the only, untransposed `lhs` of another matmul with a rank-2
    constant weight, with the first layer's fused activation none or ReLU
    (`fused_clamp(0, +inf)`), or ReLU6 with `relu6-to-relu` (the ReLU6 is
    then replaced by a ReLU, which changes the float function where the
    activation exceeded 6: AIMET does the same). Weights and biases must be
    constants. Chains of more than two layers (MobileNet's conv, depthwise
    conv, conv) are equalized by sweeping over their pairs until no scale
    changes by more than `tolerance` (in log scale); the fixed point is the
    one AIMET computes in closed form for a depthwise-separable triple
    (cube roots). The batch-norm statistics `qnt-fold-batch-norm` kept
    (`qnt.bn_gamma`, `qnt.bn_beta`) are scaled with their channels, so
    high-bias absorption and BN-based ranges can still use them.

    Before (output channel ranges of `%w1` are [4, 1], input channel
    ranges of `%w2` are [1, 4]):

    ```mlir
    %w1 = arith.constant dense<[[[[4.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>
    %b1 = arith.constant dense<[2.0, 2.0]> : tensor<2xf32>
    %w2 = arith.constant dense<[[[[1.0]], [[4.0]]]]> : tensor<1x2x1x1xf32>
    %y = qnt.conv2d %x, %w1, %b1 ... fused_clamp(0.0, 0x7F800000) : ...
    %z = qnt.conv2d %y, %w2 ... : ...
    ```

    After (`s = [2, 0.5]`: every range is 2):

    ```mlir
    %w1 = arith.constant dense<2.0> : tensor<2x1x1x1xf32>
    %b1 = arith.constant dense<[1.0, 4.0]> : tensor<2xf32>
    %w2 = arith.constant dense<2.0> : tensor<1x2x1x1xf32>
    ```
  }];
  let options = [
    Option<"relu6ToRelu", "relu6-to-relu", "bool", /*default=*/"true",
           "Equalize across a fused ReLU6 by replacing it with a ReLU">,
    Option<"maxIterations", "max-iterations", "int", /*default=*/"50",
           "Largest number of sweeps over the pairs">,
    Option<"tolerance", "tolerance", "double", /*default=*/"1e-6",
           "Stop when no |log(s_i)| of a sweep exceeds this">
  ];
  let statistics = [
    Statistic<"numPairs", "num-pairs", "Number of equalized layer pairs">,
    Statistic<"numIterations", "num-iterations", "Number of sweeps">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def QntAbsorbHighBiasPass : Pass<"qnt-absorb-high-bias"> {
  let summary = "Moves the always-active part of a layer's bias into the next layer";
  let description = [{
    The paper's high-bias absorption, usually run after
    `qnt-equalize-layers` (which can make some biases large). For a layer
    with the batch-norm statistics `qnt-fold-batch-norm` kept (its output
    is assumed normal with mean `beta_i` and standard deviation
    `|gamma_i|`) whose output feeds the next `qnt.conv2d` or `qnt.matmul`
    through a fused ReLU, `c_i = max(0, beta_i - a |gamma_i|)` (`a` =
    `num-stddev`) is moved: `b1 -= c`, `b2 += W2 c` (for a convolution the
    sum runs over the kernel window). `ReLU(y - c) + c = ReLU(y)` wherever
    `y >= c`, so the float function changes only on the tail of the
    distribution below `c`, and, for a padded convolution, at the borders
    where the padding now stands for `c` instead of 0. `qnt.bn_beta` moves
    by `-c` with the bias. Layer pairs are found as in `qnt-equalize-layers`.

    Before (`beta = [5.0]`, `gamma = [1.0]`, so `c = 2` with `a = 3`):

    ```mlir
    %y = qnt.matmul %x, %w1, %b1 fused_clamp(0.0, 0x7F800000)
         {qnt.bn_beta = array<f64: 5.0>, qnt.bn_gamma = array<f64: 1.0>}
         : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1xf32>) -> tensor<1x1xf32>
    %z = qnt.matmul %y, %w2, %b2 : ...   // %w2 = [[3.0]], %b2 = [1.0]
    ```

    After: `%b1` is `[b1 - 2]`, `qnt.bn_beta = array<f64: 3.0>`, and
    `%b2` is `[1.0 + 3.0 * 2] = [7.0]`.
  }];
  let options = [
    Option<"numStddev", "num-stddev", "double", /*default=*/"3.0",
           "Standard deviations below the mean the shift stops at">
  ];
  let statistics = [
    Statistic<"numAbsorbed", "num-absorbed", "Number of layer pairs changed">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def QntAnalyticBiasCorrectionPass : Pass<"qnt-analytic-bias-correction"> {
  let summary = "Data-free bias correction from kept batch-norm statistics";
  let description = [{
    The paper's analytic bias correction. Quantizing a layer's weights
    (`W_hat = q(W)`, error `eps = W_hat - W`) shifts the expected output by
    `eps E[x]`; the pass corrects the float bias, `b -= eps E[x]`, so the
    simulation (and the integer code made from it) keeps the float model's
    mean output.

    It applies to every `qnt.conv2d` and `qnt.matmul` whose weight is a
    calibrated `qnt.fake_quant` of a constant (so run it after range setting
    of the weights) and whose input comes, directly or through activation
    quantizers and annotations, from a layer of the same kind with the
    batch-norm statistics `qnt-fold-batch-norm` kept (`qnt.bn_gamma`,
    `qnt.bn_beta`). That layer's pre-activation output in channel c is taken
    as normal `N(beta_c, gamma_c^2)`, and its fused activation `[lo, hi]`
    gives `E[x_c]` as the mean of a clipped normal (for ReLU
    `gamma phi(-beta/gamma) + beta (1 - Phi(-beta/gamma))`). For a
    convolution the correction sums `eps` over the kernel window, ignoring
    the zero padding at the borders. The activation quantizer between the
    layers is ignored.

    Before (`E[x] = 1 / sqrt(2 pi) = 0.3989` for a ReLU of `N(0, 1)`; the
    weight 0.3 is quantized to 0.25, `eps = -0.05`):

    ```mlir
    %y = qnt.matmul %x, %w1 fused_clamp(0.0, 0x7F800000)
         {qnt.bn_beta = array<f64: 0.0>, qnt.bn_gamma = array<f64: 1.0>} : ...
    %wq = qnt.fake_quant %w2 bits = 8 signed symmetric scale = [0.25] zero_point = [0]
          : tensor<1x1xf32>     // %w2 = dense<0.3>
    %z = qnt.matmul %y, %wq, %b2 : ...   // %b2 = dense<1.0>
    ```

    After: `%b2 = dense<1.01994714>` (`1 - (-0.05) * 0.3989`).
  }];
  let statistics = [
    Statistic<"numCorrected", "num-corrected", "Number of layers corrected">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def QntQuantizePass : Pass<"qnt-quantize"> {
  let summary = "Turns a calibrated quantization simulation into the quantized form";
  let description = [{
    Rewrites each function of calibrated `qnt.fake_quant` ops and float qnt
    ops into the true quantized form (docs/Numerics.md sections 1, 2, 4, 5,
    10): `qnt.quantize` for a quantizer of a float value, weights as
    `arith.constant` integers plus `quant.scast` (per-axis for per-channel
    quantizers), biases as int32 constants on the accumulator grid
    `s_x * s_w`, `qnt.conv2d` / `qnt.matmul` yielding the int32 accumulator,
    `qnt.requantize` to the next quantizer's grid (a layer's `fused_clamp`
    and single-use `qnt.relu` / `qnt.clamp` ops between it and its quantizer
    become `qnt.clamp` / `qnt.relu` on the output grid, which the integer
    lowering fuses into the requantization), float-realised ops (`add`,
    `sub`, `mul`, pooling, `sigmoid`, `softmax`, ...) whose operands are
    quantized and whose only user is a quantizer on that quantizer's grid,
    data movement (`reshape`, `transpose`, `slice`, `max_pool2d`, `relu`,
    `concat`) on its input's grid, and `qnt.dequantize` where a value leaves
    the quantized world (function results, ops that stay float). The
    function signature stays float. `qnt.assume_range` and `qnt.stats` are
    dropped first.

    The result computes, bit for bit, what the simulation computes under the
    exact simulation of section 11 (`convert-qnt-to-linalg` with the same
    rounding): the pass makes exactly the decisions of
    `lib/Conversion/QntToLinalg/ExactSimulation.cpp` (which values lie on a
    grid, which layers accumulate exactly, which quantizers requantize), and
    folds weights with `quantizeF32` and biases with
    `clamp(round_half_even(f64(b) / (s_x * s_w)), int32)`, the scale product
    in double. Everything the simulation evaluates in float stays float.
    (Annotations are identities; the reference is the simulation without
    them.)

    The rounding of every `qnt.requantize` is the `rounding` option, else
    the `qnt.rounding` attribute of the function or its module, else
    `half_to_even`. The function's `qnt.rounding` attribute is removed: the
    quantized form names its rounding on each requantization (a module
    attribute is left alone; it has no effect on the quantized form).

    Errors: an uncalibrated quantizer (run qnt-set-ranges first), a
    non-f32 quantizer, a non-constant bias on a layer with quantized
    operands, activations that clamp to disjoint ranges.

    Before (`--qnt-quantize=rounding=single_round`):

    ```mlir
    %x = qnt.fake_quant %arg0 bits = 8 scale = [0.0039] zero_point = [0] : tensor<?x4xf32>
    %w = arith.constant dense<[[0.5, -0.25], ...]> : tensor<4x2xf32>
    %wq = qnt.fake_quant %w bits = 8 signed symmetric narrow_range scale = [0.004] zero_point = [0] : tensor<4x2xf32>
    %b = arith.constant dense<[0.1, -0.2]> : tensor<2xf32>
    %y = qnt.matmul %x, %wq, %b fused_clamp(0.0, 6.0) : (...) -> tensor<?x2xf32>
    %yq = qnt.fake_quant %y bits = 8 scale = [0.025] zero_point = [0] : tensor<?x2xf32>
    return %yq : tensor<?x2xf32>
    ```

    After:

    ```mlir
    %x = qnt.quantize %arg0 : tensor<?x4xf32> -> tensor<?x4x!quant.uniform<u8:f32, 0.0039>>
    %wi = arith.constant dense<[[125, -62], ...]> : tensor<4x2xi8>
    %w = quant.scast %wi : tensor<4x2xi8> to tensor<4x2x!quant.uniform<i8<-127:127>:f32, 0.004>>
    %bi = arith.constant dense<[6410, -12821]> : tensor<2xi32>
    %b = quant.scast %bi : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32, 1.56e-05>>
    %acc = qnt.matmul %x, %w, %b : (...) -> tensor<?x2x!quant.uniform<i32:f32, 1.56e-05>>
    %r = qnt.requantize %acc rounding = <single_round> : ... -> tensor<?x2x!quant.uniform<u8:f32, 0.025>>
    %y = qnt.clamp %r min = 0.0 max = 6.0 : ...
    %o = qnt.dequantize %y : tensor<?x2x!quant.uniform<u8:f32, 0.025>> -> tensor<?x2xf32>
    return %o : tensor<?x2xf32>
    ```
  }];
  let options = [
    Option<"rounding", "rounding", "std::string", "\"\"",
           "Rounding of the requantizations: half_to_even, single_round or "
           "double_round (default: the qnt.rounding attribute, else "
           "half_to_even)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::quant::QuantDialect"];
}

def QntInsertQuantizersPass : Pass<"qnt-insert-quantizers"> {
  let summary = "Places uncalibrated quantizers where integer hardware quantizes";
  let description = [{
    Inserts `qnt.fake_quant` ops without `scale`/`zero_point` where the
    paper's quantization simulation puts them (PAPER.md, section 2.3 and
    the standard pipeline): run it on the float model after
    `qnt-fold-batch-norm` and `qnt-fuse-activations`; range setting
    (`qnt-set-ranges`) then gives every quantizer its grid.

    - Weights: the constant weight operand of every `qnt.conv2d` and
      `qnt.matmul` gets a `weight-bits` quantizer, symmetric signed with
      narrow range (`weight-narrow-range=false`: full signed range, whose
      min-max scale is `max(-min / 2^(b-1), max / (2^(b-1)-1))`;
      `weight-symmetric=false`: asymmetric signed), per output
      channel if `per-channel` (conv2d: axis 0 of the OIHW weight; matmul:
      the `N` dim of a constant `rhs`, i.e. its last dim, or the one before
      it with `transpose_rhs`). A constant `lhs` is quantized per tensor
      (the quantized form allows per-axis only on `rhs`). Biases stay float:
      the integer lowering puts them on the int32 accumulator grid.
    - Inputs: every float function argument with uses gets an `act-bits`
      quantizer, asymmetric unsigned (`act-symmetric=true`: symmetric
      signed). With `input-range=lo,hi` a `qnt.assume_range` stating
      `[lo, hi]` goes before it (the importer states nothing about inputs;
      without a range, data-free range setting cannot set the input grid).
    - Layer outputs: the result of every op that computes new values
      (conv2d, matmul, batch_norm, add, sub, mul, div, the unary
      activations, softmax, layer_norm, avg_pool2d, global_avg_pool,
      reduce_mean, relu, clamp) gets an activation quantizer, placed after
      the annotations (`qnt.assume_range`, `qnt.stats`) that are its only
      users. When that value's only user is a `qnt.relu` or `qnt.clamp`,
      the quantizer goes after the activation instead (integer hardware
      applies it in the requantization). Data movement (reshape,
      transpose, slice, concat, max_pool2d) and annotations get none: they
      stay on their input's grid (`qnt-propagate-ranges` groups them).

    A value whose users are all `qnt.fake_quant` ops (through single-use
    annotations) is not quantized again, so the pass is idempotent.

    Before (`--qnt-insert-quantizers`):

    ```mlir
    func.func @f(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
      %w = arith.constant dense<0.5> : tensor<2x4xf32>
      %y = qnt.matmul %x, %w transpose_rhs fused_clamp(0.0, 6.0)
           : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
      return %y : tensor<1x2xf32>
    }
    ```

    After:

    ```mlir
      %xq = qnt.fake_quant %x bits = 8 : tensor<1x4xf32>
      %w = arith.constant dense<5.000000e-01> : tensor<2x4xf32>
      %wq = qnt.fake_quant %w bits = 8 signed symmetric narrow_range axis = 0
            : tensor<2x4xf32>
      %y = qnt.matmul %xq, %wq transpose_rhs fused_clamp(0.0, 6.0) : ...
      %yq = qnt.fake_quant %y bits = 8 : tensor<1x2xf32>
      return %yq : tensor<1x2xf32>
    ```
  }];
  let dependentDialects = ["::mlir::qnt::QntDialect"];
  let options = [
    Option<"weightBits", "weight-bits", "int64_t", "8",
           "Bits of weight quantizers (2..16)">,
    Option<"actBits", "act-bits", "int64_t", "8",
           "Bits of activation and input quantizers (2..16)">,
    Option<"perChannel", "per-channel", "bool", "true",
           "Quantize conv2d/matmul weights per output channel">,
    Option<"weightSymmetric", "weight-symmetric", "bool", "true",
           "Weights: symmetric signed narrow-range (else asymmetric signed)">,
    Option<"weightNarrowRange", "weight-narrow-range", "bool", "true",
           "Symmetric weights: narrow range [-(2^(b-1)-1), 2^(b-1)-1] "
           "(else the full signed range [-2^(b-1), 2^(b-1)-1])">,
    Option<"actSymmetric", "act-symmetric", "bool", "false",
           "Activations: symmetric signed (else asymmetric unsigned)">,
    ListOption<"inputRange", "input-range", "double",
               "lo,hi: state that every float function argument is in "
               "[lo, hi] (a qnt.assume_range before its quantizer)">
  ];
  let statistics = [
    Statistic<"numWeightQuantizers", "num-weight-quantizers",
              "Number of weight quantizers inserted">,
    Statistic<"numActQuantizers", "num-act-quantizers",
              "Number of input and activation quantizers inserted">
  ];
}

def QntSetRangesPass : Pass<"qnt-set-ranges"> {
  let summary = "Gives every uncalibrated quantizer its scale and zero point";
  let description = [{
    Range setting (PAPER.md section 3.1) with the methods of
    `include/quant-opt/Support/RangeSetting.h`, on every `qnt.fake_quant`
    without `scale`/`zero_point`. The grid (bits, signed, symmetric,
    narrow range) comes from the quantizer's attributes
    (docs/Numerics.md section 4); `power-of-two` rounds scales up to
    powers of two.

    - Weight quantizers (the input is an f32 constant): from the data,
      `weight-range` = `minmax` or `mse`, per channel along `axis` if set.
    - Activation quantizers whose input is a `qnt.stats` op: from its
      statistics, `act-range` = `minmax` (needs only min/max), `mse`,
      `percentile` (option `percentile`) or `entropy` (these three read the
      histogram).
    - The logits (a quantizer whose result the function returns or a
      `qnt.softmax` along the last dim normalises), by `logits-range`:
      `cross-entropy` chooses the grid minimising the mean over the sample
      rows `v` of the `qnt.stats` (`samples`, from `qnt-calibrate
      logit-samples`) of `H(softmax(v), softmax(fake_quant(v)))`
      (`crossEntropyParams`: the candidate ranges of `mse`, from the
      samples' min and max, refined to steps of 0.0004 of the range), and
      is an error without samples; `auto` (the default) does so when the
      samples are there and uses `act-range` otherwise; `same` always uses
      `act-range`. In a grid group, cross-entropy needs samples of one
      width on every member and runs on all of them.
    - Otherwise, a quantizer with a `qnt.range` (from
      `qnt-propagate-ranges`: data-free ranges) gets the min-max grid of
      that range. A quantizer with neither is an error. Data-free ranges
      are good after BN-folded layers (ResNet W8A8: 91.06% vs 91.64%
      float); without batch norm they are worst-case interval bounds, far
      too wide (the MLP example falls to chance): calibrate such models.
    - Quantizers with the same `qnt.grid_group` get one grid: their
      histograms are merged (`mergeHistograms`, with as many bins as the
      largest) and the method runs on the merge; if a member has no
      statistics, the group gets the min-max grid of the hull of every
      member's statistics and range. If a member is already calibrated its
      grid is copied to the others. Members must have the same grid
      attributes, and grouped quantizers must be per tensor.

    Afterwards no `qnt.fake_quant` carries `qnt.range` or `qnt.grid_group`.
    `qnt.stats` ops stay (the lowering erases them).

    Before (`--qnt-set-ranges="weight-range=minmax act-range=minmax"`):

    ```mlir
    %w = arith.constant dense<[-1.0, 0.5, 2.0]> : tensor<3xf32>
    %wq = qnt.fake_quant %w bits = 8 signed symmetric narrow_range : tensor<3xf32>
    %s = qnt.stats %x min = -1.0 max = 3.0 count = 4 : tensor<4xf32>
    %xq = qnt.fake_quant %s bits = 8 : tensor<4xf32>
    ```

    After (2 / 127 and 4 / 255, rounded up to f32; -round(-1 / s) = 64):

    ```mlir
    %wq = qnt.fake_quant %w bits = 8 signed symmetric narrow_range
          scale = [1.574803e-02] zero_point = [0] : tensor<3xf32>
    %xq = qnt.fake_quant %s bits = 8 scale = [1.568628e-02] zero_point = [64]
          : tensor<4xf32>
    ```
  }];
  let options = [
    Option<"weightRange", "weight-range", "std::string", "\"mse\"",
           "Weight range setting: minmax or mse">,
    Option<"actRange", "act-range", "std::string", "\"mse\"",
           "Activation range setting: minmax, mse, percentile or entropy">,
    Option<"logitsRange", "logits-range", "std::string", "\"auto\"",
           "Range setting of the logits: auto (cross-entropy if the "
           "qnt.stats have samples), cross-entropy, or same (act-range)">,
    Option<"percentile", "percentile", "double", "99.99",
           "Percentile for act-range=percentile, in [50, 100]">,
    Option<"powerOfTwo", "power-of-two", "bool", "false",
           "Round every scale up to a power of two">
  ];
  let statistics = [
    Statistic<"numCalibrated", "num-calibrated",
              "Number of quantizers given a scale and zero point">,
    Statistic<"numCrossEntropy", "num-cross-entropy",
              "Number of grids set by cross-entropy">
  ];
}

#endif // QUANTOPT_DIALECT_QNT_TRANSFORMS_PASSES_TD
