//===- AdaRoundLayer.cpp - one layer of qnt-adaround ------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The statistics of one layer and its reconstruction losses
// (AdaRoundLayer.h).
//
//===----------------------------------------------------------------------===//

#include "AdaRoundLayer.h"

#include <cmath>
#include <numeric>

using namespace mlir;
using namespace mlir::qnt;
using quantopt::ElementKind;
using quantopt::HostArray;

/// `count` distinct indices of [0, n) (all if count is 0 or >= n), random.
static void samplePositions(int64_t n, int64_t count, std::mt19937_64 &rng,
                            std::vector<int64_t> &out) {
  out.resize(n);
  std::iota(out.begin(), out.end(), 0);
  if (count <= 0 || count >= n)
    return;
  for (int64_t i = 0; i < count; ++i) {
    std::uniform_int_distribution<int64_t> pick(i, n - 1);
    std::swap(out[i], out[pick(rng)]);
  }
  out.resize(count);
  std::sort(out.begin(), out.end());
}

int64_t AdaRoundLayer::positionsInSample() const {
  if (isa<Conv2DOp>(op))
    return conv.outH * conv.outW;
  // matmul: rank 2, one row per sample; else the rows of every block.
  if (lhsShape.size() == 1)
    return 1;
  int64_t elements = 1;
  for (int64_t d : lhsShape)
    elements *= d;
  return elements / patch;
}

void AdaRoundLayer::plan(int64_t numSamples, int64_t positionsPerSample,
                         bool quantized) {
  int64_t n = positionsInSample();
  perSample = positionsPerSample <= 0 || positionsPerSample >= n
                  ? n
                  : positionsPerSample;
  samples = numSamples * perSample;
  quantizedInputs = quantized;
  direct = 2 * samples < patch;
  int64_t k = patch, rows = rowsPerGroup();
  if (direct)
    patches.assign(groups * samples * k, 0.0f);
  else
    gram.assign(groups * k * k, 0.0);
  if (quantized) {
    positions.assign(samples, 0);
    target.assign(samples * outputs, 0.0f);
    if (!direct)
      cross.assign(groups * k * rows, 0.0);
    targetNorm.assign(groups, 0.0);
  }
  filled = 0;
}

void AdaRoundLayer::extract(const float *sample, ArrayRef<int64_t> where,
                            int64_t group, MutableArrayRef<double> out) const {
  if (isa<Conv2DOp>(op)) {
    extractConvPatches(sample, conv, group, where, out);
    return;
  }
  if (lhsShape.size() == 1) {
    extractRowPatches(sample, {0}, patch, 1, out);
    return;
  }
  int64_t rank = static_cast<int64_t>(lhsShape.size());
  int64_t a = lhsShape[rank - 2], b = lhsShape[rank - 1];
  int64_t m = transposeLhs ? b : a;
  int64_t rowStride = transposeLhs ? 1 : b;
  int64_t colStride = transposeLhs ? b : 1;
  SmallVector<int64_t> offsets;
  for (int64_t i : where)
    offsets.push_back(i / m * a * b + i % m * rowStride);
  extractRowPatches(sample, offsets, patch, colStride, out);
}

LogicalResult AdaRoundLayer::checkInput(const HostArray &input,
                                        const ObservedBatch &batch) const {
  int64_t elements = 1;
  if (isa<Conv2DOp>(op))
    elements = conv.channels * conv.height * conv.width;
  else
    for (int64_t d : lhsShape)
      elements *= d;
  if (input.kind != ElementKind::F32 || input.shape.empty() ||
      input.shape[0] != batch.batch ||
      input.numElements() != batch.batch * elements) {
    op->emitError() << "qnt-adaround: the input of this layer is not "
                       "an f32 tensor with the sample dim first";
    return failure();
  }
  if (filled + batch.rows * perSample > samples) {
    op->emitError() << "qnt-adaround: more samples than planned";
    return failure();
  }
  return success();
}

void AdaRoundLayer::addPatches(ArrayRef<double> x, int64_t group, int64_t first,
                               int64_t count) {
  int64_t k = patch;
  if (direct) {
    float *out = patches.data() + (group * samples + first) * k;
    for (int64_t i = 0; i < count * k; ++i)
      out[i] = static_cast<float>(x[i]);
    return;
  }
  gemm(/*transA=*/true, /*transB=*/false, k, k, count, 1.0, x.data(), k,
       x.data(), k, 1.0, gram.data() + group * k * k, k);
}

LogicalResult AdaRoundLayer::observeFloat(const HostArray &input,
                                          const ObservedBatch &batch,
                                          std::mt19937_64 &rng) {
  if (failed(checkInput(input, batch)))
    return failure();
  const float *data = input.data<float>();
  int64_t perSampleElements = input.numElements() / batch.batch;
  int64_t k = patch, rows = rowsPerGroup();
  std::vector<int64_t> where;
  std::vector<double> x(perSample * k), w, t;
  if (quantizedInputs) {
    w.resize(outputs * k);
    std::copy(weights.begin(), weights.end(), w.begin());
    t.resize(perSample * rows);
  }
  for (int64_t r = 0; r < batch.rows; ++r) {
    samplePositions(positionsInSample(), perSample, rng, where);
    int64_t first = filled + r * perSample;
    const float *sample = data + r * perSampleElements;
    for (int64_t g = 0; g < groups; ++g) {
      extract(sample, where, g, x);
      if (!quantizedInputs) {
        addPatches(x, g, first, perSample);
        continue;
      }
      // The target: the float layer's output W Y at these positions.
      gemm(false, true, perSample, rows, k, 1.0, x.data(), k,
           w.data() + g * rows * k, k, 0.0, t.data(), rows);
      for (int64_t i = 0; i < perSample; ++i)
        for (int64_t j = 0; j < rows; ++j)
          target[(first + i) * outputs + g * rows + j] =
              static_cast<float>(t[i * rows + j]);
    }
    if (quantizedInputs)
      std::copy(where.begin(), where.end(), positions.begin() + first);
  }
  filled += batch.rows * perSample;
  return success();
}

LogicalResult AdaRoundLayer::observeQuantized(const HostArray &input,
                                              const ObservedBatch &batch) {
  if (failed(checkInput(input, batch)))
    return failure();
  const float *data = input.data<float>();
  int64_t perSampleElements = input.numElements() / batch.batch;
  int64_t k = patch, rows = rowsPerGroup();
  std::vector<double> x(perSample * k), t(perSample * rows);
  for (int64_t r = 0; r < batch.rows; ++r) {
    int64_t first = filled + r * perSample;
    ArrayRef<int64_t> where(positions.data() + first, perSample);
    const float *sample = data + r * perSampleElements;
    for (int64_t g = 0; g < groups; ++g) {
      extract(sample, where, g, x);
      addPatches(x, g, first, perSample);
      double norm = 0.0;
      for (int64_t i = 0; i < perSample; ++i)
        for (int64_t j = 0; j < rows; ++j) {
          double v = target[(first + i) * outputs + g * rows + j];
          t[i * rows + j] = v;
          norm += v * v;
        }
      targetNorm[g] += norm;
      // X T^T (K x rows).
      if (!direct)
        gemm(true, false, k, rows, perSample, 1.0, x.data(), k, t.data(), rows,
             1.0, cross.data() + g * k * rows, rows);
    }
  }
  filled += batch.rows * perSample;
  return success();
}

LogicalResult AdaRoundLayer::finish() {
  auto finite = [](ArrayRef<double> values) {
    return llvm::all_of(values, [](double v) { return std::isfinite(v); });
  };
  if (!finite(gram) || !finite(cross) || !finite(targetNorm) ||
      !llvm::all_of(patches, [](float v) { return std::isfinite(v); }) ||
      !llvm::all_of(target, [](float v) { return std::isfinite(v); })) {
    op->emitError() << "qnt-adaround: the input of this layer is not finite "
                       "on the calibration data";
    return failure();
  }
  int64_t k = patch, rows = rowsPerGroup();
  double p = static_cast<double>(std::max<int64_t>(filled, 1));
  losses.clear();
  for (int64_t g = 0; g < groups; ++g) {
    ReconstructionLoss loss;
    loss.rows = rows;
    loss.k = k;
    loss.direct = direct;
    ArrayRef<float> wg(weights.data() + g * rows * k, rows * k);
    if (direct) {
      loss.samples = filled;
      float scale = static_cast<float>(1.0 / std::sqrt(p));
      loss.patches.assign(patches.begin() + g * samples * k,
                          patches.begin() + (g * samples + filled) * k);
      if (quantizedInputs) {
        // R^T = X^T W^T - T^T.
        loss.residual.resize(filled * rows);
        for (int64_t i = 0; i < filled; ++i)
          for (int64_t j = 0; j < rows; ++j)
            loss.residual[i * rows + j] = -target[i * outputs + g * rows + j];
        gemm(false, true, filled, rows, k, 1.0f, loss.patches.data(), k,
             wg.data(), k, 1.0f, loss.residual.data(), rows);
        for (float &v : loss.residual)
          v *= scale;
      }
      for (float &v : loss.patches)
        v *= scale;
    } else {
      const double *gxx = gram.data() + g * k * k;
      loss.gram.resize(k * k);
      for (int64_t i = 0; i < k * k; ++i)
        loss.gram[i] = static_cast<float>(gxx[i] / p);
      if (quantizedInputs) {
        // B = (W Gxx - (X T^T)^T) / P, c = (tr(W Gxx W^T) - 2 tr(W X T^T) +
        // ||T||^2) / P.
        std::vector<double> w(wg.begin(), wg.end()), wgxx(rows * k);
        gemm(false, false, rows, k, k, 1.0, w.data(), k, gxx, k, 0.0,
             wgxx.data(), k);
        const double *xt = cross.data() + g * k * rows;
        loss.cross.resize(rows * k);
        double quadratic = 0.0, linear = 0.0;
        for (int64_t o = 0; o < rows; ++o)
          for (int64_t j = 0; j < k; ++j) {
            double c = xt[j * rows + o];
            loss.cross[o * k + j] =
                static_cast<float>((wgxx[o * k + j] - c) / p);
            quadratic += wgxx[o * k + j] * w[o * k + j];
            linear += w[o * k + j] * c;
          }
        loss.constant = (quadratic - 2.0 * linear + targetNorm[g]) / p;
      }
    }
    losses.push_back(std::move(loss));
  }
  // The statistics are no longer needed.
  std::vector<double>().swap(gram);
  std::vector<double>().swap(cross);
  std::vector<float>().swap(patches);
  std::vector<float>().swap(target);
  std::vector<int64_t>().swap(positions);
  return success();
}
