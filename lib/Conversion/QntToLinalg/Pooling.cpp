//===- Pooling.cpp - pools and means to linalg ------------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Float-form pooling and means:
//
//   qnt.max_pool2d      tensor.pad with -inf + a max-reducing linalg.generic
//   qnt.avg_pool2d      tensor.pad with 0 + a summing linalg.generic, divided
//                       by the window size or by the per-position count of
//                       in-image elements (a constant)
//   qnt.global_avg_pool sum over the spatial dims / their size
//   qnt.reduce_mean     sum over the axes / their size
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "quant-opt/Conversion/QntToLinalg/QntToLinalg.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <algorithm>
#include <limits>

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::lowering;

namespace {

/// A pooling reduction as a linalg.generic over (n, c, kh, kw, oh, ow),
/// the output width innermost so that the inner loop vectorizes. The window
/// tensor only gives the kh, kw loops their extent.
Value pool(OpBuilder &b, Location loc, Value input, Value init,
           ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
           ArrayRef<int64_t> dilations, ReduceKind kind) {
  MLIRContext *ctx = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  Type element = cast<RankedTensorType>(init.getType()).getElementType();
  Value window = tensor::EmptyOp::create(b, loc, kernel, element);
  SmallVector<AffineMap> maps = {
      AffineMap::get(6, 0,
                     {d(0), d(1), d(4) * strides[0] + d(2) * dilations[0],
                      d(5) * strides[1] + d(3) * dilations[1]},
                     ctx),
      AffineMap::get(6, 0, {d(2), d(3)}, ctx),
      AffineMap::get(6, 0, {d(0), d(1), d(4), d(5)}, ctx)};
  using utils::IteratorType;
  SmallVector<IteratorType> iterators = {
      IteratorType::parallel,  IteratorType::parallel, IteratorType::reduction,
      IteratorType::reduction, IteratorType::parallel, IteratorType::parallel};
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), ValueRange{input, window}, init, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value result =
            kind == ReduceKind::Max
                ? arith::MaximumFOp::create(nb, nloc, args[2], args[0])
                      .getResult()
                : arith::AddFOp::create(nb, nloc, args[2], args[0]).getResult();
        linalg::YieldOp::create(nb, nloc, result);
      });
  return generic.getResult(0);
}

struct MaxPool2DLowering : public OpConversionPattern<qnt::MaxPool2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::MaxPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getResult().getType();
    if (type.isDynamicDim(2) || type.isDynamicDim(3))
      return rewriter.notifyMatchFailure(op, "dynamic spatial size");
    double lowest = -std::numeric_limits<double>::infinity();
    Value input =
        padSpatial(rewriter, loc, adaptor.getInput(), op.getPads(), lowest);
    Value init =
        fill(rewriter, loc, emptyLike(rewriter, loc, type, adaptor.getInput()),
             lowest);
    rewriter.replaceOp(op, pool(rewriter, loc, input, init, op.getKernel(),
                                op.getStrides(), op.getDilations(),
                                ReduceKind::Max));
    return success();
  }
};

/// For each output position along one spatial dim, the number of window
/// elements inside the image.
SmallVector<int64_t> inImageCounts(int64_t size, int64_t padBegin,
                                   int64_t kernel, int64_t stride,
                                   int64_t outSize) {
  SmallVector<int64_t> counts;
  for (int64_t o = 0; o < outSize; ++o) {
    int64_t start = o * stride - padBegin;
    int64_t first = std::max<int64_t>(start, 0);
    int64_t last = std::min<int64_t>(start + kernel, size);
    counts.push_back(std::max<int64_t>(last - first, 0));
  }
  return counts;
}

struct AvgPool2DLowering : public OpConversionPattern<qnt::AvgPool2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::AvgPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getResult().getType();
    auto inputType = op.getInput().getType();
    if (type.isDynamicDim(2) || type.isDynamicDim(3) ||
        inputType.isDynamicDim(2) || inputType.isDynamicDim(3))
      return rewriter.notifyMatchFailure(op, "dynamic spatial size");
    Type element = type.getElementType();
    ArrayRef<int64_t> kernel = op.getKernel(), pads = op.getPads();
    Value input = padSpatial(rewriter, loc, adaptor.getInput(), pads, 0.0);
    Value init = fill(rewriter, loc,
                      emptyLike(rewriter, loc, type, adaptor.getInput()), 0.0);
    SmallVector<int64_t> unit = {1, 1};
    Value sum = pool(rewriter, loc, input, init, kernel, op.getStrides(), unit,
                     ReduceKind::Add);

    // The divisor: the window size, or the in-image count per position.
    Value divisor;
    if (op.getCountIncludePad()) {
      divisor = arith::ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::get(
              RankedTensorType::get({1}, element),
              rewriter.getFloatAttr(
                  element, static_cast<double>(kernel[0] * kernel[1]))));
    } else {
      int64_t outH = type.getDimSize(2), outW = type.getDimSize(3);
      SmallVector<int64_t> rows =
          inImageCounts(inputType.getDimSize(2), pads[0], kernel[0],
                        op.getStrides()[0], outH);
      SmallVector<int64_t> cols =
          inImageCounts(inputType.getDimSize(3), pads[1], kernel[1],
                        op.getStrides()[1], outW);
      SmallVector<Attribute> counts;
      for (int64_t r : rows)
        for (int64_t c : cols)
          counts.push_back(
              rewriter.getFloatAttr(element, static_cast<double>(r * c)));
      divisor = arith::ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::get(RankedTensorType::get({outH, outW}, element),
                                 counts));
    }
    rewriter.replaceOp(
        op,
        elementwise(
            rewriter, loc, type, {sum, divisor},
            [](OpBuilder &b, Location l, ValueRange args) {
              return arith::DivFOp::create(b, l, args[0], args[1]).getResult();
            }));
    return success();
  }
};

/// sum(input over `axes`) / count, reshaped to `resultType`.
Value mean(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
           RankedTensorType resultType) {
  Value sum = reduce(b, loc, input, axes, ReduceKind::Add);
  Value count = countAlong(b, loc, input, axes, resultType.getElementType());
  auto sumType = cast<RankedTensorType>(sum.getType());
  Value averaged = elementwise(
      b, loc, sumType, sum, [&](OpBuilder &nb, Location l, ValueRange args) {
        return arith::DivFOp::create(nb, l, args[0], count).getResult();
      });
  if (sumType == resultType)
    return averaged;
  // Drop the size-1 reduced dims (reduce_mean without keep_dims).
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices leading;
  for (int64_t d = 0; d < sumType.getRank(); ++d) {
    bool reducedDim = llvm::is_contained(axes, d);
    if (reducedDim && groups.empty()) {
      leading.push_back(d);
      continue;
    }
    if (reducedDim) {
      groups.back().push_back(d);
      continue;
    }
    groups.push_back(leading);
    groups.back().push_back(d);
    leading.clear();
  }
  return tensor::CollapseShapeOp::create(b, loc, resultType, averaged, groups);
}

struct GlobalAvgPoolLowering
    : public OpConversionPattern<qnt::GlobalAvgPoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::GlobalAvgPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    SmallVector<int64_t> axes;
    for (int64_t d = 2; d < op.getInput().getType().getRank(); ++d)
      axes.push_back(d);
    rewriter.replaceOp(op, mean(rewriter, op.getLoc(), adaptor.getInput(), axes,
                                op.getResult().getType()));
    return success();
  }
};

struct ReduceMeanLowering : public OpConversionPattern<qnt::ReduceMeanOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::ReduceMeanOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, mean(rewriter, op.getLoc(), adaptor.getInput(),
                                op.getAxes(), op.getResult().getType()));
    return success();
  }
};

} // namespace

void mlir::quantopt::populateQntPoolingToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<MaxPool2DLowering, AvgPool2DLowering, GlobalAvgPoolLowering,
               ReduceMeanLowering>(patterns.getContext());
}
