//===- Vectorize.cpp - vectorize the non-GEMM linalg ops --------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-vectorize: SIMD code, on tensors, for the linalg.generic ops that the
// int8 GEMM kernels leave (requantizations, quantize/dequantize, additions,
// clamps, depthwise convolutions, max pools, the bias broadcasts):
//
//   element-wise   all loops parallel, projected-permutation operands, a body
//                  of element-wise ops: the trailing dims that every
//                  operand keeps contiguous are collapsed (H x W of NCHW
//                  maps), the op is tiled with scf::tileUsingSCF so that the
//                  innermost dim gets a tile of `vector-size` lanes and every
//                  other dim a tile of 1, and linalg::vectorize turns each
//                  tile into vector ops (masked for the last, partial tile)
//   window         the (n, c, kh, kw, oh, ow) window reductions of
//                  convert-qnt-to-fixed-point (depthwise conv, max pool):
//                  one vector of output pixels along ow, its accumulator
//                  kept in a register while the taps, unrolled, are added in
//                  the scalar code's order (kh, then kw); a strided window
//                  reads the covering row segment and picks every s-th
//                  element with vector.shuffle
//   inner-parallel reductions (InnerParallelReduction.cpp): one accumulator
//                  vector along an innermost parallel loop, the reduction
//                  loops in their order (matmuls of two activations)
//
// Every lane computes the scalar body's ops in the scalar order, so the
// results are bit for bit those of the scalar loops (no reassociation, no
// fast-math flags).
//
//===----------------------------------------------------------------------===//

#include "VectorizeUtils.h"

#include "quant-opt/Conversion/Passes.h"
#include "quant-opt/Dialect/Qnt/IR/QntDialect.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::quantopt {
#define GEN_PASS_DEF_VECTORIZEPASS
#include "quant-opt/Conversion/Passes.h.inc"
} // namespace mlir::quantopt

using namespace mlir;
using namespace mlir::quantopt::vectorize;

//===----------------------------------------------------------------------===//
// Utility functions
//===----------------------------------------------------------------------===//

bool mlir::quantopt::vectorize::hasElementwiseBody(linalg::GenericOp op) {
  for (Operation &inner : op.getBody()->without_terminator()) {
    if (isa<arith::ConstantOp>(inner))
      continue;
    if (!inner.hasTrait<OpTrait::Elementwise>() || inner.getNumRegions() != 0)
      return false;
    for (Type t : inner.getResultTypes())
      if (!t.isIntOrIndexOrFloat() || t.isIndex())
        return false;
  }
  return true;
}

/// `value` as a vector of `lanes` elements: itself if it is one, else
/// broadcast.
Value mlir::quantopt::vectorize::asVector(OpBuilder &b, Location loc,
                                          Value value, int64_t lanes) {
  if (isa<VectorType>(value.getType()))
    return value;
  return vector::BroadcastOp::create(
      b, loc, VectorType::get({lanes}, value.getType()), value);
}

/// Clones the body of `op` lane-wise: block argument i is `args[i]` (a
/// vector of `lanes`, or a scalar that is broadcast when used with
/// vectors). Returns the yielded values.
SmallVector<Value>
mlir::quantopt::vectorize::cloneBodyOnVectors(OpBuilder &b, Location loc,
                                              linalg::GenericOp op,
                                              ValueRange args, int64_t lanes) {
  IRMapping map;
  Block *body = op.getBody();
  map.map(body->getArguments(), args);
  for (Operation &inner : body->without_terminator()) {
    bool anyVector = llvm::any_of(inner.getOperands(), [&](Value v) {
      return isa<VectorType>(map.lookupOrDefault(v).getType());
    });
    if (!anyVector) {
      b.clone(inner, map);
      continue;
    }
    SmallVector<Value> operands;
    for (Value v : inner.getOperands())
      operands.push_back(asVector(b, loc, map.lookupOrDefault(v), lanes));
    SmallVector<Type> types;
    for (Type t : inner.getResultTypes())
      types.push_back(VectorType::get({lanes}, t));
    OperationState state(loc, inner.getName(), operands, types,
                         inner.getAttrs());
    Operation *vectorized = b.create(state);
    map.map(inner.getResults(), vectorized->getResults());
  }
  SmallVector<Value> yielded;
  for (Value v : body->getTerminator()->getOperands())
    yielded.push_back(asVector(b, loc, map.lookupOrDefault(v), lanes));
  return yielded;
}

namespace {

//===----------------------------------------------------------------------===//
// Utility functions
//===----------------------------------------------------------------------===//

/// The coefficients c_i of `expr` if it is sum_i c_i * d_i over `numDims`
/// dims (linear, no constant term); none otherwise.
std::optional<SmallVector<int64_t>> linearCoefficients(AffineExpr expr,
                                                       unsigned numDims) {
  MLIRContext *ctx = expr.getContext();
  auto evaluate = [&](ArrayRef<int64_t> values) -> std::optional<int64_t> {
    SmallVector<AffineExpr> dims;
    for (int64_t v : values)
      dims.push_back(getAffineConstantExpr(v, ctx));
    auto c = dyn_cast<AffineConstantExpr>(
        simplifyAffineExpr(expr.replaceDims(dims), 0, 0));
    if (!c)
      return std::nullopt;
    return c.getValue();
  };
  SmallVector<int64_t> zero(numDims, 0), coefficients;
  std::optional<int64_t> base = evaluate(zero);
  if (!base || *base != 0)
    return std::nullopt;
  AffineExpr rebuilt = getAffineConstantExpr(0, ctx);
  for (unsigned d = 0; d < numDims; ++d) {
    SmallVector<int64_t> unit = zero;
    unit[d] = 1;
    std::optional<int64_t> c = evaluate(unit);
    if (!c)
      return std::nullopt;
    coefficients.push_back(*c);
    rebuilt = rebuilt + getAffineDimExpr(d, ctx) * *c;
  }
  if (simplifyAffineExpr(rebuilt - expr, numDims, 0) !=
      getAffineConstantExpr(0, ctx))
    return std::nullopt;
  return coefficients;
}

//===----------------------------------------------------------------------===//
// Element-wise ops: collapse, tile, linalg::vectorize
//===----------------------------------------------------------------------===//

/// Rewrites the inputs of an all-parallel `op` that broadcast a unit dim
/// through a constant 0 in their map (`(d0, d1, d2) -> (d0, d1, 0)` on a
/// `?x17x1` tensor: a layer norm's row statistics, `(0, d1, d2)`: a
/// position embedding) as rank-reduced slices read through the map without
/// those results, so that the maps are projected permutations. Returns the
/// new op, or `op` if no input does.
linalg::GenericOp dropUnitBroadcastDims(RewriterBase &rewriter,
                                        linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() ||
      op.getNumParallelLoops() != op.getNumLoops())
    return op;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  SmallVector<Value> inputs(op.getDpsInputs());
  bool changed = false;
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  for (auto [i, input] : llvm::enumerate(inputs)) {
    auto type = dyn_cast<RankedTensorType>(input.getType());
    AffineMap map = maps[i];
    if (!type || map.getNumResults() != type.getRank())
      continue;
    SmallVector<int64_t> drop;
    for (auto [r, expr] : llvm::enumerate(map.getResults()))
      if (auto c = dyn_cast<AffineConstantExpr>(expr);
          c && c.getValue() == 0 && type.getDimSize(r) == 1)
        drop.push_back(r);
    if (drop.empty())
      continue;
    SmallVector<OpFoldResult> offsets(type.getRank(), rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> strides(type.getRank(), rewriter.getIndexAttr(1));
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, input);
    SmallVector<int64_t> shape;
    SmallVector<AffineExpr> exprs;
    for (int64_t r = 0; r < type.getRank(); ++r)
      if (!llvm::is_contained(drop, r)) {
        shape.push_back(type.getDimSize(r));
        exprs.push_back(map.getResult(r));
      }
    auto sliceType = RankedTensorType::get(shape, type.getElementType());
    inputs[i] = tensor::ExtractSliceOp::create(rewriter, loc, sliceType, input,
                                               offsets, sizes, strides);
    maps[i] = AffineMap::get(map.getNumDims(), 0, exprs, op.getContext());
    changed = true;
  }
  if (!changed)
    return op;
  auto generic = linalg::GenericOp::create(rewriter, loc, op.getResultTypes(),
                                           inputs, op.getDpsInits(), maps,
                                           op.getIteratorTypesArray());
  rewriter.inlineRegionBefore(op.getRegion(), generic.getRegion(),
                              generic.getRegion().begin());
  rewriter.replaceOp(op, generic.getResults());
  return generic;
}

bool isElementwiseCandidate(linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumLoops() == 0 ||
      op.getNumParallelLoops() != op.getNumLoops() || !hasElementwiseBody(op))
    return false;
  for (AffineMap map : op.getIndexingMapsArray())
    if (!map.isProjectedPermutation())
      return false;
  for (OpOperand &init : op.getDpsInitsMutable())
    if (!op.getMatchingIndexingMap(&init).isIdentity())
      return false;
  // The innermost loop must be static (the vector length).
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  return !ShapedType::isDynamic(ranges.back());
}

LogicalResult vectorizeElementwise(RewriterBase &rewriter, linalg::GenericOp op,
                                   int64_t lanes) {
  rewriter.setInsertionPoint(op);
  linalg::LinalgOp target = op;
  // Collapse the longest run of trailing static dims that every operand
  // keeps contiguous.
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t n = ranges.size(), first = n - 1;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  while (first > 0 && !ShapedType::isDynamic(ranges[first - 1])) {
    ReassociationIndices group =
        llvm::to_vector(llvm::seq<int64_t>(first - 1, n));
    if (!linalg::areDimSequencesPreserved(maps, {group}))
      break;
    --first;
  }
  if (first < n - 1) {
    ReassociationIndices group = llvm::to_vector(llvm::seq<int64_t>(first, n));
    FailureOr<linalg::CollapseResult> collapsed =
        linalg::collapseOpIterationDims(op, {group}, rewriter);
    if (failed(collapsed))
      return failure();
    rewriter.replaceOp(op, collapsed->results);
    target = collapsed->collapsedOp;
    ranges = target.getStaticLoopRanges();
    n = ranges.size();
  }

  // Tiles of 1 x ... x 1 x lanes (the whole innermost dim when it is
  // shorter).
  int64_t inner = ranges.back();
  int64_t width = std::min(inner, lanes);
  SmallVector<OpFoldResult> tileSizes(n, rewriter.getIndexAttr(1));
  tileSizes.back() = rewriter.getIndexAttr(inner <= lanes ? 0 : lanes);
  for (int64_t d = 0; d < n - 1; ++d)
    if (ranges[d] == 1)
      tileSizes[d] = rewriter.getIndexAttr(0);
  SmallVector<int64_t> vectorSizes(n, 1);
  vectorSizes.back() = width;
  scf::SCFTilingOptions options;
  options.setTileSizes(tileSizes);
  options.setLoopType(scf::SCFTilingOptions::LoopType::ForOp);
  rewriter.setInsertionPoint(target);
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(target.getOperation()), options);
  if (failed(tiled))
    return failure();
  // The tiles are independent (qnt-parallelize-loops may split them).
  for (LoopLikeOpInterface tileLoop : tiled->loops)
    tileLoop->setAttr(qnt::QntDialect::getParallelAttrName(),
                      rewriter.getUnitAttr());
  rewriter.replaceOp(target, tiled->replacements);
  Operation *tile = tiled->tiledOps.back();
  rewriter.setInsertionPoint(tile);
  FailureOr<linalg::VectorizationResult> vectorized =
      linalg::vectorize(rewriter, tile, vectorSizes,
                        SmallVector<bool>(vectorSizes.size(), false));
  if (failed(vectorized))
    return failure();
  rewriter.replaceOp(tile, vectorized->replacements);
  return success();
}

//===----------------------------------------------------------------------===//
// Window reductions: one vector of output pixels, taps unrolled
//===----------------------------------------------------------------------===//

/// A (n, c, kh, kw, oh, ow) window reduction.
struct Window {
  int64_t kh, kw, strideH, strideW, dilationH, dilationW;
};

std::optional<Window> matchWindow(linalg::GenericOp op) {
  using utils::IteratorType;
  if (!op.hasPureTensorSemantics() || op.getNumLoops() != 6 ||
      op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !hasElementwiseBody(op))
    return std::nullopt;
  SmallVector<IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<IteratorType> expected = {
      IteratorType::parallel,  IteratorType::parallel, IteratorType::reduction,
      IteratorType::reduction, IteratorType::parallel, IteratorType::parallel};
  if (iterators != expected)
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ArrayRef(ranges).drop_front(),
                   [](int64_t r) { return ShapedType::isDynamic(r); }))
    return std::nullopt;
  MLIRContext *ctx = op.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps[2] != AffineMap::get(6, 0, {d(0), d(1), d(4), d(5)}, ctx))
    return std::nullopt;
  AffineMap in = maps[0];
  if (in.getNumResults() != 4 || in.getResult(0) != d(0) ||
      in.getResult(1) != d(1))
    return std::nullopt;
  std::optional<SmallVector<int64_t>> rows =
      linearCoefficients(in.getResult(2), 6);
  std::optional<SmallVector<int64_t>> cols =
      linearCoefficients(in.getResult(3), 6);
  if (!rows || !cols)
    return std::nullopt;
  // rows: s_h * oh + d_h * kh, cols: s_w * ow + d_w * kw.
  for (unsigned i : {0, 1, 3, 5})
    if ((*rows)[i] != 0)
      return std::nullopt;
  for (unsigned i : {0, 1, 2, 4})
    if ((*cols)[i] != 0)
      return std::nullopt;
  Window w{ranges[2],  ranges[3],  (*rows)[4],
           (*cols)[5], (*rows)[2], (*cols)[3]};
  if (w.strideH < 1 || w.strideW < 1 || w.dilationH < 0 || w.dilationW < 0)
    return std::nullopt;
  // The second operand depends on (c, kh, kw) only.
  for (unsigned i : {0, 4, 5})
    if (maps[1].isFunctionOfDim(i))
      return std::nullopt;
  auto inputType = dyn_cast<RankedTensorType>(op.getDpsInputs()[0].getType());
  if (!inputType || inputType.getRank() != 4 || inputType.isDynamicDim(3))
    return std::nullopt;
  return w;
}

/// What a window tile starts from and what it ends with.
struct WindowPlan {
  /// The accumulator's initial value is, per output row (n, c, oh), the
  /// scalar `rowInit` (a linalg.fill) or `rowInitSource` at
  /// `rowInitMap`(n, c, oh) (a broadcast generic); else it is read from the
  /// window's output operand.
  Value rowInit, rowInitSource;
  AffineMap rowInitMap;
  /// An element-wise consumer applied to the accumulator in registers (the
  /// requantization after a depthwise conv); null: none.
  linalg::GenericOp epilogue;
};

/// True if `map` over (n, c, oh, ow) does not depend on ow.
bool isRowInvariant(AffineMap map) {
  return map.isProjectedPermutation() && !map.isFunctionOfDim(3);
}

/// True if `op` is an all-parallel 4-loop generic with one identity-mapped
/// result whose output operand is not read.
bool isPlainRowGeneric(linalg::GenericOp op) {
  return op.hasPureTensorSemantics() && op.getNumLoops() == 4 &&
         op.getNumParallelLoops() == 4 && op.getNumDpsInits() == 1 &&
         op.getIndexingMapsArray().back().isIdentity() &&
         op.getBody()->getArguments().back().use_empty();
}

WindowPlan planWindow(linalg::GenericOp op) {
  WindowPlan plan;
  Value out = op.getDpsInits()[0];
  if (auto fill = out.getDefiningOp<linalg::FillOp>()) {
    plan.rowInit = fill.getInputs()[0];
  } else if (auto bcast = out.getDefiningOp<linalg::GenericOp>()) {
    auto yield = cast<linalg::YieldOp>(bcast.getBody()->getTerminator());
    if (isPlainRowGeneric(bcast) && bcast.getNumDpsInputs() == 1 &&
        yield.getNumOperands() == 1 &&
        yield.getOperand(0) == bcast.getBody()->getArgument(0) &&
        isRowInvariant(bcast.getIndexingMapsArray()[0])) {
      plan.rowInitSource = bcast.getDpsInputs()[0];
      plan.rowInitMap = bcast.getIndexingMapsArray()[0];
    }
  }
  Value result = op.getResult(0);
  if (!result.hasOneUse())
    return plan;
  auto consumer = dyn_cast<linalg::GenericOp>(*result.getUsers().begin());
  if (!consumer || !isPlainRowGeneric(consumer) ||
      consumer.getNumResults() != 1 || !hasElementwiseBody(consumer))
    return plan;
  for (OpOperand *operand : consumer.getDpsInputOperands()) {
    AffineMap map = consumer.getMatchingIndexingMap(operand);
    if (!map.isIdentity() && !isRowInvariant(map))
      return plan;
    if (operand->get() == result && !map.isIdentity())
      return plan;
  }
  plan.epilogue = consumer;
  return plan;
}

/// Emits the vector code of one tile of `width` output pixels at
/// (n, c, oh, ow0) and returns the updated destination tensor `dest`.
Value emitWindowTile(OpBuilder &b, Location loc, linalg::GenericOp op,
                     const Window &w, const WindowPlan &plan, Value dest,
                     Value n, Value c, Value oh, Value ow0, int64_t width) {
  Value input = op.getDpsInputs()[0];
  Value second = op.getDpsInputs()[1];
  Value out = op.getDpsInits()[0];
  Type inType = getElementTypeOrSelf(input.getType());
  Type outType = getElementTypeOrSelf(out.getType());
  AffineMap secondMap = op.getIndexingMapsArray()[1];
  bool secondUsed = !op.getBody()->getArgument(1).use_empty();
  MLIRContext *ctx = b.getContext();
  auto apply = [&](AffineExpr e, ValueRange operands) -> Value {
    return getValueOrCreateConstantIndexOp(
        b, loc,
        affine::makeComposedFoldedAffineApply(
            b, loc, AffineMap::get(operands.size(), 0, e),
            getAsOpFoldResult(operands)));
  };
  // The element of `source` at `map`(n, c, oh, ow0), `map` over 4 dims.
  auto extractAt = [&](Value source, AffineMap map) -> Value {
    SmallVector<Value> indices;
    for (AffineExpr r : map.getResults())
      indices.push_back(apply(r, {n, c, oh, ow0}));
    return tensor::ExtractOp::create(b, loc, source, indices);
  };
  AffineExpr e0 = getAffineDimExpr(0, ctx), e1 = getAffineDimExpr(1, ctx);
  Value zeroIn = arith::ConstantOp::create(b, loc, b.getZeroAttr(inType));
  auto readRow = [&](Value source, Type type) -> Value {
    Value pad = arith::ConstantOp::create(b, loc, b.getZeroAttr(type));
    return vector::TransferReadOp::create(
        b, loc, VectorType::get({width}, type), source,
        ValueRange{n, c, oh, ow0}, pad, ArrayRef<bool>{true});
  };
  Value acc;
  if (plan.rowInit)
    acc = asVector(b, loc, plan.rowInit, width);
  else if (plan.rowInitSource)
    acc =
        asVector(b, loc, extractAt(plan.rowInitSource, plan.rowInitMap), width);
  else
    acc = readRow(out, outType);
  // Read length covering `width` strided pixels.
  int64_t span = (width - 1) * w.strideW + 1;
  for (int64_t kh = 0; kh < w.kh; ++kh) {
    Value ih = apply(e0 * w.strideH + kh * w.dilationH, {oh});
    for (int64_t kw = 0; kw < w.kw; ++kw) {
      Value iw = apply(e0 * w.strideW + kw * w.dilationW, {ow0});
      Value x = vector::TransferReadOp::create(
          b, loc, VectorType::get({span}, inType), input,
          ValueRange{n, c, ih, iw}, zeroIn, ArrayRef<bool>{true});
      if (w.strideW != 1) {
        SmallVector<int64_t> picks;
        for (int64_t i = 0; i < width; ++i)
          picks.push_back(i * w.strideW);
        x = vector::ShuffleOp::create(b, loc, x, x, picks);
      }
      Value s = zeroIn;
      if (secondUsed) {
        SmallVector<Value> indices;
        Value khv = arith::ConstantIndexOp::create(b, loc, kh);
        Value kwv = arith::ConstantIndexOp::create(b, loc, kw);
        for (AffineExpr r : secondMap.getResults())
          indices.push_back(
              apply(r.replaceDims({e0, e1, getAffineDimExpr(2, ctx),
                                   getAffineDimExpr(3, ctx), e0, e0}),
                    {n, c, khv, kwv}));
        s = tensor::ExtractOp::create(b, loc, second, indices);
      }
      acc = cloneBodyOnVectors(b, loc, op, {x, s, acc}, width).front();
    }
  }
  if (linalg::GenericOp epilogue = plan.epilogue) {
    SmallVector<Value> args;
    for (OpOperand *operand : epilogue.getDpsInputOperands()) {
      Type type = getElementTypeOrSelf(operand->get().getType());
      AffineMap map = epilogue.getMatchingIndexingMap(operand);
      if (operand->get() == op.getResult(0))
        args.push_back(acc);
      else if (map.isIdentity())
        args.push_back(readRow(operand->get(), type));
      else
        args.push_back(extractAt(operand->get(), map));
    }
    Type resultType = getElementTypeOrSelf(epilogue.getResult(0).getType());
    args.push_back(
        arith::ConstantOp::create(b, loc, b.getZeroAttr(resultType)));
    acc = cloneBodyOnVectors(b, loc, epilogue, args, width).front();
  }
  return vector::TransferWriteOp::create(
             b, loc, acc, dest, ValueRange{n, c, oh, ow0}, ArrayRef<bool>{true})
      .getResult();
}

LogicalResult vectorizeWindow(RewriterBase &rewriter, linalg::GenericOp op,
                              const Window &w, int64_t lanes) {
  Location loc = op.getLoc();
  WindowPlan plan = planWindow(op);
  // The tiles are written into the epilogue's output, or the window's.
  Operation *replaced = plan.epilogue ? plan.epilogue.getOperation() : op;
  rewriter.setInsertionPoint(replaced);
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t channels = ranges[1], rows = ranges[4], cols = ranges[5];
  Value out = op.getDpsInits()[0];
  Value dest = plan.epilogue ? plan.epilogue.getDpsInits()[0] : out;
  auto index = [&](int64_t v) {
    return arith::ConstantIndexOp::create(rewriter, loc, v).getResult();
  };
  Value zero = index(0), one = index(1);
  Value batch = tensor::DimOp::create(rewriter, loc, dest, 0);
  if (!plan.epilogue && (plan.rowInit || plan.rowInitSource)) {
    // The initial value is not read from `out`: write into a fresh tensor.
    auto type = cast<RankedTensorType>(out.getType());
    SmallVector<Value> dynamic;
    if (type.isDynamicDim(0))
      dynamic.push_back(batch);
    // Only the batch is dynamic (matchWindow).
    dest = tensor::EmptyOp::create(rewriter, loc, type, dynamic);
  }
  int64_t width = std::min(cols, lanes);
  int64_t full = cols / width * width, rest = cols - full;
  // `independent`: the loop over images or channels, whose iterations
  // write disjoint planes (qnt-parallelize-loops may split them).
  auto loop = [&](OpBuilder &b, Value lb, Value ub, Value step, Value init,
                  function_ref<Value(OpBuilder &, Value, Value)> body,
                  bool independent = false) {
    auto forOp = scf::ForOp::create(
        b, loc, lb, ub, step, ValueRange{init},
        [&](OpBuilder &nb, Location, Value iv, ValueRange args) {
          scf::YieldOp::create(nb, loc, body(nb, iv, args[0]));
        });
    if (independent)
      forOp->setAttr(qnt::QntDialect::getParallelAttrName(), b.getUnitAttr());
    return forOp.getResult(0);
  };
  auto tile = [&](OpBuilder &b, Value t, Value n, Value c, Value oh, Value ow,
                  int64_t tileWidth) {
    return emitWindowTile(b, loc, op, w, plan, t, n, c, oh, ow, tileWidth);
  };
  Value result = loop(
      rewriter, zero, batch, one, dest,
      [&](OpBuilder &b, Value n, Value t0) {
        return loop(
            b, zero, index(channels), one, t0,
            [&](OpBuilder &b, Value c, Value t1) {
              return loop(b, zero, index(rows), one, t1,
                          [&](OpBuilder &b, Value oh, Value t2) {
                            Value t3 =
                                loop(b, zero, index(full), index(width), t2,
                                     [&](OpBuilder &b, Value ow, Value t) {
                                       return tile(b, t, n, c, oh, ow, width);
                                     });
                            if (rest == 0)
                              return t3;
                            return tile(b, t3, n, c, oh, index(full), rest);
                          });
            },
            /*independent=*/true);
      },
      /*independent=*/true);
  rewriter.replaceOp(replaced, result);
  if (plan.epilogue)
    rewriter.eraseOp(op);
  return success();
}

//===----------------------------------------------------------------------===//
// Pass driver
//===----------------------------------------------------------------------===//

struct VectorizePass : public quantopt::impl::VectorizePassBase<VectorizePass> {
  using Base::Base;

  LogicalResult initialize(MLIRContext *ctx) override {
    if (vectorSize < 1)
      return emitError(UnknownLoc::get(ctx))
             << "qnt-vectorize: vector-size must be at least 1, got "
             << static_cast<int64_t>(vectorSize);
    return success();
  }

  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    // Window reductions first: they may absorb an element-wise consumer.
    SmallVector<std::pair<linalg::GenericOp, Window>> windows;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (std::optional<Window> w = matchWindow(op))
        windows.push_back({op, *w});
    });
    for (auto [op, w] : windows)
      if (failed(vectorizeWindow(rewriter, op, w, vectorSize)))
        return signalPassFailure();
    // Reductions along an innermost parallel loop (matmuls of two
    // activations, means over tokens).
    SmallVector<linalg::GenericOp> reductions;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (isInnerParallelReduction(op, 4 * vectorSize))
        reductions.push_back(op);
    });
    for (linalg::GenericOp op : reductions)
      if (failed(vectorizeInnerParallelReduction(rewriter, op)))
        return signalPassFailure();
    SmallVector<linalg::GenericOp> generics, elementwise;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (hasElementwiseBody(op))
        generics.push_back(op);
    });
    for (linalg::GenericOp op : generics)
      if (linalg::GenericOp normalized = dropUnitBroadcastDims(rewriter, op);
          isElementwiseCandidate(normalized))
        elementwise.push_back(normalized);
    // A failure leaves the op as it was (the scalar loops).
    for (linalg::GenericOp op : elementwise)
      (void)vectorizeElementwise(rewriter, op, vectorSize);
    // The masked, n-D transfers of linalg::vectorize as the 1-D ones
    // convert-vector-to-llvm lowers.
    RewritePatternSet patterns(&getContext());
    vector::populateVectorMaskLoweringPatternsForSideEffectingOps(patterns);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
    vector::populateVectorTransferDropUnitDimsPatterns(patterns);
    vector::populateDropUnitDimWithShapeCastPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
