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
// dot-product instruction per accumulator:
//
//   for i0 in rows step R:                 (then a remainder loop, R = 1)
//     for j0 in columns step V * L:        (then the remaining vectors)
//       acc[r][v] = C0[i0 + r][j0 + v*L : +L] (+ compensation)
//       for kg in K / G:
//         bv[v] = B[j0/L + v][kg]
//         for r: ab = broadcast(A[i0 + r][kg*G : +G])
//                acc[r][v] = dot(acc[r][v], ab, bv[v])
//       C[i0 + r][j0 + v*L : +L] = acc[r][v]
//
// The last vector of a row may be partial: its transfers are masked
// (in_bounds = false), the lanes past `columns` are neither read nor written.
//
//===----------------------------------------------------------------------===//

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

/// Emits the micro-kernels of one GEMM.
class GemmEmitter {
public:
  GemmEmitter(OpBuilder &b, Location loc, const KernelShape &shape,
              const Gemm &gemm)
      : b(b), loc(loc), shape(shape), gemm(gemm) {}

  Value emit();

private:
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  SmallVector<Value> indices(ArrayRef<Value> prefix, ValueRange rest) {
    SmallVector<Value> result(prefix);
    llvm::append_range(result, rest);
    return result;
  }
  /// A [rows x vectors] block at (row0, vector0); the last vector is
  /// partial if `partialLast`. Returns the updated C.
  Value emitBlock(Value c, Value row0, Value vector0, int64_t rows,
                  int64_t vectors, bool partialLast);
  /// The loops over column blocks for `rows` rows at row0.
  Value emitRowBlock(Value c, Value row0, int64_t rows);
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

  OpBuilder &b;
  Location loc;
  const KernelShape &shape;
  const Gemm &gemm;
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

Value GemmEmitter::emitBlock(Value c, Value row0, Value vector0, int64_t rows,
                             int64_t vectors, bool partialLast) {
  auto accType = VectorType::get({shape.lanes}, b.getI32Type());
  Value zero = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
  SmallVector<Value> rowIndex, columnIndex;
  for (int64_t r = 0; r < rows; ++r)
    rowIndex.push_back(arith::AddIOp::create(b, loc, row0, index(r)));
  for (int64_t v = 0; v < vectors; ++v)
    columnIndex.push_back(arith::MulIOp::create(
        b, loc, arith::AddIOp::create(b, loc, vector0, index(v)),
        index(shape.lanes)));
  auto isPartial = [&](int64_t v) { return partialLast && v == vectors - 1; };

  // The accumulators start at C0 (+ the compensation of shifted inputs),
  // read from the current C: this block has not written there yet.
  SmallVector<Value> accs;
  for (int64_t r = 0; r < rows; ++r) {
    Value rowComp;
    if (gemm.compensation && gemm.rowCompensation)
      rowComp = vector::BroadcastOp::create(
          b, loc, accType,
          tensor::ExtractOp::create(b, loc, gemm.compensation, rowIndex[r]));
    for (int64_t v = 0; v < vectors; ++v) {
      Value acc =
          readLanes(gemm.epilogue ? gemm.init : c,
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
      b, loc, index(0), index(gemm.kGroups), index(1), accs,
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
      if (gemm.epilogue)
        result =
            applyEpilogue(result, rowIndex[r], columnIndex[v], isPartial(v));
      c = writeLanes(result, c,
                     indices(gemm.cPrefix, {rowIndex[r], columnIndex[v]}),
                     isPartial(v));
    }
  return c;
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

Value GemmEmitter::emitRowBlock(Value c, Value row0, int64_t rows) {
  int64_t lanes = shape.lanes, perBlock = shape.vectors;
  int64_t numVectors = llvm::divideCeil(gemm.columns, lanes);
  bool partial = gemm.columns % lanes != 0;
  // Full blocks never contain the partial vector.
  int64_t fullBlocks = (partial ? numVectors - 1 : numVectors) / perBlock;
  if (fullBlocks > 0) {
    auto loop = scf::ForOp::create(
        b, loc, index(0), index(fullBlocks), index(1), ValueRange{c},
        [&](OpBuilder &nb, Location nloc, Value block, ValueRange iterArgs) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToStart(nb.getInsertionBlock());
          Value vector0 = arith::MulIOp::create(b, loc, block, index(perBlock));
          scf::YieldOp::create(b, loc,
                               emitBlock(iterArgs[0], row0, vector0, rows,
                                         perBlock, /*partialLast=*/false));
        });
    c = loop.getResult(0);
  }
  int64_t rest = numVectors - fullBlocks * perBlock;
  if (rest > 0)
    c = emitBlock(c, row0, index(fullBlocks * perBlock), rows, rest, partial);
  return c;
}

Value GemmEmitter::emit() {
  int64_t blockRows = shape.rows;
  // rows - rows % R full row blocks, then the remaining rows one by one.
  Value full = arith::SubIOp::create(
      b, loc, gemm.rows,
      arith::RemUIOp::create(b, loc, gemm.rows, index(blockRows)));
  auto rowLoop = [&](Value begin, Value end, int64_t rows, Value c) {
    return scf::ForOp::create(
               b, loc, begin, end, index(rows), ValueRange{c},
               [&](OpBuilder &nb, Location nloc, Value row0,
                   ValueRange iterArgs) {
                 OpBuilder::InsertionGuard guard(b);
                 b.setInsertionPointToStart(nb.getInsertionBlock());
                 scf::YieldOp::create(b, loc,
                                      emitRowBlock(iterArgs[0], row0, rows));
               })
        .getResult(0);
  };
  Value c = rowLoop(index(0), full, blockRows,
                    gemm.epilogue ? gemm.output : gemm.init);
  return rowLoop(full, gemm.rows, 1, c);
}

Value int8kernels::emitGemm(OpBuilder &b, Location loc,
                            const KernelShape &shape, const Gemm &gemm) {
  return GemmEmitter(b, loc, shape, gemm).emit();
}
