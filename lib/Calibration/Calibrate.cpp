//===- Calibrate.cpp - record activation statistics -------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-calibrate: runs the float model (a clone with every qnt.fake_quant
// bypassed, returning the observed tensors) over calibration data with the
// JIT, accumulates min/max/count, a single-pass histogram and per-channel
// min/max/mean per observed tensor with memory bounded by one batch, and
// inserts them as qnt.stats between each tensor and its quantizers.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Calibration/Passes.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Execution/Evaluate.h"
#include "quant-opt/Execution/JitModel.h"
#include "quant-opt/Support/RangeSetting.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>

namespace mlir::qnt {
#define GEN_PASS_DEF_QNTCALIBRATEPASS
#include "quant-opt/Calibration/Passes.h.inc"
} // namespace mlir::qnt

using namespace mlir;
using namespace mlir::qnt;
using quantopt::ElementKind;
using quantopt::HostArray;
using quantopt::HostArrayView;

/// True if `value` is a constant, looking through annotation ops (as
/// qnt-bypass-quantizers decides what a weight quantizer is).
static bool isConstantLike(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (isa<AssumeRangeOp, StatsOp>(def)) {
      value = def->getOperand(0);
      continue;
    }
    return def->hasTrait<OpTrait::ConstantLike>();
  }
  return false;
}

/// The entry function as JitModel chooses it: `name`, or `main`, or the only
/// public function with a body.
static func::FuncOp findEntry(ModuleOp module, StringRef name) {
  if (!name.empty())
    return module.lookupSymbol<func::FuncOp>(name);
  if (auto main = module.lookupSymbol<func::FuncOp>("main"))
    return main;
  func::FuncOp only;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (!func.isPublic() || func.isExternal())
      continue;
    if (only)
      return {};
    only = func;
  }
  return only;
}

/// Describes a value for diagnostics: "the result of 'qnt.matmul' at loc" or
/// "argument #0 of @main".
static std::string describe(Value value) {
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

namespace {

/// Running statistics of one observed tensor.
struct Observer {
  /// The tensor, in the module being calibrated, and its quantizers.
  Value value;
  SmallVector<FakeQuantOp> quantizers;

  int64_t count = 0;
  double min = 0.0, max = 0.0;
  Histogram hist;
  /// Per-channel statistics along the channel axis (0 channels: none).
  int64_t channels = 0;
  SmallVector<double> channelMin, channelMax, channelSum;
  SmallVector<int64_t> channelCount;

  /// Adds `n` elements (C order, shape `shape` with the first dim cut to the
  /// observed rows). Returns the flat index of the first non-finite element,
  /// or -1.
  template <typename T>
  int64_t add(const T *data, int64_t n, ArrayRef<int64_t> shape, int64_t axis,
              int64_t bins);
};

template <typename T>
int64_t Observer::add(const T *data, int64_t n, ArrayRef<int64_t> shape,
                      int64_t axis, int64_t bins) {
  if (n == 0)
    return -1;
  // Pass 1: finiteness, the batch range, per-channel sums.
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  int64_t inner = 1;
  if (channels > 0)
    for (size_t d = axis + 1; d < shape.size(); ++d)
      inner *= shape[d];
  for (int64_t i = 0; i < n; ++i) {
    double x = static_cast<double>(data[i]);
    if (!std::isfinite(x))
      return i;
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  if (channels > 0) {
    int64_t outer = n / (channels * inner);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t c = 0; c < channels; ++c) {
        const T *row = data + (o * channels + c) * inner;
        double cMin = channelMin[c], cMax = channelMax[c], sum = 0.0;
        for (int64_t k = 0; k < inner; ++k) {
          double x = static_cast<double>(row[k]);
          cMin = std::min(cMin, x);
          cMax = std::max(cMax, x);
          sum += x;
        }
        channelMin[c] = cMin;
        channelMax[c] = cMax;
        channelSum[c] += sum;
        channelCount[c] += inner;
      }
  }

  // Pass 2: the histogram over the running range, widened first if needed.
  if (count == 0) {
    min = lo;
    max = hi;
    hist = Histogram{lo, hi, std::vector<int64_t>(bins, 0)};
  } else if (lo < min || hi > max) {
    min = std::min(min, lo);
    max = std::max(max, hi);
    hist = rebinHistogram(hist, min, max, bins);
  }
  for (int64_t i = 0; i < n; ++i)
    ++hist.counts[hist.binOf(static_cast<double>(data[i]))];
  count += n;
  return -1;
}

struct CalibratePass : public qnt::impl::QntCalibratePassBase<CalibratePass> {
  using Base::Base;

  void runOnOperation() override;

private:
  /// Collects the tensors to observe; failure after a diagnostic.
  LogicalResult collect(func::FuncOp function,
                        llvm::MapVector<Value, Observer> &observers);
  /// The float model returning the observed tensors, compiled.
  FailureOr<std::unique_ptr<quantopt::JitModel>>
  compileObserver(func::FuncOp function, ArrayRef<Value> values);
  /// Converts and checks the calibration data for the model's input.
  FailureOr<HostArray> prepareData(HostArray raw, quantopt::JitModel &model);
  /// Runs the batches and accumulates the statistics.
  LogicalResult run(quantopt::JitModel &model, const HostArray &data,
                    MutableArrayRef<Observer *> observers);
  /// Inserts the qnt.stats ops.
  void materialize(Observer &observer);
};

} // namespace

LogicalResult
CalibratePass::collect(func::FuncOp function,
                       llvm::MapVector<Value, Observer> &observers) {
  bool failed = false;
  getOperation()->walk([&](FakeQuantOp quantizer) {
    Value input = quantizer.getInput();
    if (quantizer.isCalibrated() || isConstantLike(input) ||
        input.getDefiningOp<StatsOp>())
      return;
    Operation *parent = quantizer->getParentOp();
    if (!isa<func::FuncOp>(parent)) {
      quantizer.emitError()
          << "qnt-calibrate does not support quantizers inside nested regions "
             "(this one is inside '"
          << parent->getName() << "'): calibrate a model whose quantizers are "
          << "in the body of the entry function";
      failed = true;
      return;
    }
    if (parent != function.getOperation()) {
      quantizer.emitError() << "qnt-calibrate only calibrates quantizers of "
                               "the entry function @"
                            << function.getSymName() << ", not of @"
                            << cast<func::FuncOp>(parent).getSymName();
      failed = true;
      return;
    }
    Observer &observer = observers[input];
    observer.value = input;
    observer.quantizers.push_back(quantizer);
  });
  return success(!failed);
}

FailureOr<std::unique_ptr<quantopt::JitModel>>
CalibratePass::compileObserver(func::FuncOp function, ArrayRef<Value> values) {
  ModuleOp module = getOperation();
  IRMapping mapping;
  OwningOpRef<ModuleOp> clone(cast<ModuleOp>(module->clone(mapping)));
  // The observed tensors in the clone (looking through quantizers, which go
  // away next).
  SmallVector<Value> results;
  for (Value value : values) {
    Value mapped = mapping.lookup(value);
    while (auto quantizer = mapped.getDefiningOp<FakeQuantOp>())
      mapped = quantizer.getInput();
    results.push_back(mapped);
  }
  // The float model: every quantizer bypassed.
  SmallVector<FakeQuantOp> quantizers;
  clone->walk([&](FakeQuantOp op) { quantizers.push_back(op); });
  for (FakeQuantOp op : quantizers) {
    op.getResult().replaceAllUsesWith(op.getInput());
    op.erase();
  }
  // The entry function returns the observed tensors instead of its results.
  auto cloneEntry = clone->lookupSymbol<func::FuncOp>(function.getSymName());
  auto ret =
      dyn_cast<func::ReturnOp>(cloneEntry.getBody().back().getTerminator());
  if (!ret) {
    mlir::emitError(function.getLoc(),
                    "qnt-calibrate needs an entry function ending in "
                    "func.return");
    return failure();
  }
  ret->setOperands(results);
  cloneEntry.removeResAttrsAttr();
  cloneEntry.setFunctionType(FunctionType::get(&getContext(),
                                               cloneEntry.getArgumentTypes(),
                                               ValueRange(results).getTypes()));

  quantopt::JitOptions options;
  options.entry = function.getSymName().str();
  auto model = quantopt::JitModel::compile(*clone, options);
  if (!model) {
    mlir::emitError(function.getLoc())
        << "qnt-calibrate could not compile the float model: "
        << llvm::toString(model.takeError());
    return failure();
  }
  return std::move(*model);
}

FailureOr<HostArray> CalibratePass::prepareData(HostArray raw,
                                                quantopt::JitModel &model) {
  ModuleOp module = getOperation();
  if (model.inputs().size() != 1) {
    mlir::emitError(module.getLoc())
        << "qnt-calibrate: @" << model.entryName() << " takes "
        << model.inputs().size()
        << " inputs; calibration-data gives exactly one";
    return failure();
  }
  const quantopt::TensorSignature &sig = model.inputs()[0];
  if (sig.shape.empty()) {
    mlir::emitError(module.getLoc())
        << "qnt-calibrate: the input of @" << model.entryName()
        << " has no sample dim";
    return failure();
  }
  std::string what = "calibration data '" + calibrationData + "'";
  auto data = quantopt::prepareInput(std::move(raw), sig, what);
  if (!data) {
    mlir::emitError(module.getLoc())
        << "qnt-calibrate: " << llvm::toString(data.takeError());
    return failure();
  }
  int64_t total = data->shape[0];
  if (numSamples > 0)
    total = std::min(total, static_cast<int64_t>(numSamples));
  if (total == 0) {
    mlir::emitError(module.getLoc())
        << "qnt-calibrate: " << what << " holds no samples";
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
            << "qnt-calibrate: " << what << " holds a "
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

LogicalResult CalibratePass::run(quantopt::JitModel &model,
                                 const HostArray &data,
                                 MutableArrayRef<Observer *> observers) {
  int64_t total = data.shape[0];
  int64_t staticBatch = model.inputs()[0].shape[0];
  bool isStatic = !ShapedType::isDynamic(staticBatch);
  int64_t batch = isStatic ? staticBatch : std::min<int64_t>(batchSize, total);
  size_t rowBytes = data.bytes.size() / total;
  auto start = std::chrono::steady_clock::now();
  HostArray padded;
  for (int64_t first = 0; first < total; first += batch) {
    int64_t rows = std::min(batch, total - first);
    SmallVector<int64_t> shape(data.shape);
    const uint8_t *bytes = data.bytes.data() + first * rowBytes;
    bool padding = isStatic && rows < batch;
    shape[0] = padding ? batch : rows;
    if (padding) {
      padded = HostArray::zeros(data.kind, shape);
      std::memcpy(padded.bytes.data(), bytes, rows * rowBytes);
      bytes = padded.bytes.data();
    }
    HostArrayView view{data.kind, shape, bytes};
    auto outputs = model.run(view);
    if (!outputs) {
      mlir::emitError(getOperation().getLoc())
          << "qnt-calibrate: running the float model failed: "
          << llvm::toString(outputs.takeError());
      return failure();
    }
    for (auto [observer, out] : llvm::zip_equal(observers, *outputs)) {
      int64_t n = out.numElements();
      SmallVector<int64_t> outShape(out.shape);
      if (padding) {
        // Only the rows of real samples are observed.
        if (out.shape.empty() || out.shape[0] != batch) {
          observer->quantizers.front().emitError()
              << "qnt-calibrate: the last batch is zero-padded to the static "
                 "batch size "
              << batch << ", but " << describe(observer->value)
              << " has no batch dim to drop the padding from; use a number "
                 "of samples that is a multiple of "
              << batch;
          return failure();
        }
        n = n / batch * rows;
        outShape[0] = rows;
      }
      int64_t bad = out.kind == ElementKind::F64
                        ? observer->add(out.data<double>(), n, outShape,
                                        channelAxis, bins)
                        : observer->add(out.data<float>(), n, outShape,
                                        channelAxis, bins);
      if (bad >= 0) {
        int64_t perSample = n / std::max<int64_t>(rows, 1);
        observer->quantizers.front().emitError()
            << "qnt-calibrate: " << describe(observer->value)
            << ", which this quantizer observes, is not finite on calibration "
               "sample "
            << first + (perSample ? bad / perSample : 0);
        return failure();
      }
    }
    numSamplesRun += rows;
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    llvm::errs() << "qnt-calibrate: " << first + rows << "/" << total
                 << " samples (" << llvm::format("%.2f", seconds) << " s)\n";
  }
  return success();
}

void CalibratePass::materialize(Observer &observer) {
  Value value = observer.value;
  OpBuilder builder(&getContext());
  builder.setInsertionPointAfterValue(value);
  bool perChannel =
      observer.channels > 0 &&
      llvm::all_of(observer.channelCount, [](int64_t c) { return c > 0; });
  SmallVector<double> means;
  if (perChannel)
    for (auto [sum, count] :
         llvm::zip_equal(observer.channelSum, observer.channelCount))
      means.push_back(sum / static_cast<double>(count));
  auto stats = StatsOp::create(
      builder, value.getLoc(), value.getType(), value,
      builder.getF64FloatAttr(observer.min),
      builder.getF64FloatAttr(observer.max),
      builder.getI64IntegerAttr(observer.count),
      builder.getDenseI64ArrayAttr(observer.hist.counts),
      perChannel ? builder.getI64IntegerAttr(channelAxis) : IntegerAttr(),
      perChannel ? builder.getDenseF64ArrayAttr(observer.channelMin)
                 : DenseF64ArrayAttr(),
      perChannel ? builder.getDenseF64ArrayAttr(observer.channelMax)
                 : DenseF64ArrayAttr(),
      perChannel ? builder.getDenseF64ArrayAttr(means) : DenseF64ArrayAttr());
  for (FakeQuantOp quantizer : observer.quantizers)
    quantizer.getInputMutable().assign(stats.getResult());
}

void CalibratePass::runOnOperation() {
  ModuleOp module = getOperation();
  auto begin = std::chrono::steady_clock::now();
  if (calibrationData.empty()) {
    mlir::emitError(module.getLoc(),
                    "qnt-calibrate needs calibration-data=<file.npy>");
    return signalPassFailure();
  }
  if (batchSize < 1 || bins < 1 || channelAxis < 0) {
    mlir::emitError(module.getLoc())
        << "qnt-calibrate: batch-size (" << static_cast<int64_t>(batchSize)
        << ") and bins (" << static_cast<int64_t>(bins)
        << ") must be positive and channel-axis ("
        << static_cast<int64_t>(channelAxis) << ") non-negative";
    return signalPassFailure();
  }
  func::FuncOp function = findEntry(module, entry.getValue());
  if (!function || function.isExternal()) {
    mlir::emitError(module.getLoc())
        << "qnt-calibrate: "
        << (entry.empty() ? std::string("no entry function: the module "
                                        "has no @main and not exactly "
                                        "one public function; name one "
                                        "with entry=")
                          : "no function @" + entry.getValue() +
                                " with a body in the module");
    return signalPassFailure();
  }

  llvm::MapVector<Value, Observer> observers;
  if (failed(collect(function, observers)))
    return signalPassFailure();
  if (observers.empty()) {
    mlir::emitWarning(module.getLoc(),
                      "qnt-calibrate: no uncalibrated activation quantizer "
                      "to calibrate");
    return;
  }

  SmallVector<Value> values;
  SmallVector<Observer *> ordered;
  for (auto &[value, observer] : observers) {
    values.push_back(value);
    ordered.push_back(&observer);
    auto type = cast<ShapedType>(value.getType());
    if (channelAxis < type.getRank() && !type.isDynamicDim(channelAxis)) {
      observer.channels = type.getDimSize(channelAxis);
      observer.channelMin.assign(observer.channels,
                                 std::numeric_limits<double>::infinity());
      observer.channelMax.assign(observer.channels,
                                 -std::numeric_limits<double>::infinity());
      observer.channelSum.assign(observer.channels, 0.0);
      observer.channelCount.assign(observer.channels, 0);
    }
  }

  // Read the data first: a bad file fails before the (slow) compilation.
  auto raw = quantopt::readNpy(calibrationData);
  if (!raw) {
    mlir::emitError(module.getLoc())
        << "qnt-calibrate: " << llvm::toString(raw.takeError());
    return signalPassFailure();
  }
  auto model = compileObserver(function, values);
  if (failed(model))
    return signalPassFailure();
  FailureOr<HostArray> data = prepareData(std::move(*raw), **model);
  if (failed(data))
    return signalPassFailure();
  if (failed(run(**model, *data, ordered)))
    return signalPassFailure();

  for (Observer *observer : ordered)
    materialize(*observer);
  numObserved += ordered.size();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin)
          .count();
  llvm::errs() << "qnt-calibrate: " << ordered.size() << " tensors over "
               << data->shape[0] << " samples in "
               << llvm::format("%.2f", seconds) << " s (compile "
               << llvm::format("%.2f", (*model)->compileSeconds()) << " s)\n";
}
