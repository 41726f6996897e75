//===- SmallResourcesToDense.cpp - small blobs as dense ---------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Conversion/Passes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace mlir::quantopt {
#define GEN_PASS_DEF_CONVERTSMALLRESOURCESTODENSEPASS
#include "quant-opt/Conversion/Passes.h.inc"
} // namespace mlir::quantopt

using namespace mlir;

namespace {
struct ConvertSmallResourcesToDensePass
    : public quantopt::impl::ConvertSmallResourcesToDensePassBase<
          ConvertSmallResourcesToDensePass> {
  using Base::Base;

  void runOnOperation() override {
    getOperation()->walk([&](arith::ConstantOp constant) {
      auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue());
      if (!resource || resource.getNumElements() > maxElements)
        return;
      AsmResourceBlob *blob = resource.getRawHandle().getBlob();
      if (!blob)
        return;
      ArrayRef<char> data = blob->getData();
      ShapedType type = resource.getType();
      bool splat = false;
      if (!DenseElementsAttr::isValidRawBuffer(type, data, splat))
        return;
      constant.setValueAttr(DenseElementsAttr::getFromRawBuffer(type, data));
    });
  }
};
} // namespace
