//===- ParallelizeLoops.cpp - the loops that run on several threads -------===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-parallelize-loops: marked scf.for -> scf.parallel, perfect nests of
// them merged; nested and small scf.parallel -> sequential loops. What is left
// as scf.parallel becomes an OpenMP parallel loop (convert-scf-to-openmp) in
// qnt-lower-to-llvm.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Conversion/Passes.h"
#include "quant-opt/Dialect/Qnt/IR/QntDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::quantopt {
#define GEN_PASS_DEF_PARALLELIZELOOPSPASS
#include "quant-opt/Conversion/Passes.h.inc"
} // namespace mlir::quantopt

using namespace mlir;

namespace {

constexpr StringLiteral kParallelAttr = qnt::QntDialect::getParallelAttrName();

/// True if every iter_arg of `loop` is yielded unchanged (a buffer the
/// loop writes through, as bufferization leaves a tensor loop-carried value).
bool onlyPassThroughResults(scf::ForOp loop) {
  auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
  return llvm::all_of(
      llvm::zip(yield.getOperands(), loop.getRegionIterArgs()),
      [](auto pair) { return std::get<0>(pair) == std::get<1>(pair); });
}

/// The scf.parallel running the iterations of `loop` (marked, results only
/// passed through).
void forToParallel(RewriterBase &rewriter, scf::ForOp loop) {
  for (auto [init, result] : llvm::zip(loop.getInitArgs(), loop.getResults()))
    rewriter.replaceAllUsesWith(result, init);
  rewriter.setInsertionPoint(loop);
  auto parallel = scf::ParallelOp::create(
      rewriter, loop.getLoc(), ValueRange{loop.getLowerBound()},
      ValueRange{loop.getUpperBound()}, ValueRange{loop.getStep()});
  Block *body = parallel.getBody();
  // The new body ends in scf.reduce; the old one in scf.yield.
  rewriter.eraseOp(loop.getBody()->getTerminator());
  // The block's arguments: the induction variable, then the iter_args
  // (unused by now).
  SmallVector<Value> arguments{body->getArgument(0)};
  llvm::append_range(arguments, loop.getInitArgs());
  rewriter.inlineBlockBefore(loop.getBody(), body->getTerminator(), arguments);
  rewriter.eraseOp(loop);
}

/// The trip count of one loop dimension if it is known at compile time.
std::optional<uint64_t> staticTripCount(Value lowerBound, Value upperBound,
                                        Value step) {
  std::optional<int64_t> l = getConstantIntValue(lowerBound),
                         u = getConstantIntValue(upperBound),
                         s = getConstantIntValue(step);
  if (!l || !u || !s || *s <= 0)
    return std::nullopt;
  return std::max<int64_t>(0, llvm::divideCeil(*u - *l, *s));
}

/// True if some dimension of `loop` has a trip count known only at run time
/// (the batch).
bool hasDynamicTripCount(scf::ParallelOp loop) {
  return llvm::any_of(
      llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep()),
      [](auto dim) {
        auto [lb, ub, step] = dim;
        return !staticTripCount(lb, ub, step);
      });
}

/// The trip count of one loop dimension; a dynamic count (the batch) is 1.
uint64_t tripCount(Value lowerBound, Value upperBound, Value step) {
  return staticTripCount(lowerBound, upperBound, step).value_or(1);
}

/// The work of a loop nest: an estimate of the operations it executes,
/// each op of a loop body counted once per iteration (a vector op as one),
/// with dynamic trip counts taken as 1 (the work of one image).
uint64_t estimateWork(Operation *loop) {
  uint64_t trips = 1;
  if (auto forOp = dyn_cast<scf::ForOp>(loop))
    trips = tripCount(forOp.getLowerBound(), forOp.getUpperBound(),
                      forOp.getStep());
  else if (auto parallel = dyn_cast<scf::ParallelOp>(loop))
    for (auto [lb, ub, step] :
         llvm::zip(parallel.getLowerBound(), parallel.getUpperBound(),
                   parallel.getStep()))
      trips = llvm::SaturatingMultiply(trips, tripCount(lb, ub, step));
  uint64_t body = 0;
  loop->walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (op == loop)
      return WalkResult::advance();
    if (isa<scf::ForOp, scf::ParallelOp>(op)) {
      body = llvm::SaturatingAdd(body, estimateWork(op));
      return WalkResult::skip();
    }
    if (!op->hasTrait<OpTrait::IsTerminator>())
      body = llvm::SaturatingAdd(body, uint64_t{1});
    return WalkResult::advance();
  });
  return llvm::SaturatingMultiply(trips, body);
}

/// The leading dimensions of `loop` that stay parallel: up to the first
/// whose static trip counts multiply to kMinChunks (dynamic counts as 1),
/// all if none does. The others run as sequential loops inside each chunk,
/// where LLVM vectorizes them (or makes memset/memcpy of them): OpenMP
/// splits a multi-dimensional loop by its linearized index, and recovers
/// every dimension's index from it by division in every iteration.
constexpr uint64_t kMinChunks = 8;
unsigned numParallelDims(scf::ParallelOp loop) {
  uint64_t chunks = 1;
  for (auto [i, dim] : llvm::enumerate(llvm::zip(
           loop.getLowerBound(), loop.getUpperBound(), loop.getStep()))) {
    auto [lb, ub, step] = dim;
    chunks = llvm::SaturatingMultiply(chunks, tripCount(lb, ub, step));
    if (chunks >= kMinChunks)
      return i + 1;
  }
  return loop.getNumLoops();
}

struct ParallelizeLoopsPass
    : public quantopt::impl::ParallelizeLoopsPassBase<ParallelizeLoopsPass> {
  using Base::Base;

  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<scf::ForOp> marked;
    getOperation()->walk([&](scf::ForOp loop) {
      if (loop->hasAttr(kParallelAttr))
        marked.push_back(loop);
    });
    // Post-order, inner loops first: once an inner loop passes its buffer
    // through, so does the loop around it.
    for (scf::ForOp loop : marked)
      if (onlyPassThroughResults(loop))
        forToParallel(rewriter, loop);
    // Perfectly nested parallel loops (marked loops over images, then
    // channels) become one multi-dimensional loop, split as a whole.
    RewritePatternSet patterns(&getContext());
    scf::ParallelOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();

    // Pre-order: an outer loop is decided before the loops inside it.
    SmallVector<scf::ParallelOp> sequential;
    SmallVector<std::pair<scf::ParallelOp, uint64_t>> versioned;
    getOperation()->walk<WalkOrder::PreOrder>([&](scf::ParallelOp loop) {
      if (loop.getNumResults() != 0)
        return;
      if (loop->getParentOfType<scf::ParallelOp>()) {
        sequential.push_back(loop);
        return;
      }
      uint64_t work = estimateWork(loop);
      if (work >= static_cast<uint64_t>(minWork))
        return;
      if (work != 0 && hasDynamicTripCount(loop))
        versioned.emplace_back(loop, work);
      else
        sequential.push_back(loop);
    });
    // Innermost first: making an outer loop sequential moves its body.
    for (scf::ParallelOp loop : llvm::reverse(sequential))
      if (failed(makeSequential(rewriter, loop)))
        return signalPassFailure();
    for (auto [loop, work] : versioned)
      if (failed(versionOnTripCount(rewriter, loop, work)))
        return signalPassFailure();
    SmallVector<scf::ParallelOp> outermost;
    getOperation()->walk([&](scf::ParallelOp loop) {
      if (loop.getNumResults() == 0 &&
          !loop->getParentOfType<scf::ParallelOp>())
        outermost.push_back(loop);
    });
    for (scf::ParallelOp loop : outermost)
      if (failed(keepLeadingDims(rewriter, loop, numParallelDims(loop))))
        return signalPassFailure();
  }

  /// Rewrites `loop` as an scf.parallel over its first `keep` dimensions
  /// around sequential loops over the others.
  static LogicalResult keepLeadingDims(RewriterBase &rewriter,
                                       scf::ParallelOp loop, unsigned keep) {
    if (keep >= loop.getNumLoops())
      return success();
    Location loc = loop.getLoc();
    rewriter.setInsertionPoint(loop);
    auto outer = scf::ParallelOp::create(
        rewriter, loc, loop.getLowerBound().take_front(keep),
        loop.getUpperBound().take_front(keep), loop.getStep().take_front(keep));
    rewriter.setInsertionPointToStart(outer.getBody());
    auto inner = scf::ParallelOp::create(
        rewriter, loc, loop.getLowerBound().drop_front(keep),
        loop.getUpperBound().drop_front(keep), loop.getStep().drop_front(keep));
    // The old body, with its scf.reduce, replaces the new inner one.
    rewriter.eraseOp(inner.getBody()->getTerminator());
    SmallVector<Value> ivs(outer.getInductionVars());
    llvm::append_range(ivs, inner.getInductionVars());
    rewriter.mergeBlocks(loop.getBody(), inner.getBody(), ivs);
    rewriter.eraseOp(loop);
    return makeSequential(rewriter, inner);
  }

  /// Rewrites `loop` as nested scf.for loops in place.
  static LogicalResult makeSequential(RewriterBase &rewriter,
                                      scf::ParallelOp loop) {
    rewriter.setInsertionPoint(loop);
    if (succeeded(scf::parallelForToNestedFors(rewriter, loop)))
      return success();
    return loop.emitOpError("could not be made sequential");
  }

  /// Splits `loop`, whose work per iteration of its dynamic dimensions is
  /// `work`, into `scf.if (trips >= ceil(min-work / work))` over the
  /// parallel loop and a sequential copy: the batch decides at run time.
  LogicalResult versionOnTripCount(RewriterBase &rewriter, scf::ParallelOp loop,
                                   uint64_t work) {
    Location loc = loop.getLoc();
    rewriter.setInsertionPoint(loop);
    Value trips;
    for (auto [lb, ub, step] : llvm::zip(
             loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
      if (staticTripCount(lb, ub, step))
        continue;
      Value count = arith::CeilDivSIOp::create(
          rewriter, loc, arith::SubIOp::create(rewriter, loc, ub, lb), step);
      trips =
          trips ? arith::MulIOp::create(rewriter, loc, trips, count) : count;
    }
    uint64_t needed = llvm::divideCeil(static_cast<uint64_t>(minWork), work);
    Value threshold = arith::ConstantIndexOp::create(
        rewriter, loc,
        static_cast<int64_t>(std::min<uint64_t>(needed, INT64_MAX)));
    Value enough = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::sge, trips, threshold);
    auto branch = scf::IfOp::create(rewriter, loc, TypeRange{}, enough,
                                    /*withElseRegion=*/true);
    rewriter.moveOpBefore(loop, branch.thenBlock()->getTerminator());
    rewriter.setInsertionPoint(branch.elseBlock()->getTerminator());
    auto copy = cast<scf::ParallelOp>(rewriter.clone(*loop));
    return makeSequential(rewriter, copy);
  }
};

} // namespace
