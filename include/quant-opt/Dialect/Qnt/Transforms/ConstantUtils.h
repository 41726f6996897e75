//===- ConstantUtils.h - reading and writing weight constants --*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The weight-rewriting passes (BN folding, equalization, bias correction,
// AdaRound, range setting) read float constants, compute in double, and write
// new constants. Large tensors stay in dense_resource blobs.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_QNT_TRANSFORMS_CONSTANTUTILS_H
#define QUANTOPT_DIALECT_QNT_TRANSFORMS_CONSTANTUTILS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::qnt {

/// The elements of `value` in row-major order if it is an f32
/// `arith.constant` (dense, splat or dense_resource); nullopt otherwise.
std::optional<std::vector<double>> readF32Constant(Value value);

/// True if `value` is an f32 constant readF32Constant can read.
bool isF32Constant(Value value);

/// An f32 `arith.constant` of `type` holding `data` (row-major): a
/// dense_resource blob named after `nameHint` for more than 16 elements,
/// a dense attribute otherwise.
Value createF32Constant(OpBuilder &builder, Location loc, RankedTensorType type,
                        ArrayRef<double> data, StringRef nameHint);

/// True if `value` is a constant, looking through annotation ops
/// (qnt.assume_range, qnt.stats): the input of a weight quantizer.
bool isConstantLike(Value value);

/// A name for a constant computed from `value`: its blob's name (or
/// "folded") followed by `suffix`.
std::string derivedConstantName(Value value, StringRef suffix);

} // namespace mlir::qnt

#endif // QUANTOPT_DIALECT_QNT_TRANSFORMS_CONSTANTUTILS_H
