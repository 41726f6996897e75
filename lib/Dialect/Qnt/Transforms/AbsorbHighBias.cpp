//===- AbsorbHighBias.cpp - high-bias absorption ----------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-absorb-high-bias: the paper's high-bias absorption. Where a layer with
// kept batch-norm statistics feeds another through a ReLU, the part
// c = max(0, beta - a * |gamma|) of its output that the ReLU passes
// unchanged (for all but a tail of the assumed normal distribution) moves
// into the next layer's bias: b1 -= c, b2 += W2 c.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Dialect/Qnt/Transforms/LayerWeights.h"
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cmath>
#include <set>

namespace mlir::qnt {
#define GEN_PASS_DEF_QNTABSORBHIGHBIASPASS
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h.inc"
} // namespace mlir::qnt

using namespace mlir;
using namespace mlir::qnt;

namespace {

struct QntAbsorbHighBiasPass
    : public qnt::impl::QntAbsorbHighBiasPassBase<QntAbsorbHighBiasPass> {
  using Base::Base;

  void runOnOperation() override {
    if (!(numStddev >= 0)) {
      emitError(getOperation()->getLoc())
          << "num-stddev must be a non-negative number, got " << numStddev;
      return signalPassFailure();
    }
    SmallVector<std::pair<Operation *, Operation *>> pairs;
    getOperation()->walk([&](Operation *op) {
      Operation *next = LayerWeights::nextLayer(op);
      std::optional<std::pair<float, float>> clamp =
          LayerWeights::fusedClamp(op);
      if (next && clamp && clamp->first == 0 && std::isinf(clamp->second))
        pairs.push_back({op, next});
    });

    OpBuilder builder(&getContext());
    for (auto [first, second] : pairs) {
      std::optional<LayerWeights> l1 = LayerWeights::read(first);
      std::optional<LayerWeights> l2 = LayerWeights::read(second);
      if (!l1 || !l2 || !l1->bnGamma || !l1->bnBeta)
        continue;
      std::vector<double> shift(l1->numOutputs(), 0.0);
      bool any = false;
      for (int64_t c = 0; c < l1->numOutputs(); ++c) {
        shift[c] = std::max(0.0, (*l1->bnBeta)[c] -
                                     numStddev * std::abs((*l1->bnGamma)[c]));
        l1->bias[c] -= shift[c];
        (*l1->bnBeta)[c] -= shift[c];
        any |= shift[c] > 0;
      }
      if (!any)
        continue;
      l2->absorbInputShift(shift);
      l1->write(builder, "_hba");
      l2->write(builder, "_hba");
      ++numAbsorbed;
    }
  }
};

} // namespace
