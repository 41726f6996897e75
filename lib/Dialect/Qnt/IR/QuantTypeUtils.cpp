//===- QuantTypeUtils.cpp - helpers for !quant.uniform types ----*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The quantized-type rules shared by all qnt ops. Rule labels refer to
// docs/Numerics.md.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Dialect/Qnt/IR/QuantTypeUtils.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qnt;

quant::QuantizedType mlir::qnt::getUniformQuantizedElementType(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    type = shaped.getElementType();
  if (isa<quant::UniformQuantizedType, quant::UniformQuantizedPerAxisType>(
          type))
    return cast<quant::QuantizedType>(type);
  return {};
}

bool mlir::qnt::isQuantizedTensor(Type type) {
  return isa<TensorType>(type) && getUniformQuantizedElementType(type);
}

bool mlir::qnt::isAccumulatorType(quant::QuantizedType type) {
  return type && type.getStorageTypeIntegralWidth() == kAccumulatorBits;
}

std::optional<int32_t>
mlir::qnt::getQuantizedDimension(quant::QuantizedType type) {
  if (auto perAxis =
          dyn_cast_if_present<quant::UniformQuantizedPerAxisType>(type))
    return perAxis.getQuantizedDimension();
  return std::nullopt;
}

SmallVector<double> mlir::qnt::getScales(quant::QuantizedType type) {
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(type))
    return llvm::to_vector(perAxis.getScales());
  return {cast<quant::UniformQuantizedType>(type).getScale()};
}

SmallVector<int64_t> mlir::qnt::getZeroPoints(quant::QuantizedType type) {
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(type))
    return llvm::to_vector(perAxis.getZeroPoints());
  return {cast<quant::UniformQuantizedType>(type).getZeroPoint()};
}

LogicalResult mlir::qnt::verifyQuantizedTensorType(
    function_ref<InFlightDiagnostic()> emitError, Type type, StringRef what,
    bool allowAccumulator) {
  quant::QuantizedType qtype = getUniformQuantizedElementType(type);
  if (!qtype)
    return success();

  // qtype_c3: 2..16 bit storage; 32 bits only where accumulators may appear.
  unsigned width = qtype.getStorageTypeIntegralWidth();
  bool accumulator = width == kAccumulatorBits;
  if (accumulator && !allowAccumulator)
    return emitError() << what
                       << " has 32-bit storage, which only conv2d/matmul "
                          "accumulators may have; activations and weights "
                          "have 2 to 16 bits (qtype_c3)";
  if (!accumulator && (width < kMinStorageBits || width > kMaxStorageBits))
    return emitError() << what << " has " << width
                       << "-bit storage; qnt supports 2 to 16 bits (and "
                          "32-bit accumulators) (qtype_c3)";

  SmallVector<double> scales = getScales(qtype);
  SmallVector<int64_t> zeroPoints = getZeroPoints(qtype);

  // qtype_c1: every scale is positive and finite.
  for (double scale : scales)
    if (!(scale > 0.0) || !std::isfinite(scale))
      return emitError() << what << " has scale " << scale
                         << "; scales must be positive and finite (qtype_c1)";

  // acc_c1: an accumulator is signed full-range int32 with zero point 0.
  if (accumulator) {
    if (!qtype.isSigned() ||
        qtype.getStorageTypeMin() != qtype.getDefaultMinimumForInteger(
                                         /*isSigned=*/true, kAccumulatorBits) ||
        qtype.getStorageTypeMax() != qtype.getDefaultMaximumForInteger(
                                         /*isSigned=*/true, kAccumulatorBits))
      return emitError() << what
                         << " is a 32-bit accumulator, which must be signed "
                            "full-range i32 (acc_c1)";
    if (llvm::any_of(zeroPoints, [](int64_t z) { return z != 0; }))
      return emitError() << what
                         << " is a 32-bit accumulator, whose zero point must "
                            "be 0 (acc_c1)";
  }

  // qtype_c2: zero points inside the storage range.
  for (int64_t zp : zeroPoints)
    if (zp < qtype.getStorageTypeMin() || zp > qtype.getStorageTypeMax())
      return emitError() << what << " has zero point " << zp
                         << " outside its storage range ["
                         << qtype.getStorageTypeMin() << ", "
                         << qtype.getStorageTypeMax() << "] (qtype_c2)";

  if (std::optional<int32_t> axis = getQuantizedDimension(qtype)) {
    auto shaped = dyn_cast<ShapedType>(type);
    if (!shaped)
      return emitError() << what
                         << " is a per-axis quantized scalar (qtype_c4)";
    // qtype_c4: the quantized dimension exists.
    if (*axis < 0 || *axis >= shaped.getRank())
      return emitError() << what << " is quantized along dimension " << *axis
                         << " but has rank " << shaped.getRank()
                         << " (qtype_c4)";
    // qtype_c5: one scale per element of that dimension.
    int64_t dim = shaped.getDimSize(*axis);
    if (!ShapedType::isDynamic(dim) &&
        dim != static_cast<int64_t>(scales.size()))
      return emitError() << what << " has " << scales.size()
                         << " scales for dimension " << *axis << " of size "
                         << dim << " (qtype_c5)";
  }
  return success();
}

LogicalResult
mlir::qnt::verifyOperandAndResultQuantTypes(Operation *op,
                                            bool allowAccumulator) {
  auto emitError = [op] { return op->emitOpError(); };
  for (auto [i, type] : llvm::enumerate(op->getOperandTypes()))
    if (failed(verifyQuantizedTensorType(
            emitError, type, ("operand #" + Twine(i)).str(), allowAccumulator)))
      return failure();
  for (auto [i, type] : llvm::enumerate(op->getResultTypes()))
    if (failed(verifyQuantizedTensorType(
            emitError, type,
            op->getNumResults() == 1 ? "result" : ("result #" + Twine(i)).str(),
            allowAccumulator)))
      return failure();
  return success();
}

LogicalResult mlir::qnt::verifyUniformNumericKind(Operation *op) {
  Type floatType, expressedType;
  bool sawFloat = false, sawQuantized = false;
  for (Type type :
       llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes())) {
    auto shaped = dyn_cast<ShapedType>(type);
    if (!shaped)
      continue;
    if (quant::QuantizedType qtype = getUniformQuantizedElementType(type)) {
      sawQuantized = true;
      // nn_c3: one expressed type across the quantized form.
      if (expressedType && expressedType != qtype.getExpressedType())
        return op->emitOpError("mixes quantized types expressed in ")
               << expressedType << " and " << qtype.getExpressedType()
               << " (nn_c3)";
      expressedType = qtype.getExpressedType();
      continue;
    }
    Type element = shaped.getElementType();
    if (!isa<FloatType>(element))
      continue;
    sawFloat = true;
    // nn_c2: one float element type across the float form.
    if (floatType && floatType != element)
      return op->emitOpError("mixes float element types ")
             << floatType << " and " << element << " (nn_c2)";
    floatType = element;
  }
  // nn_c1: all float (float form) or all quantized (quantized form).
  if (sawFloat && sawQuantized)
    return op->emitOpError("mixes float and quantized tensors; insert "
                           "qnt.quantize or qnt.dequantize (nn_c1)");
  return success();
}

LogicalResult
mlir::qnt::verifyAccumulatorType(function_ref<InFlightDiagnostic()> emitError,
                                 quant::QuantizedType acc, StringRef what,
                                 quant::QuantizedType lhs,
                                 quant::QuantizedType rhs, int64_t accAxis) {
  if (!isAccumulatorType(acc))
    return emitError() << what
                       << " of a quantized product must be the int32 "
                          "accumulator type !quant.uniform<i32:...> (acc_c2)";
  std::optional<int32_t> rhsDim = getQuantizedDimension(rhs);
  std::optional<int32_t> accDim = getQuantizedDimension(acc);
  if (rhsDim.has_value() != accDim.has_value() ||
      (accDim && *accDim != accAxis))
    return emitError() << what << " must be "
                       << (rhsDim ? "per-axis along dimension " +
                                        std::to_string(accAxis)
                                  : std::string("per-tensor"))
                       << ", as the weight is "
                       << (rhsDim ? "per-axis" : "per-tensor") << " (acc_c2)";
  double lhsScale = getScales(lhs).front();
  SmallVector<double> rhsScales = getScales(rhs);
  SmallVector<double> accScales = getScales(acc);
  if (rhsScales.size() != accScales.size())
    return emitError() << what << " has " << accScales.size()
                       << " scales but the weight has " << rhsScales.size()
                       << " (acc_c2)";
  for (auto [i, pair] : llvm::enumerate(llvm::zip(rhsScales, accScales))) {
    auto [rhsScale, accScale] = pair;
    double expected = lhsScale * rhsScale;
    if (std::abs(accScale - expected) > 1e-6 * expected)
      return emitError() << what << " scale " << accScale
                         << (accScales.size() > 1
                                 ? " (channel " + std::to_string(i) + ")"
                                 : std::string())
                         << " must be input scale x weight scale = " << expected
                         << " (acc_c2)";
  }
  return success();
}
