//===- QntBase.td - qnt dialect, base classes, constraints -*- tablegen -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The `qnt` dialect definition, the op base class and the type constraints
// shared by all qnt ops. Element types of quantized tensors are upstream's
// `!quant.uniform` (per-tensor and per-axis); the dialect adds no types.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_DIALECT_QNT_IR_QNTBASE_TD
#define QUANTOPT_DIALECT_QNT_IR_QNTBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Qnt_Dialect : Dialect {
  let name = "qnt";
  let cppNamespace = "::mlir::qnt";
  let summary = "Neural-network ops on float and uniformly quantized tensors";
  let description = [{
    The `qnt` dialect models a neural network before and after quantization
    with one set of ops. Every NN op accepts float tensors (the float model
    and the quantization-simulation model) and tensors whose element type is
    upstream's `!quant.uniform` (the true quantized model), in the manner of
    TFLite and TOSA. The quantization ops (`qnt.quantize`, `qnt.dequantize`,
    `qnt.requantize`, `qnt.fake_quant`) move between the two worlds, and the
    annotation ops (`qnt.assume_range`, `qnt.stats`) carry range facts and
    calibration statistics in the IR so that every pass is IR-to-IR.

    The normative semantics of every op, and every verifier rule with its
    label (`conv2d_c3`, `qtype_c2`, ...), are in `docs/Numerics.md`.
  }];
  // vector: the bufferization of qnt.nontemporal_write creates vector.store.
  let dependentDialects = ["::mlir::quant::QuantDialect",
                           "::mlir::vector::VectorDialect"];
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    /// The unit attribute that marks an scf.for whose iterations are
    /// independent; qnt-parallelize-loops makes it an OpenMP loop.
    static constexpr ::llvm::StringLiteral getParallelAttrName() {
      return "qnt.parallel";
    }
    /// The #qnt.rounding attribute of a function, module or op that makes
    /// the simulation below it the exact simulation of the integer code
    /// (docs/Numerics.md section 11).
    static constexpr ::llvm::StringLiteral getRoundingAttrName() {
      return "qnt.rounding";
    }
  }];
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

// Upstream uniform quantized element types: per-tensor and per-axis. Other
// quant types (any, calibrated, sub-channel) are not qnt operands.
def Qnt_UniformQuantizedType : Type<
    CPred<"::llvm::isa<::mlir::quant::UniformQuantizedType, "
          "::mlir::quant::UniformQuantizedPerAxisType>($_self)">,
    "uniform quantized type (per-tensor or per-axis)">;

def Qnt_FloatTensor : RankedTensorOf<[AnyFloat]>;
def Qnt_QuantizedTensor : RankedTensorOf<[Qnt_UniformQuantizedType]>;
def Qnt_Tensor : RankedTensorOf<[AnyFloat, Qnt_UniformQuantizedType]>;

// An i64 attribute read back as a signed int64_t (I64Attr returns uint64_t).
def Qnt_I64Attr : TypedSignlessIntegerAttrBase<I64, "int64_t",
                                               "64-bit signless integer attribute"> {
  let convertFromStorage = "$_self.getValue().getSExtValue()";
}

//===----------------------------------------------------------------------===//
// Traits
//===----------------------------------------------------------------------===//

// Checks the quantized element types of all tensor operands and results
// (qtype_c1 .. qtype_c5) with 2..16 bit storage.
def Qnt_QuantizedTypesAreValid : NativeOpTrait<"QuantizedTypesAreValid"> {
  let cppNamespace = "::mlir::OpTrait::qnt";
}

// As above, but 32-bit accumulator storage is also allowed; the op's own
// verifier decides which operands may be accumulators.
def Qnt_AccumulatorTypesAreValid : NativeOpTrait<"AccumulatorTypesAreValid"> {
  let cppNamespace = "::mlir::OpTrait::qnt";
}

// The float form / quantized form rule shared by the NN ops (nn_c1, nn_c2).
def Qnt_UniformNumericKind : NativeOpTrait<"UniformNumericKind"> {
  let cppNamespace = "::mlir::OpTrait::qnt";
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Qnt_RoundingHalfToEven : I32EnumAttrCase<"HalfToEven", 0, "half_to_even">;
def Qnt_RoundingSingle : I32EnumAttrCase<"SingleRound", 1, "single_round">;
def Qnt_RoundingDouble : I32EnumAttrCase<"DoubleRound", 2, "double_round">;

def Qnt_RoundingModeEnum : I32EnumAttr<"RoundingMode",
    "rounding of a requantization",
    [Qnt_RoundingHalfToEven, Qnt_RoundingSingle, Qnt_RoundingDouble]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::qnt";
}

def Qnt_RoundingModeAttr : EnumAttr<Qnt_Dialect, Qnt_RoundingModeEnum,
                                    "rounding"> {
  let assemblyFormat = "`<` $value `>`";
  let summary = "How a requantization rounds (docs/Numerics.md section 3)";
}

//===----------------------------------------------------------------------===//
// Base op
//===----------------------------------------------------------------------===//

class Qnt_Op<string mnemonic, list<Trait> traits = []>
    : Op<Qnt_Dialect, mnemonic, traits>;

#endif // QUANTOPT_DIALECT_QNT_IR_QNTBASE_TD
