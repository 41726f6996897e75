//===- WavePlan.cpp - a model cut between waves of layers -----------------===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//

#include "WavePlan.h"

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <optional>

using namespace mlir;
using namespace mlir::qnt;

/// Calls `fn` on every operand of `op` and of the ops nested in it that is
/// defined outside `op`.
static void forEachOperand(Operation *op, function_ref<void(Value)> fn) {
  op->walk([&](Operation *inner) {
    for (Value operand : inner->getOperands())
      if (!op->isAncestor(operand.getParentRegion()->getParentOp()))
        fn(operand);
  });
}

/// The most memory the kept activations may take.
static constexpr int64_t kMaxKeptBytes = int64_t(4) << 30;

/// The most bytes the kept values of `plan` take at once over `samples`
/// samples, or nullopt if one has a dynamic dim after its first (sample)
/// dim.
static std::optional<int64_t> peakKeptBytes(const WavePlan &plan,
                                            int64_t samples) {
  const auto &segments = plan.segments;
  const auto &lastReader = plan.lastReader;
  // Per segment, the bytes of the values it keeps and of those whose last
  // reader it is; a value is held from the run that computes it to the run
  // of its last reader, both included.
  SmallVector<int64_t> added(segments.size(), 0), freed(segments.size(), 0);
  for (auto [wave, segment] : llvm::enumerate(segments))
    for (Value value : segment.results) {
      auto it = lastReader.find(value);
      if (it == lastReader.end())
        continue;
      auto type = dyn_cast<ShapedType>(value.getType());
      if (!type || !type.hasRank() || type.getRank() == 0 ||
          ShapedType::isDynamicShape(type.getShape().drop_front()) ||
          !type.getElementType().isIntOrFloat())
        return std::nullopt;
      int64_t bytes = samples * type.getElementTypeBitWidth() / 8;
      for (int64_t dim : type.getShape().drop_front())
        bytes *= dim;
      added[wave] += bytes;
      freed[it->second] += bytes;
    }
  int64_t held = 0, peak = 0;
  for (size_t wave = 0; wave < segments.size(); ++wave) {
    held += added[wave];
    peak = std::max(peak, held);
    held -= freed[wave];
  }
  return peak;
}

/// planWaves without its memory bound.
static WavePlan planSegments(func::FuncOp entry, ArrayRef<Operation *> layers,
                             ArrayRef<Value> inputs, bool cut) {
  WavePlan plan;
  llvm::DenseMap<Operation *, size_t> layerIndex;
  for (auto [i, op] : llvm::enumerate(layers))
    layerIndex[op] = i;
  plan.waves.assign(layers.size(), 0);

  // Depths, and which values depend on the arguments (the batched ones;
  // the others, constants and what is computed from them alone, every
  // segment recomputes).
  llvm::DenseMap<Value, int64_t> depth;
  llvm::DenseSet<Value> batched;
  for (BlockArgument argument : entry.getArguments())
    batched.insert(argument);
  for (Block &block : entry.getBody())
    for (Operation &op : block) {
      int64_t d = 0;
      bool isBatched = false;
      forEachOperand(&op, [&](Value operand) {
        d = std::max(d, depth.lookup(operand));
        isBatched |= batched.contains(operand);
      });
      if (auto it = layerIndex.find(&op); it != layerIndex.end()) {
        plan.waves[it->second] = d;
        d += 1;
      }
      for (Value result : op.getResults()) {
        depth[result] = d;
        if (isBatched)
          batched.insert(result);
      }
    }

  int64_t numWaves = 0;
  for (int64_t wave : plan.waves)
    numWaves = std::max(numWaves, wave + 1);
  SmallVector<llvm::SetVector<Value>> arguments(numWaves), results(numWaves);
  for (auto [input, wave] : llvm::zip_equal(inputs, plan.waves))
    results[wave].insert(input);

  // The exact simulation of the integer code reads the grid of a layer's
  // input off its producer, which a cut would hide: no cuts there.
  bool exact = getSimulationRounding(entry).has_value();
  cut &= entry.getBody().hasOneBlock() && !exact;
  if (cut) {
    // The ops the layer inputs need, and the values each reads across a
    // cut: a batched value of smaller depth, not an argument.
    Block &body = entry.getBody().front();
    llvm::DenseSet<Operation *> needed;
    SmallVector<Value> worklist(inputs.begin(), inputs.end());
    while (!worklist.empty()) {
      Operation *def = worklist.pop_back_val().getDefiningOp();
      if (!def || !needed.insert(def).second)
        continue;
      forEachOperand(def, [&](Value operand) { worklist.push_back(operand); });
    }
    for (Operation &op : body) {
      if (!needed.contains(&op) || op.getNumResults() == 0)
        continue;
      int64_t segment = depth.lookup(op.getResult(0));
      forEachOperand(&op, [&](Value operand) {
        int64_t from = depth.lookup(operand);
        if (isa<BlockArgument>(operand) || !batched.contains(operand) ||
            from >= segment)
          return;
        arguments[segment].insert(operand);
        results[from].insert(operand);
        int64_t &last = plan.lastReader[operand];
        last = std::max(last, segment);
      });
    }
  }
  for (int64_t wave = 0; wave < numWaves; ++wave)
    plan.segments.push_back(
        {arguments[wave].takeVector(), results[wave].takeVector()});
  return plan;
}

WavePlan mlir::qnt::planWaves(func::FuncOp entry, ArrayRef<Operation *> layers,
                              ArrayRef<Value> inputs, bool cut, int64_t samples,
                              StringRef pass) {
  WavePlan result = planSegments(entry, layers, inputs, cut);
  if (!cut)
    return result;
  std::optional<int64_t> bytes = peakKeptBytes(result, samples);
  if (bytes && *bytes <= kMaxKeptBytes)
    return result;
  llvm::errs() << pass
               << ": not keeping the activations between waves (they would "
                  "take "
               << (bytes ? std::to_string(*bytes >> 20) + " MiB"
                         : std::string("an unknown size"))
               << "); each wave's run starts from the input\n";
  return planSegments(entry, layers, inputs, /*cut=*/false);
}

SmallVector<quantopt::HostArrayView>
KeptActivations::arguments(const WaveSegment &segment) const {
  SmallVector<quantopt::HostArrayView> views;
  for (Value value : segment.arguments) {
    auto it = kept.find(value);
    assert(it != kept.end() && "kept by an earlier segment");
    views.push_back(it->second->view());
  }
  return views;
}

void KeptActivations::keep(const WaveSegment &segment,
                           const ObservedBatch &batch) {
  for (auto [value, out] : llvm::zip_equal(segment.results, batch.outputs)) {
    if (!plan.lastReader.count(value))
      continue;
    std::unique_ptr<quantopt::HostArray> &array = kept[value];
    if (!array) {
      SmallVector<int64_t> shape(out.shape);
      shape[0] = samples;
      array = std::make_unique<quantopt::HostArray>(
          quantopt::HostArray::zeros(out.kind, shape));
    }
    size_t rowBytes = out.bytes.size() / out.shape[0];
    std::memcpy(array->bytes.data() + batch.first * rowBytes, out.bytes.data(),
                batch.rows * rowBytes);
  }
}

void KeptActivations::release(int64_t wave) {
  for (Value value : plan.segments[wave].arguments)
    if (plan.lastReader.lookup(value) == wave)
      kept.erase(value);
}
