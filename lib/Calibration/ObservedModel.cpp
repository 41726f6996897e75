//===- ObservedModel.cpp - run the float model, observe tensors -*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The bypassed, JIT-compiled clone of a module that returns chosen tensors,
// and its batched run over calibration data (ObservedModel.h).
//
//===----------------------------------------------------------------------===//

#include "ObservedModel.h"

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <future>

using namespace mlir;
using namespace mlir::qnt;
using quantopt::ElementKind;
using quantopt::HostArray;
using quantopt::HostArrayView;

func::FuncOp mlir::qnt::findEntryOrError(ModuleOp module, StringRef name,
                                         StringRef pass) {
  func::FuncOp function = quantopt::findEntryFunction(module, name);
  if (function && !function.isExternal())
    return function;
  mlir::emitError(module.getLoc())
      << pass << ": "
      << (name.empty()
              ? std::string("no entry function: the module has no "
                            "@main and not exactly one public "
                            "function; name one with entry=")
              : "no function @" + name.str() + " with a body in the module");
  return {};
}

std::string mlir::qnt::describe(Value value) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    os << "argument #" << arg.getArgNumber();
    if (auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp()))
      os << " of @" << func.getSymName();
  } else {
    os << "the result of '" << value.getDefiningOp()->getName() << "' at "
       << value.getLoc();
  }
  return text;
}

FailureOr<ObservedModel>
ObservedModel::compile(ModuleOp module, func::FuncOp entry,
                       ArrayRef<Value> values, StringRef pass,
                       const ObservedModelOptions &options) {
  IRMapping mapping;
  OwningOpRef<ModuleOp> clone(cast<ModuleOp>(module->clone(mapping)));
  // The observed tensors in the clone (looking through quantizers when they
  // go away next).
  SmallVector<Value> results;
  for (Value value : values) {
    Value mapped = mapping.lookup(value);
    while (!options.keepQuantizers)
      if (auto quantizer = mapped.getDefiningOp<FakeQuantOp>())
        mapped = quantizer.getInput();
      else
        break;
    results.push_back(mapped);
  }
  auto cloneEntry = clone->lookupSymbol<func::FuncOp>(entry.getSymName());
  // Quantizer inputs that become arguments (before any quantizer goes away).
  for (FakeQuantOp quantizer : options.quantizerInputsAsArguments) {
    auto mapped =
        mapping.lookup(quantizer.getResult()).getDefiningOp<FakeQuantOp>();
    Type type = mapped.getInput().getType();
    unsigned index = cloneEntry.getNumArguments();
    if (failed(cloneEntry.insertArgument(index, type, {}, mapped.getLoc())))
      return failure();
    mapped.getInputMutable().assign(cloneEntry.getArgument(index));
  }
  // Layer biases as arguments of the entry function, after those.
  for (Operation *layer : options.biasArguments) {
    Operation *cloned = mapping.lookupOrNull(layer);
    if (!cloned || !isa<Conv2DOp, MatMulOp>(cloned) ||
        cloned->getParentOp() != cloneEntry.getOperation()) {
      mlir::emitError(layer->getLoc())
          << pass << " can only pass the bias of a qnt.conv2d or qnt.matmul "
          << "in the body of @" << entry.getSymName();
      return failure();
    }
    auto resultType = cast<RankedTensorType>(cloned->getResult(0).getType());
    int64_t channels = resultType.getDimSize(resultType.getRank() - 1);
    if (isa<Conv2DOp>(cloned))
      channels = resultType.getDimSize(1);
    auto biasType =
        RankedTensorType::get({channels}, resultType.getElementType());
    unsigned index = cloneEntry.getNumArguments();
    if (failed(cloneEntry.insertArgument(index, biasType, DictionaryAttr(),
                                         cloned->getLoc())))
      return failure();
    Value argument = cloneEntry.getArgument(index);
    if (cloned->getNumOperands() > 2)
      cloned->setOperand(2, argument);
    else
      cloned->insertOperands(2, argument);
  }
  // Values read from arguments, after those.
  for (Value value : options.valuesAsArguments) {
    Value mapped = mapping.lookup(value);
    unsigned index = cloneEntry.getNumArguments();
    if (failed(cloneEntry.insertArgument(index, mapped.getType(), {},
                                         mapped.getLoc())))
      return failure();
    mapped.replaceAllUsesWith(cloneEntry.getArgument(index));
  }
  // The float model: every quantizer bypassed; the quantized one: the
  // uncalibrated ones (and with weightQuantizersOnly those of non-constants).
  SmallVector<FakeQuantOp> quantizers;
  clone->walk([&](FakeQuantOp op) {
    if (!options.keepQuantizers || !op.isCalibrated() ||
        (options.weightQuantizersOnly &&
         !op.getInput().getDefiningOp<arith::ConstantOp>()))
      quantizers.push_back(op);
  });
  for (FakeQuantOp op : quantizers) {
    for (Value &result : results)
      if (result == op.getResult())
        result = op.getInput();
    op.getResult().replaceAllUsesWith(op.getInput());
    op.erase();
  }
  // The entry function returns the observed tensors instead of its results.
  auto ret =
      dyn_cast<func::ReturnOp>(cloneEntry.getBody().back().getTerminator());
  if (!ret) {
    mlir::emitError(entry.getLoc())
        << pass << " needs an entry function ending in func.return";
    return failure();
  }
  ret->setOperands(results);
  cloneEntry.removeResAttrsAttr();
  cloneEntry.setFunctionType(FunctionType::get(module.getContext(),
                                               cloneEntry.getArgumentTypes(),
                                               ValueRange(results).getTypes()));
  // Only what the results need is compiled.
  for (Block &block : cloneEntry.getBody())
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block)))
      if (isOpTriviallyDead(&op))
        op.erase();

  quantopt::JitOptions jitOptions;
  jitOptions.entry = entry.getSymName().str();
  // No LLVM IR optimization: a clone runs over the calibration data once
  // (or once per wave), and the optimizations took longer to run than they
  // saved (MobileNetV2, 1000 samples: qnt-calibrate 2.28 s at O3, 2.02 s at
  // O0; qnt-adaround's statistics 9.1 and 7.9 s), the results the same.
  jitOptions.optLevel = 0;
  auto model = quantopt::JitModel::compile(*clone, jitOptions);
  if (!model) {
    mlir::emitError(entry.getLoc())
        << pass << " could not compile the "
        << (options.keepQuantizers ? "quantized" : "float")
        << " model: " << llvm::toString(model.takeError());
    return failure();
  }
  return ObservedModel(
      module, pass.str(), std::move(*model),
      options.quantizerInputsAsArguments.size() + options.biasArguments.size(),
      options.valuesAsArguments.size(), options.keepQuantizers, options.quiet);
}

FailureOr<HostArray> ObservedModel::readData(ModuleOp module, StringRef path,
                                             StringRef pass) {
  auto raw = quantopt::readNpy(path.str());
  if (!raw) {
    mlir::emitError(module.getLoc())
        << pass << ": " << llvm::toString(raw.takeError());
    return failure();
  }
  return std::move(*raw);
}

FailureOr<HostArray> ObservedModel::prepareData(HostArray raw, StringRef path,
                                                int64_t numSamples) {
  size_t numArguments = numExtraInputs + numBatchedInputs;
  if (model->inputs().size() != 1 + numArguments) {
    mlir::emitError(module.getLoc())
        << pass << ": @" << model->entryName() << " takes "
        << model->inputs().size() - numArguments
        << " inputs; calibration-data gives exactly one";
    return failure();
  }
  const quantopt::TensorSignature &sig = model->inputs()[0];
  if (sig.shape.empty()) {
    mlir::emitError(module.getLoc())
        << pass << ": the input of @" << model->entryName()
        << " has no sample dim";
    return failure();
  }
  std::string what = "calibration data '" + path.str() + "'";
  auto data = quantopt::prepareInput(std::move(raw), sig, what);
  if (!data) {
    mlir::emitError(module.getLoc())
        << pass << ": " << llvm::toString(data.takeError());
    return failure();
  }
  int64_t total = data->shape[0];
  if (numSamples > 0)
    total = std::min(total, numSamples);
  if (total == 0) {
    mlir::emitError(module.getLoc())
        << pass << ": " << what << " holds no samples";
    return failure();
  }
  // Non-finite data would poison every statistic: reject it up front.
  int64_t perSample =
      data->numElements() / std::max<int64_t>(data->shape[0], 1);
  int64_t n = total * perSample;
  auto checkFinite = [&](auto *values) -> LogicalResult {
    for (int64_t i = 0; i < n; ++i)
      if (!std::isfinite(static_cast<double>(values[i]))) {
        mlir::emitError(module.getLoc())
            << pass << ": " << what << " holds a "
            << (std::isnan(static_cast<double>(values[i])) ? "NaN"
                                                           : "non-finite value")
            << " in sample " << i / perSample;
        return failure();
      }
    return success();
  };
  if (data->kind == ElementKind::F32 &&
      failed(checkFinite(data->data<float>())))
    return failure();
  if (data->kind == ElementKind::F64 &&
      failed(checkFinite(data->data<double>())))
    return failure();
  data->shape[0] = total;
  data->bytes.resize(n * quantopt::elementSize(data->kind));
  return std::move(*data);
}

namespace {
/// One batch of ObservedModel::run in flight: its inputs (views, and the
/// zero-padded copies of a short last batch), the outputs the model writes,
/// and the model's error, if any.
struct BatchSlot {
  int64_t first = 0, rows = 0;
  SmallVector<SmallVector<int64_t>> shapes;
  SmallVector<HostArray> padded;
  SmallVector<HostArrayView> inputs;
  SmallVector<HostArray> outputs;
  std::string error;
  std::shared_future<void> done;
};
} // namespace

LogicalResult
ObservedModel::run(const HostArray &data, int64_t batchSize,
                   function_ref<LogicalResult(ObservedBatch &)> onBatch,
                   ArrayRef<HostArrayView> extraInputs,
                   ArrayRef<HostArrayView> batchedInputs) {
  assert(extraInputs.size() == numExtraInputs && "one value per argument");
  assert(batchedInputs.size() == numBatchedInputs && "one value per argument");
  int64_t total = data.shape[0];
  int64_t staticBatch = model->inputs()[0].shape[0];
  bool isStatic = !ShapedType::isDynamic(staticBatch);
  int64_t batch = isStatic ? staticBatch : std::min<int64_t>(batchSize, total);
  SmallVector<HostArrayView> sources = {data.view()};
  sources.append(batchedInputs.begin(), batchedInputs.end());
  // Per batched input: the bytes of a sample.
  SmallVector<size_t> rowBytes;
  for (const HostArrayView &source : sources) {
    assert(source.shape[0] == total && "one row per sample");
    rowBytes.push_back(quantopt::elementSize(source.kind));
    for (int64_t dim : source.shape.drop_front())
      rowBytes.back() *= dim;
  }
  auto start = std::chrono::steady_clock::now();
  // About ten progress lines, whatever the number of batches.
  int64_t numBatches = (total + batch - 1) / batch;
  int64_t reportEvery = (numBatches + 9) / 10;

  // With threads, the model runs batches on the context's threads, as many
  // at once as it has threads (at most 8: each holds a set of outputs),
  // while this thread observes the oldest one: onBatch sees the batches one
  // at a time and in order, as it would without threads. The compiled model
  // is reentrant (its buffers come from per-thread caches). Each slot's
  // outputs are reused (their memory stays mapped).
  MLIRContext *ctx = module.getContext();
  bool threaded = ctx->isMultithreadingEnabled() && numBatches > 1;
  int64_t numSlots =
      threaded ? std::min<int64_t>(
                     std::min<int64_t>(ctx->getNumThreads(), 8) + 1, numBatches)
               : 1;
  std::vector<BatchSlot> slots(numSlots);
  auto runModel = [this](BatchSlot &slot) {
    if (llvm::Error error = model->run(slot.inputs, slot.outputs))
      slot.error = llvm::toString(std::move(error));
  };
  auto launch = [&](int64_t index) {
    BatchSlot &slot = slots[index % numSlots];
    slot.first = index * batch;
    slot.rows = std::min(batch, total - slot.first);
    bool padding = isStatic && slot.rows < batch;
    slot.shapes.resize(sources.size());
    slot.padded.resize(sources.size());
    slot.inputs.clear();
    for (auto [i, source] : llvm::enumerate(sources)) {
      const auto *bytes =
          static_cast<const uint8_t *>(source.data) + slot.first * rowBytes[i];
      SmallVector<int64_t> &shape = slot.shapes[i];
      shape.assign(source.shape.begin(), source.shape.end());
      shape[0] = padding ? batch : slot.rows;
      if (padding) {
        slot.padded[i] = HostArray::zeros(source.kind, shape);
        std::memcpy(slot.padded[i].bytes.data(), bytes,
                    slot.rows * rowBytes[i]);
        bytes = slot.padded[i].bytes.data();
      }
      slot.inputs.push_back({source.kind, shape, bytes});
      if (i == 0)
        slot.inputs.append(extraInputs.begin(), extraInputs.end());
    }
    if (threaded)
      slot.done =
          ctx->getThreadPool().async([&runModel, &slot] { runModel(slot); });
    else
      runModel(slot);
  };
  // No run may outlive this function, whatever it returns.
  llvm::scope_exit waitOnExit([&] {
    for (BatchSlot &slot : slots)
      if (slot.done.valid())
        slot.done.wait();
  });

  for (int64_t index = 0; index < numSlots; ++index)
    launch(index);
  for (int64_t index = 0; index < numBatches; ++index) {
    BatchSlot &slot = slots[index % numSlots];
    if (slot.done.valid())
      slot.done.wait();
    slot.done = {};
    if (!slot.error.empty()) {
      mlir::emitError(module.getLoc())
          << pass << ": running the " << (quantized ? "quantized" : "float")
          << " model failed: " << slot.error;
      return failure();
    }
    ObservedBatch observed{slot.first, slot.rows, slot.shapes[0][0],
                           slot.outputs};
    if (failed(onBatch(observed)))
      return failure();
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (!quiet && ((index + 1) % reportEvery == 0 || index + 1 == numBatches))
      llvm::errs() << pass << ": " << slot.first + slot.rows << "/" << total
                   << " samples (" << llvm::format("%.1f", seconds) << " s)\n";
    if (index + numSlots < numBatches)
      launch(index + numSlots);
  }
  return success();
}

std::optional<ConvGeometry> mlir::qnt::getConvGeometry(Conv2DOp conv,
                                                       StringRef pass) {
  auto inType = dyn_cast<RankedTensorType>(conv.getInput().getType());
  auto outType = dyn_cast<RankedTensorType>(conv.getResult().getType());
  auto wType = cast<RankedTensorType>(conv.getWeight().getType());
  if (!inType || inType.getRank() != 4 || inType.isDynamicDim(1) ||
      inType.isDynamicDim(2) || inType.isDynamicDim(3) || !outType ||
      outType.isDynamicDim(2) || outType.isDynamicDim(3)) {
    conv->emitWarning() << pass
                        << ": skipping a convolution with dynamic channel or "
                           "spatial dims";
    return std::nullopt;
  }
  ConvGeometry g;
  g.channels = inType.getDimSize(1);
  g.height = inType.getDimSize(2);
  g.width = inType.getDimSize(3);
  g.kernelH = wType.getDimSize(2);
  g.kernelW = wType.getDimSize(3);
  g.strideH = conv.getStrides()[0];
  g.strideW = conv.getStrides()[1];
  g.padTop = conv.getPads()[0];
  g.padLeft = conv.getPads()[1];
  g.dilationH = conv.getDilations()[0];
  g.dilationW = conv.getDilations()[1];
  g.groups = conv.getGroups();
  g.outH = outType.getDimSize(2);
  g.outW = outType.getDimSize(3);
  return g;
}
