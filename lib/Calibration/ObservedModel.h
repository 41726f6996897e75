//===- ObservedModel.h - run the float model, observe tensors ---*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The part the calibration passes share: a clone of the module whose entry
// function returns chosen tensors, with every qnt.fake_quant bypassed (or, on
// request, the quantization simulation itself, with layer biases as run-time
// arguments), JIT-compiled by JitModel and run over .npy calibration data in
// batches, handing each batch's observed tensors to a callback.
// Diagnostics name the pass that uses it.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_CALIBRATION_OBSERVEDMODEL_H
#define QUANTOPT_LIB_CALIBRATION_OBSERVEDMODEL_H

#include "quant-opt/Dialect/Qnt/Transforms/ConstantUtils.h"
#include "quant-opt/Execution/Evaluate.h"
#include "quant-opt/Execution/JitModel.h"

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

/// How ObservedModel builds and runs its clone.
struct ObserveOptions {
  /// Keep the qnt.fake_quant ops: run the quantization simulation and
  /// observe the values as the quantized network computes them (the
  /// observed values are then taken as given, not looked through).
  bool keepQuantizers = false;
  /// The bias of each of these qnt.conv2d / qnt.matmul layers (added if the
  /// layer has none) becomes a trailing `tensor<C_out x f32>` argument of the
  /// entry function, in this order, given to every run().
  SmallVector<Operation *> biasArguments;
  /// No per-batch progress on stderr.
  bool quiet = false;
};

class ObservedModel {
public:
  /// Clones `module` with every qnt.fake_quant bypassed (unless
  /// `options.keepQuantizers`), makes `entry` return `values` (tensors of
  /// `module`, looking through quantizers when they are bypassed) and
  /// compiles it. `pass` prefixes diagnostics. Failure after a diagnostic.
  static FailureOr<ObservedModel> compile(ModuleOp module, func::FuncOp entry,
                                          ArrayRef<Value> values,
                                          StringRef pass,
                                          const ObserveOptions &options = {});

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
  /// `biases` are the values of ObserveOptions::biasArguments, in order.
  LogicalResult run(const quantopt::HostArray &data, int64_t batchSize,
                    function_ref<LogicalResult(ObservedBatch &)> onBatch,
                    ArrayRef<quantopt::HostArrayView> biases = {});

  quantopt::JitModel &jit() { return *model; }

private:
  ObservedModel(ModuleOp module, std::string pass,
                std::unique_ptr<quantopt::JitModel> model, bool quiet,
                bool simulation, size_t numBiases)
      : module(module), pass(std::move(pass)), model(std::move(model)),
        quiet(quiet), simulation(simulation), numBiases(numBiases) {}

  ModuleOp module;
  std::string pass;
  std::unique_ptr<quantopt::JitModel> model;
  bool quiet = false;
  /// The quantizers were kept.
  bool simulation = false;
  size_t numBiases = 0;
};

} // namespace mlir::qnt

#endif // QUANTOPT_LIB_CALIBRATION_OBSERVEDMODEL_H
