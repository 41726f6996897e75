//===- Pooling.cpp - quantized pools and means ------------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Quantized pooling:
//
//   qnt.max_pool2d       pure data movement on one grid: tensor.pad with the
//                        storage minimum (padding never wins, pool_c3) and a
//                        max-reducing linalg.generic on the stored integers,
//                        signed or unsigned as the grid is
//   qnt.avg_pool2d, qnt.global_avg_pool, qnt.reduce_mean
//                        the quantized-form rule realised in float
//                        (dequantize, the float op, quantize)
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "quant-opt/Conversion/QntToFixedPoint/QntToFixedPoint.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::fixedpoint;

namespace {

struct MaxPool2DLowering : public OpConversionPattern<qnt::MaxPool2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::MaxPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto resultType = op.getResult().getType();
    if (resultType.isDynamicDim(2) || resultType.isDynamicDim(3))
      return rewriter.notifyMatchFailure(op, "dynamic spatial size");
    Grid grid = Grid::of(resultType);
    auto type = withElementType(resultType, grid.storage);
    Value lowest = intConstant(rewriter, loc, grid.storage, grid.qmin);
    Value input =
        padSpatial(rewriter, loc, adaptor.getInput(), op.getPads(), lowest);
    Value init =
        fill(rewriter, loc, emptyLike(rewriter, loc, type, adaptor.getInput()),
             lowest);
    // (n, c, kh, kw, oh, ow), the output width innermost.
    ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                      dilations = op.getDilations();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    Value window = tensor::EmptyOp::create(rewriter, loc, kernel, grid.storage);
    SmallVector<AffineMap> maps = {
        AffineMap::get(6, 0,
                       {d(0), d(1), d(4) * strides[0] + d(2) * dilations[0],
                        d(5) * strides[1] + d(3) * dilations[1]},
                       ctx),
        AffineMap::get(6, 0, {d(2), d(3)}, ctx),
        AffineMap::get(6, 0, {d(0), d(1), d(4), d(5)}, ctx)};
    using utils::IteratorType;
    SmallVector<IteratorType> iterators = {
        IteratorType::parallel,  IteratorType::parallel,
        IteratorType::reduction, IteratorType::reduction,
        IteratorType::parallel,  IteratorType::parallel};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, ValueRange{input, window}, init, maps, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(
              b, l, maxStored(b, l, args[2], args[0], grid.isSigned));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void mlir::quantopt::populateQntPoolingToFixedPointPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns.add<MaxPool2DLowering, FloatRealisation<qnt::AvgPool2DOp>,
               FloatRealisation<qnt::GlobalAvgPoolOp>,
               FloatRealisation<qnt::ReduceMeanOp>>(typeConverter,
                                                    patterns.getContext());
}
