//===- RangeSettingSearch.cpp - MSE and cross-entropy range search --------===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The grid search over clipped ranges shared by the MSE methods (raw data
// and histograms) and the cross-entropy method, and the fast exact squared
// error of a grid on sorted data.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Support/RangeSetting.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/bit.h"

#include <limits>
#include <utility>

using namespace mlir;
using namespace mlir::qnt;

namespace {

/// The error of a grid. Given a bound, it may stop early and return any
/// value >= bound once the error is known to reach it: such a value never
/// wins, now or later (the best error only decreases), so it is safe to
/// cache.
using ErrorFn = llvm::function_ref<double(QuantParams, double bound)>;

/// Evaluates candidate ranges through paramsForRange, once per distinct
/// grid, and keeps the first grid with the smallest error.
class CandidateSearch {
public:
  CandidateSearch(const QuantizerSpec &spec, ErrorFn error)
      : spec(spec), error(error) {}

  /// Scores the grid of [lo, hi]; true if it is the new best.
  bool evaluate(double lo, double hi) {
    std::optional<QuantParams> params = paramsForRange(lo, hi, spec);
    if (!params)
      return false;
    auto key = std::make_pair(llvm::bit_cast<uint64_t>(params->scale),
                              params->zeroPoint);
    auto [it, inserted] = cache.try_emplace(key, 0.0);
    if (inserted)
      it->second = error(*params, bestError);
    if (!(it->second < bestError))
      return false;
    bestError = it->second;
    best = params;
    return true;
  }

  std::optional<QuantParams> best;
  double bestError = std::numeric_limits<double>::infinity();

private:
  const QuantizerSpec &spec;
  ErrorFn error;
  llvm::DenseMap<std::pair<uint64_t, int64_t>, double> cache;
};

/// A factor in [0, 1] from a refinement step, or nullopt outside.
std::optional<double> unitFactor(double f) {
  if (f < -1e-12 || f > 1.0 + 1e-12)
    return std::nullopt;
  return std::clamp(f, 0.0, 1.0);
}

/// The search documented at mseParams, over the data range [dataMin,
/// dataMax], scored by `error`.
std::optional<QuantParams> searchClippedRange(double dataMin, double dataMax,
                                              const QuantizerSpec &spec,
                                              ErrorFn error) {
  if (!isValidSpec(spec) || !std::isfinite(dataMin) ||
      !std::isfinite(dataMax) || dataMin > dataMax)
    return std::nullopt;
  double lo = std::min(dataMin, 0.0), hi = std::max(dataMax, 0.0);
  if (spec.symmetric && !spec.isSigned && lo < 0.0)
    return std::nullopt;
  if (lo == hi)
    return paramsForRange(lo, hi, spec);
  CandidateSearch search(spec, error);

  if (spec.symmetric || lo == 0.0 || hi == 0.0) {
    if (spec.symmetric && spec.isSigned) {
      hi = std::max(-lo, hi);
      lo = -hi;
    }
    double bestF = 1.0;
    auto eval = [&](double f) {
      if (search.evaluate(f * lo, f * hi))
        bestF = f;
    };
    for (int i = 100; i >= 1; --i)
      eval(i / 100.0);
    double step = 0.01;
    for (int level = 0; level < 2; ++level) {
      double centre = bestF, fine = step / 10.0;
      for (int j = 10; j >= -10; --j)
        if (std::optional<double> f = unitFactor(centre + j * fine);
            f && *f > 0.0)
          eval(*f);
      step = fine;
    }
    return search.best;
  }

  // Two-sided asymmetric: [a * lo, b * hi], coarse grid then refinements.
  double bestA = 1.0, bestB = 1.0;
  auto eval = [&](double a, double b) {
    if (a == 0.0 && b == 0.0)
      return;
    if (search.evaluate(a * lo, b * hi)) {
      bestA = a;
      bestB = b;
    }
  };
  for (int ia = 20; ia >= 0; --ia)
    for (int ib = 20; ib >= 0; --ib)
      eval(ia / 20.0, ib / 20.0);
  double step = 0.05;
  for (int level = 0; level < 3; ++level) {
    double centreA = bestA, centreB = bestB, fine = step / 5.0;
    for (int ja = 5; ja >= -5; --ja) {
      std::optional<double> a = unitFactor(centreA + ja * fine);
      if (!a)
        continue;
      for (int jb = 5; jb >= -5; --jb)
        if (std::optional<double> b = unitFactor(centreB + jb * fine))
          eval(*a, *b);
    }
    step = fine;
  }
  return search.best;
}

/// Sorts finite doubles: std::sort for small inputs, else an LSD radix sort
/// on order-preserving integer keys, 11 bits per pass, skipping the passes
/// whose digit is the same for every key (for data that was f32, the low
/// 29 mantissa bits are zero, so two of the six passes).
void sortValues(std::vector<double> &values) {
  size_t n = values.size();
  if (n < 4096) {
    std::sort(values.begin(), values.end());
    return;
  }
  constexpr uint64_t kSign = uint64_t(1) << 63;
  constexpr int kDigitBits = 11;
  constexpr size_t kBuckets = size_t(1) << kDigitBits;
  std::vector<uint64_t> keys(n), scratch(n);
  for (size_t i = 0; i < n; ++i) {
    uint64_t bits = llvm::bit_cast<uint64_t>(values[i]);
    keys[i] = (bits & kSign) ? ~bits : (bits | kSign);
  }
  std::vector<size_t> offsets(kBuckets);
  for (int shift = 0; shift < 64; shift += kDigitBits) {
    std::fill(offsets.begin(), offsets.end(), 0);
    for (uint64_t key : keys)
      ++offsets[(key >> shift) & (kBuckets - 1)];
    if (*std::max_element(offsets.begin(), offsets.end()) == n)
      continue;
    size_t sum = 0;
    for (size_t &offset : offsets)
      sum += std::exchange(offset, sum);
    for (uint64_t key : keys)
      scratch[offsets[(key >> shift) & (kBuckets - 1)]++] = key;
    keys.swap(scratch);
  }
  for (size_t i = 0; i < n; ++i) {
    uint64_t key = keys[i];
    values[i] = llvm::bit_cast<double>((key & kSign) ? (key & ~kSign) : ~key);
  }
}

/// Data sorted once, with prefix sums of x and x^2 every kBlock elements, so
/// that the squared error of a grid costs O(cells * log n) instead of O(n).
class SortedSamples {
public:
  explicit SortedSamples(ArrayRef<double> data)
      : values(data.begin(), data.end()) {
    sortValues(values);
    size_t blocks = values.size() / kBlock + 1;
    sum1.assign(blocks, 0.0L);
    sum2.assign(blocks, 0.0L);
    long double s1 = 0.0L, s2 = 0.0L;
    for (size_t i = 0; i < values.size(); ++i) {
      if (i % kBlock == 0) {
        sum1[i / kBlock] = s1;
        sum2[i / kBlock] = s2;
      }
      s1 += values[i];
      s2 += static_cast<long double>(values[i]) * values[i];
    }
    if (values.size() % kBlock == 0) {
      sum1.back() = s1;
      sum2.back() = s2;
    }
  }

  /// squaredError of the grid: each run of values with one grid index k
  /// (found by galloping, with the very index function of fakeQuantize)
  /// contributes sum (x - y_k)^2 = S2 - 2 y_k S1 + n y_k^2, clipped values
  /// included (they map to q_min or q_max). Stops once `bound` is reached.
  double squaredError(const QuantGrid &grid, double bound) const {
    size_t n = values.size();
    long double total = 0.0L;
    size_t i = 0;
    while (i < n) {
      int64_t k = grid.index(values[i]);
      size_t end = k == grid.qmax ? n : runEnd(grid, i, k);
      double y = grid.value(k);
      if (end - i <= 2 * kBlock) {
        for (size_t t = i; t < end; ++t) {
          double d = values[t] - y;
          total += d * d;
        }
      } else {
        long double a1, a2, b1, b2;
        prefix(i, a1, a2);
        prefix(end, b1, b2);
        long double s1 = b1 - a1, s2 = b2 - a2, yl = y;
        long double run = s2 - 2.0L * yl * s1 + (end - i) * yl * yl;
        total += std::max(run, 0.0L);
      }
      if (total >= bound)
        break;
      i = end;
    }
    return static_cast<double>(total);
  }

private:
  static constexpr size_t kBlock = 16;
  std::vector<double> values;
  std::vector<long double> sum1, sum2;

  /// Sums of x and x^2 over values[0, i).
  void prefix(size_t i, long double &s1, long double &s2) const {
    size_t block = i / kBlock;
    s1 = sum1[block];
    s2 = sum2[block];
    for (size_t t = block * kBlock; t < i; ++t) {
      s1 += values[t];
      s2 += static_cast<long double>(values[t]) * values[t];
    }
  }

  /// The first index after `start` whose grid index exceeds k (values[start]
  /// has index k): exponential probing, then bisection.
  size_t runEnd(const QuantGrid &grid, size_t start, int64_t k) const {
    size_t n = values.size();
    size_t lo = start + 1, hi = n, step = 1;
    while (true) {
      size_t probe = start + step;
      if (probe >= n)
        break;
      if (grid.index(values[probe]) > k) {
        hi = probe;
        break;
      }
      lo = probe + 1;
      step *= 2;
    }
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (grid.index(values[mid]) <= k)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo;
  }
};

/// squaredError in O(n), stopping once `bound` is reached (checked every
/// 256 values).
double boundedSquaredError(ArrayRef<double> data, const QuantGrid &grid,
                           double bound) {
  double total = 0.0;
  constexpr size_t kChunk = 256;
  for (size_t start = 0; start < data.size(); start += kChunk) {
    size_t end = std::min(data.size(), start + kChunk);
    double sums[4] = {0.0, 0.0, 0.0, 0.0};
    size_t i = start;
    for (; i + 4 <= end; i += 4)
      for (size_t lane = 0; lane < 4; ++lane) {
        double d = data[i + lane] - grid.apply(data[i + lane]);
        sums[lane] += d * d;
      }
    for (; i < end; ++i) {
      double d = data[i] - grid.apply(data[i]);
      sums[0] += d * d;
    }
    total += (sums[0] + sums[1]) + (sums[2] + sums[3]);
    if (total >= bound)
      break;
  }
  return total;
}

/// Values of min and max; false if the data is empty or not finite.
bool finiteRange(ArrayRef<double> data, double &lo, double &hi) {
  if (data.empty())
    return false;
  lo = hi = data.front();
  for (double x : data) {
    if (!std::isfinite(x))
      return false;
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  return true;
}

} // namespace

std::optional<QuantParams> mlir::qnt::mseParams(ArrayRef<double> data,
                                                const QuantizerSpec &spec) {
  double lo, hi;
  if (!isValidSpec(spec) || !finiteRange(data, lo, hi))
    return std::nullopt;
  StorageRange range = gridRange(spec);
  int64_t levels = range.max - range.min + 1;
  if (static_cast<int64_t>(data.size()) < 32 * levels) {
    return searchClippedRange(
        lo, hi, spec, [&](QuantParams params, double bound) {
          return boundedSquaredError(data, QuantGrid(params, spec), bound);
        });
  }
  SortedSamples sorted(data);
  return searchClippedRange(
      lo, hi, spec, [&](QuantParams params, double bound) {
        return sorted.squaredError(QuantGrid(params, spec), bound);
      });
}

std::optional<QuantParams> mlir::qnt::mseParams(const Histogram &hist,
                                                const QuantizerSpec &spec) {
  // expectedSquaredError is NaN for an invalid histogram: no candidate wins.
  if (hist.counts.empty() || hist.total() <= 0)
    return std::nullopt;
  return searchClippedRange(hist.min, hist.max, spec,
                            [&](QuantParams params, double) {
                              return expectedSquaredError(hist, params, spec);
                            });
}

//===----------------------------------------------------------------------===//
// Cross-entropy
//===----------------------------------------------------------------------===//

namespace {
/// Row-major logits with the softmax of each row precomputed.
struct LogitRows {
  ArrayRef<double> logits;
  int64_t classes;
  std::vector<double> probs;

  LogitRows(ArrayRef<double> logits, int64_t classes)
      : logits(logits), classes(classes), probs(logits.size()) {
    for (size_t row = 0; row < logits.size(); row += classes) {
      double m = *std::max_element(&logits[row], &logits[row] + classes);
      double sum = 0.0;
      for (int64_t j = 0; j < classes; ++j)
        sum += probs[row + j] = std::exp(logits[row + j] - m);
      for (int64_t j = 0; j < classes; ++j)
        probs[row + j] /= sum;
    }
  }

  /// Mean over rows of H(p, softmax(q)) = logsumexp(q) - sum_j p_j q_j.
  double meanCrossEntropy(const QuantGrid &grid) const {
    std::vector<double> q(classes);
    double total = 0.0;
    for (size_t row = 0; row < logits.size(); row += classes) {
      double m = -std::numeric_limits<double>::infinity(), dot = 0.0;
      for (int64_t j = 0; j < classes; ++j) {
        q[j] = grid.apply(logits[row + j]);
        m = std::max(m, q[j]);
        dot += probs[row + j] * q[j];
      }
      double sum = 0.0;
      for (int64_t j = 0; j < classes; ++j)
        sum += std::exp(q[j] - m);
      total += m + std::log(sum) - dot;
    }
    return total / static_cast<double>(logits.size() / classes);
  }
};

bool validLogits(ArrayRef<double> logits, int64_t classes) {
  return classes >= 1 && !logits.empty() &&
         logits.size() % static_cast<size_t>(classes) == 0 &&
         llvm::all_of(logits, [](double x) { return std::isfinite(x); });
}
} // namespace

double mlir::qnt::meanCrossEntropy(ArrayRef<double> logits, int64_t classes,
                                   QuantParams params,
                                   const QuantizerSpec &spec) {
  if (!validLogits(logits, classes))
    return std::numeric_limits<double>::quiet_NaN();
  return LogitRows(logits, classes).meanCrossEntropy(QuantGrid(params, spec));
}

std::optional<QuantParams>
mlir::qnt::crossEntropyParams(ArrayRef<double> logits, int64_t classes,
                              const QuantizerSpec &spec) {
  if (!isValidSpec(spec) || !validLogits(logits, classes))
    return std::nullopt;
  LogitRows rows(logits, classes);
  auto [lo, hi] = std::minmax_element(logits.begin(), logits.end());
  return searchClippedRange(*lo, *hi, spec, [&](QuantParams params, double) {
    return rows.meanCrossEntropy(QuantGrid(params, spec));
  });
}
