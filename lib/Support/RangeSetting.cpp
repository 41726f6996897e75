//===- RangeSetting.cpp - grids, min-max, percentile, BN, histograms ------===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The grid of a range (paramsForRange), the error measures, and the range
// methods that need no search: min-max, per-channel, percentile, BN-based;
// histogram construction and merging. The searches (MSE, cross-entropy) are
// in RangeSettingSearch.cpp, the KL method in RangeSettingEntropy.cpp.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Support/RangeSetting.h"

#include <cfloat>
#include <limits>

using namespace mlir;
using namespace mlir::qnt;

//===----------------------------------------------------------------------===//
// Grids
//===----------------------------------------------------------------------===//

bool mlir::qnt::isValidSpec(const QuantizerSpec &spec) {
  if (spec.bits < 2 || spec.bits > 16)
    return false;
  // The grid [1, 2^b - 1] has no room for the symmetric zero point 0.
  return !(spec.symmetric && !spec.isSigned && spec.narrowRange);
}

/// The smallest f32 >= s (s positive); infinity above FLT_MAX.
static double roundUpToF32(double s) {
  float f = static_cast<float>(s);
  if (static_cast<double>(f) < s)
    f = std::nextafter(f, std::numeric_limits<float>::infinity());
  return f;
}

std::optional<QuantParams>
mlir::qnt::paramsForRange(double lo, double hi, const QuantizerSpec &spec) {
  if (!isValidSpec(spec) || !std::isfinite(lo) || !std::isfinite(hi) || lo > hi)
    return std::nullopt;
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  StorageRange grid = gridRange(spec);
  double qmin = static_cast<double>(grid.min);
  double qmax = static_cast<double>(grid.max);

  double scale;
  if (spec.symmetric && !spec.isSigned) {
    if (lo < 0.0)
      return std::nullopt;
    scale = hi / qmax;
  } else if (spec.symmetric) {
    // Narrow range [-(2^(b-1)-1), 2^(b-1)-1]: the larger magnitude on
    // 2^(b-1)-1 steps. Full range [-2^(b-1), 2^(b-1)-1]: the smallest scale
    // whose grid covers [lo, hi], with lo on up to 2^(b-1) negative steps
    // (as AIMET's symmetric encodings).
    double qmaxSym = static_cast<double>((int64_t(1) << (spec.bits - 1)) - 1);
    double qminSym = spec.narrowRange ? qmaxSym : qmaxSym + 1.0;
    scale = std::max(-lo / qminSym, hi / qmaxSym);
  } else {
    scale = (hi - lo) / (qmax - qmin);
  }
  if (!std::isfinite(scale))
    return std::nullopt;
  scale = std::max(scale, kMinScale);
  if (spec.powerOfTwo) {
    int exponent = 0;
    double fraction = std::frexp(scale, &exponent); // scale = f * 2^e
    if (fraction != 0.5)
      scale = std::ldexp(1.0, exponent);
  }
  scale = roundUpToF32(scale);
  if (!std::isfinite(scale))
    return std::nullopt;

  int64_t zeroPoint = 0;
  if (!spec.symmetric) {
    double z = qmin - roundHalfToEven(lo / scale);
    // Zero points whose grid [(q_min - z) s, (q_max - z) s] covers [lo, hi].
    // This interval has width (q_max - q_min) - (hi - lo) / s: about 0 for
    // the exact scale, where rounding z clips one end by up to s/2, and wider
    // when s was rounded up (power of two), where z can avoid clipping.
    double tolerance = 1e-9 * (qmax - qmin);
    double zLo = std::ceil(qmin - lo / scale - tolerance);
    double zHi = std::floor(qmax - hi / scale + tolerance);
    if (zLo <= zHi)
      z = std::clamp(z, zLo, zHi);
    zeroPoint = std::clamp(static_cast<int64_t>(z), grid.min, grid.max);
  }
  return QuantParams{scale, zeroPoint};
}

//===----------------------------------------------------------------------===//
// Error measures
//===----------------------------------------------------------------------===//

double mlir::qnt::squaredError(ArrayRef<double> data, QuantParams params,
                               const QuantizerSpec &spec) {
  QuantGrid grid(params, spec);
  // Four partial sums: independent chains, and pairwise-like accuracy.
  double sums[4] = {0.0, 0.0, 0.0, 0.0};
  size_t n = data.size(), i = 0;
  for (; i + 4 <= n; i += 4)
    for (size_t lane = 0; lane < 4; ++lane) {
      double x = data[i + lane];
      double d = std::isnan(x) ? x : x - grid.apply(x);
      sums[lane] += d * d;
    }
  for (; i < n; ++i) {
    double x = data[i];
    double d = std::isnan(x) ? x : x - grid.apply(x);
    sums[i % 4] += d * d;
  }
  return (sums[0] + sums[1]) + (sums[2] + sums[3]);
}

int64_t Histogram::total() const {
  int64_t sum = 0;
  for (int64_t c : counts)
    sum += c;
  return sum;
}

/// A histogram the methods accept: bins, finite ordered bounds, counts >= 0.
static bool isValidHistogram(const Histogram &hist) {
  if (hist.counts.empty() || !std::isfinite(hist.min) ||
      !std::isfinite(hist.max) || hist.min > hist.max)
    return false;
  return llvm::all_of(hist.counts, [](int64_t c) { return c >= 0; });
}

/// The integral of (x - Q(x))^2 over [a, b], a <= b. With k(x) the clamped
/// grid index of x and y_k its value, an antiderivative is
///   G(x) = (k(x) - q_min) * s^3 / 12 + (x - y_k(x))^3 / 3:
/// inside the grid each half cell contributes s^3 / 24, beyond it the
/// clipping error (x - y)^3 / 3 continues from the end point. The two terms
/// of G(b) - G(a) are taken separately to avoid cancellation.
static double integratedSquaredError(const QuantGrid &grid, double a,
                                     double b) {
  int64_t ka = grid.index(a);
  int64_t kb = grid.index(b);
  double s = grid.scale;
  double da = a - grid.value(ka);
  double db = b - grid.value(kb);
  return static_cast<double>(kb - ka) * (s * s * s / 12.0) +
         (db * db * db - da * da * da) / 3.0;
}

double mlir::qnt::expectedSquaredError(const Histogram &hist,
                                       QuantParams params,
                                       const QuantizerSpec &spec) {
  if (!isValidHistogram(hist))
    return std::numeric_limits<double>::quiet_NaN();
  QuantGrid grid(params, spec);
  double width = hist.binWidth();
  int64_t bins = hist.counts.size();
  if (width == 0.0) {
    double d = hist.min - grid.apply(hist.min);
    return static_cast<double>(hist.total()) * d * d;
  }
  double sum = 0.0;
  for (int64_t i = 0; i < bins; ++i) {
    int64_t count = hist.counts[i];
    if (count == 0)
      continue;
    double a = hist.min + i * width;
    double b = i + 1 == bins ? hist.max : hist.min + (i + 1) * width;
    if (b <= a)
      continue;
    sum += static_cast<double>(count) * integratedSquaredError(grid, a, b) /
           (b - a);
  }
  return sum;
}

//===----------------------------------------------------------------------===//
// Min-max, per channel
//===----------------------------------------------------------------------===//

std::optional<QuantParams> mlir::qnt::minMaxParams(ArrayRef<double> data,
                                                   const QuantizerSpec &spec) {
  if (data.empty())
    return std::nullopt;
  double lo = data.front(), hi = data.front();
  for (double x : data) {
    if (!std::isfinite(x))
      return std::nullopt;
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  return paramsForRange(lo, hi, spec);
}

std::optional<SmallVector<QuantParams>>
mlir::qnt::perChannelParams(ArrayRef<double> data, ArrayRef<int64_t> shape,
                            int64_t axis, RangeMethod method,
                            const QuantizerSpec &spec) {
  int64_t rank = shape.size();
  if (axis < 0 || axis >= rank)
    return std::nullopt;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d) {
    if (shape[d] < 0)
      return std::nullopt;
    if (d < axis)
      outer *= shape[d];
    else if (d > axis)
      inner *= shape[d];
  }
  int64_t channels = shape[axis];
  if (outer * channels * inner != static_cast<int64_t>(data.size()))
    return std::nullopt;

  SmallVector<QuantParams> result;
  result.reserve(channels);
  std::vector<double> channel(outer * inner);
  for (int64_t c = 0; c < channels; ++c) {
    for (int64_t o = 0; o < outer; ++o) {
      const double *src = data.data() + (o * channels + c) * inner;
      std::copy(src, src + inner, channel.begin() + o * inner);
    }
    std::optional<QuantParams> params = method == RangeMethod::Mse
                                            ? mseParams(channel, spec)
                                            : minMaxParams(channel, spec);
    if (!params)
      return std::nullopt;
    result.push_back(*params);
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Histograms
//===----------------------------------------------------------------------===//

Histogram mlir::qnt::makeHistogram(ArrayRef<double> data, int64_t bins) {
  bins = std::max<int64_t>(bins, 1);
  Histogram hist;
  hist.counts.assign(bins, 0);
  bool any = false;
  for (double x : data) {
    if (!std::isfinite(x))
      continue;
    hist.min = any ? std::min(hist.min, x) : x;
    hist.max = any ? std::max(hist.max, x) : x;
    any = true;
  }
  double width = hist.binWidth();
  for (double x : data) {
    if (!std::isfinite(x))
      continue;
    int64_t bin = 0;
    if (width > 0.0)
      bin = std::min<int64_t>(static_cast<int64_t>((x - hist.min) / width),
                              bins - 1);
    ++hist.counts[bin];
  }
  return hist;
}

namespace {
/// Accumulates source histograms into equal-width target bins over
/// [min, max], conserving every count.
struct Resampler {
  Histogram &out;
  double width;
  int64_t bins;

  int64_t binOf(double x) const {
    if (width == 0.0)
      return 0;
    double b = std::floor((x - out.min) / width);
    return static_cast<int64_t>(std::clamp(b, 0.0, double(bins - 1)));
  }

  void add(const Histogram &src) {
    int64_t srcBins = src.counts.size();
    double srcWidth = src.binWidth();
    for (int64_t j = 0; j < srcBins; ++j) {
      int64_t count = src.counts[j];
      if (count <= 0)
        continue;
      double u = src.min + j * srcWidth;
      double v = j + 1 == srcBins ? src.max : src.min + (j + 1) * srcWidth;
      int64_t first = binOf(u), last = binOf(v);
      if (srcWidth == 0.0 || v <= u || first == last) {
        out.counts[first] += count;
        continue;
      }
      // Target t gets round(c * F(end of t)) - round(c * F(start of t)),
      // F the fraction of [u, v) below a point: conserving and monotone.
      int64_t given = 0;
      for (int64_t t = first; t <= last; ++t) {
        int64_t upTo = count;
        if (t < last) {
          double end = out.min + (t + 1) * width;
          double fraction = std::clamp((end - u) / (v - u), 0.0, 1.0);
          upTo = static_cast<int64_t>(
              std::floor(static_cast<double>(count) * fraction + 0.5));
        }
        out.counts[t] += upTo - given;
        given = upTo;
      }
    }
  }
};
} // namespace

Histogram mlir::qnt::mergeHistograms(const Histogram &a, const Histogram &b,
                                     int64_t bins) {
  bins = std::max<int64_t>(bins, 1);
  bool hasA = isValidHistogram(a) && a.total() > 0;
  bool hasB = isValidHistogram(b) && b.total() > 0;
  Histogram out;
  out.counts.assign(bins, 0);
  if (!hasA && !hasB)
    return out;
  out.min = hasA ? (hasB ? std::min(a.min, b.min) : a.min) : b.min;
  out.max = hasA ? (hasB ? std::max(a.max, b.max) : a.max) : b.max;
  Resampler resampler{out, out.binWidth(), bins};
  if (hasA)
    resampler.add(a);
  if (hasB)
    resampler.add(b);
  return out;
}

Histogram mlir::qnt::rebinHistogram(const Histogram &hist, double min,
                                    double max, int64_t bins) {
  bins = std::max<int64_t>(bins, 1);
  Histogram out;
  out.min = min;
  out.max = std::max(min, max);
  out.counts.assign(bins, 0);
  Resampler resampler{out, out.binWidth(), bins};
  if (isValidHistogram(hist))
    resampler.add(hist);
  return out;
}

std::optional<QuantParams> mlir::qnt::minMaxParams(const Histogram &hist,
                                                   const QuantizerSpec &spec) {
  if (!isValidHistogram(hist) || hist.total() == 0)
    return std::nullopt;
  return paramsForRange(hist.min, hist.max, spec);
}

//===----------------------------------------------------------------------===//
// Percentile
//===----------------------------------------------------------------------===//

namespace {
/// The histogram's cumulative count below x, values uniform within bins.
struct InterpolatedCdf {
  const Histogram &hist;
  double width;
  std::vector<double> before; // counts in bins < i

  explicit InterpolatedCdf(const Histogram &hist)
      : hist(hist), width(hist.binWidth()), before(hist.counts.size() + 1) {
    for (size_t i = 0; i < hist.counts.size(); ++i)
      before[i + 1] = before[i] + static_cast<double>(hist.counts[i]);
  }
  double total() const { return before.back(); }
  double operator()(double x) const {
    if (x <= hist.min)
      return 0.0;
    if (x >= hist.max)
      return total();
    int64_t bins = hist.counts.size();
    int64_t i = std::min<int64_t>(static_cast<int64_t>((x - hist.min) / width),
                                  bins - 1);
    double start = hist.min + i * width;
    double fraction = std::clamp((x - start) / width, 0.0, 1.0);
    return before[i] + static_cast<double>(hist.counts[i]) * fraction;
  }
};

/// The smallest x in [lo, hi] with pred(x), for pred monotone (false, then
/// true) and pred(hi) true; bisection down to adjacent doubles.
template <typename Pred>
double smallestSatisfying(double lo, double hi, Pred pred) {
  if (pred(lo))
    return lo;
  for (int iter = 0; iter < 2100; ++iter) {
    double mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi)
      break;
    (pred(mid) ? hi : lo) = mid;
  }
  return hi;
}
} // namespace

std::optional<QuantParams>
mlir::qnt::percentileParams(const Histogram &hist, double percentile,
                            const QuantizerSpec &spec) {
  if (!isValidSpec(spec) || !isValidHistogram(hist) || hist.total() == 0 ||
      !(percentile >= 50.0 && percentile <= 100.0))
    return std::nullopt;
  if (percentile == 100.0 || hist.min == hist.max)
    return paramsForRange(hist.min, hist.max, spec);
  InterpolatedCdf cdf(hist);
  double n = cdf.total();
  double clipped = (1.0 - percentile / 100.0) * n * (1.0 + 1e-9);
  auto upperOk = [&](double x) { return n - cdf(x) <= clipped; };

  if (spec.symmetric && spec.isSigned) {
    double m = std::max(-hist.min, hist.max);
    double t = smallestSatisfying(
        0.0, m, [&](double t) { return (n - cdf(t)) + cdf(-t) <= clipped; });
    return paramsForRange(-t, t, spec);
  }
  if (spec.symmetric && hist.min < 0.0)
    return std::nullopt; // symmetric unsigned needs non-negative data
  double hi = smallestSatisfying(hist.min, hist.max, upperOk);
  if (spec.symmetric)
    return paramsForRange(0.0, hi, spec);
  // The largest lo with at most `clipped` counts below it.
  double lo = -smallestSatisfying(-hist.max, -hist.min,
                                  [&](double x) { return cdf(-x) <= clipped; });
  return paramsForRange(std::min(lo, hi), hi, spec);
}

//===----------------------------------------------------------------------===//
// BN-based
//===----------------------------------------------------------------------===//

std::optional<QuantParams>
mlir::qnt::batchNormParams(ArrayRef<double> beta, ArrayRef<double> gamma,
                           double a,
                           std::optional<std::pair<double, double>> activation,
                           const QuantizerSpec &spec) {
  if (beta.empty() || beta.size() != gamma.size() || !std::isfinite(a) ||
      a < 0.0)
    return std::nullopt;
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (size_t c = 0; c < beta.size(); ++c) {
    if (!std::isfinite(beta[c]) || !std::isfinite(gamma[c]))
      return std::nullopt;
    double spread = a * std::abs(gamma[c]);
    lo = std::min(lo, beta[c] - spread);
    hi = std::max(hi, beta[c] + spread);
  }
  if (activation) {
    auto [actMin, actMax] = *activation;
    if (std::isnan(actMin) || std::isnan(actMax) || actMin > actMax)
      return std::nullopt;
    // The image of [lo, hi] under clamp(x, actMin, actMax).
    lo = std::clamp(lo, actMin, actMax);
    hi = std::clamp(hi, actMin, actMax);
  }
  return paramsForRange(lo, hi, spec);
}

double mlir::qnt::clippedNormalMean(double mean, double stddev, double lo,
                                    double hi) {
  if (!(stddev > 0))
    return std::clamp(mean, lo, hi);
  auto pdf = [](double z) {
    return std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
  };
  auto cdf = [](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); };
  // E[clamp(Y, lo, hi)] = lo P(Y < lo) + hi P(Y > hi)
  //                       + mean P(lo < Y < hi) + stddev (pdf(a) - pdf(b)).
  double a = (lo - mean) / stddev, b = (hi - mean) / stddev;
  double result = mean * (cdf(b) - cdf(a)) + stddev * (pdf(a) - pdf(b));
  if (std::isfinite(lo))
    result += lo * cdf(a);
  if (std::isfinite(hi))
    result += hi * (1 - cdf(b));
  return result;
}
