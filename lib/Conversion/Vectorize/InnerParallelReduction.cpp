//===- InnerParallelReduction.cpp - reductions along a vector dim -*- C++
//-*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-vectorize's third family: a linalg.generic with reduction loops whose
// innermost loop is parallel (a matmul of two activations,
// (b, h, i, k, j) with j innermost; a mean over tokens, (n, t, c) with c
// innermost). Per point of the outer parallel loops, the output row along
// j is one vector accumulator; the reduction loops run as scf.for loops in
// their order, and at each point the body is applied lane-wise to the
// accumulator, to vectors read along j (the operands indexed by j, in their
// last dim) and to broadcast scalars (the operands not indexed by j). Every
// output element thus accumulates the same terms in the same order as the
// scalar loops: bit for bit their results, for float bodies too.
//
//===----------------------------------------------------------------------===//

#include "VectorizeUtils.h"

#include "quant-opt/Dialect/Qnt/IR/QntDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace {

/// The dim of each result of a projected permutation.
SmallVector<unsigned> resultDims(AffineMap map) {
  SmallVector<unsigned> dims;
  for (AffineExpr e : map.getResults())
    dims.push_back(cast<AffineDimExpr>(e).getPosition());
  return dims;
}

} // namespace

bool mlir::quantopt::vectorize::isInnerParallelReduction(linalg::GenericOp op,
                                                         int64_t maxLanes) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() == 0 || !hasElementwiseBody(op))
    return false;
  unsigned n = op.getNumLoops();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  if (iterators.back() != utils::IteratorType::parallel)
    return false;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (ShapedType::isDynamic(ranges.back()) || ranges.back() > maxLanes)
    return false;
  for (unsigned d = 0; d < n; ++d)
    if (iterators[d] == utils::IteratorType::reduction &&
        ShapedType::isDynamic(ranges[d]))
      return false;
  for (AffineMap map : op.getIndexingMapsArray())
    if (!map.isProjectedPermutation())
      return false;
  // The output: the parallel loops in their order.
  SmallVector<unsigned> parallel;
  for (unsigned d = 0; d < n; ++d)
    if (iterators[d] == utils::IteratorType::parallel)
      parallel.push_back(d);
  OpOperand &init = op.getDpsInitsMutable()[0];
  if (resultDims(op.getMatchingIndexingMap(&init)) != parallel ||
      op.getBody()->getArguments().back().use_empty())
    return false;
  // Inputs: indexed by the innermost loop in their last dim, or not at all.
  for (OpOperand *input : op.getDpsInputOperands()) {
    SmallVector<unsigned> dims = resultDims(op.getMatchingIndexingMap(input));
    auto at = llvm::find(dims, n - 1);
    if (at != dims.end() && at != dims.end() - 1)
      return false;
  }
  return true;
}

LogicalResult mlir::quantopt::vectorize::vectorizeInnerParallelReduction(
    RewriterBase &rewriter, linalg::GenericOp op) {
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  unsigned n = op.getNumLoops();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t lanes = ranges.back();
  SmallVector<OpFoldResult> sizes;
  for (Range r : cast<linalg::LinalgOp>(op.getOperation())
                     .createLoopRanges(rewriter, loc))
    sizes.push_back(r.size);
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  Value out = op.getDpsInits()[0];
  Type outType = getElementTypeOrSelf(out.getType());
  // ivs[d]: the induction variable of loop d (the innermost: 0).
  SmallVector<Value> ivs(n, zero);
  auto indicesOf = [&](AffineMap map) {
    SmallVector<Value> indices;
    for (unsigned d : resultDims(map))
      indices.push_back(ivs[d]);
    return indices;
  };
  auto bound = [&](OpBuilder &b, unsigned d) {
    return getValueOrCreateConstantIndexOp(b, loc, sizes[d]);
  };

  // The reduction loops, innermost last, around the body on vectors.
  std::function<Value(OpBuilder &, unsigned, Value)> reduce =
      [&](OpBuilder &b, unsigned d, Value acc) -> Value {
    while (d < n - 1 && iterators[d] != utils::IteratorType::reduction)
      ++d;
    if (d == n - 1) {
      SmallVector<Value> args;
      for (OpOperand *input : op.getDpsInputOperands()) {
        AffineMap map = op.getMatchingIndexingMap(input);
        Type type = getElementTypeOrSelf(input->get().getType());
        if (map.isFunctionOfDim(n - 1)) {
          Value pad = arith::ConstantOp::create(b, loc, b.getZeroAttr(type));
          args.push_back(vector::TransferReadOp::create(
              b, loc, VectorType::get({lanes}, type), input->get(),
              indicesOf(map), pad, ArrayRef<bool>{true}));
        } else {
          args.push_back(
              tensor::ExtractOp::create(b, loc, input->get(), indicesOf(map)));
        }
      }
      args.push_back(acc);
      return cloneBodyOnVectors(b, loc, op, args, lanes).front();
    }
    auto loop = scf::ForOp::create(
        b, loc, zero, bound(b, d), one, ValueRange{acc},
        [&](OpBuilder &nb, Location l, Value iv, ValueRange iterArgs) {
          ivs[d] = iv;
          scf::YieldOp::create(nb, l, reduce(nb, d + 1, iterArgs[0]));
        });
    return loop.getResult(0);
  };
  linalg::FillOp fill;
  // The outer parallel loops (independent: marked qnt.parallel), each
  // writing one output row.
  AffineMap outMap = op.getMatchingIndexingMap(&op.getDpsInitsMutable()[0]);
  std::function<Value(OpBuilder &, unsigned, Value)> rows =
      [&](OpBuilder &b, unsigned d, Value dest) -> Value {
    while (d < n - 1 && iterators[d] != utils::IteratorType::parallel)
      ++d;
    if (d == n - 1) {
      // The row's start: the fill value, or the row of the output, read
      // from `dest` before this point writes it (rows are disjoint), so
      // that bufferization needs no copy of the output.
      Value acc;
      if (fill) {
        acc = asVector(b, loc, fill.getInputs()[0], lanes);
      } else {
        Value pad = arith::ConstantOp::create(b, loc, b.getZeroAttr(outType));
        acc = vector::TransferReadOp::create(
            b, loc, VectorType::get({lanes}, outType), dest, indicesOf(outMap),
            pad, ArrayRef<bool>{true});
      }
      acc = reduce(b, 0, acc);
      return vector::TransferWriteOp::create(
                 b, loc, acc, dest, indicesOf(outMap), ArrayRef<bool>{true})
          .getResult();
    }
    auto loop = scf::ForOp::create(
        b, loc, zero, bound(b, d), one, ValueRange{dest},
        [&](OpBuilder &nb, Location l, Value iv, ValueRange iterArgs) {
          ivs[d] = iv;
          scf::YieldOp::create(nb, l, rows(nb, d + 1, iterArgs[0]));
        });
    loop->setAttr(qnt::QntDialect::getParallelAttrName(), b.getUnitAttr());
    return loop.getResult(0);
  };
  // A linalg.fill output is not materialized: the accumulators start from
  // its value and the rows are written into its destination.
  fill = out.getDefiningOp<linalg::FillOp>();
  if (fill && !isa<VectorType>(fill.getInputs()[0].getType()) &&
      fill.getInputs()[0].getType() == outType)
    out = fill.getDpsInits()[0];
  else
    fill = nullptr;
  Value result = rows(rewriter, 0, out);
  rewriter.replaceOp(op, result);
  return success();
}
