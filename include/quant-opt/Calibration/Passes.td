//===- Passes.td - calibration passes ----------------------*- tablegen -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Passes that run the float model on calibration data (through the JIT of
// include/quant-opt/Execution) and record what they observe in the IR, for
// range setting and bias correction to read.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_CALIBRATION_PASSES_TD
#define QUANTOPT_CALIBRATION_PASSES_TD

include "mlir/Pass/PassBase.td"

def QntCalibratePass : Pass<"qnt-calibrate", "::mlir::ModuleOp"> {
  let summary = "Records activation statistics of calibration data as qnt.stats";
  let description = [{
    Step 2 of the paper's post-training quantization pipeline (after
    `qnt-fold-batch-norm`, `qnt-fuse-activations` and the insertion of
    uncalibrated quantizers; before range setting). It runs the float model
    over the calibration data of `calibration-data` and, for every tensor
    that an uncalibrated activation quantizer sees, inserts a `qnt.stats`
    between the tensor and its quantizers (docs/Numerics.md section 9):

    - `min`, `max`, `count` over every element of every sample;
    - a `histogram` of `bins` equal-width bins spanning exactly `[min, max]`;
    - when the tensor has a static dim `channel-axis`: per-channel
      `channel_min`, `channel_max` and `channel_mean` along it;
    - for the logits (a tensor whose quantizer's result is returned by the
      function or normalised by a `qnt.softmax` along the last dim):
      `samples`, a uniform random sample of at most `logit-samples` of its
      rows along the last dim (all rows if there are no more), for
      cross-entropy range setting (`qnt-set-ranges`). Reservoir sampling
      with a fixed seed: the same data gives the same rows, and memory is
      `logit-samples` rows whatever the number of samples. `logit-samples=0`
      keeps none.

    Quantizers skipped: calibrated ones (with `scale`), weight quantizers
    (their input is a constant, looking through annotations) and those
    whose input already comes from a `qnt.stats` (so a second run leaves a
    calibrated module unchanged). Quantizers of one tensor share one
    `qnt.stats`.

    The model is run the way `quant-run` runs it: a clone of the module with
    every `qnt.fake_quant` replaced by its input, returning the observed
    tensors, lowered and JIT-compiled by `JitModel`; the data (the entry
    function's single input; `uint8` images are read as `x / 255`) goes
    through `prepareInput`. Samples are run in batches of `batch-size` (the
    static batch dim if the input has one; a last partial batch is then
    zero-padded and the padding rows are not observed). With the context's
    threads the model runs the next batches on them (as many at once as
    there are threads, at most 8) while the pass observes one batch at a
    time, in order: the statistics do not depend on the number of threads.
    Memory is bounded by the outputs of those batches and of the observed
    one: the histogram is built in a single pass over the running `[min,
    max]` and resampled onto the wider range when a batch exceeds it
    (`rebinHistogram`), which blurs the shape by up to one bin per widening.
    Progress goes to stderr.

    Errors: a missing or unreadable file, data whose shape or element type
    does not fit the entry function's input, non-finite data, a non-finite
    value in an observed tensor (the error is reported at the quantizer),
    quantizers inside nested regions or outside the entry function. A module
    without quantizers to calibrate gets a warning.

    Before (`--qnt-calibrate="calibration-data=calib.npy bins=4"`):

    ```mlir
    func.func @main(%x: tensor<?x3xf32>) -> tensor<?x2xf32> {
      %w = arith.constant dense<[[1.0, -1.0], [0.5, 0.5], [0.0, 2.0]]> : tensor<3x2xf32>
      %wq = qnt.fake_quant %w bits = 8 signed symmetric : tensor<3x2xf32>
      %y = qnt.matmul %x, %wq : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
      %yq = qnt.fake_quant %y bits = 8 : tensor<?x2xf32>
      return %yq : tensor<?x2xf32>
    }
    ```

    After (two samples, `[[1, 0, 0], [0, 1, 1]]`, so `%y` is
    `[[1, -1], [0.5, 2.5]]`; `%yq` is returned, so `%y` is the logits and
    keeps its rows as samples):

    ```mlir
      %y = qnt.matmul %x, %wq : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
      %s = qnt.stats %y min = -1.000000e+00 max = 2.500000e+00 count = 4
             histogram = [1, 1, 1, 1] channel_axis = 1
             channel_min = [5.000000e-01, -1.000000e+00]
             channel_max = [1.000000e+00, 2.500000e+00]
             channel_mean = [7.500000e-01, 7.500000e-01]
             samples = dense<[[1.000000e+00, -1.000000e+00], [5.000000e-01, 2.500000e+00]]>
               : tensor<2x2xf32> : tensor<?x2xf32>
      %yq = qnt.fake_quant %s bits = 8 : tensor<?x2xf32>
    ```
  }];
  let options = [
    Option<"calibrationData", "calibration-data", "std::string", "",
           "The calibration samples (.npy, the entry function's single "
           "input, sample dim first)">,
    Option<"numSamples", "num-samples", "int64_t", "0",
           "Use the first N samples (0: all)">,
    Option<"batchSize", "batch-size", "int64_t", "50",
           "Samples per call for a dynamic batch dim">,
    Option<"bins", "bins", "int64_t", "2048", "Histogram bins">,
    Option<"channelAxis", "channel-axis", "int64_t", "1",
           "Axis of the per-channel statistics">,
    Option<"logitSamples", "logit-samples", "int64_t", "1000",
           "Most rows of the logits kept as samples (0: none)">,
    Option<"entry", "entry", "std::string", "",
           "The function to run (default: main, or the only public one)">
  ];
  let statistics = [
    Statistic<"numObserved", "num-observed",
              "Number of tensors given a qnt.stats">,
    Statistic<"numSamplesRun", "num-samples-run",
              "Number of calibration samples run">
  ];
}

def QntAdaRoundPass : Pass<"qnt-adaround", "::mlir::ModuleOp"> {
  let summary = "Adaptive rounding of calibrated weights (AdaRound)";
  let description = [{
    PAPER.md section 2, "AdaRound": instead of rounding every weight to the
    nearest grid point, learns for each weight whether to round it down or
    up so that the layer's output on calibration data changes least. Runs
    after the weight quantizers are calibrated (range setting) and before
    the activation ranges are set.

    Layers: every `qnt.conv2d` and `qnt.matmul` of the entry function whose
    weight (`rhs` for matmul, rank 2) is a calibrated `qnt.fake_quant` of an
    f32 `arith.constant`, per tensor or per output channel (`axis` 0 for
    conv2d and for a `transpose_rhs` matmul, 1 otherwise).

    The objective of a layer with float weights `W` (O x K per group; `K =
    C_in/groups * kH * kW` for conv2d, im2col, or `K` for matmul) is the
    squared error of its output, summed over channels and averaged over `P`
    input positions (AIMET's reconstruction loss): with `X` (K x P) the
    input patches the rounded layer sees and `T` (O x P) the output it
    should give,

        E(W') = ||W' X - T||^2 / P.

    `input` chooses them:

    - `float`: `X = Y`, the layer's input in the float model (every
      quantizer bypassed, as in `qnt-calibrate`), and `T = W Y`;
    - `quantized` (the default; AIMET's and the paper's "asymmetric"
      reconstruction): `X` is the layer's input in the quantized model
      (every calibrated quantizer active: the input and activation
      quantizers, and the weight quantizers of the layers before it, whose
      weights are already rounded), while the target stays the float
      layer's output on float inputs, `T = W Y`. The rounding then also
      compensates the error of the layers before it. Unlike the paper's
      asymmetric reconstruction, the error is that of the pre-activation
      output (a fused activation is not applied to `W' X` and `T`).

    With `D = W' - W` and `R = W X - T` (0 for float inputs):

        E = ||D X + R||^2 / P = tr(D A D^T) + 2 <D, B> + c,
        A = X X^T / P,  B = R X^T / P = (W X X^T - T X^T) / P,
        c = ||R||^2 / P = (tr(W X X^T W^T) - 2 tr(W X T^T) + ||T||^2) / P,
        dE/dD = 2 (D A + B).

    `Y` and `X` are the patches at the same positions: `positions-per-sample`
    random ones per sample (`seed`; 0: all) of the first `num-samples`
    samples of `calibration-data`.

    1. Statistics. The float model runs once over the samples. For float
       inputs it accumulates per layer (per group) the Gram matrix `X X^T`
       (K x K). For quantized inputs it records the positions and the
       target `T = W Y` there (O x P floats per layer; `Y` itself is not
       kept); then the quantized model runs once per *wave* of layers: the
       layers whose input depends on no layer not yet rounded (wave 1: the
       layers fed by the network input; wave n: the layers fed by a layer
       of wave n-1 at most). One run gives every layer of the wave its
       `X X^T`, `X T^T` (K x O) and `||T||^2`, i.e. `A`, `B` and `c`; the
       wave's layers are then rounded and the next run sees their new
       weights (arguments of the compiled model). Each wave's run is a
       segment of the model compiled on its own: what depends on the layers
       of the wave before, from the activations of earlier runs that it
       reads, kept over all samples until their last reader
       (`reuse-activations`; not if they would take more than 4 GiB, or
       with the exact simulation, `qnt.rounding`, whose grids a cut would
       hide: then, as with `reuse-activations=false`, each run computes
       everything its wave's inputs need, from the input). The roundings
       are the same either way.
       When `2 P < K` (few positions, long patches: e.g. a rank-2 matmul on
       fewer samples than half its inputs) the layer keeps `X^T` and `R^T`
       themselves (P x K, P x O) instead: evaluating `E` costs `2 O K P`
       instead of `O K^2` (the direct form).
    2. Per layer, `V` (one per weight) starts at `h(V) = frac(W / s)` and
       `iterations` Adam steps (`learning-rate`) minimise
       `E(W_soft) + reg-weight * sum(1 - |2 h(V) - 1|^beta)`, with
       `W_soft = s * (clamp(floor(W/s) + h(V) + z, q_min, q_max) - z)`,
       `h` the rectified sigmoid and
       `beta` annealed from 20 to 2 (cosine) after a warm start of
       `warm-start` of the iterations without the regulariser
       (AdaRoundMath.h). The weights whose `h(V)` ends strictly between 0
       and 1 are counted in `num-undecided`.
    3. The weight constant becomes `W_hat = f32(q - z) * f32(s)` with `q =
       clamp(floor(W/s) + [V >= 0] + z, q_min, q_max)`: on the grid, so the
       unchanged quantizer reproduces it bitwise (checked; a weight where it
       would not is replaced by the quantizer's output and counted in
       `num-adjusted`).

    Uncalibrated quantizers (no `scale`) are bypassed in the quantized
    model too.

    The element-wise work of each optimisation step (soft weights,
    gradient, Adam) of a layer with at least 16384 weights runs on blocks of
    rows on the context's threads (one with `--mlir-disable-threading`);
    every weight sees the same arithmetic either way, so the rounding does
    not depend on the number of threads.

    Progress on stderr: one line per wave (quantized inputs) and per layer
    with the reconstruction error `E` (of the layer's pre-activation
    output, on the inputs of `input`) of rounding to nearest and of
    AdaRound, and a summary with the time spent compiling, gathering
    statistics and rounding.

    Errors: as `qnt-calibrate` (missing or bad data, non-finite values),
    a per-channel weight quantizer along a non-output axis, bad options
    (`input` other than `float` or `quantized`).
    No layer to optimise: a warning, the module unchanged.
    A layer with fewer input rows (samples x positions per sample) than
    inputs per output: a warning (its Gram matrix is singular, so the
    rounding can fit these samples rather than the data; the MLP's first
    layer has 784 inputs and one row per sample).

    Before (`--qnt-adaround="calibration-data=x.npy"`, no quantizer before
    the layer, so its quantized and float inputs agree; every sample of
    `x.npy` being `[1.0, 1.0]`, so the layer's output is `0.3 + 0.4 = 0.7`;
    rounding to nearest gives `[[0], [0]]` and the output `0`, an error of
    `0.7^2 = 0.49`):

    ```mlir
    func.func @main(%x: tensor<?x2xf32>) -> tensor<?x1xf32> {
      %w = arith.constant dense<[[3.000000e-01], [4.000000e-01]]> : tensor<2x1xf32>
      %wq = qnt.fake_quant %w bits = 4 signed scale = [1.000000e+00] zero_point = [0] : tensor<2x1xf32>
      %y = qnt.matmul %x, %wq : (tensor<?x2xf32>, tensor<2x1xf32>) -> tensor<?x1xf32>
      return %y : tensor<?x1xf32>
    }
    ```

    After (the weight closer to 1 rounded up: the output `1`, an error of
    `0.3^2 = 0.09`, the smallest on this grid):

    ```mlir
      %w = arith.constant dense<[[0.000000e+00], [1.000000e+00]]> : tensor<2x1xf32>
      %wq = qnt.fake_quant %w bits = 4 signed scale = [1.000000e+00] zero_point = [0] : tensor<2x1xf32>
    ```
  }];
  let options = [
    Option<"calibrationData", "calibration-data", "std::string", "",
           "The calibration samples (.npy, the entry function's single "
           "input, sample dim first)">,
    Option<"numSamples", "num-samples", "int64_t", "256",
           "Use the first N samples (0: all)">,
    Option<"batchSize", "batch-size", "int64_t", "50",
           "Samples per call for a dynamic batch dim">,
    Option<"iterations", "iterations", "int64_t", "10000",
           "Adam steps per layer">,
    Option<"regWeight", "reg-weight", "double", "0.01",
           "Weight lambda of the rounding regulariser">,
    Option<"learningRate", "learning-rate", "double", "1e-3",
           "Adam's learning rate">,
    Option<"positionsPerSample", "positions-per-sample", "int64_t", "64",
           "Random input positions per sample in the Gram matrices (0: all)">,
    Option<"seed", "seed", "int64_t", "0",
           "Seed of the position sampling">,
    Option<"warmStart", "warm-start", "double", "0.2",
           "Fraction of the iterations without the regulariser">,
    Option<"inputMode", "input", "std::string", "\"quantized\"",
           "The layer inputs the rounding is fitted on: float (the float "
           "model's) or quantized (the quantized model's, the layers before "
           "already rounded)">,
    Option<"reuseActivations", "reuse-activations", "bool", "true",
           "Quantized inputs: keep the activations that later waves read, so "
           "that each wave's run computes only what depends on the last "
           "wave (false: each run starts from the input)">,
    Option<"entry", "entry", "std::string", "",
           "The function to run (default: main, or the only public function)">
  ];
  let statistics = [
    Statistic<"numLayers", "num-layers", "Number of layers rounded">,
    Statistic<"numUndecided", "num-undecided",
              "Number of weights whose h(V) ended strictly between 0 and 1">,
    Statistic<"numChanged", "num-changed",
              "Number of weights rounded differently from nearest">,
    Statistic<"numAdjusted", "num-adjusted",
              "Number of weights the quantizer did not reproduce exactly">
  ];
}

def QntEmpiricalBiasCorrectionPass
    : Pass<"qnt-empirical-bias-correction", "::mlir::ModuleOp"> {
  let summary = "Bias correction from calibration data on the quantization "
                "simulation";
  let description = [{
    PAPER.md section 2, "Bias correction", empirical variant. Quantization
    shifts the mean of a layer's output; this pass measures the shift on
    calibration data and adds it back to the bias, so that on that data
    `E[y_ref] - E[y_quant] = 0` per output channel, where `y_quant = W~ x~ +
    b'` is the layer's output in the quantized network (before any fused
    activation: `x~` is its input there, `W~` its quantized weight) and
    `y_ref` the reference chosen by `reference`:

    - `float-network` (the default; AIMET's `correct_bias` and the
      paper's `E[y] - E[y~]`): the float network's output of the same
      layer, `W x + b`, with `x` the layer's input in the float network
      (every quantizer bypassed). The bias absorbs `W E[x] - W~ E[x~]`,
      which also corrects the mean error that the quantized input carries
      (input and activation quantization, earlier layers' errors). One
      extra run of the float model over the data.
    - `float-layer`: the float layer on the same, quantized, input, `W x~ +
      b`. The bias absorbs `(W - W~) E[x~]`: only the error of this layer's
      weights (the paper's `b -= eps E[x]` with `E[x]` from the quantized
      network).

    On the example models at W4A8 (docs/PTQ-ablation.md) `float-network`
    gave a higher top-1 than `float-layer` in every measured cell, and
    `float-layer` a lower one than no correction.

    Runs on a quantization simulation: after the quantizers are placed and
    their ranges set. With `activations=quantized` (the default) the
    quantized network runs with every quantizer active, as it will be
    deployed; with `activations=float` its activation and input quantizers
    are bypassed while measuring (only the weights quantized), as AIMET's
    `correct_bias` measures: the correction then leaves out the mean error
    of the activation quantizers.

    Layers: every `qnt.conv2d` (also grouped and depthwise) and `qnt.matmul`
    (a rank-2 weight, `lhs` not transposed) of the entry function whose
    weight is a calibrated `qnt.fake_quant` of an f32 constant, and whose
    bias (if any) is an f32 constant.

    `x~` is the layer's input as the quantized network computes it: the
    simulation runs with every quantizer active and with the corrections of
    the layers before it applied. The layers are processed in topological
    waves: a layer belongs to wave `k` when the longest chain of corrected
    layers above it has `k` layers, so one run over the data serves all the
    layers of a wave. Each wave is one run over the first `num-samples`
    samples of `calibration-data` (batches of `batch-size`) of the segment
    of the simulation that depends on the wave before, JIT-compiled on its
    own to return that wave's layer inputs and what later waves read of it,
    with the biases of the layers as run-time arguments; it reads the
    activations earlier runs kept (over all samples, until their last
    reader; unless they would take more than 4 GiB, or the module asks for
    the exact simulation, `qnt.rounding`, whose grids a cut would hide: then
    each run computes everything its wave's inputs need, from the input).
    With `reference=float-network` one run of the float model, before the
    waves, returns every layer's float input.

    The means are taken exactly over what the layer sees, the same samples
    in both networks: for a convolution, the mean im2col patch (per input
    channel and kernel tap, over every sample and output position, padding
    included as zeros); for a matmul, the mean row of `lhs`. Since the
    layer is linear, its mean pre-activation output per channel follows
    from the mean patch: `b'[o] = b[o] + sum_k (W[o, k] mean_x[k] - W~[o, k]
    mean_x~[k])` (float-network) or `b[o] + sum_k (W - W~)[o, k] *
    mean_x~[k]` (float-layer), with `W~` computed as the quantizer computes
    it (f32, docs/Numerics.md section 4). A layer without a bias gets one.
    The pass is not idempotent: a second run measures the same shift and
    corrects it again.

    Progress on stderr: a line for the float run, one line per wave and a
    summary. Errors: a missing or unreadable file, data that does not fit
    the entry function's input, non-finite data, a layer input that is not
    finite on the data (reported at the layer), bad options. No layer to
    correct: a warning, the module unchanged.

    Before (`--qnt-empirical-bias-correction="calibration-data=x.npy"`,
    every sample of `x.npy` being `[1.0, 0.5]`; the weight quantizer rounds
    `[[0.3], [0.4]]` to `[[0.5], [0.5]]`, an error of `(W - W~) x = -0.2 -
    0.05 = -0.25`; the input is not quantized, so both references agree):

    ```mlir
    func.func @main(%x: tensor<?x2xf32>) -> tensor<?x1xf32> {
      %w = arith.constant dense<[[3.000000e-01], [4.000000e-01]]> : tensor<2x1xf32>
      %wq = qnt.fake_quant %w bits = 4 signed scale = [5.000000e-01] zero_point = [0] : tensor<2x1xf32>
      %b = arith.constant dense<1.000000e+00> : tensor<1xf32>
      %y = qnt.matmul %x, %wq, %b : (tensor<?x2xf32>, tensor<2x1xf32>, tensor<1xf32>) -> tensor<?x1xf32>
      return %y : tensor<?x1xf32>
    }
    ```

    After (the bias shifted by `-0.25`):

    ```mlir
      %b = arith.constant dense<7.500000e-01> : tensor<1xf32>
      %y = qnt.matmul %x, %wq, %b : (tensor<?x2xf32>, tensor<2x1xf32>, tensor<1xf32>) -> tensor<?x1xf32>
    ```
  }];
  let options = [
    Option<"calibrationData", "calibration-data", "std::string", "",
           "The calibration samples (.npy, the entry function's single "
           "input, sample dim first)">,
    Option<"numSamples", "num-samples", "int64_t", "256",
           "Use the first N samples (0: all)">,
    Option<"batchSize", "batch-size", "int64_t", "50",
           "Samples per call for a dynamic batch dim">,
    Option<"entry", "entry", "std::string", "",
           "The function to run (default: main, or the only public function)">,
    Option<"reference", "reference", "std::string", "\"float-network\"",
           "What the quantized layer's mean output is corrected to: "
           "float-network (the float network's layer output) or float-layer "
           "(the float layer on the quantized input)">,
    Option<"activations", "activations", "std::string", "\"quantized\"",
           "The activation and input quantizers of the quantized network "
           "while measuring: quantized (active) or float (bypassed: only the "
           "weights quantized, as AIMET measures)">
  ];
  let statistics = [
    Statistic<"numCorrected", "num-corrected", "Number of biases corrected">,
    Statistic<"numWaves", "num-waves",
              "Number of runs over the calibration data">
  ];
}

#endif // QUANTOPT_CALIBRATION_PASSES_TD
