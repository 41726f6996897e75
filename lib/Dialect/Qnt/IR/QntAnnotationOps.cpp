//===- QntAnnotationOps.cpp - qnt annotation op verifiers -------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The verifiers of qnt.assume_range and qnt.stats (docs/Numerics.md section
// 9), each check labelled with its rule.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qnt;

//===----------------------------------------------------------------------===//
// Annotations
//===----------------------------------------------------------------------===//

/// A range [lo, hi] of finite values with lo <= hi (`label`).
static LogicalResult verifyRange(Operation *op, StringRef label, double lo,
                                 double hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi)
    return op->emitOpError() << "needs finite min <= max, got [" << lo << ", "
                             << hi << "] (" << label << ")";
  return success();
}

LogicalResult AssumeRangeOp::verify() {
  // assume_range_c1
  return verifyRange(*this, "assume_range_c1", getMin().convertToDouble(),
                     getMax().convertToDouble());
}

/// stats_c4 of `op`, whose input has type `type`.
void mlir::qnt::eraseAnnotations(Operation *root) {
  root->walk([](Operation *op) {
    if (!isa<AssumeRangeOp, StatsOp>(op))
      return;
    op->getResult(0).replaceAllUsesWith(op->getOperand(0));
    op->erase();
  });
}

static LogicalResult verifyStatsSamples(StatsOp op, ShapedType type) {
  // stats_c4: samples are rows x classes, classes the input's last dim, at
  // most count elements, every value finite and within [min, max].
  std::optional<DenseElementsAttr> samples = op.getSamples();
  if (!samples)
    return success();
  auto shape = samples->getType().getShape();
  if (shape.size() != 2 || shape[0] < 1 || shape[1] < 1)
    return op.emitOpError() << "samples must be a non-empty rows x classes "
                               "tensor, got "
                            << samples->getType() << " (stats_c4)";
  if (!type.hasRank() || type.getRank() < 1)
    return op.emitOpError("samples need an input of rank >= 1 (stats_c4)");
  int64_t classes = type.getDimSize(type.getRank() - 1);
  if (!ShapedType::isDynamic(classes) && classes != shape[1])
    return op.emitOpError() << "samples have rows of " << shape[1]
                            << " values, but the input's last dim is "
                            << classes << " (stats_c4)";
  if (shape[0] * shape[1] > op.getCount())
    return op.emitOpError()
           << "samples hold " << shape[0] * shape[1]
           << " values, more than count " << op.getCount() << " (stats_c4)";
  double lo = op.getMin().convertToDouble(), hi = op.getMax().convertToDouble();
  for (auto [i, value] : llvm::enumerate(samples->getValues<float>()))
    if (!(value >= lo && value <= hi))
      return op.emitOpError()
             << "sample " << i / shape[1] << ", class " << i % shape[1]
             << " is " << value << ", outside [min, max] (stats_c4)";
  return success();
}

LogicalResult StatsOp::verify() {
  // stats_c1: a finite range over at least one element.
  if (failed(verifyRange(*this, "stats_c1", getMin().convertToDouble(),
                         getMax().convertToDouble())))
    return failure();
  if (getCount() < 1)
    return emitOpError("count must be at least 1 (stats_c1)");
  // stats_c2: the histogram has bins, non-negative counts summing to count.
  if (std::optional<ArrayRef<int64_t>> hist = getHistogram()) {
    int64_t total = 0;
    for (int64_t c : *hist) {
      if (c < 0)
        return emitOpError("histogram counts must be non-negative (stats_c2)");
      total += c;
    }
    if (hist->empty() || total != getCount())
      return emitOpError() << "histogram has " << hist->size()
                           << " bins holding " << total
                           << " elements, but count is " << getCount()
                           << " (stats_c2)";
  }
  auto type = getInput().getType();
  if (failed(verifyStatsSamples(*this, type)))
    return failure();
  // stats_c3: per-channel statistics name an existing axis and have one
  // entry per channel.
  bool anyChannel = getChannelMin() || getChannelMax() || getChannelMean();
  std::optional<int64_t> axis = getChannelAxis();
  if (anyChannel && !axis)
    return emitOpError("per-channel statistics need channel_axis (stats_c3)");
  if (!axis)
    return success();
  if (*axis < 0 || *axis >= type.getRank())
    return emitOpError() << "channel_axis " << *axis << " is not in [0, "
                         << type.getRank() << ") (stats_c3)";
  int64_t dim = type.getDimSize(*axis);
  for (std::optional<ArrayRef<double>> values :
       {getChannelMin(), getChannelMax(), getChannelMean()})
    if (values && !ShapedType::isDynamic(dim) &&
        static_cast<int64_t>(values->size()) != dim)
      return emitOpError() << "per-channel statistics have " << values->size()
                           << " entries for " << dim << " channels (stats_c3)";
  return success();
}
