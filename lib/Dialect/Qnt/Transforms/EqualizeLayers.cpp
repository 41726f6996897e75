//===- EqualizeLayers.cpp - cross-layer equalization ------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-equalize-layers: the paper's cross-layer equalization. For two layers
// joined by a positively scale-equivariant activation,
// W2 f(W1 x + b1) = W2 S f(S^-1 W1 x + S^-1 b1); the scales
// s_i = sqrt(r1_i / r2_i) make output channel i of W1 and input channel i of
// W2 span the same range. Chains of more than two layers (the
// depthwise-separable conv -> depthwise -> conv) are equalized by iterating
// over their pairs until the scales converge.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Dialect/Qnt/Transforms/ConstantUtils.h"
#include "quant-opt/Dialect/Qnt/Transforms/LayerWeights.h"
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"

#include <cmath>
#include <limits>
#include <set>

namespace mlir::qnt {
#define GEN_PASS_DEF_QNTEQUALIZELAYERSPASS
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h.inc"
} // namespace mlir::qnt

using namespace mlir;
using namespace mlir::qnt;

namespace {

/// max |w| over the elements of each channel, `channelOf` mapping a flat
/// weight index to its channel.
template <typename ChannelOf>
std::vector<double> channelRanges(const std::vector<double> &weight,
                                  int64_t channels, ChannelOf channelOf) {
  std::vector<double> ranges(channels, 0.0);
  for (size_t i = 0; i < weight.size(); ++i) {
    double &r = ranges[channelOf(i)];
    r = std::max(r, std::abs(weight[i]));
  }
  return ranges;
}

struct QntEqualizeLayersPass
    : public qnt::impl::QntEqualizeLayersPassBase<QntEqualizeLayersPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<Operation *> layerOps;
    getOperation()->walk([&](Operation *op) {
      if (isa<Conv2DOp, MatMulOp>(op))
        layerOps.push_back(op);
    });

    // The layers whose weights the pass may rewrite, and the pairs.
    llvm::DenseMap<Operation *, size_t> index;
    std::vector<LayerWeights> layers;
    auto lookup = [&](Operation *op) -> LayerWeights * {
      auto it = index.find(op);
      if (it != index.end())
        return &layers[it->second];
      std::optional<LayerWeights> weights = LayerWeights::read(op);
      if (!weights)
        return nullptr;
      index[op] = layers.size();
      layers.push_back(std::move(*weights));
      return &layers.back();
    };
    SmallVector<std::pair<size_t, size_t>> pairs;
    for (Operation *op : layerOps) {
      Operation *next = equalizableSuccessor(op);
      if (!next || !lookup(op) || !lookup(next))
        continue;
      pairs.push_back({index[op], index[next]});
    }
    llvm::DenseSet<size_t> producers;
    std::set<size_t> touched; // ordered: constants are created in IR order
    for (auto [first, second] : pairs) {
      producers.insert(first);
      touched.insert(first);
      touched.insert(second);
    }
    if (pairs.empty())
      return;

    // Gauss-Seidel over the pairs until no scale moves by more than the
    // tolerance. Each pair's scales equalize it exactly; a layer shared by
    // two pairs (the middle of a chain) makes one pair undo a little of the
    // other, which the iteration removes.
    int iterations = 0;
    double largestStep = std::numeric_limits<double>::infinity();
    while (largestStep > tolerance && iterations < maxIterations) {
      largestStep = 0;
      ++iterations;
      for (auto [first, second] : pairs) {
        LayerWeights &l1 = layers[first], &l2 = layers[second];
        std::vector<double> r1 =
            channelRanges(l1.weight, l1.numOutputs(),
                          [&](size_t i) { return l1.outputOf(i); });
        std::vector<double> r2 = channelRanges(
            l2.weight, l2.numInputs(), [&](size_t i) { return l2.inputOf(i); });
        std::vector<double> scales(r1.size(), 1.0);
        for (size_t c = 0; c < r1.size(); ++c) {
          // A dead channel on either side stays as it is.
          if (r1[c] > 0 && r2[c] > 0)
            scales[c] = std::sqrt(r1[c] / r2[c]);
          largestStep = std::max(largestStep, std::abs(std::log(scales[c])));
        }
        l1.scaleOutputs(scales, /*divide=*/true);
        l2.scaleInputs(scales);
      }
    }
    numPairs = pairs.size();
    numIterations = iterations;
    if (largestStep > tolerance)
      emitWarning(getOperation()->getLoc())
          << "cross-layer equalization did not converge in " << maxIterations
          << " iterations (largest log-scale step " << largestStep << ")";

    OpBuilder builder(&getContext());
    for (size_t i : touched) {
      // Only a ReLU6 between two equalized layers is replaced.
      if (relu6ToRelu && producers.contains(i))
        layers[i].replaceRelu6();
      layers[i].write(builder, "_cle");
    }
  }

  /// The layer that `op` feeds through an equalizable activation: none,
  /// ReLU, or (with relu6-to-relu) ReLU6.
  Operation *equalizableSuccessor(Operation *op) {
    Operation *next = LayerWeights::nextLayer(op);
    std::optional<std::pair<float, float>> clamp = LayerWeights::fusedClamp(op);
    if (!next || !clamp)
      return next;
    if (clamp->first != 0)
      return nullptr;
    if (std::isinf(clamp->second) || (relu6ToRelu && clamp->second == 6.0f))
      return next;
    return nullptr;
  }
};

} // namespace
