//===- QntDialect.cpp - qnt dialect registration ----------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Registers the qnt ops and attributes, and materializes folded constants.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Dialect/Qnt/IR/QntDialect.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::qnt;

#include "quant-opt/Dialect/Qnt/IR/QntOpsDialect.cpp.inc"

#include "quant-opt/Dialect/Qnt/IR/QntEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "quant-opt/Dialect/Qnt/IR/QntAttrs.cpp.inc"

void QntDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "quant-opt/Dialect/Qnt/IR/QntOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "quant-opt/Dialect/Qnt/IR/QntAttrs.cpp.inc"
      >();
}

std::optional<RoundingMode> mlir::qnt::getSimulationRounding(Operation *op) {
  for (Operation *p = op; p; p = p->getParentOp())
    if (auto attr = p->getAttrOfType<RoundingModeAttr>(
            QntDialect::getRoundingAttrName()))
      return attr.getValue();
  return std::nullopt;
}
