//===- Logits.cpp - which quantizer sees the logits -------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Dialect/Qnt/Transforms/Logits.h"

#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::qnt;

bool mlir::qnt::isLogitsQuantizer(FakeQuantOp op) {
  return llvm::any_of(op.getResult().getUsers(), [](Operation *user) {
    if (auto softmax = dyn_cast<SoftmaxOp>(user))
      return softmax.getAxis() ==
             cast<ShapedType>(softmax.getInput().getType()).getRank() - 1;
    return user->hasTrait<OpTrait::ReturnLike>() &&
           isa_and_nonnull<FunctionOpInterface>(user->getParentOp());
  });
}
