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
      narrow range (`weight-symmetric=false`: asymmetric signed), per output
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
    Option<"percentile", "percentile", "double", "99.99",
           "Percentile for act-range=percentile, in [50, 100]">,
    Option<"powerOfTwo", "power-of-two", "bool", "false",
           "Round every scale up to a power of two">
  ];
  let statistics = [
    Statistic<"numCalibrated", "num-calibrated",
              "Number of quantizers given a scale and zero point">
  ];
}

#endif // QUANTOPT_DIALECT_QNT_TRANSFORMS_PASSES_TD
