//===- DataMovement.cpp - data movement qnt ops to tensor -------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Float-form data movement and annotations:
//
//   qnt.concat        tensor.concat
//   qnt.reshape       tensor.collapse_shape / expand_shape where the shapes
//                     allow it, otherwise tensor.reshape
//   qnt.transpose     linalg.transpose
//   qnt.slice         tensor.extract_slice
//   qnt.assume_range, qnt.stats   their input (they only annotate)
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "quant-opt/Conversion/QntToLinalg/QntToLinalg.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::lowering;

namespace {

struct ConcatLowering : public OpConversionPattern<qnt::ConcatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<tensor::ConcatOp>(
        op, op.getResult().getType(), op.getAxis(), adaptor.getInputs());
    return success();
  }
};

struct ReshapeLowering : public OpConversionPattern<qnt::ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto sourceType = op.getInput().getType();
    auto resultType = op.getResult().getType();
    Value source = adaptor.getInput();
    // Collapse or expand when the dims group cleanly (the common case: a
    // flatten with a dynamic batch dim).
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
    // General case: tensor.reshape with the result shape as a tensor. At
    // most one result dim may be dynamic; it takes the remaining elements.
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
    auto type = op.getResult().getType();
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
    auto type = op.getResult().getType();
    SmallVector<OpFoldResult> offsets, sizes, strides;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      offsets.push_back(rewriter.getIndexAttr(op.getOffsets()[d]));
      strides.push_back(rewriter.getIndexAttr(op.getStrides()[d]));
      // A dynamic window size is only allowed where the slice takes the
      // whole (dynamic) input dim.
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

/// Annotations carry facts for analyses; at run time they are the identity.
template <typename AnnotationOp>
struct EraseAnnotation : public OpConversionPattern<AnnotationOp> {
  using OpConversionPattern<AnnotationOp>::OpConversionPattern;
  using OpAdaptor = typename AnnotationOp::Adaptor;

  LogicalResult
  matchAndRewrite(AnnotationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

} // namespace

void mlir::quantopt::populateQntDataMovementToTensorPatterns(
    RewritePatternSet &patterns) {
  patterns
      .add<ConcatLowering, ReshapeLowering, TransposeLowering, SliceLowering,
           EraseAnnotation<qnt::AssumeRangeOp>, EraseAnnotation<qnt::StatsOp>>(
          patterns.getContext());
}
