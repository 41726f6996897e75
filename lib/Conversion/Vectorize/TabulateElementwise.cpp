//===- TabulateElementwise.cpp - 8-bit element-wise ops as tables -*- C++
//-*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-tabulate-elementwise: an element-wise linalg.generic whose only input
// is an 8-bit tensor and whose body calls an expensive math function (erf,
// exp, tanh, log, ...: a libm call per element, per lane once vectorized)
// takes at most 256 distinct inputs. The pass computes its body on those
// 256 values at run time (a 1-D linalg.generic over the constant tensor of
// the 256 bit patterns, with the same body) and replaces the op's body by a
// look-up in that table. The table's entries are computed by the same ops
// from the same inputs, so the results are bit for bit those of the op.
//
// Quantized GELU (u8 -> dequantize -> x * (1 + erf(x / sqrt 2)) / 2 ->
// quantize -> u8) is the op this is for: one erff call per element was a
// fifth of the ViT's time at batch 32.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::quantopt {
#define GEN_PASS_DEF_TABULATEELEMENTWISEPASS
#include "quant-opt/Conversion/Passes.h.inc"
} // namespace mlir::quantopt

using namespace mlir;

namespace {

/// A math op that becomes a library call (or a long polynomial), not one
/// instruction: everything of the math dialect but the roundings, absolute
/// values, copysign, fma and sqrt.
bool isExpensive(Operation *op) {
  if (!isa<math::MathDialect>(op->getDialect()))
    return false;
  return !isa<math::RoundEvenOp, math::RoundOp, math::FloorOp, math::CeilOp,
              math::TruncOp, math::AbsFOp, math::AbsIOp, math::CopySignOp,
              math::FmaOp, math::SqrtOp>(op);
}

/// The number of elements of `type`, a dynamic dim counting as large.
bool hasMoreElementsThan(RankedTensorType type, int64_t count) {
  if (!type.hasStaticShape())
    return true;
  return type.getNumElements() > count;
}

/// True if `op` is an element-wise op of one 8-bit input worth tabulating.
bool isTabulable(linalg::GenericOp op, int64_t minElements) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 ||
      op.getNumResults() != 1 || op.getNumParallelLoops() != op.getNumLoops() ||
      op.hasIndexSemantics())
    return false;
  auto inputType = dyn_cast<RankedTensorType>(op.getDpsInputs()[0].getType());
  auto resultType = dyn_cast<RankedTensorType>(op.getResult(0).getType());
  if (!inputType || !resultType || !inputType.getElementType().isInteger(8) ||
      !hasMoreElementsThan(resultType, minElements))
    return false;
  Block &body = op.getRegion().front();
  // The body must not read the output (its value is not in the table).
  if (!body.getArgument(1).use_empty())
    return false;
  bool expensive = false;
  for (Operation &inner : body.without_terminator()) {
    if (inner.getNumRegions() != 0 || !isPure(&inner))
      return false;
    // Values from above (constants hoisted out of the body) are fine; a
    // tensor read is not element-wise.
    if (isa<tensor::ExtractOp>(inner))
      return false;
    expensive |= isExpensive(&inner);
  }
  return expensive;
}

void tabulate(OpBuilder &b, linalg::GenericOp op) {
  Location loc = op.getLoc();
  b.setInsertionPoint(op);
  Type i8 = b.getI8Type();
  Type element =
      cast<RankedTensorType>(op.getResult(0).getType()).getElementType();
  // The 256 bit patterns, in the order of their unsigned value.
  SmallVector<APInt> patterns;
  for (unsigned v = 0; v < 256; ++v)
    patterns.push_back(APInt(8, v));
  auto keysType = RankedTensorType::get({256}, i8);
  Value keys = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(keysType, patterns));
  Value empty = tensor::EmptyOp::create(b, loc, {256}, element);
  AffineMap id = b.getMultiDimIdentityMap(1);
  Block &body = op.getRegion().front();
  auto table = linalg::GenericOp::create(
      b, loc, RankedTensorType::get({256}, element), keys, empty,
      ArrayRef<AffineMap>{id, id},
      ArrayRef<utils::IteratorType>{utils::IteratorType::parallel},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        IRMapping mapping;
        mapping.map(body.getArgument(0), args[0]);
        mapping.map(body.getArgument(1), args[1]);
        for (Operation &inner : body.without_terminator())
          nb.clone(inner, mapping);
        linalg::YieldOp::create(
            nb, l, mapping.lookup(body.getTerminator()->getOperand(0)));
      });
  // The op's body becomes the look-up.
  Block *lookup = b.createBlock(
      &op.getRegion(), op.getRegion().end(), body.getArgumentTypes(),
      {body.getArgument(0).getLoc(), body.getArgument(1).getLoc()});
  b.setInsertionPointToStart(lookup);
  Value wide =
      arith::ExtUIOp::create(b, loc, b.getI32Type(), lookup->getArgument(0));
  Value index = arith::IndexCastUIOp::create(b, loc, b.getIndexType(), wide);
  Value entry =
      tensor::ExtractOp::create(b, loc, table.getResult(0), ValueRange{index});
  linalg::YieldOp::create(b, loc, entry);
  body.erase();
}

struct TabulateElementwisePass
    : public quantopt::impl::TabulateElementwisePassBase<
          TabulateElementwisePass> {
  using TabulateElementwisePassBase::TabulateElementwisePassBase;

  void runOnOperation() override {
    if (minElements < 0) {
      getOperation()->emitError()
          << "qnt-tabulate-elementwise: min-elements must be at least 0, got "
          << minElements.getValue();
      return signalPassFailure();
    }
    SmallVector<linalg::GenericOp> ops;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (isTabulable(op, minElements))
        ops.push_back(op);
    });
    OpBuilder b(&getContext());
    for (linalg::GenericOp op : ops)
      tabulate(b, op);
  }
};

} // namespace
