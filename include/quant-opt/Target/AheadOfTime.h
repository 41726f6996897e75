//===- AheadOfTime.h - compile a model to an object file --------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Ahead-of-time compilation (quant-compile): a qnt module goes through the
// same qnt-lower-to-llvm pipeline as the JIT, then LLVM code generation for
// the host or a given target, into a relocatable object file with a C entry
// point, and a C header that declares it and documents the tensors.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_TARGET_AHEADOFTIME_H
#define QUANTOPT_TARGET_AHEADOFTIME_H

#include "quant-opt/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mlir::quantopt {

struct AotOptions {
  /// The function to export: empty means @main, or the only public one.
  std::string entry;
  /// The C name of the model: the entry point is `<name>` (with the memref
  /// calling convention) and `_mlir_ciface_<name>`, the header's helpers
  /// `<name>_run` and `<name>_free_results`. A C identifier.
  std::string name = "model";
  /// The LLVM target triple; empty: the host's.
  std::string triple;
  /// The CPU; empty: the host CPU for the host triple, else "generic".
  std::string cpu;
  /// Extra target features ("+avx2,-avx512f"); for the host triple and CPU
  /// the host's features are used when empty.
  std::string features;
  /// LLVM optimization level (0 to 3).
  unsigned optLevel = 3;
  /// The lowering's choices. kernelTarget "host" (or empty) is the best the
  /// target's features allow, one the target cannot run is an error; with
  /// numThreads above 1 the object calls libomp; with cachingAllocator the
  /// program links libquant-opt-runtime.a.
  CodegenOptions codegen;
  /// Recorded in the header ("model.mlir").
  std::string sourceName;
};

struct AotResult {
  /// The relocatable object file.
  std::string object;
  /// The C header.
  std::string header;
  /// The target triple and CPU used.
  std::string triple, cpu;
};

/// Lowers a clone of `module` with qnt-lower-to-llvm and compiles it.
/// Lowering diagnostics go to the context's diagnostic handler.
llvm::Expected<AotResult> compileAheadOfTime(ModuleOp module,
                                             const AotOptions &options);

} // namespace mlir::quantopt

#endif // QUANTOPT_TARGET_AHEADOFTIME_H
