//===- Utils.h - helpers of the integer lowering ----------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Building blocks shared by the op-family files of
// convert-qnt-to-fixed-point: the grid of a quantized type, integer and
// float constants, broadcasting and per-channel linalg.generic builders,
// padding, and the quantize / dequantize arithmetic on whole tensors.
//
// This library deliberately shares no code with convert-qnt-to-linalg: the
// simulation lowering there and the integer lowering here are two
// independent realisations of docs/Numerics.md, and the tests compare them.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_CONVERSION_QNTTOFIXEDPOINT_UTILS_H
#define QUANTOPT_LIB_CONVERSION_QNTTOFIXEDPOINT_UTILS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Transforms/DialectConversion.h"

#include <optional>

namespace mlir::quantopt::fixedpoint {

/// The grid of a quantized tensor type: storage, range, and the per-tensor
/// or per-axis parameters.
struct Grid {
  quant::QuantizedType type;
  /// The signless storage integer type (i8 for u8 and i8 alike).
  IntegerType storage;
  bool isSigned = true;
  int64_t qmin = 0, qmax = 0;
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  /// The quantized dimension of a per-axis type.
  std::optional<int64_t> axis;
  /// The float type the grid expresses (f32).
  FloatType expressed;

  /// The grid of the element type of `type` (a quantized tensor).
  static Grid of(Type type);
  bool perAxis() const { return axis.has_value(); }
  int64_t numChannels() const { return scales.size(); }
  double scale(int64_t channel) const {
    return scales[perAxis() ? channel : 0];
  }
  int64_t zeroPoint(int64_t channel) const {
    return zeroPoints[perAxis() ? channel : 0];
  }
  /// True if every zero point is 0.
  bool symmetric() const;
};

/// Computes the result of an element-wise body from its scalar operands.
using ScalarBody =
    function_ref<Value(OpBuilder &b, Location loc, ValueRange args)>;

/// Scalar constants.
Value intConstant(OpBuilder &b, Location loc, Type type, int64_t value);
Value floatConstant(OpBuilder &b, Location loc, Type type, double value);
/// A 1-D dense constant.
Value intVector(OpBuilder &b, Location loc, IntegerType type,
                ArrayRef<int64_t> values);
Value floatVector(OpBuilder &b, Location loc, FloatType type,
                  ArrayRef<double> values);

/// tensor.empty of `type`; dynamic dim i is `tensor.dim(sources[i])`.
Value emptyFrom(OpBuilder &b, Location loc, RankedTensorType type,
                ArrayRef<std::pair<Value, int64_t>> sources);
/// tensor.empty of `type` with the dynamic dims of `source` (same rank).
Value emptyLike(OpBuilder &b, Location loc, RankedTensorType type,
                Value source);
/// linalg.fill of `init` with `scalar`.
Value fill(OpBuilder &b, Location loc, Value init, Value scalar);

/// The NumPy broadcasting map from a result of shape `result` into an
/// operand of shape `operand`.
AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operand,
                       ArrayRef<int64_t> result);

/// An all-parallel linalg.generic of `resultType` computing `body` on
/// `inputs` broadcast to it (NumPy).
Value elementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                  ValueRange inputs, ScalarBody body);

/// An element-wise generic over `input` of `resultType` (same shape) whose
/// extra inputs `params` are 1-D and indexed by dimension `axis`.
Value perChannelElementwise(OpBuilder &b, Location loc, Value input,
                            ValueRange params, int64_t axis,
                            RankedTensorType resultType, ScalarBody body);

/// `init` filled with the 1-D `vector` broadcast along dimension `axis`.
Value broadcastAlong(OpBuilder &b, Location loc, Value vector, Value init,
                     int64_t axis);

/// Pads dims 2 and 3 of an NCHW tensor by `pads` = [top, left, bottom,
/// right] with the scalar `padValue` (no-op for zero pads).
Value padSpatial(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> pads, Value padValue);

/// `value` (a storage integer, or i32) as i32: sign- or zero-extended.
Value extendToI32(OpBuilder &b, Location loc, Value value, bool isSigned);

/// Scalar min/max of storage integers with the grid's signedness.
Value maxStored(OpBuilder &b, Location loc, Value x, Value y, bool isSigned);
Value minStored(OpBuilder &b, Location loc, Value x, Value y, bool isSigned);

/// `f32(q - z) * f32(s)` (qnt.dequantize) on a tensor of storage integers
/// of the quantized tensor type `quantizedType`: a tensor of its expressed
/// type.
Value dequantizeTensor(OpBuilder &b, Location loc, Value storage,
                       RankedTensorType quantizedType);

/// `clamp(round_half_even(x / s) + z, q_min, q_max)` (qnt.quantize) on a
/// float tensor: a tensor of the storage integers of `quantizedType`.
Value quantizeTensor(OpBuilder &b, Location loc, Value input,
                     RankedTensorType quantizedType);

/// True if `op` (a qnt.relu or qnt.clamp) is fused into the clamp of the
/// qnt.requantize it follows on one grid (Requantize.cpp); it then lowers
/// to its input.
bool isActivationFusedIntoRequantize(Operation *op);

/// The quantized-form rule realised in float: dequantizes every quantized
/// operand of `op` (converted to storage in `operands`), clones `op` on the
/// float tensors, and quantizes its results. Returns the storage results.
SmallVector<Value> realiseInFloat(OpBuilder &b, Operation *op,
                                  ValueRange operands);

/// An op under the quantized-form rule, realised in float (realiseInFloat).
template <typename OpTy>
struct FloatRealisation : public OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, realiseInFloat(rewriter, op, adaptor.getOperands()));
    return success();
  }
};

/// The tensor type with the element type replaced.
RankedTensorType withElementType(Type tensorType, Type element);

} // namespace mlir::quantopt::fixedpoint

#endif // QUANTOPT_LIB_CONVERSION_QNTTOFIXEDPOINT_UTILS_H
