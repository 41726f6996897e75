//===- AdaRound.cpp - adaptive rounding of weights --------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-adaround: for every qnt.conv2d / qnt.matmul with a calibrated weight
// quantizer, gathers statistics of the layer's input over calibration data
// (AdaRoundLayer.h: from one run of the float model, and for quantized
// inputs one run of the quantized model per wave of layers), optimises
// AdaRound's rounding variables against them with Adam (AdaRoundMath.h) and
// writes the weight constant back as the chosen on-grid values.
//
//===----------------------------------------------------------------------===//

#include "AdaRoundLayer.h"
#include "ObservedModel.h"
#include "WavePlan.h"

#include "quant-opt/Calibration/Passes.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Dialect/Qnt/Transforms/ConstantUtils.h"
#include "quant-opt/Support/AdaRoundMath.h"
#include "quant-opt/Support/RangeSetting.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Threading.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>

namespace mlir::qnt {
#define GEN_PASS_DEF_QNTADAROUNDPASS
#include "quant-opt/Calibration/Passes.h.inc"
} // namespace mlir::qnt

using namespace mlir;
using namespace mlir::qnt;
using quantopt::ElementKind;
using quantopt::HostArray;

namespace {

using Layer = AdaRoundLayer;

/// Layers with fewer weights optimise on one thread.
constexpr int64_t kParallelWeights = 16384;

struct AdaRoundPass : public qnt::impl::QntAdaRoundPassBase<AdaRoundPass> {
  using Base::Base;

  void runOnOperation() override;

private:
  /// The layer of `op` with weight `weight`, or nullopt (not a calibrated
  /// weight quantizer of a constant). Failure after a diagnostic.
  FailureOr<std::optional<Layer>> collect(Operation *op, Value weight);
  /// Optimises the rounding and rewrites the constant; `index` counts layers.
  void round(Layer &layer, int64_t index, int64_t count);
};

} // namespace

/// The quantizer's own arithmetic (docs/Numerics.md section 4), in f32:
/// (clamp(round_half_even(x / f32(s)) + z, q_min, q_max) - z) * f32(s).
static float fakeQuant(float x, QuantParams p, int64_t qmin, int64_t qmax) {
  float s = static_cast<float>(p.scale);
  float q = std::nearbyint(x / s) + static_cast<float>(p.zeroPoint);
  q = std::clamp(q, static_cast<float>(qmin), static_cast<float>(qmax));
  return (q - static_cast<float>(p.zeroPoint)) * s;
}

FailureOr<std::optional<Layer>> AdaRoundPass::collect(Operation *op,
                                                      Value weight) {
  auto quantizer = weight.getDefiningOp<FakeQuantOp>();
  if (!quantizer || !quantizer.isCalibrated())
    return std::optional<Layer>();
  auto constant = quantizer.getInput().getDefiningOp<arith::ConstantOp>();
  if (!constant || !isF32Constant(constant))
    return std::optional<Layer>();
  auto type = cast<RankedTensorType>(constant.getType());
  Layer layer;
  layer.op = op;
  layer.quantizer = quantizer;
  layer.constant = constant;
  int64_t axis = 0;
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    std::optional<ConvGeometry> geometry =
        getConvGeometry(conv, "qnt-adaround");
    if (!geometry)
      return std::optional<Layer>();
    layer.input = conv.getInput();
    layer.groups = conv.getGroups();
    layer.outputs = type.getDimSize(0);
    layer.patch = type.getDimSize(1) * type.getDimSize(2) * type.getDimSize(3);
    layer.conv = *geometry;
  } else {
    auto matmul = cast<MatMulOp>(op);
    auto lhsType = dyn_cast<RankedTensorType>(matmul.getLhs().getType());
    if (type.getRank() != 2 || !lhsType || lhsType.getRank() < 2 ||
        (lhsType.getRank() == 2 && matmul.getTransposeLhs())) {
      op->emitWarning() << "qnt-adaround: skipping a matmul whose weight is "
                           "not a matrix or whose lhs has no sample dim";
      return std::optional<Layer>();
    }
    layer.input = matmul.getLhs();
    layer.transposeLhs = matmul.getTransposeLhs();
    layer.transposed = !matmul.getTransposeRhs();
    axis = layer.transposed ? 1 : 0;
    layer.outputs = type.getDimSize(axis);
    layer.patch = type.getDimSize(1 - axis);
    int64_t lhsK =
        lhsType.getDimSize(lhsType.getRank() - (layer.transposeLhs ? 2 : 1));
    if (ShapedType::isDynamic(lhsK) ||
        (lhsType.getRank() > 2 && llvm::any_of(lhsType.getShape().drop_front(),
                                               ShapedType::isDynamic))) {
      op->emitWarning() << "qnt-adaround: skipping a matmul whose lhs has "
                           "dynamic dims other than the sample dim";
      return std::optional<Layer>();
    }
    layer.lhsShape.assign(lhsType.getShape().drop_front().begin(),
                          lhsType.getShape().drop_front().end());
  }
  if (auto quantAxis = quantizer.getAxis(); quantAxis && *quantAxis != axis) {
    quantizer.emitError() << "qnt-adaround: the weight quantizer is per "
                             "channel along axis "
                          << *quantAxis
                          << ", not along the output channels (axis " << axis
                          << "): AdaRound rounds per output channel";
    return failure();
  }
  if (Operation *parent = op->getParentOp(); !isa<func::FuncOp>(parent)) {
    op->emitWarning() << "qnt-adaround: skipping a layer inside '"
                      << parent->getName() << "'";
    return std::optional<Layer>();
  }

  // The weight as O x K.
  std::vector<double> data = *readF32Constant(constant);
  layer.weights.resize(data.size());
  // conv2d: K = C_in/groups * kH * kW, per group already.
  int64_t o = layer.outputs, k = layer.patch;
  for (int64_t r = 0; r < o; ++r)
    for (int64_t c = 0; c < k; ++c)
      layer.weights[r * k + c] = static_cast<float>(
          layer.transposed ? data[c * o + r] : data[r * k + c]);
  // The grid, with the scales the quantizer uses (f32).
  ArrayRef<double> scales = *quantizer.getScale();
  SmallVector<int64_t> zeros(scales.size(), 0);
  if (auto zp = quantizer.getZeroPoint())
    zeros.assign(zp->begin(), zp->end());
  for (auto [s, z] : llvm::zip_equal(scales, zeros))
    layer.params.push_back({static_cast<double>(static_cast<float>(s)), z});
  layer.spec.bits = quantizer.getNumBits();
  layer.spec.isSigned = quantizer.getIsSigned();
  layer.spec.symmetric = quantizer.getSymmetric();
  layer.spec.narrowRange = quantizer.getNarrowRange();
  return std::optional<Layer>(std::move(layer));
}

void AdaRoundPass::round(Layer &layer, int64_t index, int64_t count) {
  auto start = std::chrono::steady_clock::now();
  int64_t o = layer.outputs, k = layer.patch, groups = layer.groups;
  int64_t rowsPerGroup = o / groups;
  int64_t n = o * k;
  int64_t qmin = layer.quantizer.getQMin(), qmax = layer.quantizer.getQMax();
  auto paramsOfRow = [&](int64_t row) {
    return layer.params.size() == 1 ? layer.params[0] : layer.params[row];
  };

  // The reconstruction error of weights w summed over the groups (the
  // squared error of the layer's output summed over channels, averaged over
  // positions: AIMET's reconstruction loss); dg gets its gradient in w.
  std::vector<float> d(n), dg(n);
  auto error = [&](ArrayRef<float> w, bool withGradient) {
    for (int64_t i = 0; i < n; ++i)
      d[i] = w[i] - layer.weights[i];
    double sum = 0.0;
    for (int64_t g = 0; g < groups; ++g) {
      int64_t offset = g * rowsPerGroup * k;
      sum += layer.losses[g].evaluate(
          ArrayRef<float>(d).slice(offset, rowsPerGroup * k),
          withGradient
              ? MutableArrayRef<float>(dg).slice(offset, rowsPerGroup * k)
              : MutableArrayRef<float>());
    }
    return sum;
  };

  std::vector<float> nearest(n);
  for (int64_t i = 0; i < n; ++i)
    nearest[i] = fakeQuant(layer.weights[i], paramsOfRow(i / k), qmin, qmax);
  double nearestError = error(nearest, false);

  // The optimisation. Its element-wise work runs on blocks of rows in
  // parallel (the context's threads; one block for small layers, where
  // waking threads would cost more), each with its own Adam state: the same
  // arithmetic per weight as one pass over all of them.
  std::vector<float> v(n), soft(n), dWdV(n), h(n), dhdV(n), grad(n);
  adaRoundInitialize(layer.weights, k, layer.params, v);
  AdamOptions adamOptions;
  adamOptions.learningRate = learningRate;
  MLIRContext *context = &getContext();
  int64_t numBlocks =
      n < kParallelWeights || !context->isMultithreadingEnabled()
          ? 1
          : std::min<int64_t>(context->getNumThreads(), o);
  auto firstRow = [&](int64_t block) { return o * block / numBlocks; };
  SmallVector<Adam<float>> adams;
  for (int64_t b = 0; b < numBlocks; ++b)
    adams.emplace_back((firstRow(b + 1) - firstRow(b)) * k, adamOptions);
  // Runs fn(block, its first element, its elements) on every block.
  auto forEachBlock = [&](auto fn) {
    parallelFor(context, 0, numBlocks, [&](size_t b) {
      fn(b, firstRow(b) * k, (firstRow(b + 1) - firstRow(b)) * k);
    });
  };
  for (int64_t it = 0; it < iterations; ++it) {
    bool regularize = regularizerActive(it, iterations, warmStart);
    forEachBlock([&](int64_t, int64_t first, int64_t size) {
      auto slice = [&](std::vector<float> &values) {
        return MutableArrayRef<float>(values).slice(first, size);
      };
      ArrayRef<QuantParams> params = layer.params;
      if (params.size() != 1)
        params = params.slice(first / k, size / k);
      adaRoundSoftWeights(ArrayRef<float>(layer.weights).slice(first, size), k,
                          params, layer.spec, slice(v), slice(soft),
                          slice(dWdV),
                          regularize ? slice(h) : MutableArrayRef<float>(),
                          regularize ? slice(dhdV) : MutableArrayRef<float>());
    });
    error(soft, true);
    double beta = annealedBeta(it, iterations, BetaDecay::Cosine, warmStart);
    forEachBlock([&](int64_t b, int64_t first, int64_t size) {
      for (int64_t i = first; i < first + size; ++i) {
        grad[i] = dg[i] * dWdV[i];
        // Where the rectified sigmoid is flat (h is 0 or 1) the regulariser
        // adds 0: skip its pow.
        if (regularize && dhdV[i] != 0.0f)
          grad[i] += static_cast<float>(
              regWeight * roundingRegularizerGrad(h[i], beta) * dhdV[i]);
      }
      adams[b].step(MutableArrayRef<float>(v).slice(first, size),
                    ArrayRef<float>(grad).slice(first, size));
    });
  }

  // h(V) should end in {0, 1} (the regulariser's job).
  rectifiedSigmoid(v, h);
  int64_t undecided =
      llvm::count_if(h, [](float x) { return x > 0.0f && x < 1.0f; });
  numUndecided += undecided;

  // The hard rounding, as the quantizer reproduces it.
  std::vector<int64_t> quantized(n);
  std::vector<float> hard(n);
  adaRoundHardWeights(layer.weights, k, layer.params, layer.spec, v, quantized,
                      hard);
  for (int64_t i = 0; i < n; ++i) {
    float requantized = fakeQuant(hard[i], paramsOfRow(i / k), qmin, qmax);
    if (std::memcmp(&requantized, &hard[i], sizeof(float)) != 0) {
      hard[i] = requantized;
      ++numAdjusted;
    }
    if (hard[i] != nearest[i])
      ++numChanged;
  }
  double adaroundError = error(hard, false);

  // Write the constant back in its layout.
  std::vector<double> data(n);
  for (int64_t r = 0; r < o; ++r)
    for (int64_t c = 0; c < k; ++c)
      (layer.transposed ? data[c * o + r] : data[r * k + c]) = hard[r * k + c];
  OpBuilder builder(layer.constant);
  Value replacement =
      createF32Constant(builder, layer.constant.getLoc(),
                        cast<RankedTensorType>(layer.constant.getType()), data,
                        derivedConstantName(layer.constant, "_adaround"));
  layer.quantizer.getInputMutable().assign(replacement);
  if (layer.constant->use_empty())
    layer.constant->erase();
  ++numLayers;

  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  llvm::errs() << "qnt-adaround: layer " << index << "/" << count << " "
               << layer.op->getLoc() << ": " << k << " x " << o
               << ", reconstruction error nearest "
               << llvm::format("%.6g", nearestError) << " -> adaround "
               << llvm::format("%.6g", adaroundError) << ", undecided "
               << undecided << "/" << n << ", " << llvm::format("%.2f", seconds)
               << " s\n";
}

void AdaRoundPass::runOnOperation() {
  ModuleOp module = getOperation();
  auto begin = std::chrono::steady_clock::now();
  if (calibrationData.empty()) {
    mlir::emitError(module.getLoc(),
                    "qnt-adaround needs calibration-data=<file.npy>");
    return signalPassFailure();
  }
  if (batchSize < 1 || numSamples < 0 || iterations < 0 ||
      positionsPerSample < 0 || !(regWeight >= 0.0) || !(learningRate > 0.0) ||
      !(warmStart >= 0.0 && warmStart <= 1.0)) {
    mlir::emitError(module.getLoc())
        << "qnt-adaround: batch-size must be positive, num-samples, "
           "iterations, positions-per-sample and reg-weight non-negative, "
           "learning-rate positive and warm-start in [0, 1]";
    return signalPassFailure();
  }
  if (inputMode != "float" && inputMode != "quantized") {
    mlir::emitError(module.getLoc())
        << "qnt-adaround: input must be float or quantized, not '" << inputMode
        << "'";
    return signalPassFailure();
  }
  func::FuncOp function =
      findEntryOrError(module, entry.getValue(), "qnt-adaround");
  if (!function)
    return signalPassFailure();

  // The layers, in program order.
  std::vector<Layer> layers;
  llvm::DenseSet<Operation *> quantizers;
  bool failedCollect = false;
  function.walk([&](Operation *op) {
    Value weight;
    if (auto conv = dyn_cast<Conv2DOp>(op))
      weight = conv.getWeight();
    else if (auto matmul = dyn_cast<MatMulOp>(op))
      weight = matmul.getRhs();
    else
      return;
    auto layer = collect(op, weight);
    if (failed(layer)) {
      failedCollect = true;
      return;
    }
    if (!*layer)
      return;
    // A quantizer shared by several layers gets the rounding of the first.
    if (!quantizers.insert((*layer)->quantizer).second) {
      op->emitWarning() << "qnt-adaround: skipping a layer whose weight "
                           "quantizer an earlier layer shares; its weight is "
                           "rounded for that layer";
      return;
    }
    layers.push_back(std::move(**layer));
  });
  if (failedCollect)
    return signalPassFailure();
  if (layers.empty()) {
    mlir::emitWarning(module.getLoc(),
                      "qnt-adaround: no qnt.conv2d or qnt.matmul with a "
                      "calibrated weight quantizer of a constant; nothing to "
                      "round");
    return;
  }

  bool quantizedInputs = inputMode == "quantized";

  // The observed tensors: the layer inputs, each once.
  llvm::MapVector<Value, unsigned> observed;
  for (Layer &layer : layers)
    observed.insert({layer.input, observed.size()});
  SmallVector<Value> values;
  for (auto &entry : observed)
    values.push_back(entry.first);

  auto raw = ObservedModel::readData(module, calibrationData, "qnt-adaround");
  if (failed(raw))
    return signalPassFailure();
  auto model = ObservedModel::compile(module, function, values, "qnt-adaround");
  if (failed(model))
    return signalPassFailure();
  FailureOr<HostArray> data =
      model->prepareData(std::move(*raw), calibrationData, numSamples);
  if (failed(data))
    return signalPassFailure();
  for (Layer &layer : layers) {
    layer.plan(data->shape[0], positionsPerSample, quantizedInputs);
    // Fewer input rows than inputs: the Gram matrix is singular and the
    // rounding can fit these samples rather than the data (the MLP's first
    // layer, 784 inputs, on 256 samples: its error on them fell 56x below
    // nearest rounding's, and the model's top-1 was below nearest's).
    if (layer.samples < layer.patch)
      layer.op->emitWarning()
          << "qnt-adaround: " << layer.patch << " inputs per output but only "
          << layer.samples << " input rows (" << layer.perSample
          << " per sample): the rounding can overfit the calibration "
             "samples; give more (num-samples, positions-per-sample)";
  }

  std::optional<WavePlan> plan;
  if (quantizedInputs)
    plan = planLayerWaves(function, layers, reuseActivations, data->shape[0],
                          "qnt-adaround");

  // The float model, once: the Grams (float inputs) or the positions and
  // the float layers' outputs there (quantized inputs).
  std::mt19937_64 rng(static_cast<uint64_t>(seed));
  if (failed(model->run(*data, batchSize, [&](ObservedBatch &batch) {
        for (Layer &layer : layers)
          if (failed(layer.observeFloat(
                  batch.outputs[observed.lookup(layer.input)], batch, rng)))
            return failure();
        return success();
      })))
    return signalPassFailure();
  double compileSeconds = model->jit().compileSeconds();
  double statsSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin)
          .count();
  double roundSeconds = 0.0;
  auto roundLayer = [&](Layer &layer, int64_t index) {
    auto start = std::chrono::steady_clock::now();
    round(layer, index, static_cast<int64_t>(layers.size()));
    roundSeconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
  };

  if (!quantizedInputs) {
    for (Layer &layer : layers)
      if (failed(layer.finish()))
        return signalPassFailure();
    for (auto [i, layer] : llvm::enumerate(layers))
      roundLayer(layer, static_cast<int64_t>(i) + 1);
  } else {
    // Per wave, the quantized model's segment (WavePlan): the weights of
    // the layers are arguments, so it runs with the weights rounded so far,
    // and so are the activations of earlier segments that it reads, kept
    // from their runs until their last reader.
    SmallVector<FakeQuantOp> weightQuantizers;
    SmallVector<HostArray> weightValues;
    for (Layer &layer : layers) {
      weightQuantizers.push_back(layer.quantizer);
      auto type = cast<RankedTensorType>(layer.constant.getType());
      weightValues.push_back(
          HostArray::zeros(quantopt::ElementKind::F32, type.getShape()));
    }
    auto setWeights = [&](size_t i) {
      std::vector<double> values =
          *readF32Constant(layers[i].quantizer.getInput());
      float *out = weightValues[i].data<float>();
      for (size_t j = 0; j < values.size(); ++j)
        out[j] = static_cast<float>(values[j]);
    };
    for (size_t i = 0; i < layers.size(); ++i)
      setWeights(i);
    SmallVector<quantopt::HostArrayView> weightViews;
    for (HostArray &array : weightValues)
      weightViews.push_back(array.view());
    KeptActivations kept(*plan, data->shape[0]);
    for (auto [wave, segment] : llvm::enumerate(plan->segments)) {
      auto start = std::chrono::steady_clock::now();
      SmallVector<size_t> members;
      for (auto [i, layer] : llvm::enumerate(layers))
        if (layer.wave == static_cast<int64_t>(wave)) {
          members.push_back(i);
          layer.filled = 0;
        }
      llvm::errs() << "qnt-adaround: wave " << wave + 1 << "/"
                   << plan->segments.size() << " (" << members.size()
                   << " layers), the quantized model's inputs";
      if (!segment.arguments.empty())
        llvm::errs() << " from " << segment.arguments.size()
                     << " kept activations";
      llvm::errs() << "\n";
      ObservedModelOptions options;
      options.keepQuantizers = true;
      options.quantizerInputsAsArguments = weightQuantizers;
      options.valuesAsArguments = segment.arguments;
      // A segment's run is short: the wave's line is its progress.
      options.quiet = true;
      auto quantized = ObservedModel::compile(module, function, segment.results,
                                              "qnt-adaround", options);
      if (failed(quantized))
        return signalPassFailure();
      compileSeconds += quantized->jit().compileSeconds();
      if (failed(quantized->run(
              *data, batchSize,
              [&](ObservedBatch &batch) {
                for (size_t i : members)
                  if (failed(layers[i].observeQuantized(
                          batch.outputs[segment.indexOf(layers[i].input)],
                          batch)))
                    return failure();
                kept.keep(segment, batch);
                return success();
              },
              weightViews, kept.arguments(segment))))
        return signalPassFailure();
      kept.release(wave);
      for (size_t i : members)
        if (failed(layers[i].finish()))
          return signalPassFailure();
      statsSeconds += std::chrono::duration<double>(
                          std::chrono::steady_clock::now() - start)
                          .count();
      for (size_t i : members) {
        roundLayer(layers[i], static_cast<int64_t>(i) + 1);
        setWeights(i);
      }
    }
  }

  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin)
          .count();
  llvm::errs() << "qnt-adaround: " << layers.size() << " layers over "
               << data->shape[0] << " samples, " << inputMode << " inputs, in "
               << llvm::format("%.2f", seconds) << " s (compile "
               << llvm::format("%.2f", compileSeconds) << " s, statistics "
               << llvm::format("%.2f", statsSeconds) << " s, rounding "
               << llvm::format("%.2f", roundSeconds) << " s, " << iterations
               << " iterations per layer)\n";
}
