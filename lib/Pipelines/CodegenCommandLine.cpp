//===- CodegenCommandLine.cpp - the tools' code-generation options --------===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Pipelines/CodegenCommandLine.h"

using namespace mlir::quantopt;
namespace cl = llvm::cl;

CodegenCommandLine::CodegenCommandLine(cl::OptionCategory &category, Tool tool)
    : kernelTarget(
          "kernel-target",
          cl::desc(tool == Tool::Jit
                       ? "The int8 micro-kernels: host (default), "
                         "avx512-vnni, avx2, portable, arm-dotprod, or none "
                         "(reference loops)"
                       : "The int8 micro-kernels: host (default: the best the "
                         "target's features allow), avx512-vnni, avx2, "
                         "arm-dotprod, portable, or none (the reference "
                         "loops); one the target lacks is an error"),
          cl::init("host"), cl::cat(category)),
      numThreads(
          "num-threads",
          cl::desc(tool == Tool::Jit
                       ? "Threads of the generated code (default 1); above 1 "
                         "the kernels' and ops' outermost loops run on OpenMP "
                         "threads (needs libomp, libomp-22-dev)"
                       : "Threads of the generated code (default 1); above 1 "
                         "it runs loops on OpenMP threads: link the program "
                         "with libomp (-L/usr/lib/llvm-22/lib -lomp, Debian "
                         "libomp-22-dev)"),
          cl::init(1), cl::cat(category)),
      vectorize(
          "vectorize",
          cl::desc("Vectorize the float convs (qnt-vectorize-float-conv), "
                   "the element-wise ops, depthwise convs and max pools "
                   "(qnt-vectorize; default true); false: scalar loops"),
          cl::init(true), cl::cat(category)),
      cachingAllocator(
          "caching-allocator",
          cl::desc(tool == Tool::Jit
                       ? "Allocate the model's buffers with the quant-opt "
                         "runtime's caching allocator, which keeps freed "
                         "blocks for the next call (default true); false: "
                         "aligned_alloc and free"
                       : "Allocate the model's buffers with the quant-opt "
                         "runtime's caching allocator, which keeps freed "
                         "blocks for the next call (default true; link the "
                         "program with libquant-opt-runtime.a, as the header "
                         "says); false: aligned_alloc and free"),
          cl::init(true), cl::cat(category)) {}

llvm::Expected<CodegenOptions> CodegenCommandLine::get() const {
  if (numThreads == 0)
    return llvm::createStringError("--num-threads must be at least 1");
  CodegenOptions options;
  options.kernelTarget = kernelTarget;
  options.numThreads = numThreads;
  options.vectorize = vectorize;
  options.cachingAllocator = cachingAllocator;
  return options;
}
