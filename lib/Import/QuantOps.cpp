//===- QuantOps.cpp - ONNX quantization operators ---------------*- C++ -*-===//
//
// Part of quant-opt. SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The ONNX operators of quantized models, onto the quantized form of qnt:
//
//   QuantizeLinear    qnt.quantize (round half to even, saturate)
//   DequantizeLinear  qnt.dequantize (int32 inputs are accumulators)
//   QLinearMatMul     qnt.matmul (int32 accumulator) + qnt.requantize
//   QLinearConv       qnt.conv2d (int32 accumulator, int32 bias) +
//                     qnt.requantize
//   MatMulInteger     qnt.matmul on unit grids: the int32 result is
//   ConvInteger       sum (a - a_zp) * (b - b_zp), exactly the accumulator
//
// ONNX Runtime and the ONNX reference requantize QLinear ops in float,
// rounding half to even: `rounding = <half_to_even>`.
//
// Value model: an integer tensor computed at run time (a graph input or the
// result of one of these ops) is an SSA value of a quantized tensor type
// whose stored integers are the ONNX integers; its elemType says which ONNX
// type it is. An integer graph input gets the unit grid (scale 1, zero point
// 0). Each operator reads its operands on the grids its scale and zero-point
// inputs give (quant.scast to the storage integers and back when they
// differ). Scales and zero points must be constants.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"
#include "quant-opt/Dialect/Qnt/IR/QntOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cmath>

using namespace mlir;
using namespace mlir::quantopt;
using namespace mlir::quantopt::onnx_import;

namespace {

//===----------------------------------------------------------------------===//
// Grids
//===----------------------------------------------------------------------===//

/// The storage width and signedness of an ONNX integer element type.
struct Storage {
  unsigned width;
  bool isSigned;
};

std::optional<Storage> storageOf(int32_t onnxType) {
  switch (onnxType) {
  case ::onnx::TensorProto::UINT8:
    return Storage{8, false};
  case ::onnx::TensorProto::INT8:
    return Storage{8, true};
  case ::onnx::TensorProto::UINT16:
    return Storage{16, false};
  case ::onnx::TensorProto::INT16:
    return Storage{16, true};
  case ::onnx::TensorProto::INT32:
    return Storage{32, true};
  default:
    return std::nullopt;
  }
}

/// A per-tensor or per-axis quantized element type.
quant::QuantizedType makeGrid(MLIRContext *ctx, Storage storage,
                              ArrayRef<double> scales,
                              ArrayRef<int64_t> zeroPoints,
                              std::optional<int32_t> axis) {
  Type integer = IntegerType::get(ctx, storage.width);
  Type f32 = Float32Type::get(ctx);
  unsigned flags = storage.isSigned ? quant::QuantizationFlags::Signed : 0;
  int64_t min = quant::QuantizedType::getDefaultMinimumForInteger(
      storage.isSigned, storage.width);
  int64_t max = quant::QuantizedType::getDefaultMaximumForInteger(
      storage.isSigned, storage.width);
  if (axis)
    return quant::UniformQuantizedPerAxisType::get(flags, integer, f32, scales,
                                                   zeroPoints, *axis, min, max);
  return quant::UniformQuantizedType::get(flags, integer, f32, scales[0],
                                          zeroPoints[0], min, max);
}

/// The quantization parameters one operator reads from its scale and zero
/// point inputs.
struct Params {
  Storage storage{8, false};
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  /// Per-axis along this dim of the tensor they describe.
  std::optional<int32_t> axis;

  quant::QuantizedType grid(MLIRContext *ctx) const {
    return makeGrid(ctx, storage, scales, zeroPoints, axis);
  }
};

/// Reads the scale (input `scaleIndex`) and the optional zero point (input
/// `zeroIndex`) describing a tensor of rank `rank`; per-axis along `axis`
/// when they have more than one element. `dataType` is the ONNX element
/// type of the data (UNDEFINED: take it from the zero point, default
/// uint8). `what` names the tensor.
FailureOr<Params> readParams(NodeImporter &n, unsigned scaleIndex,
                             unsigned zeroIndex, int64_t rank, int64_t axis,
                             int32_t dataType, StringRef what) {
  Params p;
  if (scaleIndex == ~0u) {
    // Integer ops: the unit grid.
    p.scales = {1.0};
  } else {
    FailureOr<const OnnxValue *> scale =
        n.floatConstInput(scaleIndex, (what + " scale").str());
    if (failed(scale))
      return failure();
    for (float s : (*scale)->floatValues()) {
      if (!(s > 0.0f) || !std::isfinite(s))
        return n.error() << n.opType() << ": the " << what << " scale " << s
                         << " must be positive and finite";
      p.scales.push_back(static_cast<double>(s));
    }
    if ((*scale)->rank() > 1 || p.scales.empty())
      return n.error() << n.opType() << ": the " << what
                       << " scale must be a scalar or 1-D, it has shape "
                       << formatShape((*scale)->shape);
  }
  int32_t zeroType = dataType;
  if (n.hasInput(zeroIndex)) {
    FailureOr<const OnnxValue *> zero =
        n.intInput(zeroIndex, (what + " zero point").str());
    if (failed(zero))
      return failure();
    FailureOr<SmallVector<int64_t>> values =
        n.intConstInput(zeroIndex, (what + " zero point").str());
    if (failed(values))
      return failure();
    p.zeroPoints = *values;
    zeroType = (*zero)->elemType;
    if (dataType != ::onnx::TensorProto::UNDEFINED && zeroType != dataType)
      return n.error() << n.opType() << ": the " << what << " zero point is "
                       << elemTypeName(zeroType) << " but the " << what
                       << " is " << elemTypeName(dataType);
    if (p.zeroPoints.empty() || (*zero)->rank() > 1)
      return n.error() << n.opType() << ": the " << what
                       << " zero point must be a scalar or 1-D";
  } else {
    if (zeroType == ::onnx::TensorProto::UNDEFINED)
      zeroType = ::onnx::TensorProto::UINT8;
  }
  std::optional<Storage> storage = storageOf(zeroType);
  if (!storage)
    return n.error() << n.opType() << ": " << what << " of type "
                     << elemTypeName(zeroType)
                     << " is not supported (uint8, int8, uint16, int16, "
                        "int32)";
  p.storage = *storage;
  if (p.zeroPoints.empty())
    p.zeroPoints.assign(p.scales.size(), 0);
  if (p.scales.size() == 1 && p.zeroPoints.size() > 1)
    p.scales.assign(p.zeroPoints.size(), p.scales[0]);
  if (p.zeroPoints.size() == 1 && p.scales.size() > 1)
    p.zeroPoints.assign(p.scales.size(), p.zeroPoints[0]);
  if (p.scales.size() != p.zeroPoints.size())
    return n.error() << n.opType() << ": the " << what << " has "
                     << p.scales.size() << " scales but " << p.zeroPoints.size()
                     << " zero points";
  int64_t min = quant::QuantizedType::getDefaultMinimumForInteger(
      storage->isSigned, storage->width);
  int64_t max = quant::QuantizedType::getDefaultMaximumForInteger(
      storage->isSigned, storage->width);
  for (int64_t z : p.zeroPoints)
    if (z < min || z > max)
      return n.error() << n.opType() << ": the " << what << " zero point " << z
                       << " is outside [" << min << ", " << max << "]";
  if (p.storage.width == 32 &&
      llvm::any_of(p.zeroPoints, [](int64_t z) { return z != 0; }))
    return n.error() << n.opType() << ": an int32 " << what
                     << " must have zero point 0";
  if (p.scales.size() > 1) {
    FailureOr<int64_t> normalized = n.normalizeAxis(axis, rank, "axis");
    if (failed(normalized))
      return failure();
    p.axis = static_cast<int32_t>(*normalized);
  }
  return p;
}

/// The tensor type of `shape` with `element`.
RankedTensorType tensorOf(ArrayRef<SymInt> shape, Type element) {
  return RankedTensorType::get(toMlirShape(shape), element);
}

/// Input `i`, an integer tensor (run time or constant), as a value of the
/// quantized type `grid`: its stored integers are the ONNX integers.
FailureOr<Value> integerInput(NodeImporter &n, unsigned i, StringRef role,
                              quant::QuantizedType grid) {
  if (!n.hasInput(i))
    return n.error() << n.opType() << ": the " << role << " (input #" << i
                     << ") is missing";
  const OnnxValue &v = n.input(i);
  std::optional<Storage> storage = storageOf(v.elemType);
  if (v.isFloat() || !storage ||
      storage->width != grid.getStorageTypeIntegralWidth() ||
      storage->isSigned != grid.isSigned())
    return n.error() << n.opType() << ": the " << role << " '" << n.inputName(i)
                     << "' is "
                     << elemTypeName(v.isFloat() ? ::onnx::TensorProto::FLOAT
                                                 : v.elemType)
                     << "; it must be " << (grid.isSigned() ? "int" : "uint")
                     << grid.getStorageTypeIntegralWidth()
                     << ", as its zero point";
  OpBuilder &b = n.builder();
  Type integer = IntegerType::get(b.getContext(), storage->width);
  auto type = tensorOf(v.shape, grid);
  if (v.kind == OnnxValue::Kind::Int) {
    std::optional<SmallVector<int64_t>> values = knownValues(v.intValues());
    if (!values)
      return n.error() << n.opType() << ": the " << role << " '"
                       << n.inputName(i) << "' depends on a dynamic size";
    SmallVector<APInt> ints;
    for (int64_t x : *values)
      ints.push_back(APInt(storage->width, x, /*isSigned=*/true,
                           /*implicitTrunc=*/true));
    Value constant = arith::ConstantOp::create(
        b, n.loc, DenseElementsAttr::get(tensorOf(v.shape, integer), ints));
    return quant::StorageCastOp::create(b, n.loc, type, constant).getResult();
  }
  if (v.kind != OnnxValue::Kind::Tensor)
    return n.error() << n.opType() << ": the " << role << " '" << n.inputName(i)
                     << "' is a constant the importer cannot read";
  if (v.value.getType() == type)
    return v.value;
  // Reinterpret the stored integers on this operator's grid.
  Value raw = quant::StorageCastOp::create(b, n.loc, tensorOf(v.shape, integer),
                                           v.value);
  return quant::StorageCastOp::create(b, n.loc, type, raw).getResult();
}

/// The value of a run-time integer result.
OnnxValue integerTensor(NodeImporter &n, Value value, ArrayRef<SymInt> shape,
                        Storage storage) {
  OnnxValue out = n.tensor(value, shape);
  if (storage.width == 8)
    out.elemType = storage.isSigned ? ::onnx::TensorProto::INT8
                                    : ::onnx::TensorProto::UINT8;
  else if (storage.width == 16)
    out.elemType = storage.isSigned ? ::onnx::TensorProto::INT16
                                    : ::onnx::TensorProto::UINT16;
  else
    out.elemType = ::onnx::TensorProto::INT32;
  return out;
}

/// The int32 accumulator grid of a product: scale s_x * s_w (per axis
/// `axis` when the weight has several).
quant::QuantizedType accumulatorGrid(MLIRContext *ctx, const Params &x,
                                     const Params &w, int32_t axis) {
  SmallVector<double> scales;
  for (double s : w.scales)
    scales.push_back(x.scales[0] * s);
  SmallVector<int64_t> zeros(scales.size(), 0);
  std::optional<int32_t> accAxis;
  if (w.axis)
    accAxis = axis;
  return makeGrid(ctx, Storage{32, true}, scales, zeros, accAxis);
}

//===----------------------------------------------------------------------===//
// QuantizeLinear, DequantizeLinear
//===----------------------------------------------------------------------===//

LogicalResult importQuantizeLinear(NodeImporter &n) {
  if (failed(n.checkInputs(2, 3)))
    return failure();
  FailureOr<int64_t> axisAttr = n.intAttr("axis", 1);
  FailureOr<int64_t> blockSize = n.intAttr("block_size", 0);
  FailureOr<int64_t> outputType = n.intAttr("output_dtype", 0);
  FailureOr<int64_t> saturate = n.intAttr("saturate", 1);
  FailureOr<const OnnxValue *> x = n.floatInput(0, "input");
  if (failed(axisAttr) || failed(blockSize) || failed(outputType) ||
      failed(saturate) || failed(x))
    return failure();
  if (*blockSize != 0)
    return n.error() << "QuantizeLinear: blocked quantization (block_size "
                     << *blockSize << ") is not supported";
  int64_t rank = (*x)->rank();
  int32_t dataType = static_cast<int32_t>(*outputType);
  if (dataType == 0)
    dataType = ::onnx::TensorProto::UNDEFINED;
  FailureOr<Params> p =
      readParams(n, 1, 2, rank, *axisAttr, dataType, "output");
  if (failed(p))
    return failure();
  if (p->storage.width == 32)
    return n.error() << "QuantizeLinear: int32 output is not supported (2 to "
                        "16 bit grids)";
  if (p->axis && (*x)->shape[*p->axis].isKnown() &&
      (*x)->shape[*p->axis].value != static_cast<int64_t>(p->scales.size()))
    return n.error() << "QuantizeLinear: " << p->scales.size()
                     << " scales for axis " << *p->axis << " of shape "
                     << formatShape((*x)->shape);
  auto type = tensorOf((*x)->shape, p->grid(n.imp.ctx));
  Value result = qnt::QuantizeOp::create(n.builder(), n.loc, type,
                                         n.imp.materialize(**x, n.loc));
  n.setOutput(0, integerTensor(n, result, (*x)->shape, p->storage));
  return success();
}

LogicalResult importDequantizeLinear(NodeImporter &n) {
  if (failed(n.checkInputs(2, 3)))
    return failure();
  FailureOr<int64_t> axisAttr = n.intAttr("axis", 1);
  FailureOr<int64_t> blockSize = n.intAttr("block_size", 0);
  if (failed(axisAttr) || failed(blockSize))
    return failure();
  if (*blockSize != 0)
    return n.error() << "DequantizeLinear: blocked quantization (block_size "
                     << *blockSize << ") is not supported";
  const OnnxValue &x = n.input(0);
  int64_t rank = x.rank();
  FailureOr<Params> p = readParams(
      n, 1, 2, rank, *axisAttr,
      x.isFloat() ? ::onnx::TensorProto::FLOAT : x.elemType, "input");
  if (failed(p))
    return failure();
  FailureOr<Value> input = integerInput(n, 0, "input", p->grid(n.imp.ctx));
  if (failed(input))
    return failure();
  Value result = qnt::DequantizeOp::create(n.builder(), n.loc,
                                           n.tensorType(x.shape), *input);
  n.setOutput(0, n.tensor(result, x.shape));
  return success();
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

/// The result shape of a matmul of two operands of rank >= 2.
FailureOr<SymShape> matmulShape(NodeImporter &n, ArrayRef<SymInt> a,
                                ArrayRef<SymInt> b) {
  if (a.size() < 2 || b.size() < 2)
    return n.error() << n.opType()
                     << ": operands of rank >= 2 are supported, got shapes "
                     << formatShape(a) << " and " << formatShape(b);
  SymInt kA = a.back(), kB = b[b.size() - 2];
  if (kA.isKnown() && kB.isKnown() && kA != kB)
    return n.error() << n.opType()
                     << ": contraction sizes differ: " << formatShape(a)
                     << " x " << formatShape(b);
  std::optional<SymShape> shape =
      broadcastShapes(n.imp, a.drop_back(2), b.drop_back(2));
  if (!shape)
    return n.error() << n.opType() << ": batch dims of " << formatShape(a)
                     << " and " << formatShape(b) << " do not broadcast";
  shape->push_back(a[a.size() - 2]);
  shape->push_back(b.back());
  return *shape;
}

/// QLinearMatMul (quantized) and MatMulInteger (unit grids).
LogicalResult importMatMulQuant(NodeImporter &n) {
  bool qlinear = n.opType() == "QLinearMatMul";
  if (failed(qlinear ? n.checkInputs(8, 8) : n.checkInputs(2, 4)))
    return failure();
  unsigned aIndex = 0, bIndex = qlinear ? 3 : 1;
  const OnnxValue &a = n.input(aIndex), &b = n.input(bIndex);
  FailureOr<SymShape> shape = matmulShape(n, a.shape, b.shape);
  if (failed(shape))
    return failure();
  int64_t bRank = b.rank();
  auto type = [](const OnnxValue &v) {
    return v.isFloat() ? ::onnx::TensorProto::FLOAT : v.elemType;
  };
  FailureOr<Params> pa =
      qlinear ? readParams(n, 1, 2, a.rank(), -1, type(a), "A")
              : readParams(n, ~0u, 2, a.rank(), -1, type(a), "A");
  FailureOr<Params> pb =
      qlinear ? readParams(n, 4, 5, bRank, bRank - 1, type(b), "B")
              : readParams(n, ~0u, 3, bRank, bRank - 1, type(b), "B");
  if (failed(pa) || failed(pb))
    return failure();
  if (pa->axis)
    return n.error() << n.opType()
                     << ": per-row zero points or scales of A are not "
                        "supported (qnt.matmul takes a per-tensor lhs)";
  if (pb->axis && b.shape.back().isKnown() &&
      b.shape.back().value != static_cast<int64_t>(pb->scales.size()))
    return n.error() << n.opType() << ": B has " << pb->scales.size()
                     << " per-column parameters for shape "
                     << formatShape(b.shape);
  MLIRContext *ctx = n.imp.ctx;
  FailureOr<Value> lhs = integerInput(n, aIndex, "A", pa->grid(ctx));
  FailureOr<Value> rhs = integerInput(n, bIndex, "B", pb->grid(ctx));
  if (failed(lhs) || failed(rhs))
    return failure();
  quant::QuantizedType acc =
      accumulatorGrid(ctx, *pa, *pb, static_cast<int32_t>(shape->size() - 1));
  Value product = qnt::MatMulOp::create(n.builder(), n.loc,
                                        tensorOf(*shape, acc), *lhs, *rhs,
                                        /*bias=*/Value());
  if (!qlinear) {
    n.setOutput(0, integerTensor(n, product, *shape, Storage{32, true}));
    return success();
  }
  FailureOr<Params> py = readParams(n, 6, 7, shape->size(), -1,
                                    ::onnx::TensorProto::UNDEFINED, "Y");
  if (failed(py))
    return failure();
  if (py->axis || py->storage.width == 32)
    return n.error() << "QLinearMatMul: Y must be quantized per tensor to 8 "
                        "or 16 bits";
  Value result = qnt::RequantizeOp::create(
      n.builder(), n.loc, tensorOf(*shape, py->grid(ctx)), product,
      qnt::RoundingModeAttr::get(ctx, qnt::RoundingMode::HalfToEven));
  n.setOutput(0, integerTensor(n, result, *shape, py->storage));
  return success();
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

/// The Conv attributes of a 2-D window (as ConvPoolOps.cpp reads them for
/// Conv): strides, dilations, pads [top, left, bottom, right] with auto_pad
/// resolved, and the output spatial sizes.
struct Window {
  SmallVector<int64_t, 2> strides, dilations;
  SmallVector<int64_t, 4> pads;
  SymShape outSpatial;
};

FailureOr<SmallVector<int64_t, 2>> pairAttr(NodeImporter &n, StringRef name) {
  FailureOr<std::optional<SmallVector<int64_t>>> v = n.intsAttr(name);
  if (failed(v))
    return failure();
  if (!*v)
    return SmallVector<int64_t, 2>{1, 1};
  if ((*v)->size() != 2 ||
      llvm::any_of(**v, [](int64_t x) { return x < 1 || x > (1 << 24); }))
    return n.error() << n.opType() << ": " << name << " " << formatInts(**v)
                     << " must have 2 positive entries (2-D window)";
  return SmallVector<int64_t, 2>((*v)->begin(), (*v)->end());
}

FailureOr<Window> readWindow(NodeImporter &n, ArrayRef<SymInt> in,
                             ArrayRef<int64_t> kernel) {
  Window w;
  FailureOr<SmallVector<int64_t, 2>> strides = pairAttr(n, "strides");
  FailureOr<SmallVector<int64_t, 2>> dilations = pairAttr(n, "dilations");
  FailureOr<std::optional<SmallVector<int64_t>>> pads = n.intsAttr("pads");
  FailureOr<std::string> autoPad = n.stringAttr("auto_pad", "NOTSET");
  if (failed(strides) || failed(dilations) || failed(pads) || failed(autoPad))
    return failure();
  w.strides = *strides;
  w.dilations = *dilations;
  w.pads.assign(4, 0);
  if (*pads) {
    if ((*pads)->size() != 4 ||
        llvm::any_of(**pads, [](int64_t p) { return p < 0 || p > (1 << 24); }))
      return n.error() << n.opType() << ": pads " << formatInts(**pads)
                       << " must have 4 non-negative entries";
    w.pads.assign((*pads)->begin(), (*pads)->end());
  }
  bool same = *autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER";
  if (!same && *autoPad != "NOTSET" && *autoPad != "VALID")
    return n.error() << n.opType() << ": unknown auto_pad '" << *autoPad << "'";
  for (int i = 0; i < 2; ++i) {
    int64_t extent = w.dilations[i] * (kernel[i] - 1) + 1;
    SymInt size = in[2 + i];
    if (same) {
      if (!size.isKnown())
        return n.error() << n.opType() << ": auto_pad " << *autoPad
                         << " needs static spatial dims";
      int64_t out = (size.value + w.strides[i] - 1) / w.strides[i];
      int64_t total =
          std::max<int64_t>(0, (out - 1) * w.strides[i] + extent - size.value);
      int64_t small = total / 2, large = total - small;
      w.pads[i] = *autoPad == "SAME_UPPER" ? small : large;
      w.pads[i + 2] = *autoPad == "SAME_UPPER" ? large : small;
    }
    if (!size.isKnown()) {
      w.outSpatial.push_back(n.imp.freshSymbol());
      continue;
    }
    int64_t span = size.value + w.pads[i] + w.pads[i + 2] - extent;
    if (span < 0)
      return n.error() << n.opType()
                       << ": the window does not fit the padded input of "
                          "shape "
                       << formatShape(in);
    w.outSpatial.push_back(SymInt::known(span / w.strides[i] + 1));
  }
  return w;
}

/// QLinearConv (quantized) and ConvInteger (unit grids).
LogicalResult importConvQuant(NodeImporter &n) {
  bool qlinear = n.opType() == "QLinearConv";
  if (failed(qlinear ? n.checkInputs(8, 9) : n.checkInputs(2, 4)))
    return failure();
  unsigned xIndex = 0, wIndex = qlinear ? 3 : 1;
  const OnnxValue &x = n.input(xIndex), &w = n.input(wIndex);
  if (x.rank() != 4)
    return n.error() << n.opType()
                     << ": only 2-D convolutions over rank-4 (NCHW) inputs "
                        "are supported, the input has shape "
                     << formatShape(x.shape);
  std::optional<SmallVector<int64_t>> wShape = knownValues(w.shape);
  if (!wShape || wShape->size() != 4)
    return n.error() << n.opType()
                     << ": the weight must have a static rank-4 shape, it "
                        "has shape "
                     << formatShape(w.shape);
  FailureOr<int64_t> group = n.intAttr("group", 1);
  FailureOr<std::optional<SmallVector<int64_t>>> kernelAttr =
      n.intsAttr("kernel_shape");
  if (failed(group) || failed(kernelAttr))
    return failure();
  ArrayRef<int64_t> kernel = ArrayRef<int64_t>(*wShape).drop_front(2);
  if (*kernelAttr && ArrayRef<int64_t>(**kernelAttr) != kernel)
    return n.error() << n.opType() << ": kernel_shape "
                     << formatInts(**kernelAttr)
                     << " does not match the weight shape "
                     << formatInts(*wShape);
  int64_t cOut = (*wShape)[0];
  if (*group < 1 || cOut % *group != 0 ||
      (x.shape[1].isKnown() && x.shape[1].value != (*wShape)[1] * *group))
    return n.error() << n.opType() << ": group " << *group
                     << " does not fit the input shape " << formatShape(x.shape)
                     << " and weight shape " << formatInts(*wShape);
  auto type = [](const OnnxValue &v) {
    return v.isFloat() ? ::onnx::TensorProto::FLOAT : v.elemType;
  };
  FailureOr<Params> px = qlinear ? readParams(n, 1, 2, 4, -1, type(x), "x")
                                 : readParams(n, ~0u, 2, 4, -1, type(x), "x");
  FailureOr<Params> pw = qlinear ? readParams(n, 4, 5, 4, 0, type(w), "w")
                                 : readParams(n, ~0u, 3, 4, 0, type(w), "w");
  if (failed(px) || failed(pw))
    return failure();
  if (px->axis)
    return n.error() << n.opType()
                     << ": the input must be quantized per tensor";
  if (pw->axis && static_cast<int64_t>(pw->scales.size()) != cOut)
    return n.error() << n.opType() << ": " << pw->scales.size()
                     << " weight parameters for " << cOut << " output channels";
  FailureOr<Window> win = readWindow(n, x.shape, kernel);
  if (failed(win))
    return failure();
  MLIRContext *ctx = n.imp.ctx;
  FailureOr<Value> input = integerInput(n, xIndex, "x", px->grid(ctx));
  FailureOr<Value> weight = integerInput(n, wIndex, "w", pw->grid(ctx));
  if (failed(input) || failed(weight))
    return failure();
  quant::QuantizedType acc = accumulatorGrid(ctx, *px, *pw, /*axis=*/1);
  Value bias;
  if (qlinear && n.hasInput(8)) {
    const OnnxValue &b = n.input(8);
    if (b.rank() != 1 || !b.shape[0].isKnown() || b.shape[0].value != cOut)
      return n.error() << "QLinearConv: the bias must be 1-D with " << cOut
                       << " elements, it has shape " << formatShape(b.shape);
    // The bias lives on the accumulator grid (its axis is 0).
    quant::QuantizedType biasGrid = acc;
    if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(acc))
      biasGrid = quant::UniformQuantizedPerAxisType::get(
          perAxis.getFlags(), perAxis.getStorageType(),
          perAxis.getExpressedType(), perAxis.getScales(),
          perAxis.getZeroPoints(), 0, perAxis.getStorageTypeMin(),
          perAxis.getStorageTypeMax());
    FailureOr<Value> value = integerInput(n, 8, "bias", biasGrid);
    if (failed(value))
      return failure();
    bias = *value;
  }
  SymShape outShape = {x.shape[0], SymInt::known(cOut), win->outSpatial[0],
                       win->outSpatial[1]};
  Value product = qnt::Conv2DOp::create(
      n.builder(), n.loc, tensorOf(outShape, acc), *input, *weight, bias,
      win->strides, win->pads, win->dilations, *group);
  if (!qlinear) {
    n.setOutput(0, integerTensor(n, product, outShape, Storage{32, true}));
    return success();
  }
  FailureOr<Params> py =
      readParams(n, 6, 7, 4, -1, ::onnx::TensorProto::UNDEFINED, "y");
  if (failed(py))
    return failure();
  if (py->axis || py->storage.width == 32)
    return n.error() << "QLinearConv: y must be quantized per tensor to 8 or "
                        "16 bits";
  Value result = qnt::RequantizeOp::create(
      n.builder(), n.loc, tensorOf(outShape, py->grid(ctx)), product,
      qnt::RoundingModeAttr::get(ctx, qnt::RoundingMode::HalfToEven));
  n.setOutput(0, integerTensor(n, result, outShape, py->storage));
  return success();
}

} // namespace

void onnx_import::registerQuantOps(OpTable &table) {
  table["QuantizeLinear"] = {
      importQuantizeLinear,
      13,
      {"axis", "block_size", "output_dtype", "saturate"}};
  table["DequantizeLinear"] = {
      importDequantizeLinear, 13, {"axis", "block_size"}};
  table["QLinearMatMul"] = {importMatMulQuant, 10, {}};
  table["MatMulInteger"] = {importMatMulQuant, 10, {}};
  SmallVector<StringRef, 8> convAttrs = {
      "auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"};
  table["QLinearConv"] = {importConvQuant, 10, convAttrs};
  table["ConvInteger"] = {importConvQuant, 10, convAttrs};
}
