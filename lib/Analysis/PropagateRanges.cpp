//===- PropagateRanges.cpp - write ranges onto quantizers -------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-propagate-ranges: runs the range analysis and materialises its group
// ranges and grid groups as qnt.range / qnt.grid_group attributes on the
// qnt.fake_quant ops.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Analysis/Passes.h"
#include "quant-opt/Analysis/RangeAnalysis.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/IR/Builders.h"

namespace mlir::qnt {
#define GEN_PASS_DEF_QNTPROPAGATERANGESPASS
#include "quant-opt/Analysis/Passes.h.inc"
} // namespace mlir::qnt

using namespace mlir;
using namespace mlir::qnt;

namespace {

constexpr StringLiteral kRangeAttr = "qnt.range";
constexpr StringLiteral kGridGroupAttr = "qnt.grid_group";

struct PropagateRangesPass
    : public qnt::impl::QntPropagateRangesPassBase<PropagateRangesPass> {
  using QntPropagateRangesPassBase::QntPropagateRangesPassBase;

  void runOnOperation() override {
    RangeAnalysisOptions options;
    options.bnNumStddev = bnNumStddev;
    FailureOr<RangeAnalysisResult> analysis =
        RangeAnalysisResult::compute(getOperation(), options);
    if (failed(analysis)) {
      getOperation()->emitError("range analysis failed");
      return signalPassFailure();
    }

    SmallVector<FakeQuantOp> quantizers;
    getOperation()->walk(
        [&](FakeQuantOp quantizer) { quantizers.push_back(quantizer); });

    // The groups of uncalibrated quantizers with a finite group range,
    // numbered in IR order.
    DenseMap<unsigned, int64_t> numbers;
    for (FakeQuantOp quantizer : quantizers) {
      if (quantizer.isCalibrated() ||
          !analysis->getGroupRange(quantizer.getResult()))
        continue;
      unsigned group = *analysis->getGroupId(quantizer.getResult());
      numbers.try_emplace(group, static_cast<int64_t>(numbers.size()));
    }
    numGroups = numbers.size();

    Builder builder(&getContext());
    for (FakeQuantOp quantizer : quantizers) {
      quantizer->removeAttr(kRangeAttr);
      quantizer->removeAttr(kGridGroupAttr);
      std::optional<unsigned> group =
          analysis->getGroupId(quantizer.getResult());
      auto number = group ? numbers.find(*group) : numbers.end();
      if (number == numbers.end())
        continue;
      quantizer->setAttr(kGridGroupAttr,
                         builder.getI64IntegerAttr(number->second));
      if (quantizer.isCalibrated())
        continue;
      Interval range = *analysis->getGroupRange(quantizer.getResult());
      quantizer->setAttr(kRangeAttr,
                         builder.getDenseF64ArrayAttr({range.lo, range.hi}));
      ++numRanges;
    }
  }
};

} // namespace
