//===- QntToLinalg.cpp - convert-qnt-to-linalg pass driver ------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The pass driver: diagnoses what the patterns cannot lower, then converts
// every qnt op with the op-family patterns (Linear, Elementwise, Pooling,
// Normalization, DataMovement), and, when the simulation mirrors an integer
// rounding mode, the exact-simulation patterns (ExactSimulation).
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Conversion/Passes.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Interfaces/FunctionInterfaces.h"
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

/// The rounding the simulation mirrors: the `rounding` option, else the
/// `qnt.rounding` attribute of the op or an ancestor, else none (float).
static LogicalResult
simulationRounding(Operation *op, StringRef option,
                   std::optional<qnt::RoundingMode> &mode) {
  mode.reset();
  if (!option.empty()) {
    if (option == "float")
      return success();
    mode = qnt::symbolizeRoundingMode(option);
    if (mode)
      return success();
    return op->emitError("convert-qnt-to-linalg: unknown rounding '")
           << option
           << "'; use float, half_to_even, single_round or double_round";
  }
  mode = qnt::getSimulationRounding(op);
  return success();
}

namespace {
struct ConvertQntToLinalgPass
    : public quantopt::impl::ConvertQntToLinalgPassBase<
          ConvertQntToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    if (failed(checkLowerable(getOperation())))
      return signalPassFailure();
    // Each function is converted with its own simulation rounding (its
    // qnt.rounding attribute may differ from its neighbours').
    SmallVector<Operation *> scopes;
    if (isa<FunctionOpInterface>(getOperation()))
      scopes.push_back(getOperation());
    else
      getOperation()->walk(
          [&](FunctionOpInterface func) { scopes.push_back(func); });
    if (scopes.empty())
      scopes.push_back(getOperation());
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<qnt::QntDialect>();
    // The int8 micro-kernels' instructions (qnt-lower-int8-kernels) stay
    // until convert-qnt-intrinsics-to-llvm, their non-temporal stores until
    // bufferization.
    target.addLegalOp<qnt::DotIntrinsicOp, qnt::NontemporalWriteOp>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    for (Operation *scope : scopes) {
      std::optional<qnt::RoundingMode> mode;
      if (failed(simulationRounding(scope, rounding, mode)))
        return signalPassFailure();
      RewritePatternSet patterns(ctx);
      populateQntToLinalgConversionPatterns(patterns);
      if (mode) {
        // The exact patterns match chains (layer -> activations ->
        // quantizer) on the unconverted IR: annotations must not break
        // them, as they do not in qnt-quantize.
        qnt::eraseAnnotations(scope);
        populateQntExactSimulationPatterns(patterns, *mode);
      }
      if (failed(applyPartialConversion(scope, target, std::move(patterns))))
        return signalPassFailure();
    }
  }
};
} // namespace
