//===- RangeSettingEntropy.cpp - KL-divergence range setting --------------===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// TensorRT's entropy calibration ("8-bit Inference with TensorRT", 2017; the
// MXNet and ONNX Runtime calibrators follow it), generalised from 128 cells
// over |x| to the cells of any grid. See entropyParams in RangeSetting.h.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Support/RangeSetting.h"

#include <limits>

using namespace mlir;
using namespace mlir::qnt;

namespace {

/// The smoothing of MXNet's calibrator: a bin where Q is 0 but P is not
/// gets this many counts in Q instead of an infinite divergence.
constexpr double kSmoothing = 1e-4;

/// KL(P || Q) of one window of bins. mass[j] is the in-window mass of bin j
/// (centre centre0 + j * step); the mass left and right of the window is
/// added to the first and last bin of P. Bins [zeroBegin, zeroEnd), those
/// next to 0, are cells of their own in Q: 0 is exactly representable, and a
/// point mass there (ReLU outputs, zero padding) must not be smeared over
/// the cell of 0, which would make every window whose cell of 0 spans two
/// bins look bad.
double windowDivergence(ArrayRef<double> mass, double centre0, double step,
                        double outLeft, double outRight, size_t zeroBegin,
                        size_t zeroEnd, const QuantGrid &grid,
                        std::vector<double> &q) {
  size_t m = mass.size();
  auto p = [&](size_t j) {
    double v = mass[j];
    if (j == 0)
      v += outLeft;
    if (j + 1 == m)
      v += outRight;
    return v;
  };
  auto nextToZero = [&](size_t j) { return j >= zeroBegin && j < zeroEnd; };
  q.assign(m, 0.0);
  size_t j = 0;
  while (j < m) {
    // Bins [j, k) form one cell of Q.
    size_t k = j + 1;
    if (!nextToZero(j)) {
      int64_t cell = grid.index(centre0 + j * step);
      while (k < m && !nextToZero(k) && grid.index(centre0 + k * step) == cell)
        ++k;
    }
    double inMass = 0.0;
    int64_t nonZero = 0;
    for (size_t t = j; t < k; ++t) {
      inMass += mass[t];
      nonZero += p(t) > 0.0;
    }
    double each = nonZero ? inMass / nonZero : 0.0;
    for (size_t t = j; t < k; ++t)
      q[t] = p(t) > 0.0 ? (each > 0.0 ? each : kSmoothing) : 0.0;
    j = k;
  }
  double sumP = 0.0, sumQ = 0.0;
  for (size_t t = 0; t < m; ++t) {
    sumP += p(t);
    sumQ += q[t];
  }
  double divergence = 0.0;
  for (size_t t = 0; t < m; ++t) {
    double pt = p(t);
    if (pt > 0.0)
      divergence += pt / sumP * std::log((pt / sumP) / (q[t] / sumQ));
  }
  return divergence;
}

} // namespace

std::optional<QuantParams> mlir::qnt::entropyParams(const Histogram &hist,
                                                    const QuantizerSpec &spec) {
  if (!isValidSpec(spec) || hist.counts.empty() || !std::isfinite(hist.min) ||
      !std::isfinite(hist.max) || hist.min > hist.max ||
      llvm::any_of(hist.counts, [](int64_t c) { return c < 0; }) ||
      hist.total() == 0)
    return std::nullopt;
  if (spec.symmetric && !spec.isSigned && hist.min < 0.0)
    return std::nullopt;
  if (hist.min == hist.max)
    return paramsForRange(hist.min, hist.max, spec);

  // Resample onto bins of the source width over the range widened to 0,
  // aligned so that 0 is an edge: bin k covers [k * w, (k + 1) * w).
  int64_t bins = hist.counts.size();
  double lo = std::min(hist.min, 0.0), hi = std::max(hist.max, 0.0);
  double w = (hi - lo) / bins;
  int64_t kLo = static_cast<int64_t>(std::floor(lo / w));
  int64_t kHi = static_cast<int64_t>(std::ceil(hi / w));
  std::vector<double> t(kHi - kLo, 0.0);
  double srcWidth = hist.binWidth();
  for (int64_t j = 0; j < bins; ++j) {
    if (hist.counts[j] == 0)
      continue;
    double u = hist.min + j * srcWidth;
    double v = j + 1 == bins ? hist.max : hist.min + (j + 1) * srcWidth;
    int64_t first = std::max(kLo, static_cast<int64_t>(std::floor(u / w)));
    int64_t last = std::min(kHi - 1, static_cast<int64_t>(std::floor(v / w)));
    for (int64_t k = first; k <= last; ++k) {
      double overlap = std::min(v, (k + 1) * w) - std::max(u, k * w);
      if (overlap > 0.0)
        t[k - kLo] += static_cast<double>(hist.counts[j]) * overlap / (v - u);
    }
  }
  int64_t nNeg = -kLo, nPos = kHi;
  StorageRange range = gridRange(spec);
  int64_t cells = range.max - range.min + 1;

  std::optional<QuantParams> best;
  double bestDivergence = std::numeric_limits<double>::infinity();
  std::vector<double> scratch;
  auto consider = [&](std::optional<QuantParams> params, ArrayRef<double> mass,
                      double centre0, double step, double outLeft,
                      double outRight, size_t zeroBegin, size_t zeroEnd) {
    if (!params)
      return;
    double d =
        windowDivergence(mass, centre0, step, outLeft, outRight, zeroBegin,
                         zeroEnd, QuantGrid(*params, spec), scratch);
    if (d < bestDivergence) {
      bestDivergence = d;
      best = params;
    }
  };

  if (spec.symmetric && spec.isSigned) {
    // Fold onto |x|: bin k of f covers [k * w, (k + 1) * w).
    cells = int64_t(1) << (spec.bits - 1);
    int64_t n = std::max(nNeg, nPos);
    std::vector<double> f(n, 0.0), above(n + 1, 0.0);
    for (int64_t k = 0; k < n; ++k)
      f[k] = (k < nPos ? t[k - kLo] : 0.0) + (k < nNeg ? t[-k - 1 - kLo] : 0.0);
    for (int64_t k = n - 1; k >= 0; --k)
      above[k] = above[k + 1] + f[k];
    double m = std::max(-hist.min, hist.max);
    for (int64_t i = n; i >= std::min(cells, n); --i) {
      double edge = std::min(i * w, m);
      consider(paramsForRange(-edge, edge, spec), ArrayRef(f).take_front(i),
               0.5 * w, w, 0.0, above[i], 0, 1);
    }
    return best;
  }

  if (nNeg == 0 || nPos == 0) {
    // One-sided: bins ordered away from 0.
    bool positive = nNeg == 0;
    int64_t n = positive ? nPos : nNeg;
    std::vector<double> f(n), above(n + 1, 0.0);
    for (int64_t k = 0; k < n; ++k)
      f[k] = positive ? t[k - kLo] : t[-k - 1 - kLo];
    for (int64_t k = n - 1; k >= 0; --k)
      above[k] = above[k + 1] + f[k];
    for (int64_t i = n; i >= std::min(cells, n); --i) {
      std::optional<QuantParams> params =
          positive ? paramsForRange(0.0, std::min(i * w, hist.max), spec)
                   : paramsForRange(std::max(-i * w, hist.min), 0.0, spec);
      consider(params, ArrayRef(f).take_front(i), positive ? 0.5 * w : -0.5 * w,
               positive ? w : -w, 0.0, above[i], 0, 1);
    }
    return best;
  }

  // Two-sided asymmetric: windows [-i * w, i * w] within [min, max].
  std::vector<double> before(t.size() + 1, 0.0);
  for (size_t k = 0; k < t.size(); ++k)
    before[k + 1] = before[k] + t[k];
  int64_t n = std::max(nNeg, nPos);
  for (int64_t i = n; i >= 1; --i) {
    int64_t left = std::min(i, nNeg), right = std::min(i, nPos);
    if (i < n && left + right < cells)
      break;
    // Window bins k in [-left, right), at t indices [nNeg - left, nNeg +
    // right).
    size_t start = nNeg - left, end = nNeg + right;
    consider(paramsForRange(std::max(-i * w, hist.min),
                            std::min(i * w, hist.max), spec),
             ArrayRef(t).slice(start, end - start), (-left + 0.5) * w, w,
             before[start], before.back() - before[end], left - 1, left + 1);
  }
  return best;
}
