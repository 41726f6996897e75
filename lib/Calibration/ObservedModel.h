//===- ObservedModel.h - run the float model, observe tensors ---*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The part the calibration passes share: a clone of the module whose entry
// function returns chosen tensors, with every qnt.fake_quant bypassed (or, on
// request, the calibrated ones kept: the quantized model), optionally with
// quantizer inputs and layer biases as run-time arguments, JIT-compiled by
// JitModel and run over .npy calibration data in batches, handing each
// batch's observed tensors to a callback. Diagnostics name the pass that
// uses it.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_CALIBRATION_OBSERVEDMODEL_H
#define QUANTOPT_LIB_CALIBRATION_OBSERVEDMODEL_H

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Dialect/Qnt/Transforms/ConstantUtils.h"
#include "quant-opt/Execution/Evaluate.h"
#include "quant-opt/Execution/JitModel.h"
#include "quant-opt/Support/AdaRoundMath.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <memory>
#include <string>

namespace mlir::qnt {

/// The entry function as JitModel chooses it (findEntryFunction), or an
/// error on the module, prefixed with `pass`, and null.
func::FuncOp findEntryOrError(ModuleOp module, StringRef name, StringRef pass);

/// Describes a value for diagnostics: "the result of 'qnt.matmul' at loc" or
/// "argument #0 of @main".
std::string describe(Value value);

/// One batch of observed tensors.
struct ObservedBatch {
  /// The index of the batch's first sample and the number of real samples.
  int64_t first;
  int64_t rows;
  /// The batch size the model ran with: rows plus zero padding (a static
  /// batch dim); the padding rows must not be observed.
  int64_t batch;
  /// The observed tensors, in the order they were asked for.
  MutableArrayRef<quantopt::HostArray> outputs;
  bool padded() const { return rows < batch; }
};

/// How the clone of an ObservedModel differs from the float model.
struct ObservedModelOptions {
  /// Keep the calibrated qnt.fake_quant ops (the quantized model; the
  /// uncalibrated ones are still bypassed) and return the observed values as
  /// they are, instead of bypassing every quantizer and looking through
  /// quantizers.
  bool keepQuantizers = false;
  /// With keepQuantizers: keep only the quantizers of constants (the
  /// weights), bypassing those of activations and inputs.
  bool weightQuantizersOnly = false;
  /// Quantizers (of `module`) whose input becomes a new argument of the
  /// entry function, after the data input, in this order: their input is
  /// passed to run() as `extraInputs`.
  ArrayRef<FakeQuantOp> quantizerInputsAsArguments;
  /// The bias of each of these qnt.conv2d / qnt.matmul layers (added if the
  /// layer has none) becomes a `tensor<C_out x f32>` argument of the entry
  /// function, after the quantizer inputs, in this order: its value is
  /// passed to run() in `extraInputs`.
  SmallVector<Operation *> biasArguments;
  /// Values of the entry function that become arguments of the clone's
  /// entry, after the biases, in this order: the clone reads the argument
  /// instead, and what only the value needed is not compiled. run() takes
  /// their values over all samples in `batchedInputs`, sliced into batches
  /// as the data is (a value computed by an earlier run, each batch's rows
  /// copied out).
  ArrayRef<Value> valuesAsArguments;
  /// No per-batch progress on stderr.
  bool quiet = false;
};

class ObservedModel {
public:
  /// Clones `module` with every qnt.fake_quant bypassed (see `options`),
  /// makes `entry` return `values` (tensors of `module`, looking through
  /// quantizers) and compiles it. `pass` prefixes diagnostics. Failure after
  /// a diagnostic.
  static FailureOr<ObservedModel>
  compile(ModuleOp module, func::FuncOp entry, ArrayRef<Value> values,
          StringRef pass, const ObservedModelOptions &options = {});

  /// Reads `path` (.npy): failure after a diagnostic at `module`.
  static FailureOr<quantopt::HostArray>
  readData(ModuleOp module, StringRef path, StringRef pass);

  /// Converts and checks calibration data `raw` read from `path` for the
  /// model's single input (prepareInput: uint8 images become x / 255), keeps
  /// the first `numSamples` samples (0: all) and rejects non-finite values.
  FailureOr<quantopt::HostArray>
  prepareData(quantopt::HostArray raw, StringRef path, int64_t numSamples);

  /// Runs `data` in batches of `batchSize` (the static batch dim if the
  /// input has one; the last batch is then zero-padded), calling `onBatch`
  /// after each and printing progress to stderr. Stops at the first failure.
  /// With the context's threads, the model runs the next batches on them
  /// (as many at once as there are threads) while `onBatch` sees this one:
  /// one call at a time, in order, on the calling thread.
  /// `extraInputs` are the values of the arguments made from quantizer
  /// inputs and biases (ObservedModelOptions), in that order, the same for
  /// every batch; `batchedInputs` those of `valuesAsArguments`, with the
  /// data's samples along their first dim.
  LogicalResult run(const quantopt::HostArray &data, int64_t batchSize,
                    function_ref<LogicalResult(ObservedBatch &)> onBatch,
                    ArrayRef<quantopt::HostArrayView> extraInputs = {},
                    ArrayRef<quantopt::HostArrayView> batchedInputs = {});

  quantopt::JitModel &jit() { return *model; }

private:
  ObservedModel(ModuleOp module, std::string pass,
                std::unique_ptr<quantopt::JitModel> model,
                size_t numExtraInputs, size_t numBatchedInputs, bool quantized,
                bool quiet)
      : module(module), pass(std::move(pass)), model(std::move(model)),
        numExtraInputs(numExtraInputs), numBatchedInputs(numBatchedInputs),
        quantized(quantized), quiet(quiet) {}

  ModuleOp module;
  std::string pass;
  std::unique_ptr<quantopt::JitModel> model;
  size_t numExtraInputs = 0;
  size_t numBatchedInputs = 0;
  bool quantized = false;
  bool quiet = false;
};

/// The geometry of `conv` on one sample, or nullopt after a warning
/// (prefixed by `pass`) when its channel or spatial dims are not static (a
/// dynamic batch dim is fine).
std::optional<ConvGeometry> getConvGeometry(Conv2DOp conv, StringRef pass);

} // namespace mlir::qnt

#endif // QUANTOPT_LIB_CALIBRATION_OBSERVEDMODEL_H
