//===- Passes.h - passes that materialise analyses --------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Declarations and registration of the passes in Passes.td: they write the
// results of the analyses in this folder into the IR as attributes.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_ANALYSIS_PASSES_H
#define QUANTOPT_ANALYSIS_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::qnt {

#define GEN_PASS_DECL
#include "quant-opt/Analysis/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "quant-opt/Analysis/Passes.h.inc"

} // namespace mlir::qnt

#endif // QUANTOPT_ANALYSIS_PASSES_H
