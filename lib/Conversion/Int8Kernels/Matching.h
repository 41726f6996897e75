//===- Matching.h - matchers shared by the int8 kernel rewrites -*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// What qnt-lower-int8-kernels recognizes in the output of
// convert-qnt-to-fixed-point, and the fused epilogue, shared by the GEMM
// rewrites (LowerInt8Kernels.cpp, MicroKernels.cpp) and the depthwise conv
// kernel (Depthwise.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_CONVERSION_INT8KERNELS_MATCHING_H
#define QUANTOPT_LIB_CONVERSION_INT8KERNELS_MATCHING_H

#include "MicroKernels.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::quantopt::int8kernels {

/// The body `acc + ext(x) * ext(w)` with i8 x and w: their signedness.
struct MacSignedness {
  bool input;
  bool weight;
};
std::optional<MacSignedness> matchMacBody(linalg::GenericOp generic);

/// The constant integers of `value` (an arith.constant), read with
/// `isSigned`, if they all fit in s8.
std::optional<SmallVector<int64_t>> readWeights(Value value, bool isSigned);

/// (stride, dilation) if `expr` is `out * stride + kernel * dilation` over
/// `numDims` dims.
std::optional<std::pair<int64_t, int64_t>>
matchWindow(AffineExpr expr, unsigned numDims, unsigned out, unsigned kernel);

/// The operands of a conv's window multiply-accumulate: NCHW input and
/// accumulators with static C, H and W (the batch may be dynamic) and
/// static 4-D weights.
struct ConvOperands {
  Value input, weights, init;
  RankedTensorType inputType, weightsType, initType;
};
/// `generic`'s (input, weights, init) if it has two inputs and they and its
/// init have those types.
std::optional<ConvOperands> matchConvOperands(linalg::GenericOp generic);

/// An scf.for over [0, count) threading one tensor through `body` (the
/// builder, the induction variable, the tensor); `parallel` marks it
/// qnt.parallel (independent iterations, for qnt-parallelize-loops).
Value forEach(OpBuilder &b, Location loc, Value count, Value init,
              function_ref<Value(OpBuilder &, Value, Value)> body,
              bool parallel = false);

/// A constant tensor of `shape` with `width`-bit integer `values`.
Value intConstant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  unsigned width, ArrayRef<int64_t> values);

/// The per-channel start of the accumulators if `init` is a constant
/// broadcast along dim 1 (a linalg.generic broadcasting a constant 1-D
/// tensor of `channels` values, or a linalg.fill with a constant).
std::optional<SmallVector<int64_t>> matchChannelBroadcast(Value init,
                                                          int64_t channels);

/// The element-wise consumer of a kernel's accumulators (the requantization,
/// a dequantization) that the kernels apply in registers.
struct FusedEpilogue {
  linalg::GenericOp op;
  SmallVector<Value> channelInputs;
};

/// The only user of `generic`'s result besides tensor.dim ops, if it is an
/// element-wise linalg.generic over the accumulators (first input, identity
/// map) and 1-D per-channel tensors (`channels` values along `channelDim`)
/// whose body isVectorizableEpilogue.
std::optional<FusedEpilogue>
matchEpilogue(linalg::GenericOp generic, int64_t channelDim, int64_t channels);

/// Replaces `generic` by `result`, the kernel's; with a fused `epilogue`,
/// replaces `epilogue.op` by it and removes `generic` (its tensor.dim users
/// read `init`, which has its shape).
void replaceGeneric(RewriterBase &rewriter, linalg::GenericOp generic,
                    const std::optional<FusedEpilogue> &epilogue, Value init,
                    Value result);

/// Erases `init`, a per-channel broadcast the kernel folded into its
/// accumulators, and the constants it read, once nothing uses them.
void eraseDeadBroadcast(RewriterBase &rewriter, Value init);

/// Applies the fused epilogue `body` lane-wise to vectors of `lanes`
/// (Epilogue.cpp): `mapping` maps its arguments to vectors (the accumulators,
/// the values of the per-channel tensors `channelInputs`); the scalars it
/// uses from outside are broadcast. A clamp to integral bounds before
/// fptosi is rounded by llvm.intr.lrint (vcvtps2dq) instead of roundeven +
/// fptosi. Returns the yielded vector.
Value applyEpilogueLanes(OpBuilder &b, Location loc, Block &body,
                         ValueRange channelInputs, IRMapping &mapping,
                         int64_t lanes);

/// Rewrites a depthwise conv (the `(n, c, kh, kw, oh, ow)` window
/// multiply-accumulate of convert-qnt-to-fixed-point with constant weights
/// and a constant per-channel start) into the vpdpbusd kernel of
/// Depthwise.cpp; fails (and changes nothing) for other ops and targets.
LogicalResult rewriteDepthwiseConv(RewriterBase &rewriter,
                                   linalg::GenericOp generic,
                                   const KernelShape &shape);

} // namespace mlir::quantopt::int8kernels

#endif // QUANTOPT_LIB_CONVERSION_INT8KERNELS_MATCHING_H
