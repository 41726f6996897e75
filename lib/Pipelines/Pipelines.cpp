//===- Pipelines.cpp - quant-opt pass pipelines -----------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-lower-to-llvm, written as a textual pipeline of registered passes so
// that it reads like the mlir-opt command a user would type:
//
//   qnt ops ──convert-qnt-to-fixed-point──▶ integer code for quantized ops
//           ──qnt-lower-int8-kernels──▶ SIMD micro-kernels for int8 GEMMs
//           ──convert-qnt-to-linalg──▶ linalg/tensor/arith/math
//           ──fusion, qnt-vectorize-float-conv, qnt-vectorize──▶ vector code
//                                                             on tensors
//           ──one-shot bufferization, deallocation──▶ memref
//           ──copies as linalg.copy, linalg to loops──▶ scf ──▶ cf ──▶ llvm
//   (num-threads > 1: parallel loops, qnt-parallelize-loops, OpenMP)
//   (caching-allocator: buffers from lib/Runtime, qnt-use-runtime-allocator)
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Pipelines/Pipelines.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;
using namespace mlir::quantopt;

void CodegenOptions::applyTo(LowerToLLVMOptions &options) const {
  options.kernelTarget = kernelTarget;
  options.numThreads = numThreads;
  options.vectorize = vectorize;
  options.cachingAllocator = cachingAllocator;
}

std::string
mlir::quantopt::getLowerToLLVMPipeline(const LowerToLLVMOptions &options) {
  std::string kernels;
  if (options.kernelTarget != "none")
    kernels = "qnt-lower-int8-kernels{target=" + options.kernelTarget + "},";
  // Multi-threading: parallel loops, the ones worth splitting chosen, and
  // those made OpenMP loops; the OpenMP dialect goes to LLVM last.
  std::string loops = "func.func(convert-linalg-to-loops),";
  std::string openmpToLLVM;
  if (options.numThreads > 1) {
    loops = "func.func(convert-linalg-to-parallel-loops),"
            "func.func(qnt-parallelize-loops),"
            "convert-scf-to-openmp{num-threads=" +
            std::to_string(options.numThreads) +
            "},"
            // The stack scopes it puts around loop bodies must keep one
            // block, which convert-scf-to-cf breaks: inlined when they hold
            // no alloca (ours do not; one that does stops the lowering).
            "func.func(qnt-inline-alloca-scopes),";
    openmpToLLVM = "convert-openmp-to-llvm,";
  }
  return "convert-small-resources-to-dense,"
         // Quantized ops to integer code; nothing quantized is left after.
         "convert-qnt-to-fixed-point," +
         kernels +
         "qnt-check-no-quantized,"
         "func.func(convert-qnt-to-linalg),"
         "canonicalize,"
         "func.func(qnt-fuse-elementwise)," +
         std::string(options.vectorize
                         ? "func.func(qnt-tabulate-elementwise),"
                           "func.func(qnt-vectorize-float-conv,qnt-vectorize),"
                           "canonicalize,"
                         : "") +
         "one-shot-bufferize{bufferize-function-boundaries=1 "
         "function-boundary-type-conversion=identity-layout-map},"
         "buffer-deallocation-pipeline,"
         // The kernels' dot-product instructions, now that deallocation
         // (which rejects llvm.call_intrinsic) is done.
         "convert-qnt-intrinsics-to-llvm,"
         "convert-bufferization-to-memref,"
         "convert-memref-copy-to-linalg," +
         loops +
         "expand-strided-metadata,"
         "lower-affine,"
         "convert-scf-to-cf,"
         // Intrinsics first (exp, sqrt, ...), libm calls for the rest (erf);
         // on vectors the libm calls are made lane by lane with
         // vector.extract/insert, which the vector conversion lowers.
         "convert-math-to-llvm,"
         "convert-math-to-libm,"
         // Before the arith conversion: it creates arith constants.
         "convert-vector-to-llvm,"
         "convert-arith-to-llvm,"
         "convert-index-to-llvm," +
         // The buffers: from the runtime's caching allocator, or malloc.
         std::string(options.cachingAllocator
                         ? "finalize-memref-to-llvm{use-aligned-alloc=1 "
                           "use-generic-functions=1},"
                           "qnt-use-runtime-allocator,"
                         : "finalize-memref-to-llvm{use-aligned-alloc=1},") +
         "convert-cf-to-llvm,"
         "convert-func-to-llvm,"
         "convert-ub-to-llvm," +
         openmpToLLVM + "reconcile-unrealized-casts";
}

LogicalResult
mlir::quantopt::buildLowerToLLVMPipeline(OpPassManager &pm,
                                         const LowerToLLVMOptions &options,
                                         raw_ostream &errorStream) {
  return parsePassPipeline(getLowerToLLVMPipeline(options), pm, errorStream);
}

void mlir::quantopt::registerQuantOptPipelines() {
  PassPipelineRegistration<LowerToLLVMOptions>(
      "qnt-lower-to-llvm",
      "Lowers a float-form qnt module to the LLVM dialect: "
      "convert-qnt-to-linalg, elementwise fusion, one-shot bufferization, "
      "loops, and the upstream conversions to LLVM",
      [](OpPassManager &pm, const LowerToLLVMOptions &options) {
        if (failed(buildLowerToLLVMPipeline(pm, options)))
          llvm::report_fatal_error("qnt-lower-to-llvm: invalid pipeline");
      });
  // Registered with registerPassPipeline, not PassPipelineRegistration, so
  // that a bad option of an inner pass (act-range=foo) is a diagnostic, not a
  // fatal error.
  registerPassPipeline(
      "qnt-ptq-pipeline",
      "The paper's post-training quantization of a float model: fold batch "
      "norms, fuse activations, equalize layers, insert quantizers, "
      "calibrate on calibration-data, propagate ranges, set ranges, correct "
      "biases (and quantize)",
      [](OpPassManager &pm, StringRef optionsString,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        PtqPipelineOptions options;
        if (failed(options.parseFromString(optionsString)))
          return failure();
        std::string message;
        llvm::raw_string_ostream os(message);
        FailureOr<std::string> pipeline = getPtqPipeline(options, os);
        if (failed(pipeline) || failed(parsePassPipeline(*pipeline, pm, os)))
          return errorHandler("qnt-ptq-pipeline: " + message);
        return success();
      },
      [](function_ref<void(const detail::PassOptions &)> optionHandler) {
        optionHandler(PtqPipelineOptions());
      });
}
