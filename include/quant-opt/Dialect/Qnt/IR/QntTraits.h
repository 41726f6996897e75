//===- QntTraits.h - op traits of the qnt dialect ----------------*- C++
//-*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Traits that check the rules every qnt op shares: valid quantized element
// types (qtype_c*) and the float-form / quantized-form rule of NN ops
// (nn_c*). The checks themselves live in QuantTypeUtils.h.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_QNT_IR_QNTTRAITS_H
#define QUANTOPT_DIALECT_QNT_IR_QNTTRAITS_H

#include "quant-opt/Dialect/Qnt/IR/QuantTypeUtils.h"

#include "mlir/IR/OpDefinition.h"

namespace mlir::OpTrait::qnt {

/// Every quantized operand and result type is valid with 2..16 bit storage.
template <typename ConcreteType>
class QuantizedTypesAreValid
    : public TraitBase<ConcreteType, QuantizedTypesAreValid> {
public:
  static LogicalResult verifyTrait(Operation *op) {
    return ::mlir::qnt::verifyOperandAndResultQuantTypes(
        op, /*allowAccumulator=*/false);
  }
};

/// As QuantizedTypesAreValid, but 32-bit accumulator storage is accepted.
template <typename ConcreteType>
class AccumulatorTypesAreValid
    : public TraitBase<ConcreteType, AccumulatorTypesAreValid> {
public:
  static LogicalResult verifyTrait(Operation *op) {
    return ::mlir::qnt::verifyOperandAndResultQuantTypes(
        op, /*allowAccumulator=*/true);
  }
};

/// Operands and results are all float of one type, or all quantized with
/// one expressed type.
template <typename ConcreteType>
class UniformNumericKind : public TraitBase<ConcreteType, UniformNumericKind> {
public:
  static LogicalResult verifyTrait(Operation *op) {
    return ::mlir::qnt::verifyUniformNumericKind(op);
  }
};

} // namespace mlir::OpTrait::qnt

#endif // QUANTOPT_DIALECT_QNT_IR_QNTTRAITS_H
