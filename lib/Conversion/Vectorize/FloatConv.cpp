//===- FloatConv.cpp - register-blocked float convolutions ------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-vectorize-float-conv: SIMD code, on tensors, for the float
// convolutions of convert-qnt-to-linalg (groups == 1): the
// (n, f, c, kh, kw, oh, ow) linalg.generic whose body is
// out + in * weight. The scalar loops re-read and re-write the whole output
// plane once per (c, kh, kw); here the output is computed in tiles of
// `filter-block` output channels x `vector-size` output columns of one
// output row, the accumulators kept in registers:
//
//   for n, for f-block (both qnt.parallel), for oh, for ow-tile:
//     acc[i] = out[n, f + i, oh, ow : ow + L]          (the bias)
//     for c:                                           (scf.for)
//       for kh, kw:                                    (unrolled)
//         x = input[n, c, oh*sh + kh*dh, ow*sw + kw*dw : ...]  (shuffled
//                                                     when sw > 1)
//         acc[i] = acc[i] + x * weight[f + i, c, kh, kw]   for every i
//     out[n, f + i, oh, ow : ow + L] = acc[i]
//
// Every lane is one output element, and it adds the products in the scalar
// loops' order (c, then kh, then kw) with the scalar body's ops (a mulf,
// then an addf; no fast-math flags, no FMA): the results are bit for bit
// those of the scalar loops. The last, narrower tiles of filters and of
// columns are emitted with fewer accumulators and shorter vectors.
//
//===----------------------------------------------------------------------===//

#include "quant-opt/Conversion/Passes.h"
#include "quant-opt/Dialect/Qnt/IR/QntDialect.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir::quantopt {
#define GEN_PASS_DEF_VECTORIZEFLOATCONVPASS
#include "quant-opt/Conversion/Passes.h.inc"
} // namespace mlir::quantopt

using namespace mlir;

namespace {

/// One operand of the product, as the body computes it: from the block
/// arguments `args` by the element-wise `ops` (body order; none: it is the
/// block argument itself).
struct Side {
  Value value;
  SmallVector<Operation *> ops;
  SmallVector<unsigned> args;
};

/// A (n, f, c, kh, kw, oh, ow) float convolution.
struct Conv {
  int64_t filters, channels, kh, kw, rows, cols;
  int64_t strideH, strideW, dilationH, dilationW;
  /// The input and weight sides of the body's product; `window` is the
  /// input map (n, c, oh * sh + kh * dh, ow * sw + kw * dw).
  Side input, weight;
  AffineMap window;
  /// The operand order of the body's mulf and addf.
  bool inputFirst, accumulatorFirst;
};

/// `s * d[out] + l * d[tap]` with s >= 1 and l >= 0 over `numDims` loop
/// dims: {s, l}, or none if `expr` has another form.
std::optional<std::pair<int64_t, int64_t>> matchWindowIndex(AffineExpr expr,
                                                            unsigned out,
                                                            unsigned tap,
                                                            unsigned numDims) {
  MLIRContext *ctx = expr.getContext();
  auto evaluate = [&](unsigned d) -> std::optional<int64_t> {
    SmallVector<AffineExpr> dims(numDims, getAffineConstantExpr(0, ctx));
    if (d < numDims)
      dims[d] = getAffineConstantExpr(1, ctx);
    auto c = dyn_cast<AffineConstantExpr>(
        simplifyAffineExpr(expr.replaceDims(dims), 0, 0));
    if (!c)
      return std::nullopt;
    return c.getValue();
  };
  std::optional<int64_t> stride = evaluate(out), dilation = evaluate(tap);
  if (!stride || !dilation || *stride < 1 || *dilation < 0)
    return std::nullopt;
  AffineExpr rebuilt = getAffineDimExpr(out, ctx) * *stride +
                       getAffineDimExpr(tap, ctx) * *dilation;
  if (simplifyAffineExpr(rebuilt - expr, numDims, 0) !=
      getAffineConstantExpr(0, ctx))
    return std::nullopt;
  return std::make_pair(*stride, *dilation);
}

/// The backward slice of `value` in `body`: element-wise ops without
/// regions (or constants) from block arguments and values defined above.
std::optional<Side> sliceOf(Block *body, Value value) {
  Side side;
  side.value = value;
  llvm::SmallSetVector<Operation *, 8> ops;
  llvm::SmallSetVector<unsigned, 4> args;
  SmallVector<Value> work = {value};
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      if (arg.getOwner() == body)
        args.insert(arg.getArgNumber());
      continue;
    }
    Operation *def = v.getDefiningOp();
    if (def->getBlock() != body || !ops.insert(def))
      continue;
    if (!isa<arith::ConstantOp>(def) &&
        (!def->hasTrait<OpTrait::Elementwise>() || def->getNumRegions() != 0))
      return std::nullopt;
    llvm::append_range(work, def->getOperands());
  }
  for (Operation &op : body->without_terminator())
    if (ops.contains(&op))
      side.ops.push_back(&op);
  side.args = llvm::to_vector(args);
  llvm::sort(side.args);
  return side;
}

/// True if every result of `map` is a constant or one of `dims`.
bool usesOnly(AffineMap map, ArrayRef<unsigned> dims) {
  return llvm::all_of(map.getResults(), [&](AffineExpr e) {
    if (isa<AffineConstantExpr>(e))
      return true;
    auto d = dyn_cast<AffineDimExpr>(e);
    return d && llvm::is_contained(dims, d.getPosition());
  });
}

/// The two sides of a body `out + a * b` (either operand order of the
/// mulf and the addf, no fast-math flags), a and b computed element-wise
/// from the inputs: the input side reads its arguments through one window
/// map (image, channel, row, column) or through maps of (image, channel)
/// only; the weight side reads its arguments through maps of
/// `weightDims` only.
struct Sides {
  Side input, weight;
  AffineMap window;
  bool inputFirst, accumulatorFirst;
};

std::optional<Sides> matchSides(linalg::GenericOp op, unsigned image,
                                unsigned channel,
                                ArrayRef<unsigned> weightDims) {
  MLIRContext *ctx = op.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  // The body: out + a * b (either operand order), a and b computed
  // element-wise from the inputs.
  Block *body = op.getBody();
  Value out = body->getArguments().back();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add || add->getBlock() != body ||
      add.getFastmath() != arith::FastMathFlags::none ||
      !isa<FloatType>(out.getType()) || add.getType() != out.getType())
    return std::nullopt;
  bool accumulatorFirst = add.getLhs() == out;
  Value product = accumulatorFirst ? add.getRhs() : add.getLhs();
  if ((accumulatorFirst ? add.getLhs() : add.getRhs()) != out || product == out)
    return std::nullopt;
  auto mul = product.getDefiningOp<arith::MulFOp>();
  if (!mul || mul->getBlock() != body || !mul->hasOneUse() ||
      mul.getFastmath() != arith::FastMathFlags::none)
    return std::nullopt;
  std::optional<Side> lhs = sliceOf(body, mul.getLhs());
  std::optional<Side> rhs = sliceOf(body, mul.getRhs());
  if (!lhs || !rhs)
    return std::nullopt;
  // Every op of the body is in one of the slices, or is the mulf or addf.
  for (Operation &inner : body->without_terminator())
    if (&inner != mul && &inner != add &&
        !llvm::is_contained(lhs->ops, &inner) &&
        !llvm::is_contained(rhs->ops, &inner))
      return std::nullopt;

  auto isInputSide = [&](const Side &side, AffineMap &window) {
    window = AffineMap();
    for (unsigned arg : side.args) {
      if (arg == body->getNumArguments() - 1)
        return false;
      AffineMap map = maps[arg];
      if (usesOnly(map, {image, channel}))
        continue;
      if (map.getNumResults() != 4 || map.getResult(0) != d(image) ||
          map.getResult(1) != d(channel))
        return false;
      if (window && map != window)
        return false;
      window = map;
      auto type = dyn_cast<RankedTensorType>(op->getOperand(arg).getType());
      if (!type || type.getRank() != 4 ||
          !llvm::all_of(type.getShape().drop_front(),
                        [](int64_t v) { return !ShapedType::isDynamic(v); }))
        return false;
    }
    return static_cast<bool>(window);
  };
  auto isWeightSide = [&](const Side &side) {
    return !side.args.empty() && llvm::all_of(side.args, [&](unsigned arg) {
      return arg != body->getNumArguments() - 1 &&
             usesOnly(maps[arg], {1, 2, 3, 4});
    });
  };
  AffineMap window;
  bool inputFirst;
  if (isInputSide(*lhs, window) && isWeightSide(*rhs))
    inputFirst = true;
  else if (isInputSide(*rhs, window) && isWeightSide(*lhs))
    inputFirst = false;
  else
    return std::nullopt;
  if (inputFirst)
    return Sides{*lhs, *rhs, window, true, accumulatorFirst};
  return Sides{*rhs, *lhs, window, false, accumulatorFirst};
}

/// Matches the generic as a convolution whose input side reads its
/// arguments through one window map (or per image / channel maps (n, c)),
/// and whose weight side reads its arguments at (f, c, kh, kw) (or a
/// subset).
std::optional<Conv> matchConv(linalg::GenericOp op) {
  using utils::IteratorType;
  if (!op.hasPureTensorSemantics() || op.getNumLoops() != 7 ||
      op.getNumDpsInits() != 1 || op.getNumResults() != 1)
    return std::nullopt;
  IteratorType p = IteratorType::parallel, r = IteratorType::reduction;
  if (op.getIteratorTypesArray() !=
      SmallVector<IteratorType>{p, p, r, r, r, p, p})
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ArrayRef(ranges).drop_front(),
                   [](int64_t v) { return ShapedType::isDynamic(v); }))
    return std::nullopt;
  MLIRContext *ctx = op.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps.back() != AffineMap::get(7, 0, {d(0), d(1), d(5), d(6)}, ctx))
    return std::nullopt;
  auto outType = dyn_cast<RankedTensorType>(op.getDpsInits()[0].getType());
  if (!outType || !llvm::all_of(outType.getShape().drop_front(), [](int64_t v) {
        return !ShapedType::isDynamic(v);
      }))
    return std::nullopt;

  std::optional<Sides> sides =
      matchSides(op, /*image=*/0, /*channel=*/2, {1, 2, 3, 4});
  if (!sides)
    return std::nullopt;
  AffineMap window = sides->window;
  auto rows = matchWindowIndex(window.getResult(2), 5, 3, 7);
  auto cols = matchWindowIndex(window.getResult(3), 6, 4, 7);
  if (!rows || !cols)
    return std::nullopt;
  return Conv{ranges[1],    ranges[2],         ranges[3],
              ranges[4],    ranges[5],         ranges[6],
              rows->first,  cols->first,       rows->second,
              cols->second, sides->input,      sides->weight,
              window,       sides->inputFirst, sides->accumulatorFirst};
}

/// The tensor of one side of the product: the operand itself if the body
/// reads it at `standard`, else an element-wise linalg.generic over
/// `shape` that computes the side's ops (their results bit for bit those
/// of the fused body). `dims` replaces the 7 loop dims in the operands'
/// maps.
Value materialize(OpBuilder &b, linalg::GenericOp op, const Side &side,
                  AffineMap standard, ArrayRef<AffineExpr> dims,
                  RankedTensorType type, Value dynamicBatchOf) {
  Block *body = op.getBody();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (side.ops.empty() && side.args.size() == 1 &&
      maps[side.args.front()] == standard)
    return op->getOperand(side.args.front());
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  SmallVector<Value> inputs, dynamic;
  SmallVector<AffineMap> newMaps;
  for (unsigned arg : side.args) {
    inputs.push_back(op->getOperand(arg));
    newMaps.push_back(maps[arg] == standard
                          ? AffineMap::getMultiDimIdentityMap(4, ctx)
                          : maps[arg].replaceDimsAndSymbols(dims, {}, 4, 0));
  }
  newMaps.push_back(AffineMap::getMultiDimIdentityMap(4, ctx));
  if (type.isDynamicDim(0))
    dynamic.push_back(tensor::DimOp::create(b, loc, dynamicBatchOf, 0));
  Value empty = tensor::EmptyOp::create(b, loc, type, dynamic);
  auto generic = linalg::GenericOp::create(
      b, loc, type, inputs, empty, newMaps,
      SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location, ValueRange args) {
        IRMapping mapping;
        for (auto [i, arg] : llvm::enumerate(side.args))
          mapping.map(body->getArgument(arg), args[i]);
        for (Operation *inner : side.ops)
          nb.clone(*inner, mapping);
        linalg::YieldOp::create(nb, loc, mapping.lookupOrDefault(side.value));
      });
  return generic.getResult(0);
}

/// A depthwise float convolution, (n, c, kh, kw, oh, ow), whose body
/// computes its input or weight with fused element-wise ops (the fake
/// quantizers of a simulation model): they are computed first by
/// element-wise generics, and the window generic left (input and weight
/// operands only) is qnt-vectorize's window reduction. False if `op` is
/// not one, or has no such ops.
bool unfuseDepthwise(RewriterBase &rewriter, linalg::GenericOp op) {
  using utils::IteratorType;
  if (!op.hasPureTensorSemantics() || op.getNumLoops() != 6 ||
      op.getNumDpsInits() != 1 || op.getNumResults() != 1)
    return false;
  IteratorType p = IteratorType::parallel, r = IteratorType::reduction;
  if (op.getIteratorTypesArray() != SmallVector<IteratorType>{p, p, r, r, p, p})
    return false;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ArrayRef(ranges).drop_front(),
                   [](int64_t v) { return ShapedType::isDynamic(v); }))
    return false;
  MLIRContext *ctx = op.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  AffineMap outMap = AffineMap::get(6, 0, {d(0), d(1), d(4), d(5)}, ctx);
  AffineExpr zero = getAffineConstantExpr(0, ctx);
  AffineMap weightMap = AffineMap::get(6, 0, {d(1), zero, d(2), d(3)}, ctx);
  if (op.getIndexingMapsArray().back() != outMap)
    return false;
  std::optional<Sides> sides =
      matchSides(op, /*image=*/0, /*channel=*/1, {1, 2, 3});
  if (!sides || !matchWindowIndex(sides->window.getResult(2), 4, 2, 6) ||
      !matchWindowIndex(sides->window.getResult(3), 5, 3, 6))
    return false;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  auto isPlain = [&](const Side &side, AffineMap standard) {
    return side.ops.empty() && side.args.size() == 1 &&
           maps[side.args.front()] == standard;
  };
  if (isPlain(sides->input, sides->window) && isPlain(sides->weight, weightMap))
    return false;
  Value windowOperand;
  for (unsigned arg : sides->input.args)
    if (maps[arg] == sides->window)
      windowOperand = op->getOperand(arg);
  Type element = op.getBody()->getArguments().back().getType();
  rewriter.setInsertionPoint(op);
  Value input = materialize(
      rewriter, op, sides->input, sides->window,
      {d(0), d(1), zero, zero, zero, zero},
      cast<RankedTensorType>(windowOperand.getType()).clone(element),
      windowOperand);
  Value weight = materialize(
      rewriter, op, sides->weight, weightMap,
      {zero, d(0), d(2), d(3), zero, zero},
      RankedTensorType::get({ranges[1], 1, ranges[2], ranges[3]}, element),
      Value());
  bool inputFirst = sides->inputFirst,
       accumulatorFirst = sides->accumulatorFirst;
  auto window = linalg::GenericOp::create(
      rewriter, op.getLoc(), op.getResultTypes(), ValueRange{input, weight},
      op.getDpsInits(), {sides->window, weightMap, outMap},
      op.getIteratorTypesArray(),
      [&](OpBuilder &b, Location loc, ValueRange args) {
        Value product = inputFirst
                            ? arith::MulFOp::create(b, loc, args[0], args[1])
                            : arith::MulFOp::create(b, loc, args[1], args[0]);
        Value sum = accumulatorFirst
                        ? arith::AddFOp::create(b, loc, args[2], product)
                        : arith::AddFOp::create(b, loc, product, args[2]);
        linalg::YieldOp::create(b, loc, sum);
      });
  rewriter.replaceOp(op, window.getResults());
  return true;
}

/// Emits the code of `conv` into tiles; returns the result tensor.
class ConvEmitter {
public:
  ConvEmitter(linalg::GenericOp op, const Conv &conv, Value input, Value weight,
              int64_t lanes, int64_t filterBlock)
      : op(op), conv(conv), input(input), weight(weight), lanes(lanes),
        filterBlock(filterBlock),
        element(op.getBody()->getArguments().back().getType()) {}

  Value emit(OpBuilder &b);

private:
  Value index(OpBuilder &b, int64_t v) {
    return arith::ConstantIndexOp::create(b, loc(), v);
  }
  Location loc() { return op.getLoc(); }
  Value apply(OpBuilder &b, AffineExpr e, ValueRange operands) {
    return getValueOrCreateConstantIndexOp(
        b, loc(),
        affine::makeComposedFoldedAffineApply(
            b, loc(), AffineMap::get(operands.size(), 0, e),
            getAsOpFoldResult(operands)));
  }
  /// An scf.for from lb to ub by step threading `inits`.
  SmallVector<Value>
  loop(OpBuilder &b, Value lb, Value ub, Value step, ValueRange inits,
       function_ref<SmallVector<Value>(OpBuilder &, Value, ValueRange)> body,
       bool independent);
  /// The tile of `count` filters from `f0` x `width` columns from `ow0` of
  /// row `oh` of image `n`, written into `dest`.
  Value tile(OpBuilder &b, Value dest, Value n, Value f0, int64_t count,
             Value oh, Value ow0, int64_t width);
  /// The rows of `count` filters from `f0` of image `n`.
  Value filterBlockRows(OpBuilder &b, Value dest, Value n, Value f0,
                        int64_t count);

  linalg::GenericOp op;
  Conv conv;
  Value input, weight;
  int64_t lanes, filterBlock;
  Type element;
};

SmallVector<Value> ConvEmitter::loop(
    OpBuilder &b, Value lb, Value ub, Value step, ValueRange inits,
    function_ref<SmallVector<Value>(OpBuilder &, Value, ValueRange)> body,
    bool independent) {
  auto forOp = scf::ForOp::create(
      b, loc(), lb, ub, step, inits,
      [&](OpBuilder &nb, Location l, Value iv, ValueRange args) {
        scf::YieldOp::create(nb, l, body(nb, iv, args));
      });
  // The images and the filter blocks write disjoint parts of the output
  // (qnt-parallelize-loops may split them).
  if (independent)
    forOp->setAttr(qnt::QntDialect::getParallelAttrName(), b.getUnitAttr());
  return SmallVector<Value>(forOp.getResults());
}

Value ConvEmitter::tile(OpBuilder &b, Value dest, Value n, Value f0,
                        int64_t count, Value oh, Value ow0, int64_t width) {
  MLIRContext *ctx = b.getContext();
  AffineExpr e0 = getAffineDimExpr(0, ctx), e1 = getAffineDimExpr(1, ctx);
  auto vectorType = VectorType::get({width}, element);
  Value zero = arith::ConstantOp::create(b, loc(), b.getZeroAttr(element));
  // The accumulators start from the output operand (the bias); `dest` still
  // holds it at this tile.
  SmallVector<Value> filterIndex, acc;
  for (int64_t i = 0; i < count; ++i) {
    filterIndex.push_back(apply(b, e0 + i, {f0}));
    acc.push_back(vector::TransferReadOp::create(
        b, loc(), vectorType, dest, ValueRange{n, filterIndex[i], oh, ow0},
        zero, ArrayRef<bool>{true}));
  }
  int64_t span = (width - 1) * conv.strideW + 1;
  auto spanType = VectorType::get({span}, element);
  SmallVector<int64_t> picks;
  for (int64_t i = 0; i < width; ++i)
    picks.push_back(i * conv.strideW);
  // One tap (kh, kw) of channel c: the input segment read once, then one
  // multiply-add per filter.
  auto addTap = [&](OpBuilder &nb, Value c, Value kh, int64_t kw,
                    SmallVector<Value> &sums) {
    Value ih = apply(nb, e0 * conv.strideH + e1 * conv.dilationH, {oh, kh});
    Value iw = apply(nb, e0 * conv.strideW + kw * conv.dilationW, {ow0});
    Value x = vector::TransferReadOp::create(nb, loc(), spanType, input,
                                             ValueRange{n, c, ih, iw}, zero,
                                             ArrayRef<bool>{true});
    if (conv.strideW != 1)
      x = vector::ShuffleOp::create(nb, loc(), x, x, picks);
    Value kwv = index(nb, kw);
    for (int64_t i = 0; i < count; ++i) {
      Value w = tensor::ExtractOp::create(
          nb, loc(), weight, ValueRange{filterIndex[i], c, kh, kwv});
      Value wv = vector::BroadcastOp::create(nb, loc(), vectorType, w);
      Value product = conv.inputFirst ? arith::MulFOp::create(nb, loc(), x, wv)
                                      : arith::MulFOp::create(nb, loc(), wv, x);
      sums[i] = conv.accumulatorFirst
                    ? arith::AddFOp::create(nb, loc(), sums[i], product)
                    : arith::AddFOp::create(nb, loc(), product, sums[i]);
    }
  };
  // Small windows are unrolled entirely; larger ones loop over kh.
  bool unrollRows = conv.kh * conv.kw <= 25;
  acc = loop(
      b, index(b, 0), index(b, conv.channels), index(b, 1), acc,
      [&](OpBuilder &nb, Value c, ValueRange args) {
        SmallVector<Value> sums(args);
        if (unrollRows) {
          for (int64_t kh = 0; kh < conv.kh; ++kh)
            for (int64_t kw = 0; kw < conv.kw; ++kw)
              addTap(nb, c, index(nb, kh), kw, sums);
          return sums;
        }
        return loop(
            nb, index(nb, 0), index(nb, conv.kh), index(nb, 1), sums,
            [&](OpBuilder &kb, Value kh, ValueRange inner) {
              SmallVector<Value> s(inner);
              for (int64_t kw = 0; kw < conv.kw; ++kw)
                addTap(kb, c, kh, kw, s);
              return s;
            },
            /*independent=*/false);
      },
      /*independent=*/false);
  for (int64_t i = 0; i < count; ++i)
    dest = vector::TransferWriteOp::create(
               b, loc(), acc[i], dest, ValueRange{n, filterIndex[i], oh, ow0},
               ArrayRef<bool>{true})
               .getResult();
  return dest;
}

Value ConvEmitter::filterBlockRows(OpBuilder &b, Value dest, Value n, Value f0,
                                   int64_t count) {
  int64_t width = std::min(conv.cols, lanes);
  int64_t full = conv.cols / width * width, rest = conv.cols - full;
  return loop(
             b, index(b, 0), index(b, conv.rows), index(b, 1), dest,
             [&](OpBuilder &rb, Value oh, ValueRange row) {
               Value t =
                   loop(
                       rb, index(rb, 0), index(rb, full), index(rb, width), row,
                       [&](OpBuilder &cb, Value ow, ValueRange cur) {
                         return SmallVector<Value>{
                             tile(cb, cur[0], n, f0, count, oh, ow, width)};
                       },
                       /*independent=*/false)
                       .front();
               if (rest != 0)
                 t = tile(rb, t, n, f0, count, oh, index(rb, full), rest);
               return SmallVector<Value>{t};
             },
             /*independent=*/false)
      .front();
}

Value ConvEmitter::emit(OpBuilder &b) {
  Value out = op.getDpsInits()[0];
  Value batch = tensor::DimOp::create(b, loc(), out, 0);
  int64_t block = std::min(conv.filters, filterBlock);
  int64_t full = conv.filters / block * block, rest = conv.filters - full;
  return loop(
             b, index(b, 0), batch, index(b, 1), out,
             [&](OpBuilder &nb, Value n, ValueRange image) {
               Value t = loop(
                             nb, index(nb, 0), index(nb, full),
                             index(nb, block), image,
                             [&](OpBuilder &fb, Value f0, ValueRange cur) {
                               return SmallVector<Value>{
                                   filterBlockRows(fb, cur[0], n, f0, block)};
                             },
                             /*independent=*/true)
                             .front();
               if (rest != 0)
                 t = filterBlockRows(nb, t, n, index(nb, full), rest);
               return SmallVector<Value>{t};
             },
             /*independent=*/true)
      .front();
}

struct VectorizeFloatConvPass
    : public quantopt::impl::VectorizeFloatConvPassBase<
          VectorizeFloatConvPass> {
  using Base::Base;

  LogicalResult initialize(MLIRContext *ctx) override {
    if (vectorSize < 1)
      return emitError(UnknownLoc::get(ctx))
             << "qnt-vectorize-float-conv: vector-size must be at least 1, "
                "got "
             << static_cast<int64_t>(vectorSize);
    if (filterBlock < 1)
      return emitError(UnknownLoc::get(ctx))
             << "qnt-vectorize-float-conv: filter-block must be at least 1, "
                "got "
             << static_cast<int64_t>(filterBlock);
    return success();
  }

  void runOnOperation() override {
    std::vector<std::pair<linalg::GenericOp, Conv>> convs;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (std::optional<Conv> conv = matchConv(op))
        convs.push_back({op, *conv});
    });
    IRRewriter rewriter(&getContext());
    SmallVector<linalg::GenericOp> depthwise;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (op.getNumLoops() == 6)
        depthwise.push_back(op);
    });
    for (linalg::GenericOp op : depthwise)
      (void)unfuseDepthwise(rewriter, op);
    for (auto [op, conv] : convs) {
      rewriter.setInsertionPoint(op);
      MLIRContext *ctx = &getContext();
      auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
      AffineExpr none = getAffineConstantExpr(0, ctx);
      // The window operands' shape; the weight's (f, c, kh, kw).
      Value windowOperand;
      for (unsigned arg : conv.input.args)
        if (op.getIndexingMapsArray()[arg] == conv.window)
          windowOperand = op->getOperand(arg);
      auto element = op.getBody()->getArguments().back().getType();
      auto inputType =
          cast<RankedTensorType>(windowOperand.getType()).clone(element);
      auto weightType = RankedTensorType::get(
          {conv.filters, conv.channels, conv.kh, conv.kw}, element);
      Value input = materialize(rewriter, op, conv.input, conv.window,
                                {d(0), none, d(1), none, none, none, none},
                                inputType, windowOperand);
      Value weight = materialize(
          rewriter, op, conv.weight,
          AffineMap::get(7, 0, {d(1), d(2), d(3), d(4)}, ctx),
          {none, d(0), d(1), d(2), d(3), none, none}, weightType, Value());
      ConvEmitter emitter(op, conv, input, weight, vectorSize, filterBlock);
      rewriter.replaceOp(op, emitter.emit(rewriter));
    }
  }
};

} // namespace
