//===- FuseElementwise.cpp - element-wise fusion without recomputing -*- C++
//-*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-fuse-elementwise: the patterns of upstream linalg-fuse-elementwise-ops
// (producer/consumer fusion of linalg.generic ops on tensors, reshapes
// folded by expansion, constant folding), with a control function that
// refuses a fusion that would recompute the producer: the consumer must
// read the fused operand through a permutation of its loops (each producer
// element is then computed once), unless the producer's body is a plain
// copy (a broadcast or a transposition, which costs nothing to recompute).
//
// Upstream fuses, e.g., the softmax's division and requantization into the
// reduction of the attention's (softmax x V) matmul, whose operand map
// (b, h, i, k) leaves out the output column j: the division, the rounding
// and the clamps then run once per multiply-accumulate (16 times per
// element for the ViT's heads of 16).
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Conversion/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::quantopt {
#define GEN_PASS_DEF_FUSEELEMENTWISEPASS
#include "quant-opt/Conversion/Passes.h.inc"
} // namespace mlir::quantopt

using namespace mlir;

namespace {

/// True if `producer` only forwards one of its inputs (a copy, a broadcast
/// or a transposition): recomputing it costs a load.
bool isCopy(linalg::GenericOp producer) {
  Block &body = producer.getRegion().front();
  if (body.getOperations().size() != 1)
    return false;
  Value yielded = body.getTerminator()->getOperand(0);
  auto arg = dyn_cast<BlockArgument>(yielded);
  return arg && arg.getOwner() == &body &&
         arg.getArgNumber() < producer.getNumDpsInputs();
}

/// Fuse when the producer has one use and each of its elements is still
/// computed once in the fused op.
bool fuseWithoutRecomputation(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  if (!producer || !producer->hasOneUse())
    return false;
  auto consumer = dyn_cast<linalg::LinalgOp>(fused->getOwner());
  if (!consumer)
    return true;
  if (consumer.getMatchingIndexingMap(fused).isPermutation())
    return true;
  auto generic = dyn_cast<linalg::GenericOp>(producer);
  return generic && isCopy(generic);
}

/// The default of linalg-fuse-elementwise-ops.
bool producerHasOneUse(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  return producer && producer->hasOneUse();
}

struct FuseElementwisePass
    : public quantopt::impl::FuseElementwisePassBase<FuseElementwisePass> {
  using FuseElementwisePassBase::FuseElementwisePassBase;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    linalg::populateElementwiseOpsFusionPatterns(patterns,
                                                 fuseWithoutRecomputation);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns,
                                                      producerHasOneUse);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, context);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
    context->getLoadedDialect<linalg::LinalgDialect>()
        ->getCanonicalizationPatterns(patterns);
    linalg::populateConstantFoldLinalgOperations(patterns, producerHasOneUse);
    if (failed(applyPatternsGreedily(
            getOperation(), std::move(patterns),
            GreedyRewriteConfig().setUseTopDownTraversal(true))))
      return signalPassFailure();
  }
};

} // namespace
