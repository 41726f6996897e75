//===- Quantize.cpp - simulation form to true quantized form ----*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-quantize: a quantization-simulation function (float qnt ops with
// calibrated qnt.fake_quant) -> the quantized form (qnt.quantize, integer
// weights, int32 biases and accumulators, qnt.requantize, qnt.dequantize).
//
// The decisions mirror the exact simulation of docs/Numerics.md section 11
// (lib/Conversion/QntToLinalg/ExactSimulation.cpp) one for one, so that the
// result computes what the simulation computes, bit for bit:
//
//  - a value is quantized (has a counterpart on a grid) exactly when the
//    simulation finds it on a grid: a calibrated fake_quant, then reshape,
//    transpose, slice, max_pool2d, relu and same-grid concat of per-tensor
//    grids;
//  - a conv2d/matmul whose operands are quantized (as ExactConv2D /
//    ExactMatMul accept them) becomes the int32 accumulator;
//  - a fake_quant whose input is such an accumulator, through relu/clamp ops
//    that are each the only user of their input, becomes a requantize and
//    the activations as qnt.relu / qnt.clamp on the output grid;
//  - a fake_quant whose input is on another grid becomes a requantize;
//  - every other fake_quant becomes qnt.quantize (weights: folded into
//    integer constants), and the float-realised ops (add, pooling,
//    sigmoid, ...) whose operands are quantized and whose only user is a
//    quantizer take its grid as their quantized result;
//  - everything else stays float, with qnt.dequantize before it.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Dialect/Qnt/IR/QuantTypeUtils.h"
#include "quant-opt/Dialect/Qnt/Transforms/ConstantUtils.h"
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h"
#include "quant-opt/Support/FixedPointMath.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mlir::qnt {
#define GEN_PASS_DEF_QNTQUANTIZEPASS
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h.inc"
} // namespace mlir::qnt

using namespace mlir;
using namespace mlir::qnt;

namespace {

//===----------------------------------------------------------------------===//
// Grids
//===----------------------------------------------------------------------===//

/// The quantized element type of a calibrated qnt.fake_quant.
quant::QuantizedType gridType(FakeQuantOp op) {
  MLIRContext *ctx = op.getContext();
  Type storage = IntegerType::get(ctx, op.getNumBits());
  Type expressed = op.getType().getElementType();
  unsigned flags = op.getIsSigned() ? quant::QuantizationFlags::Signed : 0;
  ArrayRef<double> scales = *op.getScale();
  ArrayRef<int64_t> zeroPoints = *op.getZeroPoint();
  if (auto axis = op.getAxis())
    return quant::UniformQuantizedPerAxisType::get(
        flags, storage, expressed, scales, zeroPoints,
        static_cast<int32_t>(*axis), op.getQMin(), op.getQMax());
  return quant::UniformQuantizedType::get(flags, storage, expressed, scales[0],
                                          zeroPoints[0], op.getQMin(),
                                          op.getQMax());
}

/// The int32 accumulator type of scales `scales` (per axis along `axis` if
/// `perAxis`).
quant::QuantizedType accumulatorType(MLIRContext *ctx, Type expressed,
                                     ArrayRef<double> scales, bool perAxis,
                                     int32_t axis) {
  Type i32 = IntegerType::get(ctx, 32);
  int64_t lo = std::numeric_limits<int32_t>::min();
  int64_t hi = std::numeric_limits<int32_t>::max();
  if (perAxis)
    return quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, i32, expressed, scales,
        SmallVector<int64_t>(scales.size(), 0), axis, lo, hi);
  return quant::UniformQuantizedType::get(quant::QuantizationFlags::Signed, i32,
                                          expressed, scales[0], 0, lo, hi);
}

RankedTensorType withElement(Value value, Type element) {
  return cast<RankedTensorType>(value.getType()).clone(element);
}

bool isPerTensor(Value quantized) {
  return !getQuantizedDimension(
      getUniformQuantizedElementType(quantized.getType()));
}

/// An integer constant of `type` (storage integers, row-major): a
/// dense_resource blob for more than 16 elements, as weights are.
Value integerConstant(OpBuilder &b, Location loc, RankedTensorType type,
                      ArrayRef<int64_t> values, StringRef nameHint) {
  unsigned width = type.getElementType().getIntOrFloatBitWidth();
  auto blob = [&](auto tag) {
    using T = decltype(tag);
    SmallVector<T> data(values.begin(), values.end());
    return HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<T>(data));
  };
  TypedAttr attr;
  if (values.size() > 16 && width == 8)
    attr = cast<TypedAttr>(
        DenseI8ResourceElementsAttr::get(type, nameHint, blob(int8_t())));
  else if (values.size() > 16 && width == 16)
    attr = cast<TypedAttr>(
        DenseI16ResourceElementsAttr::get(type, nameHint, blob(int16_t())));
  else if (values.size() > 16 && width == 32)
    attr = cast<TypedAttr>(
        DenseI32ResourceElementsAttr::get(type, nameHint, blob(int32_t())));
  else {
    SmallVector<APInt> ints;
    for (int64_t v : values)
      ints.push_back(
          APInt(width, v, /*isSigned=*/true, /*implicitTrunc=*/true));
    attr = DenseElementsAttr::get(type, ints);
  }
  return arith::ConstantOp::create(b, loc, attr);
}

/// The name of the blob of a quantized constant: the float blob's name
/// with "_q", else `fallback`.
std::string blobName(Value floatConstant, StringRef fallback) {
  if (auto c = floatConstant.getDefiningOp<arith::ConstantOp>())
    if (auto r = dyn_cast<DenseResourceElementsAttr>(c.getValue()))
      return (r.getRawHandle().getKey() + "_q").str();
  return fallback.str();
}

//===----------------------------------------------------------------------===//
// The rewriting of one function
//===----------------------------------------------------------------------===//

/// An exact int32 accumulator of a quantized conv2d or matmul.
struct Accumulator {
  Value acc;
  std::optional<std::pair<float, float>> fusedClamp;
};

class FunctionQuantizer {
public:
  FunctionQuantizer(FunctionOpInterface func, RoundingMode mode)
      : func(func), mode(mode), b(func.getContext()) {}

  LogicalResult run();

private:
  LogicalResult quantizeFakeQuant(FakeQuantOp op);
  /// False if the layer stays float; failure after a diagnostic.
  FailureOr<bool> quantizeLinear(Operation *op);
  bool quantizeDataMovement(Operation *op);
  bool quantizeFloatRealised(Operation *op);
  /// A float value computing what `value` computes (a qnt.dequantize of its
  /// quantized counterpart, created once).
  Value floatOf(Value value);
  /// The quantized counterpart of `value`, or null.
  Value quantizedOf(Value value) const { return quantized.lookup(value); }
  /// `op` cloned with `operands` and result type `resultType`.
  Operation *cloneQuantized(Operation *op, ValueRange operands,
                            Type resultType);
  Value weightConstant(FakeQuantOp op, ArrayRef<double> values);

  FunctionOpInterface func;
  RoundingMode mode;
  OpBuilder b;
  DenseMap<Value, Value> quantized;
  DenseMap<Value, Accumulator> accumulators;
  DenseMap<Value, Value> floats;
  /// For each quantizer: the value at the end of its chain of single-use
  /// relu/clamp ops, and those ops from the quantizer backwards.
  DenseMap<Operation *, std::pair<Value, SmallVector<Operation *>>> chains;
  /// Quantizers whose quantized value an op before them already made.
  DenseSet<Operation *> absorbed;
  /// Original ops that quantized ops replace (erased at the end).
  SmallVector<Operation *> replaced;
};

Value FunctionQuantizer::floatOf(Value value) {
  if (Value f = floats.lookup(value))
    return f;
  OpBuilder::InsertionGuard guard(b);
  Value result;
  if (Value q = quantizedOf(value)) {
    b.setInsertionPointAfterValue(q);
    result = DequantizeOp::create(b, value.getLoc(), value.getType(), q);
  } else if (accumulators.count(value)) {
    const Accumulator &info = accumulators[value];
    b.setInsertionPointAfterValue(info.acc);
    result = DequantizeOp::create(b, value.getLoc(), value.getType(), info.acc);
    if (info.fusedClamp)
      result = ClampOp::create(b, value.getLoc(), value.getType(), result,
                               b.getF32FloatAttr(info.fusedClamp->first),
                               b.getF32FloatAttr(info.fusedClamp->second));
  } else {
    return value;
  }
  floats[value] = result;
  return result;
}

Operation *FunctionQuantizer::cloneQuantized(Operation *op, ValueRange operands,
                                             Type resultType) {
  Operation *clone = b.clone(*op);
  clone->setOperands(operands);
  clone->getResult(0).setType(resultType);
  return clone;
}

Value FunctionQuantizer::weightConstant(FakeQuantOp op,
                                        ArrayRef<double> values) {
  auto type = cast<RankedTensorType>(op.getType());
  SmallVector<double> scales(*op.getScale());
  SmallVector<int64_t> zeroPoints(*op.getZeroPoint());
  StorageRange range{op.getQMin(), op.getQMax()};
  // Element index -> channel along the axis (row-major).
  int64_t inner = 1, channels = 1;
  auto axis = op.getAxis();
  if (axis) {
    channels = type.getDimSize(*axis);
    for (int64_t d = *axis + 1; d < type.getRank(); ++d)
      inner *= type.getDimSize(d);
  }
  SmallVector<int64_t> ints;
  ints.reserve(values.size());
  for (auto [i, v] : llvm::enumerate(values)) {
    int64_t c = axis ? (static_cast<int64_t>(i) / inner) % channels : 0;
    ints.push_back(quantizeF32(static_cast<float>(v),
                               static_cast<float>(scales[c]), zeroPoints[c],
                               range));
  }
  auto storageType =
      type.clone(IntegerType::get(op.getContext(), op.getNumBits()));
  Value constant = integerConstant(b, op.getLoc(), storageType, ints,
                                   blobName(op.getInput(), "weight_q"));
  return quant::StorageCastOp::create(b, op.getLoc(), type.clone(gridType(op)),
                                      constant);
}

LogicalResult FunctionQuantizer::quantizeFakeQuant(FakeQuantOp op) {
  replaced.push_back(op);
  if (absorbed.contains(op))
    return success();
  if (!op.isCalibrated())
    return op.emitError("qnt-quantize: this qnt.fake_quant is not calibrated "
                        "(no scale and zero_point); run qnt-set-ranges first");
  if (!op.getType().getElementType().isF32())
    return op.emitError("qnt-quantize: only f32 quantizers are supported, not ")
           << op.getType().getElementType();
  quant::QuantizedType grid = gridType(op);
  auto type = withElement(op.getResult(), grid);
  Location loc = op.getLoc();
  b.setInsertionPoint(op);

  // A weight: integer constants.
  if (std::optional<std::vector<double>> values =
          readF32Constant(op.getInput())) {
    quantized[op.getResult()] = weightConstant(op, *values);
    return success();
  }

  // An accumulator through single-use activations: requantization, then
  // the activations on the output grid (section 11 rule 2).
  auto &[source, activations] = chains[op];
  auto acc = accumulators.find(source);
  if (acc != accumulators.end()) {
    const Accumulator &info = acc->second;
    auto accType = cast<quant::QuantizedType>(
        getUniformQuantizedElementType(info.acc.getType()));
    std::optional<int32_t> accAxis = getQuantizedDimension(accType);
    bool accPerChannel = getScales(accType).size() > 1;
    auto outAxis = op.getAxis();
    bool hasActivation = !activations.empty() || info.fusedClamp;
    bool ok = !(accPerChannel && outAxis &&
                static_cast<int64_t>(*outAxis) != *accAxis) &&
              !(outAxis && hasActivation);
    if (ok) {
      // The clamps narrow the output grid one after the other; disjoint
      // ones would not compose as the simulation's single clamp does.
      double s = getScales(grid)[0];
      int64_t z = getZeroPoints(grid)[0];
      int64_t lo = op.getQMin(), hi = op.getQMax();
      auto onGrid = [&](double bound) {
        double q = roundHalfToEven(bound / s) + static_cast<double>(z);
        q = std::min(std::max(q, static_cast<double>(op.getQMin())),
                     static_cast<double>(op.getQMax()));
        return static_cast<int64_t>(q);
      };
      SmallVector<std::pair<float, float>> clamps;
      if (info.fusedClamp)
        clamps.push_back(*info.fusedClamp);
      for (Operation *act : llvm::reverse(activations)) {
        if (auto clamp = dyn_cast<ClampOp>(act))
          clamps.push_back({clamp.getMin().convertToFloat(),
                            clamp.getMax().convertToFloat()});
        else
          clamps.push_back({0.0f, std::numeric_limits<float>::infinity()});
      }
      for (auto [min, max] : clamps) {
        int64_t newLo = onGrid(min), newHi = onGrid(max);
        if (newLo > hi || newHi < lo)
          return op.emitError("qnt-quantize: the activations before this "
                              "quantizer clamp to disjoint ranges");
        lo = std::max(lo, newLo);
        hi = std::min(hi, newHi);
      }
      Value result = RequantizeOp::create(
          b, loc, type, info.acc, RoundingModeAttr::get(b.getContext(), mode));
      if (info.fusedClamp)
        result = ClampOp::create(b, loc, type, result,
                                 b.getF32FloatAttr(info.fusedClamp->first),
                                 b.getF32FloatAttr(info.fusedClamp->second));
      for (Operation *act : llvm::reverse(activations)) {
        if (auto clamp = dyn_cast<ClampOp>(act))
          result = ClampOp::create(b, act->getLoc(), type, result,
                                   clamp.getMinAttr(), clamp.getMaxAttr());
        else
          result = ReluOp::create(b, act->getLoc(), type, result);
      }
      quantized[op.getResult()] = result;
      return success();
    }
  }

  // Values on another grid: a requantization (rule 3).
  if (Value in = quantizedOf(op.getInput())) {
    std::optional<int32_t> inAxis =
        getQuantizedDimension(getUniformQuantizedElementType(in.getType()));
    auto outAxis = op.getAxis();
    if (!(inAxis && outAxis && static_cast<int64_t>(*outAxis) != *inAxis)) {
      if (in.getType() == type)
        quantized[op.getResult()] = in;
      else
        quantized[op.getResult()] = RequantizeOp::create(
            b, loc, type, in, RoundingModeAttr::get(b.getContext(), mode));
      return success();
    }
  }

  // A float value: the quantizer's own formula.
  quantized[op.getResult()] =
      QuantizeOp::create(b, loc, type, floatOf(op.getInput()));
  return success();
}

FailureOr<bool> FunctionQuantizer::quantizeLinear(Operation *op) {
  Value x = op->getOperand(0), w = op->getOperand(1);
  Value qx = quantizedOf(x), qw = quantizedOf(w);
  if (!qx || !qw || !isPerTensor(qx))
    return false;
  auto wGrid = getUniformQuantizedElementType(qw.getType());
  std::optional<int32_t> wAxis = getQuantizedDimension(wGrid);
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  Value bias;
  std::optional<std::pair<float, float>> fusedClamp;
  int32_t channelDim = 0;
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    if ((wAxis && *wAxis != 0) ||
        !conv.getWeight().getType().hasStaticShape() ||
        conv.getInput().getType().isDynamicDim(1) ||
        resultType.isDynamicDim(2) || resultType.isDynamicDim(3))
      return false;
    bias = conv.getBias();
    fusedClamp = conv.getFusedClamp();
    channelDim = 1;
  } else {
    auto matmul = cast<MatMulOp>(op);
    int64_t rr = matmul.getRhs().getType().getRank();
    int64_t nAxis = matmul.getTransposeRhs() ? rr - 2 : rr - 1;
    if (wAxis && *wAxis != nAxis)
      return false;
    bias = matmul.getBias();
    fusedClamp = matmul.getFusedClamp();
    channelDim = resultType.getRank() - 1;
  }
  double sx = getScales(getUniformQuantizedElementType(qx.getType()))[0];
  SmallVector<double> scales;
  for (double sw : getScales(wGrid))
    scales.push_back(sx * sw);
  MLIRContext *ctx = op->getContext();
  Type expressed = resultType.getElementType();
  b.setInsertionPoint(op);
  SmallVector<Value> operands = {qx, qw};
  if (bias) {
    std::optional<std::vector<double>> values = readF32Constant(bias);
    if (!values) {
      op->emitError("qnt-quantize: the bias of a layer with quantized "
                    "operands must be an f32 constant");
      return FailureOr<bool>(failure());
    }
    // round_half_even(f64(b) / (s_x * s_w)), saturated to int32.
    SmallVector<int64_t> ints;
    for (auto [i, v] : llvm::enumerate(*values)) {
      double q = roundHalfToEven(v / scales[scales.size() == 1 ? 0 : i]);
      q = std::min(std::max(q, -2147483648.0), 2147483647.0);
      ints.push_back(static_cast<int64_t>(q));
    }
    auto biasType = cast<RankedTensorType>(bias.getType());
    Value constant =
        integerConstant(b, op->getLoc(), biasType.clone(b.getI32Type()), ints,
                        blobName(bias, "bias_q"));
    operands.push_back(quant::StorageCastOp::create(
        b, op->getLoc(),
        biasType.clone(
            accumulatorType(ctx, expressed, scales, wAxis.has_value(), 0)),
        constant));
  }
  auto accType = resultType.clone(
      accumulatorType(ctx, expressed, scales, wAxis.has_value(), channelDim));
  Operation *linear = cloneQuantized(op, operands, accType);
  linear->removeAttr("fused_min");
  linear->removeAttr("fused_max");
  accumulators[op->getResult(0)] = {linear->getResult(0), fusedClamp};
  replaced.push_back(op);
  return true;
}

bool FunctionQuantizer::quantizeDataMovement(Operation *op) {
  if (isa<ConcatOp>(op)) {
    Type grid;
    SmallVector<Value> inputs;
    for (Value in : op->getOperands()) {
      Value q = quantizedOf(in);
      if (!q || !isPerTensor(q))
        return false;
      Type t = getUniformQuantizedElementType(q.getType());
      if (grid && grid != t)
        return false;
      grid = t;
      inputs.push_back(q);
    }
    b.setInsertionPoint(op);
    quantized[op->getResult(0)] =
        cloneQuantized(op, inputs, withElement(op->getResult(0), grid))
            ->getResult(0);
    replaced.push_back(op);
    return true;
  }
  if (!isa<ReshapeOp, TransposeOp, SliceOp, MaxPool2DOp, ReluOp>(op))
    return false;
  Value q = quantizedOf(op->getOperand(0));
  if (!q || !isPerTensor(q))
    return false;
  b.setInsertionPoint(op);
  Type grid = getUniformQuantizedElementType(q.getType());
  quantized[op->getResult(0)] =
      cloneQuantized(op, {q}, withElement(op->getResult(0), grid))
          ->getResult(0);
  replaced.push_back(op);
  return true;
}

bool FunctionQuantizer::quantizeFloatRealised(Operation *op) {
  if (!isa<AddOp, SubOp, MulOp, GlobalAvgPoolOp, AvgPool2DOp, ReduceMeanOp,
           SigmoidOp, TanhOp, ErfOp, GeluOp, HardSigmoidOp, HardSwishOp,
           SoftmaxOp>(op))
    return false;
  Value result = op->getResult(0);
  if (!result.hasOneUse())
    return false;
  auto fq = dyn_cast<FakeQuantOp>(*result.getUsers().begin());
  if (!fq || !fq.isCalibrated() || fq.getAxis() ||
      !fq.getType().getElementType().isF32())
    return false;
  SmallVector<Value> operands;
  for (Value in : op->getOperands()) {
    Value q = quantizedOf(in);
    if (!q || !isPerTensor(q))
      return false;
    operands.push_back(q);
  }
  b.setInsertionPoint(op);
  Operation *clone =
      cloneQuantized(op, operands, withElement(result, gridType(fq)));
  quantized[fq.getResult()] = clone->getResult(0);
  absorbed.insert(fq);
  replaced.push_back(op);
  return true;
}

LogicalResult FunctionQuantizer::run() {
  Region &body = func.getFunctionBody();
  if (!body.hasOneBlock())
    return func.emitError("qnt-quantize: expected a function with one block");
  Block &block = body.front();

  // Annotations are identities: drop them, so that they hide no quantizer.
  eraseAnnotations(func);

  // The chain of each quantizer, on the original IR.
  for (Operation &op : block) {
    auto fq = dyn_cast<FakeQuantOp>(op);
    if (!fq)
      continue;
    SmallVector<Operation *> activations;
    Value value = fq.getInput();
    while (Operation *def = value.getDefiningOp()) {
      if (!isa<ReluOp, ClampOp>(def) || !value.hasOneUse())
        break;
      activations.push_back(def);
      value = def->getOperand(0);
    }
    chains[fq] = {value, std::move(activations)};
  }

  for (Operation &op : llvm::make_early_inc_range(block)) {
    if (auto fq = dyn_cast<FakeQuantOp>(op)) {
      if (failed(quantizeFakeQuant(fq)))
        return failure();
      continue;
    }
    if (isa<Conv2DOp, MatMulOp>(op)) {
      FailureOr<bool> done = quantizeLinear(&op);
      if (failed(done))
        return failure();
      if (*done)
        continue;
    } else if (quantizeDataMovement(&op) || quantizeFloatRealised(&op)) {
      continue;
    }
    // Float: every quantized operand is dequantized.
    for (OpOperand &operand : op.getOpOperands())
      operand.set(floatOf(operand.get()));
  }

  // The replaced float ops, users first, then what became dead (float
  // weights, activations folded into requantizations).
  for (Operation *op : llvm::reverse(replaced)) {
    for (Value result : op->getResults())
      if (!result.use_empty())
        result.replaceAllUsesWith(floatOf(result));
    op->erase();
  }
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block)))
    if (isOpTriviallyDead(&op))
      op.erase();
  func->removeAttr(QntDialect::getRoundingAttrName());
  return success();
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct QuantizePass : public qnt::impl::QntQuantizePassBase<QuantizePass> {
  using Base::Base;

  void runOnOperation() override {
    std::optional<RoundingMode> option;
    if (!rounding.empty()) {
      option = symbolizeRoundingMode(rounding);
      if (!option) {
        emitError(getOperation()->getLoc(), "qnt-quantize: unknown rounding '")
            << rounding << "'; use half_to_even, single_round or double_round";
        return signalPassFailure();
      }
    }
    SmallVector<FunctionOpInterface> funcs;
    if (auto func = dyn_cast<FunctionOpInterface>(getOperation()))
      funcs.push_back(func);
    else
      getOperation()->walk(
          [&](FunctionOpInterface func) { funcs.push_back(func); });
    for (FunctionOpInterface func : funcs) {
      if (func.isExternal())
        continue;
      RoundingMode mode =
          option
              ? *option
              : getSimulationRounding(func).value_or(RoundingMode::HalfToEven);
      if (failed(FunctionQuantizer(func, mode).run()))
        return signalPassFailure();
    }
  }
};

} // namespace
