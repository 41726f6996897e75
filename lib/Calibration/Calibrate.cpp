//===- Calibrate.cpp - record activation statistics -------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-calibrate: runs the float model (ObservedModel: a clone with every
// qnt.fake_quant bypassed, returning the observed tensors) over calibration
// data with the JIT, accumulates min/max/count, a single-pass histogram and
// per-channel min/max/mean per observed tensor, and for the logits a uniform
// sample of at most `logit-samples` rows (reservoir sampling), with memory
// bounded by one batch, and inserts them as qnt.stats between each tensor and
// its quantizers.
//
//===----------------------------------------------------------------------===//

#include "ObservedModel.h"

#include "quant-opt/Calibration/Passes.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Dialect/Qnt/Transforms/Logits.h"
#include "quant-opt/Support/RangeSetting.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <random>

namespace mlir::qnt {
#define GEN_PASS_DEF_QNTCALIBRATEPASS
#include "quant-opt/Calibration/Passes.h.inc"
} // namespace mlir::qnt

using namespace mlir;
using namespace mlir::qnt;
using quantopt::ElementKind;
using quantopt::HostArray;

namespace {

/// Running statistics of one observed tensor.
struct Observer {
  /// The tensor, in the module being calibrated, and its quantizers.
  Value value;
  SmallVector<FakeQuantOp> quantizers;

  int64_t count = 0;
  double min = 0.0, max = 0.0;
  Histogram hist;
  std::vector<int64_t> histScratch;
  /// Per-channel statistics along the channel axis (0 channels: none).
  int64_t channels = 0;
  SmallVector<double> channelMin, channelMax, channelSum;
  SmallVector<int64_t> channelCount;
  /// Sample rows along the last dim (logits): at most `sampleCapacity`
  /// rows of `classes` values, a uniform sample of the `rowsSeen` rows so
  /// far (reservoir sampling, Algorithm R, with a fixed seed).
  int64_t sampleCapacity = 0;
  int64_t classes = 0;
  int64_t rowsSeen = 0;
  std::vector<float> samples;
  std::mt19937_64 rng{0x5eed};

  /// Adds `n` elements (C order, shape `shape` with the first dim cut to the
  /// observed rows). Returns the flat index of the first non-finite element,
  /// or -1.
  template <typename T>
  int64_t add(const T *data, int64_t n, ArrayRef<int64_t> shape, int64_t axis,
              int64_t bins);
};

/// The exact minimum and maximum of x[0..n) and, if `sum` is given, adds
/// their sum (in double) to it; false if some x is not finite. Everything
/// runs in independent lanes, a loop that vectorizes: a NaN never wins
/// `x < lo ? x : lo`, so non-finite values are caught by summing x - x (0,
/// or NaN for an infinity or a NaN), and the sum is 16 partial sums (the
/// result may differ from an in-order sum in its last bits). Short rows
/// (a [N, C] tensor's channels hold one value per sample) take one lane.
template <int kLanes, typename T>
static bool rangeOfIn(const T *x, int64_t n, T &lo, T &hi, double *sum) {
  T los[kLanes], his[kLanes], check[kLanes];
  double sums[kLanes];
  for (int l = 0; l < kLanes; ++l) {
    los[l] = std::numeric_limits<T>::infinity();
    his[l] = -std::numeric_limits<T>::infinity();
    check[l] = 0;
    sums[l] = 0.0;
  }
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) {
      T v = x[i + l];
      los[l] = v < los[l] ? v : los[l];
      his[l] = v > his[l] ? v : his[l];
      check[l] += v - v;
      sums[l] += static_cast<double>(v);
    }
  for (int l = 0; i < n; ++i, ++l) {
    T v = x[i];
    los[l] = v < los[l] ? v : los[l];
    his[l] = v > his[l] ? v : his[l];
    check[l] += v - v;
    sums[l] += static_cast<double>(v);
  }
  bool finite = true;
  for (int l = 0; l < kLanes; ++l) {
    lo = l == 0 ? los[0] : std::min(lo, los[l]);
    hi = l == 0 ? his[0] : std::max(hi, his[l]);
    finite &= check[l] == 0;
  }
  if (sum)
    for (double s : sums)
      *sum += s;
  return finite;
}

template <typename T>
static bool rangeOf(const T *x, int64_t n, T &lo, T &hi, double *sum) {
  return n >= 16 ? rangeOfIn<16>(x, n, lo, hi, sum)
                 : rangeOfIn<1>(x, n, lo, hi, sum);
}

/// Adds x[0..n), all within [hist.min, hist.max], to `hist`, in the bins of
/// Histogram::binOf (for x >= min its floor is a truncation and only the top
/// clamp can apply). The bins are computed a block at a time (a loop that
/// vectorizes), then counted in 4 interleaved sub-histograms (`scratch`), so
/// that a run of equal values (a ReLU's zeros) is not one chain of
/// increments of the same counter.
template <typename T>
static void addToHistogram(Histogram &hist, const T *x, int64_t n,
                           std::vector<int64_t> &scratch) {
  constexpr int64_t kWays = 4, kBlock = 1024;
  int64_t bins = static_cast<int64_t>(hist.counts.size());
  double width = hist.binWidth();
  if (!(width > 0.0) || bins > std::numeric_limits<int32_t>::max()) {
    for (int64_t i = 0; i < n; ++i)
      ++hist.counts[hist.binOf(static_cast<double>(x[i]))];
    return;
  }
  scratch.assign(kWays * bins, 0);
  double min = hist.min, top = static_cast<double>(bins - 1);
  int32_t index[kBlock];
  for (int64_t start = 0; start < n; start += kBlock) {
    int64_t len = std::min(kBlock, n - start);
    for (int64_t k = 0; k < len; ++k) {
      double b = (static_cast<double>(x[start + k]) - min) / width;
      index[k] = static_cast<int32_t>(b < top ? b : top);
    }
    int64_t k = 0;
    for (; k + kWays <= len; k += kWays)
      for (int64_t w = 0; w < kWays; ++w)
        ++scratch[index[k + w] * kWays + w];
    for (; k < len; ++k)
      ++scratch[index[k] * kWays];
  }
  for (int64_t b = 0; b < bins; ++b)
    for (int64_t w = 0; w < kWays; ++w)
      hist.counts[b] += scratch[b * kWays + w];
}

template <typename T>
int64_t Observer::add(const T *data, int64_t n, ArrayRef<int64_t> shape,
                      int64_t axis, int64_t bins) {
  if (n == 0)
    return -1;
  // Pass 1: the batch range, per-channel statistics, finiteness.
  T lo = std::numeric_limits<T>::infinity();
  T hi = -lo;
  bool finite = true;
  if (channels > 0) {
    int64_t inner = 1;
    for (size_t d = axis + 1; d < shape.size(); ++d)
      inner *= shape[d];
    int64_t outer = n / (channels * inner);
    for (int64_t o = 0; o < outer && finite; ++o)
      for (int64_t c = 0; c < channels && finite; ++c) {
        T cLo, cHi;
        double sum = 0.0;
        finite =
            rangeOf(data + (o * channels + c) * inner, inner, cLo, cHi, &sum);
        lo = std::min(lo, cLo);
        hi = std::max(hi, cHi);
        channelMin[c] = std::min(channelMin[c], static_cast<double>(cLo));
        channelMax[c] = std::max(channelMax[c], static_cast<double>(cHi));
        channelSum[c] += sum;
        channelCount[c] += inner;
      }
  } else {
    finite = rangeOf(data, n, lo, hi, nullptr);
  }
  if (!finite)
    for (int64_t i = 0; i < n; ++i)
      if (!std::isfinite(data[i]))
        return i;

  // Pass 2: the histogram over the running range, widened first if needed.
  if (count == 0) {
    min = lo;
    max = hi;
    hist = Histogram{min, max, std::vector<int64_t>(bins, 0)};
  } else if (lo < min || hi > max) {
    min = std::min(min, static_cast<double>(lo));
    max = std::max(max, static_cast<double>(hi));
    hist = rebinHistogram(hist, min, max, bins);
  }
  addToHistogram(hist, data, n, histScratch);
  count += n;

  // Pass 3: the sample rows.
  if (sampleCapacity > 0 && !shape.empty() && shape.back() > 0) {
    classes = shape.back();
    for (int64_t row = 0; row < n / classes; ++row) {
      int64_t slot = static_cast<int64_t>(samples.size()) / classes;
      if (slot >= sampleCapacity) {
        // Keep the row with probability capacity / rows seen.
        slot =
            static_cast<int64_t>(rng() % static_cast<uint64_t>(rowsSeen + 1));
        if (slot >= sampleCapacity) {
          ++rowsSeen;
          continue;
        }
      } else {
        samples.resize(samples.size() + classes);
      }
      ++rowsSeen;
      for (int64_t j = 0; j < classes; ++j)
        samples[slot * classes + j] =
            static_cast<float>(data[row * classes + j]);
    }
  }
  return -1;
}

struct CalibratePass : public qnt::impl::QntCalibratePassBase<CalibratePass> {
  using Base::Base;

  void runOnOperation() override;

private:
  /// Collects the tensors to observe; failure after a diagnostic.
  LogicalResult collect(func::FuncOp function,
                        llvm::MapVector<Value, Observer> &observers);
  /// Runs the batches and accumulates the statistics.
  LogicalResult run(ObservedModel &model, const HostArray &data,
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

LogicalResult CalibratePass::run(ObservedModel &model, const HostArray &data,
                                 MutableArrayRef<Observer *> observers) {
  return model.run(data, batchSize, [&](ObservedBatch &batch) {
    int64_t rows = batch.rows;
    for (auto [observer, out] : llvm::zip_equal(observers, batch.outputs)) {
      int64_t n = out.numElements();
      SmallVector<int64_t> outShape(out.shape);
      if (batch.padded()) {
        // Only the rows of real samples are observed.
        if (out.shape.empty() || out.shape[0] != batch.batch) {
          observer->quantizers.front().emitError()
              << "qnt-calibrate: the last batch is zero-padded to the static "
                 "batch size "
              << batch.batch << ", but " << describe(observer->value)
              << " has no batch dim to drop the padding from; use a number "
                 "of samples that is a multiple of "
              << batch.batch;
          return failure();
        }
        n = n / batch.batch * rows;
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
            << batch.first + (perSample ? bad / perSample : 0);
        return failure();
      }
    }
    numSamplesRun += rows;
    return success();
  });
}

/// The sample rows of `observer` as a rows x classes f32 attribute, or null.
/// Values are rounded into [min, max] (an f64 tensor's value may round to an
/// f32 just outside).
static DenseElementsAttr samplesAttr(Observer &observer) {
  if (observer.samples.empty())
    return {};
  for (float &v : observer.samples) {
    while (static_cast<double>(v) > observer.max)
      v = std::nextafter(v, -std::numeric_limits<float>::infinity());
    while (static_cast<double>(v) < observer.min)
      v = std::nextafter(v, std::numeric_limits<float>::infinity());
  }
  int64_t rows =
      static_cast<int64_t>(observer.samples.size()) / observer.classes;
  auto type = RankedTensorType::get(
      {rows, observer.classes}, Float32Type::get(observer.value.getContext()));
  return DenseElementsAttr::get(type, ArrayRef<float>(observer.samples));
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
      perChannel ? builder.getDenseF64ArrayAttr(means) : DenseF64ArrayAttr(),
      samplesAttr(observer));
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
  if (batchSize < 1 || bins < 1 || channelAxis < 0 || logitSamples < 0) {
    mlir::emitError(module.getLoc())
        << "qnt-calibrate: batch-size (" << static_cast<int64_t>(batchSize)
        << ") and bins (" << static_cast<int64_t>(bins)
        << ") must be positive and channel-axis ("
        << static_cast<int64_t>(channelAxis) << ") and logit-samples ("
        << static_cast<int64_t>(logitSamples) << ") non-negative";
    return signalPassFailure();
  }
  func::FuncOp function =
      findEntryOrError(module, entry.getValue(), "qnt-calibrate");
  if (!function)
    return signalPassFailure();

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
    if (type.getRank() >= 1 && llvm::any_of(observer.quantizers, [](auto q) {
          return isLogitsQuantizer(q);
        }))
      observer.sampleCapacity = logitSamples;
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
  auto raw = ObservedModel::readData(module, calibrationData, "qnt-calibrate");
  if (failed(raw))
    return signalPassFailure();
  auto model =
      ObservedModel::compile(module, function, values, "qnt-calibrate");
  if (failed(model))
    return signalPassFailure();
  FailureOr<HostArray> data =
      model->prepareData(std::move(*raw), calibrationData, numSamples);
  if (failed(data))
    return signalPassFailure();
  if (failed(run(*model, *data, ordered)))
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
               << llvm::format("%.2f", model->jit().compileSeconds())
               << " s)\n";
}
