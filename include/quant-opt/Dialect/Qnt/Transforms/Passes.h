//===- Passes.h - qnt transformation passes ----------------------*- C++
//-*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Declarations and registration of the passes in Passes.td.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_QNT_TRANSFORMS_PASSES_H
#define QUANTOPT_DIALECT_QNT_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::qnt {

/// The quantizers a pass acts on.
enum class QuantizerKind { All, Weights, Activations };

#define GEN_PASS_DECL
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h.inc"

} // namespace mlir::qnt

#endif // QUANTOPT_DIALECT_QNT_TRANSFORMS_PASSES_H
