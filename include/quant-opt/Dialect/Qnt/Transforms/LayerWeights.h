//===- LayerWeights.h - the weights of a conv2d or matmul -------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The passes that rescale and shift layers (cross-layer equalization,
// high-bias absorption, bias correction) see a qnt.conv2d or qnt.matmul as a
// weight tensor with output and input channels, a bias, and the batch-norm
// statistics qnt-fold-batch-norm kept. LayerWeights reads them into doubles,
// maps every weight element to its channels, and writes the result back as
// new constants.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_QNT_TRANSFORMS_LAYERWEIGHTS_H
#define QUANTOPT_DIALECT_QNT_TRANSFORMS_LAYERWEIGHTS_H

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Operation.h"

#include <optional>
#include <utility>
#include <vector>

namespace mlir::qnt {

class LayerWeights {
public:
  /// The weights of a qnt.conv2d or of a qnt.matmul whose rhs is a rank-2
  /// weight (lhs not transposed), if the weight (possibly through a
  /// qnt.fake_quant) and bias are f32 constants.
  static std::optional<LayerWeights> read(Operation *layer);

  /// The layer `layer`'s result feeds, if it is its only user: a conv2d
  /// after a conv2d, a matmul after a matmul, taking the result as its
  /// activation input (a conv -> matmul pair needs a reshape between them).
  static Operation *nextLayer(Operation *layer);

  /// The fused activation of a conv2d or matmul, if it has one.
  static std::optional<std::pair<float, float>> fusedClamp(Operation *layer);

  Operation *getOperation() const { return layer; }
  int64_t numOutputs() const { return outputs; }
  int64_t numInputs() const { return inputs; }
  /// The output channel of flat weight element `i`.
  int64_t outputOf(size_t i) const;
  /// The input channel (of the layer's activation input) that flat weight
  /// element `i` multiplies.
  int64_t inputOf(size_t i) const;
  /// Weight elements per output channel.
  int64_t elementsPerOutput() const { return weight.size() / outputs; }

  /// Multiplies output channel c (its weights, bias and kept batch-norm
  /// gamma and beta) by `scales[c]`, or divides by it.
  void scaleOutputs(const std::vector<double> &scales, bool divide);
  /// Multiplies the weights of input channel c by `scales[c]`.
  void scaleInputs(const std::vector<double> &scales);
  /// bias[o] += sum over the weights of output o of w * shift[input].
  void absorbInputShift(const std::vector<double> &shift);
  /// A fused ReLU6, (0, 6), becomes a ReLU, (0, +inf).
  void replaceRelu6();

  /// Writes weight, bias and batch-norm statistics back onto the layer,
  /// as new constants named after the old ones with `suffix`.
  void write(OpBuilder &builder, StringRef suffix);
  /// Writes only the bias (named after the weight with `suffix`) and the
  /// batch-norm statistics.
  void writeBias(OpBuilder &builder, StringRef suffix);

  /// The weight's quantizer, if the weight operand is a qnt.fake_quant of a
  /// constant (`weight` then holds the constant, the float weights).
  FakeQuantOp getQuantizer() const { return quantizer; }

  std::vector<double> weight;
  /// Zero when the layer has no bias (write() then adds one if needed).
  std::vector<double> bias;
  /// The batch-norm statistics qnt-fold-batch-norm kept, if any.
  std::optional<std::vector<double>> bnGamma, bnBeta;

private:
  Operation *layer = nullptr;
  FakeQuantOp quantizer;
  int64_t outputs = 0, inputs = 0;
  /// conv2d: elements per output channel, per input channel within a
  /// group, and output channels per group.
  int64_t perOutput = 0, kernel = 1, outputsPerGroup = 0;
  bool isMatMul = false, transposed = false;
};

} // namespace mlir::qnt

#endif // QUANTOPT_DIALECT_QNT_TRANSFORMS_LAYERWEIGHTS_H
