//===- ElementwiseOps.cpp - element-wise ops and activations ----*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Add, Sub, Mul, Div (NumPy broadcasting; folded when both operands are
// constant), Relu, Clip, Sigmoid, Tanh, Erf, HardSigmoid, HardSwish, Gelu
// and Softmax; and the recognition of GELU in its Erf form
// (x * (1 + erf(x / sqrt(2))) * 0.5, as PyTorch exports it before opset 20).
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::onnx_import;

//===----------------------------------------------------------------------===//
// GELU in its Erf form
//===----------------------------------------------------------------------===//

/// True if `name` is a float32 constant with one element within relative
/// `tol` of `expected`, whose rank is at most `rank` (so that broadcasting
/// with it keeps the other operand's shape).
static bool isScalarConstant(const Importer &imp, StringRef name,
                             double expected, double tol, int64_t rank) {
  auto it = imp.values.find(name);
  if (it == imp.values.end())
    return false;
  const OnnxValue &v = it->second;
  if (v.kind != OnnxValue::Kind::Float || v.numElements() != 1 ||
      v.rank() > rank)
    return false;
  return std::fabs(v.floatValues().front() - expected) <=
         tol * std::fabs(expected);
}

/// The node with op type `opType` that is the only user of `value`, if any.
static const ::onnx::NodeProto *soleUser(const Importer &imp, StringRef value,
                                         StringRef opType, unsigned &index) {
  std::optional<unsigned> user = imp.soleConsumer(value);
  if (!user || imp.absorbed[*user])
    return nullptr;
  const ::onnx::NodeProto &node = imp.model.graph().node(*user);
  if (node.op_type() != opType || node.output_size() != 1)
    return nullptr;
  index = *user;
  return &node;
}

/// For a binary node one of whose inputs is `name`: the other input.
static std::optional<StringRef> otherInput(const ::onnx::NodeProto &node,
                                           StringRef name) {
  if (node.input_size() != 2)
    return std::nullopt;
  if (node.input(0) == name)
    return StringRef(node.input(1));
  if (node.input(1) == name)
    return StringRef(node.input(0));
  return std::nullopt;
}

/// Matches `x / sqrt(2)` (or `x * (1/sqrt(2))`) -> Erf -> Add 1 -> Mul x ->
/// Mul 0.5, where every intermediate has one user, and imports it as one
/// qnt.gelu. Returns false (and imports nothing) if the pattern differs.
static bool tryGelu(NodeImporter &n) {
  Importer &imp = n.imp;
  if (n.numInputs() != 2 || n.numOutputs() != 1)
    return false;
  const double sqrt2 = std::sqrt(2.0), tol = 1e-6;
  unsigned xi = 0;
  if (n.opType() == "Div") {
    if (!isScalarConstant(imp, n.inputName(1), sqrt2, tol, n.input(0).rank()))
      return false;
  } else if (isScalarConstant(imp, n.inputName(1), 1 / sqrt2, tol,
                              n.input(0).rank())) {
    xi = 0;
  } else if (isScalarConstant(imp, n.inputName(0), 1 / sqrt2, tol,
                              n.input(1).rank())) {
    xi = 1;
  } else {
    return false;
  }
  const OnnxValue &x = n.input(xi);
  StringRef xName = n.inputName(xi);
  if (x.kind != OnnxValue::Kind::Tensor)
    return false;
  int64_t rank = x.rank();

  unsigned erfIdx, addIdx, mulIdx, halfIdx;
  const ::onnx::NodeProto *erf = soleUser(imp, n.outputName(0), "Erf", erfIdx);
  if (!erf)
    return false;
  const ::onnx::NodeProto *add = soleUser(imp, erf->output(0), "Add", addIdx);
  if (!add)
    return false;
  std::optional<StringRef> one = otherInput(*add, erf->output(0));
  if (!one || !isScalarConstant(imp, *one, 1.0, 0.0, rank))
    return false;
  const ::onnx::NodeProto *mul = soleUser(imp, add->output(0), "Mul", mulIdx);
  if (!mul || otherInput(*mul, add->output(0)) != xName)
    return false;
  const ::onnx::NodeProto *half = soleUser(imp, mul->output(0), "Mul", halfIdx);
  if (!half)
    return false;
  std::optional<StringRef> c = otherInput(*half, mul->output(0));
  if (!c || !isScalarConstant(imp, *c, 0.5, 0.0, rank))
    return false;

  Value gelu = qnt::GeluOp::create(n.builder(), n.loc, x.value.getType(),
                                   x.value, /*tanh_approximation=*/false);
  imp.values[half->output(0)] = n.tensor(gelu, x.shape);
  for (unsigned i : {erfIdx, addIdx, mulIdx, halfIdx})
    imp.absorbed[i] = true;
  return true;
}

//===----------------------------------------------------------------------===//
// Binary ops
//===----------------------------------------------------------------------===//

static LogicalResult importBinary(NodeImporter &n) {
  if (failed(n.checkInputs(2, 2)))
    return failure();
  const OnnxValue &a = n.input(0), &b = n.input(1);
  if (a.isConstant() && b.isConstant()) {
    FailureOr<OnnxValue> v = foldBinary(n, a, b);
    if (failed(v))
      return failure();
    n.setOutput(0, std::move(*v));
    return success();
  }
  if ((n.opType() == "Div" || n.opType() == "Mul") && tryGelu(n))
    return success();
  if (failed(n.floatInput(0, "lhs")) || failed(n.floatInput(1, "rhs")))
    return failure();
  std::optional<SymShape> shape = broadcastShapes(n.imp, a.shape, b.shape);
  if (!shape)
    return n.error() << n.opType() << ": operand shapes "
                     << formatShape(a.shape) << " and " << formatShape(b.shape)
                     << " do not broadcast";
  Value lhs = n.imp.materialize(a, n.loc), rhs = n.imp.materialize(b, n.loc);
  RankedTensorType type = n.tensorType(*shape);
  OpBuilder &builder = n.builder();
  Value result;
  if (n.opType() == "Add")
    result = qnt::AddOp::create(builder, n.loc, type, lhs, rhs);
  else if (n.opType() == "Sub")
    result = qnt::SubOp::create(builder, n.loc, type, lhs, rhs);
  else if (n.opType() == "Mul")
    result = qnt::MulOp::create(builder, n.loc, type, lhs, rhs);
  else
    result = qnt::DivOp::create(builder, n.loc, type, lhs, rhs);
  n.setOutput(0, n.tensor(result, *shape));
  return success();
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

/// An op `OpTy(input) : type -> type` on input 0.
template <typename OpTy> static LogicalResult importUnary(NodeImporter &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  FailureOr<Value> x = n.tensorInput(0, "input");
  if (failed(x))
    return failure();
  Value result = OpTy::create(n.builder(), n.loc, x->getType(), *x);
  n.setOutput(0, n.tensor(result, n.input(0).shape));
  return success();
}

static LogicalResult importClip(NodeImporter &n) {
  if (failed(n.checkInputs(1, 3)))
    return failure();
  float lo = -std::numeric_limits<float>::infinity();
  float hi = std::numeric_limits<float>::infinity();
  if (n.hasInput(1)) {
    FailureOr<float> v = n.scalarFloatInput(1, "min");
    if (failed(v))
      return failure();
    lo = *v;
  }
  if (n.hasInput(2)) {
    FailureOr<float> v = n.scalarFloatInput(2, "max");
    if (failed(v))
      return failure();
    hi = *v;
  }
  FailureOr<const OnnxValue *> in = n.floatInput(0, "input");
  if (failed(in))
    return failure();
  if (std::isnan(lo) || std::isnan(hi) || lo > hi)
    return n.error() << "Clip: min " << lo << " and max " << hi
                     << " do not form a range";
  if (!n.hasInput(1) && !n.hasInput(2)) {
    n.setOutput(0, **in); // no bounds: the identity
    return success();
  }
  Value x = n.imp.materialize(**in, n.loc);
  Value result = qnt::ClampOp::create(n.builder(), n.loc, x.getType(), x,
                                      APFloat(lo), APFloat(hi));
  n.setOutput(0, n.tensor(result, (*in)->shape));
  return success();
}

static LogicalResult importHardSigmoid(NodeImporter &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  FailureOr<float> alpha = n.floatAttr("alpha", 0.2f);
  FailureOr<float> beta = n.floatAttr("beta", 0.5f);
  FailureOr<Value> x = n.tensorInput(0, "input");
  if (failed(alpha) || failed(beta) || failed(x))
    return failure();
  Value result = qnt::HardSigmoidOp::create(
      n.builder(), n.loc, x->getType(), *x, APFloat(*alpha), APFloat(*beta));
  n.setOutput(0, n.tensor(result, n.input(0).shape));
  return success();
}

static LogicalResult importGelu(NodeImporter &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  FailureOr<std::string> approximate = n.stringAttr("approximate", "none");
  FailureOr<Value> x = n.tensorInput(0, "input");
  if (failed(approximate) || failed(x))
    return failure();
  if (*approximate != "none" && *approximate != "tanh")
    return n.error() << "Gelu: unknown approximation '" << *approximate << "'";
  Value result = qnt::GeluOp::create(n.builder(), n.loc, x->getType(), *x,
                                     *approximate == "tanh");
  n.setOutput(0, n.tensor(result, n.input(0).shape));
  return success();
}

static LogicalResult importSoftmax(NodeImporter &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  FailureOr<Value> x = n.tensorInput(0, "input");
  FailureOr<int64_t> axis = n.intAttr("axis", -1);
  if (failed(x) || failed(axis))
    return failure();
  FailureOr<int64_t> a = n.normalizeAxis(*axis, n.input(0).rank(), "axis");
  if (failed(a))
    return failure();
  Value result =
      qnt::SoftmaxOp::create(n.builder(), n.loc, x->getType(), *x, *a);
  n.setOutput(0, n.tensor(result, n.input(0).shape));
  return success();
}

void onnx_import::registerElementwiseOps(OpTable &table) {
  for (StringRef op : {"Add", "Sub", "Mul", "Div"})
    table[op] = {importBinary, 13, {}};
  table["Relu"] = {importUnary<qnt::ReluOp>, 13, {}};
  table["Sigmoid"] = {importUnary<qnt::SigmoidOp>, 13, {}};
  table["Tanh"] = {importUnary<qnt::TanhOp>, 13, {}};
  table["Erf"] = {importUnary<qnt::ErfOp>, 13, {}};
  table["HardSwish"] = {importUnary<qnt::HardSwishOp>, 14, {}};
  table["HardSigmoid"] = {importHardSigmoid, 6, {"alpha", "beta"}};
  table["Clip"] = {importClip, 13, {}};
  table["Gelu"] = {importGelu, 20, {"approximate"}};
  table["Softmax"] = {importSoftmax, 13, {"axis"}};
}
