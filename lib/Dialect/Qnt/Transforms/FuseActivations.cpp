//===- FuseActivations.cpp - fuse ReLU/clamp into linear layers -*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-fuse-activations: relu/clamp(conv2d | matmul) -> the layer with
// fused_clamp = [min, max].
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <algorithm>
#include <limits>

namespace mlir::qnt {
#define GEN_PASS_DEF_QNTFUSEACTIVATIONSPASS
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h.inc"
} // namespace mlir::qnt

using namespace mlir;
using namespace mlir::qnt;

namespace {

/// Fuses the clamp [lo, hi] of activation op `ActOp` into a float conv2d or
/// matmul that it is the only user of.
template <typename ActOp>
struct FuseActivation : public OpRewritePattern<ActOp> {
  FuseActivation(MLIRContext *ctx,
                 std::function<std::pair<float, float>(ActOp)> range)
      : OpRewritePattern<ActOp>(ctx), range(std::move(range)) {}

  LogicalResult matchAndRewrite(ActOp act,
                                PatternRewriter &rewriter) const override {
    Operation *layer = act.getInput().getDefiningOp();
    if (!layer || !isa<Conv2DOp, MatMulOp>(layer) || !layer->hasOneUse() ||
        layer->getResult(0).getType() != act.getType() ||
        getUniformQuantizedElementType(act.getType()))
      return rewriter.notifyMatchFailure(act, "no float layer to fuse into");
    auto [lo, hi] = range(act);
    std::optional<std::pair<float, float>> fused =
        isa<Conv2DOp>(layer) ? cast<Conv2DOp>(layer).getFusedClamp()
                             : cast<MatMulOp>(layer).getFusedClamp();
    if (fused) {
      lo = std::max(lo, fused->first);
      hi = std::min(hi, fused->second);
      // Disjoint ranges: every value is clamped to one constant. Keep it
      // explicit rather than invent a fused range.
      if (lo > hi)
        return rewriter.notifyMatchFailure(act, "disjoint clamps");
    }
    rewriter.modifyOpInPlace(layer, [&] {
      layer->setAttr("fused_min", rewriter.getF32FloatAttr(lo));
      layer->setAttr("fused_max", rewriter.getF32FloatAttr(hi));
    });
    rewriter.replaceOp(act, layer->getResult(0));
    return success();
  }

  std::function<std::pair<float, float>(ActOp)> range;
};

struct FuseActivationsPass
    : public qnt::impl::QntFuseActivationsPassBase<FuseActivationsPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<FuseActivation<ReluOp>>(ctx, [](ReluOp) {
      return std::pair(0.0f, std::numeric_limits<float>::infinity());
    });
    patterns.add<FuseActivation<ClampOp>>(ctx, [](ClampOp op) {
      return std::pair(op.getMin().convertToFloat(),
                       op.getMax().convertToFloat());
    });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
