//===- Linear.cpp - conv2d, matmul, batch_norm to linalg --------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Float-form linear layers:
//
//   qnt.conv2d     tensor.pad + linalg.conv_2d_nchw_fchw (groups = 1),
//                  linalg.depthwise_conv_2d_nchw_chw (depthwise), or
//                  linalg.conv_2d_ngchw_gfchw (other groups); the output
//                  starts from the bias broadcast over N, H, W
//   qnt.matmul     one linalg.generic (batch broadcasting, transposes)
//                  accumulating into the bias
//   qnt.batch_norm one element-wise linalg.generic
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "quant-opt/Conversion/QntToLinalg/QntToLinalg.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::lowering;

namespace {

/// The output of a linear layer before accumulation: the bias broadcast
/// along `channelDim`, or zeros.
Value initialAccumulator(OpBuilder &b, Location loc, Value empty, Value bias,
                         int64_t channelDim) {
  if (bias)
    return broadcastAlong(b, loc, bias, empty, channelDim);
  return fill(b, loc, empty, 0.0);
}

struct Conv2DLowering : public OpConversionPattern<qnt::Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = op.getResult().getType();
    auto inputType = op.getInput().getType();
    auto weightType = op.getWeight().getType();
    if (!weightType.hasStaticShape() || inputType.isDynamicDim(1) ||
        resultType.isDynamicDim(2) || resultType.isDynamicDim(3))
      return rewriter.notifyMatchFailure(
          op, "only the batch dimension may be dynamic");

    Value input =
        padSpatial(rewriter, loc, adaptor.getInput(), op.getPads(), 0.0);
    Value weight = adaptor.getWeight();
    Value empty = emptyFrom(rewriter, loc, resultType,
                            {{adaptor.getInput(), 0}, {}, {}, {}});
    Value init = initialAccumulator(rewriter, loc, empty, adaptor.getBias(), 1);
    auto strides = i64Vector(rewriter, op.getStrides());
    auto dilations = i64Vector(rewriter, op.getDilations());

    int64_t groups = op.getGroups();
    int64_t cin = inputType.getDimSize(1), cout = weightType.getDimSize(0);
    if (groups == 1) {
      rewriter.replaceOp(
          op, linalg::Conv2DNchwFchwOp::create(rewriter, loc, resultType,
                                               ValueRange{input, weight}, init,
                                               strides, dilations)
                  .getResult(0));
      return success();
    }
    if (groups == cin && cout == cin) {
      // Depthwise: C x 1 x kH x kW weights as C x kH x kW.
      auto collapsed = RankedTensorType::get(
          {cout, weightType.getDimSize(2), weightType.getDimSize(3)},
          weightType.getElementType());
      Value w = tensor::CollapseShapeOp::create(
          rewriter, loc, collapsed, weight,
          SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}});
      rewriter.replaceOp(op, linalg::DepthwiseConv2DNchwChwOp::create(
                                 rewriter, loc, resultType,
                                 ValueRange{input, w}, init, strides, dilations)
                                 .getResult(0));
      return success();
    }

    // Grouped: split the channel dims into (group, channel in group).
    auto splitChannels = [&](Value value, int64_t dim,
                             int64_t perGroup) -> Value {
      auto type = cast<RankedTensorType>(value.getType());
      SmallVector<int64_t> shape(type.getShape());
      shape[dim] = perGroup;
      shape.insert(shape.begin() + dim, groups);
      SmallVector<ReassociationIndices> reassociation;
      SmallVector<OpFoldResult> outputShape;
      for (int64_t d = 0, e = type.getRank(); d < e; ++d) {
        int64_t base = d < dim ? d : d + 1;
        if (d == dim)
          reassociation.push_back({d, d + 1});
        else
          reassociation.push_back({base});
      }
      for (int64_t d = 0, e = shape.size(); d < e; ++d)
        outputShape.push_back(
            ShapedType::isDynamic(shape[d])
                ? OpFoldResult(
                      tensor::DimOp::create(rewriter, loc, value, 0)
                          .getResult()) // only the batch dim is dynamic
                : OpFoldResult(rewriter.getIndexAttr(shape[d])));
      return tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get(shape, type.getElementType()),
          value, reassociation, outputShape);
    };
    Value groupedInput = splitChannels(input, 1, cin / groups);
    Value groupedWeight = splitChannels(weight, 0, cout / groups);
    Value groupedInit = splitChannels(init, 1, cout / groups);
    Value conv = linalg::Conv2DNgchwGfchwOp::create(
                     rewriter, loc, groupedInit.getType(),
                     ValueRange{groupedInput, groupedWeight}, groupedInit,
                     strides, dilations)
                     .getResult(0);
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        op, resultType, conv,
        SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
    return success();
  }
};

struct MatMulLowering : public OpConversionPattern<qnt::MatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto resultType = op.getResult().getType();
    auto lhsType = op.getLhs().getType();
    auto rhsType = op.getRhs().getType();
    int64_t rank = resultType.getRank();
    int64_t batchRank = rank - 2;
    // Loops: (batch..., m, n, k).
    AffineExpr m = getAffineDimExpr(batchRank, ctx);
    AffineExpr n = getAffineDimExpr(batchRank + 1, ctx);
    AffineExpr k = getAffineDimExpr(batchRank + 2, ctx);
    ArrayRef<int64_t> resultShape = resultType.getShape();

    // Batch dims of an operand, right-aligned, broadcast where static 1.
    auto operandMap = [&](RankedTensorType type, AffineExpr row, AffineExpr col,
                          bool transpose) {
      SmallVector<AffineExpr> exprs;
      int64_t operandBatch = type.getRank() - 2;
      for (int64_t i = 0; i < operandBatch; ++i) {
        int64_t d = batchRank - operandBatch + i;
        if (type.getDimSize(i) == 1 && resultShape[d] != 1)
          exprs.push_back(getAffineConstantExpr(0, ctx));
        else
          exprs.push_back(getAffineDimExpr(d, ctx));
      }
      exprs.push_back(transpose ? col : row);
      exprs.push_back(transpose ? row : col);
      return AffineMap::get(rank + 1, 0, exprs, ctx);
    };
    SmallVector<AffineExpr> resultExprs;
    for (int64_t d = 0; d < rank; ++d)
      resultExprs.push_back(getAffineDimExpr(d, ctx));
    SmallVector<AffineMap> maps = {
        operandMap(lhsType, m, k, op.getTransposeLhs()),
        operandMap(rhsType, k, n, op.getTransposeRhs()),
        AffineMap::get(rank + 1, 0, resultExprs, ctx)};

    // Dynamic result dims: batch dims from whichever operand has them, M
    // from lhs, N from rhs.
    SmallVector<std::pair<Value, int64_t>> sources(rank, {Value(), 0});
    for (auto [value, type] : {std::pair{adaptor.getLhs(), lhsType},
                               std::pair{adaptor.getRhs(), rhsType}}) {
      int64_t offset = batchRank - (type.getRank() - 2);
      for (int64_t i = 0; i < type.getRank() - 2; ++i)
        if (type.isDynamicDim(i) && !sources[offset + i].first)
          sources[offset + i] = {value, i};
    }
    int64_t lr = lhsType.getRank(), rr = rhsType.getRank();
    sources[rank - 2] = {adaptor.getLhs(),
                         op.getTransposeLhs() ? lr - 1 : lr - 2};
    sources[rank - 1] = {adaptor.getRhs(),
                         op.getTransposeRhs() ? rr - 2 : rr - 1};
    Value empty = emptyFrom(rewriter, loc, resultType, sources);
    Value init =
        initialAccumulator(rewriter, loc, empty, adaptor.getBias(), rank - 1);

    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType,
        ValueRange{adaptor.getLhs(), adaptor.getRhs()}, init, maps, iterators,
        [](OpBuilder &b, Location nloc, ValueRange args) {
          Value product = arith::MulFOp::create(b, nloc, args[0], args[1]);
          Value sum = arith::AddFOp::create(b, nloc, args[2], product);
          linalg::YieldOp::create(b, nloc, sum);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct BatchNormLowering : public OpConversionPattern<qnt::BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getResult().getType();
    Value eps = floatConstant(rewriter, loc, type.getElementType(),
                              op.getEpsilon().convertToDouble());
    // scale * (x - mean) / sqrt(variance + epsilon) + offset
    Value result = perChannelElementwise(
        rewriter, loc, adaptor.getInput(),
        {adaptor.getScale(), adaptor.getOffset(), adaptor.getMean(),
         adaptor.getVariance()},
        /*axis=*/1, type, [&](OpBuilder &b, Location l, ValueRange args) {
          Value centered = arith::SubFOp::create(b, l, args[0], args[3]);
          Value var = arith::AddFOp::create(b, l, args[4], eps);
          Value stddev = math::SqrtOp::create(b, l, var);
          Value normalized = arith::DivFOp::create(b, l, centered, stddev);
          Value scaled = arith::MulFOp::create(b, l, normalized, args[1]);
          return arith::AddFOp::create(b, l, scaled, args[2]).getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::quantopt::populateQntLinearToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<Conv2DLowering, MatMulLowering, BatchNormLowering>(
      patterns.getContext());
}
