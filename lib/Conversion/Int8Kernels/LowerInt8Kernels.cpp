//===- LowerInt8Kernels.cpp - int8 conv/matmul to SIMD kernels --*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// qnt-lower-int8-kernels: matches the folded multiply-accumulates of
// convert-qnt-to-fixed-point (lib/Conversion/QntToFixedPoint/Linear.cpp),
// packs their constant weights at compile time and rewrites them into the
// GEMM of MicroKernels.cpp:
//
//   matmul  x[..., M, K] * w[K, N]: rows are the rows of x (batch dims
//           flattened), lanes output features; w packed [Np/L][Kp/G][L*G].
//   conv    rows are output channels, lanes the output pixels of one image;
//           w packed [F][Kp], the input rearranged at run time (im2col,
//           Im2col.cpp) into [Mp/L][Kp/G][L*G], per band of output rows.
//
//===----------------------------------------------------------------------===//

#include "Im2col.h"
#include "Matching.h"
#include "MicroKernels.h"

#include "quant-opt/Analysis/AccumulatorBounds.h"
#include "quant-opt/Conversion/Int8Kernels/Int8Kernels.h"
#include "quant-opt/Conversion/Passes.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::quantopt {
#define GEN_PASS_DEF_LOWERINT8KERNELSPASS
#include "quant-opt/Conversion/Passes.h.inc"
} // namespace mlir::quantopt

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::int8kernels;

// The matching and packing helpers are shared with Depthwise.cpp
// (Matching.h).
namespace mlir::quantopt::int8kernels {

//===----------------------------------------------------------------------===//
// Matching
//===----------------------------------------------------------------------===//

/// Signedness of an extension of an i8 block argument to i32, if `v` is one.
static std::optional<bool> extendedI8(Value v, Value arg) {
  Operation *op = v.getDefiningOp();
  if (!op || op->getNumOperands() != 1 || op->getOperand(0) != arg ||
      !arg.getType().isInteger(8) || !v.getType().isInteger(32))
    return std::nullopt;
  if (isa<arith::ExtSIOp>(op))
    return true;
  if (isa<arith::ExtUIOp>(op))
    return false;
  return std::nullopt;
}

std::optional<MacSignedness> matchMacBody(linalg::GenericOp generic) {
  Block &body = generic.getRegion().front();
  if (body.getNumArguments() != 3 || body.getOperations().size() != 5)
    return std::nullopt;
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddIOp>();
  if (!add)
    return std::nullopt;
  Value acc = body.getArgument(2);
  Value product = add.getLhs() == acc ? add.getRhs() : add.getLhs();
  if ((add.getLhs() == acc) == (add.getRhs() == acc))
    return std::nullopt;
  auto mul = product.getDefiningOp<arith::MulIOp>();
  if (!mul)
    return std::nullopt;
  for (auto [xv, wv] : {std::pair{mul.getLhs(), mul.getRhs()},
                        std::pair{mul.getRhs(), mul.getLhs()}}) {
    std::optional<bool> x = extendedI8(xv, body.getArgument(0));
    std::optional<bool> w = extendedI8(wv, body.getArgument(1));
    if (x && w)
      return MacSignedness{*x, *w};
  }
  return std::nullopt;
}

/// The constant integers of `value` (an arith.constant), read with
/// `isSigned`, if they all fit in s8.
std::optional<SmallVector<int64_t>> readWeights(Value value, bool isSigned) {
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return std::nullopt;
  std::optional<SmallVector<int64_t>> values =
      qnt::readConstantIntegers(constant.getValue(), isSigned);
  if (!values ||
      llvm::any_of(*values, [](int64_t v) { return v < -128 || v > 127; }))
    return std::nullopt;
  return values;
}

/// The value of a pure affine expression of dims and constants.
static std::optional<int64_t> evaluate(AffineExpr expr,
                                       ArrayRef<int64_t> dims) {
  if (auto dim = dyn_cast<AffineDimExpr>(expr))
    return dims[dim.getPosition()];
  if (auto constant = dyn_cast<AffineConstantExpr>(expr))
    return constant.getValue();
  auto binary = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!binary)
    return std::nullopt;
  std::optional<int64_t> lhs = evaluate(binary.getLHS(), dims);
  std::optional<int64_t> rhs = evaluate(binary.getRHS(), dims);
  if (!lhs || !rhs)
    return std::nullopt;
  if (expr.getKind() == AffineExprKind::Add)
    return *lhs + *rhs;
  if (expr.getKind() == AffineExprKind::Mul)
    return *lhs * *rhs;
  return std::nullopt;
}

std::optional<ConvOperands> matchConvOperands(linalg::GenericOp generic) {
  if (generic.getNumDpsInputs() != 2 || generic.getNumDpsInits() != 1)
    return std::nullopt;
  ConvOperands conv;
  conv.input = generic.getDpsInputs()[0];
  conv.weights = generic.getDpsInputs()[1];
  conv.init = generic.getDpsInits()[0];
  conv.inputType = dyn_cast<RankedTensorType>(conv.input.getType());
  conv.weightsType = dyn_cast<RankedTensorType>(conv.weights.getType());
  conv.initType = dyn_cast<RankedTensorType>(conv.init.getType());
  if (!conv.inputType || !conv.weightsType || !conv.initType ||
      conv.inputType.getRank() != 4 || conv.weightsType.getRank() != 4 ||
      conv.initType.getRank() != 4 || !conv.weightsType.hasStaticShape())
    return std::nullopt;
  for (int64_t i = 1; i < 4; ++i)
    if (conv.inputType.isDynamicDim(i) || conv.initType.isDynamicDim(i))
      return std::nullopt;
  return conv;
}

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
    loop->setAttr(qnt::QntDialect::getParallelAttrName(), b.getUnitAttr());
  return loop.getResult(0);
}

/// (stride, dilation) if `expr` is `out * stride + kernel * dilation` over
/// `numDims` dims.
std::optional<std::pair<int64_t, int64_t>>
matchWindow(AffineExpr expr, unsigned numDims, unsigned out, unsigned kernel) {
  SmallVector<int64_t> dims(numDims, 0);
  auto at = [&](int64_t o, int64_t k) {
    std::fill(dims.begin(), dims.end(), 0);
    dims[out] = o;
    dims[kernel] = k;
    return evaluate(expr, dims);
  };
  std::optional<int64_t> zero = at(0, 0), stride = at(1, 0),
                         dilation = at(0, 1), both = at(3, 5);
  if (!zero || !stride || !dilation || !both || *zero != 0 ||
      *both != 3 * *stride + 5 * *dilation || *stride <= 0 || *dilation <= 0)
    return std::nullopt;
  // No other dim may appear.
  for (unsigned d = 0; d < numDims; ++d) {
    if (d == out || d == kernel)
      continue;
    std::fill(dims.begin(), dims.end(), 0);
    dims[d] = 1;
    std::optional<int64_t> v = evaluate(expr, dims);
    if (!v || *v != 0)
      return std::nullopt;
  }
  return std::pair{*stride, *dilation};
}

//===----------------------------------------------------------------------===//
// Packing
//===----------------------------------------------------------------------===//

Value intConstant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  unsigned width, ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get(shape, b.getIntegerType(width));
  SmallVector<APInt> ints;
  ints.reserve(values.size());
  for (int64_t v : values)
    ints.push_back(APInt(width, v, /*isSigned=*/true));
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, ints));
}

/// The stored form of one activation element (flip the sign bit, or widen
/// to s16 for avx2).
static Value encodeActivation(OpBuilder &b, Location loc, Value x,
                              const KernelShape &shape,
                              const ActivationEncoding &encoding,
                              bool isSigned) {
  if (encoding.flipSignBit)
    x = arith::XOrIOp::create(
        b, loc, x,
        arith::ConstantOp::create(b, loc, b.getIntegerAttr(x.getType(), -128)));
  if (shape.elementWidth == 16) {
    Type i16 = b.getI16Type();
    x = isSigned ? arith::ExtSIOp::create(b, loc, i16, x).getResult()
                 : arith::ExtUIOp::create(b, loc, i16, x).getResult();
  }
  return x;
}

/// Per output channel `factor * sum_k w[k][c]`, padded to `padded`
/// entries, as an i32 constant; null if the factor is 0.
static Value compensation(OpBuilder &b, Location loc, int64_t factor,
                          ArrayRef<int64_t> sums, int64_t padded) {
  if (factor == 0)
    return {};
  SmallVector<int64_t> values(padded, 0);
  for (auto [i, s] : llvm::enumerate(sums))
    values[i] = factor * s;
  return intConstant(b, loc, {padded}, 32, values);
}

/// The per-channel start of the accumulators if `init` is a constant
/// broadcast along dim 1 (convert-qnt-to-fixed-point's bias and folded
/// zero-point correction: a linalg.generic broadcasting a constant 1-D
/// tensor of `channels` values, or a linalg.fill with a constant).
std::optional<SmallVector<int64_t>> matchChannelBroadcast(Value init,
                                                          int64_t channels) {
  if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
    APInt value;
    if (!matchPattern(fill.getInputs()[0], m_ConstantInt(&value)))
      return std::nullopt;
    return SmallVector<int64_t>(channels, value.getSExtValue());
  }
  auto broadcast = init.getDefiningOp<linalg::GenericOp>();
  if (!broadcast || broadcast.getNumDpsInputs() != 1 ||
      broadcast.getNumDpsInits() != 1 ||
      broadcast.getNumParallelLoops() != broadcast.getNumLoops())
    return std::nullopt;
  int64_t rank = broadcast.getNumLoops();
  MLIRContext *ctx = init.getContext();
  SmallVector<AffineMap> maps = broadcast.getIndexingMapsArray();
  Block &body = broadcast.getRegion().front();
  if (rank < 2 ||
      maps[0] != AffineMap::get(rank, 0, getAffineDimExpr(1, ctx), ctx) ||
      maps[1] != AffineMap::getMultiDimIdentityMap(rank, ctx) ||
      body.getOperations().size() != 1 ||
      body.getTerminator()->getOperand(0) != body.getArgument(0))
    return std::nullopt;
  auto constant =
      broadcast.getDpsInputs()[0].getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return std::nullopt;
  std::optional<SmallVector<int64_t>> values =
      qnt::readConstantIntegers(constant.getValue(), /*isSigned=*/true);
  if (!values || static_cast<int64_t>(values->size()) != channels)
    return std::nullopt;
  return values;
}

//===----------------------------------------------------------------------===//
// The fused epilogue
//===----------------------------------------------------------------------===//

/// The only user of `generic`'s result besides tensor.dim ops, if it is an
/// element-wise linalg.generic over the accumulators (first input, identity
/// map) and 1-D per-channel tensors (`channels` values along `channelDim`)
/// whose body isVectorizableEpilogue.
std::optional<FusedEpilogue>
matchEpilogue(linalg::GenericOp generic, int64_t channelDim, int64_t channels) {
  Value acc = generic.getResult(0);
  linalg::GenericOp consumer;
  for (OpOperand &use : acc.getUses()) {
    if (isa<tensor::DimOp>(use.getOwner()))
      continue;
    auto user = dyn_cast<linalg::GenericOp>(use.getOwner());
    if (!user || consumer)
      return std::nullopt;
    consumer = user;
  }
  if (!consumer || consumer.getNumDpsInits() != 1 ||
      consumer.getNumDpsInputs() < 1 || consumer.getDpsInputs()[0] != acc ||
      !isa<RankedTensorType>(consumer.getResult(0).getType()))
    return std::nullopt;
  int64_t rank = cast<RankedTensorType>(acc.getType()).getRank();
  if (consumer.getNumLoops() != rank || consumer.getNumParallelLoops() != rank)
    return std::nullopt;
  MLIRContext *ctx = generic.getContext();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap channel =
      AffineMap::get(rank, 0, getAffineDimExpr(channelDim, ctx), ctx);
  SmallVector<AffineMap> maps = consumer.getIndexingMapsArray();
  if (maps.front() != identity || maps.back() != identity)
    return std::nullopt;
  FusedEpilogue epilogue{consumer, {}};
  for (auto [i, input] : llvm::enumerate(consumer.getDpsInputs())) {
    if (i == 0)
      continue;
    auto type = dyn_cast<RankedTensorType>(input.getType());
    if (input == acc || !type || type.getRank() != 1 ||
        type.getDimSize(0) != channels || maps[i] != channel ||
        !type.getElementType().isIntOrFloat())
      return std::nullopt;
    epilogue.channelInputs.push_back(input);
  }
  Type result =
      cast<RankedTensorType>(consumer.getResult(0).getType()).getElementType();
  if (!result.isIntOrFloat() ||
      !isVectorizableEpilogue(consumer.getRegion().front()))
    return std::nullopt;
  return epilogue;
}

void replaceGeneric(RewriterBase &rewriter, linalg::GenericOp generic,
                    const std::optional<FusedEpilogue> &epilogue, Value init,
                    Value result) {
  if (!epilogue) {
    rewriter.replaceOp(generic, result);
    return;
  }
  for (OpOperand &use :
       llvm::make_early_inc_range(generic.getResult(0).getUses()))
    if (auto dim = dyn_cast<tensor::DimOp>(use.getOwner()))
      rewriter.modifyOpInPlace(dim,
                               [&] { dim.getSourceMutable().assign(init); });
  rewriter.replaceOp(epilogue->op, result);
  rewriter.eraseOp(generic);
}

void eraseDeadBroadcast(RewriterBase &rewriter, Value init) {
  if (!init.use_empty())
    return;
  Operation *broadcast = init.getDefiningOp();
  SmallVector<Value> operands(broadcast->getOperands());
  rewriter.eraseOp(broadcast);
  for (Value operand : operands)
    if (auto constant = operand.getDefiningOp<arith::ConstantOp>();
        constant && constant->use_empty())
      rewriter.eraseOp(constant);
}

} // namespace mlir::quantopt::int8kernels

namespace {

//===----------------------------------------------------------------------===//
// Rewrites
//===----------------------------------------------------------------------===//

/// x[..., M, K] * w[K, N] + init[..., M, N].
LogicalResult rewriteMatMul(RewriterBase &rewriter, linalg::GenericOp generic,
                            const KernelShape &shape) {
  std::optional<MacSignedness> signedness = matchMacBody(generic);
  if (!signedness || generic.getNumDpsInputs() != 2)
    return failure();
  Value x = generic.getDpsInputs()[0], w = generic.getDpsInputs()[1];
  Value init = generic.getDpsInits()[0];
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  auto initType = cast<RankedTensorType>(init.getType());
  int64_t rank = initType.getRank();
  if (rank < 2 || xType.getRank() != rank || wType.getRank() != 2 ||
      !wType.hasStaticShape() || initType.isDynamicDim(rank - 1))
    return failure();
  MLIRContext *ctx = generic.getContext();
  int64_t batch = rank - 2;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> xExprs, outExprs;
  for (int64_t i = 0; i < batch; ++i) {
    xExprs.push_back(d(i));
    outExprs.push_back(d(i));
  }
  xExprs.append({d(batch), d(batch + 1)});
  outExprs.append({d(batch), d(batch + 2)});
  SmallVector<AffineMap> expected = {
      AffineMap::get(rank + 1, 0, xExprs, ctx),
      AffineMap::get(rank + 1, 0, {d(batch + 1), d(batch + 2)}, ctx),
      AffineMap::get(rank + 1, 0, outExprs, ctx)};
  if (generic.getIndexingMapsArray() != ArrayRef<AffineMap>(expected))
    return failure();
  std::optional<SmallVector<int64_t>> weights =
      readWeights(w, signedness->weight);
  if (!weights)
    return failure();
  // Broadcast batch dims would index x by a constant: excluded by the map.
  for (int64_t i = 0; i < rank - 1; ++i)
    if (!xType.isDynamicDim(i) && !initType.isDynamicDim(i) &&
        xType.getDimSize(i) != initType.getDimSize(i))
      return failure();

  int64_t k = wType.getDimSize(0), n = wType.getDimSize(1);
  int64_t lanes = shape.lanes, group = shape.group;
  int64_t kp = llvm::alignTo(k, group), nb = llvm::divideCeil(n, lanes);
  ActivationEncoding encoding =
      getActivationEncoding(shape.target, signedness->input);

  Location loc = generic.getLoc();
  std::optional<FusedEpilogue> epilogue = matchEpilogue(generic, rank - 1, n);
  if (epilogue)
    rewriter.setInsertionPoint(epilogue->op);
  else
    rewriter.setInsertionPoint(generic);
  // w packed [Nb][Kp/G][L*G], zero-padded.
  SmallVector<int64_t> packed(nb * kp * lanes, 0), sums(n, 0);
  for (int64_t kk = 0; kk < k; ++kk)
    for (int64_t nn = 0; nn < n; ++nn) {
      int64_t v = (*weights)[kk * n + nn];
      sums[nn] += v;
      int64_t index =
          ((nn / lanes) * (kp / group) + kk / group) * (lanes * group) +
          (nn % lanes) * group + kk % group;
      packed[index] = v;
    }
  Value packedW = intConstant(rewriter, loc, {nb, kp / group, lanes * group},
                              shape.elementWidth, packed);

  // x as [R, Kp] rows of stored activations.
  SmallVector<ReassociationIndices> collapse;
  ReassociationIndices rowDims;
  for (int64_t i = 0; i < rank - 1; ++i)
    rowDims.push_back(i);
  collapse.push_back(rowDims);
  collapse.push_back({rank - 1});
  Value rowsX = x, rowsInit = init;
  if (rank > 2) {
    rowsX = tensor::CollapseShapeOp::create(rewriter, loc, x, collapse);
    rowsInit = tensor::CollapseShapeOp::create(rewriter, loc, init, collapse);
  }
  Type element = rewriter.getIntegerType(shape.elementWidth);
  if (encoding.flipSignBit || shape.elementWidth != 8) {
    auto rowsType = cast<RankedTensorType>(rowsX.getType());
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, rowsX);
    Value empty = tensor::EmptyOp::create(rewriter, loc, sizes, element);
    AffineMap id = rewriter.getMultiDimIdentityMap(2);
    bool isSigned = signedness->input;
    rowsX =
        linalg::GenericOp::create(
            rewriter, loc, rowsType.clone(element), rowsX, empty,
            ArrayRef<AffineMap>{id, id},
            SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
            [&](OpBuilder &nb, Location l, ValueRange args) {
              linalg::YieldOp::create(
                  nb, l,
                  encodeActivation(nb, l, args[0], shape, encoding, isSigned));
            })
            .getResult(0);
  }
  if (kp != k) {
    Value zero =
        arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(element));
    SmallVector<OpFoldResult> low(2, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> high = {rewriter.getIndexAttr(0),
                                      rewriter.getIndexAttr(kp - k)};
    rowsX =
        tensor::PadOp::create(rewriter, loc, Type(), rowsX, low, high, zero);
  }

  Gemm gemm;
  gemm.a = rowsX;
  gemm.b = packedW;
  gemm.init = rowsInit;
  gemm.rows = tensor::DimOp::create(rewriter, loc, rowsInit, 0);
  gemm.columns = n;
  gemm.kGroups = kp / group;
  gemm.activationIsA = true;
  gemm.activationSigned = encoding.isSigned;
  gemm.compensation = compensation(rewriter, loc, encoding.compensationFactor,
                                   sums, nb * lanes);
  gemm.rowCompensation = false;
  RankedTensorType resultType = initType;
  if (epilogue) {
    resultType = cast<RankedTensorType>(epilogue->op.getResult(0).getType());
    Value output = tensor::EmptyOp::create(
        rewriter, loc, tensor::getMixedSizes(rewriter, loc, init),
        resultType.getElementType());
    if (rank > 2)
      output = tensor::CollapseShapeOp::create(rewriter, loc, output, collapse);
    gemm.epilogue = &epilogue->op.getRegion().front();
    gemm.channelInputs = epilogue->channelInputs;
    gemm.output = output;
  }
  Value c = emitGemm(rewriter, loc, shape, gemm);
  if (rank > 2)
    c = tensor::ExpandShapeOp::create(
        rewriter, loc, resultType, c, collapse,
        tensor::getMixedSizes(rewriter, loc, init));
  replaceGeneric(rewriter, generic, epilogue, init, c);
  return success();
}

/// conv2d, groups = 1, NCHW, on the padded input.
LogicalResult rewriteConv(RewriterBase &rewriter, linalg::GenericOp generic,
                          const KernelShape &shape) {
  std::optional<MacSignedness> signedness = matchMacBody(generic);
  if (!signedness || generic.getNumDpsInputs() != 2 ||
      generic.getNumLoops() != 7)
    return failure();
  std::optional<ConvOperands> conv = matchConvOperands(generic);
  if (!conv)
    return failure();
  Value input = conv->input, w = conv->weights, init = conv->init;
  RankedTensorType wType = conv->weightsType, initType = conv->initType;
  MLIRContext *ctx = generic.getContext();
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  AffineMap inputMap = maps[0];
  if (inputMap.getNumResults() != 4 || inputMap.getResult(0) != d(0) ||
      inputMap.getResult(1) != d(2) ||
      maps[1] != AffineMap::get(7, 0, {d(1), d(2), d(3), d(4)}, ctx) ||
      maps[2] != AffineMap::get(7, 0, {d(0), d(1), d(5), d(6)}, ctx))
    return failure();
  auto windowH = matchWindow(inputMap.getResult(2), 7, 5, 3);
  auto windowW = matchWindow(inputMap.getResult(3), 7, 6, 4);
  if (!windowH || !windowW)
    return failure();
  std::optional<SmallVector<int64_t>> weights =
      readWeights(w, signedness->weight);
  if (!weights)
    return failure();

  int64_t f = wType.getDimSize(0), cin = wType.getDimSize(1);
  int64_t kh = wType.getDimSize(2), kw = wType.getDimSize(3);
  int64_t oh = initType.getDimSize(2), ow = initType.getDimSize(3);
  int64_t k = cin * kh * kw;
  int64_t group = shape.group;
  int64_t kp = llvm::alignTo(k, group);
  ActivationEncoding encoding =
      getActivationEncoding(shape.target, signedness->input);
  Location loc = generic.getLoc();
  std::optional<FusedEpilogue> epilogue = matchEpilogue(generic, 1, f);
  if (epilogue)
    rewriter.setInsertionPoint(epilogue->op);
  else
    rewriter.setInsertionPoint(generic);

  // w packed [F][Kp], zero-padded.
  SmallVector<int64_t> packed(f * kp, 0), sums(f, 0);
  for (int64_t ff = 0; ff < f; ++ff)
    for (int64_t kk = 0; kk < k; ++kk) {
      packed[ff * kp + kk] = (*weights)[ff * k + kk];
      sums[ff] += (*weights)[ff * k + kk];
    }
  Value packedW =
      intConstant(rewriter, loc, {f, kp}, shape.elementWidth, packed);

  // The input as the rearrangement reads it: a spatial tensor.pad by a
  // constant is read implicitly from its source.
  auto [strideH, dilationH] = *windowH;
  auto [strideW, dilationW] = *windowW;
  ConvGeometry geometry;
  geometry.source = input;
  if (auto pad = input.getDefiningOp<tensor::PadOp>()) {
    auto sourceType = cast<RankedTensorType>(pad.getSourceType());
    ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
    Value padValue = pad.getConstantPaddingValue();
    if (padValue && !sourceType.isDynamicDim(2) &&
        !sourceType.isDynamicDim(3) && low[0] == 0 && low[1] == 0 &&
        high[0] == 0 && high[1] == 0 &&
        llvm::none_of(llvm::concat<const int64_t>(low, high),
                      ShapedType::isDynamic)) {
      geometry.source = pad.getSource();
      geometry.padValue = padValue;
      geometry.padTop = low[2];
      geometry.padLeft = low[3];
    }
  }
  auto sourceType = cast<RankedTensorType>(geometry.source.getType());
  geometry.channels = cin;
  geometry.height = sourceType.getDimSize(2);
  geometry.width = sourceType.getDimSize(3);
  geometry.kernelH = kh;
  geometry.kernelW = kw;
  geometry.strideH = strideH;
  geometry.strideW = strideW;
  geometry.dilationH = dilationH;
  geometry.dilationW = dilationW;
  geometry.outH = oh;
  geometry.outW = ow;
  geometry.isSigned = signedness->input;
  Value batch = tensor::DimOp::create(rewriter, loc, geometry.source, 0);

  // One GEMM per image, on [F, M] slices of the [B, F, M] accumulators (or
  // epilogue output). When the accumulators start at a constant per
  // channel and only the epilogue reads them, that start joins the per-row
  // compensation and C0 is a constant 0: the broadcast is not materialized.
  SmallVector<ReassociationIndices> collapse = {{0}, {1}, {2, 3}};
  std::optional<SmallVector<int64_t>> channelStart;
  if (epilogue)
    channelStart = matchChannelBroadcast(init, f);
  // A tensor of init's shape that does not keep the broadcast alive.
  Value shaped =
      channelStart
          ? init.getDefiningOp<DestinationStyleOpInterface>().getDpsInits()[0]
          : init;
  RankedTensorType resultType = initType;
  Value flatInit, flatOutput;
  if (!channelStart)
    flatInit = tensor::CollapseShapeOp::create(rewriter, loc, init, collapse);
  if (epilogue) {
    resultType = cast<RankedTensorType>(epilogue->op.getResult(0).getType());
    flatOutput = tensor::CollapseShapeOp::create(
        rewriter, loc,
        tensor::EmptyOp::create(rewriter, loc,
                                tensor::getMixedSizes(rewriter, loc, shaped),
                                resultType.getElementType()),
        collapse);
  }
  SmallVector<int64_t> rowStart(f, 0);
  for (int64_t ff = 0; ff < f; ++ff)
    rowStart[ff] = encoding.compensationFactor * sums[ff] +
                   (channelStart ? (*channelStart)[ff] : 0);
  Value comp;
  if (llvm::any_of(rowStart, [](int64_t v) { return v != 0; }))
    comp = intConstant(rewriter, loc, {f}, 32, rowStart);
  // The GEMM of the output rows [firstRow, firstRow + rows) of `image`:
  // columns [firstRow * OW, (firstRow + rows) * OW) of its [F, M] slice.
  auto emitBand = [&](OpBuilder &nb, Location l, Value acc, Value image,
                      Value firstRow, int64_t rows) -> Value {
    int64_t columns = rows * ow;
    Value column0 = arith::MulIOp::create(
        nb, l, firstRow, arith::ConstantIndexOp::create(nb, l, ow));
    SmallVector<OpFoldResult> offsets = {image, nb.getIndexAttr(0), column0};
    SmallVector<OpFoldResult> sizes = {nb.getIndexAttr(1), nb.getIndexAttr(f),
                                       nb.getIndexAttr(columns)};
    SmallVector<OpFoldResult> strides(3, nb.getIndexAttr(1));
    auto slice = [&](Value t) -> Value {
      Type element = cast<RankedTensorType>(t.getType()).getElementType();
      return tensor::ExtractSliceOp::create(
          nb, l, RankedTensorType::get({f, columns}, element), t, offsets,
          sizes, strides);
    };
    Gemm gemm;
    gemm.a = packedW;
    gemm.b =
        emitIm2col(nb, l, shape, encoding, geometry, image, firstRow, rows);
    if (epilogue) {
      gemm.init = channelStart ? intConstant(nb, l, {f, columns}, 32, {0})
                               : slice(flatInit);
      gemm.epilogue = &epilogue->op.getRegion().front();
      gemm.channelInputs = epilogue->channelInputs;
      gemm.output = slice(acc);
    } else {
      gemm.init = slice(acc);
    }
    gemm.rows = arith::ConstantIndexOp::create(nb, l, f);
    gemm.columns = columns;
    gemm.kGroups = kp / group;
    gemm.activationIsA = false;
    gemm.activationSigned = encoding.isSigned;
    gemm.compensation = comp;
    gemm.rowCompensation = true;
    Value c = emitGemm(nb, l, shape, gemm);
    return tensor::InsertSliceOp::create(nb, l, c, acc, offsets, sizes,
                                         strides);
  };
  int64_t bandRows = chooseBandRows(geometry, shape);
  int64_t fullBands = oh / bandRows, lastRows = oh % bandRows;
  // Images, then bands: every band writes its own columns of its image's
  // slice and rearranges into its own buffer, so the loops are marked
  // qnt.parallel (qnt-parallelize-loops splits the image x band nest). The
  // shorter last band gets a loop over the images of its own, so that the
  // full bands stay a perfect nest.
  Value acc = epilogue ? flatOutput : flatInit;
  if (fullBands > 0) {
    Value bands = arith::ConstantIndexOp::create(rewriter, loc, fullBands);
    Value rowsPerBand = arith::ConstantIndexOp::create(rewriter, loc, bandRows);
    acc = forEach(
        rewriter, loc, batch, acc,
        [&](OpBuilder &b, Value image, Value a) {
          return forEach(
              b, loc, bands, a,
              [&](OpBuilder &bb, Value band, Value t) {
                Value firstRow =
                    arith::MulIOp::create(bb, loc, band, rowsPerBand);
                return emitBand(bb, loc, t, image, firstRow, bandRows);
              },
              /*parallel=*/true);
        },
        /*parallel=*/true);
  }
  if (lastRows > 0) {
    Value firstRow =
        arith::ConstantIndexOp::create(rewriter, loc, fullBands * bandRows);
    acc = forEach(
        rewriter, loc, batch, acc,
        [&](OpBuilder &b, Value image, Value a) {
          return emitBand(b, loc, a, image, firstRow, lastRows);
        },
        /*parallel=*/true);
  }
  Value result = tensor::ExpandShapeOp::create(
      rewriter, loc, resultType, acc, collapse,
      tensor::getMixedSizes(rewriter, loc, shaped));
  replaceGeneric(rewriter, generic, epilogue, shaped, result);
  if (channelStart)
    eraseDeadBroadcast(rewriter, init);
  // The padded input is read through its source.
  if (auto pad = input.getDefiningOp<tensor::PadOp>(); pad && pad->use_empty())
    rewriter.eraseOp(pad);
  return success();
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct LowerInt8KernelsPass
    : public quantopt::impl::LowerInt8KernelsPassBase<LowerInt8KernelsPass> {
  using LowerInt8KernelsPassBase::LowerInt8KernelsPassBase;

  void runOnOperation() override {
    std::string name = target == "host" ? hostInt8KernelTarget() : target;
    std::optional<Target> parsed = parseTarget(name);
    if (!parsed) {
      getOperation()->emitError()
          << "qnt-lower-int8-kernels: unknown target '" << target
          << "' (expected host, avx512-vnni, avx2, portable or arm-dotprod)";
      return signalPassFailure();
    }
    KernelShape shape = getKernelShape(*parsed);
    SmallVector<linalg::GenericOp> generics;
    getOperation()->walk([&](linalg::GenericOp g) { generics.push_back(g); });
    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp generic : generics)
      if (failed(rewriteConv(rewriter, generic, shape)) &&
          failed(rewriteDepthwiseConv(rewriter, generic, shape)))
        (void)rewriteMatMul(rewriter, generic, shape);
  }
};

} // namespace
