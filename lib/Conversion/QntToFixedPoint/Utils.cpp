//===- Utils.cpp - helpers of the integer lowering --------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "quant-opt/Dialect/Qnt/IR/QuantTypeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::fixedpoint;

//===----------------------------------------------------------------------===//
// Grid
//===----------------------------------------------------------------------===//

Grid Grid::of(Type type) {
  Grid grid;
  grid.type = qnt::getUniformQuantizedElementType(type);
  assert(grid.type && "not a quantized type");
  MLIRContext *ctx = type.getContext();
  grid.storage = IntegerType::get(ctx, grid.type.getStorageTypeIntegralWidth());
  grid.isSigned = grid.type.isSigned();
  grid.qmin = grid.type.getStorageTypeMin();
  grid.qmax = grid.type.getStorageTypeMax();
  grid.scales = qnt::getScales(grid.type);
  grid.zeroPoints = qnt::getZeroPoints(grid.type);
  if (std::optional<int32_t> axis = qnt::getQuantizedDimension(grid.type))
    grid.axis = *axis;
  grid.expressed = cast<FloatType>(grid.type.getExpressedType());
  return grid;
}

bool Grid::symmetric() const {
  return llvm::all_of(zeroPoints, [](int64_t z) { return z == 0; });
}

RankedTensorType fixedpoint::withElementType(Type tensorType, Type element) {
  return cast<RankedTensorType>(tensorType).clone(element);
}

//===----------------------------------------------------------------------===//
// Constants and tensors
//===----------------------------------------------------------------------===//

Value fixedpoint::intConstant(OpBuilder &b, Location loc, Type type,
                              int64_t value) {
  // Storage integers are signless: 255 as i8 is the u8 value 255.
  unsigned width = cast<IntegerType>(type).getWidth();
  return arith::ConstantOp::create(
      b, loc,
      b.getIntegerAttr(type, APInt(width, value, /*isSigned=*/true,
                                   /*implicitTrunc=*/true)));
}

Value fixedpoint::floatConstant(OpBuilder &b, Location loc, Type type,
                                double value) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
}

Value fixedpoint::intVector(OpBuilder &b, Location loc, IntegerType type,
                            ArrayRef<int64_t> values) {
  auto tensorType =
      RankedTensorType::get({static_cast<int64_t>(values.size())}, type);
  SmallVector<APInt> ints;
  for (int64_t v : values)
    ints.push_back(APInt(type.getWidth(), v, /*isSigned=*/true,
                         /*implicitTrunc=*/true));
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(tensorType, ints));
}

Value fixedpoint::floatVector(OpBuilder &b, Location loc, FloatType type,
                              ArrayRef<double> values) {
  auto tensorType =
      RankedTensorType::get({static_cast<int64_t>(values.size())}, type);
  SmallVector<Attribute> attrs;
  for (double v : values)
    attrs.push_back(b.getFloatAttr(type, v));
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(tensorType, attrs));
}

Value fixedpoint::emptyFrom(OpBuilder &b, Location loc, RankedTensorType type,
                            ArrayRef<std::pair<Value, int64_t>> sources) {
  SmallVector<Value> dynamicDims;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dynamicDims.push_back(
          tensor::DimOp::create(b, loc, sources[d].first, sources[d].second));
  return tensor::EmptyOp::create(b, loc, type, dynamicDims);
}

Value fixedpoint::emptyLike(OpBuilder &b, Location loc, RankedTensorType type,
                            Value source) {
  SmallVector<std::pair<Value, int64_t>> sources;
  for (int64_t d = 0; d < type.getRank(); ++d)
    sources.push_back({source, d});
  return emptyFrom(b, loc, type, sources);
}

Value fixedpoint::fill(OpBuilder &b, Location loc, Value init, Value scalar) {
  return linalg::FillOp::create(b, loc, scalar, init).getResult(0);
}

AffineMap fixedpoint::broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operand,
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

/// An all-parallel linalg.generic with the given maps computing `body`.
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

Value fixedpoint::elementwise(OpBuilder &b, Location loc,
                              RankedTensorType resultType, ValueRange inputs,
                              ScalarBody body) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> result = resultType.getShape();
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

Value fixedpoint::perChannelElementwise(OpBuilder &b, Location loc, Value input,
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

Value fixedpoint::broadcastAlong(OpBuilder &b, Location loc, Value vector,
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

Value fixedpoint::padSpatial(OpBuilder &b, Location loc, Value input,
                             ArrayRef<int64_t> pads, Value padValue) {
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
  return tensor::PadOp::create(b, loc, padded, input, low, high, padValue);
}

//===----------------------------------------------------------------------===//
// Scalar arithmetic
//===----------------------------------------------------------------------===//

Value fixedpoint::extendToI32(OpBuilder &b, Location loc, Value value,
                              bool isSigned) {
  auto type = cast<IntegerType>(value.getType());
  if (type.getWidth() == 32)
    return value;
  Type i32 = b.getI32Type();
  if (isSigned)
    return arith::ExtSIOp::create(b, loc, i32, value);
  return arith::ExtUIOp::create(b, loc, i32, value);
}

Value fixedpoint::maxStored(OpBuilder &b, Location loc, Value x, Value y,
                            bool isSigned) {
  if (isSigned)
    return arith::MaxSIOp::create(b, loc, x, y);
  return arith::MaxUIOp::create(b, loc, x, y);
}

Value fixedpoint::minStored(OpBuilder &b, Location loc, Value x, Value y,
                            bool isSigned) {
  if (isSigned)
    return arith::MinSIOp::create(b, loc, x, y);
  return arith::MinUIOp::create(b, loc, x, y);
}

/// f32(q - z) * f32(s) on one element; `z` (i32) and `s` (float) are
/// scalars.
static Value dequantizeScalar(OpBuilder &b, Location loc, Value q, Value z,
                              Value s, bool isSigned, bool hasZeroPoint) {
  Value wide = extendToI32(b, loc, q, isSigned);
  if (hasZeroPoint)
    wide = arith::SubIOp::create(b, loc, wide, z);
  Value asFloat = arith::SIToFPOp::create(b, loc, s.getType(), wide);
  return arith::MulFOp::create(b, loc, asFloat, s);
}

/// clamp(round_half_even(x / s) + z, q_min, q_max) on one element, as a
/// storage integer; `s` and `z` are float scalars.
static Value quantizeScalar(OpBuilder &b, Location loc, Value x, Value s,
                            Value z, const Grid &grid) {
  Type ft = x.getType();
  Value q = arith::DivFOp::create(b, loc, x, s);
  Value rounded = math::RoundEvenOp::create(b, loc, q);
  Value shifted = arith::AddFOp::create(b, loc, rounded, z);
  Value low = arith::MaximumFOp::create(
      b, loc, shifted,
      floatConstant(b, loc, ft, static_cast<double>(grid.qmin)));
  Value clamped = arith::MinimumFOp::create(
      b, loc, low, floatConstant(b, loc, ft, static_cast<double>(grid.qmax)));
  Value asInt = arith::FPToSIOp::create(b, loc, b.getI32Type(), clamped);
  if (grid.storage.getWidth() == 32)
    return asInt;
  return arith::TruncIOp::create(b, loc, grid.storage, asInt);
}

Value fixedpoint::dequantizeTensor(OpBuilder &b, Location loc, Value storage,
                                   RankedTensorType quantizedType) {
  Grid grid = Grid::of(quantizedType);
  RankedTensorType resultType = withElementType(quantizedType, grid.expressed);
  bool hasZeroPoint = !grid.symmetric();
  if (!grid.perAxis()) {
    Value z = intConstant(b, loc, b.getI32Type(), grid.zeroPoints[0]);
    Value s = floatConstant(b, loc, grid.expressed, grid.scales[0]);
    return elementwise(b, loc, resultType, storage,
                       [&](OpBuilder &nb, Location l, ValueRange args) {
                         return dequantizeScalar(nb, l, args[0], z, s,
                                                 grid.isSigned, hasZeroPoint);
                       });
  }
  Value zs = intVector(b, loc, b.getI32Type(), grid.zeroPoints);
  Value ss = floatVector(b, loc, grid.expressed, grid.scales);
  return perChannelElementwise(
      b, loc, storage, {zs, ss}, *grid.axis, resultType,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        return dequantizeScalar(nb, l, args[0], args[1], args[2], grid.isSigned,
                                hasZeroPoint);
      });
}

Value fixedpoint::quantizeTensor(OpBuilder &b, Location loc, Value input,
                                 RankedTensorType quantizedType) {
  Grid grid = Grid::of(quantizedType);
  RankedTensorType resultType = withElementType(quantizedType, grid.storage);
  Type ft = cast<RankedTensorType>(input.getType()).getElementType();
  if (!grid.perAxis()) {
    Value s = floatConstant(b, loc, ft, grid.scales[0]);
    Value z =
        floatConstant(b, loc, ft, static_cast<double>(grid.zeroPoints[0]));
    return elementwise(b, loc, resultType, input,
                       [&](OpBuilder &nb, Location l, ValueRange args) {
                         return quantizeScalar(nb, l, args[0], s, z, grid);
                       });
  }
  SmallVector<double> zeroPoints;
  for (int64_t z : grid.zeroPoints)
    zeroPoints.push_back(static_cast<double>(z));
  auto floatType = cast<FloatType>(ft);
  Value ss = floatVector(b, loc, floatType, grid.scales);
  Value zs = floatVector(b, loc, floatType, zeroPoints);
  return perChannelElementwise(b, loc, input, {ss, zs}, *grid.axis, resultType,
                               [&](OpBuilder &nb, Location l, ValueRange args) {
                                 return quantizeScalar(nb, l, args[0], args[1],
                                                       args[2], grid);
                               });
}

SmallVector<Value> fixedpoint::realiseInFloat(OpBuilder &b, Operation *op,
                                              ValueRange operands) {
  Location loc = op->getLoc();
  IRMapping mapping;
  for (auto [original, converted] : llvm::zip(op->getOperands(), operands)) {
    Type type = original.getType();
    if (qnt::isQuantizedTensor(type))
      mapping.map(original, dequantizeTensor(b, loc, converted,
                                             cast<RankedTensorType>(type)));
    else
      mapping.map(original, converted);
  }
  Operation *clone = b.clone(*op, mapping);
  SmallVector<Value> results;
  for (auto [original, result] :
       llvm::zip(op->getResults(), clone->getResults())) {
    auto type = cast<RankedTensorType>(original.getType());
    if (!qnt::isQuantizedTensor(type)) {
      results.push_back(result);
      continue;
    }
    Grid grid = Grid::of(type);
    result.setType(withElementType(type, grid.expressed));
    results.push_back(quantizeTensor(b, loc, result, type));
  }
  return results;
}
