//===- FixedPointMath.cpp - reference quantization arithmetic ---*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Support/FixedPointMath.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

using namespace mlir::qnt;

StorageRange mlir::qnt::storageRange(unsigned bits, bool isSigned,
                                     bool narrow) {
  assert(bits >= 1 && bits <= 32 && "storage width out of range");
  StorageRange range;
  if (isSigned) {
    range.min = -(int64_t(1) << (bits - 1));
    range.max = (int64_t(1) << (bits - 1)) - 1;
  } else {
    range.min = 0;
    range.max = (int64_t(1) << bits) - 1;
  }
  if (narrow)
    ++range.min;
  return range;
}

double mlir::qnt::roundHalfToEven(double x) {
  // nearbyint rounds in the current mode, which is round-to-nearest-even
  // unless a program changes it; do it explicitly to be independent of that.
  double floorX = std::floor(x);
  double diff = x - floorX;
  if (diff < 0.5)
    return floorX;
  if (diff > 0.5)
    return floorX + 1.0;
  return std::fmod(floorX, 2.0) == 0.0 ? floorX : floorX + 1.0;
}

int64_t mlir::qnt::saturate(int64_t x, StorageRange range) {
  return std::clamp(x, range.min, range.max);
}

int64_t mlir::qnt::quantizeF32(float x, float scale, int64_t zeroPoint,
                               StorageRange range) {
  assert(!std::isnan(x) && "quantizing NaN is undefined");
  float q = x / scale;
  // Clamp before the conversion so that huge values and infinities saturate.
  double limit = 4.0 * (double(range.max) - double(range.min) + 1.0);
  double rounded = std::clamp(roundHalfToEven(q), -limit, limit);
  return saturate(static_cast<int64_t>(rounded) + zeroPoint, range);
}

float mlir::qnt::dequantizeF32(int64_t q, float scale, int64_t zeroPoint) {
  return static_cast<float>(q - zeroPoint) * scale;
}

std::optional<QuantizedMultiplier> mlir::qnt::quantizeMultiplier(double m) {
  if (!(m > 0.0) || !std::isfinite(m))
    return std::nullopt;
  int exponent = 0;
  double fraction = std::frexp(m, &exponent); // m = fraction * 2^exponent
  int64_t mantissa =
      static_cast<int64_t>(roundHalfToEven(std::ldexp(fraction, 31)));
  if (mantissa == (int64_t(1) << 31)) {
    mantissa >>= 1;
    ++exponent;
  }
  int64_t shift = 31 - exponent;
  if (shift < 2)
    return std::nullopt;
  if (shift > 62) {
    // Too small for a Q31 mantissa at the largest shift: drop mantissa bits,
    // rounding half to even, and keep shift at 62.
    int64_t drop = shift - 62;
    mantissa =
        drop > 62
            ? 0
            : static_cast<int64_t>(roundHalfToEven(std::ldexp(
                  static_cast<double>(mantissa), -static_cast<int>(drop))));
    shift = 62;
  }
  return QuantizedMultiplier{static_cast<int32_t>(mantissa),
                             static_cast<int32_t>(shift)};
}

static int32_t saturateInt32(int64_t x) {
  return static_cast<int32_t>(
      std::clamp<int64_t>(x, std::numeric_limits<int32_t>::min(),
                          std::numeric_limits<int32_t>::max()));
}

int32_t mlir::qnt::applyMultiplierSingleRound(int32_t x,
                                              QuantizedMultiplier m) {
  assert(m.multiplier >= 0 && m.shift >= 2 && m.shift <= 62);
  int64_t round = int64_t(1) << (m.shift - 1);
  int64_t product = static_cast<int64_t>(x) * m.multiplier;
  return saturateInt32((product + round) >> m.shift);
}

int32_t mlir::qnt::applyMultiplierDoubleRound(int32_t x,
                                              QuantizedMultiplier m) {
  assert(m.multiplier >= 0 && m.shift >= 2 && m.shift <= 62);
  int64_t round = int64_t(1) << (m.shift - 1);
  if (m.shift > 31)
    round += x >= 0 ? (int64_t(1) << 30) : -(int64_t(1) << 30);
  int64_t product = static_cast<int64_t>(x) * m.multiplier;
  return saturateInt32((product + round) >> m.shift);
}

int32_t mlir::qnt::applyMultiplierHalfToEven(int32_t x, float m) {
  float product = static_cast<float>(x) * m;
  double rounded = roundHalfToEven(product);
  return saturateInt32(
      static_cast<int64_t>(std::clamp(rounded, -4294967296.0, 4294967296.0)));
}
