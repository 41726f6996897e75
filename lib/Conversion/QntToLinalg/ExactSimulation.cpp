//===- ExactSimulation.cpp - a simulation equal to integer code -*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The quantization simulation of an integer target with one requantization
// rounding mode (docs/Numerics.md section 11). Evaluated naively in f32,
// the simulation rounds where the integer code does not (every dequantized
// product and partial sum) and rounds half to even where the integer code
// uses its rounding mode. These patterns (of higher benefit than the plain
// float ones, which they fall back to) make it compute what the integer
// code computes:
//
//  - a qnt.conv2d or qnt.matmul whose operands lie on fake-quantization
//    grids accumulates the integers n = q - z of its operands exactly in
//    int32, recovered from the simulated values as roundeven(x_hat / s);
//    its float bias is quantized onto the accumulator grid s_x * s_w with
//    round half to even (in f64), saturated to int32. Its result is the
//    dequantized accumulator, f32(acc) * f32(s_x * s_w);
//  - a qnt.fake_quant whose input is such an accumulator, through qnt.relu
//    and qnt.clamp ops, requantizes the accumulator in the rounding mode
//    (M = s_x * s_w / s_y) and applies those activations as clamps on its
//    own grid, as the integer code fuses them into the requantization;
//  - a qnt.fake_quant whose input lies on another fake-quantization grid
//    (through data movement) requantizes the integers in the rounding mode
//    (M = s_in / s_out), as qnt.requantize does.
//
// Everything else (the first quantizer, the ops realised in float by the
// integer lowering) is already the same computation in both.
//
// This file is independent of convert-qnt-to-fixed-point (it shares no code
// with it): the tests compare the two.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"

#include "quant-opt/Conversion/QntToLinalg/QntToLinalg.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Support/FixedPointMath.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>
#include <memory>

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::lowering;

namespace {

//===----------------------------------------------------------------------===//
// Grids of the simulation
//===----------------------------------------------------------------------===//

/// The grid of a calibrated qnt.fake_quant.
struct SimGrid {
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  std::optional<int64_t> axis;
  int64_t qmin = 0, qmax = 0;

  static SimGrid of(qnt::FakeQuantOp op) {
    SimGrid g;
    g.scales = llvm::to_vector(*op.getScale());
    g.zeroPoints = llvm::to_vector(*op.getZeroPoint());
    g.axis = op.getAxis();
    g.qmin = op.getQMin();
    g.qmax = op.getQMax();
    return g;
  }
  bool perAxis() const { return axis.has_value(); }
  double scale(int64_t c) const { return scales[perAxis() ? c : 0]; }
  int64_t zeroPoint(int64_t c) const { return zeroPoints[perAxis() ? c : 0]; }
  bool operator==(const SimGrid &o) const {
    return scales == o.scales && zeroPoints == o.zeroPoints && axis == o.axis &&
           qmin == o.qmin && qmax == o.qmax;
  }
};

/// The grid the values of `value` lie on: the result of a calibrated
/// qnt.fake_quant, possibly through ops that keep values on a grid
/// (reshape, transpose, slice, max pooling, relu, concat of one grid).
/// Per-axis grids count only directly.
std::optional<SimGrid> findGrid(Value value) {
  bool moved = false;
  while (Operation *def = value.getDefiningOp()) {
    if (auto fq = dyn_cast<qnt::FakeQuantOp>(def)) {
      if (!fq.isCalibrated())
        return std::nullopt;
      SimGrid grid = SimGrid::of(fq);
      if (moved && grid.perAxis())
        return std::nullopt;
      return grid;
    }
    if (isa<qnt::ReshapeOp, qnt::TransposeOp, qnt::SliceOp, qnt::MaxPool2DOp,
            qnt::ReluOp>(def)) {
      moved = true;
      value = def->getOperand(0);
      continue;
    }
    if (isa<qnt::ConcatOp>(def)) {
      std::optional<SimGrid> grid;
      for (Value input : def->getOperands()) {
        std::optional<SimGrid> g = findGrid(input);
        if (!g || g->perAxis() || (grid && !(*grid == *g)))
          return std::nullopt;
        grid = g;
      }
      return grid;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Shared state
//===----------------------------------------------------------------------===//

/// An exactly accumulated conv2d or matmul.
struct ExactAccumulator {
  /// The int32 accumulator tensor.
  Value acc;
  /// Per-channel accumulator scales s_x * s_w (one entry: per tensor)
  /// along `channelDim`.
  SmallVector<double> scales;
  int64_t channelDim = 0;
  /// The layer's own fused activation.
  std::optional<std::pair<float, float>> fusedClamp;
};

struct SimulationState {
  qnt::RoundingMode mode;
  DenseMap<Operation *, ExactAccumulator> accumulators;
};

//===----------------------------------------------------------------------===//
// Utility functions
//===----------------------------------------------------------------------===//

/// A 1-D constant tensor of `values` with element type `type`.
Value constantVector(OpBuilder &b, Location loc, Type type,
                     ArrayRef<double> values) {
  auto tensorType =
      RankedTensorType::get({static_cast<int64_t>(values.size())}, type);
  SmallVector<Attribute> attrs;
  for (double v : values) {
    if (isa<FloatType>(type))
      attrs.push_back(b.getFloatAttr(type, v));
    else
      attrs.push_back(b.getIntegerAttr(type, static_cast<int64_t>(v)));
  }
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(tensorType, attrs));
}

/// An element-wise map of `input` to element type `element` whose body
/// receives, after the element, one scalar per entry of `params`: a
/// constant when all its values are equal, else the entry for the
/// element's channel along `channelDim`.
Value mapWithParams(OpBuilder &b, Location loc, Value input, Type element,
                    ArrayRef<std::pair<Type, SmallVector<double>>> params,
                    int64_t channelDim, ScalarBody body) {
  auto type = cast<RankedTensorType>(input.getType()).clone(element);
  bool perChannel = llvm::any_of(params, [](const auto &p) {
    return llvm::any_of(p.second,
                        [&](double v) { return v != p.second.front(); });
  });
  if (!perChannel) {
    SmallVector<Value> scalars;
    for (const auto &[t, values] : params)
      scalars.push_back(scalarConstant(b, loc, t, values.front()));
    return elementwise(b, loc, type, input,
                       [&](OpBuilder &nb, Location l, ValueRange args) {
                         SmallVector<Value> all = {args[0]};
                         llvm::append_range(all, scalars);
                         return body(nb, l, all);
                       });
  }
  int64_t channels = 1;
  for (const auto &p : params)
    channels = std::max<int64_t>(channels, p.second.size());
  SmallVector<Value> vectors;
  for (const auto &[t, values] : params) {
    SmallVector<double> full(values);
    if (full.size() == 1)
      full.assign(channels, values.front());
    vectors.push_back(constantVector(b, loc, t, full));
  }
  return perChannelElementwise(b, loc, input, vectors, channelDim, type, body);
}

/// The integers n = q - z of values on `grid`: roundeven(x / s) as i32.
Value toIntegers(OpBuilder &b, Location loc, Value x, const SimGrid &grid) {
  Type ft = cast<RankedTensorType>(x.getType()).getElementType();
  return mapWithParams(
      b, loc, x, b.getI32Type(), {{ft, grid.scales}}, grid.axis.value_or(0),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value q = arith::DivFOp::create(nb, l, args[0], args[1]);
        Value rounded = math::RoundEvenOp::create(nb, l, q);
        return arith::FPToSIOp::create(nb, l, nb.getI32Type(), rounded)
            .getResult();
      });
}

/// The float bias on the accumulator grid: round_half_even(f64(b) /
/// (s_x * s_w)) saturated to int32.
Value quantizeBias(OpBuilder &b, Location loc, Value bias,
                   ArrayRef<double> accScales) {
  Type f64 = b.getF64Type();
  return mapWithParams(
      b, loc, bias, b.getI32Type(), {{f64, SmallVector<double>(accScales)}}, 0,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value wide = arith::ExtFOp::create(nb, l, f64, args[0]);
        Value q = arith::DivFOp::create(nb, l, wide, args[1]);
        Value rounded = math::RoundEvenOp::create(nb, l, q);
        Value low = arith::MaximumFOp::create(
            nb, l, rounded, scalarConstant(nb, l, f64, -2147483648.0));
        Value high = arith::MinimumFOp::create(
            nb, l, low, scalarConstant(nb, l, f64, 2147483647.0));
        return arith::FPToSIOp::create(nb, l, nb.getI32Type(), high)
            .getResult();
      });
}

/// f32(acc) * f32(s) per channel: the float value of an accumulator.
Value dequantizeAccumulator(OpBuilder &b, Location loc,
                            const ExactAccumulator &info, Type element) {
  return mapWithParams(
      b, loc, info.acc, element, {{element, info.scales}}, info.channelDim,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value f = arith::SIToFPOp::create(nb, l, args[1].getType(), args[0]);
        return arith::MulFOp::create(nb, l, f, args[1]).getResult();
      });
}

/// clamp(round_half_even(bound / s) + z, qmin, qmax) in double.
int64_t boundOnGrid(double bound, double scale, int64_t zeroPoint, int64_t qmin,
                    int64_t qmax) {
  double q =
      qnt::roundHalfToEven(bound / scale) + static_cast<double>(zeroPoint);
  q = std::min(std::max(q, static_cast<double>(qmin)),
               static_cast<double>(qmax));
  return static_cast<int64_t>(q);
}

/// The simulated requantization of integers `n` (i32) with per-channel
/// multipliers `multipliers` along `channelDim` onto `out`, clamped to
/// [lo, hi] (stored integers), dequantized: f32(q - z) * f32(s) with
/// q = clamp(R(n) + z, lo, hi).
Value requantizeSimulated(OpBuilder &b, Location loc, Value n,
                          ArrayRef<double> multipliers, int64_t channelDim,
                          const SimGrid &out, int64_t lo, int64_t hi,
                          qnt::RoundingMode mode, Type element) {
  int64_t channels = std::max<int64_t>(multipliers.size(), out.scales.size());
  SmallVector<double> z, s, loOff, hiOff, mf, m, t, rd, nudge;
  for (int64_t c = 0; c < channels; ++c) {
    double multiplier = multipliers[multipliers.size() == 1 ? 0 : c];
    int64_t zero = out.zeroPoint(c);
    z.push_back(static_cast<double>(zero));
    s.push_back(out.scale(c));
    loOff.push_back(static_cast<double>(lo - zero));
    hiOff.push_back(static_cast<double>(hi - zero));
    if (mode == qnt::RoundingMode::HalfToEven) {
      mf.push_back(static_cast<double>(static_cast<float>(multiplier)));
      continue;
    }
    std::optional<qnt::QuantizedMultiplier> qm =
        qnt::quantizeMultiplier(multiplier);
    // Out of range: the integer lowering rejects such a layer; the
    // simulation saturates the multiplier.
    if (!qm)
      qm = qnt::QuantizedMultiplier{(1 << 30), 2};
    m.push_back(static_cast<double>(qm->multiplier));
    t.push_back(static_cast<double>(qm->shift));
    rd.push_back(std::ldexp(1.0, qm->shift - 1));
    nudge.push_back(mode == qnt::RoundingMode::DoubleRound && qm->shift > 31
                        ? std::ldexp(1.0, 30)
                        : 0.0);
  }
  Type f32 = element, i64 = b.getI64Type();
  if (mode == qnt::RoundingMode::HalfToEven) {
    // roundeven(f32(n) * f32(M)), clamped to [lo - z, hi - z], through
    // the integers (so that a rounded -0.0 becomes q - z = 0), times s.
    return mapWithParams(
        b, loc, n, element, {{f32, mf}, {f32, loOff}, {f32, hiOff}, {f32, s}},
        channelDim, [&](OpBuilder &nb, Location l, ValueRange args) {
          Value f = arith::SIToFPOp::create(nb, l, f32, args[0]);
          Value p = arith::MulFOp::create(nb, l, f, args[1]);
          Value r = math::RoundEvenOp::create(nb, l, p);
          Value low = arith::MaximumFOp::create(nb, l, r, args[2]);
          Value high = arith::MinimumFOp::create(nb, l, low, args[3]);
          Value q = arith::FPToSIOp::create(nb, l, nb.getI32Type(), high);
          Value qf = arith::SIToFPOp::create(nb, l, f32, q);
          return arith::MulFOp::create(nb, l, qf, args[4]).getResult();
        });
  }
  // (i64(n) * m + 2^(t-1) [+- 2^30]) >> t, clamped, times s.
  return mapWithParams(
      b, loc, n, element,
      {{i64, m},
       {i64, t},
       {i64, rd},
       {i64, nudge},
       {i64, loOff},
       {i64, hiOff},
       {f32, s}},
      channelDim, [&](OpBuilder &nb, Location l, ValueRange args) {
        Value wide = arith::ExtSIOp::create(nb, l, i64, args[0]);
        Value product = arith::MulIOp::create(nb, l, wide, args[1]);
        Value zero = scalarConstant(nb, l, i64, 0.0);
        Value negative =
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, wide, zero);
        Value minusNudge = arith::SubIOp::create(nb, l, zero, args[4]);
        Value nudgeValue =
            arith::SelectOp::create(nb, l, negative, minusNudge, args[4]);
        Value round = arith::AddIOp::create(nb, l, args[3], nudgeValue);
        Value sum = arith::AddIOp::create(nb, l, product, round);
        Value shifted = arith::ShRSIOp::create(nb, l, sum, args[2]);
        Value low = arith::MaxSIOp::create(nb, l, shifted, args[5]);
        Value high = arith::MinSIOp::create(nb, l, low, args[6]);
        Value f = arith::SIToFPOp::create(nb, l, f32, high);
        return arith::MulFOp::create(nb, l, f, args[7]).getResult();
      });
}

//===----------------------------------------------------------------------===//
// Conversion patterns
//===----------------------------------------------------------------------===//

template <typename OpTy>
struct ExactPattern : public OpConversionPattern<OpTy> {
  ExactPattern(MLIRContext *ctx, std::shared_ptr<SimulationState> state)
      : OpConversionPattern<OpTy>(ctx, /*benefit=*/2), state(std::move(state)) {
  }
  std::shared_ptr<SimulationState> state;
};

/// Per-channel accumulator scales s_x * s_w.
SmallVector<double> accumulatorScales(const SimGrid &x, const SimGrid &w) {
  SmallVector<double> scales;
  for (double sw : w.scales)
    scales.push_back(x.scales[0] * sw);
  return scales;
}

struct ExactConv2D : public ExactPattern<qnt::Conv2DOp> {
  using ExactPattern::ExactPattern;

  LogicalResult
  matchAndRewrite(qnt::Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::optional<SimGrid> x = findGrid(op.getInput());
    std::optional<SimGrid> w = findGrid(op.getWeight());
    auto inputType = op.getInput().getType();
    auto resultType = op.getResult().getType();
    if (!x || !w || x->perAxis() || (w->perAxis() && *w->axis != 0) ||
        !op.getWeight().getType().hasStaticShape() ||
        inputType.isDynamicDim(1) || resultType.isDynamicDim(2) ||
        resultType.isDynamicDim(3))
      return failure();
    Location loc = op.getLoc();
    SmallVector<double> scales = accumulatorScales(*x, *w);
    Value input = toIntegers(rewriter, loc, adaptor.getInput(), *x);
    Value weight = toIntegers(rewriter, loc, adaptor.getWeight(), *w);
    Value bias;
    if (adaptor.getBias())
      bias = quantizeBias(rewriter, loc, adaptor.getBias(), scales);
    ExactAccumulator info;
    info.acc = convolution(rewriter, loc, op, input, weight, bias,
                           rewriter.getI32Type());
    info.scales = scales;
    info.channelDim = 1;
    info.fusedClamp = op.getFusedClamp();
    Value result = applyFusedClamp(
        rewriter, loc,
        dequantizeAccumulator(rewriter, loc, info, resultType.getElementType()),
        info.fusedClamp);
    state->accumulators[op] = info;
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ExactMatMul : public ExactPattern<qnt::MatMulOp> {
  using ExactPattern::ExactPattern;

  LogicalResult
  matchAndRewrite(qnt::MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::optional<SimGrid> x = findGrid(op.getLhs());
    std::optional<SimGrid> w = findGrid(op.getRhs());
    int64_t rr = op.getRhs().getType().getRank();
    int64_t nAxis = op.getTransposeRhs() ? rr - 2 : rr - 1;
    if (!x || !w || x->perAxis() || (w->perAxis() && *w->axis != nAxis))
      return failure();
    Location loc = op.getLoc();
    auto resultType = op.getResult().getType();
    SmallVector<double> scales = accumulatorScales(*x, *w);
    Value lhs = toIntegers(rewriter, loc, adaptor.getLhs(), *x);
    Value rhs = toIntegers(rewriter, loc, adaptor.getRhs(), *w);
    if (op.getTransposeRhs())
      rhs = transposeLastTwo(rewriter, loc, rhs);
    Value bias;
    if (adaptor.getBias())
      bias = quantizeBias(rewriter, loc, adaptor.getBias(), scales);
    ExactAccumulator info;
    info.acc =
        matmulProduct(rewriter, loc, op, lhs, rhs, bias, rewriter.getI32Type());
    info.scales = scales;
    info.channelDim = resultType.getRank() - 1;
    info.fusedClamp = op.getFusedClamp();
    Value result = applyFusedClamp(
        rewriter, loc,
        dequantizeAccumulator(rewriter, loc, info, resultType.getElementType()),
        info.fusedClamp);
    state->accumulators[op] = info;
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ExactFakeQuant : public ExactPattern<qnt::FakeQuantOp> {
  using ExactPattern::ExactPattern;

  LogicalResult
  matchAndRewrite(qnt::FakeQuantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op.isCalibrated())
      return failure();
    Location loc = op.getLoc();
    SimGrid out = SimGrid::of(op);
    Type element = op.getResult().getType().getElementType();

    // An accumulator, through activations (each the only user of its
    // input).
    SmallVector<Operation *> activations;
    Value value = op.getInput();
    while (Operation *def = value.getDefiningOp()) {
      if (!isa<qnt::ReluOp, qnt::ClampOp>(def) || !value.hasOneUse())
        break;
      activations.push_back(def);
      value = def->getOperand(0);
    }
    auto it = state->accumulators.find(value.getDefiningOp());
    if (it != state->accumulators.end()) {
      const ExactAccumulator &info = it->second;
      bool accPerChannel = info.scales.size() > 1;
      if (accPerChannel && out.perAxis() && *out.axis != info.channelDim)
        return failure();
      bool hasActivation = !activations.empty() || info.fusedClamp;
      if (out.perAxis() && hasActivation)
        return failure();
      // Activations on the output grid (Numerics.md section 10).
      int64_t lo = out.qmin, hi = out.qmax;
      auto clampTo = [&](double min, double max) {
        double s = out.scales[0];
        int64_t z = out.zeroPoints[0];
        lo = std::max(lo, boundOnGrid(min, s, z, out.qmin, out.qmax));
        hi = std::min(hi, boundOnGrid(max, s, z, out.qmin, out.qmax));
        hi = std::max(hi, lo);
      };
      if (info.fusedClamp)
        clampTo(info.fusedClamp->first, info.fusedClamp->second);
      for (Operation *act : activations) {
        if (isa<qnt::ReluOp>(act))
          clampTo(0.0, INFINITY);
        else
          clampTo(cast<qnt::ClampOp>(act).getMin().convertToDouble(),
                  cast<qnt::ClampOp>(act).getMax().convertToDouble());
      }
      int64_t channels =
          std::max<int64_t>(info.scales.size(), out.scales.size());
      SmallVector<double> multipliers;
      for (int64_t c = 0; c < channels; ++c)
        multipliers.push_back(info.scales[accPerChannel ? c : 0] /
                              out.scale(c));
      int64_t channelDim =
          accPerChannel ? info.channelDim : out.axis.value_or(0);
      rewriter.replaceOp(op, requantizeSimulated(rewriter, loc, info.acc,
                                                 multipliers, channelDim, out,
                                                 lo, hi, state->mode, element));
      return success();
    }

    // Values on another grid: a requantization.
    std::optional<SimGrid> in = findGrid(op.getInput());
    if (!in)
      return failure();
    if (in->perAxis() && out.perAxis() && *in->axis != *out.axis)
      return failure();
    int64_t channels = std::max<int64_t>(in->scales.size(), out.scales.size());
    SmallVector<double> multipliers;
    for (int64_t c = 0; c < channels; ++c)
      multipliers.push_back(in->scale(c) / out.scale(c));
    int64_t channelDim = in->perAxis() ? *in->axis : out.axis.value_or(0);
    Value n = toIntegers(rewriter, loc, adaptor.getInput(), *in);
    rewriter.replaceOp(op, requantizeSimulated(rewriter, loc, n, multipliers,
                                               channelDim, out, out.qmin,
                                               out.qmax, state->mode, element));
    return success();
  }
};

} // namespace

void mlir::quantopt::populateQntExactSimulationPatterns(
    RewritePatternSet &patterns, qnt::RoundingMode mode) {
  auto state = std::make_shared<SimulationState>();
  state->mode = mode;
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ExactConv2D, ExactMatMul, ExactFakeQuant>(ctx, state);
}
