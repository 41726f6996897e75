//===- QntToFixedPoint.cpp - convert-qnt-to-fixed-point driver --*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The pass driver: the storage type converter, the conversion target, the
// check of what the patterns cannot lower (with a precise error per op),
// and the conversion with the op-family patterns (Linear, Requantize,
// Elementwise, Pooling, DataMovement).
//
//   quantized qnt ops ──convert-qnt-to-fixed-point──▶ linalg/arith/tensor on
//       storage integers (+ float-form qnt ops for the float-realised ops)
//   ──qnt-check-no-quantized──▶ convert-qnt-to-linalg ──▶ ... ──▶ llvm
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "quant-opt/Analysis/AccumulatorBounds.h"
#include "quant-opt/Conversion/Passes.h"
#include "quant-opt/Conversion/QntToFixedPoint/QntToFixedPoint.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Support/FixedPointMath.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::quantopt {
#define GEN_PASS_DEF_CONVERTQNTTOFIXEDPOINTPASS
#include "quant-opt/Conversion/Passes.h.inc"
} // namespace mlir::quantopt

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::fixedpoint;

//===----------------------------------------------------------------------===//
// Type converter and target
//===----------------------------------------------------------------------===//

QuantizedStorageTypeConverter::QuantizedStorageTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](quant::QuantizedType type) -> Type {
    return IntegerType::get(type.getContext(),
                            type.getStorageTypeIntegralWidth());
  });
  addConversion([this](TensorType type) -> Type {
    auto element = dyn_cast<quant::QuantizedType>(type.getElementType());
    if (!element)
      return type;
    return type.clone(convertType(element));
  });
}

bool mlir::quantopt::hasQuantizedType(Type type) {
  bool found = false;
  type.walk([&](quant::QuantizedType) { found = true; });
  return found;
}

bool mlir::quantopt::hasQuantizedTypes(Operation *op) {
  if (llvm::any_of(op->getOperandTypes(), hasQuantizedType) ||
      llvm::any_of(op->getResultTypes(), hasQuantizedType))
    return true;
  for (Region &region : op->getRegions())
    for (Block &block : region)
      if (llvm::any_of(block.getArgumentTypes(), hasQuantizedType))
        return true;
  return false;
}

void mlir::quantopt::configureQntToFixedPointTarget(
    ConversionTarget &target, const TypeConverter &typeConverter) {
  target.addIllegalDialect<quant::QuantDialect>();
  target.markUnknownOpDynamicallyLegal(
      [](Operation *op) { return !hasQuantizedTypes(op); });
  target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp func) {
    return typeConverter.isSignatureLegal(func.getFunctionType()) &&
           typeConverter.isLegal(&func.getBody());
  });
}

void mlir::quantopt::populateQntToFixedPointConversionPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  populateQntLinearToFixedPointPatterns(typeConverter, patterns);
  populateQntRequantizeToFixedPointPatterns(typeConverter, patterns);
  populateQntElementwiseToFixedPointPatterns(typeConverter, patterns);
  populateQntPoolingToFixedPointPatterns(typeConverter, patterns);
  populateQntDataMovementToFixedPointPatterns(typeConverter, patterns);
}

//===----------------------------------------------------------------------===//
// What the patterns cannot lower
//===----------------------------------------------------------------------===//

/// The accumulator of a quantized conv2d or matmul fits int32.
static LogicalResult checkAccumulator(Operation *op,
                                      const qnt::StoredRangeAnalysis &ranges) {
  std::string reason;
  FailureOr<qnt::AccumulatorBound> bound =
      qnt::computeAccumulatorBound(op, ranges, &reason);
  if (failed(bound))
    return op->emitOpError("cannot be lowered to integer code: ")
           << reason << "; the int32 accumulator has no compile-time bound";
  if (bound->fitsInt32())
    return success();
  return op->emitOpError("accumulator may overflow int32: worst case |acc| = ")
         << bound->bound << " > 2^31 - 1 (reduction length "
         << bound->reductionLength
         << ", max |q_x - z_x| = " << bound->maxAbsInput
         << ", max |q_w - z_w| = " << bound->maxAbsWeight
         << (bound->constantWeights ? " with the constant weights" : "")
         << ", max |bias| = " << bound->maxAbsBias
         << "); use narrower operands or split the layer's input channels";
}

/// The multipliers of a requantization have an int32 mantissa and a shift
/// in [2, 62] (Numerics.md section 3).
static LogicalResult checkRequantize(qnt::RequantizeOp op) {
  Grid in = Grid::of(op.getInput().getType());
  Grid out = Grid::of(op.getResult().getType());
  if (in.axis && out.axis && *in.axis != *out.axis)
    return op.emitOpError("input and result are quantized along different "
                          "dimensions (")
           << *in.axis << " and " << *out.axis
           << "); the integer lowering needs one channel dimension";
  int64_t channels = std::max(in.numChannels(), out.numChannels());
  for (int64_t c = 0; c < channels; ++c) {
    double m = in.scale(c) / out.scale(c);
    bool ok = op.getRounding() == qnt::RoundingMode::HalfToEven
                  ? std::isfinite(static_cast<float>(m))
                  : qnt::quantizeMultiplier(m).has_value();
    if (!ok)
      return op.emitOpError("multiplier s_in / s_out = ")
             << m
             << (channels > 1 ? " (channel " + std::to_string(c) + ")"
                              : std::string())
             << " has no int32 mantissa and shift in [2, 62]; it must be "
                "below 2^29";
  }
  return success();
}

/// An op that has no pattern, or one whose pattern would fail.
static LogicalResult checkOne(Operation *op,
                              const qnt::StoredRangeAnalysis &ranges) {
  if (isa<func::FuncOp, func::ReturnOp, func::CallOp, quant::StorageCastOp>(op))
    return success();
  if (isa<quant::QuantizeCastOp, quant::DequantizeCastOp>(op))
    return op->emitOpError("is not lowered by convert-qnt-to-fixed-point; "
                           "use qnt.quantize and qnt.dequantize, whose "
                           "rounding docs/Numerics.md defines");
  if (!isa<qnt::QntDialect>(op->getDialect()))
    return op->emitOpError("on quantized types is not supported by "
                           "convert-qnt-to-fixed-point; only qnt ops, "
                           "quant.scast and func ops may carry !quant types");
  if (isa<qnt::Conv2DOp, qnt::MatMulOp>(op)) {
    if (auto conv = dyn_cast<qnt::Conv2DOp>(op)) {
      auto in = conv.getInput().getType(), w = conv.getWeight().getType();
      auto out = conv.getResult().getType();
      if (!w.hasStaticShape() || in.isDynamicDim(1) || out.isDynamicDim(2) ||
          out.isDynamicDim(3))
        return op->emitOpError("on quantized tensors needs static shapes "
                               "except for the batch dimension");
    }
    return checkAccumulator(op, ranges);
  }
  if (auto requantize = dyn_cast<qnt::RequantizeOp>(op))
    return checkRequantize(requantize);
  if (auto pool = dyn_cast<qnt::MaxPool2DOp>(op)) {
    auto type = pool.getResult().getType();
    if (type.isDynamicDim(2) || type.isDynamicDim(3))
      return op->emitOpError("on quantized tensors needs static spatial "
                             "dimensions");
  }
  if (auto reshape = dyn_cast<qnt::ReshapeOp>(op))
    if (reshape.getResult().getType().getNumDynamicDims() > 1)
      return op->emitOpError("result has more than one dynamic dimension");
  if (auto slice = dyn_cast<qnt::SliceOp>(op)) {
    auto type = slice.getResult().getType();
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (type.isDynamicDim(d) &&
          (slice.getOffsets()[d] != 0 || slice.getStrides()[d] != 1))
        return op->emitOpError("has a dynamic strided window in dimension ")
               << d;
  }
  return success();
}

LogicalResult mlir::quantopt::checkQntToFixedPointLowerable(Operation *root) {
  std::optional<qnt::StoredRangeAnalysis> ranges;
  bool ok = true;
  root->walk([&](Operation *op) {
    if (!hasQuantizedTypes(op) &&
        !(isa<func::FuncOp>(op) &&
          hasQuantizedType(cast<func::FuncOp>(op).getFunctionType())))
      return;
    if (!ranges)
      ranges.emplace(root);
    ok &= succeeded(checkOne(op, *ranges));
  });
  return success(ok);
}

//===----------------------------------------------------------------------===//
// Pass driver
//===----------------------------------------------------------------------===//

namespace {
struct ConvertQntToFixedPointPass
    : public quantopt::impl::ConvertQntToFixedPointPassBase<
          ConvertQntToFixedPointPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(checkQntToFixedPointLowerable(module)))
      return signalPassFailure();
    MLIRContext *ctx = &getContext();
    QuantizedStorageTypeConverter converter;
    ConversionTarget target(*ctx);
    configureQntToFixedPointTarget(target, converter);
    RewritePatternSet patterns(ctx);
    populateQntToFixedPointConversionPatterns(converter, patterns);
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
