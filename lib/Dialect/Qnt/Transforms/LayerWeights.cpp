//===- LayerWeights.cpp - the weights of a conv2d or matmul -----*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Dialect/Qnt/Transforms/LayerWeights.h"

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Dialect/Qnt/Transforms/ConstantUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <limits>

using namespace mlir;
using namespace mlir::qnt;

static constexpr StringLiteral kGammaAttr = "qnt.bn_gamma";
static constexpr StringLiteral kBetaAttr = "qnt.bn_beta";

static std::optional<std::vector<double>> readF64Array(Operation *op,
                                                       StringRef name) {
  auto array = op->getAttrOfType<DenseF64ArrayAttr>(name);
  if (!array)
    return std::nullopt;
  return std::vector<double>(array.asArrayRef().begin(),
                             array.asArrayRef().end());
}

/// Erases the constant that defined `value` once nothing uses it.
static void eraseIfDead(Value value) {
  Operation *def = value.getDefiningOp();
  if (def && def->use_empty() && isa<arith::ConstantOp>(def))
    def->erase();
}

std::optional<LayerWeights> LayerWeights::read(Operation *op) {
  LayerWeights layer;
  layer.layer = op;
  Value weight, bias;
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    weight = conv.getWeight();
    bias = conv.getBias();
    auto type = cast<RankedTensorType>(weight.getType());
    if (!type.hasStaticShape() || type.getRank() != 4)
      return std::nullopt;
    int64_t groups = conv.getGroups();
    layer.outputs = type.getDimSize(0);
    layer.inputs = type.getDimSize(1) * groups;
    layer.kernel = type.getDimSize(2) * type.getDimSize(3);
    layer.perOutput = type.getDimSize(1) * layer.kernel;
    layer.outputsPerGroup = layer.outputs / groups;
  } else if (auto matmul = dyn_cast<MatMulOp>(op)) {
    weight = matmul.getRhs();
    bias = matmul.getBias();
    auto type = cast<RankedTensorType>(weight.getType());
    if (matmul.getTransposeLhs() || type.getRank() != 2 ||
        !type.hasStaticShape())
      return std::nullopt;
    layer.isMatMul = true;
    layer.transposed = matmul.getTransposeRhs();
    layer.outputs = type.getDimSize(layer.transposed ? 0 : 1);
    layer.inputs = type.getDimSize(layer.transposed ? 1 : 0);
  } else {
    return std::nullopt;
  }
  // A weight quantizer stays where it is; the weights are its input.
  if (auto quantizer = weight.getDefiningOp<FakeQuantOp>()) {
    layer.quantizer = quantizer;
    weight = quantizer.getInput();
  }
  std::optional<std::vector<double>> data = readF32Constant(weight);
  if (!data)
    return std::nullopt;
  layer.weight = std::move(*data);
  layer.bias.assign(layer.outputs, 0.0);
  if (bias) {
    std::optional<std::vector<double>> b = readF32Constant(bias);
    if (!b || static_cast<int64_t>(b->size()) != layer.outputs)
      return std::nullopt;
    layer.bias = std::move(*b);
  }
  layer.bnGamma = readF64Array(op, kGammaAttr);
  layer.bnBeta = readF64Array(op, kBetaAttr);
  return layer;
}

Operation *LayerWeights::nextLayer(Operation *layer) {
  if (!isa<Conv2DOp, MatMulOp>(layer))
    return nullptr;
  Value result = layer->getResult(0);
  if (!result.hasOneUse())
    return nullptr;
  Operation *user = *result.getUsers().begin();
  if (auto conv = dyn_cast<Conv2DOp>(user))
    return isa<Conv2DOp>(layer) && conv.getInput() == result ? user : nullptr;
  if (auto matmul = dyn_cast<MatMulOp>(user))
    return isa<MatMulOp>(layer) && matmul.getLhs() == result &&
                   !matmul.getTransposeLhs()
               ? user
               : nullptr;
  return nullptr;
}

std::optional<std::pair<float, float>>
LayerWeights::fusedClamp(Operation *layer) {
  if (auto conv = dyn_cast<Conv2DOp>(layer))
    return conv.getFusedClamp();
  if (auto matmul = dyn_cast<MatMulOp>(layer))
    return matmul.getFusedClamp();
  return std::nullopt;
}

int64_t LayerWeights::outputOf(size_t i) const {
  if (isMatMul)
    return transposed ? i / inputs : i % outputs;
  return i / perOutput;
}

int64_t LayerWeights::inputOf(size_t i) const {
  if (isMatMul)
    return transposed ? i % inputs : i / outputs;
  int64_t perGroup = perOutput / kernel;
  int64_t group = outputOf(i) / outputsPerGroup;
  return group * perGroup + (i / kernel) % perGroup;
}

void LayerWeights::scaleOutputs(const std::vector<double> &scales,
                                bool divide) {
  auto apply = [&](double &v, int64_t c) {
    v = divide ? v / scales[c] : v * scales[c];
  };
  for (size_t i = 0; i < weight.size(); ++i)
    apply(weight[i], outputOf(i));
  for (int64_t c = 0; c < outputs; ++c) {
    apply(bias[c], c);
    if (bnGamma)
      apply((*bnGamma)[c], c);
    if (bnBeta)
      apply((*bnBeta)[c], c);
  }
}

void LayerWeights::scaleInputs(const std::vector<double> &scales) {
  for (size_t i = 0; i < weight.size(); ++i)
    weight[i] *= scales[inputOf(i)];
}

void LayerWeights::absorbInputShift(const std::vector<double> &shift) {
  for (size_t i = 0; i < weight.size(); ++i)
    bias[outputOf(i)] += weight[i] * shift[inputOf(i)];
}

void LayerWeights::replaceRelu6() {
  std::optional<std::pair<float, float>> clamp = fusedClamp(layer);
  if (clamp && clamp->first == 0 && clamp->second == 6)
    layer->setAttr("fused_max",
                   FloatAttr::get(Float32Type::get(layer->getContext()),
                                  std::numeric_limits<float>::infinity()));
}

void LayerWeights::write(OpBuilder &builder, StringRef suffix) {
  Operation *user = quantizer ? quantizer : layer;
  unsigned index = quantizer ? 0 : 1;
  Value oldWeight = user->getOperand(index);
  builder.setInsertionPoint(user);
  user->setOperand(
      index, createF32Constant(builder, layer->getLoc(),
                               cast<RankedTensorType>(oldWeight.getType()),
                               weight, derivedConstantName(oldWeight, suffix)));
  eraseIfDead(oldWeight);
  writeBias(builder, "_bias");
}

void LayerWeights::writeBias(OpBuilder &builder, StringRef suffix) {
  builder.setInsertionPoint(layer);
  bool hasBias = layer->getNumOperands() > 2;
  bool zeroBias = llvm::all_of(bias, [](double b) { return b == 0; });
  if (hasBias || !zeroBias) {
    Value weight = quantizer ? quantizer.getInput() : layer->getOperand(1);
    auto biasType = RankedTensorType::get(
        {outputs}, cast<RankedTensorType>(weight.getType()).getElementType());
    std::string name = derivedConstantName(weight, suffix);
    Value newBias =
        createF32Constant(builder, layer->getLoc(), biasType, bias, name);
    if (hasBias) {
      Value oldBias = layer->getOperand(2);
      layer->setOperand(2, newBias);
      eraseIfDead(oldBias);
    } else {
      layer->insertOperands(2, newBias);
    }
  }
  if (bnGamma)
    layer->setAttr(kGammaAttr, builder.getDenseF64ArrayAttr(*bnGamma));
  if (bnBeta)
    layer->setAttr(kBetaAttr, builder.getDenseF64ArrayAttr(*bnBeta));
}
