//===- PtqPipeline.cpp - the paper's post-training quantization ----------===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-ptq-pipeline, written as the quant-opt command a user would type:
//
//   qnt-fold-batch-norm, qnt-fuse-activations      (paper section 2.3)
//   qnt-equalize-layers, qnt-absorb-high-bias      (if equalize=true, or
//                                                   auto and per-tensor
//                                                   weights)
//   qnt-insert-quantizers{bits, granularity}       (quantizer placement)
//   qnt-calibrate{calibration-data, logit-samples} (if data is given)
//   qnt-propagate-ranges                           (grid groups; data-free
//                                                   ranges from BN statistics)
//   qnt-set-ranges{weight-range, act-range,        (range setting;
//                  logits-range}                   cross-entropy logits)
//   qnt-adaround{calibration-data, num-samples,    (with data, adaround=true)
//                input}
//   qnt-analytic-bias-correction                   (bias-correction=analytic,
//                                                   or auto without data)
//   qnt-empirical-bias-correction{calibration-data, (bias-correction=
//                                 reference}       empirical, needs data)
//   qnt-quantize                                   (if quantize=true)
//
// The paper's standard pipeline (its figure), except that activation ranges
// are set with the weight ranges, before AdaRound, from statistics of the
// float model, and that by default CLE runs only for per-tensor weights
// (equalize=auto) and keeps ReLU6 (relu6-to-relu=false: the pairs a ReLU6
// joins are not equalized, so the float function is unchanged).
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Pipelines/Pipelines.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::quantopt;

static const char *boolString(bool value) { return value ? "true" : "false"; }

FailureOr<std::string>
mlir::quantopt::getPtqPipeline(const PtqPipelineOptions &options,
                               raw_ostream &errors) {
  StringRef correction = options.biasCorrection;
  if (correction != "none" && correction != "analytic" &&
      correction != "empirical" && correction != "auto") {
    errors << "bias-correction must be none, analytic, empirical or auto, "
              "not '"
           << correction << "'";
    return failure();
  }
  StringRef adaroundInput = options.adaroundInput;
  if (adaroundInput != "quantized" && adaroundInput != "float") {
    errors << "adaround-input must be quantized or float, not '"
           << adaroundInput << "'";
    return failure();
  }
  StringRef equalize = options.equalize;
  if (equalize != "true" && equalize != "false" && equalize != "auto") {
    errors << "equalize must be true, false or auto, not '" << equalize << "'";
    return failure();
  }
  StringRef reference = options.biasCorrectionReference;
  if (reference != "float-network" && reference != "float-layer") {
    errors << "bias-correction-reference must be float-network or "
              "float-layer, not '"
           << reference << "'";
    return failure();
  }
  bool hasData = !options.calibrationData.empty();
  if (correction == "empirical" && !hasData) {
    errors << "bias-correction=empirical needs calibration-data";
    return failure();
  }
  std::string pipeline = "qnt-fold-batch-norm,qnt-fuse-activations,";
  // The paper motivates CLE by per-tensor weights (one grid for channels of
  // very different ranges, its MobileNetV2 example); per-channel grids
  // already adapt to each channel, and on our models equalizing then lost
  // accuracy (docs/PTQ-results.md), so auto equalizes per-tensor weights only.
  if (equalize == "true" || (equalize == "auto" && !options.perChannel))
    pipeline += llvm::formatv("qnt-equalize-layers{{relu6-to-relu={0}},"
                              "qnt-absorb-high-bias,",
                              boolString(options.relu6ToRelu))
                    .str();
  std::string inputRange;
  if (!options.inputRange.empty())
    inputRange = " input-range=" + options.inputRange.getValue();
  pipeline +=
      llvm::formatv("qnt-insert-quantizers{{weight-bits={0} act-bits={1} "
                    "per-channel={2} weight-narrow-range={3}{4}},",
                    options.weightBits.getValue(), options.actBits.getValue(),
                    boolString(options.perChannel),
                    boolString(options.weightNarrowRange), inputRange)
          .str();
  if (hasData)
    pipeline += llvm::formatv("qnt-calibrate{{calibration-data={0} "
                              "num-samples={1} logit-samples={2}},",
                              options.calibrationData.getValue(),
                              options.numSamples.getValue(),
                              options.logitSamples.getValue())
                    .str();
  pipeline += "qnt-propagate-ranges,";
  pipeline += llvm::formatv(
                  "qnt-set-ranges{{weight-range={0} act-range={1} "
                  "logits-range={2} percentile={3}}",
                  options.weightRange.getValue(), options.actRange.getValue(),
                  options.logitsRange.getValue(), options.percentile.getValue())
                  .str();
  bool adaround = hasData && options.adaround;
  if (adaround)
    pipeline +=
        llvm::formatv(",qnt-adaround{{calibration-data={0} num-samples={1} "
                      "iterations={2} input={3}}",
                      options.calibrationData.getValue(),
                      options.numSamples.getValue(),
                      options.adaroundIterations.getValue(), adaroundInput)
            .str();
  // As AIMET, no bias correction on top of AdaRound (it already minimises
  // the layer's output error, mean included).
  if (correction == "analytic" || (correction == "auto" && !hasData))
    pipeline += ",qnt-analytic-bias-correction";
  else if (correction == "empirical")
    pipeline += llvm::formatv(",qnt-empirical-bias-correction{{"
                              "calibration-data={0} reference={1}}",
                              options.calibrationData.getValue(),
                              options.biasCorrectionReference.getValue())
                    .str();
  if (options.quantize)
    pipeline += ",qnt-quantize";
  return pipeline;
}
