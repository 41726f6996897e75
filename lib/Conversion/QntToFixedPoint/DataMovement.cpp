//===- DataMovement.cpp - quantized data movement ---------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Ops that copy stored integers (one grid for input and result):
//
//   qnt.concat      tensor.concat
//   qnt.reshape     tensor.collapse_shape / expand_shape, else tensor.reshape
//   qnt.transpose   linalg.transpose
//   qnt.slice       tensor.extract_slice
//   quant.scast     nothing: both sides are the storage integers
//
// and the function boundary: func.func signatures, func.return and
// func.call take the storage types.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "quant-opt/Conversion/QntToFixedPoint/QntToFixedPoint.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::fixedpoint;

namespace {

/// The converted (storage) type of `op`'s only result.
RankedTensorType convertedResultType(const TypeConverter *converter,
                                     Operation *op) {
  return cast<RankedTensorType>(
      converter->convertType(op->getResult(0).getType()));
}

struct ConcatLowering : public OpConversionPattern<qnt::ConcatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<tensor::ConcatOp>(
        op, convertedResultType(getTypeConverter(), op), op.getAxis(),
        adaptor.getInputs());
    return success();
  }
};

struct ReshapeLowering : public OpConversionPattern<qnt::ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto sourceType = cast<RankedTensorType>(adaptor.getInput().getType());
    RankedTensorType resultType = convertedResultType(getTypeConverter(), op);
    Value source = adaptor.getInput();
    if (resultType.getRank() < sourceType.getRank()) {
      if (auto groups =
              getReassociationIndicesForReshape(sourceType, resultType)) {
        rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, resultType,
                                                             source, *groups);
        return success();
      }
    } else if (resultType.getRank() > sourceType.getRank()) {
      if (auto groups =
              getReassociationIndicesForReshape(sourceType, resultType)) {
        if (resultType.getNumDynamicDims() == 0) {
          rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, resultType,
                                                             source, *groups);
          return success();
        }
      }
    }
    // tensor.reshape with the shape as a tensor; at most one dynamic dim,
    // which takes the remaining elements.
    if (resultType.getNumDynamicDims() > 1)
      return rewriter.notifyMatchFailure(op, "more than one dynamic dim");
    Value total = arith::ConstantIndexOp::create(rewriter, loc, 1);
    for (int64_t d = 0; d < sourceType.getRank(); ++d) {
      Value dim =
          sourceType.isDynamicDim(d)
              ? tensor::DimOp::create(rewriter, loc, source, d).getResult()
              : arith::ConstantIndexOp::create(rewriter, loc,
                                               sourceType.getDimSize(d))
                    .getResult();
      total = arith::MulIOp::create(rewriter, loc, total, dim);
    }
    int64_t staticProduct = 1;
    for (int64_t size : resultType.getShape())
      if (!ShapedType::isDynamic(size))
        staticProduct *= size;
    SmallVector<Value> dims;
    for (int64_t size : resultType.getShape()) {
      Value dim =
          ShapedType::isDynamic(size)
              ? arith::DivUIOp::create(rewriter, loc, total,
                                       arith::ConstantIndexOp::create(
                                           rewriter, loc, staticProduct))
                    .getResult()
              : arith::ConstantIndexOp::create(rewriter, loc, size).getResult();
      dims.push_back(arith::IndexCastOp::create(rewriter, loc,
                                                rewriter.getI64Type(), dim));
    }
    Value shape = tensor::FromElementsOp::create(rewriter, loc, dims);
    rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, resultType, source,
                                                   shape);
    return success();
  }
};

struct TransposeLowering : public OpConversionPattern<qnt::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = convertedResultType(getTypeConverter(), op);
    ArrayRef<int64_t> perm = op.getPermutation();
    SmallVector<std::pair<Value, int64_t>> sources;
    for (int64_t p : perm)
      sources.push_back({adaptor.getInput(), p});
    Value init = emptyFrom(rewriter, loc, type, sources);
    rewriter.replaceOp(op, linalg::TransposeOp::create(
                               rewriter, loc, adaptor.getInput(), init, perm)
                               .getResult());
    return success();
  }
};

struct SliceLowering : public OpConversionPattern<qnt::SliceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = convertedResultType(getTypeConverter(), op);
    SmallVector<OpFoldResult> offsets, sizes, strides;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      offsets.push_back(rewriter.getIndexAttr(op.getOffsets()[d]));
      strides.push_back(rewriter.getIndexAttr(op.getStrides()[d]));
      if (type.isDynamicDim(d)) {
        if (op.getOffsets()[d] != 0 || op.getStrides()[d] != 1)
          return rewriter.notifyMatchFailure(op, "dynamic strided window");
        sizes.push_back(
            tensor::DimOp::create(rewriter, op.getLoc(), adaptor.getInput(), d)
                .getResult());
      } else {
        sizes.push_back(rewriter.getIndexAttr(type.getDimSize(d)));
      }
    }
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, type, adaptor.getInput(), offsets, sizes, strides);
    return success();
  }
};

/// quant.scast between a quantized type and its storage: after conversion
/// both sides are the storage integers.
struct StorageCastLowering : public OpConversionPattern<quant::StorageCastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(quant::StorageCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type resultType = getTypeConverter()->convertType(op.getType());
    if (adaptor.getInput().getType() != resultType)
      return rewriter.notifyMatchFailure(op, "storage types differ");
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

} // namespace

void mlir::quantopt::populateQntDataMovementToFixedPointPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns.add<ConcatLowering, ReshapeLowering, TransposeLowering,
               SliceLowering, StorageCastLowering>(typeConverter,
                                                   patterns.getContext());
  populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                 typeConverter);
  populateReturnOpTypeConversionPattern(patterns, typeConverter);
  populateCallOpTypeConversionPattern(patterns, typeConverter);
}
