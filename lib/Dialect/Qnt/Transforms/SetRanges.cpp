//===- SetRanges.cpp - scales and zero points for quantizers ----*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-set-ranges: gives every uncalibrated qnt.fake_quant its scale and zero
// point, from weight data, qnt.stats statistics or qnt.range ranges, one grid
// per qnt.grid_group, with the methods of Support/RangeSetting.h; the logits
// by cross-entropy on the sample rows of their qnt.stats.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Dialect/Qnt/Transforms/ConstantUtils.h"
#include "quant-opt/Dialect/Qnt/Transforms/Logits.h"
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h"
#include "quant-opt/Support/RangeSetting.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/MapVector.h"

#include <algorithm>
#include <limits>
#include <string>

namespace mlir::qnt {
#define GEN_PASS_DEF_QNTSETRANGESPASS
#include "quant-opt/Dialect/Qnt/Transforms/Passes.h.inc"
} // namespace mlir::qnt

using namespace mlir;
using namespace mlir::qnt;

static constexpr StringLiteral kRangeAttr = "qnt.range";
static constexpr StringLiteral kGridGroupAttr = "qnt.grid_group";

/// What a quantizer's input is, for messages: "function argument #2" or
/// "result #0 of 'qnt.conv2d'".
static std::string describe(Value value) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (auto arg = dyn_cast<BlockArgument>(value))
    os << "block argument #" << arg.getArgNumber();
  else
    os << "result #" << cast<OpResult>(value).getResultNumber() << " of '"
       << value.getDefiningOp()->getName() << "'";
  return text;
}

/// The grid attributes of a quantizer (power-of-two from the option).
static QuantizerSpec specOf(FakeQuantOp op, bool powerOfTwo) {
  QuantizerSpec spec;
  spec.bits = static_cast<unsigned>(op.getNumBits());
  spec.isSigned = op.getIsSigned();
  spec.symmetric = op.getSymmetric();
  spec.narrowRange = op.getNarrowRange();
  spec.powerOfTwo = powerOfTwo;
  return spec;
}

static bool sameGrid(FakeQuantOp a, FakeQuantOp b) {
  return a.getNumBits() == b.getNumBits() &&
         a.getIsSigned() == b.getIsSigned() &&
         a.getSymmetric() == b.getSymmetric() &&
         a.getNarrowRange() == b.getNarrowRange() && a.getAxis() == b.getAxis();
}

namespace {

/// What range setting knows about one activation quantizer's input.
struct Source {
  double min;
  double max;
  /// From qnt.stats with a histogram.
  std::optional<Histogram> histogram;
  /// From qnt.stats (else from a qnt.range or constant data).
  bool fromStats;
  /// From qnt.stats with samples (rows x classes).
  DenseElementsAttr samples = {};
};

struct SetRangesPass : public qnt::impl::QntSetRangesPassBase<SetRangesPass> {
  using Base::Base;

  /// Writes `params` (one per channel) onto `op`.
  static void setParams(FakeQuantOp op, ArrayRef<QuantParams> params) {
    SmallVector<double> scales;
    SmallVector<int64_t> zeroPoints;
    for (const QuantParams &p : params) {
      scales.push_back(p.scale);
      zeroPoints.push_back(p.zeroPoint);
    }
    Builder b(op.getContext());
    op.setScaleAttr(b.getDenseF64ArrayAttr(scales));
    op.setZeroPointAttr(b.getDenseI64ArrayAttr(zeroPoints));
  }

  /// Weight quantizer: range setting on the constant's data.
  LogicalResult setWeight(FakeQuantOp op, ArrayRef<double> data,
                          const QuantizerSpec &spec) {
    RangeMethod method =
        weightRange == "mse" ? RangeMethod::Mse : RangeMethod::MinMax;
    if (std::optional<int64_t> axis = op.getAxis()) {
      auto type = cast<RankedTensorType>(op.getInput().getType());
      std::optional<SmallVector<QuantParams>> params =
          perChannelParams(data, type.getShape(), *axis, method, spec);
      if (!params)
        return op.emitError()
               << "range setting failed for the weight "
                  "quantizer of "
               << describe(op.getInput()) << " along axis " << *axis
               << " (non-finite data or a grid that cannot "
                  "hold it)";
      setParams(op, *params);
      return success();
    }
    std::optional<QuantParams> params = method == RangeMethod::Mse
                                            ? mseParams(data, spec)
                                            : minMaxParams(data, spec);
    if (!params)
      return op.emitError() << "range setting failed for the weight "
                               "quantizer of "
                            << describe(op.getInput())
                            << " (non-finite data or a grid that cannot "
                               "hold it)";
    setParams(op, *params);
    return success();
  }

  /// The statistics or range of an activation quantizer's input.
  FailureOr<Source> sourceOf(FakeQuantOp op) {
    Value input = op.getInput();
    if (auto stats = input.getDefiningOp<StatsOp>()) {
      Source source{stats.getMin().convertToDouble(),
                    stats.getMax().convertToDouble(), std::nullopt, true};
      if (std::optional<ArrayRef<int64_t>> counts = stats.getHistogram()) {
        Histogram hist;
        hist.min = source.min;
        hist.max = source.max;
        hist.counts.assign(counts->begin(), counts->end());
        source.histogram = std::move(hist);
      }
      if (std::optional<DenseElementsAttr> samples = stats.getSamples())
        source.samples = *samples;
      return source;
    }
    if (std::optional<std::vector<double>> data = readF32Constant(input)) {
      if (data->empty())
        return op.emitError() << "the quantizer of " << describe(input)
                              << " reads an empty constant";
      auto [lo, hi] = std::minmax_element(data->begin(), data->end());
      return Source{*lo, *hi, std::nullopt, false};
    }
    if (auto range = op->getAttrOfType<DenseF64ArrayAttr>(kRangeAttr)) {
      if (range.size() != 2 || !(range[0] <= range[1]))
        return op.emitError() << "malformed " << kRangeAttr
                              << ": expected array<f64: lo, hi> with lo <= hi";
      return Source{range[0], range[1], std::nullopt, false};
    }
    return op.emitError() << "no statistics or range for the quantizer of "
                          << describe(input)
                          << "; run qnt-calibrate or qnt-propagate-ranges"
                          << (isa<BlockArgument>(input)
                                  ? " (an input has a range only if stated: "
                                    "qnt-insert-quantizers{input-range=lo,hi} "
                                    "or a qnt.assume_range)"
                                  : "");
  }

  /// Whether the grid of `set` (with `sources`) is set by cross-entropy:
  /// with logits-range=auto or cross-entropy, if a member quantizes the
  /// logits and every member's statistics have samples of one width. An
  /// error if logits-range=cross-entropy and a member quantizes the logits
  /// but some member has no samples.
  FailureOr<bool> useCrossEntropy(ArrayRef<FakeQuantOp> set,
                                  ArrayRef<Source> sources) {
    if (logitsRange == "same")
      return false;
    auto logits = llvm::find_if(set, isLogitsQuantizer);
    if (logits == set.end())
      return false;
    int64_t width = -1;
    for (auto [i, s] : llvm::enumerate(sources)) {
      FakeQuantOp op = set[i];
      int64_t w = s.samples ? s.samples.getType().getDimSize(1) : -1;
      if (w >= 0 && (width < 0 || w == width)) {
        width = w;
        continue;
      }
      if (logitsRange == "auto")
        return false;
      if (w < 0) {
        Value tensor = op.getInput();
        if (auto stats = tensor.getDefiningOp<StatsOp>())
          tensor = stats.getInput();
        return op.emitError()
               << "logits-range=cross-entropy: the quantizer of "
               << describe(tensor)
               << (op == *logits ? " quantizes the logits"
                                 : " shares a grid with the logits")
               << " but has no sample rows; run qnt-calibrate with "
                  "logit-samples > 0";
      }
      return op.emitError() << "the sample rows of the quantizers of one "
                               "grid have different widths ("
                            << width << " and " << w << ")";
    }
    return true;
  }

  /// One grid for the quantizers of `set` (a grid group, or one quantizer).
  LogicalResult setGrid(ArrayRef<FakeQuantOp> set, StringRef what) {
    FakeQuantOp first = set.front();
    for (FakeQuantOp op : set.drop_front())
      if (!sameGrid(first, op))
        return op.emitError()
               << "the quantizers of " << what
               << " must share one grid but have different bits, signedness, "
                  "symmetry, narrow range or axis";
    if (set.size() > 1 && first.getAxis())
      return first.emitError() << "the quantizers of " << what
                               << " share one grid and must be per tensor";

    // A calibrated member fixes the grid.
    auto calibrated =
        llvm::find_if(set, [](FakeQuantOp op) { return op.isCalibrated(); });
    if (calibrated != set.end()) {
      FakeQuantOp fixed = *calibrated;
      for (FakeQuantOp op : set)
        if (!op.isCalibrated()) {
          op.setScaleAttr(fixed.getScaleAttr());
          op.setZeroPointAttr(fixed.getZeroPointAttr());
          ++numCalibrated;
        }
      return success();
    }

    QuantizerSpec spec = specOf(first, powerOfTwo);
    if (!isValidSpec(spec))
      return first.emitError()
             << "invalid grid for range setting: " << spec.bits << " bits"
             << (spec.isSigned ? " signed" : " unsigned")
             << (spec.symmetric ? " symmetric" : "")
             << (spec.narrowRange ? " narrow_range" : "");

    // A lone weight quantizer: from the data, per channel if it has an axis.
    if (set.size() == 1)
      if (std::optional<std::vector<double>> data =
              readF32Constant(first.getInput())) {
        if (failed(setWeight(first, *data, spec)))
          return failure();
        ++numCalibrated;
        return success();
      }

    if (first.getAxis())
      return first.emitError()
             << "per-axis activation quantizer of "
             << describe(first.getInput())
             << ": range setting supports per-tensor activations only";

    SmallVector<Source> sources;
    for (FakeQuantOp op : set) {
      FailureOr<Source> source = sourceOf(op);
      if (failed(source))
        return failure();
      sources.push_back(std::move(*source));
    }
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const Source &s : sources) {
      lo = std::min(lo, s.min);
      hi = std::max(hi, s.max);
    }
    bool allStats =
        llvm::all_of(sources, [](const Source &s) { return s.fromStats; });

    FailureOr<bool> crossEntropy = useCrossEntropy(set, sources);
    if (failed(crossEntropy))
      return failure();
    std::optional<QuantParams> params;
    if (*crossEntropy) {
      std::vector<double> logits;
      for (const Source &s : sources)
        for (float v : s.samples.getValues<float>())
          logits.push_back(v);
      int64_t classes = sources.front().samples.getType().getDimSize(1);
      params = crossEntropyParams(logits, classes, spec);
      ++numCrossEntropy;
    } else if (!allStats || actRange == "minmax") {
      // Data-free (qnt.range) or min-max: the hull of every member.
      params = paramsForRange(lo, hi, spec);
    } else {
      int64_t bins = 0;
      for (auto [i, s] : llvm::enumerate(sources)) {
        FakeQuantOp op = set[i];
        if (!s.histogram || s.histogram->counts.empty())
          return op.emitError()
                 << "the statistics of " << describe(op.getInput())
                 << " have no histogram, which act-range=" << actRange
                 << " needs (act-range=minmax needs only min and max)";
        bins = std::max<int64_t>(bins, s.histogram->counts.size());
      }
      Histogram hist = *sources.front().histogram;
      for (const Source &s : ArrayRef(sources).drop_front())
        hist = mergeHistograms(hist, *s.histogram, bins);
      if (actRange == "mse")
        params = mseParams(hist, spec);
      else if (actRange == "percentile")
        params = percentileParams(hist, percentile, spec);
      else
        params = entropyParams(hist, spec);
    }
    if (!params)
      return first.emitError()
             << "range setting failed for " << what << ", range [" << lo << ", "
             << hi
             << "]: no valid grid (e.g. negative data on an unsigned "
                "symmetric grid)";
    for (FakeQuantOp op : set)
      setParams(op, {*params});
    numCalibrated += set.size();
    return success();
  }

  void runOnOperation() override {
    Operation *root = getOperation();
    if (weightRange != "minmax" && weightRange != "mse") {
      emitError(root->getLoc())
          << "qnt-set-ranges: weight-range must be minmax or "
             "mse, got '"
          << weightRange << "'";
      return signalPassFailure();
    }
    if (actRange != "minmax" && actRange != "mse" && actRange != "percentile" &&
        actRange != "entropy") {
      emitError(root->getLoc())
          << "qnt-set-ranges: act-range must be minmax, mse, "
             "percentile or entropy, got '"
          << actRange << "'";
      return signalPassFailure();
    }
    if (logitsRange != "auto" && logitsRange != "cross-entropy" &&
        logitsRange != "same") {
      emitError(root->getLoc())
          << "qnt-set-ranges: logits-range must be auto, cross-entropy or "
             "same, got '"
          << logitsRange << "'";
      return signalPassFailure();
    }
    if (!(percentile >= 50.0 && percentile <= 100.0)) {
      emitError(root->getLoc())
          << "qnt-set-ranges: percentile must be in [50, 100], "
             "got "
          << percentile;
      return signalPassFailure();
    }

    // Grid groups are numbered within the op qnt-propagate-ranges ran on:
    // key them by the closest isolated-from-above ancestor too.
    llvm::MapVector<std::pair<Operation *, int64_t>, SmallVector<FakeQuantOp>>
        groups;
    SmallVector<FakeQuantOp> singles, all;
    root->walk([&](FakeQuantOp op) {
      all.push_back(op);
      if (auto group = op->getAttrOfType<IntegerAttr>(kGridGroupAttr)) {
        Operation *scope =
            op->getParentWithTrait<OpTrait::IsIsolatedFromAbove>();
        groups[{scope, group.getInt()}].push_back(op);
      } else if (!op.isCalibrated()) {
        singles.push_back(op);
      }
    });

    bool ok = true;
    for (FakeQuantOp op : singles)
      ok &= succeeded(
          setGrid({op}, "the quantizer of " + describe(op.getInput())));
    for (auto &[key, members] : groups)
      ok &= succeeded(
          setGrid(members, "grid group " + std::to_string(key.second)));

    for (FakeQuantOp op : all) {
      op->removeAttr(kRangeAttr);
      op->removeAttr(kGridGroupAttr);
    }
    if (!ok)
      signalPassFailure();
  }
};

} // namespace
