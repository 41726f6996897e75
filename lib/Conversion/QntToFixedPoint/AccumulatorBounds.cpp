//===- AccumulatorBounds.cpp - worst-case int32 accumulators ----*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Analysis/AccumulatorBounds.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Support/FixedPointMath.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::qnt;

//===----------------------------------------------------------------------===//
// Utility functions
//===----------------------------------------------------------------------===//

uint64_t StoredRange::maxAbsOffset(int64_t zeroPoint) const {
  auto absDiff = [](int64_t a, int64_t b) -> uint64_t {
    return a >= b ? static_cast<uint64_t>(a) - static_cast<uint64_t>(b)
                  : static_cast<uint64_t>(b) - static_cast<uint64_t>(a);
  };
  return std::max(absDiff(max, zeroPoint), absDiff(min, zeroPoint));
}

static StoredRange storageRangeOf(quant::QuantizedType qtype) {
  return {qtype.getStorageTypeMin(), qtype.getStorageTypeMax()};
}

static StoredRange unite(StoredRange a, StoredRange b) {
  return {std::min(a.min, b.min), std::max(a.max, b.max)};
}

static StoredRange intersect(StoredRange a, StoredRange b) {
  StoredRange r{std::max(a.min, b.min), std::min(a.max, b.max)};
  if (r.min > r.max) // disjoint: every value is clamped to one end
    r.max = r.min;
  return r;
}

/// The integers of an integer elements attribute (dense or dense_resource),
/// sign- or zero-extended.
std::optional<SmallVector<int64_t>>
mlir::qnt::readConstantIntegers(Attribute attr, bool isSigned) {
  SmallVector<int64_t> values;
  if (auto dense = dyn_cast<DenseIntElementsAttr>(attr)) {
    values.reserve(dense.getNumElements());
    for (const APInt &v : dense.getValues<APInt>())
      values.push_back(isSigned ? v.getSExtValue()
                                : static_cast<int64_t>(v.getZExtValue()));
    return values;
  }
  auto readResource = [&](auto resource) -> bool {
    if (!resource)
      return false;
    auto data = resource.tryGetAsArrayRef();
    if (!data)
      return false;
    int64_t count = resource.getNumElements();
    bool splat = data->size() == 1 && count != 1;
    if (!splat && static_cast<int64_t>(data->size()) != count)
      return false;
    values.reserve(count);
    for (int64_t i = 0; i < count; ++i) {
      auto v = (*data)[splat ? 0 : i];
      using Unsigned = std::make_unsigned_t<decltype(v)>;
      values.push_back(isSigned
                           ? static_cast<int64_t>(v)
                           : static_cast<int64_t>(static_cast<Unsigned>(v)));
    }
    return true;
  };
  if (readResource(dyn_cast<DenseI8ResourceElementsAttr>(attr)) ||
      readResource(dyn_cast<DenseI16ResourceElementsAttr>(attr)) ||
      readResource(dyn_cast<DenseI32ResourceElementsAttr>(attr)))
    return values;
  return std::nullopt;
}

std::optional<SmallVector<int64_t>>
mlir::qnt::getConstantStoredValues(Value value) {
  quant::QuantizedType qtype = getUniformQuantizedElementType(value.getType());
  if (!qtype)
    return std::nullopt;
  auto cast = value.getDefiningOp<quant::StorageCastOp>();
  if (!cast)
    return std::nullopt;
  auto constant = cast.getInput().getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return std::nullopt;
  return readConstantIntegers(constant.getValue(), qtype.isSigned());
}

std::optional<StoredRange> mlir::qnt::getActivationBounds(Operation *op) {
  if (!isa<ReluOp, ClampOp>(op) ||
      op->getOperand(0).getType() != op->getResult(0).getType())
    return std::nullopt;
  auto qtype = dyn_cast_if_present<quant::UniformQuantizedType>(
      getUniformQuantizedElementType(op->getResult(0).getType()));
  if (!qtype)
    return std::nullopt;
  StoredRange storage = storageRangeOf(qtype);
  int64_t z = qtype.getZeroPoint();
  if (isa<ReluOp>(op))
    return StoredRange{std::max(storage.min, z), storage.max};
  auto clamp = cast<ClampOp>(op);
  // A bound b maps to clamp(round_half_even(b / s) + z) on the grid; the
  // division is done in double and clamped before the integer conversion.
  double s = qtype.getScale();
  auto onGrid = [&](double bound) -> int64_t {
    double q = roundHalfToEven(bound / s) + static_cast<double>(z);
    q = std::clamp(q, static_cast<double>(storage.min),
                   static_cast<double>(storage.max));
    return static_cast<int64_t>(q);
  };
  return StoredRange{onGrid(clamp.getMin().convertToDouble()),
                     onGrid(clamp.getMax().convertToDouble())};
}

//===----------------------------------------------------------------------===//
// StoredRangeAnalysis
//===----------------------------------------------------------------------===//

StoredRangeAnalysis::StoredRangeAnalysis(Operation *root) {
  // Functions are single blocks in program order: every operand is visited
  // before its users.
  root->walk<WalkOrder::PreOrder>([&](Operation *op) { visit(op); });
}

StoredRange StoredRangeAnalysis::getRange(Value value) const {
  auto it = ranges.find(value);
  if (it != ranges.end())
    return it->second;
  quant::QuantizedType qtype = getUniformQuantizedElementType(value.getType());
  if (!qtype)
    return {};
  return storageRangeOf(qtype);
}

void StoredRangeAnalysis::visit(Operation *op) {
  if (op->getNumResults() != 1)
    return;
  Value result = op->getResult(0);
  quant::QuantizedType qtype = getUniformQuantizedElementType(result.getType());
  if (!qtype)
    return;
  StoredRange storage = storageRangeOf(qtype);
  std::optional<StoredRange> derived;
  if (auto values = getConstantStoredValues(result);
      values && !values->empty()) {
    auto [lo, hi] = std::minmax_element(values->begin(), values->end());
    derived = StoredRange{*lo, *hi};
  } else if (std::optional<StoredRange> act = getActivationBounds(op)) {
    derived = intersect(getRange(op->getOperand(0)), *act);
  } else if (isa<MaxPool2DOp, ReshapeOp, TransposeOp, SliceOp>(op)) {
    derived = getRange(op->getOperand(0));
  } else if (isa<ConcatOp>(op)) {
    for (Value input : op->getOperands())
      derived = derived ? unite(*derived, getRange(input)) : getRange(input);
  }
  if (derived)
    ranges[result] = intersect(*derived, storage);
}

//===----------------------------------------------------------------------===//
// Accumulator bounds
//===----------------------------------------------------------------------===//

static uint64_t satMul(uint64_t a, uint64_t b) {
  return llvm::SaturatingMultiply(a, b);
}
static uint64_t satAdd(uint64_t a, uint64_t b) {
  return llvm::SaturatingAdd(a, b);
}
static uint64_t absValue(int64_t x) {
  return x < 0 ? 0 - static_cast<uint64_t>(x) : static_cast<uint64_t>(x);
}

FailureOr<AccumulatorBound> mlir::qnt::computeAccumulatorBound(
    Operation *op, const StoredRangeAnalysis &ranges, std::string *reason) {
  auto fail = [&](const Twine &why) -> FailureOr<AccumulatorBound> {
    if (reason)
      *reason = why.str();
    return failure();
  };
  Value input, weight, bias;
  // The weight's reduction elements of output channel c are at
  // channelStride-separated blocks: a weight laid out [C, K] (conv, rhs
  // transposed) or [K, C] (matmul rhs).
  bool channelMajor = true;
  int64_t reductionLength = ShapedType::kDynamic;
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    input = conv.getInput();
    weight = conv.getWeight();
    bias = conv.getBias();
    auto w = conv.getWeight().getType();
    if (w.hasStaticShape())
      reductionLength = w.getDimSize(1) * w.getDimSize(2) * w.getDimSize(3);
  } else if (auto matmul = dyn_cast<MatMulOp>(op)) {
    input = matmul.getLhs();
    weight = matmul.getRhs();
    bias = matmul.getBias();
    auto lhs = matmul.getLhs().getType();
    int64_t r = lhs.getRank();
    reductionLength = matmul.getTransposeLhs() ? lhs.getDimSize(r - 2)
                                               : lhs.getDimSize(r - 1);
    if (ShapedType::isDynamic(reductionLength)) {
      auto rhs = matmul.getRhs().getType();
      int64_t rr = rhs.getRank();
      reductionLength = matmul.getTransposeRhs() ? rhs.getDimSize(rr - 1)
                                                 : rhs.getDimSize(rr - 2);
    }
    channelMajor = matmul.getTransposeRhs();
  } else {
    return fail("not a qnt.conv2d or qnt.matmul");
  }
  quant::QuantizedType xType = getUniformQuantizedElementType(input.getType());
  quant::QuantizedType wType = getUniformQuantizedElementType(weight.getType());
  if (!xType || !wType)
    return fail("not on quantized operands");
  if (ShapedType::isDynamic(reductionLength))
    return fail("the reduction length is dynamic");

  AccumulatorBound result;
  result.reductionLength = reductionLength;
  int64_t zx = getZeroPoints(xType).front();
  StoredRange xRange = ranges.getRange(input);
  result.maxAbsInput = xRange.maxAbsOffset(zx);
  uint64_t maxAbsRawInput =
      std::max(absValue(xRange.min), absValue(xRange.max));

  SmallVector<int64_t> wZero = getZeroPoints(wType);
  StoredRange wRange = ranges.getRange(weight);
  for (int64_t z : wZero)
    result.maxAbsWeight = std::max(result.maxAbsWeight, wRange.maxAbsOffset(z));

  // The bias: constant values, or nothing.
  std::optional<SmallVector<int64_t>> biasValues;
  if (bias) {
    biasValues = getConstantStoredValues(bias);
    if (!biasValues)
      return fail("the bias is not a constant, so the accumulator has no "
                  "bound");
    for (int64_t b : *biasValues)
      result.maxAbsBias = std::max(result.maxAbsBias, absValue(b));
  }

  // Constant rank-2 (matmul) or rank-4 (conv) weights: channel by channel.
  std::optional<SmallVector<int64_t>> wValues = getConstantStoredValues(weight);
  auto wShape = cast<ShapedType>(weight.getType()).getShape();
  bool perChannel = wValues && (isa<Conv2DOp>(op) || wShape.size() == 2);
  if (!perChannel) {
    uint64_t products = satMul(
        satMul(static_cast<uint64_t>(reductionLength), result.maxAbsInput),
        result.maxAbsWeight);
    result.bound = satAdd(products, result.maxAbsBias);
    return result;
  }
  result.constantWeights = true;
  int64_t channels = channelMajor ? wShape[0] : wShape.back();
  int64_t perChannelCount = wValues->size() / std::max<int64_t>(channels, 1);
  for (int64_t c = 0; c < channels; ++c) {
    int64_t z = wZero.size() == 1 ? wZero[0] : wZero[c];
    uint64_t sumAbs = 0;
    int64_t sum = 0;
    for (int64_t k = 0; k < perChannelCount; ++k) {
      int64_t index = channelMajor ? c * perChannelCount + k : k * channels + c;
      int64_t w = (*wValues)[index] - z;
      sumAbs += absValue(w);
      sum += w;
    }
    int64_t b = 0;
    if (biasValues)
      b = biasValues->size() == 1 ? (*biasValues)[0] : (*biasValues)[c];
    result.bound = std::max(
        result.bound, satAdd(absValue(b), satMul(result.maxAbsInput, sumAbs)));
    // The folded form starts from b - z_x * sum(w') and adds q_x * w'.
    __int128 folded = static_cast<__int128>(b) -
                      static_cast<__int128>(zx) * static_cast<__int128>(sum);
    uint64_t foldedStart =
        folded > static_cast<__int128>(UINT64_MAX) ||
                folded < -static_cast<__int128>(UINT64_MAX)
            ? UINT64_MAX
            : static_cast<uint64_t>(folded < 0 ? -folded : folded);
    result.foldedBound =
        std::max(result.foldedBound,
                 satAdd(foldedStart, satMul(maxAbsRawInput, sumAbs)));
  }
  return result;
}
