//===- InitAll.h - register every quant-opt dialect and pass ----*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// One place that lists what quant-opt adds to MLIR; the tools and the
// mlir-opt plugin call these.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_INITALL_H
#define QUANTOPT_INITALL_H

#include "quant-opt/Analysis/Passes.h"
#include "quant-opt/Calibration/Passes.h"
#include "quant-opt/Conversion/Passes.h"
#include "quant-opt/Dialect/Qnt/IR/QntDialect.h"
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h"
#include "quant-opt/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"

namespace mlir::quantopt {

/// The project's dialects (and the upstream ones their types need).
inline void registerAllDialects(DialectRegistry &registry) {
  registry.insert<qnt::QntDialect, quant::QuantDialect>();
}

/// The project's passes and pipelines.
inline void registerAllPasses() {
  qnt::registerQntPasses();
  qnt::registerQntAnalysisPasses();
  qnt::registerQntCalibrationPasses();
  registerQuantOptConversionPasses();
  registerQuantOptPipelines();
}

/// What the tools register: every upstream dialect, extension and pass (the
/// lowering pipelines and bufferization need them) plus the project's.
inline void registerAllToolDialects(DialectRegistry &registry) {
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  quantopt::registerAllDialects(registry);
}
inline void registerAllToolPasses() {
  mlir::registerAllPasses();
  quantopt::registerAllPasses();
}

} // namespace mlir::quantopt

#endif // QUANTOPT_INITALL_H
