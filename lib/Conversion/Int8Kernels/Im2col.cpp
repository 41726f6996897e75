//===- Im2col.cpp - conv input rearrangement for the int8 GEMM --*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// A band of output rows of one image of a convolution's input, rearranged
// into the packed B of the GEMM ([Mp/L][Kp/G][L*G]) in two passes of vector
// code, without any per-element index computation:
//
//   staging   S[k][m] = x[c, oy*sH + ky*dH - pT, ox*sW + kx*dW - pL], the
//             [K][M] matrix of the GEMM (k = (c, ky, kx), m = (oy, ox)):
//             for each channel c and output row oy, each kernel row ky
//             loads the input row once (a vector; a row of the padding is
//             the zero point, chosen with a select), and each kx takes its
//             OW pixels out of it with one vector.shuffle against a splat
//             of the zero point. The shuffle mask, static, does the stride,
//             the dilation and the left/right padding (the input is read
//             unpadded: no tensor.pad is materialized).
//             Skipped for 1x1, stride 1, unpadded convolutions: the NCHW
//             input already is [K][M].
//   packing   for each group of G rows of S and each block of L pixels,
//             G vectors of L bytes are interleaved by vector.shuffle into
//             one vector of L*G (lane l holds k = kg*G .. kg*G + G - 1 of
//             pixel mb*L + l), encoded (xor 0x80, or widened to s16) and
//             stored. The last group and block are static: missing rows
//             and lanes are zeros.
//
//===----------------------------------------------------------------------===//

#include "Im2col.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <numeric>

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::int8kernels;

bool ConvGeometry::isPointwise() const {
  return kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 &&
         outH == height && outW == width && padTop == 0 && padLeft == 0;
}

namespace {

/// Output pixels of one row handled by one vector (longer rows are split).
constexpr int64_t kMaxChunk = 64;

/// The width of the vector that writes a chunk of `n` pixels into the
/// staging matrix: a power of 2 (whole registers, no split stores). The
/// lanes past `n` spill into the next chunk or row, written after, or into
/// the end of the matrix rows, which are longer than M for that.
int64_t storeWidth(int64_t n) { return llvm::PowerOf2Ceil(n); }

class Im2colEmitter {
public:
  Im2colEmitter(OpBuilder &b, Location loc, const KernelShape &shape,
                const ActivationEncoding &encoding, const ConvGeometry &conv,
                Value image, Value firstRow, int64_t rows)
      : b(b), loc(loc), shape(shape), encoding(encoding), conv(conv),
        image(image), firstRow(firstRow), rows(rows),
        raw(cast<RankedTensorType>(conv.source.getType()).getElementType()) {}

  Value emit();

private:
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, int64_t v) {
    return v == 0 ? x : arith::AddIOp::create(b, loc, x, index(v));
  }
  Value mul(Value x, int64_t v) {
    return v == 1 ? x : arith::MulIOp::create(b, loc, x, index(v));
  }
  /// scf.for iv in [lb, ub) carrying one tensor; `body` returns its update.
  Value forLoop(int64_t lb, int64_t ub, Value init,
                function_ref<Value(Value iv, Value iter)> body);
  /// A vector of `n` raw elements equal to the padding element.
  Value padSplat(int64_t n) {
    return vector::BroadcastOp::create(b, loc, VectorType::get({n}, raw),
                                       conv.padValue);
  }

  /// The [K][M] matrix S of raw elements.
  Value emitStaging();
  /// The K rows of S of channel `c` at output row `oy`.
  Value emitOutputRow(Value staging, Value c, Value oy);
  /// The packed B from `matrix` ([prefix..., K, M]).
  Value emitPacking(Value matrix, ArrayRef<Value> prefix);
  /// One packed vector: rows kg*G .. kg*G + rows - 1 of `matrix`, lanes
  /// mb*L .. mb*L + lanes - 1.
  Value emitGroup(Value col, Value matrix, ArrayRef<Value> prefix, Value kg,
                  int64_t rows, Value mb, int64_t lanes);
  /// out[l*G + g] = rows[g][l].
  Value interleave(ArrayRef<Value> rows);
  /// The stored form of the raw vector `v`.
  Value encode(Value v);

  OpBuilder &b;
  Location loc;
  const KernelShape &shape;
  const ActivationEncoding &encoding;
  const ConvGeometry &conv;
  Value image;
  /// The band of output rows [firstRow, firstRow + rows).
  Value firstRow;
  int64_t rows;
  /// Added to the pixel index of the packing's reads.
  Value pixelOffset;
  Type raw;
};

} // namespace

Value Im2colEmitter::forLoop(int64_t lb, int64_t ub, Value init,
                             function_ref<Value(Value, Value)> body) {
  return scf::ForOp::create(
             b, loc, index(lb), index(ub), index(1), ValueRange{init},
             [&](OpBuilder &nb, Location, Value iv, ValueRange iterArgs) {
               OpBuilder::InsertionGuard guard(b);
               b.setInsertionPointToStart(nb.getInsertionBlock());
               scf::YieldOp::create(b, loc, body(iv, iterArgs[0]));
             })
      .getResult(0);
}

Value Im2colEmitter::emitOutputRow(Value staging, Value c, Value oy) {
  int64_t kh = conv.kernelH, kw = conv.kernelW;
  Value kBase = mul(c, kh * kw);
  Value mBase = mul(oy, conv.outW);
  oy = arith::AddIOp::create(b, loc, firstRow, oy);
  for (int64_t ky = 0; ky < kh; ++ky) {
    // Input row iy = oy * sH + offset; static when it is always inside.
    int64_t offset = ky * conv.dilationH - conv.padTop;
    int64_t lastRow = (conv.outH - 1) * conv.strideH + offset;
    bool alwaysInside = offset >= 0 && lastRow < conv.height;
    bool neverInside = lastRow < 0 || offset >= conv.height;
    Value iy = add(mul(oy, conv.strideH), offset), inside;
    if (!alwaysInside && !neverInside) {
      Value zero = index(0), height = index(conv.height);
      inside = arith::AndIOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, iy, zero),
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, iy, height));
      // Read a valid row and replace it by the padding.
      iy = arith::MinSIOp::create(b, loc,
                                  arith::MaxSIOp::create(b, loc, iy, zero),
                                  index(conv.height - 1));
    }
    for (int64_t ox0 = 0; ox0 < conv.outW; ox0 += kMaxChunk) {
      int64_t n = std::min(kMaxChunk, conv.outW - ox0);
      // The input columns [lo, hi) this chunk reads for some kx.
      int64_t first = ox0 * conv.strideW - conv.padLeft;
      int64_t last = (ox0 + n - 1) * conv.strideW - conv.padLeft +
                     (kw - 1) * conv.dilationW;
      int64_t lo = std::max<int64_t>(first, 0);
      int64_t hi = std::min(last + 1, conv.width);
      Value row;
      if (lo < hi && !neverInside) {
        Value pad = arith::ConstantOp::create(b, loc, b.getZeroAttr(raw));
        row = vector::TransferReadOp::create(
            b, loc, VectorType::get({hi - lo}, raw), conv.source,
            ValueRange{image, c, iy, index(lo)}, pad, SmallVector<bool>{true});
        if (inside)
          row = arith::SelectOp::create(b, loc, inside, row, padSplat(hi - lo));
      }
      for (int64_t kx = 0; kx < kw; ++kx) {
        // Lane j is input column (ox0 + j) * sW + kx * dW - pL: element
        // col - lo of `row`, or the padding (element hi - lo, the first of
        // the second shuffle operand).
        SmallVector<int64_t> mask;
        bool anyPad = false, anyRow = false;
        for (int64_t j = 0; j < n; ++j) {
          int64_t col =
              (ox0 + j) * conv.strideW + kx * conv.dilationW - conv.padLeft;
          if (row && col >= lo && col < hi) {
            mask.push_back(col - lo);
            anyRow = true;
          } else {
            mask.push_back(hi - lo);
            anyPad = true;
          }
        }
        // The spilled lanes: anything.
        mask.resize(storeWidth(n), anyRow ? 0 : hi - lo);
        Value pixels;
        if (!anyRow) {
          pixels = padSplat(storeWidth(n));
        } else if (!anyPad) {
          pixels = vector::ShuffleOp::create(b, loc, row, row, mask);
        } else {
          pixels = vector::ShuffleOp::create(b, loc, row, padSplat(1), mask);
        }
        Value k = add(kBase, ky * kw + kx);
        staging = vector::TransferWriteOp::create(
                      b, loc, pixels, staging, ValueRange{k, add(mBase, ox0)},
                      SmallVector<bool>{true})
                      .getResult();
      }
    }
  }
  return staging;
}

Value Im2colEmitter::emitStaging() {
  // The last chunk of the last output row spills past M.
  int64_t last = (conv.outW - 1) % kMaxChunk + 1;
  Value empty = tensor::EmptyOp::create(
      b, loc,
      ArrayRef<int64_t>{conv.k(), rows * conv.outW + storeWidth(last) - last},
      raw);
  return forLoop(0, conv.channels, empty, [&](Value c, Value s) {
    return forLoop(0, rows, s,
                   [&](Value oy, Value t) { return emitOutputRow(t, c, oy); });
  });
}

Value Im2colEmitter::interleave(ArrayRef<Value> rows) {
  // Level by level: interleave chunks of `width` elements of pairs.
  SmallVector<Value> level(rows);
  for (int64_t width = 1; level.size() > 1; width *= 2) {
    SmallVector<Value> next;
    for (size_t i = 0; i < level.size(); i += 2) {
      int64_t n = cast<VectorType>(level[i].getType()).getNumElements();
      SmallVector<int64_t> mask;
      for (int64_t p = 0; p < 2 * n; ++p) {
        int64_t block = p / (2 * width), within = p % (2 * width);
        mask.push_back(within < width ? block * width + within
                                      : n + block * width + within - width);
      }
      next.push_back(
          vector::ShuffleOp::create(b, loc, level[i], level[i + 1], mask));
    }
    level = std::move(next);
  }
  return level.front();
}

Value Im2colEmitter::encode(Value v) {
  auto type = cast<VectorType>(v.getType());
  if (encoding.flipSignBit)
    v = arith::XOrIOp::create(
        b, loc, v,
        arith::ConstantOp::create(
            b, loc, DenseElementsAttr::get(type, b.getIntegerAttr(raw, -128))));
  if (shape.elementWidth == 16) {
    auto wide = type.clone(b.getI16Type());
    v = conv.isSigned ? arith::ExtSIOp::create(b, loc, wide, v).getResult()
                      : arith::ExtUIOp::create(b, loc, wide, v).getResult();
  }
  return v;
}

Value Im2colEmitter::emitGroup(Value col, Value matrix, ArrayRef<Value> prefix,
                               Value kg, int64_t rows, Value mb,
                               int64_t lanes) {
  auto laneType = VectorType::get({shape.lanes}, raw);
  Value zeros = arith::ConstantOp::create(b, loc, b.getZeroAttr(laneType));
  Value pad = arith::ConstantOp::create(b, loc, b.getZeroAttr(raw));
  Value k0 = mul(kg, shape.group), m0 = mul(mb, shape.lanes);
  if (pixelOffset)
    m0 = arith::AddIOp::create(b, loc, m0, pixelOffset);
  SmallVector<Value> vectors;
  for (int64_t g = 0; g < shape.group; ++g) {
    if (g >= rows) {
      vectors.push_back(zeros);
      continue;
    }
    SmallVector<Value> at(prefix);
    at.append({add(k0, g), m0});
    Value v = vector::TransferReadOp::create(
        b, loc, VectorType::get({lanes}, raw), matrix, at, pad,
        SmallVector<bool>{true});
    if (lanes < shape.lanes)
      v = vector::InsertStridedSliceOp::create(
          b, loc, v, zeros, ArrayRef<int64_t>{0}, ArrayRef<int64_t>{1});
    vectors.push_back(v);
  }
  Value packed = encode(interleave(vectors));
  return vector::TransferWriteOp::create(b, loc, packed, col,
                                         ValueRange{mb, kg, index(0)},
                                         SmallVector<bool>{true})
      .getResult();
}

Value Im2colEmitter::emitPacking(Value matrix, ArrayRef<Value> prefix) {
  int64_t lanes = shape.lanes, group = shape.group;
  int64_t k = conv.k(), m = rows * conv.outW;
  Value empty = tensor::EmptyOp::create(
      b, loc,
      ArrayRef<int64_t>{(m + lanes - 1) / lanes, (k + group - 1) / group,
                        lanes * group},
      b.getIntegerType(shape.elementWidth));
  // For the G rows at kg: every block of L pixels, then the partial one.
  auto pixelBlocks = [&](Value col, Value kg, int64_t rows) {
    if (m / lanes > 0)
      col = forLoop(0, m / lanes, col, [&](Value mb, Value c) {
        return emitGroup(c, matrix, prefix, kg, rows, mb, lanes);
      });
    if (m % lanes != 0)
      col =
          emitGroup(col, matrix, prefix, kg, rows, index(m / lanes), m % lanes);
    return col;
  };
  Value col = empty;
  if (k / group > 0)
    col = forLoop(0, k / group, col,
                  [&](Value kg, Value c) { return pixelBlocks(c, kg, group); });
  if (k % group != 0)
    col = pixelBlocks(col, index(k / group), k % group);
  return col;
}

Value Im2colEmitter::emit() {
  if (conv.isPointwise()) {
    // [N, C, H, W] read as [N, K = C, M = H * W].
    Value matrix = tensor::CollapseShapeOp::create(
        b, loc, conv.source,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
    pixelOffset = mul(firstRow, conv.outW);
    return emitPacking(matrix, {image});
  }
  return emitPacking(emitStaging(), {});
}

Value int8kernels::emitIm2col(OpBuilder &b, Location loc,
                              const KernelShape &shape,
                              const ActivationEncoding &encoding,
                              const ConvGeometry &conv, Value image,
                              Value firstRow, int64_t rows) {
  return Im2colEmitter(b, loc, shape, encoding, conv, image, firstRow, rows)
      .emit();
}

int64_t int8kernels::chooseBandRows(const ConvGeometry &conv,
                                    const KernelShape &shape) {
  // Bands of whole output rows whose pixels fill whole vectors, and whose
  // [K][band pixels] matrix takes about kBandBytes.
  constexpr int64_t kBandBytes = 16 * 1024;
  int64_t step = shape.lanes / std::gcd(conv.outW, shape.lanes);
  int64_t fit = kBandBytes / std::max<int64_t>(conv.k() * conv.outW, 1);
  int64_t rows = std::max(step, fit / step * step);
  return std::min(rows, conv.outH);
}
