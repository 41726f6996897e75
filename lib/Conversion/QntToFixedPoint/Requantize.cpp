//===- Requantize.cpp - quantize, dequantize, requantize --------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The conversions between grids (docs/Numerics.md sections 3 and 4):
//
//   qnt.quantize    clamp(roundeven(x / s) + z, q_min, q_max) in the float
//                   type of x, then fptosi
//   qnt.dequantize  sitofp(q - z) * s
//   qnt.requantize  v = q - z_in (i32), then, per channel of M = s_in/s_out:
//       half_to_even  roundeven(sitofp(v) * f32(M))                (f32)
//       single_round  (i64(v) * m + 2^(t-1)) >> t                  (i64)
//       double_round  (i64(v) * m + 2^(t-1) +- 2^30 [t > 31]) >> t (i64)
//                   with m, t from quantizeMultiplier(M); the result is
//                   clamped to [q_lo - z_out, q_hi - z_out] and z_out added
//
// [q_lo, q_hi] is the result's storage range, narrowed by the qnt.relu and
// qnt.clamp ops that directly follow the requantization on its grid (each
// the only user of the previous value): those are fused into the clamp and
// lower to nothing (Numerics.md section 10). The clamp of the int32
// saturation of each mode is subsumed by this clamp, since the grid lies
// inside int32.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "quant-opt/Analysis/AccumulatorBounds.h"
#include "quant-opt/Conversion/QntToFixedPoint/QntToFixedPoint.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Support/FixedPointMath.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::fixedpoint;

namespace {

//===----------------------------------------------------------------------===//
// Utility functions
//===----------------------------------------------------------------------===//

/// The relu/clamp ops fused into the clamp of `op`: the chain of sole
/// users that clamp on the requantization's own grid.
SmallVector<Operation *> fusedActivations(qnt::RequantizeOp op) {
  SmallVector<Operation *> chain;
  Value value = op.getResult();
  while (value.hasOneUse()) {
    Operation *user = *value.getUsers().begin();
    if (!qnt::getActivationBounds(user))
      break;
    chain.push_back(user);
    value = user->getResult(0);
  }
  return chain;
}

/// True if `op` (a relu or clamp) is fused into a requantization.
bool isFusedIntoRequantize(Operation *op) {
  if (!qnt::getActivationBounds(op))
    return false;
  Value input = op->getOperand(0);
  while (input.hasOneUse()) {
    Operation *def = input.getDefiningOp();
    if (!def)
      return false;
    if (isa<qnt::RequantizeOp>(def))
      return true;
    if (!qnt::getActivationBounds(def))
      return false;
    input = def->getOperand(0);
  }
  return false;
}

/// Per-channel constants of a requantization; one entry per channel, or a
/// single one.
struct RequantizeParams {
  SmallVector<int64_t> zIn, zOut, lo, hi; // lo, hi: q_lo - z_out, q_hi - z_out
  SmallVector<int64_t> multiplier, shift, round, nudge; // fixed-point modes
  SmallVector<double> floatMultiplier;                  // half_to_even
};

/// The requantization on a tensor of storage integers `input` of grid `in`
/// into grid `out` clamped to `bounds`; `type` is the result tensor type
/// (storage integers).
Value requantizeTensor(OpBuilder &b, Location loc, Value input, const Grid &in,
                       const Grid &out, qnt::RoundingMode mode,
                       qnt::StoredRange bounds, RankedTensorType type) {
  std::optional<int64_t> axis = in.axis ? in.axis : out.axis;
  int64_t channels = std::max(in.numChannels(), out.numChannels());
  RequantizeParams p;
  for (int64_t c = 0; c < channels; ++c) {
    double m = in.scale(c) / out.scale(c);
    int64_t zOut = out.zeroPoint(c);
    p.zIn.push_back(in.zeroPoint(c));
    p.zOut.push_back(zOut);
    p.lo.push_back(bounds.min - zOut);
    p.hi.push_back(bounds.max - zOut);
    if (mode == qnt::RoundingMode::HalfToEven) {
      p.floatMultiplier.push_back(static_cast<double>(static_cast<float>(m)));
      continue;
    }
    // checkQntToFixedPointLowerable rejected multipliers out of range.
    qnt::QuantizedMultiplier qm = *qnt::quantizeMultiplier(m);
    p.multiplier.push_back(qm.multiplier);
    p.shift.push_back(qm.shift);
    p.round.push_back(int64_t(1) << (qm.shift - 1));
    p.nudge.push_back(mode == qnt::RoundingMode::DoubleRound && qm.shift > 31
                          ? int64_t(1) << 30
                          : 0);
  }
  bool hasNudge = llvm::any_of(p.nudge, [](int64_t n) { return n != 0; });
  bool hasZeroIn = llvm::any_of(p.zIn, [](int64_t z) { return z != 0; });
  Type i32 = b.getI32Type(), i64 = b.getI64Type();
  FloatType f32 = b.getF32Type();

  // The parameters, as scalars (per tensor) or per-channel vectors.
  SmallVector<Value> vectors;
  auto param = [&](ArrayRef<int64_t> values, Type type) -> unsigned {
    if (axis)
      vectors.push_back(intVector(b, loc, cast<IntegerType>(type), values));
    else
      vectors.push_back(intConstant(b, loc, type, values[0]));
    return vectors.size() - 1;
  };
  auto floatParam = [&](ArrayRef<double> values) -> unsigned {
    if (axis)
      vectors.push_back(floatVector(b, loc, f32, values));
    else
      vectors.push_back(floatConstant(b, loc, f32, values[0]));
    return vectors.size() - 1;
  };
  bool isFloat = mode == qnt::RoundingMode::HalfToEven;
  unsigned zInIdx = param(p.zIn, i32), zOutIdx = param(p.zOut, i32);
  unsigned loIdx, hiIdx, mIdx, tIdx = 0, roundIdx = 0, nudgeIdx = 0;
  if (isFloat) {
    SmallVector<double> lo, hi;
    for (auto [l, h] : llvm::zip(p.lo, p.hi)) {
      lo.push_back(static_cast<double>(l));
      hi.push_back(static_cast<double>(h));
    }
    loIdx = floatParam(lo);
    hiIdx = floatParam(hi);
    mIdx = floatParam(p.floatMultiplier);
  } else {
    loIdx = param(p.lo, i64);
    hiIdx = param(p.hi, i64);
    mIdx = param(p.multiplier, i64);
    tIdx = param(p.shift, i64);
    roundIdx = param(p.round, i64);
    nudgeIdx = param(p.nudge, i64);
  }

  auto body = [&](OpBuilder &nb, Location l, Value q, ArrayRef<Value> v) {
    Value x = extendToI32(nb, l, q, in.isSigned);
    if (hasZeroIn)
      x = arith::SubIOp::create(nb, l, x, v[zInIdx]);
    Value clamped;
    if (isFloat) {
      Value xf = arith::SIToFPOp::create(nb, l, f32, x);
      Value product = arith::MulFOp::create(nb, l, xf, v[mIdx]);
      Value rounded = math::RoundEvenOp::create(nb, l, product);
      // The product is finite (|q - z_in| <= 2^31, M < 2^29): no NaN, and a
      // -0 converts to the integer 0 like +0. The flags let the clamp be a
      // plain max/min instruction (no NaN and signed-zero fix-ups).
      auto flags = arith::FastMathFlagsAttr::get(nb.getContext(),
                                                 arith::FastMathFlags::nnan |
                                                     arith::FastMathFlags::nsz);
      Value low = arith::MaximumFOp::create(nb, l, rounded, v[loIdx], flags);
      Value high = arith::MinimumFOp::create(nb, l, low, v[hiIdx], flags);
      clamped = arith::FPToSIOp::create(nb, l, i32, high);
    } else {
      Value wide = arith::ExtSIOp::create(nb, l, i64, x);
      Value product = arith::MulIOp::create(nb, l, wide, v[mIdx]);
      Value round = v[roundIdx];
      if (hasNudge) {
        Value zero = intConstant(nb, l, i32, 0);
        Value nonNegative =
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, x, zero);
        Value negNudge = arith::SubIOp::create(
            nb, l, intConstant(nb, l, i64, 0), v[nudgeIdx]);
        Value nudge =
            arith::SelectOp::create(nb, l, nonNegative, v[nudgeIdx], negNudge);
        round = arith::AddIOp::create(nb, l, round, nudge);
      }
      Value sum = arith::AddIOp::create(nb, l, product, round);
      Value shifted = arith::ShRSIOp::create(nb, l, sum, v[tIdx]);
      Value low = arith::MaxSIOp::create(nb, l, shifted, v[loIdx]);
      Value high = arith::MinSIOp::create(nb, l, low, v[hiIdx]);
      clamped = arith::TruncIOp::create(nb, l, i32, high);
    }
    Value withZero = arith::AddIOp::create(nb, l, clamped, v[zOutIdx]);
    if (out.storage.getWidth() == 32)
      return withZero;
    return arith::TruncIOp::create(nb, l, out.storage, withZero).getResult();
  };

  if (!axis)
    return elementwise(b, loc, type, input,
                       [&](OpBuilder &nb, Location l, ValueRange args) {
                         return body(nb, l, args[0], vectors);
                       });
  return perChannelElementwise(
      b, loc, input, vectors, *axis, type,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        return body(nb, l, args[0], SmallVector<Value>(args.drop_front()));
      });
}

//===----------------------------------------------------------------------===//
// Conversion patterns
//===----------------------------------------------------------------------===//

struct QuantizeLowering : public OpConversionPattern<qnt::QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op,
                       quantizeTensor(rewriter, op.getLoc(), adaptor.getInput(),
                                      op.getResult().getType()));
    return success();
  }
};

struct DequantizeLowering : public OpConversionPattern<qnt::DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, dequantizeTensor(rewriter, op.getLoc(),
                                            adaptor.getInput(),
                                            op.getInput().getType()));
    return success();
  }
};

struct RequantizeLowering : public OpConversionPattern<qnt::RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qnt::RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Grid in = Grid::of(op.getInput().getType());
    Grid out = Grid::of(op.getResult().getType());
    if (in.axis && out.axis && *in.axis != *out.axis)
      return rewriter.notifyMatchFailure(op, "per-axis along two dims");
    qnt::StoredRange bounds{out.qmin, out.qmax};
    for (Operation *act : fusedActivations(op)) {
      qnt::StoredRange r = *qnt::getActivationBounds(act);
      bounds.min = std::max(bounds.min, r.min);
      bounds.max = std::max(bounds.min, std::min(bounds.max, r.max));
    }
    auto type = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getResult().getType()));
    rewriter.replaceOp(op, requantizeTensor(rewriter, op.getLoc(),
                                            adaptor.getInput(), in, out,
                                            op.getRounding(), bounds, type));
    return success();
  }
};

} // namespace

namespace mlir::quantopt::fixedpoint {
/// Used by Elementwise.cpp: a relu/clamp fused into its requantization
/// lowers to its input.
bool isActivationFusedIntoRequantize(Operation *op) {
  return isFusedIntoRequantize(op);
}
} // namespace mlir::quantopt::fixedpoint

void mlir::quantopt::populateQntRequantizeToFixedPointPatterns(
    const TypeConverter &typeConverter, RewritePatternSet &patterns) {
  patterns.add<QuantizeLowering, DequantizeLowering, RequantizeLowering>(
      typeConverter, patterns.getContext());
}
