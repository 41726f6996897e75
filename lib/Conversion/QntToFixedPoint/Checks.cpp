//===- Checks.cpp - contracts of the integer lowering -----------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Two checking passes around convert-qnt-to-fixed-point:
//
//   qnt-check-no-quantized        after it: no !quant type and no quant op
//                                 is left (run in qnt-lower-to-llvm)
//   qnt-check-accumulator-bounds  the accumulator-bound analysis on its own,
//                                 with remarks for tests and for users
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Analysis/AccumulatorBounds.h"
#include "quant-opt/Conversion/Passes.h"
#include "quant-opt/Conversion/QntToFixedPoint/QntToFixedPoint.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/IR/BuiltinAttributes.h"

namespace mlir::quantopt {
#define GEN_PASS_DEF_CHECKNOQUANTIZEDPASS
#define GEN_PASS_DEF_CHECKACCUMULATORBOUNDSPASS
#include "quant-opt/Conversion/Passes.h.inc"
} // namespace mlir::quantopt

using namespace mlir;
using namespace mlir::quantopt;

namespace {

/// The first quantized type in `op`'s types or attributes, if any.
std::optional<Type> findQuantizedType(Operation *op) {
  std::optional<Type> found;
  auto check = [&](Type type) {
    if (!found && hasQuantizedType(type))
      found = type;
  };
  llvm::for_each(op->getOperandTypes(), check);
  llvm::for_each(op->getResultTypes(), check);
  for (Region &region : op->getRegions())
    for (Block &block : region)
      llvm::for_each(block.getArgumentTypes(), check);
  if (!found)
    op->getAttrDictionary().walk([&](Type type) { check(type); });
  return found;
}

struct CheckNoQuantizedPass
    : public quantopt::impl::CheckNoQuantizedPassBase<CheckNoQuantizedPass> {
  void runOnOperation() override {
    bool ok = true;
    getOperation()->walk([&](Operation *op) {
      if (isa<quant::QuantDialect>(op->getDialect())) {
        op->emitOpError("is left after the integer lowering; the quant "
                        "dialect does not reach LLVM");
        ok = false;
        return;
      }
      if (std::optional<Type> type = findQuantizedType(op)) {
        op->emitOpError("still has the quantized type ")
            << *type
            << " after the integer lowering (convert-qnt-to-fixed-point)";
        ok = false;
      }
    });
    if (!ok)
      signalPassFailure();
  }
};

struct CheckAccumulatorBoundsPass
    : public quantopt::impl::CheckAccumulatorBoundsPassBase<
          CheckAccumulatorBoundsPass> {
  using Base::Base;

  void runOnOperation() override {
    qnt::StoredRangeAnalysis ranges(getOperation());
    bool ok = true;
    getOperation()->walk([&](Operation *op) {
      if (!isa<qnt::Conv2DOp, qnt::MatMulOp>(op) || !hasQuantizedTypes(op))
        return;
      std::string reason;
      FailureOr<qnt::AccumulatorBound> bound =
          qnt::computeAccumulatorBound(op, ranges, &reason);
      if (failed(bound)) {
        op->emitOpError("has no accumulator bound: ") << reason;
        ok = false;
        return;
      }
      if (!bound->fitsInt32()) {
        op->emitOpError("accumulator may overflow int32: worst case |acc| = ")
            << bound->bound << " > 2^31 - 1";
        ok = false;
        return;
      }
      if (!remarks)
        return;
      // The lowering decides with storage ranges only; report its choice.
      qnt::StoredRangeAnalysis local(op);
      FailureOr<qnt::AccumulatorBound> storage =
          qnt::computeAccumulatorBound(op, local);
      bool folded = succeeded(storage) && storage->foldedFitsInt32();
      op->emitRemark() << "accumulator bound " << bound->bound
                       << " (K = " << bound->reductionLength
                       << ", max |x - z_x| = " << bound->maxAbsInput
                       << ", max |w - z_w| = " << bound->maxAbsWeight
                       << ", max |bias| = " << bound->maxAbsBias
                       << (bound->constantWeights ? ", constant weights" : "")
                       << "); "
                       << (folded ? "folded zero-point realisation"
                                  : "centered realisation");
    });
    if (!ok)
      signalPassFailure();
  }
};

} // namespace
