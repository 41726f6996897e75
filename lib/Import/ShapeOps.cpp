//===- ShapeOps.cpp - shape computations folded at import -------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Ops that exist to compute shapes and constants: Constant, Shape, Cast,
// Range, ConstantOfShape, Equal, Less, Greater, Where, Pow, Sqrt, Neg, and
// the constant evaluation of Add, Sub, Mul, Div. They never emit IR: their
// results are constants whose integer elements may be symbolic sizes (the
// batch dim of `Shape(x)`), which Reshape and Expand consume.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include <cmath>
#include <cstdint>

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::onnx_import;

/// A constant's elements above this count are not created by folds.
static constexpr int64_t kMaxFoldedElements = int64_t(1) << 28;

//===----------------------------------------------------------------------===//
// Element-wise evaluation
//===----------------------------------------------------------------------===//

namespace {
enum class BinaryKind { Add, Sub, Mul, Div, Pow, Equal, Less, Greater };
} // namespace

static std::optional<BinaryKind> binaryKind(StringRef opType) {
  return llvm::StringSwitch<std::optional<BinaryKind>>(opType)
      .Case("Add", BinaryKind::Add)
      .Case("Sub", BinaryKind::Sub)
      .Case("Mul", BinaryKind::Mul)
      .Case("Div", BinaryKind::Div)
      .Case("Pow", BinaryKind::Pow)
      .Case("Equal", BinaryKind::Equal)
      .Case("Less", BinaryKind::Less)
      .Case("Greater", BinaryKind::Greater)
      .Default(std::nullopt);
}

static bool isComparison(BinaryKind k) {
  return k == BinaryKind::Equal || k == BinaryKind::Less ||
         k == BinaryKind::Greater;
}

/// `a op b` on integers, symbols included where the result is certain or a
/// size; std::nullopt where it cannot be evaluated at import time.
static std::optional<SymInt> evalInt(Importer &imp, BinaryKind k, SymInt a,
                                     SymInt b) {
  if (a.isKnown() && b.isKnown()) {
    int64_t x = a.value, y = b.value, r = 0;
    switch (k) {
    case BinaryKind::Add:
      if (__builtin_add_overflow(x, y, &r))
        return std::nullopt;
      return SymInt::known(r);
    case BinaryKind::Sub:
      if (__builtin_sub_overflow(x, y, &r))
        return std::nullopt;
      return SymInt::known(r);
    case BinaryKind::Mul:
      if (__builtin_mul_overflow(x, y, &r))
        return std::nullopt;
      return SymInt::known(r);
    case BinaryKind::Div:
      if (y == 0 || (x == INT64_MIN && y == -1))
        return std::nullopt;
      return SymInt::known(x / y);
    case BinaryKind::Pow: {
      if (y < 0)
        return std::nullopt;
      if (x == 0 || x == 1)
        return SymInt::known(y == 0 ? 1 : x);
      if (x == -1)
        return SymInt::known(y % 2 ? -1 : 1);
      r = 1; // |x| >= 2 overflows within 64 steps
      for (int64_t i = 0; i < y; ++i)
        if (__builtin_mul_overflow(r, x, &r))
          return std::nullopt;
      return SymInt::known(r);
    }
    case BinaryKind::Equal:
      return SymInt::known(x == y);
    case BinaryKind::Less:
      return SymInt::known(x < y);
    case BinaryKind::Greater:
      return SymInt::known(x > y);
    }
  }
  // A symbol is a size: non-negative.
  switch (k) {
  case BinaryKind::Add:
    if (b.isKnown() && b.value == 0)
      return a;
    if (a.isKnown() && a.value == 0)
      return b;
    if ((a.isKnown() && a.value > 0) || (b.isKnown() && b.value > 0) ||
        (!a.isKnown() && !b.isKnown()))
      return imp.freshSymbol();
    return std::nullopt;
  case BinaryKind::Sub:
    if (b.isKnown() && b.value == 0)
      return a;
    if (a == b)
      return SymInt::known(0);
    return std::nullopt;
  case BinaryKind::Mul:
    if (b.isKnown() && b.value == 1)
      return a;
    if (a.isKnown() && a.value == 1)
      return b;
    if ((a.isKnown() && a.value == 0) || (b.isKnown() && b.value == 0))
      return SymInt::known(0);
    if ((a.isKnown() && a.value < 0) || (b.isKnown() && b.value < 0))
      return std::nullopt;
    return imp.freshSymbol();
  case BinaryKind::Div:
    if (b.isKnown() && b.value == 1)
      return a;
    if (a == b)
      return SymInt::known(1);
    if (b.isKnown() && b.value > 0)
      return imp.freshSymbol();
    return std::nullopt;
  case BinaryKind::Equal:
    if (a == b)
      return SymInt::known(1);
    if ((a.isKnown() && a.value < 0) || (b.isKnown() && b.value < 0))
      return SymInt::known(0);
    return std::nullopt;
  case BinaryKind::Less:
  case BinaryKind::Greater:
  case BinaryKind::Pow:
    return std::nullopt;
  }
  return std::nullopt;
}

static float evalFloat(BinaryKind k, float x, float y) {
  switch (k) {
  case BinaryKind::Add:
    return x + y;
  case BinaryKind::Sub:
    return x - y;
  case BinaryKind::Mul:
    return x * y;
  case BinaryKind::Div:
    return x / y;
  case BinaryKind::Pow:
    return std::pow(x, y);
  case BinaryKind::Equal:
    return x == y;
  case BinaryKind::Less:
    return x < y;
  case BinaryKind::Greater:
    return x > y;
  }
  return 0;
}

FailureOr<OnnxValue> onnx_import::foldBinary(NodeImporter &n,
                                             const OnnxValue &a,
                                             const OnnxValue &b) {
  std::optional<BinaryKind> kind = binaryKind(n.opType());
  if (!kind)
    return n.error() << n.opType() << ": cannot evaluate at import time";
  if (a.kind != b.kind)
    return n.error() << n.opType() << ": the operands have different element "
                     << "types (" << elemTypeName(a.elemType) << " and "
                     << elemTypeName(b.elemType) << ")";
  std::optional<SymShape> shape = broadcastShapes(n.imp, a.shape, b.shape);
  if (!shape)
    return n.error() << n.opType() << ": shapes " << formatShape(a.shape)
                     << " and " << formatShape(b.shape) << " do not broadcast";
  SmallVector<int64_t> dims = *knownValues(*shape);
  int64_t count = *knownProduct(*shape);
  if (count > kMaxFoldedElements)
    return n.error() << n.opType() << ": the constant result is too large";
  BroadcastIndexer ia(*knownValues(a.shape), dims);
  BroadcastIndexer ib(*knownValues(b.shape), dims);
  std::string hint = n.outputName(0).str();
  if (a.kind == OnnxValue::Kind::Float) {
    ArrayRef<float> x = a.floatValues(), y = b.floatValues();
    if (isComparison(*kind)) {
      std::vector<SymInt> out(count);
      for (int64_t i = 0; i < count; ++i)
        out[i] = SymInt::known(evalFloat(*kind, x[ia(i)], y[ib(i)]) != 0);
      return n.imp.intConstant(*shape, std::move(out),
                               ::onnx::TensorProto::BOOL);
    }
    std::vector<float> out(count);
    for (int64_t i = 0; i < count; ++i)
      out[i] = evalFloat(*kind, x[ia(i)], y[ib(i)]);
    return n.imp.floatConstant(*shape, out, hint);
  }
  if (a.kind != OnnxValue::Kind::Int)
    return n.error() << n.opType() << ": cannot evaluate on "
                     << elemTypeName(a.elemType) << " constants";
  ArrayRef<SymInt> x = a.intValues(), y = b.intValues();
  std::vector<SymInt> out(count);
  for (int64_t i = 0; i < count; ++i) {
    std::optional<SymInt> r = evalInt(n.imp, *kind, x[ia(i)], y[ib(i)]);
    if (!r)
      return n.error() << n.opType()
                       << ": cannot evaluate on a value that depends on a "
                          "dynamic dimension (or it divides by zero or "
                          "overflows)";
    out[i] = *r;
  }
  return n.imp.intConstant(*shape, std::move(out),
                           isComparison(*kind) ? ::onnx::TensorProto::BOOL
                                               : a.elemType);
}

//===----------------------------------------------------------------------===//
// Handlers
//===----------------------------------------------------------------------===//

static LogicalResult importConstant(NodeImporter &n) {
  if (failed(n.checkInputs(0, 0)))
    return failure();
  if (n.node.attribute_size() != 1)
    return n.error() << "Constant: expects exactly one value attribute";
  ::onnx::AttributeProto &a =
      *n.imp.model.mutable_graph()->mutable_node(n.index)->mutable_attribute(0);
  std::string hint = n.outputName(0).str();
  StringRef attrName = a.name();
  if (attrName == "value") {
    if (a.type() != ::onnx::AttributeProto::TENSOR)
      return n.error() << "Constant: attribute 'value' must be a tensor";
    std::string what = "Constant '" + hint + "'";
    ::onnx::TensorProto &t = *a.mutable_t();
    if (t.name().empty())
      t.set_name(hint); // names the resource
    FailureOr<OnnxValue> v =
        loadTensor(n.imp, t, what, [&] { return n.error(); });
    if (failed(v))
      return failure();
    n.setOutput(0, std::move(*v));
    return success();
  }
  if (attrName == "value_float" || attrName == "value_floats") {
    SmallVector<float> values;
    if (a.type() == ::onnx::AttributeProto::FLOAT)
      values.push_back(a.f());
    else
      values.append(a.floats().begin(), a.floats().end());
    if (llvm::any_of(values, [](float x) { return !std::isfinite(x); }))
      return n.error() << "Constant: the value is not finite";
    SymShape shape;
    if (attrName == "value_floats")
      shape.push_back(SymInt::known(values.size()));
    n.setOutput(0, n.imp.floatConstant(shape, values, hint));
    return success();
  }
  if (attrName == "value_int" || attrName == "value_ints") {
    std::vector<SymInt> values;
    if (a.type() == ::onnx::AttributeProto::INT)
      values.push_back(SymInt::known(a.i()));
    else
      for (int64_t x : a.ints())
        values.push_back(SymInt::known(x));
    SymShape shape;
    if (attrName == "value_ints")
      shape.push_back(SymInt::known(values.size()));
    n.setOutput(0, n.imp.intConstant(shape, std::move(values),
                                     ::onnx::TensorProto::INT64));
    return success();
  }
  return n.error() << "Constant: attribute '" << attrName
                   << "' is not supported (sparse and string constants)";
}

static LogicalResult importShape(NodeImporter &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  const OnnxValue &in = n.input(0);
  int64_t rank = in.rank();
  FailureOr<int64_t> start = n.intAttr("start", 0);
  FailureOr<int64_t> end = n.intAttr("end", rank);
  if (failed(start) || failed(end))
    return failure();
  // Opset 15: negative bounds count from the back; bounds are clamped.
  auto clampBound = [&](int64_t b) {
    if (b < 0)
      b += rank;
    return std::clamp<int64_t>(b, 0, rank);
  };
  int64_t lo = clampBound(*start), hi = clampBound(*end);
  std::vector<SymInt> dims;
  for (int64_t d = lo; d < hi; ++d)
    dims.push_back(in.shape[d]);
  SymInt count = SymInt::known(dims.size());
  n.setOutput(0, n.imp.intConstant({count}, std::move(dims),
                                   ::onnx::TensorProto::INT64));
  return success();
}

static bool isIntType(int64_t to) {
  switch (to) {
  case ::onnx::TensorProto::INT8:
  case ::onnx::TensorProto::UINT8:
  case ::onnx::TensorProto::INT16:
  case ::onnx::TensorProto::UINT16:
  case ::onnx::TensorProto::INT32:
  case ::onnx::TensorProto::UINT32:
  case ::onnx::TensorProto::INT64:
  case ::onnx::TensorProto::UINT64:
  case ::onnx::TensorProto::BOOL:
    return true;
  default:
    return false;
  }
}

/// Wraps `x` to the range of integer type `to`.
static int64_t wrapInt(int64_t x, int64_t to) {
  switch (to) {
  case ::onnx::TensorProto::INT8:
    return static_cast<int8_t>(x);
  case ::onnx::TensorProto::UINT8:
    return static_cast<uint8_t>(x);
  case ::onnx::TensorProto::INT16:
    return static_cast<int16_t>(x);
  case ::onnx::TensorProto::UINT16:
    return static_cast<uint16_t>(x);
  case ::onnx::TensorProto::INT32:
    return static_cast<int32_t>(x);
  case ::onnx::TensorProto::UINT32:
    return static_cast<uint32_t>(x);
  case ::onnx::TensorProto::BOOL:
    return x != 0;
  default:
    return x;
  }
}

static LogicalResult importCast(NodeImporter &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  FailureOr<int64_t> to = n.intAttr("to", 0);
  if (failed(to))
    return failure();
  const OnnxValue &in = n.input(0);
  std::string hint = n.outputName(0).str();
  if (*to == ::onnx::TensorProto::FLOAT) {
    if (in.isFloat()) {
      n.setOutput(0, in);
      return success();
    }
    if (in.kind == OnnxValue::Kind::Int) {
      std::optional<SmallVector<int64_t>> values = knownValues(in.intValues());
      if (!values)
        return n.error() << "Cast: cannot convert a value that depends on a "
                            "dynamic dimension to float32";
      SmallVector<float> floats(values->begin(), values->end());
      n.setOutput(0, n.imp.floatConstant(in.shape, floats, hint));
      return success();
    }
  } else if (isIntType(*to)) {
    if (in.kind == OnnxValue::Kind::Int) {
      std::vector<SymInt> out;
      for (SymInt x : in.intValues()) {
        if (!x.isKnown() && (*to == ::onnx::TensorProto::BOOL ||
                             *to == ::onnx::TensorProto::INT64 ||
                             *to == ::onnx::TensorProto::INT32))
          return n.error() << "Cast: cannot convert a value that depends on "
                              "a dynamic dimension to "
                           << elemTypeName(*to);
        out.push_back(x.isKnown() ? SymInt::known(wrapInt(x.value, *to)) : x);
      }
      n.setOutput(0, n.imp.intConstant(in.shape, std::move(out), *to));
      return success();
    }
    if (in.kind == OnnxValue::Kind::Float) {
      std::vector<SymInt> out;
      for (float x : in.floatValues()) {
        if (!std::isfinite(x) || std::fabs(x) > 9.2e18f)
          return n.error() << "Cast: " << x << " has no " << elemTypeName(*to)
                           << " value";
        out.push_back(
            SymInt::known(wrapInt(*to == ::onnx::TensorProto::BOOL
                                      ? int64_t(x != 0)
                                      : static_cast<int64_t>(std::trunc(x)),
                                  *to)));
      }
      n.setOutput(0, n.imp.intConstant(in.shape, std::move(out), *to));
      return success();
    }
  }
  return n.error() << "Cast: cannot cast " << elemTypeName(in.elemType)
                   << (in.kind == OnnxValue::Kind::Tensor ? " tensor"
                                                          : " constant")
                   << " to " << elemTypeName(*to)
                   << " (only float32 tensors exist at run time)";
}

static LogicalResult importRange(NodeImporter &n) {
  if (failed(n.checkInputs(3, 3)))
    return failure();
  std::string hint = n.outputName(0).str();
  if (n.input(0).kind == OnnxValue::Kind::Float) {
    FailureOr<float> start = n.scalarFloatInput(0, "start");
    FailureOr<float> limit = n.scalarFloatInput(1, "limit");
    FailureOr<float> delta = n.scalarFloatInput(2, "delta");
    if (failed(start) || failed(limit) || failed(delta))
      return failure();
    if (*delta == 0)
      return n.error() << "Range: delta is 0";
    double count = std::ceil((double(*limit) - *start) / *delta);
    if (count > kMaxFoldedElements)
      return n.error() << "Range: the result is too large";
    SmallVector<float> values;
    for (int64_t i = 0; i < count; ++i)
      values.push_back(*start + i * *delta);
    n.setOutput(
        0, n.imp.floatConstant({SymInt::known(values.size())}, values, hint));
    return success();
  }
  FailureOr<SmallVector<int64_t>> start = n.intConstInput(0, "start");
  FailureOr<SmallVector<int64_t>> limit = n.intConstInput(1, "limit");
  FailureOr<SmallVector<int64_t>> delta = n.intConstInput(2, "delta");
  if (failed(start) || failed(limit) || failed(delta))
    return failure();
  if (start->size() != 1 || limit->size() != 1 || delta->size() != 1)
    return n.error() << "Range: start, limit and delta must be scalars";
  int64_t s = (*start)[0], l = (*limit)[0], d = (*delta)[0];
  if (d == 0)
    return n.error() << "Range: delta is 0";
  std::vector<SymInt> values;
  for (int64_t x = s; d > 0 ? x < l : x > l;) {
    if (static_cast<int64_t>(values.size()) >= kMaxFoldedElements)
      return n.error() << "Range: the result is too large";
    values.push_back(SymInt::known(x));
    if (__builtin_add_overflow(x, d, &x))
      break;
  }
  SymInt count = SymInt::known(values.size());
  n.setOutput(
      0, n.imp.intConstant({count}, std::move(values), n.input(0).elemType));
  return success();
}

static LogicalResult importConstantOfShape(NodeImporter &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  FailureOr<SmallVector<int64_t>> dims = n.intConstInput(0, "shape");
  if (failed(dims))
    return failure();
  SymShape shape = knownShape(*dims);
  int64_t count = 1;
  for (int64_t d : *dims) {
    if (d < 0)
      return n.error() << "ConstantOfShape: negative dim in "
                       << formatInts(*dims);
    count *= d;
    if (count > kMaxFoldedElements)
      return n.error() << "ConstantOfShape: the result is too large";
  }
  std::string hint = n.outputName(0).str();
  OnnxValue fill = n.imp.floatConstant({}, ArrayRef<float>{0.0f}, hint);
  if (const ::onnx::AttributeProto *a = n.attr("value")) {
    if (a->type() != ::onnx::AttributeProto::TENSOR)
      return n.error() << "ConstantOfShape: attribute 'value' must be a "
                          "tensor";
    ::onnx::TensorProto t = a->t();
    FailureOr<OnnxValue> v = loadTensor(n.imp, t, "ConstantOfShape value",
                                        [&] { return n.error(); });
    if (failed(v))
      return failure();
    if (!v->isConstant() || v->numElements() != 1)
      return n.error() << "ConstantOfShape: the value must be one float32 or "
                          "integer element";
    fill = *v;
  }
  n.setOutput(
      0, remapConstant(n.imp, fill, shape, [](int64_t) { return 0; }, hint));
  return success();
}

/// Binary ops that only exist on constants here (no qnt op computes them).
static LogicalResult importConstantBinary(NodeImporter &n) {
  if (failed(n.checkInputs(2, 2)))
    return failure();
  const OnnxValue &a = n.input(0), &b = n.input(1);
  if (!a.isConstant() || !b.isConstant())
    return n.error() << n.opType()
                     << ": only constant operands are supported (qnt has no "
                        "such op for run-time tensors)";
  FailureOr<OnnxValue> v = foldBinary(n, a, b);
  if (failed(v))
    return failure();
  n.setOutput(0, std::move(*v));
  return success();
}

static LogicalResult importConstantUnary(NodeImporter &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  const OnnxValue &in = n.input(0);
  std::string hint = n.outputName(0).str();
  StringRef op = n.opType();
  if (in.kind == OnnxValue::Kind::Float) {
    SmallVector<float> out;
    for (float x : in.floatValues())
      out.push_back(op == "Sqrt" ? std::sqrt(x) : op == "Neg" ? -x : 1.0f / x);
    n.setOutput(0, n.imp.floatConstant(in.shape, out, hint));
    return success();
  }
  if (in.kind == OnnxValue::Kind::Int && op == "Neg") {
    std::optional<SmallVector<int64_t>> values = knownValues(in.intValues());
    if (values) {
      std::vector<SymInt> out;
      for (int64_t x : *values)
        out.push_back(SymInt::known(-x));
      n.setOutput(0, n.imp.intConstant(in.shape, std::move(out), in.elemType));
      return success();
    }
  }
  return n.error() << op
                   << ": only float32 constants are supported (qnt has no "
                      "such op for run-time tensors)";
}

static LogicalResult importWhere(NodeImporter &n) {
  if (failed(n.checkInputs(3, 3)))
    return failure();
  FailureOr<SmallVector<int64_t>> cond = n.intConstInput(0, "condition");
  if (failed(cond))
    return failure();
  const OnnxValue &c = n.input(0), &x = n.input(1), &y = n.input(2);
  if (!x.isConstant() || !y.isConstant() || x.kind != y.kind)
    return n.error() << "Where: only constants of one element type are "
                        "supported";
  std::optional<SymShape> shape = broadcastShapes(n.imp, c.shape, x.shape);
  if (shape)
    shape = broadcastShapes(n.imp, *shape, y.shape);
  if (!shape)
    return n.error() << "Where: the shapes do not broadcast";
  SmallVector<int64_t> dims = *knownValues(*shape);
  int64_t count = *knownProduct(*shape);
  BroadcastIndexer ic(*knownValues(c.shape), dims),
      ix(*knownValues(x.shape), dims), iy(*knownValues(y.shape), dims);
  std::string hint = n.outputName(0).str();
  if (x.kind == OnnxValue::Kind::Float) {
    std::vector<float> out(count);
    for (int64_t i = 0; i < count; ++i)
      out[i] = (*cond)[ic(i)] ? x.floatValues()[ix(i)] : y.floatValues()[iy(i)];
    n.setOutput(0, n.imp.floatConstant(*shape, out, hint));
    return success();
  }
  std::vector<SymInt> out(count);
  for (int64_t i = 0; i < count; ++i)
    out[i] = (*cond)[ic(i)] ? x.intValues()[ix(i)] : y.intValues()[iy(i)];
  n.setOutput(0, n.imp.intConstant(*shape, std::move(out), x.elemType));
  return success();
}

void onnx_import::registerShapeOps(OpTable &table) {
  table["Constant"] = {importConstant,
                       13,
                       {"value", "value_float", "value_floats", "value_int",
                        "value_ints", "value_string", "value_strings",
                        "sparse_value"}};
  table["Shape"] = {importShape, 13, {"start", "end"}};
  table["Cast"] = {importCast, 13, {"to", "saturate"}};
  table["Range"] = {importRange, 11, {}};
  table["ConstantOfShape"] = {importConstantOfShape, 9, {"value"}};
  table["Where"] = {importWhere, 9, {}};
  for (StringRef op : {"Equal", "Less", "Greater", "Pow"})
    table[op] = {importConstantBinary, 7, {}};
  for (StringRef op : {"Sqrt", "Neg", "Reciprocal"})
    table[op] = {importConstantUnary, 6, {}};
}
