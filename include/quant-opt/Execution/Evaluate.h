//===- Evaluate.h - run a model over a data set ------------------*- C++
//-*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Runs a JitModel over N samples in batches: input conversion, batching
// (dynamic or static batch dims), top-1 accuracy, timing.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_EXECUTION_EVALUATE_H
#define QUANTOPT_EXECUTION_EVALUATE_H

#include "quant-opt/Execution/JitModel.h"

#include <functional>

namespace mlir::quantopt {

/// Converts a data array for an input of signature `sig`: uint8 to float
/// scales by 1/255 (images stored as bytes), float64 to float32 casts;
/// otherwise the kinds must agree. Checks the dims against the signature,
/// all but the first (the sample dim) if `sampleDim`.
llvm::Expected<HostArray> prepareInput(HostArray data,
                                       const TensorSignature &sig,
                                       llvm::StringRef what,
                                       bool sampleDim = true);

struct EvaluateOptions {
  /// One call on the inputs as given, without a sample dim (single-example
  /// data such as the ONNX node tests); labels are not allowed.
  bool whole = false;
  /// Samples per call for a dynamic batch dim (ignored for a static one).
  int64_t batch = 64;
  /// Evaluate only the first `limit` samples (0: all).
  int64_t limit = 0;
  /// Untimed calls before the timed ones.
  int64_t warmup = 1;
  /// Keep every output (for --output); otherwise only top-1 is computed.
  bool keepOutputs = false;
  /// Called after each batch with (samples done, total).
  std::function<void(int64_t, int64_t)> progress;
};

struct EvaluateResult {
  int64_t samples = 0;
  /// The batch size used.
  int64_t batch = 0;
  /// Top-1 hits against the labels (if any); the argmax of the last dim of
  /// output #0 per sample.
  std::optional<int64_t> correct;
  /// Seconds of each timed call, and their sum.
  llvm::SmallVector<double> callSeconds;
  double seconds = 0;
  /// With keepOutputs: every output, samples concatenated.
  llvm::SmallVector<HostArray> outputs;
};

/// Runs `model` over `inputs` (one array per model input, the first dim the
/// sample dim), in batches.
llvm::Expected<EvaluateResult> evaluate(JitModel &model,
                                        llvm::ArrayRef<HostArray> inputs,
                                        const HostArray *labels,
                                        const EvaluateOptions &options);

} // namespace mlir::quantopt

#endif // QUANTOPT_EXECUTION_EVALUATE_H
