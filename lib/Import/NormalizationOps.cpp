//===- NormalizationOps.cpp - normalizations and reductions -----*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// BatchNormalization (inference form) -> qnt.batch_norm,
// LayerNormalization -> qnt.layer_norm, ReduceMean -> qnt.reduce_mean.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::onnx_import;

static LogicalResult checkEpsilon(NodeImporter &n, float eps) {
  if (!(eps >= 0.0f) || !std::isfinite(eps))
    return n.error() << n.opType() << ": epsilon " << eps
                     << " must be finite and non-negative";
  return success();
}

static LogicalResult importBatchNormalization(NodeImporter &n) {
  if (failed(n.checkInputs(5, 5)))
    return failure();
  FailureOr<float> eps = n.floatAttr("epsilon", 1e-5f);
  FailureOr<float> momentum = n.floatAttr("momentum", 0.9f);
  FailureOr<bool> training = n.boolAttr("training_mode", false);
  if (failed(eps) || failed(momentum) || failed(training) ||
      failed(checkEpsilon(n, *eps)))
    return failure();
  if (*training)
    return n.error() << "BatchNormalization: training_mode = 1 is not "
                        "supported; export the model in inference mode";
  FailureOr<Value> x = n.tensorInput(0, "input");
  if (failed(x))
    return failure();
  const SymShape &shape = n.input(0).shape;
  if (shape.size() < 2)
    return n.error() << "BatchNormalization: the input must have rank >= 2 "
                        "(N x C x ...), it has shape "
                     << formatShape(shape);
  SymInt channels = shape[1];
  static const char *const roles[] = {"scale", "bias", "mean", "variance"};
  SmallVector<Value, 4> params;
  for (unsigned i = 1; i <= 4; ++i) {
    FailureOr<const OnnxValue *> p = n.floatInput(i, roles[i - 1]);
    if (failed(p))
      return failure();
    const SymShape &ps = (*p)->shape;
    if (ps.size() != 1 ||
        (channels.isKnown() && ps[0].isKnown() && ps[0] != channels))
      return n.error() << "BatchNormalization: the " << roles[i - 1]
                       << " must be 1-D with one element per channel ("
                       << formatShape({channels}) << "), it has shape "
                       << formatShape(ps);
    params.push_back(n.imp.materialize(**p, n.loc));
  }
  Value result =
      qnt::BatchNormOp::create(n.builder(), n.loc, x->getType(), *x, params[0],
                               params[1], params[2], params[3], APFloat(*eps));
  n.setOutput(0, n.tensor(result, shape));
  return success();
}

/// A LayerNormalization parameter with exactly the normalized shape.
static FailureOr<Value> layerNormParam(NodeImporter &n, unsigned i,
                                       StringRef role,
                                       ArrayRef<SymInt> normalized) {
  FailureOr<const OnnxValue *> p = n.floatInput(i, role);
  if (failed(p))
    return failure();
  const OnnxValue &v = **p;
  if (ArrayRef<SymInt>(v.shape) == normalized)
    return n.imp.materialize(v, n.loc);
  // A constant that broadcasts to the normalized shape is expanded.
  std::optional<SmallVector<int64_t>> dims = knownValues(normalized);
  std::optional<SymShape> b = broadcastShapes(n.imp, v.shape, normalized);
  if (v.kind == OnnxValue::Kind::Float && dims && b &&
      ArrayRef<SymInt>(*b) == normalized)
    return n.imp.materialize(broadcastConstant(n.imp, v, *dims, n.inputName(i)),
                             n.loc);
  return n.error() << "LayerNormalization: the " << role << " has shape "
                   << formatShape(v.shape)
                   << ", it must have the normalized shape "
                   << formatShape(normalized);
}

static LogicalResult importLayerNormalization(NodeImporter &n) {
  if (failed(n.checkInputs(2, 3)))
    return failure();
  FailureOr<int64_t> axis = n.intAttr("axis", -1);
  FailureOr<float> eps = n.floatAttr("epsilon", 1e-5f);
  FailureOr<int64_t> stash = n.intAttr("stash_type", 1);
  if (failed(axis) || failed(eps) || failed(stash) ||
      failed(checkEpsilon(n, *eps)))
    return failure();
  FailureOr<Value> x = n.tensorInput(0, "input");
  if (failed(x))
    return failure();
  const SymShape &shape = n.input(0).shape;
  FailureOr<int64_t> a = n.normalizeAxis(*axis, shape.size(), "axis");
  if (failed(a))
    return failure();
  ArrayRef<SymInt> normalized = ArrayRef<SymInt>(shape).drop_front(*a);
  FailureOr<Value> scale = layerNormParam(n, 1, "scale", normalized);
  if (failed(scale))
    return failure();
  Value bias;
  if (n.hasInput(2)) {
    FailureOr<Value> b = layerNormParam(n, 2, "bias", normalized);
    if (failed(b))
      return failure();
    bias = *b;
  }
  Value result = qnt::LayerNormOp::create(n.builder(), n.loc, x->getType(), *x,
                                          *scale, bias, *a, APFloat(*eps));
  n.setOutput(0, n.tensor(result, shape));
  return success();
}

static LogicalResult importReduceMean(NodeImporter &n) {
  bool axesAsInput = n.opset() >= 18;
  if (failed(n.checkInputs(1, axesAsInput ? 2 : 1)))
    return failure();
  FailureOr<bool> keepDims = n.boolAttr("keepdims", true);
  FailureOr<bool> noop = n.boolAttr("noop_with_empty_axes", false);
  if (failed(keepDims) || failed(noop))
    return failure();
  SmallVector<int64_t> axes;
  if (axesAsInput) {
    if (n.attr("axes"))
      return n.error() << "ReduceMean: from opset 18 the axes are an input, "
                          "not an attribute";
    if (n.hasInput(1)) {
      FailureOr<SmallVector<int64_t>> v = n.intConstInput(1, "axes");
      if (failed(v))
        return failure();
      axes = *v;
    }
  } else {
    if (n.attr("noop_with_empty_axes"))
      return n.error() << "ReduceMean: noop_with_empty_axes needs opset 18";
    FailureOr<std::optional<SmallVector<int64_t>>> v = n.intsAttr("axes");
    if (failed(v))
      return failure();
    if (*v)
      axes = **v;
  }
  FailureOr<const OnnxValue *> in = n.floatInput(0, "input");
  if (failed(in))
    return failure();
  const SymShape &shape = (*in)->shape;
  int64_t rank = shape.size();
  if (axes.empty()) {
    if (*noop) {
      n.setOutput(0, **in);
      return success();
    }
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  for (int64_t &axis : axes) {
    FailureOr<int64_t> a = n.normalizeAxis(axis, rank, "axis");
    if (failed(a))
      return failure();
    axis = *a;
  }
  llvm::sort(axes);
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    return n.error() << "ReduceMean: axes " << formatInts(axes)
                     << " repeat an axis";
  SymShape resultShape;
  for (int64_t d = 0; d < rank; ++d) {
    if (!llvm::is_contained(axes, d))
      resultShape.push_back(shape[d]);
    else if (*keepDims)
      resultShape.push_back(SymInt::known(1));
  }
  Value x = n.imp.materialize(**in, n.loc);
  Value result = qnt::ReduceMeanOp::create(
      n.builder(), n.loc, n.tensorType(resultShape), x, axes, *keepDims);
  n.setOutput(0, n.tensor(result, resultShape));
  return success();
}

void onnx_import::registerNormalizationOps(OpTable &table) {
  table["BatchNormalization"] = {
      importBatchNormalization, 9, {"epsilon", "momentum", "training_mode"}};
  table["LayerNormalization"] = {
      importLayerNormalization, 17, {"axis", "epsilon", "stash_type"}};
  table["ReduceMean"] = {
      importReduceMean, 13, {"axes", "keepdims", "noop_with_empty_axes"}};
}
