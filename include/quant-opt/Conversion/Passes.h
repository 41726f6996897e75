//===- Passes.h - quant-opt conversion passes --------------------*- C++
//-*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_CONVERSION_PASSES_H
#define QUANTOPT_CONVERSION_PASSES_H

#include "quant-opt/Conversion/QntToFixedPoint/QntToFixedPoint.h"
#include "quant-opt/Conversion/QntToLinalg/QntToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlir::quantopt {

#define GEN_PASS_DECL
#include "quant-opt/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "quant-opt/Conversion/Passes.h.inc"

} // namespace mlir::quantopt

#endif // QUANTOPT_CONVERSION_PASSES_H
