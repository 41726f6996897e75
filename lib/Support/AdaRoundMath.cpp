//===- AdaRoundMath.cpp - numerics for AdaRound ---------------------------===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Support/AdaRoundMath.h"

#include "llvm/Support/MathExtras.h"

#include <cassert>
#include <cblas.h>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qnt;

//===----------------------------------------------------------------------===//
// GEMM
//===----------------------------------------------------------------------===//

static blasint toBlasInt(int64_t x) {
  assert(x >= 0 && x <= std::numeric_limits<blasint>::max() &&
         "GEMM size does not fit OpenBLAS's integer");
  return static_cast<blasint>(x);
}

void mlir::qnt::gemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k,
                     float alpha, const float *a, int64_t lda, const float *b,
                     int64_t ldb, float beta, float *c, int64_t ldc) {
  if (m == 0 || n == 0)
    return;
  cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
              transB ? CblasTrans : CblasNoTrans, toBlasInt(m), toBlasInt(n),
              toBlasInt(k), alpha, a, toBlasInt(lda), b, toBlasInt(ldb), beta,
              c, toBlasInt(ldc));
}

void mlir::qnt::gemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k,
                     double alpha, const double *a, int64_t lda,
                     const double *b, int64_t ldb, double beta, double *c,
                     int64_t ldc) {
  if (m == 0 || n == 0)
    return;
  cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
              transB ? CblasTrans : CblasNoTrans, toBlasInt(m), toBlasInt(n),
              toBlasInt(k), alpha, a, toBlasInt(lda), b, toBlasInt(ldb), beta,
              c, toBlasInt(ldc));
}

int mlir::qnt::gemmThreads() { return openblas_get_num_threads(); }

void mlir::qnt::setGemmThreads(int threads) {
  openblas_set_num_threads(std::max(threads, 1));
}

//===----------------------------------------------------------------------===//
// Rectified sigmoid
//===----------------------------------------------------------------------===//

/// sigmoid without overflow for large |v|.
static double sigmoid(double v) {
  if (v >= 0.0)
    return 1.0 / (1.0 + std::exp(-v));
  double e = std::exp(v);
  return e / (1.0 + e);
}

/// h(V) and dh/dV from one sigmoid.
static std::pair<double, double> rectifiedSigmoidAndGrad(double v) {
  // The clamp is active for |V| >= log((zeta - gamma) / -gamma - 1) = log 11
  // (2.3979): without the sigmoid there, as AdaRound's V mostly are once the
  // regulariser has settled them. 2.4 leaves a margin of 2e-4 in h.
  constexpr double kSaturated = 2.4;
  static_assert(kAdaRoundZeta == 1.1 && kAdaRoundGamma == -0.1,
                "kSaturated assumes zeta 1.1, gamma -0.1");
  if (v >= kSaturated)
    return {1.0, 0.0};
  if (v <= -kSaturated)
    return {0.0, 0.0};
  double s = sigmoid(v);
  double stretched = s * (kAdaRoundZeta - kAdaRoundGamma) + kAdaRoundGamma;
  double grad = stretched <= 0.0 || stretched >= 1.0
                    ? 0.0
                    : s * (1.0 - s) * (kAdaRoundZeta - kAdaRoundGamma);
  return {std::clamp(stretched, 0.0, 1.0), grad};
}

double mlir::qnt::rectifiedSigmoid(double v) {
  return rectifiedSigmoidAndGrad(v).first;
}

double mlir::qnt::rectifiedSigmoidGrad(double v) {
  return rectifiedSigmoidAndGrad(v).second;
}

double mlir::qnt::rectifiedSigmoidInverse(double h) {
  h = std::clamp(h, 0.0, 1.0);
  return -std::log((kAdaRoundZeta - kAdaRoundGamma) / (h - kAdaRoundGamma) -
                   1.0);
}

void mlir::qnt::rectifiedSigmoid(ArrayRef<float> v, MutableArrayRef<float> h,
                                 MutableArrayRef<float> grad) {
  assert(h.size() == v.size() && (grad.empty() || grad.size() == v.size()));
  for (size_t i = 0; i < v.size(); ++i) {
    auto [value, derivative] = rectifiedSigmoidAndGrad(v[i]);
    h[i] = static_cast<float>(value);
    if (!grad.empty())
      grad[i] = static_cast<float>(derivative);
  }
}

//===----------------------------------------------------------------------===//
// Rounding regulariser
//===----------------------------------------------------------------------===//

double mlir::qnt::roundingRegularizer(ArrayRef<float> h, double beta) {
  double sum = 0.0;
  for (float x : h)
    sum += 1.0 - std::pow(std::abs(2.0 * x - 1.0), beta);
  return sum;
}

float mlir::qnt::roundingRegularizerGrad(float h, double beta) {
  double d = 2.0 * h - 1.0;
  double sign = d > 0.0 ? 1.0 : (d < 0.0 ? -1.0 : 0.0);
  return static_cast<float>(-2.0 * beta * std::pow(std::abs(d), beta - 1.0) *
                            sign);
}

void mlir::qnt::roundingRegularizerGrad(ArrayRef<float> h, double beta,
                                        MutableArrayRef<float> grad) {
  assert(grad.size() == h.size());
  for (size_t i = 0; i < h.size(); ++i)
    grad[i] = roundingRegularizerGrad(h[i], beta);
}

/// The progress in [0, 1] after the warm start, or a negative value during
/// it.
static double progressAfterWarmStart(int64_t iteration, int64_t iterations,
                                     double warmStart) {
  double t = iterations > 0 ? static_cast<double>(iteration) / iterations : 1;
  if (t < warmStart)
    return -1.0;
  return warmStart >= 1.0
             ? 1.0
             : std::clamp((t - warmStart) / (1.0 - warmStart), 0.0, 1.0);
}

double mlir::qnt::annealedBeta(int64_t iteration, int64_t iterations,
                               BetaDecay decay, double warmStart, double start,
                               double end) {
  double t = progressAfterWarmStart(iteration, iterations, warmStart);
  if (t < 0.0)
    return start;
  if (decay == BetaDecay::Linear)
    return start - (start - end) * t;
  return end + (start - end) * 0.5 * (1.0 + std::cos(llvm::numbers::pi * t));
}

bool mlir::qnt::regularizerActive(int64_t iteration, int64_t iterations,
                                  double warmStart) {
  return progressAfterWarmStart(iteration, iterations, warmStart) >= 0.0;
}

//===----------------------------------------------------------------------===//
// Soft and hard rounding
//===----------------------------------------------------------------------===//

/// The params of element i.
static QuantParams paramsOf(ArrayRef<QuantParams> params, int64_t rowSize,
                            size_t i) {
  assert(!params.empty() && rowSize > 0);
  return params.size() == 1 ? params.front() : params[i / rowSize];
}

void mlir::qnt::adaRoundInitialize(ArrayRef<float> weights, int64_t rowSize,
                                   ArrayRef<QuantParams> params,
                                   MutableArrayRef<float> v) {
  assert(v.size() == weights.size());
  for (size_t i = 0; i < weights.size(); ++i) {
    double x = weights[i] / paramsOf(params, rowSize, i).scale;
    v[i] = static_cast<float>(rectifiedSigmoidInverse(x - std::floor(x)));
  }
}

void mlir::qnt::adaRoundSoftWeights(
    ArrayRef<float> weights, int64_t rowSize, ArrayRef<QuantParams> params,
    const QuantizerSpec &spec, ArrayRef<float> v,
    MutableArrayRef<float> softWeights, MutableArrayRef<float> dWdV,
    MutableArrayRef<float> h, MutableArrayRef<float> dhdV) {
  assert(v.size() == weights.size() && softWeights.size() == weights.size() &&
         (dWdV.empty() || dWdV.size() == weights.size()) &&
         h.size() == dhdV.size() && (h.empty() || h.size() == weights.size()) &&
         weights.size() % rowSize == 0);
  StorageRange range = gridRange(spec);
  // Row by row: one QuantParams lookup per row, not a division per weight.
  for (size_t row = 0; row * rowSize < weights.size(); ++row) {
    QuantParams p = paramsOf(params, rowSize, row * rowSize);
    for (size_t i = row * rowSize, e = i + rowSize; i < e; ++i) {
      auto [value, derivative] = rectifiedSigmoidAndGrad(v[i]);
      double q = std::floor(weights[i] / p.scale) + value +
                 static_cast<double>(p.zeroPoint);
      double clamped = std::clamp(q, double(range.min), double(range.max));
      softWeights[i] = static_cast<float>(
          (clamped - static_cast<double>(p.zeroPoint)) * p.scale);
      if (!dWdV.empty())
        dWdV[i] =
            q == clamped ? static_cast<float>(p.scale * derivative) : 0.0f;
      if (!h.empty()) {
        h[i] = static_cast<float>(value);
        dhdV[i] = static_cast<float>(derivative);
      }
    }
  }
}

void mlir::qnt::adaRoundHardWeights(ArrayRef<float> weights, int64_t rowSize,
                                    ArrayRef<QuantParams> params,
                                    const QuantizerSpec &spec,
                                    ArrayRef<float> v,
                                    MutableArrayRef<int64_t> quantized,
                                    MutableArrayRef<float> dequantized) {
  assert(v.size() == weights.size() && quantized.size() == weights.size() &&
         dequantized.size() == weights.size());
  StorageRange range = gridRange(spec);
  for (size_t i = 0; i < weights.size(); ++i) {
    QuantParams p = paramsOf(params, rowSize, i);
    double q = std::floor(weights[i] / p.scale) + (v[i] >= 0.0f ? 1.0 : 0.0) +
               static_cast<double>(p.zeroPoint);
    q = std::clamp(q, double(range.min), double(range.max));
    quantized[i] = static_cast<int64_t>(q);
    dequantized[i] =
        static_cast<float>((q - static_cast<double>(p.zeroPoint)) * p.scale);
  }
}

//===----------------------------------------------------------------------===//
// Gram matrices
//===----------------------------------------------------------------------===//

/// gram += X^T X for X (p x k, row-major), through BLAS.
static void addGram(ArrayRef<double> patches, int64_t p, int64_t k,
                    double *gram) {
  if (p == 0)
    return;
  gemm(/*transA=*/true, /*transB=*/false, k, k, p, 1.0, patches.data(), k,
       patches.data(), k, 1.0, gram, k);
}

void mlir::qnt::extractConvPatches(const float *input,
                                   const ConvGeometry &geometry, int64_t group,
                                   ArrayRef<int64_t> positions,
                                   MutableArrayRef<double> patches) {
  const ConvGeometry &g = geometry;
  int64_t cg = g.channels / g.groups;
  int64_t k = g.patchSize();
  int64_t p = static_cast<int64_t>(positions.size());
  assert(static_cast<int64_t>(patches.size()) == p * k);
  for (int64_t i = 0; i < p; ++i) {
    int64_t oy = positions[i] / g.outW, ox = positions[i] % g.outW;
    double *patch = patches.data() + i * k;
    for (int64_t c = 0; c < cg; ++c) {
      const float *plane = input + (group * cg + c) * g.height * g.width;
      for (int64_t ky = 0; ky < g.kernelH; ++ky) {
        int64_t y = oy * g.strideH + ky * g.dilationH - g.padTop;
        for (int64_t kx = 0; kx < g.kernelW; ++kx) {
          int64_t x = ox * g.strideW + kx * g.dilationW - g.padLeft;
          bool inside = y >= 0 && y < g.height && x >= 0 && x < g.width;
          patch[(c * g.kernelH + ky) * g.kernelW + kx] =
              inside ? plane[y * g.width + x] : 0.0;
        }
      }
    }
  }
}

void mlir::qnt::extractRowPatches(const float *data,
                                  ArrayRef<int64_t> rowOffsets, int64_t k,
                                  int64_t colStride,
                                  MutableArrayRef<double> patches) {
  int64_t p = static_cast<int64_t>(rowOffsets.size());
  assert(static_cast<int64_t>(patches.size()) == p * k);
  for (int64_t i = 0; i < p; ++i)
    for (int64_t j = 0; j < k; ++j)
      patches[i * k + j] = data[rowOffsets[i] + j * colStride];
}

void mlir::qnt::accumulateConvGram(const float *input,
                                   const ConvGeometry &geometry,
                                   ArrayRef<int64_t> positions,
                                   MutableArrayRef<double> gram) {
  int64_t k = geometry.patchSize();
  int64_t p = static_cast<int64_t>(positions.size());
  assert(static_cast<int64_t>(gram.size()) == geometry.groups * k * k);
  std::vector<double> patches(p * k);
  for (int64_t group = 0; group < geometry.groups; ++group) {
    extractConvPatches(input, geometry, group, positions, patches);
    addGram(patches, p, k, gram.data() + group * k * k);
  }
}

void mlir::qnt::accumulateRowGram(const float *data,
                                  ArrayRef<int64_t> rowOffsets, int64_t k,
                                  int64_t colStride,
                                  MutableArrayRef<double> gram) {
  assert(static_cast<int64_t>(gram.size()) == k * k);
  int64_t p = static_cast<int64_t>(rowOffsets.size());
  std::vector<double> patches(p * k);
  extractRowPatches(data, rowOffsets, k, colStride, patches);
  addGram(patches, p, k, gram.data());
}

double mlir::qnt::gramReconstructionError(ArrayRef<float> d, int64_t rows,
                                          int64_t k, ArrayRef<float> gram,
                                          MutableArrayRef<float> dg) {
  assert(static_cast<int64_t>(d.size()) == rows * k &&
         static_cast<int64_t>(gram.size()) == k * k &&
         (dg.empty() || static_cast<int64_t>(dg.size()) == rows * k));
  std::vector<float> local;
  if (dg.empty()) {
    local.resize(rows * k);
    dg = local;
  }
  if (rows * k * k <= 4096) {
    // Small products (depthwise convolutions): BLAS's call overhead would
    // dominate.
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < k; ++j) {
        float sum = 0.0f;
        for (int64_t l = 0; l < k; ++l)
          sum += d[r * k + l] * gram[l * k + j];
        dg[r * k + j] = sum;
      }
  } else {
    gemm(false, false, rows, k, k, 1.0f, d.data(), k, gram.data(), k, 0.0f,
         dg.data(), k);
  }
  double error = 0.0;
  for (int64_t i = 0; i < rows * k; ++i)
    error += static_cast<double>(d[i]) * static_cast<double>(dg[i]);
  return error;
}

double ReconstructionLoss::evaluate(ArrayRef<float> d,
                                    MutableArrayRef<float> grad) const {
  assert(static_cast<int64_t>(d.size()) == rows * k &&
         (grad.empty() || static_cast<int64_t>(grad.size()) == rows * k));
  if (!direct) {
    std::vector<float> local;
    MutableArrayRef<float> dg = grad;
    if (dg.empty()) {
      local.resize(rows * k);
      dg = local;
    }
    // tr(D A D^T), with dg = D A.
    double error = gramReconstructionError(d, rows, k, gram, dg);
    if (!cross.empty())
      for (int64_t i = 0; i < rows * k; ++i)
        error += 2.0 * static_cast<double>(d[i]) * cross[i];
    error += constant;
    if (!grad.empty())
      for (int64_t i = 0; i < rows * k; ++i)
        grad[i] = 2.0f * (dg[i] + (cross.empty() ? 0.0f : cross[i]));
    return error;
  }
  // E^T = X^T D^T + R^T (P x rows, both scaled by 1 / sqrt(P)).
  std::vector<float> e(samples * rows);
  if (!residual.empty())
    std::copy(residual.begin(), residual.end(), e.begin());
  gemm(false, true, samples, rows, k, 1.0f, patches.data(), k, d.data(), k,
       residual.empty() ? 0.0f : 1.0f, e.data(), rows);
  double error = 0.0;
  for (float x : e)
    error += static_cast<double>(x) * x;
  // dE/dD = 2 E X^T: (rows x P) (P x k).
  if (!grad.empty())
    gemm(true, false, rows, k, samples, 2.0f, e.data(), rows, patches.data(), k,
         0.0f, grad.data(), k);
  return error;
}

//===----------------------------------------------------------------------===//
// Adam
//===----------------------------------------------------------------------===//

template <typename T>
Adam<T>::Adam(size_t size, AdamOptions options)
    : options(options), m(size, 0.0), v(size, 0.0) {}

template <typename T>
void Adam<T>::step(MutableArrayRef<T> params, ArrayRef<T> grads) {
  assert(params.size() == m.size() && grads.size() == m.size());
  ++t;
  double correction1 = 1.0 - std::pow(options.beta1, static_cast<double>(t));
  double correction2 = 1.0 - std::pow(options.beta2, static_cast<double>(t));
  // Locals: the stores to m and v could otherwise alias the options.
  const double beta1 = options.beta1, beta2 = options.beta2;
  const double rate = options.learningRate, epsilon = options.epsilon;
  for (size_t i = 0; i < m.size(); ++i) {
    double g = grads[i];
    double mi = beta1 * m[i] + (1.0 - beta1) * g;
    // A first moment that has decayed below the normal doubles (its gradient
    // 0 for a few thousand steps: h(V) settled) is flushed to 0, as its
    // denormal arithmetic is many times slower. No step changes: the update
    // it would make, below 1e-305 / epsilon, is lost in params' rounding,
    // and any nonzero gradient of T outweighs it by more than a double's
    // precision.
    if (std::abs(mi) < std::numeric_limits<double>::min())
      mi = 0.0;
    m[i] = mi;
    v[i] = beta2 * v[i] + (1.0 - beta2) * g * g;
    double mHat = mi / correction1;
    double vHat = v[i] / correction2;
    params[i] =
        static_cast<T>(params[i] - rate * mHat / (std::sqrt(vHat) + epsilon));
  }
}

template class mlir::qnt::Adam<float>;
template class mlir::qnt::Adam<double>;
