//===- Pipelines.h - quant-opt pass pipelines --------------------*- C++
//-*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The registered pipelines. qnt-lower-to-llvm takes a qnt module down to the
// LLVM dialect; quant-run and quant-compile use the same pipeline.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_PIPELINES_PIPELINES_H
#define QUANTOPT_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mlir {
class OpPassManager;

namespace quantopt {

struct LowerToLLVMOptions : public PassPipelineOptions<LowerToLLVMOptions> {};

/// The textual pass pipeline of qnt-lower-to-llvm (without the enclosing
/// builtin.module), e.g. for printing it.
std::string getLowerToLLVMPipeline(const LowerToLLVMOptions &options);

/// Appends qnt-lower-to-llvm to `pm` (anchored on builtin.module).
LogicalResult buildLowerToLLVMPipeline(OpPassManager &pm,
                                       const LowerToLLVMOptions &options,
                                       raw_ostream &errorStream = llvm::errs());

/// Registers qnt-lower-to-llvm.
void registerQuantOptPipelines();

} // namespace quantopt
} // namespace mlir

#endif // QUANTOPT_PIPELINES_PIPELINES_H
