//===- WavePlan.h - a model cut between waves of layers ---------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Passes that change layers wave after wave (qnt-adaround with quantized
// inputs, qnt-empirical-bias-correction) run the model once per wave, on
// the layers changed so far. The
// plan cuts the entry function into one segment per wave so that each run
// computes only what the last wave changed: the values an earlier segment
// computed and a later one reads are kept between the runs.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_CALIBRATION_WAVEPLAN_H
#define QUANTOPT_LIB_CALIBRATION_WAVEPLAN_H

#include "ObservedModel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <memory>

namespace mlir::qnt {

/// One run of the model: what it reads from earlier runs and returns.
struct WaveSegment {
  /// Values of earlier segments that this one reads (never an argument of
  /// the entry function: every run is given those).
  SmallVector<Value> arguments;
  /// The inputs of the wave's layers and the values of this segment that
  /// later ones read, each once.
  SmallVector<Value> results;

  /// The position of `value` in `results`.
  size_t indexOf(Value value) const {
    auto it = llvm::find(results, value);
    assert(it != results.end() && "a result of the segment");
    return it - results.begin();
  }
};

/// The depth of a value is the largest number of layers on a path from the
/// entry function's arguments to it; a layer's wave is the depth of its
/// operands. Segment w computes the values of depth w that lead to some
/// layer's input (the inputs of wave w's layers among them); the values of
/// a smaller depth that it reads are its arguments.
struct WavePlan {
  /// Per layer, in the order given, its wave.
  SmallVector<int64_t> waves;
  /// Per wave, its segment.
  SmallVector<WaveSegment> segments;
  /// Per value that some segment takes as an argument, the last such
  /// segment (after it, the value is no longer needed).
  llvm::DenseMap<Value, int64_t> lastReader;
};

/// Plans the runs of `entry` over `samples` samples for `layers` (ops in its
/// body) whose inputs are `inputs`. Without `cut` no segment has arguments:
/// segment w computes everything the inputs of wave w's layers depend on,
/// from the entry's arguments. So it is too when the entry has more than one
/// block, under the exact simulation (a `qnt.rounding` attribute: it reads a
/// layer input's grid off its producer, which a cut would hide), or when the
/// kept activations would take more than 4 GiB (a note on stderr, prefixed
/// by `pass`).
WavePlan planWaves(func::FuncOp entry, ArrayRef<Operation *> layers,
                   ArrayRef<Value> inputs, bool cut, int64_t samples,
                   StringRef pass);

/// planWaves for `layers`, each with its `op` and `input`; sets their `wave`.
template <typename LayerRange>
WavePlan planLayerWaves(func::FuncOp entry, LayerRange &layers, bool cut,
                        int64_t samples, StringRef pass) {
  SmallVector<Operation *> ops;
  SmallVector<Value> inputs;
  for (const auto &layer : layers) {
    ops.push_back(layer.op);
    inputs.push_back(layer.input);
  }
  WavePlan plan = planWaves(entry, ops, inputs, cut, samples, pass);
  for (auto [layer, wave] : llvm::zip_equal(layers, plan.waves))
    layer.wave = wave;
  return plan;
}

/// The activations kept between the runs of a plan, over all samples.
class KeptActivations {
public:
  KeptActivations(const WavePlan &plan, int64_t samples)
      : plan(plan), samples(samples) {}

  /// The values of `segment`'s arguments, in order.
  SmallVector<quantopt::HostArrayView>
  arguments(const WaveSegment &segment) const;
  /// Keeps the rows of one batch of the run of `segment`, whose outputs are
  /// the segment's results.
  void keep(const WaveSegment &segment, const ObservedBatch &batch);
  /// Drops the values whose last reader is the segment of `wave`.
  void release(int64_t wave);

private:
  const WavePlan &plan;
  int64_t samples;
  /// Each array stays where it is while others are added: the views of
  /// arguments() point into it during the run that keeps new ones.
  llvm::DenseMap<Value, std::unique_ptr<quantopt::HostArray>> kept;
};

} // namespace mlir::qnt

#endif // QUANTOPT_LIB_CALIBRATION_WAVEPLAN_H
