//===- UseRuntimeAllocator.cpp - buffers from the runtime -------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The generic allocation functions of finalize-memref-to-llvm
// (use-generic-functions=1) renamed to the quant-opt runtime's caching
// allocator (lib/Runtime/CachingAllocator.c).
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Conversion/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::quantopt {
#define GEN_PASS_DEF_USERUNTIMEALLOCATORPASS
#include "quant-opt/Conversion/Passes.h.inc"
} // namespace mlir::quantopt

using namespace mlir;

namespace {
struct UseRuntimeAllocatorPass
    : public quantopt::impl::UseRuntimeAllocatorPassBase<
          UseRuntimeAllocatorPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    Type i64 = IntegerType::get(ctx, 64);
    Type ptr = LLVM::LLVMPointerType::get(ctx);
    Type voidType = LLVM::LLVMVoidType::get(ctx);
    struct Rename {
      StringRef from, to;
      LLVM::LLVMFunctionType type;
    };
    Rename renames[] = {
        {"_mlir_memref_to_llvm_alloc", "quantopt_rt_alloc",
         LLVM::LLVMFunctionType::get(ptr, {i64})},
        {"_mlir_memref_to_llvm_aligned_alloc", "quantopt_rt_aligned_alloc",
         LLVM::LLVMFunctionType::get(ptr, {i64, i64})},
        {"_mlir_memref_to_llvm_free", "quantopt_rt_free",
         LLVM::LLVMFunctionType::get(voidType, {ptr})},
    };
    SymbolTable symbols(module);
    for (const Rename &rename : renames) {
      Operation *op = symbols.lookup(rename.from);
      if (!op)
        continue;
      Operation *target = symbols.lookup(rename.to);
      if (target) {
        auto declared = dyn_cast<LLVM::LLVMFuncOp>(target);
        if (!declared || declared.getFunctionType() != rename.type) {
          target->emitError()
              << "@" << rename.to
              << " is the quant-opt runtime's function of type " << rename.type
              << "; the module declares it otherwise";
          return signalPassFailure();
        }
      }
      auto func = dyn_cast<LLVM::LLVMFuncOp>(op);
      if (!func || !func.isExternal() ||
          func.getFunctionType() != rename.type) {
        op->emitError() << "expected @" << rename.from
                        << " to be the declaration of type " << rename.type
                        << " that finalize-memref-to-llvm"
                           "{use-generic-functions=1} creates";
        return signalPassFailure();
      }
      // The uses (llvm.call callees) follow: SymbolTable::rename updates
      // them; with the runtime declaration already there, they move to it.
      LogicalResult renamed =
          target ? SymbolTable::replaceAllSymbolUses(
                       func, StringAttr::get(ctx, rename.to), module)
                 : symbols.rename(func, rename.to);
      if (failed(renamed)) {
        func.emitError() << "cannot rename the uses of @" << rename.from;
        return signalPassFailure();
      }
      if (target)
        symbols.erase(func);
    }
    // What LLVM knows of aligned_alloc by its name and loses with ours: a
    // new block aliases nothing (without it, alias analysis keeps loads
    // and stores of different buffers in order and vectorizes less).
    for (const Rename &rename : renames)
      if (auto func = symbols.lookup<LLVM::LLVMFuncOp>(rename.to))
        if (!isa<LLVM::LLVMVoidType>(func.getFunctionType().getReturnType()))
          func.setResultAttr(0, LLVM::LLVMDialect::getNoAliasAttrName(),
                             UnitAttr::get(ctx));
  }
};
} // namespace
