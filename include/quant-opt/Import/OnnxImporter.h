//===- OnnxImporter.h - ONNX model to qnt IR --------------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Imports a serialized ONNX ModelProto (default domain, opsets 13 to 21) into
// a module with one `func.func @main` made of qnt ops and `arith.constant`s:
//
// - the function's arguments and results are the graph's inputs and outputs,
//   in order, each with its ONNX name in the `qnt.onnx_name` attribute;
// - a symbolic or unknown dim (dim_param, -1, missing) is a dynamic `?` dim;
// - initializers and Constant nodes become `arith.constant
//   dense_resource<NAME>` whose blob takes over the parsed bytes (no copy);
// - shape computations (Shape, Gather, Concat, Cast, ...) fold away.
//
// Errors are reported through the context's diagnostic handler, naming the
// node (name, index, op type, domain, opset) or initializer at fault.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_IMPORT_ONNXIMPORTER_H
#define QUANTOPT_IMPORT_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

namespace mlir {
class DialectRegistry;
class MLIRContext;

namespace quantopt {

/// The opsets of the default ONNX domain the importer accepts.
constexpr int64_t kMinOnnxOpset = 13;
constexpr int64_t kMaxOnnxOpset = 21;

/// The name of the argument and result attribute that keeps ONNX names.
constexpr llvm::StringLiteral kOnnxNameAttr = "qnt.onnx_name";

struct OnnxImportOptions {
  /// After a successful import, also run onnx::checker::check_model when the
  /// model's IR version and opset are ones the linked ONNX library knows.
  bool runChecker = true;
};

/// Imports the serialized ONNX model in `bytes`. `sourceName` names the input
/// in messages. Returns null after reporting an error.
OwningOpRef<ModuleOp> importOnnxModel(llvm::StringRef bytes,
                                      MLIRContext *context,
                                      llvm::StringRef sourceName = "",
                                      const OnnxImportOptions &options = {});

/// Registers the dialects imported modules use: qnt, quant, func, arith.
void registerOnnxImportDialects(DialectRegistry &registry);

/// Registers the `import-onnx` translation (mlir-translate style tools).
void registerImportOnnxTranslation();

} // namespace quantopt
} // namespace mlir

#endif // QUANTOPT_IMPORT_ONNXIMPORTER_H
