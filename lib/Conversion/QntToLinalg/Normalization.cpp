//===- Normalization.cpp - softmax and layer_norm to linalg -----*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Float-form normalizations as reductions plus element-wise generics:
//
//   qnt.softmax    e = exp(x - max(x)); e / sum(e)      along the axis
//   qnt.layer_norm (x - mean) / sqrt(var + eps) * scale + bias
//                  over the dims from the axis
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "quant-opt/Conversion/QntToLinalg/QntToLinalg.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::lowering;

namespace {

struct SoftmaxLowering : public OpConversionPattern<qnt::SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getResult().getType();
    int64_t axis = op.getAxis();
    Value x = adaptor.getInput();
    Value max = reduce(rewriter, loc, x, axis, ReduceKind::Max);
    Value e =
        elementwise(rewriter, loc, type, {x, max},
                    [](OpBuilder &b, Location l, ValueRange args) {
                      Value shifted =
                          arith::SubFOp::create(b, l, args[0], args[1]);
                      return math::ExpOp::create(b, l, shifted).getResult();
                    });
    Value sum = reduce(rewriter, loc, e, axis, ReduceKind::Add);
    rewriter.replaceOp(
        op,
        elementwise(
            rewriter, loc, type, {e, sum},
            [](OpBuilder &b, Location l, ValueRange args) {
              return arith::DivFOp::create(b, l, args[0], args[1]).getResult();
            }));
    return success();
  }
};

struct LayerNormLowering : public OpConversionPattern<qnt::LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getResult().getType();
    Type element = type.getElementType();
    SmallVector<int64_t> axes;
    for (int64_t d = op.getAxis(); d < type.getRank(); ++d)
      axes.push_back(d);
    Value x = adaptor.getInput();
    Value count = countAlong(rewriter, loc, x, axes, element);
    auto divideByCount = [&](Value sum) {
      return elementwise(
          rewriter, loc, cast<RankedTensorType>(sum.getType()), sum,
          [&](OpBuilder &b, Location l, ValueRange args) {
            return arith::DivFOp::create(b, l, args[0], count).getResult();
          });
    };
    Value mean = divideByCount(reduce(rewriter, loc, x, axes, ReduceKind::Add));
    Value centered = elementwise(
        rewriter, loc, type, {x, mean},
        [](OpBuilder &b, Location l, ValueRange args) {
          return arith::SubFOp::create(b, l, args[0], args[1]).getResult();
        });
    Value squared = elementwise(
        rewriter, loc, type, centered,
        [](OpBuilder &b, Location l, ValueRange args) {
          return arith::MulFOp::create(b, l, args[0], args[0]).getResult();
        });
    Value variance =
        divideByCount(reduce(rewriter, loc, squared, axes, ReduceKind::Add));
    Value eps = floatConstant(rewriter, loc, element,
                              op.getEpsilon().convertToDouble());
    SmallVector<Value> inputs = {centered, variance, adaptor.getScale()};
    if (adaptor.getBias())
      inputs.push_back(adaptor.getBias());
    bool hasBias = static_cast<bool>(adaptor.getBias());
    rewriter.replaceOp(
        op,
        elementwise(
            rewriter, loc, type, inputs,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value var = arith::AddFOp::create(b, l, args[1], eps);
              Value stddev = math::SqrtOp::create(b, l, var);
              Value normalized = arith::DivFOp::create(b, l, args[0], stddev);
              Value scaled = arith::MulFOp::create(b, l, normalized, args[2]);
              if (!hasBias)
                return scaled;
              return arith::AddFOp::create(b, l, scaled, args[3]).getResult();
            }));
    return success();
  }
};

} // namespace

void mlir::quantopt::populateQntNormalizationToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<SoftmaxLowering, LayerNormLowering>(patterns.getContext());
}
