//===- ConstantUtils.cpp - reading and writing weight constants -*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Dialect/Qnt/Transforms/ConstantUtils.h"

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;
using namespace mlir::qnt;

std::optional<std::vector<double>> mlir::qnt::readF32Constant(Value value) {
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(constant.getType());
  if (!type || !type.getElementType().isF32() || !type.hasStaticShape())
    return std::nullopt;
  if (auto resource =
          dyn_cast<DenseF32ResourceElementsAttr>(constant.getValue())) {
    std::optional<ArrayRef<float>> values = resource.tryGetAsArrayRef();
    if (!values ||
        static_cast<int64_t>(values->size()) != type.getNumElements())
      return std::nullopt;
    return std::vector<double>(values->begin(), values->end());
  }
  if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue())) {
    std::vector<double> data;
    data.reserve(type.getNumElements());
    for (float v : dense.getValues<float>())
      data.push_back(v);
    return data;
  }
  return std::nullopt;
}

bool mlir::qnt::isF32Constant(Value value) {
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return false;
  auto type = dyn_cast<RankedTensorType>(constant.getType());
  return type && type.getElementType().isF32() && type.hasStaticShape() &&
         isa<DenseF32ResourceElementsAttr, DenseElementsAttr>(
             constant.getValue());
}

Value mlir::qnt::createF32Constant(OpBuilder &builder, Location loc,
                                   RankedTensorType type, ArrayRef<double> data,
                                   StringRef nameHint) {
  std::vector<float> values(data.begin(), data.end());
  TypedAttr attr;
  if (values.size() > 16)
    attr = cast<TypedAttr>(DenseF32ResourceElementsAttr::get(
        type, nameHint,
        HeapAsmResourceBlob::allocateAndCopyInferAlign(
            ArrayRef<float>(values))));
  else
    attr = DenseElementsAttr::get(type, ArrayRef<float>(values));
  return arith::ConstantOp::create(builder, loc, attr);
}

std::string mlir::qnt::derivedConstantName(Value value, StringRef suffix) {
  if (auto constant = value.getDefiningOp<arith::ConstantOp>())
    if (auto resource =
            dyn_cast<DenseResourceElementsAttr>(constant.getValue()))
      return (resource.getRawHandle().getKey() + suffix).str();
  return ("folded" + suffix).str();
}

bool mlir::qnt::isConstantLike(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (isa<AssumeRangeOp, StatsOp>(def)) {
      value = def->getOperand(0);
      continue;
    }
    return def->hasTrait<OpTrait::ConstantLike>();
  }
  return false;
}
