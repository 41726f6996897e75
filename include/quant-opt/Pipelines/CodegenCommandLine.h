//===- CodegenCommandLine.h - the tools' code-generation options -*- C++
//-*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// --kernel-target, --num-threads, --vectorize and --caching-allocator of
// quant-run (JIT) and quant-compile (AOT): one definition, with the help text
// each tool needs (what the compiled program must link, for quant-compile).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_PIPELINES_CODEGENCOMMANDLINE_H
#define QUANTOPT_PIPELINES_CODEGENCOMMANDLINE_H

#include "quant-opt/Pipelines/Pipelines.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"

namespace mlir::quantopt {

class CodegenCommandLine {
public:
  enum class Tool { Jit, AheadOfTime };

  /// Registers the four options in `category`; construct it as a static, like
  /// any llvm::cl::opt.
  CodegenCommandLine(llvm::cl::OptionCategory &category, Tool tool);

  /// The options given; an error if --num-threads is 0.
  llvm::Expected<CodegenOptions> get() const;

private:
  llvm::cl::opt<std::string> kernelTarget;
  llvm::cl::opt<unsigned> numThreads;
  llvm::cl::opt<bool> vectorize;
  llvm::cl::opt<bool> cachingAllocator;
};

} // namespace mlir::quantopt

#endif // QUANTOPT_PIPELINES_CODEGENCOMMANDLINE_H
