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

#include "quant-opt/Dialect/Qnt/IR/QntDialect.h"

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

/// The simulation of an integer target whose requantizations round in
/// `mode` (docs/Numerics.md section 11): conv2d and matmul between
/// fake-quantized operands accumulate exactly in int32, and the quantizers
/// after them requantize as the integer code does. Higher-benefit patterns
/// that fall back to the ones above where they do not apply.
void populateQntExactSimulationPatterns(RewritePatternSet &patterns,
                                        qnt::RoundingMode mode);

} // namespace quantopt
} // namespace mlir

#endif // QUANTOPT_CONVERSION_QNTTOLINALG_QNTTOLINALG_H
