//===- Elementwise.cpp - quantized element-wise ops -------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Quantized element-wise ops:
//
//   qnt.relu, qnt.clamp   on one per-tensor grid: an integer clamp of the
//                         stored values to [q_lo, q_hi] (Numerics.md
//                         section 10), or nothing when fused into the
//                         requantization they follow; otherwise as below
//   qnt.add, sub, mul, sigmoid, tanh, erf, gelu, hard_sigmoid, hard_swish,
//   softmax, layer_norm   the quantized-form rule realised in float:
//                         dequantize the operands, the float op (lowered
//                         later by convert-qnt-to-linalg), quantize
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "quant-opt/Analysis/AccumulatorBounds.h"
#include "quant-opt/Conversion/QntToFixedPoint/QntToFixedPoint.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::fixedpoint;

namespace {

/// A relu or clamp: fused, an integer clamp, or in float.
template <typename OpTy>
struct ActivationLowering : public OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!qnt::isQuantizedTensor(op.getResult().getType()))
      return failure();
    if (isActivationFusedIntoRequantize(op)) {
      rewriter.replaceOp(op, adaptor.getInput());
      return success();
    }
    std::optional<qnt::StoredRange> bounds = qnt::getActivationBounds(op);
    if (!bounds) {
      rewriter.replaceOp(op,
                         realiseInFloat(rewriter, op, adaptor.getOperands()));
      return success();
    }
    Location loc = op.getLoc();
    Grid grid = Grid::of(op.getResult().getType());
    Value lo = intConstant(rewriter, loc, grid.storage, bounds->min);
    Value hi = intConstant(rewriter, loc, grid.storage, bounds->max);
    auto type = withElementType(op.getResult().getType(), grid.storage);
    rewriter.replaceOp(
        op, elementwise(rewriter, loc, type, adaptor.getInput(),
                        [&](OpBuilder &b, Location l, ValueRange args) {
                          Value low =
                              maxStored(b, l, args[0], lo, grid.isSigned);
                          return minStored(b, l, low, hi, grid.isSigned);
                        }));
    return success();
  }
};

} // namespace

void mlir::quantopt::populateQntElementwiseToFixedPointPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns
      .add<ActivationLowering<qnt::ReluOp>, ActivationLowering<qnt::ClampOp>>(
          typeConverter, ctx);
  patterns
      .add<FloatRealisation<qnt::AddOp>, FloatRealisation<qnt::SubOp>,
           FloatRealisation<qnt::MulOp>, FloatRealisation<qnt::SigmoidOp>,
           FloatRealisation<qnt::TanhOp>, FloatRealisation<qnt::ErfOp>,
           FloatRealisation<qnt::GeluOp>, FloatRealisation<qnt::HardSigmoidOp>,
           FloatRealisation<qnt::HardSwishOp>, FloatRealisation<qnt::SoftmaxOp>,
           FloatRealisation<qnt::LayerNormOp>>(typeConverter, ctx);
}
