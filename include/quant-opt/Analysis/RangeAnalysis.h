//===- RangeAnalysis.h - value ranges and grid groups of qnt IR -*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Range propagation over qnt IR, on MLIR's sparse data-flow framework: an
// interval [lo, hi] for every float tensor (and the real values of every
// quantized tensor), seeded by annotations (qnt.assume_range, qnt.stats),
// batch-norm statistics kept by BN folding, fused activations, calibrated
// quantizers and constants, and carried through the network by one transfer
// function per op. On top of the intervals, the grid groups: the tensors that
// must share one quantization grid (concat, and pure data movement), with
// the range of each group, and for every conv2d/matmul the values that
// determine its accumulator scale (s_acc = s_input * s_weight).
//
// RangeAnalysisResult is the entry point for passes; RangeAnalysis is the
// data-flow analysis itself, for use in a DataFlowSolver with other analyses.
// The rules are documented with each transfer function in RangeAnalysis.cpp
// and in the description of the qnt-propagate-ranges pass.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_ANALYSIS_RANGEANALYSIS_H
#define QUANTOPT_ANALYSIS_RANGEANALYSIS_H

#include "mlir/Analysis/DataFlow/SparseAnalysis.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <limits>
#include <optional>
#include <vector>

namespace mlir::qnt {

//===----------------------------------------------------------------------===//
// Intervals and the lattice
//===----------------------------------------------------------------------===//

/// A closed interval [lo, hi] of real numbers. `lo` may be -inf and `hi`
/// +inf (a half-bounded or unbounded interval); an interval is never empty
/// and never holds NaN (`lo <= hi`, `lo < +inf`, `hi > -inf`).
struct Interval {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();

  /// [-inf, +inf].
  static Interval unbounded() { return {}; }
  /// [lo, hi] if that is a valid interval (no NaN, lo <= hi, not a single
  /// infinity); [-inf, +inf] otherwise.
  static Interval get(double lo, double hi);
  static Interval point(double v) { return get(v, v); }

  /// Both ends finite.
  bool isBounded() const;
  /// [-inf, +inf].
  bool isUnbounded() const;
  bool contains(double v) const { return lo <= v && v <= hi; }

  /// The smallest interval containing both.
  Interval hull(const Interval &other) const;
  /// The intersection, or nullopt if it is empty.
  std::optional<Interval> intersect(const Interval &other) const;

  bool operator==(const Interval &other) const {
    return lo == other.lo && hi == other.hi;
  }
  bool operator!=(const Interval &other) const { return !(*this == other); }

  /// Prints "[lo, hi]" with %g numbers, "-inf" and "+inf".
  void print(raw_ostream &os) const;
};

raw_ostream &operator<<(raw_ostream &os, const Interval &interval);

/// The lattice value of one SSA value: uninitialized (the bottom: not
/// reached yet, or dead), or an interval. The top is the unbounded interval
/// [-inf, +inf] ("unknown"). The join is the interval hull.
class RangeValue {
public:
  /// Uninitialized.
  RangeValue() = default;
  RangeValue(Interval interval) : interval(interval) {}
  static RangeValue unknown() { return RangeValue(Interval::unbounded()); }

  bool isUninitialized() const { return !interval.has_value(); }
  /// Initialized to [-inf, +inf].
  bool isUnknown() const { return interval && interval->isUnbounded(); }
  /// Initialized to a finite interval.
  bool isBounded() const { return interval && interval->isBounded(); }
  /// The interval; requires an initialized value.
  const Interval &getInterval() const { return *interval; }
  /// The interval if it is finite, nullopt otherwise.
  std::optional<Interval> getBounded() const {
    return isBounded() ? interval : std::nullopt;
  }

  static RangeValue join(const RangeValue &lhs, const RangeValue &rhs);

  bool operator==(const RangeValue &other) const {
    return interval == other.interval;
  }

  /// Prints "uninitialized", "unknown" or the interval.
  void print(raw_ostream &os) const;

private:
  std::optional<Interval> interval;
};

raw_ostream &operator<<(raw_ostream &os, const RangeValue &value);

/// The sparse lattice element of a value. Joins widen to "unknown" after
/// kMaxUpdates changes, so that the analysis terminates on loops (a DAG of
/// NN ops never gets there).
class RangeLattice : public dataflow::Lattice<RangeValue> {
public:
  using Lattice::Lattice;
  static constexpr unsigned kMaxUpdates = 32;

  ChangeResult join(const AbstractSparseLattice &rhs) override {
    return join(static_cast<const RangeLattice &>(rhs).getValue());
  }
  ChangeResult join(const RangeValue &rhs);

private:
  unsigned updates = 0;
};

//===----------------------------------------------------------------------===//
// The data-flow analysis
//===----------------------------------------------------------------------===//

struct RangeAnalysisOptions {
  /// BN-based ranges: a layer folded with a batch norm (qnt.bn_gamma,
  /// qnt.bn_beta) yields beta_c +- bnNumStddev * |gamma_c| per channel.
  double bnNumStddev = 6.0;
};

/// The range analysis. Needs dataflow::DeadCodeAnalysis (and, for branches,
/// SparseConstantPropagation) in the same solver, like every sparse
/// analysis: dataflow::loadBaselineAnalyses. RangeAnalysisResult::compute
/// sets up such a solver.
class RangeAnalysis
    : public dataflow::SparseForwardDataFlowAnalysis<RangeLattice> {
public:
  RangeAnalysis(DataFlowSolver &solver, const RangeAnalysisOptions &options);

  /// Arguments of entry points and values the analysis cannot follow are
  /// unknown, unless an annotation (assume_range, stats) describes them.
  void setToEntryState(RangeLattice *lattice) override;

  LogicalResult visitOperation(Operation *op,
                               ArrayRef<const RangeLattice *> operands,
                               ArrayRef<RangeLattice *> results) override;

  /// The range annotations state for `value`: the intersection of the
  /// qnt.assume_range and qnt.stats ranges of the tensor (the annotations
  /// of `value`, of the value it annotates, and so on, all describe one
  /// tensor); nullopt if none does.
  std::optional<Interval> getAnnotatedRange(Value value);

private:
  /// Per output channel sums of the positive and of the negative weights
  /// of a conv2d or matmul with a constant weight operand.
  struct ChannelSums {
    SmallVector<double> pos, neg;
    /// True if the channels index the rhs columns of a matmul (or the conv
    /// output channels), false if they index the lhs rows of a matmul whose
    /// lhs is the constant.
    bool alongResultChannels = true;
  };
  std::optional<ChannelSums> getChannelSums(Operation *op);

  RangeValue transfer(Operation *op, unsigned resultIndex,
                      ArrayRef<RangeValue> operands);
  RangeValue transferLinear(Operation *op, ArrayRef<RangeValue> operands);

  RangeAnalysisOptions options;
  DenseMap<Operation *, std::optional<ChannelSums>> channelSums;
  DenseMap<Value, std::optional<Interval>> annotatedRanges;
};

//===----------------------------------------------------------------------===//
// Results: ranges, grid groups, accumulator scales
//===----------------------------------------------------------------------===//

/// The values whose quantization grids determine the scale of the int32
/// accumulator of a conv2d or matmul: s_acc = s_input * s_weight (per
/// channel when the weight is per-axis; docs/Numerics.md acc_c2). The bias
/// (and, in the quantized form, the result) is on the accumulator grid.
struct AccumulatorScaleSources {
  Operation *layer = nullptr;
  /// conv2d input, matmul lhs.
  Value input;
  /// conv2d weight, matmul rhs.
  Value weight;
  /// The bias, or null.
  Value bias;
  /// The result: the accumulator in the quantized form.
  Value result;
};

/// The analysis run to a fixed point over `root`, and the grid groups. The
/// object is independent of the solver; it refers to the IR, so it is
/// invalid once the IR changes.
class RangeAnalysisResult {
public:
  /// Runs the analysis (with dead-code analysis and constant propagation)
  /// over `root` and computes the grid groups. Fails if the solver fails.
  static FailureOr<RangeAnalysisResult>
  compute(Operation *root, const RangeAnalysisOptions &options = {});

  /// The lattice value of `value`: uninitialized if the analysis did not
  /// reach it (dead code, or outside the root).
  RangeValue getLattice(Value value) const;
  /// The range of this tensor, if it is finite.
  std::optional<Interval> getRange(Value value) const;

  /// The values that share the grid of `value`, in IR order (`value`
  /// alone if no constraint ties it to another). Empty for values that are
  /// not float or quantized ranked tensors.
  ArrayRef<Value> getGridGroup(Value value) const;
  /// The join of the lattice values over the grid group of `value`.
  RangeValue getGroupLattice(Value value) const;
  /// The range of the grid group of `value`, if it is finite.
  std::optional<Interval> getGroupRange(Value value) const;
  /// A number for the grid group of `value`, unique within the root; groups
  /// are numbered in IR order of their first value. nullopt for values that
  /// are in no group.
  std::optional<unsigned> getGroupId(Value value) const;
  unsigned getNumGroups() const { return groups.size(); }

  /// For a conv2d or matmul: the values that determine its accumulator
  /// scale. nullopt for other ops.
  static std::optional<AccumulatorScaleSources>
  getAccumulatorScaleSources(Operation *op);
  /// Those of every conv2d and matmul under the root, in IR order.
  ArrayRef<AccumulatorScaleSources> getAccumulatorScales() const {
    return accumulatorScales;
  }

private:
  RangeAnalysisResult() = default;

  DenseMap<Value, RangeValue> lattices;
  DenseMap<Value, unsigned> groupOf;
  std::vector<SmallVector<Value, 1>> groups;
  std::vector<RangeValue> groupLattices;
  std::vector<AccumulatorScaleSources> accumulatorScales;
};

} // namespace mlir::qnt

#endif // QUANTOPT_ANALYSIS_RANGEANALYSIS_H
