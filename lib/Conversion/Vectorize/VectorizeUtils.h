//===- VectorizeUtils.h - helpers shared by qnt-vectorize's files -*- C++
//-*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The lane-wise body cloning of qnt-vectorize (Vectorize.cpp), used by its
// window reductions and by the inner-parallel reductions of
// InnerParallelReduction.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_CONVERSION_VECTORIZE_VECTORIZEUTILS_H
#define QUANTOPT_LIB_CONVERSION_VECTORIZE_VECTORIZEUTILS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::quantopt::vectorize {

/// True if every op of the body (but the yield) computes lane by lane: an
/// element-wise op without regions, or a constant.
bool hasElementwiseBody(linalg::GenericOp op);

/// `value` as a vector of `lanes` elements: itself if it is one, else
/// broadcast.
Value asVector(OpBuilder &b, Location loc, Value value, int64_t lanes);

/// Clones the body of `op` lane-wise: block argument i is `args[i]` (a
/// vector of `lanes`, or a scalar that is broadcast when used with
/// vectors). Returns the yielded values.
SmallVector<Value> cloneBodyOnVectors(OpBuilder &b, Location loc,
                                      linalg::GenericOp op, ValueRange args,
                                      int64_t lanes);

/// True if `op` is a reduction whose innermost loop is parallel, static and
/// at most `maxLanes` long and indexes the output's last dim, with static
/// reduction loops and projected-permutation maps (inputs indexed by the
/// innermost loop only in their last dim): the attention's matmuls of two
/// activations, a global average pool over tokens.
bool isInnerParallelReduction(linalg::GenericOp op, int64_t maxLanes);

/// Vector code for such an op: per point of the outer parallel loops, one
/// vector accumulator of the innermost loop's length, updated by the body
/// for every point of the reduction loops, in the scalar loops' order.
LogicalResult vectorizeInnerParallelReduction(RewriterBase &rewriter,
                                              linalg::GenericOp op);

} // namespace mlir::quantopt::vectorize

#endif // QUANTOPT_LIB_CONVERSION_VECTORIZE_VECTORIZEUTILS_H
