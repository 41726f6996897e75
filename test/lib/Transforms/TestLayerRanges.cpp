//===- TestLayerRanges.cpp - channel ranges of layer pairs -----*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// test-print-layer-ranges: for every pair of layers that cross-layer
// equalization considers (LayerWeights::nextLayer), prints to stdout
//
//   layer-pair <index>: <fused activation> worst |log(r1_c / r2_c)| = <x> over
//   <n> channels
//
// with r1_c the range of output channel c of the first layer's weight and
// r2_c the range of input channel c of the second's (channels where either
// is 0 are skipped). After qnt-equalize-layers every x is ~0.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Dialect/Qnt/Transforms/LayerWeights.h"

#include "mlir/Pass/Pass.h"
#include "llvm/Support/Format.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qnt;

namespace {

struct TestPrintLayerRangesPass
    : public PassWrapper<TestPrintLayerRangesPass, OperationPass<>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestPrintLayerRangesPass)

  StringRef getArgument() const final { return "test-print-layer-ranges"; }
  StringRef getDescription() const final {
    return "Prints how far apart the channel ranges of layer pairs are";
  }

  void runOnOperation() override {
    int index = 0;
    getOperation()->walk([&](Operation *op) {
      Operation *next = LayerWeights::nextLayer(op);
      std::optional<LayerWeights> l1 = LayerWeights::read(op);
      std::optional<LayerWeights> l2 =
          next ? LayerWeights::read(next) : std::nullopt;
      if (!l1 || !l2)
        return;
      std::vector<double> r1(l1->numOutputs(), 0.0), r2(l2->numInputs(), 0.0);
      for (size_t i = 0; i < l1->weight.size(); ++i)
        r1[l1->outputOf(i)] =
            std::max(r1[l1->outputOf(i)], std::abs(l1->weight[i]));
      for (size_t i = 0; i < l2->weight.size(); ++i)
        r2[l2->inputOf(i)] =
            std::max(r2[l2->inputOf(i)], std::abs(l2->weight[i]));
      double worst = 0;
      int channels = 0;
      for (size_t c = 0; c < r1.size(); ++c) {
        if (r1[c] == 0 || r2[c] == 0)
          continue;
        worst = std::max(worst, std::abs(std::log(r1[c] / r2[c])));
        ++channels;
      }
      std::string activation = "none";
      if (auto clamp = LayerWeights::fusedClamp(op))
        activation = std::isinf(clamp->second) ? "relu" : "clamp";
      llvm::outs() << "layer-pair " << index++ << ": " << activation
                   << " worst |log(r1_c / r2_c)| = "
                   << llvm::format("%.6f", worst) << " over " << channels
                   << " channels\n";
    });
  }
};

} // namespace

namespace mlir::qnt::test {
void registerTestPrintLayerRangesPass() {
  PassRegistration<TestPrintLayerRangesPass>();
}
} // namespace mlir::qnt::test
