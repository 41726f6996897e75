//===- AdaRoundGramTest.cpp - AdaRound's Gram matrices ----------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The Gram-matrix helpers of AdaRoundMath.h that qnt-adaround accumulates
// and optimises against: im2col Grams of convolutions (strides, padding,
// dilation, groups) and row Grams of matmul inputs against naive sums of
// outer products, hand-computed small cases, and tr(D G D^T) against
// ||D X||_F^2 on both the naive and the BLAS path; ReconstructionLoss on
// quantized inputs (Gram form with its cross term, and the direct form)
// against ||(W + D) X - W Y||^2 / P and its gradient.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Support/AdaRoundMath.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace mlir::qnt;

TEST(AdaRoundGram, ConvHandComputed) {
  // One channel [[1, 2], [3, 4]], 1x1 kernel, every position: G = 1 + 4 + 9
  // + 16.
  std::vector<float> image = {1, 2, 3, 4};
  ConvGeometry g{/*channels=*/1, /*height=*/2, /*width=*/2, /*kernelH=*/1,
                 /*kernelW=*/1};
  g.outH = 2;
  g.outW = 2;
  std::vector<double> gram(1, 0.0);
  std::vector<int64_t> all = {0, 1, 2, 3};
  accumulateConvGram(image.data(), g, all, gram);
  EXPECT_EQ(gram[0], 30.0);

  // 2x2 kernel, padding 1: the patch at output (0, 0) is [0, 0, 0, 1]
  // (only the bottom-right tap is inside), at (1, 1) it is [1, 2, 3, 4].
  ConvGeometry p{1, 2, 2, 2, 2};
  p.padTop = p.padLeft = 1;
  p.outH = p.outW = 3;
  std::vector<double> g00(16, 0.0), g11(16, 0.0);
  accumulateConvGram(image.data(), p, {0}, g00);
  accumulateConvGram(image.data(), p, {4}, g11);
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(g00[i], i == 15 ? 1.0 : 0.0) << i;
    EXPECT_EQ(g11[i], double((i / 4 + 1) * (i % 4 + 1))) << i;
  }
}

TEST(AdaRoundGram, ConvMatchesNaiveSum) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  ConvGeometry g{/*channels=*/4, /*height=*/5, /*width=*/6, /*kernelH=*/3,
                 /*kernelW=*/2};
  g.strideH = 2;
  g.strideW = 1;
  g.padTop = 1;
  g.padLeft = 0;
  g.dilationH = 1;
  g.dilationW = 2;
  g.groups = 2;
  // pads bottom 1, right 1: outH = (5 + 2 - 2 - 1) / 2 + 1, outW = (6 + 1 -
  // 2 - 1) + 1.
  g.outH = 3;
  g.outW = 5;
  std::vector<float> input(4 * 5 * 6);
  for (float &x : input)
    x = u(rng);
  std::vector<int64_t> positions = {0, 3, 7, 8, 14};
  int64_t k = g.patchSize();
  ASSERT_EQ(k, 2 * 3 * 2);
  std::vector<double> gram(2 * k * k, 0.5); // accumulates onto what is there
  accumulateConvGram(input.data(), g, positions, gram);

  std::vector<double> expected(2 * k * k, 0.5);
  for (int64_t group = 0; group < 2; ++group)
    for (int64_t pos : positions) {
      int64_t oy = pos / g.outW, ox = pos % g.outW;
      std::vector<double> patch;
      for (int64_t c = 0; c < 2; ++c)
        for (int64_t ky = 0; ky < 3; ++ky)
          for (int64_t kx = 0; kx < 2; ++kx) {
            int64_t y = oy * 2 + ky - 1, x = ox + kx * 2;
            bool inside = y >= 0 && y < 5 && x >= 0 && x < 6;
            patch.push_back(inside ? input[((group * 2 + c) * 5 + y) * 6 + x]
                                   : 0.0);
          }
      for (int64_t i = 0; i < k; ++i)
        for (int64_t j = 0; j < k; ++j)
          expected[group * k * k + i * k + j] += patch[i] * patch[j];
    }
  for (size_t i = 0; i < gram.size(); ++i)
    EXPECT_NEAR(gram[i], expected[i], 1e-12) << i;
}

TEST(AdaRoundGram, RowsWithStrides) {
  // A 3 x 2 matrix stored transposed (2 x 3): element (r, c) at c * 3 + r.
  // Rows 0 and 2: [1, 4] and [3, 6].
  std::vector<float> data = {1, 2, 3, 4, 5, 6};
  std::vector<double> gram(4, 0.0);
  accumulateRowGram(data.data(), {0, 2}, 2, /*colStride=*/3, gram);
  EXPECT_EQ(gram, (std::vector<double>{1 + 9, 4 + 18, 4 + 18, 16 + 36}));
}

/// tr(D G D^T) against ||D X||_F^2 for G = X X^T.
static void checkReconstruction(int64_t rows, int64_t k, int64_t p) {
  std::mt19937 rng(static_cast<unsigned>(rows * 131 + k));
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> x(k * p), d(rows * k);
  for (float &v : x)
    v = u(rng);
  for (float &v : d)
    v = u(rng);
  std::vector<double> gram(k * k, 0.0);
  std::vector<int64_t> offsets;
  for (int64_t i = 0; i < p; ++i)
    offsets.push_back(i); // column i of the K x P matrix X
  accumulateRowGram(x.data(), offsets, k, /*colStride=*/p, gram);
  std::vector<float> gramF(gram.begin(), gram.end());
  std::vector<float> dg(rows * k);
  double error = gramReconstructionError(d, rows, k, gramF, dg);

  double expected = 0.0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < p; ++j) {
      double dot = 0.0;
      for (int64_t l = 0; l < k; ++l)
        dot += double(d[r * k + l]) * double(x[l * p + j]);
      expected += dot * dot;
    }
  EXPECT_NEAR(error, expected, 1e-4 * expected) << rows << "x" << k;
  // D G by definition.
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < k; ++j) {
      double sum = 0.0;
      for (int64_t l = 0; l < k; ++l)
        sum += double(d[r * k + l]) * gram[l * k + j];
      EXPECT_NEAR(dg[r * k + j], sum, 1e-3 * (1.0 + std::abs(sum)));
    }
  // Without dg.
  EXPECT_NEAR(gramReconstructionError(d, rows, k, gramF), error,
              1e-9 * (1.0 + error));
}

TEST(AdaRoundGram, ReconstructionError) {
  checkReconstruction(1, 9, 20);   // naive path (depthwise 3x3)
  checkReconstruction(3, 4, 7);    // naive path
  checkReconstruction(16, 72, 50); // BLAS path
}

/// ReconstructionLoss on quantized inputs: with X (k x P) the inputs the
/// rounded layer sees, Y its float inputs and W its float weights, the Gram
/// form (A, B, c built as qnt-adaround builds them) and the direct form
/// both give ||(W + D) X - W Y||^2 / P and its gradient 2 ((W + D) X - W Y)
/// X^T / P, computed naively here.
static void checkQuantizedLoss(int64_t rows, int64_t k, int64_t p) {
  std::mt19937 rng(rows * 131 + k * 7 + p);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> x(k * p), y(k * p), w(rows * k), d(rows * k);
  for (int64_t i = 0; i < k * p; ++i) {
    y[i] = u(rng);
    x[i] = y[i] + 0.1f * u(rng); // the quantized input: near the float one
  }
  for (float &v : w)
    v = u(rng);
  for (float &v : d)
    v = 0.1f * u(rng);
  // Naive: E = ||(W + D) X - W Y||^2 / P, its gradient in D.
  std::vector<double> residual(rows * p);
  double expected = 0.0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < p; ++j) {
      double v = 0.0;
      for (int64_t l = 0; l < k; ++l)
        v += (double(w[r * k + l]) + d[r * k + l]) * x[l * p + j] -
             double(w[r * k + l]) * y[l * p + j];
      residual[r * p + j] = v;
      expected += v * v / p;
    }
  std::vector<double> expectedGrad(rows * k, 0.0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t l = 0; l < k; ++l)
      for (int64_t j = 0; j < p; ++j)
        expectedGrad[r * k + l] += 2.0 * residual[r * p + j] * x[l * p + j] / p;

  // T = W Y (rows x P), X X^T, X T^T, ||T||^2 in double.
  std::vector<double> t(rows * p, 0.0), gxx(k * k, 0.0), xt(k * rows, 0.0);
  double tnorm = 0.0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < p; ++j) {
      for (int64_t l = 0; l < k; ++l)
        t[r * p + j] += double(w[r * k + l]) * y[l * p + j];
      tnorm += t[r * p + j] * t[r * p + j];
    }
  for (int64_t a = 0; a < k; ++a)
    for (int64_t j = 0; j < p; ++j) {
      for (int64_t b = 0; b < k; ++b)
        gxx[a * k + b] += double(x[a * p + j]) * x[b * p + j];
      for (int64_t r = 0; r < rows; ++r)
        xt[a * rows + r] += double(x[a * p + j]) * t[r * p + j];
    }
  ReconstructionLoss gram;
  gram.rows = rows;
  gram.k = k;
  gram.gram.resize(k * k);
  gram.cross.resize(rows * k);
  for (int64_t i = 0; i < k * k; ++i)
    gram.gram[i] = float(gxx[i] / p);
  double quadratic = 0.0, linear = 0.0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t l = 0; l < k; ++l) {
      double wg = 0.0;
      for (int64_t m = 0; m < k; ++m)
        wg += double(w[r * k + m]) * gxx[m * k + l];
      gram.cross[r * k + l] = float((wg - xt[l * rows + r]) / p);
      quadratic += wg * w[r * k + l];
      linear += double(w[r * k + l]) * xt[l * rows + r];
    }
  gram.constant = (quadratic - 2.0 * linear + tnorm) / p;

  ReconstructionLoss direct;
  direct.rows = rows;
  direct.k = k;
  direct.direct = true;
  direct.samples = p;
  double scale = 1.0 / std::sqrt(double(p));
  direct.patches.resize(p * k);
  direct.residual.resize(p * rows);
  for (int64_t j = 0; j < p; ++j) {
    for (int64_t l = 0; l < k; ++l)
      direct.patches[j * k + l] = float(x[l * p + j] * scale);
    for (int64_t r = 0; r < rows; ++r) {
      double wx = 0.0;
      for (int64_t l = 0; l < k; ++l)
        wx += double(w[r * k + l]) * x[l * p + j];
      direct.residual[j * rows + r] = float((wx - t[r * p + j]) * scale);
    }
  }

  for (const ReconstructionLoss *loss : {&gram, &direct}) {
    std::vector<float> grad(rows * k);
    double error = loss->evaluate(d, grad);
    EXPECT_NEAR(error, expected, 1e-3 * expected)
        << (loss->direct ? "direct " : "gram ") << rows << "x" << k << "x" << p;
    for (int64_t i = 0; i < rows * k; ++i)
      EXPECT_NEAR(grad[i], expectedGrad[i],
                  1e-3 * (1.0 + std::abs(expectedGrad[i])))
          << (loss->direct ? "direct " : "gram ") << i;
    EXPECT_NEAR(loss->evaluate(d), error, 1e-9 * (1.0 + error));
  }
}

TEST(AdaRoundGram, QuantizedInputLoss) {
  checkQuantizedLoss(1, 9, 20);   // depthwise-like
  checkQuantizedLoss(5, 40, 12);  // 2 P < k: the direct form's case
  checkQuantizedLoss(16, 72, 50); // BLAS path
}
