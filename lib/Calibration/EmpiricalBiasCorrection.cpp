//===- EmpiricalBiasCorrection.cpp - bias correction from data --*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-empirical-bias-correction: the paper's bias correction with the means
// measured on calibration data. The layers are corrected in topological
// waves, one run of the quantization simulation (quantizers active) over the
// data per wave, so each layer sees the corrections of the layers before
// it; each wave runs the segment of the simulation that depends on the wave
// before (WavePlan), JIT-compiled (ObservedModel) to return that wave's
// layer inputs, with the layer biases as run-time arguments. Per
// layer the mean im2col patch (conv2d) or lhs row (matmul) of its input
// gives its mean pre-activation output. With reference=float-network, one
// run of the float model first gives the mean patches of the float network,
// and the bias absorbs W E[x] - W~ E[x~] (the float network's mean output
// minus the quantized network's); with reference=float-layer it absorbs
// (W - W~) E[x~] (the float layer's on the quantized input).
//
//===----------------------------------------------------------------------===//

#include "ObservedModel.h"
#include "WavePlan.h"

#include "quant-opt/Calibration/Passes.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Dialect/Qnt/Transforms/LayerWeights.h"
#include "quant-opt/Support/AdaRoundMath.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>

namespace mlir::qnt {
#define GEN_PASS_DEF_QNTEMPIRICALBIASCORRECTIONPASS
#include "quant-opt/Calibration/Passes.h.inc"
} // namespace mlir::qnt

using namespace mlir;
using namespace mlir::qnt;
using quantopt::ElementKind;
using quantopt::HostArray;
using quantopt::HostArrayView;

static constexpr StringLiteral kPass = "qnt-empirical-bias-correction";

namespace {

/// One layer to correct.
struct Layer {
  Operation *op;
  LayerWeights weights;
  /// W - W~, in the weight's layout.
  std::vector<double> error;
  /// The layer's activation input (conv2d input, matmul lhs).
  Value input;
  /// conv2d: the geometry of the input and output.
  bool isConv = false;
  ConvGeometry conv;
  /// matmul: the contraction length K.
  int64_t depth = 0;
  /// The sum of the input patches (conv2d: C x kH x kW; matmul: K) in the
  /// quantized network and how many were added.
  std::vector<double> patchSum;
  int64_t count = 0;
  /// The same in the float network (reference=float-network).
  std::vector<double> floatPatchSum;
  int64_t floatCount = 0;
  /// The wave the layer is corrected in.
  int64_t wave = 0;
  /// The current bias, passed to the simulation.
  std::vector<float> bias;
};

struct EmpiricalBiasCorrectionPass
    : public qnt::impl::QntEmpiricalBiasCorrectionPassBase<
          EmpiricalBiasCorrectionPass> {
  using Base::Base;

  void runOnOperation() override;

private:
  /// The layer of `op`, or nullopt when it has no calibrated weight
  /// quantizer of an f32 constant (or a layout the pass does not handle).
  std::optional<Layer> collect(Operation *op);
  /// Adds one batch's input patches to `sum` (the layer's patchSum or
  /// floatPatchSum) and their number to `count`.
  LogicalResult accumulate(Layer &layer, const HostArray &input,
                           const ObservedBatch &batch, std::vector<double> &sum,
                           int64_t &count);
  /// One run of the float model over `data`, accumulating every layer's
  /// floatPatchSum.
  LogicalResult observeFloatNetwork(ModuleOp module, func::FuncOp function,
                                    std::vector<Layer> &layers,
                                    std::optional<HostArray> &data,
                                    HostArray &raw);
  /// Computes the correction from the mean patch and writes the new bias
  /// into `layer.weights.bias` and `layer.bias`. Returns max |correction|.
  FailureOr<double> correct(Layer &layer);
};

} // namespace

/// The quantizer's own arithmetic (docs/Numerics.md section 4), in f32:
/// (clamp(round_half_even(x / f32(s)) + z, q_min, q_max) - z) * f32(s).
static float fakeQuant(float x, float scale, int64_t zeroPoint, int64_t qmin,
                       int64_t qmax) {
  float q = std::nearbyint(x / scale) + static_cast<float>(zeroPoint);
  q = std::clamp(q, static_cast<float>(qmin), static_cast<float>(qmax));
  return (q - static_cast<float>(zeroPoint)) * scale;
}

std::optional<Layer> EmpiricalBiasCorrectionPass::collect(Operation *op) {
  std::optional<LayerWeights> weights = LayerWeights::read(op);
  if (!weights || !weights->getQuantizer() ||
      !weights->getQuantizer().isCalibrated())
    return std::nullopt;
  Layer layer{op, std::move(*weights)};
  FakeQuantOp quantizer = layer.weights.getQuantizer();
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    std::optional<ConvGeometry> geometry = getConvGeometry(conv, kPass);
    if (!geometry)
      return std::nullopt;
    layer.isConv = true;
    layer.input = conv.getInput();
    layer.conv = *geometry;
    const ConvGeometry &g = layer.conv;
    layer.patchSum.assign(g.channels * g.kernelH * g.kernelW, 0.0);
    layer.floatPatchSum = layer.patchSum;
  } else {
    auto matmul = cast<MatMulOp>(op);
    auto lhsType = cast<RankedTensorType>(matmul.getLhs().getType());
    layer.input = matmul.getLhs();
    layer.depth = layer.weights.numInputs();
    if (lhsType.isDynamicDim(lhsType.getRank() - 1) ||
        llvm::any_of(lhsType.getShape().drop_front(), ShapedType::isDynamic)) {
      op->emitWarning() << kPass
                        << ": skipping a matmul whose lhs has dynamic dims "
                           "other than the sample dim";
      return std::nullopt;
    }
    layer.patchSum.assign(layer.depth, 0.0);
    layer.floatPatchSum = layer.patchSum;
  }
  if (Operation *parent = op->getParentOp(); !isa<func::FuncOp>(parent)) {
    op->emitWarning() << kPass << ": skipping a layer inside '"
                      << parent->getName() << "'";
    return std::nullopt;
  }

  // W - W~ per element, on the grid of the element's channel.
  ArrayRef<double> scales = *quantizer.getScale();
  SmallVector<int64_t> zeros(scales.size(), 0);
  if (auto zp = quantizer.getZeroPoint())
    zeros.assign(zp->begin(), zp->end());
  auto weightType = cast<RankedTensorType>(quantizer.getType());
  int64_t inner = 1, extent = 1;
  if (std::optional<uint64_t> axis = quantizer.getAxis()) {
    extent = weightType.getDimSize(*axis);
    for (int64_t d = *axis + 1; d < weightType.getRank(); ++d)
      inner *= weightType.getDimSize(d);
  }
  int64_t qmin = quantizer.getQMin(), qmax = quantizer.getQMax();
  const std::vector<double> &w = layer.weights.weight;
  layer.error.resize(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    size_t c = (i / inner) % extent;
    float x = static_cast<float>(w[i]);
    layer.error[i] =
        static_cast<double>(x) -
        fakeQuant(x, static_cast<float>(scales[c]), zeros[c], qmin, qmax);
  }
  layer.bias.assign(layer.weights.bias.begin(), layer.weights.bias.end());
  return layer;
}

LogicalResult EmpiricalBiasCorrectionPass::accumulate(
    Layer &layer, const HostArray &input, const ObservedBatch &batch,
    std::vector<double> &patchSum, int64_t &count) {
  if (input.kind != ElementKind::F32 || input.shape.empty() ||
      input.shape[0] != batch.batch) {
    layer.op->emitError() << kPass
                          << ": the input of this layer is not an f32 tensor "
                             "with the sample dim first";
    return failure();
  }
  const float *data = input.data<float>();
  int64_t perSample = input.numElements() / batch.batch;
  if (!layer.isConv) {
    // Every row of every sample.
    int64_t k = layer.depth;
    int64_t n = batch.rows * perSample;
    for (int64_t i = 0; i < n; i += k)
      for (int64_t j = 0; j < k; ++j)
        patchSum[j] += data[i + j];
    count += n / k;
    return success();
  }
  // conv2d: the sum over output positions of each patch element is the sum
  // of the input over the rows and columns that kernel tap visits.
  const ConvGeometry &g = layer.conv;
  auto visited = [](int64_t tap, int64_t dilation, int64_t stride, int64_t pad,
                    int64_t out, int64_t size) {
    std::vector<int64_t> indices;
    for (int64_t o = 0; o < out; ++o) {
      int64_t i = o * stride + tap * dilation - pad;
      if (i >= 0 && i < size)
        indices.push_back(i);
    }
    return indices;
  };
  std::vector<std::vector<int64_t>> rows(g.kernelH), cols(g.kernelW);
  for (int64_t ky = 0; ky < g.kernelH; ++ky)
    rows[ky] = visited(ky, g.dilationH, g.strideH, g.padTop, g.outH, g.height);
  for (int64_t kx = 0; kx < g.kernelW; ++kx)
    cols[kx] = visited(kx, g.dilationW, g.strideW, g.padLeft, g.outW, g.width);
  int64_t taps = g.kernelH * g.kernelW;
  std::vector<double> rowSums(g.height * g.kernelW);
  for (int64_t r = 0; r < batch.rows; ++r) {
    for (int64_t c = 0; c < g.channels; ++c) {
      const float *plane = data + r * perSample + c * g.height * g.width;
      // rowSums[y][kx]: the sum of row y over the columns tap kx visits.
      for (int64_t y = 0; y < g.height; ++y)
        for (int64_t kx = 0; kx < g.kernelW; ++kx) {
          double sum = 0.0;
          for (int64_t x : cols[kx])
            sum += plane[y * g.width + x];
          rowSums[y * g.kernelW + kx] = sum;
        }
      for (int64_t ky = 0; ky < g.kernelH; ++ky)
        for (int64_t kx = 0; kx < g.kernelW; ++kx) {
          double sum = 0.0;
          for (int64_t y : rows[ky])
            sum += rowSums[y * g.kernelW + kx];
          patchSum[c * taps + ky * g.kernelW + kx] += sum;
        }
    }
  }
  count += batch.rows * g.outH * g.outW;
  return success();
}

FailureOr<double> EmpiricalBiasCorrectionPass::correct(Layer &layer) {
  bool network = reference == "float-network";
  double norm = 1.0 / static_cast<double>(std::max<int64_t>(layer.count, 1));
  double floatNorm =
      1.0 / static_cast<double>(std::max<int64_t>(layer.floatCount, 1));
  for (const std::vector<double> *sums :
       {&layer.patchSum, &layer.floatPatchSum})
    for (double sum : *sums)
      if (!std::isfinite(sum)) {
        layer.op->emitError()
            << kPass << ": the input of this layer is not finite on the "
            << "calibration data in the "
            << (sums == &layer.patchSum ? "quantized" : "float") << " network";
        return failure();
      }
  LayerWeights &weights = layer.weights;
  std::vector<double> correction(weights.numOutputs(), 0.0);
  int64_t taps = layer.isConv ? layer.conv.kernelH * layer.conv.kernelW : 1;
  for (size_t i = 0; i < layer.error.size(); ++i) {
    int64_t tap = layer.isConv ? static_cast<int64_t>(i) % taps : 0;
    int64_t index = weights.inputOf(i) * taps + tap;
    double mean = layer.patchSum[index] * norm;
    // float-layer: (W - W~) E[x~]; float-network: W E[x] - W~ E[x~], i.e.
    // that plus W (E[x] - E[x~]).
    double shift = layer.error[i] * mean;
    if (network)
      shift +=
          weights.weight[i] * (layer.floatPatchSum[index] * floatNorm - mean);
    correction[weights.outputOf(i)] += shift;
  }
  double largest = 0.0;
  for (int64_t o = 0; o < weights.numOutputs(); ++o) {
    weights.bias[o] += correction[o];
    layer.bias[o] = static_cast<float>(weights.bias[o]);
    largest = std::max(largest, std::abs(correction[o]));
  }
  return largest;
}

LogicalResult EmpiricalBiasCorrectionPass::observeFloatNetwork(
    ModuleOp module, func::FuncOp function, std::vector<Layer> &layers,
    std::optional<HostArray> &data, HostArray &raw) {
  auto start = std::chrono::steady_clock::now();
  // Every layer's input in the float model (ObservedModel looks through the
  // activation quantizers it bypasses); layers may share an input.
  llvm::MapVector<Value, unsigned> observed;
  for (Layer &layer : layers)
    observed.insert({layer.input, observed.size()});
  SmallVector<Value> values;
  for (auto &item : observed)
    values.push_back(item.first);
  ObservedModelOptions options;
  options.quiet = true;
  auto model = ObservedModel::compile(module, function, values, kPass, options);
  if (failed(model))
    return failure();
  FailureOr<HostArray> prepared =
      model->prepareData(std::move(raw), calibrationData, numSamples);
  if (failed(prepared))
    return failure();
  data = std::move(*prepared);
  if (failed(model->run(*data, batchSize, [&](ObservedBatch &batch) {
        for (Layer &layer : layers)
          if (failed(accumulate(layer,
                                batch.outputs[observed.lookup(layer.input)],
                                batch, layer.floatPatchSum, layer.floatCount)))
            return failure();
        return success();
      })))
    return failure();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  llvm::errs() << kPass << ": float network: the inputs of " << layers.size()
               << " layers, " << llvm::format("%.2f", seconds) << " s (compile "
               << llvm::format("%.2f", model->jit().compileSeconds())
               << " s)\n";
  return success();
}

void EmpiricalBiasCorrectionPass::runOnOperation() {
  ModuleOp module = getOperation();
  auto begin = std::chrono::steady_clock::now();
  if (calibrationData.empty()) {
    mlir::emitError(module.getLoc())
        << kPass << " needs calibration-data=<file.npy>";
    return signalPassFailure();
  }
  if (batchSize < 1 || numSamples < 0) {
    mlir::emitError(module.getLoc())
        << kPass << ": batch-size must be positive and num-samples "
        << "non-negative";
    return signalPassFailure();
  }
  if (activations != "quantized" && activations != "float") {
    mlir::emitError(module.getLoc())
        << kPass << ": activations must be quantized or float, not '"
        << activations << "'";
    return signalPassFailure();
  }
  if (reference != "float-network" && reference != "float-layer") {
    mlir::emitError(module.getLoc())
        << kPass << ": reference must be float-network or float-layer, not '"
        << reference << "'";
    return signalPassFailure();
  }
  func::FuncOp function = findEntryOrError(module, entry.getValue(), kPass);
  if (!function)
    return signalPassFailure();

  // The layers in program order.
  std::vector<Layer> layers;
  function.walk([&](Operation *op) {
    if (!isa<Conv2DOp, MatMulOp>(op))
      return;
    if (std::optional<Layer> layer = collect(op))
      layers.push_back(std::move(*layer));
  });
  if (layers.empty()) {
    mlir::emitWarning(module.getLoc())
        << kPass
        << ": no qnt.conv2d or qnt.matmul with a calibrated weight quantizer "
           "of an f32 constant; nothing to correct";
    return;
  }
  // The simulation needs every quantizer's grid.
  WalkResult uncalibrated = module.walk([&](FakeQuantOp op) {
    if (op.isCalibrated())
      return WalkResult::advance();
    op.emitError() << kPass
                   << " runs on a quantization simulation, but this "
                      "quantizer has no range yet (run qnt-set-ranges first)";
    return WalkResult::interrupt();
  });
  if (uncalibrated.wasInterrupted())
    return signalPassFailure();

  auto raw = ObservedModel::readData(module, calibrationData, kPass);
  if (failed(raw))
    return signalPassFailure();
  // Each layer's wave: the number of corrected layers on the longest path
  // from the arguments to it. Per wave, the segment of the simulation that
  // depends on the wave before (WavePlan), returning the inputs of the
  // wave's layers, with the biases of all layers as arguments.
  int64_t samples = raw->shape.empty() ? 0 : raw->shape[0];
  if (numSamples > 0)
    samples = std::min<int64_t>(samples, numSamples);
  WavePlan plan =
      planLayerWaves(function, layers, /*cut=*/true, samples, kPass);
  int64_t waves = static_cast<int64_t>(plan.segments.size());
  ObservedModelOptions options;
  options.keepQuantizers = true;
  options.weightQuantizersOnly = activations == "float";
  options.quiet = true;
  for (Layer &layer : layers)
    options.biasArguments.push_back(layer.op);
  std::optional<HostArray> data;
  if (reference == "float-network" &&
      failed(observeFloatNetwork(module, function, layers, data, *raw)))
    return signalPassFailure();
  SmallVector<SmallVector<int64_t, 1>> biasShapes;
  for (Layer &layer : layers)
    biasShapes.push_back({static_cast<int64_t>(layer.bias.size())});
  std::optional<KeptActivations> kept;
  for (int64_t wave = 0; wave < waves; ++wave) {
    auto start = std::chrono::steady_clock::now();
    const WaveSegment &segment = plan.segments[wave];
    SmallVector<Layer *> current;
    for (Layer &layer : layers)
      if (layer.wave == wave)
        current.push_back(&layer);
    options.valuesAsArguments = segment.arguments;
    auto model = ObservedModel::compile(module, function, segment.results,
                                        kPass, options);
    if (failed(model))
      return signalPassFailure();
    if (!data) {
      FailureOr<HostArray> prepared =
          model->prepareData(std::move(*raw), calibrationData, numSamples);
      if (failed(prepared))
        return signalPassFailure();
      data = std::move(*prepared);
    }
    if (!kept)
      kept.emplace(plan, data->shape[0]);
    if (wave == 0)
      llvm::errs() << kPass << ": " << layers.size() << " layers in " << waves
                   << " waves, " << data->shape[0] << " samples, reference "
                   << reference << ", " << activations << " activations\n";
    SmallVector<HostArrayView> biases;
    for (auto [layer, shape] : llvm::zip_equal(layers, biasShapes))
      biases.push_back({ElementKind::F32, shape, layer.bias.data()});
    if (failed(model->run(
            *data, batchSize,
            [&](ObservedBatch &batch) {
              for (Layer *layer : current)
                if (failed(accumulate(
                        *layer, batch.outputs[segment.indexOf(layer->input)],
                        batch, layer->patchSum, layer->count)))
                  return failure();
              kept->keep(segment, batch);
              return success();
            },
            biases, kept->arguments(segment))))
      return signalPassFailure();
    kept->release(wave);
    double largest = 0.0;
    for (Layer *layer : current) {
      FailureOr<double> shift = correct(*layer);
      if (failed(shift))
        return signalPassFailure();
      largest = std::max(largest, *shift);
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    llvm::errs() << kPass << ": wave " << wave + 1 << "/" << waves << ": "
                 << current.size() << " layers, max |bias shift| "
                 << llvm::format("%.4g", largest) << ", "
                 << llvm::format("%.2f", seconds) << " s (compile "
                 << llvm::format("%.2f", model->jit().compileSeconds())
                 << " s)\n";
  }
  numWaves = waves;

  OpBuilder builder(&getContext());
  for (Layer &layer : layers) {
    layer.weights.writeBias(builder, "_ebc_bias");
    ++numCorrected;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin)
          .count();
  llvm::errs() << kPass << ": " << layers.size() << " biases corrected in "
               << llvm::format("%.2f", seconds) << " s\n";
}
