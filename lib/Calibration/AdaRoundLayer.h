//===- AdaRoundLayer.h - one layer of qnt-adaround --------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The statistics qnt-adaround gathers for one qnt.conv2d / qnt.matmul: its
// input patches at sampled positions, from the float model (float inputs:
// the Gram matrix of the patches; quantized inputs: the float layer's
// output there, the target) and from the quantized model (quantized
// inputs: the Gram matrix and its cross term with the target), turned into
// the ReconstructionLoss of each group (AdaRoundMath.h).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_CALIBRATION_ADAROUNDLAYER_H
#define QUANTOPT_LIB_CALIBRATION_ADAROUNDLAYER_H

#include "ObservedModel.h"

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Support/AdaRoundMath.h"
#include "quant-opt/Support/RangeSetting.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <random>
#include <vector>

namespace mlir::qnt {

/// One layer to round: its weight as an O x K matrix (K per group), the
/// quantizer's grid, and what is observed of its input.
struct AdaRoundLayer {
  Operation *op;
  FakeQuantOp quantizer;
  arith::ConstantOp constant;
  /// The layer input (conv2d input, matmul lhs) in the module.
  Value input;
  /// The weight stored K x N (a matmul without transpose_rhs): transposed
  /// to and from the O x K form.
  bool transposed = false;
  int64_t outputs = 0, patch = 0, groups = 1;
  std::vector<float> weights; // O x K
  SmallVector<QuantParams> params;
  QuantizerSpec spec;
  /// conv2d: the geometry; matmul: the lhs layout.
  ConvGeometry conv;
  bool transposeLhs = false;
  /// Matmul: the lhs dims after the sample dim (static).
  SmallVector<int64_t> lhsShape;
  /// Quantized inputs: the layers of a wave are rounded together, after
  /// those of the earlier waves (the layers their input depends on).
  int64_t wave = 0;

  /// Set by plan(): positions per sample, and in all.
  int64_t perSample = 0, samples = 0;
  /// 2 samples < K: the direct form of the loss (the patches are kept).
  bool direct = false;
  bool quantizedInputs = false;

  /// Quantized inputs: the positions of every sample (samples), chosen in
  /// the float run, and the float layer's output there (samples x O).
  std::vector<int64_t> positions;
  std::vector<float> target;
  /// Per group: Grams (K x K) of the inputs, X T^T (K x O/groups) and
  /// ||T||^2 (quantized inputs), or the patches themselves (direct form,
  /// samples x K).
  std::vector<double> gram, cross, targetNorm;
  std::vector<float> patches;
  /// Positions accumulated so far.
  int64_t filled = 0;

  /// The objective per group, after finish().
  SmallVector<ReconstructionLoss> losses;

  int64_t rowsPerGroup() const { return outputs / groups; }

  /// Sizes the statistics for `numSamples` samples with `positionsPerSample`
  /// positions each (0: all).
  void plan(int64_t numSamples, int64_t positionsPerSample,
            bool quantizedInputs);
  /// Adds one batch of the float model's input of this layer (`input`,
  /// sample dim first): the Gram or patches (float inputs), the positions
  /// and the target (quantized inputs).
  LogicalResult observeFloat(const quantopt::HostArray &input,
                             const ObservedBatch &batch, std::mt19937_64 &rng);
  /// Adds one batch of the quantized model's input of this layer, at the
  /// positions of the float run.
  LogicalResult observeQuantized(const quantopt::HostArray &input,
                                 const ObservedBatch &batch);
  /// Builds `losses` from the statistics and frees them. Failure (after a
  /// diagnostic) when they are not finite.
  LogicalResult finish();

private:
  /// The number of positions of one sample (conv2d: output pixels; matmul:
  /// lhs rows).
  int64_t positionsInSample() const;
  /// The patches of group `group` of one sample at `where` (where.size() x
  /// K).
  void extract(const float *sample, ArrayRef<int64_t> where, int64_t group,
               MutableArrayRef<double> out) const;
  LogicalResult checkInput(const quantopt::HostArray &input,
                           const ObservedBatch &batch) const;
  /// Adds the patches of group `group` at positions [first, first + count)
  /// (the rows of the samples x K matrix `x`) to the Gram or the patches.
  void addPatches(ArrayRef<double> x, int64_t group, int64_t first,
                  int64_t count);
};

} // namespace mlir::qnt

#endif // QUANTOPT_LIB_CALIBRATION_ADAROUNDLAYER_H
