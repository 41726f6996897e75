//===- RequantizeGoldenTest.cpp - golden requantization vectors -*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Golden vectors of the whole requantization of docs/Numerics.md section 4,
// q_out = clamp(R(q_in - z_in) + z_out, q_min, q_max), in the three rounding
// modes, computed by hand: exact ties on both signs, values next to ties,
// the double rounding of shift 32, int32 saturation, zero points and narrow
// grids. The integer lowering (convert-qnt-to-fixed-point) and the exact
// simulation must reproduce these; test/Integration checks them end to end.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Support/FixedPointMath.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

using namespace mlir::qnt;

namespace {

enum class Mode { HalfToEven, SingleRound, DoubleRound };

/// The requantization of one stored value, composed from the reference
/// functions as Numerics.md defines it.
int64_t requantize(int64_t qIn, int64_t zIn, double m, Mode mode, int64_t zOut,
                   StorageRange out) {
  int32_t v = static_cast<int32_t>(qIn - zIn);
  int32_t r;
  if (mode == Mode::HalfToEven) {
    r = applyMultiplierHalfToEven(v, static_cast<float>(m));
  } else {
    QuantizedMultiplier qm = *quantizeMultiplier(m);
    r = mode == Mode::SingleRound ? applyMultiplierSingleRound(v, qm)
                                  : applyMultiplierDoubleRound(v, qm);
  }
  return saturate(static_cast<int64_t>(r) + zOut, out);
}

struct Golden {
  int64_t v;
  int64_t halfToEven, singleRound, doubleRound;
};

/// M = 1/4 (multiplier 2^30, shift 32), no zero points, i8 output.
TEST(RequantizeGolden, QuarterTiesAndNeighbours) {
  StorageRange i8 = storageRange(8, true);
  std::vector<Golden> table = {
      //  v   exact  even  up  double (rounds at bit 31, then at bit 32)
      {0, 0, 0, 0},
      {1, 0, 0, 1},   // 0.25: double rounding goes 0.25 -> 0.5 -> 1
      {2, 0, 1, 1},   // 0.5: even 0, up 1, away 1
      {3, 1, 1, 1},   // 0.75
      {5, 1, 1, 2},   // 1.25: double 1.25 -> 1.5 -> 2
      {6, 2, 2, 2},   // 1.5
      {10, 2, 3, 3},  // 2.5: even 2, up 3, away 3
      {-1, 0, 0, 0},  // -0.25
      {-2, 0, 0, -1}, // -0.5: even -0 = 0, up 0, away -1
      {-3, -1, -1, -1},
      {-5, -1, -1, -1}, // -1.25: the first rounding goes to -1.0 (asymmetric)
      {-6, -2, -1, -2}, // -1.5: even -2, up -1, away -2
      {-10, -2, -2, -3},
      {-511, -128, -128, -128}, // saturates at q_min
      {511, 127, 127, 127},
  };
  for (const Golden &g : table) {
    EXPECT_EQ(requantize(g.v, 0, 0.25, Mode::HalfToEven, 0, i8), g.halfToEven)
        << "v = " << g.v;
    EXPECT_EQ(requantize(g.v, 0, 0.25, Mode::SingleRound, 0, i8), g.singleRound)
        << "v = " << g.v;
    EXPECT_EQ(requantize(g.v, 0, 0.25, Mode::DoubleRound, 0, i8), g.doubleRound)
        << "v = " << g.v;
  }
}

/// M = 1/16 (shift 34): the first rounding of double rounding is to 1/8 of
/// the result unit, so it moves only values within 1/16 below a positive
/// tie.
TEST(RequantizeGolden, SixteenthDoubleRoundingWindow) {
  StorageRange i8 = storageRange(8, true);
  std::vector<Golden> table = {
      {8, 0, 1, 1},   // 0.5
      {7, 0, 0, 1},   // 0.4375 -> 0.5 -> 1
      {6, 0, 0, 0},   // 0.375: below the window
      {24, 2, 2, 2},  // 1.5
      {40, 2, 3, 3},  // 2.5
      {-8, 0, 0, -1}, // -0.5
      {-24, -2, -1, -2}, {-40, -2, -2, -3}, {-7, 0, 0, 0},
  };
  for (const Golden &g : table) {
    EXPECT_EQ(requantize(g.v, 0, 0.0625, Mode::HalfToEven, 0, i8), g.halfToEven)
        << "v = " << g.v;
    EXPECT_EQ(requantize(g.v, 0, 0.0625, Mode::SingleRound, 0, i8),
              g.singleRound)
        << "v = " << g.v;
    EXPECT_EQ(requantize(g.v, 0, 0.0625, Mode::DoubleRound, 0, i8),
              g.doubleRound)
        << "v = " << g.v;
  }
}

/// Zero points on both sides and an unsigned result: an 8-bit activation
/// (z_in = 11) onto a u8 grid (z_out = 100) with M = 1/2.
TEST(RequantizeGolden, ZeroPoints) {
  StorageRange u8 = storageRange(8, false);
  // q_in = 16: v = 5, 2.5 -> 2 / 3 / 3, plus 100.
  EXPECT_EQ(requantize(16, 11, 0.5, Mode::HalfToEven, 100, u8), 102);
  EXPECT_EQ(requantize(16, 11, 0.5, Mode::SingleRound, 100, u8), 103);
  EXPECT_EQ(requantize(16, 11, 0.5, Mode::DoubleRound, 100, u8), 103);
  // q_in = 6: v = -5, -2.5 -> -2 / -2 / -2 (shift 31: no nudge, ties up).
  EXPECT_EQ(requantize(6, 11, 0.5, Mode::HalfToEven, 100, u8), 98);
  EXPECT_EQ(requantize(6, 11, 0.5, Mode::SingleRound, 100, u8), 98);
  EXPECT_EQ(requantize(6, 11, 0.5, Mode::DoubleRound, 100, u8), 98);
  // The grid clamps: q_in = -128, v = -139, -69.5 + 100 = 30.5.
  EXPECT_EQ(requantize(-128, 11, 0.5, Mode::HalfToEven, 100, u8), 30);
  EXPECT_EQ(requantize(-128, 11, 0.5, Mode::SingleRound, 100, u8), 31);
  // Below 0 and above 255.
  EXPECT_EQ(requantize(-128, 11, 2.0, Mode::SingleRound, 100, u8), 0);
  EXPECT_EQ(requantize(127, 11, 2.0, Mode::DoubleRound, 100, u8), 255);
}

/// int32 accumulators at the ends of their range: each mode saturates to
/// int32 before the zero point, and the grid clamps after it.
TEST(RequantizeGolden, SaturationAtInt32) {
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int32_t>::min();
  StorageRange i16 = storageRange(16, true);
  for (Mode mode : {Mode::HalfToEven, Mode::SingleRound, Mode::DoubleRound}) {
    EXPECT_EQ(requantize(kMax, 0, 3.0, mode, -7, i16), 32767);
    EXPECT_EQ(requantize(kMin, 0, 3.0, mode, -7, i16), -32768);
    EXPECT_EQ(requantize(kMax, 0, 1e-6, mode, 0, i16), 2147);
    EXPECT_EQ(requantize(kMin, 0, 1e-6, mode, 0, i16), -2147);
  }
  // Below 2^-31 the shift is 62 and the mantissa loses bits; 2^31 * 2^-40
  // is 2^-9: 0.
  for (Mode mode : {Mode::SingleRound, Mode::DoubleRound})
    EXPECT_EQ(requantize(kMax, 0, 0x1p-40, mode, 3, storageRange(8, true)), 3);
}

/// A narrow grid (i8<-127:127>) never produces -128.
TEST(RequantizeGolden, NarrowRange) {
  StorageRange narrow = storageRange(8, true, /*narrow=*/true);
  for (Mode mode : {Mode::HalfToEven, Mode::SingleRound, Mode::DoubleRound}) {
    EXPECT_EQ(requantize(-1000, 0, 0.5, mode, 0, narrow), -127);
    EXPECT_EQ(requantize(1000, 0, 0.5, mode, 0, narrow), 127);
  }
}

} // namespace
