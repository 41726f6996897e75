//===- NodeImporter.cpp - typed access to one ONNX node ---------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// NodeImporter: the inputs, attributes and outputs of one node with errors
// that name it, and the small IR builders the op handlers share. Also the
// symbolic-shape utilities.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::onnx_import;

//===----------------------------------------------------------------------===//
// Shape utilities
//===----------------------------------------------------------------------===//

std::string onnx_import::formatShape(ArrayRef<SymInt> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleaveComma(shape, os, [&](SymInt d) {
    if (d.isKnown())
      os << d.value;
    else
      os << "?";
  });
  os << "]";
  return s;
}

std::string onnx_import::formatInts(ArrayRef<int64_t> values) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleaveComma(values, os);
  os << "]";
  return s;
}

SmallVector<int64_t> onnx_import::toMlirShape(ArrayRef<SymInt> shape) {
  return llvm::map_to_vector(shape, [](SymInt d) {
    return d.isKnown() ? d.value : ShapedType::kDynamic;
  });
}

SymShape onnx_import::knownShape(ArrayRef<int64_t> shape) {
  return llvm::map_to_vector<4>(shape,
                                [](int64_t d) { return SymInt::known(d); });
}

std::optional<SmallVector<int64_t>>
onnx_import::knownValues(ArrayRef<SymInt> values) {
  SmallVector<int64_t> out;
  for (SymInt v : values) {
    if (!v.isKnown())
      return std::nullopt;
    out.push_back(v.value);
  }
  return out;
}

std::optional<int64_t> onnx_import::knownProduct(ArrayRef<SymInt> shape) {
  int64_t n = 1;
  for (SymInt d : shape) {
    if (!d.isKnown())
      return std::nullopt;
    n *= d.value;
  }
  return n;
}

SmallVector<int64_t> onnx_import::rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

StringRef onnx_import::elemTypeName(int32_t onnxType) {
  switch (onnxType) {
  case ::onnx::TensorProto::FLOAT:
    return "float32";
  case ::onnx::TensorProto::UINT8:
    return "uint8";
  case ::onnx::TensorProto::INT8:
    return "int8";
  case ::onnx::TensorProto::UINT16:
    return "uint16";
  case ::onnx::TensorProto::INT16:
    return "int16";
  case ::onnx::TensorProto::INT32:
    return "int32";
  case ::onnx::TensorProto::INT64:
    return "int64";
  case ::onnx::TensorProto::STRING:
    return "string";
  case ::onnx::TensorProto::BOOL:
    return "bool";
  case ::onnx::TensorProto::FLOAT16:
    return "float16";
  case ::onnx::TensorProto::DOUBLE:
    return "float64";
  case ::onnx::TensorProto::UINT32:
    return "uint32";
  case ::onnx::TensorProto::UINT64:
    return "uint64";
  case ::onnx::TensorProto::BFLOAT16:
    return "bfloat16";
  default:
    return "an unsupported element type";
  }
}

//===----------------------------------------------------------------------===//
// NodeImporter
//===----------------------------------------------------------------------===//

NodeImporter::NodeImporter(Importer &imp, const ::onnx::NodeProto &node,
                           unsigned index)
    : imp(imp), node(node), index(index),
      loc(NameLoc::get(imp.builder.getStringAttr(
          node.name().empty() ? node.op_type() + "_" + std::to_string(index)
                              : node.name()))) {}

OpBuilder &NodeImporter::builder() { return imp.builder; }

int64_t NodeImporter::opset() const { return imp.opset; }

InFlightDiagnostic NodeImporter::error() {
  InFlightDiagnostic diag = imp.error();
  if (node.name().empty())
    diag << "node #" << index << ": ";
  else
    diag << "node '" << node.name() << "' (#" << index << "): ";
  return diag;
}

bool NodeImporter::hasInput(unsigned i) const {
  return i < numInputs() && !node.input(i).empty();
}

const OnnxValue &NodeImporter::input(unsigned i) const {
  return imp.values.find(node.input(i))->second;
}

LogicalResult NodeImporter::checkInputs(unsigned min, unsigned max) {
  if (numInputs() < min || numInputs() > max) {
    InFlightDiagnostic diag = error();
    diag << opType() << ": expects ";
    if (min == max)
      diag << min;
    else
      diag << min << " to " << max;
    return diag << " inputs, got " << numInputs();
  }
  for (unsigned i = 0; i < min; ++i)
    if (!hasInput(i))
      return error() << opType() << ": input #" << i << " is required";
  return success();
}

FailureOr<const OnnxValue *> NodeImporter::floatInput(unsigned i,
                                                      StringRef role) {
  if (!hasInput(i))
    return error() << opType() << ": the " << role << " (input #" << i
                   << ") is missing";
  const OnnxValue &v = input(i);
  if (!v.isFloat())
    return error() << opType() << ": the " << role << " '" << inputName(i)
                   << "' is " << elemTypeName(v.elemType)
                   << "; it must be float32";
  return &v;
}

FailureOr<Value> NodeImporter::tensorInput(unsigned i, StringRef role) {
  FailureOr<const OnnxValue *> v = floatInput(i, role);
  if (failed(v))
    return failure();
  return imp.materialize(**v, loc);
}

FailureOr<const OnnxValue *> NodeImporter::floatConstInput(unsigned i,
                                                           StringRef role) {
  FailureOr<const OnnxValue *> v = floatInput(i, role);
  if (failed(v))
    return failure();
  if ((*v)->kind != OnnxValue::Kind::Float)
    return error() << opType() << ": the " << role << " '" << inputName(i)
                   << "' must be a constant (an initializer or computed from "
                      "constants)";
  return v;
}

FailureOr<float> NodeImporter::scalarFloatInput(unsigned i, StringRef role) {
  FailureOr<const OnnxValue *> v = floatConstInput(i, role);
  if (failed(v))
    return failure();
  if ((*v)->numElements() != 1)
    return error() << opType() << ": the " << role << " '" << inputName(i)
                   << "' must have one element, it has shape "
                   << formatShape((*v)->shape);
  return (*v)->floatValues().front();
}

FailureOr<const OnnxValue *> NodeImporter::intInput(unsigned i,
                                                    StringRef role) {
  if (!hasInput(i))
    return error() << opType() << ": the " << role << " (input #" << i
                   << ") is missing";
  const OnnxValue &v = input(i);
  if (v.kind != OnnxValue::Kind::Int)
    return error() << opType() << ": the " << role << " '" << inputName(i)
                   << "' must be an integer constant (an initializer or "
                      "computed from constants and shapes)";
  return &v;
}

FailureOr<SmallVector<int64_t>> NodeImporter::intConstInput(unsigned i,
                                                            StringRef role) {
  FailureOr<const OnnxValue *> v = intInput(i, role);
  if (failed(v))
    return failure();
  std::optional<SmallVector<int64_t>> values = knownValues((*v)->intValues());
  if (!values)
    return error() << opType() << ": the " << role << " '" << inputName(i)
                   << "' depends on a dynamic dimension; it must be known "
                      "at import time";
  return *values;
}

const ::onnx::AttributeProto *NodeImporter::attr(StringRef name) const {
  for (const ::onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

FailureOr<int64_t> NodeImporter::intAttr(StringRef name, int64_t dflt) {
  const ::onnx::AttributeProto *a = attr(name);
  if (!a)
    return dflt;
  if (a->type() != ::onnx::AttributeProto::INT)
    return error() << opType() << ": attribute '" << name << "' must be an int";
  return a->i();
}

FailureOr<bool> NodeImporter::boolAttr(StringRef name, bool dflt) {
  FailureOr<int64_t> v = intAttr(name, dflt);
  if (failed(v))
    return failure();
  if (*v != 0 && *v != 1)
    return error() << opType() << ": attribute '" << name
                   << "' must be 0 or 1, it is " << *v;
  return *v == 1;
}

FailureOr<float> NodeImporter::floatAttr(StringRef name, float dflt) {
  const ::onnx::AttributeProto *a = attr(name);
  if (!a)
    return dflt;
  if (a->type() != ::onnx::AttributeProto::FLOAT)
    return error() << opType() << ": attribute '" << name
                   << "' must be a float";
  return a->f();
}

FailureOr<std::string> NodeImporter::stringAttr(StringRef name,
                                                StringRef dflt) {
  const ::onnx::AttributeProto *a = attr(name);
  if (!a)
    return dflt.str();
  if (a->type() != ::onnx::AttributeProto::STRING)
    return error() << opType() << ": attribute '" << name
                   << "' must be a string";
  return a->s();
}

FailureOr<std::optional<SmallVector<int64_t>>>
NodeImporter::intsAttr(StringRef name) {
  const ::onnx::AttributeProto *a = attr(name);
  if (!a)
    return std::optional<SmallVector<int64_t>>();
  if (a->type() != ::onnx::AttributeProto::INTS)
    return error() << opType() << ": attribute '" << name
                   << "' must be a list of ints";
  return std::optional<SmallVector<int64_t>>(
      SmallVector<int64_t>(a->ints().begin(), a->ints().end()));
}

bool NodeImporter::outputUsed(unsigned i) const {
  if (i >= numOutputs() || node.output(i).empty())
    return false;
  return imp.graphOutputs.contains(node.output(i)) ||
         imp.consumers.count(node.output(i));
}

void NodeImporter::setOutput(unsigned i, OnnxValue value) {
  if (i < numOutputs() && !node.output(i).empty())
    imp.values[node.output(i)] = std::move(value);
}

RankedTensorType NodeImporter::tensorType(ArrayRef<SymInt> shape) const {
  return RankedTensorType::get(toMlirShape(shape), Float32Type::get(imp.ctx));
}

OnnxValue NodeImporter::tensor(Value v, ArrayRef<SymInt> shape) {
  OnnxValue out;
  out.kind = OnnxValue::Kind::Tensor;
  out.value = v;
  out.shape.assign(shape.begin(), shape.end());
  return out;
}

FailureOr<int64_t> NodeImporter::normalizeAxis(int64_t axis, int64_t rank,
                                               StringRef what) {
  if (axis < -rank || axis >= rank)
    return error() << opType() << ": " << what << " " << axis
                   << " is out of range for rank " << rank;
  return axis < 0 ? axis + rank : axis;
}

Value NodeImporter::floatConstant(ArrayRef<SymInt> shape,
                                  ArrayRef<float> values, StringRef nameHint) {
  return imp.materialize(imp.floatConstant(shape, values, nameHint), loc);
}

Value NodeImporter::zeros(ArrayRef<SymInt> shape) {
  auto type = tensorType(shape);
  return arith::ConstantOp::create(
      builder(), loc,
      DenseElementsAttr::get(type, builder().getF32FloatAttr(0)));
}

FailureOr<OnnxValue> NodeImporter::reshape(const OnnxValue &v,
                                           ArrayRef<SymInt> shape) {
  if (ArrayRef<SymInt>(v.shape) == shape) {
    OnnxValue same = v;
    return same;
  }
  if (v.isConstant()) {
    std::optional<int64_t> count = knownProduct(shape);
    if (!count || *count != v.numElements())
      return error() << opType() << ": cannot reshape the constant of shape "
                     << formatShape(v.shape) << " to " << formatShape(shape);
    return reshapeConstant(v, shape);
  }
  if (v.kind == OnnxValue::Kind::Other)
    return error() << opType() << ": cannot reshape "
                   << elemTypeName(v.elemType) << " constants";
  if (llvm::count_if(shape, [](SymInt d) { return !d.isKnown(); }) > 1)
    return error() << opType() << ": cannot reshape " << formatShape(v.shape)
                   << " to " << formatShape(shape)
                   << ": a qnt.reshape result may have at most one dynamic "
                      "dimension";
  Value result = qnt::ReshapeOp::create(builder(), loc, tensorType(shape),
                                        imp.materialize(v, loc));
  return tensor(result, shape);
}
