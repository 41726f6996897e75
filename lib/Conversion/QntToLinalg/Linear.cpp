//===- Linear.cpp - conv2d, matmul, batch_norm to linalg --------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Float-form linear layers:
//
//   qnt.conv2d     tensor.pad + a linalg.generic multiply-accumulate with
//                  the output width innermost (plain, depthwise, or grouped
//                  on channel dims split into (group, channel)); the output
//                  starts from the bias broadcast over N, H, W
//   qnt.matmul     one linalg.generic over (batch..., m, k, n), batch
//                  broadcasting, accumulating into the bias; a transposed
//                  constant weight is transposed at compile time
//   qnt.batch_norm one element-wise linalg.generic
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "quant-opt/Conversion/QntToLinalg/QntToLinalg.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
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

/// The input index of a sliding window along one spatial dim:
/// out * stride + k * dilation.
AffineExpr windowIndex(AffineExpr out, AffineExpr k, int64_t stride,
                       int64_t dilation) {
  return out * stride + k * dilation;
}

/// out += input * weight as a linalg.generic; `reductions` lists the loop
/// dims that are reductions. Float elements use mulf/addf, integer elements
/// muli/addi.
Value multiplyAccumulate(OpBuilder &b, Location loc, Value input, Value weight,
                         Value init, ArrayRef<AffineMap> maps,
                         ArrayRef<int64_t> reductions) {
  int64_t loops = maps[0].getNumDims();
  SmallVector<utils::IteratorType> iterators(loops,
                                             utils::IteratorType::parallel);
  for (int64_t d : reductions)
    iterators[d] = utils::IteratorType::reduction;
  bool integer =
      !isa<FloatType>(cast<RankedTensorType>(init.getType()).getElementType());
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), ValueRange{input, weight}, init, maps, iterators,
      [integer](OpBuilder &nb, Location nloc, ValueRange args) {
        Value sum;
        if (integer) {
          Value product = arith::MulIOp::create(nb, nloc, args[0], args[1]);
          sum = arith::AddIOp::create(nb, nloc, args[2], product);
        } else {
          Value product = arith::MulFOp::create(nb, nloc, args[0], args[1]);
          sum = arith::AddFOp::create(nb, nloc, args[2], product);
        }
        linalg::YieldOp::create(nb, nloc, sum);
      });
  return generic.getResult(0);
}

} // namespace

Value lowering::applyFusedClamp(OpBuilder &b, Location loc, Value result,
                                std::optional<std::pair<float, float>> clamp) {
  if (!clamp)
    return result;
  double lo = clamp->first, hi = clamp->second;
  return elementwise(b, loc, cast<RankedTensorType>(result.getType()), result,
                     [&](OpBuilder &nb, Location l, ValueRange args) {
                       Type t = args[0].getType();
                       Value low = arith::MaximumFOp::create(
                           nb, l, args[0], floatConstant(nb, l, t, lo));
                       return arith::MinimumFOp::create(
                                  nb, l, low, floatConstant(nb, l, t, hi))
                           .getResult();
                     });
}

/// Convolutions as linalg.generic with the output width innermost: the loop
/// order (batch, out channel, in channel, kH, kW, out row, out column) makes
/// the inner loop a contiguous (stride 1) multiply-accumulate that LLVM
/// vectorizes without reassociating float sums.
Value lowering::convolution(OpBuilder &b, Location loc, qnt::Conv2DOp op,
                            Value unpadded, Value weight, Value bias,
                            Type element) {
  MLIRContext *ctx = b.getContext();
  auto resultType = op.getResult().getType().clone(element);
  auto inputType = op.getInput().getType();
  auto weightType = op.getWeight().getType();
  Value input = padSpatial(b, loc, unpadded, op.getPads(), 0.0);
  Value empty = emptyFrom(b, loc, resultType, {{unpadded, 0}, {}, {}, {}});
  Value init = initialAccumulator(b, loc, empty, bias, 1);
  ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };

  int64_t groups = op.getGroups();
  int64_t cin = inputType.getDimSize(1), cout = weightType.getDimSize(0);
  if (groups == 1) {
    // (n, f, c, kh, kw, oh, ow)
    SmallVector<AffineMap> maps = {
        AffineMap::get(7, 0,
                       {d(0), d(2),
                        windowIndex(d(5), d(3), strides[0], dilations[0]),
                        windowIndex(d(6), d(4), strides[1], dilations[1])},
                       ctx),
        AffineMap::get(7, 0, {d(1), d(2), d(3), d(4)}, ctx),
        AffineMap::get(7, 0, {d(0), d(1), d(5), d(6)}, ctx)};
    return multiplyAccumulate(b, loc, input, weight, init, maps, {2, 3, 4});
  }
  if (groups == cin && cout == cin) {
    // Depthwise, (n, c, kh, kw, oh, ow); the weight is C x 1 x kH x kW.
    SmallVector<AffineMap> maps = {
        AffineMap::get(6, 0,
                       {d(0), d(1),
                        windowIndex(d(4), d(2), strides[0], dilations[0]),
                        windowIndex(d(5), d(3), strides[1], dilations[1])},
                       ctx),
        AffineMap::get(6, 0, {d(1), getAffineConstantExpr(0, ctx), d(2), d(3)},
                       ctx),
        AffineMap::get(6, 0, {d(0), d(1), d(4), d(5)}, ctx)};
    return multiplyAccumulate(b, loc, input, weight, init, maps, {2, 3});
  }

  // Grouped: split the channel dims into (group, channel in group), then
  // (n, g, fg, c, kh, kw, oh, ow).
  auto splitChannels = [&](Value value, int64_t dim,
                           int64_t perGroup) -> Value {
    auto type = cast<RankedTensorType>(value.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape[dim] = perGroup;
    shape.insert(shape.begin() + dim, groups);
    SmallVector<ReassociationIndices> reassociation;
    for (int64_t i = 0, e = type.getRank(); i < e; ++i) {
      if (i == dim)
        reassociation.push_back({i, i + 1});
      else
        reassociation.push_back({i < dim ? i : i + 1});
    }
    SmallVector<OpFoldResult> outputShape;
    for (int64_t i = 0, e = shape.size(); i < e; ++i)
      outputShape.push_back(
          ShapedType::isDynamic(shape[i])
              ? OpFoldResult(tensor::DimOp::create(b, loc, value, 0)
                                 .getResult()) // only the batch dim is dynamic
              : OpFoldResult(b.getIndexAttr(shape[i])));
    return tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get(shape, type.getElementType()), value,
        reassociation, outputShape);
  };
  Value groupedInput = splitChannels(input, 1, cin / groups);
  Value groupedWeight = splitChannels(weight, 0, cout / groups);
  Value groupedInit = splitChannels(init, 1, cout / groups);
  SmallVector<AffineMap> maps = {
      AffineMap::get(8, 0,
                     {d(0), d(1), d(3),
                      windowIndex(d(6), d(4), strides[0], dilations[0]),
                      windowIndex(d(7), d(5), strides[1], dilations[1])},
                     ctx),
      AffineMap::get(8, 0, {d(1), d(2), d(3), d(4), d(5)}, ctx),
      AffineMap::get(8, 0, {d(0), d(1), d(2), d(6), d(7)}, ctx)};
  Value conv = multiplyAccumulate(b, loc, groupedInput, groupedWeight,
                                  groupedInit, maps, {3, 4, 5});
  return tensor::CollapseShapeOp::create(
      b, loc, resultType, conv,
      SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
}

Value lowering::transposeLastTwo(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> shape(type.getShape());
  std::swap(shape[rank - 2], shape[rank - 1]);
  auto transposedType = RankedTensorType::get(shape, type.getElementType());

  auto constant = value.getDefiningOp<arith::ConstantOp>();
  if (constant && rank == 2 && type.hasStaticShape() &&
      type.getElementType().isF32()) {
    int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
    std::vector<float> data(rows * cols);
    auto transposeFrom = [&](auto get) {
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
          data[c * rows + r] = get(r * cols + c);
    };
    Attribute folded;
    if (auto resource =
            dyn_cast<DenseF32ResourceElementsAttr>(constant.getValue())) {
      if (std::optional<ArrayRef<float>> values = resource.tryGetAsArrayRef()) {
        transposeFrom([&](int64_t i) { return (*values)[i]; });
        folded = DenseF32ResourceElementsAttr::get(
            transposedType, "transposed",
            HeapAsmResourceBlob::allocateAndCopyInferAlign(
                ArrayRef<float>(data)));
      }
    } else if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue())) {
      auto values = llvm::to_vector(dense.getValues<float>());
      transposeFrom([&](int64_t i) { return values[i]; });
      folded = DenseElementsAttr::get(transposedType, ArrayRef<float>(data));
    }
    if (folded)
      return arith::ConstantOp::create(b, loc, cast<TypedAttr>(folded));
  }

  SmallVector<int64_t> perm = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  std::swap(perm[rank - 2], perm[rank - 1]);
  SmallVector<std::pair<Value, int64_t>> sources;
  for (int64_t p : perm)
    sources.push_back({value, p});
  Value init = emptyFrom(b, loc, transposedType, sources);
  return linalg::TransposeOp::create(b, loc, value, init, perm).getResult()[0];
}

/// A matmul as one linalg.generic over (batch..., m, k, n): n innermost, so
/// that the inner loop is a contiguous multiply-accumulate into a row of the
/// result.
Value lowering::matmulProduct(OpBuilder &b, Location loc, qnt::MatMulOp op,
                              Value lhs, Value rhs, Value bias, Type element) {
  MLIRContext *ctx = b.getContext();
  auto resultType = op.getResult().getType().clone(element);
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  int64_t rank = resultType.getRank();
  int64_t batchRank = rank - 2;
  AffineExpr m = getAffineDimExpr(batchRank, ctx);
  AffineExpr k = getAffineDimExpr(batchRank + 1, ctx);
  AffineExpr n = getAffineDimExpr(batchRank + 2, ctx);
  ArrayRef<int64_t> resultShape = resultType.getShape();

  // Batch dims of an operand, right-aligned, broadcast where static 1.
  auto operandMap = [&](RankedTensorType type, AffineExpr row, AffineExpr col) {
    SmallVector<AffineExpr> exprs;
    int64_t operandBatch = type.getRank() - 2;
    for (int64_t i = 0; i < operandBatch; ++i) {
      int64_t d = batchRank - operandBatch + i;
      if (type.getDimSize(i) == 1 && resultShape[d] != 1)
        exprs.push_back(getAffineConstantExpr(0, ctx));
      else
        exprs.push_back(getAffineDimExpr(d, ctx));
    }
    exprs.push_back(row);
    exprs.push_back(col);
    return AffineMap::get(rank + 1, 0, exprs, ctx);
  };
  SmallVector<AffineExpr> resultExprs;
  for (int64_t d = 0; d < batchRank; ++d)
    resultExprs.push_back(getAffineDimExpr(d, ctx));
  resultExprs.push_back(m);
  resultExprs.push_back(n);
  bool transposeLhs = op.getTransposeLhs();
  SmallVector<AffineMap> maps = {
      operandMap(lhsType, transposeLhs ? k : m, transposeLhs ? m : k),
      operandMap(rhsType, k, n), AffineMap::get(rank + 1, 0, resultExprs, ctx)};

  // Dynamic result dims: batch dims from whichever operand has them, M
  // from lhs, N from rhs.
  SmallVector<std::pair<Value, int64_t>> sources(rank, {Value(), 0});
  for (auto [value, type] :
       {std::pair{lhs, lhsType}, std::pair{rhs, rhsType}}) {
    int64_t offset = batchRank - (type.getRank() - 2);
    for (int64_t i = 0; i < type.getRank() - 2; ++i)
      if (type.isDynamicDim(i) && !sources[offset + i].first)
        sources[offset + i] = {value, i};
  }
  int64_t lr = lhsType.getRank(), rr = rhsType.getRank();
  sources[rank - 2] = {lhs, transposeLhs ? lr - 1 : lr - 2};
  sources[rank - 1] = {rhs, rr - 1};
  Value empty = emptyFrom(b, loc, resultType, sources);
  Value init = initialAccumulator(b, loc, empty, bias, rank - 1);
  return multiplyAccumulate(b, loc, lhs, rhs, init, maps, {batchRank + 1});
}

namespace {

struct Conv2DLowering : public OpConversionPattern<qnt::Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = op.getResult().getType();
    auto inputType = op.getInput().getType();
    auto weightType = op.getWeight().getType();
    if (!weightType.hasStaticShape() || inputType.isDynamicDim(1) ||
        resultType.isDynamicDim(2) || resultType.isDynamicDim(3))
      return rewriter.notifyMatchFailure(
          op, "only the batch dimension may be dynamic");
    Value conv = convolution(rewriter, op.getLoc(), op, adaptor.getInput(),
                             adaptor.getWeight(), adaptor.getBias(),
                             resultType.getElementType());
    rewriter.replaceOp(
        op, applyFusedClamp(rewriter, op.getLoc(), conv, op.getFusedClamp()));
    return success();
  }
};

/// A transposed rhs is transposed first (at compile time if it is a
/// constant weight).
struct MatMulLowering : public OpConversionPattern<qnt::MatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value rhs = adaptor.getRhs();
    if (op.getTransposeRhs())
      rhs = transposeLastTwo(rewriter, loc, rhs);
    Value product = matmulProduct(rewriter, loc, op, adaptor.getLhs(), rhs,
                                  adaptor.getBias(),
                                  op.getResult().getType().getElementType());
    rewriter.replaceOp(
        op, applyFusedClamp(rewriter, loc, product, op.getFusedClamp()));
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
