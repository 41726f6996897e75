//===- QntIntrinsicsToLLVM.cpp - qnt.dot_intrinsic to LLVM ------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The last step of the int8 micro-kernels: qnt.dot_intrinsic, a pure op
// while bufferization runs, becomes the llvm.call_intrinsic it stands for.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Conversion/Passes.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::quantopt {
#define GEN_PASS_DEF_CONVERTQNTINTRINSICSTOLLVMPASS
#include "quant-opt/Conversion/Passes.h.inc"
} // namespace mlir::quantopt

using namespace mlir;

namespace {
struct ConvertQntIntrinsicsToLLVMPass
    : public quantopt::impl::ConvertQntIntrinsicsToLLVMPassBase<
          ConvertQntIntrinsicsToLLVMPass> {
  void runOnOperation() override {
    getOperation()->walk([](qnt::DotIntrinsicOp op) {
      OpBuilder b(op);
      Location loc = op.getLoc();
      Type type = op.getType();
      Value result;
      if (op.getIntrinsic() == "llvm.x86.avx2.pmadd.wd") {
        // vpmaddwd has no accumulator: add it.
        Value pairs =
            LLVM::CallIntrinsicOp::create(b, loc, type, op.getIntrinsicAttr(),
                                          ValueRange{op.getLhs(), op.getRhs()})
                .getResult(0);
        result = LLVM::AddOp::create(b, loc, op.getAcc(), pairs);
      } else {
        result = LLVM::CallIntrinsicOp::create(
                     b, loc, type, op.getIntrinsicAttr(),
                     ValueRange{op.getAcc(), op.getLhs(), op.getRhs()})
                     .getResult(0);
      }
      op.replaceAllUsesWith(result);
      op.erase();
    });
  }
};
} // namespace
