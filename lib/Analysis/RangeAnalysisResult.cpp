//===- RangeAnalysisResult.cpp - ranges, groups, acc scales -----*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Runs the range analysis to its fixed point and resolves the "same grid"
// constraints of docs/Numerics.md, in the manner of TFLite's
// QuantizationDriver, as a union-find over values:
//
//   - qnt.concat: all inputs and the result (concat_c3);
//   - qnt.max_pool2d, qnt.reshape, qnt.transpose, qnt.slice: input and
//     result (pure data movement copies stored integers);
//   - qnt.assume_range, qnt.stats: input and result (one tensor).
//
// A group's range is the join of its members' lattice values. Nothing is
// propagated across a quantizer: a qnt.fake_quant's result is on its own
// grid, its input is not.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Analysis/RangeAnalysis.h"

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Dialect/Qnt/IR/QuantTypeUtils.h"

#include "mlir/Analysis/DataFlow/Utils.h"
#include "mlir/Analysis/DataFlowFramework.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::qnt;

namespace {

/// Float or quantized ranked tensors have grids.
bool hasGrid(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && (isa<FloatType>(type.getElementType()) ||
                  getUniformQuantizedElementType(type));
}

/// Union-find with path halving and union by size.
class UnionFind {
public:
  explicit UnionFind(size_t size) : parent(size), size(size, 1) {
    for (size_t i = 0; i < parent.size(); ++i)
      parent[i] = i;
  }
  size_t find(size_t i) {
    while (parent[i] != i)
      i = parent[i] = parent[parent[i]];
    return i;
  }
  void unite(size_t a, size_t b) {
    a = find(a);
    b = find(b);
    if (a == b)
      return;
    if (size[a] < size[b])
      std::swap(a, b);
    parent[b] = a;
    size[a] += size[b];
  }

private:
  std::vector<size_t> parent, size;
};

} // namespace

FailureOr<RangeAnalysisResult>
RangeAnalysisResult::compute(Operation *root,
                             const RangeAnalysisOptions &options) {
  DataFlowSolver solver;
  dataflow::loadBaselineAnalyses(solver);
  solver.load<RangeAnalysis>(options);
  if (failed(solver.initializeAndRun(root)))
    return failure();

  RangeAnalysisResult result;

  // Every value in IR order: an op's results, then the arguments of its
  // blocks, then the ops inside.
  SmallVector<Value> values;
  root->walk<WalkOrder::PreOrder>([&](Operation *op) {
    llvm::append_range(values, op->getResults());
    for (Region &region : op->getRegions())
      for (Block &block : region)
        llvm::append_range(values, block.getArguments());
  });
  DenseMap<Value, size_t> index;
  SmallVector<Value> gridValues;
  for (Value value : values) {
    if (const auto *lattice = solver.lookupState<RangeLattice>(value))
      if (!lattice->getValue().isUninitialized())
        result.lattices[value] = lattice->getValue();
    if (hasGrid(value)) {
      index[value] = gridValues.size();
      gridValues.push_back(value);
    }
  }

  // The constraints.
  UnionFind sets(gridValues.size());
  auto unite = [&](Value a, Value b) {
    auto ia = index.find(a), ib = index.find(b);
    if (ia != index.end() && ib != index.end())
      sets.unite(ia->second, ib->second);
  };
  root->walk([&](Operation *op) {
    llvm::TypeSwitch<Operation *>(op)
        .Case([&](ConcatOp concat) {
          for (Value input : concat.getInputs())
            unite(input, concat.getResult());
        })
        .Case<MaxPool2DOp, ReshapeOp, TransposeOp, SliceOp, AssumeRangeOp,
              StatsOp>(
            [&](Operation *op) { unite(op->getOperand(0), op->getResult(0)); })
        .Case<Conv2DOp, MatMulOp>([&](Operation *op) {
          result.accumulatorScales.push_back(*getAccumulatorScaleSources(op));
        });
  });

  // Groups numbered in IR order of their first value; members in IR order.
  DenseMap<size_t, unsigned> groupOfRoot;
  for (auto [i, value] : llvm::enumerate(gridValues)) {
    auto [it, inserted] =
        groupOfRoot.try_emplace(sets.find(i), result.groups.size());
    if (inserted) {
      result.groups.emplace_back();
      result.groupLattices.emplace_back();
    }
    unsigned group = it->second;
    result.groups[group].push_back(value);
    result.groupOf[value] = group;
    result.groupLattices[group] =
        RangeValue::join(result.groupLattices[group], result.getLattice(value));
  }
  return result;
}

RangeValue RangeAnalysisResult::getLattice(Value value) const {
  auto it = lattices.find(value);
  return it == lattices.end() ? RangeValue() : it->second;
}

std::optional<Interval> RangeAnalysisResult::getRange(Value value) const {
  return getLattice(value).getBounded();
}

ArrayRef<Value> RangeAnalysisResult::getGridGroup(Value value) const {
  auto it = groupOf.find(value);
  if (it == groupOf.end())
    return {};
  return groups[it->second];
}

RangeValue RangeAnalysisResult::getGroupLattice(Value value) const {
  auto it = groupOf.find(value);
  return it == groupOf.end() ? RangeValue() : groupLattices[it->second];
}

std::optional<Interval> RangeAnalysisResult::getGroupRange(Value value) const {
  return getGroupLattice(value).getBounded();
}

std::optional<unsigned> RangeAnalysisResult::getGroupId(Value value) const {
  auto it = groupOf.find(value);
  if (it == groupOf.end())
    return std::nullopt;
  return it->second;
}

std::optional<AccumulatorScaleSources>
RangeAnalysisResult::getAccumulatorScaleSources(Operation *op) {
  if (auto conv = dyn_cast<Conv2DOp>(op))
    return AccumulatorScaleSources{op, conv.getInput(), conv.getWeight(),
                                   conv.getBias(), conv.getResult()};
  if (auto matmul = dyn_cast<MatMulOp>(op))
    return AccumulatorScaleSources{op, matmul.getLhs(), matmul.getRhs(),
                                   matmul.getBias(), matmul.getResult()};
  return std::nullopt;
}
