//===- QntDialect.h - qnt dialect --------------------------------*- C++
//-*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The qnt dialect, its enums and attributes.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_QNT_IR_QNTDIALECT_H
#define QUANTOPT_DIALECT_QNT_IR_QNTDIALECT_H

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Dialect.h"

#include "quant-opt/Dialect/Qnt/IR/QntOpsDialect.h.inc"

#include "quant-opt/Dialect/Qnt/IR/QntEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "quant-opt/Dialect/Qnt/IR/QntAttrs.h.inc"

#include <optional>

namespace mlir::qnt {

/// The rounding of the integer code that the simulation of `op` mirrors:
/// the `qnt.rounding` attribute (QntDialect::getRoundingAttrName()) of `op`
/// or of its innermost ancestor that has one; none: the float simulation
/// (docs/Numerics.md section 11).
std::optional<RoundingMode> getSimulationRounding(Operation *op);

} // namespace mlir::qnt

#endif // QUANTOPT_DIALECT_QNT_IR_QNTDIALECT_H
