//===- QntIntrinsicsToLLVM.cpp - qnt.dot_intrinsic to LLVM ------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The last step of the int8 micro-kernels: qnt.dot_intrinsic, a pure op
// while bufferization runs, becomes the llvm.call_intrinsic it stands for,
// and the loops that make non-temporal stores end each iteration with a
// fence.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Conversion/Passes.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

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
    // Streaming stores are weakly ordered: each iteration (which may run on
    // its own thread) makes its stores visible before it ends.
    getOperation()->walk([](scf::ForOp loop) {
      if (!loop->removeAttr(qnt::kNontemporalFenceAttr))
        return;
      OpBuilder b(loop.getBody()->getTerminator());
      LLVM::FenceOp::create(b, loop.getLoc(), LLVM::AtomicOrdering::seq_cst);
    });
  }
};
} // namespace
