//===- QntToLinalg.h - float-form qnt ops to linalg --------------*- C++
//-*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Patterns that lower float-form qnt ops to linalg/tensor/arith/math, one
// populate function per op family.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_CONVERSION_QNTTOLINALG_QNTTOLINALG_H
#define QUANTOPT_CONVERSION_QNTTOLINALG_QNTTOLINALG_H

namespace mlir {
class RewritePatternSet;

namespace quantopt {

/// conv2d, matmul, batch_norm.
void populateQntLinearToLinalgPatterns(RewritePatternSet &patterns);
/// Element-wise ops, activations and fake_quant.
void populateQntElementwiseToLinalgPatterns(RewritePatternSet &patterns);
/// max/avg/global pools and reduce_mean.
void populateQntPoolingToLinalgPatterns(RewritePatternSet &patterns);
/// softmax and layer_norm.
void populateQntNormalizationToLinalgPatterns(RewritePatternSet &patterns);
/// concat, reshape, transpose, slice, and the annotation ops.
void populateQntDataMovementToTensorPatterns(RewritePatternSet &patterns);

/// All of the above.
void populateQntToLinalgConversionPatterns(RewritePatternSet &patterns);

} // namespace quantopt
} // namespace mlir

#endif // QUANTOPT_CONVERSION_QNTTOLINALG_QNTTOLINALG_H
