//===- Elementwise.cpp - element-wise qnt ops to linalg ---------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Float-form element-wise ops, activations and qnt.fake_quant, each as one
// all-parallel linalg.generic with NumPy broadcasting:
//
//   qnt.add/sub/mul/div     arith.addf/subf/mulf/divf
//   qnt.relu, qnt.clamp     arith.maximumf/minimumf (NaN propagates)
//   qnt.sigmoid, tanh, erf  math.exp, math.tanh, math.erf
//   qnt.gelu                0.5 x (1 + erf(x / sqrt 2)), or the tanh form
//   qnt.hard_sigmoid/swish  clamps
//   qnt.fake_quant          (clamp(roundeven(x / s) + z) - z) * s
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "quant-opt/Conversion/QntToLinalg/QntToLinalg.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::lowering;

namespace {

/// A binary op as one arith op on broadcast operands.
template <typename QntOp, typename ArithOp>
struct BinaryLowering : public OpConversionPattern<QntOp> {
  using OpConversionPattern<QntOp>::OpConversionPattern;
  using OpAdaptor = typename QntOp::Adaptor;

  LogicalResult
  matchAndRewrite(QntOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value result = elementwise(
        rewriter, op.getLoc(), op.getResult().getType(),
        {adaptor.getLhs(), adaptor.getRhs()},
        [](OpBuilder &b, Location loc, ValueRange args) {
          return ArithOp::create(b, loc, args[0], args[1]).getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Builds the scalar body of a unary op.
using UnaryBody = std::function<Value(OpBuilder &, Location, Value)>;

/// A unary op whose scalar body `build(op)` returns.
template <typename QntOp>
struct UnaryLowering : public OpConversionPattern<QntOp> {
  UnaryLowering(MLIRContext *ctx, std::function<UnaryBody(QntOp)> makeBody)
      : OpConversionPattern<QntOp>(ctx), makeBody(std::move(makeBody)) {}
  using OpAdaptor = typename QntOp::Adaptor;

  LogicalResult
  matchAndRewrite(QntOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    UnaryBody body = makeBody(op);
    Value result = elementwise(
        rewriter, op.getLoc(), op.getResult().getType(), adaptor.getInput(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return body(b, loc, args[0]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }

  std::function<UnaryBody(QntOp)> makeBody;
};

Value constantLike(OpBuilder &b, Location loc, Value like, double value) {
  return floatConstant(b, loc, like.getType(), value);
}

/// min(max(x, lo), hi); NaN propagates.
Value clampValue(OpBuilder &b, Location loc, Value x, double lo, double hi) {
  Value low = arith::MaximumFOp::create(b, loc, x, constantLike(b, loc, x, lo));
  return arith::MinimumFOp::create(b, loc, low, constantLike(b, loc, x, hi));
}

Value sigmoid(OpBuilder &b, Location loc, Value x) {
  Value negated = arith::NegFOp::create(b, loc, x);
  Value e = math::ExpOp::create(b, loc, negated);
  Value one = constantLike(b, loc, x, 1.0);
  Value denominator = arith::AddFOp::create(b, loc, one, e);
  return arith::DivFOp::create(b, loc, one, denominator);
}

/// x * (1 + erf(x / sqrt(2))) / 2, or with `tanhForm` the tanh
/// approximation.
Value gelu(OpBuilder &b, Location loc, Value x, bool tanhForm) {
  Value one = constantLike(b, loc, x, 1.0);
  Value half = constantLike(b, loc, x, 0.5);
  Value inner;
  if (tanhForm) {
    Value cube =
        arith::MulFOp::create(b, loc, x, arith::MulFOp::create(b, loc, x, x));
    Value poly = arith::AddFOp::create(
        b, loc, x,
        arith::MulFOp::create(b, loc, constantLike(b, loc, x, 0.044715), cube));
    Value scaled = arith::MulFOp::create(
        b, loc, constantLike(b, loc, x, std::sqrt(2.0 / M_PI)), poly);
    inner = math::TanhOp::create(b, loc, scaled);
  } else {
    Value scaled = arith::DivFOp::create(
        b, loc, x, constantLike(b, loc, x, std::sqrt(2.0)));
    inner = math::ErfOp::create(b, loc, scaled);
  }
  Value sum = arith::AddFOp::create(b, loc, one, inner);
  return arith::MulFOp::create(b, loc, arith::MulFOp::create(b, loc, x, sum),
                               half);
}

/// qnt.fake_quant, per tensor or per channel along its axis.
struct FakeQuantLowering : public OpConversionPattern<qnt::FakeQuantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::FakeQuantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op.isCalibrated())
      return rewriter.notifyMatchFailure(op, "uncalibrated quantizer");
    Location loc = op.getLoc();
    auto type = op.getResult().getType();
    Type element = type.getElementType();
    double qmin = static_cast<double>(op.getQMin());
    double qmax = static_cast<double>(op.getQMax());
    ArrayRef<double> scales = *op.getScale();
    ArrayRef<int64_t> zeroPoints = *op.getZeroPoint();

    // (clamp(roundeven(x / s) + z, qmin, qmax) - z) * s, in the element type.
    auto body = [&](OpBuilder &b, Location l, Value x, Value s, Value z) {
      Value q = arith::DivFOp::create(b, l, x, s);
      Value rounded = math::RoundEvenOp::create(b, l, q);
      Value shifted = arith::AddFOp::create(b, l, rounded, z);
      Value clamped = clampValue(b, l, shifted, qmin, qmax);
      Value centered = arith::SubFOp::create(b, l, clamped, z);
      return arith::MulFOp::create(b, l, centered, s).getResult();
    };

    Value result;
    if (!op.getAxis()) {
      Value s = floatConstant(rewriter, loc, element, scales[0]);
      Value z = floatConstant(rewriter, loc, element,
                              static_cast<double>(zeroPoints[0]));
      result = elementwise(rewriter, loc, type, adaptor.getInput(),
                           [&](OpBuilder &b, Location l, ValueRange args) {
                             return body(b, l, args[0], s, z);
                           });
    } else {
      auto paramType =
          RankedTensorType::get({static_cast<int64_t>(scales.size())}, element);
      SmallVector<Attribute> s, z;
      for (auto [scale, zp] : llvm::zip(scales, zeroPoints)) {
        s.push_back(rewriter.getFloatAttr(element, scale));
        z.push_back(rewriter.getFloatAttr(element, static_cast<double>(zp)));
      }
      Value sTensor = arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(paramType, s));
      Value zTensor = arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(paramType, z));
      result = perChannelElementwise(
          rewriter, loc, adaptor.getInput(), {sTensor, zTensor}, *op.getAxis(),
          type, [&](OpBuilder &b, Location l, ValueRange args) {
            return body(b, l, args[0], args[1], args[2]);
          });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::quantopt::populateQntElementwiseToLinalgPatterns(
    RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<BinaryLowering<qnt::AddOp, arith::AddFOp>,
               BinaryLowering<qnt::SubOp, arith::SubFOp>,
               BinaryLowering<qnt::MulOp, arith::MulFOp>,
               BinaryLowering<qnt::DivOp, arith::DivFOp>, FakeQuantLowering>(
      ctx);

  patterns.add<UnaryLowering<qnt::ReluOp>>(ctx, [](qnt::ReluOp) -> UnaryBody {
    return [](OpBuilder &b, Location loc, Value x) -> Value {
      return arith::MaximumFOp::create(b, loc, x, constantLike(b, loc, x, 0.0));
    };
  });
  patterns.add<UnaryLowering<qnt::ClampOp>>(ctx, [](qnt::ClampOp op) {
    double lo = op.getMin().convertToDouble();
    double hi = op.getMax().convertToDouble();
    return UnaryBody([lo, hi](OpBuilder &b, Location loc, Value x) {
      return clampValue(b, loc, x, lo, hi);
    });
  });
  patterns.add<UnaryLowering<qnt::SigmoidOp>>(
      ctx, [](qnt::SigmoidOp) { return UnaryBody(sigmoid); });
  patterns.add<UnaryLowering<qnt::TanhOp>>(ctx, [](qnt::TanhOp) {
    return UnaryBody([](OpBuilder &b, Location loc, Value x) -> Value {
      return math::TanhOp::create(b, loc, x);
    });
  });
  patterns.add<UnaryLowering<qnt::ErfOp>>(ctx, [](qnt::ErfOp) {
    return UnaryBody([](OpBuilder &b, Location loc, Value x) -> Value {
      return math::ErfOp::create(b, loc, x);
    });
  });
  patterns.add<UnaryLowering<qnt::GeluOp>>(ctx, [](qnt::GeluOp op) {
    bool tanhForm = op.getTanhApproximation();
    return UnaryBody([tanhForm](OpBuilder &b, Location loc, Value x) {
      return gelu(b, loc, x, tanhForm);
    });
  });
  patterns.add<UnaryLowering<qnt::HardSigmoidOp>>(
      ctx, [](qnt::HardSigmoidOp op) {
        double alpha = op.getAlpha().convertToDouble();
        double beta = op.getBeta().convertToDouble();
        return UnaryBody([alpha, beta](OpBuilder &b, Location loc, Value x) {
          Value ax =
              arith::MulFOp::create(b, loc, x, constantLike(b, loc, x, alpha));
          Value axb =
              arith::AddFOp::create(b, loc, ax, constantLike(b, loc, x, beta));
          return clampValue(b, loc, axb, 0.0, 1.0);
        });
      });
  patterns.add<UnaryLowering<qnt::HardSwishOp>>(ctx, [](qnt::HardSwishOp) {
    // x * min(max(x + 3, 0), 6) / 6
    return UnaryBody([](OpBuilder &b, Location loc, Value x) -> Value {
      Value shifted =
          arith::AddFOp::create(b, loc, x, constantLike(b, loc, x, 3.0));
      Value gate = clampValue(b, loc, shifted, 0.0, 6.0);
      Value product = arith::MulFOp::create(b, loc, x, gate);
      return arith::DivFOp::create(b, loc, product,
                                   constantLike(b, loc, x, 6.0));
    });
  });
}
