//===- RangeSetting.h - quantizer range-setting algorithms ------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The range-setting methods of the white paper (section 2 of
// /work/shared/PAPER.md) as pure functions: numbers in, a quantizer's scale
// and zero point out. No IR: the range-setting pass reads weights and
// `qnt.stats` and calls these.
//
// Conventions shared by every function:
// - A quantizer's grid is that of `qnt.fake_quant` (docs/Numerics.md,
//   section 4): `[q_min, q_max]` from `storageRange(bits, isSigned,
//   narrowRange)`, `x_hat = (clamp(round_half_even(x / s) + z) - z) * s`.
// - Every returned scale is positive, finite and exactly representable as
//   an f32 (rounded *up* to the next f32, so that the range stays covered),
//   because the ops compute with `f32(s)`; every zero point lies on the grid,
//   so 0 is exactly representable.
// - Functions return nullopt for invalid input (a spec outside 2..16 bits,
//   NaN or infinite data, an empty tensor or histogram, a symmetric unsigned
//   quantizer for negative data, ...), never a NaN or zero scale.
// - Searches break ties by keeping the candidate evaluated first; candidates
//   are evaluated from the widest range to the narrowest, so a tie keeps the
//   wider range (less clipping).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_SUPPORT_RANGESETTING_H
#define QUANTOPT_SUPPORT_RANGESETTING_H

#include "quant-opt/Support/FixedPointMath.h"

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace mlir::qnt {

//===----------------------------------------------------------------------===//
// Grids
//===----------------------------------------------------------------------===//

/// A quantizer's grid, as the attributes of `qnt.fake_quant` describe it:
/// `bits` in 2..16, signed or unsigned storage, symmetric (zero point 0),
/// narrow range (the lowest integer dropped), power-of-two scales (s = 2^k).
struct QuantizerSpec {
  unsigned bits = 8;
  bool isSigned = false;
  bool symmetric = false;
  bool narrowRange = false;
  bool powerOfTwo = false;
};

/// A quantizer's scale and zero point.
struct QuantParams {
  double scale;
  int64_t zeroPoint;
};

/// True if the spec describes a grid that can hold 0 with zero point 0 when
/// symmetric: 2 <= bits <= 16, and not symmetric + unsigned + narrow range
/// (whose grid [1, 2^b-1] does not contain the zero point 0).
bool isValidSpec(const QuantizerSpec &spec);

/// The integers of the spec's grid.
inline StorageRange gridRange(const QuantizerSpec &spec) {
  return storageRange(spec.bits, spec.isSigned, spec.narrowRange);
}

/// The smallest scale range setting returns (2^-32). A degenerate range
/// (lo == hi == 0, e.g. an all-zero tensor) gets this scale; any smaller
/// scale is raised to it. It is a power of two, a normal f32, and keeps
/// requantization multipliers s_in / s_out below 2^29 for scales of
/// ordinary tensors.
constexpr double kMinScale = 0x1p-32;

/// The grid covering [lo, hi] (docs/Numerics.md, PAPER.md section 1).
/// lo and hi are first widened to include 0 (0 must be exactly
/// representable). With [q_min, q_max] = gridRange(spec):
/// - asymmetric: s = (hi - lo) / (q_max - q_min),
///   z = q_min - round_half_even(lo / s), clamped to the grid;
/// - symmetric signed, narrow range [-(2^(b-1) - 1), 2^(b-1) - 1]:
///   s = max(|lo|, |hi|) / (2^(b-1) - 1), z = 0;
/// - symmetric signed, full range [-2^(b-1), 2^(b-1) - 1]: the smallest grid
///   covering [lo, hi], s = max(-lo / 2^(b-1), hi / (2^(b-1) - 1)), z = 0
///   (AIMET's symmetric encodings; for a symmetric range [-c, c], as narrow
///   range);
/// - symmetric unsigned (for non-negative tensors): s = hi / (2^b - 1),
///   z = 0; nullopt if lo < 0;
/// - power of two: s is rounded up to the next power of two, so the range is
///   still covered; asymmetric grids then have slack, and z (computed as
///   above with the new s) is moved, if needed and possible, to the nearest
///   zero point whose grid covers all of [lo, hi].
/// Then s is rounded up to an f32 (z computed with that s) and raised to at
/// least kMinScale. nullopt if lo > hi, either is NaN or infinite, the spec
/// is invalid, or the scale overflows f32.
std::optional<QuantParams> paramsForRange(double lo, double hi,
                                          const QuantizerSpec &spec);

/// A quantizer with its parameters, for evaluating it on many values.
struct QuantGrid {
  double scale;
  int64_t zeroPoint;
  int64_t qmin;
  int64_t qmax;

  QuantGrid(QuantParams params, const QuantizerSpec &spec)
      : scale(params.scale), zeroPoint(params.zeroPoint),
        qmin(gridRange(spec).min), qmax(gridRange(spec).max) {}

  /// clamp(round_half_even(x / s) + z, q_min, q_max), in double. `x` must not
  /// be NaN; infinities saturate. Branch-free: it is the inner loop of the
  /// searches.
  int64_t index(double x) const {
    // Bound x / s before rounding: every bound beyond the grid gives the same
    // clamped result, and the bound keeps the conversion to int64 defined.
    constexpr double kBound = 0x1p40;
    double u = std::min(std::max(x / scale, -kBound), kBound);
    int64_t r = static_cast<int64_t>(u); // truncation, exact below 2^52
    r -= u < static_cast<double>(r);     // floor
    double frac = u - static_cast<double>(r);
    r += (frac > 0.5) | ((frac == 0.5) & (r & 1)); // nearest, ties to even
    return std::min(std::max(r + zeroPoint, qmin), qmax);
  }
  /// The real value of grid integer q: (q - z) * s.
  double value(int64_t q) const {
    return static_cast<double>(q - zeroPoint) * scale;
  }
  /// Quantize-dequantize.
  double apply(double x) const { return value(index(x)); }
};

/// The quantize-dequantize of one value (round half to even, clamp): the
/// value `qnt.fake_quant` computes, with the division x / s done in double
/// instead of f32 (for an f32 scale the two differ only where x / s is within
/// an f32 rounding of a tie). NaN gives NaN.
inline double fakeQuantize(double x, QuantParams params,
                           const QuantizerSpec &spec) {
  if (std::isnan(x))
    return x;
  return QuantGrid(params, spec).apply(x);
}

//===----------------------------------------------------------------------===//
// Error measures (what the searches minimise)
//===----------------------------------------------------------------------===//

/// sum_i (x_i - fakeQuantize(x_i))^2, rounding and clipping error together.
double squaredError(ArrayRef<double> data, QuantParams params,
                    const QuantizerSpec &spec);

/// Histograms of activations: equal-width bins over [min, max]; bin i covers
/// [min + i*w, min + (i+1)*w), w = (max - min) / counts.size(), the last bin
/// includes max. min == max means every count sits at that one value.
struct Histogram {
  double min = 0.0;
  double max = 0.0;
  std::vector<int64_t> counts;

  int64_t total() const;
  double binWidth() const {
    return counts.empty() ? 0.0 : (max - min) / counts.size();
  }
  /// The bin of a finite x, as makeHistogram bins it: floor((x - min) / w)
  /// clamped to [0, bins - 1] (so values outside [min, max] land in the edge
  /// bins); 0 when min == max. The histogram must have a bin.
  int64_t binOf(double x) const {
    double width = binWidth();
    if (!(width > 0.0))
      return 0;
    double b = std::floor((x - min) / width);
    return static_cast<int64_t>(
        std::clamp(b, 0.0, static_cast<double>(counts.size() - 1)));
  }
};

/// The expected squared error of a histogram's values, taken as uniformly
/// distributed within each bin: sum_i count_i / w * integral over bin i of
/// (x - fakeQuantize(x))^2 dx, computed exactly (the integrand is a
/// piecewise quadratic).
double expectedSquaredError(const Histogram &hist, QuantParams params,
                            const QuantizerSpec &spec);

/// The mean over rows of H(softmax(v), softmax(fakeQuantize(v))) =
/// -sum_j p_j log p_hat_j, for row-major logits of `classes` columns.
double meanCrossEntropy(ArrayRef<double> logits, int64_t classes,
                        QuantParams params, const QuantizerSpec &spec);

//===----------------------------------------------------------------------===//
// Weights: the raw data is available
//===----------------------------------------------------------------------===//

enum class RangeMethod { MinMax, Mse };

/// paramsForRange(min(data), max(data)).
std::optional<QuantParams> minMaxParams(ArrayRef<double> data,
                                        const QuantizerSpec &spec);

/// The grid minimising squaredError over clipped ranges (the paper's MSE).
/// With [lo, hi] the data range widened to 0, the candidates are:
/// - symmetric, or asymmetric with lo == 0 or hi == 0 (one-sided data): the
///   ranges f*[lo, hi] (symmetric signed: f*[-m, m], m = max(|lo|, |hi|))
///   for f = 1.00, 0.99, ..., 0.01, then twice refined around the best f:
///   f* +- 10 steps of 0.001, then of 0.0001;
/// - asymmetric two-sided: [a*lo, b*hi] for a, b in {1, 0.95, ..., 0}
///   (not both 0), then refined three times around the best (a, b) with
///   11 x 11 candidates of steps 0.01, 0.002, 0.0004.
/// Each candidate range becomes a grid through paramsForRange, and its error
/// is the exact squaredError of that grid; each distinct grid is scored once,
/// and a score stops early once it exceeds the best so far. Tensors much
/// larger than the grid (n >= 32 * levels) are sorted once (radix sort) and
/// a candidate costs O(levels * log n) through prefix sums; smaller ones
/// cost O(n) per candidate.
std::optional<QuantParams> mseParams(ArrayRef<double> data,
                                     const QuantizerSpec &spec);

/// Per-channel parameters of a row-major tensor of `shape` along `axis`:
/// minMaxParams or mseParams of each channel's elements. nullopt if the
/// shape does not match the data, the axis is out of range, or a channel
/// fails.
std::optional<SmallVector<QuantParams>>
perChannelParams(ArrayRef<double> data, ArrayRef<int64_t> shape, int64_t axis,
                 RangeMethod method, const QuantizerSpec &spec);

//===----------------------------------------------------------------------===//
// Activations: statistics only
//===----------------------------------------------------------------------===//

/// The histogram of `data` with `bins` equal-width bins over [min, max] of
/// the data. Bin of x: floor((x - min) / w), the maximum in the last bin.
/// NaN and infinite values are not counted (and do not widen the range).
/// Empty data gives [0, 0] with zero counts.
Histogram makeHistogram(ArrayRef<double> data, int64_t bins);

/// The histogram over [min(a.min, b.min), max(a.max, b.max)] with `bins`
/// bins holding the counts of both. A source bin's count is spread over the
/// target bins it overlaps in proportion to the overlap (uniform within the
/// bin), rounded so that every count is conserved exactly (the target bin t
/// gets round(c * F(end of t)) - round(c * F(start of t)), F the cumulative
/// overlap fraction). A histogram without counts does not widen the range.
/// Where source and target bins coincide the counts are added exactly;
/// otherwise each merge blurs the shape by up to one bin.
Histogram mergeHistograms(const Histogram &a, const Histogram &b, int64_t bins);

/// The counts of `hist` resampled onto `bins` equal-width bins over
/// [min, max], as mergeHistograms spreads them (proportional to the overlap,
/// every count conserved). [min, max] should contain [hist.min, hist.max];
/// mass outside it goes to the edge bins. A histogram whose range is a
/// single value puts its counts in the bin of that value. This is how a
/// single-pass calibration widens its running histogram when a batch
/// exceeds the range seen so far.
Histogram rebinHistogram(const Histogram &hist, double min, double max,
                         int64_t bins);

/// paramsForRange(hist.min, hist.max).
std::optional<QuantParams> minMaxParams(const Histogram &hist,
                                        const QuantizerSpec &spec);

/// mseParams on a histogram: the same candidates as for raw data over
/// [hist.min, hist.max], scored by expectedSquaredError (exact error of
/// values uniform within each bin, not bin centres).
std::optional<QuantParams> mseParams(const Histogram &hist,
                                     const QuantizerSpec &spec);

/// Percentile ranges, with values uniform within bins (so the quantiles are
/// interpolated, not bin edges). With m = (1 - percentile/100) * count:
/// - asymmetric: [lo, hi] with m counts below lo and m counts above hi
///   (each tail (100 - percentile)%, as AIMET does);
/// - symmetric signed: [-T, T], m counts with |x| > T;
/// - symmetric unsigned: [0, hi], m counts above hi.
/// Each bound is the tightest one (a clipped mass of up to m * (1 + 1e-9)
/// is allowed, for percentiles like 99.9 that are not exact in binary).
/// percentile must lie in [50, 100]; 100 gives min-max.
std::optional<QuantParams> percentileParams(const Histogram &hist,
                                            double percentile,
                                            const QuantizerSpec &spec);

/// The KL-divergence (entropy) calibration of TensorRT, generalised to every
/// grid. The histogram is first resampled onto bins of the same width w
/// aligned to 0 (mass split uniformly; exact when min is a multiple of w).
/// Candidate windows, from the widest: symmetric signed: [-i*w, i*w] on the
/// histogram of |x|; one-sided data: [0, i*w] (or [-i*w, 0]); two-sided
/// asymmetric: [-i*w, i*w] intersected with [min, max]; always with at least
/// as many bins as the grid has cells over the window (2^(b-1) or
/// q_max - q_min + 1), so with more levels than bins only the full range is
/// a candidate. For a window, P is the window's bins with the mass outside
/// added to the edge bins; each bin belongs to the grid cell of its centre
/// (paramsForRange of the window, clamped to [min, max]); Q spreads each
/// cell's in-window mass (without the outliers) evenly over the bins where
/// P is non-zero; a zero Q where P is not is smoothed to 1e-4 counts. One
/// departure from TensorRT: the bins next to 0 keep their own mass in Q, as
/// 0 is exactly representable; otherwise the point mass of ReLU outputs at
/// 0, smeared over the cell of 0, makes the method clip at about a third of
/// the range. The window with the smallest KL(P || Q) (P and Q normalised)
/// wins. KL only sees the shape within the window: spikes away from 0
/// (a clamp's bound) pull it towards narrow windows; prefer MSE there.
std::optional<QuantParams> entropyParams(const Histogram &hist,
                                         const QuantizerSpec &spec);

/// The cross-entropy range of the paper for the logits layer: the grid
/// minimising meanCrossEntropy over row-major logits (rows x classes), with
/// the candidates of mseParams. Cost O(candidates * logits.size()): subsample
/// rows for large calibration sets.
std::optional<QuantParams> crossEntropyParams(ArrayRef<double> logits,
                                              int64_t classes,
                                              const QuantizerSpec &spec);

/// The data-free BN-based range: [min_c(beta_c - a*|gamma_c|),
/// max_c(beta_c + a*|gamma_c|)] (the paper uses a = 6), then mapped through a
/// fused activation clamp [actMin, actMax] if given (infinite bounds
/// allowed): the intersection, or the single clamp value when they are
/// disjoint.
std::optional<QuantParams>
batchNormParams(ArrayRef<double> beta, ArrayRef<double> gamma, double a,
                std::optional<std::pair<double, double>> activation,
                const QuantizerSpec &spec);

/// E[clamp(Y, lo, hi)] for Y ~ N(mean, stddev^2) (`lo`, `hi` may be
/// infinite): the paper's ReLU mean for [0, +inf], the clipped-normal mean
/// for ReLU6. A zero stddev gives clamp(mean, lo, hi).
double clippedNormalMean(double mean, double stddev, double lo, double hi);

} // namespace mlir::qnt

#endif // QUANTOPT_SUPPORT_RANGESETTING_H
