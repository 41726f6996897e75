//===- Logits.h - which quantizer sees the logits ---------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The paper sets the range of the last layer's output quantizer (the logits)
// by cross-entropy. qnt-calibrate keeps sample rows of the tensors such a
// quantizer sees, and qnt-set-ranges uses them; both recognise the logits
// quantizer with the predicate below.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_QNT_TRANSFORMS_LOGITS_H
#define QUANTOPT_DIALECT_QNT_TRANSFORMS_LOGITS_H

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

namespace mlir::qnt {

/// True if the result of `op` is returned by its function (a return-like
/// terminator of a function-like op uses it) or normalised by a
/// `qnt.softmax` along its last dim: the quantizer of the logits. Logit
/// vectors are the tensor's rows along its last dim.
bool isLogitsQuantizer(FakeQuantOp op);

} // namespace mlir::qnt

#endif // QUANTOPT_DIALECT_QNT_TRANSFORMS_LOGITS_H
