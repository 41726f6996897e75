//===- AdaRoundMath.h - numerics for AdaRound -------------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The arithmetic of AdaRound ("Up or Down? Adaptive Rounding for
// Post-Training Quantization", PAPER.md section 2), for the AdaRound pass:
// a row-major GEMM on OpenBLAS, the rectified sigmoid h(V) and its
// gradient, the rounding regulariser and its beta schedule, the soft- and
// hard-rounded weights, and Adam. Library QuantOptAdaRoundMath, apart from
// QuantOptSupport so that only its users load OpenBLAS (which starts its
// worker threads when loaded).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_SUPPORT_ADAROUNDMATH_H
#define QUANTOPT_SUPPORT_ADAROUNDMATH_H

#include "quant-opt/Support/RangeSetting.h"

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace mlir::qnt {

//===----------------------------------------------------------------------===//
// GEMM
//===----------------------------------------------------------------------===//

/// C = alpha * op(A) * op(B) + beta * C on row-major matrices (BLAS
/// sgemm/dgemm through OpenBLAS's cblas): op(A) is m x k, op(B) is k x n, C is
/// m x n; op(X) is X^T when the trans flag is set; ld* are the row strides
/// (>= the number of columns as stored). With beta = 0, C is not read. Sizes
/// must fit in int32 (OpenBLAS's 32-bit BLAS interface).
void gemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k,
          float alpha, const float *a, int64_t lda, const float *b, int64_t ldb,
          float beta, float *c, int64_t ldc);
void gemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k,
          double alpha, const double *a, int64_t lda, const double *b,
          int64_t ldb, double beta, double *c, int64_t ldc);

/// The number of threads OpenBLAS uses (by default one per core).
int gemmThreads();
void setGemmThreads(int threads);

//===----------------------------------------------------------------------===//
// Rectified sigmoid
//===----------------------------------------------------------------------===//

/// AdaRound's stretch parameters: h(V) = clamp(sigmoid(V) * (zeta - gamma) +
/// gamma, 0, 1).
constexpr double kAdaRoundZeta = 1.1;
constexpr double kAdaRoundGamma = -0.1;

/// h(V).
double rectifiedSigmoid(double v);
/// dh/dV = sigmoid(V) (1 - sigmoid(V)) (zeta - gamma) where 0 < h(V) < 1,
/// else 0 (the clamp is flat).
double rectifiedSigmoidGrad(double v);
/// The V with h(V) = h, for h in [0, 1] (clamped): V = -log((zeta - gamma) /
/// (h - gamma) - 1), finite at both ends (-log 11 and log 11).
double rectifiedSigmoidInverse(double h);

/// Element-wise h(V) and, if `grad` is not empty, dh/dV.
void rectifiedSigmoid(ArrayRef<float> v, MutableArrayRef<float> h,
                      MutableArrayRef<float> grad = {});

//===----------------------------------------------------------------------===//
// Rounding regulariser
//===----------------------------------------------------------------------===//

/// f_reg = sum_i 1 - |2 h_i - 1|^beta, 0 when every h is 0 or 1.
double roundingRegularizer(ArrayRef<float> h, double beta);
/// d f_reg / d h_i = -2 beta |2 h_i - 1|^(beta - 1) sign(2 h_i - 1), of one
/// h or written to grad element-wise (beta >= 1).
float roundingRegularizerGrad(float h, double beta);
void roundingRegularizerGrad(ArrayRef<float> h, double beta,
                             MutableArrayRef<float> grad);

enum class BetaDecay {
  Cosine, // PAPER.md's digest
  Linear, // AIMET's LinearTempDecay
};

/// The annealed beta of iteration `iteration` of `iterations`: `start`
/// during the warm start (the first `warmStart` fraction, where the
/// regulariser is off: see regularizerActive), then decaying to `end`:
/// cosine end + (start - end) (1 + cos(pi t)) / 2, or linear start - (start -
/// end) t, with t in [0, 1] the progress after the warm start.
double annealedBeta(int64_t iteration, int64_t iterations,
                    BetaDecay decay = BetaDecay::Cosine, double warmStart = 0.2,
                    double start = 20.0, double end = 2.0);
/// False during the warm start.
bool regularizerActive(int64_t iteration, int64_t iterations,
                       double warmStart = 0.2);

//===----------------------------------------------------------------------===//
// Soft and hard rounding of weights
//===----------------------------------------------------------------------===//

/// Weights are row-major [rows x rowSize] with one QuantParams (per tensor)
/// or one per row (per channel along axis 0).

/// V0 with h(V0) = W/s - floor(W/s), so the soft weights start at W (up to
/// the clamp to the grid).
void adaRoundInitialize(ArrayRef<float> weights, int64_t rowSize,
                        ArrayRef<QuantParams> params, MutableArrayRef<float> v);

/// The soft-quantized weights s * (clamp(floor(W/s) + h(V) + z, q_min,
/// q_max) - z) and, if `dWdV` is not empty, their derivative s * h'(V)
/// (0 where the clamp is active); if `h` and `dhdV` are not empty, also
/// h(V) and dh/dV, as rectifiedSigmoid(v, h, dhdV) (one sigmoid per weight
/// for all of them).
void adaRoundSoftWeights(ArrayRef<float> weights, int64_t rowSize,
                         ArrayRef<QuantParams> params,
                         const QuantizerSpec &spec, ArrayRef<float> v,
                         MutableArrayRef<float> softWeights,
                         MutableArrayRef<float> dWdV = {},
                         MutableArrayRef<float> h = {},
                         MutableArrayRef<float> dhdV = {});

/// The final weights: h = [V >= 0], i.e. floor(W/s) + 1 where V >= 0,
/// clamped to the grid, as grid integers (q, z included) and dequantized.
void adaRoundHardWeights(ArrayRef<float> weights, int64_t rowSize,
                         ArrayRef<QuantParams> params,
                         const QuantizerSpec &spec, ArrayRef<float> v,
                         MutableArrayRef<int64_t> quantized,
                         MutableArrayRef<float> dequantized);

//===----------------------------------------------------------------------===//
// Gram matrices of layer inputs
//===----------------------------------------------------------------------===//

/// The layer reconstruction loss of AdaRound in Gram form: with X the K x P
/// matrix of a linear layer's input patches and G = X X^T (K x K), the error
/// of weights W' against W (O x K) is ||W' X - W X||_F^2 = tr(D G D^T) with D
/// = W' - W, and its gradient in W' is 2 D G. These helpers accumulate G.

/// The geometry of a qnt.conv2d on one NCHW sample (C x H x W), with the
/// weight O x C/groups x kH x kW.
struct ConvGeometry {
  int64_t channels, height, width;
  int64_t kernelH, kernelW;
  int64_t strideH = 1, strideW = 1;
  int64_t padTop = 0, padLeft = 0;
  int64_t dilationH = 1, dilationW = 1;
  int64_t groups = 1;
  int64_t outH, outW;
  /// K = C/groups * kH * kW: the length of one group's patch.
  int64_t patchSize() const { return channels / groups * kernelH * kernelW; }
};

/// Writes to `patches` (positions.size() x K, row-major) the im2col patches
/// of group `group` of the sample `input` (C x H x W, row-major) at the
/// output positions `positions` (oy * outW + ox). Patch element c * kH * kW +
/// ky * kW + kx is input[group * C/groups + c, oy * sH + ky * dH - padTop, ox
/// * sW + kx * dW - padLeft] (0 outside the image), matching the weight's row
/// layout.
void extractConvPatches(const float *input, const ConvGeometry &geometry,
                        int64_t group, ArrayRef<int64_t> positions,
                        MutableArrayRef<double> patches);

/// Writes to `patches` (rowOffsets.size() x k, row-major) the rows of a
/// matrix that start at data[rowOffsets[i]] with elements `colStride` apart.
void extractRowPatches(const float *data, ArrayRef<int64_t> rowOffsets,
                       int64_t k, int64_t colStride,
                       MutableArrayRef<double> patches);

/// Adds to `gram` (groups Grams of K x K, row-major, one after the other)
/// the outer products x x^T of the im2col patches of the sample `input` (C x
/// H x W, row-major) at the output positions `positions` (oy * outW + ox).
/// Patch element c * kH * kW + ky * kW + kx of group g is input[g * C/groups
/// + c, oy * sH + ky * dH - padTop, ox * sW + kx * dW - padLeft] (0 outside
/// the image), matching the weight's row layout.
void accumulateConvGram(const float *input, const ConvGeometry &geometry,
                        ArrayRef<int64_t> positions,
                        MutableArrayRef<double> gram);

/// Adds to `gram` (K x K) x x^T for the rows x of a matrix that start at
/// data[rowOffsets[i]] and whose elements are `colStride` apart.
void accumulateRowGram(const float *data, ArrayRef<int64_t> rowOffsets,
                       int64_t k, int64_t colStride,
                       MutableArrayRef<double> gram);

/// tr(D G D^T) for D (rows x k, row-major) and G (k x k, symmetric); writes
/// D G to `dg` (rows x k) when it is not empty.
double gramReconstructionError(ArrayRef<float> d, int64_t rows, int64_t k,
                               ArrayRef<float> gram,
                               MutableArrayRef<float> dg = {});

/// AdaRound's objective for one (group of a) layer with weights W (rows x k)
/// as a function of D = W' - W, W' the rounded weights. With X (k x P) the
/// input patches the rounded layer sees and T (rows x P) the output it should
/// produce, and R = W X - T:
///
///   E(D) = ||W' X - T||^2 / P = ||D X + R||^2 / P
///        = tr(D A D^T) + 2 <D, B> + c,
///   A = X X^T / P,  B = R X^T / P = (W X X^T - T X^T) / P,
///   c = ||R||^2 / P = (tr(W X X^T W^T) - 2 tr(W X T^T) + ||T||^2) / P,
///   dE/dD = 2 (D A + B).
///
/// Float inputs (T = W X): R = 0, so B = 0 and c = 0. The Gram form keeps A
/// (k x k), B and c; the direct form keeps X^T / sqrt(P) (P x k) and R^T /
/// sqrt(P) (P x rows; empty when R = 0) and costs 2 rows k P per evaluation
/// instead of rows k^2: cheaper when 2 P < k.
struct ReconstructionLoss {
  int64_t rows = 0, k = 0;
  bool direct = false;
  /// Gram form.
  std::vector<float> gram;  // A, k x k
  std::vector<float> cross; // B, rows x k; empty: 0
  double constant = 0.0;    // c
  /// Direct form.
  int64_t samples = 0;         // P
  std::vector<float> patches;  // X^T / sqrt(P), P x k
  std::vector<float> residual; // R^T / sqrt(P), P x rows; empty: 0

  /// E(D) for D (rows x k, row-major); writes dE/dD to `grad` when it is not
  /// empty.
  double evaluate(ArrayRef<float> d, MutableArrayRef<float> grad = {}) const;
};

//===----------------------------------------------------------------------===//
// Adam
//===----------------------------------------------------------------------===//

struct AdamOptions {
  double learningRate = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
};

/// Adam (Kingma & Ba; PyTorch's form): m = b1 m + (1 - b1) g, v = b2 v +
/// (1 - b2) g^2, p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
/// Moments are kept in double.
template <typename T> class Adam {
public:
  explicit Adam(size_t size, AdamOptions options = {});
  /// One step on params with gradients grads (both of `size` elements).
  void step(MutableArrayRef<T> params, ArrayRef<T> grads);
  int64_t steps() const { return t; }

private:
  AdamOptions options;
  std::vector<double> m, v;
  int64_t t = 0;
};

extern template class Adam<float>;
extern template class Adam<double>;

} // namespace mlir::qnt

#endif // QUANTOPT_SUPPORT_ADAROUNDMATH_H
