//===- QuantOptPlugin.cpp - qnt as an mlir-opt plugin -----------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The entry points through which the stock mlir-opt loads the qnt dialect
// (--load-dialect-plugin) and the qnt passes (--load-pass-plugin). Passes are
// registered before command-line parsing finishes, so use them through
// --pass-pipeline="builtin.module(qnt-...)", not as --qnt-... flags.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/InitAll.h"

#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Compiler.h"

extern "C" LLVM_ATTRIBUTE_WEAK mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "QuantOpt", LLVM_VERSION_STRING,
          [](mlir::DialectRegistry *registry) {
            mlir::quantopt::registerAllDialects(*registry);
            mlir::quantopt::registerAllPasses();
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "QuantOptPasses", LLVM_VERSION_STRING,
          []() { mlir::quantopt::registerAllPasses(); }};
}
