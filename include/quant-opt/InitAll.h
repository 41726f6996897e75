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

#include "quant-opt/Dialect/Qnt/IR/QntDialect.h"
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"

namespace mlir::quantopt {

/// The project's dialects (and the upstream ones their types need).
inline void registerAllDialects(DialectRegistry &registry) {
  registry.insert<qnt::QntDialect, quant::QuantDialect>();
}

/// The project's passes and pipelines.
inline void registerAllPasses() { qnt::registerQntPasses(); }

} // namespace mlir::quantopt

#endif // QUANTOPT_INITALL_H
