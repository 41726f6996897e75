//===- BypassQuantizers.cpp - remove quantization simulation ----*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-bypass-quantizers: replaces qnt.fake_quant ops (all, weight or
// activation quantizers) by their inputs, for the debugging flow.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Dialect/Qnt/Transforms/ConstantUtils.h"
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h"

#include "mlir/IR/Matchers.h"

namespace mlir::qnt {
#define GEN_PASS_DEF_QNTBYPASSQUANTIZERSPASS
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h.inc"
} // namespace mlir::qnt

using namespace mlir;
using namespace mlir::qnt;

namespace {
struct BypassQuantizersPass
    : public qnt::impl::QntBypassQuantizersPassBase<BypassQuantizersPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<FakeQuantOp> toBypass;
    getOperation()->walk([&](FakeQuantOp op) {
      bool weight = isConstantLike(op.getInput());
      if (which == QuantizerKind::All ||
          (which == QuantizerKind::Weights) == weight)
        toBypass.push_back(op);
    });
    for (FakeQuantOp op : toBypass) {
      op.getResult().replaceAllUsesWith(op.getInput());
      op.erase();
    }
    numBypassed += toBypass.size();
  }
};
} // namespace
