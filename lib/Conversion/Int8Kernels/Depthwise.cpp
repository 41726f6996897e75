//===- Depthwise.cpp - depthwise int8 convolutions with vpdpbusd -*- C++ -*-=//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The depthwise convolution kernel of qnt-lower-int8-kernels (avx512-vnni):
// the `(n, c, kh, kw, oh, ow)` window multiply-accumulate that
// convert-qnt-to-fixed-point emits for groups = channels, with constant
// 8-bit weights `[C, 1, KH, KW]` and a constant per-channel accumulator start
// (the bias and the zero-point correction), on its padded NCHW input.
//
// A vector of L = 16 int32 accumulators holds a tile of output pixels of one
// channel: R whole output rows (R * OW <= 16, when the rows are short) or up
// to 16 columns of one row, so that the tile is contiguous in the NCHW
// output. vpdpbusd adds to each lane the dot product of 4 input bytes (u8)
// with 4 weight bytes (s8), so a kernel row of up to 4 taps is one
// instruction per tile:
//
//   for n, for c:                                       (qnt.parallel)
//     for each tile (oh0, ow0) of R x W output pixels   (then the static
//                                                        remainder tiles)
//       acc = splat(start[c])
//       for kh, for each group g of 4 taps of a kernel row:
//         x   = the flattened padded input plane from
//               (oh0 * sh + kh * dh, ow0 * sw + 4g * dw) on: one load of
//               <= 64 bytes (masked to the bytes the tile reads)
//         xs  = vector.shuffle(x): the 4 bytes of lane l = (r, col) are
//               its window's taps 4g .. 4g + 3, a static pattern (vpermb)
//               doing the stride, the dilation and the row crossings
//         acc = vpdpbusd(acc, xs, broadcast(w[c][kh][4g .. 4g + 3]))
//       out[n, c, tile] = epilogue(acc)        (the requantization, fused)
//
// A group with fewer than 4 taps has weight 0 in the missing ones: their
// bytes are any byte of the load. An s8 input is xor-ed with 0x80 (u8 for
// vpdpbusd) and the start lowered by 128 * sum(w[c]). Integer sums are exact,
// so every accumulator is bit for bit the reference loops'.
//
//===----------------------------------------------------------------------===//

#include "Matching.h"
#include "MicroKernels.h"

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::int8kernels;

namespace {

/// int32 lanes of the accumulator vector, bytes per lane of vpdpbusd and
/// bytes one shuffle can pick from.
constexpr int64_t kLanes = 16, kGroup = 4, kWindow = 64;

/// The static geometry of a depthwise convolution on its padded input.
struct Geometry {
  int64_t channels, kernelH, kernelW, strideH, strideW, dilationH, dilationW;
  /// The padded input plane and the output plane.
  int64_t inH, inW, outH, outW;

  int64_t groups() const { return llvm::divideCeil(kernelW, kGroup); }
  int64_t taps(int64_t group) const {
    return std::min(kGroup, kernelW - group * kGroup);
  }
  /// The offset in the flattened input plane of tap `tap` of pixel
  /// (row, col) of a tile, from the tile's first byte for that tap group.
  int64_t offset(int64_t row, int64_t col, int64_t tap) const {
    return row * strideH * inW + col * strideW + tap * dilationW;
  }
  /// Bytes a tile of rows x cols reads for one group of `taps` taps.
  int64_t span(int64_t rows, int64_t cols, int64_t taps) const {
    return offset(rows - 1, cols - 1, taps - 1) + 1;
  }
};

/// The tile of the main loops: `rows` x `cols` output pixels (rows > 1 only
/// with whole rows, cols == outW). Null if one pixel's group of taps does
/// not fit in one shuffle window.
std::optional<std::pair<int64_t, int64_t>> chooseTile(const Geometry &g) {
  int64_t taps = g.taps(0);
  int64_t cols = std::min(kLanes, g.outW);
  while (cols > 1 && g.span(1, cols, taps) > kWindow)
    --cols;
  if (g.span(1, cols, taps) > kWindow)
    return std::nullopt;
  int64_t rows = 1;
  if (cols == g.outW)
    while (rows < g.outH && (rows + 1) * g.outW <= kLanes &&
           g.span(rows + 1, cols, taps) <= kWindow)
      ++rows;
  return std::pair{rows, cols};
}

/// Emits the tiles of one depthwise convolution on tensors.
struct DepthwiseEmitter {
  OpBuilder &b;
  Location loc;
  const Geometry &g;
  /// The padded input as [N, C, inH * inW] bytes.
  Value input;
  /// The weights as [C, KH * groups] i32 words of 4 bytes (tap 4g + j in
  /// byte j), and the accumulator start per channel [C] i32.
  Value weights, starts;
  bool flipSignBit;
  /// The fused element-wise consumer (null op: none).
  FusedEpilogue epilogue;

  Value index(int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  }
  Value affine(Value x, int64_t scale, Value y, int64_t yScale) {
    Value sx = arith::MulIOp::create(b, loc, x, index(scale));
    Value sy = arith::MulIOp::create(b, loc, y, index(yScale));
    return arith::AddIOp::create(b, loc, sx, sy);
  }

  /// One group of taps of tile (rows x cols), as the u8 operand of
  /// vpdpbusd.
  Value loadTaps(Value n, Value c, Value first, int64_t rows, int64_t cols,
                 int64_t taps) {
    Type i8 = b.getI8Type();
    int64_t span = g.span(rows, cols, taps);
    int64_t length = span <= 16 ? 16 : span <= 32 ? 32 : kWindow;
    auto type = VectorType::get({length}, i8);
    Value pad = arith::ConstantOp::create(b, loc, b.getZeroAttr(i8));
    Value mask;
    // The bytes past the span may be past the end of the input.
    if (length > span)
      mask = vector::ConstantMaskOp::create(
          b, loc, VectorType::get({length}, b.getI1Type()),
          ArrayRef<int64_t>{span});
    AffineMap identity = AffineMap::getMinorIdentityMap(3, 1, b.getContext());
    Value x = vector::TransferReadOp::create(
        b, loc, type, input, ValueRange{n, c, first},
        AffineMapAttr::get(identity), pad, mask, b.getBoolArrayAttr({true}));
    SmallVector<int64_t> picks;
    for (int64_t lane = 0; lane < kLanes; ++lane)
      for (int64_t j = 0; j < kGroup; ++j) {
        if (lane >= rows * cols) {
          picks.push_back(0);
          continue;
        }
        // A missing tap (weight 0) takes the first tap's byte.
        int64_t tap = j < taps ? j : 0;
        picks.push_back(g.offset(lane / cols, lane % cols, tap));
      }
    Value xs = vector::ShuffleOp::create(b, loc, x, x, picks);
    if (flipSignBit)
      xs = arith::XOrIOp::create(
          b, loc, xs,
          arith::ConstantOp::create(
              b, loc,
              DenseElementsAttr::get(VectorType::get({kWindow}, i8),
                                     b.getIntegerAttr(i8, -128))));
    return xs;
  }

  /// The epilogue on the accumulators of channel `c`.
  Value applyEpilogue(Value acc, Value c) {
    Block &body = epilogue.op.getRegion().front();
    auto vectorOf = [&](Type t) { return VectorType::get({kLanes}, t); };
    IRMapping mapping;
    mapping.map(body.getArgument(0), acc);
    for (auto [i, input] : llvm::enumerate(epilogue.channelInputs)) {
      Type element = cast<RankedTensorType>(input.getType()).getElementType();
      mapping.map(body.getArgument(i + 1),
                  vector::BroadcastOp::create(
                      b, loc, vectorOf(element),
                      tensor::ExtractOp::create(b, loc, input, c)));
    }
    for (Operation &op : body.without_terminator()) {
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

  /// The tile of rows x cols output pixels at (oh0, ow0) of image n,
  /// channel c, written into `dest` ([N, C, outH * outW]).
  Value tile(Value dest, Value n, Value c, Value oh0, Value ow0, int64_t rows,
             int64_t cols) {
    auto accType = VectorType::get({kLanes}, b.getI32Type());
    Value acc = vector::BroadcastOp::create(
        b, loc, accType, tensor::ExtractOp::create(b, loc, starts, c));
    Value tileBase = affine(oh0, g.strideH * g.inW, ow0, g.strideW);
    for (int64_t kh = 0; kh < g.kernelH; ++kh)
      for (int64_t group = 0; group < g.groups(); ++group) {
        Value first = arith::AddIOp::create(
            b, loc, tileBase,
            index(kh * g.dilationH * g.inW + group * kGroup * g.dilationW));
        Value xs = loadTaps(n, c, first, rows, cols, g.taps(group));
        Value word = tensor::ExtractOp::create(
            b, loc, weights, ValueRange{c, index(kh * g.groups() + group)});
        Value w = vector::BitCastOp::create(
            b, loc, VectorType::get({kWindow}, b.getI8Type()),
            vector::BroadcastOp::create(b, loc, accType, word));
        acc = qnt::DotIntrinsicOp::create(
            b, loc, accType, "llvm.x86.avx512.vpdpbusd.512", acc, xs, w);
      }
    Value result = epilogue.op ? applyEpilogue(acc, c) : acc;
    int64_t valid = rows * cols;
    if (valid < kLanes)
      result = vector::ExtractStridedSliceOp::create(
          b, loc, result, ArrayRef<int64_t>{0}, ArrayRef<int64_t>{valid},
          ArrayRef<int64_t>{1});
    Value at = affine(oh0, g.outW, ow0, 1);
    return vector::TransferWriteOp::create(b, loc, result, dest,
                                           ValueRange{n, c, at},
                                           SmallVector<bool>{true})
        .getResult();
  }
};

/// An scf.for over [0, count) threading one tensor.
Value forEach(OpBuilder &b, Location loc, Value count, Value init,
              function_ref<Value(OpBuilder &, Value, Value)> body,
              bool parallel) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto loop = scf::ForOp::create(
      b, loc, zero, count, one, ValueRange{init},
      [&](OpBuilder &nb, Location, Value iv, ValueRange args) {
        scf::YieldOp::create(nb, loc, body(nb, iv, args[0]));
      });
  if (parallel)
    loop->setAttr("qnt.parallel", b.getUnitAttr());
  return loop.getResult(0);
}

} // namespace

LogicalResult int8kernels::rewriteDepthwiseConv(RewriterBase &rewriter,
                                                linalg::GenericOp generic,
                                                const KernelShape &shape) {
  if (shape.target != Target::Avx512Vnni)
    return failure();
  std::optional<MacSignedness> signedness = matchMacBody(generic);
  if (!signedness || generic.getNumDpsInputs() != 2 ||
      generic.getNumLoops() != 6)
    return failure();
  using utils::IteratorType;
  SmallVector<IteratorType> expected = {
      IteratorType::parallel,  IteratorType::parallel, IteratorType::reduction,
      IteratorType::reduction, IteratorType::parallel, IteratorType::parallel};
  if (generic.getIteratorTypesArray() != expected)
    return failure();
  Value input = generic.getDpsInputs()[0], w = generic.getDpsInputs()[1];
  Value init = generic.getDpsInits()[0];
  auto inputType = cast<RankedTensorType>(input.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  auto initType = cast<RankedTensorType>(init.getType());
  if (inputType.getRank() != 4 || wType.getRank() != 4 ||
      initType.getRank() != 4 || !wType.hasStaticShape() ||
      !inputType.getElementType().isInteger(8))
    return failure();
  for (int64_t i = 1; i < 4; ++i)
    if (inputType.isDynamicDim(i) || initType.isDynamicDim(i))
      return failure();
  MLIRContext *ctx = generic.getContext();
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  AffineMap inputMap = maps[0];
  AffineExpr zero = getAffineConstantExpr(0, ctx);
  if (inputMap.getNumResults() != 4 || inputMap.getResult(0) != d(0) ||
      inputMap.getResult(1) != d(1) ||
      maps[1] != AffineMap::get(6, 0, {d(1), zero, d(2), d(3)}, ctx) ||
      maps[2] != AffineMap::get(6, 0, {d(0), d(1), d(4), d(5)}, ctx))
    return failure();
  auto windowH = matchWindow(inputMap.getResult(2), 6, 4, 2);
  auto windowW = matchWindow(inputMap.getResult(3), 6, 5, 3);
  if (!windowH || !windowW)
    return failure();
  Geometry g;
  g.channels = initType.getDimSize(1);
  g.kernelH = wType.getDimSize(2);
  g.kernelW = wType.getDimSize(3);
  std::tie(g.strideH, g.dilationH) = *windowH;
  std::tie(g.strideW, g.dilationW) = *windowW;
  g.inH = inputType.getDimSize(2);
  g.inW = inputType.getDimSize(3);
  g.outH = initType.getDimSize(2);
  g.outW = initType.getDimSize(3);
  if (inputType.getDimSize(1) != g.channels ||
      wType.getDimSize(0) != g.channels || wType.getDimSize(1) != 1)
    return failure();
  std::optional<std::pair<int64_t, int64_t>> tileShape = chooseTile(g);
  std::optional<SmallVector<int64_t>> weights =
      readWeights(w, signedness->weight);
  std::optional<SmallVector<int64_t>> channelStart =
      matchChannelBroadcast(init, g.channels);
  if (!tileShape || !weights || !channelStart)
    return failure();
  auto [rows, cols] = *tileShape;

  // The weights as words of 4 taps, the starts with the compensation of an
  // s8 input (stored as u8: x + 128).
  ActivationEncoding encoding =
      getActivationEncoding(shape.target, signedness->input);
  int64_t groups = g.groups(), taps = g.kernelH * g.kernelW;
  SmallVector<int64_t> words(g.channels * g.kernelH * groups, 0);
  SmallVector<int64_t> starts(g.channels, 0);
  for (int64_t c = 0; c < g.channels; ++c) {
    int64_t sum = 0;
    for (int64_t kh = 0; kh < g.kernelH; ++kh)
      for (int64_t kw = 0; kw < g.kernelW; ++kw) {
        int64_t v = (*weights)[c * taps + kh * g.kernelW + kw];
        sum += v;
        uint32_t byte = static_cast<uint32_t>(v) & 0xff;
        int64_t &word = words[(c * g.kernelH + kh) * groups + kw / kGroup];
        word = static_cast<int32_t>(static_cast<uint32_t>(word) |
                                    byte << (8 * (kw % kGroup)));
      }
    starts[c] = (*channelStart)[c] + encoding.compensationFactor * sum;
  }

  Location loc = generic.getLoc();
  std::optional<FusedEpilogue> fused = matchEpilogue(generic, 1, g.channels);
  FusedEpilogue epilogue = fused ? *fused : FusedEpilogue{};
  rewriter.setInsertionPoint(fused ? fused->op.getOperation()
                                   : generic.getOperation());
  // A tensor of the output's shape that does not keep the broadcast alive.
  Value shaped =
      init.getDefiningOp<DestinationStyleOpInterface>().getDpsInits()[0];
  Type resultElement =
      fused ? cast<RankedTensorType>(fused->op.getResult(0).getType())
                  .getElementType()
            : rewriter.getI32Type();
  auto resultType = initType.clone(resultElement);
  SmallVector<ReassociationIndices> collapse = {{0}, {1}, {2, 3}};
  Value dest = tensor::CollapseShapeOp::create(
      rewriter, loc,
      tensor::EmptyOp::create(rewriter, loc,
                              tensor::getMixedSizes(rewriter, loc, shaped),
                              resultElement),
      collapse);
  DepthwiseEmitter emitter{
      rewriter,
      loc,
      g,
      tensor::CollapseShapeOp::create(rewriter, loc, input, collapse),
      intConstant(rewriter, loc, {g.channels, g.kernelH * groups}, 32, words),
      intConstant(rewriter, loc, {g.channels}, 32, starts),
      encoding.flipSignBit,
      epilogue};
  Value batch = tensor::DimOp::create(rewriter, loc, input, 0);
  int64_t rowGroups = g.outH / rows, lastRows = g.outH % rows;
  int64_t colTiles = g.outW / cols, lastCols = g.outW % cols;
  auto idx = [&](OpBuilder &b, int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  Value result = forEach(
      rewriter, loc, batch, dest,
      [&](OpBuilder &b, Value n, Value t0) {
        return forEach(
            b, loc, idx(b, g.channels), t0,
            [&](OpBuilder &b, Value c, Value t1) {
              // The emitter builds at b's insertion point.
              OpBuilder::InsertionGuard guard(rewriter);
              rewriter.setInsertionPoint(b.getInsertionBlock(),
                                         b.getInsertionPoint());
              auto rowGroup = [&](Value t, Value oh0, int64_t tileRows) {
                if (colTiles > 0)
                  t = forEach(
                      rewriter, loc, idx(rewriter, colTiles), t,
                      [&](OpBuilder &nb, Value ti, Value tt) {
                        OpBuilder::InsertionGuard inner(rewriter);
                        rewriter.setInsertionPoint(nb.getInsertionBlock(),
                                                   nb.getInsertionPoint());
                        Value ow0 = arith::MulIOp::create(rewriter, loc, ti,
                                                          idx(rewriter, cols));
                        return emitter.tile(tt, n, c, oh0, ow0, tileRows, cols);
                      },
                      /*parallel=*/false);
                if (lastCols > 0)
                  t = emitter.tile(t, n, c, oh0, idx(rewriter, colTiles * cols),
                                   tileRows, lastCols);
                return t;
              };
              Value t = t1;
              if (rowGroups > 0)
                t = forEach(
                    rewriter, loc, idx(rewriter, rowGroups), t,
                    [&](OpBuilder &nb, Value gi, Value tt) {
                      OpBuilder::InsertionGuard inner(rewriter);
                      rewriter.setInsertionPoint(nb.getInsertionBlock(),
                                                 nb.getInsertionPoint());
                      Value oh0 = arith::MulIOp::create(rewriter, loc, gi,
                                                        idx(rewriter, rows));
                      return rowGroup(tt, oh0, rows);
                    },
                    /*parallel=*/false);
              if (lastRows > 0)
                t = rowGroup(t, idx(rewriter, rowGroups * rows), lastRows);
              return t;
            },
            /*parallel=*/true);
      },
      /*parallel=*/true);
  result = tensor::ExpandShapeOp::create(
      rewriter, loc, resultType, result, collapse,
      tensor::getMixedSizes(rewriter, loc, shaped));
  if (fused)
    replaceFused(rewriter, generic, *fused, shaped, result);
  else
    rewriter.replaceOp(generic, result);
  if (init.use_empty()) {
    // The broadcast, and its constant if nothing else reads it.
    Operation *broadcast = init.getDefiningOp();
    SmallVector<Value> operands(broadcast->getOperands());
    rewriter.eraseOp(broadcast);
    for (Value operand : operands)
      if (auto constant = operand.getDefiningOp<arith::ConstantOp>();
          constant && constant->use_empty())
        rewriter.eraseOp(constant);
  }
  return success();
}
