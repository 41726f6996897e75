//===- Importer.cpp - ONNX graph to func.func -------------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The graph level of the ONNX importer: parsing, model and node checks, the
// ONNX checker, initializers, graph inputs and outputs, the node loop, and
// the value bookkeeping (symbols, constants, resource names).
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"
#include "quant-opt/Dialect/Qnt/IR/QntDialect.h"
#include "quant-opt/Import/OnnxImporter.h"

#include "onnx/checker.h"
#include "onnx/defs/schema.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"

#include <climits>
#include <exception>
#include <unordered_map>

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::onnx_import;

//===----------------------------------------------------------------------===//
// Op table
//===----------------------------------------------------------------------===//

const OpTable &onnx_import::getOpTable() {
  static const OpTable table = [] {
    OpTable t;
    registerConvPoolOps(t);
    registerMatMulOps(t);
    registerElementwiseOps(t);
    registerNormalizationOps(t);
    registerDataMovementOps(t);
    registerShapeOps(t);
    registerQuantOps(t);
    return t;
  }();
  return table;
}

/// Static dims of graph inputs above this are rejected (sizes stay far from
/// int64 overflow in shape arithmetic).
static constexpr int64_t kMaxDim = int64_t(1) << 32;

static bool isDefaultDomain(StringRef domain) {
  return domain.empty() || domain == "ai.onnx";
}

//===----------------------------------------------------------------------===//
// Importer: bookkeeping
//===----------------------------------------------------------------------===//

InFlightDiagnostic Importer::error() {
  return emitError(FileLineColLoc::get(ctx, sourceName, 0, 0));
}

SymInt Importer::namedSymbol(StringRef dimParam) {
  auto [it, inserted] = dimParams.try_emplace(dimParam, 0);
  if (inserted)
    it->second = freshSymbol().symbol;
  return SymInt::sym(it->second);
}

OnnxValue Importer::floatConstant(ArrayRef<SymInt> shape, std::string bytes,
                                  StringRef nameHint) {
  OnnxValue v;
  v.kind = OnnxValue::Kind::Float;
  v.shape.assign(shape.begin(), shape.end());
  v.floats = std::make_shared<FloatBuffer>(std::move(bytes), nameHint.str());
  return v;
}

OnnxValue Importer::floatConstant(ArrayRef<SymInt> shape,
                                  ArrayRef<float> values, StringRef nameHint) {
  std::string bytes(reinterpret_cast<const char *>(values.data()),
                    values.size() * sizeof(float));
  return floatConstant(shape, std::move(bytes), nameHint);
}

OnnxValue Importer::intConstant(ArrayRef<SymInt> shape,
                                std::vector<SymInt> values, int32_t elemType) {
  OnnxValue v;
  v.kind = OnnxValue::Kind::Int;
  v.shape.assign(shape.begin(), shape.end());
  v.ints = std::make_shared<const std::vector<SymInt>>(std::move(values));
  v.elemType = elemType;
  return v;
}

std::string Importer::uniqueResourceName(StringRef hint) {
  // Resource keys are printed bare: keep [A-Za-z0-9_.], start with a letter
  // or underscore.
  std::string base;
  for (char c : hint)
    base.push_back(llvm::isAlnum(c) || c == '_' || c == '.' ? c : '_');
  if (base.empty() || !(llvm::isAlpha(base[0]) || base[0] == '_'))
    base.insert(0, "t_");
  std::string name = base;
  for (unsigned i = 1; !resourceNames.insert(name).second; ++i)
    name = base + "_" + std::to_string(i);
  return name;
}

Value Importer::materialize(const OnnxValue &v, Location loc) {
  switch (v.kind) {
  case OnnxValue::Kind::Tensor:
    return v.value;
  case OnnxValue::Kind::Float: {
    auto type =
        RankedTensorType::get(toMlirShape(v.shape), Float32Type::get(ctx));
    auto key = std::make_pair(v.floats.get(), Type(type));
    if (Value cached = constants.lookup(key))
      return cached;
    DenseResourceElementsAttr attr;
    if (v.floats->handle) {
      attr = DenseResourceElementsAttr::get(type, *v.floats->handle);
    } else {
      // The blob keeps the buffer alive: no copy of the weights.
      std::shared_ptr<FloatBuffer> owner = v.floats;
      AsmResourceBlob blob(
          owner->data(), alignof(float),
          [owner](void *, size_t, size_t) mutable { owner.reset(); },
          /*dataIsMutable=*/false);
      attr = DenseResourceElementsAttr::get(
          type, uniqueResourceName(v.floats->nameHint()), std::move(blob));
      v.floats->handle = attr.getRawHandle();
    }
    Value c = arith::ConstantOp::create(builder, loc, attr);
    constants[key] = c;
    return c;
  }
  case OnnxValue::Kind::Int: {
    std::optional<SmallVector<int64_t>> known = knownValues(v.intValues());
    if (!known)
      return {};
    Type elem;
    if (v.elemType == ::onnx::TensorProto::BOOL)
      elem = IntegerType::get(ctx, 1);
    else if (v.elemType == ::onnx::TensorProto::INT32)
      elem = IntegerType::get(ctx, 32);
    else
      elem = IntegerType::get(ctx, 64);
    auto type = RankedTensorType::get(toMlirShape(v.shape), elem);
    SmallVector<APInt> values;
    for (int64_t x : *known)
      values.push_back(APInt(elem.getIntOrFloatBitWidth(), x, /*isSigned=*/true,
                             /*implicitTrunc=*/true));
    return arith::ConstantOp::create(builder, loc,
                                     DenseElementsAttr::get(type, values));
  }
  case OnnxValue::Kind::Other:
    return {};
  }
  return {};
}

std::optional<unsigned> Importer::soleConsumer(StringRef name) const {
  if (graphOutputs.contains(name))
    return std::nullopt;
  auto it = consumers.find(name);
  if (it == consumers.end() || it->second.size() != 1)
    return std::nullopt;
  return it->second.front();
}

//===----------------------------------------------------------------------===//
// Importer: model checks
//===----------------------------------------------------------------------===//

LogicalResult Importer::checkModel() {
  if (!model.has_graph())
    return error() << "the model has no graph (is this an ONNX model?)";
  if (model.ir_version() < 3)
    return error() << "the model has IR version " << model.ir_version()
                   << "; ONNX models with opset imports have IR version 3 "
                      "or later";
  bool found = false;
  for (const ::onnx::OperatorSetIdProto &id : model.opset_import()) {
    if (!isDefaultDomain(id.domain()))
      continue;
    found = true;
    opset = id.version();
  }
  if (!found)
    return error() << "the model imports no opset of the default ONNX domain";
  if (opset < kMinOnnxOpset || opset > kMaxOnnxOpset)
    return error() << "the model imports opset " << opset
                   << " of the default ONNX domain; supported are opsets "
                   << kMinOnnxOpset << " to " << kMaxOnnxOpset;
  return success();
}

/// The opset a model imports for `domain`, or -1.
static int64_t domainOpset(const ::onnx::ModelProto &model, StringRef domain) {
  for (const ::onnx::OperatorSetIdProto &id : model.opset_import())
    if (id.domain() == domain ||
        (isDefaultDomain(domain) && isDefaultDomain(id.domain())))
      return id.version();
  return -1;
}

LogicalResult Importer::checkNodes() {
  const ::onnx::GraphProto &graph = model.graph();
  llvm::StringSet<> defined;
  for (const ::onnx::TensorProto &t : graph.initializer())
    if (!defined.insert(t.name()).second)
      return error() << "initializer '" << t.name() << "' is defined twice";
  for (const ::onnx::ValueInfoProto &in : graph.input()) {
    if (in.name().empty())
      return error() << "a graph input has no name";
    if (!defined.insert(in.name()).second &&
        llvm::none_of(graph.initializer(), [&](const ::onnx::TensorProto &t) {
          return t.name() == in.name();
        }))
      return error() << "graph input '" << in.name() << "' is defined twice";
  }

  const OpTable &table = getOpTable();
  absorbed.assign(graph.node_size(), false);
  for (auto [i, node] : llvm::enumerate(graph.node())) {
    NodeImporter n(*this, node, i);
    int64_t version = domainOpset(model, node.domain());
    if (!isDefaultDomain(node.domain()) || !table.count(node.op_type())) {
      InFlightDiagnostic diag = n.error();
      diag << "op type '" << node.op_type() << "' (domain '" << node.domain()
           << "', opset ";
      if (version < 0)
        diag << "not imported";
      else
        diag << version;
      return diag << ") is not supported";
    }
    const OpSpec &spec = table.find(node.op_type())->second;
    if (spec.sinceVersion > opset)
      return n.error() << "op type '" << node.op_type() << "' (domain '"
                       << node.domain() << "', opset " << opset
                       << ") is not supported: the importer handles it from "
                          "opset "
                       << spec.sinceVersion;
    if (node.output_size() == 0 || node.output(0).empty())
      return n.error() << node.op_type() << ": the node has no output";
    for (const ::onnx::AttributeProto &a : node.attribute()) {
      if (!a.ref_attr_name().empty())
        return n.error() << node.op_type() << ": attribute '" << a.name()
                         << "' refers to a function attribute";
      if (!llvm::is_contained(spec.attributes, a.name()))
        return n.error() << node.op_type() << ": unknown attribute '"
                         << a.name() << "'";
    }
    for (const std::string &in : node.input()) {
      if (in.empty())
        continue;
      if (!defined.contains(in))
        return n.error() << node.op_type() << ": input '" << in
                         << "' is not defined by an initializer, a graph "
                            "input or an earlier node";
      consumers[in].push_back(i);
    }
    for (const std::string &out : node.output())
      if (!out.empty() && !defined.insert(out).second)
        return n.error() << node.op_type() << ": output '" << out
                         << "' is already defined";
  }
  for (const ::onnx::ValueInfoProto &out : graph.output()) {
    if (!defined.contains(out.name()))
      return error() << "graph output '" << out.name()
                     << "' is not defined by a node, an initializer or a "
                        "graph input";
    graphOutputs.insert(out.name());
  }
  return success();
}

/// Collapses the whitespace of a multi-line message.
static std::string oneLine(StringRef text) {
  std::string s;
  for (StringRef part : llvm::split(text, '\n')) {
    part = part.trim();
    if (part.empty())
      continue;
    if (!s.empty())
      s += " ";
    s += part.str();
  }
  return s;
}

LogicalResult Importer::runOnnxChecker() {
  // The linked ONNX library knows the schemas of the opsets it was built
  // with. Its node check validates each node against its schema (input and
  // output counts, attribute types); the graph-level check_model is not used
  // because it insists on output shapes that newer ONNX versions make
  // optional, and the importer checks tensors and names itself.
  const auto &ranges =
      ::onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
  auto it = ranges.find(::onnx::ONNX_DOMAIN);
  if (it == ranges.end() || opset > it->second.second ||
      model.ir_version() > ::onnx::Version::IR_VERSION)
    return success();
  ::onnx::checker::CheckerContext context;
  context.set_ir_version(static_cast<int>(model.ir_version()));
  std::unordered_map<std::string, int> imports;
  for (const ::onnx::OperatorSetIdProto &id : model.opset_import())
    imports[isDefaultDomain(id.domain()) ? std::string(::onnx::ONNX_DOMAIN)
                                         : id.domain()] =
        static_cast<int>(id.version());
  context.set_opset_imports(std::move(imports));
  ::onnx::checker::LexicalScopeContext scope;
  for (auto [i, node] : llvm::enumerate(model.graph().node())) {
    try {
      ::onnx::checker::check_node(node, context, scope);
    } catch (const std::exception &e) {
      return NodeImporter(*this, node, i).error()
             << node.op_type()
             << ": the ONNX checker rejects the node: " << oneLine(e.what());
    } catch (...) {
      return NodeImporter(*this, node, i).error()
             << node.op_type() << ": the ONNX checker rejects the node";
    }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Importer: graph
//===----------------------------------------------------------------------===//

LogicalResult Importer::importInitializers() {
  for (::onnx::TensorProto &t : *model.mutable_graph()->mutable_initializer()) {
    std::string what = "initializer '" + t.name() + "'";
    FailureOr<OnnxValue> v =
        loadTensor(*this, t, what, [this] { return error(); });
    if (failed(v))
      return failure();
    values[t.name()] = std::move(*v);
  }
  return success();
}

LogicalResult Importer::importInputs(SmallVectorImpl<Type> &argTypes,
                                     SmallVectorImpl<std::string> &argNames) {
  for (const ::onnx::ValueInfoProto &in : model.graph().input()) {
    if (values.count(in.name()))
      continue; // an initializer with a default value: a constant
    const ::onnx::TypeProto &type = in.type();
    if (!type.has_tensor_type())
      return error() << "graph input '" << in.name()
                     << "' is not a tensor (sequences, maps and optionals "
                        "are not supported)";
    const ::onnx::TypeProto_Tensor &tt = type.tensor_type();
    // Integer inputs feed the quantization ops (QuantOps.cpp): their stored
    // integers on the unit grid (scale 1, zero point 0).
    Type elementType = Float32Type::get(ctx);
    switch (tt.elem_type()) {
    case ::onnx::TensorProto::FLOAT:
      break;
    case ::onnx::TensorProto::UINT8:
    case ::onnx::TensorProto::INT8:
    case ::onnx::TensorProto::UINT16:
    case ::onnx::TensorProto::INT16:
    case ::onnx::TensorProto::INT32: {
      bool isSigned = tt.elem_type() != ::onnx::TensorProto::UINT8 &&
                      tt.elem_type() != ::onnx::TensorProto::UINT16;
      unsigned width = tt.elem_type() == ::onnx::TensorProto::INT32 ? 32
                       : tt.elem_type() == ::onnx::TensorProto::UINT8 ||
                               tt.elem_type() == ::onnx::TensorProto::INT8
                           ? 8
                           : 16;
      elementType = quant::UniformQuantizedType::get(
          isSigned ? quant::QuantizationFlags::Signed : 0,
          IntegerType::get(ctx, width), Float32Type::get(ctx), 1.0, 0,
          quant::QuantizedType::getDefaultMinimumForInteger(isSigned, width),
          quant::QuantizedType::getDefaultMaximumForInteger(isSigned, width));
      break;
    }
    default:
      return error() << "graph input '" << in.name() << "' has element type "
                     << elemTypeName(tt.elem_type())
                     << "; only float32 inputs, and integer inputs of the "
                        "quantization ops, are supported";
    }
    if (!tt.has_shape())
      return error() << "graph input '" << in.name()
                     << "' has no shape (unknown rank)";
    SymShape shape;
    for (const ::onnx::TensorShapeProto_Dimension &d : tt.shape().dim()) {
      if (d.has_dim_value() && d.dim_value() > kMaxDim)
        return error() << "graph input '" << in.name() << "' has dim "
                       << d.dim_value() << ", more than " << kMaxDim;
      if (d.has_dim_value() && d.dim_value() >= 0)
        shape.push_back(SymInt::known(d.dim_value()));
      else if (d.has_dim_param() && !d.dim_param().empty())
        shape.push_back(namedSymbol(d.dim_param()));
      else
        shape.push_back(freshSymbol());
    }
    OnnxValue v;
    v.kind = OnnxValue::Kind::Tensor;
    v.shape = shape;
    v.elemType = tt.elem_type();
    values[in.name()] = std::move(v);
    argTypes.push_back(RankedTensorType::get(toMlirShape(shape), elementType));
    argNames.push_back(in.name());
  }
  return success();
}

LogicalResult Importer::importNode(unsigned index) {
  const ::onnx::NodeProto &node = model.graph().node(index);
  NodeImporter n(*this, node, index);
  const OpSpec &spec = getOpTable().find(node.op_type())->second;
  if (failed(spec.handler(n)))
    return failure();
  // An output the handler did not define must be unused (users a pattern
  // has absorbed do not count).
  for (auto [i, out] : llvm::enumerate(node.output())) {
    if (out.empty() || values.count(out))
      continue;
    auto users = consumers.find(out);
    bool used = graphOutputs.contains(out) ||
                (users != consumers.end() &&
                 llvm::any_of(users->second,
                              [&](unsigned user) { return !absorbed[user]; }));
    if (used)
      return n.error() << node.op_type() << ": output #" << i << " ('" << out
                       << "') is not supported";
  }
  return success();
}

/// True if `declared` (an ONNX output type) contradicts the computed shape.
static bool contradicts(const ::onnx::TypeProto_Tensor &declared,
                        ArrayRef<SymInt> shape) {
  if (!declared.has_shape())
    return false;
  if (declared.shape().dim_size() != static_cast<int>(shape.size()))
    return true;
  for (auto [d, size] : llvm::zip(declared.shape().dim(), shape))
    if (d.has_dim_value() && d.dim_value() >= 0 && size.isKnown() &&
        size.value != d.dim_value())
      return true;
  return false;
}

LogicalResult Importer::importOutputs(func::FuncOp func) {
  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  Location loc = func.getLoc();
  for (const ::onnx::ValueInfoProto &out : model.graph().output()) {
    const OnnxValue &v = values.find(out.name())->second;
    if (out.type().has_tensor_type()) {
      const ::onnx::TypeProto_Tensor &tt = out.type().tensor_type();
      int32_t elemType = v.isFloat() ? ::onnx::TensorProto::FLOAT : v.elemType;
      if (tt.elem_type() != ::onnx::TensorProto::UNDEFINED &&
          tt.elem_type() != elemType)
        return error() << "graph output '" << out.name() << "' is declared as "
                       << elemTypeName(tt.elem_type()) << " but computes "
                       << elemTypeName(elemType);
      if (contradicts(tt, v.shape))
        return error() << "graph output '" << out.name()
                       << "': the computed shape " << formatShape(v.shape)
                       << " contradicts the declared shape";
    }
    Value value = materialize(v, loc);
    if (!value && v.kind == OnnxValue::Kind::Int)
      return error() << "graph output '" << out.name()
                     << "' is an integer tensor that depends on a dynamic "
                        "dimension; it has no value at import time";
    if (!value)
      return error() << "graph output '" << out.name() << "' is a "
                     << elemTypeName(v.elemType)
                     << " constant; only float32 and integer outputs are "
                        "supported";
    results.push_back(value);
    resultTypes.push_back(value.getType());
  }
  func::ReturnOp::create(builder, loc, results);
  func.setFunctionType(
      FunctionType::get(ctx, func.getArgumentTypes(), resultTypes));
  for (auto [i, out] : llvm::enumerate(model.graph().output()))
    func.setResultAttr(i, kOnnxNameAttr, builder.getStringAttr(out.name()));
  return success();
}

OwningOpRef<ModuleOp> Importer::run(bool runChecker) {
  if (failed(checkModel()) || failed(checkNodes()))
    return nullptr;
  if (runChecker && failed(runOnnxChecker()))
    return nullptr;

  Location loc = NameLoc::get(builder.getStringAttr(
      sourceName.empty() ? std::string("onnx") : sourceName));
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  if (failed(importInitializers()))
    return nullptr;
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  if (failed(importInputs(argTypes, argNames)))
    return nullptr;

  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, loc, "main",
                                   builder.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(argNames)) {
    func.setArgAttr(i, kOnnxNameAttr, builder.getStringAttr(name));
    OnnxValue &v = values.find(name)->second;
    v.value = entry->getArgument(i);
  }
  builder.setInsertionPointToEnd(entry);

  // Constant nodes have no inputs: importing them first lets patterns that
  // start earlier in the graph (GELU) see the constants they compare with.
  // They are materialized where they are first used.
  for (unsigned i = 0, e = model.graph().node_size(); i < e; ++i) {
    if (model.graph().node(i).op_type() != "Constant")
      continue;
    if (failed(importNode(i)))
      return nullptr;
    absorbed[i] = true;
  }
  for (unsigned i = 0, e = model.graph().node_size(); i < e; ++i)
    if (!absorbed[i] && failed(importNode(i)))
      return nullptr;
  if (failed(importOutputs(func)))
    return nullptr;
  return module;
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp>
mlir::quantopt::importOnnxModel(StringRef bytes, MLIRContext *context,
                                StringRef sourceName,
                                const OnnxImportOptions &options) {
  context->loadDialect<qnt::QntDialect, quant::QuantDialect, func::FuncDialect,
                       arith::ArithDialect>();
  std::string source = sourceName.empty() ? "<input>" : sourceName.str();
  auto fail = [&]() {
    return emitError(FileLineColLoc::get(context, source, 0, 0));
  };
  if (bytes.empty()) {
    fail() << "the file is empty, not an ONNX model";
    return nullptr;
  }
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    fail() << "the file is larger than 2 GB; models with external data are "
              "not supported";
    return nullptr;
  }
  ::onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    fail() << "not a valid ONNX model: protobuf parsing failed (truncated "
              "or corrupt file)";
    return nullptr;
  }
  Importer importer(context, model, source);
  OwningOpRef<ModuleOp> module = importer.run(options.runChecker);
  if (module && failed(verify(*module)))
    return nullptr;
  return module;
}

void mlir::quantopt::registerOnnxImportDialects(DialectRegistry &registry) {
  registry.insert<qnt::QntDialect, quant::QuantDialect, func::FuncDialect,
                  arith::ArithDialect>();
}
