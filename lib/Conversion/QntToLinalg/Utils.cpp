//===- Utils.cpp - helpers of the qnt-to-linalg lowering --------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

#include <limits>

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::lowering;

Value lowering::floatConstant(OpBuilder &b, Location loc, Type type,
                              double value) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
}

Value lowering::scalarConstant(OpBuilder &b, Location loc, Type type,
                               double value) {
  if (isa<FloatType>(type))
    return floatConstant(b, loc, type, value);
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

Value lowering::emptyFrom(OpBuilder &b, Location loc, RankedTensorType type,
                          ArrayRef<std::pair<Value, int64_t>> sources) {
  SmallVector<Value> dynamicDims;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dynamicDims.push_back(
          tensor::DimOp::create(b, loc, sources[d].first, sources[d].second));
  return tensor::EmptyOp::create(b, loc, type, dynamicDims);
}

Value lowering::emptyLike(OpBuilder &b, Location loc, RankedTensorType type,
                          Value source) {
  SmallVector<std::pair<Value, int64_t>> sources;
  for (int64_t d = 0; d < type.getRank(); ++d)
    sources.push_back({source, d});
  return emptyFrom(b, loc, type, sources);
}

Value lowering::fill(OpBuilder &b, Location loc, Value init, double value) {
  Type element = cast<RankedTensorType>(init.getType()).getElementType();
  Value scalar = scalarConstant(b, loc, element, value);
  return linalg::FillOp::create(b, loc, scalar, init).getResult(0);
}

AffineMap lowering::broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operand,
                                 ArrayRef<int64_t> result) {
  int64_t offset = result.size() - operand.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, size] : llvm::enumerate(operand)) {
    int64_t d = offset + i;
    if (size == 1 && result[d] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(d, ctx));
  }
  return AffineMap::get(result.size(), 0, exprs, ctx);
}

/// A linalg.generic with the given maps, all-parallel, computing `body`.
static Value parallelGeneric(OpBuilder &b, Location loc, Value init,
                             ValueRange inputs, ArrayRef<AffineMap> maps,
                             ScalarBody body) {
  int64_t rank = cast<RankedTensorType>(init.getType()).getRank();
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), inputs, init, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value result = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, result);
      });
  return generic.getResult(0);
}

Value lowering::elementwise(OpBuilder &b, Location loc,
                            RankedTensorType resultType, ValueRange inputs,
                            ScalarBody body) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> result = resultType.getShape();
  // Each dynamic result dim comes from an input that has it dynamic too.
  SmallVector<std::pair<Value, int64_t>> sources(result.size(), {Value(), 0});
  for (Value input : inputs) {
    auto type = cast<RankedTensorType>(input.getType());
    int64_t offset = result.size() - type.getRank();
    for (int64_t i = 0; i < type.getRank(); ++i)
      if (type.isDynamicDim(i) && !sources[offset + i].first)
        sources[offset + i] = {input, i};
  }
  Value init = emptyFrom(b, loc, resultType, sources);
  SmallVector<AffineMap> maps;
  for (Value input : inputs)
    maps.push_back(broadcastMap(
        ctx, cast<RankedTensorType>(input.getType()).getShape(), result));
  maps.push_back(AffineMap::getMultiDimIdentityMap(result.size(), ctx));
  return parallelGeneric(b, loc, init, inputs, maps, body);
}

Value lowering::perChannelElementwise(OpBuilder &b, Location loc, Value input,
                                      ValueRange params, int64_t axis,
                                      RankedTensorType resultType,
                                      ScalarBody body) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = resultType.getRank();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap channel = AffineMap::get(rank, 0, getAffineDimExpr(axis, ctx), ctx);
  SmallVector<AffineMap> maps = {identity};
  maps.append(params.size(), channel);
  maps.push_back(identity);
  SmallVector<Value> inputs = {input};
  llvm::append_range(inputs, params);
  Value init = emptyLike(b, loc, resultType, input);
  return parallelGeneric(b, loc, init, inputs, maps, body);
}

Value lowering::broadcastAlong(OpBuilder &b, Location loc, Value vector,
                               Value init, int64_t axis) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = cast<RankedTensorType>(init.getType()).getRank();
  SmallVector<AffineMap> maps = {
      AffineMap::get(rank, 0, getAffineDimExpr(axis, ctx), ctx),
      AffineMap::getMultiDimIdentityMap(rank, ctx)};
  return parallelGeneric(
      b, loc, init, vector, maps,
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

Value lowering::padSpatial(OpBuilder &b, Location loc, Value input,
                           ArrayRef<int64_t> pads, double value) {
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(type.getShape());
  SmallVector<OpFoldResult> low(4, b.getIndexAttr(0));
  SmallVector<OpFoldResult> high(4, b.getIndexAttr(0));
  for (int i = 0; i < 2; ++i) {
    low[2 + i] = b.getIndexAttr(pads[i]);
    high[2 + i] = b.getIndexAttr(pads[2 + i]);
    if (!type.isDynamicDim(2 + i))
      shape[2 + i] += pads[i] + pads[2 + i];
  }
  auto padded = RankedTensorType::get(shape, type.getElementType());
  Value padValue = scalarConstant(b, loc, type.getElementType(), value);
  return tensor::PadOp::create(b, loc, padded, input, low, high, padValue);
}

Value lowering::reduce(OpBuilder &b, Location loc, Value input,
                       ArrayRef<int64_t> axes, ReduceKind kind) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  Type element = type.getElementType();

  // The reduction proper, into a tensor without the reduced dims.
  SmallVector<int64_t> keptShape;
  SmallVector<std::pair<Value, int64_t>> sources;
  SmallVector<AffineExpr> keptExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    if (llvm::is_contained(axes, d)) {
      iterators.push_back(utils::IteratorType::reduction);
      continue;
    }
    iterators.push_back(utils::IteratorType::parallel);
    keptShape.push_back(type.getDimSize(d));
    sources.push_back({input, d});
    keptExprs.push_back(getAffineDimExpr(d, ctx));
  }
  auto keptType = RankedTensorType::get(keptShape, element);
  double start =
      kind == ReduceKind::Add ? 0.0 : -std::numeric_limits<double>::infinity();
  Value init = fill(b, loc, emptyFrom(b, loc, keptType, sources), start);
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx),
                                 AffineMap::get(rank, 0, keptExprs, ctx)};
  auto generic = linalg::GenericOp::create(
      b, loc, keptType, input, init, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value result =
            kind == ReduceKind::Add
                ? arith::AddFOp::create(nb, nloc, args[0], args[1]).getResult()
                : arith::MaximumFOp::create(nb, nloc, args[0], args[1])
                      .getResult();
        linalg::YieldOp::create(nb, nloc, result);
      });
  Value reduced = generic.getResult(0);

  // Back to the input's rank, with size-1 reduced dims, so that NumPy
  // broadcasting applies. Each reassociation group holds one kept dim and
  // the reduced dims next to it (leading ones join the first group).
  SmallVector<int64_t> fullShape(type.getShape());
  SmallVector<OpFoldResult> outputShape;
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices leading;
  for (int64_t d = 0; d < rank; ++d) {
    if (llvm::is_contained(axes, d)) {
      fullShape[d] = 1;
      outputShape.push_back(b.getIndexAttr(1));
      if (groups.empty())
        leading.push_back(d);
      else
        groups.back().push_back(d);
      continue;
    }
    outputShape.push_back(
        type.isDynamicDim(d)
            ? OpFoldResult(tensor::DimOp::create(b, loc, input, d).getResult())
            : OpFoldResult(b.getIndexAttr(type.getDimSize(d))));
    groups.push_back(leading);
    groups.back().push_back(d);
    leading.clear();
  }
  auto fullType = RankedTensorType::get(fullShape, element);
  return tensor::ExpandShapeOp::create(b, loc, fullType, reduced, groups,
                                       outputShape);
}

Value lowering::countAlong(OpBuilder &b, Location loc, Value input,
                           ArrayRef<int64_t> axes, Type type) {
  auto shaped = cast<RankedTensorType>(input.getType());
  int64_t staticCount = 1;
  Value dynamicCount;
  for (int64_t axis : axes) {
    if (!shaped.isDynamicDim(axis)) {
      staticCount *= shaped.getDimSize(axis);
      continue;
    }
    Value dim = tensor::DimOp::create(b, loc, input, axis);
    dynamicCount =
        dynamicCount ? arith::MulIOp::create(b, loc, dynamicCount, dim) : dim;
  }
  if (!dynamicCount)
    return floatConstant(b, loc, type, static_cast<double>(staticCount));
  Value count = arith::MulIOp::create(
      b, loc, dynamicCount,
      arith::ConstantIndexOp::create(b, loc, staticCount));
  Value asInt = arith::IndexCastOp::create(b, loc, b.getI64Type(), count);
  return arith::SIToFPOp::create(b, loc, type, asInt);
}
