//===- Tensors.cpp - ONNX tensors and constant folding ----------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// Loading TensorProtos (initializers, Constant values) with their checks, and
// the data-movement folds on constants: remap (gather, slice, transpose,
// broadcast), reshape and concat. Also NumPy broadcasting of symbolic shapes.
//
// Float32 raw data is taken over from the protobuf, not copied: the bytes
// move into a FloatBuffer, which the resource blob of the constant owns.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "llvm/Support/SwapByteOrder.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::onnx_import;

/// Integer constants are kept element by element (each may be symbolic); a
/// larger integer tensor is kept as an opaque constant.
static constexpr int64_t kMaxIntConstantElements = int64_t(1) << 20;
static constexpr int64_t kMaxElements = int64_t(1) << 40;

/// Bytes per element of the raw data of `type`, or 0.
static int64_t rawElementSize(int32_t type) {
  switch (type) {
  case ::onnx::TensorProto::BOOL:
  case ::onnx::TensorProto::INT8:
  case ::onnx::TensorProto::UINT8:
    return 1;
  case ::onnx::TensorProto::INT16:
  case ::onnx::TensorProto::UINT16:
  case ::onnx::TensorProto::FLOAT16:
  case ::onnx::TensorProto::BFLOAT16:
    return 2;
  case ::onnx::TensorProto::INT32:
  case ::onnx::TensorProto::UINT32:
  case ::onnx::TensorProto::FLOAT:
    return 4;
  case ::onnx::TensorProto::INT64:
  case ::onnx::TensorProto::UINT64:
  case ::onnx::TensorProto::DOUBLE:
    return 8;
  default:
    return 0;
  }
}

/// The number of elements a TensorProto stores outside raw_data.
static int64_t typedDataSize(const ::onnx::TensorProto &t) {
  switch (t.data_type()) {
  case ::onnx::TensorProto::FLOAT:
    return t.float_data_size();
  case ::onnx::TensorProto::INT64:
    return t.int64_data_size();
  case ::onnx::TensorProto::DOUBLE:
    return t.double_data_size();
  case ::onnx::TensorProto::UINT32:
  case ::onnx::TensorProto::UINT64:
    return t.uint64_data_size();
  case ::onnx::TensorProto::STRING:
    return t.string_data_size();
  default:
    return t.int32_data_size();
  }
}

/// Reads element `i` of little-endian raw integer data.
static int64_t readRawInt(const std::string &raw, int32_t type, int64_t i) {
  const char *p = raw.data() + i * rawElementSize(type);
  switch (type) {
  case ::onnx::TensorProto::BOOL:
    return *p != 0;
  case ::onnx::TensorProto::INT8:
    return static_cast<int8_t>(*p);
  case ::onnx::TensorProto::UINT8:
    return static_cast<uint8_t>(*p);
  case ::onnx::TensorProto::INT16: {
    int16_t v;
    std::memcpy(&v, p, sizeof(v));
    return v;
  }
  case ::onnx::TensorProto::UINT16: {
    uint16_t v;
    std::memcpy(&v, p, sizeof(v));
    return v;
  }
  case ::onnx::TensorProto::INT32: {
    int32_t v;
    std::memcpy(&v, p, sizeof(v));
    return v;
  }
  case ::onnx::TensorProto::UINT32: {
    uint32_t v;
    std::memcpy(&v, p, sizeof(v));
    return v;
  }
  default: {
    int64_t v;
    std::memcpy(&v, p, sizeof(v));
    return v;
  }
  }
}

static bool isIntegerType(int32_t type) {
  switch (type) {
  case ::onnx::TensorProto::BOOL:
  case ::onnx::TensorProto::INT8:
  case ::onnx::TensorProto::UINT8:
  case ::onnx::TensorProto::INT16:
  case ::onnx::TensorProto::UINT16:
  case ::onnx::TensorProto::INT32:
  case ::onnx::TensorProto::UINT32:
  case ::onnx::TensorProto::INT64:
  case ::onnx::TensorProto::UINT64:
    return true;
  default:
    return false;
  }
}

FailureOr<OnnxValue>
onnx_import::loadTensor(Importer &imp, ::onnx::TensorProto &t, StringRef what,
                        function_ref<InFlightDiagnostic()> emitError) {
  static_assert(sizeof(float) == 4, "float32 data");
  if (!llvm::sys::IsLittleEndianHost)
    return emitError() << what << ": big-endian hosts are not supported";
  if (t.data_location() == ::onnx::TensorProto::EXTERNAL)
    return emitError() << what
                       << " keeps its data in an external file; external "
                          "data is not supported";
  if (t.has_segment())
    return emitError() << what << " is segmented; not supported";
  SymShape shape;
  int64_t numElements = 1;
  for (int64_t d : t.dims()) {
    if (d < 0)
      return emitError() << what << " has a negative dim " << d;
    shape.push_back(SymInt::known(d));
    if (d != 0 && numElements > kMaxElements / d)
      return emitError() << what << " is too large";
    numElements *= d;
  }
  int32_t type = t.data_type();
  int64_t elemSize = rawElementSize(type);
  bool hasRaw = t.has_raw_data();
  int64_t typedSize = typedDataSize(t);
  if (hasRaw && typedSize != 0)
    return emitError() << what << " has both raw_data and typed data fields";
  if (hasRaw) {
    if (elemSize == 0)
      return emitError() << what << " has element type " << elemTypeName(type)
                         << ", which cannot be stored as raw data";
    if (static_cast<int64_t>(t.raw_data().size()) != numElements * elemSize)
      return emitError() << what << " has " << t.raw_data().size()
                         << " bytes of data, but its dims "
                         << formatShape(shape) << " and element type "
                         << elemTypeName(type) << " need "
                         << numElements * elemSize;
  } else if (typedSize != numElements) {
    return emitError() << what << " has " << typedSize
                       << " data elements, but its dims " << formatShape(shape)
                       << " need " << numElements;
  }

  if (type == ::onnx::TensorProto::FLOAT) {
    std::string bytes;
    if (hasRaw)
      bytes = std::move(*t.mutable_raw_data()); // take over, no copy
    else {
      bytes.assign(reinterpret_cast<const char *>(t.float_data().data()),
                   t.float_data_size() * sizeof(float));
      t.clear_float_data();
    }
    OnnxValue v = imp.floatConstant(shape, std::move(bytes), t.name());
    ArrayRef<float> values = v.floatValues();
    for (auto [i, x] : llvm::enumerate(values))
      if (!std::isfinite(x))
        return emitError() << what << " contains "
                           << (std::isnan(x) ? "NaN" : "an infinity")
                           << " at element " << i << " of " << values.size()
                           << "; weights must be finite";
    return v;
  }

  if (isIntegerType(type) && numElements <= kMaxIntConstantElements) {
    std::vector<SymInt> values;
    values.reserve(numElements);
    for (int64_t i = 0; i < numElements; ++i) {
      int64_t x;
      if (hasRaw)
        x = readRawInt(t.raw_data(), type, i);
      else if (type == ::onnx::TensorProto::INT64)
        x = t.int64_data(i);
      else if (type == ::onnx::TensorProto::UINT32 ||
               type == ::onnx::TensorProto::UINT64)
        x = static_cast<int64_t>(t.uint64_data(i));
      else if (type == ::onnx::TensorProto::BOOL)
        x = t.int32_data(i) != 0;
      else
        x = t.int32_data(i);
      values.push_back(SymInt::known(x));
    }
    return imp.intConstant(shape, std::move(values), type);
  }

  OnnxValue v;
  v.kind = OnnxValue::Kind::Other;
  v.shape = shape;
  v.elemType = type;
  return v;
}

//===----------------------------------------------------------------------===//
// Folds
//===----------------------------------------------------------------------===//

OnnxValue onnx_import::remapConstant(Importer &imp, const OnnxValue &in,
                                     ArrayRef<SymInt> shape,
                                     function_ref<int64_t(int64_t)> srcIndex,
                                     StringRef nameHint) {
  int64_t n = knownProduct(shape).value_or(0);
  if (in.kind == OnnxValue::Kind::Float) {
    ArrayRef<float> src = in.floatValues();
    std::string bytes(n * sizeof(float), '\0');
    auto *dst = reinterpret_cast<float *>(bytes.data());
    for (int64_t i = 0; i < n; ++i)
      dst[i] = src[srcIndex(i)];
    return imp.floatConstant(shape, std::move(bytes), nameHint);
  }
  ArrayRef<SymInt> src = in.intValues();
  std::vector<SymInt> dst(n);
  for (int64_t i = 0; i < n; ++i)
    dst[i] = src[srcIndex(i)];
  return imp.intConstant(shape, std::move(dst), in.elemType);
}

OnnxValue onnx_import::reshapeConstant(const OnnxValue &in,
                                       ArrayRef<SymInt> shape) {
  OnnxValue out = in;
  out.shape.assign(shape.begin(), shape.end());
  return out;
}

OnnxValue onnx_import::concatConstants(Importer &imp,
                                       ArrayRef<const OnnxValue *> ins,
                                       int64_t axis, StringRef nameHint) {
  SymShape shape = ins.front()->shape;
  int64_t total = 0;
  for (const OnnxValue *v : ins)
    total += v->shape[axis].value;
  shape[axis] = SymInt::known(total);
  SmallVector<int64_t> dims = *knownValues(shape);
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= dims[d];
  for (int64_t d = axis + 1, e = dims.size(); d < e; ++d)
    inner *= dims[d];
  // Element i of the result is element src[i].second of input src[i].first.
  int64_t n = outer * total * inner;
  SmallVector<std::pair<unsigned, int64_t>> src;
  src.reserve(n);
  for (int64_t o = 0; o < outer; ++o)
    for (auto [k, v] : llvm::enumerate(ins)) {
      int64_t block = v->shape[axis].value * inner;
      for (int64_t j = 0; j < block; ++j)
        src.push_back({static_cast<unsigned>(k), o * block + j});
    }
  if (ins.front()->kind == OnnxValue::Kind::Float) {
    std::string bytes(n * sizeof(float), '\0');
    auto *dst = reinterpret_cast<float *>(bytes.data());
    for (int64_t i = 0; i < n; ++i)
      dst[i] = ins[src[i].first]->floatValues()[src[i].second];
    return imp.floatConstant(shape, std::move(bytes), nameHint);
  }
  std::vector<SymInt> dst(n);
  for (int64_t i = 0; i < n; ++i)
    dst[i] = ins[src[i].first]->intValues()[src[i].second];
  return imp.intConstant(shape, std::move(dst), ins.front()->elemType);
}

OnnxValue onnx_import::broadcastConstant(Importer &imp, const OnnxValue &in,
                                         ArrayRef<int64_t> shape,
                                         StringRef nameHint) {
  BroadcastIndexer indexer(*knownValues(in.shape), shape);
  return remapConstant(imp, in, knownShape(shape), indexer, nameHint);
}

OnnxValue onnx_import::transposeConstant(Importer &imp, const OnnxValue &in,
                                         ArrayRef<int64_t> perm,
                                         StringRef nameHint) {
  SmallVector<int64_t> inDims = *knownValues(in.shape);
  SmallVector<int64_t> inStrides = rowMajorStrides(inDims);
  SmallVector<int64_t> outDims, permStrides;
  for (int64_t p : perm) {
    outDims.push_back(inDims[p]);
    permStrides.push_back(inStrides[p]);
  }
  return remapConstant(
      imp, in, knownShape(outDims),
      [&](int64_t i) {
        int64_t src = 0;
        for (int64_t d = static_cast<int64_t>(outDims.size()) - 1; d >= 0;
             --d) {
          src += (i % outDims[d]) * permStrides[d];
          i /= outDims[d];
        }
        return src;
      },
      nameHint);
}

//===----------------------------------------------------------------------===//
// Broadcasting
//===----------------------------------------------------------------------===//

std::optional<SymShape> onnx_import::broadcastShapes(Importer &imp,
                                                     ArrayRef<SymInt> a,
                                                     ArrayRef<SymInt> b) {
  size_t rank = std::max(a.size(), b.size());
  SymShape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    SymInt x =
        i < rank - a.size() ? SymInt::known(1) : a[i - (rank - a.size())];
    SymInt y =
        i < rank - b.size() ? SymInt::known(1) : b[i - (rank - b.size())];
    if (x == y || (y.isKnown() && y.value == 1))
      out[i] = x;
    else if (x.isKnown() && x.value == 1)
      out[i] = y;
    else if (x.isKnown() && y.isKnown())
      return std::nullopt;
    else if (x.isKnown())
      out[i] = x; // the symbol must be x (or 1)
    else if (y.isKnown())
      out[i] = y;
    else
      out[i] = imp.freshSymbol();
  }
  return out;
}

BroadcastIndexer::BroadcastIndexer(ArrayRef<int64_t> inShape,
                                   ArrayRef<int64_t> outShape)
    : outShape(outShape) {
  size_t offset = outShape.size() - inShape.size();
  SmallVector<int64_t> strides = rowMajorStrides(inShape);
  inStrides.assign(outShape.size(), 0);
  for (size_t d = 0; d < inShape.size(); ++d)
    if (inShape[d] != 1)
      inStrides[d + offset] = strides[d];
}

int64_t BroadcastIndexer::operator()(int64_t outIndex) const {
  int64_t src = 0;
  for (int64_t d = static_cast<int64_t>(outShape.size()) - 1; d >= 0; --d) {
    src += (outIndex % outShape[d]) * inStrides[d];
    outIndex /= outShape[d];
  }
  return src;
}
