//===- FoldBatchNorm.cpp - fold batch norms into linear layers --*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-fold-batch-norm: batch_norm(conv2d | matmul) -> conv2d | matmul with
// folded weights and bias, keeping gamma and beta as attributes.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Dialect/Qnt/Transforms/ConstantUtils.h"
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mlir::qnt {
#define GEN_PASS_DEF_QNTFOLDBATCHNORMPASS
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h.inc"
} // namespace mlir::qnt

using namespace mlir;
using namespace mlir::qnt;

namespace {

/// The per-channel factors gamma / sigma and shifts beta - mean * factor of
/// a batch norm with constant parameters.
struct BatchNormAffine {
  std::vector<double> gamma, beta, factor, mean;
};

std::optional<BatchNormAffine> readBatchNorm(BatchNormOp bn) {
  auto gamma = readF32Constant(bn.getScale());
  auto beta = readF32Constant(bn.getOffset());
  auto mean = readF32Constant(bn.getMean());
  auto variance = readF32Constant(bn.getVariance());
  if (!gamma || !beta || !mean || !variance)
    return std::nullopt;
  BatchNormAffine affine{*gamma, *beta, {}, *mean};
  double eps = bn.getEpsilon().convertToDouble();
  for (size_t c = 0; c < gamma->size(); ++c)
    affine.factor.push_back((*gamma)[c] / std::sqrt((*variance)[c] + eps));
  return affine;
}

/// The folded bias: beta + (b - mean) * factor.
std::optional<std::vector<double>> foldedBias(Value bias,
                                              const BatchNormAffine &bn) {
  std::vector<double> b(bn.factor.size(), 0.0);
  if (bias) {
    auto data = readF32Constant(bias);
    if (!data)
      return std::nullopt;
    b = *data;
  }
  for (size_t c = 0; c < b.size(); ++c)
    b[c] = bn.beta[c] + (b[c] - bn.mean[c]) * bn.factor[c];
  return b;
}

void keepStatistics(Operation *layer, const BatchNormAffine &bn,
                    OpBuilder &builder) {
  layer->setAttr("qnt.bn_gamma", builder.getDenseF64ArrayAttr(bn.gamma));
  layer->setAttr("qnt.bn_beta", builder.getDenseF64ArrayAttr(bn.beta));
}

struct FoldConvBatchNorm : public OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto conv = bn.getInput().getDefiningOp<Conv2DOp>();
    if (!conv || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(bn, "not the only user of a conv2d");
    auto weight = readF32Constant(conv.getWeight());
    auto affine = readBatchNorm(bn);
    if (!weight || !affine)
      return rewriter.notifyMatchFailure(bn, "non-constant parameters");
    auto bias = foldedBias(conv.getBias(), *affine);
    if (!bias)
      return rewriter.notifyMatchFailure(bn, "non-constant bias");

    // W'[o, ...] = W[o, ...] * factor[o].
    auto weightType = conv.getWeight().getType();
    int64_t perChannel = weightType.getNumElements() / weightType.getDimSize(0);
    for (size_t i = 0; i < weight->size(); ++i)
      (*weight)[i] *= affine->factor[i / perChannel];

    Location loc = bn.getLoc();
    Value newWeight =
        createF32Constant(rewriter, loc, weightType, *weight,
                          derivedConstantName(conv.getWeight(), "_bn"));
    auto biasType = RankedTensorType::get({weightType.getDimSize(0)},
                                          weightType.getElementType());
    Value newBias =
        createF32Constant(rewriter, loc, biasType, *bias,
                          derivedConstantName(conv.getWeight(), "_bn_bias"));
    auto folded = Conv2DOp::create(
        rewriter, loc, bn.getType(), conv.getInput(), newWeight, newBias,
        conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(),
        conv.getGroupsAttr(), conv.getFusedMinAttr(), conv.getFusedMaxAttr());
    keepStatistics(folded, *affine, rewriter);
    rewriter.replaceOp(bn, folded.getResult());
    rewriter.eraseOp(conv);
    return success();
  }
};

struct FoldMatMulBatchNorm : public OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto matmul = bn.getInput().getDefiningOp<MatMulOp>();
    if (!matmul || !matmul->hasOneUse() ||
        matmul.getResult().getType().getRank() != 2)
      return rewriter.notifyMatchFailure(
          bn, "not the only user of a rank-2 matmul");
    auto weight = readF32Constant(matmul.getRhs());
    auto affine = readBatchNorm(bn);
    if (!weight || !affine)
      return rewriter.notifyMatchFailure(bn, "non-constant parameters");
    auto bias = foldedBias(matmul.getBias(), *affine);
    if (!bias)
      return rewriter.notifyMatchFailure(bn, "non-constant bias");

    // Output channel n is row n of a transposed rhs, else column n.
    auto rhsType = matmul.getRhs().getType();
    int64_t rows = rhsType.getDimSize(0), cols = rhsType.getDimSize(1);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        (*weight)[r * cols + c] *=
            affine->factor[matmul.getTransposeRhs() ? r : c];

    Location loc = bn.getLoc();
    Value newWeight =
        createF32Constant(rewriter, loc, rhsType, *weight,
                          derivedConstantName(matmul.getRhs(), "_bn"));
    auto biasType = RankedTensorType::get({static_cast<int64_t>(bias->size())},
                                          rhsType.getElementType());
    Value newBias =
        createF32Constant(rewriter, loc, biasType, *bias,
                          derivedConstantName(matmul.getRhs(), "_bn_bias"));
    auto folded = MatMulOp::create(
        rewriter, loc, bn.getType(), matmul.getLhs(), newWeight, newBias,
        matmul.getTransposeLhsAttr(), matmul.getTransposeRhsAttr(),
        matmul.getFusedMinAttr(), matmul.getFusedMaxAttr());
    keepStatistics(folded, *affine, rewriter);
    rewriter.replaceOp(bn, folded.getResult());
    rewriter.eraseOp(matmul);
    return success();
  }
};

struct FoldBatchNormPass
    : public qnt::impl::QntFoldBatchNormPassBase<FoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldConvBatchNorm, FoldMatMulBatchNorm>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
