//===- QuantTypeUtils.h - helpers for !quant.uniform types -------*- C++
//-*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Queries and checks on the upstream uniform quantized element types as qnt
// uses them: the validity rules qtype_c1..c5 and acc_c1, the NN-op numeric
// kind rules nn_c1..c3 (docs/Numerics.md), and uniform access to per-tensor
// and per-axis parameters.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_QNT_IR_QUANTTYPEUTILS_H
#define QUANTOPT_DIALECT_QNT_IR_QUANTTYPEUTILS_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace mlir::qnt {

/// Storage widths of activations and weights (qtype_c3).
constexpr unsigned kMinStorageBits = 2;
constexpr unsigned kMaxStorageBits = 16;
/// Storage width of conv/matmul accumulators (acc_c1).
constexpr unsigned kAccumulatorBits = 32;

/// The uniform quantized element type of `type` (a tensor or a scalar), or
/// null if it has none.
quant::QuantizedType getUniformQuantizedElementType(Type type);

/// True if `type` is a tensor of uniform quantized elements.
bool isQuantizedTensor(Type type);

/// True if `type` is an int32 accumulator type (false for null).
bool isAccumulatorType(quant::QuantizedType type);

/// The quantized dimension of a per-axis type; nullopt for per-tensor types
/// and null.
std::optional<int32_t> getQuantizedDimension(quant::QuantizedType type);

/// The scales and zero points: one entry for a per-tensor type, one per
/// channel for a per-axis type.
SmallVector<double> getScales(quant::QuantizedType type);
SmallVector<int64_t> getZeroPoints(quant::QuantizedType type);

/// Checks the rules qtype_c1..c5 (and acc_c1 for 32-bit storage when
/// `allowAccumulator`) for the element type of the tensor type `type`.
/// Types without quantized elements pass. `what` names the value in
/// diagnostics ("operand #1", "result").
LogicalResult
verifyQuantizedTensorType(function_ref<InFlightDiagnostic()> emitError,
                          Type type, StringRef what, bool allowAccumulator);

/// verifyQuantizedTensorType on every operand and result of `op`.
LogicalResult verifyOperandAndResultQuantTypes(Operation *op,
                                               bool allowAccumulator);

/// nn_c1..c3: operands and results are all float of one element type, or
/// all quantized with one expressed type.
LogicalResult verifyUniformNumericKind(Operation *op);

/// acc_c2: `acc` is the accumulator type of a product of `lhs` (per-tensor)
/// and `rhs` (per-tensor or per-axis): scale s_lhs * s_rhs (relative
/// tolerance 1e-6), per-axis along `accAxis` exactly when `rhs` is per-axis.
/// `what` names the accumulator in diagnostics.
LogicalResult
verifyAccumulatorType(function_ref<InFlightDiagnostic()> emitError,
                      quant::QuantizedType acc, StringRef what,
                      quant::QuantizedType lhs, quant::QuantizedType rhs,
                      int64_t accAxis);

} // namespace mlir::qnt

#endif // QUANTOPT_DIALECT_QNT_IR_QUANTTYPEUTILS_H
