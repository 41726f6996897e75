//===- FixedPointMath.h - reference quantization arithmetic -----*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Scalar reference implementations of the arithmetic that docs/Numerics.md
// defines: integer grids, quantize/dequantize, the decomposition of a real
// multiplier into an int32 mantissa and a shift, and the three requantization
// rounding modes. Pure functions, no IR: passes use them to fold constants,
// lowerings mirror them, and unit tests pin them down.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_SUPPORT_FIXEDPOINTMATH_H
#define QUANTOPT_SUPPORT_FIXEDPOINTMATH_H

#include <cstdint>
#include <optional>

namespace mlir::qnt {

/// The integers of a grid.
struct StorageRange {
  int64_t min;
  int64_t max;
};

/// The grid of `bits` (1..32) wide storage: signed [-2^(b-1), 2^(b-1)-1] or
/// unsigned [0, 2^b-1]; `narrow` drops the lowest value.
StorageRange storageRange(unsigned bits, bool isSigned, bool narrow = false);

/// Rounds to the nearest integer, ties to even (IEEE roundTiesToEven).
double roundHalfToEven(double x);

/// Clamps `x` into [range.min, range.max].
int64_t saturate(int64_t x, StorageRange range);

/// qnt.quantize / ONNX QuantizeLinear on one f32 element:
/// clamp(round_half_to_even(x / s) + z) with x / s computed in f32. `x` must
/// not be NaN.
int64_t quantizeF32(float x, float scale, int64_t zeroPoint,
                    StorageRange range);

/// qnt.dequantize / ONNX DequantizeLinear: (q - z) * s in f32.
float dequantizeF32(int64_t q, float scale, int64_t zeroPoint);

/// A real multiplier M > 0 as an int32 mantissa and a right shift:
/// M ~= multiplier * 2^-shift, with multiplier in [2^30, 2^31) (Q31, as
/// TFLite and TOSA scale32 use it) unless M is so small that the shift is
/// capped, and shift in [2, 62] as tosa.rescale requires.
struct QuantizedMultiplier {
  int32_t multiplier;
  int32_t shift;
};

/// Decomposes M; nullopt if M is not positive and finite or M >= 2^29 (the
/// shift would drop below 2).
std::optional<QuantizedMultiplier> quantizeMultiplier(double m);

/// single_round: (x * multiplier + 2^(shift-1)) >> shift, i.e. rounding half
/// towards +inf (TFLite single rounding, TOSA SINGLE_ROUND). The result is
/// saturated to int32.
int32_t applyMultiplierSingleRound(int32_t x, QuantizedMultiplier m);

/// double_round: TOSA DOUBLE_ROUND. As single_round, but for shift > 31 the
/// rounding constant is nudged by +2^30 (x >= 0) or -2^30 (x < 0), which
/// reproduces gemmlowp's SaturatingRoundingDoublingHighMul followed by
/// RoundingDivideByPOT. The result is saturated to int32.
int32_t applyMultiplierDoubleRound(int32_t x, QuantizedMultiplier m);

/// half_to_even: ONNX Runtime's requantization: (float)x * (float)m, rounded
/// half to even, saturated to int32.
int32_t applyMultiplierHalfToEven(int32_t x, float m);

} // namespace mlir::qnt

#endif // QUANTOPT_SUPPORT_FIXEDPOINTMATH_H
