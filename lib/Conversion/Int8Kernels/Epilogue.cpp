//===- Epilogue.cpp - the fused epilogue on accumulator vectors -*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The element-wise consumer of a kernel's accumulators (the requantization)
// applied lane-wise to accumulator vectors (MicroKernels.cpp, Depthwise.cpp).
// Its ops are cloned on vectors, with one rewrite: the float requantization
// ends with
//
//   fptosi(minimumf(maximumf(roundeven(p), lo), hi))
//
// which LLVM lowers to vrndscaleps (2 uops) and vcvttps2dq. With lo and hi
// integers, rounding commutes with the clamp (roundeven is monotonic and
// keeps integers), and the clamped value is an int32 whatever its rounding,
// so the kernels emit
//
//   llvm.intr.lrint(minimumf(maximumf(p, lo), hi))
//
// instead: one vcvtps2dq, which rounds to nearest even in the default
// floating-point environment (which LLVM assumes for code without strictfp,
// as for its constant folding). Same integers, 2 fewer uops per vector.
//
//===----------------------------------------------------------------------===//

#include "Matching.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::int8kernels;

namespace {

/// True if `v` is an f32 constant holding an integer, or a body argument
/// whose per-channel tensor (`channelInputs[i - 1]` for argument i) is a
/// constant of integers.
bool isIntegral(Value v, ValueRange channelInputs) {
  auto integral = [](const APFloat &value) {
    return value.isFinite() && value.isInteger();
  };
  if (!getElementTypeOrSelf(v.getType()).isF32())
    return false;
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    unsigned i = arg.getArgNumber();
    if (i == 0 || i > channelInputs.size())
      return false;
    v = channelInputs[i - 1];
  }
  FloatAttr scalar;
  if (matchPattern(v, m_Constant(&scalar)))
    return integral(scalar.getValue());
  DenseFPElementsAttr values;
  if (matchPattern(v, m_Constant(&values)))
    return llvm::all_of(values.getValues<APFloat>(), integral);
  return false;
}

/// The roundeven of `fptosi(minimumf(maximumf(roundeven(p), lo), hi))` with
/// integral bounds and single-use intermediates, if `op` is that fptosi to
/// i32.
math::RoundEvenOp matchRoundedClamp(Operation &op, ValueRange channelInputs) {
  auto convert = dyn_cast<arith::FPToSIOp>(op);
  if (!convert || !convert.getType().isInteger(32) ||
      !convert.getIn().getType().isF32())
    return {};
  auto high = convert.getIn().getDefiningOp<arith::MinimumFOp>();
  if (!high || !high->hasOneUse() || !isIntegral(high.getRhs(), channelInputs))
    return {};
  auto low = high.getLhs().getDefiningOp<arith::MaximumFOp>();
  if (!low || !low->hasOneUse() || !isIntegral(low.getRhs(), channelInputs))
    return {};
  auto round = low.getLhs().getDefiningOp<math::RoundEvenOp>();
  if (!round || !round->hasOneUse() || round->getBlock() != convert->getBlock())
    return {};
  return round;
}

} // namespace

Value int8kernels::applyEpilogueLanes(OpBuilder &b, Location loc, Block &body,
                                      ValueRange channelInputs,
                                      IRMapping &mapping, int64_t lanes) {
  auto vectorOf = [&](Type t) { return VectorType::get({lanes}, t); };
  // The clamps to round after, by their fptosi, and the roundevens to skip.
  llvm::SmallPtrSet<Operation *, 4> converts, rounds;
  for (Operation &op : body.without_terminator())
    if (math::RoundEvenOp round = matchRoundedClamp(op, channelInputs)) {
      converts.insert(&op);
      rounds.insert(round);
    }
  for (Operation &op : body.without_terminator()) {
    if (rounds.contains(&op)) {
      mapping.map(op.getResult(0), mapping.lookup(op.getOperand(0)));
      continue;
    }
    if (converts.contains(&op)) {
      mapping.map(op.getResult(0),
                  LLVM::LrintOp::create(b, loc, vectorOf(b.getI32Type()),
                                        mapping.lookup(op.getOperand(0))));
      continue;
    }
    OperationState state(loc, op.getName());
    state.addAttributes(op.getAttrs());
    for (Value operand : op.getOperands()) {
      if (Value mapped = mapping.lookupOrNull(operand)) {
        state.operands.push_back(mapped);
        continue;
      }
      // A scalar defined outside the body.
      Value splat = vector::BroadcastOp::create(
          b, loc, vectorOf(operand.getType()), operand);
      mapping.map(operand, splat);
      state.operands.push_back(splat);
    }
    for (Type t : op.getResultTypes())
      state.types.push_back(vectorOf(t));
    Operation *vectorOp = b.create(state);
    mapping.map(op.getResults(), vectorOp->getResults());
  }
  return mapping.lookup(body.getTerminator()->getOperand(0));
}
