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

struct LowerToLLVMOptions : public PassPipelineOptions<LowerToLLVMOptions> {
  Option<std::string> kernelTarget{
      *this, "kernel-target",
      llvm::cl::desc("The SIMD int8 micro-kernels (qnt-lower-int8-kernels): "
                     "host, avx512-vnni, avx2, portable, arm-dotprod, or none "
                     "(the reference loops of convert-qnt-to-fixed-point)"),
      llvm::cl::init("host")};
  Option<unsigned> numThreads{
      *this, "num-threads",
      llvm::cl::desc("Threads of the generated code: above 1, the "
                     "independent loops of the int8 kernels (images, bands, "
                     "column panels) and of qnt-vectorize, and the other ops' "
                     "outermost loops, run as OpenMP parallel loops when they "
                     "have enough work (qnt-parallelize-loops); the code then "
                     "needs libomp at run time"),
      llvm::cl::init(1)};
  Option<bool> vectorize{
      *this, "vectorize",
      llvm::cl::desc("Vectorize the float convs (qnt-vectorize-float-conv), "
                     "the element-wise ops, depthwise convs and max pools "
                     "on tensors (qnt-vectorize); false: the scalar loops "
                     "of convert-linalg-to-loops"),
      llvm::cl::init(true)};
  Option<bool> cachingAllocator{
      *this, "caching-allocator",
      llvm::cl::desc("Allocate the buffers with the quant-opt runtime's "
                     "caching allocator (qnt-use-runtime-allocator; "
                     "quantopt_rt_aligned_alloc/free, lib/Runtime), which "
                     "keeps freed blocks for the next call of the same "
                     "size; the code then needs libquant-opt-runtime.a and "
                     "its results are freed with quantopt_rt_free. false: "
                     "aligned_alloc and free"),
      llvm::cl::init(true)};
};

/// The code-generation choices that the JIT (JitOptions, quant-run) and the
/// AOT compiler (AotOptions, quant-compile) take: four of qnt-lower-to-llvm's
/// options, as plain values.
struct CodegenOptions {
  /// kernel-target: host (the best the target's features allow),
  /// avx512-vnni, avx2, portable, arm-dotprod, or none.
  std::string kernelTarget = "host";
  /// num-threads: above 1 the code runs loops on OpenMP threads (libomp).
  unsigned numThreads = 1;
  /// vectorize.
  bool vectorize = true;
  /// caching-allocator: the code needs the quant-opt runtime
  /// (libquant-opt-runtime.a) and its results are freed with quantopt_rt_free.
  bool cachingAllocator = true;

  /// Sets these options of `options` (kernel-target as given here).
  void applyTo(LowerToLLVMOptions &options) const;
};

/// The textual pass pipeline of qnt-lower-to-llvm (without the enclosing
/// builtin.module), e.g. for printing it.
std::string getLowerToLLVMPipeline(const LowerToLLVMOptions &options);

/// Appends qnt-lower-to-llvm to `pm` (anchored on builtin.module).
LogicalResult buildLowerToLLVMPipeline(OpPassManager &pm,
                                       const LowerToLLVMOptions &options,
                                       raw_ostream &errorStream = llvm::errs());

/// The options of qnt-ptq-pipeline: the paper's post-training quantization,
/// float model in, calibrated simulation (or quantized) form out.
struct PtqPipelineOptions : public PassPipelineOptions<PtqPipelineOptions> {
  Option<std::string> calibrationData{
      *this, "calibration-data",
      llvm::cl::desc("An .npy of calibration inputs (samples along dim 0); "
                     "without it, activation ranges come from the range "
                     "analysis alone (BN statistics, assume_range ops)")};
  Option<int64_t> numSamples{
      *this, "num-samples",
      llvm::cl::desc("Calibration samples to use, for calibration and "
                     "AdaRound (0: all)"),
      llvm::cl::init(0)};
  Option<std::string> inputRange{
      *this, "input-range",
      llvm::cl::desc("lo,hi: the range of the network inputs, for "
                     "quantizing them without calibration data")};
  Option<std::string> equalize{
      *this, "equalize",
      llvm::cl::desc("Cross-layer equalization (qnt-equalize-layers) and "
                     "high-bias absorption before quantization: true, false, "
                     "or auto (only with per-tensor weights: per-channel "
                     "grids already follow each channel's range, and "
                     "equalizing measurably cost accuracy there, "
                     "docs/PTQ-results.md)"),
      llvm::cl::init("auto")};
  Option<bool> relu6ToRelu{
      *this, "relu6-to-relu",
      llvm::cl::desc("Let equalization replace a ReLU6 between two layers "
                     "by a ReLU, as the paper's flow and AIMET do (false: "
                     "such pairs are not equalized, the float function stays "
                     "unchanged; the replacement cost MobileNetV2 0.33 point "
                     "of float accuracy, docs/PTQ-results.md)"),
      llvm::cl::init(false)};
  Option<bool> adaround{
      *this, "adaround",
      llvm::cl::desc("Learn the weights' rounding with AdaRound "
                     "(qnt-adaround) when there is calibration data"),
      llvm::cl::init(true)};
  Option<int64_t> adaroundIterations{
      *this, "adaround-iterations",
      llvm::cl::desc("Optimisation steps of AdaRound per layer"),
      llvm::cl::init(10000)};
  Option<std::string> adaroundInput{
      *this, "adaround-input",
      llvm::cl::desc("The layer inputs AdaRound fits the rounding on: "
                     "quantized (the quantized model's, AIMET's and the "
                     "paper's asymmetric reconstruction) or float"),
      llvm::cl::init("quantized")};
  Option<std::string> biasCorrection{
      *this, "bias-correction",
      llvm::cl::desc("none, analytic, empirical, or auto: analytic when "
                     "neither calibration data nor AdaRound is used (it "
                     "needs BN statistics; layers without them are left "
                     "alone); empirical (qnt-empirical-bias-correction) "
                     "needs calibration-data"),
      llvm::cl::init("auto")};
  Option<std::string> biasCorrectionReference{
      *this, "bias-correction-reference",
      llvm::cl::desc("The reference of bias-correction=empirical "
                     "(qnt-empirical-bias-correction reference=): "
                     "float-network or float-layer"),
      llvm::cl::init("float-network")};
  Option<int64_t> weightBits{*this, "weight-bits",
                             llvm::cl::desc("Bits of weight quantizers (2-16)"),
                             llvm::cl::init(8)};
  Option<int64_t> actBits{
      *this, "act-bits",
      llvm::cl::desc("Bits of activation and input quantizers (2-16)"),
      llvm::cl::init(8)};
  Option<bool> perChannel{
      *this, "per-channel",
      llvm::cl::desc("Per-output-channel weight quantizers"),
      llvm::cl::init(true)};
  Option<bool> weightNarrowRange{
      *this, "weight-narrow-range",
      llvm::cl::desc("Symmetric weight grids of narrow range "
                     "[-(2^(b-1)-1), 2^(b-1)-1] (else full range "
                     "[-2^(b-1), 2^(b-1)-1], as AIMET)"),
      llvm::cl::init(true)};
  Option<std::string> weightRange{
      *this, "weight-range",
      llvm::cl::desc("Weight range setting: minmax or mse"),
      llvm::cl::init("mse")};
  Option<std::string> actRange{
      *this, "act-range",
      llvm::cl::desc("Activation range setting: minmax, mse, percentile or "
                     "entropy"),
      llvm::cl::init("mse")};
  Option<std::string> logitsRange{
      *this, "logits-range",
      llvm::cl::desc("Range setting of the logits (the returned or "
                     "softmax-normalised layer output): auto (cross-entropy "
                     "with calibration data), cross-entropy, or same "
                     "(act-range)"),
      llvm::cl::init("auto")};
  Option<int64_t> logitSamples{
      *this, "logit-samples",
      llvm::cl::desc("Rows of the logits calibration keeps for "
                     "cross-entropy range setting (0: none)"),
      llvm::cl::init(1000)};
  Option<double> percentile{
      *this, "percentile", llvm::cl::desc("Percentile of act-range=percentile"),
      llvm::cl::init(99.99)};
  Option<bool> quantize{
      *this, "quantize",
      llvm::cl::desc("Produce the quantized form (qnt-quantize) instead of "
                     "the quantization simulation"),
      llvm::cl::init(false)};
};

/// The textual pass pipeline of qnt-ptq-pipeline, or failure (with a
/// message on `errors`) for an invalid option value.
FailureOr<std::string> getPtqPipeline(const PtqPipelineOptions &options,
                                      raw_ostream &errors);

/// Registers qnt-lower-to-llvm and qnt-ptq-pipeline.
void registerQuantOptPipelines();

} // namespace quantopt
} // namespace mlir

#endif // QUANTOPT_PIPELINES_PIPELINES_H
