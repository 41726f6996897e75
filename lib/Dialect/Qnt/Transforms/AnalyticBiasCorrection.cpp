//===- AnalyticBiasCorrection.cpp - data-free bias correction ---*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-analytic-bias-correction: the paper's data-free bias correction. The
// weight quantization error eps = q(W) - W shifts a layer's expected output
// by eps E[x]; when the layer's input comes from a layer whose batch-norm
// statistics were kept, E[x] follows from the normal distribution
// N(beta, gamma^2) of the pre-activation and the fused activation (the mean
// of a clipped normal), and the bias absorbs the shift: b -= eps E[x].
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Dialect/Qnt/Transforms/LayerWeights.h"
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h"
#include "quant-opt/Support/RangeSetting.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cmath>
#include <limits>

namespace mlir::qnt {
#define GEN_PASS_DEF_QNTANALYTICBIASCORRECTIONPASS
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h.inc"
} // namespace mlir::qnt

using namespace mlir;
using namespace mlir::qnt;

namespace {

/// The grid of each channel of a calibrated weight quantizer.
SmallVector<QuantGrid> quantizerGrids(FakeQuantOp quantizer) {
  QuantizerSpec spec;
  spec.bits = quantizer.getNumBits();
  spec.isSigned = quantizer.getIsSigned();
  spec.symmetric = quantizer.getSymmetric();
  spec.narrowRange = quantizer.getNarrowRange();
  SmallVector<QuantGrid> grids;
  ArrayRef<double> scales = *quantizer.getScale();
  ArrayRef<int64_t> zeroPoints = *quantizer.getZeroPoint();
  for (size_t c = 0; c < scales.size(); ++c)
    grids.push_back(QuantGrid({scales[c], zeroPoints[c]}, spec));
  return grids;
}

/// The conv2d or matmul that produced `value`, looking through activation
/// quantizers and annotations (their effect on the mean is ignored).
Operation *producingLayer(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (isa<Conv2DOp, MatMulOp>(def))
      return def;
    if (!isa<FakeQuantOp, StatsOp, AssumeRangeOp>(def))
      return nullptr;
    value = def->getOperand(0);
  }
  return nullptr;
}

struct QntAnalyticBiasCorrectionPass
    : public qnt::impl::QntAnalyticBiasCorrectionPassBase<
          QntAnalyticBiasCorrectionPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<Operation *> layers;
    getOperation()->walk([&](Operation *op) {
      if (isa<Conv2DOp, MatMulOp>(op))
        layers.push_back(op);
    });
    OpBuilder builder(&getContext());
    for (Operation *op : layers) {
      std::optional<LayerWeights> layer = LayerWeights::read(op);
      if (!layer || !layer->getQuantizer() ||
          !layer->getQuantizer().isCalibrated())
        continue;
      std::optional<std::vector<double>> inputMean = expectedInput(op, *layer);
      if (!inputMean)
        continue;

      // eps = q(W) - W, per element, on the quantizer's grid for the
      // element's channel along its axis.
      FakeQuantOp quantizer = layer->getQuantizer();
      SmallVector<QuantGrid> grids = quantizerGrids(quantizer);
      auto weightType = cast<RankedTensorType>(quantizer.getType());
      int64_t inner = 1, extent = 1;
      if (std::optional<uint64_t> axis = quantizer.getAxis()) {
        extent = weightType.getDimSize(*axis);
        for (int64_t d = *axis + 1; d < weightType.getRank(); ++d)
          inner *= weightType.getDimSize(d);
      }
      std::vector<double> weight = layer->weight;
      for (size_t i = 0; i < weight.size(); ++i) {
        const QuantGrid &grid = grids[(i / inner) % extent];
        layer->weight[i] = grid.apply(weight[i]) - weight[i];
      }
      // bias[o] += sum eps[o, i] * (-E[x_i]).
      for (double &mean : *inputMean)
        mean = -mean;
      layer->absorbInputShift(*inputMean);
      layer->weight = std::move(weight);
      layer->writeBias(builder, "_bc_bias");
      ++numCorrected;
    }
  }

  /// E[x_c] for each input channel of `op`, if its input comes from a layer
  /// with kept batch-norm statistics.
  std::optional<std::vector<double>> expectedInput(Operation *op,
                                                   const LayerWeights &layer) {
    Operation *producer = producingLayer(op->getOperand(0));
    if (!producer)
      return std::nullopt;
    auto gamma = producer->getAttrOfType<DenseF64ArrayAttr>("qnt.bn_gamma");
    auto beta = producer->getAttrOfType<DenseF64ArrayAttr>("qnt.bn_beta");
    if (!gamma || !beta || gamma.size() != layer.numInputs() ||
        beta.size() != layer.numInputs())
      return std::nullopt;
    // The input channels of a conv are dim 1, of a matmul the last dim:
    // the producer must have the same layout (conv -> conv, matmul ->
    // matmul), as for cross-layer equalization.
    if (isa<Conv2DOp>(op) != isa<Conv2DOp>(producer))
      return std::nullopt;
    double lo = -std::numeric_limits<double>::infinity();
    double hi = std::numeric_limits<double>::infinity();
    if (auto clamp = LayerWeights::fusedClamp(producer)) {
      lo = clamp->first;
      hi = clamp->second;
    }
    std::vector<double> mean(layer.numInputs());
    for (int64_t c = 0; c < layer.numInputs(); ++c)
      mean[c] = clippedNormalMean(beta[c], std::abs(gamma[c]), lo, hi);
    return mean;
  }
};

} // namespace
