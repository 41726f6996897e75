//===- AccumulatorBounds.h - worst-case int32 accumulators ------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Accumulator safety for the integer lowering (docs/Numerics.md section 10):
//
//  - StoredRangeAnalysis: the integers a quantized tensor can hold, from its
//    storage range, narrowed by what produced it (constants, relu/clamp,
//    data movement);
//  - computeAccumulatorBound: from those ranges, the bit widths and the
//    reduction length, the worst-case |accumulator| of a quantized
//    qnt.conv2d or qnt.matmul, per output channel when the weights are
//    constant.
//
// Upstream's IntegerRangeAnalysis (InferIntRangeInterface) works on integer
// SSA values; quantized tensors are not integers until the lowering, so the
// analysis here works on the qnt IR directly.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_ANALYSIS_ACCUMULATORBOUNDS_H
#define QUANTOPT_ANALYSIS_ACCUMULATORBOUNDS_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mlir::qnt {

/// A closed range [min, max] of stored integers.
struct StoredRange {
  int64_t min = 0;
  int64_t max = 0;
  /// The largest |q - zeroPoint| over the range.
  uint64_t maxAbsOffset(int64_t zeroPoint) const;
};

/// The stored integers of a constant quantized tensor (an arith.constant,
/// dense or dense_resource, behind quant.scast), row-major, read with the
/// signedness of its quantized type; nullopt if `value` is not one.
std::optional<SmallVector<int64_t>> getConstantStoredValues(Value value);

/// The integers of a dense or dense_resource (i8, i16, i32) elements
/// attribute, row-major, read with signedness `isSigned`; nullopt for other
/// attributes.
std::optional<SmallVector<int64_t>> readConstantIntegers(Attribute attr,
                                                         bool isSigned);

/// For a qnt.relu or qnt.clamp whose input and result have one per-tensor
/// grid (s, z, [q_min, q_max]): the stored range it clamps to,
/// [max(q_min, z), q_max] for ReLU and [clamp(round_half_even(min / s) + z),
/// clamp(round_half_even(max / s) + z)] for a clamp (docs/Numerics.md
/// section 10); nullopt for other ops.
std::optional<StoredRange> getActivationBounds(Operation *op);

/// Forward analysis of the stored integers of every quantized value under
/// a root op (a function or module), in one walk in program order.
class StoredRangeAnalysis {
public:
  explicit StoredRangeAnalysis(Operation *root);

  /// The range of `value`, a quantized tensor: what the analysis derived,
  /// or the storage range of its type.
  StoredRange getRange(Value value) const;

private:
  void visit(Operation *op);
  llvm::DenseMap<Value, StoredRange> ranges;
};

/// The worst case of a quantized conv2d or matmul accumulator.
struct AccumulatorBound {
  /// Products summed per output element (K).
  int64_t reductionLength = 0;
  /// max |q_x - z_x| of the input (lhs), max |q_w - z_w| of the weight
  /// (rhs), and max |bias|.
  uint64_t maxAbsInput = 0;
  uint64_t maxAbsWeight = 0;
  uint64_t maxAbsBias = 0;
  /// The worst |accumulator| and every partial sum of the exact
  /// accumulation: max over output channels of |bias| + max |q_x - z_x| *
  /// sum_k |q_w - z_w| (saturated at UINT64_MAX).
  uint64_t bound = 0;
  /// With constant weights: the worst partial sum of the accumulation with
  /// the zero-point term folded into the bias, |bias - z_x * sum_k w'| +
  /// max |q_x| * sum_k |w'| (w' = q_w - z_w); 0 when not applicable.
  uint64_t foldedBound = 0;
  /// The bound used the constant weights, channel by channel.
  bool constantWeights = false;

  static constexpr uint64_t kInt32Max = 2147483647;
  bool fitsInt32() const { return bound <= kInt32Max; }
  bool foldedFitsInt32() const {
    return constantWeights && foldedBound <= kInt32Max;
  }
};

/// The bound of `op` (a qnt.conv2d or qnt.matmul on quantized operands).
/// Fails, with the reason in `reason`, when the reduction length is not
/// static or the bias is not a constant.
FailureOr<AccumulatorBound>
computeAccumulatorBound(Operation *op, const StoredRangeAnalysis &ranges,
                        std::string *reason = nullptr);

} // namespace mlir::qnt

#endif // QUANTOPT_ANALYSIS_ACCUMULATORBOUNDS_H
