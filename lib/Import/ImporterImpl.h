//===- ImporterImpl.h - ONNX importer internals -----------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The classes the ONNX importer's source files share: symbolic sizes, the
// import-time value of an ONNX tensor (`OnnxValue`), the per-node view with
// its error reporting (`NodeImporter`), the importer state (`Importer`), and
// the op table each op-family file registers its handlers in.
//
// Value model: an activation is a float32 SSA value with a symbolic shape; a
// constant is a float32 buffer (shared with its resource blob) or a vector of
// integers whose elements may be symbolic sizes (the Shape -> Gather ->
// Concat chains exporters emit). Constants are folded while they stay
// constant and materialized as `arith.constant` when an op consumes them.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTOPT_LIB_IMPORT_IMPORTERIMPL_H
#define QUANTOPT_LIB_IMPORT_IMPORTERIMPL_H

#include "onnx/onnx_pb.h" // defines ONNX_API, includes onnx/onnx-ml.pb.h

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir::quantopt::onnx_import {

//===----------------------------------------------------------------------===//
// Symbolic sizes
//===----------------------------------------------------------------------===//

/// An integer known at import time, or a symbol that stands for a tensor
/// size (a non-negative integer) known only at run time. Equal symbols are
/// equal sizes; different symbols may still be equal.
struct SymInt {
  int64_t value = 0;
  unsigned symbol = 0; // 0: the value is known

  static SymInt known(int64_t v) { return {v, 0}; }
  static SymInt sym(unsigned s) { return {0, s}; }
  bool isKnown() const { return symbol == 0; }
  bool operator==(const SymInt &o) const {
    return value == o.value && symbol == o.symbol;
  }
  bool operator!=(const SymInt &o) const { return !(*this == o); }
};
using SymShape = SmallVector<SymInt, 4>;

/// "[?, 3, 28, 28]".
std::string formatShape(ArrayRef<SymInt> shape);
std::string formatInts(ArrayRef<int64_t> values);
/// The MLIR shape: symbols become dynamic dims.
SmallVector<int64_t> toMlirShape(ArrayRef<SymInt> shape);
SymShape knownShape(ArrayRef<int64_t> shape);
/// The values of `shape` if all are known.
std::optional<SmallVector<int64_t>> knownValues(ArrayRef<SymInt> shape);
/// The number of elements of a fully known shape.
std::optional<int64_t> knownProduct(ArrayRef<SymInt> shape);
/// Row-major strides of a known shape.
SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape);

//===----------------------------------------------------------------------===//
// Import-time values
//===----------------------------------------------------------------------===//

/// The bytes of one float32 constant. Folded values that only reshape it
/// share it; the resource blob of its `arith.constant` takes it over, so the
/// weights exist once in memory.
class FloatBuffer {
public:
  FloatBuffer(std::string bytes, std::string nameHint)
      : bytes(std::move(bytes)), hint(std::move(nameHint)) {}
  ArrayRef<float> values() const {
    return {reinterpret_cast<const float *>(bytes.data()),
            bytes.size() / sizeof(float)};
  }
  ArrayRef<char> data() const { return {bytes.data(), bytes.size()}; }
  StringRef nameHint() const { return hint; }

  /// The resource holding the bytes, once a constant was materialized.
  std::optional<DenseResourceElementsHandle> handle;

private:
  std::string bytes;
  std::string hint;
};

/// The import-time value of an ONNX tensor.
struct OnnxValue {
  enum class Kind {
    Tensor, ///< a float32 SSA value computed at run time
    Float,  ///< a float32 constant
    Int,    ///< an integer or bool constant; elements may be symbolic
    Other,  ///< a constant of an element type the importer cannot use
  };
  Kind kind = Kind::Other;
  SymShape shape;
  Value value;                                     // Tensor
  std::shared_ptr<FloatBuffer> floats;             // Float
  std::shared_ptr<const std::vector<SymInt>> ints; // Int, row-major
  int32_t elemType = ::onnx::TensorProto::FLOAT;   // the ONNX element type

  bool isConstant() const { return kind == Kind::Float || kind == Kind::Int; }
  /// A float32 run-time tensor or constant (run-time integer tensors, the
  /// quantized values of QuantOps.cpp, carry their elemType).
  bool isFloat() const {
    return (kind == Kind::Tensor && elemType == ::onnx::TensorProto::FLOAT) ||
           kind == Kind::Float;
  }
  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  /// Element count of a constant (constants have known shapes).
  int64_t numElements() const { return knownProduct(shape).value_or(0); }
  ArrayRef<float> floatValues() const { return floats->values(); }
  ArrayRef<SymInt> intValues() const { return *ints; }
};

/// "float32", "int64", ... for messages.
StringRef elemTypeName(int32_t onnxType);

class Importer;

//===----------------------------------------------------------------------===//
// One node
//===----------------------------------------------------------------------===//

/// A node during its import: typed access to inputs and attributes that
/// reports errors naming the node, and the outputs it defines.
class NodeImporter {
public:
  NodeImporter(Importer &imp, const ::onnx::NodeProto &node, unsigned index);

  Importer &imp;
  const ::onnx::NodeProto &node;
  unsigned index;
  Location loc;

  OpBuilder &builder();
  int64_t opset() const;
  StringRef opType() const { return node.op_type(); }
  StringRef name() const { return node.name(); }

  /// An error about this node: "node 'NAME' (#INDEX): ..." (handlers go on
  /// with the op type).
  InFlightDiagnostic error();

  // Inputs. Every present input is defined (checked before the handler).
  unsigned numInputs() const { return node.input_size(); }
  bool hasInput(unsigned i) const;
  StringRef inputName(unsigned i) const { return node.input(i); }
  const OnnxValue &input(unsigned i) const;
  /// Requires between `min` and `max` inputs, the first `min` present.
  LogicalResult checkInputs(unsigned min, unsigned max);

  /// Input `i` as a float32 SSA value (a constant is materialized). `role`
  /// names it in errors ("weight", "bias", ...).
  FailureOr<Value> tensorInput(unsigned i, StringRef role);
  /// Input `i` if it is float32 (a run-time tensor or a constant).
  FailureOr<const OnnxValue *> floatInput(unsigned i, StringRef role);
  /// Input `i` as a float32 constant.
  FailureOr<const OnnxValue *> floatConstInput(unsigned i, StringRef role);
  /// Input `i` as a float32 constant with exactly one element.
  FailureOr<float> scalarFloatInput(unsigned i, StringRef role);
  /// Input `i` as integers known at import time.
  FailureOr<SmallVector<int64_t>> intConstInput(unsigned i, StringRef role);
  /// Input `i` as integers that may contain symbolic sizes.
  FailureOr<const OnnxValue *> intInput(unsigned i, StringRef role);

  // Attributes. Absent attributes give the default; a present attribute of
  // the wrong type is an error.
  const ::onnx::AttributeProto *attr(StringRef name) const;
  FailureOr<int64_t> intAttr(StringRef name, int64_t dflt);
  /// An int attribute that must be 0 or 1.
  FailureOr<bool> boolAttr(StringRef name, bool dflt);
  FailureOr<float> floatAttr(StringRef name, float dflt);
  FailureOr<std::string> stringAttr(StringRef name, StringRef dflt);
  /// An `ints` attribute; std::nullopt when absent.
  FailureOr<std::optional<SmallVector<int64_t>>> intsAttr(StringRef name);

  // Outputs.
  unsigned numOutputs() const { return node.output_size(); }
  StringRef outputName(unsigned i) const { return node.output(i); }
  /// True if output `i` exists and a node or the graph output uses it.
  bool outputUsed(unsigned i) const;
  void setOutput(unsigned i, OnnxValue value);

  // Building.
  RankedTensorType tensorType(ArrayRef<SymInt> shape) const;
  /// The value of a new run-time tensor.
  OnnxValue tensor(Value v, ArrayRef<SymInt> shape);
  /// `axis` in [-rank, rank) made non-negative, or an error naming `what`.
  FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank, StringRef what);
  /// A materialized float32 constant.
  Value floatConstant(ArrayRef<SymInt> shape, ArrayRef<float> values,
                      StringRef nameHint);
  /// A zero splat (plain dense attribute) of a static shape.
  Value zeros(ArrayRef<SymInt> shape);
  /// `qnt.reshape` of `v` unless its shape already is `shape`; errors when
  /// the result would have two dynamic dims (ambiguous without a shape).
  FailureOr<OnnxValue> reshape(const OnnxValue &v, ArrayRef<SymInt> shape);
  /// Broadcast `v` to `shape` (ONNX Expand), see DataMovementOps.cpp.
  FailureOr<OnnxValue> broadcastTo(const OnnxValue &v, ArrayRef<SymInt> shape);
};

//===----------------------------------------------------------------------===//
// The op table
//===----------------------------------------------------------------------===//

using OpHandler = LogicalResult (*)(NodeImporter &);

struct OpSpec {
  OpHandler handler = nullptr;
  /// The first default-domain opset the handler accepts (the op's form from
  /// there on is the one it reads; opset-dependent inputs are handled inside).
  int64_t sinceVersion = 1;
  /// The attributes the handler reads; any other attribute is an error, so
  /// that nothing is ignored silently.
  SmallVector<StringRef, 8> attributes;
};
using OpTable = llvm::StringMap<OpSpec>;

void registerConvPoolOps(OpTable &table);
void registerMatMulOps(OpTable &table);
void registerElementwiseOps(OpTable &table);
void registerNormalizationOps(OpTable &table);
void registerDataMovementOps(OpTable &table);
void registerShapeOps(OpTable &table);
void registerQuantOps(OpTable &table);

/// All handlers, built once.
const OpTable &getOpTable();

//===----------------------------------------------------------------------===//
// The importer
//===----------------------------------------------------------------------===//

class Importer {
public:
  Importer(MLIRContext *ctx, ::onnx::ModelProto &model, StringRef sourceName)
      : ctx(ctx), builder(ctx), model(model), sourceName(sourceName.str()) {}

  /// Runs the import; null after an error was reported.
  OwningOpRef<ModuleOp> run(bool runChecker);

  MLIRContext *ctx;
  OpBuilder builder;
  ::onnx::ModelProto &model;
  std::string sourceName;
  int64_t opset = 0;

  /// The values defined so far, by ONNX name.
  llvm::StringMap<OnnxValue> values;
  /// The nodes consuming each value, in order (a node once per use).
  llvm::StringMap<SmallVector<unsigned, 2>> consumers;
  llvm::StringSet<> graphOutputs;
  /// Nodes a pattern (GELU, MatMul + Add) has already imported.
  std::vector<bool> absorbed;

  /// An error without a node: "error: MESSAGE".
  InFlightDiagnostic error();

  // Symbols.
  SymInt freshSymbol() { return SymInt::sym(++numSymbols); }
  SymInt namedSymbol(StringRef dimParam);
  // Constants.
  OnnxValue floatConstant(ArrayRef<SymInt> shape, std::string bytes,
                          StringRef nameHint);
  OnnxValue floatConstant(ArrayRef<SymInt> shape, ArrayRef<float> values,
                          StringRef nameHint);
  OnnxValue intConstant(ArrayRef<SymInt> shape, std::vector<SymInt> values,
                        int32_t elemType);
  /// The SSA value of `v` at the builder's insertion point: an activation,
  /// or an `arith.constant` (one per buffer and type). Null for values that
  /// cannot be materialized (symbolic integers, other element types).
  Value materialize(const OnnxValue &v, Location loc);
  /// A valid, unused resource key derived from `hint`.
  std::string uniqueResourceName(StringRef hint);

  /// The node that is the only user of `name` (and `name` is no graph
  /// output), if there is one.
  std::optional<unsigned> soleConsumer(StringRef name) const;

private:
  LogicalResult checkModel();
  LogicalResult checkNodes();
  LogicalResult runOnnxChecker();
  LogicalResult importInitializers();
  LogicalResult importInputs(SmallVectorImpl<Type> &argTypes,
                             SmallVectorImpl<std::string> &argNames);
  LogicalResult importNode(unsigned index);
  LogicalResult importOutputs(func::FuncOp func);

  unsigned numSymbols = 0;
  llvm::StringMap<unsigned> dimParams;
  llvm::StringSet<> resourceNames;
  DenseMap<std::pair<FloatBuffer *, Type>, Value> constants;
};

//===----------------------------------------------------------------------===//
// Constant data (Tensors.cpp)
//===----------------------------------------------------------------------===//

/// Loads an initializer or Constant tensor, taking over its raw bytes. Checks
/// that the data matches the dims and that float32 data is finite; `what`
/// names the tensor in errors.
FailureOr<OnnxValue> loadTensor(Importer &imp, ::onnx::TensorProto &tensor,
                                StringRef what,
                                function_ref<InFlightDiagnostic()> emitError);

/// A constant of `shape` whose element `i` is element `srcIndex(i)` of the
/// constant `in` (gathers, slices, transposes, broadcasts).
OnnxValue remapConstant(Importer &imp, const OnnxValue &in,
                        ArrayRef<SymInt> shape,
                        function_ref<int64_t(int64_t)> srcIndex,
                        StringRef nameHint);
/// The constant `in` with a new shape of the same size (no copy).
OnnxValue reshapeConstant(const OnnxValue &in, ArrayRef<SymInt> shape);
/// The constants `ins` (one kind) joined along `axis`.
OnnxValue concatConstants(Importer &imp, ArrayRef<const OnnxValue *> ins,
                          int64_t axis, StringRef nameHint);
/// The constant `in` broadcast to the known `shape` (ONNX Expand).
OnnxValue broadcastConstant(Importer &imp, const OnnxValue &in,
                            ArrayRef<int64_t> shape, StringRef nameHint);
/// The constant `in` transposed by `perm`.
OnnxValue transposeConstant(Importer &imp, const OnnxValue &in,
                            ArrayRef<int64_t> perm, StringRef nameHint);

/// Evaluates the element-wise binary op of `n` (Add, Sub, Mul, Div, Pow,
/// Equal, Less, Greater) on two constants of one kind, with broadcasting.
FailureOr<OnnxValue> foldBinary(NodeImporter &n, const OnnxValue &a,
                                const OnnxValue &b);

/// NumPy broadcasting of two shapes; std::nullopt if they do not broadcast.
/// Two different symbols broadcast to a fresh symbol.
std::optional<SymShape> broadcastShapes(Importer &imp, ArrayRef<SymInt> a,
                                        ArrayRef<SymInt> b);
/// Maps flat indices of a known `outShape` to the flat index of the element
/// of a tensor of `inShape` (same rank or lower) that broadcasts to it.
class BroadcastIndexer {
public:
  BroadcastIndexer(ArrayRef<int64_t> inShape, ArrayRef<int64_t> outShape);
  int64_t operator()(int64_t outIndex) const;

private:
  SmallVector<int64_t> outShape, inStrides;
};

} // namespace mlir::quantopt::onnx_import

#endif // QUANTOPT_LIB_IMPORT_IMPORTERIMPL_H
