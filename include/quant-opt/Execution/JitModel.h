//===- JitModel.h - JIT-compiled qnt models ----------------------*- C++
//-*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The one execution path for running a model in-process: lower a qnt module
// with qnt-lower-to-llvm, JIT-compile it with MLIR's ExecutionEngine for the
// host CPU, and call its entry function on host arrays. quant-run,
// calibration and evaluation all go through here.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_EXECUTION_JITMODEL_H
#define QUANTOPT_EXECUTION_JITMODEL_H

#include "quant-opt/Pipelines/Pipelines.h"
#include "quant-opt/Support/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace mlir {
class ExecutionEngine;

namespace quantopt {

/// One argument or result of the entry function.
struct TensorSignature {
  ElementKind kind;
  /// ShapedType::kDynamic for dynamic dims.
  llvm::SmallVector<int64_t> shape;
  /// The `qnt.onnx_name` attribute, if the importer set it.
  std::string name;
};

struct JitOptions {
  /// The function to run; empty: `main`, or the only public function.
  std::string entry;
  /// LLVM optimization level of the generated code.
  unsigned optLevel = 3;
  /// The lowering's choices. With numThreads above 1 the engine loads the
  /// OpenMP runtime (libomp); with cachingAllocator it resolves quantopt_rt_*
  /// to the runtime linked into this library.
  CodegenOptions codegen;
};

/// The entry function of a model: `name`, or `main`, or the only public
/// function with a body; null if there is none.
func::FuncOp findEntryFunction(ModuleOp module, StringRef name);

class JitModel {
public:
  ~JitModel();

  /// Lowers a clone of `module` and JIT-compiles it. Lowering diagnostics
  /// go to the context's diagnostic handler.
  static llvm::Expected<std::unique_ptr<JitModel>>
  compile(ModuleOp module, const JitOptions &options = {});

  llvm::ArrayRef<TensorSignature> inputs() const { return inputSignature; }
  llvm::ArrayRef<TensorSignature> outputs() const { return outputSignature; }
  StringRef entryName() const { return entry; }
  /// Wall time of lowering plus code generation.
  double compileSeconds() const { return compileTime; }

  /// Runs the entry function. Input shapes must match the signature (any
  /// size for dynamic dims); the results come back as new arrays.
  llvm::Expected<llvm::SmallVector<HostArray>>
  run(llvm::ArrayRef<HostArrayView> inputs);
  /// As above, into `results`, whose arrays are reused: a caller running
  /// batch after batch keeps their memory instead of mapping fresh pages
  /// for every result of every call.
  llvm::Error run(llvm::ArrayRef<HostArrayView> inputs,
                  llvm::SmallVectorImpl<HostArray> &results);

private:
  JitModel() = default;

  std::unique_ptr<ExecutionEngine> engine;
  std::string entry;
  llvm::SmallVector<TensorSignature> inputSignature, outputSignature;
  double compileTime = 0;
  /// Results are freed with quantopt_rt_free (caching allocator) or free.
  bool cachingAllocator = true;
};

} // namespace quantopt
} // namespace mlir

#endif // QUANTOPT_EXECUTION_JITMODEL_H
