//===- quant-opt.cpp - the quant-opt optimizer driver -----------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// An mlir-opt with the qnt dialect and passes added to every upstream dialect,
// pass and extension.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/InitAll.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"

// Test-only passes (test/lib): registered here, never in the plugin.
namespace mlir::qnt::test {
void registerTestPrintRangesPass();
void registerTestPrintLayerRangesPass();
} // namespace mlir::qnt::test

int main(int argc, char **argv) {
  mlir::quantopt::registerAllToolPasses();
  mlir::qnt::test::registerTestPrintRangesPass();
  mlir::qnt::test::registerTestPrintLayerRangesPass();
  mlir::DialectRegistry registry;
  mlir::quantopt::registerAllToolDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv,
      "quant-opt: the qnt dialect and passes for neural-network quantization, "
      "with every upstream MLIR dialect and pass\n",
      registry));
}
