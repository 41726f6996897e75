//===- MatMulOps.cpp - MatMul and Gemm --------------------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// MatMul (NumPy semantics: batch broadcasting, 1-D operands promoted through
// qnt.reshape) and Gemm (alpha, beta, transA, transB, broadcastable C) ->
// qnt.matmul. Gemm's alpha and beta are folded into constant operands; a
// 1-D (row) C becomes the matmul bias. A MatMul whose only user adds a
// constant row (PyTorch's Linear on 3-D inputs) takes it as its bias.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::onnx_import;

/// The float constant `v` times `factor`.
static OnnxValue scaleConstant(Importer &imp, const OnnxValue &v, float factor,
                               StringRef hint) {
  SmallVector<float> values;
  values.reserve(v.numElements());
  for (float x : v.floatValues())
    values.push_back(x * factor);
  return imp.floatConstant(v.shape, values, hint);
}

/// If `v` is a float constant that broadcasts like a row of `n` elements
/// (shape [N], [1, N], ...; at most `maxRank` dims), the same data as [N].
static std::optional<OnnxValue> asBiasRow(const OnnxValue &v, SymInt n,
                                          int64_t maxRank) {
  if (v.kind != OnnxValue::Kind::Float || !n.isKnown() || v.rank() > maxRank ||
      v.rank() == 0 || v.numElements() != n.value || v.shape.back() != n)
    return std::nullopt;
  return reshapeConstant(v, {n});
}

//===----------------------------------------------------------------------===//
// MatMul
//===----------------------------------------------------------------------===//

/// The constant row the only user of `out` adds, if that user is an Add
/// whose result has the matmul's shape; marks the Add as absorbed.
static std::optional<OnnxValue> takeBiasAdd(NodeImporter &n, StringRef out,
                                            ArrayRef<SymInt> resultShape) {
  Importer &imp = n.imp;
  std::optional<unsigned> user = imp.soleConsumer(out);
  if (!user || imp.absorbed[*user])
    return std::nullopt;
  const ::onnx::NodeProto &add = imp.model.graph().node(*user);
  if (add.op_type() != "Add" || add.input_size() != 2 ||
      add.output_size() != 1 || add.output(0).empty())
    return std::nullopt;
  StringRef other = add.input(0) == out ? add.input(1) : add.input(0);
  auto it = imp.values.find(other);
  if (it == imp.values.end())
    return std::nullopt;
  std::optional<OnnxValue> bias =
      asBiasRow(it->second, resultShape.back(), resultShape.size());
  if (!bias)
    return std::nullopt;
  imp.absorbed[*user] = true;
  return bias;
}

static LogicalResult importMatMul(NodeImporter &n) {
  if (failed(n.checkInputs(2, 2)))
    return failure();
  FailureOr<const OnnxValue *> a = n.floatInput(0, "lhs");
  FailureOr<const OnnxValue *> b = n.floatInput(1, "rhs");
  if (failed(a) || failed(b))
    return failure();
  SymShape as = (*a)->shape, bs = (*b)->shape;
  if (as.empty() || bs.empty())
    return n.error() << "MatMul: operands must have rank >= 1, got "
                     << formatShape(as) << " and " << formatShape(bs);
  bool vecL = as.size() == 1, vecR = bs.size() == 1;
  if (vecL)
    as.insert(as.begin(), SymInt::known(1));
  if (vecR)
    bs.push_back(SymInt::known(1));
  SymInt kL = as.back(), kR = bs[bs.size() - 2];
  if (kL.isKnown() && kR.isKnown() && kL != kR)
    return n.error() << "MatMul: contraction sizes differ: "
                     << formatShape((*a)->shape) << " x "
                     << formatShape((*b)->shape);
  std::optional<SymShape> shape =
      broadcastShapes(n.imp, ArrayRef<SymInt>(as).drop_back(2),
                      ArrayRef<SymInt>(bs).drop_back(2));
  if (!shape)
    return n.error() << "MatMul: batch dims of " << formatShape((*a)->shape)
                     << " and " << formatShape((*b)->shape)
                     << " do not broadcast";
  shape->push_back(as[as.size() - 2]);
  shape->push_back(bs.back());

  FailureOr<OnnxValue> lhs = n.reshape(**a, as);
  FailureOr<OnnxValue> rhs = n.reshape(**b, bs);
  if (failed(lhs) || failed(rhs))
    return failure();
  Value bias;
  if (!vecL && !vecR)
    if (std::optional<OnnxValue> row = takeBiasAdd(n, n.outputName(0), *shape))
      bias = n.imp.materialize(*row, n.loc);
  Value result = qnt::MatMulOp::create(n.builder(), n.loc, n.tensorType(*shape),
                                       n.imp.materialize(*lhs, n.loc),
                                       n.imp.materialize(*rhs, n.loc), bias);
  OnnxValue out = n.tensor(result, *shape);
  SymShape finalShape = *shape;
  if (vecR)
    finalShape.pop_back();
  if (vecL)
    finalShape.erase(finalShape.end() - (vecR ? 1 : 2));
  FailureOr<OnnxValue> reshaped = n.reshape(out, finalShape);
  if (failed(reshaped))
    return failure();
  if (bias) {
    // The absorbed Add defines the value its users read.
    const ::onnx::NodeProto &add =
        n.imp.model.graph().node(*n.imp.soleConsumer(n.outputName(0)));
    n.imp.values[add.output(0)] = *reshaped;
    return success();
  }
  n.setOutput(0, std::move(*reshaped));
  return success();
}

//===----------------------------------------------------------------------===//
// Gemm
//===----------------------------------------------------------------------===//

static LogicalResult importGemm(NodeImporter &n) {
  if (failed(n.checkInputs(2, 3)))
    return failure();
  FailureOr<float> alpha = n.floatAttr("alpha", 1.0f);
  FailureOr<float> beta = n.floatAttr("beta", 1.0f);
  FailureOr<bool> transA = n.boolAttr("transA", false);
  FailureOr<bool> transB = n.boolAttr("transB", false);
  FailureOr<const OnnxValue *> a = n.floatInput(0, "A");
  FailureOr<const OnnxValue *> b = n.floatInput(1, "B");
  if (failed(alpha) || failed(beta) || failed(transA) || failed(transB) ||
      failed(a) || failed(b))
    return failure();
  const SymShape &as = (*a)->shape, &bs = (*b)->shape;
  if (as.size() != 2 || bs.size() != 2)
    return n.error() << "Gemm: A and B must be matrices, got shapes "
                     << formatShape(as) << " and " << formatShape(bs);
  SymInt m = *transA ? as[1] : as[0], kA = *transA ? as[0] : as[1];
  SymInt kB = *transB ? bs[1] : bs[0], nDim = *transB ? bs[0] : bs[1];
  if (kA.isKnown() && kB.isKnown() && kA != kB)
    return n.error() << "Gemm: contraction sizes differ: A " << formatShape(as)
                     << (*transA ? " (transposed)" : "") << ", B "
                     << formatShape(bs) << (*transB ? " (transposed)" : "");
  SymShape shape = {m, nDim};
  Importer &imp = n.imp;

  // alpha * A * B: fold alpha into a constant operand if there is one.
  OnnxValue lhs = **a, rhs = **b;
  bool alphaAfter = false;
  if (*alpha != 1.0f) {
    if (rhs.kind == OnnxValue::Kind::Float)
      rhs = scaleConstant(imp, rhs, *alpha, n.inputName(1).str() + "_alpha");
    else if (lhs.kind == OnnxValue::Kind::Float)
      lhs = scaleConstant(imp, lhs, *alpha, n.inputName(0).str() + "_alpha");
    else
      alphaAfter = true;
  }

  // beta * C: a row becomes the bias, anything else is added afterwards.
  Value bias, addend;
  if (n.hasInput(2) && *beta != 0.0f) {
    FailureOr<const OnnxValue *> c = n.floatInput(2, "C");
    if (failed(c))
      return failure();
    std::optional<SymShape> cb = broadcastShapes(imp, (*c)->shape, shape);
    if (!cb || ArrayRef<SymInt>(*cb) != ArrayRef<SymInt>(shape))
      return n.error() << "Gemm: C of shape " << formatShape((*c)->shape)
                       << " does not broadcast to the result shape "
                       << formatShape(shape);
    OnnxValue cv = **c;
    if (cv.kind == OnnxValue::Kind::Float) {
      if (*beta != 1.0f)
        cv = scaleConstant(imp, cv, *beta, n.inputName(2).str() + "_beta");
      if (cv.numElements() == 1 && nDim.isKnown() && nDim.value > 1)
        cv = broadcastConstant(imp, cv, {nDim.value},
                               n.inputName(2).str() + "_row");
      if (std::optional<OnnxValue> row = asBiasRow(cv, nDim, 2))
        cv = *row;
    } else if (*beta != 1.0f) {
      Value betaValue =
          n.floatConstant({}, ArrayRef<float>{*beta}, n.name().str() + "_beta");
      Value scaled =
          qnt::MulOp::create(n.builder(), n.loc, n.tensorType(cv.shape),
                             imp.materialize(cv, n.loc), betaValue);
      cv = n.tensor(scaled, cv.shape);
    }
    Value cValue = imp.materialize(cv, n.loc);
    if (!alphaAfter && cv.rank() == 1 && cv.shape[0] == nDim)
      bias = cValue;
    else
      addend = cValue;
  }

  Value result = qnt::MatMulOp::create(
      n.builder(), n.loc, n.tensorType(shape), imp.materialize(lhs, n.loc),
      imp.materialize(rhs, n.loc), bias, *transA, *transB);
  if (alphaAfter) {
    Value alphaValue =
        n.floatConstant({}, ArrayRef<float>{*alpha}, n.name().str() + "_alpha");
    result = qnt::MulOp::create(n.builder(), n.loc, n.tensorType(shape), result,
                                alphaValue);
  }
  if (addend)
    result = qnt::AddOp::create(n.builder(), n.loc, n.tensorType(shape), result,
                                addend);
  n.setOutput(0, n.tensor(result, shape));
  return success();
}

void onnx_import::registerMatMulOps(OpTable &table) {
  table["MatMul"] = {importMatMul, 13, {}};
  table["Gemm"] = {importGemm, 13, {"alpha", "beta", "transA", "transB"}};
}
