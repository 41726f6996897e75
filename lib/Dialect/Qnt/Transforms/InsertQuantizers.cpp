//===- InsertQuantizers.cpp - place uncalibrated quantizers -----*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-insert-quantizers: uncalibrated qnt.fake_quant ops on conv2d/matmul
// weights, on the function inputs and on every layer output (after its
// activation), where the paper's quantization simulation puts them.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Dialect/Qnt/Transforms/ConstantUtils.h"
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

#include <cmath>

namespace mlir::qnt {
#define GEN_PASS_DEF_QNTINSERTQUANTIZERSPASS
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h.inc"
} // namespace mlir::qnt

using namespace mlir;
using namespace mlir::qnt;

/// True if `value` is a ranked tensor of floats (not yet quantized).
static bool isFloatTensor(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && isa<FloatType>(type.getElementType());
}

/// The value a quantizer of `value` reads: `value`, or the end of the chain
/// of annotations (assume_range, stats) that are each the only user of the
/// value before them. A quantizer placed there keeps the annotations on the
/// float value they describe.
static Value annotatedTip(Value value) {
  while (value.hasOneUse()) {
    Operation *user = *value.getUsers().begin();
    if (!isa<AssumeRangeOp, StatsOp>(user))
      break;
    value = user->getResult(0);
  }
  return value;
}

/// True if `value` has users and all of them are quantizers.
static bool isQuantized(Value value) {
  return !value.use_empty() &&
         llvm::all_of(value.getUsers(),
                      [](Operation *user) { return isa<FakeQuantOp>(user); });
}

/// True for ops whose result holds new values, which integer hardware
/// requantizes onto an output grid. Data movement and annotations are not.
static bool computesNewValues(Operation *op) {
  return isa<Conv2DOp, MatMulOp, BatchNormOp, AddOp, SubOp, MulOp, DivOp,
             ReluOp, ClampOp, SoftmaxOp, SigmoidOp, TanhOp, ErfOp, HardSwishOp,
             HardSigmoidOp, GeluOp, LayerNormOp, ReduceMeanOp, AvgPool2DOp,
             GlobalAvgPoolOp>(op);
}

namespace {

/// A quantizer's grid attributes.
struct Grid {
  int64_t bits;
  bool isSigned;
  bool symmetric;
  bool narrowRange;
};

struct InsertQuantizersPass
    : public qnt::impl::QntInsertQuantizersPassBase<InsertQuantizersPass> {
  using Base::Base;

  /// A quantizer of `input` (on `grid`, per tensor or along `axis`) placed
  /// right after the definition of `input`.
  FakeQuantOp createQuantizer(OpBuilder &builder, Value input, const Grid &grid,
                              std::optional<int64_t> axis) {
    builder.setInsertionPointAfterValue(input);
    UnitAttr unit = builder.getUnitAttr();
    return FakeQuantOp::create(
        builder, input.getLoc(), input.getType(), input,
        builder.getI64IntegerAttr(grid.bits), grid.isSigned ? unit : nullptr,
        grid.symmetric ? unit : nullptr, grid.narrowRange ? unit : nullptr,
        axis ? builder.getI64IntegerAttr(*axis) : nullptr,
        /*scale=*/nullptr, /*zero_point=*/nullptr);
  }

  /// Quantizes `value` (after its single-use annotations) for all of its
  /// users, unless it already is.
  void quantizeActivation(OpBuilder &builder, Value value, const Grid &grid) {
    Value tip = annotatedTip(value);
    if (tip.use_empty() || isQuantized(tip))
      return;
    FakeQuantOp quantizer = createQuantizer(builder, tip, grid, std::nullopt);
    tip.replaceAllUsesExcept(quantizer.getResult(), quantizer);
    ++numActQuantizers;
  }

  /// Quantizes operand `operandIndex` of `op` if it is an f32 constant,
  /// along `axis` when per channel.
  void quantizeWeight(OpBuilder &builder, Operation *op, unsigned operandIndex,
                      const Grid &grid, std::optional<int64_t> axis) {
    Value weight = op->getOperand(operandIndex);
    if (!isF32Constant(weight))
      return;
    builder.setInsertionPoint(op);
    UnitAttr unit = builder.getUnitAttr();
    auto quantizer = FakeQuantOp::create(
        builder, weight.getLoc(), weight.getType(), weight,
        builder.getI64IntegerAttr(grid.bits), grid.isSigned ? unit : nullptr,
        grid.symmetric ? unit : nullptr, grid.narrowRange ? unit : nullptr,
        axis ? builder.getI64IntegerAttr(*axis) : nullptr,
        /*scale=*/nullptr, /*zero_point=*/nullptr);
    op->setOperand(operandIndex, quantizer.getResult());
    ++numWeightQuantizers;
  }

  void runOnOperation() override {
    Operation *root = getOperation();
    for (auto [name, bits] :
         {std::pair<StringRef, int64_t>("weight-bits", weightBits),
          std::pair<StringRef, int64_t>("act-bits", actBits)}) {
      if (bits < 2 || bits > 16) {
        emitError(root->getLoc()) << "qnt-insert-quantizers: " << name << " = "
                                  << bits << " is not in [2, 16]";
        return signalPassFailure();
      }
    }
    if (!inputRange.empty() &&
        (inputRange.size() != 2 || !std::isfinite(inputRange[0]) ||
         !std::isfinite(inputRange[1]) || inputRange[0] > inputRange[1])) {
      emitError(root->getLoc(),
                "qnt-insert-quantizers: input-range must be two "
                "finite numbers lo,hi with lo <= hi");
      return signalPassFailure();
    }

    // Paper defaults: symmetric signed narrow-range weights, asymmetric
    // unsigned activations.
    Grid weightGrid{weightBits, /*isSigned=*/true, weightSymmetric,
                    /*narrowRange=*/weightSymmetric && weightNarrowRange};
    Grid actGrid{actBits, /*isSigned=*/actSymmetric, actSymmetric,
                 /*narrowRange=*/false};

    OpBuilder builder(&getContext());

    // Weights: the constant operand of each linear layer.
    root->walk([&](Operation *op) {
      if (auto conv = dyn_cast<Conv2DOp>(op)) {
        if (isFloatTensor(conv.getWeight()))
          quantizeWeight(builder, op, 1, weightGrid,
                         perChannel ? std::optional<int64_t>(0) : std::nullopt);
      } else if (auto matmul = dyn_cast<MatMulOp>(op)) {
        auto rhsType = dyn_cast<RankedTensorType>(matmul.getRhs().getType());
        if (rhsType && isFloatTensor(matmul.getRhs())) {
          int64_t rank = rhsType.getRank();
          std::optional<int64_t> axis;
          if (perChannel)
            axis = matmul.getTransposeRhs() ? rank - 2 : rank - 1;
          quantizeWeight(builder, op, 1, weightGrid, axis);
        }
        if (isFloatTensor(matmul.getLhs()))
          quantizeWeight(builder, op, 0, weightGrid, std::nullopt);
      }
    });

    // Network inputs.
    root->walk([&](func::FuncOp func) {
      if (func.isExternal())
        return;
      // In reverse, so that the quantizers, each placed at the start of the
      // block, end up in argument order.
      for (BlockArgument arg : llvm::reverse(func.getArguments())) {
        if (!isFloatTensor(arg) || arg.use_empty())
          continue;
        if (!inputRange.empty()) {
          Value tip = annotatedTip(arg);
          bool hasRange = false;
          for (Value v = tip; v != arg; v = v.getDefiningOp()->getOperand(0))
            hasRange |= isa<AssumeRangeOp>(v.getDefiningOp());
          if (!hasRange && !isQuantized(tip)) {
            builder.setInsertionPointAfterValue(tip);
            auto range =
                AssumeRangeOp::create(builder, arg.getLoc(), tip.getType(), tip,
                                      builder.getF64FloatAttr(inputRange[0]),
                                      builder.getF64FloatAttr(inputRange[1]));
            tip.replaceAllUsesExcept(range.getResult(), range);
          }
        }
        quantizeActivation(builder, arg, actGrid);
      }
    });

    // Layer outputs, after their activation.
    SmallVector<Value> outputs;
    root->walk([&](Operation *op) {
      if (!computesNewValues(op))
        return;
      for (Value result : op->getResults()) {
        if (!isFloatTensor(result))
          continue;
        Value tip = annotatedTip(result);
        if (tip.hasOneUse() && isa<ReluOp, ClampOp>(*tip.getUsers().begin()))
          continue; // quantized after the activation
        outputs.push_back(result);
      }
    });
    for (Value output : outputs)
      quantizeActivation(builder, output, actGrid);
  }
};

} // namespace
