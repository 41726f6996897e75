//===- RangeSettingTest.cpp - range-setting algorithms --------------------===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Hand-computed ranges that pin each method of RangeSetting.h down, brute
// force searches that check the MSE and cross-entropy searches, and
// properties on random data (0 is on every grid, MSE never loses to
// min-max, histogram merging conserves counts). At the end, the AdaRound
// helpers of AdaRoundMath.h.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Support/RangeSetting.h"
#include "quant-opt/Support/AdaRoundMath.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

using namespace mlir::qnt;

namespace {

QuantizerSpec makeSpec(unsigned bits, bool isSigned, bool symmetric = false,
                       bool narrow = false, bool powerOfTwo = false) {
  QuantizerSpec spec;
  spec.bits = bits;
  spec.isSigned = isSigned;
  spec.symmetric = symmetric;
  spec.narrowRange = narrow;
  spec.powerOfTwo = powerOfTwo;
  return spec;
}

const QuantizerSpec kU8 = makeSpec(8, false);
const QuantizerSpec kS8 = makeSpec(8, true);
const QuantizerSpec kS8Sym = makeSpec(8, true, /*symmetric=*/true);
// The weights' default grid: symmetric signed narrow range [-127, 127].
const QuantizerSpec kS8SymNarrow =
    makeSpec(8, true, /*symmetric=*/true, /*narrow=*/true);

/// Scales are rounded up to an f32.
double f32Up(double s) {
  float f = static_cast<float>(s);
  if (static_cast<double>(f) < s)
    f = std::nextafter(f, FLT_MAX);
  return f;
}

/// Every grid that range setting may produce: 0 on the grid, f32 scale.
void expectWellFormed(const QuantParams &p, const QuantizerSpec &spec) {
  StorageRange range = gridRange(spec);
  EXPECT_GT(p.scale, 0.0);
  EXPECT_TRUE(std::isfinite(p.scale));
  EXPECT_EQ(p.scale, static_cast<double>(static_cast<float>(p.scale)));
  EXPECT_GE(p.zeroPoint, range.min);
  EXPECT_LE(p.zeroPoint, range.max);
  if (spec.symmetric) {
    EXPECT_EQ(p.zeroPoint, 0);
  }
  EXPECT_EQ(fakeQuantize(0.0, p, spec), 0.0);
}

//===----------------------------------------------------------------------===//
// paramsForRange
//===----------------------------------------------------------------------===//

TEST(ParamsForRange, MinMaxAsymmetric) {
  // s = 4/255, z = round(1 / s) = round(63.75) = 64.
  auto p = paramsForRange(-1.0, 3.0, kU8);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(4.0 / 255));
  EXPECT_NEAR(p->scale, 4.0 / 255, 1e-9);
  EXPECT_EQ(p->zeroPoint, 64);
  // Signed storage: the same grid shifted by -128.
  p = paramsForRange(-1.0, 3.0, kS8);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(4.0 / 255));
  EXPECT_EQ(p->zeroPoint, -64);
  // Narrow signed [-127, 127]: s = 4/254, z = -127 - round(-63.5 * (1-e)).
  p = paramsForRange(-1.0, 3.0, makeSpec(8, true, false, /*narrow=*/true));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(4.0 / 254));
  EXPECT_EQ(p->zeroPoint, -64);
  // A range without 0 is widened to include it.
  p = paramsForRange(2.0, 5.0, kU8);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(5.0 / 255));
  EXPECT_EQ(p->zeroPoint, 0);
  p = paramsForRange(-5.0, -2.0, kU8);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(5.0 / 255));
  EXPECT_EQ(p->zeroPoint, 255);
  // 4 bits: s = 3/15, z = round(1 / 0.2) = 5.
  p = paramsForRange(-1.0, 2.0, makeSpec(4, false));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(0.2));
  EXPECT_EQ(p->zeroPoint, 5);
}

TEST(ParamsForRange, SymmetricSigned) {
  // Narrow range [-127, 127]: s = max(|lo|, |hi|) / 127.
  QuantizerSpec narrow = makeSpec(8, true, true, /*narrow=*/true);
  auto p = paramsForRange(-2.0, 1.0, narrow);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(2.0 / 127));
  EXPECT_EQ(p->zeroPoint, 0);
  // -2 is the grid's -127; below it, narrow range stops at -127.
  EXPECT_NEAR(fakeQuantize(-2.0, *p, narrow), -2.0, 1e-6);
  EXPECT_EQ(fakeQuantize(-3.0, *p, narrow), -127 * p->scale);

  // Full range [-128, 127]: the smallest grid covering [lo, hi],
  // s = max(-lo / 128, hi / 127) (AIMET's symmetric encodings).
  QuantizerSpec full = makeSpec(8, true, true);
  p = paramsForRange(-2.0, 1.0, full);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(2.0 / 128));
  EXPECT_EQ(p->zeroPoint, 0);
  // -2 is the grid's -128, and nothing below it.
  EXPECT_NEAR(fakeQuantize(-2.0, *p, full), -2.0, 1e-6);
  EXPECT_EQ(fakeQuantize(-3.0, *p, full), -128 * p->scale);
  // A larger positive side: hi / 127, as narrow range.
  p = paramsForRange(-1.0, 2.0, full);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(2.0 / 127));

  // 4 bits, full range [-8, 7]: hi / 7 = 2/7 > 0.5/8.
  p = paramsForRange(-0.5, 2.0, makeSpec(4, true, true));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(2.0 / 7));
  EXPECT_EQ(p->zeroPoint, 0);
  // 4 bits, full range, larger negative side: -lo / 8 (narrow: -lo / 7).
  p = paramsForRange(-2.0, 0.5, makeSpec(4, true, true));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, 0.25);
  p = paramsForRange(-2.0, 0.5, makeSpec(4, true, true, /*narrow=*/true));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(2.0 / 7));
  // 2 bits, full range [-2, 1]: max(0.5 / 2, 0.75 / 1).
  p = paramsForRange(-0.5, 0.75, makeSpec(2, true, true));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, 0.75);
}

TEST(ParamsForRange, SymmetricUnsigned) {
  QuantizerSpec u8Sym = makeSpec(8, false, /*symmetric=*/true);
  auto p = paramsForRange(0.0, 3.0, u8Sym);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(3.0 / 255));
  EXPECT_EQ(p->zeroPoint, 0);
  p = paramsForRange(0.5, 3.0, u8Sym); // widened to [0, 3]
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(3.0 / 255));
  // Negative values have no place on an unsigned symmetric grid.
  EXPECT_FALSE(paramsForRange(-0.1, 3.0, u8Sym));
  // Narrow unsigned [1, 255] cannot hold the zero point 0.
  EXPECT_FALSE(paramsForRange(0.0, 3.0, makeSpec(8, false, true, true)));
  EXPECT_FALSE(isValidSpec(makeSpec(8, false, true, true)));
}

TEST(ParamsForRange, PowerOfTwo) {
  // 4/255 = 0.0157 rounds up to 2^-5; z = round(1 / 2^-5) = 32, and the grid
  // [-32, 223] * 2^-5 covers [-1, 3].
  auto p = paramsForRange(-1.0, 3.0, makeSpec(8, false, false, false, true));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, 0x1p-5);
  EXPECT_EQ(p->zeroPoint, 32);
  // Narrow range: 2/127 = 0.01575 > 2^-6: 2^-5.
  p = paramsForRange(-2.0, 1.0, makeSpec(8, true, true, true, true));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, 0x1p-5);
  // Full range: 2/128 = 2^-6 stays.
  p = paramsForRange(-2.0, 1.0, makeSpec(8, true, true, false, true));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, 0x1p-6);
  // Exact powers of two stay.
  p = paramsForRange(0.0, 255.0, makeSpec(8, false, false, false, true));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, 1.0);
  p = paramsForRange(-7.0, 7.0, makeSpec(4, true, true, true, true));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, 1.0);
  // lo / s = -76.4: z = round(76.4) = 76 would clip lo to -76 s; the slack
  // of the rounded-up scale allows z = 77, which covers [lo, hi].
  double s = 0x1p-6;
  p = paramsForRange(-76.4 * s, 2.0, makeSpec(8, false, false, false, true));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, s);
  EXPECT_EQ(p->zeroPoint, 77);
}

TEST(ParamsForRange, DegenerateAndInvalid) {
  for (const QuantizerSpec &spec :
       {kU8, kS8, kS8Sym, makeSpec(8, false, true), makeSpec(4, true, true),
        makeSpec(8, true, false, true, true)}) {
    auto p = paramsForRange(0.0, 0.0, spec);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->scale, kMinScale);
    expectWellFormed(*p, spec);
  }
  EXPECT_EQ(paramsForRange(0.0, 0.0, kS8)->zeroPoint, -128);
  // A tiny range gets the minimum scale, not a denormal.
  EXPECT_EQ(paramsForRange(0.0, 1e-30, kU8)->scale, kMinScale);
  double nan = std::numeric_limits<double>::quiet_NaN();
  double inf = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(paramsForRange(1.0, -1.0, kU8));
  EXPECT_FALSE(paramsForRange(nan, 1.0, kU8));
  EXPECT_FALSE(paramsForRange(-inf, 1.0, kU8));
  EXPECT_FALSE(paramsForRange(-1.0, 1.0, makeSpec(1, true)));
  EXPECT_FALSE(paramsForRange(-1.0, 1.0, makeSpec(17, true)));
  EXPECT_TRUE(paramsForRange(-1.0, 1.0, makeSpec(16, true)));
  // The scale must stay a finite f32.
  EXPECT_FALSE(paramsForRange(-1e300, 1e300, kS8));
}

TEST(ParamsForRange, ZeroIsOnEveryGridAndTheRangeIsCovered) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  std::uniform_int_distribution<int> exponent(-20, 20);
  int checked = 0;
  for (int trial = 0; trial < 400; ++trial) {
    double a = unit(rng) * std::ldexp(1.0, exponent(rng));
    double b = unit(rng) * std::ldexp(1.0, exponent(rng));
    if (trial % 10 == 0)
      b = a; // degenerate after widening when a == 0, one-sided otherwise
    double lo = std::min(a, b), hi = std::max(a, b);
    for (unsigned bits : {2u, 3u, 4u, 8u, 12u, 16u})
      for (int flags = 0; flags < 16; ++flags) {
        QuantizerSpec spec =
            makeSpec(bits, flags & 1, flags & 2, flags & 4, flags & 8);
        auto p = paramsForRange(lo, hi, spec);
        bool expected = isValidSpec(spec) &&
                        !(spec.symmetric && !spec.isSigned && lo < 0.0);
        ASSERT_EQ(p.has_value(), expected);
        if (!p)
          continue;
        expectWellFormed(*p, spec);
        // Every value of [lo, hi] is within s/2 of its quantization.
        double wideLo = std::min(lo, 0.0), wideHi = std::max(hi, 0.0);
        for (double x : {wideLo, wideHi, lo, hi, (lo + hi) / 2})
          ASSERT_LE(std::abs(fakeQuantize(x, *p, spec) - x),
                    p->scale / 2 * (1 + 1e-9))
              << "bits=" << bits << " flags=" << flags << " lo=" << lo
              << " hi=" << hi << " x=" << x;
        ++checked;
      }
  }
  EXPECT_GT(checked, 10000);
}

TEST(FakeQuantize, MatchesQuantizeF32) {
  // With an f32 scale, the double quantize-dequantize agrees with qnt.quantize
  // / qnt.dequantize away from ties of x / s.
  std::mt19937 rng(3);
  std::normal_distribution<double> normal(0.0, 2.0);
  QuantParams p = *paramsForRange(-3.0, 5.0, kS8);
  StorageRange range = gridRange(kS8);
  for (int i = 0; i < 10000; ++i) {
    float x = static_cast<float>(normal(rng));
    int64_t q = quantizeF32(x, static_cast<float>(p.scale), p.zeroPoint, range);
    EXPECT_EQ(static_cast<float>(fakeQuantize(x, p, kS8)),
              dequantizeF32(q, static_cast<float>(p.scale), p.zeroPoint));
  }
  // Ties round to even; values beyond the grid saturate.
  QuantParams unit{1.0, 0};
  EXPECT_EQ(fakeQuantize(2.5, unit, kS8), 2.0);
  EXPECT_EQ(fakeQuantize(-2.5, unit, kS8), -2.0);
  EXPECT_EQ(fakeQuantize(3.5, unit, kS8), 4.0);
  EXPECT_EQ(fakeQuantize(1000.0, unit, kS8), 127.0);
  EXPECT_EQ(fakeQuantize(-1e300, unit, kS8), -128.0);
  EXPECT_EQ(fakeQuantize(std::numeric_limits<double>::infinity(), unit, kS8),
            127.0);
  EXPECT_TRUE(std::isnan(
      fakeQuantize(std::numeric_limits<double>::quiet_NaN(), unit, kS8)));
}

//===----------------------------------------------------------------------===//
// Min-max, per channel
//===----------------------------------------------------------------------===//

TEST(MinMax, TensorsAndZeros) {
  std::vector<double> data = {0.5, -1.0, 3.0, 2.0};
  auto p = minMaxParams(data, kU8);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(4.0 / 255));
  EXPECT_EQ(p->zeroPoint, 64);
  std::vector<double> zeros(100, 0.0);
  for (const QuantizerSpec &spec : {kU8, kS8Sym}) {
    p = minMaxParams(zeros, spec);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->scale, kMinScale);
    expectWellFormed(*p, spec);
  }
  EXPECT_FALSE(minMaxParams(std::vector<double>(), kU8));
  EXPECT_FALSE(minMaxParams(std::vector<double>{1.0, std::nan("")}, kU8));
}

TEST(PerChannel, AlongEachAxis) {
  // [[1, -2, 3], [-4, 5, -6]]
  std::vector<double> data = {1, -2, 3, -4, 5, -6};
  auto p = perChannelParams(data, {2, 3}, 0, RangeMethod::MinMax, kS8SymNarrow);
  ASSERT_TRUE(p);
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[0].scale, f32Up(3.0 / 127));
  EXPECT_EQ((*p)[1].scale, f32Up(6.0 / 127));
  p = perChannelParams(data, {2, 3}, 1, RangeMethod::MinMax, kS8SymNarrow);
  ASSERT_TRUE(p);
  ASSERT_EQ(p->size(), 3u);
  EXPECT_EQ((*p)[0].scale, f32Up(4.0 / 127));
  EXPECT_EQ((*p)[1].scale, f32Up(5.0 / 127));
  EXPECT_EQ((*p)[2].scale, f32Up(6.0 / 127));
  // A 4-D OIHW weight along axis 1: each channel gathers O * H * W values.
  std::mt19937 rng(5);
  std::normal_distribution<double> normal;
  std::vector<double> weight(4 * 3 * 5 * 5);
  for (double &w : weight)
    w = normal(rng);
  QuantizerSpec s4 = makeSpec(4, true, true, true);
  p = perChannelParams(weight, {4, 3, 5, 5}, 1, RangeMethod::Mse, s4);
  ASSERT_TRUE(p);
  ASSERT_EQ(p->size(), 3u);
  for (int64_t c = 0; c < 3; ++c) {
    std::vector<double> channel;
    for (int64_t o = 0; o < 4; ++o)
      for (int64_t i = 0; i < 25; ++i)
        channel.push_back(weight[(o * 3 + c) * 25 + i]);
    auto expected = mseParams(channel, s4);
    ASSERT_TRUE(expected);
    EXPECT_EQ((*p)[c].scale, expected->scale);
  }
  EXPECT_FALSE(perChannelParams(data, {2, 2}, 0, RangeMethod::MinMax, kS8));
  EXPECT_FALSE(perChannelParams(data, {2, 3}, 2, RangeMethod::MinMax, kS8));
}

//===----------------------------------------------------------------------===//
// MSE
//===----------------------------------------------------------------------===//

TEST(Mse, ClipsOneOutlierByHand) {
  // 500 x {1, -1} and an outlier at 11, on the 2-bit narrow grid {-s, 0, s}.
  // For s <= 2, each +-1 rounds to +-s: E(s) = 1000 (1 - s)^2 + (11 - s)^2,
  // minimal at s = (1000 + 11) / 1001 = 1.00999 with E = 99.9; for s > 2
  // they round to 0 and E >= 1000. Min-max keeps s = 11 (E = 1000).
  std::vector<double> data;
  for (int i = 0; i < 500; ++i) {
    data.push_back(1.0);
    data.push_back(-1.0);
  }
  data.push_back(11.0);
  QuantizerSpec s2 = makeSpec(2, true, true, true);
  auto minMax = minMaxParams(data, s2);
  ASSERT_TRUE(minMax);
  EXPECT_EQ(minMax->scale, 11.0);
  auto mse = mseParams(data, s2);
  ASSERT_TRUE(mse);
  EXPECT_NEAR(mse->scale, 1011.0 / 1001.0, 1.2e-3);
  double e = squaredError(data, *mse, s2);
  EXPECT_NEAR(e,
              1000 * std::pow(1 - 1011.0 / 1001, 2) +
                  std::pow(11 - 1011.0 / 1001, 2),
              1e-3);
  EXPECT_EQ(squaredError(data, *minMax, s2), 1000.0);
}

/// The smallest squaredError over symmetric clipping values alpha =
/// m * i / steps, i = 1..steps, evaluated directly.
double bruteForceSymmetric(const std::vector<double> &data,
                           const QuantizerSpec &spec, int steps) {
  double m = 0.0;
  for (double x : data)
    m = std::max(m, std::abs(x));
  double best = std::numeric_limits<double>::infinity();
  for (int i = 1; i <= steps; ++i) {
    double alpha = m * i / steps;
    auto p = paramsForRange(-alpha, alpha, spec);
    best = std::min(best, squaredError(data, *p, spec));
  }
  return best;
}

TEST(Mse, SymmetricMatchesBruteForce) {
  // A Gaussian bulk and one outlier at 40 sigma. 4001 values: the 4-bit
  // search takes the sorted prefix-sum path (n >= 32 * 16), the 8-bit one
  // the direct path (n < 32 * 256); both must find the brute-force optimum.
  std::mt19937 rng(11);
  std::normal_distribution<double> normal;
  std::vector<double> data(4000);
  for (double &x : data)
    x = normal(rng);
  data.push_back(40.0);
  for (unsigned bits : {4u, 8u}) {
    QuantizerSpec spec = makeSpec(bits, true, true, true);
    auto mse = mseParams(data, spec);
    ASSERT_TRUE(mse);
    double got = squaredError(data, *mse, spec);
    double brute = bruteForceSymmetric(data, spec, 4000);
    EXPECT_LE(got, brute * (1 + 1e-3)) << bits;
    // MSE clips the outlier (at 8 bits only a little: near 38.4, where
    // n alpha / (6 * 127^2) = 2 (40 - alpha) for rounding error s^2 / 12);
    // min-max does not.
    double qmaxSym = (1 << (bits - 1)) - 1;
    EXPECT_LT(mse->scale * qmaxSym, bits == 4 ? 6.0 : 39.9);
    EXPECT_LT(got, squaredError(data, *minMaxParams(data, spec), spec));
  }
}

TEST(Mse, AsymmetricMatchesBruteForce) {
  // Skewed data: exponential bulk, a small negative part, a far outlier.
  std::mt19937 rng(13);
  std::exponential_distribution<double> expo(1.0);
  std::vector<double> data;
  for (int i = 0; i < 3000; ++i)
    data.push_back(expo(rng) - 0.3);
  data.push_back(25.0);
  data.push_back(-4.0);
  for (const QuantizerSpec &spec : {makeSpec(4, false), makeSpec(3, true)}) {
    double lo = -4.0, hi = 25.0;
    double brute = std::numeric_limits<double>::infinity();
    for (int i = 0; i <= 100; ++i)
      for (int j = 1; j <= 200; ++j) {
        auto p = paramsForRange(lo * i / 100, hi * j / 200, spec);
        brute = std::min(brute, squaredError(data, *p, spec));
      }
    auto mse = mseParams(data, spec);
    ASSERT_TRUE(mse);
    double got = squaredError(data, *mse, spec);
    EXPECT_LE(got, brute * 1.01) << spec.bits;
  }
}

TEST(Mse, NeverWorseThanMinMax) {
  std::mt19937 rng(17);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::exponential_distribution<double> expo(1.0);
  for (int trial = 0; trial < 24; ++trial) {
    int n = trial % 3 == 0 ? 20000 : 300;
    std::vector<double> data(n);
    for (double &x : data) {
      switch (trial % 4) {
      case 0:
        x = normal(rng);
        break;
      case 1:
        x = uniform(rng) * 3.0 + 1.0;
        break;
      case 2:
        x = expo(rng); // non-negative: one-sided and unsigned symmetric
        break;
      default:
        x = (expo(rng) - expo(rng)) * 0.1; // Laplace
      }
    }
    if (trial % 5 == 0)
      data[n / 2] = 30.0;
    for (unsigned bits : {2u, 3u, 4u, 6u, 8u})
      for (int flags = 0; flags < 16; ++flags) {
        QuantizerSpec spec =
            makeSpec(bits, flags & 1, flags & 2, flags & 4, flags & 8);
        auto minMax = minMaxParams(data, spec);
        auto mse = mseParams(data, spec);
        ASSERT_EQ(minMax.has_value(), mse.has_value());
        if (!mse)
          continue;
        expectWellFormed(*mse, spec);
        double eMse = squaredError(data, *mse, spec);
        double eMinMax = squaredError(data, *minMax, spec);
        ASSERT_LE(eMse, eMinMax * (1 + 1e-9))
            << "trial=" << trial << " bits=" << bits << " flags=" << flags;
      }
  }
}

TEST(Mse, SortedPathAgreesWithDirectPath) {
  // Replicating the data k times scales every candidate's error by k, so the
  // choice must not change. 300 values take the direct O(n) path at 4 bits
  // (n < 32 * 16); 300 k >= 600 values take the sorted prefix-sum path, with
  // every remainder of n modulo its block size of 16, and from 4096 values
  // on the radix sort (with f32 data, which skips the passes over the zero
  // low mantissa bits; and with -0.0, 0.0 and denormals).
  std::mt19937 rng(31);
  std::normal_distribution<double> normal;
  std::vector<double> data(300);
  for (double &x : data)
    x = normal(rng) + (normal(rng) > 2.0 ? 6.0 : 0.0);
  data[0] = -0.0;
  data[1] = 0.0;
  data[2] = 1e-310;
  data[3] = -1e-310;
  std::vector<double> f32Data(data);
  for (double &x : f32Data)
    x = static_cast<float>(x);
  for (const QuantizerSpec &spec :
       {makeSpec(4, true, true), makeSpec(4, false), makeSpec(3, true)})
    for (const std::vector<double> &values : {data, f32Data}) {
      auto direct = mseParams(values, spec);
      ASSERT_TRUE(direct);
      for (int k = 2; k <= 17; ++k) {
        std::vector<double> replicated;
        for (int r = 0; r < k; ++r)
          replicated.insert(replicated.end(), values.begin(), values.end());
        auto sorted = mseParams(replicated, spec);
        ASSERT_TRUE(sorted);
        EXPECT_EQ(sorted->scale, direct->scale) << "k=" << k;
        EXPECT_EQ(sorted->zeroPoint, direct->zeroPoint) << "k=" << k;
        EXPECT_NEAR(squaredError(replicated, *sorted, spec),
                    k * squaredError(values, *direct, spec),
                    1e-9 * k * squaredError(values, *direct, spec));
      }
    }
}

TEST(Mse, ZerosAndInvalid) {
  std::vector<double> zeros(50000, 0.0);
  auto p = mseParams(zeros, kS8Sym);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, kMinScale);
  using Data = std::vector<double>;
  EXPECT_FALSE(mseParams(Data(), kU8));
  EXPECT_FALSE(
      mseParams(Data{1.0, std::numeric_limits<double>::infinity()}, kU8));
  EXPECT_FALSE(mseParams(Data{-1.0, 1.0}, makeSpec(8, false, true)));
}

//===----------------------------------------------------------------------===//
// Histograms
//===----------------------------------------------------------------------===//

TEST(HistogramTest, MakeHistogram) {
  Histogram h = makeHistogram({0.0, 1.0, 2.0, 3.0}, 3);
  EXPECT_EQ(h.min, 0.0);
  EXPECT_EQ(h.max, 3.0);
  EXPECT_EQ(h.counts, (std::vector<int64_t>{1, 1, 2}));
  h = makeHistogram({2.0, std::nan(""), 2.0}, 4);
  EXPECT_EQ(h.min, 2.0);
  EXPECT_EQ(h.max, 2.0);
  EXPECT_EQ(h.total(), 2);
  h = makeHistogram({}, 4);
  EXPECT_EQ(h.total(), 0);
  EXPECT_EQ(h.counts.size(), 4u);
}

TEST(HistogramTest, MergeConservesCounts) {
  // Same range and bins: exact addition.
  Histogram a{0.0, 1.0, {1, 2, 3, 4}};
  Histogram b{0.0, 1.0, {10, 0, 5, 1}};
  Histogram m = mergeHistograms(a, b, 4);
  EXPECT_EQ(m.min, 0.0);
  EXPECT_EQ(m.max, 1.0);
  EXPECT_EQ(m.counts, (std::vector<int64_t>{11, 2, 8, 5}));
  // Adjacent aligned ranges: concatenation.
  Histogram c{1.0, 2.0, {7, 0, 0, 9}};
  m = mergeHistograms(a, c, 8);
  EXPECT_EQ(m.min, 0.0);
  EXPECT_EQ(m.max, 2.0);
  EXPECT_EQ(m.counts, (std::vector<int64_t>{1, 2, 3, 4, 7, 0, 0, 9}));
  // Halving the bins adds pairs.
  m = mergeHistograms(a, Histogram{}, 2);
  EXPECT_EQ(m.counts, (std::vector<int64_t>{3, 7}));
  // A source bin split in half over two target bins: 5 -> 2 + 3 (cumulative
  // rounding, round(2.5) = 3 at the end of the first half... half up).
  Histogram d{0.0, 1.0, {5}};
  m = mergeHistograms(d, Histogram{}, 2);
  EXPECT_EQ(m.total(), 5);
  EXPECT_EQ(m.counts[0] + m.counts[1], 5);
  EXPECT_LE(std::abs(m.counts[0] - m.counts[1]), 1);
  // A point mass goes to the bin of its value.
  Histogram point{2.0, 2.0, {5}};
  Histogram range{0.0, 4.0, {1, 1, 1, 1}};
  m = mergeHistograms(point, range, 4);
  EXPECT_EQ(m.counts, (std::vector<int64_t>{1, 1, 6, 1}));
  // An empty histogram does not widen the range.
  Histogram empty{-100.0, 100.0, {0, 0}};
  m = mergeHistograms(empty, a, 4);
  EXPECT_EQ(m.min, 0.0);
  EXPECT_EQ(m.max, 1.0);
  EXPECT_EQ(m.counts, a.counts);

  // Streaming random batches with growing ranges conserves every count, and
  // the result stays close to the histogram of all the data.
  std::mt19937 rng(19);
  std::normal_distribution<double> normal;
  std::vector<double> all;
  Histogram acc;
  for (int batch = 0; batch < 30; ++batch) {
    std::vector<double> values(1000 + batch * 37);
    for (double &x : values)
      x = normal(rng) * (1.0 + batch * 0.1) + 0.05 * batch;
    all.insert(all.end(), values.begin(), values.end());
    Histogram h = makeHistogram(values, 2048);
    acc = mergeHistograms(acc, h, 2048);
    ASSERT_EQ(acc.total(), static_cast<int64_t>(all.size()));
  }
  Histogram direct = makeHistogram(all, 2048);
  EXPECT_EQ(acc.min, direct.min);
  EXPECT_EQ(acc.max, direct.max);
  auto pAcc = percentileParams(acc, 99.0, kS8Sym);
  auto pDirect = percentileParams(direct, 99.0, kS8Sym);
  ASSERT_TRUE(pAcc && pDirect);
  EXPECT_NEAR(pAcc->scale, pDirect->scale, 0.01 * pDirect->scale);
}

TEST(HistogramTest, BinOfAndRebin) {
  // binOf agrees with makeHistogram, clamps outside values to the edges.
  Histogram h{0.0, 4.0, {0, 0, 0, 0}};
  EXPECT_EQ(h.binOf(0.0), 0);
  EXPECT_EQ(h.binOf(0.999), 0);
  EXPECT_EQ(h.binOf(1.0), 1);
  EXPECT_EQ(h.binOf(4.0), 3);
  EXPECT_EQ(h.binOf(-7.0), 0);
  EXPECT_EQ(h.binOf(9.0), 3);
  EXPECT_EQ((Histogram{2.0, 2.0, {0, 0}}.binOf(2.0)), 0);
  std::vector<double> data = {0.0, 0.5, 1.5, 2.2, 3.9, 4.0, 1.0};
  Histogram made = makeHistogram(data, 4);
  Histogram byBinOf{made.min, made.max, {0, 0, 0, 0}};
  for (double x : data)
    ++byBinOf.counts[byBinOf.binOf(x)];
  EXPECT_EQ(byBinOf.counts, made.counts);

  // Widening to a range whose bins are unions of the old ones: exact.
  Histogram a{0.0, 1.0, {1, 2, 3, 4}};
  Histogram r = rebinHistogram(a, -1.0, 1.0, 4);
  EXPECT_EQ(r.min, -1.0);
  EXPECT_EQ(r.max, 1.0);
  EXPECT_EQ(r.counts, (std::vector<int64_t>{0, 0, 3, 7}));
  // Same range and bins: unchanged.
  EXPECT_EQ(rebinHistogram(a, 0.0, 1.0, 4).counts, a.counts);
  // A point mass goes to the bin of its value.
  r = rebinHistogram(Histogram{2.5, 2.5, {6}}, 0.0, 4.0, 4);
  EXPECT_EQ(r.counts, (std::vector<int64_t>{0, 0, 6, 0}));
  // A source bin split in half over two target bins: the middle bin [1, 2)
  // gives round(5 * 0.5) = 3 (half up) to [0, 1.5) and the other 2 to
  // [1.5, 3].
  r = rebinHistogram(Histogram{0.0, 3.0, {5, 5, 5}}, 0.0, 3.0, 2);
  EXPECT_EQ(r.counts, (std::vector<int64_t>{8, 7}));
  // An empty histogram gives zero counts over the requested range.
  r = rebinHistogram(Histogram{}, -2.0, 3.0, 5);
  EXPECT_EQ(r.min, -2.0);
  EXPECT_EQ(r.max, 3.0);
  EXPECT_EQ(r.total(), 0);
  EXPECT_EQ(r.counts.size(), 5u);
}

TEST(HistogramTest, ExpectedSquaredErrorByHand) {
  QuantizerSpec u2 = makeSpec(2, false);
  QuantParams unit{1.0, 0}; // grid {0, 1, 2, 3}
  // Uniform on [0, 1]: 2 * integral_0^0.5 t^2 dt = 1/12.
  EXPECT_NEAR(expectedSquaredError({0.0, 1.0, {1}}, unit, u2), 1.0 / 12, 1e-15);
  // Uniform on [0, 8]: rounding on [0, 3.5] (3.5 / 12) and clipping to 3 on
  // [3.5, 8] (integral of (x - 3)^2 = (125 - 0.125) / 3), over width 8.
  EXPECT_NEAR(expectedSquaredError({0.0, 8.0, {1}}, unit, u2),
              (3.5 / 12 + (125.0 - 0.125) / 3) / 8, 1e-12);
  // Two counts uniform on [-0.5, 0.5]: the negative half clamps to 0.
  EXPECT_NEAR(expectedSquaredError({-0.5, 0.5, {2}}, unit, u2), 2.0 / 12,
              1e-15);
  // A point mass.
  EXPECT_NEAR(expectedSquaredError({0.25, 0.25, {4}}, unit, u2), 0.25, 1e-15);
  // Many bins agree with one bin over the same span.
  EXPECT_NEAR(
      expectedSquaredError({0.0, 8.0, {1, 1, 1, 1, 1, 1, 1, 1}}, unit, u2),
      8 * expectedSquaredError({0.0, 8.0, {1}}, unit, u2), 1e-12);
}

TEST(HistogramMse, ClipsAndNeverLosesToMinMax) {
  std::mt19937 rng(23);
  std::normal_distribution<double> normal;
  std::vector<double> data(100000);
  for (double &x : data)
    x = normal(rng);
  data[0] = 50.0;
  Histogram h = makeHistogram(data, 2048);
  for (unsigned bits : {3u, 4u, 8u})
    for (const QuantizerSpec &spec :
         {makeSpec(bits, true, true), makeSpec(bits, false)}) {
      auto mse = mseParams(h, spec);
      auto minMax = minMaxParams(h, spec);
      ASSERT_TRUE(mse && minMax);
      expectWellFormed(*mse, spec);
      EXPECT_LE(expectedSquaredError(h, *mse, spec),
                expectedSquaredError(h, *minMax, spec) * (1 + 1e-9));
      EXPECT_LT(mse->scale, bits == 8 ? minMax->scale : minMax->scale / 2);
      // The histogram choice is close to the raw-data one.
      auto raw = mseParams(data, spec);
      ASSERT_TRUE(raw);
      EXPECT_NEAR(mse->scale, raw->scale, 0.05 * raw->scale) << bits;
    }
  Histogram zeros = makeHistogram(std::vector<double>(10, 0.0), 16);
  EXPECT_EQ(mseParams(zeros, kU8)->scale, kMinScale);
  EXPECT_FALSE(mseParams(Histogram{0.0, 1.0, {0, 0}}, kU8));
}

//===----------------------------------------------------------------------===//
// Percentile
//===----------------------------------------------------------------------===//

TEST(Percentile, KnownTails) {
  // 9990 values uniform on [0, 10), 10 values in [99, 100]. The top 0.1% is
  // exactly the tail, so the 99.9th percentile is 10.
  Histogram h{0.0, 100.0, std::vector<int64_t>(100, 0)};
  for (int i = 0; i < 10; ++i)
    h.counts[i] = 999;
  h.counts[99] = 10;
  auto p = percentileParams(h, 99.9, kU8);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(10.0 / 255));
  EXPECT_EQ(p->zeroPoint, 0);
  p = percentileParams(h, 99.9, makeSpec(8, false, true));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(10.0 / 255));
  // 100 is min-max.
  EXPECT_EQ(percentileParams(h, 100.0, kU8)->scale, f32Up(100.0 / 255));

  // Interpolated within a bin: the top 1% of 10 x 100 values is 10% of the
  // last bin, so the 99th percentile is 9.9.
  Histogram flat{0.0, 10.0, std::vector<int64_t>(10, 100)};
  p = percentileParams(flat, 99.0, kU8);
  ASSERT_TRUE(p);
  EXPECT_NEAR(p->scale, 9.9 / 255, 1e-7 * p->scale);

  // Symmetric signed, |x|: 19980 values in [-10, 10), 10 in each far bin;
  // the 20 of |x| > 10 are the 0.1%.
  Histogram sym{-100.0, 100.0, std::vector<int64_t>(200, 0)};
  for (int i = 90; i < 110; ++i)
    sym.counts[i] = 999;
  sym.counts[0] = sym.counts[199] = 10;
  p = percentileParams(sym, 99.9, kS8Sym);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(10.0 / 127));

  // Asymmetric: each tail (100 - p)% = 0.05% = 10 of 20000 counts: [-5, 10],
  // s = 15/255, z = round(5 / s) = 85.
  Histogram skew{-100.0, 100.0, std::vector<int64_t>(200, 0)};
  for (int i = 95; i < 110; ++i)
    skew.counts[i] = 1332;
  skew.counts[0] = skew.counts[199] = 10;
  p = percentileParams(skew, 99.95, kU8);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(15.0 / 255));
  EXPECT_EQ(p->zeroPoint, 85);

  EXPECT_FALSE(percentileParams(h, 40.0, kU8));
  EXPECT_FALSE(percentileParams(h, 100.5, kU8));
  EXPECT_FALSE(percentileParams(sym, 99.9, makeSpec(8, false, true)));
  Histogram zeros{0.0, 0.0, {7}};
  EXPECT_EQ(percentileParams(zeros, 99.0, kU8)->scale, kMinScale);
}

//===----------------------------------------------------------------------===//
// Entropy
//===----------------------------------------------------------------------===//

TEST(Entropy, UniformKeepsTheFullRange) {
  // Uniform data: in the full window every cell is uniform, so Q = P and KL
  // is 0; any narrower window piles the clipped mass into its last bin.
  Histogram h{0.0, 1.0, std::vector<int64_t>(2048, 10)};
  auto p = entropyParams(h, kU8);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(1.0 / 255));
  EXPECT_EQ(p->zeroPoint, 0);
}

TEST(Entropy, ClipsToTheWindowWithOneBinPerCell) {
  // [0, 8] in 2048 bins of 1/256: bins 0..255 ([0, 1)) alternate 100 and 300
  // counts, one count in the last bin. The 256-bin window [0, 1] has exactly
  // one bin per cell of the 256-level grid (bin j has grid index j), so
  // Q = P up to the outlier folded into bin 255: KL ~ 1e-8. Every wider
  // window puts two alternating bins into some cell (KL ~ 1e-3) or leaves
  // the outlier in an empty cell.
  Histogram h{0.0, 8.0, std::vector<int64_t>(2048, 0)};
  for (int j = 0; j < 256; ++j)
    h.counts[j] = j % 2 ? 300 : 100;
  h.counts[2047] = 1;
  auto p = entropyParams(h, kU8);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(1.0 / 255));
  EXPECT_EQ(p->zeroPoint, 0);
  p = entropyParams(h, kS8);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(1.0 / 255));
  EXPECT_EQ(p->zeroPoint, -128);

  // The symmetric version: [-8, 8] in 4096 bins of 1/256, |x| < 0.5
  // alternating by |x| bin, one outlier at each end. On |x| the 128-bin
  // window [0, 0.5] has one bin per cell of the 128 cells of [0, 127 s].
  Histogram sym{-8.0, 8.0, std::vector<int64_t>(4096, 0)};
  for (int k = 0; k < 128; ++k) {
    int64_t c = k % 2 ? 300 : 100;
    sym.counts[2048 + k] = c;
    sym.counts[2047 - k] = c;
  }
  sym.counts[0] = sym.counts[4095] = 1;
  p = entropyParams(sym, kS8Sym);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(0.5 / 127));
  EXPECT_EQ(p->zeroPoint, 0);
}

TEST(Entropy, GaussianClipsTheTail) {
  std::mt19937 rng(29);
  std::normal_distribution<double> normal;
  std::vector<double> data(200000);
  for (double &x : data)
    x = normal(rng);
  Histogram h = makeHistogram(data, 2048);
  for (const QuantizerSpec &spec : {kS8Sym, kU8, makeSpec(8, true)}) {
    auto p = entropyParams(h, spec);
    ASSERT_TRUE(p);
    expectWellFormed(*p, spec);
    auto minMax = minMaxParams(h, spec);
    EXPECT_LT(p->scale, minMax->scale);
    EXPECT_GT(p->scale, minMax->scale / 4);
  }
  // ReLU outputs: half the values are exactly 0. Smearing that point mass
  // over the cell of 0 would penalise every window wider than 764 bins (where
  // the cell of 0 takes a second bin) and clip at 1.8 of 4.9; the bins next to
  // 0 keep their mass, and the range ends near the Gaussian's tail.
  for (double &x : data)
    x = std::max(x, 0.0);
  h = makeHistogram(data, 2048);
  for (const QuantizerSpec &spec : {makeSpec(8, false, true), kU8, kS8}) {
    auto p = entropyParams(h, spec);
    ASSERT_TRUE(p);
    double top = p->scale * (gridRange(spec).max - p->zeroPoint);
    EXPECT_LT(top, h.max);
    EXPECT_GT(top, 0.7 * h.max);
  }
  // Degenerate and invalid.
  EXPECT_EQ(entropyParams(Histogram{0.0, 0.0, {3}}, kU8)->scale, kMinScale);
  EXPECT_FALSE(entropyParams(Histogram{0.0, 1.0, {0, 0}}, kU8));
  EXPECT_FALSE(
      entropyParams(Histogram{-1.0, 1.0, {1, 1}}, makeSpec(8, false, true)));
  // Fewer bins than grid levels: only the full range is a candidate.
  Histogram coarse{-1.0, 3.0, {5, 1, 1, 9}};
  EXPECT_EQ(entropyParams(coarse, kU8)->scale,
            minMaxParams(coarse, kU8)->scale);
}

//===----------------------------------------------------------------------===//
// Cross-entropy
//===----------------------------------------------------------------------===//

TEST(CrossEntropy, IntegerLogitsOnTheGrid) {
  // Logits in {0, 1, 2, 3}: the 2-bit grid [0, 3] with s = 1 reproduces them,
  // so H(p, p_hat) = H(p), the minimum of H(p, .).
  std::vector<double> logits = {3, 0, 1, 2, 0, 3, 2, 1, 1, 2, 3, 0};
  QuantizerSpec u2 = makeSpec(2, false);
  auto p = crossEntropyParams(logits, 4, u2);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, 1.0);
  EXPECT_EQ(p->zeroPoint, 0);
  double entropy = 0.0; // every row is a permutation of one softmax
  double z = std::exp(0.0) + std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  for (int j = 0; j < 4; ++j)
    entropy -= std::exp(double(j)) / z * std::log(std::exp(double(j)) / z);
  EXPECT_NEAR(meanCrossEntropy(logits, 4, *p, u2), entropy, 1e-12);
}

TEST(CrossEntropy, ClipsAnIrrelevantNegativeLogit) {
  // A logit at -40 has no probability mass; min-max spends the 3-bit grid on
  // it (s = 44/7). Cross-entropy clips it and keeps the top logits apart.
  std::vector<double> logits = {4, 1, 0, -40, 0, 3, 1, -40, 2, 4, 0, -40};
  QuantizerSpec u3 = makeSpec(3, false);
  auto p = crossEntropyParams(logits, 4, u3);
  ASSERT_TRUE(p);
  double got = meanCrossEntropy(logits, 4, *p, u3);
  double minMax = meanCrossEntropy(logits, 4, *minMaxParams(logits, u3), u3);
  EXPECT_LT(got, minMax);
  EXPECT_GT(p->scale * (0 - p->zeroPoint), -40.0 + 1.0); // clipped
  double brute = std::numeric_limits<double>::infinity();
  for (int i = 0; i <= 400; ++i)
    for (int j = 1; j <= 400; ++j) {
      auto q = paramsForRange(-40.0 * i / 400, 4.0 * j / 400, u3);
      brute = std::min(brute, meanCrossEntropy(logits, 4, *q, u3));
    }
  EXPECT_LE(got, brute + 1e-3);
  EXPECT_FALSE(crossEntropyParams(logits, 5, u3));
  EXPECT_FALSE(crossEntropyParams(logits, 4, makeSpec(8, false, true)));
}

//===----------------------------------------------------------------------===//
// BN-based
//===----------------------------------------------------------------------===//

TEST(BatchNorm, RangeAndActivation) {
  // beta - 6|gamma| = {-2, -8, -11.5}, beta + 6|gamma| = {4, 4, 12.5}.
  std::vector<double> beta = {1.0, -2.0, 0.5};
  std::vector<double> gamma = {0.5, -1.0, 2.0};
  auto p = batchNormParams(beta, gamma, 6.0, std::nullopt, kU8);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(24.0 / 255));
  EXPECT_EQ(p->zeroPoint, 122); // round(11.5 / (24/255)) = round(122.19)
  // ReLU6: [-11.5, 12.5] intersected with [0, 6].
  p = batchNormParams(beta, gamma, 6.0, std::make_pair(0.0, 6.0), kU8);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(6.0 / 255));
  EXPECT_EQ(p->zeroPoint, 0);
  // ReLU: [0, 12.5].
  double inf = std::numeric_limits<double>::infinity();
  p = batchNormParams(beta, gamma, 6.0, std::make_pair(0.0, inf), kU8);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(12.5 / 255));
  // a = 3 (e.g. high-bias absorption's bound): [-5.5, 6.5].
  p = batchNormParams(beta, gamma, 3.0, std::nullopt, kS8Sym);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, f32Up(6.5 / 127));
  // Every channel below the ReLU: the output is always 0.
  p = batchNormParams({-10.0}, {1.0}, 6.0, std::make_pair(0.0, inf), kU8);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scale, kMinScale);
  EXPECT_FALSE(batchNormParams(beta, {1.0}, 6.0, std::nullopt, kU8));
  EXPECT_FALSE(batchNormParams({}, {}, 6.0, std::nullopt, kU8));
  EXPECT_FALSE(
      batchNormParams(beta, gamma, 6.0, std::make_pair(1.0, 0.0), kU8));
}

//===----------------------------------------------------------------------===//
// AdaRound helpers (AdaRoundMath.h)
//===----------------------------------------------------------------------===//

/// C = alpha op(A) op(B) + beta C by the definition.
template <typename T>
void referenceGemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k,
                   T alpha, const std::vector<T> &a, int64_t lda,
                   const std::vector<T> &b, int64_t ldb, T beta,
                   std::vector<T> &c, int64_t ldc) {
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double sum = 0.0;
      for (int64_t l = 0; l < k; ++l)
        sum += double(transA ? a[l * lda + i] : a[i * lda + l]) *
               double(transB ? b[j * ldb + l] : b[l * ldb + j]);
      c[i * ldc + j] = static_cast<T>(alpha * sum + beta * c[i * ldc + j]);
    }
}

template <typename T> void checkGemm(double tolerance) {
  std::mt19937 rng(37);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  const int64_t m = 7, n = 5, k = 9, pad = 3;
  for (bool transA : {false, true})
    for (bool transB : {false, true}) {
      // Row strides larger than the rows, to check they are honoured.
      int64_t lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad;
      int64_t ldc = n + pad;
      std::vector<T> a((transA ? k : m) * lda), b((transB ? n : k) * ldb);
      std::vector<T> c(m * ldc);
      for (T &x : a)
        x = static_cast<T>(u(rng));
      for (T &x : b)
        x = static_cast<T>(u(rng));
      for (T &x : c)
        x = static_cast<T>(u(rng));
      std::vector<T> expected(c);
      referenceGemm<T>(transA, transB, m, n, k, 0.5, a, lda, b, ldb, 2.0,
                       expected, ldc);
      gemm(transA, transB, m, n, k, T(0.5), a.data(), lda, b.data(), ldb,
           T(2.0), c.data(), ldc);
      for (size_t i = 0; i < c.size(); ++i)
        ASSERT_NEAR(c[i], expected[i], tolerance)
            << "transA=" << transA << " transB=" << transB << " i=" << i;
    }
}

TEST(AdaRoundMath, Gemm) {
  checkGemm<float>(1e-5);
  checkGemm<double>(1e-12);
  EXPECT_GE(gemmThreads(), 1);
  // beta = 0 does not read C (NaN stays out).
  std::vector<float> a = {1, 2, 3, 4}, b = {1, 0, 0, 1};
  std::vector<float> c(4, std::numeric_limits<float>::quiet_NaN());
  gemm(false, false, 2, 2, 2, 1.0f, a.data(), 2, b.data(), 2, 0.0f, c.data(),
       2);
  EXPECT_EQ(c, a);
}

TEST(AdaRoundMath, RectifiedSigmoid) {
  EXPECT_DOUBLE_EQ(rectifiedSigmoid(0.0), 0.5);
  EXPECT_EQ(rectifiedSigmoid(100.0), 1.0);
  EXPECT_EQ(rectifiedSigmoid(-100.0), 0.0);
  EXPECT_EQ(rectifiedSigmoid(-1000.0), 0.0); // no overflow
  // h reaches 0 and 1 at sigmoid = 1/12 and 11/12: V = -+log(11).
  EXPECT_NEAR(rectifiedSigmoidInverse(0.0), -std::log(11.0), 1e-14);
  EXPECT_NEAR(rectifiedSigmoidInverse(1.0), std::log(11.0), 1e-14);
  EXPECT_EQ(rectifiedSigmoidGrad(3.0), 0.0); // clamped flat
  EXPECT_DOUBLE_EQ(rectifiedSigmoidGrad(0.0), 0.25 * 1.2);
  for (double h : {0.0, 0.1, 0.37, 0.5, 0.9, 1.0})
    EXPECT_NEAR(rectifiedSigmoid(rectifiedSigmoidInverse(h)), h, 1e-12);
  for (double v : {-2.0, -0.7, 0.0, 0.3, 1.9}) {
    double eps = 1e-6;
    double numeric =
        (rectifiedSigmoid(v + eps) - rectifiedSigmoid(v - eps)) / (2 * eps);
    EXPECT_NEAR(rectifiedSigmoidGrad(v), numeric, 1e-8) << v;
  }
  // Around the clamp's ends (|V| = log 11): the clamped stretched sigmoid,
  // written out here, value and gradient.
  for (double v = 2.3; v <= 2.5; v += 1e-4)
    for (double x : {v, -v}) {
      double s = 1.0 / (1.0 + std::exp(-x));
      double stretched = s * 1.2 - 0.1;
      if (stretched <= 0.0 || stretched >= 1.0) {
        EXPECT_EQ(rectifiedSigmoid(x), stretched <= 0.0 ? 0.0 : 1.0) << x;
        EXPECT_EQ(rectifiedSigmoidGrad(x), 0.0) << x;
      } else {
        EXPECT_NEAR(rectifiedSigmoid(x), stretched, 1e-14) << x;
        EXPECT_GT(rectifiedSigmoidGrad(x), 0.0) << x;
      }
    }
  std::vector<float> v = {-3.0f, 0.0f, 1.0f}, h(3), grad(3);
  rectifiedSigmoid(v, h, grad);
  EXPECT_EQ(h[0], 0.0f);
  EXPECT_EQ(h[1], 0.5f);
  EXPECT_FLOAT_EQ(grad[2], static_cast<float>(rectifiedSigmoidGrad(1.0)));
}

TEST(AdaRoundMath, RegularizerAndSchedule) {
  std::vector<float> h = {0.0f, 1.0f, 0.5f, 0.75f};
  // 0 + 0 + 1 + (1 - 0.5^2).
  EXPECT_DOUBLE_EQ(roundingRegularizer(h, 2.0), 1.75);
  std::vector<float> grad(4);
  roundingRegularizerGrad(h, 3.0, grad);
  for (size_t i = 0; i < h.size(); ++i) {
    float eps = 1e-3f;
    std::vector<float> hp(h), hm(h);
    hp[i] += eps;
    hm[i] -= eps;
    double numeric =
        (roundingRegularizer(hp, 3.0) - roundingRegularizer(hm, 3.0)) /
        (2 * eps);
    if (h[i] > 0.0f && h[i] < 1.0f) {
      EXPECT_NEAR(grad[i], numeric, 1e-3) << i;
    }
  }
  EXPECT_EQ(grad[0], 6.0f); // -2 * 3 * 1 * sign(-1)
  // Warm start (20%): beta = 20 and no regulariser; then 20 -> 2.
  EXPECT_EQ(annealedBeta(0, 1000), 20.0);
  EXPECT_EQ(annealedBeta(199, 1000), 20.0);
  EXPECT_FALSE(regularizerActive(199, 1000));
  EXPECT_TRUE(regularizerActive(200, 1000));
  EXPECT_DOUBLE_EQ(annealedBeta(200, 1000), 20.0);
  EXPECT_NEAR(annealedBeta(600, 1000), 11.0, 1e-12); // cosine midpoint
  EXPECT_NEAR(annealedBeta(1000, 1000), 2.0, 1e-12);
  EXPECT_NEAR(annealedBeta(400, 1000, BetaDecay::Linear), 15.5, 1e-12);
  EXPECT_NEAR(annealedBeta(1000, 1000, BetaDecay::Linear), 2.0, 1e-12);
}

TEST(AdaRoundMath, SoftAndHardWeights) {
  std::mt19937 rng(41);
  std::normal_distribution<double> normal;
  const int64_t rows = 4, rowSize = 50;
  std::vector<float> w(rows * rowSize);
  for (float &x : w)
    x = static_cast<float>(normal(rng) * 0.1);
  QuantizerSpec s4 = makeSpec(4, true, true, true);
  auto perChannel =
      perChannelParams(std::vector<double>(w.begin(), w.end()), {rows, rowSize},
                       0, RangeMethod::MinMax, s4);
  ASSERT_TRUE(perChannel);
  std::vector<float> v(w.size()), soft(w.size()), dWdV(w.size()),
      hard(w.size());
  std::vector<int64_t> q(w.size());
  adaRoundInitialize(w, rowSize, *perChannel, v);
  adaRoundSoftWeights(w, rowSize, *perChannel, s4, v, soft, dWdV);
  // h(V0) = frac(W/s): the soft weights start at W (inside the grid).
  for (size_t i = 0; i < w.size(); ++i) {
    double s = (*perChannel)[i / rowSize].scale;
    EXPECT_NEAR(soft[i], w[i], 1e-6 * s + 1e-7) << i;
    EXPECT_GE(dWdV[i], 0.0f);
    EXPECT_LE(dWdV[i], 0.3f * s + 1e-7);
  }
  // Rounding by the sign of V0 is rounding to nearest (h(0) = 1/2).
  adaRoundHardWeights(w, rowSize, *perChannel, s4, v, q, hard);
  for (size_t i = 0; i < w.size(); ++i) {
    QuantParams p = (*perChannel)[i / rowSize];
    EXPECT_EQ(hard[i], static_cast<float>(fakeQuantize(w[i], p, s4))) << i;
    EXPECT_EQ(q[i], QuantGrid(p, s4).index(w[i]));
  }
  // Per tensor, with a zero point and the clamp: values beyond the grid do
  // not move with V.
  QuantParams p{0.1, 3};
  QuantizerSpec u3 = makeSpec(3, false); // [0, 7]: values in [-0.3, 0.4]
  std::vector<float> w2 = {-1.0f, 0.123f, 5.0f}, v2 = {0.3f, -0.2f, 0.1f};
  std::vector<float> soft2(3), d2(3);
  adaRoundSoftWeights(w2, 3, {p}, u3, v2, soft2, d2);
  EXPECT_NEAR(soft2[0], -0.3f, 1e-7);
  EXPECT_EQ(d2[0], 0.0f);
  EXPECT_NEAR(soft2[1], 0.1 + 0.1 * rectifiedSigmoid(-0.2), 1e-7);
  EXPECT_NEAR(d2[1], 0.1 * rectifiedSigmoidGrad(-0.2), 1e-7);
  EXPECT_NEAR(soft2[2], 0.4f, 1e-7);
  EXPECT_EQ(d2[2], 0.0f);
}

TEST(AdaRoundMath, Adam) {
  // First step: m_hat = g, v_hat = g^2, so p moves by lr * g / (|g| + eps).
  Adam<float> adam(2, AdamOptions{0.1, 0.9, 0.999, 1e-8});
  std::vector<float> p = {1.0f, -2.0f}, g = {4.0f, -0.5f};
  adam.step(p, g);
  EXPECT_EQ(adam.steps(), 1);
  EXPECT_NEAR(p[0], 0.9f, 1e-6);
  EXPECT_NEAR(p[1], -1.9f, 1e-6);
  // Minimises a quadratic: f = sum (x - t)^2.
  std::vector<double> x = {5.0, -3.0, 0.5}, target = {1.0, 2.0, -1.0};
  Adam<double> opt(3, AdamOptions{0.05});
  for (int it = 0; it < 3000; ++it) {
    std::vector<double> grad(3);
    for (int i = 0; i < 3; ++i)
      grad[i] = 2 * (x[i] - target[i]);
    opt.step(x, grad);
  }
  for (int i = 0; i < 3; ++i)
    EXPECT_NEAR(x[i], target[i], 1e-3);
}

TEST(AdaRoundMath, AdamAfterLongZeroGradients) {
  // One gradient, 7000 zero ones (h(V) settled: the first moment decays
  // into the denormal doubles, where Adam flushes it to 0),
  // then another: the parameter stays where Adam's formula, written out here
  // without the flush, puts it, step for step.
  Adam<float> adam(1, AdamOptions{0.01, 0.9, 0.999, 1e-8});
  std::vector<float> p = {0.5f};
  double m = 0.0, v = 0.0;
  float reference = 0.5f;
  for (int t = 1; t <= 7002; ++t) {
    float g = t == 1 ? 1.0f : (t == 7002 ? -1.0f : 0.0f);
    adam.step(p, std::vector<float>{g});
    m = 0.9 * m + (1.0 - 0.9) * g;
    v = 0.999 * v + (1.0 - 0.999) * g * g;
    double mHat = m / (1.0 - std::pow(0.9, static_cast<double>(t)));
    double vHat = v / (1.0 - std::pow(0.999, static_cast<double>(t)));
    reference =
        static_cast<float>(reference - 0.01 * mHat / (std::sqrt(vHat) + 1e-8));
    ASSERT_EQ(p[0], reference) << "step " << t;
    if (t == 7001) { // the reference's moment is denormal by now
      EXPECT_GT(std::abs(m), 0.0);
      EXPECT_LT(std::abs(m), std::numeric_limits<double>::min());
    }
  }
}

} // namespace

//===----------------------------------------------------------------------===//
// Clipped-normal means (analytic bias correction)
//===----------------------------------------------------------------------===//

TEST(ClippedNormalMean, ClosedForms) {
  double inf = std::numeric_limits<double>::infinity();
  // Unclipped: the mean. ReLU of N(0, 1): 1 / sqrt(2 pi). A clip symmetric
  // about the mean: the mean. Zero spread: the clamped mean.
  EXPECT_NEAR(clippedNormalMean(1.5, 2.0, -inf, inf), 1.5, 1e-12);
  EXPECT_NEAR(clippedNormalMean(0.0, 1.0, 0.0, inf), 0.3989422804014327, 1e-12);
  EXPECT_NEAR(clippedNormalMean(2.0, 3.0, 0.0, 4.0), 2.0, 1e-12);
  EXPECT_EQ(clippedNormalMean(7.0, 0.0, 0.0, 6.0), 6.0);
  // Scaling: E[relu(s Y)] = s E[relu(Y)].
  EXPECT_NEAR(clippedNormalMean(0.5, 2.0, 0.0, inf),
              2.0 * clippedNormalMean(0.25, 1.0, 0.0, inf), 1e-12);
}

TEST(ClippedNormalMean, MatchesSampling) {
  // ReLU6 of N(1, 3^2), against the mean of a million samples.
  std::mt19937_64 rng(42);
  std::normal_distribution<double> normal(1.0, 3.0);
  double sum = 0;
  const int n = 1000000;
  for (int i = 0; i < n; ++i)
    sum += std::clamp(normal(rng), 0.0, 6.0);
  // The sample mean's standard error is below 3 / sqrt(n) = 0.003.
  EXPECT_NEAR(clippedNormalMean(1.0, 3.0, 0.0, 6.0), sum / n, 0.01);
}
