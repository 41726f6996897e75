//===- Utils.h - helpers of the qnt-to-linalg lowering -----------*- C++
//-*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Building blocks shared by the op-family files of convert-qnt-to-linalg:
// tensor.empty with dynamic dims, NumPy-broadcasting element-wise generics,
// spatial padding, reductions.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_CONVERSION_QNTTOLINALG_UTILS_H
#define QUANTOPT_LIB_CONVERSION_QNTTOLINALG_UTILS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mlir::qnt {
class Conv2DOp;
class MatMulOp;
} // namespace mlir::qnt

namespace mlir::quantopt::lowering {

/// Computes the body of an element-wise op from its scalar operands.
using ScalarBody =
    function_ref<Value(OpBuilder &b, Location loc, ValueRange args)>;

/// A float constant of type `type`.
Value floatConstant(OpBuilder &b, Location loc, Type type, double value);

/// A float or integer constant of type `type` (integers: `value` truncated).
Value scalarConstant(OpBuilder &b, Location loc, Type type, double value);

/// tensor.empty of `type`; dynamic dim i is `tensor.dim(source, i)` (same
/// rank, or at least the dynamic dims present in `source`).
Value emptyLike(OpBuilder &b, Location loc, RankedTensorType type,
                Value source);

/// tensor.empty of `type`; dynamic dim i is `tensor.dim(sources[i].first,
/// sources[i].second)` (entries for static dims are ignored).
Value emptyFrom(OpBuilder &b, Location loc, RankedTensorType type,
                ArrayRef<std::pair<Value, int64_t>> sources);

/// linalg.fill of `init` with `value` (float or integer elements).
Value fill(OpBuilder &b, Location loc, Value init, double value);

/// The NumPy broadcasting map from a result of shape `result` into an
/// operand of shape `operand` (right-aligned; static size-1 dims read
/// index 0).
AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operand,
                       ArrayRef<int64_t> result);

/// An all-parallel linalg.generic computing `body` on `inputs` broadcast to
/// `resultType`.
Value elementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                  ValueRange inputs, ScalarBody body);

/// An element-wise generic whose extra inputs `params` are 1-D and indexed
/// by dimension `axis` of `input` (per-channel parameters).
Value perChannelElementwise(OpBuilder &b, Location loc, Value input,
                            ValueRange params, int64_t axis,
                            RankedTensorType resultType, ScalarBody body);

/// `init` filled with the 1-D `vector` broadcast along dimension `axis`.
Value broadcastAlong(OpBuilder &b, Location loc, Value vector, Value init,
                     int64_t axis);

/// Pads dims 2 and 3 of an NCHW tensor by `pads` = [top, left, bottom,
/// right] with `value` (float or integer elements; no-op for zero pads).
Value padSpatial(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> pads, double value);

/// Sums (`kind` = add) or maximizes (`kind` = max) `input` over the sorted
/// dims `axes`, giving a tensor without them; `init` is the start value.
enum class ReduceKind { Add, Max };
Value reduce(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
             ReduceKind kind);

/// The number of elements of `input` along `axes`, as a float of `type`.
Value countAlong(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> axes, Type type);

/// The accumulation of `op`'s convolution (Linear.cpp): `input` padded
/// with zeros, `bias` (1-D, may be null) broadcast along the output
/// channels, and the multiply-accumulate of input and weight in the element
/// type `element` (f32: mulf/addf; an integer type: muli/addi), without the
/// fused activation.
Value convolution(OpBuilder &b, Location loc, qnt::Conv2DOp op, Value input,
                  Value weight, Value bias, Type element);

/// The accumulation of `op`'s matrix product (Linear.cpp) on `lhs` and
/// `rhs`, the latter already transposed if `op` says so (its last two dims
/// are K x N), starting from `bias` (may be null), in element type
/// `element`, without the fused activation.
Value matmulProduct(OpBuilder &b, Location loc, qnt::MatMulOp op, Value lhs,
                    Value rhs, Value bias, Type element);

/// `value` with its last two dims swapped; a constant f32 matrix at compile
/// time.
Value transposeLastTwo(OpBuilder &b, Location loc, Value value);

/// `result` with a fused activation [min, max], if any.
Value applyFusedClamp(OpBuilder &b, Location loc, Value result,
                      std::optional<std::pair<float, float>> clamp);

} // namespace mlir::quantopt::lowering

#endif // QUANTOPT_LIB_CONVERSION_QNTTOLINALG_UTILS_H
