//===- QntOps.h - qnt dialect ops --------------------------------*- C++
//-*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The qnt ops and the op traits they use.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_QNT_IR_QNTOPS_H
#define QUANTOPT_DIALECT_QNT_IR_QNTOPS_H

#include "quant-opt/Dialect/Qnt/IR/QntDialect.h"
#include "quant-opt/Dialect/Qnt/IR/QntTraits.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "quant-opt/Dialect/Qnt/IR/QntOps.h.inc"

namespace mlir::qnt {

/// A unit attribute qnt-lower-int8-kernels puts on an scf.for whose body
/// makes non-temporal stores (qnt.nontemporal_write);
/// convert-qnt-intrinsics-to-llvm ends each of its iterations with a fence.
inline constexpr StringLiteral kNontemporalFenceAttr = "qnt.nontemporal_fence";

/// Replaces every annotation (qnt.assume_range, qnt.stats) nested in `root`
/// by its input: they are the identity at run time (Numerics.md section 9),
/// and a pass that matches chains of ops should not see them in the way.
void eraseAnnotations(Operation *root);

} // namespace mlir::qnt

#endif // QUANTOPT_DIALECT_QNT_IR_QNTOPS_H
