//===- MicroKernels.cpp - register-blocked int8 GEMM micro-kernels -*- C++ -*-//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The micro-kernel: `rows` rows of A by `vectors` vectors of `lanes` columns
// of B, with the rows x vectors int32 accumulators carried through the K
// loop as scf.for iter_args (registers after LLVM's SROA). Per step of
// `group` products it loads `vectors` packed vectors of B, broadcasts
// `group` elements of each row of A (one 32-bit word) and issues one
// dot-product instruction per accumulator.
//
// The loop nest around it is blocked for the caches (chooseBlocking): row
// blocks of MC rows, column panels of NC vectors, K blocks of KC groups
// (balanced: ceil(K/G / KC) blocks of equal size but the last); inside a K
// block the micro-panel of B (KC groups x V vectors, <= 48 KiB) is the
// outer loop so that it stays in L1 while the row tiles stream A:
//
//   for i0 in rows step MC:                          (dynamic rows)
//     for p0 in columns step NC * L:                 (then the last panel)
//       for kb in K blocks:            (first, middle ones in a loop, last)
//         for j0 in panel step V * L:                (then the rest vectors)
//           for i in i0 .. min(i0 + MC, rows) step R:  (then rows one by one)
//             acc[r][v] = first K block ? C0[i + r][j0 + v*L : +L] (+ comp)
//                                       : P[i + r - i0][j0 - p0 + v*L : +L]
//             for kg in the K block:
//               bv[v] = B[j0/L + v][kg]
//               for r: ab = broadcast(A[i + r][kg*G : +G])
//                      acc[r][v] = dot(acc[r][v], ab, bv[v])
//             last K block ? C[i + r][j0 + v*L : +L] = epilogue(acc[r][v])
//                          : P[i + r - i0][j0 - p0 + v*L : +L] = acc[r][v]
//
// P holds the int32 partial accumulators of one row block x column panel
// (MC x NC*L, L2-resident) between K blocks; with one K block (K <= 768
// for avx512-vnni) there is no P. C0 filled with a scalar or
// broadcast from a per-channel bias is not read: the accumulators start
// from the scalar or the bias.
//
// The last vector of a row may be partial: it is read and written as a
// shorter vector, the lanes past `columns` are neither read nor written.
//
// A large int32 result (>= 2 MiB, no epilogue, a fresh tensor, rows of
// whole vectors:
// chooseNontemporal) is written with non-temporal stores
// (qnt.nontemporal_write): the output lines are not read first and do not
// evict A, B and P from the caches. The row-block and panel loops are then
// marked qnt.nontemporal_fence (a fence after each iteration).
//
//===----------------------------------------------------------------------===//

#include "MicroKernels.h"

#include "Matching.h"

#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::int8kernels;

KernelShape int8kernels::getKernelShape(Target target) {
  switch (target) {
  case Target::Avx512Vnni:
    // 16 zmm accumulators, 4 of B, 1 broadcast: 21 of 32 registers.
    return {target, 16, 4, 4, 4, 8};
  case Target::Avx2:
    // 8 ymm accumulators, 2 of B, 1 broadcast: 11 of 16 registers.
    return {target, 8, 2, 4, 2, 16};
  case Target::ArmDotprod:
    // 16 q accumulators, 4 of B, 1 broadcast: 21 of 32 registers.
    return {target, 4, 4, 4, 4, 8};
  case Target::Portable:
    return {target, 16, 1, 4, 2, 8};
  }
  llvm_unreachable("unknown target");
}

std::optional<Target> int8kernels::parseTarget(StringRef name) {
  return llvm::StringSwitch<std::optional<Target>>(name)
      .Case("avx512-vnni", Target::Avx512Vnni)
      .Case("avx2", Target::Avx2)
      .Case("arm-dotprod", Target::ArmDotprod)
      .Case("portable", Target::Portable)
      .Default(std::nullopt);
}

ActivationEncoding int8kernels::getActivationEncoding(Target target,
                                                      bool isSigned) {
  ActivationEncoding encoding;
  encoding.isSigned = isSigned;
  // x ^ 0x80 as u8 is x + 128 for s8 x; as s8 it is x - 128 for u8 x.
  if (target == Target::Avx512Vnni && isSigned) {
    encoding.flipSignBit = true;
    encoding.compensationFactor = -128;
    encoding.isSigned = false;
  } else if (target == Target::ArmDotprod && !isSigned) {
    encoding.flipSignBit = true;
    encoding.compensationFactor = 128;
    encoding.isSigned = true;
  }
  return encoding;
}

namespace {

/// The cache blocking of one GEMM (all in units of the micro-kernel).
struct Blocking {
  /// K groups per K block, and the number of K blocks (the last one may be
  /// shorter).
  int64_t kBlock, numKBlocks;
  /// Vectors of B per column panel (a multiple of shape.vectors).
  int64_t panelVectors;
  /// Rows per row block (a multiple of shape.rows).
  int64_t blockRows;
};

/// Which K block a micro-kernel computes: the first one starts from C0 (and
/// the compensation), the last one stores the result (through the
/// epilogue); the others go through the partial accumulators.
struct KPhase {
  bool first, last;
};

/// The tensors the loops carry: the result, and the int32 partial
/// accumulators of one row block x column panel (only with several K
/// blocks).
struct Tiles {
  Value out, partial;
  SmallVector<Value> values() const {
    SmallVector<Value> result = {out};
    if (partial)
      result.push_back(partial);
    return result;
  }
  static Tiles from(ValueRange values) {
    return {values[0], values.size() > 1 ? values[1] : Value()};
  }
};

/// Emits the micro-kernels of one GEMM.
class GemmEmitter {
public:
  GemmEmitter(OpBuilder &b, Location loc, const KernelShape &shape,
              const Gemm &gemm)
      : b(b), loc(loc), shape(shape), gemm(gemm),
        blocking(chooseBlocking(shape, gemm)) {}

  Value emit();

private:
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  SmallVector<Value> indices(ArrayRef<Value> prefix, ValueRange rest) {
    SmallVector<Value> result(prefix);
    llvm::append_range(result, rest);
    return result;
  }
  /// scf.for from `begin` to `end` by `step` carrying `tiles`;
  /// `independent`: its iterations write disjoint parts of the tiles and
  /// share no scratch (marked qnt.parallel for qnt-parallelize-loops);
  /// `fence`: with non-temporal stores, each iteration ends with a fence
  /// (marked qnt.nontemporal_fence for convert-qnt-intrinsics-to-llvm).
  Tiles loop(Value begin, Value end, int64_t step, Tiles tiles,
             function_ref<Tiles(Value, Tiles)> body, bool independent = false,
             bool fence = false);
  /// A [rows x vectors] micro-kernel at (row0, vector0) over the K groups
  /// [kBegin, kBegin + kGroups); the last vector is partial if
  /// `partialLast`. (blockRow0, panel0) is the origin of the partial
  /// accumulators.
  Tiles emitTile(Tiles tiles, Value row0, Value blockRow0, Value vector0,
                 Value panel0, int64_t rows, int64_t vectors, bool partialLast,
                 Value kBegin, int64_t kGroups, KPhase phase);
  /// One K block of the column panel of `vectors` vectors at panel0, for
  /// the rows [row0, rowEnd): micro-panels of B outer, rows inner.
  Tiles emitKBlock(Tiles tiles, Value row0, Value rowEnd, Value panel0,
                   int64_t vectors, bool partialLast, Value kBegin,
                   int64_t kGroups, KPhase phase);
  /// Every K block of a column panel, for the rows [row0, rowEnd).
  Tiles emitPanel(Tiles tiles, Value row0, Value rowEnd, Value panel0,
                  int64_t vectors, bool partialLast);
  /// acc + a . b with the target's instruction; `a` is the broadcast row
  /// value, `bv` the packed vector (both already in operand form).
  Value dot(Value acc, Value a, Value bv);
  /// The broadcast operand of row `row` at group `kg`.
  Value broadcastA(Value row, Value kg);
  /// The packed vector `vec` of B at group `kg`.
  Value loadB(Value vec, Value kg);
  /// The epilogue on the accumulator vector at (row, column).
  Value applyEpilogue(Value acc, Value row, Value column, bool partial);
  /// A vector of `lanes` elements of `source` at `at`; if `partial`, only
  /// the first columns % lanes are read (the rest are 0).
  Value readLanes(Value source, ValueRange at, Type element, bool partial);
  /// Writes `value` into `dest` at `at` (its first columns % lanes lanes if
  /// `partial`); returns the new tensor.
  Value writeLanes(Value value, Value dest, ValueRange at, bool partial);
  static Blocking chooseBlocking(const KernelShape &shape, const Gemm &gemm);

  /// The alignment in bytes of the non-temporal stores of the result, or
  /// 0 if it is stored normally (chooseNontemporal).
  static int64_t chooseNontemporal(const KernelShape &shape, const Gemm &gemm,
                                   Value out);

  OpBuilder &b;
  Location loc;
  const KernelShape &shape;
  const Gemm &gemm;
  Blocking blocking;
  int64_t nontemporalAlignment = 0;
  /// C0, when it is a broadcast the accumulators start from without
  /// reading it: a scalar (linalg.fill) or a 1-D i32 tensor along the output
  /// channels (the bias), per row or per column.
  struct {
    Value scalar, channels;
    bool perRow = false;
  } init;
  /// Sets `init` if C0 is such a broadcast; then the result (without an
  /// epilogue) goes to the broadcast's destination, which is never written.
  void matchInit(Tiles &tiles);
};

} // namespace

Value GemmEmitter::dot(Value acc, Value a, Value bv) {
  switch (shape.target) {
  case Target::Avx512Vnni: {
    // vpdpbusd: the first source is u8 (the activation), the second s8.
    Value u8 = gemm.activationIsA ? a : bv;
    Value s8 = gemm.activationIsA ? bv : a;
    return qnt::DotIntrinsicOp::create(
        b, loc, acc.getType(), "llvm.x86.avx512.vpdpbusd.512", acc, u8, s8);
  }
  case Target::Avx2:
    return qnt::DotIntrinsicOp::create(b, loc, acc.getType(),
                                       "llvm.x86.avx2.pmadd.wd", acc, a, bv);
  case Target::ArmDotprod:
    return qnt::DotIntrinsicOp::create(b, loc, acc.getType(),
                                       "llvm.aarch64.neon.sdot.v4i32.v16i8",
                                       acc, a, bv);
  case Target::Portable:
    return arith::AddIOp::create(b, loc, acc,
                                 arith::MulIOp::create(b, loc, a, bv));
  }
  llvm_unreachable("unknown target");
}

Value GemmEmitter::broadcastA(Value row, Value kg) {
  Type element = b.getIntegerType(shape.elementWidth);
  auto accType = VectorType::get({shape.lanes}, b.getI32Type());
  Value k = arith::MulIOp::create(b, loc, kg, index(shape.group));
  SmallVector<Value> at = indices(gemm.aPrefix, {row, k});
  if (shape.group == 1) {
    // portable: one element, extended to i32 and broadcast.
    Value x = tensor::ExtractOp::create(b, loc, gemm.a, at);
    bool isSigned = gemm.activationIsA ? gemm.activationSigned : true;
    Value wide =
        isSigned
            ? arith::ExtSIOp::create(b, loc, b.getI32Type(), x).getResult()
            : arith::ExtUIOp::create(b, loc, b.getI32Type(), x).getResult();
    return vector::BroadcastOp::create(b, loc, accType, wide);
  }
  // `group` elements are one 32-bit word: load, bitcast, broadcast, and
  // view the broadcast words as lanes * group elements.
  auto groupType = VectorType::get({shape.group}, element);
  Value pad = arith::ConstantOp::create(b, loc, b.getIntegerAttr(element, 0));
  Value words = vector::TransferReadOp::create(b, loc, groupType, gemm.a, at,
                                               pad, SmallVector<bool>{true});
  Value word = vector::BitCastOp::create(
      b, loc, VectorType::get({1}, b.getI32Type()), words);
  Value scalar = vector::ExtractOp::create(b, loc, word, ArrayRef<int64_t>{0});
  Value splat = vector::BroadcastOp::create(b, loc, accType, scalar);
  return vector::BitCastOp::create(
      b, loc, VectorType::get({shape.lanes * shape.group}, element), splat);
}

Value GemmEmitter::loadB(Value vec, Value kg) {
  Type element = b.getIntegerType(shape.elementWidth);
  auto type = VectorType::get({shape.lanes * shape.group}, element);
  Value pad = arith::ConstantOp::create(b, loc, b.getIntegerAttr(element, 0));
  Value v = vector::TransferReadOp::create(
      b, loc, type, gemm.b, indices(gemm.bPrefix, {vec, kg, index(0)}), pad,
      SmallVector<bool>{true});
  if (shape.target != Target::Portable)
    return v;
  auto wide = VectorType::get({shape.lanes}, b.getI32Type());
  bool isSigned = gemm.activationIsA ? true : gemm.activationSigned;
  return isSigned ? arith::ExtSIOp::create(b, loc, wide, v).getResult()
                  : arith::ExtUIOp::create(b, loc, wide, v).getResult();
}

Tiles GemmEmitter::loop(Value begin, Value end, int64_t step, Tiles tiles,
                        function_ref<Tiles(Value, Tiles)> body,
                        bool independent, bool fence) {
  auto forOp = scf::ForOp::create(
      b, loc, begin, end, index(step), tiles.values(),
      [&](OpBuilder &nb, Location nloc, Value iv, ValueRange iterArgs) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(nb.getInsertionBlock());
        scf::YieldOp::create(b, loc, body(iv, Tiles::from(iterArgs)).values());
      });
  if (independent)
    forOp->setAttr(qnt::QntDialect::getParallelAttrName(), b.getUnitAttr());
  // Streaming stores in the body: fence each iteration (which may run on a
  // thread of its own) once bufferization is done.
  if (fence && nontemporalAlignment)
    forOp->setAttr(qnt::kNontemporalFenceAttr, b.getUnitAttr());
  return Tiles::from(forOp.getResults());
}

Tiles GemmEmitter::emitTile(Tiles tiles, Value row0, Value blockRow0,
                            Value vector0, Value panel0, int64_t rows,
                            int64_t vectors, bool partialLast, Value kBegin,
                            int64_t kGroups, KPhase phase) {
  auto accType = VectorType::get({shape.lanes}, b.getI32Type());
  Value zero = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
  SmallVector<Value> rowIndex, columnIndex, partialRow, partialColumn;
  for (int64_t r = 0; r < rows; ++r) {
    rowIndex.push_back(arith::AddIOp::create(b, loc, row0, index(r)));
    if (tiles.partial)
      partialRow.push_back(
          arith::SubIOp::create(b, loc, rowIndex[r], blockRow0));
  }
  for (int64_t v = 0; v < vectors; ++v) {
    Value vec = arith::AddIOp::create(b, loc, vector0, index(v));
    columnIndex.push_back(
        arith::MulIOp::create(b, loc, vec, index(shape.lanes)));
    if (tiles.partial)
      partialColumn.push_back(arith::MulIOp::create(
          b, loc, arith::SubIOp::create(b, loc, vec, panel0),
          index(shape.lanes)));
  }
  auto isPartial = [&](int64_t v) { return partialLast && v == vectors - 1; };

  // The first K block starts at C0 (+ the compensation of shifted inputs),
  // read from the current C (this tile has not written there yet); the
  // others continue the partial accumulators.
  SmallVector<Value> accs;
  for (int64_t r = 0; r < rows; ++r) {
    Value rowComp;
    if (phase.first && gemm.compensation && gemm.rowCompensation)
      rowComp = vector::BroadcastOp::create(
          b, loc, accType,
          tensor::ExtractOp::create(b, loc, gemm.compensation, rowIndex[r]));
    for (int64_t v = 0; v < vectors; ++v) {
      if (!phase.first) {
        accs.push_back(readLanes(tiles.partial,
                                 ValueRange{partialRow[r], partialColumn[v]},
                                 b.getI32Type(), isPartial(v)));
        continue;
      }
      Value acc;
      if (init.scalar)
        acc = vector::BroadcastOp::create(b, loc, accType, init.scalar);
      else if (init.channels && init.perRow)
        acc = vector::BroadcastOp::create(
            b, loc, accType,
            tensor::ExtractOp::create(b, loc, init.channels, rowIndex[r]));
      else if (init.channels)
        acc = readLanes(init.channels, ValueRange{columnIndex[v]},
                        b.getI32Type(), isPartial(v));
      else
        acc = readLanes(gemm.epilogue ? gemm.init : tiles.out,
                        indices(gemm.cPrefix, {rowIndex[r], columnIndex[v]}),
                        b.getI32Type(), isPartial(v));
      if (rowComp)
        acc = arith::AddIOp::create(b, loc, acc, rowComp);
      else if (gemm.compensation)
        acc = arith::AddIOp::create(
            b, loc, acc,
            vector::TransferReadOp::create(b, loc, accType, gemm.compensation,
                                           ValueRange{columnIndex[v]}, zero,
                                           SmallVector<bool>{true}));
      accs.push_back(acc);
    }
  }

  auto kLoop = scf::ForOp::create(
      b, loc, kBegin,
      arith::AddIOp::create(b, loc, kBegin, index(kGroups)).getResult(),
      index(1), accs,
      [&](OpBuilder &nb, Location nloc, Value kg, ValueRange iterArgs) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(nb.getInsertionBlock());
        SmallVector<Value> bVectors;
        for (int64_t v = 0; v < vectors; ++v)
          bVectors.push_back(loadB(
              arith::AddIOp::create(b, loc, vector0, index(v)).getResult(),
              kg));
        SmallVector<Value> next(iterArgs);
        for (int64_t r = 0; r < rows; ++r) {
          Value a = broadcastA(rowIndex[r], kg);
          for (int64_t v = 0; v < vectors; ++v)
            next[r * vectors + v] = dot(next[r * vectors + v], a, bVectors[v]);
        }
        scf::YieldOp::create(b, loc, next);
      });

  for (int64_t r = 0; r < rows; ++r)
    for (int64_t v = 0; v < vectors; ++v) {
      Value result = kLoop.getResult(r * vectors + v);
      if (!phase.last) {
        tiles.partial = writeLanes(result, tiles.partial,
                                   ValueRange{partialRow[r], partialColumn[v]},
                                   isPartial(v));
        continue;
      }
      if (gemm.epilogue)
        result =
            applyEpilogue(result, rowIndex[r], columnIndex[v], isPartial(v));
      SmallVector<Value> at =
          indices(gemm.cPrefix, {rowIndex[r], columnIndex[v]});
      if (nontemporalAlignment && !isPartial(v)) {
        tiles.out = qnt::NontemporalWriteOp::create(
            b, loc, result, tiles.out, at,
            b.getI64IntegerAttr(nontemporalAlignment));
        continue;
      }
      tiles.out = writeLanes(result, tiles.out, at, isPartial(v));
    }
  return tiles;
}

// Partial vectors are read and written as shorter in-bounds vectors, not
// as masked transfers: LLVM 22 miscompiles a constant-mask
// llvm.masked.store of a truncated <8 x i8> on AVX-512 into a 4-byte store
// (test/Integration/int8-kernels-avx2.test caught it).
Value GemmEmitter::readLanes(Value source, ValueRange at, Type element,
                             bool partial) {
  auto type = VectorType::get({shape.lanes}, element);
  Value pad = arith::ConstantOp::create(b, loc, b.getZeroAttr(element));
  if (!partial)
    return vector::TransferReadOp::create(b, loc, type, source, at, pad,
                                          SmallVector<bool>{true});
  int64_t valid = gemm.columns % shape.lanes;
  Value part =
      vector::TransferReadOp::create(b, loc, VectorType::get({valid}, element),
                                     source, at, pad, SmallVector<bool>{true});
  Value zeros = arith::ConstantOp::create(b, loc, b.getZeroAttr(type));
  return vector::InsertStridedSliceOp::create(
      b, loc, part, zeros, ArrayRef<int64_t>{0}, ArrayRef<int64_t>{1});
}

Value GemmEmitter::writeLanes(Value value, Value dest, ValueRange at,
                              bool partial) {
  if (partial)
    value = vector::ExtractStridedSliceOp::create(
        b, loc, value, ArrayRef<int64_t>{0},
        ArrayRef<int64_t>{gemm.columns % shape.lanes}, ArrayRef<int64_t>{1});
  return vector::TransferWriteOp::create(b, loc, value, dest, at,
                                         SmallVector<bool>{true})
      .getResult();
}

Value GemmEmitter::applyEpilogue(Value acc, Value row, Value column,
                                 bool partial) {
  Block &body = *gemm.epilogue;
  auto vectorOf = [&](Type t) { return VectorType::get({shape.lanes}, t); };
  IRMapping mapping;
  mapping.map(body.getArgument(0), acc);
  for (auto [i, input] : llvm::enumerate(gemm.channelInputs)) {
    Type element = cast<RankedTensorType>(input.getType()).getElementType();
    Value lanes;
    if (gemm.rowCompensation) {
      // conv: the channel is the row, one value for the whole vector.
      lanes = vector::BroadcastOp::create(
          b, loc, vectorOf(element),
          tensor::ExtractOp::create(b, loc, input, row));
    } else {
      lanes = readLanes(input, ValueRange{column}, element, partial);
    }
    mapping.map(body.getArgument(i + 1), lanes);
  }
  return applyEpilogueLanes(b, loc, body, gemm.channelInputs, mapping,
                            shape.lanes);
}

bool int8kernels::isVectorizableEpilogue(Block &body) {
  if (body.getNumArguments() < 2 || !body.getArguments().back().use_empty() ||
      body.getTerminator()->getNumOperands() != 1)
    return false;
  for (Operation &op : body.without_terminator()) {
    if (!OpTrait::hasElementwiseMappableTraits(&op) ||
        op.getNumRegions() != 0 || op.getNumResults() != 1)
      return false;
    for (Value operand : op.getOperands())
      if (operand.getType().isIndex() || (operand.getParentBlock() != &body &&
                                          !operand.getType().isIntOrFloat()))
        return false;
  }
  return true;
}

Tiles GemmEmitter::emitKBlock(Tiles tiles, Value row0, Value rowEnd,
                              Value panel0, int64_t vectors, bool partialLast,
                              Value kBegin, int64_t kGroups, KPhase phase) {
  int64_t perTile = shape.vectors, tileRows = shape.rows;
  // rowEnd - (rowEnd - row0) % R: the end of the full row tiles.
  Value fullEnd = arith::SubIOp::create(
      b, loc, rowEnd,
      arith::RemUIOp::create(b, loc,
                             arith::SubIOp::create(b, loc, rowEnd, row0),
                             index(tileRows)));
  // The rows for the micro-panel of B at vector0: full row tiles, then the
  // remaining rows one by one.
  auto rowsOf = [&](Tiles t, Value vector0, int64_t count, bool partial) {
    auto tile = [&](int64_t rows) {
      return [&, rows](Value row, Tiles inner) {
        return emitTile(inner, row, row0, vector0, panel0, rows, count, partial,
                        kBegin, kGroups, phase);
      };
    };
    t = loop(row0, fullEnd, tileRows, t, tile(tileRows));
    return loop(fullEnd, rowEnd, 1, t, tile(1));
  };
  // Full micro-panels never contain the partial vector.
  int64_t fullTiles = (partialLast ? vectors - 1 : vectors) / perTile;
  if (fullTiles > 0)
    tiles = loop(index(0), index(fullTiles), 1, tiles, [&](Value j, Tiles t) {
      Value vector0 = arith::AddIOp::create(
          b, loc, panel0, arith::MulIOp::create(b, loc, j, index(perTile)));
      return rowsOf(t, vector0, perTile, /*partial=*/false);
    });
  int64_t rest = vectors - fullTiles * perTile;
  if (rest > 0)
    tiles = rowsOf(
        tiles,
        arith::AddIOp::create(b, loc, panel0, index(fullTiles * perTile)), rest,
        partialLast);
  return tiles;
}

Tiles GemmEmitter::emitPanel(Tiles tiles, Value row0, Value rowEnd,
                             Value panel0, int64_t vectors, bool partialLast) {
  int64_t kBlock = blocking.kBlock, numKBlocks = blocking.numKBlocks;
  auto kBlockAt = [&](Tiles t, Value kBegin, int64_t kGroups, KPhase phase) {
    return emitKBlock(t, row0, rowEnd, panel0, vectors, partialLast, kBegin,
                      kGroups, phase);
  };
  if (numKBlocks == 1)
    return kBlockAt(tiles, index(0), gemm.kGroups, {true, true});
  tiles = kBlockAt(tiles, index(0), kBlock, {true, false});
  if (numKBlocks > 2)
    tiles = loop(
        index(1), index(numKBlocks - 1), 1, tiles, [&](Value block, Tiles t) {
          return kBlockAt(t,
                          arith::MulIOp::create(b, loc, block, index(kBlock)),
                          kBlock, {false, false});
        });
  int64_t lastBegin = (numKBlocks - 1) * kBlock;
  return kBlockAt(tiles, index(lastBegin), gemm.kGroups - lastBegin,
                  {false, true});
}

Value GemmEmitter::emit() {
  int64_t lanes = shape.lanes, panelVectors = blocking.panelVectors;
  int64_t numVectors = llvm::divideCeil(gemm.columns, lanes);
  bool partial = gemm.columns % lanes != 0;
  Tiles tiles{gemm.epilogue ? gemm.output : gemm.init, Value()};
  matchInit(tiles);
  nontemporalAlignment = chooseNontemporal(shape, gemm, tiles.out);
  if (blocking.numKBlocks > 1)
    tiles.partial = tensor::EmptyOp::create(
        b, loc, ArrayRef<int64_t>{blocking.blockRows, panelVectors * lanes},
        b.getI32Type());
  // Row blocks, then column panels: full ones (which never contain the
  // partial vector), then the rest.
  int64_t fullPanels = (partial ? numVectors - 1 : numVectors) / panelVectors;
  int64_t rest = numVectors - fullPanels * panelVectors;
  int64_t blockRows = blocking.blockRows;
  tiles = loop(
      index(0), gemm.rows, blockRows, tiles,
      [&](Value row0, Tiles t) {
        Value rowEnd = arith::MinUIOp::create(
            b, loc, arith::AddIOp::create(b, loc, row0, index(blockRows)),
            gemm.rows);
        // The full panels write disjoint columns; with K blocks they share the
        // partial accumulators, so only without them may they run in parallel.
        if (fullPanels > 0)
          t = loop(
              index(0), index(fullPanels), 1, t,
              [&](Value p, Tiles inner) {
                return emitPanel(
                    inner, row0, rowEnd,
                    arith::MulIOp::create(b, loc, p, index(panelVectors)),
                    panelVectors, /*partialLast=*/false);
              },
              /*independent=*/blocking.numKBlocks == 1, /*fence=*/true);
        if (rest > 0)
          t = emitPanel(t, row0, rowEnd, index(fullPanels * panelVectors), rest,
                        partial);
        return t;
      },
      /*independent=*/false, /*fence=*/true);
  return tiles.out;
}

void GemmEmitter::matchInit(Tiles &tiles) {
  SmallVector<tensor::CollapseShapeOp> collapses;
  Value c0 = gemm.init;
  while (auto collapse = c0.getDefiningOp<tensor::CollapseShapeOp>()) {
    collapses.push_back(collapse);
    c0 = collapse.getSrc();
  }
  Value dest;
  if (auto fill = c0.getDefiningOp<linalg::FillOp>()) {
    if (!fill.getInputs()[0].getType().isInteger(32))
      return;
    init.scalar = fill.getInputs()[0];
    dest = fill.getOutputs()[0];
  } else if (auto generic = c0.getDefiningOp<linalg::GenericOp>()) {
    // out[...] = channels[d] over an identity output, all loops parallel.
    if (generic.getNumDpsInputs() != 1 || generic.getNumDpsInits() != 1 ||
        generic.getNumParallelLoops() != generic.getNumLoops())
      return;
    Value channels = generic.getDpsInputs()[0];
    auto type = dyn_cast<RankedTensorType>(channels.getType());
    auto outType = cast<RankedTensorType>(c0.getType());
    int64_t rank = outType.getRank();
    SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
    Block &body = generic.getRegion().front();
    if (!type || type.getRank() != 1 || !type.hasStaticShape() ||
        !type.getElementType().isInteger(32) || !maps[1].isIdentity() ||
        maps[0].getNumResults() != 1 || body.getOperations().size() != 1 ||
        body.getTerminator()->getOperand(0) != body.getArgument(0))
      return;
    auto dim = dyn_cast<AffineDimExpr>(maps[0].getResult(0));
    if (!dim)
      return;
    // Matmul: the channel is the last dim (the columns); conv: dim 1 of
    // NCHW (the rows).
    unsigned channelDim = gemm.activationIsA ? rank - 1 : 1;
    if (dim.getPosition() != channelDim || outType.isDynamicDim(channelDim) ||
        outType.getDimSize(channelDim) != type.getDimSize(0))
      return;
    init.channels = channels;
    init.perRow = !gemm.activationIsA;
    dest = generic.getDpsInits()[0];
  } else {
    return;
  }
  if (gemm.epilogue)
    return;
  for (tensor::CollapseShapeOp collapse : llvm::reverse(collapses))
    dest =
        tensor::CollapseShapeOp::create(b, loc, collapse.getResultType(), dest,
                                        collapse.getReassociationIndices());
  tiles.out = dest;
}

Blocking GemmEmitter::chooseBlocking(const KernelShape &shape,
                                     const Gemm &gemm) {
  // Sizes for a 48 KiB L1 and a >= 1 MiB L2 (Ice Lake server), measured
  // with bench/int8_gemm.py (docs/Int8-kernels.md). A micro-panel of B of
  // up to 48 KiB: 32 KiB was as fast on the large squares and split K of
  // the example models' 49x64x576 GEMM, which was then slower.
  constexpr int64_t kMicroPanelBytes = 48 * 1024, kPanelColumns = 128,
                    kBlockRows = 256;
  int64_t groupBytes = shape.lanes * shape.group * shape.elementWidth / 8;
  int64_t maxK =
      std::max<int64_t>(1, kMicroPanelBytes / (groupBytes * shape.vectors));
  // One row tile (an M = 1 matmul) reads B once: K blocks would only add
  // the round trips of the partial accumulators.
  int64_t rowsDim = gemm.cPrefix.size();
  auto cType = cast<RankedTensorType>(gemm.init.getType());
  if (!cType.isDynamicDim(rowsDim) && cType.getDimSize(rowsDim) <= shape.rows)
    maxK = gemm.kGroups;
  Blocking blocking;
  blocking.numKBlocks = llvm::divideCeil(gemm.kGroups, maxK);
  blocking.kBlock = llvm::divideCeil(gemm.kGroups, blocking.numKBlocks);
  blocking.panelVectors = llvm::alignTo(
      llvm::divideCeil(kPanelColumns, shape.lanes), shape.vectors);
  blocking.blockRows = llvm::alignTo(kBlockRows, shape.rows);
  return blocking;
}

int64_t GemmEmitter::chooseNontemporal(const KernelShape &shape,
                                       const Gemm &gemm, Value out) {
  // Outputs larger than this (the L2 of the development machine is
  // 1.25 MiB) are written with streaming stores: bench/int8_gemm.py's 1024
  // and 2048 squares and 512x2048x512 were 7 to 21% faster, the 512 square
  // (1 MiB) the same (docs/Int8-kernels.md).
  constexpr int64_t kNontemporalBytes = 2 * 1024 * 1024;
  // A streaming store must be aligned to its size: the output must be a
  // fresh buffer (one-shot bufferization allocates a tensor.empty 64-byte
  // aligned) whose rows are a whole number of vectors.
  Value root = out;
  while (auto collapse = root.getDefiningOp<tensor::CollapseShapeOp>())
    root = collapse.getSrc();
  auto type = cast<RankedTensorType>(out.getType());
  int64_t vectorBytes = shape.lanes * 4;
  // Only the int32 accumulators themselves: the outputs of a fused
  // epilogue (i8; f32 only for a dequantization) keep the normal stores.
  if (gemm.epilogue || !root.getDefiningOp<tensor::EmptyOp>() ||
      !type.hasStaticShape() || type.getElementTypeBitWidth() != 32 ||
      gemm.columns % shape.lanes != 0 || vectorBytes > 64 ||
      type.getNumElements() * 4 < kNontemporalBytes)
    return 0;
  return vectorBytes;
}

Value int8kernels::emitGemm(OpBuilder &b, Location loc,
                            const KernelShape &shape, const Gemm &gemm) {
  return GemmEmitter(b, loc, shape, gemm).emit();
}
