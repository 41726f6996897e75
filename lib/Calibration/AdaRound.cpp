//===- AdaRound.cpp - adaptive rounding of weights --------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-adaround: for every qnt.conv2d / qnt.matmul with a calibrated weight
// quantizer, accumulates the Gram matrix of the layer's float input over
// calibration data (ObservedModel, one JIT run), optimises AdaRound's
// rounding variables against it with Adam (AdaRoundMath.h) and writes the
// weight constant back as the chosen on-grid values.
//
//===----------------------------------------------------------------------===//

#include "ObservedModel.h"

#include "quant-opt/Calibration/Passes.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Dialect/Qnt/Transforms/ConstantUtils.h"
#include "quant-opt/Support/AdaRoundMath.h"
#include "quant-opt/Support/RangeSetting.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
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

/// One layer to round: its weight as an O x K matrix (K per group), the
/// quantizer's grid, and the Gram matrices of its input.
struct Layer {
  Operation *op;
  FakeQuantOp quantizer;
  arith::ConstantOp constant;
  /// The layer input (conv2d input, matmul lhs) in the module.
  Value input;
  /// The weight stored K x N (a matmul without transpose_rhs): transposed
  /// to and from the O x K form.
  bool transposed = false;
  int64_t outputs = 0, patch = 0, groups = 1;
  std::vector<float> weights; // O x K
  SmallVector<QuantParams> params;
  QuantizerSpec spec;
  /// conv2d: the geometry; matmul: the lhs layout.
  ConvGeometry conv;
  bool transposeLhs = false;
  /// groups Grams of K x K, and the number of positions accumulated.
  std::vector<double> gram;
  int64_t positions = 0;
};

struct AdaRoundPass : public qnt::impl::QntAdaRoundPassBase<AdaRoundPass> {
  using Base::Base;

  void runOnOperation() override;

private:
  /// The layer of `op` with weight `weight`, or nullopt (not a calibrated
  /// weight quantizer of a constant). Failure after a diagnostic.
  FailureOr<std::optional<Layer>> collect(Operation *op, Value weight);
  /// Adds one batch's patches to the Grams.
  LogicalResult accumulate(Layer &layer, const HostArray &input,
                           const ObservedBatch &batch, std::mt19937_64 &rng);
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
    auto inType = dyn_cast<RankedTensorType>(conv.getInput().getType());
    auto outType = dyn_cast<RankedTensorType>(conv.getResult().getType());
    // A dynamic batch dim is fine; the rest must be static.
    if (!inType || inType.getRank() != 4 || inType.isDynamicDim(1) ||
        inType.isDynamicDim(2) || inType.isDynamicDim(3) || !outType ||
        outType.isDynamicDim(2) || outType.isDynamicDim(3)) {
      op->emitWarning() << "qnt-adaround: skipping a convolution with "
                           "dynamic channel or spatial dims";
      return std::optional<Layer>();
    }
    layer.input = conv.getInput();
    layer.groups = conv.getGroups();
    layer.outputs = type.getDimSize(0);
    layer.patch = type.getDimSize(1) * type.getDimSize(2) * type.getDimSize(3);
    ConvGeometry &g = layer.conv;
    g.channels = inType.getDimSize(1);
    g.height = inType.getDimSize(2);
    g.width = inType.getDimSize(3);
    g.kernelH = type.getDimSize(2);
    g.kernelW = type.getDimSize(3);
    g.strideH = conv.getStrides()[0];
    g.strideW = conv.getStrides()[1];
    g.padTop = conv.getPads()[0];
    g.padLeft = conv.getPads()[1];
    g.dilationH = conv.getDilations()[0];
    g.dilationW = conv.getDilations()[1];
    g.groups = layer.groups;
    g.outH = outType.getDimSize(2);
    g.outW = outType.getDimSize(3);
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
  layer.gram.assign(layer.groups * k * k, 0.0);
  return std::optional<Layer>(std::move(layer));
}

/// `count` distinct indices of [0, n) (all if count is 0 or >= n), random.
static void samplePositions(int64_t n, int64_t count, std::mt19937_64 &rng,
                            std::vector<int64_t> &out) {
  out.resize(n);
  std::iota(out.begin(), out.end(), 0);
  if (count <= 0 || count >= n)
    return;
  for (int64_t i = 0; i < count; ++i) {
    std::uniform_int_distribution<int64_t> pick(i, n - 1);
    std::swap(out[i], out[pick(rng)]);
  }
  out.resize(count);
  std::sort(out.begin(), out.end());
}

LogicalResult AdaRoundPass::accumulate(Layer &layer, const HostArray &input,
                                       const ObservedBatch &batch,
                                       std::mt19937_64 &rng) {
  if (input.kind != ElementKind::F32 || input.shape.empty() ||
      input.shape[0] != batch.batch) {
    layer.op->emitError() << "qnt-adaround: the input of this layer is not "
                             "an f32 tensor with the sample dim first";
    return failure();
  }
  const float *data = input.data<float>();
  int64_t perSample = input.numElements() / batch.batch;
  std::vector<int64_t> positions;
  if (isa<Conv2DOp>(layer.op)) {
    const ConvGeometry &g = layer.conv;
    for (int64_t r = 0; r < batch.rows; ++r) {
      samplePositions(g.outH * g.outW, positionsPerSample, rng, positions);
      accumulateConvGram(data + r * perSample, g, positions, layer.gram);
      layer.positions += static_cast<int64_t>(positions.size());
    }
    return success();
  }
  // matmul: rows of the last two dims (A x B), blocks of them per sample.
  ArrayRef<int64_t> shape = input.shape;
  int64_t rank = static_cast<int64_t>(shape.size());
  int64_t a = shape[rank - 2], b = shape[rank - 1];
  int64_t m = layer.transposeLhs ? b : a;
  int64_t rowStride = layer.transposeLhs ? 1 : b;
  int64_t colStride = layer.transposeLhs ? b : 1;
  // Rank 2: each sample is one row.
  int64_t rowsPerSample = rank == 2 ? 1 : perSample / layer.patch;
  std::vector<int64_t> offsets;
  for (int64_t r = 0; r < batch.rows; ++r) {
    samplePositions(rowsPerSample, positionsPerSample, rng, positions);
    offsets.clear();
    for (int64_t i : positions) {
      int64_t block = rank == 2 ? 0 : i / m, row = rank == 2 ? 0 : i % m;
      offsets.push_back(r * perSample + block * a * b + row * rowStride);
    }
    accumulateRowGram(data, offsets, layer.patch, colStride, layer.gram);
    layer.positions += static_cast<int64_t>(offsets.size());
  }
  return success();
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

  // G / P in f32 for the optimisation.
  std::vector<float> gram(layer.gram.size());
  double norm =
      1.0 / static_cast<double>(std::max<int64_t>(layer.positions, 1));
  for (size_t i = 0; i < gram.size(); ++i)
    gram[i] = static_cast<float>(layer.gram[i] * norm);

  // tr(D G D^T) over the groups (G normalised by P: the squared error
  // summed over output channels, averaged over positions, AIMET's
  // reconstruction loss); dg gets D G.
  std::vector<float> d(n), dg(n);
  auto error = [&](ArrayRef<float> w, bool withGradient) {
    for (int64_t i = 0; i < n; ++i)
      d[i] = w[i] - layer.weights[i];
    double sum = 0.0;
    for (int64_t g = 0; g < groups; ++g) {
      int64_t offset = g * rowsPerGroup * k;
      sum += gramReconstructionError(
          ArrayRef<float>(d).slice(offset, rowsPerGroup * k), rowsPerGroup, k,
          ArrayRef<float>(gram).slice(g * k * k, k * k),
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

  // The optimisation.
  std::vector<float> v(n), soft(n), dWdV(n), h(n), dhdV(n), regGrad(n), grad(n);
  adaRoundInitialize(layer.weights, k, layer.params, v);
  AdamOptions adamOptions;
  adamOptions.learningRate = learningRate;
  Adam<float> adam(n, adamOptions);
  for (int64_t it = 0; it < iterations; ++it) {
    adaRoundSoftWeights(layer.weights, k, layer.params, layer.spec, v, soft,
                        dWdV);
    error(soft, true);
    double scale = 2.0;
    for (int64_t i = 0; i < n; ++i)
      grad[i] = static_cast<float>(scale * dg[i] * dWdV[i]);
    if (regularizerActive(it, iterations, warmStart)) {
      double beta = annealedBeta(it, iterations, BetaDecay::Cosine, warmStart);
      rectifiedSigmoid(v, h, dhdV);
      roundingRegularizerGrad(h, beta, regGrad);
      for (int64_t i = 0; i < n; ++i)
        grad[i] += static_cast<float>(regWeight * regGrad[i] * dhdV[i]);
    }
    adam.step(v, grad);
  }

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
               << llvm::format("%.6g", adaroundError) << ", "
               << llvm::format("%.2f", seconds) << " s\n";
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
  std::mt19937_64 rng(static_cast<uint64_t>(seed));
  if (failed(model->run(*data, batchSize, [&](ObservedBatch &batch) {
        for (Layer &layer : layers)
          if (failed(accumulate(layer,
                                batch.outputs[observed.lookup(layer.input)],
                                batch, rng)))
            return failure();
        return success();
      })))
    return signalPassFailure();
  for (Layer &layer : layers)
    if (llvm::any_of(layer.gram, [](double x) { return !std::isfinite(x); })) {
      layer.op->emitError() << "qnt-adaround: the input of this layer is not "
                               "finite on the calibration data";
      return signalPassFailure();
    }
  double statsSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin)
          .count();

  for (auto [i, layer] : llvm::enumerate(layers))
    round(layer, static_cast<int64_t>(i) + 1,
          static_cast<int64_t>(layers.size()));

  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin)
          .count();
  llvm::errs() << "qnt-adaround: " << layers.size() << " layers over "
               << data->shape[0] << " samples in "
               << llvm::format("%.2f", seconds) << " s (compile "
               << llvm::format("%.2f", model->jit().compileSeconds())
               << " s, statistics " << llvm::format("%.2f", statsSeconds)
               << " s, " << iterations << " iterations per layer)\n";
}
