//===- QntOps.cpp - qnt op verifiers ----------------------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The verifiers of the qnt ops. Every check carries the label of the rule it
// enforces (docs/Numerics.md); test/Dialect/Qnt/invalid.mlir has a case named
// after each label.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Support/FixedPointMath.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallBitVector.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace mlir;
using namespace mlir::qnt;

//===----------------------------------------------------------------------===//
// Utility functions
//===----------------------------------------------------------------------===//

/// True if two dims may be equal (either is dynamic or they match).
static bool dimsCompatible(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleaveComma(shape, os, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      os << "?";
    else
      os << d;
  });
  os << "]";
  return s;
}

/// Checks `actual` against `expected` dim by dim (dynamic dims match).
static LogicalResult verifyShape(Operation *op, StringRef label, StringRef what,
                                 ArrayRef<int64_t> actual,
                                 ArrayRef<int64_t> expected) {
  if (actual.size() == expected.size() &&
      llvm::all_of(llvm::zip(actual, expected), [](auto pair) {
        return dimsCompatible(std::get<0>(pair), std::get<1>(pair));
      }))
    return success();
  return op->emitOpError() << what << " shape " << shapeString(actual)
                           << " does not match the expected "
                           << shapeString(expected) << " (" << label << ")";
}

/// Output size of a sliding window along one dim (conv2d, pools).
static int64_t windowOutputSize(int64_t in, int64_t padBegin, int64_t padEnd,
                                int64_t kernel, int64_t stride,
                                int64_t dilation) {
  if (ShapedType::isDynamic(in) || ShapedType::isDynamic(kernel))
    return ShapedType::kDynamic;
  int64_t span = in + padBegin + padEnd - dilation * (kernel - 1) - 1;
  if (span < 0)
    return 0;
  return span / stride + 1;
}

/// The 2-D window attributes: `strides` and `dilations` two positive
/// entries, `pads` four non-negative ones, `kernel` (if given) two positive.
static LogicalResult verifyWindowAttrs(Operation *op, StringRef label,
                                       std::optional<ArrayRef<int64_t>> kernel,
                                       ArrayRef<int64_t> strides,
                                       ArrayRef<int64_t> pads,
                                       ArrayRef<int64_t> dilations) {
  auto allPositive = [](ArrayRef<int64_t> v) {
    return llvm::all_of(v, [](int64_t x) { return x > 0; });
  };
  if (kernel && (kernel->size() != 2 || !allPositive(*kernel)))
    return op->emitOpError("kernel must have 2 positive entries (")
           << label << ")";
  if (strides.size() != 2 || !allPositive(strides))
    return op->emitOpError("strides must have 2 positive entries (")
           << label << ")";
  if (dilations.size() != 2 || !allPositive(dilations))
    return op->emitOpError("dilations must have 2 positive entries (")
           << label << ")";
  if (pads.size() != 4 || llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return op->emitOpError("pads must have 4 non-negative entries [top, "
                           "left, bottom, right] (")
           << label << ")";
  return success();
}

/// The expected NCHW result shape of a 2-D window op.
static SmallVector<int64_t, 4>
windowResultShape(ArrayRef<int64_t> in, int64_t channels,
                  ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                  ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations) {
  return {in[0], channels,
          windowOutputSize(in[2], pads[0], pads[2], kernel[0], strides[0],
                           dilations[0]),
          windowOutputSize(in[3], pads[1], pads[3], kernel[1], strides[1],
                           dilations[1])};
}

/// A quantized operand that must be per-tensor and not an accumulator.
static LogicalResult verifyPerTensorOperand(Operation *op, StringRef label,
                                            StringRef what, Type type) {
  quant::QuantizedType qtype = getUniformQuantizedElementType(type);
  if (getQuantizedDimension(qtype))
    return op->emitOpError()
           << what << " must be quantized per tensor (" << label << ")";
  if (isAccumulatorType(qtype))
    return op->emitOpError()
           << what << " must not be a 32-bit accumulator (" << label << ")";
  return success();
}

/// A quantized weight: per-tensor or per-axis along `axis`, not an
/// accumulator.
static LogicalResult verifyWeightOperand(Operation *op, StringRef label,
                                         StringRef what, Type type,
                                         int64_t axis) {
  quant::QuantizedType qtype = getUniformQuantizedElementType(type);
  std::optional<int32_t> dim = getQuantizedDimension(qtype);
  if (dim && *dim != axis)
    return op->emitOpError() << what << " must be quantized per tensor or "
                             << "along dimension " << axis << ", not " << *dim
                             << " (" << label << ")";
  if (isAccumulatorType(qtype))
    return op->emitOpError()
           << what << " must not be a 32-bit accumulator (" << label << ")";
  return success();
}

/// Result and bias of a quantized conv2d/matmul are accumulators of the
/// product of `input` and `weight` (acc_c2).
static LogicalResult verifyProductAccumulators(Operation *op, Type input,
                                               Type weight, Type result,
                                               int64_t resultAxis,
                                               std::optional<Type> bias) {
  quant::QuantizedType inQ = getUniformQuantizedElementType(input);
  quant::QuantizedType wQ = getUniformQuantizedElementType(weight);
  auto emitError = [op] { return op->emitOpError(); };
  if (failed(verifyAccumulatorType(emitError,
                                   getUniformQuantizedElementType(result),
                                   "result", inQ, wQ, resultAxis)))
    return failure();
  if (bias && failed(verifyAccumulatorType(
                  emitError, getUniformQuantizedElementType(*bias), "bias", inQ,
                  wQ, /*accAxis=*/0)))
    return failure();
  return success();
}

/// fused_clamp_c1, fused_clamp_c2: a fused activation (min, max) of a float
/// conv2d or matmul.
static LogicalResult verifyFusedClamp(Operation *op, std::optional<APFloat> min,
                                      std::optional<APFloat> max,
                                      bool quantized) {
  if (!min && !max)
    return success();
  if (quantized)
    return op->emitOpError("on quantized tensors has no fused activation; "
                           "clamp the requantized result (fused_clamp_c2)");
  if (!min || !max || min->isNaN() || max->isNaN() ||
      min->compare(*max) == APFloat::cmpGreaterThan)
    return op->emitOpError("fused_clamp needs min and max with min <= max "
                           "and no NaN (fused_clamp_c1)");
  return success();
}

//===----------------------------------------------------------------------===//
// Conv2DOp
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::verify() {
  auto inputType = getInput().getType();
  auto weightType = getWeight().getType();
  auto resultType = getResult().getType();
  // conv2d_c1: NCHW input, OIHW weight, NCHW result.
  if (inputType.getRank() != 4 || weightType.getRank() != 4 ||
      resultType.getRank() != 4)
    return emitOpError("expects rank-4 input (NCHW), weight (OIHW) and "
                       "result (conv2d_c1)");
  // conv2d_c2: window attributes.
  if (failed(verifyWindowAttrs(*this, "conv2d_c2", std::nullopt, getStrides(),
                               getPads(), getDilations())))
    return failure();

  ArrayRef<int64_t> in = inputType.getShape();
  ArrayRef<int64_t> w = weightType.getShape();
  int64_t groups = getGroups();
  // conv2d_c3: groups divide the channels; weight dim 1 = C_in / groups.
  if (groups < 1)
    return emitOpError("groups must be at least 1 (conv2d_c3)");
  if (!ShapedType::isDynamic(w[0]) && w[0] % groups != 0)
    return emitOpError() << "output channels (" << w[0]
                         << ") are not divisible by groups (" << groups
                         << ") (conv2d_c3)";
  if (!ShapedType::isDynamic(in[1]) && !ShapedType::isDynamic(w[1]) &&
      in[1] != w[1] * groups)
    return emitOpError() << "input channels (" << in[1]
                         << ") must equal weight dim 1 (" << w[1]
                         << ") x groups (" << groups << ") (conv2d_c3)";
  // conv2d_c4: bias has one element per output channel.
  if (getBias()) {
    auto biasType = cast<RankedTensorType>(getBias().getType());
    if (biasType.getRank() != 1 ||
        !dimsCompatible(biasType.getDimSize(0), w[0]))
      return emitOpError() << "bias must be 1-D with " << w[0]
                           << " elements (conv2d_c4)";
  }
  // conv2d_c5: result shape.
  SmallVector<int64_t, 4> expected = windowResultShape(
      in, w[0], w.drop_front(2), getStrides(), getPads(), getDilations());
  if (failed(verifyShape(*this, "conv2d_c5", "result", resultType.getShape(),
                         expected)))
    return failure();
  if (llvm::is_contained(expected, 0))
    return emitOpError("the window does not fit the padded input: empty "
                       "result (conv2d_c5)");

  if (failed(verifyFusedClamp(*this, getFusedMin(), getFusedMax(),
                              isQuantizedTensor(inputType))))
    return failure();
  if (!isQuantizedTensor(inputType))
    return success();
  // conv2d_c6: per-tensor input; weight per-tensor or per output channel.
  if (failed(verifyPerTensorOperand(*this, "conv2d_c6", "input", inputType)) ||
      failed(verifyWeightOperand(*this, "conv2d_c6", "weight", weightType, 0)))
    return failure();
  // Result and bias are int32 accumulators of the product (acc_c1, acc_c2).
  std::optional<Type> bias;
  if (getBias())
    bias = getBias().getType();
  return verifyProductAccumulators(*this, inputType, weightType, resultType,
                                   /*resultAxis=*/1, bias);
}

//===----------------------------------------------------------------------===//
// MatMulOp
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::verify() {
  auto lhsType = getLhs().getType();
  auto rhsType = getRhs().getType();
  auto resultType = getResult().getType();
  // matmul_c1: operands and result have rank >= 2.
  if (lhsType.getRank() < 2 || rhsType.getRank() < 2 ||
      resultType.getRank() < 2)
    return emitOpError("expects operands and result of rank >= 2; reshape "
                       "vectors to matrices (matmul_c1)");
  ArrayRef<int64_t> lhs = lhsType.getShape();
  ArrayRef<int64_t> rhs = rhsType.getShape();
  int64_t lr = lhs.size(), rr = rhs.size();
  int64_t m = getTransposeLhs() ? lhs[lr - 1] : lhs[lr - 2];
  int64_t kL = getTransposeLhs() ? lhs[lr - 2] : lhs[lr - 1];
  int64_t kR = getTransposeRhs() ? rhs[rr - 1] : rhs[rr - 2];
  int64_t n = getTransposeRhs() ? rhs[rr - 2] : rhs[rr - 1];
  // matmul_c2: contraction sizes agree.
  if (!dimsCompatible(kL, kR))
    return emitOpError() << "contraction sizes differ: lhs has " << kL
                         << ", rhs has " << kR << " (matmul_c2)";
  // matmul_c3: batch dims broadcast; result is [batch..., M, N].
  SmallVector<int64_t> batch;
  if (!OpTrait::util::getBroadcastedShape(lhs.drop_back(2), rhs.drop_back(2),
                                          batch))
    return emitOpError() << "batch dims " << shapeString(lhs.drop_back(2))
                         << " and " << shapeString(rhs.drop_back(2))
                         << " do not broadcast (matmul_c3)";
  batch.push_back(m);
  batch.push_back(n);
  if (failed(verifyShape(*this, "matmul_c3", "result", resultType.getShape(),
                         batch)))
    return failure();
  // matmul_c4: bias has N elements.
  if (getBias()) {
    auto biasType = cast<RankedTensorType>(getBias().getType());
    if (biasType.getRank() != 1 || !dimsCompatible(biasType.getDimSize(0), n))
      return emitOpError() << "bias must be 1-D with " << n
                           << " elements (matmul_c4)";
  }

  if (failed(verifyFusedClamp(*this, getFusedMin(), getFusedMax(),
                              isQuantizedTensor(lhsType))))
    return failure();
  if (!isQuantizedTensor(lhsType))
    return success();
  // matmul_c5: per-tensor lhs; rhs per-tensor or per column (its N dim).
  int64_t nAxis = getTransposeRhs() ? rr - 2 : rr - 1;
  if (failed(verifyPerTensorOperand(*this, "matmul_c5", "lhs", lhsType)) ||
      failed(verifyWeightOperand(*this, "matmul_c5", "rhs", rhsType, nAxis)))
    return failure();
  // Result and bias are int32 accumulators of the product (acc_c1, acc_c2).
  std::optional<Type> bias;
  if (getBias())
    bias = getBias().getType();
  return verifyProductAccumulators(*this, lhsType, rhsType, resultType,
                                   resultType.getRank() - 1, bias);
}

//===----------------------------------------------------------------------===//
// BatchNormOp
//===----------------------------------------------------------------------===//

LogicalResult BatchNormOp::verify() {
  auto inputType = getInput().getType();
  // batch_norm_c1: rank >= 2 (channels on axis 1); result type = input type.
  if (inputType.getRank() < 2)
    return emitOpError("expects an input of rank >= 2 with channels on axis "
                       "1 (batch_norm_c1)");
  if (getResult().getType() != inputType)
    return emitOpError("result type must equal the input type "
                       "(batch_norm_c1)");
  // batch_norm_c2: one parameter per channel.
  int64_t channels = inputType.getDimSize(1);
  for (auto [name, value] : {std::pair<StringRef, Value>{"scale", getScale()},
                             {"offset", getOffset()},
                             {"mean", getMean()},
                             {"variance", getVariance()}}) {
    auto type = cast<RankedTensorType>(value.getType());
    if (type.getRank() != 1 || !dimsCompatible(type.getDimSize(0), channels))
      return emitOpError() << name << " must be 1-D with " << channels
                           << " elements (batch_norm_c2)";
  }
  // batch_norm_c3: epsilon is finite and non-negative.
  float eps = getEpsilon().convertToFloat();
  if (!(eps >= 0.0f) || !std::isfinite(eps))
    return emitOpError("epsilon must be finite and non-negative "
                       "(batch_norm_c3)");
  return success();
}

//===----------------------------------------------------------------------===//
// Element-wise ops
//===----------------------------------------------------------------------===//

/// elementwise_c1: the operand shapes broadcast to the result shape.
static LogicalResult verifyBroadcastBinary(Operation *op) {
  auto lhs = cast<ShapedType>(op->getOperand(0).getType());
  auto rhs = cast<ShapedType>(op->getOperand(1).getType());
  auto result = cast<ShapedType>(op->getResult(0).getType());
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(lhs.getShape(), rhs.getShape(),
                                          shape))
    return op->emitOpError() << "operand shapes " << shapeString(lhs.getShape())
                             << " and " << shapeString(rhs.getShape())
                             << " do not broadcast (elementwise_c1)";
  return verifyShape(op, "elementwise_c1", "result", result.getShape(), shape);
}

LogicalResult AddOp::verify() { return verifyBroadcastBinary(*this); }
LogicalResult SubOp::verify() { return verifyBroadcastBinary(*this); }
LogicalResult MulOp::verify() { return verifyBroadcastBinary(*this); }
LogicalResult DivOp::verify() { return verifyBroadcastBinary(*this); }

LogicalResult ClampOp::verify() {
  // clamp_c1: min <= max, neither NaN.
  float lo = getMin().convertToFloat(), hi = getMax().convertToFloat();
  if (std::isnan(lo) || std::isnan(hi) || lo > hi)
    return emitOpError() << "needs min <= max and no NaN, got [" << lo << ", "
                         << hi << "] (clamp_c1)";
  return success();
}

LogicalResult SoftmaxOp::verify() {
  // softmax_c1: the axis exists.
  int64_t rank = getInput().getType().getRank();
  if (getAxis() < 0 || getAxis() >= rank)
    return emitOpError() << "axis " << getAxis() << " is not in [0, " << rank
                         << ") (softmax_c1)";
  return success();
}

LogicalResult LayerNormOp::verify() {
  auto inputType = getInput().getType();
  int64_t rank = inputType.getRank();
  // layer_norm_c1: the normalized dims [axis, rank) exist and are not empty.
  if (getAxis() < 0 || getAxis() >= rank)
    return emitOpError() << "axis " << getAxis() << " is not in [0, " << rank
                         << ") (layer_norm_c1)";
  // layer_norm_c2: scale and bias have the normalized shape.
  ArrayRef<int64_t> normalized = inputType.getShape().drop_front(getAxis());
  for (Value param : {getScale(), getBias()}) {
    if (!param)
      continue;
    if (failed(verifyShape(
            *this, "layer_norm_c2", param == getScale() ? "scale" : "bias",
            cast<ShapedType>(param.getType()).getShape(), normalized)))
      return failure();
  }
  // layer_norm_c3: epsilon finite, non-negative; result type = input type.
  float eps = getEpsilon().convertToFloat();
  if (!(eps >= 0.0f) || !std::isfinite(eps))
    return emitOpError("epsilon must be finite and non-negative "
                       "(layer_norm_c3)");
  if (getResult().getType().getShape() != inputType.getShape())
    return emitOpError("result shape must equal the input shape "
                       "(layer_norm_c3)");
  return success();
}

LogicalResult ReduceMeanOp::verify() {
  auto inputType = getInput().getType();
  int64_t rank = inputType.getRank();
  // reduce_mean_c1: axes sorted, distinct, in range.
  ArrayRef<int64_t> axes = getAxes();
  for (auto [i, axis] : llvm::enumerate(axes))
    if (axis < 0 || axis >= rank || (i > 0 && axes[i - 1] >= axis))
      return emitOpError() << "axes " << shapeString(axes)
                           << " must be sorted, distinct and in [0, " << rank
                           << ") (reduce_mean_c1)";
  // reduce_mean_c2: reduced dims become 1 or disappear.
  SmallVector<int64_t> expected;
  for (int64_t d = 0; d < rank; ++d) {
    if (!llvm::is_contained(axes, d))
      expected.push_back(inputType.getDimSize(d));
    else if (getKeepDims())
      expected.push_back(1);
  }
  return verifyShape(*this, "reduce_mean_c2", "result",
                     getResult().getType().getShape(), expected);
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// pool_c1..c4, shared by the 2-D pools.
static LogicalResult verifyPool2D(Operation *op, ArrayRef<int64_t> kernel,
                                  ArrayRef<int64_t> strides,
                                  ArrayRef<int64_t> pads,
                                  ArrayRef<int64_t> dilations) {
  auto inputType = cast<ShapedType>(op->getOperand(0).getType());
  auto resultType = cast<ShapedType>(op->getResult(0).getType());
  // pool_c1: NCHW input and result.
  if (inputType.getRank() != 4 || resultType.getRank() != 4)
    return op->emitOpError("expects rank-4 (NCHW) input and result (pool_c1)");
  // pool_c2: window attributes.
  if (failed(
          verifyWindowAttrs(op, "pool_c2", kernel, strides, pads, dilations)))
    return failure();
  // pool_c3: a pad is smaller than the (dilated) window, so that no window
  // lies entirely in the padding.
  for (int i = 0; i < 2; ++i) {
    int64_t extent = dilations[i] * (kernel[i] - 1) + 1;
    if (pads[i] >= extent || pads[i + 2] >= extent)
      return op->emitOpError() << "pads " << shapeString(pads)
                               << " must be smaller than the window extent "
                               << extent << " (pool_c3)";
  }
  // pool_c4: result shape.
  ArrayRef<int64_t> in = inputType.getShape();
  SmallVector<int64_t, 4> expected =
      windowResultShape(in, in[1], kernel, strides, pads, dilations);
  if (failed(verifyShape(op, "pool_c4", "result", resultType.getShape(),
                         expected)))
    return failure();
  if (llvm::is_contained(expected, 0))
    return op->emitOpError("the window does not fit the padded input: empty "
                           "result (pool_c4)");
  return success();
}

LogicalResult MaxPool2DOp::verify() {
  if (failed(verifyPool2D(*this, getKernel(), getStrides(), getPads(),
                          getDilations())))
    return failure();
  // max_pool2d_c1: pure data movement keeps the grid.
  if (getInput().getType().getElementType() !=
      getResult().getType().getElementType())
    return emitOpError("result element type must equal the input's "
                       "(max_pool2d_c1)");
  return success();
}

LogicalResult AvgPool2DOp::verify() {
  SmallVector<int64_t, 2> unitDilations = {1, 1};
  return verifyPool2D(*this, getKernel(), getStrides(), getPads(),
                      unitDilations);
}

LogicalResult GlobalAvgPoolOp::verify() {
  auto inputType = getInput().getType();
  // global_avg_pool_c1: rank >= 3; result [N, C, 1, ...].
  if (inputType.getRank() < 3)
    return emitOpError("expects an input of rank >= 3, N x C x spatial... "
                       "(global_avg_pool_c1)");
  SmallVector<int64_t> expected(inputType.getRank(), 1);
  expected[0] = inputType.getDimSize(0);
  expected[1] = inputType.getDimSize(1);
  return verifyShape(*this, "global_avg_pool_c1", "result",
                     getResult().getType().getShape(), expected);
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::verify() {
  auto resultType = getResult().getType();
  int64_t rank = resultType.getRank();
  int64_t axis = getAxis();
  // concat_c1: at least one input, one rank, the axis exists.
  if (getInputs().empty())
    return emitOpError("needs at least one input (concat_c1)");
  if (axis < 0 || axis >= rank)
    return emitOpError() << "axis " << axis << " is not in [0, " << rank
                         << ") (concat_c1)";
  SmallVector<int64_t> expected(resultType.getShape());
  expected[axis] = 0;
  for (Value input : getInputs()) {
    auto type = cast<RankedTensorType>(input.getType());
    if (type.getRank() != rank)
      return emitOpError("inputs and result must have one rank (concat_c1)");
    // concat_c3: one element type, hence one grid.
    if (type.getElementType() != resultType.getElementType())
      return emitOpError()
             << "inputs and result must have one element type, got "
             << type.getElementType() << " and " << resultType.getElementType()
             << " (concat_c3)";
    // concat_c2: other dims equal; the axis dim is the sum.
    for (int64_t d = 0; d < rank; ++d) {
      int64_t size = type.getDimSize(d);
      if (d == axis) {
        expected[d] =
            ShapedType::isDynamic(size) || ShapedType::isDynamic(expected[d])
                ? ShapedType::kDynamic
                : expected[d] + size;
      } else if (!dimsCompatible(size, expected[d])) {
        return emitOpError() << "input shape " << shapeString(type.getShape())
                             << " differs from the result outside axis " << axis
                             << " (concat_c2)";
      }
    }
  }
  return verifyShape(*this, "concat_c2", "result", resultType.getShape(),
                     expected);
}

/// A per-axis quantized tensor cannot be reshaped or transposed (`label`).
static LogicalResult verifyNotPerAxis(Operation *op, StringRef label) {
  if (getQuantizedDimension(
          getUniformQuantizedElementType(op->getOperand(0).getType())))
    return op->emitOpError()
           << "cannot move a per-axis quantized tensor (" << label << ")";
  return success();
}

LogicalResult ReshapeOp::verify() {
  auto inputType = getInput().getType();
  auto resultType = getResult().getType();
  // reshape_c1: same element type and, when static, element count.
  if (inputType.getElementType() != resultType.getElementType())
    return emitOpError("result element type must equal the input's "
                       "(reshape_c1)");
  if (inputType.hasStaticShape() && resultType.hasStaticShape() &&
      inputType.getNumElements() != resultType.getNumElements())
    return emitOpError() << "cannot reshape " << inputType.getNumElements()
                         << " elements into " << resultType.getNumElements()
                         << " (reshape_c1)";
  // reshape_c2: per-tensor grids only.
  return verifyNotPerAxis(*this, "reshape_c2");
}

LogicalResult TransposeOp::verify() {
  auto inputType = getInput().getType();
  auto resultType = getResult().getType();
  ArrayRef<int64_t> perm = getPermutation();
  // transpose_c1: a permutation of [0, rank).
  int64_t rank = inputType.getRank();
  llvm::SmallBitVector seen(rank);
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen.test(p))
      return emitOpError() << "permutation " << shapeString(perm)
                           << " is not a permutation of [0, " << rank
                           << ") (transpose_c1)";
    seen.set(p);
  }
  if (static_cast<int64_t>(perm.size()) != rank)
    return emitOpError() << "permutation " << shapeString(perm)
                         << " is not a permutation of [0, " << rank
                         << ") (transpose_c1)";
  // transpose_c2: permuted shape, same element type.
  if (inputType.getElementType() != resultType.getElementType())
    return emitOpError("result element type must equal the input's "
                       "(transpose_c2)");
  SmallVector<int64_t> expected;
  for (int64_t p : perm)
    expected.push_back(inputType.getDimSize(p));
  if (failed(verifyShape(*this, "transpose_c2", "result", resultType.getShape(),
                         expected)))
    return failure();
  // transpose_c3: per-tensor grids only.
  return verifyNotPerAxis(*this, "transpose_c3");
}

LogicalResult SliceOp::verify() {
  auto inputType = getInput().getType();
  auto resultType = getResult().getType();
  int64_t rank = inputType.getRank();
  ArrayRef<int64_t> offsets = getOffsets(), strides = getStrides();
  // slice_c1: one non-negative offset and one positive stride per dim.
  if (static_cast<int64_t>(offsets.size()) != rank ||
      static_cast<int64_t>(strides.size()) != rank ||
      resultType.getRank() != rank)
    return emitOpError() << "needs " << rank
                         << " offsets and strides and a result of rank " << rank
                         << " (slice_c1)";
  for (int64_t d = 0; d < rank; ++d)
    if (offsets[d] < 0 || strides[d] < 1)
      return emitOpError() << "offsets " << shapeString(offsets)
                           << " must be non-negative and strides "
                           << shapeString(strides) << " positive (slice_c1)";
  // slice_c2: the window lies inside the input.
  for (int64_t d = 0; d < rank; ++d) {
    int64_t size = resultType.getDimSize(d), dim = inputType.getDimSize(d);
    if (ShapedType::isDynamic(size) || ShapedType::isDynamic(dim))
      continue;
    if (size > 0 && offsets[d] + (size - 1) * strides[d] >= dim)
      return emitOpError() << "window of size " << size << " at offset "
                           << offsets[d] << " with stride " << strides[d]
                           << " leaves dimension " << d << " of size " << dim
                           << " (slice_c2)";
  }
  // slice_c3: the grid is kept; per-tensor only.
  if (inputType.getElementType() != resultType.getElementType())
    return emitOpError("result element type must equal the input's "
                       "(slice_c3)");
  if (getQuantizedDimension(getUniformQuantizedElementType(inputType)))
    return emitOpError("cannot slice a per-axis quantized tensor (slice_c3)");
  return success();
}

//===----------------------------------------------------------------------===//
// Quantization ops
//===----------------------------------------------------------------------===//

LogicalResult QuantizeOp::verify() {
  // quantize_c1: the result is expressed in the input's float type.
  quant::QuantizedType qtype =
      getUniformQuantizedElementType(getResult().getType());
  if (qtype.getExpressedType() != getInput().getType().getElementType())
    return emitOpError() << "result is expressed in "
                         << qtype.getExpressedType() << " but the input is "
                         << getInput().getType().getElementType()
                         << " (quantize_c1)";
  return success();
}

LogicalResult DequantizeOp::verify() {
  // dequantize_c1: the result is the input's expressed type.
  quant::QuantizedType qtype =
      getUniformQuantizedElementType(getInput().getType());
  if (qtype.getExpressedType() != getResult().getType().getElementType())
    return emitOpError() << "result must have the input's expressed type "
                         << qtype.getExpressedType() << " (dequantize_c1)";
  return success();
}

LogicalResult RequantizeOp::verify() {
  quant::QuantizedType in =
      getUniformQuantizedElementType(getInput().getType());
  quant::QuantizedType out =
      getUniformQuantizedElementType(getResult().getType());
  // requantize_c1: one expressed type.
  if (in.getExpressedType() != out.getExpressedType())
    return emitOpError() << "input and result expressed types differ: "
                         << in.getExpressedType() << " vs "
                         << out.getExpressedType() << " (requantize_c1)";
  // requantize_c2: the result is an activation, not an accumulator.
  if (isAccumulatorType(out))
    return emitOpError("result must have 2 to 16 bit storage, not a 32-bit "
                       "accumulator (requantize_c2)");
  return success();
}

int64_t FakeQuantOp::getQMin() {
  return storageRange(getNumBits(), getIsSigned(), getNarrowRange()).min;
}

int64_t FakeQuantOp::getQMax() {
  return storageRange(getNumBits(), getIsSigned(), getNarrowRange()).max;
}

LogicalResult FakeQuantOp::verify() {
  // fake_quant_c1: 2 to 16 bits.
  int64_t bits = getNumBits();
  if (bits < kMinStorageBits || bits > kMaxStorageBits)
    return emitOpError() << "num_bits " << bits
                         << " is not in [2, 16] (fake_quant_c1)";
  // fake_quant_c2: scale and zero_point together, one length.
  std::optional<ArrayRef<double>> scales = getScale();
  std::optional<ArrayRef<int64_t>> zeroPoints = getZeroPoint();
  if (scales.has_value() != zeroPoints.has_value())
    return emitOpError("scale and zero_point must be given together "
                       "(fake_quant_c2)");
  if (scales && scales->size() != zeroPoints->size())
    return emitOpError() << "has " << scales->size() << " scales but "
                         << zeroPoints->size()
                         << " zero points (fake_quant_c2)";
  // fake_quant_c3: per-tensor is one channel; per-axis names a dim and has
  // one parameter per element of it.
  auto type = getInput().getType();
  if (std::optional<int64_t> axis = getAxis()) {
    if (*axis < 0 || *axis >= type.getRank())
      return emitOpError() << "axis " << *axis << " is not in [0, "
                           << type.getRank() << ") (fake_quant_c3)";
    int64_t dim = type.getDimSize(*axis);
    if (scales && !ShapedType::isDynamic(dim) &&
        static_cast<int64_t>(scales->size()) != dim)
      return emitOpError() << "has " << scales->size()
                           << " scales for dimension " << *axis << " of size "
                           << dim << " (fake_quant_c3)";
  } else if (scales && scales->size() != 1) {
    return emitOpError() << "is per tensor (no axis) but has " << scales->size()
                         << " scales (fake_quant_c3)";
  }
  if (!scales)
    return success();
  // fake_quant_c4: positive finite scales.
  for (double s : *scales)
    if (!(s > 0.0) || !std::isfinite(s))
      return emitOpError() << "scale " << s
                           << " must be positive and finite (fake_quant_c4)";
  // fake_quant_c5: zero points on the grid.
  int64_t qmin = getQMin(), qmax = getQMax();
  for (int64_t z : *zeroPoints)
    if (z < qmin || z > qmax)
      return emitOpError() << "zero point " << z << " is outside the grid ["
                           << qmin << ", " << qmax << "] (fake_quant_c5)";
  // fake_quant_c6: symmetric means zero point 0.
  if (getSymmetric() && llvm::any_of(*zeroPoints, [](int64_t z) { return z; }))
    return emitOpError("is symmetric, so every zero point must be 0 "
                       "(fake_quant_c6)");
  return success();
}

//===----------------------------------------------------------------------===//
// Custom directives
//===----------------------------------------------------------------------===//

/// Prints `value` in the shortest scientific notation that parses back to
/// the same double (the default printing of a DenseF64ArrayAttr keeps six
/// digits, which would change scales and statistics on a save and reload).
static void printExactDouble(raw_ostream &os, double value) {
  char buffer[32];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof(buffer), "%.*e", precision, value);
    if (std::strtod(buffer, nullptr) == value || std::isnan(value))
      break;
  }
  os << buffer;
}

/// `[v0, v1, ...]` for an f64 array attribute, every value printed exactly.
static ParseResult parseExactF64Array(OpAsmParser &parser,
                                      DenseF64ArrayAttr &array) {
  SmallVector<double> values;
  if (parser.parseCommaSeparatedList(OpAsmParser::Delimiter::Square,
                                     [&]() -> ParseResult {
                                       double value;
                                       if (parser.parseFloat(value))
                                         return failure();
                                       values.push_back(value);
                                       return success();
                                     }))
    return failure();
  array = DenseF64ArrayAttr::get(parser.getContext(), values);
  return success();
}

static void printExactF64Array(OpAsmPrinter &printer, Operation *,
                               DenseF64ArrayAttr array) {
  printer << '[';
  llvm::interleaveComma(array.asArrayRef(), printer, [&](double v) {
    printExactDouble(printer.getStream(), v);
  });
  printer << ']';
}

#define GET_OP_CLASSES
#include "quant-opt/Dialect/Qnt/IR/QntOps.cpp.inc"
