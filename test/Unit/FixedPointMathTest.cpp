//===- FixedPointMathTest.cpp - reference quantization arithmetic -*- C++
//-*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Hand-computed vectors (ties, negatives, saturation) for the functions of
// FixedPointMath.h, and a randomized comparison of double rounding against
// gemmlowp's two-step definition restated from its reference code.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Support/FixedPointMath.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

using namespace mlir::qnt;

namespace {

constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();

TEST(StorageRange, SignedUnsignedNarrow) {
  EXPECT_EQ(storageRange(8, true).min, -128);
  EXPECT_EQ(storageRange(8, true).max, 127);
  EXPECT_EQ(storageRange(8, false).min, 0);
  EXPECT_EQ(storageRange(8, false).max, 255);
  EXPECT_EQ(storageRange(8, true, /*narrow=*/true).min, -127);
  EXPECT_EQ(storageRange(4, false, /*narrow=*/true).min, 1);
  EXPECT_EQ(storageRange(4, false, /*narrow=*/true).max, 15);
  EXPECT_EQ(storageRange(2, true).min, -2);
  EXPECT_EQ(storageRange(2, true).max, 1);
  EXPECT_EQ(storageRange(16, true).min, -32768);
  EXPECT_EQ(storageRange(32, true).max, kInt32Max);
}

TEST(RoundHalfToEven, Ties) {
  EXPECT_EQ(roundHalfToEven(0.5), 0.0);
  EXPECT_EQ(roundHalfToEven(1.5), 2.0);
  EXPECT_EQ(roundHalfToEven(2.5), 2.0);
  EXPECT_EQ(roundHalfToEven(-0.5), 0.0);
  EXPECT_EQ(roundHalfToEven(-1.5), -2.0);
  EXPECT_EQ(roundHalfToEven(-2.5), -2.0);
  EXPECT_EQ(roundHalfToEven(2.4999), 2.0);
  EXPECT_EQ(roundHalfToEven(-2.6), -3.0);
  EXPECT_EQ(roundHalfToEven(1e15 + 1.0), 1e15 + 1.0);
}

TEST(QuantizeF32, RoundsTiesToEvenAndSaturates) {
  StorageRange i8 = storageRange(8, true);
  // x / s = 2.5, 3.5, -2.5 exactly.
  EXPECT_EQ(quantizeF32(1.25f, 0.5f, 0, i8), 2);
  EXPECT_EQ(quantizeF32(1.75f, 0.5f, 0, i8), 4);
  EXPECT_EQ(quantizeF32(-1.25f, 0.5f, 0, i8), -2);
  EXPECT_EQ(quantizeF32(-1.25f, 0.5f, -3, i8), -5);
  EXPECT_EQ(quantizeF32(1000.0f, 0.5f, -3, i8), 127);
  EXPECT_EQ(quantizeF32(-1000.0f, 0.5f, -3, i8), -128);
  EXPECT_EQ(quantizeF32(std::numeric_limits<float>::infinity(), 1e-3f, 0, i8),
            127);
  EXPECT_EQ(quantizeF32(-1000.0f, 0.5f, 0, storageRange(8, true, true)), -127);
  StorageRange u8 = storageRange(8, false);
  EXPECT_EQ(quantizeF32(-1.0f, 0.5f, 128, u8), 126);
  EXPECT_EQ(quantizeF32(-100.0f, 0.5f, 128, u8), 0);
  // The division is done in f32: 0.3f / 0.1f is 3.0000001f, which rounds to 3.
  EXPECT_EQ(quantizeF32(0.3f, 0.1f, 0, i8), 3);
}

TEST(DequantizeF32, Affine) {
  EXPECT_EQ(dequantizeF32(5, 0.5f, 3), 1.0f);
  EXPECT_EQ(dequantizeF32(-128, 0.25f, 0), -32.0f);
}

TEST(QuantizeMultiplier, Decomposition) {
  auto m = quantizeMultiplier(0.5);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->multiplier, 1 << 30);
  EXPECT_EQ(m->shift, 31);

  m = quantizeMultiplier(0.25);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->multiplier, 1 << 30);
  EXPECT_EQ(m->shift, 32);

  m = quantizeMultiplier(1.0);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->multiplier, 1 << 30);
  EXPECT_EQ(m->shift, 30);

  m = quantizeMultiplier(0.75);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->multiplier, 1610612736); // 0.75 * 2^31
  EXPECT_EQ(m->shift, 31);

  // The mantissa rounds up to 2^31 and is renormalised.
  m = quantizeMultiplier(1.0 - std::ldexp(1.0, -40));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->multiplier, 1 << 30);
  EXPECT_EQ(m->shift, 30);

  // Below 2^-31 the shift is capped at 62 and the mantissa loses bits.
  m = quantizeMultiplier(std::ldexp(1.0, -40));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->multiplier, 1 << 22);
  EXPECT_EQ(m->shift, 62);

  EXPECT_TRUE(quantizeMultiplier(std::ldexp(1.0, 28)));
  EXPECT_FALSE(quantizeMultiplier(std::ldexp(1.0, 29)));
  EXPECT_FALSE(quantizeMultiplier(0.0));
  EXPECT_FALSE(quantizeMultiplier(-0.5));
  EXPECT_FALSE(quantizeMultiplier(std::numeric_limits<double>::infinity()));
  EXPECT_FALSE(quantizeMultiplier(std::nan("")));
}

TEST(ApplyMultiplier, SingleRoundTiesGoUp) {
  QuantizedMultiplier half{1 << 30, 31};                  // 0.5
  QuantizedMultiplier quarter{1 << 30, 32};               // 0.25
  EXPECT_EQ(applyMultiplierSingleRound(5, half), 3);      // 2.5
  EXPECT_EQ(applyMultiplierSingleRound(-5, half), -2);    // -2.5
  EXPECT_EQ(applyMultiplierSingleRound(7, quarter), 2);   // 1.75
  EXPECT_EQ(applyMultiplierSingleRound(-6, quarter), -1); // -1.5
  EXPECT_EQ(applyMultiplierSingleRound(6, quarter), 2);   // 1.5
}

TEST(ApplyMultiplier, DoubleRoundTiesGoAwayFromZeroAboveShift31) {
  QuantizedMultiplier half{1 << 30, 31};    // shift 31: no nudge
  QuantizedMultiplier quarter{1 << 30, 32}; // 0.25, nudged
  EXPECT_EQ(applyMultiplierDoubleRound(5, half), 3);
  EXPECT_EQ(applyMultiplierDoubleRound(-5, half), -2);
  EXPECT_EQ(applyMultiplierDoubleRound(-6, quarter), -2); // -1.5
  EXPECT_EQ(applyMultiplierDoubleRound(6, quarter), 2);   // 1.5
  EXPECT_EQ(applyMultiplierDoubleRound(-2, quarter), -1); // -0.5
  EXPECT_EQ(applyMultiplierDoubleRound(2, quarter), 1);   // 0.5
}

TEST(ApplyMultiplier, Saturates) {
  QuantizedMultiplier four{1 << 30, 28}; // 4.0
  EXPECT_EQ(applyMultiplierSingleRound(1 << 30, four), kInt32Max);
  EXPECT_EQ(applyMultiplierDoubleRound(-(1 << 30), four), kInt32Min);
  EXPECT_EQ(applyMultiplierHalfToEven(kInt32Max, 4.0f), kInt32Max);
  EXPECT_EQ(applyMultiplierHalfToEven(kInt32Min, 4.0f), kInt32Min);
}

TEST(ApplyMultiplier, HalfToEvenOnFloatScale) {
  EXPECT_EQ(applyMultiplierHalfToEven(5, 0.5f), 2);
  EXPECT_EQ(applyMultiplierHalfToEven(7, 0.5f), 4);
  EXPECT_EQ(applyMultiplierHalfToEven(-5, 0.5f), -2);
  EXPECT_EQ(applyMultiplierHalfToEven(-7, 0.5f), -4);
}

// gemmlowp's SaturatingRoundingDoublingHighMul and RoundingDivideByPOT, as
// its fixedpoint.h defines them: the two-step rounding that double_round
// must reproduce for right shifts.
int32_t gemmlowpDoublingHighMul(int32_t a, int32_t b) {
  if (a == b && a == kInt32Min)
    return kInt32Max;
  int64_t ab = static_cast<int64_t>(a) * b;
  int64_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  return static_cast<int32_t>((ab + nudge) / (int64_t(1) << 31));
}

int32_t gemmlowpDivideByPOT(int32_t x, int exponent) {
  int32_t mask = (1 << exponent) - 1;
  int32_t remainder = x & mask;
  int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

TEST(ApplyMultiplier, DoubleRoundMatchesGemmlowp) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int32_t> value(-(1 << 24), 1 << 24);
  std::uniform_int_distribution<int32_t> mantissa(1 << 30, kInt32Max);
  std::uniform_int_distribution<int32_t> exponent(1, 30);
  for (int i = 0; i < 200000; ++i) {
    int32_t x = value(rng);
    QuantizedMultiplier m{mantissa(rng), 31 + exponent(rng)};
    int32_t expected = gemmlowpDivideByPOT(
        gemmlowpDoublingHighMul(x, m.multiplier), m.shift - 31);
    ASSERT_EQ(applyMultiplierDoubleRound(x, m), expected)
        << "x=" << x << " multiplier=" << m.multiplier << " shift=" << m.shift;
  }
}

} // namespace
