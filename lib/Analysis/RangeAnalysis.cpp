//===- RangeAnalysis.cpp - interval lattice, transfer functions -*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The interval lattice and the range analysis: the seeds and one transfer
// function per op. Ranges are computed in double, in exact real arithmetic
// (not rounded to f32 like the ops themselves), except where quantization
// defines the values: quantizers are evaluated exactly as docs/Numerics.md
// section 4 says, in f32.
//
// Every op waits until all its operands are initialized. A result with
// neither a float nor a quantized element type is unknown. Then, in order:
//
//   1. A quantized result holds real values on its grid: quantize maps the
//      input range through its grid (round half to even, saturation),
//      requantize likewise with floor/ceil (any rounding mode), data movement
//      keeps the input range, and every other op yields the grid's
//      representable range [(q_min - z) s, (q_max - z) s].
//   2. A float result gets its op's transfer function (transfer()).
//   3. Annotations win: a tensor that qnt.assume_range or qnt.stats
//      describes (the annotated value, the annotation's result, and further
//      annotations of that result) takes the intersection of all their
//      ranges (their join if they contradict each other), whatever step 1
//      or 2 computed.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Analysis/RangeAnalysis.h"

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"
#include "quant-opt/Dialect/Qnt/IR/QuantTypeUtils.h"
#include "quant-opt/Dialect/Qnt/Transforms/ConstantUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Format.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::qnt;

static constexpr double kInf = std::numeric_limits<double>::infinity();

//===----------------------------------------------------------------------===//
// Interval, RangeValue, RangeLattice
//===----------------------------------------------------------------------===//

Interval Interval::get(double lo, double hi) {
  if (std::isnan(lo) || std::isnan(hi) || lo > hi || lo == kInf || hi == -kInf)
    return unbounded();
  return Interval{lo, hi};
}

bool Interval::isBounded() const {
  return std::isfinite(lo) && std::isfinite(hi);
}

bool Interval::isUnbounded() const { return lo == -kInf && hi == kInf; }

Interval Interval::hull(const Interval &other) const {
  return Interval{std::min(lo, other.lo), std::max(hi, other.hi)};
}

std::optional<Interval> Interval::intersect(const Interval &other) const {
  double newLo = std::max(lo, other.lo), newHi = std::min(hi, other.hi);
  if (newLo > newHi)
    return std::nullopt;
  return Interval{newLo, newHi};
}

static void printBound(raw_ostream &os, double v) {
  if (v == kInf) {
    os << "+inf";
  } else if (v == -kInf) {
    os << "-inf";
  } else {
    // No "-0".
    os << llvm::format("%g", v == 0 ? 0.0 : v);
  }
}

void Interval::print(raw_ostream &os) const {
  os << '[';
  printBound(os, lo);
  os << ", ";
  printBound(os, hi);
  os << ']';
}

raw_ostream &mlir::qnt::operator<<(raw_ostream &os, const Interval &interval) {
  interval.print(os);
  return os;
}

RangeValue RangeValue::join(const RangeValue &lhs, const RangeValue &rhs) {
  if (lhs.isUninitialized())
    return rhs;
  if (rhs.isUninitialized())
    return lhs;
  return lhs.getInterval().hull(rhs.getInterval());
}

void RangeValue::print(raw_ostream &os) const {
  if (isUninitialized())
    os << "uninitialized";
  else if (isUnknown())
    os << "unknown";
  else
    interval->print(os);
}

raw_ostream &mlir::qnt::operator<<(raw_ostream &os, const RangeValue &value) {
  value.print(os);
  return os;
}

ChangeResult RangeLattice::join(const RangeValue &rhs) {
  RangeValue joined = RangeValue::join(getValue(), rhs);
  if (joined == getValue())
    return ChangeResult::NoChange;
  // Widening: a value that keeps growing (around a loop) becomes unknown.
  if (++updates > kMaxUpdates)
    joined = RangeValue::unknown();
  getValue() = joined;
  return ChangeResult::Change;
}

//===----------------------------------------------------------------------===//
// Interval arithmetic
//===----------------------------------------------------------------------===//

namespace {

/// A product bound with 0 * inf = 0 (the convention of interval arithmetic:
/// a zero factor contributes nothing however large the other one is).
double mulBound(double a, double b) { return a == 0 || b == 0 ? 0.0 : a * b; }

Interval add(const Interval &a, const Interval &b) {
  // lo < +inf and hi > -inf: no inf - inf.
  return Interval::get(a.lo + b.lo, a.hi + b.hi);
}

Interval negate(const Interval &a) { return Interval::get(-a.hi, -a.lo); }

Interval sub(const Interval &a, const Interval &b) { return add(a, negate(b)); }

Interval mul(const Interval &a, const Interval &b) {
  double p[] = {mulBound(a.lo, b.lo), mulBound(a.lo, b.hi),
                mulBound(a.hi, b.lo), mulBound(a.hi, b.hi)};
  return Interval::get(*std::min_element(p, p + 4),
                       *std::max_element(p, p + 4));
}

/// a / b when b excludes 0. The extremes are at the corners; a corner
/// inf / inf has no limit, and the neighbouring corners bound it.
std::optional<Interval> div(const Interval &a, const Interval &b) {
  if (b.contains(0))
    return std::nullopt;
  double lo = kInf, hi = -kInf;
  for (double x : {a.lo, a.hi}) {
    for (double y : {b.lo, b.hi}) {
      if (std::isinf(x) && std::isinf(y))
        continue;
      double q = x == 0 ? 0.0 : x / y;
      lo = std::min(lo, q);
      hi = std::max(hi, q);
    }
  }
  return Interval::get(lo, hi);
}

Interval clip(const Interval &x, double lo, double hi) {
  return Interval::get(std::clamp(x.lo, lo, hi), std::clamp(x.hi, lo, hi));
}

/// The image of `x` under a non-decreasing `f`.
template <typename F> Interval monotoneImage(const Interval &x, F f) {
  return Interval::get(f(x.lo), f(x.hi));
}

/// The image of `x` under an `f` that does not increase up to `argMin` and
/// does not decrease after it.
template <typename F>
Interval unimodalImage(const Interval &x, F f, double argMin) {
  double atLo = f(x.lo), atHi = f(x.hi);
  if (x.hi <= argMin)
    return Interval::get(atHi, atLo);
  if (x.lo >= argMin)
    return Interval::get(atLo, atHi);
  return Interval::get(f(argMin), std::max(atLo, atHi));
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

double hardSwish(double x) {
  if (x <= -3)
    return 0;
  if (x >= 3)
    return x;
  return x * (x + 3) / 6;
}

double geluErf(double x) {
  if (std::isinf(x))
    return x < 0 ? 0.0 : kInf;
  return 0.5 * x * (1 + std::erf(x * M_SQRT1_2));
}

double geluTanh(double x) {
  if (std::isinf(x))
    return x < 0 ? 0.0 : kInf;
  return 0.5 * x *
         (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
}

/// The minimum of a function that decreases, then increases on [lo, hi]
/// (ternary search to double precision).
double argMinOf(double (*f)(double), double lo, double hi) {
  for (int i = 0; i < 200; ++i) {
    double m1 = lo + (hi - lo) / 3, m2 = hi - (hi - lo) / 3;
    if (f(m1) < f(m2))
      hi = m2;
    else
      lo = m1;
  }
  return (lo + hi) / 2;
}

/// `x` as f32, saturating to +-inf instead of the undefined conversion of
/// out-of-range doubles.
float toF32(double x) {
  constexpr double kMax = std::numeric_limits<float>::max();
  if (x > kMax)
    return std::numeric_limits<float>::infinity();
  if (x < -kMax)
    return -std::numeric_limits<float>::infinity();
  return static_cast<float>(x);
}

/// A quantization grid: per tensor (one scale) or per channel.
struct Grid {
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  int64_t qmin = 0, qmax = 0;

  static Grid get(quant::QuantizedType type) {
    return {getScales(type), getZeroPoints(type), type.getStorageTypeMin(),
            type.getStorageTypeMax()};
  }
  static Grid get(FakeQuantOp op) {
    return {llvm::to_vector(*op.getScale()),
            llvm::to_vector(*op.getZeroPoint()), op.getQMin(), op.getQMax()};
  }

  /// qnt.fake_quant and the real value of qnt.quantize (Numerics.md 4):
  /// (clamp(round_half_even(x / f32(s)) + z, q_min, q_max) - z) * f32(s).
  double quantize(double x, unsigned c) const {
    float s = toF32(scales[c]);
    // nearbyint rounds half to even in the default rounding mode.
    double q =
        std::nearbyint(toF32(x) / s) + static_cast<double>(zeroPoints[c]);
    q = std::clamp(q, static_cast<double>(qmin), static_cast<double>(qmax));
    return static_cast<double>(
        static_cast<float>(q - static_cast<double>(zeroPoints[c])) * s);
  }

  /// A bound of x rounded down (or up) onto the grid: whatever the rounding
  /// mode, a requantization lands between the two.
  double bound(double x, unsigned c, bool up) const {
    double q = x / scales[c];
    q = (up ? std::ceil(q) : std::floor(q)) +
        static_cast<double>(zeroPoints[c]);
    q = std::clamp(q, static_cast<double>(qmin), static_cast<double>(qmax));
    return (q - static_cast<double>(zeroPoints[c])) * scales[c];
  }

  /// The values quantization maps [lo, hi] to (quantize is monotone), over
  /// all channels.
  Interval image(const Interval &x) const {
    Interval result = Interval::get(quantize(x.lo, 0), quantize(x.hi, 0));
    for (unsigned c = 1; c < scales.size(); ++c)
      result = result.hull(Interval::get(quantize(x.lo, c), quantize(x.hi, c)));
    return result;
  }

  /// The values any rounding of [lo, hi] onto the grid can give.
  Interval enclosingImage(const Interval &x) const {
    Interval result =
        Interval::get(bound(x.lo, 0, false), bound(x.hi, 0, true));
    for (unsigned c = 1; c < scales.size(); ++c)
      result = result.hull(
          Interval::get(bound(x.lo, c, false), bound(x.hi, c, true)));
    return result;
  }

  /// Every representable value: [(q_min - z) s, (q_max - z) s].
  Interval representable() const { return image(Interval::unbounded()); }
};

bool hasRealValues(Type type) {
  Type element = getElementTypeOrSelf(type);
  return isa<FloatType>(element) || getUniformQuantizedElementType(type);
}

/// The hull of the values of a float constant (dense, splat, dense_resource;
/// NaNs ignored), or of a scalar float constant.
std::optional<Interval> constantRange(arith::ConstantOp op) {
  if (auto scalar = dyn_cast<FloatAttr>(op.getValue()))
    return Interval::point(scalar.getValueAsDouble());
  std::optional<std::vector<double>> data = readF32Constant(op.getResult());
  if (!data) {
    auto dense = dyn_cast<DenseFPElementsAttr>(op.getValue());
    if (!dense)
      return std::nullopt;
    data.emplace();
    for (const APFloat &v : dense.getValues<APFloat>())
      data->push_back(v.convertToDouble());
  }
  double lo = kInf, hi = -kInf;
  for (double v : *data) {
    if (std::isnan(v))
      continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (lo > hi)
    return std::nullopt;
  return Interval::get(lo, hi);
}

/// The elements of a constant tensor as the op that reads `value` sees
/// them: through annotations (which return their input) and quantizers
/// (evaluated when calibrated; an uncalibrated quantizer passes its input,
/// as its transfer function does). nullopt if `value` is not such a
/// constant.
std::optional<std::vector<double>> resolveConstant(Value value) {
  SmallVector<FakeQuantOp> quantizers;
  while (Operation *def = value.getDefiningOp()) {
    if (auto stats = dyn_cast<StatsOp>(def)) {
      value = stats.getInput();
    } else if (auto assume = dyn_cast<AssumeRangeOp>(def)) {
      value = assume.getInput();
    } else if (auto quantizer = dyn_cast<FakeQuantOp>(def)) {
      quantizers.push_back(quantizer);
      value = quantizer.getInput();
    } else {
      break;
    }
  }
  std::optional<std::vector<double>> data = readF32Constant(value);
  if (!data)
    return std::nullopt;
  auto type = cast<RankedTensorType>(value.getType());
  for (FakeQuantOp quantizer : llvm::reverse(quantizers)) {
    if (!quantizer.isCalibrated())
      continue;
    Grid grid = Grid::get(quantizer);
    int64_t inner = 1, channels = 1;
    if (std::optional<int64_t> axis = quantizer.getAxis()) {
      channels = type.getDimSize(*axis);
      for (int64_t d = *axis + 1; d < type.getRank(); ++d)
        inner *= type.getDimSize(d);
    }
    for (size_t i = 0; i < data->size(); ++i) {
      unsigned c = grid.scales.size() == 1
                       ? 0
                       : static_cast<unsigned>((i / inner) % channels);
      (*data)[i] = grid.quantize((*data)[i], c);
    }
  }
  return data;
}

/// The BN-based range of a layer whose output is about N(beta_c,
/// gamma_c^2) per channel: [min_c(beta_c - a|gamma_c|), max_c(beta_c +
/// a|gamma_c|)].
std::optional<Interval> batchNormEstimate(ArrayRef<double> gamma,
                                          ArrayRef<double> beta, double a) {
  if (gamma.empty() || gamma.size() != beta.size())
    return std::nullopt;
  double lo = kInf, hi = -kInf;
  for (size_t c = 0; c < gamma.size(); ++c) {
    lo = std::min(lo, beta[c] - a * std::abs(gamma[c]));
    hi = std::max(hi, beta[c] + a * std::abs(gamma[c]));
  }
  return Interval::get(lo, hi);
}

/// A statistical estimate (BN) against a bound that always holds: the
/// estimate wins, narrowed to the bound; the bound if they are disjoint.
Interval estimateWithinBound(std::optional<Interval> estimate,
                             const Interval &bound) {
  if (!estimate)
    return bound;
  if (std::optional<Interval> both = estimate->intersect(bound))
    return *both;
  return bound;
}

/// The number of terms each result element of a conv2d or matmul sums.
std::optional<int64_t> reductionSize(Operation *op) {
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    auto type = conv.getWeight().getType();
    int64_t size = 1;
    for (int64_t d = 1; d < type.getRank(); ++d) {
      if (type.isDynamicDim(d))
        return std::nullopt;
      size *= type.getDimSize(d);
    }
    return size;
  }
  auto matmul = cast<MatMulOp>(op);
  auto lhs = matmul.getLhs().getType();
  int64_t size =
      lhs.getDimSize(lhs.getRank() - (matmul.getTransposeLhs() ? 2 : 1));
  if (ShapedType::isDynamic(size)) {
    auto rhs = matmul.getRhs().getType();
    size = rhs.getDimSize(rhs.getRank() - (matmul.getTransposeRhs() ? 1 : 2));
  }
  if (ShapedType::isDynamic(size))
    return std::nullopt;
  return size;
}

/// True if the lhs of `matmul` is a softmax (through annotations) along the
/// axis the matmul contracts: its rows of A sum to 1.
bool isSoftmaxOverK(MatMulOp matmul) {
  Value lhs = matmul.getLhs();
  while (Operation *def = lhs.getDefiningOp()) {
    if (auto stats = dyn_cast<StatsOp>(def))
      lhs = stats.getInput();
    else if (auto assume = dyn_cast<AssumeRangeOp>(def))
      lhs = assume.getInput();
    else
      break;
  }
  auto softmax = lhs.getDefiningOp<SoftmaxOp>();
  if (!softmax)
    return false;
  int64_t rank = softmax.getInput().getType().getRank();
  return softmax.getAxis() == rank - (matmul.getTransposeLhs() ? 2 : 1);
}

} // namespace

//===----------------------------------------------------------------------===//
// RangeAnalysis
//===----------------------------------------------------------------------===//

RangeAnalysis::RangeAnalysis(DataFlowSolver &solver,
                             const RangeAnalysisOptions &options)
    : SparseForwardDataFlowAnalysis(solver), options(options) {}

void RangeAnalysis::setToEntryState(RangeLattice *lattice) {
  Value value = lattice->getAnchor();
  RangeValue range = RangeValue::unknown();
  if (quant::QuantizedType qtype =
          getUniformQuantizedElementType(value.getType()))
    range = Grid::get(qtype).representable();
  if (std::optional<Interval> annotated = getAnnotatedRange(value))
    range = *annotated;
  propagateIfChanged(lattice, lattice->join(range));
}

std::optional<Interval> RangeAnalysis::getAnnotatedRange(Value value) {
  // The tensor is that of the first value up the chain of annotations.
  Value root = value;
  while (Operation *def = root.getDefiningOp()) {
    if (auto stats = dyn_cast<StatsOp>(def))
      root = stats.getInput();
    else if (auto assume = dyn_cast<AssumeRangeOp>(def))
      root = assume.getInput();
    else
      break;
  }
  auto it = annotatedRanges.find(root);
  if (it != annotatedRanges.end())
    return it->second;

  std::optional<Interval> meet, join;
  bool contradiction = false;
  SmallVector<Value> worklist{root};
  while (!worklist.empty()) {
    Value tensor = worklist.pop_back_val();
    for (Operation *user : tensor.getUsers()) {
      Interval range;
      if (auto stats = dyn_cast<StatsOp>(user))
        range = Interval::get(stats.getMin().convertToDouble(),
                              stats.getMax().convertToDouble());
      else if (auto assume = dyn_cast<AssumeRangeOp>(user))
        range = Interval::get(assume.getMin().convertToDouble(),
                              assume.getMax().convertToDouble());
      else
        continue;
      worklist.push_back(user->getResult(0));
      join = join ? join->hull(range) : range;
      if (!contradiction) {
        meet = meet ? meet->intersect(range) : range;
        contradiction = !meet;
      }
    }
  }
  std::optional<Interval> result = contradiction ? join : meet;
  annotatedRanges[root] = result;
  return result;
}

LogicalResult
RangeAnalysis::visitOperation(Operation *op,
                              ArrayRef<const RangeLattice *> operands,
                              ArrayRef<RangeLattice *> results) {
  SmallVector<RangeValue> operandRanges;
  for (const RangeLattice *operand : operands) {
    // Not reached yet: the op is visited again when it is.
    if (operand->getValue().isUninitialized())
      return success();
    operandRanges.push_back(operand->getValue());
  }
  for (auto [index, lattice] : llvm::enumerate(results)) {
    Value result = op->getResult(index);
    RangeValue range = hasRealValues(result.getType())
                           ? transfer(op, index, operandRanges)
                           : RangeValue::unknown();
    if (std::optional<Interval> annotated = getAnnotatedRange(result))
      range = *annotated;
    propagateIfChanged(lattice, lattice->join(range));
  }
  return success();
}

RangeValue RangeAnalysis::transfer(Operation *op, unsigned resultIndex,
                                   ArrayRef<RangeValue> operands) {
  auto in = [&](unsigned i) { return operands[i].getInterval(); };
  auto joinAll = [&]() {
    RangeValue joined;
    for (const RangeValue &operand : operands)
      joined = RangeValue::join(joined, operand);
    return joined;
  };

  // 1. Quantized results.
  if (quant::QuantizedType qtype = getUniformQuantizedElementType(
          op->getResult(resultIndex).getType())) {
    Grid grid = Grid::get(qtype);
    if (isa<QuantizeOp>(op))
      return grid.image(in(0));
    if (isa<RequantizeOp>(op))
      return grid.enclosingImage(in(0));
    // Pure data movement copies stored integers.
    if (isa<ReshapeOp, TransposeOp, SliceOp, MaxPool2DOp>(op))
      return in(0);
    if (isa<ConcatOp>(op))
      return joinAll();
    return grid.representable();
  }

  // 2. Float results.
  double bnNumStddev = options.bnNumStddev;
  return llvm::TypeSwitch<Operation *, RangeValue>(op)
      // Seeds.
      .Case([&](arith::ConstantOp constant) -> RangeValue {
        if (std::optional<Interval> range = constantRange(constant))
          return *range;
        return RangeValue::unknown();
      })
      .Case([&](AssumeRangeOp assume) -> RangeValue {
        return Interval::get(assume.getMin().convertToDouble(),
                             assume.getMax().convertToDouble());
      })
      .Case([&](StatsOp stats) -> RangeValue {
        return Interval::get(stats.getMin().convertToDouble(),
                             stats.getMax().convertToDouble());
      })
      // A calibrated quantizer maps its input onto its grid (the whole
      // representable range for an unknown input); an uncalibrated one is
      // the identity until range setting calibrates it.
      .Case([&](FakeQuantOp quantizer) -> RangeValue {
        if (!quantizer.isCalibrated())
          return in(0);
        return Grid::get(quantizer).image(in(0));
      })
      // The real values of the quantized input.
      .Case([&](DequantizeOp) -> RangeValue { return in(0); })
      // Keep: data movement, maximum and means of values in [lo, hi].
      .Case<ReshapeOp, TransposeOp, SliceOp, MaxPool2DOp, GlobalAvgPoolOp,
            ReduceMeanOp>([&](Operation *) -> RangeValue { return in(0); })
      // Padding zeros take part in the mean when counted.
      .Case([&](AvgPool2DOp pool) -> RangeValue {
        bool padded = llvm::any_of(pool.getPads(), [](int64_t p) { return p; });
        if (pool.getCountIncludePad() && padded)
          return in(0).hull(Interval::point(0));
        return in(0);
      })
      .Case([&](ConcatOp) -> RangeValue { return joinAll(); })
      // Clipping.
      .Case([&](ReluOp) -> RangeValue { return clip(in(0), 0, kInf); })
      .Case([&](ClampOp clamp) -> RangeValue {
        return clip(in(0), clamp.getMin().convertToDouble(),
                    clamp.getMax().convertToDouble());
      })
      // Interval arithmetic.
      .Case([&](AddOp) -> RangeValue { return add(in(0), in(1)); })
      .Case([&](SubOp) -> RangeValue { return sub(in(0), in(1)); })
      .Case([&](MulOp) -> RangeValue { return mul(in(0), in(1)); })
      .Case([&](DivOp) -> RangeValue {
        if (std::optional<Interval> quotient = div(in(0), in(1)))
          return *quotient;
        return RangeValue::unknown();
      })
      // Monotone activations: the image of the ends.
      .Case([&](SigmoidOp) -> RangeValue {
        return monotoneImage(in(0), sigmoid);
      })
      .Case([&](TanhOp) -> RangeValue {
        return monotoneImage(in(0), [](double x) { return std::tanh(x); });
      })
      .Case([&](ErfOp) -> RangeValue {
        return monotoneImage(in(0), [](double x) { return std::erf(x); });
      })
      .Case([&](HardSigmoidOp hs) -> RangeValue {
        Interval affine =
            add(mul(in(0), Interval::point(hs.getAlpha().convertToDouble())),
                Interval::point(hs.getBeta().convertToDouble()));
        return clip(affine, 0, 1);
      })
      // Decreasing, then increasing: minimum -0.375 at -1.5.
      .Case([&](HardSwishOp) -> RangeValue {
        return unimodalImage(in(0), hardSwish, -1.5);
      })
      // Decreasing, then increasing: minimum about -0.17 at about -0.75.
      .Case([&](GeluOp gelu) -> RangeValue {
        static const double erfArgMin = argMinOf(geluErf, -3, 0);
        static const double tanhArgMin = argMinOf(geluTanh, -3, 0);
        if (gelu.getTanhApproximation())
          return unimodalImage(in(0), geluTanh, tanhArgMin);
        return unimodalImage(in(0), geluErf, erfArgMin);
      })
      // With n elements along the axis and inputs in [lo, hi] (d = hi - lo):
      // y in [1 / (1 + (n-1) e^d), 1 / (1 + (n-1) e^-d)]; else [0, 1].
      .Case([&](SoftmaxOp softmax) -> RangeValue {
        Interval x = in(0);
        int64_t n = softmax.getInput().getType().getDimSize(softmax.getAxis());
        if (!x.isBounded() || ShapedType::isDynamic(n))
          return Interval::get(0, 1);
        if (n <= 1)
          return Interval::point(1);
        double d = x.hi - x.lo, others = static_cast<double>(n - 1);
        return Interval::get(1 / (1 + others * std::exp(d)),
                             1 / (1 + others * std::exp(-d)));
      })
      // A standardized value over n elements lies in [-sqrt(n-1),
      // sqrt(n-1)] (Samuelson's inequality; epsilon only shrinks it). With
      // constant scale and bias: the hull of bias_k +- sqrt(n-1) |scale_k|;
      // else interval arithmetic on their ranges.
      .Case([&](LayerNormOp norm) -> RangeValue {
        auto type = norm.getInput().getType();
        int64_t n = 1;
        for (int64_t d = norm.getAxis(); d < type.getRank(); ++d) {
          if (type.isDynamicDim(d))
            return RangeValue::unknown();
          n *= type.getDimSize(d);
        }
        if (n < 1)
          return RangeValue::unknown();
        double m = std::sqrt(static_cast<double>(n - 1));
        std::optional<std::vector<double>> scale =
            resolveConstant(norm.getScale());
        std::optional<std::vector<double>> bias =
            norm.getBias()
                ? resolveConstant(norm.getBias())
                : std::optional<std::vector<double>>(
                      std::vector<double>(scale ? scale->size() : 0));
        if (scale && bias && !scale->empty() && bias->size() == scale->size()) {
          double lo = kInf, hi = -kInf;
          for (size_t k = 0; k < scale->size(); ++k) {
            lo = std::min(lo, (*bias)[k] - m * std::abs((*scale)[k]));
            hi = std::max(hi, (*bias)[k] + m * std::abs((*scale)[k]));
          }
          return Interval::get(lo, hi);
        }
        Interval y = mul(Interval::get(-m, m), in(1));
        return norm.getBias() ? add(y, in(2)) : y;
      })
      // The BN-based estimate beta_c +- a|gamma_c|, narrowed to the affine
      // image of the input range when the statistics are constants.
      .Case([&](BatchNormOp bn) -> RangeValue {
        auto gamma = resolveConstant(bn.getScale());
        auto beta = resolveConstant(bn.getOffset());
        auto mean = resolveConstant(bn.getMean());
        auto variance = resolveConstant(bn.getVariance());
        std::optional<Interval> estimate;
        if (gamma && beta)
          estimate = batchNormEstimate(*gamma, *beta, bnNumStddev);
        Interval bound = Interval::unbounded();
        if (gamma && beta && mean && variance && !gamma->empty() &&
            beta->size() == gamma->size() && mean->size() == gamma->size() &&
            variance->size() == gamma->size()) {
          double epsilon = bn.getEpsilon().convertToDouble();
          std::optional<Interval> hull;
          for (size_t c = 0; c < gamma->size(); ++c) {
            double sigma = std::sqrt((*variance)[c] + epsilon);
            if (!(sigma > 0) || !std::isfinite(sigma)) {
              hull = Interval::unbounded();
              break;
            }
            Interval y = add(mul(sub(in(0), Interval::point((*mean)[c])),
                                 Interval::point((*gamma)[c] / sigma)),
                             Interval::point((*beta)[c]));
            hull = hull ? hull->hull(y) : y;
          }
          bound = *hull;
        }
        return estimateWithinBound(estimate, bound);
      })
      .Case<Conv2DOp, MatMulOp>([&](Operation *linear) -> RangeValue {
        return transferLinear(linear, operands);
      })
      .Default([](Operation *) { return RangeValue::unknown(); });
}

std::optional<RangeAnalysis::ChannelSums>
RangeAnalysis::getChannelSums(Operation *op) {
  auto it = channelSums.find(op);
  if (it != channelSums.end())
    return it->second;

  std::optional<ChannelSums> sums;
  // Sums of `count` elements of `data` from `start`, `stride` apart.
  auto addChannel = [&](ArrayRef<double> data, int64_t start, int64_t count,
                        int64_t stride) {
    double pos = 0, neg = 0;
    for (int64_t k = 0; k < count; ++k) {
      double v = data[start + k * stride];
      (v > 0 ? pos : neg) += v;
    }
    sums->pos.push_back(pos);
    sums->neg.push_back(neg);
  };

  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    // Output channel o sums weight[o, ...].
    if (auto weight = resolveConstant(conv.getWeight())) {
      int64_t channels = conv.getWeight().getType().getDimSize(0);
      if (channels > 0) {
        int64_t perChannel = static_cast<int64_t>(weight->size()) / channels;
        sums.emplace();
        for (int64_t o = 0; o < channels; ++o)
          addChannel(*weight, o * perChannel, perChannel, 1);
      }
    }
  } else if (auto matmul = dyn_cast<MatMulOp>(op)) {
    auto visitMatrices = [&](Value operand, auto visitMatrix) {
      auto data = resolveConstant(operand);
      if (!data)
        return false;
      auto type = cast<RankedTensorType>(operand.getType());
      int64_t rows = type.getDimSize(type.getRank() - 2);
      int64_t cols = type.getDimSize(type.getRank() - 1);
      if (rows * cols == 0)
        return false;
      sums.emplace();
      int64_t batches = static_cast<int64_t>(data->size()) / (rows * cols);
      for (int64_t b = 0; b < batches; ++b)
        visitMatrix(*data, b * rows * cols, rows, cols);
      return true;
    };
    // A constant rhs: one channel per column n of B (and batch), the result
    // channels; B = rhs^T with transpose_rhs.
    bool rhsConstant = visitMatrices(
        matmul.getRhs(),
        [&](ArrayRef<double> data, int64_t offset, int64_t rows, int64_t cols) {
          if (matmul.getTransposeRhs())
            for (int64_t n = 0; n < rows; ++n)
              addChannel(data, offset + n * cols, cols, 1);
          else
            for (int64_t n = 0; n < cols; ++n)
              addChannel(data, offset + n, rows, cols);
        });
    // Else a constant lhs: one channel per row m of A (A = lhs^T with
    // transpose_lhs).
    if (!rhsConstant &&
        visitMatrices(matmul.getLhs(),
                      [&](ArrayRef<double> data, int64_t offset, int64_t rows,
                          int64_t cols) {
                        if (matmul.getTransposeLhs())
                          for (int64_t m = 0; m < cols; ++m)
                            addChannel(data, offset + m, rows, cols);
                        else
                          for (int64_t m = 0; m < rows; ++m)
                            addChannel(data, offset + m * cols, cols, 1);
                      }))
      sums->alongResultChannels = false;
  }
  channelSums[op] = sums;
  return sums;
}

// conv2d and matmul without a BN seed: with a constant weight (through its
// quantizer), per output channel j the exact interval sum over the
// reduction, bias_j + sum_k w_jk * [lo, hi] =
//   [bias_j + P_j lo + N_j hi, bias_j + P_j hi + N_j lo]
// with P_j (N_j) the sum of the positive (negative) weights of channel j and
// [lo, hi] the input range (joined with 0 when a conv pads), then the hull
// over channels. Without a constant weight: K * ([lo, hi] * [w_lo, w_hi]) +
// bias, K the reduction size; when the lhs is a softmax along K (attention),
// also the rhs range + bias. With a BN seed the estimate wins, narrowed to
// that bound. The fused activation clips last.
RangeValue RangeAnalysis::transferLinear(Operation *op,
                                         ArrayRef<RangeValue> operands) {
  Value bias;
  std::optional<std::pair<float, float>> fused;
  Interval x = operands[0].getInterval();
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    bias = conv.getBias();
    fused = conv.getFusedClamp();
    if (llvm::any_of(conv.getPads(), [](int64_t p) { return p > 0; }))
      x = x.hull(Interval::point(0));
  } else {
    auto matmul = cast<MatMulOp>(op);
    bias = matmul.getBias();
    fused = matmul.getFusedClamp();
  }
  Interval biasRange = bias ? operands[2].getInterval() : Interval::point(0);
  std::optional<std::vector<double>> biasValues;
  if (bias)
    biasValues = resolveConstant(bias);

  Interval bound = Interval::unbounded();
  if (std::optional<ChannelSums> sums = getChannelSums(op)) {
    // The activation operand: the input, or the rhs of a constant lhs.
    Interval act = sums->alongResultChannels ? x : operands[1].getInterval();
    std::optional<Interval> hull;
    for (size_t j = 0; j < sums->pos.size(); ++j) {
      double pos = sums->pos[j], neg = sums->neg[j];
      Interval channel =
          Interval::get(mulBound(pos, act.lo) + mulBound(neg, act.hi),
                        mulBound(pos, act.hi) + mulBound(neg, act.lo));
      if (sums->alongResultChannels && biasValues && !biasValues->empty())
        channel = add(channel,
                      Interval::point((*biasValues)[j % biasValues->size()]));
      else
        channel = add(channel, biasRange);
      hull = hull ? hull->hull(channel) : channel;
    }
    if (hull)
      bound = *hull;
  } else if (std::optional<int64_t> k = reductionSize(op)) {
    bound = add(mul(mul(x, operands[1].getInterval()),
                    Interval::point(static_cast<double>(*k))),
                biasRange);
  }
  // Attention: when each lhs row is a softmax over the contracted axis, each
  // result is a convex combination of rhs elements, within the rhs range.
  if (auto matmul = dyn_cast<MatMulOp>(op); matmul && isSoftmaxOverK(matmul)) {
    Interval convex = add(operands[1].getInterval(), biasRange);
    bound = bound.intersect(convex).value_or(convex);
  }

  std::optional<Interval> estimate;
  auto gamma = op->getAttrOfType<DenseF64ArrayAttr>("qnt.bn_gamma");
  auto beta = op->getAttrOfType<DenseF64ArrayAttr>("qnt.bn_beta");
  if (gamma && beta)
    estimate = batchNormEstimate(gamma.asArrayRef(), beta.asArrayRef(),
                                 options.bnNumStddev);
  Interval result = estimateWithinBound(estimate, bound);
  if (fused)
    result = clip(result, fused->first, fused->second);
  return result;
}
