//===- quant-translate.cpp - the quant-opt translation driver ---*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// An mlir-translate with the ONNX importer:
//
//   quant-translate --import-onnx model.onnx [-o model.mlir]
//
// plus upstream's translations (--mlir-to-llvmir, ...).
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Import/OnnxImporter.h"

#include "mlir/InitAllTranslations.h"
#include "mlir/Support/LogicalResult.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::registerAllTranslations();
  mlir::quantopt::registerImportOnnxTranslation();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv,
                              "quant-translate: ONNX import and "
                              "MLIR translations for quant-opt\n"));
}
