//===- QntToLinalg.cpp - convert-qnt-to-linalg pass driver ------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The pass driver: diagnoses what the patterns cannot lower, then converts
// every qnt op with the op-family patterns (Linear, Elementwise, Pooling,
// Normalization, DataMovement).
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Conversion/Passes.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Transforms/DialectConversion.h"

namespace mlir::quantopt {
#define GEN_PASS_DEF_CONVERTQNTTOLINALGPASS
#include "quant-opt/Conversion/Passes.h.inc"
} // namespace mlir::quantopt

using namespace mlir;
using namespace mlir::quantopt;

void mlir::quantopt::populateQntToLinalgConversionPatterns(
    RewritePatternSet &patterns) {
  populateQntLinearToLinalgPatterns(patterns);
  populateQntElementwiseToLinalgPatterns(patterns);
  populateQntPoolingToLinalgPatterns(patterns);
  populateQntNormalizationToLinalgPatterns(patterns);
  populateQntDataMovementToTensorPatterns(patterns);
}

/// Emits an error on each qnt op this lowering cannot handle.
static LogicalResult checkLowerable(Operation *root) {
  bool ok = true;
  root->walk([&](Operation *op) {
    if (!isa<qnt::QntDialect>(op->getDialect()))
      return;
    auto isQuantized = [](Type type) {
      return static_cast<bool>(qnt::getUniformQuantizedElementType(type));
    };
    if (llvm::any_of(op->getOperandTypes(), isQuantized) ||
        llvm::any_of(op->getResultTypes(), isQuantized)) {
      op->emitOpError("on quantized tensors is not lowered by "
                      "convert-qnt-to-linalg, which handles the float form");
      ok = false;
      return;
    }
    if (auto fq = dyn_cast<qnt::FakeQuantOp>(op); fq && !fq.isCalibrated()) {
      fq.emitOpError("has no scale and zero_point yet; set ranges before "
                     "lowering the quantization simulation");
      ok = false;
    }
  });
  return success(ok);
}

namespace {
struct ConvertQntToLinalgPass
    : public quantopt::impl::ConvertQntToLinalgPassBase<
          ConvertQntToLinalgPass> {
  void runOnOperation() override {
    if (failed(checkLowerable(getOperation())))
      return signalPassFailure();
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<qnt::QntDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(ctx);
    populateQntToLinalgConversionPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
