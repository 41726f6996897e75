//===- TestRangeAnalysis.cpp - print range lattices at probes ---*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// test-print-ranges: runs the range analysis and attaches what it found to
// every `"test.probe"(%v) : (...) -> ()` op (run with
// --allow-unregistered-dialect), in the manner of IREE's
// TestFloatRangeAnalysis:
//
//   range = "[lo, hi]"           the lattice value of %v ("unknown",
//                                "uninitialized", "[0, +inf]", ...)
//   group = "G/N [lo, hi]"       %v's grid group: its number G, its size N
//                                and its joined range
//   accumulator = "GX x GW"      if %v is a conv2d/matmul result: the groups
//                                whose grids determine its accumulator scale
//
// Group numbers count from 0 in the order the probes first meet them, so a
// test sees the same number for values in one group and different numbers
// otherwise. With `all-results`, every op result with a float element type
// also gets `test.range = "..."` (for whole models).
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Analysis/RangeAnalysis.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;
using namespace mlir::qnt;

namespace {

struct TestPrintRangesPass
    : public PassWrapper<TestPrintRangesPass, OperationPass<>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestPrintRangesPass)

  TestPrintRangesPass() = default;
  TestPrintRangesPass(const TestPrintRangesPass &other) : PassWrapper(other) {}

  StringRef getArgument() const final { return "test-print-ranges"; }
  StringRef getDescription() const final {
    return "Attaches the range lattice and grid groups to test.probe ops";
  }

  Option<double> bnNumStddev{*this, "bn-num-stddev",
                             llvm::cl::desc("BN-based range width"),
                             llvm::cl::init(6.0)};
  Option<bool> allResults{
      *this, "all-results",
      llvm::cl::desc("Also attach test.range to every float op result"),
      llvm::cl::init(false)};

  void runOnOperation() override {
    RangeAnalysisOptions options;
    options.bnNumStddev = bnNumStddev;
    FailureOr<RangeAnalysisResult> analysis =
        RangeAnalysisResult::compute(getOperation(), options);
    if (failed(analysis)) {
      getOperation()->emitError("range analysis failed");
      return signalPassFailure();
    }

    Builder builder(&getContext());
    DenseMap<unsigned, unsigned> numbers;
    auto groupNumber = [&](Value value) -> std::string {
      std::optional<unsigned> group = analysis->getGroupId(value);
      if (!group)
        return "none";
      return std::to_string(
          numbers.try_emplace(*group, numbers.size()).first->second);
    };
    auto print = [](const auto &printable) {
      std::string text;
      llvm::raw_string_ostream os(text);
      os << printable;
      return text;
    };

    getOperation()->walk([&](Operation *op) {
      if (op->getName().getStringRef() != "test.probe") {
        if (allResults && op->getNumResults() == 1 &&
            isa<FloatType>(getElementTypeOrSelf(op->getResult(0).getType())))
          op->setAttr("test.range",
                      builder.getStringAttr(
                          print(analysis->getLattice(op->getResult(0)))));
        return;
      }
      if (op->getNumOperands() != 1) {
        op->emitError("test.probe takes one operand");
        return signalPassFailure();
      }
      Value value = op->getOperand(0);
      op->setAttr("range",
                  builder.getStringAttr(print(analysis->getLattice(value))));
      op->setAttr("group",
                  builder.getStringAttr(
                      groupNumber(value) + "/" +
                      std::to_string(analysis->getGridGroup(value).size()) +
                      " " + print(analysis->getGroupLattice(value))));
      if (Operation *def = value.getDefiningOp()) {
        if (auto sources =
                RangeAnalysisResult::getAccumulatorScaleSources(def)) {
          std::string input = groupNumber(sources->input);
          std::string weight = groupNumber(sources->weight);
          op->setAttr("accumulator",
                      builder.getStringAttr(input + " x " + weight));
        }
      }
    });
  }
};

} // namespace

namespace mlir::qnt::test {
void registerTestPrintRangesPass() { PassRegistration<TestPrintRangesPass>(); }
} // namespace mlir::qnt::test
