//===- Passes.h - calibration passes ----------------------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Declarations and registration of the passes in Passes.td: they run the
// float model on calibration data and record what they observe in the IR.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_CALIBRATION_PASSES_H
#define QUANTOPT_CALIBRATION_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::qnt {

#define GEN_PASS_DECL
#include "quant-opt/Calibration/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "quant-opt/Calibration/Passes.h.inc"

} // namespace mlir::qnt

#endif // QUANTOPT_CALIBRATION_PASSES_H
