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
// A vector of L = 16 int32 accumulators holds a tile of 16 consecutive
// pixels of one channel's flattened output plane (crossing output rows), so
// that the tile is contiguous in the NCHW output. vpdpbusd adds to each lane
// the dot product of 4 input bytes (u8) with 4 weight bytes (s8), so a
// kernel row of up to 4 taps is one instruction per tile:
//
//   for n, for c:                                       (qnt.parallel)
//     for each period of P = OW / gcd(16, OW) tiles:    (then the static
//       for each tile of the period (unrolled):          rest of the plane)
//         acc = splat(start[c])
//         for kh, for each group g of 4 taps of a kernel row:
//           x   = the flattened padded input plane from lane 0's window
//                 (row oh0 * sh + kh * dh, column ow0 * sw + 4g * dw) on:
//                 one or two loads of 64 bytes at most (masked to the
//                 bytes the tile reads)
//           xs  = vector.shuffle(x): the 4 bytes of lane l are its
//                 window's taps 4g .. 4g + 3, a static pattern (vpermb,
//                 vpermt2b) per tile phase (the column of lane 0) doing the
//                 stride, the dilation and the row crossings
//           acc = vpdpbusd(acc, xs, broadcast(w[c][kh][4g .. 4g + 3]))
//         out[n, c, tile] = epilogue(acc)      (the requantization, fused)
//
// A tile whose lanes would read more than 128 bytes (a large vertical
// stride) makes the whole plane use column chunks of one output row
// instead.
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

/// int32 lanes of the accumulator vector, bytes per lane of vpdpbusd, and
/// the bytes one shuffle can pick from (two 64-byte vectors: vpermt2b).
constexpr int64_t kLanes = 16, kGroup = 4, kLoad = 64, kWindow = 2 * kLoad;

/// The static geometry of a depthwise convolution on its padded input.
struct Geometry {
  int64_t channels, kernelH, kernelW, strideH, strideW, dilationH, dilationW;
  /// The padded input plane and the output plane.
  int64_t inH, inW, outH, outW;

  int64_t groups() const { return llvm::divideCeil(kernelW, kGroup); }
  int64_t taps(int64_t group) const {
    return std::min(kGroup, kernelW - group * kGroup);
  }
  /// The lanes of a tile are consecutive pixels of the flattened output
  /// plane, lane 0 at output column `phase`; a tile of `wrap`-column rows
  /// (wrap = outW, or a column chunk that does not wrap) continues on the
  /// next output row. The offset in the flattened input plane of tap `tap`
  /// (of a group) of lane `lane`, from lane 0's first tap.
  int64_t offset(int64_t phase, int64_t lane, int64_t tap) const {
    int64_t column = phase + lane;
    return column / outW * strideH * inW + (column % outW - phase) * strideW +
           tap * dilationW;
  }
  /// Bytes a tile of `valid` lanes reads for one group of `taps` taps (the
  /// offsets grow with the lane: a next row starts past the last window).
  int64_t span(int64_t phase, int64_t valid, int64_t taps) const {
    return offset(phase, valid - 1, taps - 1) + 1;
  }
};

/// How the output plane is cut into tiles.
struct TilePlan {
  /// Flattened: tiles of 16 consecutive pixels of the plane, crossing rows;
  /// their column phases repeat every `period` tiles. Else column chunks of
  /// `cols` pixels of one row (rows of more than 16 pixels).
  bool flat;
  int64_t period, cols;
};

/// Flattened tiles when every one fits in the shuffle window, else column
/// chunks that do; null if a single pixel's taps do not fit.
std::optional<TilePlan> planTiles(const Geometry &g) {
  int64_t taps = g.taps(0), pixels = g.outH * g.outW;
  int64_t period = g.outW / std::gcd(kLanes, g.outW);
  int64_t tiles = llvm::divideCeil(pixels, kLanes);
  // A tile's phase is that of the tile `period` tiles before it, and the
  // last tile has fewer lanes: the first period has the largest spans.
  bool fits = true;
  for (int64_t t = 0; t < std::min(period, tiles); ++t)
    fits &= g.span(t * kLanes % g.outW, std::min(kLanes, pixels - t * kLanes),
                   taps) <= kWindow;
  if (fits)
    return TilePlan{true, period, 0};
  int64_t cols = std::min(kLanes, g.outW);
  while (cols > 1 && g.span(0, cols, taps) > kWindow)
    --cols;
  if (g.span(0, cols, taps) > kWindow)
    return std::nullopt;
  return TilePlan{false, 0, cols};
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
  Value affine(Value x, int64_t scale, int64_t offset) {
    Value sx = arith::MulIOp::create(b, loc, x, index(scale));
    return arith::AddIOp::create(b, loc, sx, index(offset));
  }

  /// `length` bytes of the plane of (n, c) from `at`, of which only the
  /// first `used` are read (the others may lie past the input's end).
  Value load(Value n, Value c, Value at, int64_t used) {
    Type i8 = b.getI8Type();
    int64_t length = used <= 16 ? 16 : used <= 32 ? 32 : kLoad;
    Value pad = arith::ConstantOp::create(b, loc, b.getZeroAttr(i8));
    Value mask;
    if (length > used)
      mask = vector::ConstantMaskOp::create(
          b, loc, VectorType::get({length}, b.getI1Type()),
          ArrayRef<int64_t>{used});
    AffineMap identity = AffineMap::getMinorIdentityMap(3, 1, b.getContext());
    return vector::TransferReadOp::create(
        b, loc, VectorType::get({length}, i8), input, ValueRange{n, c, at},
        AffineMapAttr::get(identity), pad, mask, b.getBoolArrayAttr({true}));
  }

  /// One group of `taps` taps of a tile (lane 0 at column `phase`, `valid`
  /// lanes) whose lane 0 reads from `first` on, as the u8 operand of
  /// vpdpbusd: one or two loads and one shuffle.
  Value loadTaps(Value n, Value c, Value first, int64_t phase, int64_t valid,
                 int64_t taps) {
    int64_t span = g.span(phase, valid, taps);
    Value x0 = load(n, c, first, std::min(span, kLoad)), x1 = x0;
    if (span > kLoad)
      x1 = load(n, c, arith::AddIOp::create(b, loc, first, index(kLoad)),
                span - kLoad);
    // Indices past x0 pick from x1.
    int64_t x0Length = cast<VectorType>(x0.getType()).getDimSize(0);
    SmallVector<int64_t> picks;
    for (int64_t lane = 0; lane < kLanes; ++lane)
      for (int64_t j = 0; j < kGroup; ++j) {
        // A missing tap (weight 0) and a lane past the tile take any byte.
        int64_t at = lane < valid ? g.offset(phase, lane, j < taps ? j : 0) : 0;
        picks.push_back(at < kLoad ? at : at - kLoad + x0Length);
      }
    Value xs = vector::ShuffleOp::create(b, loc, x0, x1, picks);
    if (flipSignBit) {
      Type i8 = b.getI8Type();
      xs = arith::XOrIOp::create(
          b, loc, xs,
          arith::ConstantOp::create(
              b, loc,
              DenseElementsAttr::get(VectorType::get({kGroup * kLanes}, i8),
                                     b.getIntegerAttr(i8, -128))));
    }
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
    return applyEpilogueLanes(b, loc, body, epilogue.channelInputs, mapping,
                              kLanes);
  }

  /// The tile of `valid` output pixels from the flattened output index
  /// `pixel0` on, lane 0 at column `phase` and reading the input plane from
  /// `origin` on, of image n, channel c; written into `dest` ([N, C,
  /// outH * outW]).
  Value tile(Value dest, Value n, Value c, Value pixel0, Value origin,
             int64_t phase, int64_t valid) {
    auto accType = VectorType::get({kLanes}, b.getI32Type());
    Value acc = vector::BroadcastOp::create(
        b, loc, accType, tensor::ExtractOp::create(b, loc, starts, c));
    for (int64_t kh = 0; kh < g.kernelH; ++kh)
      for (int64_t group = 0; group < g.groups(); ++group) {
        Value first = arith::AddIOp::create(
            b, loc, origin,
            index(kh * g.dilationH * g.inW + group * kGroup * g.dilationW));
        Value xs = loadTaps(n, c, first, phase, valid, g.taps(group));
        Value word = tensor::ExtractOp::create(
            b, loc, weights, ValueRange{c, index(kh * g.groups() + group)});
        Value w = vector::BitCastOp::create(
            b, loc, VectorType::get({kGroup * kLanes}, b.getI8Type()),
            vector::BroadcastOp::create(b, loc, accType, word));
        acc = qnt::DotIntrinsicOp::create(
            b, loc, accType, "llvm.x86.avx512.vpdpbusd.512", acc, xs, w);
      }
    Value result = epilogue.op ? applyEpilogue(acc, c) : acc;
    if (valid < kLanes)
      result = vector::ExtractStridedSliceOp::create(
          b, loc, result, ArrayRef<int64_t>{0}, ArrayRef<int64_t>{valid},
          ArrayRef<int64_t>{1});
    return vector::TransferWriteOp::create(b, loc, result, dest,
                                           ValueRange{n, c, pixel0},
                                           SmallVector<bool>{true})
        .getResult();
  }

  /// Every tile of the plane of (n, c), into `dest`.
  Value plane(Value dest, Value n, Value c, const TilePlan &plan) {
    // The input offset of output pixel (oh, ow): oh * sh * inW + ow * sw.
    int64_t rowStep = g.strideH * g.inW;
    int64_t pixels = g.outH * g.outW;
    auto staticTile = [&](Value t, int64_t pixel, int64_t valid) {
      int64_t oh = pixel / g.outW, ow = pixel % g.outW;
      return tile(t, n, c, index(pixel), index(oh * rowStep + ow * g.strideW),
                  ow, valid);
    };
    if (plan.flat) {
      // Periods of `period` tiles (16 / gcd(16, outW) output rows), the
      // tiles of a period unrolled (each its own phase), then the rest.
      int64_t periodPixels = plan.period * kLanes;
      int64_t periods = pixels / periodPixels;
      int64_t periodRows = periodPixels / g.outW;
      if (periods > 0)
        dest = forEach(b, loc, index(periods), dest,
                       [&](OpBuilder &nb, Value p, Value t) {
                         OpBuilder::InsertionGuard guard(b);
                         b.setInsertionPoint(nb.getInsertionBlock(),
                                             nb.getInsertionPoint());
                         for (int64_t q = 0; q < plan.period; ++q) {
                           int64_t m = q * kLanes;
                           int64_t oh = m / g.outW, ow = m % g.outW;
                           t = tile(t, n, c, affine(p, periodPixels, m),
                                    affine(p, periodRows * rowStep,
                                           oh * rowStep + ow * g.strideW),
                                    ow, kLanes);
                         }
                         return t;
                       });
      for (int64_t m = periods * periodPixels; m < pixels; m += kLanes)
        dest = staticTile(dest, m, std::min(kLanes, pixels - m));
      return dest;
    }
    // Column chunks of each output row (they never wrap: phase 0 as far as
    // the offsets go), then the row's shorter last chunk.
    int64_t chunks = g.outW / plan.cols, last = g.outW % plan.cols;
    return forEach(
        b, loc, index(g.outH), dest, [&](OpBuilder &nb, Value oh, Value t) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
          for (int64_t k = 0; k < chunks + (last ? 1 : 0); ++k) {
            int64_t ow = k * plan.cols;
            t = tile(t, n, c, affine(oh, g.outW, ow),
                     affine(oh, rowStep, ow * g.strideW), 0,
                     k < chunks ? plan.cols : last);
          }
          return t;
        });
  }
};

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
  std::optional<ConvOperands> conv = matchConvOperands(generic);
  if (!conv || !conv->inputType.getElementType().isInteger(8))
    return failure();
  Value input = conv->input, w = conv->weights, init = conv->init;
  RankedTensorType inputType = conv->inputType, wType = conv->weightsType,
                   initType = conv->initType;
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
  std::optional<TilePlan> plan = planTiles(g);
  std::optional<SmallVector<int64_t>> weights =
      readWeights(w, signedness->weight);
  std::optional<SmallVector<int64_t>> channelStart =
      matchChannelBroadcast(init, g.channels);
  if (!plan || !weights || !channelStart)
    return failure();

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
  auto idx = [&](OpBuilder &b, int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  Value result = forEach(
      rewriter, loc, batch, dest,
      [&](OpBuilder &b, Value n, Value t0) {
        return forEach(
            b, loc, idx(b, g.channels), t0,
            [&](OpBuilder &b, Value c, Value t1) {
              // The emitter builds at the rewriter's insertion point.
              OpBuilder::InsertionGuard guard(rewriter);
              rewriter.setInsertionPoint(b.getInsertionBlock(),
                                         b.getInsertionPoint());
              return emitter.plane(t1, n, c, *plan);
            },
            /*parallel=*/true);
      },
      /*parallel=*/true);
  result = tensor::ExpandShapeOp::create(
      rewriter, loc, resultType, result, collapse,
      tensor::getMixedSizes(rewriter, loc, shaped));
  replaceGeneric(rewriter, generic, fused, shaped, result);
  eraseDeadBroadcast(rewriter, init);
  return success();
}
