//===- Linear.cpp - quantized conv2d and matmul -----------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Quantized linear layers, the exact int32 accumulator (Numerics.md
// sections 5 and 10):
//
//   acc = bias + sum (q_x - z_x) * (q_w - z_w)
//
// With w' = q_w - z_w this is bias - z_x * sum(w') + sum q_x * w'. Two
// realisations, both linalg.generic multiply-accumulates in i32 with the
// loop orders of the float lowering (output width or N innermost):
//
//   folded    constant weights: w' is a compile-time constant (the weight
//             itself when z_w = 0), and bias - z_x * sum_k w' is folded into
//             one int32 constant per output channel; the body is
//             acc + ext(q_x) * ext(w'), which is u8 x i8 -> i32 for the
//             usual asymmetric-activation, symmetric-weight layer
//   centered  otherwise (activation x activation matmuls, weights computed
//             at run time, or a folded form whose partial sums could leave
//             int32): acc + (ext(q_x) - z_x) * w', with w' the constant or
//             a run-time (q_w - z_w)
//
// Spatial padding is the input zero point (real value 0) in both. The
// accumulator bound (lib/Analysis/AccumulatorBounds.cpp) chooses between
// them, and checkQntToFixedPointLowerable rejects a layer whose exact
// accumulator could leave int32, so no partial sum ever wraps.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "quant-opt/Analysis/AccumulatorBounds.h"
#include "quant-opt/Conversion/QntToFixedPoint/QntToFixedPoint.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::fixedpoint;

namespace {

//===----------------------------------------------------------------------===//
// Utility functions
//===----------------------------------------------------------------------===//

/// acc + x * w on one element of the multiply-accumulate.
using MacBody =
    std::function<Value(OpBuilder &, Location, Value x, Value w, Value acc)>;

/// The weight operand of the accumulation and how to read it.
struct WeightOperand {
  Value value;
  /// Its elements are stored integers of this signedness (ext them).
  bool isSigned = true;
  /// The per-output-channel constant folded into the bias, if any.
  SmallVector<int64_t> correction;
};

/// w' = q - z (z per channel of `channels` along the layout) as the
/// narrowest signed integer constant, and sum_k w' per channel.
struct CenteredWeights {
  SmallVector<int64_t> values; // in the requested layout
  SmallVector<int64_t> sums;   // per channel
};

/// The integer type that holds every value of `values`.
IntegerType narrowestType(MLIRContext *ctx, ArrayRef<int64_t> values) {
  int64_t lo = 0, hi = 0;
  for (int64_t v : values) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  unsigned width = lo >= -128 && hi <= 127       ? 8
                   : lo >= -32768 && hi <= 32767 ? 16
                                                 : 32;
  return IntegerType::get(ctx, width);
}

Value intTensorConstant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                        ArrayRef<int64_t> values) {
  IntegerType type = narrowestType(b.getContext(), values);
  SmallVector<APInt> ints;
  ints.reserve(values.size());
  for (int64_t v : values)
    ints.push_back(APInt(type.getWidth(), v, /*isSigned=*/true));
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(RankedTensorType::get(shape, type), ints));
}

/// The initial accumulator: `bias` (i32, 1-D, may be null) plus the
/// constant `correction` (may be empty), broadcast along `channelDim` of
/// `empty`.
Value initialAccumulator(OpBuilder &b, Location loc, Value empty, Value bias,
                         std::optional<SmallVector<int64_t>> biasValues,
                         ArrayRef<int64_t> correction, int64_t channels,
                         int64_t channelDim) {
  bool hasCorrection =
      llvm::any_of(correction, [](int64_t c) { return c != 0; });
  Value vector;
  if (biasValues || !bias) {
    // Everything is known: one folded constant (or zeros).
    if (!hasCorrection && !bias)
      return fill(b, loc, empty, intConstant(b, loc, b.getI32Type(), 0));
    SmallVector<int64_t> folded(channels, 0);
    for (int64_t c = 0; c < channels; ++c) {
      if (biasValues)
        folded[c] +=
            biasValues->size() == 1 ? (*biasValues)[0] : (*biasValues)[c];
      if (hasCorrection)
        folded[c] += correction[c];
    }
    vector = intVector(b, loc, b.getI32Type(), folded);
  } else {
    vector = bias;
    if (hasCorrection) {
      Value corr = intVector(b, loc, b.getI32Type(), correction);
      vector = elementwise(
          b, loc, cast<RankedTensorType>(bias.getType()), {bias, corr},
          [](OpBuilder &nb, Location l, ValueRange args) {
            return arith::AddIOp::create(nb, l, args[0], args[1]).getResult();
          });
    }
  }
  return broadcastAlong(b, loc, vector, empty, channelDim);
}

/// init += input * weight as a linalg.generic; `reductions` lists the loop
/// dims that are reductions.
Value multiplyAccumulate(OpBuilder &b, Location loc, Value input, Value weight,
                         Value init, ArrayRef<AffineMap> maps,
                         ArrayRef<int64_t> reductions, const MacBody &mac) {
  int64_t loops = maps[0].getNumDims();
  SmallVector<utils::IteratorType> iterators(loops,
                                             utils::IteratorType::parallel);
  for (int64_t d : reductions)
    iterators[d] = utils::IteratorType::reduction;
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), ValueRange{input, weight}, init, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc,
                                mac(nb, nloc, args[0], args[1], args[2]));
      });
  return generic.getResult(0);
}

/// The multiply-accumulate body: acc + (ext(x) [- z_x]) * ext(w).
MacBody makeMac(const Grid &input, bool centered, Value zx, bool weightSigned) {
  bool subtract = centered && input.zeroPoints[0] != 0;
  bool inputSigned = input.isSigned;
  return [=](OpBuilder &b, Location l, Value x, Value w, Value acc) -> Value {
    Value xi = extendToI32(b, l, x, inputSigned);
    if (subtract)
      xi = arith::SubIOp::create(b, l, xi, zx);
    Value wi = extendToI32(b, l, w, weightSigned);
    Value product = arith::MulIOp::create(b, l, xi, wi);
    return arith::AddIOp::create(b, l, acc, product);
  };
}

/// The weight of a layer: the constant w' (or the stored weight when its
/// zero points are 0) with the folded correction, or, for a run-time
/// weight, the stored weight (z_w = 0) or (q_w - z_w) computed in i32.
/// `valuesLayout` reorders the constant: element i of the result is element
/// valuesLayout(i) of the stored constant; `channelOf(i)` is the output
/// channel of element i of the result.
WeightOperand prepareWeight(OpBuilder &b, Location loc, Value converted,
                            const Grid &weight, int64_t zx, bool folded,
                            std::optional<SmallVector<int64_t>> constant,
                            ArrayRef<int64_t> shape, int64_t channels,
                            function_ref<int64_t(int64_t)> valuesLayout,
                            function_ref<int64_t(int64_t)> channelOf,
                            int64_t weightAxis) {
  WeightOperand result;
  bool identityLayout = true;
  if (constant)
    for (int64_t i = 0, e = constant->size(); i < e && identityLayout; ++i)
      identityLayout = valuesLayout(i) == i;
  if (constant) {
    SmallVector<int64_t> centered(constant->size());
    SmallVector<int64_t> sums(channels, 0);
    for (int64_t i = 0, e = centered.size(); i < e; ++i) {
      int64_t c = channelOf(i);
      centered[i] = (*constant)[valuesLayout(i)] - weight.zeroPoint(c);
      sums[c] += centered[i];
    }
    if (folded && zx != 0)
      for (int64_t c = 0; c < channels; ++c)
        result.correction.push_back(-zx * sums[c]);
    if (weight.symmetric() && identityLayout) {
      result.value = converted;
      result.isSigned = weight.isSigned;
    } else {
      result.value = intTensorConstant(b, loc, shape, centered);
      result.isSigned = true;
    }
    return result;
  }
  result.value = converted;
  result.isSigned = weight.isSigned;
  if (weight.symmetric())
    return result;
  // (q_w - z_w) in i32 at run time, per tensor or per channel.
  auto type = withElementType(converted.getType(), b.getI32Type());
  bool isSigned = weight.isSigned;
  auto center = [isSigned](OpBuilder &nb, Location l, Value q, Value z) {
    return arith::SubIOp::create(nb, l, extendToI32(nb, l, q, isSigned), z)
        .getResult();
  };
  if (!weight.perAxis()) {
    Value z = intConstant(b, loc, b.getI32Type(), weight.zeroPoints[0]);
    result.value = elementwise(b, loc, type, converted,
                               [&](OpBuilder &nb, Location l, ValueRange args) {
                                 return center(nb, l, args[0], z);
                               });
  } else {
    Value zs = intVector(b, loc, b.getI32Type(), weight.zeroPoints);
    result.value =
        perChannelElementwise(b, loc, converted, zs, weightAxis, type,
                              [&](OpBuilder &nb, Location l, ValueRange args) {
                                return center(nb, l, args[0], args[1]);
                              });
  }
  result.isSigned = true;
  return result;
}

/// True if the layer uses the folded realisation.
bool useFolded(Operation *op) {
  // Storage ranges only (a local analysis): conservative, and the same
  // choice for every caller.
  qnt::StoredRangeAnalysis local(op);
  FailureOr<qnt::AccumulatorBound> bound =
      qnt::computeAccumulatorBound(op, local);
  return succeeded(bound) && bound->foldedFitsInt32();
}

//===----------------------------------------------------------------------===//
// Conversion patterns
//===----------------------------------------------------------------------===//

/// A quantized convolution: (n, f, c, kh, kw, oh, ow) loops as in the float
/// lowering (plain, depthwise, grouped).
struct Conv2DLowering : public OpConversionPattern<qnt::Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto resultType = op.getResult().getType();
    auto inputType = op.getInput().getType();
    auto weightType = op.getWeight().getType();
    if (!weightType.hasStaticShape() || inputType.isDynamicDim(1) ||
        resultType.isDynamicDim(2) || resultType.isDynamicDim(3))
      return rewriter.notifyMatchFailure(
          op, "only the batch dimension may be dynamic");
    Grid x = Grid::of(inputType), w = Grid::of(weightType);
    int64_t zx = x.zeroPoints[0];
    std::optional<SmallVector<int64_t>> constant =
        qnt::getConstantStoredValues(op.getWeight());
    bool folded = constant && useFolded(op);
    int64_t cout = weightType.getDimSize(0);
    int64_t perChannel = weightType.getNumElements() / cout;
    WeightOperand weight = prepareWeight(
        rewriter, loc, adaptor.getWeight(), w, zx, folded, constant,
        weightType.getShape(), cout, [](int64_t i) { return i; },
        [perChannel](int64_t i) { return i / perChannel; }, 0);

    Value zxStorage = intConstant(rewriter, loc, x.storage, zx);
    Value zx32 = intConstant(rewriter, loc, rewriter.getI32Type(), zx);
    Value input =
        padSpatial(rewriter, loc, adaptor.getInput(), op.getPads(), zxStorage);
    auto accType = withElementType(resultType, rewriter.getI32Type());
    Value empty = emptyFrom(rewriter, loc, accType,
                            {{adaptor.getInput(), 0}, {}, {}, {}});
    std::optional<SmallVector<int64_t>> biasValues;
    if (op.getBias())
      biasValues = qnt::getConstantStoredValues(op.getBias());
    Value init =
        initialAccumulator(rewriter, loc, empty, adaptor.getBias(), biasValues,
                           weight.correction, cout, /*channelDim=*/1);
    MacBody mac = makeMac(x, !folded, zx32, weight.isSigned);
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    auto window = [&](AffineExpr out, AffineExpr k, int i) {
      return out * strides[i] + k * dilations[i];
    };

    int64_t groups = op.getGroups();
    int64_t cin = inputType.getDimSize(1);
    if (groups == 1) {
      SmallVector<AffineMap> maps = {
          AffineMap::get(
              7, 0, {d(0), d(2), window(d(5), d(3), 0), window(d(6), d(4), 1)},
              ctx),
          AffineMap::get(7, 0, {d(1), d(2), d(3), d(4)}, ctx),
          AffineMap::get(7, 0, {d(0), d(1), d(5), d(6)}, ctx)};
      rewriter.replaceOp(op,
                         multiplyAccumulate(rewriter, loc, input, weight.value,
                                            init, maps, {2, 3, 4}, mac));
      return success();
    }
    if (groups == cin && cout == cin) {
      SmallVector<AffineMap> maps = {
          AffineMap::get(
              6, 0, {d(0), d(1), window(d(4), d(2), 0), window(d(5), d(3), 1)},
              ctx),
          AffineMap::get(
              6, 0, {d(1), getAffineConstantExpr(0, ctx), d(2), d(3)}, ctx),
          AffineMap::get(6, 0, {d(0), d(1), d(4), d(5)}, ctx)};
      rewriter.replaceOp(op,
                         multiplyAccumulate(rewriter, loc, input, weight.value,
                                            init, maps, {2, 3}, mac));
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
                ? OpFoldResult(tensor::DimOp::create(rewriter, loc, value, 0)
                                   .getResult())
                : OpFoldResult(rewriter.getIndexAttr(shape[i])));
      return tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get(shape, type.getElementType()),
          value, reassociation, outputShape);
    };
    Value groupedInput = splitChannels(input, 1, cin / groups);
    Value groupedWeight = splitChannels(weight.value, 0, cout / groups);
    Value groupedInit = splitChannels(init, 1, cout / groups);
    SmallVector<AffineMap> maps = {
        AffineMap::get(
            8, 0,
            {d(0), d(1), d(3), window(d(6), d(4), 0), window(d(7), d(5), 1)},
            ctx),
        AffineMap::get(8, 0, {d(1), d(2), d(3), d(4), d(5)}, ctx),
        AffineMap::get(8, 0, {d(0), d(1), d(2), d(6), d(7)}, ctx)};
    Value conv = multiplyAccumulate(rewriter, loc, groupedInput, groupedWeight,
                                    groupedInit, maps, {3, 4, 5}, mac);
    rewriter.replaceOp(
        op, tensor::CollapseShapeOp::create(
                rewriter, loc, accType, conv,
                SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}}));
    return success();
  }
};

/// `value` with its last two dims swapped, at run time.
Value transposeLastTwo(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> perm = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  std::swap(perm[rank - 2], perm[rank - 1]);
  SmallVector<int64_t> shape;
  SmallVector<std::pair<Value, int64_t>> sources;
  for (int64_t p : perm) {
    shape.push_back(type.getDimSize(p));
    sources.push_back({value, p});
  }
  Value init = emptyFrom(b, loc, type.clone(shape), sources);
  return linalg::TransposeOp::create(b, loc, value, init, perm).getResult()[0];
}

/// A quantized matmul as one linalg.generic over (batch..., m, k, n).
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
    Grid x = Grid::of(lhsType), w = Grid::of(rhsType);
    int64_t zx = x.zeroPoints[0];
    int64_t rr = rhsType.getRank();
    bool transposeRhs = op.getTransposeRhs();
    int64_t nAxis = transposeRhs ? rr - 2 : rr - 1;

    // A constant matrix weight is brought to [K, N] at compile time.
    std::optional<SmallVector<int64_t>> constant;
    if (rr == 2 && rhsType.hasStaticShape())
      constant = qnt::getConstantStoredValues(op.getRhs());
    bool folded = constant && useFolded(op);
    WeightOperand weight;
    int64_t n = rhsType.getDimSize(nAxis);
    if (constant) {
      int64_t k = rhsType.getDimSize(transposeRhs ? 1 : 0);
      SmallVector<int64_t> shape = {k, n};
      weight = prepareWeight(
          rewriter, loc, adaptor.getRhs(), w, zx, folded, constant, shape, n,
          [&](int64_t i) {
            return transposeRhs ? (i % n) * k + i / n : i; // [N, K] -> [K, N]
          },
          [n](int64_t i) { return i % n; }, 1);
    } else {
      weight = prepareWeight(rewriter, loc, adaptor.getRhs(), w, zx,
                             /*folded=*/false, std::nullopt, {}, n, nullptr,
                             nullptr, nAxis);
      if (transposeRhs)
        weight.value = transposeLastTwo(rewriter, loc, weight.value);
    }
    Value rhs = weight.value;
    auto rhsLayout = cast<RankedTensorType>(rhs.getType());

    int64_t rank = resultType.getRank();
    int64_t batchRank = rank - 2;
    AffineExpr m = getAffineDimExpr(batchRank, ctx);
    AffineExpr kd = getAffineDimExpr(batchRank + 1, ctx);
    AffineExpr nd = getAffineDimExpr(batchRank + 2, ctx);
    ArrayRef<int64_t> resultShape = resultType.getShape();
    auto operandMap = [&](RankedTensorType type, AffineExpr row,
                          AffineExpr col) {
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
    resultExprs.push_back(nd);
    bool transposeLhs = op.getTransposeLhs();
    SmallVector<AffineMap> maps = {
        operandMap(lhsType, transposeLhs ? kd : m, transposeLhs ? m : kd),
        operandMap(rhsLayout, kd, nd),
        AffineMap::get(rank + 1, 0, resultExprs, ctx)};

    SmallVector<std::pair<Value, int64_t>> sources(rank, {Value(), 0});
    for (auto [value, type] :
         {std::pair{adaptor.getLhs(),
                    cast<RankedTensorType>(adaptor.getLhs().getType())},
          std::pair{rhs, rhsLayout}}) {
      int64_t offset = batchRank - (type.getRank() - 2);
      for (int64_t i = 0; i < type.getRank() - 2; ++i)
        if (type.isDynamicDim(i) && !sources[offset + i].first)
          sources[offset + i] = {value, i};
    }
    int64_t lr = lhsType.getRank(), rl = rhsLayout.getRank();
    sources[rank - 2] = {adaptor.getLhs(), transposeLhs ? lr - 1 : lr - 2};
    sources[rank - 1] = {rhs, rl - 1};
    auto accType = withElementType(resultType, rewriter.getI32Type());
    Value empty = emptyFrom(rewriter, loc, accType, sources);
    std::optional<SmallVector<int64_t>> biasValues;
    if (op.getBias())
      biasValues = qnt::getConstantStoredValues(op.getBias());
    Value init = initialAccumulator(rewriter, loc, empty, adaptor.getBias(),
                                    biasValues, weight.correction, n, rank - 1);
    Value zx32 = intConstant(rewriter, loc, rewriter.getI32Type(), zx);
    MacBody mac = makeMac(x, !folded, zx32, weight.isSigned);
    rewriter.replaceOp(op,
                       multiplyAccumulate(rewriter, loc, adaptor.getLhs(), rhs,
                                          init, maps, {batchRank + 1}, mac));
    return success();
  }
};

} // namespace

void mlir::quantopt::populateQntLinearToFixedPointPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns.add<Conv2DLowering, MatMulLowering>(typeConverter,
                                               patterns.getContext());
}
